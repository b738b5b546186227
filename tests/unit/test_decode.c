/* test_decode.c - link layers, IPv4/IPv6 headers, UDP 500/4500 demux and
 * raw ESP/AH in the frame decoder, with truncated and lying variants. */
#include <stdlib.h>

#include "../tap.h"
#include "capture.h"
#include "frames.h"

static struct got g;
static uint8_t ip[4096], fr[4096], l4[4096];

static size_t ike4(void)
{
	size_t n = mk_udp(l4, 500, 500, ike_sa_init_r, sizeof(ike_sa_init_r));

	return mk_ip4(ip, 17, 1, 0x4000, 0, l4, n);
}

static size_t ike6(void)
{
	size_t n = mk_udp(l4, 500, 500, ike_sa_init_r, sizeof(ike_sa_init_r));

	return mk_ip6(ip, 17, l4, n);
}

static void check_ike(const char *what, int ver)
{
	const struct unit *u = &g.u[0];

	if (!ok(g.n == 1, "%s: one unit", what)) {
		printf("#   got %d units\n", g.n);
		return;
	}
	is_int(u->kind, UNIT_IKE, "  kind IKE");
	is_int(u->transport, TR_UDP500, "  transport udp500");
	is_int(u->len, 40, "  len");
	is_int(u->orig_len, 40, "  orig_len");
	is_int(u->sport, 500, "  sport");
	is_int(u->src.family, ver == 6 ? ADDR_V6 : ADDR_V4, "  family");
	ok(!memcmp(u->src.a, ver == 6 ? a6_src : a4_src, ver == 6 ? 16 : 4), "  src address");
	ok(!memcmp(u->dst.a, ver == 6 ? a6_dst : a4_dst, ver == 6 ? 16 : 4), "  dst address");
	is_int(u->ttl, ver == 6 ? 33 : 64, "  ttl / hop limit");
	is_int(u->frame, 7, "  frame number");
	ok(!memcmp(u->data, ike_sa_init_r, 40), "  IKE bytes");
}

static void run(struct decoder *d, int lt, const uint8_t *p, size_t cap, size_t wire)
{
	g.n = 0;
	decoder_frame(d, lt, p, (uint32_t)cap, (uint32_t)wire, 1000000000LL, 7);
}

static void test_links(struct decoder *d)
{
	static const int lts[] = { LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2,
				   LINKTYPE_RAW,      LINKTYPE_NULL,      LINKTYPE_LOOP };
	char name[64];
	unsigned i;
	size_t n, f;
	int ver;

	for (i = 0; i < sizeof(lts) / sizeof(lts[0]); i++) {
		for (ver = 4; ver <= 6; ver += 2) {
			n = ver == 4 ? ike4() : ike6();
			f = mk_link(fr, lts[i], ver, ip, n);
			run(d, lts[i], fr, f, f);
			snprintf(name, sizeof(name), "linktype %d IPv%d", lts[i], ver);
			check_ike(name, ver);
		}
	}
	n = ike4();
	run(d, LINKTYPE_IPV4, ip, n, n);
	check_ike("LINKTYPE_IPV4", 4);
	n = ike6();
	run(d, LINKTYPE_IPV6, ip, n, n);
	check_ike("LINKTYPE_IPV6", 6);

	/* DLT_NULL written by a big-endian machine: AF_INET6 = 28 (FreeBSD). */
	n = ike6();
	memcpy(fr + 4, ip, n);
	memset(fr, 0, 4);
	fr[3] = 28;
	run(d, LINKTYPE_NULL, fr, n + 4, n + 4);
	check_ike("NULL big-endian AF 28", 6);

	/* A raw IPv4 link carrying an IPv6 packet is refused. */
	n = ike6();
	run(d, LINKTYPE_IPV4, ip, n, n);
	is_int(g.n, 0, "IPv6 on LINKTYPE_IPV4: no unit");
	is_int(decoder_stats(d)->derr[DERR_BAD_IP_VERSION], 1, "  counted bad_ip_version");

	run(d, 147, fr, 60, 60);
	is_int(decoder_stats(d)->unsupported_link, 1, "unsupported link type counted");
}

static void test_tiny(struct decoder *d)
{
	static const int lts[] = { LINKTYPE_NULL, LINKTYPE_ETHERNET, LINKTYPE_RAW, LINKTYPE_LOOP,
				   LINKTYPE_LINUX_SLL, LINKTYPE_IPV4, LINKTYPE_IPV6,
				   LINKTYPE_LINUX_SLL2 };
	uint8_t one[1] = { 0x45 };
	unsigned i, units = 0;

	for (i = 0; i < sizeof(lts) / sizeof(lts[0]); i++) {
		run(d, lts[i], NULL, 0, 0);
		units += (unsigned)g.n;
		run(d, lts[i], one, 1, 1);
		units += (unsigned)g.n;
		run(d, lts[i], one, 1, 1500);
		units += (unsigned)g.n;
	}
	is_int(units, 0, "zero- and one-byte frames of every link type give no unit");
}

/* Cuts an Ethernet/IPv4/UDP-500 frame at every length, as a snaplen cut
 * (wire length intact) and as a lying short frame. */
static void test_cuts(struct decoder *d)
{
	size_t n = ike4(), f = mk_link(fr, LINKTYPE_ETHERNET, 4, ip, n), cut;
	bool good = true;

	for (cut = 0; cut < f; cut++) {
		run(d, LINKTYPE_ETHERNET, fr, cut, f);
		if (cut >= 42) {
			if (g.n != 1 || g.u[0].kind != UNIT_IKE || g.u[0].len != cut - 42 ||
			    g.u[0].orig_len != 40) {
				printf("# snaplen cut at %zu wrong\n", cut);
				good = false;
			}
		} else if (cut >= 36) {
			/* Source port read, UDP header cut: an error unit for port 500. */
			if (g.n != 1 || g.u[0].kind != UNIT_DECODE_ERROR ||
			    g.u[0].u.derr != DERR_TRUNCATED_L4) {
				printf("# snaplen cut at %zu: %d units\n", cut, g.n);
				good = false;
			}
		} else if (g.n != 0) {
			printf("# snaplen cut at %zu gave a unit\n", cut);
			good = false;
		}
	}
	ok(good, "snaplen cut at every length: IKE unit with len < orig_len past the UDP header");

	good = true;
	for (cut = 0; cut < f; cut++) {
		run(d, LINKTYPE_ETHERNET, fr, cut, cut);
		if (g.n > 1 || (g.n == 1 && g.u[0].kind != UNIT_DECODE_ERROR))
			good = false;
	}
	ok(good, "frames short of the IP length: never an IKE unit");

	run(d, LINKTYPE_ETHERNET, fr, 42 + 20, f);
	is_int(g.n, 1, "snaplen-cut UDP: one unit");
	is_int(g.u[0].len, 20, "  len = captured");
	is_int(g.u[0].orig_len, 40, "  orig_len = UDP length");

	/* Ethernet padding after the IP datagram is not payload. */
	memset(fr + f, 0, 20);
	run(d, LINKTYPE_ETHERNET, fr, f + 20, f + 20);
	is_int(g.n == 1 ? g.u[0].len : 0, 40, "Ethernet trailer ignored");
}

static void test_vlan(struct decoder *d)
{
	size_t n = ike4(), f;

	f = mk_eth(fr, 1, 0x0800, ip, n);
	run(d, LINKTYPE_ETHERNET, fr, f, f);
	check_ike("802.1Q", 4);
	f = mk_eth(fr, 2, 0x0800, ip, n);
	run(d, LINKTYPE_ETHERNET, fr, f, f);
	check_ike("802.1ad QinQ", 4);
	f = mk_eth(fr, 9, 0x0800, ip, n);
	run(d, LINKTYPE_ETHERNET, fr, f, f);
	is_int(g.n, 0, "nine stacked tags: dropped");
	f = mk_eth(fr, 2, 0x0800, ip, n);
	run(d, LINKTYPE_ETHERNET, fr, 16, f);
	is_int(g.n, 0, "tag cut short: no unit");
	f = mk_eth(fr, 0, 0x0806, ip, 28);
	run(d, LINKTYPE_ETHERNET, fr, f, f);
	is_int(g.n, 0, "ARP: no unit");
	is_int(decoder_stats(d)->non_ip, 2, "  non-IP frames counted");

	/* SLL carrying an untagged-by-the-kernel VLAN frame. */
	f = mk_link(fr, LINKTYPE_LINUX_SLL, 4, ip, n);
	memmove(fr + 20, fr + 16, n);
	put16(fr + 14, 0x8100);
	put16(fr + 16, 5);
	put16(fr + 18, 0x0800);
	run(d, LINKTYPE_LINUX_SLL, fr, f + 4, f + 4);
	check_ike("SLL with a VLAN tag", 4);
}

static void test_ip4(struct decoder *d)
{
	size_t n = mk_udp(l4, 500, 500, ike_sa_init_r, 40), f;

	f = mk_ip4(ip, 17, 9, 0, 8, l4, n);
	run(d, LINKTYPE_RAW, ip, f, f);
	check_ike("IPv4 with 8 bytes of options", 4);

	ip[0] = 0x44; /* IHL 4 */
	run(d, LINKTYPE_RAW, ip, f, f);
	is_int(g.n, 0, "IHL < 5: no unit");
	ip[0] = 0x4f; /* IHL 15 = 60 bytes > packet */
	run(d, LINKTYPE_RAW, ip, 50, 50);
	is_int(g.n, 0, "IHL past the capture: no unit");

	f = mk_ip4(ip, 17, 9, 0, 0, l4, n);
	put16(ip + 2, (unsigned)f + 100);
	run(d, LINKTYPE_RAW, ip, f, f);
	is_int(g.n, 0, "IP total length beyond a complete frame: no unit");
	is_int(decoder_stats(d)->derr[DERR_BAD_IP_LENGTH], 1, "  counted bad_ip_length");
	put16(ip + 2, 10);
	run(d, LINKTYPE_RAW, ip, f, f);
	is_int(decoder_stats(d)->derr[DERR_BAD_IP_LENGTH], 2, "total length < header: counted");

	/* UDP length lying: larger than the IP payload, and below 8. */
	f = mk_ip4(ip, 17, 9, 0, 0, l4, n);
	put16(ip + 24, 200);
	run(d, LINKTYPE_RAW, ip, f, f);
	is_int(g.n, 1, "UDP length > IP payload: one unit");
	is_int(g.u[0].kind, UNIT_DECODE_ERROR, "  decode error");
	is_int(g.u[0].u.derr, DERR_BAD_UDP_LENGTH, "  bad_udp_length");
	put16(ip + 24, 4);
	run(d, LINKTYPE_RAW, ip, f, f);
	is_int(g.n == 1 ? g.u[0].u.derr : 0, DERR_BAD_UDP_LENGTH, "UDP length 4: bad_udp_length");
	/* Shorter UDP length than the IP payload: trailing bytes are not IKE. */
	put16(ip + 24, 8 + 30);
	run(d, LINKTYPE_RAW, ip, f, f);
	is_int(g.n == 1 ? (long long)g.u[0].orig_len : -1, 30, "UDP length < IP payload: trimmed");

	/* Other UDP ports are not ours. */
	n = mk_udp(l4, 53, 5353, ike_sa_init_r, 40);
	f = mk_ip4(ip, 17, 9, 0, 0, l4, n);
	run(d, LINKTYPE_RAW, ip, f, f);
	is_int(g.n, 0, "UDP 53: ignored");
}

static void test_ip6_ext(struct decoder *d)
{
	uint8_t chain[512];
	size_t n = 0, f, i;

	/* hop-by-hop (8) -> destination options (16) -> routing (8) -> UDP */
	memset(chain, 0, sizeof(chain));
	chain[0] = 60;
	chain[1] = 0;
	chain[8] = 43;
	chain[9] = 1;
	chain[24] = 17;
	chain[25] = 0;
	n = 32 + mk_udp(chain + 32, 4500, 4500, (const uint8_t[]){ 0, 0, 0, 0 }, 4);
	memcpy(chain + n, ike_sa_init_r, 40);
	n += 40;
	put16(chain + 32 + 4, 8 + 44);
	f = mk_ip6(ip, 0, chain, n);
	run(d, LINKTYPE_RAW, ip, f, f);
	is_int(g.n, 1, "IPv6 hop/dst/routing chain: one unit");
	is_int(g.u[0].kind, UNIT_IKE, "  IKE");
	is_int(g.u[0].transport, TR_UDP4500, "  after the non-ESP marker");
	is_int(g.u[0].len, 40, "  len");

	/* Destination options length running past the payload. */
	ip[40 + 9] = 40;
	run(d, LINKTYPE_RAW, ip, f, f);
	is_int(g.n, 0, "extension header past the payload: no unit");
	is_int(decoder_stats(d)->derr[DERR_BAD_IP_HEADER], 1, "  counted bad_ip_header");

	/* 20 destination options headers: longer than any real chain. */
	memset(chain, 0, sizeof(chain));
	for (i = 0; i < 20; i++)
		chain[i * 8] = 60;
	chain[19 * 8] = 17;
	n = 160 + mk_udp(chain + 160, 500, 500, ike_sa_init_r, 40);
	f = mk_ip6(ip, 60, chain, n);
	run(d, LINKTYPE_RAW, ip, f, f);
	is_int(g.n, 0, "extension header chain of 20: no unit");
	is_int(decoder_stats(d)->derr[DERR_EXT_HEADER_LOOP], 1, "  counted ext_header_loop");

	/* Payload length 0 (jumbogram) and a length beyond the frame. */
	n = ike6();
	put16(ip + 4, 0);
	run(d, LINKTYPE_RAW, ip, n, n);
	is_int(g.n, 0, "IPv6 payload length 0: no unit");
	put16(ip + 4, 1000);
	run(d, LINKTYPE_RAW, ip, n, n);
	is_int(g.n, 0, "IPv6 payload length beyond the frame: no unit");
	run(d, LINKTYPE_RAW, ip, n, 1040);
	is_int(g.n == 1 ? g.u[0].kind : 0, UNIT_IKE,
	       "IPv6 length beyond a snaplen-cut frame: UDP length still bounds the IKE unit");
	is_int(g.u[0].len, 40, "  len");
}

static void natt(struct decoder *d, const uint8_t *pl, size_t len)
{
	size_t n = mk_udp(l4, 4500, 4500, pl, len), f = mk_ip4(ip, 17, 3, 0, 0, l4, n);

	run(d, LINKTYPE_RAW, ip, f, f);
}

static void test_natt(struct decoder *d)
{
	uint8_t m[64] = { 0 };

	memcpy(m + 4, ike_sa_init_r, 40);
	natt(d, m, 44);
	is_int(g.n == 1 ? g.u[0].kind : 0, UNIT_IKE, "4500 with marker: IKE");
	is_int(g.u[0].transport, TR_UDP4500, "  udp4500");
	is_int(g.u[0].len, 40, "  len after the marker");
	is_int(g.u[0].orig_len, 40, "  orig_len after the marker");
	ok(!memcmp(g.u[0].data, ike_sa_init_r, 40), "  data starts at the IKE header");

	natt(d, (const uint8_t[]){ 0xff }, 1);
	is_int(g.n == 1 ? g.u[0].kind : 0, UNIT_KEEPALIVE, "4500 single 0xFF: keepalive");
	natt(d, esp_pkt, sizeof(esp_pkt));
	is_int(g.n == 1 ? g.u[0].kind : 0, UNIT_ESP, "4500 ESP-in-UDP: ESP");
	is_int(g.u[0].len, 120, "  len");
	is_int(g.u[0].data[3], 0x13, "  SPI byte");
	natt(d, (const uint8_t[]){ 1, 2, 3 }, 3);
	is_int(g.n == 1 ? g.u[0].u.derr : 0, DERR_TRUNCATED_L4, "4500 three bytes: decode error");
	natt(d, NULL, 0);
	is_int(g.n == 1 ? g.u[0].u.derr : 0, DERR_TRUNCATED_L4, "4500 empty: decode error");
	natt(d, (const uint8_t[]){ 0xff, 0xff }, 2);
	is_int(g.n == 1 ? g.u[0].kind : 0, UNIT_DECODE_ERROR, "4500 two 0xFF: decode error");
	natt(d, m, 4);
	is_int(g.n == 1 ? g.u[0].kind : 0, UNIT_IKE, "4500 marker only: IKE of length 0");
	is_int(g.u[0].len, 0, "  len 0");
}

static void test_raw_esp_ah(struct decoder *d)
{
	uint8_t ah[24] = { 4, 4, 0, 0, 0x11, 0x22, 0x33, 0x44, 0, 0, 0, 9 };
	size_t f;

	f = mk_ip6(ip, 50, esp_pkt, sizeof(esp_pkt));
	run(d, LINKTYPE_RAW, ip, f, f);
	is_int(g.n == 1 ? g.u[0].kind : 0, UNIT_ESP, "IPv6 proto 50: ESP");
	is_int(g.u[0].transport, TR_IP, "  transport ip");
	is_int(g.u[0].sport, 0, "  no ports");
	is_int(g.u[0].len, 120, "  len");
	f = mk_ip4(ip, 51, 5, 0, 0, ah, sizeof(ah));
	run(d, LINKTYPE_RAW, ip, f, f);
	is_int(g.n == 1 ? g.u[0].kind : 0, UNIT_AH, "IPv4 proto 51: AH");
	is_int(g.u[0].len, 24, "  len");
	/* ESP whose IP length lies: a decode error unit, since proto 50 is ours. */
	f = mk_ip4(ip, 50, 5, 0, 0, esp_pkt, sizeof(esp_pkt));
	put16(ip + 2, 400);
	run(d, LINKTYPE_RAW, ip, f, f);
	is_int(g.n == 1 ? g.u[0].u.derr : 0, DERR_BAD_IP_LENGTH, "ESP with lying IP length: error unit");
}

static void test_names(void)
{
	unsigned i;
	bool all = true;

	for (i = 0; i < DERR__COUNT; i++)
		if (!strcmp(decode_err_token(i), "unknown") || !strcmp(decode_err_text(i), "unknown error"))
			all = false;
	ok(all, "every decode error has a token and a text");
	is_str(decode_err_token(DERR_FRAG_OVERLAP), "frag_overlap", "token frag_overlap");
	is_str(decode_err_token(DERR__COUNT), "unknown", "out of range token");
}

int main(void)
{
	struct decoder *d = dec_make(&g);

	ok(d != NULL, "decoder_new");
	if (!d)
		return tap_done();
	test_links(d);
	test_tiny(d);
	test_cuts(d);
	test_vlan(d);
	decoder_free(d);
	d = dec_make(&g);
	test_ip4(d);
	decoder_free(d);
	d = dec_make(&g);
	test_ip6_ext(d);
	test_natt(d);
	test_raw_esp_ah(d);
	test_names();
	decoder_free(d);
	return tap_done();
}
