/* test_options.c - command-line parsing: defaults, errors, conflicts. */
#include "options.h"
#include "../tap.h"

static int parse(struct options *o, char *err, const char *a0, const char *a1, const char *a2,
		 const char *a3, const char *a4)
{
	const char *in[] = { "ikescope", a0, a1, a2, a3, a4, NULL };
	static char buf[6][64];
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
	return tap_done();
}
