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
	uint64_t ends;       /* hash of its addresses and ports */
	uint64_t frame;
	int64_t ts_ns;
	uint64_t hold_seq;   /* its place in the hold queue while held there, else 0 */
	uint32_t ifindex;
	uint8_t outgoing;
};

/* An interface that showed copies, and its group's kept interface. */
struct iface {
	uint32_t ifindex;
	uint32_t kept;
};

struct held {
	struct unit u;
	bool pending;        /* waits for its copy on the kept interface */
	uint64_t arena_end;  /* where its bytes end in the arena */
};

struct iface_copies_state {
	struct iface ifaces[IFACES_MAX];
	unsigned nifaces;
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

static struct iface *iface_find(struct iface_copies_state *s, uint32_t ifindex)
{
	for (unsigned i = 0; i < s->nifaces; i++)
		if (s->ifaces[i].ifindex == ifindex)
			return &s->ifaces[i];
	return NULL;
}

static unsigned iface_pos(const struct iface_copies_state *s, uint32_t ifindex)
{
	unsigned i = 0;

	while (i < s->nifaces && s->ifaces[i].ifindex != ifindex)
		i++;
	return i;
}

/* The kept interface of ifindex's group, 0 if it is in none. */
static uint32_t kept_of(struct iface_copies_state *s, uint32_t ifindex)
{
	const struct iface *f = iface_find(s, ifindex);

	return f ? f->kept : 0;
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
		if (!holding(s)) {
			s->arena_head = s->arena_tail = 0;
			continue;
		}
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

/* Says that copies on ignored are left out, kept being analysed. */
static void announce(struct decoder *d, struct iface_copies_state *s, uint32_t kept, uint32_t ignored,
		     const struct recent *first, const struct unit *u)
{
	struct unit n = *u;

	n.kind = UNIT_IFACE_COPIES;
	n.iface_copy = 0;
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

static struct iface *iface_add(struct iface_copies_state *s, uint32_t ifindex, uint32_t kept)
{
	struct iface *f;

	if (s->nifaces == IFACES_MAX)
		return NULL;
	f = &s->ifaces[s->nifaces++];
	f->ifindex = ifindex;
	f->kept = kept;
	return f;
}

/* Puts the interfaces of two copies in one group. A new group keeps the
 * first copy's interface; an interface joins a group as it is; when two
 * groups meet, the older one's kept interface stays kept, so the side a
 * tunnel is judged from does not change. Returns the kept interface, 0 when
 * the table is full. */
static uint32_t group(struct decoder *d, struct iface_copies_state *s, const struct recent *first,
		      const struct unit *u)
{
	uint32_t ka = kept_of(s, first->ifindex), kb = kept_of(s, u->ifindex), keep, drop;

	if (ka && ka == kb)
		return ka;
	if (!ka && !kb) {
		if (s->nifaces + 2 > IFACES_MAX)
			return 0;
		iface_add(s, first->ifindex, first->ifindex);
		iface_add(s, u->ifindex, first->ifindex);
		announce(d, s, first->ifindex, u->ifindex, first, u);
		return first->ifindex;
	}
	if (!ka || !kb) {
		uint32_t kept = ka ? ka : kb, joining = ka ? u->ifindex : first->ifindex;

		if (!iface_add(s, joining, kept))
			return 0;
		announce(d, s, kept, joining, first, u);
		return kept;
	}
	/* The older group is the one whose kept interface came first. */
	keep = iface_pos(s, ka) < iface_pos(s, kb) ? ka : kb;
	drop = keep == ka ? kb : ka;
	for (unsigned i = 0; i < s->nifaces; i++) {
		if (s->ifaces[i].kept != drop)
			continue;
		s->ifaces[i].kept = keep;
		announce(d, s, keep, s->ifaces[i].ifindex, first, u);
	}
	return keep;
}

/* Looks for the copy of c seen before it and marks the one not on its
 * group's kept interface; says whether c must wait for a copy to come. */
static bool judge(struct decoder *d, struct iface_copies_state *s, struct unit *c)
{
	uint64_t dg = content_digest(d, c), ends = ends_hash(d, c);
	struct recent *set = s->recent[dg & (RECENT_SETS - 1)], *victim = NULL;
	uint32_t kept;
	bool pending;

	for (unsigned w = 0; w < RECENT_WAYS; w++) {
		struct recent *r = &set[w];
		bool match = r->digest == dg && r->ifindex != c->ifindex &&
			     within_window(c->ts_ns, r->ts_ns) && same_packet(r, c, ends);
		struct held *h;

		if (match && c->kind == UNIT_KEEPALIVE) {
			kept = kept_of(s, r->ifindex);
			match = kept && kept == kept_of(s, c->ifindex);
		} else if (match) {
			kept = group(d, s, r, c);
		}
		if (match) {
			h = held_of(s, r);
			if (h && kept == c->ifindex) {
				h->pending = false;
				h->u.iface_copy = 1;
			} else {
				c->iface_copy = 1;
			}
			return false;
		}
		if (better_victim(s, r, victim))
			victim = r;
	}
	kept = kept_of(s, c->ifindex);
	pending = !c->outgoing && kept && kept != c->ifindex;
	victim->digest = dg;
	victim->ends = ends;
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
		bool waited = !within_window(now_ns, h->u.ts_ns);

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
