/* iface_copies.c - one view of a host that forwards IPsec traffic and is
 * captured on all its interfaces ("-i any", Linux cooked v2).
 *
 * Such a capture holds each forwarded packet more than once: arriving on
 * one interface, leaving on another, and again on any device stacked on
 * those (a VLAN, a bond, a bridge and its ports); with NAT the copies differ
 * in addresses and ports. Fed all, the engine would count every message as
 * retransmitted, every ESP packet as replayed, and would judge NAT from a
 * mix of inside and outside addresses. So interfaces that show the same
 * packets form a group, the interface of a group's first copy is kept, and
 * the copies on the others are marked (unit.iface_copy): the packet views
 * still show them, the engine leaves them out, and it is told once for each
 * interface left out (UNIT_IFACE_COPIES).
 *
 * Two units are copies of one packet when their bytes (the first
 * COPY_DIGEST_BYTES of the IKE, ESP, AH or keepalive data, what NAT leaves
 * alone) and lengths agree, within COPY_WINDOW_NS, on two interfaces, and
 * either the first arrived and the second left (forwarded), or both went
 * the same way with the same addresses (stacked devices). A host sending
 * one message on two paths (MOBIKE) has two outgoing copies with different
 * addresses: those are its own, and stay. Keepalives are all the same byte,
 * so two hosts' could pass for copies: they are marked only between
 * interfaces already grouped, and never start a group.
 *
 * A packet travelling towards the kept interface arrives on a left-out one
 * first, before anything says it will be forwarded. Such a unit is held
 * back until its copy shows on the kept interface (it is then the one
 * marked), or until the window has passed (it was the host's own, or the
 * host dropped it instead of forwarding: it is analysed as seen, flagged
 * unforwarded). Units behind a held one wait too, so that the order stays
 * the capture's. Held units and their bytes are copied into fixed rings;
 * when one is full, the oldest held unit goes on, analysed as seen.
 * Everything is allocated once, on the first unit that names its
 * interface. */
#include <stdlib.h>
#include <string.h>

#include "decoder_int.h"

#define COPY_WINDOW_NS 100000000LL
#define COPY_DIGEST_BYTES 64
#define RECENT_SETS 4096
#define RECENT_WAYS 4
#define HOLD_MAX 256
#define ARENA_BYTES (1u << 20)  /* holds any reassembled IKE message (64 KiB) many times */
#define IFACES_MAX 64

/* A unit seen lately, for its copy to find. */
struct recent {
	uint64_t digest;     /* 0: empty */
	uint64_t src_h, dst_h; /* hashes of its source and destination address and port */
	uint64_t frame;
	int64_t ts_ns;
	uint64_t hold_seq;   /* its place in the hold queue while held there, else 0 */
	uint32_t ifindex;
	uint8_t outgoing;
};

/* An interface that showed copies, and its group: the position of the
 * group's first member. Its own position is its rank, the lower the
 * better: of the copies of one packet, the one on the best-ranked
 * interface is analysed. */
struct iface {
	uint32_t ifindex;
	unsigned group;
};

/* Two interfaces already said to show the same packets. */
struct iface_pair {
	uint32_t a, b;
};

struct held {
	struct unit u;
	bool pending;        /* waits for a copy, which may show on a better-ranked interface */
	uint64_t arena_end;  /* where its bytes end in the arena */
};

struct iface_copies_state {
	struct iface ifaces[IFACES_MAX];
	unsigned nifaces;
	struct iface_pair pairs[IFACES_MAX];
	unsigned npairs;
	uint64_t head_seq, tail_seq;      /* the queue holds [head, tail), from 1 */
	uint64_t arena_head, arena_tail;  /* bytes of held units, in queue order */
	struct held hold[HOLD_MAX];
	struct recent recent[RECENT_SETS][RECENT_WAYS];
	uint8_t arena[ARENA_BYTES];
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

static uint64_t endpoint_hash(const struct decoder *d, const struct addr *a, uint16_t port)
{
	unsigned char buf[sizeof(*a) + 2];

	memcpy(buf, a, sizeof(*a));
	buf[sizeof(*a)] = (uint8_t)(port >> 8);
	buf[sizeof(*a) + 1] = (uint8_t)port;
	return hash64(d, buf, sizeof(buf));
}

/* Whether b is within the window of a, either way: a host stamps what it
 * receives and what it sends on different CPUs, a little out of order.
 * Unsigned, so hostile stamps cannot overflow. */
static bool near(int64_t a, int64_t b)
{
	uint64_t d = a >= b ? (uint64_t)a - (uint64_t)b : (uint64_t)b - (uint64_t)a;

	return d <= (uint64_t)COPY_WINDOW_NS;
}

/* Whether now is past the window of a unit stamped ts; a time before ts
 * (a frame stamped a little early, a clock step back) is not. */
static bool window_over(int64_t now, int64_t ts)
{
	return now > ts && (uint64_t)now - (uint64_t)ts > (uint64_t)COPY_WINDOW_NS;
}

/* Forwarded (in, then out), or the same packet on stacked devices (the
 * same way, the same addresses). Keepalives are all one byte: two hosts'
 * must share an endpoint too (NAT rewrites only one side). */
static bool same_packet(const struct recent *r, const struct unit *u, uint64_t src_h, uint64_t dst_h)
{
	if (r->outgoing != u->outgoing)
		return !r->outgoing && (u->kind != UNIT_KEEPALIVE || r->src_h == src_h || r->dst_h == dst_h);
	return r->src_h == src_h && r->dst_h == dst_h;
}

static struct iface *iface_find(struct iface_copies_state *s, uint32_t ifindex)
{
	for (unsigned i = 0; i < s->nifaces; i++)
		if (s->ifaces[i].ifindex == ifindex)
			return &s->ifaces[i];
	return NULL;
}

/* Whether an interface of ifindex's group ranks better than it: a unit
 * arriving on ifindex may show again on that one, to be analysed there. */
static bool outranked(struct iface_copies_state *s, uint32_t ifindex)
{
	const struct iface *f = iface_find(s, ifindex);

	return f && f > &s->ifaces[f->group];
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
	s->arena_head = h->arena_end;
	if (h->pending && unforwarded)
		h->u.unforwarded = 1;
	h->pending = false;
	decoder_deliver(d, &h->u);
}

/* Room for n contiguous bytes at the arena's tail, releasing held units
 * (analysed as seen) while there is not; the offset, or -1 if n is too
 * large to hold. */
static int64_t arena_take(struct decoder *d, struct iface_copies_state *s, size_t n)
{
	if (n > ARENA_BYTES / 4)
		return -1;
	for (;;) {
		uint64_t start = s->arena_tail, off = start % ARENA_BYTES;

		/* A unit's bytes never wrap: skip the end of the arena. */
		if (off + n > ARENA_BYTES)
			start += ARENA_BYTES - off;
		if (start + n - s->arena_head <= ARENA_BYTES) {
			s->arena_tail = start + n;
			return (int64_t)(start % ARENA_BYTES);
		}
		/* Emptied, the arena fits n (a quarter of it at most) wherever
		 * its tail stands: the loop ends before the queue does. */
		release_head(d, s, false);
	}
}

static void hold(struct decoder *d, struct iface_copies_state *s, const struct unit *u, bool pending)
{
	int64_t off = 0;
	struct held *h;

	if (s->tail_seq - s->head_seq == HOLD_MAX)
		release_head(d, s, false);
	if (u->len && (off = arena_take(d, s, u->len)) < 0) {
		while (holding(s))
			release_head(d, s, false);
		decoder_deliver(d, u);
		return;
	}
	h = &s->hold[s->tail_seq % HOLD_MAX];
	s->tail_seq++;
	h->u = *u;
	h->pending = pending;
	h->arena_end = s->arena_tail;
	h->u.data = u->len ? memcpy(s->arena + off, u->data, u->len) : NULL;
}

/* Delivers u now, or behind what is held. */
static void pass_on(struct decoder *d, struct iface_copies_state *s, const struct unit *u)
{
	if (holding(s))
		hold(d, s, u, false);
	else
		decoder_deliver(d, u);
}

/* The held unit r stands for, while it still waits. */
static struct held *held_of(struct iface_copies_state *s, const struct recent *r)
{
	struct held *h;

	if (!r->hold_seq || r->hold_seq < s->head_seq || r->hold_seq >= s->tail_seq)
		return NULL;
	h = &s->hold[r->hold_seq % HOLD_MAX];
	return h->pending && h->u.frame == r->frame && h->u.ifindex == r->ifindex ? h : NULL;
}

/* Whether cand should make room rather than cur: empty first, then the
 * entries not held, the oldest first. */
static bool better_victim(struct iface_copies_state *s, const struct recent *cand,
			  const struct recent *cur)
{
	bool cand_held, cur_held;

	if (!cur)
		return true;
	if (!cur->digest || !cand->digest)
		return !cand->digest && cur->digest;
	cand_held = held_of(s, cand) != NULL;
	cur_held = held_of(s, cur) != NULL;
	if (cand_held != cur_held)
		return !cand_held;
	return cand->ts_ns < cur->ts_ns;
}

/* Says, once for two interfaces, that the copies on the worse-ranked one
 * are left out. */
static void announce(struct decoder *d, struct iface_copies_state *s, const struct recent *first,
		     const struct unit *u, bool first_wins)
{
	uint32_t kept = first_wins ? first->ifindex : u->ifindex;
	uint32_t ignored = first_wins ? u->ifindex : first->ifindex;
	struct unit n = *u;

	for (unsigned i = 0; i < s->npairs; i++)
		if ((s->pairs[i].a == kept && s->pairs[i].b == ignored) ||
		    (s->pairs[i].a == ignored && s->pairs[i].b == kept))
			return;
	if (s->npairs == IFACES_MAX)
		return;
	s->pairs[s->npairs++] = (struct iface_pair){ kept, ignored };
	n.kind = UNIT_IFACE_COPIES;
	n.iface_copy = COPY_NONE;
	n.copy_changed = 0;
	n.unforwarded = 0;
	n.data = NULL;
	n.len = n.orig_len = 0;
	memset(&n.u, 0, sizeof(n.u));
	n.u.copies.kept = kept;
	n.u.copies.ignored = ignored;
	n.u.copies.kept_frame = first->frame;
	n.u.copies.kept_ns = first->ts_ns;
	pass_on(d, s, &n);
}

static struct iface *iface_add(struct iface_copies_state *s, uint32_t ifindex, unsigned group)
{
	struct iface *f;

	if (s->nifaces == IFACES_MAX)
		return NULL;
	f = &s->ifaces[s->nifaces++];
	f->ifindex = ifindex;
	f->group = group == IFACES_MAX ? s->nifaces - 1 : group;
	return f;
}

/* Ranks the interfaces of two copies (a new one ranks below those known)
 * and puts them in one group; says whether the first copy's interface
 * ranks better. */
static bool rank(struct iface_copies_state *s, uint32_t first, uint32_t second)
{
	struct iface *a = iface_find(s, first), *b = iface_find(s, second);

	if (!a)
		a = iface_add(s, first, b ? b->group : IFACES_MAX);
	if (!b)
		b = iface_add(s, second, a ? a->group : IFACES_MAX);
	if (!a || !b)
		return !b;
	if (a->group != b->group) {
		unsigned from = a->group > b->group ? a->group : b->group;
		unsigned to = a->group < b->group ? a->group : b->group;

		for (unsigned i = 0; i < s->nifaces; i++)
			if (s->ifaces[i].group == from)
				s->ifaces[i].group = to;
	}
	return a < b;
}

/* Whether two known interfaces are in one group, and the first ranks
 * better: what a keepalive, which starts no group, needs to know. */
static bool grouped(struct iface_copies_state *s, uint32_t first, uint32_t second, bool *first_wins)
{
	const struct iface *a = iface_find(s, first), *b = iface_find(s, second);

	if (!a || !b || a->group != b->group)
		return false;
	*first_wins = a < b;
	return true;
}

/* c is a copy of the unit r stands for: marks the worse-ranked of the two
 * (the first one wins once on its way). A forwarded packet has been seen
 * arriving and leaving, so what more shows of it is on devices stacked on
 * those, with the same addresses: settled. Two copies the same way still
 * wait for a better-ranked interface of their group, the better one of
 * them in r's place. Says whether c must wait. */
static bool settle(struct iface_copies_state *s, struct recent *r, struct unit *c, bool first_wins,
		   uint64_t src_h, uint64_t dst_h)
{
	struct held *h = held_of(s, r);
	bool forwarded = r->outgoing != c->outgoing;
	uint8_t how = forwarded ? COPY_FORWARDED : COPY_STACKED;
	uint8_t changed = (uint8_t)((r->src_h != src_h ? COPY_SRC_CHANGED : 0) |
				    (r->dst_h != dst_h ? COPY_DST_CHANGED : 0));

	if (!h || first_wins) {
		c->iface_copy = how;
		c->copy_changed = changed;
		if (h && (forwarded || !outranked(s, r->ifindex)))
			h->pending = false;
		return false;
	}
	h->pending = false;
	h->u.iface_copy = how;
	h->u.copy_changed = changed;
	if (forwarded || c->outgoing || !outranked(s, c->ifindex) || c->len > ARENA_BYTES / 4)
		return false;
	r->ifindex = c->ifindex;
	r->frame = c->frame;
	r->hold_seq = s->tail_seq;
	return true;
}

/* Looks for the copy of c seen before it and marks the one on the worse-
 * ranked interface; says whether c must wait for a copy to come. */
static bool judge(struct decoder *d, struct iface_copies_state *s, struct unit *c)
{
	uint64_t dg = content_digest(d, c), src_h = endpoint_hash(d, &c->src, c->sport),
		 dst_h = endpoint_hash(d, &c->dst, c->dport);
	struct recent *set = s->recent[dg & (RECENT_SETS - 1)], *victim = NULL;
	bool pending, first_wins = true;

	for (unsigned w = 0; w < RECENT_WAYS; w++) {
		struct recent *r = &set[w];
		bool match = r->digest == dg && r->ifindex != c->ifindex && near(c->ts_ns, r->ts_ns) &&
			     same_packet(r, c, src_h, dst_h);

		/* Keepalives are all alike: they start no group. */
		if (match && c->kind == UNIT_KEEPALIVE)
			match = grouped(s, r->ifindex, c->ifindex, &first_wins);
		else if (match)
			first_wins = rank(s, r->ifindex, c->ifindex);
		if (match) {
			announce(d, s, r, c, first_wins);
			return settle(s, r, c, first_wins, src_h, dst_h);
		}
		if (better_victim(s, r, victim))
			victim = r;
	}
	pending = !c->outgoing && outranked(s, c->ifindex) && c->len <= ARENA_BYTES / 4;
	victim->digest = dg;
	victim->src_h = src_h;
	victim->dst_h = dst_h;
	victim->frame = c->frame;
	victim->ts_ns = c->ts_ns;
	victim->hold_seq = pending ? s->tail_seq : 0;
	victim->ifindex = c->ifindex;
	victim->outgoing = c->outgoing;
	return pending;
}

void iface_copies_release(struct decoder *d, int64_t now_ns, bool all)
{
	struct iface_copies_state *s = d->copies;

	while (s && holding(s)) {
		const struct held *h = &s->hold[s->head_seq % HOLD_MAX];
		bool waited = window_over(now_ns, h->u.ts_ns);

		if (h->pending && !all && !waited)
			break;
		release_head(d, s, waited);
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
	if (!s->head_seq)
		s->head_seq = s->tail_seq = 1;
	c = *u;
	if (c.ifindex && (c.kind == UNIT_IKE || c.kind == UNIT_ESP || c.kind == UNIT_AH ||
			  c.kind == UNIT_KEEPALIVE))
		pending = judge(d, s, &c);
	iface_copies_release(d, d->frame_ns, false);
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
