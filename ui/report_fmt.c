/* report_fmt.c - formatting shared by the report and the NDJSON events:
 * exchange and notify labels, relative times, colours, word wrapping. */
#include "report_int.h"

#include <inttypes.h>
#include <string.h>

#include "names.h"
#include "proposal.h"
#include "textout.h"

static const char *const color_seq[] = {
	[RC_NONE] = "", [RC_RED] = "\033[31m", [RC_GREEN] = "\033[32m",
	[RC_YELLOW] = "\033[33m", [RC_CYAN] = "\033[36m", [RC_BOLD] = "\033[1m",
};

const char *exch_type_label(unsigned version, unsigned type, char *buf, size_t len)
{
	const char *n = version == 1 ? ike1_exchange_abbrev(type) : ike2_exchange_name(type);

	if (n)
		return n;
	snprintf(buf, len, "%u", type);
	return buf;
}

const char *notify_label(unsigned version, unsigned type, char *buf, size_t len)
{
	const char *n = version == 1 ? ike1_notify_name(type) : ike2_notify_name(type);

	if (n)
		return n;
	snprintf(buf, len, "%u", type);
	return buf;
}

void rc_on(const struct rctx *r, enum rcolor c)
{
	if (r->color && c != RC_NONE)
		fputs(color_seq[c], r->f);
}

void rc_off(const struct rctx *r, enum rcolor c)
{
	if (r->color && c != RC_NONE)
		fputs("\033[0m", r->f);
}

enum rcolor severity_color(unsigned sev)
{
	return sev == SEV_ERROR ? RC_RED : sev == SEV_WARNING ? RC_YELLOW : RC_CYAN;
}

const char *rel_time(const struct rctx *r, int64_t ns, char *buf, size_t len)
{
	int64_t d = ns - r->origin_ns;
	const char *sign = d < 0 ? "-" : "+";
	uint64_t a = d < 0 ? (uint64_t)0 - (uint64_t)d : (uint64_t)d;
	uint64_t s = a / 1000000000;

	/* At most 9 characters up to 115 days: milliseconds while they fit. */
	if (s < 1000)
		snprintf(buf, len, "%s%" PRIu64 ".%03" PRIu64 "s", sign, s, a / 1000000 % 1000);
	else if (s < 100000)
		snprintf(buf, len, "%s%" PRIu64 ".%" PRIu64 "s", sign, s, a / 100000000 % 10);
	else
		snprintf(buf, len, "%s%" PRIu64 "s", sign, s);
	return buf;
}

const char *interval_text(uint32_t ms, char *buf, size_t len)
{
	if (ms < 1000)
		snprintf(buf, len, "+%" PRIu32 "ms", ms);
	else
		snprintf(buf, len, "+%" PRIu32 ".%" PRIu32 "s", ms / 1000, (ms % 1000) / 100);
	return buf;
}

/* Like text_escape, but a backslash stays single: report texts are
 * program-made, this only keeps control bytes off the terminal. */
static void put_printable(FILE *f, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t b = (uint8_t)p[i];

		if (b >= 0x20 && b < 0x7f)
			putc(b, f);
		else
			fprintf(f, "\\x%02x", b);
	}
}

void wrap_text(FILE *f, int col, int indent, const char *text)
{
	const int limit = REPORT_WIDTH - 1;
	const char *p = text;
	bool first = true;

	while (*p) {
		size_t n;

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		n = strcspn(p, " ");
		if (!first && col + 1 + (int)n > limit && col > indent) {
			fprintf(f, "\n%*s", indent, "");
			col = indent;
		} else if (!first) {
			putc(' ', f);
			col++;
		}
		/* A word longer than the line (a proposal with many algorithms)
		 * breaks after a '-'; one without any runs over. */
		while (col + (int)n > limit) {
			size_t cut = 0;

			for (size_t i = 0; (int)i < limit - col && i < n; i++)
				if (p[i] == '-')
					cut = i + 1;
			if (!cut)
				break;
			put_printable(f, p, cut);
			p += cut;
			n -= cut;
			fprintf(f, "\n%*s", indent, "");
			col = indent;
		}
		put_printable(f, p, n);
		col += (int)n;
		p += n;
		first = false;
	}
	putc('\n', f);
}

const char *transport_label(unsigned tr)
{
	static const char *const n[] = {
		[TR_NONE] = "none", [TR_UDP500] = "udp500", [TR_UDP4500] = "udp4500",
		[TR_UDP_OTHER] = "udp", [TR_TCP] = "tcp", [TR_IP] = "esp",
	};

	return tr < sizeof(n) / sizeof(n[0]) ? n[tr] : "none";
}

const char *proposal_text(const struct proposal *p, char *buf, size_t len)
{
	proposal_format(p, buf, len);
	return buf;
}

const char *ke_group_text(unsigned group, char *buf, size_t len)
{
	struct xform x = { .type = XF_KE, .id = (uint16_t)group };

	proposal_xform_format(&x, buf, len);
	return buf;
}

const char *nat_here_text(const struct ike_sa *sa, char *buf, size_t len)
{
	char a[64], b[64];

	snprintf(buf, len, "this host translates the %s's address: %s on interface %" PRIu32
		 " is %s on interface %" PRIu32,
		 sa->nat_here == NAT_HERE_INITIATOR ? "initiator" : "responder",
		 endpoint_format(&sa->nat_here_ip[0], sa->nat_here_port[0], a, sizeof(a)), sa->nat_here_if[0],
		 endpoint_format(&sa->nat_here_ip[1], sa->nat_here_port[1], b, sizeof(b)), sa->nat_here_if[1]);
	return buf;
}

/* The source hashes say whether a peer's own address was translated before
 * it reached this capture point; the destination hashes whether the address
 * the peer sent to differs from the one seen here. */
const char *nat_verdict(const struct ike_sa *sa)
{
	bool isrc = sa->natd_init_src == NATD_MISMATCH, rsrc = sa->natd_resp_src == NATD_MISMATCH;
	bool idst = sa->natd_init_dst == NATD_MISMATCH, rdst = sa->natd_resp_dst == NATD_MISMATCH;
	bool any = sa->natd_init_src || sa->natd_resp_src || sa->natd_init_dst || sa->natd_resp_dst;

	if (!any)
		return NULL;
	if (isrc && sa->natd_init_port_only && !rsrc && !rdst)
		return "only the initiator's source port differs (its source hash matches its "
		       "address seen here with port 500)";
	if (rsrc && sa->natd_resp_port_only && !isrc && !idst)
		return "only the responder's source port differs (its source hash matches its "
		       "address seen here with port 500)";
	if (isrc && rsrc)
		return "both peers' source hashes differ: NAT on both sides, or UDP encapsulation "
		       "forced by configuration";
	if (isrc)
		return "the initiator is behind a NAT (its source hash differs from the address "
		       "seen here)";
	if (rsrc)
		return "the responder is behind a NAT (its source hash differs from the address "
		       "seen here)";
	if (idst || rdst)
		return "a destination hash differs: an address is translated between this "
		       "capture point and a peer";
	return "no NAT between the peers (the NAT-D hashes seen match)";
}
