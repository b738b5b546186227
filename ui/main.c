/* main.c - wires ikescope together: options -> capture -> engine -> views. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "config.h"
#include "engine.h"
#include "json.h"
#include "options.h"
#include "packet_view.h"

struct output {
	const struct options *opt;
	struct json json;
};

static struct capture *g_capture;

static void on_signal(int sig)
{
	(void)sig;
	if (g_capture)
		capture_break(g_capture);
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

static void emit(void *ctx, const struct event *ev)
{
	struct output *out = ctx;

	if (ev->type != EV_PACKET)
		return;
	if (out->opt->json)
		packet_json_print(&out->json, &ev->u.pkt);
	else if (out->opt->packets)
		packet_line_print(stdout, &ev->u.pkt, out->opt->verbose);
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

int main(int argc, char **argv)
{
	struct options opt;
	struct output out;
	struct event_sink sink = { emit, &out };
	struct engine *eng;
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
	out.opt = &opt;
	json_init(&out.json, stdout);
	eng = engine_new(&sink);
	if (!eng) {
		fprintf(stderr, "ikescope: out of memory\n");
		return 2;
	}
	g_capture = capture_open(&opt.cap, engine_feed, eng, err, sizeof(err));
	if (!g_capture) {
		fprintf(stderr, "ikescope: %s\n", err);
		engine_free(eng);
		return 2;
	}
	/* Live output feeds pipes and log shippers: one line at a time. */
	if (opt.cap.iface)
		setvbuf(stdout, NULL, _IOLBF, 0);
	install_signals();
	if (capture_run(g_capture, err, sizeof(err)) < 0) {
		fflush(stdout);
		fprintf(stderr, "ikescope: %s\n", err);
		rc = 2;
	}
	print_live_stats(g_capture);
	capture_close(g_capture);
	g_capture = NULL;
	engine_free(eng);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "ikescope: error writing output\n");
		rc = 2;
	}
	return rc;
}
