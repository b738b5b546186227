/* ike_sa.c - correlation of IKE messages into IKE SAs: the SA table and its
 * peer index, endpoints and roles, what the cleartext payloads tell
 * (proposals, KE group, vendors, fragmentation, notifies) and the state.
 *
 * IKE SAs are keyed by the initiator SPI (IKEv2, RFC 7296 section 2.6) or
 * cookie (IKEv1, RFC 2408 section 2.5.3) and the version; the responder SPI
 * is learnt from the first message that carries it, so the first request with
 * a zero responder SPI, the move from port 500 to 4500 and port changes all
 * stay on one SA. Exchanges within it are ike_exch.c's. */
#include "engine_int.h"

#include <string.h>

#include "ike1.h"
#include "ike2.h"

uint32_t ike_sa_find(struct engine *e, const uint8_t ispi[8], uint8_t version)
{
	struct sa_key k;

	memset(&k, 0, sizeof(k));
	memcpy(k.ispi, ispi, 8);
	k.version = version;
	return table_find(e->sas, &k);
}

/* The peer index (peers.c) gives ESP flows, keepalives and ICMP errors the
 * latest SA of two addresses in O(1). An entry whose SA was evicted or moved
 * is checked on use and ignored. */
uint32_t ike_sa_find_by_peers(struct engine *e, const struct addr *a, const struct addr *b)
{
	const struct peer_entry *pe = peers_find(e, a, b);
	const struct ike_sa *sa;

	if (!pe || !pe->sa)
		return NO_SLOT;
	sa = engine_sa(e, pe->sa - 1);
	return sa && ike_sa_has_peers(sa, a, b) ? pe->sa - 1 : NO_SLOT;
}

void ike_sa_index_peers(struct engine *e, struct ike_sa *sa, uint32_t slot)
{
	struct peer_key k;
	struct peer_entry *pe;

	if (!peers_key(&sa->init_ip, &sa->resp_ip, &k, NULL))
		return;
	pe = peers_get_remembered(e, &k, &sa->peer_slot);
	pe->sa = slot + 1;
	if (sa->msgs_from_resp)
		pe->answered = slot + 1;
}

static void emit_sa(struct engine *e, const struct ike_sa *sa, uint8_t reason)
{
	struct event ev = { .type = EV_SA, .reason = reason };

	ev.u.sa = sa;
	engine_emit(e, &ev);
}

static void set_state(struct engine *e, struct ike_sa *sa, uint8_t st, const struct unit *u)
{
	if (sa->state == st)
		return;
	sa->state = st;
	if (st == SAS_ESTABLISHED && u) {
		sa->established_ns = u->ts_ns;
		sa->established_frame = u->frame;
	}
	emit_sa(e, sa, SAEV_STATE);
	if (st == SAS_ESTABLISHED && u)
		detect_no_response_superseded(e, sa, u);
}

/* An evicted SA takes what it showed with it, so it is judged now, as at
 * the end of the capture: a busy capture with more SAs than the table holds
 * must not lose the diagnoses of the quiet ones. */
void ike_sa_evicted(void *ctx, uint32_t slot, void *val)
{
	struct engine *e = ctx;
	struct ike_sa *sa = val;

	esp_flow_drain(e);
	esp_flow_tie_orphans(e, sa, slot);
	ike_sa_expire(e, sa, e->now_ns, true);
	detect_ike_final(e, sa);
	/* Its ike.peer_unreachable stays as it is: no answer can reach it now. */
	if (sa->unreach_ike && e->unreach_open)
		e->unreach_open--;
	e->stats.sas_evicted++;
	emit_sa(e, sa, SAEV_EVICTED);
}

static const uint8_t zero_spi[8];

static bool ike_port(uint16_t p)
{
	return p == 500 || p == 4500;
}

/* Whether the sender of the first IKEv1 message seen of an SA, one with the
 * responder's cookie already, is its initiator. A phase 1 message with an
 * SA payload is then the responder's choice (Main or Aggressive Mode
 * message 2). Otherwise a peer whose port a NAT translated (neither 500 nor
 * 4500) is a client behind it, and clients initiate; with no such hint, the
 * first sender is taken. */
static bool ike1_sender_guessed_init(const struct unit *u, const struct ike_msg *m)
{
	if (m->exchange == IKE1_EXCH_MAIN || m->exchange == IKE1_EXCH_AGGRESSIVE)
		for (unsigned i = 0; i < m->npl; i++)
			if (m->pl[i].type == IKE1_PLD_SA)
				return false;
	return !(ike_port(u->sport) && !ike_port(u->dport));
}

static struct ike_sa *sa_create(struct engine *e, const struct unit *u, const struct ike_msg *m,
				uint32_t *slot)
{
	struct sa_key k;
	struct ike_sa *sa;
	bool sender_is_init;

	memset(&k, 0, sizeof(k));
	memcpy(k.ispi, m->ispi, 8);
	k.version = m->major;
	*slot = table_insert(e->sas, &k);
	sa = table_val(e->sas, *slot);
	memcpy(sa->ispi, m->ispi, 8);
	memcpy(sa->rspi, m->rspi, 8);
	sa->version = m->major;
	/* IKEv2 says who the original initiator is in every message; in IKEv1
	 * the sender of a message with no responder cookie yet is the initiator.
	 * Seen first later (the capture began after the negotiation), IKEv1
	 * roles can only be inferred. */
	if (m->major == 2) {
		sender_is_init = (m->flags & IKE2_FLAG_INITIATOR) != 0;
	} else if (memcmp(m->rspi, zero_spi, 8) == 0) {
		sender_is_init = true;
	} else {
		sa->roles_guessed = 1;
		sender_is_init = ike1_sender_guessed_init(u, m);
	}
	sa->init_ip = sender_is_init ? u->src : u->dst;
	sa->resp_ip = sender_is_init ? u->dst : u->src;
	sa->init_port = sender_is_init ? u->sport : u->dport;
	sa->resp_port = sender_is_init ? u->dport : u->sport;
	sa->first_ns = u->ts_ns;
	sa->first_frame = u->frame;
	sa->transport = u->transport;
	e->stats.sas++;
	return sa;
}

static bool sent_by_initiator(const struct ike_sa *sa, const struct unit *u, const struct ike_msg *m)
{
	if (m->major == 2)
		return (m->flags & IKE2_FLAG_INITIATOR) != 0;
	if (!engine_addr_eq(&u->src, &sa->init_ip))
		return false;
	/* Both peers on one address (a lab host): tell them by port. */
	if (engine_addr_eq(&sa->init_ip, &sa->resp_ip))
		return u->sport == sa->init_port;
	return true;
}

/* The SA's last frame, and the latest time of its frames: stamps may go
 * back (a capture spliced together, hosts stamping on several CPUs), and
 * the SA's time span must not end before it starts. */
static void note_last(struct ike_sa *sa, const struct unit *u)
{
	if (u->ts_ns > sa->last_ns)
		sa->last_ns = u->ts_ns;
	sa->last_frame = u->frame;
}

static void update_endpoints(struct ike_sa *sa, const struct unit *u, const struct ike_msg *m,
			     bool from_init)
{
	uint16_t my_port = from_init ? sa->init_port : sa->resp_port;
	bool seen = sa->msgs_from_init + sa->msgs_from_resp > 0;

	/* What reached this host on a left-out interface and did not leave it
	 * carries that side's addresses (with NAT, not the SA's): it counts,
	 * and the endpoints stay those of the kept interface. */
	if (u->unforwarded && sa->seen_kept) {
		if (from_init) {
			sa->last_init_ns = u->ts_ns;
			sa->msgs_from_init++;
		} else {
			sa->last_resp_ns = u->ts_ns;
			sa->msgs_from_resp++;
		}
		note_last(sa, u);
		return;
	}
	if (!u->unforwarded) {
		sa->seen_kept = 1;
		sa->kept_if = u->ifindex;
	}

	if (u->transport == TR_UDP4500 && sa->transport == TR_UDP500)
		sa->moved_to_4500 = 1;
	else if (u->sport != my_port && !(u->transport == TR_UDP4500 && sa->moved_to_4500 &&
					  u->sport == 4500))
		sa->port_changed = seen;
	/* An IKEv2 request from a new address: MOBIKE (RFC 4555) or a NAT
	 * that rebound. An answer from elsewhere is another story (reply_moved). */
	if (seen && m->major == 2 && !(m->flags & IKE2_FLAG_RESPONSE) &&
	    !engine_addr_eq(&u->src, from_init ? &sa->init_ip : &sa->resp_ip))
		sa->port_changed = 1;
	if (u->transport == TR_TCP)
		sa->tcp = 1;
	sa->transport = u->transport;
	if (from_init) {
		/* A TTL of the responder's (from an answer or its ICMP error)
		 * says nothing of another address the requests now go to; the
		 * address a responder that answers from elsewhere was asked at
		 * is still its own. */
		if (sa->msgs_from_init && !engine_addr_eq(&u->dst, &sa->resp_ip) &&
		    !(sa->reply_moved && engine_addr_eq(&u->dst, &sa->reply_asked)))
			sa->resp_ttl = 0;
		sa->init_ip = u->src;
		sa->init_port = u->sport;
		sa->resp_ip = u->dst;
		sa->resp_port = u->dport;
		sa->init_ttl = u->ttl;
		sa->last_init_ns = u->ts_ns;
		sa->msgs_from_init++;
	} else {
		/* A reply from another address than the one the request went
		 * to (a virtual address, another WAN) is often dropped on the
		 * way back: remembered for ike.response_lost. */
		if (sa->msgs_from_init && !engine_addr_eq(&u->src, &sa->resp_ip)) {
			sa->reply_moved = 1;
			sa->reply_src = u->src;
			sa->reply_asked = sa->resp_ip;
		}
		sa->resp_ip = u->src;
		sa->resp_port = u->sport;
		sa->init_ip = u->dst;
		sa->init_port = u->dport;
		sa->resp_ttl = u->ttl;
		if (u->transport == TR_UDP4500)
			sa->resp_natt_seen = 1;
		sa->last_resp_ns = u->ts_ns;
		sa->msgs_from_resp++;
	}
	note_last(sa, u);
	capture_pos_update(sa);
}



/* A copy of one of its messages left this host on another interface: the
 * host forwards the SA's traffic. The copy's end that differs from the
 * analysed copy's (unit.copy_changed, judged on the two copies of one
 * packet) is a peer's address as this host translates it; the end that did
 * not change names the other peer, by address (the SA's ports may be about
 * to move to UDP 4500 when a held copy comes before the message it copies).
 * A forwarded copy with neither end changed says this host no longer
 * translates: the latest copy is kept. */
void ike_sa_note_copy(struct engine *e, const struct unit *u)
{
	bool src_changed = u->copy_changed == COPY_SRC_CHANGED;
	bool dst_changed = u->copy_changed == COPY_DST_CHANGED;
	const struct addr *fixed = src_changed ? &u->dst : &u->src;
	struct ike_sa *sa;
	uint32_t slot;
	bool init;

	if (u->len < IKE_HDR_LEN)
		return;
	slot = ike_sa_find(e, u->data, u->data[17] >> 4);
	if (slot == NO_SLOT)
		return;
	sa = engine_sa_mut(e, slot);
	sa->forwarded_here = 1;
	capture_pos_update(sa);
	if (!u->copy_changed) {
		sa->nat_here = NAT_HERE_NONE;
		return;
	}
	if (!src_changed && !dst_changed)
		return;
	/* The translated peer is the one at the changed end: the other is at
	 * the fixed one. */
	if (engine_addr_eq(fixed, &sa->resp_ip) && !engine_addr_eq(fixed, &sa->init_ip))
		init = true;
	else if (engine_addr_eq(fixed, &sa->init_ip) && !engine_addr_eq(fixed, &sa->resp_ip))
		init = false;
	else
		return;
	sa->nat_here = init ? NAT_HERE_INITIATOR : NAT_HERE_RESPONDER;
	sa->nat_here_ip[0] = init ? sa->init_ip : sa->resp_ip;
	sa->nat_here_port[0] = init ? sa->init_port : sa->resp_port;
	sa->nat_here_if[0] = sa->kept_if;
	sa->nat_here_ip[1] = src_changed ? u->src : u->dst;
	sa->nat_here_port[1] = src_changed ? u->sport : u->dport;
	sa->nat_here_if[1] = u->ifindex;
}

/* Status notifies that change the course of IKE_SA_INIT: the responder
 * asks for a cookie (RFC 7296 section 2.6) or sends the initiator to another
 * gateway (RFC 5685), and the initiator says where it was sent from. */
static bool ike2_status_worth_noting(uint16_t type)
{
	return type == IKE2_N_COOKIE || type == IKE2_N_REDIRECT || type == IKE2_N_REDIRECTED_FROM;
}

/* Each copy of a message carries its notifies again (an initiator repeats
 * the cookie in every retransmission): a status notify is noted once per
 * sender, so that the room is left for errors. */
static bool noted(const struct ike_sa *sa, uint16_t type, bool from_init)
{
	for (unsigned i = 0; i < sa->nnotify; i++)
		if (sa->notify[i].type == type && sa->notify[i].by_initiator == from_init)
			return true;
	return false;
}

static void note_notify(struct ike_sa *sa, const struct unit *u, const struct ike_msg *m,
			bool from_init, uint16_t type)
{
	struct sa_notify *n;

	if (sa->nnotify == SA_MAX_NOTIFIES)
		return;
	n = &sa->notify[sa->nnotify++];
	n->type = type;
	n->by_initiator = from_init;
	n->exch_type = m->exchange;
	n->frame = u->frame;
	n->ns = u->ts_ns;
}

static void ike2_notify_data(struct ike_sa *sa, const struct ike_msg *m, unsigned i)
{
	struct ike2_notify n;
	const uint8_t *body;
	size_t len;

	if (m->pl[i].notify != IKE2_N_INVALID_KE_PAYLOAD)
		return;
	body = ike_payload_body(m, i, &len);
	if (body && ike2_parse_notify(body, len, &n) == 0 && n.group)
		sa->invalid_ke_group = n.group;
}

/* What the cleartext payloads say: proposals, KE group, vendor IDs,
 * fragmentation support, notifies. */
static void read_payloads(struct engine *e, struct ike_sa *sa, const struct unit *u,
			  const struct ike_msg *m, bool from_init)
{
	bool v2 = m->major == 2;
	unsigned sa_type = v2 ? IKE2_PLD_SA : IKE1_PLD_SA;
	unsigned n_type = v2 ? IKE2_PLD_N : IKE1_PLD_N;
	unsigned v_type = v2 ? IKE2_PLD_V : IKE1_PLD_VID;
	bool initial = v2 ? m->exchange == IKE2_EXCH_SA_INIT
			  : (m->exchange == IKE1_EXCH_MAIN || m->exchange == IKE1_EXCH_AGGRESSIVE);

	for (unsigned i = 0; i < m->npl; i++) {
		const struct ike_payload *pl = &m->pl[i];
		const uint8_t *body;
		size_t len;

		if (pl->bad)
			continue;
		ike_child_end(e, m, i, u);
		if (pl->type == sa_type && initial) {
			struct proposal_set ps;

			body = ike_payload_body(m, i, &len);
			if (!body)
				continue;
			if (v2)
				proposals_from_ike2(body, len, &ps);
			else
				proposals_from_ike1(body, len, &ps);
			if (from_init) {
				sa->offered = ps;
				sa->have_offer = 1;
			} else if (ps.n) {
				sa->chosen = ps.p[0];
				sa->have_chosen = 1;
			}
		} else if (v2 && pl->type == IKE2_PLD_KE && from_init && initial) {
			struct ike2_ke ke;

			body = ike_payload_body(m, i, &len);
			if (body && ike2_parse_ke(body, len, &ke) == 0) {
				if (sa->invalid_ke_group && ke.group == sa->invalid_ke_group && !sa->invalid_ke_retried) {
					sa->invalid_ke_retried = 1;
					sa->ke_retry_frame = u->frame;
					sa->ke_retry_ns = u->ts_ns;
				}
				sa->ke_group = ke.group;
			}
		} else if (pl->type == v_type && pl->vendor >= 0 && pl->vendor < 128) {
			sa->vendors[pl->vendor / 64] |= 1ULL << (pl->vendor % 64);
		} else if (pl->type == n_type) {
			if (v2 && pl->notify == IKE2_N_FRAGMENTATION_SUPPORTED) {
				if (from_init)
					sa->frag_init = 1;
				else
					sa->frag_resp = 1;
			}
			if (v2 && pl->notify == IKE2_N_CHILDLESS_IKEV2_SUPPORTED && !from_init)
				sa->childless_resp = 1;
			if (v2)
				ike2_notify_data(sa, m, i);
			if (v2 && ike2_status_worth_noting(pl->notify) && !noted(sa, pl->notify, from_init))
				note_notify(sa, u, m, from_init, pl->notify);
			if (pl->notify && pl->notify < IKE_NOTIFY_STATUS_FIRST) {
				note_notify(sa, u, m, from_init, pl->notify);
				if (!v2)
					ike_exch_close_with_error(e, sa, u, from_init, pl->notify);
				detect_ike_notify(e, sa, m, u, pl->notify);
			}
		}
	}
}

static bool ike2_protected(const struct ike_msg *m)
{
	for (unsigned i = 0; i < m->npl; i++)
		if (m->pl[i].type == IKE2_PLD_SK || m->pl[i].type == IKE2_PLD_SKF)
			return true;
	return false;
}

/* An IKEv1 phase 1 refused in clear whose responder then sends the next
 * messages (a Main Mode key exchange or an encrypted one, an Aggressive
 * Mode or Quick Mode message), once the initiator has sent again after the
 * refusal, was not refused for good: the refusal's diagnosis is resolved,
 * and the SA goes on from there. Informationals and mode config prove
 * nothing; neither does how the messages pair (a refusal of message 1 in
 * an informational of message ID 0 takes message 1's answer's place). */
static bool phase1_went_on(struct engine *e, struct ike_sa *sa, const struct unit *u,
			   const struct ike_msg *m, bool response)
{
	bool on = (m->exchange == IKE1_EXCH_MAIN && m->encrypted) || m->exchange == IKE1_EXCH_QUICK ||
		  m->exchange == IKE1_EXCH_AGGRESSIVE;

	if (m->major != 1 || sa->state != SAS_FAILED || !sa->p1_refusal_code || !response ||
	    ike_first_error_notify(m) || sa->last_init_ns <= sa->p1_refusal_ns)
		return false;
	for (unsigned i = 0; i < m->npl && !on; i++)
		on = m->exchange == IKE1_EXCH_MAIN && m->pl[i].type == IKE1_PLD_KE;
	if (!on)
		return false;
	diag_resolve(e, sa, sa->p1_refusal_code, sa->p1_refusal_sev, sa->p1_refusal_at, u->frame, u->ts_ns,
		     RESOLVED_WENT_ON);
	sa->p1_refusal_code = 0;
	set_state(e, sa, SAS_CONNECTING, u);
	return true;
}

/* State as far as the cleartext shows it. */
static void advance_state(struct engine *e, struct ike_sa *sa, const struct unit *u,
			  const struct ike_msg *m, bool from_init)
{
	bool response = m->major == 2 ? (m->flags & IKE2_FLAG_RESPONSE) != 0 : !from_init;
	uint16_t err = ike_first_error_notify(m);

	if ((sa->state == SAS_FAILED || sa->state == SAS_DELETED) &&
	    !phase1_went_on(e, sa, u, m, response))
		return;
	if (m->major == 2) {
		/* An SA first seen after its IKE_AUTH (the capture began later,
		 * or an IKE rekey made it) is up once a protected exchange of it
		 * shows: only an established SA has the keys, and neither
		 * exchange comes before IKE_AUTH ends (RFC 7296 section 1.2). */
		if (sa->state == SAS_CONNECTING && ike2_protected(m) &&
		    (m->exchange == IKE2_EXCH_CREATE_CHILD || m->exchange == IKE2_EXCH_INFORMATIONAL))
			set_state(e, sa, SAS_ESTABLISHED, u);
		if (m->exchange == IKE2_EXCH_SA_INIT && response) {
			if (err == IKE2_N_INVALID_KE_PAYLOAD || err == 0) {
				/* A late copy (or stamps out of order) must not
				 * take an SA back from established. */
				for (unsigned i = 0; i < m->npl; i++)
					if (m->pl[i].type == IKE2_PLD_SA && !err && sa->state == SAS_CONNECTING)
						set_state(e, sa, SAS_AUTHENTICATING, u);
			} else {
				set_state(e, sa, SAS_FAILED, u);
			}
		} else if (m->exchange == IKE2_EXCH_AUTH && response) {
			sa->auth_sk_np = ike_first_fragment_np(m);
			/* A short answer holding only a notify is an error
			 * (AUTHENTICATION_FAILED...); anything else carries IDr. */
			if (m->frag_num == 0 && m->sk_np == IKE2_PLD_N && u->orig_len < IKE2_ERROR_ONLY_MAX)
				set_state(e, sa, SAS_FAILED, u);
			else if (m->frag_num <= 1)
				set_state(e, sa, SAS_ESTABLISHED, u);
		} else if (m->exchange == IKE2_EXCH_INFORMATIONAL && !response &&
			   m->sk_np == IKE2_PLD_D) {
			sa->delete_ns = u->ts_ns;
		} else if (m->exchange == IKE2_EXCH_CREATE_CHILD && response &&
			   m->sk_np == IKE2_PLD_SA) {
			sa->rekey_ns = u->ts_ns;
		}
		return;
	}
	/* After phase 1, a cleartext error concerns a child SA (Quick Mode
	 * refused, an unknown ESP SPI): the ISAKMP SA stays up. */
	if (err) {
		if (!sa->established_frame)
			set_state(e, sa, SAS_FAILED, u);
		return;
	}
	/* A Delete of the ISAKMP SA itself, sent in clear. */
	for (unsigned i = 0; i < m->npl; i++) {
		if (m->pl[i].type == IKE1_PLD_D && m->pl[i].proto == IKE1_PROTO_ISAKMP && !m->pl[i].bad) {
			set_state(e, sa, SAS_DELETED, u);
			return;
		}
	}
	if ((m->exchange == IKE1_EXCH_MAIN || m->exchange == IKE1_EXCH_AGGRESSIVE) && !sa->v1_mode)
		sa->v1_mode = m->exchange;
	if (m->exchange == IKE1_EXCH_MAIN && response) {
		for (unsigned i = 0; i < m->npl; i++)
			if (m->pl[i].type == IKE1_PLD_KE && sa->state == SAS_CONNECTING)
				set_state(e, sa, SAS_AUTHENTICATING, u);
		if (m->encrypted)
			set_state(e, sa, SAS_ESTABLISHED, u);
	} else if (m->exchange == IKE1_EXCH_AGGRESSIVE && !response && m->encrypted) {
		set_state(e, sa, SAS_ESTABLISHED, u);
	} else if (m->exchange == IKE1_EXCH_AGGRESSIVE && response && sa->state == SAS_CONNECTING) {
		set_state(e, sa, SAS_AUTHENTICATING, u);
	} else if (m->exchange == IKE1_EXCH_QUICK && response) {
		if (sa->state != SAS_ESTABLISHED)
			set_state(e, sa, SAS_ESTABLISHED, u);
		sa->rekey_ns = u->ts_ns;
	}
}

/* After INVALID_KE_PAYLOAD some initiators retry in a new IKE SA (a new
 * SPI) rather than the same one: an IKE_SA_INIT request of another SA
 * between the same two hosts, from the same initiator, with a KE payload of
 * the group asked for, within the IKE timeout, is that retry. */
static void link_ke_retry(struct engine *e, struct ike_sa *prev, const struct ike_sa *sa, uint32_t slot,
			  const struct unit *u)
{
	if (prev->version != 2 || !prev->invalid_ke_group || prev->invalid_ke_retried ||
	    sa->ke_group != prev->invalid_ke_group || !engine_addr_eq(&prev->init_ip, &sa->init_ip) ||
	    u->ts_ns - prev->last_ns > (int64_t)e->cfg.ike_timeout_ms * 1000000)
		return;
	prev->invalid_ke_retried = 1;
	prev->ke_retry_frame = u->frame;
	prev->ke_retry_ns = u->ts_ns;
	memcpy(prev->ke_retry_ispi, sa->ispi, sizeof(prev->ke_retry_ispi));
	prev->ke_retry_slot = slot + 1;
}

/* An initiator that drops an IKE SA it just established on its side (it
 * could not install the child SA) starts over at once, without a Delete:
 * an IKE_SA_INIT from it to the same peer within this time of the IKE_AUTH
 * answer is noted on the old SA, and judged at its end. */
#define RESTART_WINDOW_NS (5 * 1000000000LL)

static void note_restart(struct ike_sa *prev, const struct ike_sa *sa, const struct unit *u)
{
	if (prev->version != 2 || prev->state != SAS_ESTABLISHED || prev->restart_frame ||
	    !engine_addr_eq(&prev->init_ip, &sa->init_ip) ||
	    u->ts_ns - prev->established_ns > RESTART_WINDOW_NS)
		return;
	prev->restart_frame = u->frame;
	prev->restart_ns = u->ts_ns;
}

void ike_sa_update(struct engine *e, const struct unit *u, const struct ike_msg *m)
{
	uint32_t slot, prev = NO_SLOT;
	struct ike_sa *sa;
	bool from_init, counts;
	static const uint8_t zero[8];

	/* No initiator sends a zero SPI (cookie) (RFC 7296 section 3.1, RFC
	 * 2408 section 3.1): such a message is shown, and opens no SA. */
	if (memcmp(m->ispi, zero, 8) == 0)
		return;
	slot = ike_sa_find(e, m->ispi, m->major);
	sa = slot == NO_SLOT ? sa_create(e, u, m, &slot) : engine_sa_mut(e, slot);
	if (memcmp(m->rspi, zero, 8) != 0)
		memcpy(sa->rspi, m->rspi, 8);
	from_init = sent_by_initiator(sa, u, m);
	update_endpoints(sa, u, m, from_init);
	/* Before this message indexes its own SA, the peer index names the
	 * latest other one of the two hosts. */
	if (m->major == 2 && m->exchange == IKE2_EXCH_SA_INIT && from_init && !m->encrypted &&
	    !(m->flags & IKE2_FLAG_RESPONSE))
		prev = ike_sa_find_by_peers(e, &sa->init_ip, &sa->resp_ip);
	ike_sa_index_peers(e, sa, slot);
	counts = ike_exch_track(e, sa, u, m, from_init);
	if (!m->encrypted) {
		read_payloads(e, sa, u, m, from_init);
		natd_check(e, sa, m, u);
	}
	if (prev != NO_SLOT && prev != slot) {
		link_ke_retry(e, engine_sa_mut(e, prev), sa, slot, u);
		note_restart(engine_sa_mut(e, prev), sa, u);
	}
	/* An answer its receiver never got in full changes nothing. */
	if (counts)
		advance_state(e, sa, u, m, from_init);
}

