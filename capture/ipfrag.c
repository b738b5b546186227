/* ipfrag.c - IPv4 (RFC 791 §3.2) and IPv6 (RFC 8200 §4.5) fragment reassembly
 * in a fixed pool: datagram slots and fixed-size data blocks are allocated once
 * at decoder_new, so hostile fragment floods cost bounded memory and no
 * per-packet allocation. Overlaps are tolerated when the bytes agree (a
 * retransmitted fragment) and fatal for the datagram when they differ
 * (RFC 5722 treats overlapping IPv6 fragments as an attack). */
#include <stdlib.h>
#include <string.h>

#include "ipfrag.h"

#define FRAG_BLOCK 1024u
#define FRAG_MAX_DGRAM 65536u
#define FRAG_BLOCKS_PER (FRAG_MAX_DGRAM / FRAG_BLOCK)
/* Received data is kept as merged byte ranges; more holes than this is a
 * hostile pattern, not a real path MTU. */
#define FRAG_MAX_RANGES 32

struct frag_range {
	uint32_t lo, hi;
};

struct frag_dgram {
	bool used;
	uint8_t family;
	uint8_t src[16], dst[16];
	uint32_t ident;
	uint32_t ifindex;    /* the interface (-i any): a forwarding host sees each fragment twice */
	uint8_t proto;       /* IPv4: header protocol; IPv6: next header of the first fragment */
	uint8_t have_first, have_last;
	uint8_t ttl;
	uint8_t nranges;
	uint16_t nfrags;
	uint16_t sport, dport;
	int32_t next;        /* hash chain */
	uint32_t total;      /* payload size once the last fragment is seen */
	uint32_t bytes;      /* distinct payload bytes held */
	uint32_t nblocks;
	int64_t first_ns, last_ns;
	uint64_t last_frame;
	uint32_t block[FRAG_BLOCKS_PER]; /* pool index + 1; 0 = not allocated */
	struct frag_range have[FRAG_MAX_RANGES];
};

struct ipfrag {
	uint32_t nslots, nbuckets;
	int64_t timeout_ns;
	struct frag_dgram *slot;
	int32_t *bucket;
	uint32_t *free_block;  /* stack of free block indexes */
	uint32_t nfree, nblocks;
	uint8_t *data;         /* nblocks * FRAG_BLOCK */
	uint8_t out[FRAG_MAX_DGRAM]; /* a completed datagram, contiguous */
};

struct ipfrag *ipfrag_new(const struct decoder_config *cfg)
{
	struct ipfrag *f = calloc(1, sizeof(*f));
	uint32_t i;

	if (!f)
		return NULL;
	f->nslots = cfg->frag_max_datagrams;
	f->nbuckets = 16;
	while (f->nbuckets < 2 * f->nslots)
		f->nbuckets *= 2;
	f->timeout_ns = (int64_t)cfg->frag_timeout_ms * 1000000;
	f->nblocks = cfg->frag_max_bytes / FRAG_BLOCK;
	/* At least one full datagram must fit or nothing large ever completes. */
	if (f->nblocks < FRAG_BLOCKS_PER)
		f->nblocks = FRAG_BLOCKS_PER;
	f->slot = calloc(f->nslots, sizeof(*f->slot));
	f->bucket = malloc(f->nbuckets * sizeof(*f->bucket));
	f->free_block = malloc(f->nblocks * sizeof(*f->free_block));
	f->data = malloc((size_t)f->nblocks * FRAG_BLOCK);
	if (!f->slot || !f->bucket || !f->free_block || !f->data) {
		ipfrag_free(f);
		return NULL;
	}
	for (i = 0; i < f->nbuckets; i++)
		f->bucket[i] = -1;
	for (i = 0; i < f->nblocks; i++)
		f->free_block[i] = f->nblocks - 1 - i;
	f->nfree = f->nblocks;
	return f;
}

void ipfrag_free(struct ipfrag *f)
{
	if (!f)
		return;
	free(f->slot);
	free(f->bucket);
	free(f->free_block);
	free(f->data);
	free(f);
}

static uint32_t frag_hash(const struct decoder *d, uint8_t family, const uint8_t *src,
			  const uint8_t *dst, uint32_t ident, uint8_t proto)
{
	uint8_t key[38], h[crypto_shorthash_BYTES];
	uint32_t v;

	key[0] = family;
	memcpy(key + 1, src, 16);
	memcpy(key + 17, dst, 16);
	memcpy(key + 33, &ident, 4);
	key[37] = proto;
	crypto_shorthash(h, key, sizeof(key), d->hash_key);
	memcpy(&v, h, sizeof(v));
	return v & (d->frag->nbuckets - 1);
}

/* IPv6 fragments are identified without the protocol (RFC 8200 §4.5). */
static uint8_t frag_key_proto(uint8_t family, uint8_t proto)
{
	return family == ADDR_V6 ? 0 : proto;
}

static int32_t frag_find(struct decoder *d, const struct pkt *k, uint32_t ident, uint8_t proto,
			 uint32_t *bucket)
{
	struct ipfrag *f = d->frag;
	uint8_t fam = k->u.src.family, kp = frag_key_proto(fam, proto);
	int32_t i;

	*bucket = frag_hash(d, fam, k->u.src.a, k->u.dst.a, ident, kp);
	for (i = f->bucket[*bucket]; i >= 0; i = f->slot[i].next) {
		const struct frag_dgram *g = &f->slot[i];

		if (g->family == fam && g->ident == ident && g->ifindex == k->u.ifindex &&
		    frag_key_proto(fam, g->proto) == kp && !memcmp(g->src, k->u.src.a, 16) &&
		    !memcmp(g->dst, k->u.dst.a, 16))
			return i;
	}
	return -1;
}

static void frag_release(struct decoder *d, int32_t idx)
{
	struct ipfrag *f = d->frag;
	struct frag_dgram *g = &f->slot[idx];
	uint32_t b = frag_hash(d, g->family, g->src, g->dst, g->ident,
			       frag_key_proto(g->family, g->proto));
	int32_t *pp;
	unsigned i;

	for (pp = &f->bucket[b]; *pp >= 0; pp = &f->slot[*pp].next) {
		if (*pp == idx) {
			*pp = g->next;
			break;
		}
	}
	for (i = 0; i < FRAG_BLOCKS_PER; i++)
		if (g->block[i])
			f->free_block[f->nfree++] = g->block[i] - 1;
	memset(g, 0, sizeof(*g));
}

/* What the first fragment of an incomplete datagram tells: the IKE header
 * (after the UDP header and, on port 4500, the non-ESP marker) or the ESP
 * SPI (raw, or in UDP 4500), enough for the engine to tie the loss to an IKE
 * exchange or an ESP flow. */
static uint8_t *frag_at(struct ipfrag *f, const struct frag_dgram *g, uint32_t off);

static bool frag_esp_spi(struct ipfrag *f, const struct frag_dgram *g, uint32_t at, uint32_t have,
			 struct frag_expired *fe)
{
	uint32_t spi = 0;

	if (have < at + 4)
		return false;
	for (uint32_t i = 0; i < 4; i++)
		spi = spi << 8 | *frag_at(f, g, at + i);
	if (!spi)
		return false;
	fe->esp_spi = spi;
	fe->has_esp_spi = 1;
	return true;
}

static void frag_first_bytes(struct ipfrag *f, const struct frag_dgram *g, struct frag_expired *fe)
{
	uint32_t at = 8, have = (g->nranges && g->have[0].lo == 0) ? g->have[0].hi : 0;
	bool natt = g->sport == PORT_NATT || g->dport == PORT_NATT;

	if (!g->have_first)
		return;
	if (g->proto == IPPROTO_NUM_ESP) {
		frag_esp_spi(f, g, 0, have, fe);
		return;
	}
	if (g->proto != IPPROTO_NUM_UDP || !(natt || g->sport == PORT_IKE || g->dport == PORT_IKE))
		return;
	if (natt) {
		/* A zero marker is IKE's; anything else is an ESP SPI. */
		if (have < at + 4 || frag_esp_spi(f, g, at, have, fe))
			return;
		at += 4;
	}
	if (have < at + sizeof(fe->ike_hdr))
		return;
	for (uint32_t i = 0; i < sizeof(fe->ike_hdr); i++)
		fe->ike_hdr[i] = *frag_at(f, g, at + i);
	fe->has_ike_hdr = 1;
}

/* Reports an incomplete datagram to the engine, then frees its slot. */
static void frag_report(struct decoder *d, int32_t idx, uint8_t end)
{
	const struct frag_dgram *g = &d->frag->slot[idx];
	struct unit u;

	memset(&u, 0, sizeof(u));
	u.kind = UNIT_FRAG_EXPIRED;
	u.frame = g->last_frame;
	u.ts_ns = g->last_ns;
	u.src.family = u.dst.family = g->family;
	memcpy(u.src.a, g->src, 16);
	memcpy(u.dst.a, g->dst, 16);
	u.sport = g->sport;
	u.dport = g->dport;
	u.ttl = g->ttl;
	u.u.frag.proto = g->have_first ? g->proto : 0;
	u.u.frag.end = end;
	u.u.frag.ident = g->ident;
	u.u.frag.bytes_have = g->bytes;
	u.u.frag.bytes_total = g->have_last ? g->total : 0;
	u.u.frag.frags_have = g->nfrags;
	u.u.frag.have_first = g->have_first;
	u.u.frag.have_last = g->have_last;
	u.u.frag.sport = g->sport;
	u.u.frag.dport = g->dport;
	u.u.frag.first_ns = g->first_ns;
	u.u.frag.last_ns = g->last_ns;
	if (end == FRAG_CAPTURE_END)
		u.u.frag.input_last_ns = d->latest_ns;
	frag_first_bytes(d->frag, g, &u.u.frag);
	decoder_emit(d, &u);
	frag_release(d, idx);
}

/* The oldest datagram other than keep, or -1. */
static int32_t frag_oldest(const struct ipfrag *f, int32_t keep)
{
	int32_t best = -1;
	uint32_t i;

	for (i = 0; i < f->nslots; i++) {
		if (!f->slot[i].used || (int32_t)i == keep)
			continue;
		if (best < 0 || f->slot[i].first_ns < f->slot[best].first_ns)
			best = (int32_t)i;
	}
	return best;
}

static void frag_evict(struct decoder *d, int32_t idx)
{
	d->st.frags_evicted++;
	frag_report(d, idx, FRAG_EVICTED);
}

static int32_t frag_create(struct decoder *d, const struct pkt *k, uint32_t ident, uint8_t proto,
			   uint32_t bucket)
{
	struct ipfrag *f = d->frag;
	struct frag_dgram *g;
	int32_t idx = -1;
	uint32_t i;

	for (i = 0; i < f->nslots; i++) {
		if (!f->slot[i].used) {
			idx = (int32_t)i;
			break;
		}
	}
	if (idx < 0) {
		idx = frag_oldest(f, -1);
		frag_evict(d, idx);
	}
	g = &f->slot[idx];
	g->used = true;
	g->family = k->u.src.family;
	memcpy(g->src, k->u.src.a, 16);
	memcpy(g->dst, k->u.dst.a, 16);
	g->ident = ident;
	g->ifindex = k->u.ifindex;
	g->proto = proto;
	g->first_ns = k->u.ts_ns;
	g->next = f->bucket[bucket];
	f->bucket[bucket] = idx;
	return idx;
}

/* Byte at datagram offset off, which the caller knows is held. */
static uint8_t *frag_at(struct ipfrag *f, const struct frag_dgram *g, uint32_t off)
{
	return f->data + (size_t)(g->block[off / FRAG_BLOCK] - 1) * FRAG_BLOCK + off % FRAG_BLOCK;
}

/* Makes blocks covering [lo, hi) exist, evicting other datagrams if needed. */
static bool frag_reserve(struct decoder *d, int32_t idx, uint32_t lo, uint32_t hi)
{
	struct ipfrag *f = d->frag;
	uint32_t b;

	for (b = lo / FRAG_BLOCK; b <= (hi - 1) / FRAG_BLOCK; b++) {
		if (f->slot[idx].block[b])
			continue;
		while (!f->nfree) {
			int32_t old = frag_oldest(f, idx);

			if (old < 0)
				return false;
			frag_evict(d, old);
		}
		f->slot[idx].block[b] = f->free_block[--f->nfree] + 1;
		f->slot[idx].nblocks++;
	}
	return true;
}

/* Checks bytes already held in [lo, hi) against p. True if all agree. */
static bool frag_agrees(struct ipfrag *f, const struct frag_dgram *g, uint32_t lo, uint32_t hi,
			const uint8_t *p)
{
	unsigned r;
	uint32_t o;

	for (r = 0; r < g->nranges; r++) {
		uint32_t a = g->have[r].lo > lo ? g->have[r].lo : lo;
		uint32_t z = g->have[r].hi < hi ? g->have[r].hi : hi;

		for (o = a; o < z; o++)
			if (*frag_at(f, g, o) != p[o - lo])
				return false;
	}
	return true;
}

/* Adds [lo, hi) to the merged range list; false if it would need too many. */
static bool frag_add_range(struct frag_dgram *g, uint32_t lo, uint32_t hi)
{
	struct frag_range nr = { lo, hi };
	unsigned r = 0, w = 0;
	struct frag_range out[FRAG_MAX_RANGES + 1];
	bool placed = false;

	for (r = 0; r < g->nranges; r++) {
		struct frag_range c = g->have[r];

		if (c.hi < nr.lo) {
			out[w++] = c;
		} else if (nr.hi < c.lo) {
			if (!placed) {
				out[w++] = nr;
				placed = true;
			}
			out[w++] = c;
		} else {
			nr.lo = c.lo < nr.lo ? c.lo : nr.lo;
			nr.hi = c.hi > nr.hi ? c.hi : nr.hi;
		}
		if (w > FRAG_MAX_RANGES)
			return false;
	}
	if (!placed)
		out[w++] = nr;
	if (w > FRAG_MAX_RANGES)
		return false;
	g->bytes = 0;
	for (r = 0; r < w; r++) {
		g->have[r] = out[r];
		g->bytes += out[r].hi - out[r].lo;
	}
	g->nranges = (uint8_t)w;
	return true;
}

/* A reassembly failure is worth a unit when the datagram looks like ours. */
static bool frag_plausible(const struct frag_dgram *g)
{
	if (g->proto == IPPROTO_NUM_ESP || g->proto == IPPROTO_NUM_AH)
		return true;
	return g->have_first && (g->sport == PORT_IKE || g->dport == PORT_IKE ||
				 g->sport == PORT_NATT || g->dport == PORT_NATT);
}

static void frag_fail(struct decoder *d, struct pkt *k, int32_t idx, unsigned derr)
{
	bool unit = frag_plausible(&d->frag->slot[idx]);

	frag_release(d, idx);
	decoder_error(d, k, derr, unit);
}

static void frag_complete(struct decoder *d, struct pkt *k, int32_t idx)
{
	struct ipfrag *f = d->frag;
	const struct frag_dgram *g = &f->slot[idx];
	uint32_t total = g->total, o, n;
	uint8_t proto = g->proto, fam = g->family;

	for (o = 0; o < total; o += n) {
		n = FRAG_BLOCK - o % FRAG_BLOCK;
		if (n > total - o)
			n = total - o;
		memcpy(f->out + o, frag_at(f, g, o), n);
	}
	k->u.ip_frags = (uint8_t)(g->nfrags > 255 ? 255 : g->nfrags);
	k->u.ttl = g->ttl;
	d->st.frags_reassembled++;
	frag_release(d, idx);
	k->snapcut = false;
	if (fam == ADDR_V6)
		ip6_walk(d, k, proto, cur_make(f->out, total), total);
	else
		ip_payload(d, k, proto, cur_make(f->out, total), total);
}

void ipfrag_add(struct decoder *d, struct pkt *k, const struct frag_in *in)
{
	struct ipfrag *f = d->frag;
	struct frag_dgram *g;
	uint32_t bucket, len = (uint32_t)cur_left(&in->data);
	uint32_t lo = in->off, hi = in->off + len;
	int32_t idx;

	d->st.frags_seen++;
	idx = frag_find(d, k, in->ident, in->proto, &bucket);
	if (hi > FRAG_MAX_DGRAM - 1) {
		if (idx >= 0)
			frag_fail(d, k, idx, DERR_FRAG_TOO_BIG);
		else
			decoder_error(d, k, DERR_FRAG_TOO_BIG, false);
		return;
	}
	if (idx < 0)
		idx = frag_create(d, k, in->ident, in->proto, bucket);
	g = &f->slot[idx];
	/* A last fragment fixes the size; data past it, or a second last
	 * fragment disagreeing, means the fragments contradict each other. */
	if ((g->have_last && (hi > g->total || (!in->more && hi != g->total))) ||
	    (!in->more && g->nranges && g->have[g->nranges - 1].hi > hi)) {
		frag_fail(d, k, idx, DERR_FRAG_OVERLAP);
		return;
	}
	if (len && !frag_agrees(f, g, lo, hi, in->data.p)) {
		frag_fail(d, k, idx, DERR_FRAG_OVERLAP);
		return;
	}
	if (len && !frag_reserve(d, idx, lo, hi)) {
		frag_fail(d, k, idx, DERR_FRAG_NO_MEMORY);
		return;
	}
	g = &f->slot[idx];
	if (len && !frag_add_range(g, lo, hi)) {
		frag_fail(d, k, idx, DERR_FRAG_NO_MEMORY);
		return;
	}
	for (uint32_t o = lo; o < hi; o++)
		*frag_at(f, g, o) = in->data.p[o - lo];
	if (g->nfrags < UINT16_MAX)
		g->nfrags++;
	g->last_ns = k->u.ts_ns;
	g->last_frame = k->u.frame;
	if (!in->more) {
		g->have_last = 1;
		g->total = hi;
	}
	/* The first fragment with data: an empty one at offset 0 would hide
	 * the real first one's ports. */
	if (lo == 0 && len && !g->have_first) {
		g->have_first = 1;
		g->ttl = k->u.ttl;
		g->proto = in->proto;
		if ((in->proto == IPPROTO_NUM_UDP || in->proto == IPPROTO_NUM_TCP) && len >= 4) {
			g->sport = cur_peek_be16(&in->data, 0);
			g->dport = cur_peek_be16(&in->data, 2);
		}
	}
	if (g->have_last && g->nranges == 1 && g->have[0].lo == 0 && g->have[0].hi == g->total)
		frag_complete(d, k, idx);
}

void ipfrag_expire(struct decoder *d, int64_t now_ns)
{
	struct ipfrag *f = d->frag;

	/* Oldest first so the report order does not depend on slot layout. */
	for (;;) {
		int32_t idx = frag_oldest(f, -1);

		if (idx < 0 || now_ns - f->timeout_ns <= f->slot[idx].first_ns)
			break;
		d->st.frags_expired++;
		frag_report(d, idx, now_ns == INT64_MAX ? FRAG_CAPTURE_END : FRAG_TIMED_OUT);
	}
}
