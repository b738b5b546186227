/* main.c - wires ikescope together: options -> capture -> engine -> views. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "config.h"
#include "engine.h"
#include "json.h"
#include "options.h"
#include "packet_view.h"
#include "report.h"

/* Live without --interval: how often held-back packets are applied. */
#define LIVE_FLUSH_MS 1000

struct output {
	const struct options *opt;
	struct json json;
	struct engine *eng;
	struct capture *cap;
	bool color;
	unsigned reports;   /* periodic reports printed so far */
};

static struct capture *g_capture;

static void on_signal(int sig)
{
	/* libpcap's wake-up write may set errno under the interrupted code. */
	int saved = errno;

	(void)sig;
	if (g_capture)
		capture_break(g_capture);
	errno = saved;
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_DFL);
}

static uint64_t frames_read(struct capture *c)
{
	struct capture_stats st;

	if (!c)
		return 0;
	capture_get_stats(c, &st);
	return st.frames;
}

static void emit(void *ctx, const struct event *ev)
{
	struct output *out = ctx;

	if (ev->type == EV_PACKET) {
		if (!out->opt->packets)
			return;
		if (out->opt->json)
			packet_json_print(&out->json, &ev->u.pkt);
		else
			packet_line_print(stdout, &ev->u.pkt, out->opt->verbose);
		return;
	}
	/* Only the summary needs the frame count (a syscall when live). */
	if (out->opt->json)
		events_json_print(&out->json, out->eng, ev,
				  ev->type == EV_SUMMARY ? frames_read(out->cap) : 0);
}

static void print_report(struct output *out)
{
	struct report_opts ro = { out->color, frames_read(out->cap) };

	report_print(stdout, out->eng, &ro);
	fflush(stdout);
}

/* Live, between packets: the ESP packets the engine holds back for
 * batching are applied, so a quiet link does not keep their events waiting;
 * with --interval, a report of the state so far follows. */
static void on_tick(void *ctx)
{
	struct output *out = ctx;

	engine_flush(out->eng);
	if (!out->opt->interval_s)
		return;
	printf("---- report %u (live, capture continues) ----\n", ++out->reports);
	print_report(out);
	putchar('\n');
}

static void print_live_stats(struct capture *c)
{
	struct capture_stats st;

	capture_get_stats(c, &st);
	if (!st.live)
		return;
	fprintf(stderr, "%llu frames captured, %u received by filter, %u dropped by kernel\n",
		(unsigned long long)st.frames, st.ps_recv, st.ps_drop);
}

/* Colours only on a terminal, never with --no-color or NO_COLOR set
 * (https://no-color.org: any non-empty value). */
static bool want_color(const struct options *opt)
{
	const char *nc = getenv("NO_COLOR");

	return !opt->no_color && !(nc && *nc) && isatty(STDOUT_FILENO);
}

static void engine_config_from(struct engine_config *cfg, const struct options *opt)
{
	engine_config_defaults(cfg);
	if (opt->max_sas)
		cfg->max_sas = opt->max_sas;
	if (opt->max_flows)
		cfg->max_flows = opt->max_flows;
	if (opt->ike_timeout_ms)
		cfg->ike_timeout_ms = opt->ike_timeout_ms;
	cfg->emit_packets = opt->packets;
	cfg->peer_proposals = opt->have_peer_proposals ? &opt->peer_proposals : NULL;
}

int main(int argc, char **argv)
{
	static struct options opt;
	struct output out;
	struct event_sink sink = { emit, &out };
	struct engine_config cfg;
	char err[512];
	int rc = 0;

	if (options_parse(&opt, argc, argv, err, sizeof(err))) {
		fprintf(stderr, "ikescope: %s\nTry 'ikescope --help' for more information.\n", err);
		return 2;
	}
	if (opt.help) {
		options_usage(stdout);
		return 0;
	}
	if (opt.version) {
		printf("ikescope %s\n", PACKAGE_VERSION);
		return 0;
	}
	memset(&out, 0, sizeof(out));
	out.opt = &opt;
	out.color = opt.report && want_color(&opt);
	json_init(&out.json, stdout);
	engine_config_from(&cfg, &opt);
	out.eng = engine_new(&cfg, &sink);
	if (!out.eng) {
		fprintf(stderr, "ikescope: out of memory for the engine's tables (see --max-sas, "
				"--max-flows)\n");
		return 2;
	}
	/* Only the engine reads ESP units, unless packet lines report how much
	 * of each was captured. */
	opt.cap.esp_bytes = opt.packets ? 0 : engine_esp_bytes(out.eng);
	g_capture = capture_open(&opt.cap, engine_feed, out.eng, err, sizeof(err));
	if (!g_capture) {
		fprintf(stderr, "ikescope: %s\n", err);
		engine_free(out.eng);
		return 2;
	}
	out.cap = g_capture;
	/* Live output feeds pipes and log shippers: one line at a time. */
	if (opt.cap.iface)
		setvbuf(stdout, NULL, _IOLBF, 0);
	/* All output comes from this thread (the capture's reader never
	 * prints), so stdio need not take the stream's lock for every
	 * character, as it does once a second thread exists. */
	__fsetlocking(stdout, FSETLOCKING_BYCALLER);
	if (opt.interval_s)
		capture_set_tick(g_capture, on_tick, &out, opt.interval_s * 1000);
	else if (opt.cap.iface)
		capture_set_tick(g_capture, on_tick, &out, LIVE_FLUSH_MS);
	install_signals();
	if (capture_run(g_capture, err, sizeof(err)) < 0) {
		fflush(stdout);
		fprintf(stderr, "ikescope: %s\n", err);
		rc = 2;
	}
	/* Whatever ended the capture (end of file, -c, a signal, a read error),
	 * the analysis of what was read is finished and reported. */
	engine_note_input_end(out.eng, capture_input_end(g_capture));
	engine_finish(out.eng);
	if (opt.report) {
		if (opt.packets)
			putchar('\n');
		print_report(&out);
	}
	print_live_stats(g_capture);
	if (rc == 0 && (opt.report || opt.json) && engine_worst_severity(out.eng) > SEV_INFO)
		rc = 1;
	capture_close(g_capture);
	g_capture = NULL;
	engine_free(out.eng);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "ikescope: error writing output\n");
		rc = 2;
	}
	return rc;
}
