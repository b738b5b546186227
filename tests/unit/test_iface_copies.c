/* test_iface_copies.c - a capture of all interfaces of a host that forwards
 * (and NATs) IPsec traffic: the copy on the second interface is marked as
 * one (shown, not analysed), once the pair is known the left-out side's
 * copies are marked as they come, the host's own traffic is not, and
 * captures without interface indexes are untouched. */
#include "../tap.h"
#include "capture.h"
#include "frames.h"

#define MS 1000000LL
#define T0 (1000 * 1000 * MS)

static struct got g;
static uint8_t ip[2048], fr[2048], l4[2048], body[256];
static uint64_t frame_no;
static struct decoder *dec;

static const uint8_t inside[4] = { 192, 0, 2, 1 }, nat[4] = { 198, 51, 100, 254 },
		     peer[4] = { 198, 51, 100, 2 }, other[4] = { 203, 0, 113, 9 };

/* IKE (seed 0..) or ESP-in-UDP (esp) from src:sport to dst:dport on
 * interface ifindex (0: Ethernet, which names none). Returns the number of
 * units, with copies counted negative: -1 is one unit marked as a copy. */
static int send(uint32_t ifindex, const uint8_t src[4], unsigned sport, const uint8_t dst[4],
		unsigned dport, int seed, int esp, int64_t ts)
{
	size_t n, len = esp ? sizeof(esp_pkt) : sizeof(ike_sa_init_r);

	memcpy(body, esp ? esp_pkt : ike_sa_init_r, len);
	body[esp ? 7 : 8] ^= (uint8_t)seed;  /* ESP sequence / IKE responder SPI */
	if (!esp && dport == 4500) {
		memmove(body + 4, body, len);  /* non-ESP marker */
		memset(body, 0, 4);
		len += 4;
	}
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
	} else {
		n = mk_link(fr, LINKTYPE_ETHERNET, 4, ip, n);
	}
	g.n = 0;
	decoder_frame(dec, ifindex ? LINKTYPE_LINUX_SLL2 : LINKTYPE_ETHERNET, fr,
		      (uint32_t)n, (uint32_t)n, ts, ++frame_no);
	return g.n == 1 && g.u[0].iface_copy ? -1 : g.n;
}

static void keepalive(uint32_t ifindex, const uint8_t src[4], const uint8_t dst[4], int64_t ts)
{
	static const uint8_t ff = 0xff;
	size_t n = mk_udp(l4, 4500, 4500, &ff, 1);

	n = mk_ip4(ip, 17, 78, 0, 0, l4, n);
	memcpy(ip + 12, src, 4);
	memcpy(ip + 16, dst, 4);
	n = mk_link(fr, LINKTYPE_LINUX_SLL2, 4, ip, n);
	fr[7] = (uint8_t)ifindex;
	g.n = 0;
	decoder_frame(dec, LINKTYPE_LINUX_SLL2, fr, (uint32_t)n, (uint32_t)n, ts, ++frame_no);
}

static void test_nat_router(void)
{
	const struct decoder_stats *st;

	/* The initiator's request comes in on lan (2), leaves on wan (3) NATed. */
	is_int(send(2, inside, 500, peer, 500, 0, 0, T0), 1, "first copy delivered");
	is_int(g.u[0].ifindex, 2, "  with its interface index");
	is_int(send(3, nat, 500, peer, 500, 0, 0, T0 + MS / 10), 2, "second copy: two units");
	is_int(g.u[0].kind, UNIT_IFACE_COPIES, "  first saying the interfaces show the same packets");
	ok(g.u[1].kind == UNIT_IKE && g.u[1].iface_copy, "  then the IKE unit, marked as a copy");
	ok(!g.u[0].iface_copy, "  the first not marked itself");
	is_int(g.u[0].u.copies.kept, 2, "  interface 2 kept");
	is_int(g.u[0].u.copies.ignored, 3, "  interface 3 left out");
	is_int(g.u[0].u.copies.kept_frame, 1, "  first copy's frame");
	is_int(g.u[0].frame, 2, "  second copy's frame");
	ok(!g.u[0].u.copies.kept_name[0], "  no names: the decoder does not know the host's");

	/* The answer comes in on wan first: its pair is known, so it is a copy
	 * at once, and its twin on lan is the one analysed. */
	is_int(send(3, peer, 500, nat, 500, 1, 0, T0 + 3 * MS), -1, "answer on the left-out side: a copy");
	is_int(send(2, peer, 500, inside, 500, 1, 0, T0 + 3 * MS + MS / 10), 1, "its twin on the kept side: not");
	is_int(g.u[0].kind, UNIT_IKE, "  an IKE unit"); 

	/* NAT-T: ESP on 4500 learns that pair, keepalives on it follow. */
	is_int(send(2, inside, 4500, peer, 4500, 2, 1, T0 + 10 * MS), 1, "ESP on lan: delivered");
	is_int(send(3, nat, 4500, peer, 4500, 2, 1, T0 + 10 * MS + MS / 10), -1, "its copy on wan: a copy");
	is_int(g.u[0].kind, UNIT_ESP, "  an ESP unit");
	keepalive(3, nat, peer, T0 + 20 * MS);
	ok(g.n == 1 && g.u[0].kind == UNIT_KEEPALIVE && g.u[0].iface_copy, "keepalive on wan's learnt pair: a copy");
	keepalive(2, inside, peer, T0 + 20 * MS + 1);
	ok(g.n == 1 && !g.u[0].iface_copy, "keepalive on lan: not");
	is_int(send(3, peer, 4500, nat, 4500, 3, 1, T0 + 30 * MS), -1, "ESP back on wan: a copy");
	is_int(send(2, peer, 4500, inside, 4500, 3, 1, T0 + 30 * MS + 1), 1, "and on lan: not");

	/* The router's own tunnel on wan: another pair, nothing to copy. */
	is_int(send(3, nat, 500, other, 500, 4, 0, T0 + 40 * MS), 1, "the host's own IKE on wan: delivered");
	is_int(send(3, other, 500, nat, 500, 5, 0, T0 + 41 * MS), 1, "  and its answer");

	/* The same bytes on another interface long after are not a copy. */
	is_int(send(2, inside, 500, other, 500, 6, 0, T0 + 50 * MS), 1, "IKE on lan");
	is_int(send(3, nat, 501, other, 500, 6, 0, T0 + 50 * MS + 300 * MS), 1,
	       "same bytes on wan 300 ms later: delivered");
	is_int(g.u[0].kind, UNIT_IKE, "  as IKE, not a copy");

	/* A retransmission on the same interface is no copy either. */
	is_int(send(2, inside, 500, peer, 500, 7, 0, T0 + 400 * MS), 1, "IKE on lan");
	is_int(send(2, inside, 500, peer, 500, 7, 0, T0 + 400 * MS + 1), 1, "  the same again on lan: delivered");

	st = decoder_stats(dec);
	is_int(st->iface_copies, 5, "the five copies counted");
}

/* Without interface indexes, copies cannot be told from retransmissions. */
static void test_no_ifindex(void)
{
	is_int(send(0, inside, 500, peer, 500, 0, 0, T0), 1, "Ethernet: IKE delivered");
	is_int(send(0, nat, 500, peer, 500, 0, 0, T0 + 1), 1, "  the same bytes again: delivered");
	is_int(g.u[0].ifindex, 0, "  no interface index");
	is_int(decoder_stats(dec)->iface_copies, 0, "  no copy");
}

int main(void)
{
	dec = dec_make(&g);
	ok(dec != NULL, "decoder_new");
	if (!dec)
		return tap_done();
	test_nat_router();
	decoder_free(dec);
	dec = dec_make(&g);
	test_no_ifindex();
	decoder_free(dec);
	return tap_done();
}
