/* packet_line.c - one text line per dissected unit, in the spirit of tcpdump
 * and of strongSwan's "[ SA KE No N(NATD_S_IP) ]" message summaries. */
#include "packet_view.h"

#include <inttypes.h>

#include "names.h"
#include "capture.h"
#include "textout.h"

static void print_spis(FILE *f, const struct ike_msg *m)
{
	fputs(" ", f);
	text_hex(f, m->ispi, 8, 0);
	fputs("_i ", f);
	text_hex(f, m->rspi, 8, 0);
	fputs("_r", f);
}

static void print_payload(FILE *f, const struct ike_msg *m, const struct ike_payload *pl)
{
	const char *name = ike_payload_label(m, pl->type);

	if (name)
		fputs(name, f);
	else
		fprintf(f, "UNKNOWN(%u%s)", pl->type, pl->critical ? ",critical" : "");
	if (pl->type == (m->major == 2 ? IKE2_PLD_N : IKE1_PLD_N)) {
		const char *n = ike_notify_label(m, pl->notify);

		if (n)
			fprintf(f, "(%s)", n);
		else
			fprintf(f, "(%u)", pl->notify);
	} else if (m->major == 2 && pl->type == IKE2_PLD_SKF) {
		fprintf(f, "(%u/%u)", m->frag_num, m->frag_total);
	} else if (m->major == 1 && pl->type == IKE1_PLD_FRAG) {
		fprintf(f, "(%u%s)", m->frag_num, m->frag_last ? ",last" : "");
	}
	if (m->major == 2 && (pl->type == IKE2_PLD_SK || pl->type == IKE2_PLD_SKF) &&
	    pl == &m->pl[m->npl - 1]) {
		const char *inner = ike2_payload_abbrev(m->sk_np);

		/* The first inner payload type is in the clear and tells, e.g.,
		 * an empty INFORMATIONAL (a liveness check) from a notify. */
		if (m->sk_np == IKE_PLD_NONE)
			fputs("{}", f);
		else if (inner)
			fprintf(f, "{%s,..}", inner);
		else
			fprintf(f, "{%u,..}", m->sk_np);
	}
}

static void print_ike(FILE *f, const struct ike_msg *m)
{
	const char *ex;

	if (m->err == IKE_E_SHORT || m->err == IKE_E_VERSION) {
		fprintf(f, " IKE malformed: %s", ike_perr_text(m->err));
		if (m->err == IKE_E_VERSION)
			fprintf(f, " (%u.%u)", m->major, m->minor);
		return;
	}
	ex = ike_exchange_label(m);
	fprintf(f, " IKEv%u", m->major);
	if (ex)
		fprintf(f, " %s", ex);
	else
		fprintf(f, " exchange(%u)", m->exchange);
	if (m->major == 2)
		fprintf(f, " %s %" PRIu32 " %s", (m->flags & IKE2_FLAG_RESPONSE) ? "response" : "request",
			m->msg_id, (m->flags & IKE2_FLAG_INITIATOR) ? "I" : "R");
	else
		fprintf(f, " %" PRIu32 "%s%s", m->msg_id, (m->flags & IKE1_FLAG_COMMIT) ? " commit" : "",
			(m->flags & IKE1_FLAG_AUTH_ONLY) ? " auth-only" : "");
	print_spis(f, m);
	if (m->err == IKE_E_LENGTH_SMALL || (m->err == IKE_E_LENGTH_DATAGRAM && m->err_off == 24)) {
		fprintf(f, " (%" PRIu32 ") malformed: %s", m->length, ike_perr_text(m->err));
		return;
	}
	if (m->encrypted) {
		fputs(" [ encrypted ]", f);
	} else {
		fputs(" [", f);
		for (unsigned i = 0; i < m->npl; i++) {
			putc(' ', f);
			print_payload(f, m, &m->pl[i]);
		}
		fputs(" ]", f);
	}
	fprintf(f, " (%" PRIu32 ")", m->length);
	if (m->err == IKE_E_TRUNCATED)
		fputs(" [truncated]", f);
	else if (m->err != IKE_OK)
		fprintf(f, " malformed: %s at offset %" PRIu32, ike_perr_text(m->err), m->err_off);
}

/* The quoted IKE header as far as the quote goes: which request (or
 * response) the error answered. */
static void print_quoted_ike(FILE *f, const struct icmp_error *ic)
{
	unsigned major = ic->q_ike_version >> 4;
	const char *ex = ike_exchange_label_of(major, ic->q_ike_exch);

	fprintf(f, " IKEv%u", major);
	if (ex)
		fprintf(f, " %s", ex);
	else
		fprintf(f, " exchange(%u)", ic->q_ike_exch);
	if (major == 2)
		fprintf(f, " %s", (ic->q_ike_flags & IKE2_FLAG_RESPONSE) ? "response" : "request");
	fprintf(f, " %" PRIu32, ic->q_ike_msgid);
	if (ic->q_ike_len)
		fprintf(f, " (%" PRIu32 ")", ic->q_ike_len);
}

static void print_icmp(FILE *f, const struct icmp_error *ic)
{
	char src[64], dst[64];

	fprintf(f, " %s %s", ic->v6 ? "ICMPv6" : "ICMP", icmp_kind_label(ic));
	if (ic->mtu)
		fprintf(f, " mtu %" PRIu32, ic->mtu);
	fprintf(f, " quoting %s > %s", endpoint_format(&ic->q_src, ic->q_sport, src, sizeof(src)),
		endpoint_format(&ic->q_dst, ic->q_dport, dst, sizeof(dst)));
	if (ic->q_has_spi)
		fprintf(f, " esp spi 0x%08" PRIx32, ic->q_esp_spi);
	else if (ic->q_has_ike) {
		fputs(" ike ", f);
		text_hex(f, ic->q_ike_ispi, 8, 0);
		fputs("_i", f);
		if (ic->q_has_msgid)
			print_quoted_ike(f, ic);
	} else
		fprintf(f, " proto %u", ic->q_proto);
}

static void print_frag(FILE *f, const struct frag_expired *fr)
{
	fprintf(f, " IP fragments incomplete: id 0x%" PRIx32 " proto %u, %" PRIu32, fr->ident,
		fr->proto, fr->bytes_have);
	if (fr->bytes_total)
		fprintf(f, "/%" PRIu32, fr->bytes_total);
	fprintf(f, " bytes in %u fragment%s, first %s, last %s", fr->frags_have, fr->frags_have == 1 ? "" : "s",
		fr->have_first ? "seen" : "missing", fr->have_last ? "seen" : "missing");
}

static void print_tcp_event(FILE *f, const struct tcp_event *t)
{
	switch (t->kind) {
	case TCPEV_PREFIX: fputs(" TCP IKETCP stream prefix", f); break;
	case TCPEV_GAP: fprintf(f, " TCP stream gap of %" PRIu32 " bytes, framing lost", t->bytes); break;
	case TCPEV_BAD_PREFIX: fputs(" TCP stream without the IKETCP prefix", f); break;
	case TCPEV_OVERFLOW: fprintf(f, " TCP stream buffer full, %" PRIu32 " bytes dropped", t->bytes); break;
	default: fprintf(f, " TCP event %u", t->kind); break;
	}
}

void packet_line_print(FILE *f, const struct ev_packet *p, int verbose)
{
	const struct unit *u = p->u;
	char ts[32], src[64], dst[64];

	fprintf(f, "%" PRIu64 " %s %s > %s %s", u->frame, time_of_day(u->ts_ns, ts, sizeof(ts)),
		endpoint_format(&u->src, u->sport, src, sizeof(src)),
		endpoint_format(&u->dst, u->dport, dst, sizeof(dst)), transport_token(u));
	switch (u->kind) {
	case UNIT_IKE:
		print_ike(f, p->ike);
		break;
	case UNIT_ESP:
		if (p->esp->err == ESP_OK || p->esp->err == ESP_E_ZERO_SPI)
			fprintf(f, " ESP spi 0x%08" PRIx32 " seq %" PRIu32 " (%zu)", p->esp->spi,
				p->esp->seq, u->orig_len);
		if (p->esp->err != ESP_OK)
			fprintf(f, " ESP malformed: %s", esp_perr_text(p->esp->err));
		break;
	case UNIT_AH:
		if (p->ah->err == ESP_OK)
			fprintf(f, " AH spi 0x%08" PRIx32 " seq %" PRIu32 " next %u (%zu)", p->ah->spi,
				p->ah->seq, p->ah->next_header, u->orig_len);
		else
			fprintf(f, " AH malformed: %s", esp_perr_text(p->ah->err));
		break;
	case UNIT_KEEPALIVE:
		fputs(" NAT-keepalive", f);
		break;
	case UNIT_ICMP_ERROR:
		print_icmp(f, &u->u.icmp);
		break;
	case UNIT_FRAG_EXPIRED:
		print_frag(f, &u->u.frag);
		break;
	case UNIT_TCP_EVENT:
		print_tcp_event(f, &u->u.tcp);
		break;
	case UNIT_DECODE_ERROR:
		fprintf(f, " malformed: %s", decode_err_text(u->u.derr));
		break;
	default:
		break;
	}
	if (u->ip_frags)
		fprintf(f, " (reassembled from %u IP fragments)", u->ip_frags);
	if (u->iface_copy)
		fprintf(f, " (copy on interface %" PRIu32 ", not analysed)", u->ifindex);
	if (u->unforwarded)
		fprintf(f, " (in on interface %" PRIu32 ", not forwarded)", u->ifindex);
	putc('\n', f);
	if (verbose && u->kind == UNIT_IKE && p->ike->err != IKE_E_SHORT && p->ike->err != IKE_E_VERSION) {
		if (p->ike->major == 2)
			ike2_tree_print(f, p->ike, 1);
		else
			ike1_tree_print(f, p->ike, 1);
	}
}
