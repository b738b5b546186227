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
static uint8_t ip[2048], fr[2048], l4[2048], body[256];
static uint64_t frame_no;
static struct decoder *dec;

static const uint8_t inside[4] = { 192, 0, 2, 1 }, nat[4] = { 198, 51, 100, 254 },
		     peer[4] = { 198, 51, 100, 2 }, other[4] = { 203, 0, 113, 9 };

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

	/* The answer comes in on wan first: it waits for its copy out on lan,
	 * and so does what comes behind it. */
	send(3, IN, peer, 500, nat, 500, 1, 0, T0 + 3 * MS);
	is_str(got_str(), "", "answer in on wan: held");
	send(2, IN, inside, 4500, peer, 4500, 2, 1, T0 + 3 * MS + 1);
	is_str(got_str(), "", "ESP in on lan behind it: held too");
	send(2, OUT, peer, 500, inside, 500, 1, 0, T0 + 3 * MS + MS / 10);
	is_str(got_str(), "c3 f4 f5", "the answer out on lan: the held one is the copy, in order");
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
	/* A second pair of interfaces, another tunnel: decided on its own. */
	send(6, IN, other, 4500, inside, 4500, 10, 1, T0 + 900 * MS);
	send(2, OUT, other, 4500, inside, 4500, 10, 1, T0 + 900 * MS + 1);
	is_str(got_str(), "N c16", "in on 6, out on 2: a new pair, 6 kept");
	is_int(g.u[0].u.copies.kept, 6, "  interface 6 kept");
	send(2, IN, inside, 4500, other, 4500, 11, 1, T0 + 901 * MS);
	is_str(got_str(), "", "in on 2, left out of that pair: held");
	send(6, OUT, inside, 4500, other, 4500, 11, 1, T0 + 901 * MS + 1);
	is_str(got_str(), "c17 f18", "  its copy out on 6 is the one analysed");
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
	test_extreme_times();
	fresh();
	test_no_ifindex();
	decoder_free(dec);
	return tap_done();
}
