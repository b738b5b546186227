/* test_esp_flow.c - ESP flow tracking: counters, sizes, sequence analysis
 * against the 1024-bit window (loss, reordering, duplicates, late packets,
 * restarts, ESN rollover), pairing, IKE SA association, stale marking,
 * eviction and a random-SPI flood against the flow cap. */
#include "test_esp_harness.h"

static int64_t clock_ns;

static void send_seq(struct engine *e, uint32_t spi, const uint32_t *seq, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		clock_ns += SEC / 100;
		feed_esp(e, A4, B4, spi, seq[i], clock_ns, 120);
	}
}

static void send_range(struct engine *e, uint32_t spi, uint32_t from, uint32_t to)
{
	for (uint32_t s = from;; s++) {
		clock_ns += SEC / 1000;
		feed_esp(e, A4, B4, spi, s, clock_ns, 120);
		if (s == to)
			break;
	}
}

#define SEND(e, spi, ...)                                                  \
	do {                                                               \
		const uint32_t v_[] = { __VA_ARGS__ };                     \
		send_seq(e, spi, v_, sizeof(v_) / sizeof(v_[0]));          \
	} while (0)

static void counters(const struct esp_flow *f, uint64_t lost, uint64_t reord, uint64_t dup,
		     uint64_t l64, uint64_t l1024, uint32_t restarts, uint32_t esn, const char *what)
{
	char name[160];

	if (!ok(f != NULL, "%s: flow exists", what))
		return;
	snprintf(name, sizeof(name), "%s: lost", what);
	is_int(f->lost, lost, name);
	snprintf(name, sizeof(name), "%s: reordered", what);
	is_int(f->reordered, reord, name);
	snprintf(name, sizeof(name), "%s: duplicates", what);
	is_int(f->duplicates, dup, name);
	snprintf(name, sizeof(name), "%s: late64", what);
	is_int(f->late64, l64, name);
	snprintf(name, sizeof(name), "%s: late1024", what);
	is_int(f->late1024, l1024, name);
	snprintf(name, sizeof(name), "%s: restarts", what);
	is_int(f->restarts, restarts, name);
	snprintf(name, sizeof(name), "%s: esn rollovers", what);
	is_int(f->esn_rollovers, esn, name);
}

static void test_basic(void)
{
	struct engine *e = eng_new(0);
	const struct esp_flow *f;

	clock_ns = 1000 * SEC;
	feed_esp(e, A4, B4, 0xf0474e5d, 1, clock_ns, 120);
	feed_esp(e, A4, B4, 0xf0474e5d, 2, clock_ns + SEC, 1450);
	feed_esp(e, A4, B4, 0xf0474e5d, 3, clock_ns + 2 * SEC, 60);
	f = flow_of(e, B4, 0xf0474e5d);
	ok(f != NULL, "flow found by (destination, SPI)");
	ok(flow_of(e, A4, 0xf0474e5d) == NULL, "the same SPI towards the other address is another flow");
	if (f) {
		is_int(f->packets, 3, "packets");
		is_int(f->bytes, 120 + 1450 + 60, "bytes");
		is_int(f->size_min, 60, "size min");
		is_int(f->size_max, 1450, "size max");
		is_int(f->size_hist[0], 2, "two packets under 128 bytes");
		is_int(f->size_hist[6], 1, "1450 bytes in the 1400..1499 bucket");
		is_int(f->first_frame, 1, "first frame");
		is_int(f->last_frame, 3, "last frame");
		is_int(f->last_ns - f->first_ns, 2 * SEC, "duration");
		is_int(f->seq_top, 3, "top");
		is_int(f->reverse, NO_SLOT, "no reverse yet");
		is_int(f->sa, NO_SLOT, "no IKE SA");
		is_int(f->transport, TR_UDP4500, "transport");
		is_int(f->sport, 4500, "source port");
	}
	is_int(engine_stats(e)->flows, 1, "one flow counted");
	engine_free(e);
}

static void test_sequences(void)
{
	struct engine *e = eng_new(0);

	SEND(e, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
	counters(flow_of(e, B4, 1), 0, 0, 0, 0, 0, 0, 0, "in order");

	SEND(e, 2, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 14, 15);
	counters(flow_of(e, B4, 2), 3, 0, 0, 0, 0, 0, 0, "gap of three");
	SEND(e, 2, 12);
	counters(flow_of(e, B4, 2), 2, 1, 0, 0, 0, 0, 0, "a late packet fills one hole");
	SEND(e, 2, 12);
	counters(flow_of(e, B4, 2), 2, 1, 1, 0, 0, 0, 0, "the same late packet again is a duplicate");
	SEND(e, 2, 15, 1);
	counters(flow_of(e, B4, 2), 2, 1, 3, 0, 0, 0, 0, "top and oldest repeated are duplicates");
	ok(flow_of(e, B4, 2)->gap_frame != 0, "first gap frame kept");
	ok(flow_of(e, B4, 2)->dup_frame != 0, "first duplicate frame kept");

	/* 1..99, 101..200, then 100: 100 behind the top, inside 1024, outside 64. */
	send_range(e, 3, 1, 99);
	send_range(e, 3, 101, 200);
	counters(flow_of(e, B4, 3), 1, 0, 0, 0, 0, 0, 0, "one hole at 100");
	SEND(e, 3, 100);
	counters(flow_of(e, B4, 3), 0, 1, 0, 1, 0, 0, 0, "100 behind: reordered and late for 64");
	SEND(e, 3, 137);
	counters(flow_of(e, B4, 3), 0, 1, 1, 0 + 1, 0, 0, 0, "63 behind and seen: duplicate, not late");

	/* Window edges: 1024 behind is outside, 1023 behind inside. */
	send_range(e, 4, 1, 1);
	send_range(e, 4, 1025, 1025);
	counters(flow_of(e, B4, 4), 1023, 0, 0, 0, 0, 0, 0, "jump of 1024");
	SEND(e, 4, 1);
	counters(flow_of(e, B4, 4), 1023, 0, 0, 1, 1, 0, 0, "1024 behind: beyond both windows");
	SEND(e, 4, 2);
	counters(flow_of(e, B4, 4), 1022, 1, 0, 2, 1, 0, 0, "1023 behind: inside 1024, late for 64");
	SEND(e, 4, 2);
	counters(flow_of(e, B4, 4), 1022, 1, 1, 2, 1, 0, 0, "and again: duplicate at the window's end");
	SEND(e, 4, 961, 962);
	counters(flow_of(e, B4, 4), 1020, 3, 1, 3, 1, 0, 0, "64 and 63 behind: one late, one not");
	/* Gaps still open: 3..960 and 963..1024 of the last 1024 (2..1025). */
	is_int(esp_seq_open(flow_of(e, B4, 4), 1024), 1020, "open gaps in the window: the 1020 not seen");
	is_int(esp_seq_open(flow_of(e, B4, 4), 5000), 1020, "  a span past the window is the window");
	is_int(esp_seq_open(flow_of(e, B4, 4), 64), 62, "  the last 64 (962..1025): 963..1024 open");
	is_int(esp_seq_open(flow_of(e, B4, 4), 1), 0, "  the top itself was seen");
	is_int(esp_seq_open(flow_of(e, B4, 4), 0), 0, "  an empty span");

	/* The shift crosses word boundaries with every residue. */
	SEND(e, 5, 1, 70, 1, 2, 200, 1, 70, 136, 137);
	counters(flow_of(e, B4, 5), 200 - 6, 3, 3, 2, 0, 0, 0, "shifts of 69 and 130 keep old bits");

	/* A restart: far beyond the window, then back to 1. */
	send_range(e, 6, 1, 3000);
	SEND(e, 6, 1, 2, 3);
	counters(flow_of(e, B4, 6), 0, 0, 0, 0, 0, 1, 0, "restart from 1");
	is_int(flow_of(e, B4, 6)->seq_top, 3, "top after restart");
	is_int(esp_seq_open(flow_of(e, B4, 6), 1024), 0, "no gap open after a restart at 1: 0 was never sent");
	SEND(e, 6, 6);
	is_int(esp_seq_open(flow_of(e, B4, 6), 1024), 2, "  4 and 5 open after 6");
	/* Low but not far enough above: a late packet, not a restart. */
	send_range(e, 7, 1, 10);
	send_range(e, 7, 2000, 2010);
	SEND(e, 7, 5);
	counters(flow_of(e, B4, 7), 1989, 0, 0, 1, 1, 0, 0, "5 after 2010: late, within 2048");

	/* ESN: the 32-bit value wraps near 2^32. */
	send_range(e, 8, 0xfffffff0u, 0xffffffffu);
	SEND(e, 8, 0, 1, 2);
	counters(flow_of(e, B4, 8), 0, 0, 0, 0, 0, 0, 1, "ESN rollover");
	is_int(flow_of(e, B4, 8)->seq_top, 0x100000002ull, "top continues at 2^32 + 2");
	SEND(e, 8, 0xfffffffeu);
	counters(flow_of(e, B4, 8), 0, 0, 1, 0, 0, 0, 1, "a pre-wrap number repeated is a duplicate");
	SEND(e, 8, 0xfffffff0u - 1);
	counters(flow_of(e, B4, 8), 0, 1, 1, 0, 0, 0, 1, "one before the first seen: inside the window");
	send_range(e, 9, 0xfffffffdu, 0xfffffffdu);
	SEND(e, 9, 2);
	counters(flow_of(e, B4, 9), 4, 0, 0, 0, 0, 0, 1, "gap across the wrap");
	/* A forward jump of billions is a new start, not loss. */
	SEND(e, 10, 1, 0x50000000u);
	counters(flow_of(e, B4, 10), 0, 0, 0, 0, 0, 1, 0, "huge jump");
	is_int(esp_seq_open(flow_of(e, B4, 10), 1024), 0, "  and nothing open below the new start");
	engine_free(e);
}

static void test_pairing(void)
{
	struct engine *e = eng_new(0);
	struct ike_sa *sa = add_sa(e, 0x11, A4, B4, POS_INITIATOR);
	uint32_t a, b, a2, b2;

	feed_esp(e, A4, B4, 0xa1, 1, 10 * SEC, 120);
	feed_esp(e, B4, A4, 0xb1, 1, 10 * SEC + 1, 120);
	a = esp_flow_find(e, &(struct addr){ 0 }, 0);
	is_int(a, NO_SLOT, "no flow for an empty key");
	a = esp_flow_find(e, &B4, 0xa1);
	b = esp_flow_find(e, &A4, 0xb1);
	is_int(engine_flow(e, a)->reverse, b, "outbound paired with inbound");
	is_int(engine_flow(e, b)->reverse, a, "inbound paired with outbound");
	ok(engine_flow(e, a)->sa != NO_SLOT && engine_flow(e, a)->sa_heuristic == 1,
	   "flow tied to the SA of its peers, heuristically");
	is_int(sa->child_flows, 2, "SA counts two child flows");
	ok(esp_flow_sa(e, engine_flow(e, a)) == sa, "esp_flow_sa finds it");
	/* Rekey: the new pair takes over; the old ones keep each other. */
	feed_esp(e, A4, B4, 0xa2, 1, 20 * SEC, 120);
	feed_esp(e, B4, A4, 0xb2, 1, 20 * SEC + 1, 120);
	a2 = esp_flow_find(e, &B4, 0xa2);
	b2 = esp_flow_find(e, &A4, 0xb2);
	is_int(engine_flow(e, a2)->reverse, b2, "new outbound paired with new inbound");
	is_int(engine_flow(e, b2)->reverse, a2, "new inbound paired with new outbound");
	is_int(engine_flow(e, a)->reverse, b, "old outbound keeps the old inbound");
	is_int(engine_flow(e, b)->reverse, a, "old inbound keeps the old outbound");
	/* Stale: proven, both directions, only after the grace second. */
	esp_flow_mark_stale(e, 0xa1, NULL, 20 * SEC);
	is_int(engine_flow(e, a)->stale, ESP_STALE_NO, "no destination: nothing marked");
	esp_flow_mark_stale(e, 0xa1, &B4, 20 * SEC);
	is_int(engine_flow(e, a)->stale, ESP_STALE_PROVEN, "marked proven");
	is_int(engine_flow(e, b)->stale, ESP_STALE_PROVEN, "its reverse too");
	esp_flow_mark_replaced(e, 0xa1, &B4, 21 * SEC);
	is_int(engine_flow(e, a)->stale, ESP_STALE_PROVEN, "a weaker reason does not downgrade");
	is_int(engine_flow(e, a)->stale_since_ns, 20 * SEC, "the first time is kept");
	feed_esp(e, A4, B4, 0xa1, 2, 20 * SEC + SEC / 2, 120);
	is_int(engine_flow(e, a)->stale_packets, 0, "in-flight packet within the grace not counted");
	feed_esp(e, A4, B4, 0xa1, 3, 23 * SEC, 120);
	is_int(engine_flow(e, a)->stale_packets, 1, "later packet counted stale");
	is_int(engine_flow(e, a)->stale_frame, next_frame - 1, "its frame kept");
	/* Replaced by a rekey, then deleted: the proof starts the count anew. */
	esp_flow_mark_replaced(e, 0xa2, &B4, 30 * SEC);
	feed_esp(e, A4, B4, 0xa2, 2, 32 * SEC, 120);
	is_int(engine_flow(e, a2)->stale_packets, 1, "after a rekey: counted stale, likely");
	esp_flow_mark_stale(e, 0xa2, &B4, 33 * SEC);
	is_int(engine_flow(e, a2)->stale_since_ns, 33 * SEC, "then a delete: stale since the delete");
	is_int(engine_flow(e, a2)->stale_packets, 0, "  counting from it");
	feed_esp(e, A4, B4, 0xa2, 3, 35 * SEC, 120);
	is_int(engine_flow(e, a2)->stale_packets, 1, "  a packet after its grace counts");
	engine_free(e);

	/* Without IKE, flows are paired by their addresses as the second
	 * direction appears. */
	e = eng_new(0);
	feed_esp(e, A4, B4, 0xa1, 1, 10 * SEC, 120);
	feed_esp(e, B4, A4, 0xb1, 1, 10 * SEC + 1, 120);
	a = esp_flow_find(e, &B4, 0xa1);
	b = esp_flow_find(e, &A4, 0xb1);
	is_int(engine_flow(e, a)->reverse, b, "no IKE: paired while running");
	is_int(engine_flow(e, b)->reverse, a, "both ways");
	engine_finish(e);
	is_int(engine_flow(e, a)->reverse, b, "still paired at the end");
	is_int(rec.esp_final, 2, "two final esp events");
	engine_free(e);
}

static uint64_t rng = 88172645463325252ull;

static uint32_t xorshift(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

static void test_flood(void)
{
	struct engine *e = eng_new(1000);
	const struct table_stats *ts;
	uint32_t i, used = 0;

	add_sa(e, 0x22, A4, B4, POS_UNKNOWN);
	for (i = 0; i < 500000; i++)
		feed_esp_batched(e, A4, B4, xorshift() | 1, xorshift(), 100 * SEC + (int64_t)i * 1000, 64);
	engine_flush(e);
	for (i = 0; i < engine_flow_slots(e); i++)
		used += engine_flow(e, i) != NULL;
	ts = table_stats(e->flows);
	is_int(used, 1000, "flood: flows stay at the cap");
	is_int(ts->count, 1000, "flood: table count at the cap");
	ok(engine_stats(e)->flows >= 499000, "flood: flows counted (%" PRIu64 ")", engine_stats(e)->flows);
	is_int(engine_stats(e)->flows_evicted, engine_stats(e)->flows - 1000, "flood: evictions counted");
	is_int(rec.esp_evicted, engine_stats(e)->flows_evicted, "flood: one esp event per eviction");
	is_int(rec.ndiag, 0, "flood: no diagnosis while running");
	engine_finish(e);
	ok(count_at_least(SEV_WARNING) == 0, "flood: no warning at the end");
	engine_free(e);
}

/* An SA remembers where its peer index entry was; when that slot has been
 * reused by other peers, indexing the SA again must make a new entry, not
 * write over theirs. */
static void test_peer_slot_reused(void)
{
	struct engine_config cfg;
	struct engine *e;
	struct ike_sa *sa;
	uint32_t slot, i, naming = 0;
	const struct addr c = ip4(203, 0, 113, 9), last = ip4(198, 51, 100, 13);

	engine_config_defaults(&cfg);
	cfg.max_sas = 2;
	cfg.max_flows = 2;
	e = engine_new(&cfg, NULL);
	if (!ok(e != NULL, "peers: engine with four index entries"))
		return;
	sa = add_sa(e, 0x41, A4, B4, POS_UNKNOWN);
	slot = ike_sa_find(e, sa->ispi, 2);
	ok(sa->peer_slot != 0, "peers: the SA remembers its entry");
	/* Four other address pairs push it out of the four-entry index. */
	for (i = 0; i < 4; i++)
		feed_esp(e, ip4(198, 51, 100, (uint8_t)(10 + i)), c, 0x500 + i, 1, SEC + i, 100);
	is_int(ike_sa_find_by_peers(e, &A4, &B4), NO_SLOT, "peers: entry evicted, SA not found by peers");
	ike_sa_index_peers(e, sa, slot);
	is_int(ike_sa_find_by_peers(e, &A4, &B4), slot, "peers: indexed again through a new entry");
	ok(peers_find(e, &c, &last) != NULL, "peers: the newest other pair kept its entry");
	for (i = 0; i < 4; i++) {
		const struct addr o = ip4(198, 51, 100, (uint8_t)(10 + i));
		const struct peer_entry *pe = peers_find(e, &o, &c);

		naming += pe && pe->sa;
	}
	is_int(naming, 0, "peers: no other pair's entry names the SA");
	engine_free(e);
}

/* The events of a run, in order and without packet events, as text: two
 * runs compare as strings. */
struct trace {
	char *buf;
	size_t len, cap;
};

static void trace_emit(void *ctx, const struct event *ev)
{
	struct trace *t = ctx;
	char line[600];
	int n = 0;

	if (ev->type == EV_ESP) {
		const struct esp_flow *f = ev->u.flow;

		n = snprintf(line, sizeof(line),
			     "esp %u %08x %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64
			     " %" PRIu64 " %u %u %u %u\n",
			     ev->reason, f->spi, f->packets, f->bytes, f->lost, f->reordered, f->duplicates,
			     f->late64, f->stale_packets, f->restarts, f->reverse, f->sa, f->stale);
	} else if (ev->type == EV_DIAGNOSIS) {
		n = snprintf(line, sizeof(line), "diag %u %" PRIu64 " %" PRId64 " %s\n", ev->u.diag->code,
			     ev->u.diag->frames[0], ev->u.diag->when_ns, ev->u.diag->message);
	} else if (ev->type == EV_SUMMARY) {
		n = snprintf(line, sizeof(line), "summary %" PRIu64 " %" PRIu64 "\n", ev->u.summary->flows,
			     ev->u.summary->flows_evicted);
	} else if (ev->type != EV_PACKET) {
		n = snprintf(line, sizeof(line), "event %u %u\n", ev->type, ev->reason);
	}
	if (n <= 0)
		return;
	if (t->len + (size_t)n + 1 > t->cap) {
		t->cap = (t->len + (size_t)n + 1) * 2;
		t->buf = realloc(t->buf, t->cap);
		if (!t->buf)
			abort();
	}
	memcpy(t->buf + t->len, line, (size_t)n + 1);
	t->len += (size_t)n;
}

/* A tangle of flows for the batching check: 40 SPIs between three address
 * pairs, sequence numbers that mostly climb with jumps, repeats and a
 * restart, a flow cap that forces evictions, IKE SAs appearing midway and
 * stale marks; and one busy flow (every third packet, a number in ten
 * skipped) whose checks every 1024 packets fall inside batches, with pauses
 * of over a second that start sweeps. */
static void tangle(struct engine *e)
{
	const struct addr a[3] = { ip4(198, 51, 100, 1), ip4(198, 51, 100, 2), ip4(203, 0, 113, 7) };
	uint32_t seq[40] = { 0 }, busy = 0;
	int64_t ns = 50 * SEC;

	rng = 0x1234567;
	next_frame = 1;
	for (unsigned i = 0; i < 30000; i++) {
		uint32_t r = xorshift(), k = r % 40, step = (r >> 8) % 100;
		unsigned p = k % 3;

		ns += i % 4000 == 3999 ? 3 * SEC / 2 : 1000 + (r >> 20) % 5000;
		if (i % 3 == 1) {
			busy += r % 10 ? 1 : 2;
			feed_esp_batched(e, a[2], a[0], 0x2000, busy, ns, 1200);
			continue;
		}
		seq[k] = step == 0 ? 1 : step == 1 ? seq[k] : seq[k] + 1 + (step == 2 ? 5 : 0);
		feed_esp_batched(e, k & 1 ? a[p] : a[(p + 1) % 3], k & 1 ? a[(p + 1) % 3] : a[p],
				 0x1000 + k, seq[k], ns, 60 + (r >> 16) % 1400);
		if (i == 10000)
			add_sa(e, 0x31, a[0], a[1], POS_UNKNOWN);
		if (i == 20000)
			esp_flow_mark_stale(e, 0x1000 + 2, &a[1], ns);
	}
	engine_finish(e);
}

static void test_batch_same_result(void)
{
	struct trace t[2] = { { 0 } };

	for (unsigned pass = 0; pass < 2; pass++) {
		struct engine_config cfg;
		struct event_sink sink = { trace_emit, &t[pass] };
		struct engine *e;

		engine_config_defaults(&cfg);
		cfg.max_flows = 24;
		/* With packet events on, every ESP packet is applied at once. */
		cfg.emit_packets = pass == 1;
		e = engine_new(&cfg, &sink);
		tangle(e);
		engine_free(e);
	}
	ok(t[0].len > 1000 && strstr(t[0].buf, "esp 2 ") && strstr(t[0].buf, "diag "),
	   "batching: the tangle evicts flows and raises diagnoses");
	ok(t[0].len > 1000 && strstr(t[0].buf, "esp 2 00002000 ") == NULL &&
		   strstr(t[0].buf, "esp 1 00002000 "),
	   "batching: the busy flow stays to the end");
	ok(t[0].len == t[1].len && memcmp(t[0].buf, t[1].buf, t[0].len) == 0,
	   "batching: the same events in the same order as packet by packet");
	free(t[0].buf);
	free(t[1].buf);
}

int main(void)
{
	test_basic();
	test_sequences();
	test_pairing();
	test_flood();
	test_batch_same_result();
	test_peer_slot_reused();
	return tap_done();
}
