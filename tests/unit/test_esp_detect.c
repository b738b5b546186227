/* test_esp_detect.c - the ESP detectors: each fires on a flow built to
 * trigger it, with its severity, confidence, numbers and wording by capture
 * position, and none fires on a healthy bidirectional flow. */
#include <arpa/inet.h>

#include "report.h"
#include "test_esp_harness.h"

/* n packets each way, 100 ms apart, sequence 1..n, skipping every skip-th
 * number in the A->B direction (0: none). */
static void tunnel(struct engine *e, uint32_t n, uint32_t skip, bool both)
{
	for (uint32_t s = 1; s <= n; s++) {
		int64_t t = 100 * SEC + (int64_t)s * (SEC / 10);

		if (!skip || s % skip)
			feed_esp(e, A4, B4, 0xa1, s, t, 120);
		if (both)
			feed_esp(e, B4, A4, 0xb1, s, t + 1000, 120);
	}
}

static bool contains(const struct diagnosis *d, const char *s)
{
	bool found = d && (strstr(d->message, s) || strstr(d->hint, s));

	if (!found)
		printf("# looked for \"%s\" in: %s\n", s, d ? d->message : "(no diagnosis)");
	return found;
}

static void test_healthy(void)
{
	struct engine *e = eng_new(0);

	tunnel(e, 100, 0, true);
	engine_finish(e);
	is_int(count_at_least(SEV_WARNING), 0, "healthy, no IKE: no warning");
	is_int(rec.by_code[DIAG_ESP_NO_IKE], 1, "healthy, no IKE: one esp.no_ike for the pair");
	ok(find_diag(DIAG_ESP_NO_IKE) && find_diag(DIAG_ESP_NO_IKE)->severity == SEV_INFO,
	   "esp.no_ike is info");
	ok(contains(find_diag(DIAG_ESP_NO_IKE), "with no IKE seen"), "esp.no_ike message");
	engine_free(e);

	e = eng_new(0);
	add_sa(e, 1, A4, B4, POS_INITIATOR);
	tunnel(e, 100, 0, true);
	engine_finish(e);
	is_int(rec.ndiag, 0, "healthy with IKE: no diagnosis at all");
	engine_free(e);
}

/* An SA evicted for room was IKE seen all the same: its flows, from before
 * the eviction and after, get no esp.no_ike; peers never seen in IKE do. */
static void test_no_ike_after_eviction(void)
{
	struct engine_config cfg;
	struct event_sink sink = { rec_emit, &rec };
	const struct diagnosis *d;
	struct engine *e;

	memset(&rec, 0, sizeof(rec));
	engine_config_defaults(&cfg);
	cfg.max_sas = 1;
	e = engine_new(&cfg, &sink);
	add_sa(e, 1, A4, B4, POS_INITIATOR);
	feed_esp(e, A4, B4, 0xa1, 1, 100 * SEC, 120);
	ok(engine_flow_sa(e, flow_of(e, B4, 0xa1)) != NULL, "eviction: the flow is tied to its SA");
	add_sa(e, 2, ip4(192, 0, 2, 3), ip4(192, 0, 2, 4), POS_INITIATOR);
	is_int(engine_stats(e)->sas_evicted, 1, "  whose slot a second SA takes");
	ok(engine_flow_sa(e, flow_of(e, B4, 0xa1)) == NULL, "  the flow names no SA then, not the new one");
	feed_esp(e, B4, A4, 0xb1, 1, 101 * SEC, 120);
	feed_esp(e, ip4(192, 0, 2, 5), ip4(192, 0, 2, 6), 0xc1, 1, 102 * SEC, 120);
	engine_finish(e);
	d = find_diag(DIAG_ESP_NO_IKE);
	is_int(rec.by_code[DIAG_ESP_NO_IKE], 1, "  esp.no_ike once: for the peers never seen in IKE");
	ok(d && d->has_spi && d->spi == 0xc1, "  and only for them");
	engine_free(e);
}

/* An SA up with an IKE_AUTH answer too short for a child SA, evicted: with
 * no ESP between its peers, child.rejected as it leaves; with ESP that began
 * before the SA (so no SA was tied to it when it came) and went on, none. */
static void test_child_judged_on_eviction(void)
{
	for (unsigned with_esp = 0; with_esp < 2; with_esp++) {
		struct engine_config cfg;
		struct event_sink sink = { rec_emit, &rec };
		struct engine *e;
		struct ike_sa *sa;

		memset(&rec, 0, sizeof(rec));
		engine_config_defaults(&cfg);
		cfg.max_sas = 1;
		e = engine_new(&cfg, &sink);
		if (with_esp)
			feed_esp(e, A4, B4, 0xa1, 1, 100 * SEC, 120);
		sa = add_sa(e, 1, A4, B4, POS_INITIATOR);
		sa->nexch = 1;
		sa->ex[0].type = IKE2_EXCH_AUTH;
		sa->ex[0].outcome = EXO_ANSWERED;
		sa->ex[0].req_len = 400;
		sa->ex[0].resp_len = 100;
		if (with_esp)
			feed_esp(e, A4, B4, 0xa1, 2, 101 * SEC, 120);
		add_sa(e, 2, ip4(192, 0, 2, 3), ip4(192, 0, 2, 4), POS_INITIATOR);
		if (with_esp)
			is_int(rec.by_code[DIAG_CHILD_REJECTED], 0,
			       "evicted SA, ESP from before it went on: no child.rejected");
		else
			is_int(rec.by_code[DIAG_CHILD_REJECTED], 1,
			       "evicted SA, short IKE_AUTH answer, no ESP: child.rejected as it leaves");
		engine_finish(e);
		engine_free(e);
	}
}

/* With room for two diagnoses: notes fill it; a warning takes the latest
 * note's place; a note then finds no room; errors take the last note's and
 * then the warning's; a warning after them finds none. Every one is still
 * an event. */
static void test_diag_room(void)
{
	static const uint8_t sev[] = { SEV_INFO, SEV_INFO, SEV_WARNING, SEV_INFO,
				       SEV_ERROR, SEV_ERROR, SEV_WARNING };
	struct engine_config cfg;
	struct event_sink sink = { rec_emit, &rec };
	struct engine *e;
	const struct diagnosis *a, *b;

	memset(&rec, 0, sizeof(rec));
	engine_config_defaults(&cfg);
	cfg.max_diagnoses = 2;
	e = engine_new(&cfg, &sink);
	for (unsigned i = 0; i < sizeof(sev); i++) {
		struct diagnosis *d = diag_begin(e, DIAG_IKE_ERROR_NOTIFY, sev[i], CONF_CERTAIN);

		diag_message(d, "diagnosis %u", i);
		diag_commit(e, d);
		if (i == 3) {
			a = engine_diag(e, 0);
			b = engine_diag(e, 1);
			ok(a && b && !strcmp(a->message, "diagnosis 0") && !strcmp(b->message, "diagnosis 2"),
			   "room full of notes: a warning takes the latest note's place, a note finds none");
		}
	}
	a = engine_diag(e, 0);
	b = engine_diag(e, 1);
	is_int(engine_diag_count(e), 2, "room for two: two kept");
	ok(a && b && !strcmp(a->message, "diagnosis 4") && !strcmp(b->message, "diagnosis 5"),
	   "errors take the note's and then the warning's place; a warning finds none");
	is_int(engine_stats(e)->diagnoses_dropped, 5, "each diagnosis not kept, or put out, counted once");
	is_int(rec.ndiag, 7, "every diagnosis is an event all the same");
	engine_finish(e);
	engine_free(e);
}

/* A report made while packets flow (-i --report --interval) lists a flow
 * under its SA's tunnel only while that SA holds its slot: once an
 * eviction gives the slot to other peers, the flow is listed apart, not
 * under their tunnel, and not said to be tied to it. */
static void test_report_after_eviction(void)
{
	struct engine_config cfg;
	struct report_opts o = { 0 };
	struct engine *e;
	char *buf = NULL, *apart, *flow;
	size_t len = 0;
	FILE *f;

	memset(&rec, 0, sizeof(rec));
	engine_config_defaults(&cfg);
	cfg.max_sas = 1;
	e = engine_new(&cfg, NULL);
	add_sa(e, 1, A4, B4, POS_INITIATOR);
	feed_esp(e, A4, B4, 0xa1, 1, 100 * SEC, 120);
	add_sa(e, 2, ip4(192, 0, 2, 3), ip4(192, 0, 2, 4), POS_INITIATOR);
	f = open_memstream(&buf, &len);
	report_print(f, e, &o);
	fclose(f);
	apart = strstr(buf, "ESP flows without a known IKE SA");
	flow = strstr(buf, "spi 0x000000a1");
	ok(apart && flow && flow > apart, "report before the end: the flow of an evicted SA is listed apart");
	ok(!strstr(buf, "to the IKE SA by its addresses"), "  and not said to be tied to the SA now in its slot");
	free(buf);
	engine_free(e);
}

/* Both directions at one packet a second; B to A stops after `b_until`
 * seconds (its SPI moves to new_spi then, if not 0); A to B goes on to 60 s. */
static struct engine *stop_run(uint32_t b_until, uint32_t new_spi)
{
	struct engine *e = eng_new(0);

	for (uint32_t s = 1; s <= 60; s++) {
		feed_esp(e, A4, B4, 0xa1, s, 100 * SEC + (int64_t)s * SEC, 120);
		if (s <= b_until)
			feed_esp(e, B4, A4, 0xb1, s, 100 * SEC + (int64_t)s * SEC + SEC / 2, 120);
		else if (new_spi)
			feed_esp(e, B4, A4, new_spi, s - b_until, 100 * SEC + (int64_t)s * SEC + SEC / 2, 120);
	}
	engine_finish(e);
	return e;
}

/* One direction that goes silent while the other goes on. */
static void test_one_way_stopped(void)
{
	struct engine *e = stop_run(20, 0);
	const struct diagnosis *d = find_diag(DIAG_ESP_ONE_WAY);

	ok(d && d->has_spi && d->spi == 0xb1, "stopped direction: esp.one_way on its SPI");
	ok(contains(d, "stopped after 20 packets") && contains(d, "in the last 39.5 s"),
	   "  with its packets and the silence");
	engine_free(e);
	e = stop_run(60, 0);
	is_int(rec.by_code[DIAG_ESP_ONE_WAY], 0, "both directions to the end: no esp.one_way");
	engine_free(e);
	e = stop_run(57, 0);
	is_int(rec.by_code[DIAG_ESP_ONE_WAY], 0, "a few seconds of silence: no esp.one_way");
	engine_free(e);
	e = stop_run(20, 0xb2);
	is_int(rec.by_code[DIAG_ESP_ONE_WAY], 0, "B's traffic moved to a new SPI: no esp.one_way");
	engine_free(e);
}

/* Both ways for a second, 200 packets A to B and 20 back; then A sends
 * `late` more packets, one a second from 15 s on. */
static struct engine *burst_run(uint32_t late)
{
	struct engine *e = eng_new(0);
	uint32_t s;

	for (s = 1; s <= 200; s++) {
		feed_esp(e, A4, B4, 0xa1, s, 100 * SEC + (int64_t)s * (SEC / 200), 120);
		if (s % 10 == 0)
			feed_esp(e, B4, A4, 0xb1, s / 10, 100 * SEC + (int64_t)s * (SEC / 200) + 1000, 120);
	}
	for (uint32_t i = 0; i < late; i++)
		feed_esp(e, A4, B4, 0xa1, s + i, 115 * SEC + (int64_t)i * SEC, 120);
	engine_finish(e);
	return e;
}

/* A busy second and then a packet now and then one way: the other side
 * did not stop, it had nothing to answer. Steady traffic after its last
 * packet is another matter. */
static void test_one_way_burst(void)
{
	struct engine *e = burst_run(1);

	is_int(rec.by_code[DIAG_ESP_ONE_WAY], 0, "a burst, then one packet 14 s later: no esp.one_way");
	engine_free(e);
	e = burst_run(4);
	is_int(rec.by_code[DIAG_ESP_ONE_WAY], 0, "four packets in the silence: no esp.one_way");
	engine_free(e);
	e = burst_run(12);
	ok(find_diag(DIAG_ESP_ONE_WAY) && find_diag(DIAG_ESP_ONE_WAY)->spi == 0xb1,
	   "twelve packets over 11 s of its silence: esp.one_way for B to A");
	engine_free(e);
}

/* Two child SAs between the same hosts, whose flows start A to B first:
 * child 1 (0x1001 / 0x2002) for 60 s, child 2 (0x3003 / 0x4004) for 20 s.
 * Pairing by arrival cannot tell which flow answers which: a healthy
 * tunnel, no esp.one_way (neither "no ESP back" nor "stopped"). */
static void test_two_children(void)
{
	struct engine *e = eng_new(0);

	for (uint32_t s = 1; s <= 60; s++) {
		int64_t t = 100 * SEC + (int64_t)s * SEC;

		feed_esp(e, A4, B4, 0x1001, s, t, 120);
		if (s <= 20)
			feed_esp(e, A4, B4, 0x3003, s, t + 1000, 120);
		if (s > 1)
			feed_esp(e, B4, A4, 0x2002, s - 1, t + 2000, 120);
		if (s > 1 && s <= 20)
			feed_esp(e, B4, A4, 0x4004, s - 1, t + 3000, 120);
	}
	engine_finish(e);
	is_int(rec.by_code[DIAG_ESP_ONE_WAY], 0, "two child SAs, both ways: no esp.one_way");
	engine_free(e);
}

/* A flow paired one way (its partner kept an older pair) must not take
 * whatever flow gets its partner's slot after an eviction for its other
 * direction. */
static void test_reverse_after_eviction(void)
{
	struct engine *e = eng_new(3);
	const struct esp_flow *f;

	feed_esp(e, B4, A4, 0xb1, 1, 100 * SEC, 120);
	feed_esp(e, A4, B4, 0xa2, 1, 101 * SEC, 120);
	feed_esp(e, A4, B4, 0xa3, 1, 102 * SEC, 120);
	f = flow_of(e, B4, 0xa3);
	ok(f && engine_flow_reverse(e, f) && engine_flow_reverse(e, f)->spi == 0xb1,
	   "a later flow pairs with the latest flow the other way");
	feed_esp(e, ip4(192, 0, 2, 3), ip4(192, 0, 2, 4), 0xc1, 1, 103 * SEC, 120);
	is_int(engine_stats(e)->flows_evicted, 1, "  which a fourth flow evicts");
	f = flow_of(e, B4, 0xa3);
	ok(f && !engine_flow_reverse(e, f), "  the later flow then has no other direction");
	engine_finish(e);
	engine_free(e);
}

static void test_one_way(void)
{
	struct engine *e = eng_new(0);
	const struct diagnosis *d;

	tunnel(e, 50, 0, false);
	engine_finish(e);
	d = find_diag(DIAG_ESP_ONE_WAY);
	ok(d != NULL, "one way: raised");
	ok(d && d->severity == SEV_WARNING && d->confidence == CONF_LIKELY, "one way: warning, likely");
	ok(contains(d, "reached this capture point"), "one way, position unknown: wording");
	ok(contains(d, "50 ESP packets over 4.9 s"), "one way: numbers");
	ok(d && d->has_spi && d->spi == 0xa1 && d->nevidence == 2, "one way: flow and first/last frames");
	engine_free(e);

	e = eng_new(0);
	add_sa(e, 2, A4, B4, POS_INITIATOR);
	tunnel(e, 50, 0, false);
	engine_finish(e);
	ok(contains(find_diag(DIAG_ESP_ONE_WAY), "the peer sends nothing back"),
	   "one way at the sender: the peer sends nothing back");
	is_int(rec.by_code[DIAG_ESP_NO_IKE], 0, "with IKE: no esp.no_ike");
	engine_free(e);

	e = eng_new(0);
	add_sa(e, 3, A4, B4, POS_RESPONDER);
	tunnel(e, 50, 0, false);
	engine_finish(e);
	ok(contains(find_diag(DIAG_ESP_ONE_WAY), "but sent no ESP back"),
	   "one way at the receiver: it sent nothing back");
	engine_free(e);

	e = eng_new(0);
	tunnel(e, 4, 0, false);
	engine_finish(e);
	is_int(rec.by_code[DIAG_ESP_ONE_WAY], 0, "one way: not with 4 packets");
	engine_free(e);

	e = eng_new(0);
	for (uint32_t s = 1; s <= 50; s++)
		feed_esp(e, A4, B4, 0xa1, s, 100 * SEC + (int64_t)s * (SEC / 100), 120);
	engine_finish(e);
	is_int(rec.by_code[DIAG_ESP_ONE_WAY], 0, "one way: not over half a second");
	engine_free(e);
}

static void test_loss(void)
{
	struct engine *e = eng_new(0);
	const struct diagnosis *d;

	tunnel(e, 1000, 20, true);
	engine_finish(e);
	d = find_diag(DIAG_ESP_LOSS);
	ok(d != NULL, "loss: raised");
	ok(d && d->severity == SEV_WARNING && d->spi == 0xa1, "loss: warning on the lossy direction");
	ok(contains(d, "49 of 999 sequence numbers missing (4.9%)"), "loss: numbers");
	ok(contains(d, "between 192.0.2.1 and this capture point"), "loss: hint by position");
	ok(d && d->nevidence == 3, "loss: first, first gap and last frame");
	is_int(rec.by_code[DIAG_ESP_LOSS], 1, "loss: only the lossy direction");
	is_int(count_at_least(SEV_WARNING), 1, "loss: nothing else");
	engine_free(e);

	e = eng_new(0);
	add_sa(e, 4, A4, B4, POS_INITIATOR);
	tunnel(e, 1000, 20, true);
	engine_finish(e);
	ok(contains(find_diag(DIAG_ESP_LOSS), "Captured at the sender"), "loss at the sender: wording");
	engine_free(e);

	e = eng_new(0);
	tunnel(e, 1000, 200, true);
	engine_finish(e);
	is_int(rec.by_code[DIAG_ESP_LOSS], 0, "loss: 5 of 1000 is under 1%");
	engine_free(e);

	e = eng_new(0);
	tunnel(e, 60, 25, true);
	engine_finish(e);
	is_int(rec.by_code[DIAG_ESP_LOSS], 0, "loss: 2 missing is too few");
	engine_free(e);

	/* Every packet captured twice (two interfaces): the rate is of the
	 * sequence numbers sent, each counted once. 40 of 2000 missing is 2 %. */
	e = eng_new(0);
	for (uint32_t s = 1; s <= 2000; s++) {
		int64_t t = 100 * SEC + (int64_t)s * (SEC / 10);

		if (s % 50)
			for (int copy = 0; copy < 2; copy++)
				feed_esp(e, A4, B4, 0xa1, s, t + copy * 1000, 120);
		feed_esp(e, B4, A4, 0xb1, s, t + 5000, 120);
	}
	engine_finish(e);
	/* Before the end too few numbers have left the window for a verdict
	 * (1000 needed): judged at the end, over all 1999 numbers. */
	ok(contains(find_diag(DIAG_ESP_LOSS), "39 of 1999 sequence numbers missing (2.0%)"),
	   "loss in a doubled capture: duplicates counted once");
	for (uint32_t i = 0; i < engine_flow_slots(e); i++) {
		const struct esp_flow *f = engine_flow(e, i);

		if (f && f->spi == 0xa1)
			is_int(engine_flow_loss_permille(f), 20, "  loss_permille 20");
	}
	engine_free(e);

	/* Multipath: each block of 400 numbers comes odd ones first, then the
	 * even ones. At the 2048th and 3072nd packets up to 200 gaps are
	 * open, all filled a moment later: no loss, before the end or at it. */
	e = eng_new(0);
	for (uint32_t blk = 0; blk < 10; blk++)
		for (uint32_t i = 0; i < 400; i++) {
			uint32_t s = blk * 400 + (i < 200 ? 2 * i + 1 : 2 * (i - 200) + 2);

			feed_esp(e, A4, B4, 0xa1, s, 100 * SEC + (int64_t)(blk * 400 + i) * (SEC / 1000), 120);
		}
	is_int(rec.by_code[DIAG_ESP_LOSS], 0, "reordering keeps gaps open, all filled later: no esp.loss while packets flow");
	engine_finish(e);
	is_int(rec.by_code[DIAG_ESP_LOSS], 0, "  nor at the end");
	engine_free(e);

	/* Live: the packet-time sweep reports before the end. */
	e = eng_new(0);
	tunnel(e, 3000, 10, true);
	is_int(rec.by_code[DIAG_ESP_LOSS], 1, "loss: raised by the sweep before the end");
	engine_finish(e);
	is_int(rec.by_code[DIAG_ESP_LOSS], 1, "loss: not again at the end");
	engine_free(e);
}

static void test_replay(void)
{
	struct engine *e = eng_new(0);
	const struct diagnosis *d;
	uint32_t s;

	tunnel(e, 20, 0, true);
	feed_esp(e, A4, B4, 0xa1, 5, 103 * SEC, 120);
	feed_esp(e, A4, B4, 0xa1, 6, 103 * SEC + 1, 120);
	engine_finish(e);
	d = find_diag(DIAG_ESP_REPLAY);
	ok(d && d->severity == SEV_WARNING && d->confidence == CONF_CERTAIN, "replay: certain warning");
	ok(contains(d, "2 repeated sequence numbers"), "replay: numbers");
	ok(d && d->nevidence == 3, "replay: first duplicate frame in evidence");
	engine_free(e);

	e = eng_new(0);
	for (s = 1; s <= 30; s++) {
		feed_esp(e, A4, B4, 0xa1, s, 100 * SEC + s * (SEC / 10), 120);
		feed_esp(e, A4, B4, 0xa1, s, 100 * SEC + s * (SEC / 10) + 1000, 120);
		feed_esp(e, B4, A4, 0xb1, s, 100 * SEC + s * (SEC / 10) + 2000, 120);
	}
	engine_finish(e);
	d = find_diag(DIAG_ESP_REPLAY);
	ok(d && d->severity == SEV_INFO && contains(d, "two interfaces"),
	   "every packet twice: a doubled capture, info");
	engine_free(e);

	e = eng_new(0);
	tunnel(e, 200, 0, true);
	for (s = 201; s <= 300; s++)
		if (s != 210)
			feed_esp(e, A4, B4, 0xa1, s, 130 * SEC + s * 1000, 120);
	feed_esp(e, A4, B4, 0xa1, 210, 131 * SEC, 120);
	engine_finish(e);
	d = find_diag(DIAG_ESP_REPLAY);
	ok(d && d->severity == SEV_WARNING && d->confidence == CONF_LIKELY, "late only: likely warning");
	ok(contains(d, "64-packet replay window drops 1 packets"), "late only: window advice");
	is_int(rec.by_code[DIAG_ESP_LOSS], 0, "late only: the filled gap is no loss");
	engine_free(e);

	/* Late by more than 1024: no window setting helps. */
	e = eng_new(0);
	tunnel(e, 100, 0, true);
	for (s = 101; s <= 2000; s++)
		if (s != 110)
			feed_esp(e, A4, B4, 0xa1, s, 130 * SEC + s * 1000, 120);
	feed_esp(e, A4, B4, 0xa1, 110, 131 * SEC, 120);
	engine_finish(e);
	d = find_diag(DIAG_ESP_REPLAY);
	ok(contains(d, "later than any replay window accepts") && !contains(d, "raise the replay window"),
	   "late beyond 1024 only: no window advice");
	engine_free(e);
}

static void test_stale(void)
{
	struct engine *e = eng_new(0);
	const struct diagnosis *d;

	tunnel(e, 10, 0, true);
	esp_flow_mark_stale(e, 0xa1, &B4, 102 * SEC);
	feed_esp(e, A4, B4, 0xa1, 11, 104 * SEC, 120);
	feed_esp(e, A4, B4, 0xa1, 12, 105 * SEC, 120);
	engine_finish(e);
	d = find_diag(DIAG_ESP_STALE_SPI);
	ok(d && d->severity == SEV_WARNING && d->confidence == CONF_CERTAIN, "stale proven: certain");
	ok(contains(d, "2 ESP packets 192.0.2.1 to 192.0.2.2 on SPI 0x000000a1 up to 3.0 s after"),
	   "stale: numbers");
	engine_free(e);

	e = eng_new(0);
	tunnel(e, 10, 0, true);
	esp_flow_mark_replaced(e, 0xa1, &B4, 102 * SEC);
	feed_esp(e, A4, B4, 0xa1, 11, 104 * SEC, 120);
	engine_finish(e);
	d = find_diag(DIAG_ESP_STALE_SPI);
	ok(d && d->confidence == CONF_LIKELY && contains(d, "replaced by a rekey"), "stale replaced: likely");
	engine_free(e);

	e = eng_new(0);
	tunnel(e, 10, 0, true);
	esp_flow_mark_stale(e, 0xa1, &B4, 102 * SEC);
	feed_esp(e, A4, B4, 0xa1, 11, 102 * SEC + SEC / 2, 120);
	engine_finish(e);
	is_int(rec.by_code[DIAG_ESP_STALE_SPI], 0, "stale: packets in flight are not stale");
	engine_free(e);
}

/* The diagnoses' own IPv4 formatting against inet_ntop: every octet value
 * in every position, then the other families. */
static void test_addr_text(void)
{
	char mine[64], ref[64];
	unsigned bad = 0;

	for (unsigned v = 0; v < 256; v++)
		for (unsigned pos = 0; pos < 4; pos++) {
			struct addr a = { ADDR_V4, { 9, 99, 100, 255 } };

			a.a[pos] = (uint8_t)v;
			diag_addr(&a, mine, sizeof(mine));
			inet_ntop(AF_INET, a.a, ref, sizeof(ref));
			bad += strcmp(mine, ref) != 0;
		}
	is_int(bad, 0, "IPv4 text as inet_ntop writes it, 1024 addresses");
	diag_addr(&(struct addr){ ADDR_V4, { 255, 255, 255, 255 } }, mine, 16);
	is_str(mine, "255.255.255.255", "the longest IPv4 address fits 16 bytes");
	diag_addr(&(struct addr){ ADDR_V4, { 1, 2, 3, 4 } }, mine, 15);
	is_str(mine, "?", "a buffer too short for any IPv4 address: ?");
	diag_addr(&(struct addr){ ADDR_V6, { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } }, mine, sizeof(mine));
	is_str(mine, "2001:db8::1", "IPv6 through inet_ntop");
	diag_addr(&(struct addr){ ADDR_NONE }, mine, sizeof(mine));
	is_str(mine, "?", "no address: ?");
}

int main(void)
{
	test_addr_text();
	test_healthy();
	test_no_ike_after_eviction();
	test_child_judged_on_eviction();
	test_diag_room();
	test_report_after_eviction();
	test_reverse_after_eviction();
	test_one_way();
	test_one_way_stopped();
	test_one_way_burst();
	test_two_children();
	test_loss();
	test_replay();
	test_stale();
	return tap_done();
}
