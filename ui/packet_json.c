/* packet_json.c - the NDJSON "packet" event: one object per dissected unit.
 * Field names are a public contract documented in README.md. */
#include "packet_view.h"

#include <inttypes.h>

#include "capture.h"
#include "names.h"
#include "textout.h"

static void json_addr(struct json *j, const char *key, const struct addr *a)
{
	char buf[64];

	json_str(j, key, addr_format(a, buf, sizeof(buf)));
}

static void json_spi32(struct json *j, const char *key, uint32_t spi)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "0x%08" PRIx32, spi);
	json_str(j, key, buf);
}

static void json_name_or_num(struct json *j, const char *key, const char *name, unsigned v)
{
	char buf[16];

	if (!name) {
		snprintf(buf, sizeof(buf), "%u", v);
		name = buf;
	}
	json_str(j, key, name);
}

static void json_payloads(struct json *j, const struct ike_msg *m)
{
	unsigned n_type = m->major == 2 ? IKE2_PLD_N : IKE1_PLD_N;
	unsigned v_type = m->major == 2 ? IKE2_PLD_V : IKE1_PLD_VID;

	json_arr_begin(j, "payloads");
	for (unsigned i = 0; i < m->npl; i++) {
		const struct ike_payload *pl = &m->pl[i];

		json_obj_begin(j, NULL);
		json_u64(j, "type", pl->type);
		json_name_or_num(j, "name", ike_payload_label(m, pl->type), pl->type);
		json_u64(j, "length", pl->len);
		if (pl->critical)
			json_bool(j, "critical", true);
		if (pl->type == n_type) {
			json_u64(j, "notify", pl->notify);
			json_name_or_num(j, "notify_name", ike_notify_full_name(m, pl->notify), pl->notify);
		}
		if (pl->type == v_type && pl->vendor >= 0)
			json_str(j, "vendor", vendor_id_name(pl->vendor));
		if (pl->bad)
			json_bool(j, "malformed", true);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void json_ike(struct json *j, const struct ike_msg *m)
{
	json_obj_begin(j, "ike");
	json_u64(j, "version", m->major);
	json_u64(j, "minor", m->minor);
	if (m->err != IKE_E_SHORT && m->err != IKE_E_VERSION) {
		json_u64(j, "exchange", m->exchange);
		json_name_or_num(j, "exchange_name", ike_exchange_label(m), m->exchange);
		json_u64(j, "flags", m->flags);
		if (m->major == 2) {
			json_bool(j, "initiator", m->flags & IKE2_FLAG_INITIATOR);
			json_bool(j, "response", m->flags & IKE2_FLAG_RESPONSE);
		}
		json_u64(j, "msg_id", m->msg_id);
		json_hex(j, "ispi", m->ispi, 8);
		json_hex(j, "rspi", m->rspi, 8);
		json_u64(j, "length", m->length);
		json_bool(j, "encrypted", m->encrypted);
		json_payloads(j, m);
		if (m->npl && m->major == 2 &&
		    (m->pl[m->npl - 1].type == IKE2_PLD_SK || m->pl[m->npl - 1].type == IKE2_PLD_SKF))
			json_u64(j, "sk_next", m->sk_np);
		if (m->frag_num) {
			json_obj_begin(j, "fragment");
			json_u64(j, "number", m->frag_num);
			if (m->major == 2)
				json_u64(j, "total", m->frag_total);
			else
				json_bool(j, "last", m->frag_last);
			json_obj_end(j);
		}
	}
	if (m->err != IKE_OK) {
		json_str(j, "error", ike_perr_token(m->err));
		json_u64(j, "error_offset", m->err_off);
	}
	json_obj_end(j);
}

static void json_icmp(struct json *j, const struct icmp_error *ic)
{
	json_obj_begin(j, "icmp");
	json_u64(j, "type", ic->type);
	json_u64(j, "code", ic->code);
	json_str(j, "kind", icmp_kind_label(ic));
	if (ic->mtu)
		json_u64(j, "mtu", ic->mtu);
	json_addr(j, "quoted_src", &ic->q_src);
	json_addr(j, "quoted_dst", &ic->q_dst);
	json_u64(j, "quoted_proto", ic->q_proto);
	if (ic->q_sport || ic->q_dport) {
		json_u64(j, "quoted_sport", ic->q_sport);
		json_u64(j, "quoted_dport", ic->q_dport);
	}
	if (ic->q_has_spi)
		json_spi32(j, "quoted_esp_spi", ic->q_esp_spi);
	if (ic->q_has_ike)
		json_hex(j, "quoted_ike_ispi", ic->q_ike_ispi, 8);
	if (ic->q_has_ike && ic->q_has_msgid) {
		json_u64(j, "quoted_ike_version", ic->q_ike_version >> 4);
		json_u64(j, "quoted_ike_exchange", ic->q_ike_exch);
		json_name_or_num(j, "quoted_ike_exchange_name",
				 ike_exchange_label_of(ic->q_ike_version >> 4, ic->q_ike_exch), ic->q_ike_exch);
		json_u64(j, "quoted_ike_flags", ic->q_ike_flags);
		json_u64(j, "quoted_ike_msg_id", ic->q_ike_msgid);
		if (ic->q_ike_len)
			json_u64(j, "quoted_ike_length", ic->q_ike_len);
	}
	json_obj_end(j);
}

static void json_frag(struct json *j, const struct frag_expired *fr)
{
	json_obj_begin(j, "ip_fragments");
	json_u64(j, "id", fr->ident);
	json_u64(j, "proto", fr->proto);
	json_u64(j, "bytes_have", fr->bytes_have);
	if (fr->bytes_total)
		json_u64(j, "bytes_total", fr->bytes_total);
	json_u64(j, "fragments", fr->frags_have);
	json_bool(j, "first_seen", fr->have_first);
	json_bool(j, "last_seen", fr->have_last);
	json_obj_end(j);
}

static const char *unit_proto_token(const struct unit *u)
{
	switch (u->kind) {
	case UNIT_IKE: return "ike";
	case UNIT_ESP: return "esp";
	case UNIT_AH: return "ah";
	case UNIT_KEEPALIVE: return "nat_keepalive";
	case UNIT_ICMP_ERROR: return "icmp_error";
	case UNIT_FRAG_EXPIRED: return "ip_fragments_incomplete";
	case UNIT_TCP_EVENT: return "tcp_event";
	default: return "malformed";
	}
}

static const char *tcp_event_token(unsigned kind)
{
	switch (kind) {
	case TCPEV_PREFIX: return "iketcp_prefix";
	case TCPEV_GAP: return "gap";
	case TCPEV_BAD_PREFIX: return "no_prefix";
	case TCPEV_OVERFLOW: return "overflow";
	default: return "unknown";
	}
}

void packet_json_print(struct json *j, const struct ev_packet *p)
{
	const struct unit *u = p->u;
	char ts[40];

	json_obj_begin(j, NULL);
	json_str(j, "event", "packet");
	json_u64(j, "frame", u->frame);
	json_str(j, "time", time_iso(u->ts_ns, ts, sizeof(ts)));
	json_i64(j, "ts_us", u->ts_ns / 1000);
	json_addr(j, "src", &u->src);
	json_addr(j, "dst", &u->dst);
	if (u->sport || u->dport) {
		json_u64(j, "sport", u->sport);
		json_u64(j, "dport", u->dport);
	}
	json_str(j, "transport", transport_token(u));
	json_str(j, "proto", unit_proto_token(u));
	json_u64(j, "ttl", u->ttl);
	if (u->ifindex)
		json_u64(j, "ifindex", u->ifindex);
	if (u->iface_copy)
		json_bool(j, "iface_copy", true);
	if (u->unforwarded)
		json_bool(j, "unforwarded", true);
	if (u->ip_frags)
		json_u64(j, "ip_fragments", u->ip_frags);
	json_u64(j, "length", u->orig_len);
	if (u->len < u->orig_len)
		json_u64(j, "captured", u->len);
	switch (u->kind) {
	case UNIT_IKE:
		json_ike(j, p->ike);
		break;
	case UNIT_ESP:
		json_obj_begin(j, "esp");
		json_spi32(j, "spi", p->esp->spi);
		json_u64(j, "seq", p->esp->seq);
		json_u64(j, "payload_length", p->esp->payload_len);
		if (p->esp->err != ESP_OK)
			json_str(j, "error", esp_perr_text(p->esp->err));
		json_obj_end(j);
		break;
	case UNIT_AH:
		json_obj_begin(j, "ah");
		json_spi32(j, "spi", p->ah->spi);
		json_u64(j, "seq", p->ah->seq);
		json_u64(j, "next_header", p->ah->next_header);
		if (p->ah->err != ESP_OK)
			json_str(j, "error", esp_perr_text(p->ah->err));
		json_obj_end(j);
		break;
	case UNIT_ICMP_ERROR:
		json_icmp(j, &u->u.icmp);
		break;
	case UNIT_FRAG_EXPIRED:
		json_frag(j, &u->u.frag);
		break;
	case UNIT_TCP_EVENT:
		json_str(j, "tcp_event", tcp_event_token(u->u.tcp.kind));
		if (u->u.tcp.bytes)
			json_u64(j, "tcp_event_bytes", u->u.tcp.bytes);
		break;
	case UNIT_DECODE_ERROR:
		json_str(j, "error", decode_err_token(u->u.derr));
		break;
	default:
		break;
	}
	json_obj_end(j);
	json_end_line(j);
}
