/* test_icmp.c - ICMP/ICMPv6 errors quoting IKE and ESP: types, MTU, quoted
 * addresses, ports and SPIs, and every truncation of the quote. */
#include <stdlib.h>

#include "../tap.h"
#include "capture.h"
#include "frames.h"

static struct got g;
static uint8_t quote[2048], msg[2048], ip[4096], l4[2048];
static const uint8_t router4[4] = { 198, 51, 100, 1 };

/* An ICMPv4 error from router4 to a4_src quoting q. */
static size_t icmp4(uint8_t type, uint8_t code, uint32_t rest, const uint8_t *q, size_t qn)
{
	size_t n;

	msg[0] = type;
	msg[1] = code;
	put16(msg + 2, 0);
	put32(msg + 4, rest);
	memcpy(msg + 8, q, qn);
	n = mk_ip4(ip, 1, 77, 0, 0, msg, 8 + qn);
	memcpy(ip + 12, router4, 4);
	memcpy(ip + 16, a4_src, 4);
	return n;
}

static size_t icmp6(uint8_t type, uint8_t code, uint32_t rest, const uint8_t *q, size_t qn)
{
	msg[0] = type;
	msg[1] = code;
	put16(msg + 2, 0);
	put32(msg + 4, rest);
	memcpy(msg + 8, q, qn);
	return mk_ip6(ip, 58, msg, 8 + qn);
}

static void run(struct decoder *d, size_t n)
{
	g.n = 0;
	decoder_frame(d, LINKTYPE_RAW, ip, (uint32_t)n, (uint32_t)n, 1, 3);
}

static const struct icmp_error *one(const char *what)
{
	if (!ok(g.n == 1 && g.u[0].kind == UNIT_ICMP_ERROR, "%s: one ICMP error unit", what)) {
		static const struct icmp_error none;

		printf("#   %d units\n", g.n);
		return &none;
	}
	return &g.u[0].u.icmp;
}

static void test_v4(struct decoder *d)
{
	const struct icmp_error *e;
	uint8_t pl[16];
	size_t q, n, cut;
	bool fine = true;

	/* Port unreachable quoting an IKE message on UDP 500. */
	q = mk_ip4(quote, 17, 5, 0, 0, l4, mk_udp(l4, 500, 500, ike_sa_init_r, 40));
	n = icmp4(3, 3, 0, quote, q);
	run(d, n);
	e = one("port unreachable quoting IKE");
	is_int(e->v6, 0, "  ICMPv4");
	is_int(e->type, 3, "  type 3");
	is_int(e->code, 3, "  code 3");
	is_int(e->mtu, 0, "  no MTU");
	is_int(e->q_proto, 17, "  quoted UDP");
	is_int(e->q_sport, 500, "  quoted sport");
	is_int(e->q_dport, 500, "  quoted dport");
	is_int(e->q_len, q, "  quoted datagram length");
	ok(!memcmp(e->q_src.a, a4_src, 4) && !memcmp(e->q_dst.a, a4_dst, 4), "  quoted addresses");
	is_int(e->q_has_ike, 1, "  IKE SPI reached");
	ok(!memcmp(e->q_ike_ispi, ike_sa_init_r, 8), "  initiator SPI recovered");
	is_int(e->q_has_msgid, 1, "  the header up to the message ID reached");
	is_int(e->q_ike_exch, ike_sa_init_r[18], "  quoted exchange type");
	is_int(e->q_ike_flags, ike_sa_init_r[19], "  quoted flags");
	is_int(e->q_ike_version, ike_sa_init_r[17], "  quoted version");
	is_int(e->q_ike_len, ((uint32_t)ike_sa_init_r[24] << 24) | ((uint32_t)ike_sa_init_r[25] << 16) |
				((uint32_t)ike_sa_init_r[26] << 8) | ike_sa_init_r[27],
	       "  quoted IKE length");
	is_int(e->q_ike_msgid, ((uint32_t)ike_sa_init_r[20] << 24) | ((uint32_t)ike_sa_init_r[21] << 16) |
				  ((uint32_t)ike_sa_init_r[22] << 8) | ike_sa_init_r[23],
	       "  quoted message ID");
	is_int(e->q_has_spi, 0, "  no ESP SPI");
	ok(!memcmp(g.u[0].src.a, router4, 4), "  unit src = the router");
	ok(!memcmp(g.u[0].dst.a, a4_src, 4), "  unit dst = the ICMP destination");

	/* RFC 792 minimum quote: IP header + 8 bytes. */
	n = icmp4(3, 3, 0, quote, 28);
	run(d, n);
	e = one("quote of 28 bytes");
	is_int(e->q_sport, 500, "  ports still known");
	is_int(e->q_has_ike, 0, "  SPI not reached");

	/* Fragmentation needed, next-hop MTU 1400, quoting ESP-in-UDP. */
	memcpy(pl, esp_pkt, 16);
	q = mk_ip4(quote, 17, 6, 0, 0, l4, mk_udp(l4, 4500, 4500, esp_pkt, sizeof(esp_pkt)));
	n = icmp4(3, 4, 1400, quote, 20 + 8 + 8);
	run(d, n);
	e = one("frag needed quoting ESP-in-UDP");
	is_int(e->code, 4, "  code 4");
	is_int(e->mtu, 1400, "  next-hop MTU");
	is_int(e->q_has_spi, 1, "  SPI present");
	is_int(e->q_esp_spi, 0xbfb21113u, "  ESP SPI");
	is_int(e->q_has_ike, 0, "  not IKE");
	is_int(e->q_len, q, "  original length");

	/* Admin prohibited quoting IKE on 4500 (after the marker). */
	memset(pl, 0, 4);
	memcpy(l4 + 8 + 4, ike_sa_init_r, 40);
	mk_udp(l4, 4500, 4500, pl, 4);
	memcpy(l4 + 12, ike_sa_init_r, 40);
	put16(l4 + 4, 8 + 44);
	q = mk_ip4(quote, 17, 6, 0, 0, l4, 8 + 44);
	n = icmp4(3, 13, 0, quote, q);
	run(d, n);
	e = one("admin prohibited quoting IKE on 4500");
	is_int(e->q_has_ike, 1, "  IKE SPI after the marker");
	ok(!memcmp(e->q_ike_ispi, ike_sa_init_r, 8), "  initiator SPI");
	ok(e->q_has_msgid && e->q_ike_exch == ike_sa_init_r[18] && e->q_ike_flags == ike_sa_init_r[19] &&
		   e->q_ike_len == ((uint32_t)ike_sa_init_r[26] << 8 | ike_sa_init_r[27]),
	   "  the header after the marker: exchange, flags, length");

	/* The same quote cut after the marker: IKE, with no SPI to tie it. */
	n = icmp4(3, 13, 0, quote, 20 + 12);
	run(d, n);
	e = one("admin prohibited quoting UDP 4500 up to the non-ESP marker");
	ok(e->q_nonesp && !e->q_has_ike && !e->q_has_spi, "  the marker says IKE, the SPI is not reached");

	/* Time exceeded quoting raw ESP. */
	q = mk_ip4(quote, 50, 8, 0, 0, esp_pkt, sizeof(esp_pkt));
	n = icmp4(11, 0, 0, quote, 28);
	run(d, n);
	e = one("time exceeded quoting ESP");
	is_int(e->q_esp_spi, 0xbfb21113u, "  ESP SPI");

	/* Not ours: echo request, and a port unreachable quoting DNS. */
	n = icmp4(8, 0, 0, quote, 28);
	run(d, n);
	is_int(g.n, 0, "echo request ignored");
	q = mk_ip4(quote, 17, 5, 0, 0, l4, mk_udp(l4, 5353, 53, ike_sa_init_r, 40));
	n = icmp4(3, 3, 0, quote, q);
	run(d, n);
	is_int(g.n, 0, "port unreachable quoting DNS ignored");

	/* Every truncation of a full quote. */
	q = mk_ip4(quote, 17, 5, 0, 0, l4, mk_udp(l4, 500, 500, ike_sa_init_r, 40));
	for (cut = 0; cut < q; cut++) {
		n = icmp4(3, 3, 0, quote, cut);
		run(d, n);
		if ((cut < 22 && g.n != 0) ||
		    (cut >= 22 && (g.n != 1 || g.u[0].u.icmp.q_has_ike != (cut >= 36) ||
				   g.u[0].u.icmp.q_has_msgid != (cut >= 52) ||
				   (g.u[0].u.icmp.q_ike_len != 0) != (cut >= 56)))) {
			printf("# cut %zu: %d units\n", cut, g.n);
			fine = false;
		}
	}
	ok(fine, "quote cut at every length: unit once a port is in, SPI once reached, message ID, length");
}

static void test_v6(struct decoder *d)
{
	const struct icmp_error *e;
	size_t q, n;
	uint8_t mk[4] = { 0 };

	/* Packet Too Big, MTU 1280, quoting IPv6 ESP. */
	q = mk_ip6(quote, 50, esp_pkt, sizeof(esp_pkt));
	n = icmp6(2, 0, 1280, quote, 40 + 16);
	run(d, n);
	e = one("ICMPv6 packet too big quoting ESP");
	is_int(e->v6, 1, "  ICMPv6");
	is_int(e->type, 2, "  type 2");
	is_int(e->mtu, 1280, "  MTU");
	is_int(e->q_proto, 50, "  quoted ESP");
	is_int(e->q_esp_spi, 0xbfb21113u, "  SPI");
	is_int(e->q_len, q, "  original length");
	ok(!memcmp(e->q_src.a, a6_src, 16), "  quoted source");

	/* Destination unreachable, admin prohibited, quoting IKE on 4500. */
	mk_udp(l4, 4500, 4500, mk, 4);
	memcpy(l4 + 12, ike_sa_init_r, 40);
	put16(l4 + 4, 8 + 44);
	q = mk_ip6(quote, 17, l4, 8 + 44);
	n = icmp6(1, 1, 0, quote, q);
	run(d, n);
	e = one("ICMPv6 admin prohibited quoting IKE");
	is_int(e->code, 1, "  code 1");
	is_int(e->q_has_ike, 1, "  IKE SPI");
	ok(!memcmp(e->q_ike_ispi, ike_sa_init_r, 8), "  initiator SPI");
	ok(e->q_has_msgid && e->q_ike_exch == ike_sa_init_r[18] && e->q_ike_version == ike_sa_init_r[17],
	   "  the header after the marker: version, exchange");

	/* Port unreachable (code 4) quoting UDP 500 behind a destination options header. */
	{
		uint8_t ext[128] = { 17, 0 };
		size_t u = mk_udp(ext + 8, 500, 500, ike_sa_init_r, 40);

		q = mk_ip6(quote, 60, ext, 8 + u);
		n = icmp6(1, 4, 0, quote, q);
		run(d, n);
		e = one("ICMPv6 port unreachable through an extension header");
		is_int(e->q_dport, 500, "  quoted dport");
		is_int(e->q_has_ike, 1, "  IKE SPI");
	}

	/* Echo request / reply are not errors. */
	n = icmp6(128, 0, 0, quote, 40);
	run(d, n);
	is_int(g.n, 0, "ICMPv6 echo ignored");
	/* ICMPv6 header itself cut. */
	n = icmp6(2, 0, 1280, quote, 0);
	g.n = 0;
	decoder_frame(d, LINKTYPE_RAW, ip, 40 + 5, 40 + 5, 1, 4);
	is_int(g.n, 0, "ICMPv6 header cut: no unit");
}

int main(void)
{
	struct decoder *d = dec_make(&g);

	test_v4(d);
	test_v6(d);
	decoder_free(d);
	return tap_done();
}
