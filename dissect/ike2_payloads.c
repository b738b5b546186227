/* ike2_payloads.c - the small IKEv2 payload bodies: KE, ID, CERT, CERTREQ,
 * Nonce, Vendor ID, SK, SKF, CP and EAP (RFC 7296 sections 3.4-3.9, 3.12,
 * 3.14-3.16; RFC 7383 section 2.5 for SKF). */
#include "ike2_local.h"

#define NONCE_MIN 16
#define NONCE_MAX 256

#define IKE2_ERR_TEXT(sym, token, text) text,
#define IKE2_ERR_TOKEN(sym, token, text) token,
static const char *const err_text[] = { IKE2_ERRORS(IKE2_ERR_TEXT) };
static const char *const err_token[] = { IKE2_ERRORS(IKE2_ERR_TOKEN) };
#undef IKE2_ERR_TEXT
#undef IKE2_ERR_TOKEN

const char *ike2_err_text(unsigned err)
{
	return err < IKE2_ERR__COUNT ? err_text[err] : "unknown";
}

const char *ike2_err_token(unsigned err)
{
	return err < IKE2_ERR__COUNT ? err_token[err] : "unknown";
}

/* | DH Group Num (2) | RESERVED (2) | Key Exchange Data | */
int ike2_parse_ke(const uint8_t *p, size_t len, struct ike2_ke *ke)
{
	struct cur c = cur_make(p, len);
	size_t want;

	memset(ke, 0, sizeof(*ke));
	ke->group = cur_be16(&c);
	cur_skip(&c, 2);
	if (c.err)
		return IKE2_NOTE(ke, IKE2_E_SHORT, p, len, &c);
	ke->data = ike2_rest(&c);
	/* A known group fixes the size of its public value (section 3.4:
	 * otherwise INVALID_SYNTAX). */
	want = ike2_group_ke_len(ke->group);
	if (want && ke->data.len != want) {
		struct cur at = cur_make(p, len);

		IKE2_NOTE(ke, IKE2_E_KE_LENGTH, p, len, &at);
	}
	return ke->err;
}

/* | ID Type | RESERVED (3) | Identification Data | */
int ike2_parse_id(const uint8_t *p, size_t len, struct ike2_id *id)
{
	struct cur c = cur_make(p, len);
	size_t want = 0;

	memset(id, 0, sizeof(*id));
	id->type = cur_u8(&c);
	cur_skip(&c, 3);
	if (c.err)
		return IKE2_NOTE(id, IKE2_E_SHORT, p, len, &c);
	id->data = ike2_rest(&c);
	if (id->type == IKE2_ID_IPV4_ADDR)
		want = 4;
	else if (id->type == IKE2_ID_IPV6_ADDR)
		want = 16;
	if (want && id->data.len != want) {
		struct cur at = cur_make(p + 4, len - 4);

		IKE2_NOTE(id, IKE2_E_ID_LENGTH, p, len, &at);
	}
	return id->err;
}

/* | Cert Encoding | Certificate Data | (CERTREQ: | Encoding | CA ... |) */
int ike2_parse_cert(const uint8_t *p, size_t len, struct ike2_cert *ce)
{
	struct cur c = cur_make(p, len);

	memset(ce, 0, sizeof(*ce));
	ce->encoding = cur_u8(&c);
	if (c.err)
		return IKE2_NOTE(ce, IKE2_E_SHORT, p, len, &c);
	ce->data = ike2_rest(&c);
	return ce->err;
}

int ike2_parse_certreq(const uint8_t *p, size_t len, struct ike2_cert *ce)
{
	return ike2_parse_cert(p, len, ce);
}

/* | Nonce Data | of 16 to 256 bytes (section 3.9). */
int ike2_parse_nonce(const uint8_t *p, size_t len, struct ike2_nonce *n)
{
	struct cur c = cur_make(p, len);

	memset(n, 0, sizeof(*n));
	n->data = ike2_rest(&c);
	if (len < NONCE_MIN || len > NONCE_MAX) {
		struct cur at = cur_make(p, len);

		IKE2_NOTE(n, IKE2_E_NONCE_LENGTH, p, len, &at);
	}
	return n->err;
}

int ike2_parse_vendor(const uint8_t *p, size_t len, struct ike2_vendor *v)
{
	struct cur c = cur_make(p, len);

	memset(v, 0, sizeof(*v));
	v->data = ike2_rest(&c);
	return v->err;
}

/* | IV | Encrypted IKE Payloads | Padding | Pad Length | ICV | - opaque
 * without the keys, so only its size is known. */
int ike2_parse_sk(const uint8_t *p, size_t len, struct ike2_sk *sk)
{
	struct cur c = cur_make(p, len);

	memset(sk, 0, sizeof(*sk));
	sk->data = ike2_rest(&c);
	return sk->err;
}

/* | Fragment Number (2) | Total Fragments (2) | IV | Encrypted ... |
 * Numbers count from 1 and never pass the total (RFC 7383 section 2.5). */
int ike2_parse_skf(const uint8_t *p, size_t len, struct ike2_skf *f)
{
	struct cur c = cur_make(p, len);

	memset(f, 0, sizeof(*f));
	f->num = cur_be16(&c);
	f->total = cur_be16(&c);
	if (c.err)
		return IKE2_NOTE(f, IKE2_E_SHORT, p, len, &c);
	f->data = ike2_rest(&c);
	if (f->num == 0 || f->num > f->total) {
		struct cur at = cur_make(p, len);

		IKE2_NOTE(f, IKE2_E_FRAG_NUM, p, len, &at);
	}
	return f->err;
}

/* | CFG Type | RESERVED (3) | attributes: |R| Type (15) | Length (2) | Value | */
int ike2_parse_cp(const uint8_t *p, size_t len, struct ike2_cp *cp)
{
	struct cur c = cur_make(p, len);

	memset(cp, 0, sizeof(*cp));
	cp->type = cur_u8(&c);
	cur_skip(&c, 3);
	if (c.err)
		return IKE2_NOTE(cp, IKE2_E_SHORT, p, len, &c);
	while (cur_left(&c) > 0) {
		struct cur at = c;
		struct ike2_cp_attr a;
		uint16_t alen;

		a.type = cur_be16(&c) & 0x7fff;
		alen = cur_be16(&c);
		a.value.p = cur_bytes(&c, alen);
		a.value.len = alen;
		if (c.err)
			return IKE2_NOTE(cp, IKE2_E_ATTR_LENGTH, p, len, &at);
		if (cp->nattr < IKE2_MAX_CP_ATTRS)
			cp->attr[cp->nattr++] = a;
		else if (cp->nattr_extra < UINT16_MAX)
			cp->nattr_extra++;
	}
	return cp->err;
}

/* | Code | Identifier | Length (2) | Type | Type-Data | (RFC 3748 section 4);
 * the EAP length covers the whole payload body. */
int ike2_parse_eap(const uint8_t *p, size_t len, struct ike2_eap *e)
{
	struct cur c = cur_make(p, len);

	memset(e, 0, sizeof(*e));
	e->code = cur_u8(&c);
	e->id = cur_u8(&c);
	e->length = cur_be16(&c);
	if (c.err)
		return IKE2_NOTE(e, IKE2_E_SHORT, p, len, &c);
	/* Requests and responses (and RFC 6696 Initiate/Finish) have a type. */
	if (e->code != 3 && e->code != 4 && cur_left(&c) > 0) {
		e->has_type = 1;
		e->type = cur_u8(&c);
	}
	e->data = ike2_rest(&c);
	if (e->length != len) {
		struct cur at = cur_make(p + 2, len - 2);

		IKE2_NOTE(e, IKE2_E_EAP_LENGTH, p, len, &at);
	}
	return e->err;
}
