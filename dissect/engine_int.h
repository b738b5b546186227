/* engine_int.h - the engine's state and the entry points its parts share
 * (correlation, ESP flows, proposals, NAT-D, detectors). Not for views: they
 * use include/engine.h. */
#ifndef IKESCOPE_ENGINE_INT_H
#define IKESCOPE_ENGINE_INT_H

#include <openssl/types.h>
#include <string.h>

#include "engine.h"
#include "esp.h"
#include "ike.h"
#include "table.h"

#define NO_SLOT UINT32_MAX

/* An encrypted IKEv2 answer that opens with a notify and is this short holds
 * an error notify and nothing else: header 28, SK header 4, IV up to 16,
 * a notify with a little data, padding and ICV. Successful answers carry
 * identities, AUTH and SA/TS payloads and are well over 200 bytes; some
 * implementations (Cisco) open those with a notify too, so the size decides. */
#define IKE2_ERROR_ONLY_MAX 128
#define NET_SEEN_SLOTS 64
/* ESP packets wait in batches of this many before their flow updates, so
 * the flow records of a batch are fetched from memory together rather than
 * one cache miss after another (esp_flow.c). */
#define ESP_BATCH 16

/* Keys are padded to whole 8-byte words (compared word by word). */
struct sa_key {
	uint8_t ispi[8];
	uint8_t version;
	uint8_t pad[7];
};

/* Two peers' addresses, the lower first, so either direction finds them. */
struct peer_key {
	uint8_t family;
	uint8_t pad[7];
	uint8_t lo[16], hi[16];
};

/* Slots + 1, 0 for none; flow[0] is the latest flow from lo to hi. */
struct peer_entry {
	uint32_t sa;
	uint32_t flow[2];
	uint32_t answered;         /* the latest SA of the two its responder answered */
	uint32_t unreachable;      /* the SA whose ike.peer_unreachable stands for the two */
	uint32_t unanswered;       /* the SA whose ike.no_response stands for the two */
};

struct flow_key {
	uint8_t family;
	uint8_t dst[16];
	uint8_t pad[3];
	uint32_t spi;
};

struct flow_guess {
	uint32_t slot;             /* + 1, 0 for none */
	uint32_t spi;
};

/* What a flow update needs of an ESP packet: the packet's bytes are gone
 * by the time its batch is drained. */
struct esp_pending {
	struct flow_key key;
	uint32_t guess;            /* index in engine.flow_guess */
	uint32_t slot;             /* the slot a guess named in the first pass, NO_SLOT if none */
	uint32_t hash;             /* without such a guess (or once it failed): key's table_hash */
	uint32_t peer_hash;        /* and pkey's, for a new flow */
	bool peers_ok;             /* pkey and peer_hash are set */
	unsigned dir;              /* the packet's direction in the peer entry */
	struct peer_key pkey;
	uint32_t seq;
	uint32_t size;             /* the ESP datagram's length */
	uint16_t sport, dport;
	uint8_t transport;
	uint8_t ip_frags;          /* IP fragments it came in, 0 if whole */
	struct addr src;
	int64_t ts_ns;
	int64_t now_ns;            /* engine time when it came: diagnoses it causes carry it */
	uint64_t frame;
};

struct engine {
	struct engine_config cfg;
	struct event_sink sink;
	struct engine_stats stats;
	struct table *sas;         /* key: struct sa_key */
	/* A bit per SA slot that may hold exchanges waiting for an answer (set
	 * when one starts waiting, cleared by the sweep): the sweep visits
	 * those, not every slot of the table. */
	uint64_t *pending_bits;
	/* ike.peer_unreachable diagnoses an answer may resolve: while there
	 * are none, answers look nothing up for them. */
	uint32_t unreach_open;
	struct table *flows;       /* key: struct flow_key */
	struct table *peers;       /* key: struct peer_key -> struct peer_entry */
	struct diagnosis *diags;   /* cfg.max_diagnoses, kept in order until full */
	size_t ndiags;
	/* Where the kept info and warning diagnoses are: once the report's
	 * room is full, a more severe one takes the place of the latest kept
	 * of the least severity (diag.c). */
	uint32_t *kept_at[SEV_ERROR];
	size_t nkept[SEV_ERROR];
	int64_t now_ns;            /* latest packet time */
	int64_t input_end_ns;      /* the input's last frame, of any kind (engine_note_input_end), or 0 */
	int64_t next_sweep_ns;
	bool finished;
	unsigned char msg_key[16];  /* SipHash key for IKE message identity (ike_sa.c) */
	EVP_MD_CTX *md_ctx;        /* reused by every NAT-D digest (natd.c) */
	struct diagnosis scratch;  /* the diagnosis being built (diag.c) */
	/* Diagnoses with no SA or flow to hold their raised bit (ICMP errors, IP
	 * fragments, TCP encapsulation): a small direct-mapped memory of what was
	 * already said, so a flood of them yields few events (detect_net.c). */
	uint64_t net_seen[NET_SEEN_SLOTS];
	struct esp_pending esp_q[ESP_BATCH];
	unsigned esp_nq;
	/* Where flows were last found, two to a line, indexed by a plain mix
	 * of SPI and destination: a packet of a known flow costs no SipHash,
	 * only a check of the key in the slot. The index is the sender's to
	 * choose, so colliding flows just miss here and take the table's
	 * seeded lookup (esp_flow.c). */
	struct flow_guess (*flow_guess)[2];
	unsigned flow_guess_bits;
	/* Scratch for the message being dissected: no allocation per packet. */
	struct ike_msg ike;
	struct esp_info esp;
	struct ah_info ah;
};

/* An IKE message whose IP fragments never all arrived (engine.c): only
 * its header is known, and its receiver never got it. */
static inline bool unit_ike_incomplete(const struct unit *u)
{
	return u->ip_frags && u->len < u->orig_len;
}

/* Same family and address (IPv4 compares its 4 bytes only). */
static inline bool engine_addr_eq(const struct addr *a, const struct addr *b)
{
	return a->family == b->family && memcmp(a->a, b->a, a->family == ADDR_V4 ? 4 : 16) == 0;
}

/* Whether a and b are the SA's two peers, in either order. */
static inline bool ike_sa_has_peers(const struct ike_sa *sa, const struct addr *a, const struct addr *b)
{
	return (engine_addr_eq(&sa->init_ip, a) && engine_addr_eq(&sa->resp_ip, b)) ||
	       (engine_addr_eq(&sa->init_ip, b) && engine_addr_eq(&sa->resp_ip, a));
}

/* engine.c */
void engine_emit(struct engine *e, const struct event *ev);
struct ike_sa *engine_sa_mut(struct engine *e, uint32_t slot);
struct esp_flow *engine_flow_mut(struct engine *e, uint32_t slot);

/* ike_sa.c: correlation of IKE messages into SAs and exchanges. */
void ike_sa_update(struct engine *e, const struct unit *u, const struct ike_msg *m);
/* Times out exchanges pending longer than the timeout at now_ns, and with
 * final (the end of the capture, or of the SA's time in the table) those
 * retransmitted: of one SA, or of all. */
void ike_sa_expire(struct engine *e, struct ike_sa *sa, int64_t now_ns, bool final);
void ike_sa_sweep(struct engine *e, int64_t now_ns, bool final);
/* Finds the SA whose peers are these two addresses (either order), most recent first. */
uint32_t ike_sa_find_by_peers(struct engine *e, const struct addr *a, const struct addr *b);
/* ike_exch.c: exchanges within an SA. False when the message does not
 * count: an answer its requester never got in full (answer_set_aside). */
bool ike_exch_track(struct engine *e, struct ike_sa *sa, const struct unit *u,
		    const struct ike_msg *m, bool from_init);
/* An IKEv1 error notify closes the exchange the other side waits on. */
void ike_exch_close_with_error(struct engine *e, struct ike_sa *sa,
			       const struct unit *u, bool from_init, uint16_t type);
/* The first cleartext error notify of a message, 0 if none. */
uint16_t ike_first_error_notify(const struct ike_msg *m);
/* The first encrypted payload type, for an unfragmented message or the
 * first IKE fragment; 0 otherwise. */
uint8_t ike_first_fragment_np(const struct ike_msg *m);
/* peers.c: the entry of two addresses, NULL if absent or of different
 * families. */
struct peer_entry *peers_find(struct engine *e, const struct addr *a, const struct addr *b);
/* The same in steps, for a caller that prefetches or creates: the key (false
 * if the families differ) and in *dir the index in flow[] of the direction
 * from a to b; then the entry by key and its table_hash. */
bool peers_key(const struct addr *a, const struct addr *b, struct peer_key *k, unsigned *dir);
struct peer_entry *peers_get(struct engine *e, const struct peer_key *k, uint32_t h, bool create);
/* Finds or creates the entry, trying first the slot *hint (slot + 1, 0 for
 * none) where it was last, then updating it: a caller that comes back often
 * (each message of an IKE SA) skips the hashing and the bucket. */
struct peer_entry *peers_get_remembered(struct engine *e, const struct peer_key *k, uint32_t *hint);
/* Records the SA as the latest of its two peers (for ike_sa_find_by_peers). */
void ike_sa_index_peers(struct engine *e, struct ike_sa *sa, uint32_t slot);
/* Finds the SA by initiator SPI and version. */
uint32_t ike_sa_find(struct engine *e, const uint8_t ispi[8], uint8_t version);
void ike_sa_note_copy(struct engine *e, const struct unit *u);
void ike_sa_evicted(void *ctx, uint32_t slot, void *val);

/* esp_flow.c: ESP flows and sequence analysis. */
/* Queues the packet's flow update; the queue is drained when full. */
void esp_flow_enqueue(struct engine *e, const struct unit *u, const struct esp_info *esp);
/* Applies the queued updates: before anything else looks at flows. */
void esp_flow_drain(struct engine *e);
void esp_flow_sweep(struct engine *e, bool final);
void esp_flow_evicted(void *ctx, uint32_t slot, void *val);
/* An IKE SA's child SPIs became stale (delete, INVALID_SPI, replaced): proven
 * by a cleartext notify or delete. dst is required (the SPI's receiver, i.e.
 * the sender of the notify or delete); NULL does nothing, because finding an
 * SPI under any destination would need a scan or a second index. A paired
 * reverse flow is marked too. */
void esp_flow_mark_stale(struct engine *e, uint32_t spi, const struct addr *dst, int64_t ns);
/* The same, inferred (a rekey replaced the SA): esp.stale_spi is then only likely. */
void esp_flow_mark_replaced(struct engine *e, uint32_t spi, const struct addr *dst, int64_t ns);
/* child_end.c: payload i of m, when a cleartext IKEv1 Delete or INVALID_SPI
 * naming ESP SPIs, marks the flows towards its sender on them stale for
 * certain. */
void ike_child_end(struct engine *e, const struct ike_msg *m, unsigned i, const struct unit *u);
/* The flow slot for (dst, spi), or NO_SLOT (marks it recently used; drains
 * the queue first). */
uint32_t esp_flow_find(struct engine *e, const struct addr *dst, uint32_t spi);

/* esp_seq.c: a flow's sequence analysis. start: its first packet's number;
 * update: each later one's, with the packet's frame and time as evidence. */
void esp_seq_start(struct esp_flow *f, uint64_t top);
void esp_seq_update(struct esp_flow *f, uint32_t seq32, uint64_t frame, int64_t ns);
/* Of the last n sequence numbers up to the highest (at most the window's
 * 1024, none before the sequence (re)started), those not seen: gaps a late
 * packet may still fill. */
uint64_t esp_seq_open(const struct esp_flow *f, uint64_t n);

/* esp_pair.c: a flow's ties to its other direction and to an IKE SA. */
/* A new flow (in slot) looks up its peers in the index, once: the latest
 * IKE SA between them and the latest flow the other way. */
void esp_flow_associate(struct engine *e, uint32_t slot, struct esp_flow *f,
			const struct esp_pending *p);
/* Ties the flow to the SA in sa_slot (NO_SLOT: none) if that slot still
 * holds an SA of its peers; returns it, or NULL. */
struct ike_sa *esp_flow_tie_sa(struct engine *e, struct esp_flow *f, uint32_t sa_slot);
/* Ties the latest flow each way between the SA's peers to it if they have
 * no SA, as the end of the capture would if the SA is still their latest:
 * an SA judged before the end (evicted) sees the ESP that came after it. */
void esp_flow_tie_orphans(struct engine *e, struct ike_sa *sa, uint32_t slot);
/* The flow's IKE SA if its slot still holds an SA of the same peers, else NULL. */
struct ike_sa *esp_flow_sa(struct engine *e, const struct esp_flow *f);
/* The flow's other direction if its slot still holds it, else NULL. */
struct esp_flow *esp_flow_reverse_mut(struct engine *e, const struct esp_flow *f);

/* detect_net.c: ICMP errors, incomplete IP datagrams, TCP encapsulation. */
void detect_icmp(struct engine *e, const struct unit *u);
/* An exchange of sa was answered: an ike.peer_unreachable its IKE, or that
 * of another SA of the same two hosts, drew is resolved, and the same error
 * later is said anew. */
void detect_unreachable_answered(struct engine *e, struct ike_sa *sa, const struct unit *u);
void detect_frag_expired(struct engine *e, const struct unit *u);
void detect_tcp_event(struct engine *e, const struct unit *u);
/* detect_capture.c: what the capture itself holds (UNIT_IFACE_COPIES). */
void detect_iface_copies(struct engine *e, const struct unit *u);

/* Notify numbers that have detectors of their own (detect_ike*.c) (same in both versions
 * where they overlap, RFC 2408 section 3.14.1 and RFC 7296 section 3.10.1). */
#define N_UNSUPPORTED_CRITICAL_PAYLOAD 1 /* IKEv2 */
#define N_V1_INVALID_PAYLOAD_TYPE 1       /* IKEv1 */
#define N_INVALID_IKE_SPI 4
#define N_INVALID_MAJOR_VERSION 5
#define N_INVALID_SPI 11
#define N_NO_PROPOSAL_CHOSEN 14
#define N_PAYLOAD_MALFORMED 16
#define N_INVALID_KE_PAYLOAD 17
#define N_INVALID_HASH_INFORMATION 23
#define N_AUTHENTICATION_FAILED 24
#define N_TS_UNACCEPTABLE 38
#define N_V1_INVALID_ID_INFORMATION 18

/* detect_ike.c: IKE detectors, run when an exchange ends and at the end;
 * detect_notify.c: when a cleartext error notify arrives. */
/* The exchange of a request (its message ID and type, sent by the SA's
 * initiator or not) still in the SA's ring, or NULL. */
struct exch *ike_exch_of_request(struct ike_sa *sa, uint32_t msg_id, uint8_t type, bool by_init);
void detect_ike_exchange(struct engine *e, struct ike_sa *sa, struct exch *x);
void detect_ike_notify(struct engine *e, struct ike_sa *sa, const struct ike_msg *m,
		       const struct unit *u, uint16_t type);
void detect_ike_final(struct engine *e, struct ike_sa *sa);
/* An SA of two hosts came up: the earlier ike.no_response of another SA of
 * theirs, begun before it, no longer holds. */
void detect_no_response_superseded(struct engine *e, const struct ike_sa *up, const struct unit *u);
/* A request resent again and again after its answers were seen here. */
void detect_ike_response_lost(struct engine *e, struct ike_sa *sa, const struct exch *x);
/* Shared by the IKE detectors: "no answer reached this capture point"
 * unless the capture sits at the receiver; nanoseconds as seconds; the
 * exchange's request copies and answer as evidence; committing a diagnosis
 * that a timeout of x raised, so that an answer after all resolves it. */
const char *detect_no_answer_phrase(const struct ike_sa *sa, bool from_init);
double detect_seconds(int64_t ns);
void detect_evidence_exch(struct diagnosis *d, const struct exch *x);
void detect_commit_on_exch(struct engine *e, struct exch *x, struct diagnosis *d);
/* detect_liveness.c: unanswered liveness checks (ike.dpd_timeout): an IKEv2
 * INFORMATIONAL that timed out, and at the end an IKEv1 SA's last
 * informationals. */
void detect_dpd_timeout(struct engine *e, struct ike_sa *sa, struct exch *x);
void detect_ike1_dpd(struct engine *e, struct ike_sa *sa);

/* detect_esp.c: ESP detectors at sweeps and at the end. */
void detect_esp_flow(struct engine *e, struct esp_flow *f, bool final);

/* proposals.c: SA payloads into struct proposal_set. */
void proposals_from_ike2(const uint8_t *body, size_t len, struct proposal_set *out);
void proposals_from_ike1(const uint8_t *body, size_t len, struct proposal_set *out);

/* natd.c: NAT_DETECTION hash checks against the addresses seen here. */
void natd_check(struct engine *e, struct ike_sa *sa, const struct ike_msg *m, const struct unit *u);

/* natd.c: the nat.detected diagnosis for an SA, at the end. */
void natd_diagnose(struct engine *e, struct ike_sa *sa);
/* ike2_sk.c: the bytes of an IKEv2 message of msg_len bytes, holding one
 * Encrypted payload, that are its inner payloads, padding and pad length,
 * under the chosen proposal; false when its transforms are not known. */
bool ike2_sk_inner_len(const struct proposal *chosen, uint32_t msg_len, uint32_t *inner);
/* Whether the NAT-D hashes say the initiator's address is translated, as
 * nat.detected judges it (a wrong hash at its own host is forced
 * encapsulation, unless only its port is translated). */
bool natd_initiator_translated(const struct ike_sa *sa);

/* cappos.c: where the capture point sits, from TTLs and timing. */
void capture_pos_update(struct ike_sa *sa);

/* diag.c: making diagnoses. Returns NULL if already raised for this SA/flow. */
struct diagnosis *diag_begin_sa(struct engine *e, struct ike_sa *sa, unsigned code, unsigned sev,
				unsigned conf);
struct diagnosis *diag_begin_flow(struct engine *e, struct esp_flow *f, unsigned code, unsigned sev,
				  unsigned conf);
struct diagnosis *diag_begin(struct engine *e, unsigned code, unsigned sev, unsigned conf);
void diag_evidence(struct diagnosis *d, uint64_t frame, int64_t ns);
void diag_message(struct diagnosis *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void diag_hint(struct diagnosis *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Names for messages: the IANA name, or "notify 1234" / "exchange 99". */
const char *diag_notify_name(unsigned version, unsigned type, char *buf, size_t len);
const char *diag_exch_name(unsigned version, unsigned type, char *buf, size_t len);
/* An address as text for messages (inet_ntop); buf needs 46 bytes. */
const char *diag_addr(const struct addr *a, char *buf, size_t len);
/* "192.0.2.1:500", "[2001:db8::1]:500". */
const char *diag_endpoint(const struct addr *a, uint16_t port, char *buf, size_t len);
/* Emits the diagnosis event and keeps it for the report; returns where it
 * is kept + 1, 0 if it was not. */
uint32_t diag_commit(struct engine *e, struct diagnosis *d);
/* The SA's diagnosis of this code, raised when a request timed out, was
 * wrong: the request was answered after all (frame, ns). at and sev are what
 * the exchange noted when it was raised; how: enum diag_resolved. Emits it
 * again, resolved; it no longer counts for the worst severity. */
void diag_resolve(struct engine *e, struct ike_sa *sa, unsigned code, unsigned sev, uint32_t at,
		  uint64_t frame, int64_t ns, unsigned how);
/* The same for a flow's diagnosis that a later packet of the flow proved
 * no longer holds (frame, ns); at is where diag_commit kept it + 1. */
void diag_resolve_flow(struct engine *e, struct esp_flow *f, unsigned code, unsigned sev, uint32_t at,
		       uint64_t frame, int64_t ns);

#endif
