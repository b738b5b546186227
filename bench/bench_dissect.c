/* bench_dissect.c - the benchmark's measured paths over the readloop
 * baseline. Default: every frame through decoder_frame() and the IKE/ESP
 * parsers only (the dissection path), on one thread. With -e: what ikescope
 * runs, capture_run() (the reader and decoder on their thread, the engine
 * on this one) through the whole engine, correlation and detectors on, with
 * an event sink that formats nothing. With -c: capture_run() alone, its
 * units handed to a consumer that only counts them: what the engine's
 * input costs before any analysis. None produces output per packet, so the
 * difference to readloop is the work itself. */
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "capture.h"
#include "engine.h"
#include "esp.h"
#include "ike.h"

struct dissect_only {
	struct ike_msg ike;
	struct esp_info esp;
};

static uint64_t dissect_check;

static void dissect_unit(void *ctx, const struct unit *u)
{
	struct dissect_only *d = ctx;

	if (u->kind == UNIT_IKE)
		dissect_check += (uint64_t)ike_parse(u->data, u->len, u->orig_len, &d->ike) + d->ike.npl;
	else if (u->kind == UNIT_ESP)
		dissect_check += (uint64_t)esp_parse(u->data, u->len, u->orig_len, &d->esp) + d->esp.seq;
}

static void count_unit(void *ctx, const struct unit *u)
{
	uint64_t *bytes = ctx;

	*bytes += u->kind + u->len;
}

static void sink_count(void *ctx, const struct event *ev)
{
	uint64_t *events = ctx;

	*events += ev->type;
}

static void engine_figures(const struct engine *eng)
{
	const struct engine_stats *es = engine_stats(eng);

	printf("bench_engine: ike=%llu esp=%llu sas=%llu sas_evicted=%llu flows=%llu flows_evicted=%llu "
	       "exchanges=%llu retransmits=%llu diagnoses=%llu/%llu/%llu\n",
	       (unsigned long long)es->units[UNIT_IKE], (unsigned long long)es->units[UNIT_ESP],
	       (unsigned long long)es->sas, (unsigned long long)es->sas_evicted,
	       (unsigned long long)es->flows, (unsigned long long)es->flows_evicted,
	       (unsigned long long)es->exchanges, (unsigned long long)es->retransmits,
	       (unsigned long long)es->diagnoses[SEV_ERROR], (unsigned long long)es->diagnoses[SEV_WARNING],
	       (unsigned long long)es->diagnoses[SEV_INFO]);
	printf("bench_engine: state_bytes=%zu ike_sa_bytes=%zu esp_flow_bytes=%zu\n",
	       engine_memory(eng), engine_sa_size(), engine_flow_size());
}

/* capture_run() over the file into cb, as ikescope runs it. */
/* The CPU time of capture_run's reading thread, for the report line. */
static double reader_cpu_s;

static int run_capture(const char *file, unit_cb cb, void *ctx, size_t esp_bytes, uint64_t *n)
{
	char err[512];
	struct capture_opts co;
	struct capture_stats st;
	struct capture *cap;
	int rc;

	memset(&co, 0, sizeof(co));
	co.file = file;
	co.esp_bytes = esp_bytes;
	decoder_config_defaults(&co.dec);
	cap = capture_open(&co, cb, ctx, err, sizeof(err));
	if (!cap) {
		fprintf(stderr, "bench_dissect: %s\n", err);
		return 1;
	}
	rc = capture_run(cap, err, sizeof(err));
	if (rc < 0)
		fprintf(stderr, "bench_dissect: %s\n", err);
	capture_get_stats(cap, &st);
	*n = st.frames;
	reader_cpu_s = (double)st.reader_cpu_ns / 1e9;
	capture_close(cap);
	return rc < 0;
}

/* The whole engine, fed the way ikescope feeds it. */
static int run_engine(const char *file, uint64_t *n, uint64_t *events, struct engine **engp)
{
	struct event_sink sink = { sink_count, events };
	struct engine_config ecfg;
	struct engine *eng;
	int rc;

	engine_config_defaults(&ecfg);
	/* Room for every flow of the synthetic capture (two per SA), so the
	 * figures show steady state rather than eviction. */
	ecfg.max_flows = 262144;
	eng = engine_new(&ecfg, &sink);
	if (!eng) {
		fprintf(stderr, "bench_engine: out of memory\n");
		return 1;
	}
	rc = run_capture(file, engine_feed, eng, engine_esp_bytes(eng), n);
	engine_finish(eng);
	*engp = eng;
	return rc;
}

/* The dissection path: the decoder and the parsers, no engine. */
static int run_dissect(const char *file, uint64_t *n)
{
	char err[PCAP_ERRBUF_SIZE];
	struct decoder_config cfg;
	static struct dissect_only only;
	struct capture_file f;
	struct pcap_pkthdr *h;
	struct decoder *dec;
	const u_char *data;
	int linktype, rc;
	pcap_t *p;

	if (!capture_file_open(&f, file, err)) {
		fprintf(stderr, "bench_dissect: %s\n", err);
		return 1;
	}
	p = f.p;
	linktype = pcap_datalink(p);
	decoder_config_defaults(&cfg);
	dec = decoder_new(&cfg, dissect_unit, &only);
	if (!dec) {
		fprintf(stderr, "bench_dissect: out of memory\n");
		capture_file_close(&f);
		return 1;
	}
	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		int64_t ts = (int64_t)h->ts.tv_sec * 1000000000 + h->ts.tv_usec;

		decoder_frame(dec, linktype, data, h->caplen, h->len, ts, ++*n);
	}
	if (rc == PCAP_ERROR)
		fprintf(stderr, "bench_dissect: %s\n", pcap_geterr(p));
	decoder_expire(dec, INT64_MAX);
	capture_file_close(&f);
	decoder_free(dec);
	return rc == PCAP_ERROR;
}

int main(int argc, char **argv)
{
	uint64_t events = 0, n = 0;
	struct engine *eng = NULL;
	char threads[96];
	int mode = 0, c, rc;
	double t0;

	while ((c = getopt(argc, argv, "ce")) != -1) {
		if (c != 'c' && c != 'e') {
			fprintf(stderr, "usage: bench_dissect [-c | -e] file.pcap\n");
			return 2;
		}
		mode = c;
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "usage: bench_dissect [-c | -e] file.pcap\n");
		return 2;
	}
	t0 = bench_now();
	if (mode == 'e')
		rc = run_engine(argv[optind], &n, &events, &eng);
	else if (mode == 'c')
		rc = run_capture(argv[optind], count_unit, &events, ESP_HDR_LEN, &n);
	else
		rc = run_dissect(argv[optind], &n);
	if (rc)
		return 1;
	/* Threaded: what each of the two threads cost, since the wall-clock
	 * time can be no lower than the larger. */
	snprintf(threads, sizeof(threads), " reader_cpu_s=%.3f consumer_cpu_s=%.3f", reader_cpu_s,
		 bench_thread_cpu());
	if (eng) {
		bench_report("bench_engine", n, bench_now() - t0, events, threads);
		engine_figures(eng);
		engine_free(eng);
	} else if (mode == 'c') {
		bench_report("bench_capture", n, bench_now() - t0, events, threads);
	} else {
		bench_report("bench_dissect", n, bench_now() - t0, dissect_check, "");
	}
	return 0;
}
