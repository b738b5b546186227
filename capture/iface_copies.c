/* iface_copies.c - one view of a host that forwards IPsec traffic and is
 * captured on all its interfaces ("-i any", Linux cooked v2).
 *
 * Such a capture holds each forwarded packet twice, once on each side, and
 * with NAT the two copies differ in addresses and ports. Fed both, the
 * engine would count every message as retransmitted, every ESP packet as
 * replayed, and would judge NAT from a mix of inside and outside addresses.
 * So the first copy wins: when a unit turns up again on another interface
 * within COPY_WINDOW_NS, the interface it was first seen on is kept, the
 * other one is left out, and the engine is told once (UNIT_IFACE_COPIES).
 * Copies are marked, not dropped: the packet views still show every packet.
 *
 * A copy is recognised by its content (what NAT leaves alone: the IKE or ESP
 * bytes and their length), but only once both copies were seen, and the copy
 * on the left-out side comes first for packets travelling towards the kept
 * side. So the left-out side's address and port pairs of forwarded traffic
 * are remembered, and units on them are copies as they come. Traffic of the
 * host itself on the left-out interface has other pairs and is analysed.
 * Both tables are small, direct-mapped and keyed with the decoder's SipHash
 * key; a pair pushed out is learnt again from the next copy. */
#include <stdlib.h>
#include <string.h>

#include "decoder_int.h"

#define COPY_SLOTS 1024
#define PAIR_SLOTS 256
/* Forwarding takes microseconds; IKE retransmits after half a second or more. */
#define COPY_WINDOW_NS 250000000LL
#define COPY_DIGEST_BYTES 64
#define IGNORED_MAX 4

/* The endpoints of a unit on one interface, the lower endpoint first so
 * that both directions have one key. */
struct pair_key {
	uint32_t ifindex;
	uint8_t transport;
	struct addr lo, hi;
	uint16_t lo_port, hi_port;
};

struct copy_slot {
	uint64_t digest;
	int64_t ts_ns;
	uint64_t frame;
	uint32_t ifindex;        /* 0: empty */
	struct pair_key pair;
};

struct iface_copies_state {
	uint32_t kept;                    /* 0 until the first copy */
	uint32_t ignored[IGNORED_MAX];
	unsigned n_ignored;
	struct copy_slot slot[COPY_SLOTS];
	struct pair_key pairs[PAIR_SLOTS];  /* ifindex 0: empty */
};

static void pair_of(const struct unit *u, struct pair_key *k)
{
	int c = memcmp(&u->src, &u->dst, sizeof(u->src));
	bool swap = c > 0 || (c == 0 && u->sport > u->dport);

	memset(k, 0, sizeof(*k));
	k->ifindex = u->ifindex;
	k->transport = u->transport;
	k->lo = swap ? u->dst : u->src;
	k->hi = swap ? u->src : u->dst;
	k->lo_port = swap ? u->dport : u->sport;
	k->hi_port = swap ? u->sport : u->dport;
}

static struct pair_key *pair_slot(const struct decoder *d, struct iface_copies_state *s,
				  const struct pair_key *k)
{
	unsigned char h[crypto_shorthash_BYTES];
	uint32_t i;

	crypto_shorthash(h, (const unsigned char *)k, sizeof(*k), d->hash_key);
	memcpy(&i, h, sizeof(i));
	return &s->pairs[i & (PAIR_SLOTS - 1)];
}

static bool is_ignored(const struct iface_copies_state *s, uint32_t ifindex)
{
	for (unsigned i = 0; i < s->n_ignored; i++)
		if (s->ignored[i] == ifindex)
			return true;
	return false;
}

static uint64_t content_digest(const struct decoder *d, const struct unit *u)
{
	unsigned char buf[8 + COPY_DIGEST_BYTES], h[crypto_shorthash_BYTES];
	size_t n = u->len < COPY_DIGEST_BYTES ? u->len : COPY_DIGEST_BYTES;
	uint32_t orig = (uint32_t)u->orig_len;
	uint64_t v;

	buf[0] = u->kind;
	buf[1] = 0;
	buf[2] = buf[3] = 0;
	memcpy(buf + 4, &orig, 4);
	if (n)
		memcpy(buf + 8, u->data, n);
	crypto_shorthash(h, buf, 8 + n, d->hash_key);
	memcpy(&v, h, sizeof(v));
	return v | 1;  /* never 0, which marks an empty slot */
}

/* The first copy of a pair of interfaces decides which one is kept. */
static void announce(struct decoder *d, const struct copy_slot *first, const struct unit *u)
{
	struct unit n = *u;

	n.kind = UNIT_IFACE_COPIES;
	n.data = NULL;
	n.len = n.orig_len = 0;
	memset(&n.u, 0, sizeof(n.u));
	n.u.copies.kept = first->ifindex;
	n.u.copies.ignored = u->ifindex;
	n.u.copies.kept_frame = first->frame;
	n.u.copies.kept_ns = first->ts_ns;
	decoder_emit(d, &n);
}

static void copy_seen(struct decoder *d, struct iface_copies_state *s, const struct copy_slot *first,
		      const struct unit *u, const struct pair_key *k)
{
	const struct pair_key *left_out = NULL;

	if (!s->kept)
		s->kept = first->ifindex;
	if (first->ifindex == s->kept && !is_ignored(s, u->ifindex) && s->n_ignored < IGNORED_MAX) {
		s->ignored[s->n_ignored++] = u->ifindex;
		announce(d, first, u);
	}
	if (is_ignored(s, u->ifindex))
		left_out = k;
	else if (is_ignored(s, first->ifindex))
		left_out = &first->pair;
	if (left_out)
		*pair_slot(d, s, left_out) = *left_out;
}

bool iface_copy(struct decoder *d, const struct unit *u)
{
	struct iface_copies_state *s = d->copies;
	struct copy_slot *slot;
	struct pair_key k;
	uint64_t dg;

	if (!s && !(s = d->copies = calloc(1, sizeof(*s))))
		return false;
	pair_of(u, &k);
	if (is_ignored(s, u->ifindex) && !memcmp(pair_slot(d, s, &k), &k, sizeof(k)))
		return true;
	/* Every keepalive is the same byte: its content tells no copy apart. */
	if (u->kind == UNIT_KEEPALIVE)
		return false;
	dg = content_digest(d, u);
	slot = &s->slot[dg & (COPY_SLOTS - 1)];
	if (slot->digest == dg && slot->ifindex && slot->ifindex != u->ifindex &&
	    u->ts_ns >= slot->ts_ns && u->ts_ns - slot->ts_ns <= COPY_WINDOW_NS) {
		copy_seen(d, s, slot, u, &k);
		return true;
	}
	slot->digest = dg;
	slot->ts_ns = u->ts_ns;
	slot->frame = u->frame;
	slot->ifindex = u->ifindex;
	slot->pair = k;
	return false;
}

void iface_copies_free(struct decoder *d)
{
	free(d->copies);
	d->copies = NULL;
}
