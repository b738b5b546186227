/* test_decode_pcap.c - the libpcap source: the default BPF filter compiles
 * on every supported link type and keeps/drops the right packets, and
 * capture_open/capture_run handle real, missing, foreign and truncated files. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "../tap.h"
#include "capture.h"
#include "frames.h"

static struct got g;
static uint8_t ip[4096], l4[4096], fr[4096];
static char filt[4096];

static bool filter_ok(int dlt, int linktype)
{
	static const uint16_t ports[] = { 4500, 10000 };
	pcap_t *p = pcap_open_dead(dlt, 65535);
	struct bpf_program prog;
	bool good;

	if (capture_link_filter(linktype, ports, 2, NULL, filt, sizeof(filt)) < 0) {
		pcap_close(p);
		return false;
	}
	good = pcap_compile(p, &prog, filt, 1, PCAP_NETMASK_UNKNOWN) == 0;
	if (!good)
		printf("# %s: %s\n", pcap_datalink_val_to_name(dlt), pcap_geterr(p));
	else
		pcap_freecode(&prog);
	pcap_close(p);
	return good;
}

/* Runs the Ethernet default filter on one frame. */
static int accepts(struct bpf_program *prog, const uint8_t *f, size_t n)
{
	struct pcap_pkthdr h = { .caplen = (bpf_u_int32)n, .len = (bpf_u_int32)n };

	return pcap_offline_filter(prog, &h, f) != 0;
}

static size_t eth4(uint8_t proto, unsigned frag, const uint8_t *pl, size_t n, unsigned tags)
{
	size_t i = mk_ip4(ip, proto, 1, frag, 0, pl, n);

	return mk_eth(fr, tags, 0x0800, ip, i);
}

static size_t eth6(uint8_t nh, const uint8_t *pl, size_t n)
{
	size_t i = mk_ip6(ip, nh, pl, n);

	return mk_eth(fr, 0, 0x86dd, ip, i);
}

static void test_filter(void)
{
	static const uint16_t p4500[] = { 4500 };
	struct bpf_program prog;
	pcap_t *p;
	size_t n;
	uint8_t icmp[64] = { 3, 3 };

	ok(filter_ok(DLT_EN10MB, LINKTYPE_ETHERNET), "filter compiles for EN10MB");
	ok(filter_ok(DLT_RAW, LINKTYPE_RAW), "filter compiles for RAW");
	ok(filter_ok(DLT_NULL, LINKTYPE_NULL), "filter compiles for NULL");
	ok(filter_ok(DLT_LINUX_SLL, LINKTYPE_LINUX_SLL), "filter compiles for LINUX_SLL");
	ok(filter_ok(DLT_LINUX_SLL2, LINKTYPE_LINUX_SLL2), "filter compiles for LINUX_SLL2");
	ok(capture_default_filter(p4500, 1, filt, 40) < 0, "filter into a short buffer: -1");

	p = pcap_open_dead(DLT_EN10MB, 65535);
	capture_link_filter(LINKTYPE_ETHERNET, p4500, 1, NULL, filt, sizeof(filt));
	if (!ok(pcap_compile(p, &prog, filt, 1, PCAP_NETMASK_UNKNOWN) == 0, "Ethernet filter"))
		return;

	n = mk_udp(l4, 500, 500, ike_sa_init_r, 40);
	ok(accepts(&prog, fr, eth4(17, 0, l4, n, 0)), "accepts UDP 500");
	ok(accepts(&prog, fr, eth4(17, 0x2000, l4, 16, 0)), "accepts the first fragment of UDP 500");
	ok(accepts(&prog, fr, eth4(17, 2, l4 + 16, 16, 0)), "accepts a non-first fragment of UDP 500");
	ok(accepts(&prog, fr, eth4(17, 0, l4, n, 1)), "accepts UDP 500 in a VLAN");
	n = mk_udp(l4, 12345, 4500, esp_pkt, 120);
	ok(accepts(&prog, fr, eth4(17, 0, l4, n, 0)), "accepts UDP 4500");
	n = mk_udp(l4, 5353, 53, esp_pkt, 120);
	ok(!accepts(&prog, fr, eth4(17, 0, l4, n, 0)), "rejects UDP 53");
	ok(!accepts(&prog, fr, eth4(17, 0, l4, n, 1)), "rejects UDP 53 in a VLAN");
	ok(accepts(&prog, fr, eth4(50, 0, esp_pkt, 120, 0)), "accepts IPv4 ESP");
	ok(accepts(&prog, fr, eth4(51, 0, esp_pkt, 120, 0)), "accepts IPv4 AH");
	ok(accepts(&prog, fr, eth6(50, esp_pkt, 120)), "accepts IPv6 ESP");
	ok(accepts(&prog, fr, eth6(44, esp_pkt, 120)), "accepts an IPv6 fragment");
	n = mk_tcp(l4, 40000, 4500, 1, TH_ACK, esp_pkt, 20);
	ok(accepts(&prog, fr, eth4(6, 0, l4, n, 0)), "accepts TCP 4500");
	n = mk_tcp(l4, 40000, 443, 1, TH_ACK, esp_pkt, 20);
	ok(!accepts(&prog, fr, eth4(6, 0, l4, n, 0)), "rejects TCP 443");
	ok(accepts(&prog, fr, eth4(1, 0, icmp, 36, 0)), "accepts ICMP port unreachable");
	icmp[0] = 8;
	ok(!accepts(&prog, fr, eth4(1, 0, icmp, 36, 0)), "rejects ICMP echo");
	icmp[0] = 2;
	ok(accepts(&prog, fr, eth6(58, icmp, 56)), "accepts ICMPv6 packet too big");
	icmp[0] = 128;
	ok(!accepts(&prog, fr, eth6(58, icmp, 56)), "rejects ICMPv6 echo");
	pcap_freecode(&prog);
	pcap_close(p);
}

static const char *pcap_path(void)
{
	static char path[1024];
	const char *top = getenv("top_srcdir");

	snprintf(path, sizeof(path), "%s/pcaps/ikev2-esp-udp.pcap", top ? top : ".");
	return path;
}

static struct capture *open_file(const char *file, const char *filter, long count, char *err,
				 size_t errlen)
{
	struct capture_opts o;

	memset(&o, 0, sizeof(o));
	o.file = file;
	o.filter = filter;
	o.count = count;
	decoder_config_defaults(&o.dec);
	memset(&g, 0, sizeof(g));
	return capture_open(&o, got_cb, &g, err, errlen);
}

static int kinds(uint8_t kind)
{
	int i, n = 0;

	for (i = 0; i < g.n; i++)
		n += g.u[i].kind == kind;
	return n;
}

/* Offset 80 bytes into the data of the last record over 100 bytes (an ESP
 * frame) of a little-endian pcap file. */
static size_t cut_in_last_big(const uint8_t *d, size_t n)
{
	size_t off = 24, cut = n;

	while (off + 16 <= n) {
		size_t cap = (size_t)d[off + 8] | (size_t)d[off + 9] << 8 |
			     (size_t)d[off + 10] << 16 | (size_t)d[off + 11] << 24;

		if (cap > 100 && off + 16 + cap <= n)
			cut = off + 16 + 80;
		off += 16 + cap;
	}
	return cut;
}

/* Counts a file's frames, and finds its first IPv4/IPv6 frame, with plain
 * libpcap: the expectations do not depend on the code under test. */
static void raw_count(const char *path, long *frames, long *first_ip)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(path, ebuf);
	struct pcap_pkthdr *h;
	const u_char *d;

	*frames = 0;
	*first_ip = 0;
	if (!p)
		return;
	while (pcap_next_ex(p, &h, &d) == 1) {
		++*frames;
		if (!*first_ip && h->caplen >= 14 && ((d[12] == 0x08 && d[13] == 0x00) ||
						       (d[12] == 0x86 && d[13] == 0xdd)))
			*first_ip = *frames;
	}
	pcap_close(p);
}

static void test_files(void)
{
	long frames, first_ip;
	char err[512] = "", tmp[] = "/tmp/ikescope-test-XXXXXX";
	struct capture_stats cs;
	struct capture *c;
	const char *path = pcap_path();
	FILE *in, *out;
	uint8_t data[8192];
	size_t n;
	int fd, rc;

	c = open_file(path, NULL, 0, err, sizeof(err));
	if (!ok(c != NULL, "open a real capture"))
		printf("#   %s\n", err);
	if (!c)
		return;
	raw_count(path, &frames, &first_ip);
	is_int(capture_linktype(c), LINKTYPE_ETHERNET, "  Ethernet");
	rc = capture_run(c, err, sizeof(err));
	is_int(rc, 0, "  clean end");
	capture_get_stats(c, &cs);
	is_int(cs.frames, frames, "  every frame of the file is read (numbers match the file)");
	is_int(kinds(UNIT_IKE), 6, "  6 IKE units");
	is_int(kinds(UNIT_ESP), 10, "  10 ESP units");
	is_int(g.u[0].frame, first_ip, "  the first unit carries its frame number in the file");
	ok(g.u[0].ts_ns > 1000000000LL * 1000000000LL, "  nanosecond timestamps");
	is_int(capture_decoder_stats(c)->frames, frames, "  the decoder saw every frame");
	capture_close(c);

	c = open_file(path, NULL, 3, err, sizeof(err));
	if (c) {
		capture_run(c, err, sizeof(err));
		is_int(capture_decoder_stats(c)->frames, 3, "-c 3: three frames read");
		capture_close(c);
	}

	c = open_file(path, "ip proto 50", 0, err, sizeof(err));
	ok(c != NULL, "user filter narrows the default");
	if (c) {
		capture_run(c, err, sizeof(err));
		is_int(g.n, 0, "  'ip proto 50' keeps nothing of ESP-in-UDP");
		capture_close(c);
	}
	c = open_file(path, "udp src port 4500 and", 0, err, sizeof(err));
	ok(!c && !strncmp(err, "bad filter expression: ", 23), "bad filter: message");
	printf("#   %s\n", err);

	c = open_file("/nonexistent/x.pcap", NULL, 0, err, sizeof(err));
	ok(!c && strstr(err, "/nonexistent/x.pcap") && !strchr(err, '\n'), "missing file: message");
	printf("#   %s\n", err);

	/* A file that is not a capture. */
	fd = mkstemp(tmp);
	if (fd >= 0) {
		n = (size_t)snprintf((char *)data, sizeof(data), "hello, this is not a pcap file\n");
		ok(write(fd, data, n) == (ssize_t)n, "write a text file");
		close(fd);
		c = open_file(tmp, NULL, 0, err, sizeof(err));
		ok(!c && err[0], "non-capture file: refused with a message");
		printf("#   %s\n", err);

		/* The real capture cut in the middle of its last packet. */
		in = fopen(path, "rb");
		n = in ? fread(data, 1, sizeof(data), in) : 0;
		if (in)
			fclose(in);
		out = fopen(tmp, "wb");
		if (out) {
			fwrite(data, 1, cut_in_last_big(data, n), out);
			fclose(out);
		}
		c = open_file(tmp, NULL, 0, err, sizeof(err));
		ok(c != NULL, "truncated capture opens");
		if (c) {
			rc = capture_run(c, err, sizeof(err));
			is_int(rc, -1, "  read error");
			ok(strstr(err, "truncated") != NULL, "  message names the truncation");
			printf("#   %s\n", err);
			is_int(g.n, 15, "  units before the cut delivered");
			capture_close(c);
		}

		/* A capture of an unsupported link type. */
		{
			pcap_t *dead = pcap_open_dead(DLT_IEEE802_11, 65535);
			pcap_dumper_t *dump = pcap_dump_open(dead, tmp);

			if (dump)
				pcap_dump_close(dump);
			pcap_close(dead);
			c = open_file(tmp, NULL, 0, err, sizeof(err));
			ok(!c && strstr(err, "IEEE802_11"), "unsupported link type named");
			printf("#   %s\n", err);
		}
		unlink(tmp);
	}

	{
		struct capture_opts o;

		memset(&o, 0, sizeof(o));
		decoder_config_defaults(&o.dec);
		c = capture_open(&o, got_cb, &g, err, sizeof(err));
		ok(!c && err[0], "neither file nor interface: message");
		o.iface = "ikescope-no-such-if0";
		c = capture_open(&o, got_cb, &g, err, sizeof(err));
		ok(!c && err[0], "missing interface: message");
		printf("#   %s\n", err);
	}
}

/* pcapng from the public corpus when it is there (joy/ikev1.pcap: 11 IKEv1
 * frames, 16 ESP frames per its inventory). */
static void test_pcapng(void)
{
	const char *shared = getenv("IKESCOPE_SHARED");
	char path[1024], err[512] = "";
	struct capture *c;

	snprintf(path, sizeof(path), "%s/pcaps-public/joy/ikev1.pcap", shared ? shared : "../shared");
	if (access(path, R_OK) != 0) {
		ok(1, "# SKIP no public corpus at %s", path);
		return;
	}
	c = open_file(path, NULL, 0, err, sizeof(err));
	if (!ok(c != NULL, "open a pcapng file")) {
		printf("#   %s\n", err);
		return;
	}
	is_int(capture_run(c, err, sizeof(err)), 0, "  clean end");
	is_int(kinds(UNIT_IKE), 11, "  11 IKE units");
	is_int(kinds(UNIT_ESP), 16, "  16 ESP units");
	capture_close(c);
}

int main(void)
{
	test_filter();
	test_files();
	test_pcapng();
	return tap_done();
}
