/* test_ike_sa.c - IKE SA and exchange correlation on real captures: states,
 * request/response pairing, retransmissions, IKE fragments, IKEv1 steps. */
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "engine.h"
#include "engine_run.h"
#include "../tap.h"

static struct engine *run(const char *name)
{
	char path[512];
	const char *top = getenv("top_srcdir");

	snprintf(path, sizeof(path), "%s/pcaps/%s", top ? top : ".", name);
	return engine_run_file(path, NULL);
}

/* The only (or first) SA of the engine. */
static const struct ike_sa *first_sa(const struct engine *e, unsigned *count)
{
	const struct ike_sa *best = NULL;

	*count = 0;
	for (uint32_t i = 0; i < engine_sa_slots(e); i++) {
		const struct ike_sa *sa = engine_sa(e, i);

		if (!sa)
			continue;
		++*count;
		if (!best || sa->first_frame < best->first_frame)
			best = sa;
	}
	return best;
}

static void test_ikev2_good(void)
{
	struct engine *e = run("ikev2-esp-udp.pcap");
	unsigned n;
	const struct ike_sa *sa = first_sa(e, &n);

	is_int(n, 1, "ikev2-esp-udp: one IKE SA");
	if (!sa)
		return;
	is_int(sa->version, 2, "  IKEv2");
	is_int(sa->nexch, 3, "  three exchanges (IKE_SA_INIT, IKE_AUTH, INFORMATIONAL)");
	is_int(sa->ex[0].type, 34, "  first is IKE_SA_INIT");
	is_int(sa->ex[0].outcome, EXO_ANSWERED, "  answered");
	is_int(sa->ex[1].type, 35, "  then IKE_AUTH");
	is_int(sa->ex[1].outcome, EXO_ANSWERED, "  answered");
	is_int(sa->ex[1].resp_sk_np, 36, "  answer opens with IDr");
	is_int(sa->ex[2].req_sk_np, 42, "  INFORMATIONAL carries a Delete");
	is_int(sa->retransmits, 0, "  no retransmissions");
	is_int(sa->state, SAS_ESTABLISHED, "  established");
	ok(sa->moved_to_4500, "  moved to UDP 4500");
	ok(sa->have_offer && sa->have_chosen, "  proposals offered and chosen");
	is_int(sa->ke_group, 14, "  KE group modp2048");
	ok(sa->frag_init && sa->frag_resp, "  both support IKE fragmentation");
	engine_free(e);
}

static void test_no_response(void)
{
	struct engine *e = run("ikev2-no-response.pcap");
	unsigned n;
	const struct ike_sa *sa = first_sa(e, &n);

	is_int(n, 1, "ikev2-no-response: one IKE SA");
	if (!sa)
		return;
	is_int(sa->nexch, 1, "  one exchange");
	is_int(sa->ex[0].nreq, 4, "  request sent 4 times");
	is_int(sa->ex[0].ngaps, 3, "  3 retransmission intervals");
	is_int(sa->ex[0].outcome, EXO_TIMEOUT, "  timed out");
	is_int(sa->msgs_from_resp, 0, "  nothing from the responder");
	is_int(sa->state, SAS_CONNECTING, "  still connecting");
	engine_free(e);
}

static void test_fragments(void)
{
	struct engine *e = run("ikev2-fragments.pcap");
	unsigned n;
	const struct ike_sa *sa = first_sa(e, &n);
	const struct exch *auth = NULL;

	is_int(n, 1, "ikev2-fragments: one IKE SA");
	if (!sa)
		return;
	for (unsigned i = 0; i < sa->nexch; i++)
		if (sa->ex[i].type == 35)
			auth = &sa->ex[i];
	ok(auth != NULL, "  an IKE_AUTH exchange");
	if (!auth)
		return;
	is_int(auth->nreq, 1, "  fragments are one request, not retransmissions");
	is_int(auth->req_frags, 6, "  six request fragments");
	is_int(auth->req_frag_total, 6, "  total 6");
	is_int(auth->outcome, EXO_ANSWERED, "  answered");
	is_int(auth->nresp, 1, "  the answer's six fragments are one response, not copies");
	is_int(sa->retransmits, 0, "  no retransmissions");
	is_int(sa->state, SAS_ESTABLISHED, "  established");
	engine_free(e);
}

static void test_invalid_ke(void)
{
	struct engine *e = run("ikev2-invalid-ke.pcap");
	unsigned n, inits = 0;
	const struct ike_sa *sa = first_sa(e, &n);

	is_int(n, 1, "ikev2-invalid-ke: the retry stays on one SA (same initiator SPI)");
	if (!sa)
		return;
	for (unsigned i = 0; i < sa->nexch; i++)
		inits += sa->ex[i].type == 34;
	is_int(inits, 2, "  two IKE_SA_INIT exchanges");
	is_int(sa->invalid_ke_group, 19, "  responder asked for ecp256");
	ok(sa->invalid_ke_retried, "  initiator retried with it");
	is_int(sa->state, SAS_ESTABLISHED, "  established");
	engine_free(e);
}

/* An IKE rekey makes a new IKE SA whose first exchanges are protected:
 * it is up, not "connecting" for ever. */
static void test_rekey_states(void)
{
	struct engine *e = run("ikev2-rekey.pcap");
	unsigned n = 0, up = 0;

	for (uint32_t i = 0; i < engine_sa_slots(e); i++) {
		const struct ike_sa *sa = engine_sa(e, i);

		if (!sa)
			continue;
		n++;
		up += sa->state == SAS_ESTABLISHED;
	}
	is_int(n, 2, "ikev2-rekey: the IKE SA and the one its rekey made");
	is_int(up, 2, "  both established");
	engine_free(e);
}

static void test_ikev1(void)
{
	struct engine *e = run("ikev1-main-quick.pcap");
	unsigned n, steps = 0, quick = 0;
	const struct ike_sa *sa = first_sa(e, &n);

	is_int(n, 1, "ikev1-main-quick: one IKE SA");
	if (!sa)
		return;
	is_int(sa->version, 1, "  IKEv1");
	is_int(sa->v1_mode, 2, "  Main Mode");
	for (unsigned i = 0; i < sa->nexch; i++) {
		if (sa->ex[i].type == 2 && sa->ex[i].outcome == EXO_ANSWERED)
			steps++;
		if (sa->ex[i].type == 32)
			quick++;
	}
	is_int(steps, 3, "  three answered Main Mode steps");
	is_int(quick, 1, "  one Quick Mode exchange (its third message closes it)");
	is_int(sa->state, SAS_ESTABLISHED, "  established");
	is_int(sa->retransmits, 0, "  no retransmissions");
	engine_free(e);
}

static void test_psk_mismatch_v1(void)
{
	struct engine *e = run("ikev1-psk-mismatch.pcap");
	unsigned n;
	const struct ike_sa *sa = first_sa(e, &n);
	const struct exch *m5 = NULL;

	ok(n >= 1, "ikev1-psk-mismatch: an IKE SA");
	if (!sa)
		return;
	for (unsigned i = 0; i < sa->nexch; i++)
		if (sa->ex[i].type == 2 && sa->ex[i].step == 5)
			m5 = &sa->ex[i];
	ok(m5 != NULL, "  a Main Mode message 5 exchange");
	if (m5)
		ok(m5->nreq >= 2, "  message 5 retransmitted");
	engine_free(e);
}

/* An IKE unit over IPv4 between a and b on port (500, or 4500 after the
 * non-ESP marker). */
static struct unit ike_unit4(const uint8_t a[4], const uint8_t b[4], uint16_t port)
{
	struct unit u;

	memset(&u, 0, sizeof(u));
	u.kind = UNIT_IKE;
	u.transport = port == 4500 ? TR_UDP4500 : TR_UDP500;
	u.src.family = u.dst.family = ADDR_V4;
	memcpy(u.src.a, a, 4);
	memcpy(u.dst.a, b, 4);
	u.sport = u.dport = port;
	u.ttl = 64;
	return u;
}

/* An IKEv2 IKE_SA_INIT request header with no payloads, initiator SPI of
 * ispi_byte repeated. */
static void sa_init_header(uint8_t msg[IKE_HDR_LEN], uint8_t ispi_byte)
{
	memset(msg, 0, IKE_HDR_LEN);
	memset(msg, ispi_byte, 8);
	msg[17] = 0x20;
	msg[18] = 34;
	msg[19] = IKE2_FLAG_INITIATOR;
	msg[27] = IKE_HDR_LEN;
}

/* A flood of IKE_SA_INIT requests with random initiator SPIs (a scan or an
 * attack) stays within the SA cap, evicting the least recently used SAs and
 * counting them. */
static void test_flood(void)
{
	struct engine_config cfg;
	struct engine *e;
	uint8_t msg[IKE_HDR_LEN];
	struct unit u;
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	unsigned live = 0;

	engine_config_defaults(&cfg);
	cfg.max_sas = 100;
	e = engine_new(&cfg, NULL);
	u = ike_unit4((const uint8_t[4]){ 0 }, (const uint8_t[4]){ 198, 51, 100, 1 }, 500);
	sa_init_header(msg, 0);
	for (unsigned i = 0; i < 100000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(msg, &x, 8);
		memcpy(u.src.a, &x, 4);
		u.frame = i + 1;
		u.ts_ns = 1000000000LL + (int64_t)i * 1000;
		u.data = msg;
		u.len = u.orig_len = sizeof(msg);
		engine_feed(e, &u);
	}
	for (uint32_t i = 0; i < engine_sa_slots(e); i++)
		live += engine_sa(e, i) != NULL;
	is_int(live, 100, "flood of 100000 random SPIs: 100 SAs kept");
	is_int(engine_stats(e)->sas, 100000, "  every SA was seen");
	is_int(engine_stats(e)->sas_evicted, 99900, "  the rest evicted and counted");
	engine_finish(e);
	engine_free(e);
}

struct diag_catch {
	unsigned codes[DIAG__COUNT];
	unsigned sev[DIAG__COUNT];      /* of the latest of each code */
	char message[DIAG__COUNT][DIAG_TEXT];
};

static void catch_diag(void *ctx, const struct event *ev)
{
	struct diag_catch *c = ctx;

	if (ev->type != EV_DIAGNOSIS)
		return;
	c->codes[ev->u.diag->code]++;
	c->sev[ev->u.diag->code] = ev->u.diag->severity;
	snprintf(c->message[ev->u.diag->code], sizeof(c->message[0]), "%s", ev->u.diag->message);
}

/* One RFC 7383 fragment (number n of total) of an IKE_AUTH request (or
 * another exchange) from 192.0.2.1 to 192.0.2.2, at ms milliseconds. */
static void feed_skf(struct engine *e, uint8_t exch, unsigned n, unsigned total, int64_t ms)
{
	static uint64_t frame;
	uint8_t msg[52];
	struct unit u = ike_unit4((const uint8_t[4]){ 192, 0, 2, 1 }, (const uint8_t[4]){ 192, 0, 2, 2 },
				  4500);

	memset(msg, 0, sizeof(msg));
	memset(msg, 0x44, 8);
	memset(msg + 8, 0x55, 8);
	msg[16] = IKE2_PLD_SKF;
	msg[17] = 0x20;
	msg[18] = exch;
	msg[19] = IKE2_FLAG_INITIATOR;
	msg[23] = exch == 35 ? 1 : 2;
	msg[27] = sizeof(msg);
	msg[28] = n == 1 ? 35 : 0;
	msg[31] = 24;
	msg[33] = (uint8_t)n;
	msg[35] = (uint8_t)total;
	u.frame = ++frame;
	u.ts_ns = 1000000000LL + ms * 1000000;
	u.data = msg;
	u.len = u.orig_len = sizeof(msg);
	engine_feed(e, &u);
}

/* An IKE_AUTH request from 192.0.2.1 to 192.0.2.2 in three RFC 7383
 * fragments of which the third never shows up, sent twice, never answered. */
static void feed_lost_fragments(struct engine *e)
{
	for (unsigned round = 0; round < 2; round++)
		for (unsigned n = 1; n <= 2; n++)
			feed_skf(e, 35, n, 3, (int64_t)(round * 2000 + n));
}

/* Fragment sets as odd senders and lossy paths make them, each fed as
 * (number, total) pairs, with the verdict expected. */
static void test_fragment_sets(void)
{
	static const struct {
		const char *what;
		uint8_t exch;
		unsigned nfrags;
		unsigned round;        /* fragments in one copy of the set */
		uint8_t frags[12][2];  /* number, total */
		bool loss;
		const char *text;
		unsigned sev;
	} cases[] = {
		{ "fragment 1 lost each time: the resends still count", 35, 6, 2,
		  { { 2, 3 }, { 3, 3 }, { 2, 3 }, { 3, 3 }, { 2, 3 }, { 3, 3 } },
		  true, "in 3 IKE fragments, sent 3 times: only 2 of them reached this capture point (missing: 1)",
		  SEV_ERROR },
		{ "numbers above the total are none of the set", 35, 8, 4,
		  { { 1, 3 }, { 2, 3 }, { 4, 3 }, { 5, 3 }, { 1, 3 }, { 2, 3 }, { 4, 3 }, { 5, 3 } },
		  true, "only 2 of them reached this capture point (missing: 3)", SEV_ERROR },
		{ "a set with a higher total replaces the one before, whose fragments do not fill its gaps",
		  35, 8, 4, { { 1, 4 }, { 2, 4 }, { 3, 4 }, { 4, 4 }, { 1, 5 }, { 2, 5 }, { 3, 5 }, { 5, 5 } },
		  true, "in 5 IKE fragments, sent 2 times: only 4 of them reached this capture point (missing: 4)",
		  SEV_ERROR },
		{ "an old copy with a lower total changes nothing", 35, 8, 3,
		  { { 1, 4 }, { 2, 4 }, { 4, 4 }, { 1, 4 }, { 2, 4 }, { 4, 4 }, { 1, 2 }, { 2, 2 } },
		  true, "only 3 of them reached this capture point (missing: 3)", SEV_ERROR },
		{ "later copies without fragment 1: every copy counts", 35, 5, 1,
		  { { 1, 3 }, { 2, 3 }, { 2, 3 }, { 2, 3 }, { 2, 3 } },
		  true, "sent 4 times: only 2 of them reached this capture point (missing: 3)", SEV_ERROR },
		{ "fragment 1 first seen in the second copy: every copy counts", 35, 4, 1,
		  { { 2, 3 }, { 1, 3 }, { 2, 3 }, { 2, 3 } },
		  true, "sent 3 times: only 2 of them reached this capture point (missing: 3)", SEV_ERROR },
		{ "a fragment numbered above its total sets no total", 35, 6, 3,
		  { { 1, 3 }, { 2, 3 }, { 9, 5 }, { 1, 3 }, { 2, 3 }, { 9, 5 } },
		  true, "in 3 IKE fragments, sent 2 times: only 2 of them reached this capture point (missing: 3)",
		  SEV_ERROR },
		{ "a fragment numbered above its total, twice, is no resend of a set sent once", 35, 4, 4,
		  { { 1, 3 }, { 9, 5 }, { 2, 3 }, { 9, 5 } }, false, NULL, 0 },
		{ "a CREATE_CHILD_SA request: a warning", 36, 4, 2,
		  { { 1, 3 }, { 2, 3 }, { 1, 3 }, { 2, 3 } }, true, "(missing: 3)", SEV_WARNING },
	};

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct diag_catch got;
		struct event_sink sink = { catch_diag, &got };
		struct engine *e;

		memset(&got, 0, sizeof(got));
		e = engine_new(NULL, &sink);
		/* A round (a copy of the set) a second after the one before. */
		for (unsigned i = 0; i < cases[c].nfrags; i++)
			feed_skf(e, cases[c].exch, cases[c].frags[i][0], cases[c].frags[i][1],
				 (int64_t)(i / cases[c].round) * 1000 + i);
		engine_finish(e);
		ok((got.codes[DIAG_IKE_FRAGMENT_LOSS] == 1) == cases[c].loss, "IKE fragments, %s: %s",
		   cases[c].what, cases[c].loss ? "ike.fragment_loss" : "no ike.fragment_loss");
		if (cases[c].text)
			ok(strstr(got.message[DIAG_IKE_FRAGMENT_LOSS], cases[c].text) &&
				   got.sev[DIAG_IKE_FRAGMENT_LOSS] == cases[c].sev,
			   "  %s, %s: %s", cases[c].text, diag_severity_name(cases[c].sev),
			   got.message[DIAG_IKE_FRAGMENT_LOSS]);
		engine_free(e);
	}
}

/* The missing numbers as the report and the diagnosis write them. */
static void test_frags_missing(void)
{
	struct exch x;
	char buf[64], small[16];

	memset(&x, 0, sizeof(x));
	x.req_frag_total = 64;
	x.req_frag_seen = 1;
	engine_exch_frags_missing(&x, buf, sizeof(buf));
	is_str(buf, "2-64", "missing fragments: a run as a range");
	x.req_frag_seen = 0x5555555555555555ULL;
	engine_exch_frags_missing(&x, buf, sizeof(buf));
	ok(strlen(buf) < sizeof(buf) && !strncmp(buf, "2, 4, 6", 7) && strstr(buf, ", ...") &&
		   buf[strlen(buf) - 1] == '.',
	   "missing fragments: a list too long ends in \", ...\": %s", buf);
	engine_exch_frags_missing(&x, small, sizeof(small));
	is_str(small, "2, 4, 6, 8, ...", "missing fragments: the same in the ladder's room");
	x.req_frag_total = 10;
	engine_exch_frags_missing(&x, small, sizeof(small));
	is_str(small, "2, 4, 6, 8, 10", "missing fragments: a last one that fits needs no room for \", ...\"");
	x.req_frag_total = 64;
	is_int(engine_exch_frags_seen(&x), 32, "  32 of 64 seen");
	x.req_frag_total = 100;
	x.req_frag_seen = ~0ULL >> 1;
	is_int(engine_exch_frags_tracked(&x), 64, "total 100: the first 64 tracked");
	engine_exch_frags_missing(&x, buf, sizeof(buf));
	is_str(buf, "64", "  of which 64 is missing");
	x.req_frag_total = 0;
	engine_exch_frags_missing(&x, buf, sizeof(buf));
	is_str(buf, "", "no total known (IKEv1 before its last fragment): none named missing");
}

/* The lost fragments: ike.fragment_loss, not auth_stall. */
static void test_ike_fragment_loss(void)
{
	struct diag_catch got;
	struct event_sink sink = { catch_diag, &got };
	struct engine *e;

	memset(&got, 0, sizeof(got));
	e = engine_new(NULL, &sink);
	feed_lost_fragments(e);
	engine_finish(e);
	ok(got.codes[DIAG_IKE_FRAGMENT_LOSS] == 1, "IKE fragments 1-2 of 3 only: ike.fragment_loss");
	ok(got.codes[DIAG_IKE_AUTH_STALL] == 0, "  not reported as an auth stall as well");
	ok(got.sev[DIAG_IKE_FRAGMENT_LOSS] == SEV_ERROR, "  an error: IKE_AUTH failed with it");
	ok(strstr(got.message[DIAG_IKE_FRAGMENT_LOSS], "sent 2 times: only 2 of them") != NULL,
	   "  the resent set counts its fragments once: %s", got.message[DIAG_IKE_FRAGMENT_LOSS]);
	ok(strstr(got.message[DIAG_IKE_FRAGMENT_LOSS], "(missing: 3)") != NULL, "  and names the missing one");
	engine_free(e);
}

/* An SA evicted for room is judged as it leaves: the lost fragments are
 * diagnosed when a second SA takes the only slot, before the end. */
static void test_evicted_sa_judged(void)
{
	struct diag_catch got;
	struct event_sink sink = { catch_diag, &got };
	struct engine_config cfg;
	struct engine *e;
	uint8_t msg[IKE_HDR_LEN];
	struct unit u;

	memset(&got, 0, sizeof(got));
	engine_config_defaults(&cfg);
	cfg.max_sas = 1;
	e = engine_new(&cfg, &sink);
	feed_lost_fragments(e);
	ok(got.codes[DIAG_IKE_FRAGMENT_LOSS] == 0, "eviction: nothing diagnosed while the SA is in the table");
	u = ike_unit4((const uint8_t[4]){ 192, 0, 2, 3 }, (const uint8_t[4]){ 192, 0, 2, 4 }, 500);
	sa_init_header(msg, 0x33);
	u.frame = 100;
	u.ts_ns = 5000000000LL;
	u.data = msg;
	u.len = u.orig_len = sizeof(msg);
	engine_feed(e, &u);
	is_int(engine_stats(e)->sas_evicted, 1, "  a second SA evicts the first");
	ok(got.codes[DIAG_IKE_FRAGMENT_LOSS] == 1, "  which is judged as it leaves: ike.fragment_loss");
	engine_finish(e);
	ok(got.codes[DIAG_IKE_FRAGMENT_LOSS] == 1, "  and not again at the end");
	engine_free(e);
}

int main(void)
{
	test_flood();
	test_ike_fragment_loss();
	test_fragment_sets();
	test_frags_missing();
	test_evicted_sa_judged();
	test_ikev2_good();
	test_no_response();
	test_fragments();
	test_invalid_ke();
	test_rekey_states();
	test_ikev1();
	test_psk_mismatch_v1();
	return tap_done();
}
