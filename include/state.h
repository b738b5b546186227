/* state.h - what the engine knows, as plain structs the views read: IKE SAs
 * with their exchanges and negotiated algorithms, ESP flows with sequence
 * analysis, and diagnoses. Views get const pointers through the query
 * functions in engine.h and never change them. All sizes are fixed so memory
 * per SA and per flow is known (see make bench). */
#ifndef IKESCOPE_STATE_H
#define IKESCOPE_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "frame.h"

/* ---- algorithms ------------------------------------------------------- */

/* A transform in IKEv2 terms; IKEv1 attributes are mapped onto the same
 * types so the two versions compare and print alike. */
enum xform_type {
	XF_ENCR = 1,
	XF_PRF = 2,
	XF_INTEG = 3,
	XF_KE = 4,
	XF_ESN = 5,
	XF_ADDKE1 = 6, /* 6..12: RFC 9370 additional key exchanges */
	XF_V1_AUTH = 100, /* IKEv1 authentication method (PSK, RSA sig, XAUTH...) */
};

struct xform {
	uint8_t type;    /* enum xform_type */
	uint16_t id;     /* IKEv2 transform ID; for IKEv1 mapped to the IKEv2 ID when one exists */
	uint16_t keylen; /* bits, 0 = none given */
	uint16_t v1_id;  /* IKEv1 attribute value as sent (0 for IKEv2) */
};

#define PROP_MAX_XFORMS 16
#define PROPSET_MAX 6

struct proposal {
	uint8_t num;
	uint8_t proto;   /* 1 IKE/ISAKMP, 2 AH, 3 ESP */
	uint8_t nx;
	uint8_t v1;      /* parsed from IKEv1 */
	uint32_t spi;    /* child SA proposals: the SPI (4-byte SPIs only) */
	struct xform x[PROP_MAX_XFORMS];
};

struct proposal_set {
	uint8_t n;
	uint8_t truncated; /* more proposals were offered than kept */
	struct proposal p[PROPSET_MAX];
};

/* ---- exchanges -------------------------------------------------------- */

enum exch_outcome {
	EXO_PENDING = 0,  /* request seen, no response yet */
	EXO_ANSWERED,     /* response seen */
	EXO_ERROR,        /* response carried a cleartext error notify */
	EXO_TIMEOUT,      /* retransmitted, no response before the timeout or end of capture */
	EXO_REFUSED,      /* IKEv1: an encrypted informational from the peer instead of the response */
};

/* What an ICMP error says about the datagram it quotes. */
enum icmp_kind {
	IK_OTHER = 0,
	IK_NET,      /* network unreachable (no route) */
	IK_HOST,     /* host unreachable */
	IK_PROTO,    /* protocol unreachable */
	IK_PORT,     /* port unreachable: nothing listens there */
	IK_ADMIN,    /* administratively prohibited (a firewall) */
	IK_TOO_BIG,  /* fragmentation needed / packet too big */
};

#define EXCH_MAX_GAPS 8
#define EXCH_FRAGS_TRACKED 64 /* IKE fragment numbers tracked per request: 1..64 */

/* One request/response pair (IKEv2), or one IKEv1 exchange step. */
struct exch {
	uint32_t msg_id;
	uint8_t type;          /* exchange type */
	uint8_t by_initiator;  /* sent by the IKE SA's original initiator */
	uint8_t outcome;       /* enum exch_outcome */
	uint8_t nreq;          /* request copies seen (1 + retransmissions) */
	uint8_t nresp;         /* response copies seen */
	uint8_t ngaps;
	uint8_t req_sk_np;     /* first encrypted payload type (IKEv2), 0 if none/empty */
	uint8_t resp_sk_np;
	uint8_t req_frags;     /* IKE fragments (SKF) of the request seen, and their total */
	uint8_t req_frag_total;
	uint8_t req_ip_frags;  /* IP fragments of the (reassembled) request */
	uint8_t icmp_kind;     /* enum icmp_kind of the first ICMP error quoting the request */
	uint16_t resp_notify;  /* first cleartext error notify in the response, 0 if none */
	uint8_t step;          /* IKEv1 phase 1: message number 1..6 (main) / 1..3 (aggressive) */
	uint8_t req_partial : 1;   /* only incomplete copies of the request seen so far */
	uint8_t req_from_host : 1; /* its first copy was captured leaving the capture host (unit.outgoing) */
	uint8_t req_natt : 1;      /* its first copy went over UDP 4500 (NAT traversal) */
	uint8_t req_after_resp;/* request copies sent after a response was seen */
	uint8_t resp_incomplete; /* answers whose IP fragments never all arrived, the request resent after */
	uint8_t diag_code;     /* code + 1 of the diagnosis its timeout raised, 0 if none: */
	uint8_t diag_sev;      /* an answer after all resolves it (and its severity) */
	uint32_t diag_at;      /* where it is kept for the report + 1, 0 if not kept */
	uint32_t req_len, resp_len;
	uint32_t resp_frag_copy; /* IKE fragment numbers 1..32 of the response copy arriving now */
	uint32_t refuse_len;   /* an encrypted informational from the peer while this waited, */
	uint32_t resp_unforwarded_if; /* the answer reached the capture host on this interface and
				       was not forwarded (unit.unforwarded), else 0 */
	uint64_t refuse_frame; /* IKEv1's way to refuse (0 if none): judged when the wait ends */
	int64_t refuse_ns;
	uint64_t icmp_frame;   /* that ICMP error (0 if none) */
	int64_t icmp_ns;
	uint64_t req_frame, req_frame_last, resp_frame;
	int64_t req_ns, req_ns_last, resp_ns;
	uint32_t gap_ms[EXCH_MAX_GAPS]; /* intervals between request copies */
	uint64_t req_hash;     /* of the request bytes: a retransmission repeats them */
	uint64_t req_frag_seen;/* bitmap of IKE fragment numbers 1..EXCH_FRAGS_TRACKED seen in the request */
	uint64_t req_frag_copy;/* the same for the copy of the set arriving now: a number again starts the next */
	uint64_t resp_hash;    /* of the first response: the responder may resend it */
};

/* ---- IKE SAs ------------------------------------------------------------ */

enum sa_state {
	SAS_CONNECTING = 0, /* initial exchange in progress */
	SAS_AUTHENTICATING, /* IKE_SA_INIT / phase 1 keying done, authentication in progress */
	SAS_ESTABLISHED,    /* authentication answered without a visible error */
	SAS_FAILED,         /* an error ended the negotiation */
	SAS_DELETED,        /* a Delete of the IKE SA was seen (IKEv1 in clear; IKEv2 deletes are encrypted) */
};

/* Where the capture point sits relative to the peers (inferred). */
enum capture_pos {
	POS_UNKNOWN = 0,
	POS_INITIATOR,  /* captured on the initiator's host */
	POS_RESPONDER,  /* captured on the responder's host */
	POS_PATH,       /* somewhere in between */
};

enum natd_verdict {
	NATD_UNKNOWN = 0,  /* no NAT-D payloads, or not computable */
	NATD_MATCH,        /* the hash matches the address and port seen here */
	NATD_MISMATCH,     /* it does not: translated before this point, or forced encapsulation */
};

#define SA_MAX_EXCH 16
#define SA_MAX_NOTIFIES 8

struct sa_notify {
	uint16_t type;
	uint8_t by_initiator;
	uint8_t exch_type;
	uint64_t frame;
	int64_t ns;
};

enum nat_here {
	NAT_HERE_NONE,
	NAT_HERE_INITIATOR,
	NAT_HERE_RESPONDER,
};

struct ike_sa {
	uint8_t ispi[8], rspi[8];
	uint8_t version;              /* 1 or 2 */
	uint8_t state;                /* enum sa_state */
	uint8_t v1_mode;              /* IKEv1: 2 main, 4 aggressive */
	uint8_t transport;            /* enum transport of the latest message */
	uint8_t moved_to_4500;        /* switched from UDP 500 to 4500 (NAT-T or MOBIKE) */
	uint8_t port_changed;         /* endpoints changed after the first exchange (MOBIKE, NAT rebinding) */
	uint8_t tcp;                  /* RFC 8229 seen */
	uint8_t cap_pos;              /* enum capture_pos */
	uint8_t roles_guessed;        /* IKEv1 first seen after its first message: roles inferred */
	struct addr init_ip, resp_ip;
	uint16_t init_port, resp_port;
	uint8_t init_ttl, resp_ttl;   /* last TTL / hop limit seen from each side */
	int64_t first_ns, last_ns;
	uint64_t first_frame, last_frame;
	uint32_t msgs_from_init, msgs_from_resp;
	uint32_t retransmits;

	struct proposal_set offered;  /* initiator's IKE SA proposals */
	struct proposal chosen;       /* responder's choice (cleartext IKE_SA_INIT / phase 1 response) */
	uint8_t have_offer, have_chosen;
	uint16_t ke_group;            /* group of the initiator's KE payload */
	uint16_t invalid_ke_group;    /* group asked for by INVALID_KE_PAYLOAD, 0 if none */
	uint8_t invalid_ke_retried;   /* the initiator retried with that group */
	uint8_t ke_retry_ispi[8];     /* the retry's SPI, when it opened a new IKE SA */
	uint32_t ke_retry_slot;       /* and its slot + 1, 0 if none */
	uint64_t ke_retry_frame;      /* the retried request */
	int64_t ke_retry_ns;

	uint8_t frag_init, frag_resp; /* IKEv2 fragmentation supported by each side */
	uint8_t childless_resp;       /* the responder takes IKE SAs without a child SA (RFC 6023) */
	uint8_t natd_init_src, natd_init_dst, natd_resp_src, natd_resp_dst; /* enum natd_verdict */
	/* A source hash mismatch that the address seen with port 500 matches:
	 * only that side's port was translated (natd.c). */
	uint8_t natd_init_port_only, natd_resp_port_only;
	uint8_t init_port_translated; /* initiator sent from a port other than 500 to 500: NAT */
	uint8_t reply_moved;          /* the responder answered from reply_src, not reply_asked, */
	struct addr reply_src, reply_asked; /* where the initiator's request went (latest such answer) */
	uint64_t natd_frame_init, natd_frame_resp; /* last message with NAT-D from each side, 0 if none */
	int64_t natd_ns_init, natd_ns_resp; /* and its time: a copy of a response is in no exchange */
	uint32_t keepalives;
	/* This host forwards the SA's messages: their copies left it on another
	 * interface (iface_copies.c), so the capture sits between the peers.
	 * Where a copy's addresses differ, the host translates one peer's
	 * (nat_here, enum nat_here): that peer's endpoint [0] on interface
	 * nat_here_if[0] (the kept one) is [1] on nat_here_if[1] (the latest
	 * such copy). */
	uint8_t forwarded_here;
	uint8_t seen_kept;            /* a message seen on the kept interface (not unit.unforwarded) */
	uint8_t nat_here;
	uint16_t nat_here_port[2];
	struct addr nat_here_ip[2];
	uint32_t nat_here_if[2];
	uint32_t kept_if;             /* interface of the latest message seen on the kept one */

	uint64_t vendors[2];          /* bitmap of vendor_id indexes seen */

	uint8_t nexch;                /* exchanges kept (ring of the latest SA_MAX_EXCH) */
	uint16_t exch_total;          /* exchanges seen in all */
	struct exch ex[SA_MAX_EXCH];
	uint8_t nnotify;
	struct sa_notify notify[SA_MAX_NOTIFIES];

	uint32_t diag_raised;         /* bitmap of enum diag_code raised for this SA */
	uint32_t child_flows;         /* ESP flows associated with this SA */
	uint32_t esp_last[2];         /* latest ESP flow slot + 1 from the initiator [0] / responder [1], 0 if none */
	uint32_t esp_prev[2];         /* the one before it each way: a second child SA, or the pair a rekey replaced */
	uint32_t peer_slot;           /* slot + 1 of the SA's peer index entry when last indexed, 0 if none */
	uint32_t ip_frag_lost;        /* IP datagrams between the peers whose fragments never completed */
	uint8_t pending;              /* exchanges waiting for a response */
	uint8_t auth_sk_np;           /* first encrypted payload of the authentication response */
	uint8_t icmp_refused;         /* an ICMP unreachable or prohibited quoted its traffic */
	/* That ICMP quoted IKE and raised ike.peer_unreachable, kept at
	 * unreach_diag - 1 (0: not kept): a later answer resolves it. */
	uint8_t unreach_ike;
	uint32_t unreach_diag;
	/* An IKEv1 phase 1 refusal said in clear (a diagnosis of code
	 * p1_refusal_code, kept at p1_refusal_at - 1, severity
	 * p1_refusal_sev), which a later answer of phase 1 proves was not the
	 * end: some implementations refuse and then go on. */
	uint8_t resp_natt_seen;       /* a message of the responder's came over UDP 4500 */
	uint8_t p1_refusal_code;
	uint8_t p1_refusal_sev;
	uint32_t p1_refusal_at;
	int64_t p1_refusal_ns;        /* the refusal's time */
	/* While its ike.no_response stands: slot + 1 of the two hosts' SA whose
	 * own stood before it (peers index: the latest), 0 if none. */
	uint32_t unanswered_prev;
	int64_t delete_ns;            /* last exchange that carried a Delete (visible type) */
	int64_t rekey_ns;             /* last answered CREATE_CHILD_SA / quick mode */
	int64_t last_init_ns, last_resp_ns; /* last message from each side */
	int64_t established_ns;
	uint64_t established_frame;
	uint64_t restart_frame;       /* the initiator's next IKE SA, opened soon after this one came up */
	int64_t restart_ns;
	/* The latest ICMP port unreachable for UDP 500/4500 from the
	 * initiator's own host [0] / the responder's [1]: its IKE daemon (which
	 * owns the ESP-in-UDP socket too) was not running. Frame 0: none. */
	uint64_t port_closed_frame[2];
	int64_t port_closed_ns[2];
	/* The latest ICMP network or host unreachable, or prohibited, from a
	 * router (not the peer's own host), quoting the SA's traffic to the
	 * initiator [0] / the responder [1]: the path to it was broken
	 * (path_refused_kind: enum icmp_kind). */
	uint64_t path_refused_frame[2];
	int64_t path_refused_ns[2];
	uint8_t path_refused_kind[2];
};

/* ---- ESP flows ------------------------------------------------------------ */

enum esp_stale {
	ESP_STALE_NO = 0,
	ESP_STALE_REPLACED,  /* inferred: a rekey replaced the SA */
	ESP_STALE_PROVEN,    /* a cleartext INVALID_SPI notify or delete says so */
};

#define ESP_WIN_BITS 1024         /* the larger receiver window analysed */
#define ESP_WIN_WORDS 17          /* ring of 64-bit words: 1024 bits plus the word being filled */
#define ESP_MARK_EVERY 4          /* esp_flow.mark_ms */

/* A packet time as esp_flow's marks keep it: milliseconds, mod 2^32. */
static inline uint32_t esp_mark_ms(int64_t ns)
{
	return (uint32_t)(uint64_t)(ns / 1000000);
}

/* Whether mark a is later than b, for marks less than 24 days apart. */
static inline bool esp_mark_after(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}
#define ESP_SIZE_BUCKETS 8        /* <128 <256 <512 <1024 <1280 <1400 <1500 >=1500 */

struct esp_flow {
	/* Read or written by every packet, so first: with the table's 40-byte
	 * record head and key before them they fill two cache lines exactly
	 * (88 bytes; records start on a line, table.c), fetched ahead with the
	 * window word a packet lands in (esp_flow.c). */
	uint64_t packets, bytes;
	int64_t last_ns;
	uint64_t last_frame;
	uint64_t seq_top;             /* highest sequence number (64-bit with ESN inference) */
	/* The times, in milliseconds mod 2^32 (esp_mark_ms), of the latest
	 * packet whose count was a multiple of ESP_MARK_EVERY and of the one
	 * ESP_MARK_EVERY before: packets after a time t number at least
	 * ESP_MARK_EVERY + 1 when mark_prev_ms is after t, with no list of
	 * packet times. */
	uint32_t mark_ms, mark_prev_ms;
	uint16_t size_min, size_max;  /* ESP datagram lengths (at most 65535) */
	/* While an esp.mtu_blackhole from an ICMP "too big" stands (mtu_diag):
	 * the datagram length it refused, and the whole packets since that fill
	 * the path MTU (mtu_path). */
	uint16_t mtu_refused;
	uint8_t mtu_fits;
	uint8_t stale;                /* enum esp_stale: SA replaced, deleted, or answered with INVALID_SPI */
	uint32_t size_hist[ESP_SIZE_BUCKETS];

	/* Sequence analysis against a receiver's anti-replay window. */
	uint64_t win[ESP_WIN_WORDS];  /* ring: bit (s % 64) of word (s / 64) % ESP_WIN_WORDS = s received */
	uint64_t lost;                /* numbers skipped and not (yet) seen */
	uint64_t reordered;           /* arrived below the top, inside the window */
	uint64_t duplicates;          /* the same number twice inside the window */
	uint64_t late64, late1024;    /* below a 64 / 1024 packet window: a receiver drops them */
	uint64_t seq_first;           /* the first number since the sequence (re)started */
	uint32_t restarts;            /* the sequence started again from a low number */
	uint32_t esn_rollovers;       /* the low 32 bits wrapped (ESN) */

	uint16_t mtu_path;            /* the path MTU that ICMP error gave, 0 if none */
	uint8_t transport;            /* udp4500, tcp or raw esp */
	uint8_t sa_heuristic;         /* association with the IKE SA is inferred from addresses */
	uint8_t ike_seen;             /* an IKE SA of these peers was seen, even if since evicted */
	uint32_t spi;

	struct addr src, dst;
	uint16_t sport, dport;
	uint16_t frags_lost;          /* larger packets that reached here as incomplete IP fragments */
	uint16_t sa_tag;              /* two bytes of that SA's initiator SPI: its slot may change hands */
	uint32_t mtu_diag;            /* where that esp.mtu_blackhole is kept + 1 (diag_commit), 0 if none */
	int64_t first_ns;
	uint64_t first_frame;
	int64_t stale_since_ns;
	uint64_t stale_frame;         /* first packet counted in stale_packets */
	int64_t stale_ns;
	uint64_t stale_packets;
	uint32_t reverse;             /* flow slot of the other direction, or UINT32_MAX */
	uint32_t sa;                  /* IKE SA slot, or UINT32_MAX */
	uint32_t diag_raised;
	uint32_t reverse_spi;         /* the other direction's SPI: the slot may change hands */
	/* First packet showing each problem, 0 if none: evidence for the detectors. */
	uint64_t gap_frame, dup_frame, late_frame;
	int64_t gap_ns, dup_ns, late_ns;
};

/* ---- diagnoses ---------------------------------------------------------- */

/* The stable diagnosis codes (README, "Diagnoses"). */
#define DIAG_CODES(X)                                  \
	X(DIAG_IKE_NO_RESPONSE, "ike.no_response")          \
	X(DIAG_IKE_PEER_UNREACHABLE, "ike.peer_unreachable") \
	X(DIAG_IKE_NO_PROPOSAL, "ike.no_proposal_chosen")   \
	X(DIAG_IKE_INVALID_KE, "ike.invalid_ke")            \
	X(DIAG_IKE_AUTH_FAILED, "ike.auth_failed")          \
	X(DIAG_IKE_PSK_MISMATCH, "ike.psk_mismatch")        \
	X(DIAG_IKE_AGGRESSIVE_REJECTED, "ike.aggressive_rejected") \
	X(DIAG_IKE_AUTH_STALL, "ike.auth_stall")            \
	X(DIAG_IKE_VERSION_MISMATCH, "ike.version_mismatch") \
	X(DIAG_IKE_FRAGMENT_LOSS, "ike.fragment_loss")      \
	X(DIAG_IP_FRAGMENT_LOSS, "ip.fragment_loss")        \
	X(DIAG_IKE_DPD_TIMEOUT, "ike.dpd_timeout")          \
	X(DIAG_IKE_INVALID_SPI, "ike.invalid_spi")          \
	X(DIAG_IKE_ERROR_NOTIFY, "ike.error_notify")        \
	X(DIAG_CHILD_REJECTED, "child.rejected")            \
	X(DIAG_CHILD_NO_PROPOSAL, "child.no_proposal_chosen") \
	X(DIAG_CHILD_TS_UNACCEPTABLE, "child.ts_unacceptable") \
	X(DIAG_ESP_ONE_WAY, "esp.one_way")                  \
	X(DIAG_ESP_LOSS, "esp.loss")                        \
	X(DIAG_ESP_REPLAY, "esp.replay")                    \
	X(DIAG_ESP_MTU_BLACKHOLE, "esp.mtu_blackhole")      \
	X(DIAG_ESP_STALE_SPI, "esp.stale_spi")              \
	X(DIAG_ESP_NO_IKE, "esp.no_ike")                    \
	X(DIAG_NAT_DETECTED, "nat.detected")                \
	X(DIAG_IKE_TCP_ENCAPSULATION, "ike.tcp_encapsulation") \
	X(DIAG_IKE_RESPONSE_LOST, "ike.response_lost")        \
	X(DIAG_IKE_SA_ABANDONED, "ike.sa_abandoned")        \
	X(DIAG_CAPTURE_SEEN_TWICE, "capture.seen_twice")

#define DIAG_ENUM(sym, code) sym,
enum diag_code { DIAG_CODES(DIAG_ENUM) DIAG__COUNT };
#undef DIAG_ENUM

enum diag_severity { SEV_INFO = 0, SEV_WARNING, SEV_ERROR };
enum diag_confidence { CONF_LIKELY = 0, CONF_CERTAIN };

#define DIAG_MAX_EVIDENCE 8
#define DIAG_TEXT 384

/* What proved a diagnosis wrong (diagnosis.resolved). */
enum diag_resolved {
	RESOLVED_NO,
	RESOLVED_LATER,         /* by what the code says (diag_resolved_why) */
	RESOLVED_WENT_ON,       /* IKEv1 phase 1 went on after a refusal in clear */
	RESOLVED_LATER_SA,      /* a later IKE SA between the same two hosts came up */
};

struct diagnosis {
	uint8_t code;        /* enum diag_code */
	uint8_t severity;    /* enum diag_severity */
	uint8_t confidence;  /* enum diag_confidence */
	uint8_t version;     /* IKE version of the SA, 0 if none */
	uint8_t has_sa;
	uint8_t has_spi;     /* an ESP flow */
	uint8_t nevidence;
	uint8_t resolved;    /* enum diag_resolved: a later packet proved it wrong (diag_resolved_why) */
	uint8_t ispi[8], rspi[8];
	uint32_t spi;
	struct addr a, b;    /* the peers: initiator/responder, or ESP source/destination */
	uint16_t a_port, b_port;
	uint64_t frames[DIAG_MAX_EVIDENCE];
	int64_t ns[DIAG_MAX_EVIDENCE];
	int64_t when_ns;     /* packet time the diagnosis was made */
	uint64_t resolved_frame; /* the packet that resolved it, when resolved */
	int64_t resolved_ns;
	char message[DIAG_TEXT]; /* one line; built from engine data, never raw wire bytes */
	char hint[DIAG_TEXT];    /* what to check or change, on which side */
};

const char *diag_code_name(unsigned code);
/* What resolved a diagnosis, in words for the report. */
const char *diag_resolved_why(const struct diagnosis *d);
const char *diag_severity_name(unsigned sev);
const char *diag_confidence_name(unsigned conf);
const char *capture_pos_name(unsigned pos);
const char *sa_state_name(unsigned st);
const char *exch_outcome_name(unsigned o);

#endif
