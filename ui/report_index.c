/* report_index.c - the engine's IKE SAs, ESP flows and diagnoses put in
 * report order: tunnels by first frame, flows and diagnoses grouped under
 * their tunnel, so the report is deterministic whatever the table layout. */
#include "report_int.h"

#include <stdlib.h>
#include <string.h>

static int sa_ent_cmp(const void *a, const void *b)
{
	const struct sa_ent *x = a, *y = b;

	if (x->first_frame != y->first_frame)
		return x->first_frame < y->first_frame ? -1 : 1;
	if (x->version != y->version)
		return x->version < y->version ? -1 : 1;
	return memcmp(x->ispi, y->ispi, 8);
}

static int sa_key_cmp(const void *a, const void *b)
{
	const struct sa_ent *x = a, *y = b;

	if (x->version != y->version)
		return x->version < y->version ? -1 : 1;
	return memcmp(x->ispi, y->ispi, 8);
}

static int flow_ent_cmp(const void *a, const void *b)
{
	const struct flow_ent *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if (x->first_frame != y->first_frame)
		return x->first_frame < y->first_frame ? -1 : 1;
	if (x->spi != y->spi)
		return x->spi < y->spi ? -1 : 1;
	return x->slot < y->slot ? -1 : x->slot > y->slot;
}

static int spi_ent_cmp(const void *a, const void *b)
{
	const struct spi_ent *x = a, *y = b;

	if (x->spi != y->spi)
		return x->spi < y->spi ? -1 : 1;
	if (x->dst.family != y->dst.family)
		return x->dst.family < y->dst.family ? -1 : 1;
	return memcmp(x->dst.a, y->dst.a, sizeof(x->dst.a));
}

static int diag_ent_cmp(const void *a, const void *b)
{
	const struct diag_ent *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if (x->severity != y->severity)
		return x->severity > y->severity ? -1 : 1;
	if (x->frame != y->frame)
		return x->frame < y->frame ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* The rank of the flow's SA, while its slot still holds that SA (a report
 * made before the end may find the slot given to other peers). */
static uint32_t flow_rank(const struct rindex *ix, const struct engine *e, const struct esp_flow *f)
{
	return engine_flow_sa(e, f) ? ix->rank[f->sa] : NO_RANK;
}

/* Which tunnel a diagnosis belongs to: its IKE SA, or the SA of its flow. */
static uint32_t diag_rank(const struct rindex *ix, const struct engine *e, const struct diagnosis *d)
{
	if (d->has_sa) {
		struct sa_ent *sorted = ix->sas + ix->nsas; /* second half: by key */
		struct sa_ent key = { .version = d->version };
		const struct sa_ent *hit;

		memcpy(key.ispi, d->ispi, 8);
		hit = bsearch(&key, sorted, ix->nsas, sizeof(key), sa_key_cmp);
		return hit ? ix->rank[hit->slot] : NO_RANK;
	}
	if (d->has_spi) {
		struct spi_ent key = { .spi = d->spi, .dst = d->b };
		const struct spi_ent *hit = bsearch(&key, ix->spis, ix->nflows, sizeof(key), spi_ent_cmp);

		return hit ? flow_rank(ix, e, engine_flow(e, hit->slot)) : NO_RANK;
	}
	return NO_RANK;
}

void rindex_free(struct rindex *ix)
{
	free(ix->sas);
	free(ix->rank);
	free(ix->flows);
	free(ix->flow_pos);
	free(ix->spis);
	free(ix->diags);
}

int rindex_build(struct rindex *ix, const struct engine *e)
{
	uint32_t nslots = engine_sa_slots(e), nfslots = engine_flow_slots(e);
	size_t nd = engine_diag_count(e);

	memset(ix, 0, sizeof(*ix));
	ix->sas = calloc(2 * (size_t)nslots + 1, sizeof(*ix->sas));
	ix->rank = calloc((size_t)nslots + 1, sizeof(*ix->rank));
	ix->flows = calloc((size_t)nfslots + 1, sizeof(*ix->flows));
	ix->flow_pos = calloc((size_t)nfslots + 1, sizeof(*ix->flow_pos));
	ix->spis = calloc((size_t)nfslots + 1, sizeof(*ix->spis));
	ix->diags = calloc(nd + 1, sizeof(*ix->diags));
	if (!ix->sas || !ix->rank || !ix->flows || !ix->flow_pos || !ix->spis || !ix->diags)
		return -1;
	for (uint32_t i = 0; i < nslots; i++) {
		const struct ike_sa *sa = engine_sa(e, i);

		ix->rank[i] = NO_RANK;
		if (!sa)
			continue;
		ix->sas[ix->nsas] = (struct sa_ent){ sa->first_frame, sa->version, { 0 }, i };
		memcpy(ix->sas[ix->nsas].ispi, sa->ispi, 8);
		ix->nsas++;
	}
	qsort(ix->sas, ix->nsas, sizeof(*ix->sas), sa_ent_cmp);
	for (size_t i = 0; i < ix->nsas; i++)
		ix->rank[ix->sas[i].slot] = (uint32_t)i;
	memcpy(ix->sas + ix->nsas, ix->sas, ix->nsas * sizeof(*ix->sas));
	qsort(ix->sas + ix->nsas, ix->nsas, sizeof(*ix->sas), sa_key_cmp);

	for (uint32_t i = 0; i < nfslots; i++) {
		const struct esp_flow *f = engine_flow(e, i);

		if (!f)
			continue;
		ix->flows[ix->nflows] =
			(struct flow_ent){ flow_rank(ix, e, f), f->first_frame, f->spi, i };
		ix->spis[ix->nflows] = (struct spi_ent){ f->spi, f->dst, i };
		ix->nflows++;
	}
	qsort(ix->flows, ix->nflows, sizeof(*ix->flows), flow_ent_cmp);
	for (size_t i = 0; i < ix->nflows; i++)
		ix->flow_pos[ix->flows[i].slot] = (uint32_t)i + 1;
	qsort(ix->spis, ix->nflows, sizeof(*ix->spis), spi_ent_cmp);

	for (size_t i = 0; i < nd; i++) {
		const struct diagnosis *d = engine_diag(e, i);

		ix->diags[i] = (struct diag_ent){ diag_rank(ix, e, d), d->severity,
						  d->nevidence ? d->frames[0] : 0, i };
	}
	ix->ndiags = nd;
	qsort(ix->diags, nd, sizeof(*ix->diags), diag_ent_cmp);
	return 0;
}

/* Index range [*lo, *hi) of entries with this rank (arrays sorted by rank). */
void rank_range_flows(const struct rindex *ix, uint32_t rank, size_t *lo, size_t *hi)
{
	size_t i = *lo;

	while (i < ix->nflows && ix->flows[i].rank < rank)
		i++;
	*lo = i;
	while (i < ix->nflows && ix->flows[i].rank == rank)
		i++;
	*hi = i;
}

void rank_range_diags(const struct rindex *ix, uint32_t rank, size_t *lo, size_t *hi)
{
	size_t i = *lo;

	while (i < ix->ndiags && ix->diags[i].rank < rank)
		i++;
	*lo = i;
	while (i < ix->ndiags && ix->diags[i].rank == rank)
		i++;
	*hi = i;
}

