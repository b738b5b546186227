/* ike1_sa.c - the IKEv1 Security Association payload: DOI, situation, then
 * proposal and transform substructures (RFC 2408 sections 3.4-3.6, RFC 2407
 * section 4.6.1).
 *
 * SA body:        | DOI (4) | Situation (4) | Proposal payloads...
 * Proposal:       | NP | RES | Length | P# | Proto | SPI size | #T | SPI | T...
 * Transform:      | NP | RES | Length | T# | T-ID | RES2 (2) | attributes
 * Proposals chain with next payload 2 and transforms with 3; the last of each
 * says 0. Each substructure gets its own cursor sized by its length field.
 */
#include <stddef.h>
#include <string.h>

#include "ike1.h"

#include "cur.h"

#define SUB_HDR_LEN 4
#define PROP_MIN_LEN 8
#define TRANS_MIN_LEN 8

struct sa_walk {
	struct ike1_sa *sa;
	const uint8_t *base;
};

/* The first fault is the one reported; later ones are often its echoes. */
static void fail(struct sa_walk *w, int err, const uint8_t *at)
{
	if (w->sa->err == IKE1_OK) {
		w->sa->err = (uint8_t)err;
		w->sa->err_off = (uint32_t)(at - w->base);
	}
}

/* Reads one substructure generic header; returns its body or an erred cursor. */
static struct cur sub_header(struct sa_walk *w, struct cur *c, uint8_t *np,
			     size_t min_len, int e_header, int e_length)
{
	struct cur bad = { c->p, 0, true };
	const uint8_t *at = c->p;
	uint16_t len;

	if (!cur_has(c, SUB_HDR_LEN)) {
		fail(w, e_header, at);
		return bad;
	}
	*np = cur_u8(c);
	cur_skip(c, 1);
	len = cur_be16(c);
	if (len < min_len || (size_t)len - SUB_HDR_LEN > cur_left(c)) {
		fail(w, e_length, at);
		return bad;
	}
	return cur_sub(c, (size_t)len - SUB_HDR_LEN);
}

/* A transform past the pool is still validated, but its attributes are only
 * counted so that the pool stays with the transforms that are stored. */
static void parse_transform(struct sa_walk *w, struct cur *tc, struct ike1_transform *t,
			    bool keep)
{
	struct ike1_sa *sa = w->sa;
	struct ike1_attr *pool = NULL;
	size_t cap = 0;
	int err;

	t->len = (uint16_t)(cur_left(tc) + SUB_HDR_LEN);
	t->num = cur_u8(tc);
	t->id = cur_u8(tc);
	cur_skip(tc, 2);
	t->attr0 = sa->nattr;
	if (keep && sa->nattr < IKE1_MAX_ATTRS) {
		pool = &sa->attrs[sa->nattr];
		cap = IKE1_MAX_ATTRS - sa->nattr;
	}
	err = ike1_parse_attrs(tc, pool, cap, &t->nattr, &t->attr_extra);
	if (err != IKE1_OK)
		fail(w, err, tc->p);
	sa->nattr = (uint16_t)(sa->nattr + t->nattr);
}

static void parse_proposal(struct sa_walk *w, struct cur *pc, struct ike1_proposal *pr)
{
	struct ike1_sa *sa = w->sa;
	uint8_t np = IKE1_PLD_T;

	pr->len = (uint16_t)(cur_left(pc) + SUB_HDR_LEN);
	pr->num = cur_u8(pc);
	pr->proto = cur_u8(pc);
	pr->spi_size = cur_u8(pc);
	pr->ntrans_field = cur_u8(pc);
	pr->spi.p = cur_bytes(pc, pr->spi_size);
	if (!pr->spi.p) {
		fail(w, IKE1_E_SPI_SIZE, pc->p);
		return;
	}
	pr->spi.len = pr->spi_size;
	pr->trans0 = sa->ntrans;
	while (cur_left(pc) > 0) {
		struct ike1_transform scratch, *t = &scratch;
		bool keep = false;
		struct cur tc;

		if (np != IKE1_PLD_T) {
			fail(w, np == IKE_PLD_NONE ? IKE1_E_TRAILING : IKE1_E_TRANS_TYPE, pc->p);
			return;
		}
		tc = sub_header(w, pc, &np, TRANS_MIN_LEN, IKE1_E_TRANS_HEADER,
				IKE1_E_TRANS_LENGTH);
		if (tc.err)
			return;
		if (sa->ntrans < IKE1_MAX_TRANSFORMS) {
			t = &sa->trans[sa->ntrans++];
			pr->ntrans++;
			keep = true;
		} else {
			sa->trans_extra++;
		}
		memset(t, 0, sizeof(*t));
		pr->trans_seen++;
		parse_transform(w, &tc, t, keep);
	}
	if (np != IKE_PLD_NONE)
		fail(w, IKE1_E_TRANS_HEADER, pc->p);
	else if (pr->trans_seen != pr->ntrans_field)
		fail(w, IKE1_E_TRANS_COUNT, pc->p);
}

void ike1_parse_sa(const uint8_t *p, size_t len, struct ike1_sa *sa)
{
	struct cur c = cur_make(p, len);
	struct sa_walk w = { sa, p };
	uint8_t np = IKE1_PLD_P;

	/* Only the counters and header: proposals, transforms and attributes
	 * are cleared as they are filled, so a message does not pay for the
	 * whole arrays (this runs for every SA payload the chain walk meets). */
	memset(sa, 0, offsetof(struct ike1_sa, prop));
	sa->doi = cur_be32(&c);
	if (c.err) {
		fail(&w, IKE1_E_SHORT, p);
		return;
	}
	/* Only the IPsec DOI defines the situation and proposal layout. */
	if (sa->doi != IKE1_DOI_IPSEC)
		return;
	sa->ipsec = true;
	sa->situation = cur_be32(&c);
	if (c.err) {
		fail(&w, IKE1_E_SHORT, p);
		return;
	}
	while (cur_left(&c) > 0) {
		struct ike1_proposal scratch, *pr = &scratch;
		struct cur pc;

		if (np != IKE1_PLD_P) {
			fail(&w, np == IKE_PLD_NONE ? IKE1_E_TRAILING : IKE1_E_PROP_TYPE, c.p);
			return;
		}
		pc = sub_header(&w, &c, &np, PROP_MIN_LEN, IKE1_E_PROP_HEADER,
				IKE1_E_PROP_LENGTH);
		if (pc.err)
			return;
		if (sa->nprop < IKE1_MAX_PROPOSALS)
			pr = &sa->prop[sa->nprop++];
		else
			sa->prop_extra++;
		memset(pr, 0, sizeof(*pr));
		parse_proposal(&w, &pc, pr);
	}
	if (sa->nprop == 0)
		fail(&w, IKE1_E_NO_PROPOSAL, c.p);
	else if (np != IKE_PLD_NONE)
		fail(&w, IKE1_E_PROP_HEADER, c.p);
}
