/* events_json_esp.c - the NDJSON "esp" (RFC 4303 flows and their sequence
 * analysis), "diagnosis" and "summary" events. Field names are a public
 * contract documented in README.md. */
#include "events_json_int.h"

#include <inttypes.h>

static const char *esp_reason_name(unsigned r)
{
	return r == 2 ? "evicted" : "final";
}

static void esp_rates(struct json *j, const struct esp_flow *f)
{
	int64_t dur = f->last_ns - f->first_ns;

	json_i64(j, "duration_ms", dur > 0 ? dur / 1000000 : 0);
	/* A rate over less than a millisecond says nothing: leave it out. */
	if (dur < 1000000)
		return;
	json_u64(j, "rate_pps", (uint64_t)((double)f->packets * 1e9 / (double)dur));
	json_u64(j, "rate_bps", (uint64_t)((double)f->bytes * 8e9 / (double)dur));
}

static void esp_sequence(struct json *j, const struct esp_flow *f)
{
	json_u64(j, "seq_highest", f->seq_top);
	json_u64(j, "lost", f->lost);
	json_u64(j, "loss_permille", engine_flow_loss_permille(f));
	json_u64(j, "reordered", f->reordered);
	json_u64(j, "duplicates", f->duplicates);
	json_u64(j, "late64", f->late64);
	json_u64(j, "late1024", f->late1024);
	json_u64(j, "restarts", f->restarts);
	json_u64(j, "esn_rollovers", f->esn_rollovers);
	json_bool(j, "stale", f->stale);
	if (f->stale) {
		ej_time(j, "stale_since", f->stale_since_ns);
		json_u64(j, "stale_packets", f->stale_packets);
	}
}

static void esp_links(struct json *j, const struct engine *e, const struct esp_flow *f)
{
	const struct esp_flow *rev = engine_flow_reverse(e, f);
	const struct ike_sa *sa = engine_flow_sa(e, f);

	if (rev)
		ej_spi32(j, "reverse_spi", rev->spi);
	if (sa) {
		json_u64(j, "sa_version", sa->version);
		json_hex(j, "sa_ispi", sa->ispi, 8);
		json_hex(j, "sa_rspi", sa->rspi, 8);
		json_bool(j, "sa_heuristic", f->sa_heuristic);
	}
}

void ej_esp_print(struct json *j, const struct engine *e, const struct esp_flow *f, unsigned reason)
{
	json_obj_begin(j, NULL);
	json_str(j, "event", "esp");
	json_str(j, "reason", esp_reason_name(reason));
	ej_time(j, "time", f->last_ns);
	ej_spi32(j, "spi", f->spi);
	ej_endpoint(j, "src", &f->src, f->sport);
	ej_endpoint(j, "dst", &f->dst, f->dport);
	json_str(j, "transport", transport_label(f->transport));
	json_u64(j, "packets", f->packets);
	json_u64(j, "bytes", f->bytes);
	json_u64(j, "first_frame", f->first_frame);
	json_u64(j, "last_frame", f->last_frame);
	ej_time(j, "first_seen", f->first_ns);
	ej_time(j, "last_seen", f->last_ns);
	esp_rates(j, f);
	json_u64(j, "size_min", f->size_min);
	json_u64(j, "size_max", f->size_max);
	json_arr_begin(j, "size_histogram");
	for (unsigned i = 0; i < ESP_SIZE_BUCKETS; i++)
		json_u64(j, NULL, f->size_hist[i]);
	json_arr_end(j);
	esp_sequence(j, f);
	esp_links(j, e, f);
	json_obj_end(j);
	json_end_line(j);
}

void ej_diagnosis_print(struct json *j, const struct diagnosis *d)
{
	json_obj_begin(j, NULL);
	json_str(j, "event", "diagnosis");
	ej_time(j, "time", d->when_ns);
	json_str(j, "code", diag_code_name(d->code));
	json_str(j, "severity", diag_severity_name(d->severity));
	json_str(j, "confidence", diag_confidence_name(d->confidence));
	if (d->resolved) {
		json_bool(j, "resolved", true);
		json_u64(j, "resolved_frame", d->resolved_frame);
		ej_time(j, "resolved_time", d->resolved_ns);
	}
	json_str(j, "message", d->message);
	if (d->hint[0])
		json_str(j, "hint", d->hint);
	if (d->has_sa) {
		json_u64(j, "version", d->version);
		json_hex(j, "ispi", d->ispi, 8);
		json_hex(j, "rspi", d->rspi, 8);
	}
	if (d->has_spi)
		ej_spi32(j, "spi", d->spi);
	if (d->a.family || d->b.family) {
		json_arr_begin(j, "peers");
		ej_endpoint(j, NULL, &d->a, d->a_port);
		ej_endpoint(j, NULL, &d->b, d->b_port);
		json_arr_end(j);
	}
	json_arr_begin(j, "evidence");
	for (unsigned i = 0; i < d->nevidence && i < DIAG_MAX_EVIDENCE; i++) {
		json_obj_begin(j, NULL);
		json_u64(j, "frame", d->frames[i]);
		ej_time(j, "time", d->ns[i]);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
	json_end_line(j);
}

static void summary_units(struct json *j, const struct engine_stats *st)
{
	json_obj_begin(j, "units");
	json_u64(j, "ike", st->units[UNIT_IKE]);
	json_u64(j, "esp", st->units[UNIT_ESP]);
	json_u64(j, "ah", st->units[UNIT_AH]);
	json_u64(j, "nat_keepalive", st->units[UNIT_KEEPALIVE]);
	json_u64(j, "icmp_error", st->units[UNIT_ICMP_ERROR]);
	json_u64(j, "ip_fragments_incomplete", st->units[UNIT_FRAG_EXPIRED]);
	json_u64(j, "tcp_event", st->units[UNIT_TCP_EVENT]);
	json_u64(j, "malformed", st->units[UNIT_DECODE_ERROR]);
	if (st->iface_copies)
		json_u64(j, "iface_copies", st->iface_copies);
	json_obj_end(j);
}

void ej_summary_print(struct json *j, const struct engine *e, const struct engine_stats *st,
		      uint64_t frames)
{
	int worst = engine_worst_severity(e);
	uint64_t ike_errors = 0;

	for (unsigned i = 1; i < 32; i++)
		ike_errors += st->ike_errors[i];
	json_obj_begin(j, NULL);
	json_str(j, "event", "summary");
	if (st->first_ns) {
		ej_time(j, "time", st->last_ns);
		ej_time(j, "first_seen", st->first_ns);
		ej_time(j, "last_seen", st->last_ns);
		json_i64(j, "duration_ms", (st->last_ns - st->first_ns) / 1000000);
	}
	if (frames)
		json_u64(j, "frames", frames);
	summary_units(j, st);
	json_u64(j, "ike_v1", st->ike_v1);
	json_u64(j, "ike_v2", st->ike_v2);
	json_u64(j, "ike_malformed", ike_errors);
	json_u64(j, "esp_malformed", st->esp_errors);
	json_u64(j, "ah_malformed", st->ah_errors);
	json_u64(j, "sas", st->sas);
	json_u64(j, "sas_evicted", st->sas_evicted);
	json_u64(j, "flows", st->flows);
	json_u64(j, "flows_evicted", st->flows_evicted);
	json_u64(j, "exchanges", st->exchanges);
	json_u64(j, "retransmissions", st->retransmits);
	json_obj_begin(j, "diagnoses");
	json_u64(j, "info", st->diagnoses[SEV_INFO]);
	json_u64(j, "warning", st->diagnoses[SEV_WARNING]);
	json_u64(j, "error", st->diagnoses[SEV_ERROR]);
	json_u64(j, "dropped", st->diagnoses_dropped);
	json_u64(j, "resolved", st->diagnoses_resolved[SEV_INFO] + st->diagnoses_resolved[SEV_WARNING] +
					st->diagnoses_resolved[SEV_ERROR]);
	json_obj_end(j);
	json_str(j, "worst_severity", worst < 0 ? "none" : diag_severity_name((unsigned)worst));
	json_obj_end(j);
	json_end_line(j);
}
