/* bench_dissect.c - the benchmark's dissection path: the readloop baseline with
 * every frame run through decoder_frame() and the engine, into a sink that
 * formats nothing, so the difference to readloop is decoding plus dissection. */
#include <pcap/pcap.h>
#include <stdio.h>

#include "bench.h"
#include "capture.h"
#include "engine.h"

static void sink_count(void *ctx, const struct event *ev)
{
	uint64_t *events = ctx;

	*events += ev->type;
}

int main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	uint64_t events = 0, n = 0;
	struct event_sink sink = { sink_count, &events };
	struct decoder_config cfg;
	const struct engine_stats *es;
	struct pcap_pkthdr *h;
	struct decoder *dec;
	struct engine *eng;
	const u_char *data;
	int linktype;
	double t0;
	pcap_t *p;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: bench_dissect file.pcap\n");
		return 2;
	}
	t0 = bench_now();
	p = pcap_open_offline_with_tstamp_precision(argv[1], PCAP_TSTAMP_PRECISION_NANO, err);
	if (!p) {
		fprintf(stderr, "bench_dissect: %s\n", err);
		return 1;
	}
	linktype = pcap_datalink(p);
	decoder_config_defaults(&cfg);
	eng = engine_new(&sink);
	dec = eng ? decoder_new(&cfg, engine_feed, eng) : NULL;
	if (!dec) {
		fprintf(stderr, "bench_dissect: out of memory\n");
		return 1;
	}
	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		int64_t ts = (int64_t)h->ts.tv_sec * 1000000000 + h->ts.tv_usec;

		decoder_frame(dec, linktype, data, h->caplen, h->len, ts, ++n);
	}
	if (rc == PCAP_ERROR) {
		fprintf(stderr, "bench_dissect: %s\n", pcap_geterr(p));
		return 1;
	}
	decoder_expire(dec, INT64_MAX);
	pcap_close(p);
	bench_report("bench_dissect", n, bench_now() - t0, events);
	es = engine_stats(eng);
	printf("bench_dissect: ike=%llu esp=%llu ike_v1=%llu ike_v2=%llu ike_errors=%llu esp_errors=%llu\n",
	       (unsigned long long)es->units[UNIT_IKE], (unsigned long long)es->units[UNIT_ESP],
	       (unsigned long long)es->ike_v1, (unsigned long long)es->ike_v2,
	       (unsigned long long)(es->ike_v1 + es->ike_v2 - es->ike_errors[IKE_OK]),
	       (unsigned long long)es->esp_errors);
	decoder_free(dec);
	engine_free(eng);
	return 0;
}
