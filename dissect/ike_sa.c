/* ike_sa.c - correlation of IKE messages into IKE SAs and exchanges.
 *
 * IKE SAs are keyed by the initiator SPI (IKEv2, RFC 7296 section 2.6) or
 * cookie (IKEv1, RFC 2408 section 2.5.3) and the version; the responder SPI
 * is learnt from the first message that carries it, so the first request with
 * a zero responder SPI, the move from port 500 to 4500 and port changes all
 * stay on one SA. Exchanges are request/response pairs keyed by message ID
 * and by which side started them (IKEv2: the I and R flags; IKEv1: the
 * sender's address). A retransmission repeats the request's bytes. */
#include "engine_int.h"

#include <sodium.h>
#include <string.h>

#include "ike1.h"
#include "ike2.h"

#define MSG_HASH_BYTES 256

/* Keyed with the engine's random key: a crafted request cannot pass for
 * another one's retransmission. */
static uint64_t message_hash(const struct engine *e, const struct unit *u)
{
	unsigned char out[crypto_shorthash_BYTES];
	uint64_t h;

	/* The first bytes and the length tell copies apart: two different
	 * requests differ early (SPIs, KE, nonce, IV), and hashing whole
	 * certificates for every message would cost more than it tells. */
	crypto_shorthash(out, u->data, u->len < MSG_HASH_BYTES ? u->len : MSG_HASH_BYTES, e->msg_key);
	memcpy(&h, out, sizeof(h));
	return h ^ u->orig_len;
}

uint32_t ike_sa_find(struct engine *e, const uint8_t ispi[8], uint8_t version)
{
	struct sa_key k;

	memset(&k, 0, sizeof(k));
	memcpy(k.ispi, ispi, 8);
	k.version = version;
	return table_find(e->sas, &k);
}

static void peer_key_make(struct peer_key *k, const struct addr *a, const struct addr *b)
{
	bool swap = memcmp(a->a, b->a, sizeof(a->a)) > 0;

	memset(k, 0, sizeof(*k));
	k->family = a->family;
	memcpy(k->lo, swap ? b->a : a->a, sizeof(k->lo));
	memcpy(k->hi, swap ? a->a : b->a, sizeof(k->hi));
}

static bool sa_has_peers(const struct ike_sa *sa, const struct addr *a, const struct addr *b)
{
	return (engine_addr_eq(&sa->init_ip, a) && engine_addr_eq(&sa->resp_ip, b)) ||
	       (engine_addr_eq(&sa->init_ip, b) && engine_addr_eq(&sa->resp_ip, a));
}

/* The peer index remembers the latest SA of each pair of addresses, so ESP
 * flows, keepalives and ICMP errors find their SA in O(1). An entry whose SA
 * was evicted or moved is checked on use and ignored. */
uint32_t ike_sa_find_by_peers(struct engine *e, const struct addr *a, const struct addr *b)
{
	struct peer_key k;
	uint32_t s;
	const struct ike_sa *sa;

	if (a->family != b->family)
		return NO_SLOT;
	peer_key_make(&k, a, b);
	s = table_find(e->peers, &k);
	if (s == TABLE_NONE)
		return NO_SLOT;
	s = *(const uint32_t *)table_val(e->peers, s);
	sa = engine_sa(e, s);
	return sa && sa_has_peers(sa, a, b) ? s : NO_SLOT;
}

void ike_sa_index_peers(struct engine *e, const struct ike_sa *sa, uint32_t slot)
{
	struct peer_key k;
	uint32_t s;

	if (sa->init_ip.family != sa->resp_ip.family)
		return;
	peer_key_make(&k, &sa->init_ip, &sa->resp_ip);
	s = table_find(e->peers, &k);
	if (s == TABLE_NONE)
		s = table_insert(e->peers, &k);
	*(uint32_t *)table_val(e->peers, s) = slot;
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
}

void ike_sa_evicted(void *ctx, uint32_t slot, void *val)
{
	struct engine *e = ctx;

	(void)slot;
	e->stats.sas_evicted++;
	emit_sa(e, val, SAEV_EVICTED);
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
	 * the sender of a message with no responder cookie yet is the initiator,
	 * and mid-stream we can only assume the first sender is. */
	if (m->major == 2)
		sender_is_init = (m->flags & IKE2_FLAG_INITIATOR) != 0;
	else
		sender_is_init = true;
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

static void update_endpoints(struct ike_sa *sa, const struct unit *u, bool from_init)
{
	uint16_t my_port = from_init ? sa->init_port : sa->resp_port;

	if (u->transport == TR_UDP4500 && sa->transport == TR_UDP500)
		sa->moved_to_4500 = 1;
	else if (u->sport != my_port && !(u->transport == TR_UDP4500 && sa->moved_to_4500 &&
					  u->sport == 4500))
		sa->port_changed = sa->msgs_from_init + sa->msgs_from_resp > 0;
	if (u->transport == TR_TCP)
		sa->tcp = 1;
	sa->transport = u->transport;
	if (from_init) {
		sa->init_ip = u->src;
		sa->init_port = u->sport;
		sa->resp_ip = u->dst;
		sa->resp_port = u->dport;
		sa->init_ttl = u->ttl;
		sa->last_init_ns = u->ts_ns;
		sa->msgs_from_init++;
	} else {
		sa->resp_ip = u->src;
		sa->resp_port = u->sport;
		sa->init_ip = u->dst;
		sa->init_port = u->dport;
		sa->resp_ttl = u->ttl;
		sa->last_resp_ns = u->ts_ns;
		sa->msgs_from_resp++;
	}
	sa->last_ns = u->ts_ns;
	sa->last_frame = u->frame;
	capture_pos_update(sa);
}

/* The exchange ring keeps the latest SA_MAX_EXCH exchanges. */
static struct exch *exch_new(struct ike_sa *sa, const struct ike_msg *m, bool by_init)
{
	struct exch *x;

	if (sa->nexch == SA_MAX_EXCH) {
		if (sa->ex[0].outcome == EXO_PENDING && sa->pending)
			sa->pending--;
		memmove(&sa->ex[0], &sa->ex[1], sizeof(sa->ex[0]) * (SA_MAX_EXCH - 1));
		sa->nexch--;
	}
	x = &sa->ex[sa->nexch++];
	memset(x, 0, sizeof(*x));
	x->msg_id = m->msg_id;
	x->type = m->exchange;
	x->by_initiator = by_init;
	if (sa->exch_total < UINT16_MAX)
		sa->exch_total++;
	return x;
}

static struct exch *exch_find(struct ike_sa *sa, uint32_t msg_id, bool by_init)
{
	for (int i = sa->nexch - 1; i >= 0; i--)
		if (sa->ex[i].msg_id == msg_id && sa->ex[i].by_initiator == by_init)
			return &sa->ex[i];
	return NULL;
}

static void exch_end(struct engine *e, uint32_t slot, struct ike_sa *sa, struct exch *x)
{
	struct event ev = { .type = EV_EXCHANGE };

	e->stats.exchanges++;
	ev.u.exch.sa = sa;
	ev.u.exch.x = x;
	engine_emit(e, &ev);
	detect_ike_exchange(e, slot, sa, x);
}

static uint8_t first_fragment_np(const struct ike_msg *m)
{
	return m->frag_num <= 1 ? m->sk_np : 0;
}

/* A request copy: the first one, a retransmission, or one more IKE fragment. */
static void add_request(struct engine *e, struct ike_sa *sa, struct exch *x, const struct unit *u,
			const struct ike_msg *m, uint64_t hash)
{
	bool fragment = m->frag_num > 0;
	bool repeat;

	if (fragment) {
		uint64_t bit = m->frag_num <= 64 ? 1ULL << (m->frag_num - 1) : 0;

		repeat = bit && (x->req_frag_seen & bit);
		x->req_frag_seen |= bit;
		if (x->req_frags < UINT8_MAX)
			x->req_frags++;
		if (m->frag_total)
			x->req_frag_total = (uint8_t)(m->frag_total > 255 ? 255 : m->frag_total);
		/* The whole fragment set is resent; count it once, by its first. */
		if (repeat && m->frag_num != 1)
			return;
	} else {
		repeat = x->nreq > 0;
	}
	if (x->nreq == 0 || !repeat) {
		if (x->nreq == 0) {
			x->req_frame = u->frame;
			x->req_ns = u->ts_ns;
			x->req_len = (uint32_t)u->orig_len;
			x->req_hash = hash;
			x->req_ip_frags = u->ip_frags;
			x->req_sk_np = first_fragment_np(m);
			x->nreq = 1;
			x->outcome = EXO_PENDING;
			sa->pending++;
		}
	} else {
		/* Packet time can run backwards in merged captures: no negative gaps. */
		if (x->ngaps < EXCH_MAX_GAPS)
			x->gap_ms[x->ngaps++] = u->ts_ns > x->req_ns_last
							? (uint32_t)((u->ts_ns - x->req_ns_last) / 1000000)
							: 0;
		if (x->nreq < UINT8_MAX)
			x->nreq++;
		sa->retransmits++;
		e->stats.retransmits++;
		if (u->ip_frags > x->req_ip_frags)
			x->req_ip_frags = u->ip_frags;
	}
	/* A copy known only by its first bytes (lost IP fragments, snaplen)
	 * counts as the same request; the first complete copy fixes its bytes. */
	if (u->len < u->orig_len) {
		if (x->nreq == 1 && !repeat)
			x->req_partial = 1;
	} else if (x->req_partial) {
		x->req_partial = 0;
		x->req_hash = hash;
		x->req_len = (uint32_t)u->orig_len;
	}
	x->req_frame_last = u->frame;
	x->req_ns_last = u->ts_ns;
}

static uint16_t first_error_notify(const struct ike_msg *m)
{
	unsigned ntype = m->major == 2 ? IKE2_PLD_N : IKE1_PLD_N;

	for (unsigned i = 0; i < m->npl; i++)
		if (m->pl[i].type == ntype && m->pl[i].notify && m->pl[i].notify < IKE_NOTIFY_STATUS_FIRST)
			return m->pl[i].notify;
	return 0;
}

static void add_response(struct engine *e, uint32_t slot, struct ike_sa *sa, struct exch *x,
			 const struct unit *u, const struct ike_msg *m)
{
	if (x->nresp < UINT8_MAX)
		x->nresp++;
	if (x->nresp > 1)
		return;
	x->resp_frame = u->frame;
	x->resp_ns = u->ts_ns;
	x->resp_len = (uint32_t)u->orig_len;
	x->resp_sk_np = first_fragment_np(m);
	x->resp_notify = first_error_notify(m);
	if (x->outcome == EXO_PENDING && x->nreq && sa->pending)
		sa->pending--;
	x->outcome = x->resp_notify ? EXO_ERROR : EXO_ANSWERED;
	exch_end(e, slot, sa, x);
}

/* A child rekey (CREATE_CHILD_SA opening with N(REKEY_SA), answered with an
 * SA) replaces the newest child SA pair; IKE rekeys and extra child SAs open
 * with SA and replace nothing. The old SPIs should fall silent soon. */
static void child_rekeyed(struct engine *e, struct ike_sa *sa, const struct exch *x)
{
	if (x->type != IKE2_EXCH_CREATE_CHILD || x->req_sk_np != IKE2_PLD_N ||
	    x->resp_sk_np != IKE2_PLD_SA)
		return;
	for (unsigned dir = 0; dir < 2; dir++) {
		const struct esp_flow *f = sa->esp_last[dir] ? engine_flow(e, sa->esp_last[dir] - 1) : NULL;

		if (f)
			esp_flow_mark_replaced(e, f->spi, &f->dst, x->resp_ns);
	}
}

/* IKEv2: the I flag names the original initiator, R marks responses, so
 * the side that started an exchange is I for requests and !I for responses. */
static void track_ike2(struct engine *e, uint32_t slot, struct ike_sa *sa, const struct unit *u,
		       const struct ike_msg *m)
{
	bool response = (m->flags & IKE2_FLAG_RESPONSE) != 0;
	bool init = (m->flags & IKE2_FLAG_INITIATOR) != 0;
	bool by_init = response ? !init : init;
	struct exch *x = exch_find(sa, m->msg_id, by_init);

	if (!response) {
		uint64_t h = message_hash(e, u);

		bool partial = u->len < u->orig_len || (x && x->req_partial);

		/* A changed request with a used message ID is a new attempt: the
		 * IKE_SA_INIT retry after INVALID_KE_PAYLOAD or COOKIE. A partial
		 * copy cannot be compared by its bytes. */
		if (!x || x->type != m->exchange ||
		    (m->frag_num == 0 && x->nreq && x->req_hash != h && !partial))
			x = exch_new(sa, m, by_init);
		add_request(e, sa, x, u, m, h);
	} else {
		if (!x) {
			x = exch_new(sa, m, by_init);
			x->outcome = EXO_PENDING;
		}
		add_response(e, slot, sa, x, u, m);
		if (x->nresp == 1)
			child_rekeyed(e, sa, x);
	}
}

/* IKEv1 has no response flag: the answer is the next message with the same
 * message ID from the other side. In phase 1 (message ID 0) each
 * request/answer pair is one step; the last message of aggressive mode and
 * of quick mode expects no answer, and neither do informationals. */
static void track_ike1(struct engine *e, uint32_t slot, struct ike_sa *sa, const struct unit *u,
		       const struct ike_msg *m, bool from_init)
{
	uint64_t h = message_hash(e, u);
	struct exch *mine = exch_find(sa, m->msg_id, from_init);
	struct exch *theirs = exch_find(sa, m->msg_id, !from_init);
	struct exch *x;

	if (mine && mine->nreq &&
	    (mine->req_hash == h || m->frag_num > 1 ||
	     (!mine->nresp && (u->len < u->orig_len || mine->req_partial)))) {
		add_request(e, sa, mine, u, m, h);
		return;
	}
	if (theirs && theirs->nresp && theirs->resp_hash == h) {
		if (theirs->nresp < UINT8_MAX)
			theirs->nresp++;
		return;
	}
	if (theirs && theirs->nreq && theirs->nresp == 0 && (!mine || mine < theirs)) {
		add_response(e, slot, sa, theirs, u, m);
		theirs->resp_hash = h;
		return;
	}
	if (mine && mine->nresp &&
	    (m->exchange == IKE1_EXCH_QUICK || m->exchange == IKE1_EXCH_AGGRESSIVE)) {
		mine->step = 3;
		return;
	}
	x = exch_new(sa, m, from_init);
	x->step = (uint8_t)(mine ? mine->step + 2 : 1);
	add_request(e, sa, x, u, m, h);
	if (m->exchange == IKE1_EXCH_INFO) {
		x->outcome = EXO_ANSWERED;
		if (sa->pending)
			sa->pending--;
	}
}

/* IKEv1 errors come in a separate informational message: it closes the
 * exchange the other side is waiting on. */
static void ike1_close_with_error(struct engine *e, uint32_t slot, struct ike_sa *sa,
				  const struct unit *u, bool from_init, uint16_t type)
{
	for (int i = sa->nexch - 1; i >= 0; i--) {
		struct exch *x = &sa->ex[i];

		if (x->by_initiator == from_init || x->outcome != EXO_PENDING || !x->nreq)
			continue;
		x->nresp = 1;
		x->resp_frame = u->frame;
		x->resp_ns = u->ts_ns;
		x->resp_len = (uint32_t)u->orig_len;
		x->resp_notify = type;
		x->outcome = EXO_ERROR;
		if (sa->pending)
			sa->pending--;
		exch_end(e, slot, sa, x);
		return;
	}
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
static void read_payloads(struct engine *e, uint32_t slot, struct ike_sa *sa, const struct unit *u,
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
				if (sa->invalid_ke_group && ke.group == sa->invalid_ke_group)
					sa->invalid_ke_retried = 1;
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
			if (v2)
				ike2_notify_data(sa, m, i);
			if (pl->notify && pl->notify < IKE_NOTIFY_STATUS_FIRST) {
				note_notify(sa, u, m, from_init, pl->notify);
				if (!v2)
					ike1_close_with_error(e, slot, sa, u, from_init, pl->notify);
				detect_ike_notify(e, slot, sa, m, u, pl->notify);
			}
		}
	}
}

/* State as far as the cleartext shows it. */
static void advance_state(struct engine *e, struct ike_sa *sa, const struct unit *u,
			  const struct ike_msg *m, bool from_init)
{
	bool response = m->major == 2 ? (m->flags & IKE2_FLAG_RESPONSE) != 0 : !from_init;
	uint16_t err = first_error_notify(m);

	if (sa->state == SAS_FAILED || sa->state == SAS_DELETED)
		return;
	if (m->major == 2) {
		if (m->exchange == IKE2_EXCH_SA_INIT && response) {
			if (err == IKE2_N_INVALID_KE_PAYLOAD || err == 0) {
				for (unsigned i = 0; i < m->npl; i++)
					if (m->pl[i].type == IKE2_PLD_SA && !err)
						set_state(e, sa, SAS_AUTHENTICATING, u);
			} else {
				set_state(e, sa, SAS_FAILED, u);
			}
		} else if (m->exchange == IKE2_EXCH_AUTH && response) {
			sa->auth_sk_np = first_fragment_np(m);
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
	if (err) {
		set_state(e, sa, SAS_FAILED, u);
		return;
	}
	if ((m->exchange == IKE1_EXCH_MAIN || m->exchange == IKE1_EXCH_AGGRESSIVE) && !sa->v1_mode)
		sa->v1_mode = m->exchange;
	if (m->exchange == IKE1_EXCH_MAIN && response) {
		for (unsigned i = 0; i < m->npl; i++)
			if (m->pl[i].type == IKE1_PLD_KE)
				set_state(e, sa, SAS_AUTHENTICATING, u);
		if (m->encrypted)
			set_state(e, sa, SAS_ESTABLISHED, u);
	} else if (m->exchange == IKE1_EXCH_AGGRESSIVE && !response && m->encrypted) {
		set_state(e, sa, SAS_ESTABLISHED, u);
	} else if (m->exchange == IKE1_EXCH_AGGRESSIVE && response) {
		set_state(e, sa, SAS_AUTHENTICATING, u);
	} else if (m->exchange == IKE1_EXCH_QUICK && response) {
		if (sa->state != SAS_ESTABLISHED)
			set_state(e, sa, SAS_ESTABLISHED, u);
		sa->rekey_ns = u->ts_ns;
	}
}

void ike_sa_update(struct engine *e, const struct unit *u, const struct ike_msg *m)
{
	uint32_t slot = ike_sa_find(e, m->ispi, m->major);
	struct ike_sa *sa;
	bool from_init;
	static const uint8_t zero[8];

	sa = slot == NO_SLOT ? sa_create(e, u, m, &slot) : engine_sa_mut(e, slot);
	if (memcmp(m->rspi, zero, 8) != 0)
		memcpy(sa->rspi, m->rspi, 8);
	from_init = sent_by_initiator(sa, u, m);
	update_endpoints(sa, u, from_init);
	ike_sa_index_peers(e, sa, slot);
	if (m->major == 2)
		track_ike2(e, slot, sa, u, m);
	else
		track_ike1(e, slot, sa, u, m, from_init);
	if (!m->encrypted) {
		read_payloads(e, slot, sa, u, m, from_init);
		natd_check(e, sa, m, u);
	}
	advance_state(e, sa, u, m, from_init);
}

/* An unanswered request times out after the configured time; at the end of
 * the capture, one that was retransmitted does too. A single copy sent just
 * before the capture stopped has not failed: it stays pending. */
void ike_sa_sweep(struct engine *e, int64_t now_ns, bool final)
{
	int64_t timeout = (int64_t)e->cfg.ike_timeout_ms * 1000000;

	for (uint32_t slot = 0; slot < table_slots(e->sas); slot++) {
		struct ike_sa *sa = engine_sa_mut(e, slot);

		if (!sa || !sa->pending)
			continue;
		for (unsigned i = 0; i < sa->nexch; i++) {
			struct exch *x = &sa->ex[i];
			int64_t waited = now_ns - x->req_ns;

			if (x->outcome != EXO_PENDING || !x->nreq)
				continue;
			if (waited < timeout && !(final && x->nreq > 1))
				continue;
			x->outcome = EXO_TIMEOUT;
			if (sa->pending)
				sa->pending--;
			exch_end(e, slot, sa, x);
		}
	}
}
