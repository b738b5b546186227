/* frames.h - builds test frames around real IKE/ESP payloads: IPv4/IPv6,
 * UDP/TCP, link-layer headers, and collects the decoder's units. */
#ifndef IKESCOPE_TEST_FRAMES_H
#define IKESCOPE_TEST_FRAMES_H

#include <stdint.h>
#include <string.h>

#include "capture.h"

/* IKEv2 IKE_SA_INIT response with N(INVALID_KE_PAYLOAD), from
 * openswan/libpluto/lp08-parentR1/parentR1notify.pcap frame 1 (40 bytes). */
static const uint8_t ike_sa_init_r[40] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0xde, 0xbc, 0x58, 0x3a, 0x8f, 0x40,
	0xd0, 0xcf, 0x29, 0x20, 0x22, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x28,
	0x00, 0x00, 0x00, 0x0a, 0x01, 0x00, 0x00, 0x11, 0x00, 0x0e, 0x00, 0x00,
};

/* ESP-in-UDP payload (SPI 0xbfb21113, seq 1) from pcaps/ikev2-esp-udp.pcap frame 7. */
static const uint8_t esp_pkt[120] = {
	0xbf, 0xb2, 0x11, 0x13, 0x00, 0x00, 0x00, 0x01, 0x4f, 0x05, 0xe5, 0xca, 0xcc, 0x9f,
	0x77, 0x3d, 0x47, 0x53, 0x70, 0x35, 0x4e, 0x5e, 0x76, 0x9b, 0xfd, 0xbb, 0x3c, 0x53,
	0xc9, 0x14, 0xe9, 0x18, 0x74, 0x67, 0x96, 0x7c, 0xfd, 0x70, 0x0f, 0x3d, 0x07, 0xc1,
	0xc9, 0x5f, 0x2a, 0x48, 0xaf, 0x50, 0xcb, 0x4a, 0x12, 0xf1, 0x8c, 0xcb, 0xa5, 0xb4,
	0x72, 0xb7, 0x13, 0xcd, 0xbf, 0xb4, 0xf0, 0xd5, 0xb3, 0xba, 0x7e, 0x52, 0x61, 0xae,
	0x09, 0x47, 0x6d, 0x20, 0xf2, 0x23, 0x62, 0xd0, 0x3c, 0xb3, 0x1f, 0xf4, 0x06, 0xb3,
	0x5d, 0xce, 0xce, 0x28, 0x69, 0xd4, 0x31, 0xa8, 0x1d, 0x04, 0xcf, 0x30, 0xc9, 0xc8,
	0xd8, 0x33, 0x0a, 0x44, 0xe6, 0x3e, 0x2c, 0x84, 0x1d, 0xdd, 0x35, 0xd2, 0x15, 0x40,
	0x07, 0xff, 0x6d, 0x76, 0xaf, 0xb4, 0x57, 0xdd,
};

static const uint8_t a4_src[4] = { 192, 0, 2, 1 }, a4_dst[4] = { 192, 0, 2, 2 };
static const uint8_t a6_src[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t a6_dst[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

static inline void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

/* UDP header + payload at out; returns its length. */
static inline size_t mk_udp(uint8_t *out, unsigned sport, unsigned dport, const uint8_t *pl,
			    size_t n)
{
	put16(out, sport);
	put16(out + 2, dport);
	put16(out + 4, (unsigned)(8 + n));
	put16(out + 6, 0);
	if (n)
		memcpy(out + 8, pl, n);
	return 8 + n;
}

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PSH 0x08
#define TH_ACK 0x10

static inline size_t mk_tcp(uint8_t *out, unsigned sport, unsigned dport, uint32_t seq,
			    uint8_t flags, const uint8_t *pl, size_t n)
{
	memset(out, 0, 20);
	put16(out, sport);
	put16(out + 2, dport);
	put32(out + 4, seq);
	out[12] = 5 << 4;
	out[13] = flags;
	put16(out + 14, 65535);
	if (n)
		memcpy(out + 20, pl, n);
	return 20 + n;
}

/* IPv4 header (with optlen bytes of NOP options) + payload. */
static inline size_t mk_ip4(uint8_t *out, uint8_t proto, unsigned id, unsigned frag,
			    size_t optlen, const uint8_t *pl, size_t n)
{
	size_t h = 20 + optlen;

	memset(out, 0, h);
	out[0] = (uint8_t)(0x40 | (h / 4));
	put16(out + 2, (unsigned)(h + n));
	put16(out + 4, id);
	put16(out + 6, frag);
	out[8] = 64;
	out[9] = proto;
	memcpy(out + 12, a4_src, 4);
	memcpy(out + 16, a4_dst, 4);
	memset(out + 20, 1, optlen); /* NOP */
	if (n)
		memcpy(out + h, pl, n);
	return h + n;
}

static inline size_t mk_ip6(uint8_t *out, uint8_t nh, const uint8_t *pl, size_t n)
{
	memset(out, 0, 40);
	out[0] = 0x60;
	put16(out + 4, (unsigned)n);
	out[6] = nh;
	out[7] = 33;
	memcpy(out + 8, a6_src, 16);
	memcpy(out + 24, a6_dst, 16);
	if (n)
		memcpy(out + 40, pl, n);
	return 40 + n;
}

/* Ethernet header with ntags 802.1Q tags (outer 802.1ad when ntags > 1). */
static inline size_t mk_eth(uint8_t *out, unsigned ntags, unsigned ethertype, const uint8_t *ip,
			    size_t n)
{
	size_t h = 12;
	unsigned i;

	memset(out, 0, 12);
	out[0] = 0x02;
	out[6] = 0x02;
	out[11] = 1;
	for (i = 0; i < ntags; i++) {
		put16(out + h, i == 0 && ntags > 1 ? 0x88a8 : 0x8100);
		put16(out + h + 2, 100 + i);
		h += 4;
	}
	put16(out + h, ethertype);
	memcpy(out + h + 2, ip, n);
	return h + 2 + n;
}

/* Wraps an IP packet of version ver in the given link type's header. */
static inline size_t mk_link(uint8_t *out, int linktype, int ver, const uint8_t *ip, size_t n)
{
	unsigned et = ver == 6 ? 0x86dd : 0x0800;
	size_t h = 0;

	switch (linktype) {
	case LINKTYPE_ETHERNET:
		return mk_eth(out, 0, et, ip, n);
	case LINKTYPE_LINUX_SLL:
		memset(out, 0, 16);
		put16(out + 2, 1);
		put16(out + 4, 6);
		put16(out + 14, et);
		h = 16;
		break;
	case LINKTYPE_LINUX_SLL2:
		memset(out, 0, 20);
		put16(out, et);
		put32(out + 4, 2);
		put16(out + 8, 1);
		out[11] = 6;
		h = 20;
		break;
	case LINKTYPE_NULL: /* little-endian writer */
		memset(out, 0, 4);
		out[0] = ver == 6 ? 30 : 2;
		h = 4;
		break;
	case LINKTYPE_LOOP:
		memset(out, 0, 4);
		out[3] = ver == 6 ? 24 : 2;
		h = 4;
		break;
	default: /* raw IP */
		break;
	}
	memcpy(out + h, ip, n);
	return h + n;
}

/* Units collected from the decoder, with their bytes copied. */
#define GOT_MAX 64
struct got {
	int n;
	struct unit u[GOT_MAX];
	uint8_t data[GOT_MAX][1600];
};

static inline void got_cb(void *ctx, const struct unit *u)
{
	struct got *g = ctx;

	if (g->n >= GOT_MAX)
		return;
	g->u[g->n] = *u;
	if (u->data && u->len) {
		size_t l = u->len < sizeof(g->data[0]) ? u->len : sizeof(g->data[0]);

		memcpy(g->data[g->n], u->data, l);
		g->u[g->n].data = g->data[g->n];
	}
	g->n++;
}

static inline struct decoder *dec_make(struct got *g)
{
	struct decoder_config cfg;

	decoder_config_defaults(&cfg);
	memset(g, 0, sizeof(*g));
	return decoder_new(&cfg, got_cb, g);
}

#endif
