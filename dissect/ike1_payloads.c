/* ike1_payloads.c - IKEv1 payload bodies other than SA: KE, ID, CERT/CR, HASH,
 * SIG, NONCE, VID (RFC 2408 sections 3.7-3.16), N and D with the IPsec DOI
 * notify data (RFC 2407 section 4.6.3, RFC 3706), NAT-D and NAT-OA
 * (RFC 3947 section 3.2, 5.2), mode-config ATTR (draft-dukes-ike-mode-cfg
 * section 3.2) and the Cisco-style fragment payload 132.
 */
#include "ike1.h"

#include "cur.h"

/* Key exchange, hash, signature, nonce and vendor ID are one opaque value;
 * an empty one cannot do its job. */
void ike1_parse_blob(const uint8_t *p, size_t len, struct ike1_blob *b)
{
	memset(b, 0, sizeof(*b));
	b->data.p = p;
	b->data.len = len;
	if (len == 0)
		b->err = IKE1_E_EMPTY;
}

/* Fixed data lengths of the address ID types (RFC 2407 section 4.6.2.2-9). */
static size_t id_addr_len(uint8_t type, uint8_t *family)
{
	switch (type) {
	case IKE1_ID_IPV4_ADDR:
		*family = 4;
		return 4;
	case IKE1_ID_IPV4_ADDR_SUBNET:
	case IKE1_ID_IPV4_ADDR_RANGE:
		*family = 4;
		return 8;
	case IKE1_ID_IPV6_ADDR:
		*family = 6;
		return 16;
	case IKE1_ID_IPV6_ADDR_SUBNET:
	case IKE1_ID_IPV6_ADDR_RANGE:
		*family = 6;
		return 32;
	default:
		*family = 0;
		return 0;
	}
}

/*  | ID Type | Protocol ID | Port (2) | Identification Data ... */
void ike1_parse_id(const uint8_t *p, size_t len, struct ike1_id *id)
{
	struct cur c = cur_make(p, len);
	size_t alen;

	memset(id, 0, sizeof(*id));
	id->type = cur_u8(&c);
	id->proto = cur_u8(&c);
	id->port = cur_be16(&c);
	if (c.err) {
		id->err = IKE1_E_SHORT;
		return;
	}
	id->data.p = c.p;
	id->data.len = cur_left(&c);
	alen = id_addr_len(id->type, &id->family);
	if (!id->family)
		return;
	/* An address type has exactly its size: a short one would read past the
	 * payload, a long one hides bytes nobody checks. */
	if (id->data.len != alen) {
		id->err = IKE1_E_ID_LENGTH;
		id->family = 0;
		return;
	}
	memcpy(id->addr, id->data.p, alen == 4 || alen == 16 ? alen : alen / 2);
	if (alen == 8 || alen == 32)
		memcpy(id->addr2, id->data.p + alen / 2, alen / 2);
}

/*  | Cert Encoding | Certificate Data ... (CR: Certificate Authority) */
void ike1_parse_cert(const uint8_t *p, size_t len, struct ike1_cert *ce)
{
	struct cur c = cur_make(p, len);

	memset(ce, 0, sizeof(*ce));
	ce->encoding = cur_u8(&c);
	if (c.err) {
		ce->err = IKE1_E_SHORT;
		return;
	}
	ce->data.p = c.p;
	ce->data.len = cur_left(&c);
}

/*  | DOI (4) | Protocol | SPI Size | Notify Message Type (2) | SPI | Data */
void ike1_parse_notify(const uint8_t *p, size_t len, struct ike1_notify *n)
{
	struct cur c = cur_make(p, len);
	int err;

	memset(n, 0, sizeof(*n));
	n->doi = cur_be32(&c);
	n->proto = cur_u8(&c);
	n->spi_size = cur_u8(&c);
	n->type = cur_be16(&c);
	if (c.err) {
		n->err = IKE1_E_SHORT;
		return;
	}
	n->spi.p = cur_bytes(&c, n->spi_size);
	if (!n->spi.p) {
		n->err = IKE1_E_SPI_SIZE;
		return;
	}
	n->spi.len = n->spi_size;
	n->data.p = c.p;
	n->data.len = cur_left(&c);
	switch (n->type) {
	case IKE1_N_R_U_THERE:
	case IKE1_N_R_U_THERE_ACK:
		/* RFC 3706 section 5.1: the data is a 32-bit sequence number. */
		if (n->data.len != 4) {
			n->err = IKE1_E_NOTIFY_DATA;
			return;
		}
		n->has_seq = true;
		n->seq = cur_be32(&c);
		break;
	case IKE1_N_RESPONDER_LIFETIME:
		/* RFC 2407 section 4.6.3.1: data attributes (life type, duration). */
		err = ike1_parse_attrs(&c, n->attrs, IKE1_MAX_LIST_ATTRS, &n->nattr,
				       &n->attr_extra);
		if (err != IKE1_OK)
			n->err = (uint8_t)err;
		break;
	default:
		break;
	}
}

/*  | DOI (4) | Protocol | SPI Size | # of SPIs (2) | SPIs ... */
void ike1_parse_delete(const uint8_t *p, size_t len, struct ike1_delete *d)
{
	struct cur c = cur_make(p, len);

	memset(d, 0, sizeof(*d));
	d->doi = cur_be32(&c);
	d->proto = cur_u8(&c);
	d->spi_size = cur_u8(&c);
	d->nspi = cur_be16(&c);
	if (c.err) {
		d->err = IKE1_E_SHORT;
		return;
	}
	/* The count times the size must fill the body exactly; the product of
	 * two wire fields is computed in size_t so it cannot wrap. */
	if ((size_t)d->nspi * d->spi_size != cur_left(&c)) {
		d->err = IKE1_E_SPI_COUNT;
		return;
	}
	for (unsigned i = 0; i < d->nspi && d->stored < IKE1_MAX_DELETE_SPIS; i++) {
		d->spi[d->stored].p = cur_bytes(&c, d->spi_size);
		d->spi[d->stored].len = d->spi_size;
		d->stored++;
	}
}

/* NAT-D carries HASH(CKY-I | CKY-R | IP | Port) in the negotiated hash. */
void ike1_parse_natd(const uint8_t *p, size_t len, struct ike1_blob *b)
{
	ike1_parse_blob(p, len, b);
	if (b->err)
		return;
	switch (len) {
	case 16: /* MD5 */
	case 20: /* SHA-1 */
	case 24: /* Tiger */
	case 32: /* SHA2-256 */
	case 48: /* SHA2-384 */
	case 64: /* SHA2-512 */
		break;
	default:
		b->err = IKE1_E_HASH_LENGTH;
	}
}

/*  | ID Type | RESERVED (3) | IPv4 (4) or IPv6 (16) address */
void ike1_parse_natoa(const uint8_t *p, size_t len, struct ike1_natoa *oa)
{
	struct cur c = cur_make(p, len);
	size_t alen;

	memset(oa, 0, sizeof(*oa));
	oa->type = cur_u8(&c);
	cur_skip(&c, 3);
	if (c.err) {
		oa->err = IKE1_E_SHORT;
		return;
	}
	if (oa->type == IKE1_ID_IPV4_ADDR)
		alen = 4;
	else if (oa->type == IKE1_ID_IPV6_ADDR)
		alen = 16;
	else
		alen = 0;
	if (!alen || cur_left(&c) != alen) {
		oa->err = IKE1_E_ID_LENGTH;
		return;
	}
	oa->family = alen == 4 ? 4 : 6;
	cur_copy(&c, oa->addr, alen);
}

/*  | Type | RESERVED | Identifier (2) | Attributes ... */
void ike1_parse_attr(const uint8_t *p, size_t len, struct ike1_attr_pld *a)
{
	struct cur c = cur_make(p, len);
	int err;

	memset(a, 0, sizeof(*a));
	a->type = cur_u8(&c);
	cur_skip(&c, 1);
	a->ident = cur_be16(&c);
	if (c.err) {
		a->err = IKE1_E_SHORT;
		return;
	}
	err = ike1_parse_attrs(&c, a->attrs, IKE1_MAX_LIST_ATTRS, &a->nattr, &a->attr_extra);
	if (err != IKE1_OK)
		a->err = (uint8_t)err;
}

/*  | Fragment ID (2) | Fragment Number | Flags | Fragment Data ...
 * Flags bit 0 marks the last fragment of the message. */
void ike1_parse_frag(const uint8_t *p, size_t len, struct ike1_frag *f)
{
	struct cur c = cur_make(p, len);

	memset(f, 0, sizeof(*f));
	f->id = cur_be16(&c);
	f->num = cur_u8(&c);
	f->flags = cur_u8(&c);
	if (c.err) {
		f->err = IKE1_E_SHORT;
		return;
	}
	f->data.p = c.p;
	f->data.len = cur_left(&c);
	if (f->data.len == 0)
		f->err = IKE1_E_EMPTY;
}
