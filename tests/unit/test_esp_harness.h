/* test_esp_harness.h - a real engine with a recording event sink, and units
 * built around a real ESP packet (ikev2-esp-udp.pcap frame 7) for the ESP flow
 * and network detector tests. */
#ifndef IKESCOPE_TEST_ESP_HARNESS_H
#define IKESCOPE_TEST_ESP_HARNESS_H

#include <stdlib.h>
#include <string.h>

#include "../../dissect/engine_int.h"
#include "../tap.h"

/* ESP in UDP 4500 from 192.0.2.1 to 192.0.2.2: SPI 0xf0474e5d, sequence 1. */
static const uint8_t real_esp[120] = {
	0xf0, 0x47, 0x4e, 0x5d, 0x00, 0x00, 0x00, 0x01, 0xf4, 0x7f, 0x2e, 0x79,
	0xbd, 0xa1, 0xd1, 0x5b, 0xa9, 0xef, 0x92, 0x28, 0x68, 0x7d, 0x69, 0xd9,
	0xd3, 0xf0, 0x0e, 0xf7, 0x8a, 0xd8, 0xca, 0xef, 0xe4, 0x19, 0x94, 0x03,
	0x86, 0xaf, 0x3e, 0x39, 0x64, 0x01, 0xd1, 0x23, 0xba, 0x05, 0x17, 0x98,
	0xd8, 0x4a, 0x37, 0x0f, 0x97, 0x60, 0xbf, 0x81, 0xe7, 0x30, 0xe8, 0x40,
	0x61, 0x7d, 0xb7, 0xcd, 0x1e, 0x03, 0xbc, 0xf7, 0x0f, 0xde, 0x2d, 0x59,
	0x75, 0x4d, 0x7a, 0xc7, 0xf3, 0xf4, 0x89, 0x35, 0xf8, 0x88, 0x1e, 0x8e,
	0x16, 0x4d, 0x8b, 0x17, 0x31, 0x32, 0x99, 0xc3, 0x1b, 0xf3, 0xe5, 0x56,
	0x85, 0x70, 0x62, 0x4a, 0x27, 0x3a, 0x65, 0xe9, 0x59, 0x77, 0xd0, 0x46,
	0x83, 0x89, 0x06, 0x20, 0x6c, 0xcb, 0xe8, 0x61, 0xb2, 0xf5, 0x1b, 0x50,
};

#define MAX_KEPT 64

struct rec {
	unsigned ndiag, esp_final, esp_evicted;
	unsigned by_code[DIAG__COUNT];
	struct diagnosis kept[MAX_KEPT];
};

static struct rec rec;
static uint8_t pkt[2048];
static uint64_t next_frame = 1;
static uint8_t esp_ip_frags;   /* IP fragments the next ESP units came in (0: whole) */

static void rec_emit(void *ctx, const struct event *ev)
{
	struct rec *r = ctx;

	if (ev->type == EV_DIAGNOSIS) {
		if (r->ndiag < MAX_KEPT)
			r->kept[r->ndiag] = *ev->u.diag;
		r->ndiag++;
		r->by_code[ev->u.diag->code]++;
	} else if (ev->type == EV_ESP) {
		if (ev->reason == 2)
			r->esp_evicted++;
		else
			r->esp_final++;
	}
}

static struct engine *eng_new(uint32_t max_flows)
{
	struct engine_config cfg;
	struct event_sink sink = { rec_emit, &rec };

	memset(&rec, 0, sizeof(rec));
	next_frame = 1;
	engine_config_defaults(&cfg);
	if (max_flows)
		cfg.max_flows = max_flows;
	return engine_new(&cfg, &sink);
}

static inline struct addr ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	struct addr x;

	memset(&x, 0, sizeof(x));
	x.family = ADDR_V4;
	x.a[0] = a;
	x.a[1] = b;
	x.a[2] = c;
	x.a[3] = d;
	return x;
}

static const struct addr A4 = { ADDR_V4, { 192, 0, 2, 1 } };
static const struct addr B4 = { ADDR_V4, { 192, 0, 2, 2 } };
#define SEC 1000000000LL

/* Feeds one ESP-in-UDP packet: the real packet with SPI and sequence replaced
 * and its length set to len (padding repeats the real ciphertext). */
/* The engine holds ESP packets back in small batches (engine_flush). */
static void feed_esp_batched(struct engine *e, struct addr src, struct addr dst, uint32_t spi,
			     uint32_t seq, int64_t ns, size_t len)
{
	struct unit u;
	size_t i;

	if (len < 8 || len > sizeof(pkt))
		len = sizeof(real_esp);
	for (i = 0; i < len; i++)
		pkt[i] = real_esp[i % sizeof(real_esp)];
	pkt[0] = (uint8_t)(spi >> 24);
	pkt[1] = (uint8_t)(spi >> 16);
	pkt[2] = (uint8_t)(spi >> 8);
	pkt[3] = (uint8_t)spi;
	pkt[4] = (uint8_t)(seq >> 24);
	pkt[5] = (uint8_t)(seq >> 16);
	pkt[6] = (uint8_t)(seq >> 8);
	pkt[7] = (uint8_t)seq;
	memset(&u, 0, sizeof(u));
	u.kind = UNIT_ESP;
	u.transport = TR_UDP4500;
	u.frame = next_frame++;
	u.ts_ns = ns;
	u.src = src;
	u.dst = dst;
	u.sport = u.dport = 4500;
	u.ttl = 64;
	u.ip_frags = esp_ip_frags;
	u.data = pkt;
	u.len = u.orig_len = len;
	u.wire_len = (uint32_t)len + 42;
	engine_feed(e, &u);
}

/* One packet, applied at once: as a view sees the state after flushing. */
static void feed_esp(struct engine *e, struct addr src, struct addr dst, uint32_t spi, uint32_t seq,
		     int64_t ns, size_t len)
{
	feed_esp_batched(e, src, dst, spi, seq, ns, len);
	engine_flush(e);
}

static inline const struct esp_flow *flow_of(struct engine *e, struct addr dst, uint32_t spi)
{
	return engine_flow(e, esp_flow_find(e, &dst, spi));
}

/* An IKEv2 SA between init and resp, as the correlation would leave it. */
static inline struct ike_sa *add_sa(struct engine *e, uint8_t tag, struct addr init, struct addr resp,
			     uint8_t cap_pos)
{
	struct sa_key k;
	struct ike_sa *sa;
	uint32_t s;

	/* As an IKE message would, the SA comes after the packets before it. */
	engine_flush(e);
	memset(&k, 0, sizeof(k));
	memset(k.ispi, tag, 8);
	k.version = 2;
	s = table_insert(e->sas, &k);
	sa = engine_sa_mut(e, s);
	memset(sa->ispi, tag, 8);
	memset(sa->rspi, tag ^ 0x5a, 8);
	sa->version = 2;
	sa->state = SAS_ESTABLISHED;
	sa->init_ip = init;
	sa->resp_ip = resp;
	sa->init_port = sa->resp_port = 500;
	sa->cap_pos = cap_pos;
	sa->first_ns = sa->last_ns = 1;
	ike_sa_index_peers(e, sa, s);
	return sa;
}

static inline const struct diagnosis *find_diag(unsigned code)
{
	unsigned i;

	for (i = 0; i < rec.ndiag && i < MAX_KEPT; i++)
		if (rec.kept[i].code == code)
			return &rec.kept[i];
	return NULL;
}

static inline unsigned count_at_least(unsigned sev)
{
	unsigned i, n = 0;

	for (i = 0; i < rec.ndiag && i < MAX_KEPT; i++)
		if (rec.kept[i].severity >= sev)
			n++;
	return n;
}

#endif
