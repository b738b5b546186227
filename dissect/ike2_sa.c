/* ike2_sa.c - the IKEv2 Security Association payload: proposals, transforms
 * and transform attributes (RFC 7296 section 3.3).
 *
 * Proposal:  | Last Substruc | RESERVED | Proposal Length (2)              |
 *            | Proposal Num  | Protocol ID | SPI Size | Num Transforms     |
 *            | SPI (variable) | Transforms ...                             |
 * Transform: | Last Substruc | RESERVED | Transform Length (2)             |
 *            | Transform Type | RESERVED | Transform ID (2) | Attributes   |
 * Attribute: |A| Attribute Type (15) | Attribute Length or Value (2) | ... |
 */
#include <stddef.h>
#include <string.h>

#include "ike2_local.h"

#define PROP_HDR_LEN 8
#define TRANS_HDR_LEN 8
#define LAST_PROPOSAL 0
#define MORE_PROPOSALS 2
#define LAST_TRANSFORM 0
#define MORE_TRANSFORMS 3
#define ATTR_AF 0x8000

struct walk {
	const uint8_t *base; /* SA body start, for error offsets */
	size_t len;
	struct ike2_sa *sa;
};

static int note(struct walk *w, int code, const struct cur *c)
{
	return IKE2_NOTE(w->sa, code, w->base, w->len, c);
}

/* Attributes fill the transform body exactly; a TLV running past it is a
 * framing error that ends the parse. */
static bool parse_attrs(struct walk *w, struct cur *c, struct ike2_transform *t)
{
	while (cur_left(c) > 0) {
		struct cur at = *c;
		uint16_t type = cur_be16(c);
		uint16_t lv = cur_be16(c);
		struct ike2_tattr a = { 0 };

		if (c->err) {
			note(w, IKE2_E_ATTR_LENGTH, &at);
			return false;
		}
		a.type = type & ~ATTR_AF;
		if (type & ATTR_AF) {
			a.tv = 1;
			a.value = lv;
		} else {
			a.data.p = cur_bytes(c, lv);
			a.data.len = lv;
			if (!a.data.p) {
				note(w, IKE2_E_ATTR_LENGTH, &at);
				return false;
			}
		}
		if (a.tv && a.type == IKE2_ATTR_KEY_LENGTH) {
			t->has_keylen = 1;
			t->keylen = a.value;
		} else if (t->nattr < IKE2_MAX_TATTRS) {
			t->attr[t->nattr++] = a;
		} else if (t->nattr_extra < UINT8_MAX) {
			t->nattr_extra++;
		}
	}
	return true;
}

/* Parse results: the header itself was bad (nothing to keep), the body was
 * bad after the header (keep what was read, stop), or all went well. */
enum step { STEP_BAD_HEADER = -1, STEP_BAD_BODY = 0, STEP_OK = 1 };

static enum step parse_transform(struct walk *w, struct cur *pc, struct ike2_transform *t)
{
	struct cur start = *pc;
	uint8_t last = cur_u8(pc);
	uint16_t tlen;
	struct cur body;

	cur_skip(pc, 1);
	tlen = cur_be16(pc);
	if (pc->err || tlen < TRANS_HDR_LEN || (size_t)tlen - 4 > cur_left(pc)) {
		note(w, IKE2_E_TRANS_LENGTH, &start);
		return STEP_BAD_HEADER;
	}
	body = cur_sub(pc, (size_t)tlen - 4);
	t->type = cur_u8(&body);
	cur_skip(&body, 1);
	t->id = cur_be16(&body);
	/* The last transform of a proposal says 0, every other one 3. */
	if ((last == LAST_TRANSFORM) != (cur_left(pc) == 0) ||
	    (last != LAST_TRANSFORM && last != MORE_TRANSFORMS))
		note(w, IKE2_E_TRANS_LAST, &start);
	return parse_attrs(w, &body, t) ? STEP_OK : STEP_BAD_BODY;
}

/* SPI sizes per protocol (section 3.3.1): IKE 0 in IKE_SA_INIT or 8 when
 * rekeying, AH/ESP 4. */
static bool spi_size_ok(uint8_t proto, uint8_t size)
{
	if (proto == IKE2_PROTO_IKE)
		return size == 0 || size == 8;
	return size == 4;
}

static enum step parse_proposal(struct walk *w, struct cur *c, struct ike2_proposal *pr, unsigned prev_num)
{
	struct cur start = *c;
	uint8_t last = cur_u8(c);
	uint16_t plen;
	struct cur body;
	unsigned present = 0;

	cur_skip(c, 1);
	plen = cur_be16(c);
	if (c->err || plen < PROP_HDR_LEN || (size_t)plen - 4 > cur_left(c)) {
		note(w, c->err ? IKE2_E_SHORT : IKE2_E_PROP_LENGTH, &start);
		return STEP_BAD_HEADER;
	}
	body = cur_sub(c, (size_t)plen - 4);
	pr->num = cur_u8(&body);
	pr->proto = cur_u8(&body);
	pr->spi_size = cur_u8(&body);
	pr->ntrans_field = cur_u8(&body);
	if ((last == LAST_PROPOSAL) != (cur_left(c) == 0) ||
	    (last != LAST_PROPOSAL && last != MORE_PROPOSALS))
		note(w, IKE2_E_PROP_LAST, &start);
	if (pr->num != prev_num + 1)
		note(w, IKE2_E_PROP_NUM, &start);
	if (pr->proto < IKE2_PROTO_IKE || pr->proto > IKE2_PROTO_ESP)
		note(w, IKE2_E_PROTO, &start);
	else if (!spi_size_ok(pr->proto, pr->spi_size))
		note(w, IKE2_E_SPI_SIZE, &start);
	pr->spi.len = pr->spi_size;
	pr->spi.p = cur_bytes(&body, pr->spi_size);
	if (!pr->spi.p) {
		pr->spi.len = 0;
		note(w, IKE2_E_PROP_LENGTH, &start);
		return STEP_BAD_BODY;
	}
	while (cur_left(&body) > 0) {
		struct ike2_transform scratch;
		struct ike2_transform *t = pr->ntrans < IKE2_MAX_TRANSFORMS ? &pr->t[pr->ntrans] : &scratch;

		enum step st;

		memset(t, 0, sizeof(*t));
		st = parse_transform(w, &body, t);
		if (st == STEP_BAD_HEADER)
			return STEP_BAD_BODY;
		present++;
		if (t != &scratch)
			pr->ntrans++;
		else if (pr->ntrans_extra < UINT16_MAX)
			pr->ntrans_extra++;
		if (st == STEP_BAD_BODY)
			return STEP_BAD_BODY;
	}
	if (present != pr->ntrans_field)
		note(w, IKE2_E_TRANS_COUNT, &start);
	return STEP_OK;
}

int ike2_parse_sa(const uint8_t *p, size_t len, struct ike2_sa *sa)
{
	struct cur c = cur_make(p, len);
	struct walk w = { p, len, sa };
	unsigned prev = 0;

	/* Only the counters: proposals and transforms are cleared as they are
	 * filled, so a short SA payload does not pay for the whole array. */
	sa->nprop = 0;
	sa->nprop_extra = 0;
	sa->err = 0;
	sa->err_off = 0;
	if (len == 0)
		return note(&w, IKE2_E_SHORT, &c);
	while (cur_left(&c) > 0) {
		struct ike2_proposal scratch;
		struct ike2_proposal *pr = sa->nprop < IKE2_MAX_PROPOSALS ? &sa->prop[sa->nprop] : &scratch;

		enum step st;

		memset(pr, 0, offsetof(struct ike2_proposal, t));
		st = parse_proposal(&w, &c, pr, prev);
		if (st == STEP_BAD_HEADER)
			break;
		prev = pr->num;
		if (pr != &scratch)
			sa->nprop++;
		else if (sa->nprop_extra < UINT16_MAX)
			sa->nprop_extra++;
		if (st == STEP_BAD_BODY)
			break;
	}
	return sa->err;
}
