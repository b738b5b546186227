/* test_iface_copies.c - a capture of all interfaces of a host that forwards
 * (and NATs) IPsec traffic: of the two copies of a forwarded packet, the one
 * on the left-out interface is marked (shown, not analysed); a packet
 * arriving on the left-out side waits for its copy, in order, and is
 * analysed when none comes; a host's own packets on two paths, packets far
 * apart, and captures without interface indexes are no copies. */
#include "../tap.h"
#include "capture.h"
#include "frames.h"

#define MS 1000000LL
#define T0 (1000 * 1000 * MS)
#define IN 0
#define OUT 1

static struct got g;
static uint8_t ip[16384], fr[16384], l4[16384], body[12288];
static uint64_t frame_no;
static struct decoder *dec;

static const uint8_t inside[4] = { 192, 0, 2, 1 }, nat[4] = { 198, 51, 100, 254 },
		     peer[4] = { 198, 51, 100, 2 }, other[4] = { 203, 0, 113, 9 };

/* The UDP datagram in l4 (n bytes) from src to dst, captured on interface
 * ifindex going in or out (ifindex 0: Ethernet, which names no interface).
 * Returns the number of units out. */
static int feed_udp(uint32_t ifindex, int dir, const uint8_t src[4], const uint8_t dst[4], size_t n,
		    int64_t ts)
{
	n = mk_ip4(ip, 17, 77, 0, 0, l4, n);
	memcpy(ip + 12, src, 4);
	memcpy(ip + 16, dst, 4);
	if (ifindex) {
		n = mk_link(fr, LINKTYPE_LINUX_SLL2, 4, ip, n);
		fr[4] = (uint8_t)(ifindex >> 24);
		fr[5] = (uint8_t)(ifindex >> 16);
		fr[6] = (uint8_t)(ifindex >> 8);
		fr[7] = (uint8_t)ifindex;
		fr[10] = dir == OUT ? 4 : 0;
	} else {
		n = mk_link(fr, LINKTYPE_ETHERNET, 4, ip, n);
	}
	g.n = 0;
	decoder_frame(dec, ifindex ? LINKTYPE_LINUX_SLL2 : LINKTYPE_ETHERNET, fr, (uint32_t)n,
		      (uint32_t)n, ts, ++frame_no);
	return g.n;
}

/* IKE (esp 0) or ESP-in-UDP (esp 1), varied by seed, from src:sport to
 * dst:dport, captured on interface ifindex going in or out (ifindex 0:
 * Ethernet, which names no interface). Returns the number of units out. */
static int send(uint32_t ifindex, int dir, const uint8_t src[4], unsigned sport, const uint8_t dst[4],
		unsigned dport, int seed, int esp, int64_t ts)
{
	size_t n, len = esp ? sizeof(esp_pkt) : sizeof(ike_sa_init_r);

	memcpy(body, esp ? esp_pkt : ike_sa_init_r, len);
	body[esp ? 7 : 8] ^= (uint8_t)seed;  /* ESP sequence / IKE responder SPI */
	n = mk_udp(l4, sport, dport, body, len);
	return feed_udp(ifindex, dir, src, dst, n, ts);
}

/* The units out, as "f<frame>" or "c<frame>" for a copy, "N" for the note. */
static const char *got_str(void)
{
	static char s[256];
	size_t o = 0;

	s[0] = '\0';
	for (int i = 0; i < g.n && o < sizeof(s) - 24; i++) {
		if (g.u[i].kind == UNIT_IFACE_COPIES)
			o += (size_t)snprintf(s + o, sizeof(s) - o, "%sN", i ? " " : "");
		else
			o += (size_t)snprintf(s + o, sizeof(s) - o, "%s%c%llu", i ? " " : "",
					      g.u[i].iface_copy ? 'c' : 'f', (unsigned long long)g.u[i].frame);
	}
	return s;
}

static void test_nat_router(void)
{
	/* The initiator's request comes in on lan (2), leaves on wan (3). */
	send(2, IN, inside, 500, peer, 500, 0, 0, T0);
	is_str(got_str(), "f1", "request in on lan: analysed");
	is_int(g.u[0].ifindex, 2, "  with its interface index");
	send(3, OUT, nat, 500, peer, 500, 0, 0, T0 + MS / 10);
	is_str(got_str(), "N c2", "its copy out on wan: the note, then the copy");
	is_int(g.u[0].u.copies.kept, 2, "  interface 2 kept");
	is_int(g.u[0].u.copies.ignored, 3, "  interface 3 left out");
	is_int(g.u[0].u.copies.kept_frame, 1, "  first copy's frame");
	is_int(g.u[0].frame, 2, "  second copy's frame");
	ok(!g.u[0].u.copies.kept_name[0], "  no names: the decoder does not know the host's");
	is_int(g.u[1].iface_copy, COPY_FORWARDED, "  a forwarded copy");
	is_int(g.u[1].copy_changed, COPY_SRC_CHANGED, "  its source changed (NAT), its destination not");

	/* The answer comes in on wan first: it waits for its copy out on lan,
	 * and so does what comes behind it. */
	send(3, IN, peer, 500, nat, 500, 1, 0, T0 + 3 * MS);
	is_str(got_str(), "", "answer in on wan: held");
	send(2, IN, inside, 4500, peer, 4500, 2, 1, T0 + 3 * MS + 1);
	is_str(got_str(), "", "ESP in on lan behind it: held too");
	send(2, OUT, peer, 500, inside, 500, 1, 0, T0 + 3 * MS + MS / 10);
	is_str(got_str(), "c3 f4 f5", "the answer out on lan: the held one is the copy, in order");
	is_int(g.u[0].copy_changed, COPY_DST_CHANGED, "  the held copy's destination changed, its source not");
	send(3, OUT, nat, 4500, peer, 4500, 2, 1, T0 + 3 * MS + MS / 5);
	is_str(got_str(), "c6", "the ESP's copy out on wan");

	/* The host's own IKE on wan: held for the window, then analysed. */
	send(3, IN, other, 500, nat, 500, 4, 0, T0 + 10 * MS);
	is_str(got_str(), "", "IKE in on wan for the host: held");
	send(3, OUT, nat, 500, other, 500, 5, 0, T0 + 12 * MS);
	is_str(got_str(), "", "  the host's answer out on wan: behind it");
	send(2, IN, inside, 4500, peer, 4500, 6, 1, T0 + 200 * MS);
	is_str(got_str(), "f7 f8 f9", "a packet after the window: all analysed, in order");

	/* Held at the end of the input: released by the last expiry. */
	send(3, IN, other, 500, nat, 500, 7, 0, T0 + 300 * MS);
	is_str(got_str(), "", "IKE in on wan: held");
	g.n = 0;
	decoder_expire(dec, INT64_MAX);
	is_str(got_str(), "f10", "end of input: analysed");

	/* The same bytes on the other side long after: no copy. */
	send(2, IN, inside, 500, other, 500, 8, 0, T0 + 400 * MS);
	send(3, OUT, nat, 501, other, 500, 8, 0, T0 + 700 * MS);
	is_str(got_str(), "f12", "same bytes out on wan 300 ms later: analysed");

	/* A retransmission on the same interface is no copy either. */
	send(2, IN, inside, 500, peer, 500, 9, 0, T0 + 800 * MS);
	send(2, IN, inside, 500, peer, 500, 9, 0, T0 + 800 * MS + 1);
	is_str(got_str(), "f14", "the same again in on lan: analysed");
	/* A third interface, another tunnel: it joins the group as it is. */
	send(6, IN, other, 4500, inside, 4500, 10, 1, T0 + 900 * MS);
	send(2, OUT, other, 4500, inside, 4500, 10, 1, T0 + 900 * MS + 1);
	is_str(got_str(), "N c16", "in on 6, out on 2: 6 joins the group");
	is_int(g.u[0].u.copies.kept, 2, "  interface 2 still kept");
	is_int(g.u[0].u.copies.ignored, 6, "  interface 6 left out");
	send(6, IN, other, 4500, inside, 4500, 11, 1, T0 + 901 * MS);
	is_str(got_str(), "", "in on 6: held");
	send(2, OUT, other, 4500, inside, 4500, 11, 1, T0 + 901 * MS + 1);
	is_str(got_str(), "c17 f18", "  its copy out on 2 is the one analysed");
	is_int(decoder_stats(dec)->iface_copies, 5, "five copies counted");
}

/* A unit emitted late with an old time (an expired fragment set) does not
 * end the window of a held one early. */
static void test_late_unit(void)
{
	size_t n = mk_udp(l4, 500, 500, ike_sa_init_r, sizeof(ike_sa_init_r));

	n = mk_ip4(ip, 17, 99, 0x2000, 0, l4, n);  /* first fragment, more to come */
	n = mk_link(fr, LINKTYPE_LINUX_SLL2, 4, ip, n);
	decoder_frame(dec, LINKTYPE_LINUX_SLL2, fr, (uint32_t)n, (uint32_t)n, T0 - 29960 * MS, ++frame_no);
	send(2, IN, inside, 500, peer, 500, 20, 0, T0);
	send(3, OUT, nat, 500, peer, 500, 20, 0, T0 + 1);
	send(3, IN, peer, 500, nat, 500, 21, 0, T0 + 2);
	is_str(got_str(), "", "answer in on wan: held");
	g.n = 0;
	decoder_expire(dec, T0 + 50 * MS);
	is_str(got_str(), "", "a fragment set 30 s old expires: behind it, not past its window");
	send(2, OUT, peer, 500, inside, 500, 21, 0, T0 + 60 * MS);
	is_str(got_str(), "c4 f1 f5", "the copy out on lan: held one marked, then the rest in order");
}

/* A big IKE message (IP fragments reassembled) of n bytes, varied by seed. */
static int send_big(uint32_t ifindex, int dir, const uint8_t src[4], const uint8_t dst[4], size_t len,
		    int seed, int64_t ts)
{
	size_t n;

	memset(body, 0, len);
	memcpy(body, ike_sa_init_r, sizeof(ike_sa_init_r));
	body[8] ^= (uint8_t)seed;
	body[24] = (uint8_t)(len >> 24);
	body[25] = (uint8_t)(len >> 16);
	body[26] = (uint8_t)(len >> 8);
	body[27] = (uint8_t)len;
	n = mk_udp(l4, 500, 500, body, len);
	return feed_udp(ifindex, dir, src, dst, n, ts);
}

/* A keepalive from src to dst. */
static void keepalive(uint32_t ifindex, int dir, const uint8_t src[4], const uint8_t dst[4], int64_t ts)
{
	static const uint8_t ff = 0xff;

	feed_udp(ifindex, dir, src, dst, mk_udp(l4, 4500, 4500, &ff, 1), ts);
}

/* A VLAN (9) over the wan (3) of a NAT router: three copies of each
 * forwarded packet, one analysed, on lan (2); the answers wait on wan and
 * on the VLAN for their copy on lan. */
static void test_vlan_router(void)
{
	send(2, IN, inside, 500, peer, 500, 1, 0, T0);
	send(9, OUT, nat, 500, peer, 500, 1, 0, T0 + 1);
	is_str(got_str(), "N c2", "request out on the VLAN: 9 left out");
	send(3, OUT, nat, 500, peer, 500, 1, 0, T0 + 2);
	is_str(got_str(), "N c3", "and out on its parent: 3 left out, 2 still kept");
	is_int(g.u[1].iface_copy, COPY_FORWARDED, "  judged against the analysed copy: forwarded");
	is_int(g.u[1].copy_changed, COPY_SRC_CHANGED, "  with its source translated");
	is_int(g.u[0].u.copies.kept, 2, "  kept 2");
	send(3, IN, peer, 500, nat, 500, 2, 0, T0 + MS);
	send(9, IN, peer, 500, nat, 500, 2, 0, T0 + MS + 1);
	is_str(got_str(), "c4 N", "answer in on wan, then on the VLAN, which ranks better: wan's marked");
	is_int(g.u[0].iface_copy, COPY_STACKED, "  the same way with the same addresses: stacked");
	is_int(g.u[0].copy_changed, 0, "  no end changed");
	send(2, OUT, peer, 500, inside, 500, 2, 0, T0 + MS + 2);
	is_str(got_str(), "c5 f6", "its copy out on lan: analysed, the VLAN's marked");
	/* Everything waits behind a held unit, in order: more than the queue
	 * holds pushes the oldest on, analysed as seen and not flagged. */
	uint64_t before = decoder_stats(dec)->units, last = 0;
	int in_order = 1;

	send(3, IN, peer, 500, nat, 500, 3, 0, T0 + 2 * MS);
	for (int i = 0; i < 300; i++) {
		send(2, IN, inside, 4500, peer, 4500, i, 1, T0 + 2 * MS + 1 + i);
		/* got keeps the first GOT_MAX of a batch: enough for the order */
		for (int k = 0; k < g.n; k++) {
			in_order &= g.u[k].frame > last;
			last = g.u[k].frame;
		}
	}
	g.n = 0;
	decoder_expire(dec, INT64_MAX);
	for (int k = 0; k < g.n; k++) {
		in_order &= g.u[k].frame > last;
		last = g.u[k].frame;
	}
	is_int(decoder_stats(dec)->units - before, 301, "301 units behind and including a held one: all out");
	ok(in_order, "  in frame order");
	is_int(last, frame_no, "  the last one last");
}

/* A router with lan (2), wan (3) and dmz (6): a tunnel lan-wan makes lan
 * the best, then a tunnel dmz-wan is judged on wan, its better side, both
 * ways, at once. */
static void test_three_legs(void)
{
	static const uint8_t dmz_host[4] = { 192, 0, 2, 99 };

	send(2, IN, inside, 500, peer, 500, 1, 0, T0);
	send(3, OUT, nat, 500, peer, 500, 1, 0, T0 + 1);
	is_str(got_str(), "N c2", "lan-wan: wan left out");
	send(6, IN, dmz_host, 500, other, 500, 2, 0, T0 + MS);
	is_str(got_str(), "f3", "dmz-wan, first request in on dmz: analysed, dmz not yet known");
	send(3, OUT, nat, 501, other, 500, 2, 0, T0 + MS + 1);
	is_str(got_str(), "N c4", "  out on wan: marked, first come");
	send(3, IN, other, 500, nat, 501, 3, 0, T0 + 2 * MS);
	is_str(got_str(), "", "its answer in on wan: held, lan ranks better");
	send(6, OUT, other, 500, dmz_host, 500, 3, 0, T0 + 2 * MS + 1);
	is_str(got_str(), "f5 c6", "  out on dmz: forwarded, settled at once, wan analysed");
	ok(g.n == 2 && !g.u[0].unforwarded, "  not flagged unforwarded");
	send(6, IN, dmz_host, 500, other, 500, 4, 0, T0 + 3 * MS);
	is_str(got_str(), "", "the next request in on dmz: held, wan ranks better");
	send(3, OUT, nat, 501, other, 500, 4, 0, T0 + 3 * MS + 1);
	is_str(got_str(), "c7 f8", "  out on wan: analysed there, dmz marked");
}

/* Stamps a little out of order, as two CPUs give them. */
static void test_early_stamps(void)
{
	send(2, IN, inside, 500, peer, 500, 1, 0, T0);
	send(3, OUT, nat, 500, peer, 500, 1, 0, T0 + 1);
	send(3, IN, peer, 500, nat, 500, 2, 0, T0 + MS);
	is_str(got_str(), "", "answer in on wan: held");
	send(2, IN, inside, 4500, peer, 4500, 3, 1, T0 + MS - 5000);
	is_str(got_str(), "", "a frame stamped 5 us earlier: the answer still held, and it behind");
	send(2, OUT, peer, 500, inside, 500, 2, 0, T0 + MS - 1000);
	is_str(got_str(), "c3 f4 f5", "the answer's copy stamped before it: still its copy");
	ok(g.n == 3 && !g.u[0].unforwarded, "  nothing flagged unforwarded");
}

/* Keepalives of two hosts between grouped interfaces share no endpoint:
 * no copies. */
static void test_keepalive_hosts(void)
{
	static const uint8_t host_b[4] = { 192, 0, 2, 7 };

	send(2, IN, inside, 500, peer, 500, 1, 0, T0);
	send(3, OUT, nat, 500, peer, 500, 1, 0, T0 + 1);
	keepalive(3, IN, other, nat, T0 + MS);
	keepalive(2, OUT, peer, host_b, T0 + MS + 1);
	is_str(got_str(), "", "keepalives of other hosts: the one in on wan still held");
	send(2, IN, inside, 500, peer, 500, 5, 0, T0 + 200 * MS);
	ok(g.n == 3 && !g.u[0].iface_copy && !g.u[1].iface_copy, "  neither marked a copy of the other");
}

/* A held unit, then a 9000-byte one: it waits behind, bytes intact. */
static void test_big_unit(void)
{
	send(2, IN, inside, 500, peer, 500, 1, 0, T0);
	send(3, OUT, nat, 500, peer, 500, 1, 0, T0 + 1);
	send(3, IN, peer, 500, nat, 500, 2, 0, T0 + MS);
	is_str(got_str(), "", "answer in on wan: held");
	send_big(2, IN, inside, peer, 9000, 3, T0 + MS + 1);
	is_str(got_str(), "", "a 9000-byte message in on lan: behind it");
	send(2, OUT, peer, 500, inside, 500, 2, 0, T0 + MS + 2);
	is_str(got_str(), "c3 f4 f5", "the copy out on lan: all out in order");
	ok(g.n == 3 && g.u[1].len == 9000 && g.u[1].data[8] == (ike_sa_init_r[8] ^ 3) &&
		   g.u[1].data[8999] == 0,
	   "  the big one's bytes intact");
}

/* Keepalives from two hosts, in on one interface and out on another: all
 * alike, they start no group. */
static void test_keepalives(void)
{
	keepalive(2, IN, inside, peer, T0);
	keepalive(3, OUT, nat, other, T0 + 30 * MS);
	is_str(got_str(), "f2", "a keepalive out on 3 after one in on 2: no copy");
	send(3, IN, peer, 500, nat, 500, 1, 0, T0 + 40 * MS);
	is_str(got_str(), "f3", "  and no group: in on 3 is not held");
	is_int(decoder_stats(dec)->iface_copies, 0, "  no copy counted");
}

/* Answers the host does not forward are flagged: after the window, and at
 * the end of the input once the window has passed there. */
static void test_unforwarded(void)
{
	send(2, IN, inside, 500, peer, 500, 1, 0, T0);
	send(3, OUT, nat, 500, peer, 500, 1, 0, T0 + 1);
	send(3, IN, peer, 500, nat, 500, 2, 0, T0 + MS);
	send(2, IN, inside, 500, peer, 500, 3, 0, T0 + 200 * MS);
	is_str(got_str(), "f3 f4", "an answer in on wan with no copy out on lan: out after the window");
	ok(g.n == 2 && g.u[0].unforwarded && !g.u[1].unforwarded, "  flagged unforwarded");
	send(3, IN, peer, 500, nat, 500, 4, 0, T0 + 300 * MS);
	is_str(got_str(), "", "another: held");
	g.n = 0;
	decoder_expire(dec, INT64_MAX);
	ok(g.n == 1 && !g.u[0].unforwarded, "  the input ends at once: out, not flagged");
}

/* Any frame moves the windows; the end of the input judges what is left
 * by the last time the input showed. */
static void test_unforwarded_at_end(void)
{
	send(2, IN, inside, 500, peer, 500, 1, 0, T0);
	send(3, OUT, nat, 500, peer, 500, 1, 0, T0 + 1);
	send(3, IN, peer, 500, nat, 500, 2, 0, T0 + MS);
	/* A frame that is no IKE or ESP (DNS) 0.5 s later. */
	feed_udp(2, IN, inside, other, mk_udp(l4, 53, 53, ike_sa_init_r, 8), T0 + 500 * MS);
	is_str(got_str(), "f3", "a frame that is no IKE or ESP, 0.5 s later: the held answer goes on");
	ok(g.n == 1 && g.u[0].unforwarded, "  flagged unforwarded");
	send(3, IN, peer, 500, nat, 500, 3, 0, T0 + 600 * MS);
	is_str(got_str(), "", "another answer in on wan: held");
	decoder_note_time(dec, T0 + 900 * MS);
	g.n = 0;
	decoder_expire(dec, INT64_MAX);
	ok(g.n == 1 && g.u[0].unforwarded, "the input watched 0.3 s longer, then its end: flagged");
}

/* A host sending one message on two paths (MOBIKE): both are its own. */
static void test_two_paths(void)
{
	send(2, OUT, inside, 4500, peer, 4500, 1, 0, T0);
	send(3, OUT, other, 4500, peer, 4500, 1, 0, T0 + 1);
	is_str(got_str(), "f2", "same message out on two interfaces from two addresses: no copy");
	/* A VLAN and its parent show one packet twice, addresses and all. */
	send(4, IN, peer, 4500, inside, 4500, 2, 1, T0 + MS);
	send(5, IN, peer, 4500, inside, 4500, 2, 1, T0 + MS + 1);
	is_str(got_str(), "N c4", "same packet in on two interfaces, same addresses: a copy");
	send(3, IN, peer, 4500, other, 4500, 3, 1, T0 + 2 * MS);
	is_str(got_str(), "f5", "in on an interface that left out nothing: analysed at once");
	is_int(decoder_stats(dec)->iface_copies, 1, "one copy counted");
}

/* Stamps at the ends of the range: no overflow (UBSan), no false copy. */
static void test_extreme_times(void)
{
	send(2, IN, inside, 500, peer, 500, 1, 0, INT64_MIN + 1);
	send(3, OUT, nat, 500, peer, 500, 1, 0, INT64_MAX - 1);
	is_str(got_str(), "f2", "same bytes at both ends of time: no copy");
	send(3, OUT, nat, 500, peer, 500, 2, 0, INT64_MAX - 1);
	send(2, IN, inside, 500, peer, 500, 2, 0, INT64_MIN + 1);
	is_str(got_str(), "f4", "time going back: no copy");
	/* Held at the very end of time, still released by the last expiry. */
	send(2, IN, inside, 500, peer, 500, 3, 0, INT64_MAX - 3);
	send(3, OUT, nat, 500, peer, 500, 3, 0, INT64_MAX - 2);
	is_str(got_str(), "N c6", "a copy at the end of time");
	send(3, IN, other, 500, nat, 500, 4, 0, INT64_MAX - 1);
	is_str(got_str(), "", "  then a unit in on the left-out side: held");
	g.n = 0;
	decoder_expire(dec, INT64_MAX);
	is_str(got_str(), "f7", "  released by the last expiry");
}

/* Without interface indexes, copies cannot be told from retransmissions. */
static void test_no_ifindex(void)
{
	is_int(send(0, IN, inside, 500, peer, 500, 0, 0, T0), 1, "Ethernet: IKE analysed");
	send(0, IN, nat, 500, peer, 500, 0, 0, T0 + 1);
	is_str(got_str(), "f2", "  the same bytes again: analysed");
	is_int(g.u[0].ifindex, 0, "  no interface index");
	is_int(decoder_stats(dec)->iface_copies, 0, "  no copy");
}

static void fresh(void)
{
	decoder_free(dec);
	dec = dec_make(&g);
	frame_no = 0;
}

int main(void)
{
	dec = dec_make(&g);
	ok(dec != NULL, "decoder_new");
	if (!dec)
		return tap_done();
	test_nat_router();
	fresh();
	test_two_paths();
	fresh();
	test_late_unit();
	fresh();
	test_vlan_router();
	fresh();
	test_three_legs();
	fresh();
	test_early_stamps();
	fresh();
	test_keepalive_hosts();
	fresh();
	test_big_unit();
	fresh();
	test_keepalives();
	fresh();
	test_unforwarded();
	fresh();
	test_unforwarded_at_end();
	fresh();
	test_extreme_times();
	fresh();
	test_no_ifindex();
	decoder_free(dec);
	return tap_done();
}
