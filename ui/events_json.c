/* events_json.c - the NDJSON "exchange" and "sa" events (IKE SAs and their
 * RFC 7296 §1.2 / RFC 2409 exchanges), and the dispatch of engine events to
 * their writers. Field names are a public contract documented in README.md. */
#include "events_json_int.h"

#include <inttypes.h>

#include "names.h"
#include "packet_view.h"
#include "textout.h"

void ej_time(struct json *j, const char *key, int64_t ns)
{
	char buf[40];

	json_str(j, key, time_iso(ns, buf, sizeof(buf)));
}

void ej_endpoint(struct json *j, const char *key, const struct addr *a, uint16_t port)
{
	char buf[64];

	json_obj_begin(j, key);
	json_str(j, "ip", addr_format(a, buf, sizeof(buf)));
	if (port)
		json_u64(j, "port", port);
	json_obj_end(j);
}

void ej_spi32(struct json *j, const char *key, uint32_t spi)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "0x%08" PRIx32, spi);
	json_str(j, key, buf);
}

static void ej_sa_ids(struct json *j, const struct ike_sa *sa)
{
	json_u64(j, "version", sa->version);
	json_hex(j, "ispi", sa->ispi, 8);
	json_hex(j, "rspi", sa->rspi, 8);
}

static int64_t exch_rtt_ns(const struct exch *x)
{
	/* The response answers the latest copy sent before it. */
	int64_t sent = x->req_ns_last && x->req_ns_last <= x->resp_ns ? x->req_ns_last : x->req_ns;

	return x->resp_ns - sent;
}

static void exchange_print(struct json *j, const struct ike_sa *sa, const struct exch *x)
{
	char b1[16], b2[16];

	json_obj_begin(j, NULL);
	json_str(j, "event", "exchange");
	ej_time(j, "time", x->req_frame ? x->req_ns : x->resp_ns);
	ej_sa_ids(j, sa);
	json_u64(j, "exchange", x->type);
	json_str(j, "exchange_name", exch_type_label(sa->version, x->type, b1, sizeof(b1)));
	json_u64(j, "msg_id", x->msg_id);
	if (sa->version == 1 && x->step)
		json_u64(j, "step", x->step);
	json_str(j, "by", x->by_initiator ? "initiator" : "responder");
	json_str(j, "outcome", exch_outcome_name(x->outcome));
	if (x->req_frame) {
		json_u64(j, "request_frame", x->req_frame);
		ej_time(j, "request_time", x->req_ns);
		json_u64(j, "request_length", x->req_len);
	}
	json_u64(j, "requests", x->nreq);
	json_u64(j, "retransmissions", x->nreq > 1 ? x->nreq - 1u : 0);
	if (x->nreq > 1) {
		json_u64(j, "request_last_frame", x->req_frame_last);
		ej_time(j, "request_last_time", x->req_ns_last);
		json_arr_begin(j, "retransmit_intervals_ms");
		for (unsigned i = 0; i < x->ngaps && i < EXCH_MAX_GAPS; i++)
			json_u64(j, NULL, x->gap_ms[i]);
		json_arr_end(j);
	}
	if (x->req_frags) {
		json_obj_begin(j, "ike_fragments");
		json_u64(j, "seen", engine_exch_frags_seen(x));
		if (x->req_frag_total)
			json_u64(j, "total", x->req_frag_total);
		json_u64(j, "packets", x->req_frags);
		json_obj_end(j);
	}
	if (x->req_ip_frags)
		json_u64(j, "request_ip_fragments", x->req_ip_frags);
	if (x->resp_frame) {
		int64_t rtt = exch_rtt_ns(x);

		json_u64(j, "response_frame", x->resp_frame);
		ej_time(j, "response_time", x->resp_ns);
		json_u64(j, "response_length", x->resp_len);
		json_u64(j, "responses", x->nresp);
		if (x->req_frame && rtt >= 0) {
			json_i64(j, "rtt_ms", (rtt + 500000) / 1000000);
			json_i64(j, "rtt_us", rtt / 1000);
		}
	}
	if (x->icmp_frame) {
		json_u64(j, "icmp_frame", x->icmp_frame);
		ej_time(j, "icmp_time", x->icmp_ns);
	}
	if (x->outcome == EXO_REFUSED) {
		json_u64(j, "refusal_frame", x->refuse_frame);
		ej_time(j, "refusal_time", x->refuse_ns);
		json_u64(j, "refusal_length", x->refuse_len);
	}
	if (x->req_sk_np)
		json_u64(j, "request_sk_next", x->req_sk_np);
	if (x->resp_sk_np)
		json_u64(j, "response_sk_next", x->resp_sk_np);
	if (x->resp_notify) {
		json_u64(j, "notify", x->resp_notify);
		json_str(j, "notify_name", notify_label(sa->version, x->resp_notify, b2, sizeof(b2)));
	}
	json_obj_end(j);
	json_end_line(j);
}

static const char *natd_name(unsigned v)
{
	return v == NATD_MATCH ? "match" : v == NATD_MISMATCH ? "mismatch" : "unknown";
}

static void sa_proposals(struct json *j, const struct ike_sa *sa)
{
	char buf[256];

	if (sa->have_offer) {
		json_arr_begin(j, "proposals_offered");
		for (unsigned i = 0; i < sa->offered.n && i < PROPSET_MAX; i++)
			json_str(j, NULL, proposal_text(&sa->offered.p[i], buf, sizeof(buf)));
		json_arr_end(j);
		if (sa->offered.truncated)
			json_bool(j, "proposals_truncated", true);
	}
	if (sa->have_chosen)
		json_str(j, "proposal_chosen", proposal_text(&sa->chosen, buf, sizeof(buf)));
	if (sa->ke_group) {
		json_u64(j, "ke_group", sa->ke_group);
		json_str(j, "ke_group_name", ke_group_text(sa->ke_group, buf, sizeof(buf)));
	}
	if (sa->invalid_ke_group) {
		json_obj_begin(j, "invalid_ke");
		json_u64(j, "group_wanted", sa->invalid_ke_group);
		json_str(j, "group_wanted_name", ke_group_text(sa->invalid_ke_group, buf, sizeof(buf)));
		json_bool(j, "retried", sa->invalid_ke_retried);
		json_obj_end(j);
	}
}

static void sa_nat(struct json *j, const struct ike_sa *sa)
{
	const char *v = nat_verdict(sa);

	json_obj_begin(j, "nat_d");
	json_str(j, "initiator_source", natd_name(sa->natd_init_src));
	json_str(j, "initiator_destination", natd_name(sa->natd_init_dst));
	json_str(j, "responder_source", natd_name(sa->natd_resp_src));
	json_str(j, "responder_destination", natd_name(sa->natd_resp_dst));
	if (sa->natd_init_port_only)
		json_bool(j, "initiator_port_only", true);
	if (sa->natd_resp_port_only)
		json_bool(j, "responder_port_only", true);
	if (v)
		json_str(j, "verdict", v);
	json_obj_end(j);
	json_u64(j, "keepalives", sa->keepalives);
}

static void sa_vendors(struct json *j, const struct ike_sa *sa)
{
	size_t max = vendor_id_count();

	json_arr_begin(j, "vendor_ids");
	for (size_t i = 0; i < 128 && i < max; i++)
		if (sa->vendors[i / 64] & (1ULL << (i % 64)))
			json_str(j, NULL, vendor_id_name((int)i));
	json_arr_end(j);
}

static void sa_notifies(struct json *j, const struct ike_sa *sa)
{
	char b1[16], b2[16];

	json_arr_begin(j, "notifies");
	for (unsigned i = 0; i < sa->nnotify && i < SA_MAX_NOTIFIES; i++) {
		const struct sa_notify *n = &sa->notify[i];

		json_obj_begin(j, NULL);
		json_u64(j, "type", n->type);
		json_str(j, "name", notify_label(sa->version, n->type, b1, sizeof(b1)));
		json_str(j, "by", n->by_initiator ? "initiator" : "responder");
		json_str(j, "exchange_name", exch_type_label(sa->version, n->exch_type, b2, sizeof(b2)));
		json_u64(j, "frame", n->frame);
		ej_time(j, "time", n->ns);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static const char *sa_reason_name(unsigned r)
{
	return r == SAEV_FINAL ? "final" : r == SAEV_EVICTED ? "evicted" : "state";
}

static void sa_print(struct json *j, const struct ike_sa *sa, unsigned reason)
{
	char b1[48], b2[48];

	json_obj_begin(j, NULL);
	json_str(j, "event", "sa");
	json_str(j, "reason", sa_reason_name(reason));
	ej_time(j, "time", sa->last_ns);
	ej_sa_ids(j, sa);
	json_str(j, "state", sa_state_name(sa->state));
	if (sa->version == 1 && sa->v1_mode)
		json_str(j, "mode", sa->v1_mode == 4 ? "aggressive" : "main");
	ej_endpoint(j, "initiator", &sa->init_ip, sa->init_port);
	ej_endpoint(j, "responder", &sa->resp_ip, sa->resp_port);
	if (sa->roles_guessed)
		json_bool(j, "roles_guessed", true);
	json_str(j, "transport", transport_label(sa->transport));
	json_bool(j, "moved_to_4500", sa->moved_to_4500);
	json_bool(j, "port_changed", sa->port_changed);
	json_bool(j, "tcp", sa->tcp);
	json_str(j, "capture_position", capture_pos_name(sa->cap_pos));
	if (sa->forwarded_here)
		json_bool(j, "forwarded_here", true);
	if (sa->nat_here) {
		json_obj_begin(j, "translated_here");
		json_str(j, "peer", sa->nat_here == NAT_HERE_INITIATOR ? "initiator" : "responder");
		ej_endpoint(j, "endpoint", &sa->nat_here_ip[0], sa->nat_here_port[0]);
		json_u64(j, "ifindex", sa->nat_here_if[0]);
		ej_endpoint(j, "as", &sa->nat_here_ip[1], sa->nat_here_port[1]);
		json_u64(j, "as_ifindex", sa->nat_here_if[1]);
		json_obj_end(j);
	}
	if (sa->reply_moved) {
		json_obj_begin(j, "reply_address");
		json_str(j, "from", addr_format(&sa->reply_src, b1, sizeof(b1)));
		json_str(j, "requested", addr_format(&sa->reply_asked, b2, sizeof(b2)));
		json_obj_end(j);
	}
	sa_proposals(j, sa);
	if (sa->version == 2) {
		json_obj_begin(j, "fragmentation");
		json_bool(j, "initiator", sa->frag_init);
		json_bool(j, "responder", sa->frag_resp);
		json_obj_end(j);
	}
	sa_nat(j, sa);
	sa_vendors(j, sa);
	sa_notifies(j, sa);
	json_u64(j, "messages_from_initiator", sa->msgs_from_init);
	json_u64(j, "messages_from_responder", sa->msgs_from_resp);
	json_u64(j, "retransmissions", sa->retransmits);
	json_u64(j, "first_frame", sa->first_frame);
	json_u64(j, "last_frame", sa->last_frame);
	ej_time(j, "first_seen", sa->first_ns);
	ej_time(j, "last_seen", sa->last_ns);
	json_u64(j, "exchanges", sa->exch_total);
	json_u64(j, "child_flows", sa->child_flows);
	json_obj_end(j);
	json_end_line(j);
}

void events_json_print(struct json *j, const struct engine *e, const struct event *ev,
		       uint64_t frames)
{
	switch (ev->type) {
	case EV_EXCHANGE:
		exchange_print(j, ev->u.exch.sa, ev->u.exch.x);
		break;
	case EV_SA:
		sa_print(j, ev->u.sa, ev->reason);
		break;
	case EV_ESP:
		ej_esp_print(j, e, ev->u.flow, ev->reason);
		break;
	case EV_DIAGNOSIS:
		ej_diagnosis_print(j, ev->u.diag);
		break;
	case EV_SUMMARY:
		ej_summary_print(j, e, ev->u.summary, frames);
		break;
	default:
		break;
	}
}
