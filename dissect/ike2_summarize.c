/* ike2_summarize.c - the per-payload facts the IKEv2 chain walk records for
 * the one-line view and the engine (RFC 7296 sections 3.10-3.12, RFC 7383). */
#include "ike.h"
#include "ike2.h"
#include "names.h"

/* Called by ike_parse() for every payload; body is clamped to the capture.
 * Only N, D, V and SKF carry summary facts; every other type, known or not,
 * is left to the on-demand parsers. */
void ike2_summarize(struct ike_msg *m, struct ike_payload *pl, const uint8_t *body, size_t len)
{
	switch (pl->type) {
	case IKE2_PLD_N: {
		struct ike2_notify n;

		ike2_parse_notify(body, len, &n);
		pl->notify = n.type;
		pl->proto = n.proto;
		pl->bad = n.err != IKE2_OK;
		break;
	}
	case IKE2_PLD_D: {
		struct ike2_delete d;

		ike2_parse_delete(body, len, &d);
		pl->proto = d.proto;
		pl->bad = d.err != IKE2_OK;
		break;
	}
	case IKE2_PLD_V:
		pl->vendor = (int16_t)vendor_id_match(body, len);
		break;
	case IKE2_PLD_SKF: {
		struct ike2_skf f;

		ike2_parse_skf(body, len, &f);
		m->frag_num = f.num;
		m->frag_total = f.total;
		pl->bad = f.err != IKE2_OK;
		break;
	}
	default:
		break;
	}
}
