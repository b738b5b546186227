/* esp_flow.c - ESP flows keyed by (destination, SPI): their lookup, batched
 * so that the memory of a batch's flows is fetched together, their counters,
 * the marks of SAs ended by IKE, eviction and the end-of-capture pass. The
 * sequence analysis is in esp_seq.c, the ties to the other direction and to
 * the IKE SA in esp_pair.c.
 *
 * Per packet the work is one table lookup (usually none: a guess by SPI)
 * and the sequence update; nothing is allocated. */
#include "engine_int.h"

#include <stddef.h>
#include <stdlib.h>

/* Packets in flight when an SA is deleted still arrive: only later ones count. */
#define STALE_GRACE_NS 1000000000LL
/* While packets flow, each flow's detectors run every this many packets:
 * no scan of the table, and a busy flow is judged as it goes. */
#define CHECK_EVERY_PACKETS 1024

static void flow_key_make(struct flow_key *k, const struct addr *dst, uint32_t spi)
{
	memset(k, 0, sizeof(*k));
	k->family = dst->family;
	memcpy(k->dst, dst->a, sizeof(k->dst));
	k->spi = spi;
}

uint32_t esp_flow_find(struct engine *e, const struct addr *dst, uint32_t spi)
{
	struct flow_key k;

	esp_flow_drain(e);
	flow_key_make(&k, dst, spi);
	return table_find(e->flows, &k);
}

static unsigned size_bucket(uint32_t n)
{
	static const uint32_t upper[ESP_SIZE_BUCKETS - 1] = { 128, 256, 512, 1024, 1280, 1400, 1500 };
	unsigned i;

	for (i = 0; i < ESP_SIZE_BUCKETS - 1; i++)
		if (n < upper[i])
			return i;
	return ESP_SIZE_BUCKETS - 1;
}

/* The hashes a lookup in the flow table and, should the flow be new, in
 * the peer index need. */
static void prepare_lookup(struct engine *e, struct esp_pending *p)
{
	struct addr dst = { .family = p->key.family };

	memcpy(dst.a, p->key.dst, sizeof(dst.a));
	p->hash = table_hash(e->flows, &p->key);
	p->peers_ok = peers_key(&p->src, &dst, &p->pkey, &p->dir);
	if (p->peers_ok)
		p->peer_hash = table_hash(e->peers, &p->pkey);
}

/* Fibonacci hashing of SPI and the destination's last word. */
static uint32_t flow_guess_index(const struct engine *e, const struct flow_key *k)
{
	uint32_t d;

	memcpy(&d, k->dst + (k->family == ADDR_V4 ? 0 : 12), sizeof(d));
	return ((k->spi ^ d) * 0x9e3779b1u) >> (32 - e->flow_guess_bits);
}

/* The newer guess first: two flows sharing a line both stay found. */
static void flow_guess_set(struct engine *e, const struct esp_pending *p, uint32_t slot)
{
	struct flow_guess *g = e->flow_guess[p->guess];

	if (g[0].spi != p->key.spi || g[0].slot != slot + 1) {
		g[1] = g[0];
		g[0] = (struct flow_guess){ slot + 1, p->key.spi };
	}
}

static uint32_t flow_new(struct engine *e, const struct esp_pending *p)
{
	uint32_t slot = table_insert_hashed(e->flows, &p->key, p->hash);
	struct esp_flow *f = table_val(e->flows, slot);

	f->src = p->src;
	f->dst.family = p->key.family;
	memcpy(f->dst.a, p->key.dst, sizeof(f->dst.a));
	f->sport = p->sport;
	f->dport = p->dport;
	f->transport = p->transport;
	f->spi = p->key.spi;
	f->first_ns = p->ts_ns;
	f->first_frame = p->frame;
	f->size_min = UINT16_MAX;
	f->reverse = NO_SLOT;
	f->sa = NO_SLOT;
	e->stats.flows++;
	esp_flow_associate(e, slot, f, p);
	return slot;
}

static bool guess_tagged(const struct flow_guess *g, uint32_t spi)
{
	return g->slot && g->spi == spi;
}

/* The slot a guess names, once the key there is checked; either of the two
 * guesses may hold it (two flows with one SPI can share a line). */
static uint32_t flow_guessed(struct engine *e, const struct esp_pending *p)
{
	const struct flow_guess *g = e->flow_guess[p->guess];

	for (unsigned w = 0; w < 2; w++)
		if (guess_tagged(&g[w], p->key.spi) && table_slot_has(e->flows, g[w].slot - 1, &p->key))
			return g[w].slot - 1;
	return NO_SLOT;
}

/* The length of the packet's IP datagram, taking its IP header to have no
 * options, as most do. */
static uint32_t datagram_len(const struct esp_pending *p)
{
	return p->size + (p->key.family == ADDR_V4 ? 20u : 40u) + (p->transport == TR_UDP4500 ? 8u : 0u);
}

/* Whole datagrams this close below the path MTU fill it. */
#define PMTU_FIT_BAND 64
#define PMTU_FITS 3

/* After an ICMP "too big" for its datagrams, a sender has learnt the path
 * MTU when it fragments a datagram no larger than the refused one (it sent
 * that size whole before), or when its whole datagrams fill the path MTU
 * and none exceed it (PMTU_FITS of them, and none larger in between): path
 * MTU discovery works, and the diagnosis is resolved. */
static void pmtu_heeded(struct engine *e, struct esp_flow *f, const struct esp_pending *p)
{
	uint32_t len;

	if (!f->mtu_refused)
		return;
	len = datagram_len(p);
	if (p->ip_frags >= 2) {
		if (len > f->mtu_refused)
			return;
	} else {
		if (!f->mtu_path)
			return;
		if (len > f->mtu_path) {
			f->mtu_fits = 0;
			return;
		}
		if (len + PMTU_FIT_BAND <= f->mtu_path || ++f->mtu_fits < PMTU_FITS)
			return;
	}
	diag_resolve_flow(e, f, DIAG_ESP_MTU_BLACKHOLE, SEV_WARNING, f->mtu_diag, p->frame, p->ts_ns);
	f->mtu_refused = 0;
	f->mtu_diag = 0;
}

static void flow_update(struct engine *e, struct esp_pending *p)
{
	uint32_t slot = flow_guessed(e, p);
	uint16_t size = p->size > UINT16_MAX ? UINT16_MAX : (uint16_t)p->size;
	struct esp_flow *f;

	if (slot == NO_SLOT) {
		/* With a guess in the first pass, nothing was hashed there. */
		if (p->slot != NO_SLOT)
			prepare_lookup(e, p);
		slot = table_find_hashed(e->flows, &p->key, p->hash);
		if (slot == TABLE_NONE)
			slot = flow_new(e, p);
		flow_guess_set(e, p, slot);
	}
	f = table_val(e->flows, slot);
	if (f->packets++ == 0)
		esp_seq_start(f, p->seq);
	else
		esp_seq_update(f, p->seq, p->frame, p->ts_ns);
	f->bytes += p->size;
	f->last_ns = p->ts_ns;
	if (f->packets % ESP_MARK_EVERY == 0) {
		f->mark_prev_ms = f->mark_ms;
		f->mark_ms = esp_mark_ms(p->ts_ns);
	}
	f->last_frame = p->frame;
	if (size < f->size_min)
		f->size_min = size;
	if (size > f->size_max)
		f->size_max = size;
	f->size_hist[size_bucket(p->size)]++;
	pmtu_heeded(e, f, p);
	if (f->stale && p->ts_ns > f->stale_since_ns + STALE_GRACE_NS) {
		if (!f->stale_packets++) {
			f->stale_frame = p->frame;
			f->stale_ns = p->ts_ns;
		}
	}
	if (f->packets % CHECK_EVERY_PACKETS == 0)
		detect_esp_flow(e, f, false);
}

/* Passes over the batch so that its memory accesses overlap rather than
 * wait on each other: the guesses were prefetched as packets were queued;
 * now a packet with a guess prefetches its record (the lines it touches:
 * the counters and the window word its sequence number most likely lands
 * in), one without is hashed for the flow table and the peer index, whose
 * buckets and then chain heads are prefetched, in case the flow is new;
 * last, the updates, in packet order. A prefetch of the wrong line costs
 * nothing but bandwidth. */
/* A packet of a flow not in the table yet will tie the new flow to the
 * latest IKE SA of its peers and to the flow the other way: prefetches both,
 * so their misses overlap across the batch instead of coming one by one. */
static void prefetch_new_flow_ties(struct engine *e, const struct esp_pending *p)
{
	const struct peer_entry *pe;
	uint32_t ps;

	/* Quiet lookups: the updates that follow mark what they use, in
	 * packet order, as they would without the batch. */
	if (p->slot != NO_SLOT || !p->peers_ok ||
	    table_find_quiet(e->flows, &p->key, p->hash) != TABLE_NONE)
		return;
	ps = table_find_quiet(e->peers, &p->pkey, p->peer_hash);
	if (ps == TABLE_NONE)
		return;
	pe = table_val(e->peers, ps);
	if (pe->sa) {
		table_prefetch_slot(e->sas, pe->sa - 1, offsetof(struct ike_sa, init_ip),
				    sizeof(struct addr) * 2);
		table_prefetch_slot(e->sas, pe->sa - 1, offsetof(struct ike_sa, esp_last),
				    sizeof(((struct ike_sa *)0)->esp_last));
	}
	if (pe->flow[!p->dir])
		table_prefetch_slot(e->flows, pe->flow[!p->dir] - 1, 0, 0);
}

void esp_flow_drain(struct engine *e)
{
	unsigned i, n = e->esp_nq;
	bool slow = false;
	int64_t now;

	e->esp_nq = 0;
	for (i = 0; i < n; i++) {
		struct esp_pending *p = &e->esp_q[i];
		const struct flow_guess *g = e->flow_guess[p->guess];
		unsigned w = guess_tagged(&g[0], p->key.spi) ? 0 : 1;

		if (guess_tagged(&g[w], p->key.spi)) {
			p->slot = g[w].slot - 1;
			table_prefetch_slot(e->flows, p->slot, 0, offsetof(struct esp_flow, win));
			table_prefetch_slot(e->flows, p->slot,
					    offsetof(struct esp_flow, win) + ((p->seq / 64) % ESP_WIN_WORDS) * 8, 8);
			continue;
		}
		p->slot = NO_SLOT;
		prepare_lookup(e, p);
		table_prefetch_bucket(e->flows, p->hash);
		if (p->peers_ok)
			table_prefetch_bucket(e->peers, p->peer_hash);
		slow = true;
	}
	for (i = 0; slow && i < n; i++) {
		const struct esp_pending *p = &e->esp_q[i];

		if (p->slot != NO_SLOT)
			continue;
		table_prefetch(e->flows, p->hash, 0, 0);
		if (p->peers_ok)
			table_prefetch(e->peers, p->peer_hash, 0, sizeof(struct peer_entry));
	}
	for (i = 0; slow && i < n; i++)
		prefetch_new_flow_ties(e, &e->esp_q[i]);
	/* A diagnosis made by an update carries its packet's time, not the
	 * batch's last. */
	now = e->now_ns;
	for (i = 0; i < n; i++) {
		e->now_ns = e->esp_q[i].now_ns;
		flow_update(e, &e->esp_q[i]);
	}
	e->now_ns = now;
}

void esp_flow_enqueue(struct engine *e, const struct unit *u, const struct esp_info *esp)
{
	struct esp_pending *p = &e->esp_q[e->esp_nq++];

	flow_key_make(&p->key, &u->dst, esp->spi);
	p->guess = flow_guess_index(e, &p->key);
	p->seq = esp->seq;
	p->size = u->orig_len > UINT32_MAX ? UINT32_MAX : (uint32_t)u->orig_len;
	p->sport = u->sport;
	p->dport = u->dport;
	p->transport = u->transport;
	p->ip_frags = u->ip_frags;
	p->src = u->src;
	p->ts_ns = u->ts_ns;
	p->now_ns = e->now_ns;
	p->frame = u->frame;
	__builtin_prefetch(e->flow_guess[p->guess]);
	if (e->esp_nq == ESP_BATCH)
		esp_flow_drain(e);
}

static void flow_mark(struct engine *e, uint32_t slot, uint8_t why, int64_t ns)
{
	struct esp_flow *f = engine_flow_mut(e, slot);

	if (!f)
		return;
	/* The strongest reason, from the first time it was given: what a
	 * certain verdict counts starts with its proof, not with a rekey
	 * that only made it likely (the peer may use the old SA until the
	 * delete comes). */
	if (why > f->stale) {
		f->stale = why;
		f->stale_since_ns = ns;
		f->stale_packets = 0;
		f->stale_frame = 0;
		f->stale_ns = 0;
	}
}

static void mark(struct engine *e, uint32_t spi, const struct addr *dst, int64_t ns, uint8_t why)
{
	uint32_t slot;
	const struct esp_flow *f;

	if (!dst)
		return;
	slot = esp_flow_find(e, dst, spi);
	f = engine_flow(e, slot);
	if (!f)
		return;
	/* Deleting or replacing a child SA ends both of its directions. */
	if (engine_flow_reverse(e, f))
		flow_mark(e, f->reverse, why, ns);
	flow_mark(e, slot, why, ns);
}

void esp_flow_mark_stale(struct engine *e, uint32_t spi, const struct addr *dst, int64_t ns)
{
	mark(e, spi, dst, ns, ESP_STALE_PROVEN);
}

void esp_flow_mark_replaced(struct engine *e, uint32_t spi, const struct addr *dst, int64_t ns)
{
	mark(e, spi, dst, ns, ESP_STALE_REPLACED);
}

void esp_flow_evicted(void *ctx, uint32_t slot, void *val)
{
	struct engine *e = ctx;
	struct esp_flow *f = val, *r;
	struct event ev = { .type = EV_ESP, .reason = 2 };
	struct ike_sa *sa = esp_flow_sa(e, f);

	detect_esp_flow(e, f, false);
	r = esp_flow_reverse_mut(e, f);
	if (r && esp_flow_reverse_mut(e, r) == f)
		r->reverse = NO_SLOT;
	/* The slot is reused at once: the SA must not name it as its child. */
	for (unsigned dir = 0; sa && dir < 2; dir++) {
		if (sa->esp_last[dir] == slot + 1)
			sa->esp_last[dir] = 0;
		if (sa->esp_prev[dir] == slot + 1)
			sa->esp_prev[dir] = 0;
	}
	e->stats.flows_evicted++;
	ev.u.flow = f;
	engine_emit(e, &ev);
}

/* ---- end of capture ------------------------------------------------------ */

/* What the end-of-capture pass over a flow will look up, prefetched for a
 * batch of flows before it works through them: the flow's IKE SA, its other
 * direction and, with no SA yet, the peer index entry that may name one. */
struct sweep_ahead {
	struct peer_key key;
	uint32_t hash;
	bool lookup;
};

static void sweep_prefetch(struct engine *e, uint32_t from, uint32_t to, struct sweep_ahead *ahead)
{
	for (uint32_t i = from; i < to; i++) {
		const struct esp_flow *f = engine_flow(e, i);
		struct sweep_ahead *a = &ahead[i - from];

		a->lookup = false;
		if (!f)
			continue;
		if (f->reverse != NO_SLOT)
			table_prefetch_slot(e->flows, f->reverse, offsetof(struct esp_flow, diag_raised), 4);
		if (f->sa != NO_SLOT) {
			table_prefetch_slot(e->sas, f->sa, offsetof(struct ike_sa, init_ip),
					    2 * sizeof(struct addr));
		} else if (peers_key(&f->src, &f->dst, &a->key, NULL)) {
			a->hash = table_hash(e->peers, &a->key);
			a->lookup = true;
			table_prefetch_bucket(e->peers, a->hash);
		}
	}
	for (uint32_t i = from; i < to; i++)
		if (ahead[i - from].lookup)
			table_prefetch(e->peers, ahead[i - from].hash, 0, sizeof(struct peer_entry));
}

void esp_flow_sweep(struct engine *e, bool final)
{
	uint32_t cap = table_slots(e->flows);
	struct sweep_ahead ahead[ESP_BATCH];

	/* Busy flows are checked as their packets come (flow_update); the
	 * rest, and what needs the whole picture, at the end. */
	if (!final)
		return;
	for (uint32_t from = 0; from < cap; from += ESP_BATCH) {
		uint32_t to = cap - from < ESP_BATCH ? cap : from + ESP_BATCH;

		sweep_prefetch(e, from, to, ahead);
		for (uint32_t i = from; i < to; i++) {
			struct esp_flow *f = engine_flow_mut(e, i);
			const struct sweep_ahead *a = &ahead[i - from];
			const struct peer_entry *pe;

			if (!f)
				continue;
			/* IKE may have come after the flow's first packet (a
			 * rekey, a capture started mid-tunnel): one more chance
			 * to find its SA. One tied to an SA since evicted keeps
			 * none: a later SA of its peers is not its own. */
			if (f->sa == NO_SLOT) {
				pe = a->lookup ? peers_get(e, &a->key, a->hash, false) : NULL;
				esp_flow_tie_sa(e, f, pe && pe->sa ? pe->sa - 1 :
						  a->lookup ? NO_SLOT :
						  ike_sa_find_by_peers(e, &f->src, &f->dst));
			}
			detect_esp_flow(e, f, true);
		}
	}
}
