/* test_options.c - command-line parsing: defaults, errors, conflicts. */
#include "options.h"
#include "../tap.h"

static int parse(struct options *o, char *err, const char *a0, const char *a1, const char *a2,
		 const char *a3, const char *a4)
{
	const char *in[] = { "ikescope", a0, a1, a2, a3, a4, NULL };
	static char buf[6][96];
	char *argv[7] = { NULL };
	int n = 0;

	/* getopt wants mutable strings. */
	while (in[n]) {
		snprintf(buf[n], sizeof(buf[n]), "%s", in[n]);
		argv[n] = buf[n];
		n++;
	}
	return options_parse(o, n, argv, err, 256);
}

int main(void)
{
	struct options o;
	char err[256];

	is_int(parse(&o, err, "-r", "x.pcap", NULL, NULL, NULL), 0, "-r FILE");
	ok(o.packets && !o.json, "packets view is the default");
	is_int(o.cap.dec.n_tcp_ports, 1, "one default TCP port");
	is_int(o.cap.dec.tcp_ports[0], 4500, "default RFC 8229 port 4500");

	is_int(parse(&o, err, "-r", "x", "--tcp-port", "443", "--tcp-port"), -1, "missing argument");
	is_int(parse(&o, err, "-r", "x", "--tcp-port", "443", NULL), 0, "--tcp-port");
	is_int(o.cap.dec.n_tcp_ports, 1, "first --tcp-port replaces the default");
	is_int(o.cap.dec.tcp_ports[0], 443, "port 443");
	is_int(parse(&o, err, "-r", "x", "--tcp-port", "70000", NULL), -1, "port out of range");
	is_int(parse(&o, err, NULL, NULL, NULL, NULL, NULL), -1, "no input is an error");
	ok(strstr(err, "-r FILE") != NULL, "error says what to give");
	is_int(parse(&o, err, "-r", "x", "-i", "eth0", NULL), -1, "two inputs is an error");
	is_int(parse(&o, err, "-r", "x", "-c", "0", NULL), -1, "count 0 rejected");
	is_int(parse(&o, err, "-r", "x", "-c", "12abc", NULL), -1, "count with junk rejected");
	is_int(parse(&o, err, "-r", "x", "-c", "12", NULL), 0, "count 12");
	is_int(o.cap.count, 12, "count stored");
	is_int(parse(&o, err, "-r", "x", "-B", "8", NULL), -1, "-B is live only");
	is_int(parse(&o, err, "-i", "eth0", "-B", "8", "-p"), 0, "live options");
	ok(o.cap.buffer_mib == 8 && o.cap.no_promisc, "live options stored");
	is_int(parse(&o, err, "-r", "x", "--json", "-v", NULL), -1, "-v with --json rejected");
	is_int(parse(&o, err, "-r", "x", "--json", NULL, NULL), 0, "--json");
	ok(o.json && !o.packets, "json alone");
	is_int(parse(&o, err, "-r", "x", "--bogus", NULL, NULL), -1, "unknown option");
	ok(strstr(err, "--bogus") != NULL, "error names the option");
	is_int(parse(&o, err, "-r", "x", "extra", NULL, NULL), -1, "stray argument");
	is_int(parse(&o, err, "--help", NULL, NULL, NULL, NULL), 0, "--help needs no input");
	ok(o.help, "help flag");
	is_int(parse(&o, err, "-r", "x", "--frag-timeout", "5", NULL), 0, "--frag-timeout");
	is_int(o.cap.dec.frag_timeout_ms, 5000, "frag timeout in ms");

	/* The engine's views. */
	is_int(parse(&o, err, "-r", "x", "--report", NULL, NULL), 0, "--report");
	ok(o.report && !o.packets && !o.json, "report alone: no packet lines");
	is_int(parse(&o, err, "-r", "x", "--report", "--packets", NULL), 0, "--report --packets");
	ok(o.report && o.packets, "packet lines then the report");
	is_int(parse(&o, err, "-r", "x", "--report", "--json", NULL), -1, "--report with --json");
	ok(strstr(err, "--json") != NULL, "error names the conflict");
	is_int(parse(&o, err, "-r", "x", "--json", "--packets", NULL), 0, "--json --packets");
	ok(o.json && o.packets, "json with packet events");
	is_int(parse(&o, err, "-r", "x", "--report", "-v", NULL), -1, "-v needs packet lines");
	is_int(parse(&o, err, "-r", "x", "--report", "-v", "--packets"), 0, "-v with --packets");
	is_int(o.verbose, 1, "verbose stored");
	is_int(parse(&o, err, "-r", "x", "-v", NULL, NULL), 0, "-v alone, as before");
	ok(o.packets && o.verbose == 1, "-v alone is the packet view with trees");

	is_int(parse(&o, err, "-i", "eth0", "--report", "--interval", "5"), 0, "--interval live");
	is_int(o.interval_s, 5, "interval stored");
	is_int(parse(&o, err, "-r", "x", "--report", "--interval", "5"), -1, "--interval offline");
	ok(strstr(err, "-i") != NULL, "error says live only");
	is_int(parse(&o, err, "-i", "eth0", "--interval", "5", NULL), -1, "--interval without --report");
	is_int(parse(&o, err, "-i", "eth0", "--report", "--interval", "0"), -1, "interval 0");
	is_int(parse(&o, err, "-i", "eth0", "--report", "--interval", "x"), -1, "interval junk");

	is_int(parse(&o, err, "-r", "x", "--max-sas", "100", NULL), 0, "--max-sas");
	is_int(o.max_sas, 100, "max SAs stored");
	is_int(parse(&o, err, "-r", "x", "--max-sas", "0", NULL), -1, "--max-sas 0");
	is_int(parse(&o, err, "-r", "x", "--max-sas", "99999999", NULL), -1, "--max-sas too big");
	is_int(parse(&o, err, "-r", "x", "--max-flows", "5000", NULL), 0, "--max-flows");
	is_int(o.max_flows, 5000, "max flows stored");
	is_int(parse(&o, err, "-r", "x", "--max-flows", "-3", NULL), -1, "negative --max-flows");
	is_int(parse(&o, err, "-r", "x", "--ike-timeout", "10", NULL), 0, "--ike-timeout");
	is_int(o.ike_timeout_ms, 10000, "IKE timeout in ms");
	is_int(parse(&o, err, "-r", "x", "--ike-timeout", "3601", NULL), -1, "timeout too long");
	is_int(parse(&o, err, "-r", "x", NULL, NULL, NULL), 0, "defaults again");
	ok(!o.max_sas && !o.max_flows && !o.ike_timeout_ms && !o.have_peer_proposals && !o.no_color,
	   "caps default to the engine's");

	is_int(parse(&o, err, "-r", "x", "--peer-proposals", "aes256-sha256-modp2048,aes128-sha1-modp1024",
		     NULL),
	       0, "--peer-proposals");
	ok(o.have_peer_proposals, "peer proposals stored");
	is_int(o.peer_proposals.n, 2, "two peer proposals");
	is_int(parse(&o, err, "-r", "x", "--peer-proposals", "aes256-nonsense-modp2048", NULL), -1,
	       "bad --peer-proposals");
	ok(strstr(err, "--peer-proposals") != NULL, "error names the flag");
	is_int(parse(&o, err, "-r", "x", "--report", "--no-color", NULL), 0, "--no-color");
	ok(o.no_color, "no colour stored");
	return tap_done();
}
