/* report.c - the human report (--report): per IKE SA the peers, algorithms,
 * NAT verdict, child SAs with ESP counters, a ladder of the exchanges and the
 * diagnoses; then ESP flows and diagnoses tied to no SA; then a summary.
 * Everything is sorted by frame number so the output is deterministic. */
#include "report_int.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "textout.h"

#define KEY_COL 16 /* where the values of "  key   value" lines start */

/* "  key           value..." with the value wrapped under itself. */
static void kv(const struct rctx *r, const char *key, const char *value)
{
	fprintf(r->f, "  %-*s", KEY_COL - 2, key);
	wrap_text(r->f, KEY_COL, KEY_COL, value);
}

static void heading(const struct rctx *r, const char *text)
{
	int n = (int)strlen(text);

	rc_on(r, RC_BOLD);
	fprintf(r->f, "%s ", text);
	for (int i = n + 1; i < REPORT_WIDTH - 1; i++)
		putc('=', r->f);
	rc_off(r, RC_BOLD);
	putc('\n', r->f);
}

static void spi_hex(const uint8_t spi[8], char *buf)
{
	static const char digits[] = "0123456789abcdef";

	for (int i = 0; i < 8; i++) {
		buf[2 * i] = digits[spi[i] >> 4];
		buf[2 * i + 1] = digits[spi[i] & 15];
	}
	buf[16] = 0;
}

static const char *cap_pos_text(unsigned pos)
{
	switch (pos) {
	case POS_INITIATOR: return "at the initiator";
	case POS_RESPONDER: return "at the responder";
	case POS_PATH: return "between the peers";
	default: return "position unknown";
	}
}

static void sa_algorithms(const struct rctx *r, const struct ike_sa *sa)
{
	char buf[512], pb[160];
	size_t n = 0;

	if (sa->have_chosen) {
		kv(r, "algorithms", proposal_text(&sa->chosen, pb, sizeof(pb)));
		return;
	}
	if (!sa->have_offer || !sa->offered.n) {
		kv(r, "algorithms", "not visible (no cleartext proposal seen)");
		return;
	}
	n = (size_t)snprintf(buf, sizeof(buf), "none chosen; offered:");
	for (unsigned i = 0; i < sa->offered.n && i < PROPSET_MAX && n < sizeof(buf); i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s %s", i ? "," : "",
				      proposal_text(&sa->offered.p[i], pb, sizeof(pb)));
	if (sa->offered.truncated && n < sizeof(buf))
		snprintf(buf + n, sizeof(buf) - n, " (and more)");
	kv(r, "algorithms", buf);
}

static void sa_nat(const struct rctx *r, const struct ike_sa *sa)
{
	char buf[768], here[256];
	const char *v = nat_verdict(sa);
	size_t n;

	here[0] = 0;
	if (sa->nat_here)
		nat_here_text(sa, here, sizeof(here));
	n = (size_t)snprintf(buf, sizeof(buf), "%s%s%s", here, here[0] ? "; " : "",
			     v ? v : "no NAT-D payloads seen");

	if (n >= sizeof(buf))
		n = sizeof(buf) - 1;
	if (sa->tcp)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "; IKE over TCP (RFC 8229)");
	else if (sa->moved_to_4500)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "; moved to UDP 4500");
	if (sa->port_changed && n < sizeof(buf))
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "; endpoints changed (MOBIKE or NAT rebinding)");
	if ((sa->moved_to_4500 || sa->keepalives) && n < sizeof(buf))
		snprintf(buf + n, sizeof(buf) - n, "; NAT-T keepalives: %" PRIu32, sa->keepalives);
	kv(r, "NAT", buf);
}

static void sa_vendors(const struct rctx *r, const struct ike_sa *sa)
{
	char buf[512];
	size_t n = 0, max = vendor_id_count();

	buf[0] = 0;
	for (size_t i = 0; i < 128 && i < max && n < sizeof(buf); i++)
		if (sa->vendors[i / 64] & (1ULL << (i % 64)))
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s", n ? ", " : "",
					      vendor_id_name((int)i));
	if (n)
		kv(r, "vendor IDs", buf);
}

static void sa_details(const struct rctx *r, const struct ike_sa *sa)
{
	char buf[384], a[64], b[64], t1[32], t2[32];

	kv(r, "initiator", endpoint_format(&sa->init_ip, sa->init_port, a, sizeof(a)));
	kv(r, "responder", endpoint_format(&sa->resp_ip, sa->resp_port, b, sizeof(b)));
	if (sa->roles_guessed)
		kv(r, "roles", "guessed: the negotiation's first message was not captured, and IKEv1 "
			       "does not say who initiated; a peer behind a NAT, or else the first to "
			       "send, is taken as the initiator");
	if (sa->reply_moved) {
		snprintf(buf, sizeof(buf), "%s, to requests sent to %s", addr_format(&sa->reply_src, a, sizeof(a)),
			 addr_format(&sa->reply_asked, b, sizeof(b)));
		kv(r, "answers from", buf);
	}
	spi_hex(sa->ispi, a);
	spi_hex(sa->rspi, b);
	snprintf(buf, sizeof(buf), "%s_i %s_r", a, b);
	kv(r, sa->version == 1 ? "cookies" : "SPIs", buf);
	if (sa->version == 1 && sa->v1_mode)
		kv(r, "mode", sa->v1_mode == 4 ? "aggressive" : "main");
	snprintf(buf, sizeof(buf), "%s, frames %" PRIu64 "-%" PRIu64 " (%s to %s)",
		 cap_pos_text(sa->cap_pos), sa->first_frame, sa->last_frame,
		 rel_time(r, sa->first_ns, t1, sizeof(t1)), rel_time(r, sa->last_ns, t2, sizeof(t2)));
	kv(r, "captured", buf);
	sa_algorithms(r, sa);
	if (sa->invalid_ke_group) {
		char g1[32], g2[32];

		/* After a retry ke_group is the retried group: name the first one
		 * only when there was none. */
		if (sa->invalid_ke_retried)
			snprintf(buf, sizeof(buf),
				 "the responder asked for %s (INVALID_KE_PAYLOAD); the initiator "
				 "retried with it",
				 ke_group_text(sa->invalid_ke_group, g2, sizeof(g2)));
		else if (!sa->ke_group)
			snprintf(buf, sizeof(buf),
				 "the responder asked for %s (INVALID_KE_PAYLOAD); the initiator's "
				 "request was not captured",
				 ke_group_text(sa->invalid_ke_group, g2, sizeof(g2)));
		else
			snprintf(buf, sizeof(buf),
				 "the initiator sent %s, the responder asked for %s "
				 "(INVALID_KE_PAYLOAD); no retry with it was seen",
				 ke_group_text(sa->ke_group, g1, sizeof(g1)),
				 ke_group_text(sa->invalid_ke_group, g2, sizeof(g2)));
		kv(r, "KE group", buf);
	}
	sa_nat(r, sa);
	if (sa->version == 2)
		kv(r, "fragmentation",
		   sa->frag_init && sa->frag_resp ? "IKEv2 fragmentation supported by both"
		   : sa->frag_init		  ? "offered by the initiator only"
		   : sa->frag_resp		  ? "offered by the responder only"
						  : "not negotiated");
	sa_vendors(r, sa);
	snprintf(buf, sizeof(buf),
		 "%" PRIu32 " from the initiator, %" PRIu32 " from the responder, %" PRIu32
		 " retransmitted; %u exchange%s",
		 sa->msgs_from_init, sa->msgs_from_resp, sa->retransmits, (unsigned)sa->exch_total,
		 sa->exch_total == 1 ? "" : "s");
	kv(r, "messages", buf);
}

static void flow_print(const struct rctx *r, const struct esp_flow *f, const char *lead)
{
	char a[64], b[64], t1[32], t2[32], sizes[40], buf[384];
	unsigned permille = engine_flow_loss_permille(f);
	size_t n;

	fprintf(r->f, "  %s %s > %s  spi 0x%08" PRIx32 "  %s\n", lead,
		endpoint_format(&f->src, f->sport, a, sizeof(a)),
		endpoint_format(&f->dst, f->dport, b, sizeof(b)), f->spi, transport_label(f->transport));
	if (f->size_min == f->size_max)
		snprintf(sizes, sizeof(sizes), "size %" PRIu32 " B", f->size_min);
	else
		snprintf(sizes, sizeof(sizes), "sizes %" PRIu32 "-%" PRIu32 " B", f->size_min, f->size_max);
	n = (size_t)snprintf(buf, sizeof(buf),
			     "%" PRIu64 " packets, %" PRIu64 " bytes, %s, %s to %s; lost %" PRIu64
			     " (%u.%u%%), reordered %" PRIu64 ", duplicates %" PRIu64
			     ", outside a 64/1024 window %" PRIu64 "/%" PRIu64,
			     f->packets, f->bytes, sizes,
			     rel_time(r, f->first_ns, t1, sizeof(t1)), rel_time(r, f->last_ns, t2, sizeof(t2)),
			     f->lost, permille / 10, permille % 10, f->reordered, f->duplicates, f->late64,
			     f->late1024);
	if (f->restarts && n < sizeof(buf))
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, ", sequence restarts %" PRIu32, f->restarts);
	if (f->esn_rollovers && n < sizeof(buf))
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, ", ESN rollovers %" PRIu32, f->esn_rollovers);
	if (f->stale && n < sizeof(buf))
		n += (size_t)snprintf(buf + n, sizeof(buf) - n,
				      "; stale since %s: %" PRIu64 " packets after the SA ended",
				      rel_time(r, f->stale_since_ns, t1, sizeof(t1)), f->stale_packets);
	if (f->sa_heuristic && engine_flow_sa(r->e, f) && n < sizeof(buf))
		snprintf(buf + n, sizeof(buf) - n, "; tied to the IKE SA by its addresses (likely)");
	fputs("         ", r->f);
	wrap_text(r->f, 9, 9, buf);
}

/* Prints flows [lo, hi) of the index, each followed by its other direction
 * when that comes later in the same range, numbered as child SAs. */
static void flows_print(const struct rctx *r, const struct rindex *ix, size_t lo, size_t hi)
{
	const struct engine *e = r->e;
	uint8_t *shown = calloc(hi - lo + 1, 1);
	unsigned child = 0;

	if (!shown)
		return;
	for (size_t i = lo; i < hi; i++) {
		const struct esp_flow *f = engine_flow(e, ix->flows[i].slot);
		size_t j = engine_flow_reverse(e, f) ? ix->flow_pos[f->reverse] : 0;
		char lead[16];

		if (shown[i - lo])
			continue;
		shown[i - lo] = 1;
		snprintf(lead, sizeof(lead), "%2u.", ++child);
		flow_print(r, f, lead);
		/* j is the reverse flow's index + 1, 0 when it has none. */
		if (j-- > i + 1 && j < hi && !shown[j - lo]) {
			shown[j - lo] = 1;
			flow_print(r, engine_flow(e, ix->flows[j].slot), "   ");
		}
	}
	free(shown);
}

static void evidence_print(const struct rctx *r, const struct diagnosis *d)
{
	char buf[DIAG_MAX_EVIDENCE * 40 + 16], tb[32];
	size_t n = (size_t)snprintf(buf, sizeof(buf), "evidence: frame%s", d->nevidence > 1 ? "s" : "");

	for (unsigned i = 0; i < d->nevidence && i < DIAG_MAX_EVIDENCE && n < sizeof(buf); i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s %" PRIu64 " (%s)", i ? "," : "",
				      d->frames[i], rel_time(r, d->ns[i], tb, sizeof(tb)));
	fputs("           ", r->f);
	wrap_text(r->f, 11, 11, buf);
}

static void diag_print(const struct rctx *r, const struct diagnosis *d, bool with_peers)
{
	enum rcolor c = severity_color(d->resolved ? SEV_INFO : d->severity);
	char a[64], b[64], buf[DIAG_TEXT + 16], tb[32];

	fputs("  ", r->f);
	rc_on(r, c);
	fprintf(r->f, "%-7s", diag_severity_name(d->severity));
	rc_off(r, c);
	fprintf(r->f, "  %s (%s)%s\n", diag_code_name(d->code), diag_confidence_name(d->confidence),
		d->resolved ? ", resolved" : "");
	if (with_peers && (d->has_sa || d->has_spi || d->a.family)) {
		if (d->has_spi)
			snprintf(buf, sizeof(buf), "flow: %s > %s spi 0x%08" PRIx32,
				 endpoint_format(&d->a, d->a_port, a, sizeof(a)),
				 endpoint_format(&d->b, d->b_port, b, sizeof(b)), d->spi);
		else
			snprintf(buf, sizeof(buf), "peers: %s <-> %s",
				 endpoint_format(&d->a, d->a_port, a, sizeof(a)),
				 endpoint_format(&d->b, d->b_port, b, sizeof(b)));
		fputs("           ", r->f);
		wrap_text(r->f, 11, 11, buf);
	}
	fputs("           ", r->f);
	wrap_text(r->f, 11, 11, d->message);
	if (d->nevidence)
		evidence_print(r, d);
	if (d->resolved) {
		snprintf(buf, sizeof(buf), "resolved: %s, frame %" PRIu64 " (%s)", diag_resolved_why(d),
			 d->resolved_frame, rel_time(r, d->resolved_ns, tb, sizeof(tb)));
		fputs("           ", r->f);
		wrap_text(r->f, 11, 11, buf);
	}
	if (d->hint[0]) {
		snprintf(buf, sizeof(buf), "hint: %s", d->hint);
		fputs("           ", r->f);
		wrap_text(r->f, 11, 17, buf);
	}
}

static void tunnel_print(const struct rctx *r, const struct rindex *ix, uint32_t rank,
			 size_t *flow_pos, size_t *diag_pos)
{
	const struct ike_sa *sa = engine_sa(r->e, ix->sas[rank].slot);
	char title[160], a[64], b[64];
	size_t flo, fhi, dlo, dhi;

	snprintf(title, sizeof(title), "Tunnel %u: IKEv%u %s <-> %s, %s", (unsigned)rank + 1,
		 (unsigned)sa->version, addr_format(&sa->init_ip, a, sizeof(a)),
		 addr_format(&sa->resp_ip, b, sizeof(b)), sa_state_name(sa->state));
	heading(r, title);
	sa_details(r, sa);

	flo = *flow_pos;
	rank_range_flows(ix, rank, &flo, &fhi);
	*flow_pos = fhi;
	fprintf(r->f, "\n  Child SAs (ESP):%s\n", fhi > flo ? "" : " none seen");
	flows_print(r, ix, flo, fhi);

	fprintf(r->f, "\n  Exchanges:%s\n", sa->nexch ? "" : " none kept");
	ladder_print(r, sa);

	dlo = *diag_pos;
	rank_range_diags(ix, rank, &dlo, &dhi);
	*diag_pos = dhi;
	fprintf(r->f, "\n  Diagnoses:%s\n", dhi > dlo ? "" : " none");
	for (size_t i = dlo; i < dhi; i++)
		diag_print(r, engine_diag(r->e, ix->diags[i].idx), false);
	putc('\n', r->f);
}

static void summary_print(const struct rctx *r, const struct rindex *ix, uint64_t frames)
{
	const struct engine_stats *st = engine_stats(r->e);
	int worst = engine_worst_severity(r->e);
	char buf[512], t1[32], resolved_txt[48];
	uint64_t resolved;
	enum rcolor c;

	heading(r, "Summary");
	if (frames) {
		snprintf(buf, sizeof(buf), "%" PRIu64, frames);
		kv(r, "frames", buf);
	}
	snprintf(buf, sizeof(buf),
		 "IKE %" PRIu64 " (v1 %" PRIu64 ", v2 %" PRIu64 "), ESP %" PRIu64 ", AH %" PRIu64
		 ", NAT-T keepalives %" PRIu64 ", ICMP errors %" PRIu64
		 ", incomplete IP datagrams %" PRIu64 ", TCP events %" PRIu64 ", undecodable %" PRIu64,
		 st->units[UNIT_IKE], st->ike_v1, st->ike_v2, st->units[UNIT_ESP], st->units[UNIT_AH],
		 st->units[UNIT_KEEPALIVE], st->units[UNIT_ICMP_ERROR], st->units[UNIT_FRAG_EXPIRED],
		 st->units[UNIT_TCP_EVENT], st->units[UNIT_DECODE_ERROR]);
	if (st->iface_copies) {
		size_t n = strlen(buf);

		snprintf(buf + n, sizeof(buf) - n,
			 "; copies on another interface %" PRIu64 ", not analysed", st->iface_copies);
	}
	kv(r, "units", buf);
	snprintf(buf, sizeof(buf),
		 "IKE SAs %zu (%" PRIu64 " seen, %" PRIu64 " evicted), ESP flows %zu (%" PRIu64
		 " seen, %" PRIu64 " evicted), exchanges %" PRIu64 ", retransmissions %" PRIu64,
		 ix->nsas, st->sas, st->sas_evicted, ix->nflows, st->flows, st->flows_evicted,
		 st->exchanges, st->retransmits);
	kv(r, "state", buf);
	resolved = st->diagnoses_resolved[SEV_INFO] + st->diagnoses_resolved[SEV_WARNING] +
		   st->diagnoses_resolved[SEV_ERROR];
	snprintf(resolved_txt, sizeof(resolved_txt), ", %" PRIu64 " of them resolved", resolved);
	snprintf(buf, sizeof(buf), "errors %" PRIu64 ", warnings %" PRIu64 ", info %" PRIu64 "%s%s",
		 st->diagnoses[SEV_ERROR], st->diagnoses[SEV_WARNING], st->diagnoses[SEV_INFO],
		 resolved ? resolved_txt : "",
		 st->diagnoses_dropped ? " (some not kept for this report)" : "");
	kv(r, "diagnoses", buf);
	if (st->first_ns) {
		int64_t d = st->last_ns - st->first_ns;

		snprintf(buf, sizeof(buf), "%" PRId64 ".%03" PRId64 "s (last packet at %s)",
			 d / 1000000000, (d / 1000000) % 1000, rel_time(r, st->last_ns, t1, sizeof(t1)));
		kv(r, "duration", buf);
	}
	c = worst < 0 ? RC_GREEN : severity_color((unsigned)worst);
	fprintf(r->f, "  %-*s", KEY_COL - 2, "verdict");
	rc_on(r, c);
	fputs(worst < 0 ? "no problems found"
	      : worst == SEV_INFO ? "no problems found (information only)"
	      : worst == SEV_WARNING ? "warnings" : "errors",
	      r->f);
	rc_off(r, c);
	putc('\n', r->f);
}

void report_print(FILE *f, const struct engine *e, const struct report_opts *o)
{
	struct rctx r = { f, e, o->color, engine_stats(e)->first_ns };
	struct rindex ix;
	size_t fpos = 0, dpos = 0, flo, fhi, dlo, dhi;

	if (rindex_build(&ix, e)) {
		rindex_free(&ix);
		fputs("ikescope: out of memory for the report\n", f);
		return;
	}
	for (uint32_t i = 0; i < ix.nsas; i++)
		tunnel_print(&r, &ix, i, &fpos, &dpos);

	flo = fpos;
	rank_range_flows(&ix, NO_RANK, &flo, &fhi);
	if (fhi > flo) {
		heading(&r, "ESP flows without a known IKE SA");
		flows_print(&r, &ix, flo, fhi);
		putc('\n', f);
	}
	dlo = dpos;
	rank_range_diags(&ix, NO_RANK, &dlo, &dhi);
	if (dhi > dlo) {
		heading(&r, "Diagnoses without a known IKE SA");
		for (size_t i = dlo; i < dhi; i++)
			diag_print(&r, engine_diag(e, ix.diags[i].idx), true);
		putc('\n', f);
	}
	summary_print(&r, &ix, o->frames);
	rindex_free(&ix);
}
