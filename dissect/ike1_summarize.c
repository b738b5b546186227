/* ike1_summarize.c - the per-payload facts the IKEv1 chain walk records
 * (notify type, protocol, vendor, fragment numbers) and the body validation
 * that marks a payload bad (RFC 2408 section 3, RFC 3947, Cisco fragments). */
#include "ike1.h"
#include "names.h"

static uint8_t check_sa(const uint8_t *body, size_t len)
{
	struct ike1_sa sa;

	ike1_parse_sa(body, len, &sa);
	return sa.err;
}

static uint8_t check_id(const uint8_t *body, size_t len)
{
	struct ike1_id id;

	ike1_parse_id(body, len, &id);
	return id.err;
}

static uint8_t check_cert(const uint8_t *body, size_t len)
{
	struct ike1_cert ce;

	ike1_parse_cert(body, len, &ce);
	return ce.err;
}

static uint8_t check_blob(const uint8_t *body, size_t len)
{
	struct ike1_blob b;

	ike1_parse_blob(body, len, &b);
	return b.err;
}

static uint8_t check_natd(const uint8_t *body, size_t len)
{
	struct ike1_blob b;

	ike1_parse_natd(body, len, &b);
	return b.err;
}

static uint8_t check_natoa(const uint8_t *body, size_t len)
{
	struct ike1_natoa oa;

	ike1_parse_natoa(body, len, &oa);
	return oa.err;
}

static uint8_t check_attr(const uint8_t *body, size_t len)
{
	struct ike1_attr_pld a;

	ike1_parse_attr(body, len, &a);
	return a.err;
}

static uint8_t summarize_notify(struct ike_payload *pl, const uint8_t *body, size_t len)
{
	struct ike1_notify n;

	ike1_parse_notify(body, len, &n);
	pl->notify = n.type;
	pl->proto = n.proto;
	return n.err;
}

static uint8_t summarize_delete(struct ike_payload *pl, const uint8_t *body, size_t len)
{
	struct ike1_delete d;

	ike1_parse_delete(body, len, &d);
	pl->proto = d.proto;
	return d.err;
}

static uint8_t summarize_vid(struct ike_payload *pl, const uint8_t *body, size_t len)
{
	int idx = vendor_id_match(body, len);

	pl->vendor = (int16_t)idx;
	return len ? IKE1_OK : IKE1_E_EMPTY;
}

/* IKEv1 fragments carry no total: it becomes known with the last one. */
static uint8_t summarize_frag(struct ike_msg *m, const uint8_t *body, size_t len)
{
	struct ike1_frag f;

	ike1_parse_frag(body, len, &f);
	if (f.err == IKE1_E_SHORT)
		return f.err;
	m->frag_num = f.num;
	m->frag_last = f.flags & 1;
	m->frag_total = m->frag_last ? f.num : 0;
	return f.err;
}

void ike1_summarize(struct ike_msg *m, struct ike_payload *pl, const uint8_t *body, size_t len)
{
	uint8_t err;

	switch (pl->type) {
	case IKE1_PLD_SA:
		err = check_sa(body, len);
		break;
	case IKE1_PLD_ID:
		err = check_id(body, len);
		break;
	case IKE1_PLD_CERT:
	case IKE1_PLD_CR:
		err = check_cert(body, len);
		break;
	case IKE1_PLD_KE:
	case IKE1_PLD_HASH:
	case IKE1_PLD_SIG:
	case IKE1_PLD_NONCE:
		err = check_blob(body, len);
		break;
	case IKE1_PLD_N:
		err = summarize_notify(pl, body, len);
		break;
	case IKE1_PLD_D:
		err = summarize_delete(pl, body, len);
		break;
	case IKE1_PLD_VID:
		err = summarize_vid(pl, body, len);
		break;
	case IKE1_PLD_ATTR:
		err = check_attr(body, len);
		break;
	case IKE1_PLD_NATD:
	case IKE1_PLD_NATD_DRAFT:
		err = check_natd(body, len);
		break;
	case IKE1_PLD_NATOA:
	case IKE1_PLD_NATOA_DRAFT:
		err = check_natoa(body, len);
		break;
	case IKE1_PLD_FRAG:
		err = summarize_frag(m, body, len);
		break;
	default:
		err = IKE1_OK;
		break;
	}
	pl->bad = err != IKE1_OK;
}
