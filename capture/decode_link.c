/* decode_link.c - link-layer headers down to IP: Ethernet II with stacked
 * 802.1Q/802.1ad tags (IEEE 802.1Q §9), Linux cooked v1/v2, raw IP and BSD
 * loopback (pcap-linktype(7)). Non-IP frames are counted and dropped. */
#include "decoder_int.h"

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_VLAN 0x8100
#define ETHERTYPE_QINQ 0x88a8
#define ETHERTYPE_QINQ_OLD 0x9100
/* Deeper stacks than this are not real networks. */
#define VLAN_MAX_TAGS 8

/* BSD AF_INET6 differs per OS: NetBSD/OpenBSD 24, FreeBSD 28, Darwin 30. */
#define BSD_AF_INET 2
#define BSD_AF_INET6_BSD 24
#define BSD_AF_INET6_FREEBSD 28
#define BSD_AF_INET6_DARWIN 30

#define SLL_HDR_LEN 16
#define SLL2_HDR_LEN 20

static int link_fail(struct decoder *d, unsigned derr)
{
	d->st.derr[derr]++;
	return 0;
}

static int link_non_ip(struct decoder *d)
{
	d->st.non_ip++;
	return 0;
}

/* Follows VLAN tags after an ethertype; leaves *c at the payload. */
static int link_ethertype(struct decoder *d, struct cur *c, uint16_t type)
{
	unsigned tags = 0;

	while (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ || type == ETHERTYPE_QINQ_OLD) {
		if (++tags > VLAN_MAX_TAGS)
			return link_non_ip(d);
		cur_skip(c, 2); /* TCI */
		type = cur_be16(c);
		if (c->err)
			return link_fail(d, DERR_TRUNCATED_LINK);
	}
	if (type == ETHERTYPE_IPV4)
		return 4;
	if (type == ETHERTYPE_IPV6)
		return 6;
	return link_non_ip(d);
}

static int link_af(struct decoder *d, uint32_t af)
{
	switch (af) {
	case BSD_AF_INET:
		return 4;
	case BSD_AF_INET6_BSD:
	case BSD_AF_INET6_FREEBSD:
	case BSD_AF_INET6_DARWIN:
		return 6;
	default:
		return link_non_ip(d);
	}
}

/* Raw IP: the version nibble is all there is. */
static int link_raw(struct decoder *d, const struct cur *c)
{
	uint8_t v;

	if (!cur_has(c, 1))
		return link_fail(d, DERR_TRUNCATED_LINK);
	v = c->p[0] >> 4;
	if (v == 4 || v == 6)
		return v;
	return link_fail(d, DERR_BAD_IP_VERSION);
}

/* Linux cooked headers' packet type for what the host sends. */
#define SLL_OUTGOING 4

int link_decode(struct decoder *d, int linktype, struct cur *c, uint32_t *ifindex, bool *outgoing)
{
	uint32_t le, be;
	uint16_t type;

	switch (linktype) {
	case LINKTYPE_ETHERNET:
		cur_skip(c, 12);
		type = cur_be16(c);
		if (c->err)
			return link_fail(d, DERR_TRUNCATED_LINK);
		return link_ethertype(d, c, type);
	case LINKTYPE_LINUX_SLL:
		*outgoing = cur_be16(c) == SLL_OUTGOING;
		cur_skip(c, SLL_HDR_LEN - 4);
		type = cur_be16(c);
		if (c->err)
			return link_fail(d, DERR_TRUNCATED_LINK);
		return link_ethertype(d, c, type);
	case LINKTYPE_LINUX_SLL2:
		/* protocol, reserved, interface index, then ARPHRD type, packet
		 * type and the link-layer address */
		type = cur_be16(c);
		cur_skip(c, 2);
		*ifindex = cur_be32(c);
		cur_skip(c, 2);
		*outgoing = cur_u8(c) == SLL_OUTGOING;
		cur_skip(c, SLL2_HDR_LEN - 11);
		if (c->err)
			return link_fail(d, DERR_TRUNCATED_LINK);
		return link_ethertype(d, c, type);
	case LINKTYPE_RAW:
		return link_raw(d, c);
	case LINKTYPE_IPV4:
	case LINKTYPE_IPV6:
		if (!cur_has(c, 1))
			return link_fail(d, DERR_TRUNCATED_LINK);
		return linktype == LINKTYPE_IPV4 ? 4 : 6;
	case LINKTYPE_NULL:
		/* Host order of the machine that wrote the file: AF values are
		 * small, so the reading that fits in a byte is the right one. */
		if (!cur_has(c, 4))
			return link_fail(d, DERR_TRUNCATED_LINK);
		be = (uint32_t)cur_peek_be16(c, 0) << 16 | cur_peek_be16(c, 2);
		le = cur_le32(c);
		return link_af(d, le < 256 ? le : be);
	case LINKTYPE_LOOP:
		be = cur_be32(c);
		if (c->err)
			return link_fail(d, DERR_TRUNCATED_LINK);
		return link_af(d, be);
	default:
		d->st.unsupported_link++;
		return 0;
	}
}
