/* test_unit_ring.c - the queue between the capture thread and the engine's:
 * order, bytes, wrap-around, the ESP cut, end of stream, deadlines, and two
 * threads passing a few hundred thousand units through a small ring. */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "../tap.h"
#include "../../capture/unit_ring.h"

#define STRESS_UNITS 100000

static int64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* Unit i: its number in frame, i-derived bytes of an i-derived length. */
static size_t unit_len(uint64_t i)
{
	static const size_t lens[] = { 0, 1, 8, 15, 16, 17, 100, 1500, 9000, 65535 };

	return lens[(i * 2654435761u >> 7) % (sizeof(lens) / sizeof(lens[0]))];
}

static void make_unit(uint64_t i, uint8_t *buf, struct unit *u)
{
	size_t n = unit_len(i), k;

	memset(u, 0, sizeof(*u));
	u->kind = (i % 7 == 3) ? UNIT_ESP : UNIT_IKE;
	u->frame = i;
	u->ts_ns = (int64_t)i * 1000;
	u->sport = (uint16_t)i;
	for (k = 0; k < n; k++)
		buf[k] = (uint8_t)(i + k * 31);
	u->data = buf;
	u->len = n;
	u->orig_len = n + 3;
}

/* Whether u is unit i as pushed, ESP cut to esp_bytes. */
static bool unit_matches(const struct unit *u, uint64_t i, size_t esp_bytes)
{
	size_t n = unit_len(i), k;

	if (u->kind == UNIT_ESP && n > esp_bytes)
		n = esp_bytes;
	if (u->frame != i || u->ts_ns != (int64_t)i * 1000 || u->sport != (uint16_t)i ||
	    u->len != n || u->orig_len != unit_len(i) + 3)
		return false;
	for (k = 0; k < n; k++)
		if (u->data[k] != (uint8_t)(i + k * 31))
			return false;
	return true;
}

struct stress {
	struct unit_ring *r;
	bool lazy;
};

static void *producer(void *arg)
{
	struct stress *s = arg;
	static uint8_t buf[65536];
	struct unit u;
	uint64_t i;

	for (i = 1; i <= STRESS_UNITS; i++) {
		make_unit(i, buf, &u);
		unit_ring_push(s->r, &u, s->lazy);
	}
	unit_ring_close(s->r);
	return NULL;
}

/* Consumes everything, checking order and bytes; returns the units seen or
 * 0 on the first mismatch. */
static uint64_t consume_all(struct unit_ring *r, size_t esp_bytes)
{
	uint64_t want = 1;

	for (;;) {
		const struct unit *u = unit_ring_peek(r, -1);

		if (!u)
			break;
		if (!unit_matches(u, want, esp_bytes)) {
			printf("# unit %llu differs: got frame %llu, %zu bytes\n",
			       (unsigned long long)want, (unsigned long long)u->frame, u->len);
			return 0;
		}
		unit_ring_pop(r);
		want++;
	}
	return want - 1;
}

static void test_threads(bool lazy)
{
	struct stress s = { unit_ring_new(0, 8), lazy };
	pthread_t tid;
	uint64_t got;

	ok(s.r != NULL, "ring allocated");
	if (!s.r)
		return;
	ok(pthread_create(&tid, NULL, producer, &s) == 0, "producer thread started");
	got = consume_all(s.r, 8);
	pthread_join(tid, NULL);
	is_int(got, STRESS_UNITS, lazy ? "lazy producer: every unit, in order, bytes intact"
				       : "eager producer: every unit, in order, bytes intact");
	ok(unit_ring_done(s.r), "done after the last unit");
	unit_ring_free(s.r);
}

/* One thread: fill, wrap, drain, several times over the smallest ring. */
static void test_one_thread(void)
{
	struct unit_ring *r = unit_ring_new(1, SIZE_MAX);
	static uint8_t buf[65536];
	uint64_t i = 1, next = 1, bad = 0;
	struct unit u;
	int round;

	for (round = 0; round < 40; round++) {
		/* Well under a quarter of the ring, so pushing never waits. */
		size_t queued = 0;

		while (queued < (1u << 20) / 4) {
			make_unit(i++, buf, &u);
			queued += u.len + sizeof(struct unit) + 32;
			unit_ring_push(r, &u, round % 2);
		}
		unit_ring_publish(r);
		while (next < i) {
			const struct unit *got = unit_ring_peek(r, 0);

			if (!got || !unit_matches(got, next, SIZE_MAX)) {
				bad++;
				break;
			}
			unit_ring_pop(r);
			next++;
		}
	}
	is_int(bad, 0, "one thread: units come back in order across wrap-arounds");
	ok(!unit_ring_done(r), "not done before close");
	ok(unit_ring_peek(r, 0) == NULL, "empty ring: peek with a past deadline returns none");
	unit_ring_close(r);
	ok(unit_ring_done(r), "closed and empty: done");
	ok(unit_ring_peek(r, -1) == NULL, "closed and empty: peek does not wait");
	unit_ring_free(r);
}

static void test_cuts(void)
{
	struct unit_ring *r = unit_ring_new(1, 8);
	static uint8_t big[400000];
	const struct unit *got;
	struct unit u;

	memset(&u, 0, sizeof(u));
	u.kind = UNIT_ESP;
	u.data = big;
	u.len = 1400;
	u.orig_len = 1400;
	big[0] = 0xab;
	big[7] = 0xcd;
	unit_ring_push(r, &u, false);
	u.kind = UNIT_IKE;
	u.len = sizeof(big);
	u.orig_len = sizeof(big);
	unit_ring_push(r, &u, false);
	got = unit_ring_peek(r, 0);
	ok(got && got->kind == UNIT_ESP && got->len == 8 && got->orig_len == 1400,
	   "ESP kept to the header, its real size still in orig_len");
	ok(got && got->data[0] == 0xab && got->data[7] == 0xcd, "ESP header bytes intact");
	unit_ring_pop(r);
	got = unit_ring_peek(r, 0);
	ok(got && got->len == (1u << 20) / 4 && got->orig_len == sizeof(big),
	   "a unit larger than a quarter of the ring is cut like a snap length");
	unit_ring_pop(r);
	unit_ring_free(r);
}

static void test_deadline(void)
{
	struct unit_ring *r = unit_ring_new(1, SIZE_MAX);
	int64_t t0 = now_ns(), waited;

	ok(unit_ring_peek(r, t0 + 50000000) == NULL, "no unit before the deadline: none");
	waited = now_ns() - t0;
	ok(waited >= 45000000 && waited < 2000000000, "peek waited until its deadline (%lld ms)",
	   (long long)(waited / 1000000));
	unit_ring_free(r);
}

static bool addr_same(const struct addr *a, const struct addr *b)
{
	return a->family == b->family && memcmp(a->a, b->a, sizeof(a->a)) == 0;
}

/* Every field before the union, as pushed (bytes checked by the caller). */
static bool fields_same(const struct unit *a, const struct unit *b)
{
	return a->kind == b->kind && a->transport == b->transport && a->frame == b->frame &&
	       a->ts_ns == b->ts_ns && addr_same(&a->src, &b->src) && addr_same(&a->dst, &b->dst) &&
	       a->sport == b->sport && a->dport == b->dport && a->ttl == b->ttl &&
	       a->ip_frags == b->ip_frags && a->wire_len == b->wire_len && a->len == b->len &&
	       a->orig_len == b->orig_len;
}

/* Units come back field for field, though a record keeps only the fields
 * the unit's kind fills: IPv4 IKE and ESP (cut to its header), IPv6, IPv4
 * with bytes past the fourth in an address, an ICMP error with its union,
 * and lengths and frame numbers past 32 bits. */
static void test_fields(void)
{
	struct unit_ring *r = unit_ring_new(1, 8);
	static const uint8_t bytes[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
	struct unit in[6];
	unsigned i, bad = 0;

	for (i = 0; i < 6; i++) {
		struct unit *u = &in[i];

		memset(u, 0, sizeof(*u));
		u->kind = i == 1 ? UNIT_ESP : UNIT_IKE;
		u->transport = (uint8_t)(TR_UDP500 + i % 3);
		u->frame = 0x100000000ull + i;
		u->ts_ns = -5 - (int64_t)i;
		u->src.family = u->dst.family = ADDR_V4;
		u->src.a[0] = 192, u->src.a[3] = (uint8_t)(1 + i);
		u->dst.a[0] = 198, u->dst.a[3] = (uint8_t)(200 - i);
		u->sport = (uint16_t)(4500 + i);
		u->dport = (uint16_t)(65535 - i);
		u->ttl = (uint8_t)(250 - i);
		u->ip_frags = (uint8_t)i;
		u->wire_len = 0xfffffff0u + i;
		u->data = bytes;
		u->len = sizeof(bytes);
		u->orig_len = 1400 + i;
	}
	in[2].src.family = in[2].dst.family = ADDR_V6;
	in[2].src.a[15] = 1;
	in[2].dst.a[8] = 2;
	in[3].src.a[9] = 7;
	in[4].kind = UNIT_ICMP_ERROR;
	in[4].u.icmp.mtu = 1280;
	in[4].u.icmp.q_esp_spi = 0xdeadbeef;
	in[5].orig_len = (size_t)1 << 33;
	for (i = 0; i < 6; i++)
		unit_ring_push(r, &in[i], false);
	for (i = 0; i < 6; i++) {
		const struct unit *got = unit_ring_peek(r, 0);
		struct unit want = in[i];

		want.len = i == 1 ? 8 : sizeof(bytes);
		if (!got || !fields_same(got, &want) || memcmp(got->data, bytes, want.len) != 0 ||
		    (i == 4 && (got->u.icmp.mtu != 1280 || got->u.icmp.q_esp_spi != 0xdeadbeef))) {
			printf("# unit %u differs\n", i);
			bad++;
		}
		unit_ring_pop(r);
	}
	is_int(bad, 0, "every field comes back as pushed, the union with the kinds that use it");
	unit_ring_free(r);
}

int main(void)
{
	test_fields();
	test_one_thread();
	test_cuts();
	test_deadline();
	test_threads(false);
	test_threads(true);
	return tap_done();
}
