/* esp_pair.c - ties an ESP flow to its other direction and to the IKE SA of
 * its peers. The child SPIs travel inside encrypted IKE, so both ties are by
 * addresses, and O(1): each IKE SA remembers the latest flow slot from either
 * side (ike_sa.esp_last), and the peer index the latest flow each way between
 * two addresses, so a new flow looks at the newest flow the other way. Slots
 * change hands on eviction, so every tie is checked when it is followed. */
#include "engine_int.h"

static uint16_t sa_tag_of(const struct ike_sa *sa)
{
	return (uint16_t)(sa->ispi[0] << 8 | sa->ispi[1]);
}

const struct ike_sa *engine_flow_sa(const struct engine *e, const struct esp_flow *f)
{
	const struct ike_sa *sa;

	if (f->sa == NO_SLOT)
		return NULL;
	/* The SA may have been evicted and its slot reused, by other peers or
	 * by a later SA of the same two. */
	sa = engine_sa(e, f->sa);
	return sa && ike_sa_has_peers(sa, &f->src, &f->dst) && sa_tag_of(sa) == f->sa_tag ? sa : NULL;
}

struct ike_sa *esp_flow_sa(struct engine *e, const struct esp_flow *f)
{
	return engine_flow_sa(e, f) ? engine_sa_mut(e, f->sa) : NULL;
}

const struct esp_flow *engine_flow_reverse(const struct engine *e, const struct esp_flow *f)
{
	const struct esp_flow *r;

	if (f->reverse == NO_SLOT)
		return NULL;
	/* A flow paired one way (its partner kept an older pair) is not told
	 * when its partner is evicted and the slot reused. */
	r = engine_flow(e, f->reverse);
	return r && r->spi == f->reverse_spi && engine_addr_eq(&r->src, &f->dst) &&
			       engine_addr_eq(&r->dst, &f->src)
		       ? r
		       : NULL;
}

struct esp_flow *esp_flow_reverse_mut(struct engine *e, const struct esp_flow *f)
{
	return engine_flow_reverse(e, f) ? engine_flow_mut(e, f->reverse) : NULL;
}

/* Makes a and b each other's reverse unless b is already paired both ways
 * with a newer partner: after a rekey the new pair takes over, and the old
 * flows keep pointing at each other. */
static void flow_pair(struct engine *e, uint32_t slot, struct esp_flow *f, uint32_t cand)
{
	struct esp_flow *r = engine_flow_mut(e, cand), *rr;

	if (!r || cand == slot || !engine_addr_eq(&r->src, &f->dst) || !engine_addr_eq(&r->dst, &f->src))
		return;
	f->reverse = cand;
	f->reverse_spi = r->spi;
	rr = esp_flow_reverse_mut(e, r);
	if (!rr || esp_flow_reverse_mut(e, rr) != r) {
		r->reverse = slot;
		r->reverse_spi = f->spi;
	}
}

/* Ties the flow to an IKE SA of its peers, if the slot still holds one. The
 * child SPIs are inside encrypted IKE: the association is by the peers'
 * addresses only. Every caller's slot comes from the index of these two
 * peers, so any slot at all means IKE was seen between them, even when its
 * SA has been evicted since. */
struct ike_sa *esp_flow_tie_sa(struct engine *e, struct esp_flow *f, uint32_t sa_slot)
{
	struct ike_sa *sa = sa_slot != NO_SLOT ? engine_sa_mut(e, sa_slot) : NULL;

	if (sa_slot != NO_SLOT)
		f->ike_seen = 1;
	if (!sa || !ike_sa_has_peers(sa, &f->src, &f->dst)) {
		f->sa = NO_SLOT;
		return NULL;
	}
	f->sa = sa_slot;
	f->sa_tag = sa_tag_of(sa);
	f->sa_heuristic = 1;
	sa->child_flows++;
	return sa;
}

void esp_flow_tie_orphans(struct engine *e, struct ike_sa *sa, uint32_t slot)
{
	const struct peer_entry *pe = peers_find(e, &sa->init_ip, &sa->resp_ip);

	if (!pe || pe->sa != slot + 1)
		return;
	for (unsigned dir = 0; dir < 2; dir++) {
		struct esp_flow *f = pe->flow[dir] ? engine_flow_mut(e, pe->flow[dir] - 1) : NULL;

		/* The slot may hold another flow since an eviction; a flow
		 * whose own SA was evicted is not this one's. */
		if (f && f->sa == NO_SLOT && ike_sa_has_peers(sa, &f->src, &f->dst))
			esp_flow_tie_sa(e, f, slot);
	}
}

/* One lookup of the peer index gives a new flow the latest IKE SA of its
 * peers and the latest flow the other way, whatever SA that belongs to, so
 * flows without IKE seen are paired too. */
void esp_flow_associate(struct engine *e, uint32_t slot, struct esp_flow *f,
			const struct esp_pending *p)
{
	unsigned sa_dir;
	struct peer_entry *pe = p->peers_ok ? peers_get(e, &p->pkey, p->peer_hash, true) : NULL;
	struct ike_sa *sa;

	if (!pe)
		return;
	sa = esp_flow_tie_sa(e, f, pe->sa ? pe->sa - 1 : NO_SLOT);
	if (sa) {
		sa_dir = engine_addr_eq(&f->src, &sa->init_ip) ? 0 : 1;
		if (sa->esp_last[!sa_dir])
			flow_pair(e, slot, f, sa->esp_last[!sa_dir] - 1);
		sa->esp_prev[sa_dir] = sa->esp_last[sa_dir];
		sa->esp_last[sa_dir] = slot + 1;
	}
	if (f->reverse == NO_SLOT && pe->flow[!p->dir])
		flow_pair(e, slot, f, pe->flow[!p->dir] - 1);
	pe->flow[p->dir] = slot + 1;
}
