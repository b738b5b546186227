/* ike_exch.c - IKE exchanges within an SA: requests paired with responses by
 * message ID and by which side started them (IKEv2: the I and R flags, RFC
 * 7296 section 3.1; IKEv1: the next message from the other side, RFC 2409
 * section 5), retransmissions recognised by their bytes, IKE fragments
 * (RFC 7383) counted once, and timeouts on packet time. */
#include "engine_int.h"

#include <sodium.h>
#include <string.h>

#define MSG_HASH_BYTES 256
/* No IKE implementation retransmits sooner than this. */
#define RETRANSMIT_MIN_NS (200 * 1000000LL)

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

/* The exchange ring keeps the latest SA_MAX_EXCH exchanges. A full one
 * gives up its oldest ended exchange: one still waiting for its answer
 * keeps its copies and its verdict to come. Only when all wait does the
 * oldest go. */
static struct exch *exch_new(struct ike_sa *sa, const struct ike_msg *m, bool by_init)
{
	struct exch *x;

	if (sa->nexch == SA_MAX_EXCH) {
		unsigned old = 0;

		while (old < SA_MAX_EXCH - 1u && sa->ex[old].outcome == EXO_PENDING)
			old++;
		if (sa->ex[old].outcome == EXO_PENDING && sa->pending)
			sa->pending--;
		memmove(&sa->ex[old], &sa->ex[old + 1], sizeof(sa->ex[0]) * (SA_MAX_EXCH - 1 - old));
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

/* The latest exchange of this message ID, side and exchange type: an
 * informational sent in IKEv1 phase 1 may carry message ID 0 too, and is
 * neither a step of Main or Aggressive Mode nor answered by one. */
static struct exch *exch_find_type(struct ike_sa *sa, uint32_t msg_id, bool by_init, uint8_t type)
{
	for (int i = sa->nexch - 1; i >= 0; i--)
		if (sa->ex[i].msg_id == msg_id && sa->ex[i].by_initiator == by_init && sa->ex[i].type == type)
			return &sa->ex[i];
	return NULL;
}

/* An exchange of this message ID and side whose answer these bytes repeat:
 * a copy of an old answer comes back late (its request was sent again)
 * after a newer request with the same ID. */
static struct exch *exch_answered_by(struct ike_sa *sa, uint32_t msg_id, bool by_init, uint64_t hash)
{
	for (int i = sa->nexch - 1; i >= 0; i--)
		if (sa->ex[i].msg_id == msg_id && sa->ex[i].by_initiator == by_init && sa->ex[i].nresp &&
		    sa->ex[i].resp_hash == hash)
			return &sa->ex[i];
	return NULL;
}

static void exch_end(struct engine *e, struct ike_sa *sa, struct exch *x)
{
	struct event ev = { .type = EV_EXCHANGE };

	e->stats.exchanges++;
	ev.u.exch.sa = sa;
	ev.u.exch.x = x;
	engine_emit(e, &ev);
	detect_ike_exchange(e, sa, x);
}

struct exch *ike_exch_of_request(struct ike_sa *sa, uint32_t msg_id, uint8_t type, bool by_init)
{
	struct exch *x = exch_find(sa, msg_id, by_init);

	return x && x->type == type ? x : NULL;
}

uint8_t ike_first_fragment_np(const struct ike_msg *m)
{
	return m->frag_num <= 1 ? m->sk_np : 0;
}

unsigned engine_exch_frags_tracked(const struct exch *x)
{
	return x->req_frag_total && x->req_frag_total < EXCH_FRAGS_TRACKED ? x->req_frag_total
									  : EXCH_FRAGS_TRACKED;
}

/* Fragment numbers above the total are none of the set (RFC 7383 section
 * 2.6: a receiver discards them). */
unsigned engine_exch_frags_seen(const struct exch *x)
{
	unsigned n = engine_exch_frags_tracked(x);
	uint64_t mask = n >= 64 ? ~0ULL : (1ULL << n) - 1;

	return (unsigned)__builtin_popcountll(x->req_frag_seen & mask);
}

/* Runs of missing numbers as ranges; a list that does not fit ends in
 * ", ..." rather than on a number that looks like the last. */
void engine_exch_frags_missing(const struct exch *x, char *buf, size_t len)
{
	static const char more[] = ", ...";
	unsigned total = x->req_frag_total < EXCH_FRAGS_TRACKED ? x->req_frag_total : EXCH_FRAGS_TRACKED;
	size_t at = 0;

	if (len)
		buf[0] = '\0';
	if (len < sizeof(more))
		return;
	for (unsigned n = 1; n <= total; n++) {
		unsigned end = n, next;
		char item[16];
		int w;

		if (x->req_frag_seen & (1ULL << (n - 1)))
			continue;
		while (end < total && !(x->req_frag_seen & (1ULL << end)))
			end++;
		/* The last one needs no room for the marker. */
		for (next = end + 1; next <= total && (x->req_frag_seen & (1ULL << (next - 1))); next++)
			;
		if (end > n)
			w = snprintf(item, sizeof(item), "%s%u-%u", at ? ", " : "", n, end);
		else
			w = snprintf(item, sizeof(item), "%s%u", at ? ", " : "", n);
		if (w < 0 || at + (size_t)w + (next <= total ? sizeof(more) : 1) > len) {
			memcpy(buf + at, at ? more : more + 2, sizeof(more) - (at ? 0 : 2));
			return;
		}
		memcpy(buf + at, item, (size_t)w + 1);
		at += (size_t)w;
		n = end;
	}
}

/* One more IKE fragment of the request. Returns whether it starts another
 * copy of the set, which then counts once: a number the copy arriving now
 * already holds begins the next (whichever fragments each copy loses, and
 * in whatever order a copy's fragments come). */
static bool add_fragment(struct exch *x, const struct ike_msg *m, bool *repeat)
{
	unsigned total = m->frag_total > 255 ? 255 : m->frag_total;
	uint64_t bit = m->frag_num <= 64 ? 1ULL << (m->frag_num - 1) : 0;
	bool new_set = false;

	if (x->req_frags < UINT8_MAX)
		x->req_frags++;
	/* RFC 7383 section 2.6: a set with a higher total replaces the one
	 * before (fragmented anew, smaller); a lower total is an old copy. */
	if (total && x->req_frag_total && total != x->req_frag_total) {
		if (total < x->req_frag_total) {
			*repeat = true;
			return false;
		}
		x->req_frag_seen = 0;
		new_set = true;
	}
	if (total)
		x->req_frag_total = (uint8_t)total;
	*repeat = new_set || (bit && (x->req_frag_seen & bit));
	x->req_frag_seen |= bit;
	if (new_set || (bit && (x->req_frag_copy & bit))) {
		x->req_frag_copy = bit;
		return true;
	}
	x->req_frag_copy |= bit;
	return false;
}

/* A request copy: the first one, a retransmission, or one more IKE fragment. */
/* The SA now waits for an answer: the sweep is to visit it. */
static void mark_pending(struct engine *e, const struct ike_sa *sa)
{
	uint32_t slot = table_slot_of(e->sas, sa);

	e->pending_bits[slot / 64] |= 1ull << (slot % 64);
}

static void add_request(struct engine *e, struct ike_sa *sa, struct exch *x, const struct unit *u,
			const struct ike_msg *m, uint64_t hash)
{
	bool fragment = m->frag_num > 0;
	/* An IKEv2 fragment numbered above its own total is discarded by its
	 * receiver (RFC 7383 section 2.6): neither a copy nor part of the set;
	 * the first such datagram still marks when the request came. */
	bool discarded = fragment && ike_is_v2(m) && m->frag_num > m->frag_total;
	bool repeat;

	if (discarded && x->nreq)
		return;
	if (fragment && !discarded) {
		if (!add_fragment(x, m, &repeat) && repeat)
			return;
	} else {
		repeat = x->nreq > 0;
	}
	if (x->nreq == 0 || !repeat) {
		if (x->nreq == 0) {
			x->req_frame = u->frame;
			x->req_ns = u->ts_ns;
			x->req_from_host = u->outgoing;
			x->req_natt = u->transport == TR_UDP4500;
			x->req_len = (uint32_t)u->orig_len;
			x->req_hash = hash;
			x->req_ip_frags = u->ip_frags;
			x->req_sk_np = ike_first_fragment_np(m);
			x->nreq = 1;
			/* A capture that began between a request and its answer
			 * sees the answer first: the exchange stays answered. */
			if (!x->nresp) {
				x->outcome = EXO_PENDING;
				sa->pending++;
				mark_pending(e, sa);
			}
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
		/* One copy may cross the answer on its way; a requester that
		 * resends twice after it never got it. A copy close behind the
		 * one before is the capture's own duplicate (a SPAN port). */
		if (x->nresp && u->ts_ns > x->resp_ns &&
		    u->ts_ns - x->req_ns_last >= RETRANSMIT_MIN_NS && x->req_after_resp < UINT8_MAX &&
		    ++x->req_after_resp == 2)
			detect_ike_response_lost(e, sa, x);
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

uint16_t ike_first_error_notify(const struct ike_msg *m)
{
	unsigned ntype = m->major == 2 ? IKE2_PLD_N : IKE1_PLD_N;

	for (unsigned i = 0; i < m->npl; i++)
		if (m->pl[i].type == ntype && m->pl[i].notify && m->pl[i].notify < IKE_NOTIFY_STATUS_FIRST)
			return m->pl[i].notify;
	return 0;
}

/* Other requests that timed out while the resolved diagnosis stood raised
 * nothing of their own (one per code and SA): with its code free again,
 * those still unanswered are judged now. */
static void rejudge_timeouts(struct engine *e, struct ike_sa *sa, const struct exch *answered)
{
	for (unsigned i = 0; i < sa->nexch; i++) {
		struct exch *x = &sa->ex[i];

		if (x != answered && x->outcome == EXO_TIMEOUT && !x->diag_code)
			detect_ike_exchange(e, sa, x);
	}
}

/* Whether this response datagram begins another copy of the response: an
 * unfragmented one always does; an IKE fragment when its number is one the
 * copy arriving now already holds (as for requests, add_fragment). */
static bool response_copy(struct exch *x, const struct ike_msg *m)
{
	uint32_t bit = m->frag_num && m->frag_num <= 32 ? 1u << (m->frag_num - 1) : 0;

	if (!m->frag_num)
		return true;
	if (x->nresp && !(x->resp_frag_copy & bit)) {
		x->resp_frag_copy |= bit;
		return false;
	}
	x->resp_frag_copy = bit;
	return true;
}

/* Returns whether this was the exchange's first response, whose hash then
 * tells its copies. */
static bool add_response(struct engine *e, struct ike_sa *sa, struct exch *x,
			 const struct unit *u, const struct ike_msg *m, uint64_t hash)
{
	bool late = x->outcome == EXO_TIMEOUT || x->outcome == EXO_REFUSED;

	if (!response_copy(x, m))
		return false;
	if (x->nresp < UINT8_MAX)
		x->nresp++;
	if (x->nresp > 1)
		return false;
	x->resp_frame = u->frame;
	x->resp_ns = u->ts_ns;
	x->resp_len = (uint32_t)u->orig_len;
	x->resp_unforwarded_if = u->unforwarded ? u->ifindex : 0;
	x->resp_hash = hash;
	x->resp_sk_np = ike_first_fragment_np(m);
	x->resp_notify = ike_first_error_notify(m);
	if (x->outcome == EXO_PENDING && x->nreq && sa->pending)
		sa->pending--;
	x->outcome = x->resp_notify ? EXO_ERROR : EXO_ANSWERED;
	/* A timeout is a verdict on packet time; a peer that was down or busy
	 * for longer can still answer a later copy, and then "no answer" was
	 * wrong. Resolved first: what the answer says is judged afresh. */
	if (late && x->diag_code) {
		diag_resolve(e, sa, x->diag_code - 1u, x->diag_sev, x->diag_at, u->frame, u->ts_ns,
			     RESOLVED_LATER);
		x->diag_code = 0;
		rejudge_timeouts(e, sa, x);
	}
	/* An answer crossed the path an ICMP error said was closed: the
	 * peer was unreachable only for a while (a route, the daemon
	 * starting). */
	if (sa->unreach_ike || e->unreach_open)
		detect_unreachable_answered(e, sa, u);
	exch_end(e, sa, x);
	return true;
}

/* A child rekey (CREATE_CHILD_SA opening with N(REKEY_SA), answered with an
 * SA) replaces the newest child SA pair; IKE rekeys and extra child SAs open
 * with SA and replace nothing. The old SPIs should fall silent soon. The
 * notify's type is encrypted: a new child SA whose request opens with another
 * notify (USE_TRANSPORT_MODE) looks the same, which is why what follows from
 * a replacement (esp.stale_spi) is never more than likely. */
/* With another child SA of the IKE SA still carrying traffic the same way
 * (not one an earlier rekey replaced), which pair the rekey replaces is not
 * visible: marking the newest would call a working child stale. */
#define CHILD_LIVE_NS (30 * 1000000000LL)

static bool second_child_live(struct engine *e, const struct ike_sa *sa, int64_t ns)
{
	for (unsigned dir = 0; dir < 2; dir++) {
		const struct esp_flow *p = sa->esp_prev[dir] ? engine_flow(e, sa->esp_prev[dir] - 1) : NULL;

		if (p && engine_flow_sa(e, p) == sa && !p->stale && p->last_ns + CHILD_LIVE_NS >= ns)
			return true;
	}
	return false;
}

static void child_rekeyed(struct engine *e, struct ike_sa *sa, const struct exch *x)
{
	if (x->type != IKE2_EXCH_CREATE_CHILD || x->req_sk_np != IKE2_PLD_N ||
	    x->resp_sk_np != IKE2_PLD_SA || second_child_live(e, sa, x->resp_ns))
		return;
	for (unsigned dir = 0; dir < 2; dir++) {
		const struct esp_flow *f = sa->esp_last[dir] ? engine_flow(e, sa->esp_last[dir] - 1) : NULL;

		if (f)
			esp_flow_mark_replaced(e, f->spi, &f->dst, x->resp_ns);
	}
}

/* An answer whose IP fragments did not all reach the capture point, after
 * which the requester sent its request again: it never got the answer
 * either. Without such a copy the fragments may have been missed by the
 * capture alone (a mirror port hashing fragments to another link), so the
 * answer counts. */
static bool answer_set_aside(struct exch *x, const struct unit *u)
{
	if (!unit_ike_incomplete(u) || !x->nreq || x->req_ns_last <= u->ts_ns)
		return false;
	if (x->resp_incomplete < UINT8_MAX)
		x->resp_incomplete++;
	return true;
}

/* IKEv2: the I flag names the original initiator, R marks responses, so
 * the side that started an exchange is I for requests and !I for responses. */
static bool track_ike2(struct engine *e, struct ike_sa *sa, const struct unit *u,
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
		uint64_t h = message_hash(e, u);
		struct exch *old = exch_answered_by(sa, m->msg_id, by_init, h);

		if (old) {
			add_response(e, sa, old, u, m, h);
			return true;
		}
		if (!x) {
			x = exch_new(sa, m, by_init);
			x->outcome = EXO_PENDING;
		}
		if (answer_set_aside(x, u))
			return false;
		if (add_response(e, sa, x, u, m, h))
			child_rekeyed(e, sa, x);
	}
	return true;
}

/* IKEv1 has no response flag: the answer is the next message with the same
 * message ID from the other side. In phase 1 (message ID 0) each
 * request/answer pair is one step; the last message of aggressive mode and
 * of quick mode expects no answer, and neither do informationals. */
/* A peer that refuses a Quick Mode request says why in an encrypted
 * informational (NO_PROPOSAL_CHOSEN, INVALID_ID_INFORMATION...) sent at
 * once instead of Quick Mode message 2. One arriving soon after the request
 * is noted on it; the request is judged refused only if no message 2
 * follows, since a liveness check could cross it. */
#define REFUSAL_WINDOW_NS (5 * 1000000000LL)

/* Quick Mode, and Main Mode message 5: a responder that reads the
 * initiator's identity there and refuses it answers the same way. */
static bool refusable(const struct exch *x)
{
	return x->type == IKE1_EXCH_QUICK || (x->type == IKE1_EXCH_MAIN && x->step == 5);
}

static void note_refusal(struct ike_sa *sa, const struct unit *u, bool from_init)
{
	for (int i = sa->nexch - 1; i >= 0; i--) {
		struct exch *x = &sa->ex[i];

		if (x->by_initiator == from_init)
			continue;
		if (refusable(x) && x->outcome == EXO_PENDING && x->nreq && !x->nresp &&
		    !x->refuse_frame &&
		    u->ts_ns - x->req_ns_last <= REFUSAL_WINDOW_NS) {
			x->refuse_frame = u->frame;
			x->refuse_ns = u->ts_ns;
			x->refuse_len = (uint32_t)u->orig_len;
		}
		return;
	}
}

static bool track_ike1(struct engine *e, struct ike_sa *sa, const struct unit *u,
		       const struct ike_msg *m, bool from_init)
{
	uint64_t h = message_hash(e, u);
	bool phase1 = m->exchange == IKE1_EXCH_MAIN || m->exchange == IKE1_EXCH_AGGRESSIVE;
	struct exch *mine = phase1 ? exch_find_type(sa, m->msg_id, from_init, m->exchange)
				   : exch_find(sa, m->msg_id, from_init);
	struct exch *theirs = phase1 ? exch_find_type(sa, m->msg_id, !from_init, m->exchange)
				     : exch_find(sa, m->msg_id, !from_init);
	struct exch *x;

	if (mine && mine->nreq &&
	    (mine->req_hash == h || m->frag_num > 1 ||
	     (!mine->nresp && (u->len < u->orig_len || mine->req_partial)))) {
		add_request(e, sa, mine, u, m, h);
		return true;
	}
	/* An answer again (the newest, or an older one of the same message
	 * ID that its requester sent again), or the later IKE fragments of
	 * the newest (counted as copies by their numbers). */
	if ((x = exch_answered_by(sa, m->msg_id, !from_init, h)) != NULL) {
		add_response(e, sa, x, u, m, h);
		return true;
	}
	if (theirs && theirs->nresp && m->frag_num > 1 && theirs->resp_frag_copy) {
		add_response(e, sa, theirs, u, m, h);
		return true;
	}
	if (theirs && theirs->nreq && theirs->nresp == 0 && (!mine || mine < theirs)) {
		if (answer_set_aside(theirs, u))
			return false;
		add_response(e, sa, theirs, u, m, h);
		return true;
	}
	if (mine && mine->nresp &&
	    (m->exchange == IKE1_EXCH_QUICK || m->exchange == IKE1_EXCH_AGGRESSIVE)) {
		mine->step = 3;
		return true;
	}
	x = exch_new(sa, m, from_init);
	x->step = (uint8_t)(mine && mine->type == m->exchange ? mine->step + 2 : 1);
	add_request(e, sa, x, u, m, h);
	if (m->exchange == IKE1_EXCH_INFO) {
		x->outcome = EXO_ANSWERED;
		if (sa->pending)
			sa->pending--;
		if (m->encrypted)
			note_refusal(sa, u, from_init);
	}
	return true;
}

/* IKEv1 errors come in a separate informational message: it closes the
 * exchange the other side is waiting on. */
void ike_exch_close_with_error(struct engine *e, struct ike_sa *sa,
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
		exch_end(e, sa, x);
		return;
	}
}

/* An unanswered request times out after the configured time; at the end of
 * the capture, one that was retransmitted does too. A single copy sent just
 * before the capture stopped has not failed: it stays pending. */
void ike_sa_expire(struct engine *e, struct ike_sa *sa, int64_t now_ns, bool final)
{
	int64_t timeout = (int64_t)e->cfg.ike_timeout_ms * 1000000;

	for (unsigned i = 0; i < sa->nexch; i++) {
		struct exch *x = &sa->ex[i];
		int64_t waited = now_ns - x->req_ns;

		if (x->outcome != EXO_PENDING || !x->nreq)
			continue;
		if (waited < timeout && !(final && (x->nreq > 1 || x->refuse_frame)))
			continue;
		x->outcome = x->refuse_frame ? EXO_REFUSED : EXO_TIMEOUT;
		if (sa->pending)
			sa->pending--;
		exch_end(e, sa, x);
	}
}

void ike_sa_sweep(struct engine *e, int64_t now_ns, bool final)
{
	uint32_t words = (table_slots(e->sas) + 63) / 64;

	for (uint32_t w = 0; w < words; w++) {
		uint64_t bits = e->pending_bits[w];

		while (bits) {
			uint32_t slot = w * 64 + (uint32_t)__builtin_ctzll(bits);
			struct ike_sa *sa = engine_sa_mut(e, slot);

			bits &= bits - 1;
			if (sa && sa->pending)
				ike_sa_expire(e, sa, now_ns, final);
			/* A slot whose SA ended, left or got its answers waits no more. */
			if (!sa || !sa->pending)
				e->pending_bits[w] &= ~(1ull << (slot % 64));
		}
	}
}

bool ike_exch_track(struct engine *e, struct ike_sa *sa, const struct unit *u,
		    const struct ike_msg *m, bool from_init)
{
	if (m->major == 2)
		return track_ike2(e, sa, u, m);
	return track_ike1(e, sa, u, m, from_init);
}
