/* decode_udp.c - UDP (RFC 768) to IKE on port 500 and the RFC 3948 port 4500
 * demultiplexing: non-ESP marker (4 zero bytes) -> IKE, a single 0xFF ->
 * NAT-keepalive, anything else of ESP size -> ESP-in-UDP. */
#include "decoder_int.h"

#define UDP_HDR_LEN 8
#define NON_ESP_MARKER_LEN 4
#define NATT_KEEPALIVE 0xff

static void udp_emit(struct decoder *d, struct pkt *k, uint8_t kind, uint8_t tr, struct cur c,
		     size_t orig_len)
{
	/* Filled in place: the unit template is per frame, and the hot path
	 * should not copy it. */
	struct unit *u = &k->u;

	u->kind = kind;
	u->transport = tr;
	u->data = c.p;
	u->len = cur_left(&c);
	u->orig_len = orig_len;
	decoder_emit(d, u);
}

static void udp_natt(struct decoder *d, struct pkt *k, struct cur c, size_t orig_len)
{
	size_t have = cur_left(&c);

	if (have >= NON_ESP_MARKER_LEN && !cur_peek_be16(&c, 0) && !cur_peek_be16(&c, 2)) {
		cur_skip(&c, NON_ESP_MARKER_LEN);
		udp_emit(d, k, UNIT_IKE, TR_UDP4500, c, orig_len - NON_ESP_MARKER_LEN);
	} else if (orig_len == 1 && have == 1 && cur_peek_u8(&c, 0) == NATT_KEEPALIVE) {
		udp_emit(d, k, UNIT_KEEPALIVE, TR_UDP4500, c, orig_len);
	} else if (orig_len >= 8 && have >= NON_ESP_MARKER_LEN) {
		/* Not a marker, and long enough for SPI + sequence number. */
		udp_emit(d, k, UNIT_ESP, TR_UDP4500, c, orig_len);
	} else {
		decoder_error(d, k, DERR_TRUNCATED_L4, true);
	}
}

void udp_decode(struct decoder *d, struct pkt *k, struct cur c, size_t orig_len)
{
	uint16_t ulen;
	struct cur body;
	bool cut, natt, ike;

	k->u.sport = cur_be16(&c);
	k->u.dport = cur_be16(&c);
	ulen = cur_be16(&c);
	cur_skip(&c, 2);
	natt = k->u.sport == PORT_NATT || k->u.dport == PORT_NATT;
	ike = k->u.sport == PORT_IKE || k->u.dport == PORT_IKE;
	if (c.err) {
		/* The ports were read when the cut came after them. */
		decoder_error(d, k, DERR_TRUNCATED_L4, natt || ike);
		return;
	}
	if (!natt && !ike)
		return;
	/* The UDP length may be shorter than the IP payload (trailing bytes
	 * are not ours) but never longer, and never below its own header. */
	if (ulen < UDP_HDR_LEN || ulen > orig_len) {
		decoder_error(d, k, DERR_BAD_UDP_LENGTH, true);
		return;
	}
	body = cur_sub_clamped(&c, ulen - UDP_HDR_LEN, &cut);
	if (natt)
		udp_natt(d, k, body, ulen - UDP_HDR_LEN);
	else
		udp_emit(d, k, UNIT_IKE, TR_UDP500, body, ulen - UDP_HDR_LEN);
}
