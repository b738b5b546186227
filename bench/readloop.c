/* readloop.c - the benchmark baseline: reads a capture with libpcap and touches
 * one byte per packet, so the cost measured is libpcap's read loop alone. */
#include <pcap/pcap.h>
#include <stdio.h>

#include "bench.h"

int main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t n = 0, check = 0;
	double t0;
	pcap_t *p;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: readloop file.pcap\n");
		return 2;
	}
	t0 = bench_now();
	p = pcap_open_offline_with_tstamp_precision(argv[1], PCAP_TSTAMP_PRECISION_NANO, err);
	if (!p) {
		fprintf(stderr, "readloop: %s\n", err);
		return 1;
	}
	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		n++;
		if (h->caplen)
			check += data[0];
	}
	if (rc == PCAP_ERROR) {
		fprintf(stderr, "readloop: %s\n", pcap_geterr(p));
		return 1;
	}
	pcap_close(p);
	bench_report("readloop", n, bench_now() - t0, check);
	return 0;
}
