/* test_report.c - the report's ladder, wrapping, colours and labels, and the
 * NDJSON exchange/sa/diagnosis events, on hand-made engine state shaped like
 * the strongSwan captures in pcaps/ (retransmission timings 1.0/1.2/1.44 s). */
#include <stdlib.h>
#include <time.h>

#include "../../ui/report_int.h"
#include "../tap.h"
#include "names.h"
#include "packet_view.h"

#define T0 1700000000000000000LL
#define MS 1000000LL

static char *outbuf;
static size_t outlen;

static FILE *out_open(void)
{
	free(outbuf);
	outbuf = NULL;
	return open_memstream(&outbuf, &outlen);
}

static void v4(struct addr *a, uint8_t last)
{
	memset(a, 0, sizeof(*a));
	a->family = ADDR_V4;
	a->a[0] = 192;
	a->a[1] = 0;
	a->a[2] = 2;
	a->a[3] = last;
}

/* An IKEv2 SA whose IKE_SA_INIT went out four times and got no answer. */
static void sa_no_response(struct ike_sa *sa)
{
	struct exch *x = &sa->ex[0];

	memset(sa, 0, sizeof(*sa));
	sa->version = 2;
	v4(&sa->init_ip, 1);
	v4(&sa->resp_ip, 2);
	sa->init_port = sa->resp_port = 500;
	memcpy(sa->ispi, "\x5d\x3b\x1c\x2a\x9f\x0e\x7b\x46", 8);
	sa->nexch = 1;
	sa->exch_total = 1;
	x->type = 34;
	x->by_initiator = 1;
	x->outcome = EXO_TIMEOUT;
	x->nreq = 4;
	x->ngaps = 3;
	x->gap_ms[0] = 1000;
	x->gap_ms[1] = 1200;
	x->gap_ms[2] = 1440;
	x->req_frame = 3;
	x->req_frame_last = 9;
	x->req_ns = T0;
	x->req_ns_last = T0 + 3640 * MS;
	x->req_len = 464;
}

/* Returns line n (0-based) of outbuf in a static buffer. */
static const char *line(unsigned n)
{
	static char buf[256];
	const char *p = outbuf;

	while (n-- && p && (p = strchr(p, '\n')))
		p++;
	if (!p)
		return "";
	snprintf(buf, sizeof(buf), "%.*s", (int)strcspn(p, "\n"), p);
	return buf;
}

static int max_width(void)
{
	int w = 0, cur = 0;

	for (size_t i = 0; i < outlen; i++) {
		if (outbuf[i] == '\n') {
			w = cur > w ? cur : w;
			cur = 0;
		} else {
			cur++;
		}
	}
	return cur > w ? cur : w;
}

static void test_ladder_timeout(void)
{
	struct ike_sa sa;
	struct rctx r = { NULL, NULL, false, T0 };

	sa_no_response(&sa);
	r.f = out_open();
	ladder_print(&r, &sa);
	fclose(r.f);
	is_str(line(0), "   frame      time  initiator                                        responder",
	       "ladder header");
	is_str(line(1), "                    192.0.2.1:500                                192.0.2.2:500",
	       "ladder endpoints");
	is_str(line(2), "       3   +0.000s  |-- IKE_SA_INIT mid 0 (464 B) -------------------------->|",
	       "request arrow to the right");
	is_str(line(3), "                    |   [sent 4 times: +1.0s +1.2s +1.4s]                    |",
	       "retransmissions with their intervals");
	is_str(line(4), "                    |   (no response)                                        |",
	       "timeout marked");
	is_str(line(5), "", "nothing more");
	ok(max_width() <= 80, "fits 80 columns (%d)", max_width());
	ok(!strchr(outbuf, '\033'), "no escape sequences without colour");
}

static void test_ladder_error_and_order(void)
{
	struct ike_sa sa;
	struct rctx r = { NULL, NULL, true, T0 };
	struct exch *x;

	sa_no_response(&sa);
	/* Two exchanges kept out of order: the ladder sorts by frame. */
	sa.nexch = 2;
	sa.exch_total = 5;
	sa.ex[1] = sa.ex[0];
	x = &sa.ex[0];
	memset(x, 0, sizeof(*x));
	x->type = 37; /* INFORMATIONAL sent by the responder */
	x->msg_id = 7;
	x->outcome = EXO_ANSWERED;
	x->nreq = x->nresp = 1;
	x->req_frame = 20;
	x->req_ns = T0 + 12345 * MS;
	x->resp_frame = 21;
	x->resp_ns = T0 + 12350 * MS;
	x->resp_len = 80;
	x->req_len = 80;
	sa.ex[1].outcome = EXO_ERROR;
	sa.ex[1].nreq = 1;
	sa.ex[1].ngaps = 0;
	sa.ex[1].resp_frame = 4;
	sa.ex[1].resp_ns = T0 + 2 * MS;
	sa.ex[1].resp_len = 36;
	sa.ex[1].resp_notify = 14;
	r.f = out_open();
	ladder_print(&r, &sa);
	fclose(r.f);
	is_str(line(2), "                    (3 earlier exchanges not kept)", "count of exchanges not kept");
	ok(strstr(line(3), "     3   +0.000s  |\033[31m-- IKE_SA_INIT mid 0 (464 B) -") != NULL,
	   "first by frame, red for an error");
	ok(strstr(line(4), "     4   +0.002s  |\033[31m<") != NULL, "response arrow to the left");
	ok(strstr(line(4), " IKE_SA_INIT mid 0 NO_PROPOSAL_CHOSEN (36 B) --\033[0m|") != NULL,
	   "response names the notify");
	ok(strstr(line(5), "    20  +12.345s  |\033[32m<") != NULL, "responder's request goes left");
	ok(strstr(line(5), "INFORMATIONAL mid 7 (80 B) --") != NULL, "its label");
	ok(strstr(line(6), "    21  +12.350s  |\033[32m-- INFORMATIONAL mid 7 (80 B) -") != NULL,
	   "the initiator's answer goes right");
}

/* A cookie asked for and sent back: the status notifies the SA noted label
 * the arrows of their messages; the exchange was answered, not refused. */
static void test_ladder_status_notify(void)
{
	struct ike_sa sa;
	struct rctx r = { NULL, NULL, false, T0 };
	struct exch *x;

	sa_no_response(&sa);
	x = &sa.ex[0];
	x->outcome = EXO_ANSWERED;
	x->nreq = 1;
	x->ngaps = 0;
	x->nresp = 1;
	x->resp_frame = 4;
	x->resp_ns = T0 + 2 * MS;
	x->resp_len = 60;
	sa.nnotify = 2;
	sa.notify[0] = (struct sa_notify){ 16390, 0, 34, 4, T0 + 2 * MS };
	sa.notify[1] = (struct sa_notify){ 16390, 1, 34, 5, T0 + 3 * MS };
	r.f = out_open();
	ladder_print(&r, &sa);
	fclose(r.f);
	ok(strstr(outbuf, "|<-------------------- IKE_SA_INIT mid 0 COOKIE (60 B) --|") != NULL,
	   "the answer asking for a cookie says COOKIE");
	ok(strstr(outbuf, "IKE_SA_INIT mid 0 (464 B) ---") != NULL,
	   "the request before it says nothing (the retry with the cookie is frame 5)");
}

static void test_ladder_ike1_steps(void)
{
	struct ike_sa sa;
	struct rctx r = { NULL, NULL, false, T0 };

	sa_no_response(&sa);
	sa.version = 1;
	sa.ex[0].type = 2;
	sa.ex[0].step = 5;
	sa.ex[0].req_len = 92;
	r.f = out_open();
	ladder_print(&r, &sa);
	fclose(r.f);
	ok(strstr(line(2), "|-- ID_PROT msg 5 (92 B) ---") != NULL, "IKEv1 main mode message number");
}

static void test_wrap(void)
{
	FILE *f = out_open();

	wrap_text(f, 11, 11,
		  "The responder rejected every proposal the initiator offered; the offer had "
		  "aes128-sha256-modp3072 and nothing else, while the responder only accepts "
		  "aes256gcm16-prfsha384-ecp384.");
	fclose(f);
	ok(max_width() <= 80 && strlen(line(0)) + 11 <= 80, "wrapped within 80 columns from column 11");
	ok(strncmp(line(1), "           ", 11) == 0 && line(1)[11] != ' ', "continuation indented by 11");
	ok(strstr(outbuf, "aes256gcm16-prfsha384-ecp384.") != NULL, "words kept whole");
	f = out_open();
	wrap_text(f, 0, 0, "evil\033[31mred\r\nline\\");
	fclose(f);
	is_str(line(0), "evil\\x1b[31mred\\x0d\\x0aline\\", "control bytes escaped");
	f = out_open();
	wrap_text(f, 16, 16,
		  "none chosen; offered: 3des-aes128-aes192-aes256-aes128ctr-aes192ctr-aes256ctr-"
		  "aes128gcm8-aes192gcm8-aes256gcm8-sha1-sha256-modp1024, aes128-sha1-modp2048");
	fclose(f);
	ok(max_width() <= 79, "a long proposal breaks at its dashes (%d)", max_width());
	is_str(line(1), "                3des-aes128-aes192-aes256-aes128ctr-aes192ctr-aes256ctr-",
	       "broken after a dash, indented");
	f = out_open();
	wrap_text(f, 0, 4, "");
	fclose(f);
	is_str(outbuf, "\n", "empty text is an empty line");
}

static void test_labels(void)
{
	char buf[32];
	struct rctx r = { NULL, NULL, false, T0 };
	struct ike_sa sa;

	is_str(interval_text(1000, buf, sizeof(buf)), "+1.0s", "interval 1 s");
	is_str(interval_text(1440, buf, sizeof(buf)), "+1.4s", "interval 1.44 s");
	is_str(interval_text(250, buf, sizeof(buf)), "+250ms", "interval under a second");
	is_str(rel_time(&r, T0 + 5213 * MS, buf, sizeof(buf)), "+5.213s", "relative time");
	is_str(rel_time(&r, T0 - 1500 * MS, buf, sizeof(buf)), "-1.500s", "time before the origin");
	is_str(rel_time(&r, T0 + 11450635 * MS, buf, sizeof(buf)), "+11450.6s", "hours: tenths");
	is_str(rel_time(&r, T0 + 172800000 * MS, buf, sizeof(buf)), "+172800s", "days: seconds");
	is_str(rel_time(&r, T0 - 50521422 * MS, buf, sizeof(buf)), "-50521.4s", "negative hours");
	is_str(exch_type_label(2, 34, buf, sizeof(buf)), "IKE_SA_INIT", "IKEv2 exchange");
	is_str(exch_type_label(1, 32, buf, sizeof(buf)), "QUICK_MODE", "IKEv1 exchange");
	is_str(exch_type_label(2, 250, buf, sizeof(buf)), "250", "unnamed exchange as a number");
	is_str(notify_label(2, 24, buf, sizeof(buf)), "AUTHENTICATION_FAILED", "IKEv2 notify");
	is_str(notify_label(1, 14, buf, sizeof(buf)), "NO_PROPOSAL_CHOSEN", "IKEv1 notify");
	is_str(transport_label(TR_UDP4500), "udp4500", "transport");
	is_str(transport_label(200), "none", "bad transport");

	sa_no_response(&sa);
	ok(nat_verdict(&sa) == NULL, "no NAT-D, no verdict");
	sa.natd_init_src = sa.natd_resp_src = NATD_MISMATCH;
	sa.natd_init_dst = sa.natd_resp_dst = NATD_MATCH;
	ok(strstr(nat_verdict(&sa), "forced") != NULL, "both sources differ: forced encapsulation");
	sa.natd_resp_src = NATD_MATCH;
	ok(strstr(nat_verdict(&sa), "initiator is behind a NAT") != NULL, "initiator behind NAT");
	sa.natd_init_src = NATD_MATCH;
	ok(strstr(nat_verdict(&sa), "no NAT") != NULL, "all match");
}

static void test_json_exchange(void)
{
	struct ike_sa sa;
	struct json j;
	struct event ev = { .type = EV_EXCHANGE };
	FILE *f = out_open();

	sa_no_response(&sa);
	ev.u.exch.sa = &sa;
	ev.u.exch.x = &sa.ex[0];
	json_init(&j, f);
	events_json_print(&j, NULL, &ev, 0);
	fclose(f);
	ok(strncmp(outbuf, "{\"event\":\"exchange\",\"time\":\"2023-11-14T22:13:20.000000Z\",", 57) == 0,
	   "exchange event first");
	ok(strstr(outbuf, "\"ispi\":\"5d3b1c2a9f0e7b46\",\"rspi\":\"0000000000000000\"") != NULL, "SPIs");
	ok(strstr(outbuf, "\"exchange\":34,\"exchange_name\":\"IKE_SA_INIT\",\"msg_id\":0") != NULL,
	   "exchange type and name");
	ok(strstr(outbuf, "\"by\":\"initiator\",\"outcome\":\"timeout\"") != NULL, "by and outcome");
	ok(strstr(outbuf, "\"requests\":4,\"retransmissions\":3") != NULL, "retransmissions");
	ok(strstr(outbuf, "\"retransmit_intervals_ms\":[1000,1200,1440]") != NULL, "intervals");
	ok(strstr(outbuf, "\"request_last_frame\":9") != NULL, "last copy");
	ok(!strstr(outbuf, "response_frame") && !strstr(outbuf, "rtt_ms"), "no response fields");
	ok(outlen > 0 && outbuf[outlen - 1] == '\n' && !strchr(outbuf, '\n')[1], "one line");

	sa.ex[0].outcome = EXO_ERROR;
	sa.ex[0].nreq = 1;
	sa.ex[0].ngaps = 0;
	sa.ex[0].resp_frame = 4;
	sa.ex[0].resp_ns = T0 + 2600000;
	sa.ex[0].req_ns_last = T0;
	sa.ex[0].resp_notify = 14;
	f = out_open();
	json_init(&j, f);
	events_json_print(&j, NULL, &ev, 0);
	fclose(f);
	ok(strstr(outbuf, "\"retransmissions\":0,\"response_frame\":4") != NULL, "response frame");
	ok(strstr(outbuf, "\"rtt_ms\":3,\"rtt_us\":2600") != NULL, "round trip");
	ok(strstr(outbuf, "\"notify\":14,\"notify_name\":\"NO_PROPOSAL_CHOSEN\"") != NULL, "notify");
}

static void test_json_diagnosis(void)
{
	struct diagnosis d;
	struct json j;
	struct event ev = { .type = EV_DIAGNOSIS };
	FILE *f = out_open();

	memset(&d, 0, sizeof(d));
	d.code = DIAG_IKE_NO_RESPONSE;
	d.severity = SEV_ERROR;
	d.confidence = CONF_LIKELY;
	d.has_sa = 1;
	d.version = 2;
	v4(&d.a, 1);
	v4(&d.b, 2);
	d.a_port = d.b_port = 500;
	d.nevidence = 2;
	d.frames[0] = 3;
	d.frames[1] = 9;
	d.ns[0] = d.when_ns = T0;
	d.ns[1] = T0 + 3640 * MS;
	snprintf(d.message, sizeof(d.message), "4 \"IKE_SA_INIT\" requests\001");
	ev.u.diag = &d;
	json_init(&j, f);
	events_json_print(&j, NULL, &ev, 0);
	fclose(f);
	ok(strstr(outbuf, "\"code\":\"ike.no_response\",\"severity\":\"error\",\"confidence\":\"likely\"") !=
		   NULL,
	   "code, severity, confidence");
	ok(strstr(outbuf, "\"message\":\"4 \\\"IKE_SA_INIT\\\" requests\\u0001\"") != NULL,
	   "message escaped");
	ok(!strstr(outbuf, "\"hint\""), "no empty hint");
	ok(strstr(outbuf, "\"peers\":[{\"ip\":\"192.0.2.1\",\"port\":500},{\"ip\":\"192.0.2.2\",\"port\":500}]") !=
		   NULL,
	   "peers");
	ok(strstr(outbuf, "\"evidence\":[{\"frame\":3,\"time\":\"2023-11-14T22:13:20.000000Z\"},"
			  "{\"frame\":9,\"time\":\"2023-11-14T22:13:23.640000Z\"}]") != NULL,
	   "evidence frames and times");
}

/* time_iso writes its digits by hand: against snprintf of gmtime_r's
 * fields, across the range of 64-bit nanosecond times. */
static void test_time_iso(void)
{
	static const int64_t cases[] = {
		0, 1, 999, 1000, -1, -1000, -1001, 1700000000123456789LL, 951782400000000000LL,
		946684799999999999LL, INT64_MAX, INT64_MIN,
		-2208988800000000000LL, 4102444800000000000LL,
	};
	char got[40], want[80], small[8];

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t ns = cases[i], s = ns / 1000000000, r = ns % 1000000000;
		time_t sec;
		struct tm tm;

		if (r < 0) {
			r += 1000000000;
			s--;
		}
		sec = (time_t)s;
		gmtime_r(&sec, &tm);
		snprintf(want, sizeof(want), "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(r / 1000));
		ok(strcmp(time_iso(ns, got, sizeof(got)), want) == 0, "time_iso(%lld) = %s",
		   (long long)ns, want);
	}
	is_str(time_iso(1700000000123456789LL, got, sizeof(got)), "2023-11-14T22:13:20.123456Z",
	       "time_iso: a known instant");
	is_str(time_iso(-1, got, sizeof(got)), "1969-12-31T23:59:59.999999Z",
	       "time_iso: just before the epoch");
	is_str(time_iso(1700000000123456789LL, small, sizeof(small)), "2023-11",
	       "time_iso: a short buffer is cut, not overrun");
}

int main(void)
{
	test_time_iso();
	test_ladder_timeout();
	test_ladder_error_and_order();
	test_ladder_status_notify();
	test_ladder_ike1_steps();
	test_wrap();
	test_labels();
	test_json_exchange();
	test_json_diagnosis();
	free(outbuf);
	return tap_done();
}
