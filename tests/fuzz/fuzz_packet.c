/* fuzz_packet.c - libFuzzer target for the whole path: one frame through the
 * decoder (link layer, IP, fragments, UDP/TCP encapsulation, ICMP) and the
 * engine (correlation and detectors), then through the text line with its -v
 * field tree, the packet NDJSON and the engine's NDJSON events; every so
 * often the report is printed from the engine's state.
 *
 * A second engine without packet events takes the same units: it holds ESP
 * packets back in batches, which the first (applying each packet at once,
 * for its packet event) never does. Its events must be the first engine's:
 * both streams are hashed as they are written and compared whenever the
 * second has been flushed; its report is printed and checked too.
 *
 * Input: byte 0 selects the link type (index into linktypes[], modulo its
 * size; tests/fuzz/make-seeds.sh writes seeds the same way), the rest is the
 * frame. With its top bit set, the rest is a run of frames, each a 16-bit
 * big-endian length and that many bytes, 10 us apart: what needs frames in
 * quick succession (copies of one packet on two interfaces, iface_copies.c)
 * then fits in one input. The decoder and engine live across inputs, as in a capture, so
 * fragments and TCP streams from earlier inputs meet later ones; every 1000
 * inputs all state is expired. A crash may therefore need the inputs before
 * it: rerun with the corpus, or -runs on the artifact alone first.
 *
 * Besides memory errors, two output promises are checked: every byte written
 * is printable ASCII or a newline (textout.h, json.h), and each JSON object
 * is closed. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "capture.h"
#include "engine.h"
#include "json.h"
#include "packet_view.h"
#include "report.h"

#define OUT_BUF (1u << 20)
#define EXPIRE_EVERY 1000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int linktypes[] = {
	LINKTYPE_ETHERNET, LINKTYPE_RAW, LINKTYPE_NULL, LINKTYPE_LOOP,
	LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2, LINKTYPE_IPV4, LINKTYPE_IPV6,
};

/* One NDJSON stream: events are written through a fixed buffer, checked
 * and folded into a running hash after each input. */
struct fuzz_json {
	FILE *f;
	struct json json;
	uint64_t hash;
	char buf[OUT_BUF];
};

struct fuzz_out {
	FILE *text;
	char text_buf[OUT_BUF];
	struct fuzz_json pkt, ev, ev_batched; /* packet events; the two engines' other events */
};

static struct fuzz_out out;
static struct engine *eng, *eng_batched;
static struct decoder *dec;
static uint64_t n_inputs, frame_no;

static void json_done(const struct json *j)
{
	if (j->depth != 0)
		abort();
}

static void emit(void *ctx, const struct event *ev)
{
	struct fuzz_out *o = ctx;

	if (ev->type == EV_PACKET) {
		packet_line_print(o->text, &ev->u.pkt, 2);
		packet_json_print(&o->pkt.json, &ev->u.pkt);
		json_done(&o->pkt.json);
	} else {
		events_json_print(&o->ev.json, eng, ev, n_inputs);
		json_done(&o->ev.json);
	}
}

static void emit_batched(void *ctx, const struct event *ev)
{
	struct fuzz_out *o = ctx;

	events_json_print(&o->ev_batched.json, eng_batched, ev, n_inputs);
	json_done(&o->ev_batched.json);
}

static void feed_both(void *ctx, const struct unit *u)
{
	(void)ctx;
	engine_feed(eng, u);
	engine_feed(eng_batched, u);
}

static void json_open(struct fuzz_json *j)
{
	j->f = fmemopen(j->buf, sizeof(j->buf), "w");
	if (!j->f)
		abort();
	json_init(&j->json, j->f);
	j->hash = 14695981039346656037ull;
}

static void setup(void)
{
	static struct event_sink sink = { emit, &out }, sink_batched = { emit_batched, &out };
	struct decoder_config cfg;
	struct engine_config ecfg;

	/* "w+" would let the stream grow; fixed buffers keep memory bounded and
	 * a full buffer only stops writing. */
	out.text = fmemopen(out.text_buf, sizeof(out.text_buf), "w");
	if (!out.text)
		abort();
	json_open(&out.pkt);
	json_open(&out.ev);
	json_open(&out.ev_batched);
	decoder_config_defaults(&cfg);
	engine_config_defaults(&ecfg);
	ecfg.emit_packets = true;
	/* Small tables, so eviction paths run too. */
	ecfg.max_sas = 64;
	ecfg.max_flows = 256;
	ecfg.max_diagnoses = 64;
	eng = engine_new(&ecfg, &sink);
	ecfg.emit_packets = false;
	eng_batched = engine_new(&ecfg, &sink_batched);
	dec = eng && eng_batched ? decoder_new(&cfg, feed_both, NULL) : NULL;
	if (!dec)
		abort();
}

/* Aborts if the stream's output holds a byte a terminal could act on;
 * folds it into *hash (FNV-1a) if given, then starts the buffer again. */
static void check_printable(FILE *f, const char *buf, uint64_t *hash)
{
	long n;
	long i;

	fflush(f);
	n = ftell(f);
	for (i = 0; i < n && (size_t)i < OUT_BUF; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c != '\n' && (c < 0x20 || c > 0x7e))
			abort();
		if (hash)
			*hash = (*hash ^ c) * 1099511628211ull;
	}
	rewind(f);
}

/* A run of length-prefixed frames, 10 us apart from ts. */
static void feed_run(int linktype, const uint8_t *p, size_t n, int64_t ts)
{
	while (n >= 2) {
		size_t len = (size_t)p[0] << 8 | p[1];

		p += 2;
		n -= 2;
		if (len > n)
			len = n;
		decoder_frame(dec, linktype, p, (uint32_t)len, (uint32_t)len, ts, ++frame_no);
		p += len;
		n -= len;
		ts += 10000;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t nlt = sizeof(linktypes) / sizeof(linktypes[0]);
	int64_t ts;

	if (!dec)
		setup();
	if (size < 1)
		return 0;
	n_inputs++;
	/* Packet time moves 1 ms per input from 2024-01-01, so sweeps happen. */
	ts = 1704067200LL * 1000000000 + (int64_t)n_inputs * 1000000;
	if (data[0] & 0x80)
		feed_run(linktypes[(data[0] & 0x7f) % nlt], data + 1, size - 1, ts);
	else
		decoder_frame(dec, linktypes[data[0] % nlt], data + 1, (uint32_t)(size - 1),
			      (uint32_t)(size - 1), ts, ++frame_no);
	if (n_inputs % EXPIRE_EVERY == 0) {
		struct report_opts ro = { false, n_inputs };

		decoder_expire(dec, INT64_MAX);
		report_print(out.text, eng, &ro);
		engine_flush(eng_batched);
		report_print(out.text, eng_batched, &ro);
	}
	check_printable(out.text, out.text_buf, NULL);
	check_printable(out.pkt.f, out.pkt.buf, NULL);
	check_printable(out.ev.f, out.ev.buf, &out.ev.hash);
	check_printable(out.ev_batched.f, out.ev_batched.buf, &out.ev_batched.hash);
	/* Flushed, the batching engine has told all the first one has. */
	if (n_inputs % EXPIRE_EVERY == 0 && out.ev.hash != out.ev_batched.hash)
		abort();
	return 0;
}
