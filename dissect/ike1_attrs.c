/* ike1_attrs.c - ISAKMP data attributes, TV and TLV (RFC 2408 section 3.3),
 * shared by SA transforms, RESPONDER-LIFETIME notifies and mode-config.
 *
 *  |A|       Attribute Type        |    AF=0  Attribute Length     |
 *  |F|                             |    AF=1  Attribute Value      |
 *  .                   AF=0  Attribute Value                       .
 */
#include "ike1.h"

#include "cur.h"

#define IKE1_ERR_TEXT(sym, text) text,
static const char *const err_text[] = { IKE1_PARSE_ERRORS(IKE1_ERR_TEXT) };
#undef IKE1_ERR_TEXT

const char *ike1_err_text(unsigned err)
{
	return err < IKE1_ERR__COUNT ? err_text[err] : "unknown";
}

/* TLV values of up to four bytes are numbers on the wire (life durations,
 * key lengths), so they are decoded as such as well as kept as bytes. */
static uint32_t be_number(const uint8_t *p, size_t n)
{
	uint32_t v = 0;

	for (size_t i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return v;
}

int ike1_parse_attrs(struct cur *c, struct ike1_attr *out, size_t cap,
		     uint16_t *n, uint16_t *extra)
{
	*n = 0;
	*extra = 0;
	while (cur_left(c) > 0) {
		struct ike1_attr a;
		uint16_t type, lv;

		memset(&a, 0, sizeof(a));
		if (!cur_has(c, 4)) {
			cur_fail(c);
			return IKE1_E_ATTR_HEADER;
		}
		type = cur_be16(c);
		lv = cur_be16(c);
		a.type = type & 0x7fff;
		a.tv = (uint8_t)(type >> 15);
		if (a.tv) {
			a.numeric = 1;
			a.num = lv;
		} else {
			const uint8_t *v = cur_bytes(c, lv);

			if (!v)
				return IKE1_E_ATTR_LENGTH;
			a.val.p = v;
			a.val.len = lv;
			if (lv <= 4) {
				a.numeric = 1;
				a.num = be_number(v, lv);
			}
		}
		if (*n < cap)
			out[(*n)++] = a;
		else if (*extra < UINT16_MAX)
			(*extra)++;
	}
	return IKE1_OK;
}
