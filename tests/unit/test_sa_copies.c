/* test_sa_copies.c - an IKE SA captured with -i any on a host that forwards
 * it: copies of its messages on another interface place the capture between
 * the peers and show which peer's address the host translates; an answer the
 * host did not forward counts without moving the SA's endpoints. Units are
 * fed as iface_copies.c hands them over (its own test covers the marking). */
#include <string.h>

#include "../../dissect/engine_int.h"
#include "../tap.h"

#define LAN 2
#define WAN 3

static struct engine *e;
static uint64_t frame;
static int64_t ns = 1000000000LL;

/* An IKEv2 IKE_SA_INIT header without payloads: enough for the SA. */
static void header(uint8_t *m, bool response)
{
	memset(m, 0, IKE_HDR_LEN);
	memset(m, 0xa1, 8);
	if (response)
		memset(m + 8, 0xb2, 8);
	m[17] = 0x20;
	m[18] = 34;
	m[19] = response ? 0x20 : 0x08;
	m[27] = IKE_HDR_LEN;
}

static void addr(struct addr *a, uint8_t b0, uint8_t b1, uint8_t b2, uint8_t b3)
{
	memset(a, 0, sizeof(*a));
	a->family = ADDR_V4;
	a->a[0] = b0;
	a->a[1] = b1;
	a->a[2] = b2;
	a->a[3] = b3;
}

struct hop {
	uint8_t src[4], dst[4];
	uint16_t sport, dport;
	uint32_t ifindex;
	uint8_t copy;        /* enum iface_copy */
	bool unforwarded;
	uint8_t changed;     /* unit.copy_changed */
};

static void feed(const struct hop *h, bool response)
{
	uint8_t m[IKE_HDR_LEN];
	struct unit u;

	header(m, response);
	memset(&u, 0, sizeof(u));
	u.kind = UNIT_IKE;
	u.transport = TR_UDP500;
	addr(&u.src, h->src[0], h->src[1], h->src[2], h->src[3]);
	addr(&u.dst, h->dst[0], h->dst[1], h->dst[2], h->dst[3]);
	u.sport = h->sport;
	u.dport = h->dport;
	u.ttl = 64;
	u.ifindex = h->ifindex;
	u.iface_copy = h->copy;
	u.copy_changed = h->changed;
	u.unforwarded = h->unforwarded;
	u.frame = ++frame;
	ns += 1000000;
	u.ts_ns = ns;
	u.data = m;
	u.len = u.orig_len = sizeof(m);
	engine_feed(e, &u);
}

static const struct ike_sa *only_sa(void)
{
	for (uint32_t s = 0; s < engine_sa_slots(e); s++)
		if (engine_sa(e, s))
			return engine_sa(e, s);
	return NULL;
}

static void start(void)
{
	e = engine_new(NULL, NULL);
	frame = 0;
}

/* A router doing source NAT for its client 192.0.2.1, the request kept on
 * lan and its answer too; the copies on wan carry the router's address. */
static void test_source_nat(void)
{
	const struct hop req = { { 192, 0, 2, 1 }, { 198, 51, 100, 2 }, 500, 500, LAN, 0, false, 0 };
	const struct hop req_wan = { { 198, 51, 100, 254 }, { 198, 51, 100, 2 }, 4500, 500, WAN,
				     COPY_FORWARDED, false, COPY_SRC_CHANGED };
	const struct hop resp_wan = { { 198, 51, 100, 2 }, { 198, 51, 100, 254 }, 500, 4500, WAN,
				      COPY_FORWARDED, false, COPY_DST_CHANGED };
	const struct hop resp = { { 198, 51, 100, 2 }, { 192, 0, 2, 1 }, 500, 500, LAN, 0, false, 0 };
	const struct ike_sa *sa;
	struct addr want;

	start();
	feed(&req, false);
	sa = only_sa();
	ok(sa && sa->cap_pos == POS_INITIATOR && !sa->forwarded_here,
	   "source NAT: before any copy, the initiator's TTL places the capture at it");
	feed(&req_wan, false);
	sa = only_sa();
	ok(sa && sa->forwarded_here && sa->cap_pos == POS_PATH,
	   "a forwarded copy places the capture between the peers");
	ok(sa && sa->nat_here == NAT_HERE_INITIATOR, "the initiator's address is translated here");
	addr(&want, 198, 51, 100, 254);
	ok(sa && engine_addr_eq(&sa->nat_here_ip[1], &want) && sa->nat_here_port[1] == 4500 &&
	   sa->nat_here_if[1] == WAN, "  to 198.51.100.254:4500 on wan");
	addr(&want, 192, 0, 2, 1);
	ok(sa && engine_addr_eq(&sa->nat_here_ip[0], &want) && sa->nat_here_port[0] == 500 &&
	   sa->nat_here_if[0] == LAN, "  from 192.0.2.1:500 on lan");
	feed(&resp_wan, true);
	feed(&resp, true);
	sa = only_sa();
	ok(sa && sa->nat_here == NAT_HERE_INITIATOR && sa->msgs_from_resp == 1 && sa->retransmits == 0,
	   "the answer's copy says the same, and is not counted");
	ok(sa && engine_addr_eq(&sa->init_ip, &want) && !sa->port_changed,
	   "the SA keeps the inside address");
	engine_free(e);
}

/* A port forward: the outside peer initiates to the router's address, kept
 * on wan; the copies on lan carry the inside server's. */
static void test_port_forward(void)
{
	const struct hop req = { { 198, 51, 100, 2 }, { 198, 51, 100, 254 }, 500, 500, WAN, 0, false, 0 };
	const struct hop req_lan = { { 198, 51, 100, 2 }, { 192, 0, 2, 1 }, 500, 500, LAN,
				     COPY_FORWARDED, false, COPY_DST_CHANGED };
	const struct ike_sa *sa;
	struct addr want;

	start();
	feed(&req, false);
	feed(&req_lan, false);
	sa = only_sa();
	addr(&want, 192, 0, 2, 1);
	ok(sa && sa->nat_here == NAT_HERE_RESPONDER && engine_addr_eq(&sa->nat_here_ip[1], &want) &&
	   sa->nat_here_if[1] == LAN, "port forward: the responder's address is translated to the inside one");
	engine_free(e);
}

/* Copies that say nothing of NAT: a plain router, a VLAN over its parent,
 * a held copy of an answer from another address than the SA's responder (a
 * virtual address), seen before the message it copies, and a host that
 * stops translating. */
static void test_no_translation(void)
{
	const struct hop req = { { 192, 0, 2, 1 }, { 198, 51, 100, 2 }, 500, 500, LAN, 0, false, 0 };
	const struct hop plain = { { 192, 0, 2, 1 }, { 198, 51, 100, 2 }, 500, 500, WAN,
				   COPY_FORWARDED, false, 0 };
	const struct hop vlan = { { 192, 0, 2, 1 }, { 198, 51, 100, 2 }, 500, 500, 7, COPY_STACKED, false, 0 };
	const struct hop vip_wan = { { 198, 51, 100, 3 }, { 192, 0, 2, 1 }, 500, 500, WAN,
				     COPY_FORWARDED, false, 0 };
	const struct hop vip = { { 198, 51, 100, 3 }, { 192, 0, 2, 1 }, 500, 500, LAN, 0, false, 0 };
	const struct hop nat_wan = { { 198, 51, 100, 254 }, { 198, 51, 100, 2 }, 4500, 500, WAN,
				     COPY_FORWARDED, false, COPY_SRC_CHANGED };
	const struct ike_sa *sa;

	start();
	feed(&req, false);
	feed(&vlan, false);
	sa = only_sa();
	ok(sa && !sa->forwarded_here && sa->cap_pos == POS_INITIATOR,
	   "a stacked device's copy says nothing of forwarding");
	feed(&vip_wan, true);
	sa = only_sa();
	ok(sa && sa->forwarded_here && !sa->nat_here,
	   "an answer's copy from another address, before the answer itself: no translation named");
	feed(&vip, true);
	feed(&plain, false);
	sa = only_sa();
	ok(sa && sa->forwarded_here && !sa->nat_here, "a plain router translates nothing");
	ok(sa && sa->msgs_from_init == 1, "copies are not counted as messages");
	engine_free(e);

	start();
	feed(&req, false);
	feed(&nat_wan, false);
	sa = only_sa();
	ok(sa && sa->nat_here == NAT_HERE_INITIATOR, "a copy with its source changed: translated");
	feed(&plain, false);
	sa = only_sa();
	ok(sa && !sa->nat_here, "a later copy unchanged: this host no longer translates");
	engine_free(e);
}

/* The router drops the answers: they reach wan and never leave on lan. */
static void test_unforwarded_answer(void)
{
	const struct hop req = { { 192, 0, 2, 1 }, { 198, 51, 100, 2 }, 500, 500, LAN, 0, false, 0 };
	const struct hop resp = { { 198, 51, 100, 2 }, { 198, 51, 100, 254 }, 500, 4500, WAN, 0, true, 0 };
	const struct ike_sa *sa;
	struct addr want;

	start();
	feed(&req, false);
	feed(&resp, true);
	sa = only_sa();
	addr(&want, 192, 0, 2, 1);
	ok(sa && sa->msgs_from_resp == 1, "the unforwarded answer counts");
	ok(sa && engine_addr_eq(&sa->init_ip, &want) && sa->init_port == 500,
	   "and leaves the initiator's endpoint as seen on lan");
	feed(&req, false);
	sa = only_sa();
	ok(sa && sa->msgs_from_init == 2 && !sa->port_changed,
	   "no endpoint change is read into the request sent again");
	engine_free(e);

	/* The host's own requests, and answers it took: nothing was kept, so
	 * the unforwarded units are the SA's only view. */
	start();
	{
		const struct hop own = { { 198, 51, 100, 254 }, { 198, 51, 100, 2 }, 500, 500, WAN, 0, true, 0 };

		feed(&own, false);
		sa = only_sa();
		addr(&want, 198, 51, 100, 254);
		ok(sa && engine_addr_eq(&sa->init_ip, &want),
		   "with nothing kept, an unforwarded request sets the endpoints");
	}
	engine_free(e);
}

int main(void)
{
	test_source_nat();
	test_port_forward();
	test_no_translation();
	test_unforwarded_answer();
	return tap_done();
}
