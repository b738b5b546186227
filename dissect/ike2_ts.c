/* ike2_ts.c - the IKEv2 Traffic Selector payloads TSi/TSr (RFC 7296 section
 * 3.13, RFC 9478 for TS_SECLABEL).
 *
 * Payload:  | Number of TSs | RESERVED (3) | Traffic Selectors ...          |
 * Selector: | TS Type | IP Protocol ID | Selector Length (2)              |
 *           | Start Port (2) | End Port (2) | Starting Address | Ending Address |
 */
#include "ike2_local.h"

#define TS_HDR_LEN 4
#define SEL_HDR_LEN 4

/* Address ranges have a fixed size: header, ports, two addresses. */
static size_t range_len(uint8_t type)
{
	if (type == IKE2_TS_IPV4_ADDR_RANGE)
		return SEL_HDR_LEN + 4 + 2 * 4;
	if (type == IKE2_TS_IPV6_ADDR_RANGE)
		return SEL_HDR_LEN + 4 + 2 * 16;
	return 0;
}

static bool parse_selector(struct ike2_ts *ts, struct cur *c, const uint8_t *base, size_t len,
			   struct ike2_ts_sel *s)
{
	struct cur start = *c;
	struct cur body;
	size_t want;

	s->type = cur_u8(c);
	s->ip_proto = cur_u8(c);
	s->len = cur_be16(c);
	if (c->err || s->len < SEL_HDR_LEN || (size_t)s->len - SEL_HDR_LEN > cur_left(c)) {
		IKE2_NOTE(ts, IKE2_E_TS_LENGTH, base, len, &start);
		return false;
	}
	want = range_len(s->type);
	if (want && s->len != want) {
		IKE2_NOTE(ts, IKE2_E_TS_LENGTH, base, len, &start);
		return false;
	}
	body = cur_sub(c, (size_t)s->len - SEL_HDR_LEN);
	if (want) {
		size_t alen = (want - SEL_HDR_LEN - 4) / 2;

		s->start_port = cur_be16(&body);
		s->end_port = cur_be16(&body);
		s->start.p = cur_bytes(&body, alen);
		s->end.p = cur_bytes(&body, alen);
		s->start.len = s->end.len = alen;
	} else {
		s->data = ike2_rest(&body);
	}
	return true;
}

int ike2_parse_ts(const uint8_t *p, size_t len, struct ike2_ts *ts)
{
	struct cur c = cur_make(p, len);
	unsigned present = 0;

	memset(ts, 0, sizeof(*ts));
	ts->count = cur_u8(&c);
	cur_skip(&c, 3);
	if (c.err)
		return IKE2_NOTE(ts, IKE2_E_SHORT, p, len, &c);
	while (cur_left(&c) > 0) {
		struct ike2_ts_sel scratch;
		struct ike2_ts_sel *s = ts->nsel < IKE2_MAX_SELECTORS ? &ts->sel[ts->nsel] : &scratch;

		memset(s, 0, sizeof(*s));
		if (!parse_selector(ts, &c, p, len, s))
			return ts->err;
		present++;
		if (s != &scratch)
			ts->nsel++;
		else if (ts->nsel_extra < UINT8_MAX)
			ts->nsel_extra++;
	}
	/* The count and the bytes must agree; either may be the one that lies. */
	if (present != ts->count) {
		struct cur at = cur_make(p, len);

		IKE2_NOTE(ts, IKE2_E_TS_COUNT, p, len, &at);
	}
	return ts->err;
}
