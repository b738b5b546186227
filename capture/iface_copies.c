/* iface_copies.c - one view of a host that forwards IPsec traffic and is
 * captured on all its interfaces ("-i any", Linux cooked v2).
 *
 * Such a capture holds each forwarded packet twice: arriving on one
 * interface, then leaving on another, and with NAT the two copies differ in
 * addresses and ports. Fed both, the engine would count every message as
 * retransmitted, every ESP packet as replayed, and would judge NAT from a
 * mix of inside and outside addresses. So for each pair of interfaces that
 * show the same packets, the interface of the first copy seen is kept and
 * the other one's copies are marked (unit.iface_copy): the packet views
 * still show them, the engine leaves them out, and it is told once per pair
 * (UNIT_IFACE_COPIES).
 *
 * Two units are copies of one packet when their bytes (the first
 * COPY_DIGEST_BYTES of the IKE, ESP, AH or keepalive data, what NAT leaves
 * alone) and lengths agree, within COPY_WINDOW_NS, on two interfaces, and
 * either the first arrived and the second left (forwarded), or both went
 * the same way with the same addresses (stacked devices: a VLAN or a bond
 * and its parent). A host sending one message on two paths (MOBIKE) has two
 * outgoing copies with different addresses: those are its own, and stay.
 *
 * A packet travelling towards the kept interface arrives on the left-out
 * one first, before anything says it will be forwarded. Such a unit is held
 * back until its copy leaves on the kept side (it is then marked), or until
 * the window has passed (it was the host's own, or the host dropped it
 * instead of forwarding: then it is analysed as seen). Units behind a held
 * one wait too, so that the order stays the capture's. Held units are
 * copied into a fixed queue; a unit too large for it, or a full queue,
 * releases what waits. Everything is allocated once, on the first unit
 * that names its interface. */
#include <stdlib.h>
#include <string.h>

#include "decoder_int.h"

#define COPY_WINDOW_NS 100000000LL
#define COPY_DIGEST_BYTES 64
#define RECENT_SETS 4096
#define RECENT_WAYS 4
#define HOLD_MAX 64
#define HOLD_BYTES 8192
#define PAIRS_MAX 8

/* A unit seen lately, for its copy to find. */
struct recent {
	uint64_t digest;     /* 0: empty */
	uint64_t ends;       /* hash of its addresses and ports */
	uint64_t frame;
	int64_t ts_ns;
	uint64_t hold_seq;   /* its place in the hold queue while held there, else 0 */
	uint32_t ifindex;
	uint8_t outgoing;
};

/* Two interfaces that showed the same packets, and the one analysed. */
struct iface_pair {
	uint32_t kept, ignored;
};

struct held {
	struct unit u;
	bool pending;        /* waits for its copy to say which one is analysed */
	uint8_t bytes[HOLD_BYTES];
};

struct iface_copies_state {
	struct iface_pair pairs[PAIRS_MAX];
	unsigned npairs;
	uint64_t head_seq, tail_seq;  /* the queue holds [head, tail), from 1 */
	int64_t latest_ns;            /* the latest time seen: windows end on it */
	struct held hold[HOLD_MAX];
	struct recent recent[RECENT_SETS][RECENT_WAYS];
};

static uint64_t hash64(const struct decoder *d, const void *p, size_t n)
{
	unsigned char h[crypto_shorthash_BYTES];
	uint64_t v;

	crypto_shorthash(h, p, n, d->hash_key);
	memcpy(&v, h, sizeof(v));
	return v;
}

static uint64_t content_digest(const struct decoder *d, const struct unit *u)
{
	unsigned char buf[8 + COPY_DIGEST_BYTES];
	size_t n = u->len < COPY_DIGEST_BYTES ? u->len : COPY_DIGEST_BYTES;
	uint32_t orig = (uint32_t)u->orig_len;

	memset(buf, 0, 8);
	buf[0] = u->kind;
	memcpy(buf + 4, &orig, 4);
	if (n)
		memcpy(buf + 8, u->data, n);
	return hash64(d, buf, 8 + n) | 1;  /* never 0, which marks an empty entry */
}

static uint64_t ends_hash(const struct decoder *d, const struct unit *u)
{
	unsigned char buf[2 * sizeof(u->src) + 4];

	memcpy(buf, &u->src, sizeof(u->src));
	memcpy(buf + sizeof(u->src), &u->dst, sizeof(u->dst));
	buf[2 * sizeof(u->src)] = (uint8_t)(u->sport >> 8);
	buf[2 * sizeof(u->src) + 1] = (uint8_t)u->sport;
	buf[2 * sizeof(u->src) + 2] = (uint8_t)(u->dport >> 8);
	buf[2 * sizeof(u->src) + 3] = (uint8_t)u->dport;
	return hash64(d, buf, sizeof(buf));
}

static bool within_window(int64_t later, int64_t earlier)
{
	/* Unsigned: no overflow on hostile stamps, and time going backwards
	 * wraps to far outside the window. */
	return (uint64_t)later - (uint64_t)earlier <= (uint64_t)COPY_WINDOW_NS;
}

static bool same_packet(const struct recent *first, const struct unit *u, uint64_t ends)
{
	if (!first->outgoing && u->outgoing)
		return true;
	return first->outgoing == u->outgoing && first->ends == ends;
}

static struct iface_pair *pair_find(struct iface_copies_state *s, uint32_t a, uint32_t b)
{
	for (unsigned i = 0; i < s->npairs; i++)
		if ((s->pairs[i].kept == a && s->pairs[i].ignored == b) ||
		    (s->pairs[i].kept == b && s->pairs[i].ignored == a))
			return &s->pairs[i];
	return NULL;
}

static bool is_ignored(const struct iface_copies_state *s, uint32_t ifindex)
{
	for (unsigned i = 0; i < s->npairs; i++)
		if (s->pairs[i].ignored == ifindex)
			return true;
	return false;
}

static bool holding(const struct iface_copies_state *s)
{
	return s->head_seq != s->tail_seq;
}

/* unforwarded: the head waited its whole window for a copy in vain. */
static void release_head(struct decoder *d, struct iface_copies_state *s, bool unforwarded)
{
	struct held *h = &s->hold[s->head_seq % HOLD_MAX];

	s->head_seq++;
	if (h->pending && unforwarded)
		h->u.unforwarded = 1;
	h->pending = false;
	decoder_deliver(d, &h->u);
}

static void hold(struct decoder *d, struct iface_copies_state *s, const struct unit *u, bool pending)
{
	struct held *h;

	if (s->tail_seq - s->head_seq == HOLD_MAX)
		release_head(d, s, false);
	h = &s->hold[s->tail_seq % HOLD_MAX];
	s->tail_seq++;
	h->u = *u;
	h->pending = pending;
	if (u->data && u->len) {
		memcpy(h->bytes, u->data, u->len);
		h->u.data = h->bytes;
	}
}

/* Delivers u now, or behind what is held. */
static void pass_on(struct decoder *d, struct iface_copies_state *s, const struct unit *u)
{
	if (!holding(s)) {
		decoder_deliver(d, u);
		return;
	}
	if (u->len > HOLD_BYTES) {
		while (holding(s))
			release_head(d, s, false);
		decoder_deliver(d, u);
		return;
	}
	hold(d, s, u, false);
}

static struct held *held_of(struct iface_copies_state *s, uint64_t seq)
{
	struct held *h;

	if (!seq || seq < s->head_seq || seq >= s->tail_seq)
		return NULL;
	h = &s->hold[seq % HOLD_MAX];
	return h->pending ? h : NULL;
}

/* The first copy of a new pair of interfaces decides which one is kept. */
static struct iface_pair *pair_decide(struct decoder *d, struct iface_copies_state *s,
				      const struct recent *first, const struct unit *u)
{
	struct iface_pair *p = pair_find(s, first->ifindex, u->ifindex);
	struct unit n;

	if (p || s->npairs == PAIRS_MAX)
		return p;
	p = &s->pairs[s->npairs++];
	p->kept = first->ifindex;
	p->ignored = u->ifindex;
	n = *u;
	n.kind = UNIT_IFACE_COPIES;
	n.iface_copy = 0;
	n.data = NULL;
	n.len = n.orig_len = 0;
	memset(&n.u, 0, sizeof(n.u));
	n.u.copies.kept = first->ifindex;
	n.u.copies.ignored = u->ifindex;
	n.u.copies.kept_frame = first->frame;
	n.u.copies.kept_ns = first->ts_ns;
	pass_on(d, s, &n);
	return p;
}

/* Looks for the copy of c seen before it. Marks the one of the two on the
 * left-out side, and says whether c must wait for a copy still to come. */
static bool judge(struct decoder *d, struct iface_copies_state *s, struct unit *c)
{
	uint64_t dg = content_digest(d, c), ends = ends_hash(d, c);
	struct recent *set = s->recent[dg & (RECENT_SETS - 1)], *victim = &set[0];
	bool pending;

	for (unsigned w = 0; w < RECENT_WAYS; w++) {
		struct recent *r = &set[w];
		struct iface_pair *p;
		struct held *h;

		if (r->digest == dg && r->ifindex != c->ifindex && within_window(c->ts_ns, r->ts_ns) &&
		    same_packet(r, c, ends)) {
			p = pair_decide(d, s, r, c);
			h = held_of(s, r->hold_seq);
			if (h) {
				h->pending = false;
				if (p && p->kept == c->ifindex)
					h->u.iface_copy = 1;
				else
					c->iface_copy = 1;
			} else {
				c->iface_copy = 1;
			}
			return false;
		}
		if (victim->digest && (!r->digest || r->ts_ns < victim->ts_ns))
			victim = r;
	}
	pending = !c->outgoing && is_ignored(s, c->ifindex) && c->len <= HOLD_BYTES;
	victim->digest = dg;
	victim->ends = ends;
	victim->frame = c->frame;
	victim->ts_ns = c->ts_ns;
	victim->hold_seq = pending ? s->tail_seq : 0;
	victim->ifindex = c->ifindex;
	victim->outgoing = c->outgoing;
	return pending;
}

/* Units emitted late (an expired fragment set) carry older times: the
 * windows end on the latest time seen, never on an earlier one. */
void iface_copies_release(struct decoder *d, int64_t now_ns)
{
	struct iface_copies_state *s = d->copies;

	if (!s)
		return;
	if (now_ns > s->latest_ns)
		s->latest_ns = now_ns;
	while (holding(s)) {
		const struct held *h = &s->hold[s->head_seq % HOLD_MAX];

		if (h->pending && now_ns != INT64_MAX && within_window(s->latest_ns, h->u.ts_ns))
			break;
		release_head(d, s, now_ns != INT64_MAX);
	}
}

void iface_copies_emit(struct decoder *d, const struct unit *u)
{
	struct iface_copies_state *s = d->copies;
	struct unit c;
	bool pending = false;

	if (!s && !(s = d->copies = calloc(1, sizeof(*s)))) {
		decoder_deliver(d, u);
		return;
	}
	if (!s->head_seq) {
		s->head_seq = s->tail_seq = 1;
		s->latest_ns = INT64_MIN;
	}
	c = *u;
	/* Keepalives are all the same byte: two hosts' could pass for copies of
	 * one, which would cost no more than a keepalive uncounted. */
	if (c.ifindex && (c.kind == UNIT_IKE || c.kind == UNIT_ESP || c.kind == UNIT_AH ||
			  c.kind == UNIT_KEEPALIVE))
		pending = judge(d, s, &c);
	iface_copies_release(d, c.ts_ns);
	if (pending)
		hold(d, s, &c, true);
	else
		pass_on(d, s, &c);
}

void iface_copies_free(struct decoder *d)
{
	free(d->copies);
	d->copies = NULL;
}
