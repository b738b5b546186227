/* ike2_notify.c - the IKEv2 Notify payload and the data of the notify types
 * that carry parameters (RFC 7296 section 3.10, RFC 4555, 5685, 7383, 7427),
 * and the Delete payload (section 3.11).
 *
 * Notify: | Protocol ID | SPI Size | Notify Message Type (2) | SPI | Data |
 * Delete: | Protocol ID | SPI Size | Num of SPIs (2)         | SPIs ...  |
 */
#include "ike2_local.h"

#define NOTIFY_HDR_LEN 4
#define NATD_HASH_LEN 20 /* SHA-1 */
#define COOKIE_MAX 64

/* REDIRECT / REDIRECTED_FROM (RFC 5685 section 8):
 * | GW Ident Type | GW Ident Len | New Responder GW Identity | Nonce Data |
 * Only REDIRECT in an IKE_SA_INIT response carries the nonce; other uses
 * end after the identity, so the tail is the nonce or nothing. */
static bool decode_redirect(struct ike2_notify *n, struct cur *c)
{
	size_t want;

	n->gw_type = cur_u8(c);
	n->gw.len = cur_u8(c);
	n->gw.p = cur_bytes(c, n->gw.len);
	if (!n->gw.p) {
		n->gw.len = 0;
		return false;
	}
	want = n->gw_type == IKE2_GW_IPV4 ? 4 : n->gw_type == IKE2_GW_IPV6 ? 16 : 0;
	if (want) {
		if (n->gw.len != want)
			return false;
		n->addr = n->gw.p;
		n->addr_len = (uint8_t)want;
	} else if (n->gw.len == 0) {
		return false;
	}
	n->redirect_nonce = ike2_rest(c);
	return n->type == IKE2_N_REDIRECT || n->redirect_nonce.len == 0;
}

/* Decodes the data of the types that have a defined layout; returns false
 * when the data does not fit it. Unknown and opaque types are left alone. */
static bool decode_data(struct ike2_notify *n)
{
	struct cur c = cur_make(n->data.p, n->data.len);
	size_t len = n->data.len;

	switch (n->type) {
	case IKE2_N_INVALID_KE_PAYLOAD:
		n->group = cur_be16(&c);
		return len == 2;
	case IKE2_N_SET_WINDOW_SIZE:
	case IKE2_N_AUTH_LIFETIME:
		n->value = cur_be32(&c);
		return len == 4;
	case IKE2_N_IPCOMP_SUPPORTED:
		n->cpi = cur_be16(&c);
		n->ipcomp_id = cur_u8(&c);
		return len == 3;
	case IKE2_N_NAT_DETECTION_SOURCE_IP:
	case IKE2_N_NAT_DETECTION_DESTINATION_IP:
		return len == NATD_HASH_LEN;
	case IKE2_N_COOKIE:
		return len >= 1 && len <= COOKIE_MAX;
	case IKE2_N_ADDITIONAL_IP4_ADDRESS:
	case IKE2_N_ADDITIONAL_IP6_ADDRESS:
		if (len != (n->type == IKE2_N_ADDITIONAL_IP4_ADDRESS ? 4u : 16u))
			return false;
		n->addr = n->data.p;
		n->addr_len = (uint8_t)len;
		return true;
	case IKE2_N_REDIRECT:
	case IKE2_N_REDIRECTED_FROM:
		return decode_redirect(n, &c);
	case IKE2_N_SIGNATURE_HASH_ALGORITHMS:
		while (cur_left(&c) >= 2) {
			uint16_t h = cur_be16(&c);

			if (n->nhash < IKE2_MAX_HASH_ALGS)
				n->hash[n->nhash++] = h;
			else if (n->nhash_extra < UINT8_MAX)
				n->nhash_extra++;
		}
		return len % 2 == 0;
	case IKE2_N_FRAGMENTATION_SUPPORTED:
	case IKE2_N_REDIRECT_SUPPORTED:
	case IKE2_N_UPDATE_SA_ADDRESSES:
		return len == 0;
	default:
		return true;
	}
}

int ike2_parse_notify(const uint8_t *p, size_t len, struct ike2_notify *n)
{
	struct cur c = cur_make(p, len);

	memset(n, 0, sizeof(*n));
	n->proto = cur_u8(&c);
	n->spi_size = cur_u8(&c);
	n->type = cur_be16(&c);
	if (c.err)
		return IKE2_NOTE(n, IKE2_E_SHORT, p, len, &c);
	n->spi.p = cur_bytes(&c, n->spi_size);
	if (!n->spi.p)
		return IKE2_NOTE(n, IKE2_E_SPI_SIZE, p, len, &c);
	n->spi.len = n->spi_size;
	/* With no SPI the protocol is ignored (section 3.10); with one it
	 * must name the SA's protocol. */
	if (n->spi_size && (n->proto < IKE2_PROTO_IKE || n->proto > IKE2_PROTO_ESP)) {
		struct cur at = cur_make(p, len);

		IKE2_NOTE(n, IKE2_E_PROTO, p, len, &at);
	}
	n->data = ike2_rest(&c);
	if (!decode_data(n)) {
		struct cur at = cur_make(n->data.p, n->data.len);

		IKE2_NOTE(n, IKE2_E_NOTIFY_DATA, p, len, &at);
	}
	return n->err;
}

int ike2_parse_delete(const uint8_t *p, size_t len, struct ike2_delete *d)
{
	struct cur c = cur_make(p, len);

	memset(d, 0, sizeof(*d));
	d->proto = cur_u8(&c);
	d->spi_size = cur_u8(&c);
	d->nspi = cur_be16(&c);
	if (c.err)
		return IKE2_NOTE(d, IKE2_E_SHORT, p, len, &c);
	d->spis = ike2_rest(&c);
	c = cur_make(p, len);
	/* Deleting the IKE SA names no SPI; a Child SA delete lists 4-byte ones. */
	if (d->proto == IKE2_PROTO_IKE) {
		if (d->spi_size != 0 || d->nspi != 0)
			IKE2_NOTE(d, IKE2_E_SPI_SIZE, p, len, &c);
	} else if (d->proto == IKE2_PROTO_AH || d->proto == IKE2_PROTO_ESP) {
		if (d->spi_size != 4)
			IKE2_NOTE(d, IKE2_E_SPI_SIZE, p, len, &c);
	} else {
		IKE2_NOTE(d, IKE2_E_PROTO, p, len, &c);
	}
	if ((size_t)d->nspi * d->spi_size != d->spis.len) {
		struct cur at = cur_make(d->spis.p, d->spis.len);

		IKE2_NOTE(d, IKE2_E_DEL_COUNT, p, len, &at);
	}
	return d->err;
}
