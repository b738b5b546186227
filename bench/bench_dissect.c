/* bench_dissect.c - the benchmark's two measured paths over the readloop
 * baseline. Default: every frame through decoder_frame() and the IKE/ESP
 * parsers only (the dissection path). With -e: through the whole engine,
 * correlation and detectors on, with an event sink that formats nothing.
 * Neither produces output per packet, so the difference to readloop is the
 * analysis itself. */
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
	uint64_t check;
};

static void dissect_unit(void *ctx, const struct unit *u)
{
	struct dissect_only *d = ctx;

	if (u->kind == UNIT_IKE)
		d->check += (uint64_t)ike_parse(u->data, u->len, u->orig_len, &d->ike) + d->ike.npl;
	else if (u->kind == UNIT_ESP)
		d->check += (uint64_t)esp_parse(u->data, u->len, u->orig_len, &d->esp) + d->esp.seq;
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

int main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	uint64_t events = 0, n = 0;
	struct event_sink sink = { sink_count, &events };
	struct decoder_config cfg;
	struct engine_config ecfg;
	static struct dissect_only only;
	struct pcap_pkthdr *h;
	struct decoder *dec;
	struct engine *eng = NULL;
	const u_char *data;
	const char *name = "bench_dissect";
	bool with_engine = false;
	int linktype, c;
	double t0;
	pcap_t *p;
	int rc;

	while ((c = getopt(argc, argv, "e")) != -1) {
		if (c != 'e') {
			fprintf(stderr, "usage: bench_dissect [-e] file.pcap\n");
			return 2;
		}
		with_engine = true;
		name = "bench_engine";
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "usage: bench_dissect [-e] file.pcap\n");
		return 2;
	}
	t0 = bench_now();
	p = pcap_open_offline_with_tstamp_precision(argv[optind], PCAP_TSTAMP_PRECISION_NANO, err);
	if (!p) {
		fprintf(stderr, "%s: %s\n", name, err);
		return 1;
	}
	linktype = pcap_datalink(p);
	decoder_config_defaults(&cfg);
	if (with_engine) {
		engine_config_defaults(&ecfg);
		/* Room for every flow of the synthetic capture (two per SA), so the
		 * figures show steady state rather than eviction. */
		ecfg.max_flows = 262144;
		eng = engine_new(&ecfg, &sink);
		dec = eng ? decoder_new(&cfg, engine_feed, eng) : NULL;
	} else {
		dec = decoder_new(&cfg, dissect_unit, &only);
	}
	if (!dec) {
		fprintf(stderr, "%s: out of memory\n", name);
		return 1;
	}
	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		int64_t ts = (int64_t)h->ts.tv_sec * 1000000000 + h->ts.tv_usec;

		decoder_frame(dec, linktype, data, h->caplen, h->len, ts, ++n);
	}
	if (rc == PCAP_ERROR) {
		fprintf(stderr, "%s: %s\n", name, pcap_geterr(p));
		return 1;
	}
	decoder_expire(dec, INT64_MAX);
	if (eng)
		engine_finish(eng);
	pcap_close(p);
	bench_report(name, n, bench_now() - t0, eng ? events : only.check);
	if (eng)
		engine_figures(eng);
	decoder_free(dec);
	engine_free(eng);
	return 0;
}
