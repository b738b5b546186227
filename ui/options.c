/* options.c - command-line parsing for ikescope. */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "proposal.h"

enum {
	OPT_PACKETS = 256,
	OPT_JSON,
	OPT_TCP_PORT,
	OPT_FRAG_TIMEOUT,
	OPT_REPORT,
	OPT_INTERVAL,
	OPT_PEER_PROPOSALS,
	OPT_NO_COLOR,
	OPT_MAX_SAS,
	OPT_MAX_FLOWS,
	OPT_IKE_TIMEOUT,
};

/* Caps keep the tables' one-time allocation within reason (an IKE SA is a
 * few KiB, an ESP flow a few hundred bytes). */
#define MAX_SAS_LIMIT 1048576UL
#define MAX_FLOWS_LIMIT 4194304UL

static const struct option long_opts[] = {
	{ "read", required_argument, NULL, 'r' },
	{ "interface", required_argument, NULL, 'i' },
	{ "count", required_argument, NULL, 'c' },
	{ "filter", required_argument, NULL, 'f' },
	{ "buffer-size", required_argument, NULL, 'B' },
	{ "no-promiscuous-mode", no_argument, NULL, 'p' },
	{ "tcp-port", required_argument, NULL, OPT_TCP_PORT },
	{ "frag-timeout", required_argument, NULL, OPT_FRAG_TIMEOUT },
	{ "packets", no_argument, NULL, OPT_PACKETS },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "report", no_argument, NULL, OPT_REPORT },
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ "peer-proposals", required_argument, NULL, OPT_PEER_PROPOSALS },
	{ "no-color", no_argument, NULL, OPT_NO_COLOR },
	{ "max-sas", required_argument, NULL, OPT_MAX_SAS },
	{ "max-flows", required_argument, NULL, OPT_MAX_FLOWS },
	{ "ike-timeout", required_argument, NULL, OPT_IKE_TIMEOUT },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

void options_usage(FILE *f)
{
	fputs("Usage: ikescope (-r FILE | -i IFACE) [options]\n"
	      "Passive IKE/ESP analyzer: dissects IKEv1, IKEv2, ESP and AH from a capture\n"
	      "file or a live interface.\n"
	      "\n"
	      "Input:\n"
	      "  -r, --read FILE          read a pcap or pcapng file (\"-\" for standard input)\n"
	      "  -i, --interface IFACE    capture live on IFACE\n"
	      "  -c, --count N            stop after N frames\n"
	      "  -f, --filter EXPR        BPF expression that narrows the default IKE/ESP filter\n"
	      "  -B, --buffer-size MIB    kernel capture buffer in MiB (live capture)\n"
	      "  -p, --no-promiscuous-mode  do not put the interface in promiscuous mode\n"
	      "      --tcp-port PORT      TCP port carrying RFC 8229 IKE/ESP (repeatable; default 4500)\n"
	      "      --frag-timeout SEC   IP fragment reassembly timeout in seconds (default 30)\n"
	      "\n"
	      "Output (--packets when none is given):\n"
	      "      --packets            one line per IKE/ESP packet (the default)\n"
	      "  -v, --verbose            with --packets, add a tree of every decoded field\n"
	      "      --report             tunnels, ladder diagrams and diagnoses at the end\n"
	      "                           (after the packet lines when --packets is also given)\n"
	      "      --interval SEC       live, with --report: a report every SEC seconds\n"
	      "      --json               NDJSON events: exchange, sa, esp, diagnosis, summary\n"
	      "                           (and packet with --packets); see ikescope(1)\n"
	      "      --no-color           no colours in the report (also: NO_COLOR set)\n"
	      "\n"
	      "Analysis:\n"
	      "      --peer-proposals LIST  the peer's IKE proposals, strongSwan syntax\n"
	      "                           (aes256-sha256-modp2048,aes128-sha1-modp1024), to name\n"
	      "                           the transform a rejected offer lacks\n"
	      "      --ike-timeout SEC    an unanswered IKE request times out (default 30)\n"
	      "      --max-sas N          IKE SAs tracked, least recently used evicted (4096)\n"
	      "      --max-flows N        ESP flows tracked (131072)\n"
	      "  -h, --help               show this help\n"
	      "  -V, --version            show the version\n"
	      "\n"
	      "Exit status: 0 on success; with --report or --json, 1 when a warning or an\n"
	      "error was diagnosed; 2 on a usage or input error.\n",
	      f);
}

static int parse_ulong(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!*s || *s == '-')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

static int add_tcp_port(struct options *o, const char *arg, char *err, size_t errlen)
{
	struct decoder_config *d = &o->cap.dec;
	unsigned long port;

	if (parse_ulong(arg, 65535, &port) || port == 0) {
		snprintf(err, errlen, "invalid --tcp-port '%s': expected 1-65535", arg);
		return -1;
	}
	if (d->n_tcp_ports == CAPTURE_MAX_TCP_PORTS) {
		snprintf(err, errlen, "too many --tcp-port options (at most %d)", CAPTURE_MAX_TCP_PORTS);
		return -1;
	}
	d->tcp_ports[d->n_tcp_ports++] = (uint16_t)port;
	return 0;
}

/* A positive count with an upper bound, for the numeric analysis options. */
static int parse_bounded(const char *arg, const char *name, unsigned long max, unsigned long *out,
			 char *err, size_t errlen)
{
	if (parse_ulong(arg, max, out) || *out == 0) {
		snprintf(err, errlen, "invalid %s '%s': expected 1-%lu", name, arg, max);
		return -1;
	}
	return 0;
}

/* The views: which ones run, and which combinations make sense. */
static int options_check_views(struct options *o, char *err, size_t errlen)
{
	if (o->json && o->report) {
		snprintf(err, errlen, "--report and --json are two views of the same events: pick one");
		return -1;
	}
	if (o->verbose && o->json) {
		snprintf(err, errlen, "-v adds a text tree and does not combine with --json");
		return -1;
	}
	if (o->verbose && o->report && !o->packets) {
		snprintf(err, errlen, "-v adds a tree under packet lines: add --packets to --report");
		return -1;
	}
	if (o->interval_s && !o->report) {
		snprintf(err, errlen, "--interval prints periodic reports: it needs --report");
		return -1;
	}
	if (o->interval_s && !o->cap.iface) {
		snprintf(err, errlen, "--interval applies to live capture (-i) only");
		return -1;
	}
	/* With no view flag the packet lines stay the default, as before. */
	if (!o->json && !o->report)
		o->packets = true;
	return 0;
}

int options_parse(struct options *o, int argc, char **argv, char *err, size_t errlen)
{
	unsigned long v;
	int c;
	bool tcp_port_seen = false;

	memset(o, 0, sizeof(*o));
	decoder_config_defaults(&o->cap.dec);
	optind = 0; /* 0, not 1: glibc then forgets a half-read option cluster of an earlier call */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":r:i:c:f:B:pvhV", long_opts, NULL)) != -1) {
		switch (c) {
		case 'r': o->cap.file = optarg; break;
		case 'i': o->cap.iface = optarg; break;
		case 'f': o->cap.filter = optarg; break;
		case 'p': o->cap.no_promisc = true; break;
		case 'v': o->verbose++; break;
		case 'h': o->help = true; break;
		case 'V': o->version = true; break;
		case OPT_PACKETS: o->packets = true; break;
		case OPT_JSON: o->json = true; break;
		case OPT_REPORT: o->report = true; break;
		case OPT_NO_COLOR: o->no_color = true; break;
		case OPT_INTERVAL:
			if (parse_bounded(optarg, "--interval", 86400, &v, err, errlen))
				return -1;
			o->interval_s = (unsigned)v;
			break;
		case OPT_MAX_SAS:
			if (parse_bounded(optarg, "--max-sas", MAX_SAS_LIMIT, &v, err, errlen))
				return -1;
			o->max_sas = (uint32_t)v;
			break;
		case OPT_MAX_FLOWS:
			if (parse_bounded(optarg, "--max-flows", MAX_FLOWS_LIMIT, &v, err, errlen))
				return -1;
			o->max_flows = (uint32_t)v;
			break;
		case OPT_IKE_TIMEOUT:
			if (parse_bounded(optarg, "--ike-timeout", 3600, &v, err, errlen))
				return -1;
			o->ike_timeout_ms = (uint32_t)(v * 1000);
			break;
		case OPT_PEER_PROPOSALS: {
			char perr[160];

			if (proposal_parse_list(optarg, &o->peer_proposals, perr, sizeof(perr))) {
				snprintf(err, errlen, "invalid --peer-proposals: %s", perr);
				return -1;
			}
			o->have_peer_proposals = true;
			break;
		}
		case 'c':
			if (parse_ulong(optarg, LONG_MAX, &v) || v == 0) {
				snprintf(err, errlen, "invalid count '%s': expected a positive number", optarg);
				return -1;
			}
			o->cap.count = (long)v;
			break;
		case 'B':
			if (parse_ulong(optarg, 4096, &v) || v == 0) {
				snprintf(err, errlen, "invalid buffer size '%s': expected 1-4096 MiB", optarg);
				return -1;
			}
			o->cap.buffer_mib = (int)v;
			break;
		case OPT_TCP_PORT:
			/* The first --tcp-port replaces the default list. */
			if (!tcp_port_seen)
				o->cap.dec.n_tcp_ports = 0;
			tcp_port_seen = true;
			if (add_tcp_port(o, optarg, err, errlen))
				return -1;
			break;
		case OPT_FRAG_TIMEOUT:
			if (parse_ulong(optarg, 3600, &v) || v == 0) {
				snprintf(err, errlen, "invalid --frag-timeout '%s': expected 1-3600 seconds", optarg);
				return -1;
			}
			o->cap.dec.frag_timeout_ms = (uint32_t)(v * 1000);
			break;
		case ':':
			snprintf(err, errlen, "option '%s' needs an argument", argv[optind - 1]);
			return -1;
		default:
			snprintf(err, errlen, "unknown option '%s'", argv[optind - 1]);
			return -1;
		}
	}
	if (o->help || o->version)
		return 0;
	if (optind < argc) {
		snprintf(err, errlen, "unexpected argument '%s'", argv[optind]);
		return -1;
	}
	if (!o->cap.file == !o->cap.iface) {
		snprintf(err, errlen, "give exactly one input: -r FILE or -i IFACE");
		return -1;
	}
	if (o->cap.file && (o->cap.buffer_mib || o->cap.no_promisc)) {
		snprintf(err, errlen, "-B and -p apply to live capture (-i) only");
		return -1;
	}
	return options_check_views(o, err, errlen);
}
