/* bpf_filter.c - the default capture filter: everything the analysis needs
 * (UDP 500/4500, ESP/AH, RFC 8229 TCP ports, ICMP errors) plus the IP
 * fragments that carry no transport header, optionally inside one 802.1Q
 * tag. pcap-filter(7) syntax. */
#include <stdio.h>
#include <string.h>

#include "capture.h"

/* Appends to buf at *at; false once it no longer fits. */
static bool filter_put(char *buf, size_t len, size_t *at, const char *s)
{
	size_t n = strlen(s);

	if (*at + n >= len)
		return false;
	memcpy(buf + *at, s, n + 1);
	*at += n;
	return true;
}

int capture_default_filter(const uint16_t *tcp_ports, unsigned n, char *buf, size_t len)
{
	size_t at = 0;
	char port[32];
	unsigned i;
	bool fits;

	if (!len)
		return -1;
	buf[0] = '\0';
	fits = filter_put(buf, len, &at,
			  "udp port 500 or udp port 4500"
			  " or ip proto 50 or ip proto 51 or ip6 proto 50 or ip6 proto 51");
	for (i = 0; i < n && i < CAPTURE_MAX_TCP_PORTS; i++) {
		snprintf(port, sizeof(port), " or tcp port %u", (unsigned)tcp_ports[i]);
		fits = fits && filter_put(buf, len, &at, port);
	}
	/* ICMP errors quoting our packets; non-first IPv4 fragments and IPv6
	 * fragments, whose transport header is in another packet. */
	fits = fits && filter_put(buf, len, &at,
				  " or (icmp and (icmp[0] == 3 or icmp[0] == 11 or icmp[0] == 12))"
				  " or (icmp6 and icmp6[0] >= 1 and icmp6[0] <= 4)"
				  " or (ip and ip[6:2] & 0x1fff != 0)"
				  " or (ip6 and ip6[6] == 44)");
	return fits ? 0 : -1;
}

int capture_link_filter(int linktype, const uint16_t *tcp_ports, unsigned n, const char *user,
			char *buf, size_t len)
{
	char base[512], both[2048];
	int w;

	if (capture_default_filter(tcp_ports, n, base, sizeof(base)) < 0)
		return -1;
	if (user && *user) {
		w = snprintf(both, sizeof(both), "(%s) and (%s)", base, user);
		if (w < 0 || (size_t)w >= sizeof(both))
			return -1;
	} else {
		snprintf(both, sizeof(both), "%s", base);
	}
	/* libpcap's "vlan" exists only for Ethernet-like links, and it shifts
	 * every later offset in the expression: the untagged alternative comes
	 * first, whole, and the tagged one repeats the user's filter after it. */
	if (linktype == LINKTYPE_ETHERNET)
		w = snprintf(buf, len, "(%s) or (vlan and (%s))", both, both);
	else
		w = snprintf(buf, len, "%s", both);
	return w < 0 || (size_t)w >= len ? -1 : 0;
}
