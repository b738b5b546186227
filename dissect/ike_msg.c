/* ike_msg.c - the ISAKMP/IKE fixed header and the payload chain walk shared by
 * IKEv1 (RFC 2408 section 3.1-3.2) and IKEv2 (RFC 7296 section 3.1-3.2).
 *
 *  0                   1                   2                   3
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                 Initiator SPI / cookie (8 bytes)              |
 *  |                 Responder SPI / cookie (8 bytes)              |
 *  | Next Payload  | MjVer | MnVer | Exchange Type |     Flags     |
 *  |                          Message ID                           |
 *  |                            Length                             |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * then payloads, each opening with a generic header:
 *  | Next Payload  |C|  RESERVED   |         Payload Length        |
 */
#include "ike.h"

#include "cur.h"

#define IKE_ERR_TEXT(sym, text) text,
static const char *const perr_text[] = { IKE_PARSE_ERRORS(IKE_ERR_TEXT) };
#undef IKE_ERR_TEXT

static const char *const perr_token[IKE_PERR__COUNT] = {
	[IKE_OK] = "ok",
	[IKE_E_SHORT] = "short",
	[IKE_E_VERSION] = "version",
	[IKE_E_LENGTH_SMALL] = "length_small",
	[IKE_E_LENGTH_DATAGRAM] = "length_datagram",
	[IKE_E_TRUNCATED] = "truncated",
	[IKE_E_PAYLOAD_HEADER] = "payload_header",
	[IKE_E_PAYLOAD_LENGTH] = "payload_length",
	[IKE_E_TOO_MANY_PAYLOADS] = "too_many_payloads",
	[IKE_E_TRAILING] = "trailing",
	[IKE_E_PAYLOAD_BODY] = "payload_body",
};

const char *ike_perr_text(unsigned err)
{
	return err < IKE_PERR__COUNT ? perr_text[err] : "unknown";
}

const char *ike_perr_token(unsigned err)
{
	return err < IKE_PERR__COUNT ? perr_token[err] : "unknown";
}

static int stop(struct ike_msg *m, int err, const struct cur *c)
{
	m->err = (uint8_t)err;
	m->err_off = (uint32_t)(c->err ? m->caplen : (size_t)(c->p - m->data));
	return err;
}

static int parse_header(struct cur *c, struct ike_msg *m)
{
	uint8_t ver;

	cur_copy(c, m->ispi, 8);
	cur_copy(c, m->rspi, 8);
	m->first_np = cur_u8(c);
	ver = cur_u8(c);
	m->major = ver >> 4;
	m->minor = ver & 0x0f;
	m->exchange = cur_u8(c);
	m->flags = cur_u8(c);
	m->msg_id = cur_be32(c);
	m->length = cur_be32(c);
	if (c->err)
		return IKE_E_SHORT;
	if (m->major != 1 && m->major != 2)
		return IKE_E_VERSION;
	if (m->length < IKE_HDR_LEN)
		return IKE_E_LENGTH_SMALL;
	return IKE_OK;
}

/* IKEv1 messages with the encryption flag carry an opaque body; IKEv2's SK and
 * SKF payloads are always last in the chain and hide everything after them. */
static bool chain_ends_here(const struct ike_msg *m, uint8_t type)
{
	return m->major == 2 && (type == IKE2_PLD_SK || type == IKE2_PLD_SKF);
}

int ike_parse(const uint8_t *p, size_t caplen, size_t datagram_len, struct ike_msg *m)
{
	struct cur c = cur_make(p, caplen);
	size_t msg_len, avail;
	uint8_t np;
	int err;

	memset(m, 0, sizeof(*m));
	m->data = p;
	m->caplen = caplen;
	err = parse_header(&c, m);
	if (err != IKE_OK) {
		stop(m, err, &c);
		/* Point at the field at fault: the version byte or the length. */
		if (err == IKE_E_VERSION)
			m->err_off = 17;
		else if (err == IKE_E_LENGTH_SMALL)
			m->err_off = 24;
		return err;
	}

	msg_len = m->length;
	/* The header's length must fit the datagram that carried it; bytes the
	 * capture cut off are reported separately, as truncation. */
	if (datagram_len && msg_len > datagram_len) {
		stop(m, IKE_E_LENGTH_DATAGRAM, &c);
		m->err_off = 24;
		return IKE_E_LENGTH_DATAGRAM;
	}
	avail = msg_len <= caplen ? msg_len : caplen;
	c = cur_make(p + IKE_HDR_LEN, avail - IKE_HDR_LEN);

	if (m->major == 1 && (m->flags & IKE1_FLAG_ENC)) {
		m->encrypted = 1;
		if (msg_len > caplen)
			return stop(m, IKE_E_TRUNCATED, &c);
		if (datagram_len && msg_len != datagram_len)
			return stop(m, IKE_E_LENGTH_DATAGRAM, &c);
		return IKE_OK;
	}

	np = m->first_np;
	while (np != IKE_PLD_NONE) {
		struct ike_payload *pl;
		struct cur body;
		uint16_t len;
		uint8_t type = np;
		size_t off = (size_t)(c.p - p);

		if (m->npl == IKE_MAX_PAYLOADS)
			return stop(m, IKE_E_TOO_MANY_PAYLOADS, &c);
		if (!cur_has(&c, IKE_GENERIC_HDR_LEN))
			return stop(m, msg_len > caplen ? IKE_E_TRUNCATED : IKE_E_PAYLOAD_HEADER, &c);
		pl = &m->pl[m->npl];
		np = cur_u8(&c);
		pl->critical = cur_u8(&c) >> 7;
		len = cur_be16(&c);
		pl->type = type;
		pl->len = len;
		pl->off = (uint32_t)off;
		pl->vendor = -1;
		/* The length includes the generic header, so each step advances at
		 * least four bytes and a chain can never loop. */
		if (len < IKE_GENERIC_HDR_LEN) {
			c.p -= IKE_GENERIC_HDR_LEN;
			return stop(m, IKE_E_PAYLOAD_LENGTH, &c);
		}
		if ((size_t)len - IKE_GENERIC_HDR_LEN > cur_left(&c)) {
			bool cut = off + len > caplen && off + len <= msg_len;

			m->npl++;
			if (!cut) {
				c.p -= IKE_GENERIC_HDR_LEN;
				return stop(m, IKE_E_PAYLOAD_LENGTH, &c);
			}
			/* Summarize what the capture kept; the rest is snaplen. */
			body = cur_sub(&c, cur_left(&c));
			if (m->major == 2)
				ike2_summarize(m, pl, body.p, body.left);
			else
				ike1_summarize(m, pl, body.p, body.left);
			return stop(m, IKE_E_TRUNCATED, &c);
		}
		body = cur_sub(&c, (size_t)len - IKE_GENERIC_HDR_LEN);
		m->npl++;
		if (m->major == 2)
			ike2_summarize(m, pl, body.p, body.left);
		else
			ike1_summarize(m, pl, body.p, body.left);
		if (chain_ends_here(m, type)) {
			m->sk_np = np;
			np = IKE_PLD_NONE;
			break;
		}
	}
	if (msg_len > caplen)
		return stop(m, IKE_E_TRUNCATED, &c);
	if (cur_left(&c) > 0)
		return stop(m, IKE_E_TRAILING, &c);
	if (datagram_len && msg_len != datagram_len) {
		c.p = p + msg_len;
		return stop(m, IKE_E_LENGTH_DATAGRAM, &c);
	}
	for (unsigned i = 0; i < m->npl; i++)
		if (m->pl[i].bad)
			return stop(m, IKE_E_PAYLOAD_BODY, &c);
	return IKE_OK;
}

const uint8_t *ike_payload_body(const struct ike_msg *m, unsigned i, size_t *len)
{
	size_t off, want;

	*len = 0;
	if (i >= m->npl)
		return NULL;
	off = m->pl[i].off + IKE_GENERIC_HDR_LEN;
	if (off > m->caplen)
		return NULL;
	want = m->pl[i].len - IKE_GENERIC_HDR_LEN;
	*len = off + want <= m->caplen ? want : m->caplen - off;
	return m->data + off;
}
