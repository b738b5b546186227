/* readloop.c - the benchmark baseline: reads a capture with libpcap and touches
 * one byte per packet, so the cost measured is libpcap's read loop alone. The
 * file is opened as ikescope opens it (capture_file_open, with its read
 * buffer), so the baseline reads the bytes the same way the engine's reader
 * does. With -d it opens the file with libpcap's pcap_open_offline instead
 * (stdio's default 4 KiB reads), for comparison only. */
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "capture.h"

int main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	struct capture_file f;
	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t n = 0, check = 0;
	double t0;
	bool libpcap_default = argc == 3 && strcmp(argv[1], "-d") == 0;
	pcap_t *p;
	int rc;

	if (argc != 2 && !libpcap_default) {
		fprintf(stderr, "usage: readloop [-d] file.pcap\n");
		return 2;
	}
	t0 = bench_now();
	memset(&f, 0, sizeof(f));
	if (libpcap_default)
		f.p = pcap_open_offline_with_tstamp_precision(argv[2], PCAP_TSTAMP_PRECISION_NANO, err);
	else
		capture_file_open(&f, argv[1], err);
	if (!f.p) {
		fprintf(stderr, "readloop: %s\n", err);
		return 1;
	}
	p = f.p;
	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		n++;
		if (h->caplen)
			check += data[0];
	}
	if (rc == PCAP_ERROR) {
		fprintf(stderr, "readloop: %s\n", pcap_geterr(p));
		return 1;
	}
	capture_file_close(&f);
	bench_report(libpcap_default ? "readloop_libpcap_default" : "readloop", n, bench_now() - t0, check, "");
	return 0;
}
