/* test_detect_ike.c - IKE detectors that no daemon capture here triggers,
 * driven by messages built to the RFC layouts: each must fire on its case
 * and stay quiet on a neighbouring one. */
#include <string.h>

#include "engine.h"
#include "../tap.h"

struct catcher {
	unsigned codes[DIAG__COUNT];
	unsigned severity[DIAG__COUNT];  /* of the last one raised */
	unsigned resolved[DIAG__COUNT];  /* events saying one was resolved */
};

static void catch_diag(void *ctx, const struct event *ev)
{
	struct catcher *c = ctx;

	if (ev->type == EV_DIAGNOSIS) {
		if (ev->u.diag->resolved) {
			c->resolved[ev->u.diag->code]++;
			return;
		}
		c->codes[ev->u.diag->code]++;
		c->severity[ev->u.diag->code] = ev->u.diag->severity;
	}
}

struct rig {
	struct catcher got;
	struct engine *e;
	uint64_t frame;
	int64_t ns;
};

static void rig_start(struct rig *r)
{
	struct event_sink sink = { catch_diag, &r->got };

	memset(r, 0, sizeof(*r));
	sink.ctx = &r->got;
	r->e = engine_new(NULL, &sink);
	r->ns = 1000000000LL;
}

static void addr4(struct addr *a, uint8_t last)
{
	memset(a, 0, sizeof(*a));
	a->family = ADDR_V4;
	a->a[0] = 192;
	a->a[2] = 2;
	a->a[3] = last;
}

static void feed_ports(struct rig *r, uint8_t from, uint16_t sport, uint8_t to, uint16_t dport,
		       const uint8_t *m, size_t len);

static void feed(struct rig *r, uint8_t from, uint8_t to, const uint8_t *m, size_t len)
{
	feed_ports(r, from, 500, to, 500, m, len);
}

static void feed_ports(struct rig *r, uint8_t from, uint16_t sport, uint8_t to, uint16_t dport,
		       const uint8_t *m, size_t len)
{
	struct unit u;

	memset(&u, 0, sizeof(u));
	u.kind = UNIT_IKE;
	u.transport = TR_UDP500;
	addr4(&u.src, from);
	addr4(&u.dst, to);
	u.sport = sport;
	u.dport = dport;
	u.ttl = 63;
	u.frame = ++r->frame;
	r->ns += 500000000LL;
	u.ts_ns = r->ns;
	u.data = m;
	u.len = u.orig_len = len;
	engine_feed(r->e, &u);
}

/* The size of a KE payload's public value, fixed by its group (RFC 7296
 * 3.4): of the groups these tests use. */
static size_t ke_value_len(uint16_t group)
{
	return group == 14 ? 256 : group == 19 ? 64 : 96;
}

/* An IKEv2 IKE_SA_INIT message (RFC 7296 3.1) holding one payload: a KE
 * payload of group `ke` (14, 19 or 20; request), or else an
 * INVALID_KE_PAYLOAD notify asking for group `want`, or else an SA payload
 * of one empty proposal. */
static void send_sa_init(struct rig *r, uint8_t from, uint8_t to, bool response, uint8_t ispi,
			 uint8_t rspi, uint16_t ke, uint16_t want)
{
	uint8_t m[28 + 8 + 256];
	size_t len;

	memset(m, 0, sizeof(m));
	memset(m, ispi, 8);
	if (rspi)
		memset(m + 8, rspi, 8);
	m[17] = 0x20;
	m[18] = 34;
	m[19] = response ? 0x20 : 0x08;
	if (ke) {
		size_t pl = 8 + ke_value_len(ke);

		m[16] = 34;          /* KE: group, reserved, the public value */
		m[30] = (uint8_t)(pl >> 8);
		m[31] = (uint8_t)pl;
		m[32] = (uint8_t)(ke >> 8);
		m[33] = (uint8_t)ke;
		len = 28 + pl;
	} else if (want) {
		m[16] = 41;          /* N(INVALID_KE_PAYLOAD) with the group */
		m[31] = 10;
		m[35] = 17;
		m[36] = (uint8_t)(want >> 8);
		m[37] = (uint8_t)want;
		len = 28 + 10;
	} else {
		m[16] = 33;          /* SA: proposal 1, IKE, no SPI, no transform */
		m[31] = 12;
		m[33] = 0;
		m[35] = 8;
		m[36] = 1;
		m[37] = 1;
		len = 28 + 12;
	}
	m[26] = (uint8_t)(len >> 8);
	m[27] = (uint8_t)len;
	feed(r, from, to, m, len);
}

/* An IKEv2 message of `len` bytes (at most 128) holding one encrypted
 * payload (SK) whose first inner payload is `inner`. */
static void send_sk(struct rig *r, uint8_t from, uint8_t to, uint8_t exch, uint8_t flags, uint32_t msg_id,
		    uint8_t ispi, uint8_t rspi, uint8_t inner, size_t len)
{
	uint8_t m[128];

	memset(m, 0, sizeof(m));
	memset(m, ispi, 8);
	memset(m + 8, rspi, 8);
	m[16] = 46;
	m[17] = 0x20;
	m[18] = exch;
	m[19] = flags;
	m[23] = (uint8_t)msg_id;
	m[27] = (uint8_t)len;
	m[28] = inner;
	m[31] = (uint8_t)(len - 28);
	feed(r, from, to, m, len);
}

/* The header of an IKEv2 message of orig_len bytes whose IP fragments
 * never all arrived, as the engine makes it from the first fragment when
 * the reassembly times out: late, with the time its fragments came (ns). */
static void send_incomplete(struct rig *r, uint8_t from, uint8_t to, uint8_t exch, uint8_t flags,
			    uint32_t msg_id, uint8_t ispi, uint8_t rspi, size_t orig_len, int64_t ns)
{
	uint8_t m[28];
	struct unit u;

	memset(m, 0, sizeof(m));
	memset(m, ispi, 8);
	memset(m + 8, rspi, 8);
	m[16] = 46;
	m[17] = 0x20;
	m[18] = exch;
	m[19] = flags;
	m[23] = (uint8_t)msg_id;
	m[26] = (uint8_t)(orig_len >> 8);
	m[27] = (uint8_t)orig_len;
	memset(&u, 0, sizeof(u));
	u.kind = UNIT_IKE;
	u.transport = TR_UDP4500;
	addr4(&u.src, from);
	addr4(&u.dst, to);
	u.sport = u.dport = 4500;
	u.frame = ++r->frame;
	u.ts_ns = ns;
	u.data = m;
	u.len = sizeof(m);
	u.orig_len = orig_len;
	u.ip_frags = 1;
	engine_feed(r->e, &u);
}

/* Sends an IKE message with at most one notify payload from host `from` to `to`. */
static void send_msg(struct rig *r, uint8_t from, uint8_t to, uint8_t ver, uint8_t exch,
		     uint8_t flags, uint32_t msg_id, uint8_t ispi, uint8_t rspi, uint16_t notify)
{
	uint8_t m[64];
	size_t len = 28;

	memset(m, 0, sizeof(m));
	memset(m, ispi, 8);
	if (rspi)
		memset(m + 8, rspi, 8);
	m[17] = (uint8_t)(ver << 4);
	m[18] = exch;
	m[19] = flags;
	m[20] = (uint8_t)(msg_id >> 24);
	m[21] = (uint8_t)(msg_id >> 16);
	m[22] = (uint8_t)(msg_id >> 8);
	m[23] = (uint8_t)msg_id;
	if (notify && ver == 2) {
		m[16] = 41;
		m[31] = 8;
		m[34] = (uint8_t)(notify >> 8);
		m[35] = (uint8_t)notify;
		len += 8;
	} else if (notify) {
		m[16] = 11;
		m[31] = 12;
		m[35] = 1;  /* DOI IPsec */
		m[36] = 1;  /* protocol ISAKMP */
		m[38] = (uint8_t)(notify >> 8);
		m[39] = (uint8_t)notify;
		len += 12;
	}
	m[27] = (uint8_t)len;
	feed(r, from, to, m, len);
}

/* An IKE_SA_INIT message (a response with response) holding one notify
 * of this status type and its data. */
static void send_status(struct rig *r, uint8_t from, uint8_t to, bool response, uint8_t ispi,
			uint16_t type, const uint8_t *data, size_t dlen)
{
	uint8_t m[28 + 8 + 64];
	size_t len = 28 + 8 + dlen;

	memset(m, 0, sizeof(m));
	memset(m, ispi, 8);
	m[16] = 41;
	m[17] = 0x20;
	m[18] = 34;
	m[19] = response ? 0x20 : 0x08;
	m[27] = (uint8_t)len;
	m[31] = (uint8_t)(8 + dlen);
	m[34] = (uint8_t)(type >> 8);
	m[35] = (uint8_t)type;
	if (dlen)
		memcpy(m + 36, data, dlen);
	feed(r, from, to, m, len);
}

/* IKEv1 Main Mode between hosts 1 and 2 up to message 4, then messages 5
 * and 6 encrypted: phase 1 done. */
static void ike1_phase1(struct rig *r, uint8_t ispi, uint8_t rspi)
{
	send_msg(r, 1, 2, 1, 2, 0, 0, ispi, 0, 0);
	send_msg(r, 2, 1, 1, 2, 0, 0, ispi, rspi, 0);
	send_msg(r, 1, 2, 1, 2, 1, 0, ispi, rspi, 0);
	send_msg(r, 2, 1, 1, 2, 1, 0, ispi, rspi, 0);
}

/* An ESP-in-UDP packet (header and a little ciphertext) between hosts. */
static void send_esp(struct rig *r, uint8_t from, uint8_t to, uint32_t spi, uint32_t seq)
{
	uint8_t m[64];
	struct unit u;

	memset(m, 0x5c, sizeof(m));
	for (int i = 0; i < 4; i++) {
		m[i] = (uint8_t)(spi >> (24 - 8 * i));
		m[4 + i] = (uint8_t)(seq >> (24 - 8 * i));
	}
	memset(&u, 0, sizeof(u));
	u.kind = UNIT_ESP;
	u.transport = TR_UDP4500;
	addr4(&u.src, from);
	addr4(&u.dst, to);
	u.sport = u.dport = 4500;
	u.ttl = 63;
	u.frame = ++r->frame;
	r->ns += 500000000LL;
	u.ts_ns = r->ns;
	u.data = m;
	u.len = u.orig_len = sizeof(m);
	engine_feed(r->e, &u);
}

/* ICMP port unreachable from host from, quoting a UDP datagram that host
 * to sent it, to port: with ispi, an IKE message of that SA; without, ESP
 * in UDP. */
static void port_unreachable_unit(struct rig *r, uint8_t from, uint8_t to, uint16_t port, uint8_t ispi,
				  struct unit *out)
{
	struct unit u;

	memset(&u, 0, sizeof(u));
	u.kind = UNIT_ICMP_ERROR;
	addr4(&u.src, from);
	addr4(&u.dst, to);
	u.ttl = 63;
	u.frame = ++r->frame;
	r->ns += 1000000LL;
	u.ts_ns = r->ns;
	u.u.icmp.type = 3;
	u.u.icmp.code = 3;
	u.u.icmp.q_src = u.dst;
	u.u.icmp.q_dst = u.src;
	u.u.icmp.q_proto = 17; /* UDP */
	u.u.icmp.q_sport = u.u.icmp.q_dport = port;
	u.u.icmp.q_len = 148;
	if (ispi) {
		u.u.icmp.q_has_ike = 1;
		memset(u.u.icmp.q_ike_ispi, ispi, 8);
	}
	*out = u;
}

static void send_port_unreachable(struct rig *r, uint8_t from, uint8_t to, uint16_t port, uint8_t ispi)
{
	struct unit u;

	port_unreachable_unit(r, from, to, port, ispi, &u);
	engine_feed(r->e, &u);
}

/* A 28-byte request from host 1 (message ID 0): IKE_SA_INIT, or with ver 1
 * Main Mode message 1. Then ICMP from host 2 (port unreachable, code 3, or
 * fragmentation needed, code 4) quoting an IKE header of that SA with major
 * version qver and these flags, message ID, exchange type and length. The frame the
 * request's exchange keeps for it, 0 if none; *kind its icmp_kind. */
static uint64_t icmp_on_request(uint8_t ver, uint8_t qver, uint8_t flags, uint32_t msg_id, uint8_t exch,
				uint32_t len, uint8_t code, unsigned *kind)
{
	const struct ike_sa *sa = NULL;
	struct unit u;
	struct rig r;
	uint64_t frame;

	rig_start(&r);
	if (ver == 1)
		send_msg(&r, 1, 2, 1, 2, 0, 0, 0xe9, 0, 0);
	else
		send_msg(&r, 1, 2, 2, 34, 0x08, 0, 0xe9, 0, 0);
	port_unreachable_unit(&r, 2, 1, 500, 0xe9, &u);
	u.u.icmp.code = code;
	u.u.icmp.q_has_msgid = 1;
	u.u.icmp.q_ike_version = (uint8_t)(qver << 4);
	u.u.icmp.q_ike_flags = flags;
	u.u.icmp.q_ike_msgid = msg_id;
	u.u.icmp.q_ike_exch = exch;
	u.u.icmp.q_ike_len = len;
	engine_feed(r.e, &u);
	for (uint32_t i = 0; i < engine_sa_slots(r.e) && !sa; i++)
		sa = engine_sa(r.e, i);
	frame = sa && sa->nexch ? sa->ex[0].icmp_frame : 0;
	*kind = sa && sa->nexch ? sa->ex[0].icmp_kind : IK_OTHER;
	engine_free(r.e);
	return frame;
}

/* An IKEv2 SA between hosts 1 and 2 up to an IKE_AUTH answer that carries
 * the responder's identity. */
static void ike2_up(struct rig *r, uint8_t ispi, uint8_t rspi)
{
	send_sa_init(r, 1, 2, false, ispi, 0, 14, 0);
	send_sa_init(r, 2, 1, true, ispi, rspi, 0, 0);
	send_sk(r, 1, 2, 35, 0x08, 1, ispi, rspi, 35, 120);
	send_sk(r, 2, 1, 35, 0x20, 1, ispi, rspi, 36, 120);
}

/* IKE_SA_INIT answered with UNSUPPORTED_CRITICAL_PAYLOAD naming payload
 * type refused in its one byte of data. */
static void send_unsupported_critical(struct rig *r, uint8_t ispi, uint8_t refused)
{
	uint8_t m[37];

	send_msg(r, 1, 2, 2, 34, 0x08, 0, ispi, 0, 0);
	memset(m, 0, sizeof(m));
	memset(m, ispi, 8);
	memset(m + 8, ispi + 1, 8);
	m[16] = 41;
	m[17] = 0x20;
	m[18] = 34;
	m[19] = 0x20;
	m[27] = sizeof(m);
	m[31] = 9;
	m[35] = 1;      /* UNSUPPORTED_CRITICAL_PAYLOAD */
	m[36] = refused;
	feed(r, 2, 1, m, sizeof(m));
}

/* An IKEv1 INFORMATIONAL in clear from host from, with one payload naming
 * ESP SPI spi of its own: a Delete (notify 0) or a notify of that type. */
static void send_v1_child_end(struct rig *r, uint8_t from, uint8_t to, uint8_t ispi, uint8_t rspi,
			      uint16_t notify, uint8_t proto, uint32_t spi)
{
	uint8_t m[44];

	memset(m, 0, sizeof(m));
	memset(m, ispi, 8);
	memset(m + 8, rspi, 8);
	m[16] = notify ? 11 : 12;
	m[17] = 0x10;
	m[18] = 5;
	m[20] = 0x5a;
	m[23] = 0x01;
	m[27] = sizeof(m);
	m[31] = 16;
	m[35] = 1;   /* DOI IPsec */
	m[36] = proto;
	m[37] = 4;   /* SPI size */
	m[38] = (uint8_t)(notify >> 8);
	m[39] = notify ? (uint8_t)notify : 1;  /* notify type, or one SPI */
	for (int i = 0; i < 4; i++)
		m[40 + i] = (uint8_t)(spi >> (24 - 8 * i));
	feed(r, from, to, m, sizeof(m));
}

/* The same in IKEv2, unprotected (a receiver discards it, RFC 7296 section
 * 2.21.4): a Delete of one ESP SPI, or INVALID_SPI with the protocol zero
 * and the SPI in its data. */
static void send_v2_child_end(struct rig *r, uint8_t from, uint8_t to, uint8_t ispi, uint8_t rspi,
			      uint16_t notify, uint32_t spi)
{
	uint8_t m[40];

	memset(m, 0, sizeof(m));
	memset(m, ispi, 8);
	memset(m + 8, rspi, 8);
	m[16] = notify ? 41 : 42;
	m[17] = 0x20;
	m[18] = 37;
	m[19] = 0x20;  /* a response: the responder's own message */
	m[23] = 0x07;
	m[27] = sizeof(m);
	m[31] = 12;
	m[32] = notify ? 0 : 3;  /* ESP; zero with no SPI field (section 3.10) */
	if (notify) {
		m[34] = (uint8_t)(notify >> 8);
		m[35] = (uint8_t)notify;
	} else {
		m[33] = 4;  /* SPI size */
		m[35] = 1;  /* one SPI */
	}
	for (int i = 0; i < 4; i++)
		m[36 + i] = (uint8_t)(spi >> (24 - 8 * i));
	feed(r, from, to, m, sizeof(m));
}

/* Phase 1 between hosts 1 and 2 and a child SA pair with ESP both ways;
 * host 2 then ends SPI named of its inbound ESP (a Delete, or the notify),
 * and host 1 goes on sending on its SPI for 3 s. The confidence of the
 * esp.stale_spi raised, -1 if none. */
static int stale_after_end(uint8_t ver, uint16_t notify, uint8_t proto, uint32_t named)
{
	struct rig r;
	int conf = -1;

	rig_start(&r);
	if (ver == 2)
		ike2_up(&r, 0xd1, 0xe1);
	else
		ike1_phase1(&r, 0xd1, 0xe1);
	send_esp(&r, 1, 2, 0xd1000001, 1);
	send_esp(&r, 2, 1, 0xd2000001, 1);
	if (ver == 2)
		send_v2_child_end(&r, 2, 1, 0xd1, 0xe1, notify, named);
	else
		send_v1_child_end(&r, 2, 1, 0xd1, 0xe1, notify, proto, named);
	for (uint32_t seq = 2; seq < 8; seq++)
		send_esp(&r, 1, 2, 0xd1000001, seq);
	engine_finish(r.e);
	for (size_t i = 0; i < engine_diag_count(r.e); i++)
		if (engine_diag(r.e, i)->code == DIAG_ESP_STALE_SPI)
			conf = engine_diag(r.e, i)->confidence;
	engine_free(r.e);
	return conf;
}

/* The message of the kept diagnosis of this code, "" if none. */
static const char *diag_text(struct rig *r, unsigned code)
{
	for (size_t i = 0; i < engine_diag_count(r->e); i++)
		if (engine_diag(r->e, i)->code == code)
			return engine_diag(r->e, i)->message;
	return "";
}

static unsigned rig_end(struct rig *r, unsigned code)
{
	unsigned n;

	engine_finish(r->e);
	n = r->got.codes[code];
	engine_free(r->e);
	return n;
}

/* The SA whose initiator SPI is eight bytes of ispi, NULL if none. */
static const struct ike_sa *rig_sa(struct rig *r, uint8_t ispi)
{
	for (uint32_t i = 0; i < engine_sa_slots(r->e); i++) {
		const struct ike_sa *sa = engine_sa(r->e, i);

		if (sa && sa->ispi[0] == ispi)
			return sa;
	}
	return NULL;
}

/* The SA's exchange whose first request copy was frame, NULL if none. */
static const struct exch *rig_exch(const struct ike_sa *sa, uint64_t frame)
{
	for (unsigned i = 0; sa && i < sa->nexch; i++)
		if (sa->ex[i].req_frame == frame)
			return &sa->ex[i];
	return NULL;
}

/* One IKEv1 fragment (the Cisco format strongSwan speaks: payload 132,
 * fragment ID, number, last flag) of a Main Mode message. */
static void send_v1_frag(struct rig *r, uint8_t from, uint8_t to, uint8_t ispi, uint8_t rspi,
			 uint8_t num, bool last)
{
	uint8_t m[28 + 8 + 24];

	memset(m, 0, sizeof(m));
	memset(m, ispi, 8);
	memset(m + 8, rspi, 8);
	m[16] = 132;
	m[17] = 0x10;
	m[18] = 2;
	m[27] = sizeof(m);
	m[31] = 8 + 24;
	m[33] = from;      /* fragment ID: one per message */
	m[34] = num;
	m[35] = last;
	memset(m + 36, num, 24);
	feed(r, from, to, m, sizeof(m));
}

/* Requests and answers in odd orders: each answer goes with its request. */
static void test_pairing(void)
{
	const struct ike_sa *sa;
	const struct exch *x;
	struct rig r;

	/* The capture begins between IKE_AUTH and its answer: the answer,
	 * then the request sent again, answered again. */
	rig_start(&r);
	send_sk(&r, 2, 1, 35, 0x20, 1, 0xf1, 0xe1, 36, 120);
	send_sk(&r, 1, 2, 35, 0x08, 1, 0xf1, 0xe1, 35, 120);
	send_sk(&r, 2, 1, 35, 0x20, 1, 0xf1, 0xe1, 36, 120);
	sa = rig_sa(&r, 0xf1);
	x = sa && sa->nexch ? &sa->ex[0] : NULL;
	ok(x && sa->nexch == 1 && x->outcome == EXO_ANSWERED && x->nresp == 2 && !sa->pending,
	   "answer before its request: the exchange stays answered");
	is_int(rig_end(&r, DIAG_IKE_AUTH_STALL), 0, "  no ike.auth_stall");

	/* IKE_SA_INIT sent twice, INVALID_KE, the retry, then INVALID_KE again
	 * for the first request's copy, then the retry's answer. */
	rig_start(&r);
	send_sa_init(&r, 1, 2, false, 0xf2, 0, 14, 0);
	send_sa_init(&r, 1, 2, false, 0xf2, 0, 14, 0);
	send_sa_init(&r, 2, 1, true, 0xf2, 0, 0, 19);
	send_sa_init(&r, 1, 2, false, 0xf2, 0, 19, 0);
	send_sa_init(&r, 2, 1, true, 0xf2, 0, 0, 19);
	send_sa_init(&r, 2, 1, true, 0xf2, 0xe2, 0, 0);
	sa = rig_sa(&r, 0xf2);
	x = rig_exch(sa, 4);
	ok(x && x->outcome == EXO_ANSWERED && !x->resp_notify && x->resp_frame == 6,
	   "late copy of INVALID_KE: the retry is answered by its own response");
	x = rig_exch(sa, 1);
	is_int(x ? x->nresp : 0, 2, "  the copy counts for the first request");
	rig_end(&r, 0);

	/* IKEv1 Main Mode: message 2 comes again after message 3 went out. */
	rig_start(&r);
	send_msg(&r, 1, 2, 1, 2, 0, 0, 0xf3, 0, 0);
	send_msg(&r, 2, 1, 1, 2, 0, 0, 0xf3, 0xe3, 0);
	send_msg(&r, 1, 2, 1, 2, 0, 0, 0xf3, 0xe3, 0);
	send_msg(&r, 2, 1, 1, 2, 0, 0, 0xf3, 0xe3, 0);
	send_msg(&r, 2, 1, 1, 2, 1, 0, 0xf3, 0xe3, 0);
	sa = rig_sa(&r, 0xf3);
	x = rig_exch(sa, 3);
	ok(x && x->resp_frame == 5, "IKEv1: an old answer sent again is not the next request's answer");
	x = rig_exch(sa, 1);
	is_int(x ? x->nresp : 0, 2, "  it counts for its own request");
	rig_end(&r, 0);

	/* IKEv1 Main Mode message 5 and its answer, each in IKE fragments. */
	rig_start(&r);
	ike1_phase1(&r, 0xf4, 0xe4);
	send_v1_frag(&r, 1, 2, 0xf4, 0xe4, 1, false);
	send_v1_frag(&r, 1, 2, 0xf4, 0xe4, 2, true);
	send_v1_frag(&r, 2, 1, 0xf4, 0xe4, 1, false);
	send_v1_frag(&r, 2, 1, 0xf4, 0xe4, 2, false);
	send_v1_frag(&r, 2, 1, 0xf4, 0xe4, 3, true);
	sa = rig_sa(&r, 0xf4);
	x = rig_exch(sa, 5);
	ok(x && x->outcome == EXO_ANSWERED && x->nresp == 1, "IKEv1 answer in three fragments: one response");
	ok(sa && sa->ex[sa->nexch - 1].req_frame == 5, "  and no request of the responder's");
	is_int(rig_end(&r, DIAG_IKE_FRAGMENT_LOSS), 0, "  no ike.fragment_loss");

	/* A full exchange ring keeps the request still waiting. */
	rig_start(&r);
	ike2_up(&r, 0xf5, 0xe5);
	send_sk(&r, 1, 2, 37, 0x08, 2, 0xf5, 0xe5, 0, 80);
	send_sk(&r, 1, 2, 37, 0x08, 2, 0xf5, 0xe5, 0, 80);
	for (uint32_t id = 3; id < 3 + SA_MAX_EXCH; id++) {
		send_sk(&r, 1, 2, 37, 0x08, id, 0xf5, 0xe5, 41, 96);
		send_sk(&r, 2, 1, 37, 0x20, id, 0xf5, 0xe5, 41, 96);
	}
	sa = rig_sa(&r, 0xf5);
	x = rig_exch(sa, 5);
	ok(x && x->msg_id == 2 && x->nreq == 2 && x->outcome == EXO_PENDING,
	   "%u exchanges after an unanswered one: it is kept, waiting", SA_MAX_EXCH);
	rig_end(&r, 0);

	/* An SA evicted for a later one of the same peers keeps its ESP:
	 * the new SA in its slot does not inherit it. */
	rig_start(&r);
	engine_free(r.e);
	{
		struct engine_config cfg;
		struct event_sink sink = { catch_diag, &r.got };
		const struct ike_sa *own[2] = { NULL, NULL };

		engine_config_defaults(&cfg);
		cfg.max_sas = 1;
		r.e = engine_new(&cfg, &sink);
		ike2_up(&r, 0xf7, 0xe7);
		send_esp(&r, 1, 2, 0x1000, 1);
		send_esp(&r, 2, 1, 0x2000, 1);
		ike2_up(&r, 0xf8, 0xe8);
		send_esp(&r, 1, 2, 0x3000, 1);
		send_esp(&r, 2, 1, 0x4000, 1);
		engine_flush(r.e);
		for (uint32_t i = 0; i < engine_flow_slots(r.e); i++) {
			const struct esp_flow *f = engine_flow(r.e, i);

			if (f && (f->spi == 0x1000 || f->spi == 0x3000))
				own[f->spi == 0x3000] = engine_flow_sa(r.e, f);
		}
		ok(!own[0], "the evicted SA's ESP is not the new SA's");
		ok(own[1] && own[1]->ispi[0] == 0xf8, "  the new SA's own ESP is");
	}
	rig_end(&r, 0);

	/* IKEv1: a Delete of the ISAKMP SA in clear ends it; one of an ESP
	 * SA does not. */
	for (uint8_t proto = 1; proto <= 3; proto += 2) {
		rig_start(&r);
		ike1_phase1(&r, 0xf9, 0xe9);
		send_v1_child_end(&r, 1, 2, 0xf9, 0xe9, 0, proto, 0x11223344);
		sa = rig_sa(&r, 0xf9);
		is_int(sa ? sa->state : -1, proto == 1 ? SAS_DELETED : SAS_ESTABLISHED,
		       proto == 1 ? "IKEv1 Delete of the ISAKMP SA in clear: deleted"
				  : "  a Delete of an ESP SA: still established");
		rig_end(&r, 0);
	}

	/* IKEv1 teardown of two child SAs and the ISAKMP SA: three encrypted
	 * informationals at once are Deletes, not liveness checks. */
	rig_start(&r);
	ike1_phase1(&r, 0xfa, 0xea);
	for (uint32_t id = 0x71; id <= 0x73; id++) {
		send_msg(&r, 1, 2, 1, 5, 1, id, 0xfa, 0xea, 0);
		r.ns -= 490000000LL;
	}
	is_int(rig_end(&r, DIAG_IKE_DPD_TIMEOUT), 0, "IKEv1: three informationals within 20 ms: a teardown, no ike.dpd_timeout");
	rig_start(&r);
	ike1_phase1(&r, 0xfb, 0xeb);
	for (uint32_t id = 0x71; id <= 0x73; id++)
		send_msg(&r, 1, 2, 1, 5, 1, id, 0xfb, 0xeb, 0);
	is_int(rig_end(&r, DIAG_IKE_DPD_TIMEOUT), 1, "  three 0.5 s apart: ike.dpd_timeout");

	/* MOBIKE: the initiator's requests come from a new address. */
	rig_start(&r);
	ike2_up(&r, 0xf6, 0xe6);
	send_sk(&r, 1, 2, 37, 0x08, 2, 0xf6, 0xe6, 0, 80);
	send_sk(&r, 2, 1, 37, 0x20, 2, 0xf6, 0xe6, 0, 80);
	sa = rig_sa(&r, 0xf6);
	ok(sa && !sa->port_changed, "same addresses and ports: no change");
	send_sk(&r, 3, 2, 37, 0x08, 3, 0xf6, 0xe6, 41, 96);
	sa = rig_sa(&r, 0xf6);
	ok(sa && sa->port_changed, "a request from a new address, same ports: endpoints changed");
	rig_end(&r, 0);
}

/* The status notifies that steer IKE_SA_INIT are noted on the SA (and so
 * reach the sa event and the ladder); others are not; none is an error. */
static void test_status_notifies(void)
{
	static const uint8_t cookie[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	/* REDIRECT: gateway type IPv4, length 4, 192.0.2.9; then a nonce. */
	static const uint8_t redirect[10] = { 1, 4, 192, 0, 2, 9, 0xaa, 0xbb, 0xcc, 0xdd };
	const struct ike_sa *sa;
	struct rig r;

	rig_start(&r);
	send_msg(&r, 1, 2, 2, 34, 0x08, 0, 0xa8, 0, 0);
	send_status(&r, 2, 1, true, 0xa8, 16390, cookie, sizeof(cookie));
	sa = rig_sa(&r, 0xa8);
	ok(sa && sa->nnotify == 1 && sa->notify[0].type == 16390 && !sa->notify[0].by_initiator &&
		   sa->nexch == 1 && sa->ex[0].outcome == EXO_ANSWERED && !sa->ex[0].resp_notify,
	   "COOKIE asked for: noted on the SA; the exchange answered, no error");
	send_status(&r, 1, 2, false, 0xa8, 16390, cookie, sizeof(cookie));
	send_status(&r, 2, 1, true, 0xa8, 16407, redirect, sizeof(redirect));
	send_status(&r, 1, 2, false, 0xa8, 16406, NULL, 0);
	sa = rig_sa(&r, 0xa8);
	ok(sa && sa->nnotify == 3 && sa->notify[1].type == 16390 && sa->notify[1].by_initiator &&
		   sa->notify[2].type == 16407,
	   "the cookie sent back and REDIRECT noted, REDIRECT_SUPPORTED not");
	for (int i = 0; i < 8; i++)
		send_status(&r, 1, 2, false, 0xa8, 16390, cookie, sizeof(cookie));
	send_msg(&r, 2, 1, 2, 34, 0x20, 0, 0xa8, 0xc8, 14);
	sa = rig_sa(&r, 0xa8);
	ok(sa && sa->nnotify == 4 && sa->notify[3].type == 14,
	   "the cookie resent 8 times is noted once: the error after it still has room");
	is_int(rig_end(&r, DIAG_IKE_ERROR_NOTIFY), 0, "  no ike.error_notify");
}

/* An IKEv1 SA first seen mid-life: an encrypted informational (a DPD check)
 * from host `from` on sport to host `to` on dport. The initiator's address
 * and whether the roles are marked guessed. */
static uint8_t v1_midlife_initiator(uint8_t from, uint16_t sport, uint8_t to, uint16_t dport, bool *guessed)
{
	uint8_t m[28 + 32];
	const struct ike_sa *sa;
	struct rig r;
	uint8_t init;

	memset(m, 0, sizeof(m));
	memset(m, 0xb9, 8);
	memset(m + 8, 0xc9, 8);
	m[16] = 8;        /* HASH, encrypted */
	m[17] = 0x10;
	m[18] = 5;        /* informational */
	m[19] = 0x01;     /* E */
	m[23] = 0x77;
	m[27] = sizeof(m);
	rig_start(&r);
	feed_ports(&r, from, sport, to, dport, m, sizeof(m));
	sa = rig_sa(&r, 0xb9);
	init = sa ? sa->init_ip.a[3] : 0;
	*guessed = sa && sa->roles_guessed;
	engine_free(r.e);
	return init;
}

static void test_v1_roles_midlife(void)
{
	bool guessed;

	is_int(v1_midlife_initiator(2, 4500, 1, 4500, &guessed), 2, "IKEv1 mid-life, both on 4500: the first sender");
	ok(guessed, "  marked guessed");
	is_int(v1_midlife_initiator(2, 4500, 1, 51234, &guessed), 1,
	       "from 4500 to a translated port: the peer behind the NAT is the initiator");
	is_int(v1_midlife_initiator(1, 51234, 2, 4500, &guessed), 1, "  and the other way");
	{
		struct rig r;

		rig_start(&r);
		send_msg(&r, 1, 2, 1, 2, 0, 0, 0xba, 0, 0);
		ok(rig_sa(&r, 0xba) && !rig_sa(&r, 0xba)->roles_guessed && rig_sa(&r, 0xba)->init_ip.a[3] == 1,
		   "Main Mode message 1 seen: roles known");
		engine_free(r.e);
		rig_start(&r);
		send_msg(&r, 2, 1, 1, 2, 0, 0, 0xbb, 0xcb, 0);
		ok(rig_sa(&r, 0xbb) && rig_sa(&r, 0xbb)->init_ip.a[3] == 2,
		   "Main Mode with the responder cookie and no SA payload: the first sender");
		engine_free(r.e);
	}
	{
		/* Main Mode message 2: the responder cookie and an SA payload. */
		uint8_t m[28 + 12];
		struct rig r;

		memset(m, 0, sizeof(m));
		memset(m, 0xbc, 8);
		memset(m + 8, 0xcc, 8);
		m[16] = 1;
		m[17] = 0x10;
		m[18] = 2;
		m[27] = sizeof(m);
		m[31] = 12;
		m[35] = 1;
		m[39] = 1;
		rig_start(&r);
		feed(&r, 2, 1, m, sizeof(m));
		ok(rig_sa(&r, 0xbc) && rig_sa(&r, 0xbc)->init_ip.a[3] == 1 && rig_sa(&r, 0xbc)->roles_guessed,
		   "Main Mode message 2 seen first: its sender is the responder");
		engine_free(r.e);
	}
}

/* IKE_SA_INIT from host 1 to 2 drew a port unreachable; then a new SA from
 * host 1 to host `to` is answered. The resolved ike.peer_unreachable. */
static unsigned unreachable_then_new_sa(uint8_t to)
{
	struct rig r;
	unsigned n;

	rig_start(&r);
	send_sa_init(&r, 1, 2, false, 0xd5, 0, 14, 0);
	send_port_unreachable(&r, 2, 1, 500, 0xd5);
	send_sa_init(&r, 1, to, false, 0xd6, 0, 14, 0);
	send_sa_init(&r, to, 1, true, 0xd6, 0xd7, 0, 0);
	n = r.got.resolved[DIAG_IKE_PEER_UNREACHABLE];
	engine_free(r.e);
	return n;
}

/* ICMP port unreachable for an IKE request, then the request answered (the
 * peer's daemon started, a route came back): the error no longer holds.
 * An answer does not clear an error about ESP, nor one quoting UDP 4500
 * too briefly to tell IKE from ESP. */
static void test_unreachable_then_answered(void)
{
	struct rig r;
	struct unit u;

	rig_start(&r);
	send_sa_init(&r, 1, 2, false, 0xd1, 0, 14, 0);
	send_port_unreachable(&r, 2, 1, 500, 0xd1);
	is_int(r.got.codes[DIAG_IKE_PEER_UNREACHABLE], 1, "port unreachable for IKE_SA_INIT: ike.peer_unreachable");
	send_sa_init(&r, 1, 2, false, 0xd1, 0, 14, 0);
	is_int(r.got.resolved[DIAG_IKE_PEER_UNREACHABLE], 0, "  the request sent again: still standing");
	send_sa_init(&r, 2, 1, true, 0xd1, 0xd2, 0, 0);
	is_int(r.got.resolved[DIAG_IKE_PEER_UNREACHABLE], 1, "  then answered: resolved");
	ok(engine_diag_count(r.e) == 1 && engine_diag(r.e, 0)->resolved, "  the kept diagnosis says so");
	send_sk(&r, 1, 2, 35, 0x08, 1, 0xd1, 0xd2, 35, 120);
	send_sk(&r, 2, 1, 35, 0x20, 1, 0xd1, 0xd2, 36, 120);
	is_int(r.got.resolved[DIAG_IKE_PEER_UNREACHABLE], 1, "  once");
	/* Later the daemon dies: the same error is said anew. */
	send_sk(&r, 1, 2, 37, 0x08, 2, 0xd1, 0xd2, 0, 80);
	send_port_unreachable(&r, 2, 1, 500, 0xd1);
	is_int(r.got.codes[DIAG_IKE_PEER_UNREACHABLE], 2, "  the port closed again later: raised again");
	engine_free(r.e);

	/* The initiator gives up on that SA and starts again with a new SPI,
	 * which is answered: the peer is reachable after all. Answers between
	 * other hosts resolve nothing. */
	is_int(unreachable_then_new_sa(2), 1,
	       "port unreachable on one SA, a new SA of the same hosts answered: resolved");
	is_int(unreachable_then_new_sa(3), 0, "  an answer from another host: stands");

	for (int esp = 0; esp < 2; esp++) {
		rig_start(&r);
		ike2_up(&r, 0xd3, 0xd4);
		port_unreachable_unit(&r, 2, 1, 4500, 0, &u);
		if (esp) {
			u.u.icmp.q_has_spi = 1;
			u.u.icmp.q_esp_spi = 0x1234;
		}
		engine_feed(r.e, &u);
		send_sk(&r, 1, 2, 37, 0x08, 2, 0xd3, 0xd4, 0, 80);
		send_sk(&r, 2, 1, 37, 0x20, 2, 0xd3, 0xd4, 0, 80);
		ok(r.got.codes[DIAG_IKE_PEER_UNREACHABLE] == 1 && !r.got.resolved[DIAG_IKE_PEER_UNREACHABLE],
		   esp ? "ESP in UDP refused, IKE answered: ike.peer_unreachable stands"
		       : "UDP 4500 refused with no more of it quoted, IKE answered: stands");
		engine_free(r.e);
	}
}

/* An IKEv2 SA with child 1 (ESP 0xc1/0xc2), and with two_children a second
 * child (CREATE_CHILD_SA opening with SA: 0xc3/0xc4); then a rekey
 * (CREATE_CHILD_SA opening with a notify) of child 1, whose new pair
 * (0xc5/0xc6) takes over while child 1 goes on (stale_on) or falls
 * silent. The esp.stale_spi raised. */
static unsigned rekey_run(bool two_children, bool stale_on)
{
	struct rig r;

	rig_start(&r);
	ike2_up(&r, 0xd7, 0xe7);
	send_esp(&r, 1, 2, 0xc1, 1);
	send_esp(&r, 2, 1, 0xc2, 1);
	if (two_children) {
		send_sk(&r, 1, 2, 36, 0x08, 2, 0xd7, 0xe7, 33, 120);
		send_sk(&r, 2, 1, 36, 0x20, 2, 0xd7, 0xe7, 33, 120);
		send_esp(&r, 1, 2, 0xc3, 1);
		send_esp(&r, 2, 1, 0xc4, 1);
	}
	send_sk(&r, 1, 2, 36, 0x08, 3, 0xd7, 0xe7, 41, 120);
	send_sk(&r, 2, 1, 36, 0x20, 3, 0xd7, 0xe7, 33, 120);
	for (uint32_t seq = 1; seq < 8; seq++) {
		send_esp(&r, 1, 2, 0xc5, seq);
		send_esp(&r, 2, 1, 0xc6, seq);
		if (stale_on)
			send_esp(&r, 1, 2, 0xc1, seq + 1);
		if (two_children) {
			send_esp(&r, 1, 2, 0xc3, seq + 1);
			send_esp(&r, 2, 1, 0xc4, seq + 1);
		}
	}
	return rig_end(&r, DIAG_ESP_STALE_SPI);
}

static void test_rekey_two_children(void)
{
	is_int(rekey_run(false, true), 1, "one child, rekeyed, its old SPI goes on: esp.stale_spi");
	is_int(rekey_run(false, false), 0, "one child, rekeyed, its old SPI falls silent: nothing");
	is_int(rekey_run(true, false), 0,
	       "two children, one rekeyed: the other is not taken for the replaced one");
}

/* IKEv1 phase 1 refused in clear (NO_PROPOSAL_CHOSEN, here from the
 * initiator after message 2), then messages 5 and 6 when went_on: the
 * refusal was not the end. Returns the SA's state at the end and counts
 * resolutions in *resolved. */
static unsigned v1_refused_then(bool went_on, unsigned *resolved)
{
	struct rig r;
	const struct ike_sa *sa;
	unsigned st;

	rig_start(&r);
	send_msg(&r, 1, 2, 1, 2, 0, 0, 0xe1, 0, 0);
	send_msg(&r, 2, 1, 1, 2, 0, 0, 0xe1, 0xf1, 0);
	send_msg(&r, 1, 2, 1, 5, 0, 0, 0xe1, 0, 14);
	send_msg(&r, 2, 1, 1, 2, 0, 0, 0xe1, 0xf1, 0);
	if (went_on) {
		send_msg(&r, 1, 2, 1, 2, 1, 0, 0xe1, 0xf1, 0);
		send_msg(&r, 2, 1, 1, 2, 1, 0, 0xe1, 0xf1, 0);
	}
	sa = rig_sa(&r, 0xe1);
	st = sa ? sa->state : 99;
	engine_finish(r.e);
	*resolved = r.got.resolved[DIAG_IKE_NO_PROPOSAL];
	engine_free(r.e);
	return st;
}

/* An IKEv2 initiator (host 1) unanswered; then an SA between the same hosts
 * comes up, initiated by host 1 again with a new SPI (UP_SAME), or by host
 * 2 after host 1 gave up (UP_REVERSE_AFTER), or by host 2 while host 1
 * still sends its requests (UP_REVERSE_WHILE). Returns the severity of
 * ike.no_response (99 if none); *resolved counts its resolutions. */
enum up_how { UP_SAME, UP_REVERSE_AFTER, UP_REVERSE_WHILE, UP_SAME_AFTER_VERDICT };

static unsigned unanswered_then_up(enum up_how how, unsigned *resolved)
{
	struct rig r;
	bool same = how == UP_SAME || how == UP_SAME_AFTER_VERDICT;
	uint8_t a = same ? 1 : 2, b = same ? 2 : 1;
	unsigned sev;

	rig_start(&r);
	for (int i = 0; i < 3; i++)
		send_sa_init(&r, 1, 2, false, 0xe3, 0, 14, 0);
	if (how == UP_SAME_AFTER_VERDICT) {
		/* The timeout passes first: the error is said before the SA. */
		r.ns += 40000000000LL;
		send_esp(&r, 4, 5, 0xd9000001, 1);
		if (r.got.codes[DIAG_IKE_NO_RESPONSE] != 1 || r.got.resolved[DIAG_IKE_NO_RESPONSE] != 0)
			printf("# the verdict did not come before the new SA\n");
	}
	send_sa_init(&r, a, b, false, 0xe4, 0, 14, 0);
	if (how == UP_REVERSE_WHILE)
		send_sa_init(&r, 1, 2, false, 0xe3, 0, 14, 0);
	send_sa_init(&r, b, a, true, 0xe4, 0xf4, 0, 0);
	send_sk(&r, a, b, 35, 0x08, 1, 0xe4, 0xf4, 35, 120);
	send_sk(&r, b, a, 35, 0x20, 1, 0xe4, 0xf4, 36, 120);
	r.ns += 40000000000LL;
	send_sk(&r, a, b, 37, 0x08, 2, 0xe4, 0xf4, 46, 80);
	send_sk(&r, b, a, 37, 0x20, 2, 0xe4, 0xf4, 46, 80);
	sev = rig_end(&r, DIAG_IKE_NO_RESPONSE) == 1 ? r.got.severity[DIAG_IKE_NO_RESPONSE] : 99;
	*resolved = r.got.resolved[DIAG_IKE_NO_RESPONSE];
	return sev;
}

/* Main Mode to message 5, then AUTHENTICATION_FAILED in clear from the
 * responder, then, from the responder, an encrypted informational (after)
 * or message 4 again: neither is phase 1 going on. Returns the resolutions
 * of ike.auth_failed; *st the SA's state. */
static unsigned v1_auth_refused_then(bool info_after, unsigned *st)
{
	struct rig r;
	const struct ike_sa *sa;
	unsigned n;

	rig_start(&r);
	send_msg(&r, 1, 2, 1, 2, 0, 0, 0xe2, 0, 0);
	send_msg(&r, 2, 1, 1, 2, 0, 0, 0xe2, 0xf2, 0);
	send_msg(&r, 1, 2, 1, 2, 0, 0, 0xe2, 0xf2, 0);
	send_msg(&r, 2, 1, 1, 2, 0, 0, 0xe2, 0xf2, 0);
	send_msg(&r, 1, 2, 1, 2, 1, 0, 0xe2, 0xf2, 0);
	send_msg(&r, 2, 1, 1, 5, 0, 0, 0xe2, 0xf2, 24);
	if (info_after)
		send_msg(&r, 2, 1, 1, 5, 1, 0x99, 0xe2, 0xf2, 0);
	else
		send_msg(&r, 2, 1, 1, 2, 0, 0, 0xe2, 0xf2, 0);
	sa = rig_sa(&r, 0xe2);
	*st = sa ? sa->state : 99;
	engine_finish(r.e);
	n = r.got.resolved[DIAG_IKE_AUTH_FAILED];
	engine_free(r.e);
	return n;
}

/* Two IKE_SA_INITs of host 1 unanswered in turn (each timed out), with
 * IKEv1 Main Mode first when v1_first, then a third SA comes up: returns
 * the resolutions of ike.no_response. */
static unsigned two_unanswered_then_up(bool v1_first)
{
	struct rig r;
	unsigned n;

	rig_start(&r);
	for (int i = 0; i < 3; i++) {
		if (v1_first)
			send_msg(&r, 1, 2, 1, 2, 0, 0, 0xd1, 0, 0);
		else
			send_sa_init(&r, 1, 2, false, 0xd1, 0, 14, 0);
	}
	r.ns += 40000000000LL;
	send_esp(&r, 4, 5, 0xd9000001, 1);
	for (int i = 0; i < 3; i++)
		send_sa_init(&r, 1, 2, false, 0xd2, 0, 14, 0);
	r.ns += 40000000000LL;
	send_esp(&r, 4, 5, 0xd9000001, 2);
	send_sa_init(&r, 1, 2, false, 0xd3, 0, 14, 0);
	send_sa_init(&r, 2, 1, true, 0xd3, 0xf3, 0, 0);
	send_sk(&r, 1, 2, 35, 0x08, 1, 0xd3, 0xf3, 35, 120);
	send_sk(&r, 2, 1, 35, 0x20, 1, 0xd3, 0xf3, 36, 120);
	engine_finish(r.e);
	n = r.got.resolved[DIAG_IKE_NO_RESPONSE];
	engine_free(r.e);
	return n;
}

static void test_refused_yet_up(void)
{
	unsigned resolved, st;

	is_int(two_unanswered_then_up(false), 2, "two SAs unanswered, then a third up: both errors resolved");
	is_int(two_unanswered_then_up(true), 1, "  the first IKEv1: only the IKEv2 one resolved by the IKEv2 SA");

	{
		/* Message 1 refused in clear by the responder, then the whole of
		 * Main Mode: the refusal takes message 1's answer's place, and
		 * the pairing of the rest shifts; phase 1 went on all the same. */
		struct rig r;
		const struct ike_sa *sa;

		rig_start(&r);
		send_msg(&r, 1, 2, 1, 2, 0, 0, 0xe3, 0, 0);
		send_msg(&r, 2, 1, 1, 5, 0, 0, 0xe3, 0, 14);
		send_msg(&r, 1, 2, 1, 2, 0, 0, 0xe3, 0, 0);
		send_msg(&r, 2, 1, 1, 2, 0, 0, 0xe3, 0xf3, 0);
		send_msg(&r, 1, 2, 1, 2, 0, 0, 0xe3, 0xf3, 0);
		send_msg(&r, 2, 1, 1, 2, 0, 0, 0xe3, 0xf3, 0);
		send_msg(&r, 1, 2, 1, 2, 1, 0, 0xe3, 0xf3, 0);
		send_msg(&r, 2, 1, 1, 2, 1, 0, 0xe3, 0xf3, 0);
		sa = rig_sa(&r, 0xe3);
		ok(sa && sa->state == SAS_ESTABLISHED, "message 1 refused in clear, then Main Mode through: established");
		engine_finish(r.e);
		is_int(r.got.resolved[DIAG_IKE_NO_PROPOSAL], 1, "  the refusal resolved");
		engine_free(r.e);
	}
	is_int(v1_auth_refused_then(true, &st), 0,
	       "AUTHENTICATION_FAILED in clear, then an encrypted informational: not resolved");
	is_int(st, SAS_FAILED, "  failed");
	is_int(v1_auth_refused_then(false, &st), 0, "  then message 4 again: not resolved");
	is_int(st, SAS_FAILED, "  failed");

	is_int(v1_refused_then(true, &resolved), SAS_ESTABLISHED,
	       "IKEv1 phase 1 refused in clear, then messages 5 and 6: established");
	is_int(resolved, 1, "  and the refusal is resolved");
	is_int(v1_refused_then(false, &resolved), SAS_FAILED,
	       "refused, and only message 2 again after it: failed");
	is_int(resolved, 0, "  nothing resolved");
	is_int(unanswered_then_up(UP_REVERSE_WHILE, &resolved), SEV_WARNING,
	       "IKE_SA_INIT unanswered while the responder's own SA to the initiator came up: a warning");
	is_int(resolved, 0, "  that stands");
	is_int(unanswered_then_up(UP_REVERSE_AFTER, &resolved), SEV_ERROR,
	       "the responder's own SA up after the initiator gave up: the error");
	is_int(resolved, 1, "  resolved: the tunnel came up later");
	is_int(unanswered_then_up(UP_SAME, &resolved), SEV_ERROR, "the same initiator's next SA up: the error");
	is_int(resolved, 1, "  resolved");
	is_int(unanswered_then_up(UP_SAME_AFTER_VERDICT, &resolved), SEV_ERROR,
	       "the error said at the timeout, then the next SA up");
	is_int(resolved, 1, "  resolved when it comes up");
}

/* A CREATE_CHILD_SA refused (a short encrypted notify for an answer);
 * with esp, after the first child SA's ESP flowed both ways: then it is
 * most likely a rekey refused for its PFS group. Returns whether the
 * message says so; *n counts child.rejected. */
static bool child_refused_says_rekey(bool esp, unsigned *n)
{
	struct rig r;
	bool says;

	rig_start(&r);
	ike2_up(&r, 0xe7, 0xf7);
	if (esp) {
		send_esp(&r, 1, 2, 0xd7000001, 1);
		send_esp(&r, 2, 1, 0xd8000001, 1);
	}
	send_sk(&r, 1, 2, 36, 0x08, 2, 0xe7, 0xf7, 33, 120);
	send_sk(&r, 2, 1, 36, 0x20, 2, 0xe7, 0xf7, 41, 60);
	says = strstr(diag_text(&r, DIAG_CHILD_REJECTED), "first child SA carries ESP") != NULL;
	*n = rig_end(&r, DIAG_CHILD_REJECTED);
	return says;
}

static void test_rekey_refused(void)
{
	unsigned n;

	ok(child_refused_says_rekey(true, &n), "CREATE_CHILD_SA refused while the first child SA carries ESP: says so");
	is_int(n, 1, "  child.rejected");
	ok(!child_refused_says_rekey(false, &n), "refused with no ESP seen: the general wording");
	is_int(n, 1, "  child.rejected");
}

/* An IKE_SA_INIT answer from host 2 choosing aes256-sha256-prfsha256-
 * modp2048 (RFC 7296 3.3: one proposal, four transforms, AES's key length
 * as an attribute). */
static void send_sa_init_chosen(struct rig *r, uint8_t ispi, uint8_t rspi)
{
	static const uint8_t sa[] = {
		0, 0, 0, 48,                     /* SA: last payload, length 48 */
		0, 0, 0, 44, 1, 1, 0, 4,         /* proposal 1, IKE, no SPI, 4 transforms */
		3, 0, 0, 12, 1, 0, 0, 12, 0x80, 0x0e, 1, 0, /* ENCR AES-CBC, 256 bits */
		3, 0, 0, 8, 2, 0, 0, 5,          /* PRF HMAC-SHA2-256 */
		3, 0, 0, 8, 3, 0, 0, 12,         /* INTEG HMAC-SHA2-256-128 */
		0, 0, 0, 8, 4, 0, 0, 14,         /* DH modp2048 */
	};
	uint8_t m[28 + sizeof(sa)];

	memset(m, 0, sizeof(m));
	memset(m, ispi, 8);
	memset(m + 8, rspi, 8);
	m[16] = 33;
	m[17] = 0x20;
	m[18] = 34;
	m[19] = 0x20;
	m[27] = (uint8_t)sizeof(m);
	memcpy(m + 28, sa, sizeof(sa));
	feed(r, 2, 1, m, sizeof(m));
}

/* EAP after IKE_AUTH under aes256-sha256 (64 bytes of header, IV and ICV
 * around the inner payloads), the second EAP answer last_len bytes long
 * and nothing after it: returns whether ike.auth_failed's message holds
 * what. */
static bool eap_last_answer_says(size_t last_len, const char *what)
{
	struct rig r;
	bool says;

	rig_start(&r);
	send_sa_init(&r, 1, 2, false, 0xe0, 0, 14, 0);
	send_sa_init_chosen(&r, 0xe0, 0xf0);
	send_sk(&r, 1, 2, 35, 0x08, 1, 0xe0, 0xf0, 35, 120);
	send_sk(&r, 2, 1, 35, 0x20, 1, 0xe0, 0xf0, 36, 128);
	send_sk(&r, 1, 2, 35, 0x08, 2, 0xe0, 0xf0, 48, 96);
	send_sk(&r, 2, 1, 35, 0x20, 2, 0xe0, 0xf0, 48, last_len);
	engine_finish(r.e);
	says = strstr(diag_text(&r, DIAG_IKE_AUTH_FAILED), what) != NULL;
	engine_free(r.e);
	return says;
}

static void test_eap_answer_size(void)
{
	ok(eap_last_answer_says(80, "16 bytes inside the encryption) is as short as an EAP-Failure"),
	   "last EAP answer of 80 bytes (16 inside): as short as an EAP-Failure");
	ok(eap_last_answer_says(112, "48 bytes inside the encryption) is longer than an EAP-Failure"),
	   "last EAP answer of 112 bytes (48 inside): the initiator gave up on the method");
	ok(eap_last_answer_says(84, "else the initiator could not go on"),
	   "20 bytes inside: neither claimed");
}

/* IKEv1 Main Mode message 3 from host 1 carrying two NAT-D payloads
 * (RFC 3947, 20 bytes of hash each), answered by INVALID_PAYLOAD_TYPE in
 * clear: returns whether the hint points at NAT traversal. With natd
 * false, message 3 carries none. */
static bool invalid_payload_names_natt(bool natd)
{
	uint8_t m[28 + 2 * 24];
	const struct diagnosis *d = NULL;
	struct rig r;
	size_t len = natd ? sizeof(m) : 28;
	bool says;

	memset(m, 0, sizeof(m));
	memset(m, 0xe9, 8);
	memset(m + 8, 0xf9, 8);
	m[17] = 0x10;
	m[18] = 2;
	if (natd) {
		m[16] = 20;
		m[28] = 20;
		m[31] = 24;
		memset(m + 32, 0x11, 20);
		m[55] = 24;
		memset(m + 56, 0x22, 20);
	}
	m[27] = (uint8_t)len;
	rig_start(&r);
	send_msg(&r, 1, 2, 1, 2, 0, 0, 0xe9, 0, 0);
	send_msg(&r, 2, 1, 1, 2, 0, 0, 0xe9, 0xf9, 0);
	feed(&r, 1, 2, m, len);
	send_msg(&r, 2, 1, 1, 5, 0, 0, 0xe9, 0xf9, 1);
	for (size_t i = 0; i < engine_diag_count(r.e); i++)
		if (engine_diag(r.e, i)->code == DIAG_IKE_ERROR_NOTIFY)
			d = engine_diag(r.e, i);
	says = d && strstr(d->hint, "NAT traversal") != NULL;
	rig_end(&r, DIAG_IKE_ERROR_NOTIFY);
	return says;
}

/* IKE_AUTH refused (a short encrypted notify) after an IKE_SA_INIT whose
 * request carries NAT_DETECTION_SOURCE_IP with a hash of no address here
 * (natd) or none: returns whether the hint speaks of the initiator's NAT. */
static bool auth_refused_names_nat(bool natd)
{
	uint8_t m[28 + 28];
	const struct diagnosis *d = NULL;
	struct rig r;
	size_t len = natd ? sizeof(m) : 28;
	bool says;

	memset(m, 0, sizeof(m));
	memset(m, 0xea, 8);
	m[17] = 0x20;
	m[18] = 34;
	m[19] = 0x08;
	if (natd) {
		m[16] = 41;          /* N(NAT_DETECTION_SOURCE_IP): 16388 */
		m[31] = 28;
		m[34] = 0x40;
		m[35] = 0x04;
		memset(m + 36, 0x33, 20);
	}
	m[27] = (uint8_t)len;
	rig_start(&r);
	feed(&r, 1, 2, m, len);
	send_sa_init(&r, 2, 1, true, 0xea, 0xfa, 0, 0);
	send_sk(&r, 1, 2, 35, 0x08, 1, 0xea, 0xfa, 35, 120);
	send_sk(&r, 2, 1, 35, 0x20, 1, 0xea, 0xfa, 41, 60);
	for (size_t i = 0; i < engine_diag_count(r.e); i++)
		if (engine_diag(r.e, i)->code == DIAG_IKE_AUTH_FAILED)
			d = engine_diag(r.e, i);
	says = d && strstr(d->hint, "behind a NAT") != NULL;
	rig_end(&r, DIAG_IKE_AUTH_FAILED);
	return says;
}

/* Stamps out of order (a capture spliced together): the IKE_SA_INIT
 * response stamped before the IKE_AUTH that followed it, and coming last. */
static void test_stamps_back(void)
{
	struct rig r;
	const struct ike_sa *sa;
	int64_t auth_ns;

	rig_start(&r);
	send_sa_init(&r, 1, 2, false, 0xeb, 0, 14, 0);
	send_sk(&r, 1, 2, 35, 0x08, 1, 0xeb, 0xfb, 35, 120);
	send_sk(&r, 2, 1, 35, 0x20, 1, 0xeb, 0xfb, 36, 120);
	auth_ns = r.ns;
	r.ns -= 3000000000LL;
	send_sa_init(&r, 2, 1, true, 0xeb, 0xfb, 0, 0);
	sa = rig_sa(&r, 0xeb);
	ok(sa && sa->state == SAS_ESTABLISHED, "an IKE_SA_INIT answer after IKE_AUTH's leaves the SA established");
	ok(sa && sa->last_ns == auth_ns, "the SA's last time is its latest stamp, not the last frame's");
	rig_end(&r, DIAG_IKE_AUTH_FAILED);
}

/* IKEv2 liveness checks from host 1 to host 2, each answered, when
 * refused, by ICMP network unreachable from router 9 quoting UDP 500 (only
 * the UDP header): returns the dpd_timeout message. */
static void dpd_refused_on_path(bool refused, char *msg, size_t len)
{
	struct rig r;

	rig_start(&r);
	ike2_up(&r, 0xec, 0xfc);
	for (int i = 0; i < 3; i++) {
		send_sk(&r, 1, 2, 37, 0x08, 2, 0xec, 0xfc, 0, 80);
		if (refused) {
			struct unit u;

			port_unreachable_unit(&r, 9, 1, 500, 0, &u);
			u.u.icmp.code = 0;
			addr4(&u.u.icmp.q_dst, 2);
			engine_feed(r.e, &u);
		}
	}
	engine_finish(r.e);
	snprintf(msg, len, "%s", diag_text(&r, DIAG_IKE_DPD_TIMEOUT));
	engine_free(r.e);
}

/* An IKEv2 SA first seen by a protected INFORMATIONAL request (the
 * capture began after IKE_AUTH): only an established SA sends one. */
static void test_seen_midlife(void)
{
	char msg[DIAG_TEXT];
	struct rig r;
	const struct ike_sa *sa;

	rig_start(&r);
	send_sk(&r, 2, 1, 37, 0x00, 9, 0xed, 0xfd, 0, 80);
	sa = rig_sa(&r, 0xed);
	ok(sa && sa->state == SAS_ESTABLISHED, "SA first seen by a protected INFORMATIONAL request: established");
	rig_end(&r, DIAG_IKE_DPD_TIMEOUT);
	dpd_refused_on_path(true, msg, sizeof(msg));
	ok(strstr(msg, "ICMP errors from the path") != NULL, "checks answered by ICMP net unreachable from the path: says so");
	dpd_refused_on_path(false, msg, sizeof(msg));
	ok(*msg && strstr(msg, "ICMP") == NULL, "checks with nothing back: no ICMP in the message");
}

static void test_invalid_payload_natt(void)
{
	ok(invalid_payload_names_natt(true),
	   "INVALID_PAYLOAD_TYPE after Main Mode message 3 with NAT-D: the hint names NAT traversal");
	ok(!invalid_payload_names_natt(false), "after a message 3 without NAT-D: the general hint");
	ok(auth_refused_names_nat(true), "IKE_AUTH refused, the initiator's NAT-D hash off: the hint names its NAT");
	ok(!auth_refused_names_nat(false), "IKE_AUTH refused, no NAT-D: the general hint");
}

/* An informational with message ID 0 inside Main Mode is no step of it:
 * message 5 is still message 5, and unanswered it is judged as such. */
static void test_v1_info_in_phase1(void)
{
	struct rig r;

	rig_start(&r);
	send_msg(&r, 1, 2, 1, 2, 0, 0, 0xe5, 0, 0);
	send_msg(&r, 2, 1, 1, 2, 0, 0, 0xe5, 0xf5, 0);
	send_msg(&r, 1, 2, 1, 5, 0, 0, 0xe5, 0xf5, 0);
	send_msg(&r, 1, 2, 1, 2, 0, 0, 0xe5, 0xf5, 0);
	send_msg(&r, 2, 1, 1, 2, 0, 0, 0xe5, 0xf5, 0);
	for (int i = 0; i < 4; i++)
		send_msg(&r, 1, 2, 1, 2, 1, 0, 0xe5, 0xf5, 0);
	is_int(rig_end(&r, DIAG_IKE_PSK_MISMATCH), 1,
	       "Main Mode with an informational of message ID 0 after message 2: message 5 unanswered is ike.psk_mismatch");

	/* The same informational from the responder: message 3 is no answer
	 * to it. */
	rig_start(&r);
	send_msg(&r, 1, 2, 1, 2, 0, 0, 0xe6, 0, 0);
	send_msg(&r, 2, 1, 1, 2, 0, 0, 0xe6, 0xf6, 0);
	send_msg(&r, 2, 1, 1, 5, 0, 0, 0xe6, 0xf6, 0);
	send_msg(&r, 1, 2, 1, 2, 0, 0, 0xe6, 0xf6, 0);
	send_msg(&r, 2, 1, 1, 2, 0, 0, 0xe6, 0xf6, 0);
	for (int i = 0; i < 4; i++)
		send_msg(&r, 1, 2, 1, 2, 1, 0, 0xe6, 0xf6, 0);
	is_int(rig_end(&r, DIAG_IKE_PSK_MISMATCH), 1,
	       "  from the responder: message 5 unanswered is still ike.psk_mismatch");

	/* Aggressive Mode with an informational of message ID 0 between
	 * messages 2 and 3: message 3 still ends the exchange of message 1. */
	{
		const struct ike_sa *sa;
		bool done = false;

		rig_start(&r);
		send_msg(&r, 1, 2, 1, 4, 0, 0, 0xe8, 0, 0);
		send_msg(&r, 2, 1, 1, 4, 0, 0, 0xe8, 0xf8, 0);
		send_msg(&r, 1, 2, 1, 5, 0, 0, 0xe8, 0xf8, 0);
		send_msg(&r, 1, 2, 1, 4, 1, 0, 0xe8, 0xf8, 0);
		sa = rig_sa(&r, 0xe8);
		for (unsigned i = 0; sa && i < sa->nexch; i++)
			if (sa->ex[i].type == 4 && sa->ex[i].step == 3 && sa->ex[i].nresp == 1)
				done = true;
		ok(done, "Aggressive Mode with an informational between messages 2 and 3: message 3 completes it");
		rig_end(&r, DIAG_IKE_PSK_MISMATCH);
	}
}

int main(void)
{
	struct rig r;

	test_pairing();
	test_unreachable_then_answered();
	test_rekey_two_children();
	test_status_notifies();
	test_v1_roles_midlife();
	test_refused_yet_up();
	test_v1_info_in_phase1();
	test_rekey_refused();
	test_invalid_payload_natt();
	test_stamps_back();
	test_seen_midlife();
	test_eap_answer_size();

	/* INVALID_KE_PAYLOAD alone, the initiator's request not captured: its
	 * retry may not have been either. */
	rig_start(&r);
	send_sa_init(&r, 2, 1, true, 0xee, 0, 0, 19);
	engine_finish(r.e);
	is_int(r.got.severity[DIAG_IKE_INVALID_KE], SEV_WARNING,
	       "INVALID_KE_PAYLOAD with no message of the initiator captured: a warning");
	ok(strstr(diag_text(&r, DIAG_IKE_INVALID_KE), "unknown") != NULL, "  the retry unknown");
	engine_free(r.e);
	rig_start(&r);
	send_sa_init(&r, 1, 2, false, 0xef, 0, 14, 0);
	send_sa_init(&r, 2, 1, true, 0xef, 0, 0, 19);
	engine_finish(r.e);
	is_int(r.got.severity[DIAG_IKE_INVALID_KE], SEV_ERROR, "  with its request seen and no retry: an error");
	engine_free(r.e);

	/* A zero initiator SPI, which no initiator sends: no SA, no verdict. */
	rig_start(&r);
	send_msg(&r, 1, 2, 1, 5, 0, 0x5f724dc6, 0, 0, 5);
	is_int(engine_stats(r.e)->sas, 0, "zero initiator cookie: no SA");
	is_int(rig_end(&r, DIAG_IKE_VERSION_MISMATCH), 0, "  and its INVALID_MAJOR_VERSION no verdict");

	/* IKEv2 answered by INVALID_MAJOR_VERSION. */
	rig_start(&r);
	send_msg(&r, 1, 2, 2, 34, 0x08, 0, 0xa1, 0, 0);
	send_msg(&r, 2, 1, 2, 34, 0x20, 0, 0xa1, 0, 5);
	is_int(rig_end(&r, DIAG_IKE_VERSION_MISMATCH), 1, "INVALID_MAJOR_VERSION: ike.version_mismatch");

	/* IKEv2 never answered while IKEv1 between the same peers is. */
	rig_start(&r);
	for (int i = 0; i < 3; i++)
		send_msg(&r, 1, 2, 2, 34, 0x08, 0, 0xa2, 0, 0);
	send_msg(&r, 1, 2, 1, 2, 0, 0, 0xb2, 0, 0);
	send_msg(&r, 2, 1, 1, 2, 0, 0, 0xb2, 0xc2, 0);
	is_int(rig_end(&r, DIAG_IKE_VERSION_MISMATCH), 1, "IKEv2 unanswered, IKEv1 answered: ike.version_mismatch");
	/* The other order: IKEv1 answered first, IKEv2 tried after it. */
	rig_start(&r);
	send_msg(&r, 1, 2, 1, 2, 0, 0, 0xb3, 0, 0);
	send_msg(&r, 2, 1, 1, 2, 0, 0, 0xb3, 0xc3, 0);
	for (int i = 0; i < 3; i++)
		send_msg(&r, 1, 2, 2, 34, 0x08, 0, 0xa3, 0, 0);
	is_int(rig_end(&r, DIAG_IKE_VERSION_MISMATCH), 1, "IKEv1 answered, then IKEv2 unanswered: ike.version_mismatch");
	rig_start(&r);
	for (int i = 0; i < 3; i++)
		send_msg(&r, 1, 2, 2, 34, 0x08, 0, 0xa3, 0, 0);
	is_int(rig_end(&r, DIAG_IKE_VERSION_MISMATCH), 0, "IKEv2 unanswered alone: no version verdict");

	/* INVALID_IKE_SPI in clear. */
	rig_start(&r);
	send_msg(&r, 1, 2, 2, 37, 0x08, 5, 0xa4, 0xc4, 0);
	send_msg(&r, 2, 1, 2, 37, 0x20, 5, 0xa4, 0xc4, 4);
	is_int(rig_end(&r, DIAG_IKE_INVALID_SPI), 1, "INVALID_IKE_SPI: ike.invalid_spi");

	/* Another error notify in clear: INTERNAL_ADDRESS_FAILURE (36). */
	rig_start(&r);
	send_msg(&r, 1, 2, 2, 34, 0x08, 0, 0xa5, 0, 0);
	send_msg(&r, 2, 1, 2, 34, 0x20, 0, 0xa5, 0, 36);
	is_int(rig_end(&r, DIAG_IKE_ERROR_NOTIFY), 1, "other error notify: ike.error_notify");
	is_int(r.got.severity[DIAG_IKE_ERROR_NOTIFY], SEV_ERROR, "  an error: it answers IKE_SA_INIT");
	rig_start(&r);
	send_msg(&r, 1, 2, 2, 37, 0x08, 5, 0xa5, 0xc5, 0);
	send_msg(&r, 2, 1, 2, 37, 0x20, 5, 0xa5, 0xc5, 36);
	is_int(rig_end(&r, DIAG_IKE_ERROR_NOTIFY), 1, "the same in a cleartext INFORMATIONAL answer: ike.error_notify");
	is_int(r.got.severity[DIAG_IKE_ERROR_NOTIFY], SEV_WARNING, "  a warning: the IKE SA was not refused");
	rig_start(&r);
	send_msg(&r, 1, 2, 1, 2, 0, 0, 0xa5, 0, 0);
	send_msg(&r, 2, 1, 1, 5, 0, 0x1234, 0xa5, 0xc5, 18);
	is_int(rig_end(&r, DIAG_IKE_ERROR_NOTIFY), 1, "IKEv1 INVALID_PROTOCOL_ID in Main Mode: ike.error_notify");
	is_int(r.got.severity[DIAG_IKE_ERROR_NOTIFY], SEV_ERROR, "  an error: phase 1 ends there");
	rig_start(&r);
	send_msg(&r, 1, 2, 2, 34, 0x08, 0, 0xa6, 0, 0);
	send_msg(&r, 2, 1, 2, 34, 0x20, 0, 0xa6, 0xc6, 16390);
	is_int(rig_end(&r, DIAG_IKE_ERROR_NOTIFY), 0, "a status notify (COOKIE) is no error");

	/* IKEv1 Aggressive Mode refused with AUTHENTICATION_FAILED. */
	rig_start(&r);
	send_msg(&r, 1, 2, 1, 4, 0, 0, 0xa7, 0, 0);
	send_msg(&r, 2, 1, 1, 5, 0, 0x1234, 0xa7, 0xc7, 24);
	is_int(rig_end(&r, DIAG_IKE_AGGRESSIVE_REJECTED), 1, "Aggressive Mode + AUTH_FAILED: ike.aggressive_rejected");
	rig_start(&r);
	send_msg(&r, 1, 2, 1, 2, 0, 0, 0xa8, 0, 0);
	send_msg(&r, 2, 1, 1, 5, 0, 0x1234, 0xa8, 0xc8, 24);
	is_int(rig_end(&r, DIAG_IKE_AGGRESSIVE_REJECTED), 0, "Main Mode + AUTH_FAILED: not aggressive_rejected");

	/* IKEv1 cleartext NO_PROPOSAL_CHOSEN after phase 1: the child. */
	rig_start(&r);
	ike1_phase1(&r, 0xa9, 0xc9);
	send_msg(&r, 2, 1, 1, 5, 0, 0x77, 0xa9, 0xc9, 14);
	is_int(rig_end(&r, DIAG_CHILD_NO_PROPOSAL), 1, "IKEv1 NO_PROPOSAL_CHOSEN after phase 1: child.no_proposal_chosen");
	rig_start(&r);
	send_msg(&r, 1, 2, 1, 2, 0, 0, 0xaa, 0, 0);
	send_msg(&r, 2, 1, 1, 5, 0, 0x77, 0xaa, 0, 14);
	is_int(rig_end(&r, DIAG_CHILD_NO_PROPOSAL), 0, "IKEv1 NO_PROPOSAL_CHOSEN in phase 1: not the child's");

	/* IKEv1 INVALID_ID_INFORMATION after phase 1. */
	rig_start(&r);
	ike1_phase1(&r, 0xab, 0xcb);
	send_msg(&r, 2, 1, 1, 5, 0, 0x78, 0xab, 0xcb, 18);
	is_int(rig_end(&r, DIAG_CHILD_TS_UNACCEPTABLE), 1, "IKEv1 INVALID_ID_INFORMATION after phase 1: child.ts_unacceptable");
	/* Two Quick Modes refused in turn: the first refusal does not end the
	 * ISAKMP SA, and each names its request. */
	rig_start(&r);
	ike1_phase1(&r, 0xae, 0xce);
	send_msg(&r, 1, 2, 1, 32, 1, 0x61, 0xae, 0xce, 0);
	send_msg(&r, 2, 1, 1, 5, 0, 0x62, 0xae, 0xce, 14);
	send_msg(&r, 1, 2, 1, 32, 1, 0x63, 0xae, 0xce, 0);
	send_msg(&r, 2, 1, 1, 5, 0, 0x64, 0xae, 0xce, 18);
	{
		const struct ike_sa *sa = NULL;
		const struct diagnosis *d = NULL;

		for (uint32_t i = 0; i < engine_sa_slots(r.e) && !sa; i++)
			sa = engine_sa(r.e, i);
		is_int(sa ? sa->state : -1, SAS_ESTABLISHED, "  the ISAKMP SA stays established");
		for (size_t i = 0; i < engine_diag_count(r.e); i++)
			if (engine_diag(r.e, i)->code == DIAG_CHILD_NO_PROPOSAL)
				d = engine_diag(r.e, i);
		ok(d && d->nevidence == 2 && d->frames[0] == 5 && d->frames[1] == 6,
		   "  NO_PROPOSAL_CHOSEN's evidence: the Quick Mode request and the notify");
	}
	is_int(rig_end(&r, DIAG_CHILD_TS_UNACCEPTABLE), 1, "  the second refusal: child.ts_unacceptable");
	is_int(r.got.codes[DIAG_IKE_ERROR_NOTIFY], 0, "  not an ike.error_notify");

	/* IKEv1 Quick Mode answered at once by an encrypted informational and
	 * never by message 2: refused, even in a capture that ends there. */
	rig_start(&r);
	ike1_phase1(&r, 0xac, 0xcc);
	send_msg(&r, 1, 2, 1, 32, 1, 0x51, 0xac, 0xcc, 0);
	send_msg(&r, 2, 1, 1, 5, 1, 0x52, 0xac, 0xcc, 0);
	is_int(rig_end(&r, DIAG_CHILD_REJECTED), 1, "IKEv1 Quick Mode answered by an encrypted informational: child.rejected");
	/* The same informational crossing a Quick Mode that completes (a
	 * liveness check): no verdict. */
	rig_start(&r);
	ike1_phase1(&r, 0xad, 0xcd);
	send_msg(&r, 1, 2, 1, 32, 1, 0x53, 0xad, 0xcd, 0);
	send_msg(&r, 2, 1, 1, 5, 1, 0x54, 0xad, 0xcd, 0);
	send_msg(&r, 2, 1, 1, 32, 1, 0x53, 0xad, 0xcd, 0);
	is_int(rig_end(&r, DIAG_CHILD_REJECTED), 0, "IKEv1 Quick Mode completed after an informational: no child.rejected");

	/* IKE_SA_INIT resent with no answer in sight, but the IKE_AUTH that
	 * follows names the responder's SPI: the answer took another path. */
	rig_start(&r);
	for (int i = 0; i < 3; i++)
		send_msg(&r, 1, 2, 2, 34, 0x08, 0, 0xb1, 0, 0);
	send_msg(&r, 1, 2, 2, 35, 0x08, 1, 0xb1, 0xd1, 0);
	is_int(rig_end(&r, DIAG_IKE_NO_RESPONSE), 0, "initiator knows the responder's SPI: no ike.no_response");
	rig_start(&r);
	for (int i = 0; i < 3; i++)
		send_msg(&r, 1, 2, 2, 34, 0x08, 0, 0xb2, 0, 0);
	is_int(rig_end(&r, DIAG_IKE_NO_RESPONSE), 1, "IKE_SA_INIT resent, never answered: ike.no_response");

	/* INVALID_KE_PAYLOAD (asking for MODP_2048), then a retry with that
	 * group in a new IKE SA, answered with an SA: recovered, info. */
	rig_start(&r);
	send_sa_init(&r, 1, 2, false, 0xb3, 0, 19, 0);
	send_sa_init(&r, 2, 1, true, 0xb3, 0, 0, 14);
	send_sa_init(&r, 1, 2, false, 0xb4, 0, 14, 0);
	send_sa_init(&r, 2, 1, true, 0xb4, 0xd4, 0, 0);
	engine_finish(r.e);
	is_int(r.got.codes[DIAG_IKE_INVALID_KE], 1, "retry in a new IKE SA: one ike.invalid_ke");
	is_int(r.got.severity[DIAG_IKE_INVALID_KE], SEV_INFO, "retry in a new IKE SA that went through: info");
	engine_free(r.e);
	/* The same retry left unanswered: the DH groups are still the issue. */
	rig_start(&r);
	send_sa_init(&r, 1, 2, false, 0xb5, 0, 19, 0);
	send_sa_init(&r, 2, 1, true, 0xb5, 0, 0, 14);
	send_sa_init(&r, 1, 2, false, 0xb6, 0, 14, 0);
	engine_finish(r.e);
	is_int(r.got.severity[DIAG_IKE_INVALID_KE], SEV_ERROR, "retry in a new IKE SA without an answer: error");
	engine_free(r.e);
	/* A new SA offering another group than the one asked for is no retry. */
	rig_start(&r);
	send_sa_init(&r, 1, 2, false, 0xb7, 0, 19, 0);
	send_sa_init(&r, 2, 1, true, 0xb7, 0, 0, 14);
	send_sa_init(&r, 1, 2, false, 0xb8, 0, 20, 0);
	send_sa_init(&r, 2, 1, true, 0xb8, 0xd8, 0, 0);
	engine_finish(r.e);
	is_int(r.got.severity[DIAG_IKE_INVALID_KE], SEV_ERROR, "a new SA with another group: not the retry, error");
	engine_free(r.e);
	/* The retry in the same SA succeeds, authentication fails later: the
	 * DH group is not to blame. */
	rig_start(&r);
	send_sa_init(&r, 1, 2, false, 0xb9, 0, 19, 0);
	send_sa_init(&r, 2, 1, true, 0xb9, 0, 0, 14);
	send_sa_init(&r, 1, 2, false, 0xb9, 0, 14, 0);
	send_sa_init(&r, 2, 1, true, 0xb9, 0xd9, 0, 0);
	send_sk(&r, 1, 2, 35, 0x08, 1, 0xb9, 0xd9, 35, 120);
	send_sk(&r, 2, 1, 35, 0x20, 1, 0xb9, 0xd9, 41, 80);
	engine_finish(r.e);
	is_int(r.got.codes[DIAG_IKE_AUTH_FAILED], 1, "short encrypted IKE_AUTH answer: ike.auth_failed");
	is_int(r.got.severity[DIAG_IKE_INVALID_KE], SEV_INFO, "same-SA retry, later AUTHENTICATION_FAILED: invalid_ke is info");
	engine_free(r.e);

	/* IKE_SA_INIT unanswered past the timeout (the responder was down),
	 * then a copy 40 s later is answered: the verdict made at 30 s is
	 * resolved, and no longer counts. */
	rig_start(&r);
	send_msg(&r, 1, 2, 2, 34, 0x08, 0, 0xba, 0, 0);
	r.ns += 40000000000LL;
	send_msg(&r, 1, 2, 2, 34, 0x08, 0, 0xba, 0, 0);
	is_int(r.got.codes[DIAG_IKE_NO_RESPONSE], 1, "IKE_SA_INIT unanswered for 40 s: ike.no_response");
	is_int(engine_worst_severity(r.e), SEV_ERROR, "worst severity error while unanswered");
	send_msg(&r, 2, 1, 2, 34, 0x20, 0, 0xba, 0xda, 0);
	is_int(r.got.resolved[DIAG_IKE_NO_RESPONSE], 1, "the late answer resolves it");
	is_int(engine_worst_severity(r.e), SEV_INFO, "a resolved error counts as info");
	ok(engine_diag_count(r.e) == 1 && engine_diag(r.e, 0)->resolved &&
	   engine_diag(r.e, 0)->resolved_frame == r.frame, "the kept diagnosis says it was resolved, by which frame");
	send_msg(&r, 2, 1, 2, 34, 0x20, 0, 0xba, 0xda, 0);
	engine_finish(r.e);
	is_int(r.got.resolved[DIAG_IKE_NO_RESPONSE], 1, "resolved once");
	is_int(engine_stats(r.e)->diagnoses_resolved[SEV_ERROR], 1, "counted once among resolved errors");
	engine_free(r.e);
	/* Still unanswered to the end: nothing resolved. */
	rig_start(&r);
	send_msg(&r, 1, 2, 2, 34, 0x08, 0, 0xbb, 0, 0);
	r.ns += 40000000000LL;
	send_msg(&r, 1, 2, 2, 34, 0x08, 0, 0xbb, 0, 0);
	engine_finish(r.e);
	is_int(r.got.resolved[DIAG_IKE_NO_RESPONSE], 0, "never answered: not resolved");
	is_int(engine_worst_severity(r.e), SEV_ERROR, "never answered: worst severity error");
	engine_free(r.e);
	/* A liveness check that times out and is answered after all. */
	rig_start(&r);
	ike2_up(&r, 0xbc, 0xdc);
	for (int i = 0; i < 3; i++)
		send_sk(&r, 1, 2, 37, 0x08, 2, 0xbc, 0xdc, 0, 80);
	r.ns += 35000000000LL;
	send_sk(&r, 1, 2, 37, 0x08, 2, 0xbc, 0xdc, 0, 80);
	is_int(r.got.codes[DIAG_IKE_DPD_TIMEOUT], 1, "liveness check unanswered past the timeout: ike.dpd_timeout");
	send_sk(&r, 2, 1, 37, 0x20, 2, 0xbc, 0xdc, 0, 80);
	is_int(r.got.resolved[DIAG_IKE_DPD_TIMEOUT], 1, "answered after all: resolved");
	engine_finish(r.e);
	engine_free(r.e);

	/* A CREATE_CHILD_SA answered late, with an error only: the timeout's
	 * child.rejected is resolved, and the refusal raises a standing one. */
	rig_start(&r);
	ike2_up(&r, 0xc9, 0xe9);
	send_esp(&r, 1, 2, 0xc1000009, 1);
	send_sk(&r, 1, 2, 36, 0x08, 2, 0xc9, 0xe9, 33, 120);
	r.ns += 35000000000LL;
	send_sk(&r, 1, 2, 36, 0x08, 2, 0xc9, 0xe9, 33, 120);
	send_sk(&r, 2, 1, 36, 0x20, 2, 0xc9, 0xe9, 41, 80);
	engine_finish(r.e);
	is_int(r.got.resolved[DIAG_CHILD_REJECTED], 1, "late error answer: the timeout's child.rejected is resolved");
	is_int(r.got.codes[DIAG_CHILD_REJECTED], 2, "late error answer: the refusal is a new child.rejected");
	is_int(engine_worst_severity(r.e), SEV_WARNING, "late error answer: a warning still stands");
	engine_free(r.e);
	/* Two rekeys time out; the first is answered late: the second still
	 * stands unanswered. */
	rig_start(&r);
	ike2_up(&r, 0xd0, 0xf0);
	send_esp(&r, 1, 2, 0xc1000010, 1);
	send_sk(&r, 1, 2, 36, 0x08, 2, 0xd0, 0xf0, 33, 120);
	send_sk(&r, 1, 2, 36, 0x08, 3, 0xd0, 0xf0, 33, 120);
	r.ns += 35000000000LL;
	send_sk(&r, 1, 2, 36, 0x08, 2, 0xd0, 0xf0, 33, 120);
	send_sk(&r, 2, 1, 36, 0x20, 2, 0xd0, 0xf0, 33, 200);
	engine_finish(r.e);
	is_int(r.got.resolved[DIAG_CHILD_REJECTED], 1, "first timed-out rekey answered late: resolved");
	is_int(r.got.codes[DIAG_CHILD_REJECTED], 2, "the second, still unanswered, is diagnosed");
	is_int(engine_worst_severity(r.e), SEV_WARNING, "and stands");
	engine_free(r.e);
	/* A liveness check resolved, then the peer dies for good: a new
	 * ike.dpd_timeout that stands. */
	rig_start(&r);
	ike2_up(&r, 0xca, 0xea);
	for (int i = 0; i < 3; i++)
		send_sk(&r, 1, 2, 37, 0x08, 2, 0xca, 0xea, 0, 80);
	r.ns += 35000000000LL;
	send_sk(&r, 1, 2, 37, 0x08, 2, 0xca, 0xea, 0, 80);
	send_sk(&r, 2, 1, 37, 0x20, 2, 0xca, 0xea, 0, 80);
	r.ns += 600000000000LL;
	for (int i = 0; i < 4; i++)
		send_sk(&r, 1, 2, 37, 0x08, 3, 0xca, 0xea, 0, 80);
	engine_finish(r.e);
	is_int(r.got.resolved[DIAG_IKE_DPD_TIMEOUT], 1, "the first dpd_timeout is resolved");
	is_int(r.got.codes[DIAG_IKE_DPD_TIMEOUT], 2, "peer dead after a resolved DPD verdict: raised again");
	is_int(engine_worst_severity(r.e), SEV_WARNING, "the second dpd_timeout stands");
	engine_free(r.e);
	/* A SPAN port shows each packet twice: a copy that crosses the answer,
	 * doubled, is still one retransmission. */
	rig_start(&r);
	send_sa_init(&r, 1, 2, false, 0xcb, 0, 14, 0);
	send_sa_init(&r, 2, 1, true, 0xcb, 0xeb, 0, 0);
	send_sa_init(&r, 1, 2, false, 0xcb, 0, 14, 0);
	r.ns -= 499000000LL;
	send_sa_init(&r, 1, 2, false, 0xcb, 0, 14, 0);
	is_int(rig_end(&r, DIAG_IKE_RESPONSE_LOST), 0, "a doubled copy 1 ms apart: no ike.response_lost");

	/* IKE_AUTH answered only by datagrams whose IP fragments were lost:
	 * no answer, the SA does not come up, the request stalls. */
	rig_start(&r);
	send_sa_init(&r, 1, 2, false, 0xcc, 0, 14, 0);
	send_sa_init(&r, 2, 1, true, 0xcc, 0xec, 0, 0);
	for (int i = 0; i < 3; i++)
		send_sk(&r, 1, 2, 35, 0x08, 1, 0xcc, 0xec, 35, 120);
	for (int i = 0; i < 3; i++)
		send_incomplete(&r, 2, 1, 35, 0x20, 1, 0xcc, 0xec, 2000, r.ns - 1250000000LL + i * 500000000LL);
	engine_finish(r.e);
	ok(strstr(diag_text(&r, DIAG_IKE_AUTH_STALL), "only as incomplete IP datagrams (3 of them)") != NULL,
	   "answers with lost IP fragments: ike.auth_stall names them");
	{
		const struct ike_sa *sa = NULL;

		for (uint32_t i = 0; i < engine_sa_slots(r.e); i++)
			if (engine_sa(r.e, i) && engine_sa(r.e, i)->ispi[0] == 0xcc)
				sa = engine_sa(r.e, i);
		ok(sa && sa->state == SAS_AUTHENTICATING, "answers with lost IP fragments: still authenticating");
	}
	engine_free(r.e);
	/* The same answer with nothing sent after it: the capture may have
	 * missed a fragment the initiator got. It counts. */
	rig_start(&r);
	send_sa_init(&r, 1, 2, false, 0xce, 0, 14, 0);
	send_sa_init(&r, 2, 1, true, 0xce, 0xee, 0, 0);
	send_sk(&r, 1, 2, 35, 0x08, 1, 0xce, 0xee, 35, 120);
	send_incomplete(&r, 2, 1, 35, 0x20, 1, 0xce, 0xee, 2000, r.ns + 10000000LL);
	for (uint32_t i = 1; i <= 40; i++) {
		send_esp(&r, 1, 2, 0xc100000e, i);
		send_esp(&r, 2, 1, 0xc200000e, i);
	}
	engine_finish(r.e);
	is_int(r.got.codes[DIAG_IKE_AUTH_STALL], 0, "incomplete answer, request not resent: no ike.auth_stall");
	engine_free(r.e);
	/* A late answer cut by the snaplen is an answer all the same. */
	rig_start(&r);
	for (int i = 0; i < 3; i++)
		send_msg(&r, 1, 2, 2, 34, 0x08, 0, 0xcf, 0, 0);
	r.ns += 40000000000LL;
	send_msg(&r, 1, 2, 2, 34, 0x08, 0, 0xcf, 0, 0);
	{
		uint8_t m[64];
		struct unit u;

		memset(m, 0, sizeof(m));
		memset(m, 0xcf, 8);
		memset(m + 8, 0xef, 8);
		m[17] = 0x20;
		m[18] = 34;
		m[19] = 0x20;
		m[26] = 0x01;  /* 400 bytes on the wire, 64 captured */
		m[27] = 0x90;
		memset(&u, 0, sizeof(u));
		u.kind = UNIT_IKE;
		u.transport = TR_UDP500;
		addr4(&u.src, 2);
		addr4(&u.dst, 1);
		u.sport = u.dport = 500;
		u.frame = ++r.frame;
		r.ns += 500000000LL;
		u.ts_ns = r.ns;
		u.data = m;
		u.len = 28;
		u.orig_len = 400;
		engine_feed(r.e, &u);
	}
	is_int(r.got.resolved[DIAG_IKE_NO_RESPONSE], 1, "late answer cut by the snaplen: resolves ike.no_response");
	engine_finish(r.e);
	engine_free(r.e);

	/* Liveness checks unanswered while the responder's ESP keeps coming:
	 * the peer is alive, its IKE does not get through. */
	rig_start(&r);
	ike2_up(&r, 0xbd, 0xdd);
	send_esp(&r, 1, 2, 0xc1000001, 1);
	send_esp(&r, 2, 1, 0xc2000001, 1);
	for (int i = 0; i < 4; i++) {
		send_sk(&r, 1, 2, 37, 0x08, 2, 0xbd, 0xdd, 0, 80);
		send_esp(&r, 2, 1, 0xc2000001, 2 + (uint32_t)i);
	}
	engine_finish(r.e);
	ok(strstr(diag_text(&r, DIAG_IKE_DPD_TIMEOUT), "ESP (SPI 0xc2000001) kept arriving") != NULL,
	   "dpd_timeout while the peer's ESP flows: says its ESP kept arriving");
	engine_free(r.e);
	rig_start(&r);
	ike2_up(&r, 0xbe, 0xde);
	send_esp(&r, 1, 2, 0xc1000002, 1);
	send_esp(&r, 2, 1, 0xc2000002, 1);
	for (int i = 0; i < 4; i++)
		send_sk(&r, 1, 2, 37, 0x08, 2, 0xbe, 0xde, 0, 80);
	engine_finish(r.e);
	ok(diag_text(&r, DIAG_IKE_DPD_TIMEOUT)[0] && !strstr(diag_text(&r, DIAG_IKE_DPD_TIMEOUT), "kept arriving"),
	   "dpd_timeout with the peer's ESP stopped before the checks: the peer is gone");
	engine_free(r.e);
	/* The responder crashes and comes back without the SA: its ESP stops,
	 * its host refuses UDP 4500 for a moment, the initiator's ESP goes on
	 * and its checks go unanswered. Without the ICMP, the same silence
	 * says only that the responder lost the SA or its packets are lost; an
	 * ICMP before its ESP (a daemon still starting) says nothing of it; one
	 * during the checks, that the daemon is down. */
	for (int c = 0; c < 5; c++) {
		static const char *what[5] = {
			"port unreachable after its ESP stopped: its IKE daemon restarted",
			"no ICMP: neither claimed",
			"port unreachable before its ESP: neither claimed",
			"port unreachable for every check: its IKE daemon is down",
			"port unreachable for the first check only: its IKE daemon restarted",
		};
		static const char *want[5] = { "its IKE daemon restarted", NULL, NULL, "its IKE daemon is down",
					       "its IKE daemon restarted" };
		const char *text;

		rig_start(&r);
		ike2_up(&r, 0xbc, 0xdc);
		if (c == 2)
			send_port_unreachable(&r, 2, 1, 500, 0xbc);
		for (uint32_t i = 1; i <= 3; i++) {
			send_esp(&r, 1, 2, 0xc1000003, i);
			send_esp(&r, 2, 1, 0xc2000003, i);
		}
		send_esp(&r, 1, 2, 0xc1000003, 4);
		if (c == 0)
			send_port_unreachable(&r, 2, 1, 4500, 0);
		for (uint32_t i = 5; i <= 10; i++)
			send_esp(&r, 1, 2, 0xc1000003, i);
		for (int i = 0; i < 4; i++) {
			send_sk(&r, 1, 2, 37, 0x08, 2, 0xbc, 0xdc, 0, 80);
			if (c == 3 || (c == 4 && i == 0))
				send_port_unreachable(&r, 2, 1, 4500, 0xbc);
			send_esp(&r, 1, 2, 0xc1000003, 11 + (uint32_t)i);
		}
		engine_finish(r.e);
		text = diag_text(&r, DIAG_IKE_DPD_TIMEOUT);
		ok(strstr(text, "The responder's ESP had stopped") != NULL,
		   "dpd_timeout after the responder's ESP stopped while the initiator's went on: says so (%s)", what[c]);
		ok(want[c] ? strstr(text, want[c]) != NULL
			   : !strstr(text, "its IKE daemon restarted") && !strstr(text, "its IKE daemon is down"),
		   "  %s", what[c]);
		engine_free(r.e);
	}
	/* A daemon that stays down answers each new attempt with port
	 * unreachable, a new SPI each time: each SA is answered by ICMP, though
	 * ike.peer_unreachable is said once for the two hosts. */
	rig_start(&r);
	for (uint8_t sa = 0xa1; sa <= 0xa2; sa++)
		for (int i = 0; i < 3; i++) {
			send_sa_init(&r, 1, 2, false, sa, 0, 14, 0);
			send_port_unreachable(&r, 2, 1, 500, sa);
		}
	engine_finish(r.e);
	is_int(r.got.codes[DIAG_IKE_PEER_UNREACHABLE], 1, "two attempts refused by ICMP: ike.peer_unreachable once");
	is_int(r.got.codes[DIAG_IKE_NO_RESPONSE], 0, "  and no ike.no_response for either");
	engine_free(r.e);
	/* IKEv1: liveness checks are encrypted informationals, each with its
	 * own message ID. Two from the initiator after the responder's ESP
	 * stopped, its own ESP going on: a dead peer (strongSwan gives up after
	 * two). Two after which the initiator's ESP ends too are a teardown
	 * (Delete for the child SA and the ISAKMP SA), even when the
	 * responder's ESP had ended earlier; three with no ESP at all, a dead
	 * peer again. */
	for (int c = 0; c < 4; c++) {
		static const char *what[4] = { "two checks after the responder's ESP stopped: ike.dpd_timeout",
					       "two informationals ending the initiator's ESP too (a teardown): nothing",
					       "three checks, no ESP: ike.dpd_timeout",
					       "two, the initiator's ESP ending half a second past the first: nothing" };
		rig_start(&r);
		ike1_phase1(&r, 0xb7, 0xd7);
		for (uint32_t i = 1; c != 2 && i <= 3; i++) {
			send_esp(&r, 1, 2, 0xc1000007, i);
			send_esp(&r, 2, 1, 0xc2000007, i);
		}
		for (uint32_t i = 4; c != 2 && i <= 8; i++)
			send_esp(&r, 1, 2, 0xc1000007, i);
		for (int i = 0; i < (c == 2 ? 3 : 2); i++) {
			send_msg(&r, 1, 2, 1, 5, 1, 0x1000u + (uint32_t)i, 0xb7, 0xd7, 0);
			if (c == 0 || (c == 3 && i == 0))
				send_esp(&r, 1, 2, 0xc1000007, 9 + (uint32_t)i);
		}
		engine_finish(r.e);
		ok(r.got.codes[DIAG_IKE_DPD_TIMEOUT] == (c == 0 || c == 2), "IKEv1 %s", what[c]);
		if (c == 0)
			ok(strstr(diag_text(&r, DIAG_IKE_DPD_TIMEOUT), "The responder's ESP had stopped") != NULL,
			   "  and says the responder's ESP had stopped while the initiator's went on");
		engine_free(r.e);
	}
	/* One ESP packet half a second after the first check, then nothing:
	 * it was on its way already. */
	rig_start(&r);
	ike2_up(&r, 0xcd, 0xed);
	send_esp(&r, 2, 1, 0xc200000d, 1);
	send_sk(&r, 1, 2, 37, 0x08, 2, 0xcd, 0xed, 0, 80);
	send_esp(&r, 2, 1, 0xc200000d, 2);
	for (int i = 0; i < 3; i++)
		send_sk(&r, 1, 2, 37, 0x08, 2, 0xcd, 0xed, 0, 80);
	engine_finish(r.e);
	ok(diag_text(&r, DIAG_IKE_DPD_TIMEOUT)[0] && !strstr(diag_text(&r, DIAG_IKE_DPD_TIMEOUT), "kept arriving"),
	   "one ESP packet just after the first check: not taken for a live peer");
	engine_free(r.e);

	/* A responder that answers from another address keeps the TTL of its
	 * answers when the requests go on to the address it was asked at; a
	 * request to a third address drops it. */
	rig_start(&r);
	send_sa_init(&r, 1, 2, false, 0xb9, 0, 14, 0);
	send_sa_init(&r, 3, 1, true, 0xb9, 0xd9, 0, 0);
	send_sa_init(&r, 1, 2, false, 0xb9, 0, 14, 0);
	{
		const struct ike_sa *sa = NULL;

		for (uint32_t i = 0; i < engine_sa_slots(r.e) && !sa; i++)
			if (engine_sa(r.e, i) && engine_sa(r.e, i)->ispi[0] == 0xb9)
				sa = engine_sa(r.e, i);
		is_int(sa ? sa->resp_ttl : 0, 63, "answers from another address: their TTL stays for requests to the asked one");
		send_sa_init(&r, 1, 4, false, 0xb9, 0, 14, 0);
		is_int(sa ? sa->resp_ttl : 1, 0, "  a request to a third address drops it");
	}
	engine_finish(r.e);
	engine_free(r.e);

	/* IKE_SA_INIT answered, resent twice more after the answer: the
	 * answers do not reach the initiator. */
	rig_start(&r);
	for (int i = 0; i < 3; i++) {
		send_sa_init(&r, 1, 2, false, 0xbf, 0, 14, 0);
		send_sa_init(&r, 2, 1, true, 0xbf, 0xdf, 0, 0);
	}
	is_int(rig_end(&r, DIAG_IKE_RESPONSE_LOST), 1, "request resent twice after its answer: ike.response_lost");
	/* One copy crossing the answer, then the initiator goes on. */
	rig_start(&r);
	send_sa_init(&r, 1, 2, false, 0xc0, 0, 14, 0);
	send_sa_init(&r, 1, 2, false, 0xc0, 0, 14, 0);
	send_sa_init(&r, 2, 1, true, 0xc0, 0xe0, 0, 0);
	send_sa_init(&r, 1, 2, false, 0xc0, 0, 14, 0);
	send_sa_init(&r, 2, 1, true, 0xc0, 0xe0, 0, 0);
	send_sk(&r, 1, 2, 35, 0x08, 1, 0xc0, 0xe0, 35, 120);
	is_int(rig_end(&r, DIAG_IKE_RESPONSE_LOST), 0, "one copy crossing the answer: no ike.response_lost");

	/* The initiator refuses the responder's authentication: an
	 * INFORMATIONAL with a notify only right after IKE_AUTH, nothing after. */
	rig_start(&r);
	ike2_up(&r, 0xc1, 0xe1);
	send_sk(&r, 1, 2, 37, 0x08, 2, 0xc1, 0xe1, 41, 80);
	send_sk(&r, 2, 1, 37, 0x20, 2, 0xc1, 0xe1, 0, 80);
	is_int(rig_end(&r, DIAG_IKE_AUTH_FAILED), 1, "initiator's notify-only INFORMATIONAL after IKE_AUTH: ike.auth_failed");
	/* The same INFORMATIONAL (a MOBIKE update, say) with ESP after it. */
	rig_start(&r);
	ike2_up(&r, 0xc2, 0xe2);
	send_sk(&r, 1, 2, 37, 0x08, 2, 0xc2, 0xe2, 41, 80);
	send_sk(&r, 2, 1, 37, 0x20, 2, 0xc2, 0xe2, 0, 80);
	send_esp(&r, 1, 2, 0xc1000003, 1);
	send_esp(&r, 2, 1, 0xc2000003, 1);
	is_int(rig_end(&r, DIAG_IKE_AUTH_FAILED), 0, "notify-only INFORMATIONAL followed by ESP: no ike.auth_failed");

	/* Established, then at once a new IKE SA from the same initiator, no
	 * Delete, no ESP: the initiator dropped the first one. */
	rig_start(&r);
	ike2_up(&r, 0xc3, 0xe3);
	ike2_up(&r, 0xc4, 0xe4);
	is_int(rig_end(&r, DIAG_IKE_SA_ABANDONED), 1, "new IKE SA right after one came up: ike.sa_abandoned");
	/* The same with ESP on the first SA before the second: it was used. */
	rig_start(&r);
	ike2_up(&r, 0xc5, 0xe5);
	send_esp(&r, 1, 2, 0xc1000005, 1);
	ike2_up(&r, 0xc6, 0xe6);
	is_int(rig_end(&r, DIAG_IKE_SA_ABANDONED), 0, "ESP before the new IKE SA: no ike.sa_abandoned");
	/* A new IKE SA a minute later (a reauthentication, a restart): none. */
	rig_start(&r);
	ike2_up(&r, 0xc7, 0xe7);
	r.ns += 60000000000LL;
	ike2_up(&r, 0xc8, 0xe8);
	is_int(rig_end(&r, DIAG_IKE_SA_ABANDONED), 0, "new IKE SA a minute later: no ike.sa_abandoned");

	/* ICMP quoting a request up to its message ID marks that exchange. */
	{
		unsigned k;

		is_int(icmp_on_request(2, 2, 0x08, 0, 34, 28, 3, &k), 2,
		       "ICMP quoting the IKE_SA_INIT request: its exchange keeps the frame");
		is_int(k, IK_PORT, "  and the kind: port unreachable");
		is_int(icmp_on_request(2, 2, 0x08, 0, 34, 0, 4, &k), 2, "  fragmentation needed, no length quoted: marked");
		is_int(k, IK_TOO_BIG, "  as too big");
		is_int(icmp_on_request(2, 2, 0x28, 0, 34, 28, 3, &k), 0, "  quoting a response: no exchange marked");
		is_int(icmp_on_request(2, 2, 0x00, 0, 34, 28, 3, &k), 0, "  a request of the responder: not this one");
		is_int(icmp_on_request(2, 2, 0x08, 5, 34, 28, 3, &k), 0, "  another message ID: none");
		is_int(icmp_on_request(2, 2, 0x08, 0, 35, 28, 3, &k), 0, "  another exchange type: none");
		is_int(icmp_on_request(2, 2, 0x08, 0, 34, 900, 3, &k), 0, "  another length (another request with ID 0): none");
		is_int(icmp_on_request(2, 1, 0x08, 0, 34, 28, 3, &k), 0, "  an IKEv1 header with this SPI: none");
		is_int(icmp_on_request(1, 1, 0x00, 0, 2, 28, 3, &k), 2, "IKEv1: quoting Main Mode message 1 marks it");
	}

	/* UNSUPPORTED_CRITICAL_PAYLOAD: the payload type refused is named. */
	rig_start(&r);
	send_unsupported_critical(&r, 0xd5, 33);
	ok(strstr(diag_text(&r, DIAG_IKE_ERROR_NOTIFY),
		  "does not support payload type 33 (Security Association), which the sender marked critical") != NULL,
	   "UNSUPPORTED_CRITICAL_PAYLOAD names the payload type: %s", diag_text(&r, DIAG_IKE_ERROR_NOTIFY));
	rig_end(&r, DIAG_IKE_ERROR_NOTIFY);
	rig_start(&r);
	send_unsupported_critical(&r, 0xd6, 200);
	ok(strstr(diag_text(&r, DIAG_IKE_ERROR_NOTIFY), "does not support payload type 200, which") != NULL,
	   "  an unnamed type by its number: %s", diag_text(&r, DIAG_IKE_ERROR_NOTIFY));
	rig_end(&r, DIAG_IKE_ERROR_NOTIFY);

	/* IKEv1 INVALID_SPI says which SPI. */
	rig_start(&r);
	ike1_phase1(&r, 0xd7, 0xe7);
	send_v1_child_end(&r, 2, 1, 0xd7, 0xe7, 11, 3, 0xd1000001);
	ok(strstr(diag_text(&r, DIAG_IKE_INVALID_SPI), "INVALID_SPI for ESP SPI 0xd1000001 from the responder") != NULL,
	   "IKEv1 INVALID_SPI names the ESP SPI: %s", diag_text(&r, DIAG_IKE_INVALID_SPI));
	rig_end(&r, DIAG_IKE_INVALID_SPI);

	/* ESP on after a cleartext Delete or INVALID_SPI naming its SPI. */
	is_int(stale_after_end(1, 0, 3, 0xd1000001), CONF_CERTAIN, "ESP after a Delete of its SPI: esp.stale_spi, certain");
	is_int(stale_after_end(1, 11, 3, 0xd1000001), CONF_CERTAIN, "ESP after INVALID_SPI naming its SPI: esp.stale_spi, certain");
	is_int(stale_after_end(1, 0, 3, 0xd1000099), -1, "a Delete of another SPI: no esp.stale_spi");
	is_int(stale_after_end(1, 0, 2, 0xd1000001), -1, "a Delete of an AH SPI equal to it: no esp.stale_spi");
	is_int(stale_after_end(1, 0, 3, 0xd2000001), -1, "a Delete naming the SPI its sender sends on, not one it receives: none");
	is_int(stale_after_end(2, 0, 3, 0xd1000001), -1, "IKEv2: an unprotected Delete is not trusted");
	is_int(stale_after_end(2, 11, 3, 0xd1000001), -1, "IKEv2: nor an unprotected INVALID_SPI");
	return tap_done();
}
