/* decode_ip.c - IPv4 (RFC 791 §3.1) and IPv6 (RFC 8200 §3-4) headers,
 * IPv6 extension header chains, and dispatch to the upper layers. A packet
 * cut by the capture snaplen is decoded as far as it was captured; a length
 * field that claims more than a complete frame holds is an error. */
#include <string.h>

#include "decoder_int.h"
#include "ipfrag.h"

#define IP4_MIN_HDR 20
#define IP6_HDR_LEN 40
#define IP4_MF 0x2000
#define IP4_OFFMASK 0x1fff
#define IP6_NH_HOPOPTS 0
#define IP6_NH_ROUTING 43
#define IP6_NH_FRAGMENT 44
#define IP6_NH_NONE 59
#define IP6_NH_DSTOPTS 60

/* Only ESP and AH can be recognised before the transport header is read. */
static bool ip_plausible(uint8_t proto)
{
	return proto == IPPROTO_NUM_ESP || proto == IPPROTO_NUM_AH;
}

static void ip_emit_raw(struct decoder *d, struct pkt *k, uint8_t kind, struct cur c,
			size_t orig_len)
{
	struct unit *u = &k->u;

	u->kind = kind;
	u->transport = TR_IP;
	u->data = c.p;
	u->len = cur_left(&c);
	u->orig_len = orig_len < u->len ? u->len : orig_len;
	decoder_emit(d, u);
}

/* AH authenticates but does not hide what follows it (RFC 4302 section 2):
 * AH+ESP packets carry an ESP header right after the AH header. One level
 * only, so a chain of AH headers cannot recurse. */
static void ah_inner(struct decoder *d, struct pkt *k, struct cur c, size_t orig_len)
{
	uint8_t next = cur_peek_u8(&c, 0);
	size_t hlen = ((size_t)cur_peek_u8(&c, 1) + 2) * 4;

	if (!cur_has(&c, 2) || next == IPPROTO_NUM_AH || hlen > orig_len)
		return;
	if (!cur_skip(&c, hlen))
		return;
	ip_payload(d, k, next, c, orig_len - hlen);
}

/* IPsec carried inside a GRE (RFC 2784/2890) or IP-in-IP tunnel: the inner
 * datagram is decoded as if it were on the wire, with its own addresses. */
static void tunnel_inner(struct decoder *d, struct pkt *k, uint8_t proto, struct cur c)
{
	int version = proto == IPPROTO_NUM_IPV6 ? 6 : 4;

	if (k->tunnels >= DECODE_MAX_TUNNELS)
		return;
	if (proto == IPPROTO_NUM_GRE) {
		uint16_t flags = cur_be16(&c), ptype = cur_be16(&c);

		/* Version 0 only; optional checksum, key and sequence words. */
		if (c.err || (flags & 0x0007))
			return;
		cur_skip(&c, ((flags & 0x8000) ? 4u : 0u) + ((flags & 0x2000) ? 4u : 0u) +
				     ((flags & 0x1000) ? 4u : 0u));
		if (ptype == 0x0800)
			version = 4;
		else if (ptype == 0x86dd)
			version = 6;
		else
			return;
	}
	if (c.err)
		return;
	k->tunnels++;
	ip_decode(d, k, c, version);
}

void ip_payload(struct decoder *d, struct pkt *k, uint8_t proto, struct cur c, size_t orig_len)
{
	bool v6 = k->u.src.family == ADDR_V6;

	k->proto = proto;
	switch (proto) {
	case IPPROTO_NUM_UDP:
		udp_decode(d, k, c, orig_len);
		break;
	case IPPROTO_NUM_TCP:
		tcp_segment(d, k, c, orig_len);
		break;
	case IPPROTO_NUM_ESP:
		ip_emit_raw(d, k, UNIT_ESP, c, orig_len);
		break;
	case IPPROTO_NUM_AH:
		ip_emit_raw(d, k, UNIT_AH, c, orig_len);
		ah_inner(d, k, c, orig_len);
		break;
	case IPPROTO_NUM_GRE:
	case IPPROTO_NUM_IPIP:
	case IPPROTO_NUM_IPV6:
		tunnel_inner(d, k, (uint8_t)proto, c);
		break;
	case IPPROTO_NUM_ICMP:
		if (!v6)
			icmp_decode(d, k, c, false);
		break;
	case IPPROTO_NUM_ICMPV6:
		if (v6)
			icmp_decode(d, k, c, true);
		break;
	default:
		break;
	}
}

/* Takes the payload of a header that says it holds len bytes: all of it when
 * captured, what there is when the snaplen cut it, an error otherwise. */
static bool ip_body(struct decoder *d, struct pkt *k, struct cur *c, size_t len, uint8_t proto)
{
	bool cut;

	*c = cur_sub_clamped(c, len, &cut);
	if (cut && !k->snapcut) {
		decoder_error(d, k, DERR_BAD_IP_LENGTH, ip_plausible(proto));
		return false;
	}
	return true;
}

static void ip4_decode(struct decoder *d, struct pkt *k, struct cur c)
{
	uint8_t vhl, ttl, proto;
	uint16_t total, frag;
	uint32_t ident;
	size_t hlen;

	if (!cur_has(&c, IP4_MIN_HDR)) {
		decoder_error(d, k, DERR_TRUNCATED_IP, false);
		return;
	}
	vhl = cur_u8(&c);
	cur_skip(&c, 1);
	total = cur_be16(&c);
	ident = cur_be16(&c);
	frag = cur_be16(&c);
	ttl = cur_u8(&c);
	proto = cur_u8(&c);
	cur_skip(&c, 2);
	k->u.src.family = k->u.dst.family = ADDR_V4;
	/* An IPv4 datagram inside an IPv6 tunnel must not keep the outer
	 * address's tail: addresses are compared and hashed whole. */
	memset(k->u.src.a, 0, sizeof(k->u.src.a));
	memset(k->u.dst.a, 0, sizeof(k->u.dst.a));
	cur_copy(&c, k->u.src.a, 4);
	cur_copy(&c, k->u.dst.a, 4);
	k->u.ttl = ttl;
	k->proto = proto;
	hlen = (size_t)(vhl & 0x0f) * 4;
	if (vhl >> 4 != 4) {
		decoder_error(d, k, DERR_BAD_IP_VERSION, false);
		return;
	}
	if (hlen < IP4_MIN_HDR) {
		decoder_error(d, k, DERR_BAD_IP_HEADER, ip_plausible(proto));
		return;
	}
	if (!cur_skip(&c, hlen - IP4_MIN_HDR)) {
		decoder_error(d, k, DERR_TRUNCATED_IP, false);
		return;
	}
	if (total < hlen) {
		decoder_error(d, k, DERR_BAD_IP_LENGTH, ip_plausible(proto));
		return;
	}
	if (!ip_body(d, k, &c, total - hlen, proto))
		return;
	if (frag & (IP4_MF | IP4_OFFMASK)) {
		struct frag_in in = { ident, proto, (uint32_t)(frag & IP4_OFFMASK) * 8,
				      (frag & IP4_MF) != 0, c };

		/* A fragment that was not fully captured leaves a hole that no
		 * retransmission fills; reassembling it would only waste a slot. */
		if (cur_left(&c) < total - hlen) {
			decoder_error(d, k, DERR_TRUNCATED_IP, false);
			return;
		}
		if (in.more && (total - hlen) % 8) {
			decoder_error(d, k, DERR_BAD_IP_HEADER, false);
			return;
		}
		ipfrag_add(d, k, &in);
		return;
	}
	ip_payload(d, k, proto, c, total - hlen);
}

unsigned ip6_skip_ext(struct cur *c, uint8_t *nh)
{
	unsigned n;

	for (n = 0; n < IP6_EXT_MAX; n++) {
		uint8_t next, hl;

		switch (*nh) {
		case IP6_NH_HOPOPTS:
		case IP6_NH_ROUTING:
		case IP6_NH_DSTOPTS:
			next = cur_u8(c);
			hl = cur_u8(c);
			cur_skip(c, (size_t)hl * 8 + 6);
			break;
		case IP6_NH_FRAGMENT:
			/* Only an offset-0 fragment has the upper header; the
			 * caller sees protocol 44 for the others. */
			if (cur_peek_be16(c, 2) & 0xfff8)
				return c->err ? DERR_TRUNCATED_IP : DERR_NONE;
			next = cur_u8(c);
			cur_skip(c, 7);
			break;
		default:
			return DERR_NONE;
		}
		if (c->err)
			return DERR_TRUNCATED_IP;
		*nh = next;
	}
	return DERR_EXT_HEADER_LOOP;
}

/* A fragment header at c. An atomic fragment (RFC 6946: a fragment header
 * on a whole datagram) is passed over like any extension header: true, with
 * c, orig_len and nh moved past it, so that a chain of them counts against
 * the walk's limit instead of recursing. Otherwise false, the fragment
 * handled. */
static bool ip6_fragment(struct decoder *d, struct pkt *k, struct cur *c, size_t *orig_len,
			 uint8_t *nh)
{
	struct frag_in in;
	uint16_t offm;

	in.proto = cur_u8(c);
	cur_skip(c, 1);
	offm = cur_be16(c);
	in.ident = cur_be32(c);
	if (c->err) {
		decoder_error(d, k, DERR_TRUNCATED_IP, false);
		return false;
	}
	in.off = offm & 0xfff8;
	in.more = offm & 1;
	in.data = *c;
	*orig_len -= 8;
	if (!in.off && !in.more) {
		*nh = in.proto;
		return true;
	}
	/* A fragment inside a reassembled datagram would reassemble into the
	 * buffer being read; no sender does that. */
	if (k->u.ip_frags || cur_left(c) < *orig_len) {
		decoder_error(d, k, k->u.ip_frags ? DERR_BAD_IP_HEADER : DERR_TRUNCATED_IP, false);
		return false;
	}
	if (in.more && *orig_len % 8) {
		decoder_error(d, k, DERR_BAD_IP_HEADER, false);
		return false;
	}
	ipfrag_add(d, k, &in);
	return false;
}

void ip6_walk(struct decoder *d, struct pkt *k, uint8_t nh, struct cur c, size_t orig_len)
{
	unsigned n;

	for (n = 0; n < IP6_EXT_MAX; n++) {
		size_t before = cur_left(&c);
		uint8_t next, hl;

		switch (nh) {
		case IP6_NH_HOPOPTS:
		case IP6_NH_ROUTING:
		case IP6_NH_DSTOPTS:
			next = cur_u8(&c);
			hl = cur_u8(&c);
			cur_skip(&c, (size_t)hl * 8 + 6);
			if (c.err) {
				decoder_error(d, k, k->snapcut ? DERR_TRUNCATED_IP : DERR_BAD_IP_HEADER,
					      false);
				return;
			}
			orig_len -= before - cur_left(&c);
			nh = next;
			break;
		case IP6_NH_FRAGMENT:
			if (!ip6_fragment(d, k, &c, &orig_len, &nh))
				return;
			break;
		case IP6_NH_NONE:
			return;
		default:
			ip_payload(d, k, nh, c, orig_len);
			return;
		}
	}
	decoder_error(d, k, DERR_EXT_HEADER_LOOP, false);
}

static void ip6_decode(struct decoder *d, struct pkt *k, struct cur c)
{
	uint32_t vtf;
	uint16_t plen;
	uint8_t nh;

	if (!cur_has(&c, IP6_HDR_LEN)) {
		decoder_error(d, k, DERR_TRUNCATED_IP, false);
		return;
	}
	vtf = cur_be32(&c);
	plen = cur_be16(&c);
	nh = cur_u8(&c);
	k->u.ttl = cur_u8(&c);
	k->u.src.family = k->u.dst.family = ADDR_V6;
	cur_copy(&c, k->u.src.a, 16);
	cur_copy(&c, k->u.dst.a, 16);
	k->proto = nh;
	if (vtf >> 28 != 6) {
		decoder_error(d, k, DERR_BAD_IP_VERSION, false);
		return;
	}
	/* Payload length 0 is a jumbogram (RFC 2675): never IKE or ESP here. */
	if (!plen) {
		decoder_error(d, k, DERR_BAD_IP_LENGTH, false);
		return;
	}
	if (!ip_body(d, k, &c, plen, nh))
		return;
	ip6_walk(d, k, nh, c, plen);
}

void ip_decode(struct decoder *d, struct pkt *k, struct cur c, int version)
{
	uint8_t v = cur_peek_u8(&c, 0) >> 4;

	if (v != version) {
		decoder_error(d, k, cur_has(&c, 1) ? DERR_BAD_IP_VERSION : DERR_TRUNCATED_IP, false);
		return;
	}
	if (version == 4)
		ip4_decode(d, k, c);
	else
		ip6_decode(d, k, c);
}
