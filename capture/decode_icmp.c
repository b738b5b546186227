/* decode_icmp.c - ICMP (RFC 792, RFC 1191 §4) and ICMPv6 (RFC 4443 §3)
 * errors: the quoted original datagram is parsed far enough (IP header, UDP
 * ports, non-ESP marker, IKE initiator SPI or ESP SPI) to tie the error to
 * an IKE or ESP flow. Errors quoting anything else are ignored. */
#include <string.h>

#include "decoder_int.h"

#define ICMP4_UNREACH 3
#define ICMP4_UNREACH_NEEDFRAG 4
#define ICMP4_TIMXCEED 11
#define ICMP4_PARAMPROB 12
#define ICMP6_UNREACH 1
#define ICMP6_PACKET_TOO_BIG 2
#define ICMP6_TIMXCEED 3
#define ICMP6_PARAMPROB 4
#define ICMP_HDR_LEN 8

static bool icmp_is_error(bool v6, uint8_t type)
{
	if (v6)
		return type >= ICMP6_UNREACH && type <= ICMP6_PARAMPROB;
	return type == ICMP4_UNREACH || type == ICMP4_TIMXCEED || type == ICMP4_PARAMPROB;
}

/* Quoted IPv4 header; false if it is not there. Sets *l4 when the quote
 * starts at the transport header (offset-0 fragment or none). */
static bool icmp_quote_ip4(struct cur *q, struct icmp_error *e, bool *l4)
{
	uint8_t vhl = cur_u8(q);
	uint16_t frag;

	cur_skip(q, 1);
	e->q_len = cur_be16(q);
	cur_skip(q, 2);
	frag = cur_be16(q);
	cur_skip(q, 1);
	e->q_proto = cur_u8(q);
	cur_skip(q, 2);
	e->q_src.family = e->q_dst.family = ADDR_V4;
	cur_copy(q, e->q_src.a, 4);
	cur_copy(q, e->q_dst.a, 4);
	if (q->err || vhl >> 4 != 4 || (vhl & 0x0f) < 5)
		return false;
	cur_skip(q, (size_t)(vhl & 0x0f) * 4 - 20);
	*l4 = !(frag & 0x1fff);
	return true;
}

static bool icmp_quote_ip6(struct cur *q, struct icmp_error *e, bool *l4)
{
	uint32_t vtf = cur_be32(q);
	uint16_t plen;
	uint8_t nh;

	/* The payload length plus the header, at most what q_len holds. */
	plen = cur_be16(q);
	e->q_len = plen > UINT16_MAX - 40 ? UINT16_MAX : (uint16_t)(plen + 40);
	nh = cur_u8(q);
	cur_skip(q, 1);
	e->q_src.family = e->q_dst.family = ADDR_V6;
	cur_copy(q, e->q_src.a, 16);
	cur_copy(q, e->q_dst.a, 16);
	if (q->err || vtf >> 28 != 6)
		return false;
	ip6_skip_ext(q, &nh);
	e->q_proto = nh;
	*l4 = nh != 44;
	return true;
}

/* What follows the quoted IP header: ports, then an SPI if the quote reaches it. */
static void icmp_quote_l4(struct cur *q, struct icmp_error *e)
{
	uint32_t w;

	switch (e->q_proto) {
	case IPPROTO_NUM_UDP:
		e->q_sport = cur_be16(q);
		e->q_dport = cur_be16(q);
		if (!cur_skip(q, 4))
			return;
		if (e->q_sport == PORT_NATT || e->q_dport == PORT_NATT) {
			w = cur_be32(q);
			if (q->err)
				return;
			if (w) {
				e->q_esp_spi = w;
				e->q_has_spi = 1;
				return;
			}
			e->q_nonesp = 1;
		} else if (e->q_sport != PORT_IKE && e->q_dport != PORT_IKE) {
			return;
		}
		if (!cur_copy(q, e->q_ike_ispi, 8))
			return;
		e->q_has_ike = 1;
		/* Responder SPI and next payload; then what names the message
		 * and its exchange. */
		cur_skip(q, 9);
		e->q_ike_version = cur_u8(q);
		e->q_ike_exch = cur_u8(q);
		e->q_ike_flags = cur_u8(q);
		e->q_ike_msgid = cur_be32(q);
		e->q_has_msgid = !q->err;
		if (e->q_has_msgid && cur_has(q, 4))
			e->q_ike_len = cur_be32(q);
		break;
	case IPPROTO_NUM_TCP:
		e->q_sport = cur_be16(q);
		e->q_dport = cur_be16(q);
		break;
	case IPPROTO_NUM_ESP:
		e->q_esp_spi = cur_be32(q);
		e->q_has_spi = !q->err;
		break;
	case IPPROTO_NUM_AH:
		cur_skip(q, 4);
		e->q_esp_spi = cur_be32(q);
		e->q_has_spi = !q->err;
		break;
	default:
		break;
	}
}

static bool icmp_relevant(const struct decoder *d, const struct icmp_error *e)
{
	switch (e->q_proto) {
	case IPPROTO_NUM_ESP:
	case IPPROTO_NUM_AH:
		return true;
	case IPPROTO_NUM_UDP:
		return e->q_sport == PORT_IKE || e->q_dport == PORT_IKE ||
		       e->q_sport == PORT_NATT || e->q_dport == PORT_NATT;
	case IPPROTO_NUM_TCP:
		return decoder_is_tcp_port(d, e->q_sport) || decoder_is_tcp_port(d, e->q_dport);
	default:
		return false;
	}
}

void icmp_decode(struct decoder *d, struct pkt *k, struct cur c, bool v6)
{
	struct cur q = c;
	struct unit u = k->u;
	struct icmp_error *e = &u.u.icmp;
	uint32_t rest;
	bool l4 = false, ip;

	memset(e, 0, sizeof(*e));
	e->v6 = v6;
	e->type = cur_u8(&q);
	e->code = cur_u8(&q);
	cur_skip(&q, 2);
	rest = cur_be32(&q);
	if (q.err) {
		decoder_error(d, k, DERR_TRUNCATED_L4, false);
		return;
	}
	if (!icmp_is_error(v6, e->type))
		return;
	if (v6 && e->type == ICMP6_PACKET_TOO_BIG)
		e->mtu = rest;
	else if (!v6 && e->type == ICMP4_UNREACH && e->code == ICMP4_UNREACH_NEEDFRAG)
		e->mtu = rest & 0xffff;
	ip = v6 ? icmp_quote_ip6(&q, e, &l4) : icmp_quote_ip4(&q, e, &l4);
	if (!ip) {
		decoder_error(d, k, DERR_TRUNCATED_L4, false);
		return;
	}
	if (l4)
		icmp_quote_l4(&q, e);
	if (!icmp_relevant(d, e))
		return;
	u.kind = UNIT_ICMP_ERROR;
	u.transport = TR_NONE;
	u.sport = u.dport = 0;
	u.data = c.p;
	u.len = cur_left(&c);
	u.orig_len = u.len;
	decoder_emit(d, &u);
}
