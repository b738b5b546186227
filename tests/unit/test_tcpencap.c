/* test_tcpencap.c - RFC 8229 TCP encapsulation: prefix, framing across and
 * within segments, out-of-order, retransmission, gaps, mid-stream start,
 * bad frame lengths, stream table eviction. */
#include <stdlib.h>

#include "../tap.h"
#include "capture.h"
#include "frames.h"

#define SEC 1000000000LL
#define CPORT 40000

static struct got g;
static uint8_t fike[64], fesp[160], buf[4096], ip[4096], tcp[4096];
static size_t lfike, lfesp;
static uint64_t frame_no;
static unsigned cport = CPORT;

static void frames_init(void)
{
	lfike = 2 + 4 + sizeof(ike_sa_init_r);
	put16(fike, (unsigned)lfike);
	memset(fike + 2, 0, 4);
	memcpy(fike + 6, ike_sa_init_r, sizeof(ike_sa_init_r));
	lfesp = 2 + sizeof(esp_pkt);
	put16(fesp, (unsigned)lfesp);
	memcpy(fesp + 2, esp_pkt, sizeof(esp_pkt));
}

/* A segment from the client (to_server) or the server, cut to caplen if nonzero. */
static void seg_cut(struct decoder *d, bool to_server, uint32_t seq, uint8_t flags,
		    const uint8_t *p, size_t n, int64_t ts, size_t cut)
{
	size_t t = mk_tcp(tcp, to_server ? cport : 4500, to_server ? 4500 : cport, seq, flags, p, n);
	size_t f = mk_ip4(ip, 6, 1, 0x4000, 0, tcp, t);

	if (!to_server) {
		memcpy(ip + 12, a4_dst, 4);
		memcpy(ip + 16, a4_src, 4);
	}
	decoder_frame(d, LINKTYPE_RAW, ip, (uint32_t)(cut ? cut : f), (uint32_t)f, ts, ++frame_no);
}

static void seg(struct decoder *d, bool to_server, uint32_t seq, uint8_t flags, const uint8_t *p,
		size_t n)
{
	seg_cut(d, to_server, seq, flags, p, n, SEC, 0);
}

static struct decoder *fresh(uint32_t max_streams)
{
	struct decoder_config cfg;

	decoder_config_defaults(&cfg);
	if (max_streams)
		cfg.tcp_max_streams = max_streams;
	memset(&g, 0, sizeof(g));
	return decoder_new(&cfg, got_cb, &g);
}

static bool is_ike(int i)
{
	return i < g.n && g.u[i].kind == UNIT_IKE && g.u[i].transport == TR_TCP &&
	       g.u[i].len == 40 && !memcmp(g.u[i].data, ike_sa_init_r, 40);
}

static bool is_event(int i, uint8_t kind)
{
	return i < g.n && g.u[i].kind == UNIT_TCP_EVENT && g.u[i].u.tcp.kind == kind;
}

static void test_handshake(void)
{
	struct decoder *d = fresh(0);
	size_t n;

	seg(d, true, 1000, TH_SYN, NULL, 0);
	seg(d, false, 5000, TH_SYN | TH_ACK, NULL, 0);
	seg(d, true, 1001, TH_ACK, NULL, 0);
	is_int(g.n, 0, "handshake: no unit");
	memcpy(buf, "IKETCP", 6);
	memcpy(buf + 6, fike, lfike);
	seg(d, true, 1001, TH_ACK | TH_PSH, buf, 6 + lfike);
	is_int(g.n, 2, "prefix + frame: two units");
	ok(is_event(0, TCPEV_PREFIX), "  prefix event");
	ok(is_ike(1), "  IKE unit after the non-ESP marker");
	is_int(g.u[1].sport, CPORT, "  sport");
	is_int(g.u[1].dport, 4500, "  dport");
	is_int(g.u[1].frame, 4, "  frame");
	is_int(g.u[1].orig_len, 40, "  orig_len");

	/* Server: two frames in one segment. */
	g.n = 0;
	memcpy(buf, fike, lfike);
	memcpy(buf + lfike, fesp, lfesp);
	seg(d, false, 5001, TH_ACK | TH_PSH, buf, lfike + lfesp);
	is_int(g.n, 2, "two frames in one segment: two units");
	ok(is_ike(0), "  IKE first");
	is_int(g.u[1].kind, UNIT_ESP, "  then ESP");
	is_int(g.u[1].len, 120, "  ESP len");
	is_int(g.u[1].transport, TR_TCP, "  transport tcp");
	is_int(g.u[1].sport, 4500, "  from the server");
	ok(!memcmp(g.u[1].data, esp_pkt, 120), "  ESP bytes");

	/* Client: one frame in three segments. */
	g.n = 0;
	n = 1001 + 6 + lfike;
	seg(d, true, (uint32_t)n, TH_ACK, fike, 10);
	seg(d, true, (uint32_t)n + 10, TH_ACK, fike + 10, 20);
	is_int(g.n, 0, "frame split in three: nothing after two segments");
	seg(d, true, (uint32_t)n + 30, TH_ACK, fike + 30, lfike - 30);
	ok(g.n == 1 && is_ike(0), "  IKE after the third");

	/* Out of order: B before A. */
	g.n = 0;
	n += lfike;
	seg(d, true, (uint32_t)(n + lfike), TH_ACK, fesp, lfesp);
	is_int(g.n, 0, "out-of-order segment held");
	seg(d, true, (uint32_t)n, TH_ACK, fike, lfike);
	is_int(g.n, 2, "  both frames once the hole is filled");
	ok(is_ike(0), "  in stream order: IKE");
	is_int(g.u[1].kind, UNIT_ESP, "  then ESP");

	/* Retransmissions: whole and overlapping. */
	g.n = 0;
	seg(d, true, (uint32_t)n, TH_ACK, fike, lfike);
	seg(d, true, (uint32_t)(n + lfike), TH_ACK, fesp, lfesp);
	is_int(g.n, 0, "retransmitted segments: no duplicate units");
	memcpy(buf, fesp + lfesp - 10, 10);
	memcpy(buf + 10, fike, lfike);
	seg(d, true, (uint32_t)(n + lfike + lfesp - 10), TH_ACK, buf, 10 + lfike);
	ok(g.n == 1 && is_ike(0), "segment overlapping delivered bytes: only the new frame");

	/* FIN from both sides ends the stream. */
	n += lfike + lfesp + lfike;
	seg(d, true, (uint32_t)n, TH_ACK | TH_FIN, NULL, 0);
	seg(d, false, (uint32_t)(5001 + lfike + lfesp), TH_ACK | TH_FIN, NULL, 0);
	is_int(decoder_stats(d)->tcp_streams, 1, "one stream tracked");
	decoder_free(d);
}

static void test_gap(void)
{
	struct decoder *d = fresh(0);

	/* Hole never filled: the gap is reported at the end of input. */
	seg(d, true, 100, TH_SYN, NULL, 0);
	memcpy(buf, "IKETCP", 6);
	seg(d, true, 101, TH_ACK, buf, 6);
	seg(d, true, (uint32_t)(107 + lfike), TH_ACK, fike, lfike);
	is_int(g.n, 1, "gap: prefix only so far");
	decoder_expire(d, INT64_MAX);
	ok(is_event(1, TCPEV_GAP), "  gap event at end of input");
	is_int(g.n == 2 ? g.u[1].u.tcp.bytes : 0, lfike, "  gap size");
	g.n = 0;
	seg(d, true, 107, TH_ACK, fike, lfike);
	seg(d, true, (uint32_t)(107 + 2 * lfike), TH_ACK, fike, lfike);
	is_int(g.n, 0, "  after a gap the direction delivers nothing");
	/* A new connection on the same ports resynchronises. */
	seg(d, true, 9000, TH_SYN, NULL, 0);
	seg(d, true, 9001, TH_ACK, fike, lfike);
	ok(is_event(0, TCPEV_BAD_PREFIX), "  new SYN: stream restarts (no prefix -> bad_prefix)");
	ok(is_ike(1), "  and frames again");
	decoder_free(d);

	/* Gap by timeout on packet time, triggered by later traffic. */
	d = fresh(0);
	seg_cut(d, true, 500, TH_ACK, fike, lfike, SEC, 0);
	seg_cut(d, true, (uint32_t)(500 + 2 * lfike), TH_ACK, fike, lfike, 2 * SEC, 0);
	is_int(g.n, 1, "mid-stream start: first frame delivered");
	ok(is_ike(0), "  as IKE, without a prefix complaint");
	seg_cut(d, false, 7000, TH_ACK, NULL, 0, 13 * SEC, 0);
	ok(g.n == 2 && is_event(1, TCPEV_GAP), "hole older than the timeout: gap");
	decoder_free(d);

	/* Segment beyond the buffer window: immediate gap. */
	d = fresh(0);
	seg(d, true, 500, TH_ACK, fike, lfike);
	seg(d, true, 500 + 200000, TH_ACK, fike, lfike);
	ok(g.n == 2 && is_event(1, TCPEV_GAP), "segment beyond the buffer: gap");
	is_int(g.u[1].u.tcp.bytes, 200000 - lfike, "  gap size");
	decoder_free(d);

	/* Snaplen-cut segment: its missing tail is a gap. */
	d = fresh(0);
	memcpy(buf, fike, lfike);
	memcpy(buf + lfike, fike, lfike);
	seg_cut(d, true, 500, TH_ACK, buf, 2 * lfike, SEC, 20 + 20 + lfike + 10);
	ok(g.n == 2 && is_ike(0) && is_event(1, TCPEV_GAP), "snaplen-cut segment: frame, then gap");
	is_int(g.u[1].u.tcp.bytes, lfike - 10, "  gap = bytes cut");
	decoder_free(d);
}

static void test_bad(void)
{
	struct decoder *d = fresh(0);
	uint8_t bad[8] = { 0x00, 0x01, 1, 2, 3, 4, 5, 6 };

	seg(d, true, 1, TH_ACK, bad, sizeof(bad));
	is_int(g.n == 1 ? g.u[0].kind : 0, UNIT_DECODE_ERROR, "frame length 1: decode error unit");
	is_int(g.u[0].u.derr, DERR_TCP_FRAME_LENGTH, "  tcp_frame_length");
	g.n = 0;
	seg(d, true, 1 + sizeof(bad), TH_ACK, fike, lfike);
	is_int(g.n, 0, "  then nothing until a new connection");

	/* Other TCP ports are ignored. */
	cport = 443;
	{
		size_t t = mk_tcp(tcp, 443, 80, 1, TH_ACK, fike, lfike);
		size_t f = mk_ip4(ip, 6, 1, 0, 0, tcp, t);

		g.n = 0;
		decoder_frame(d, LINKTYPE_RAW, ip, (uint32_t)f, (uint32_t)f, SEC, 99);
		is_int(g.n, 0, "TCP 443 -> 80: ignored");
	}
	cport = CPORT;

	/* TCP header cut. */
	g.n = 0;
	seg_cut(d, true, 1, TH_ACK, fike, lfike, SEC, 20 + 10);
	is_int(g.n == 1 ? g.u[0].u.derr : 0, DERR_TRUNCATED_L4, "TCP header cut: truncated_l4");
	decoder_free(d);

	/* Frame longer than the stream buffer. */
	{
		struct decoder_config cfg;
		uint8_t big[4] = { 0xff, 0xff, 0, 0 };

		decoder_config_defaults(&cfg);
		cfg.tcp_stream_buf = 4096;
		memset(&g, 0, sizeof(g));
		d = decoder_new(&cfg, got_cb, &g);
		seg(d, true, 1, TH_ACK, big, sizeof(big));
		ok(g.n == 1 && is_event(0, TCPEV_OVERFLOW), "frame larger than the buffer: overflow");
		decoder_free(d);
	}
}

static void test_table(void)
{
	struct decoder *d = fresh(2);

	for (cport = 1000; cport < 1003; cport++)
		seg(d, true, 1, TH_ACK, fike, lfike);
	is_int(g.n, 3, "three streams deliver");
	is_int(decoder_stats(d)->tcp_streams, 3, "  three streams created");
	is_int(decoder_stats(d)->tcp_streams_evicted, 1, "  one evicted (table of 2)");
	cport = CPORT;

	/* Sequence numbers wrapping through zero. */
	g.n = 0;
	seg(d, true, 0xfffffff0u, TH_SYN, NULL, 0);
	memcpy(buf, "IKETCP", 6);
	memcpy(buf + 6, fike, lfike);
	seg(d, true, 0xfffffff1u, TH_ACK, buf, 6 + lfike);
	seg(d, true, 0xfffffff1u + 6 + (uint32_t)lfike, TH_ACK, fesp, lfesp);
	ok(g.n == 3 && is_ike(1) && g.u[2].kind == UNIT_ESP, "sequence wrap: prefix, IKE, ESP");
	/* An RST off the sender's next sequence number is not believed. */
	g.n = 0;
	seg(d, true, 0xfffffff1u, TH_RST, NULL, 0);
	seg(d, true, 0xfffffff1u + 6 + (uint32_t)(lfike + lfesp), TH_ACK, fike, lfike);
	ok(g.n == 1 && is_ike(0), "RST at an old sequence number: the stream goes on");
	/* One at it ends the stream: a segment still in flight is not read. */
	seg(d, true, 0xfffffff1u + 6 + (uint32_t)(2 * lfike + lfesp), TH_RST, NULL, 0);
	g.n = 0;
	seg(d, true, 0xfffffff1u + 6 + (uint32_t)(2 * lfike + lfesp), TH_ACK, fike, lfike);
	is_int(g.n, 0, "after an RST at the next sequence number: nothing more");
	seg(d, true, 77, TH_SYN, NULL, 0);
	memcpy(buf, "IKETCP", 6);
	memcpy(buf + 6, fike, lfike);
	seg(d, true, 78, TH_ACK, buf, 6 + lfike);
	ok(g.n == 2 && is_ike(1), "  until a new SYN");
	decoder_free(d);
}

/* The closing of a stream: a FIN with a hole before it, retransmissions
 * after it, bytes sent twice with different data, and the order of gap
 * events across streams. */
static void test_close(void)
{
	struct decoder *d = fresh(0);
	uint8_t other[64];
	uint32_t s0 = 101 + 6;

	/* Data and FIN sent again after both sides closed: read once. */
	seg(d, true, 100, TH_SYN, NULL, 0);
	seg(d, false, 700, TH_SYN | TH_ACK, NULL, 0);
	memcpy(buf, "IKETCP", 6);
	memcpy(buf + 6, fike, lfike);
	seg(d, true, 101, TH_ACK | TH_PSH, buf, 6 + lfike);
	seg(d, true, s0 + (uint32_t)lfike, TH_ACK | TH_PSH | TH_FIN, fike, lfike);
	seg(d, false, 701, TH_ACK | TH_FIN, NULL, 0);
	ok(g.n == 3 && is_ike(1) && is_ike(2), "prefix and two frames, the second with the FIN");
	g.n = 0;
	seg(d, true, s0 + (uint32_t)lfike, TH_ACK | TH_PSH | TH_FIN, fike, lfike);
	is_int(g.n, 0, "  the last segment sent again after the close: no second unit");
	seg(d, true, s0 + 2 * (uint32_t)lfike + 1, TH_ACK, fesp, lfesp);
	is_int(g.n, 0, "  bytes past the FIN: nothing");
	decoder_free(d);

	/* A FIN whose segment comes before the one ahead of it. */
	d = fresh(0);
	seg(d, true, 500, TH_ACK, fike, lfike);
	seg(d, true, 500 + 2 * (uint32_t)lfike, TH_ACK | TH_FIN, fike, lfike);
	seg(d, true, 500 + (uint32_t)lfike, TH_ACK, fike, lfike);
	ok(g.n == 3 && is_ike(0) && is_ike(1) && is_ike(2), "FIN ahead of a missing segment: three frames, no gap");
	decoder_free(d);

	/* The gap timeout runs from the oldest island still waiting. */
	d = fresh(0);
	seg_cut(d, true, 500, TH_ACK, fike, lfike, SEC, 0);
	seg_cut(d, true, 500 + 2 * (uint32_t)lfike, TH_ACK, fike, lfike, SEC + SEC / 10, 0);
	seg_cut(d, true, 500 + 4 * (uint32_t)lfike, TH_ACK, fike, lfike, 10 * SEC, 0);
	seg_cut(d, true, 500 + (uint32_t)lfike, TH_ACK, fike, lfike, 10 * SEC + SEC / 2, 0);
	seg_cut(d, false, 7000, TH_ACK, NULL, 0, 11 * SEC + SEC / 5, 0);
	seg_cut(d, true, 500 + 3 * (uint32_t)lfike, TH_ACK, fike, lfike, 11 * SEC + SEC / 2, 0);
	is_int(g.n, 5, "an island joined at 10.5 s, another waiting since 10 s: no gap at 11.2 s");
	decoder_free(d);

	/* A byte sent twice with different data keeps its first copy. */
	d = fresh(0);
	memcpy(other, fike, lfike);
	other[28] ^= 0x5a;    /* in the message ID */
	seg(d, true, 500, TH_ACK, fike, 30);
	seg(d, true, 500, TH_ACK, other, 30);
	seg(d, true, 530, TH_ACK, fike + 30, lfike - 30);
	ok(g.n == 1 && is_ike(0), "bytes sent again with other data: the first copy is kept");
	decoder_free(d);

	/* Gap events come oldest first, wherever their streams sit. */
	d = fresh(0);
	cport = 41001;
	seg_cut(d, true, 500, TH_ACK, fike, lfike, SEC, 0);
	cport = 41000;
	seg_cut(d, true, 500, TH_ACK, fike, lfike, SEC, 0);
	seg_cut(d, true, 500 + 2 * (uint32_t)lfike, TH_ACK, fike, lfike, SEC + SEC / 10, 0);
	cport = 41001;
	seg_cut(d, true, 500 + 2 * (uint32_t)lfike, TH_ACK, fike, lfike, 2 * SEC, 0);
	cport = CPORT;
	g.n = 0;
	decoder_expire(d, INT64_MAX);
	ok(g.n == 2 && is_event(0, TCPEV_GAP) && g.u[0].sport == 41000 && is_event(1, TCPEV_GAP) &&
		   g.u[1].sport == 41001,
	   "two holes at the end: the older stream's gap first");
	decoder_free(d);
}

int main(void)
{
	frames_init();
	test_handshake();
	test_gap();
	test_bad();
	test_table();
	test_close();
	return tap_done();
}
