/* test_ipfrag.c - IPv4/IPv6 fragment reassembly: order, duplicates,
 * conflicting overlaps, timeouts on packet time, pool and byte caps. */
#include <stdlib.h>

#include "../tap.h"
#include "capture.h"
#include "frames.h"

#define SEC 1000000000LL

static struct got g;
static uint8_t dgram[70000], ip[70000];
static size_t dlen;
static uint64_t frame_no;

/* The UDP datagram to fragment: UDP 500 + the real IKE message. */
static void dgram_ike(void)
{
	dlen = mk_udp(dgram, 500, 500, ike_sa_init_r, sizeof(ike_sa_init_r));
}

static void frag4(struct decoder *d, unsigned id, size_t off, size_t len, bool more, int64_t ts)
{
	size_t n = mk_ip4(ip, 17, id, (more ? 0x2000u : 0) | (unsigned)(off / 8), 0, dgram + off,
			  len);

	decoder_frame(d, LINKTYPE_RAW, ip, (uint32_t)n, (uint32_t)n, ts, ++frame_no);
}

static void frag6(struct decoder *d, uint32_t id, size_t off, size_t len, bool more, int64_t ts)
{
	uint8_t body[70000];
	size_t n;

	body[0] = 17;
	body[1] = 0;
	put16(body + 2, (unsigned)off | (more ? 1u : 0));
	put32(body + 4, id);
	memcpy(body + 8, dgram + off, len);
	n = mk_ip6(ip, 44, body, len + 8);
	decoder_frame(d, LINKTYPE_RAW, ip, (uint32_t)n, (uint32_t)n, ts, ++frame_no);
}

static void check_done(const char *what, int frags, uint64_t frame)
{
	if (!ok(g.n == 1 && g.u[0].kind == UNIT_IKE, "%s: one IKE unit", what)) {
		printf("#   %d units, first kind %d\n", g.n, g.n ? g.u[0].kind : 0);
		return;
	}
	is_int(g.u[0].ip_frags, frags, "  ip_frags");
	is_int(g.u[0].frame, frame, "  frame = the completing fragment");
	is_int(g.u[0].len, 40, "  len");
	is_int(g.u[0].orig_len, 40, "  orig_len");
	ok(!memcmp(g.u[0].data, ike_sa_init_r, 40), "  reassembled bytes");
}

static struct decoder *fresh(uint32_t max_dgrams, uint32_t max_bytes)
{
	struct decoder_config cfg;

	decoder_config_defaults(&cfg);
	if (max_dgrams)
		cfg.frag_max_datagrams = max_dgrams;
	if (max_bytes)
		cfg.frag_max_bytes = max_bytes;
	memset(&g, 0, sizeof(g));
	frame_no = 0;
	return decoder_new(&cfg, got_cb, &g);
}

static void test_v4(void)
{
	struct decoder *d = fresh(0, 0);

	dgram_ike();
	frag4(d, 7, 0, 16, true, SEC);
	frag4(d, 7, 16, 16, true, SEC);
	is_int(g.n, 0, "v4 in order: nothing before the last fragment");
	frag4(d, 7, 32, 16, false, SEC);
	check_done("v4 in order", 3, 3);
	is_int(decoder_stats(d)->frags_seen, 3, "  frags_seen");
	is_int(decoder_stats(d)->frags_reassembled, 1, "  frags_reassembled");

	g.n = 0;
	frag4(d, 8, 32, 16, false, SEC);
	frag4(d, 8, 0, 16, true, SEC);
	frag4(d, 8, 16, 16, true, SEC);
	check_done("v4 out of order", 3, 6);

	g.n = 0;
	frag4(d, 9, 0, 16, true, SEC);
	frag4(d, 9, 0, 16, true, SEC);
	frag4(d, 9, 32, 16, false, SEC);
	frag4(d, 9, 32, 16, false, SEC);
	frag4(d, 9, 8, 24, true, SEC); /* overlaps both neighbours with equal bytes */
	check_done("v4 duplicates and agreeing overlap", 5, 11);
	is_int(decoder_stats(d)->derr[DERR_FRAG_OVERLAP], 0, "  no overlap error");

	/* Conflicting overlap: same offsets, different bytes. */
	g.n = 0;
	frag4(d, 10, 0, 16, true, SEC);
	frag4(d, 10, 16, 16, true, SEC);
	dgram[20] ^= 0xff;
	frag4(d, 10, 8, 16, true, SEC);
	dgram[20] ^= 0xff;
	is_int(decoder_stats(d)->derr[DERR_FRAG_OVERLAP], 1, "conflicting overlap counted");
	is_int(g.n == 1 ? g.u[0].kind : 0, UNIT_DECODE_ERROR, "  error unit (first fragment had port 500)");
	is_int(g.u[0].u.derr, DERR_FRAG_OVERLAP, "  frag_overlap");
	g.n = 0;
	frag4(d, 10, 32, 16, false, SEC);
	is_int(g.n, 0, "  the dropped datagram does not complete later");

	/* Two last fragments that disagree on the size. */
	g.n = 0;
	frag4(d, 11, 32, 16, false, SEC);
	frag4(d, 11, 16, 8, false, SEC);
	is_int(decoder_stats(d)->derr[DERR_FRAG_OVERLAP], 2, "second last fragment with another size");

	/* Past the 64 KiB datagram limit. */
	frag4(d, 12, 65528, 16, false, SEC);
	is_int(decoder_stats(d)->derr[DERR_FRAG_TOO_BIG], 1, "fragment past 65535 bytes");

	/* A non-last fragment that is not a multiple of 8, and a snaplen-cut one. */
	frag4(d, 13, 0, 12, true, SEC);
	is_int(decoder_stats(d)->derr[DERR_BAD_IP_HEADER], 1, "non-last fragment of 12 bytes");
	{
		size_t n = mk_ip4(ip, 17, 14, 0x2000, 0, dgram, 16);

		decoder_frame(d, LINKTYPE_RAW, ip, (uint32_t)n - 4, (uint32_t)n, SEC, ++frame_no);
		is_int(decoder_stats(d)->derr[DERR_TRUNCATED_IP], 1, "snaplen-cut fragment not kept");
	}
	decoder_free(d);
}

static void test_expire(void)
{
	struct decoder *d = fresh(0, 0), *d2;
	const struct frag_expired *fe;

	dgram_ike();
	frag4(d, 21, 0, 16, true, 10 * SEC);
	frag4(d, 21, 16, 16, true, 11 * SEC);
	frag4(d, 22, 16, 16, true, 12 * SEC);
	frag4(d, 22, 32, 16, false, 12 * SEC);
	/* Another frame 29 s after the first fragment: not yet. */
	frag4(d, 30, 0, 16, true, 39 * SEC);
	is_int(g.n, 0, "no expiry before 30 s of packet time");
	frag4(d, 31, 0, 16, true, 43 * SEC);
	if (!ok(g.n == 2, "both datagrams expire at 43 s"))
		printf("#   %d units\n", g.n);
	fe = &g.u[0].u.frag;
	is_int(g.u[0].kind, UNIT_FRAG_EXPIRED, "  kind frag_expired");
	is_int(fe->ident, 21, "  oldest first: id 21");
	is_int(fe->have_first, 1, "  first fragment seen");
	is_int(fe->have_last, 0, "  last fragment missing");
	is_int(fe->bytes_have, 32, "  bytes_have");
	is_int(fe->bytes_total, 0, "  bytes_total unknown");
	is_int(fe->frags_have, 2, "  frags_have");
	is_int(fe->proto, 17, "  proto");
	is_int(fe->sport, 500, "  sport from the first fragment");
	is_int(g.u[0].dport, 500, "  unit dport");
	is_int(fe->first_ns, 10 * SEC, "  first_ns");
	is_int(fe->last_ns, 11 * SEC, "  last_ns");
	is_int(g.u[0].frame, 2, "  frame of the last fragment seen");
	fe = &g.u[1].u.frag;
	is_int(fe->ident, 22, "  then id 22");
	is_int(fe->have_first, 0, "  first fragment missing");
	is_int(fe->proto, 0, "  proto unknown");
	is_int(fe->bytes_total, 48, "  bytes_total from the last fragment");
	is_int(decoder_stats(d)->frags_expired, 2, "  frags_expired");

	g.n = 0;
	decoder_note_time(d, 42 * SEC);
	decoder_expire(d, INT64_MAX);
	is_int(g.n, 2, "end of input flushes the rest");
	is_int(g.u[0].u.frag.ident, 30, "  id 30");
	is_int(g.u[1].u.frag.ident, 31, "  id 31");
	is_int(g.u[0].u.frag.end, FRAG_CAPTURE_END, "  cut by the end of the input");
	is_int(g.u[0].u.frag.input_last_ns, 43 * SEC, "  with the time of the input's last frame (an earlier time noted changes nothing)");
	is_int(g.u[0].u.frag.last_ns, 39 * SEC, "  the datagram's own last fragment");
	d2 = fresh(0, 0);
	frag4(d2, 40, 0, 16, true, 10 * SEC);
	decoder_note_time(d2, 12 * SEC);
	g.n = 0;
	decoder_expire(d2, INT64_MAX);
	ok(g.n == 1 && g.u[0].u.frag.input_last_ns == 12 * SEC,
	   "input watched after the last frame (a filtered frame, a live stop): its end is that time");
	decoder_free(d2);
	decoder_free(d);
}

static void test_pool(void)
{
	struct decoder *d = fresh(4, 0);
	unsigned id;

	dgram_ike();
	for (id = 1; id <= 6; id++)
		frag4(d, id, 0, 16, true, (int64_t)id * SEC);
	is_int(decoder_stats(d)->frags_evicted, 2, "pool of 4: two evictions");
	is_int(g.n, 2, "  evicted datagrams are reported");
	is_int(g.u[0].u.frag.ident, 1, "  oldest evicted first");
	is_int(g.u[1].u.frag.ident, 2, "  then the next oldest");
	g.n = 0;
	frag4(d, 6, 16, 16, true, 7 * SEC);
	frag4(d, 6, 32, 16, false, 7 * SEC);
	check_done("a datagram still in the pool completes", 3, 8);
	decoder_free(d);

	/* Byte budget of 64 blocks: a 40 KiB datagram then a 30 KiB one. */
	d = fresh(0, 65536);
	memset(dgram, 0x5a, sizeof(dgram));
	dgram[2] = 0x01;
	dgram[3] = 0xf4;
	frag4(d, 40, 0, 40960, true, SEC);
	frag4(d, 41, 0, 30720, true, 2 * SEC);
	is_int(decoder_stats(d)->frags_evicted, 1, "byte budget: older datagram evicted");
	is_int(g.n == 1 ? g.u[0].u.frag.ident : 0, 40, "  the 40 KiB one");
	decoder_free(d);
}

static void test_v6(void)
{
	struct decoder *d = fresh(0, 0);
	uint8_t body[128];
	size_t n;

	dgram_ike();
	frag6(d, 0x1234, 0, 24, true, SEC);
	frag6(d, 0x1234, 24, 24, false, SEC);
	check_done("v6 in order", 2, 2);
	is_int(g.u[0].src.family, ADDR_V6, "  IPv6 addresses");
	is_int(g.u[0].ttl, 33, "  hop limit");

	g.n = 0;
	frag6(d, 0x1235, 24, 24, false, SEC);
	frag6(d, 0x1235, 0, 24, true, SEC);
	frag6(d, 0x1235, 0, 24, true, SEC);
	check_done("v6 out of order", 2, 4);
	frag6(d, 0x1235, 0, 24, true, SEC);

	g.n = 0;
	frag6(d, 0x1236, 0, 24, true, SEC);
	dgram[20] ^= 1;
	frag6(d, 0x1236, 16, 32, false, SEC);
	dgram[20] ^= 1;
	is_int(decoder_stats(d)->derr[DERR_FRAG_OVERLAP], 1, "v6 conflicting overlap counted");

	/* Atomic fragment (RFC 6946): offset 0, M clear. */
	g.n = 0;
	body[0] = 17;
	body[1] = 0;
	put16(body + 2, 0);
	put32(body + 4, 99);
	memcpy(body + 8, dgram, dlen);
	n = mk_ip6(ip, 44, body, dlen + 8);
	decoder_frame(d, LINKTYPE_RAW, ip, (uint32_t)n, (uint32_t)n, SEC, 50);
	is_int(g.n == 1 ? g.u[0].kind : 0, UNIT_IKE, "v6 atomic fragment decoded directly");
	is_int(g.u[0].ip_frags, 0, "  not counted as fragmented");

	/* A chain of atomic fragments counts against the header limit, as a
	 * chain of other extension headers does (and is walked, not recursed). */
	{
		static uint8_t chain[8 * 40 + 200];
		unsigned hops[2] = { 4, 30 };

		for (unsigned h = 0; h < 2; h++) {
			size_t at = 0;

			g.n = 0;
			for (unsigned i = 0; i < hops[h]; i++, at += 8) {
				memset(chain + at, 0, 8);
				chain[at] = i + 1 < hops[h] ? 44 : 17;
				put32(chain + at + 4, 100 + i);
			}
			memcpy(chain + at, dgram, dlen);
			n = mk_ip6(ip, 44, chain, at + dlen);
			decoder_frame(d, LINKTYPE_RAW, ip, (uint32_t)n, (uint32_t)n, SEC, 60 + h);
			if (h == 0)
				is_int(g.n == 1 ? g.u[0].kind : 0, UNIT_IKE, "v6 four atomic fragment headers: decoded");
			else
				is_int(g.n, 0, "v6 thirty atomic fragment headers: no unit (ext_header_loop)");
		}
	}

	g.n = 0;
	frag6(d, 0x1237, 24, 24, false, 2 * SEC);
	decoder_expire(d, INT64_MAX);
	is_int(g.n, 2, "v6 incomplete datagrams expire at end of input");
	decoder_free(d);
}

/* An empty fragment at offset 0 (MF set) does not stand for the first
 * fragment: the ports come from the one with data. */
static void test_empty_first(void)
{
	struct decoder *d = fresh(0, 0);
	size_t n;

	dgram_ike();
	n = mk_ip4(ip, 17, 7, 0x2000, 0, dgram, 0);
	decoder_frame(d, LINKTYPE_RAW, ip, (uint32_t)n, (uint32_t)n, SEC, ++frame_no);
	frag4(d, 7, 0, 24, true, SEC);
	decoder_expire(d, INT64_MAX);
	ok(g.n == 1 && g.u[0].kind == UNIT_FRAG_EXPIRED, "empty first fragment, then the real one: incomplete");
	is_int(g.n == 1 ? g.u[0].sport : 0, 500, "  the ports of the fragment with data");
	decoder_free(d);
}

static void test_esp(void)
{
	struct decoder *d = fresh(0, 0);
	size_t n;

	memcpy(dgram, esp_pkt, sizeof(esp_pkt));
	n = mk_ip4(ip, 50, 77, 0x2000, 0, dgram, 64);
	decoder_frame(d, LINKTYPE_RAW, ip, (uint32_t)n, (uint32_t)n, SEC, 1);
	n = mk_ip4(ip, 50, 77, 8, 0, dgram + 64, 56);
	decoder_frame(d, LINKTYPE_RAW, ip, (uint32_t)n, (uint32_t)n, SEC, 2);
	is_int(g.n == 1 ? g.u[0].kind : 0, UNIT_ESP, "fragmented ESP reassembled");
	is_int(g.u[0].len, 120, "  len");
	is_int(g.u[0].ip_frags, 2, "  two fragments");
	ok(!memcmp(g.u[0].data, esp_pkt, 120), "  bytes");
	decoder_free(d);
}

/* What an incomplete datagram's first fragment tells: the SPI of raw ESP
 * and of ESP in UDP 4500, the IKE header behind a zero marker. */
static void test_expired_first_bytes(void)
{
	struct decoder *d = fresh(0, 0);
	uint32_t spi = (uint32_t)esp_pkt[0] << 24 | (uint32_t)esp_pkt[1] << 16 | (uint32_t)esp_pkt[2] << 8 | esp_pkt[3];
	size_t n;

	memcpy(dgram, esp_pkt, sizeof(esp_pkt));
	n = mk_ip4(ip, 50, 78, 0x2000, 0, dgram, 64);
	decoder_frame(d, LINKTYPE_RAW, ip, (uint32_t)n, (uint32_t)n, SEC, 1);
	dlen = mk_udp(dgram, 4500, 4500, esp_pkt, sizeof(esp_pkt));
	frag4(d, 79, 0, 64, true, SEC);
	{
		uint8_t ike_natt[4 + sizeof(ike_sa_init_r)] = { 0 };

		memcpy(ike_natt + 4, ike_sa_init_r, sizeof(ike_sa_init_r));
		dlen = mk_udp(dgram, 4500, 4500, ike_natt, sizeof(ike_natt));
		frag4(d, 80, 0, 48, true, SEC);
	}
	decoder_expire(d, INT64_MAX);
	if (!ok(g.n == 3, "three incomplete datagrams"))
		return;
	ok(g.u[0].u.frag.has_esp_spi && g.u[0].u.frag.esp_spi == spi && !g.u[0].u.frag.has_ike_hdr,
	   "  raw ESP: the SPI");
	ok(g.u[1].u.frag.has_esp_spi && g.u[1].u.frag.esp_spi == spi && !g.u[1].u.frag.has_ike_hdr,
	   "  ESP in UDP 4500: the SPI");
	ok(!g.u[2].u.frag.has_esp_spi && g.u[2].u.frag.has_ike_hdr &&
	   !memcmp(g.u[2].u.frag.ike_hdr, ike_sa_init_r, 28), "  IKE behind the zero marker: its header");
	decoder_free(d);
}

int main(void)
{
	test_v4();
	test_expire();
	test_pool();
	test_v6();
	test_empty_first();
	test_esp();
	test_expired_first_bytes();
	return tap_done();
}
