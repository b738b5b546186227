/* engine.c - dispatches capture units to the dissectors and the correlation,
 * runs the packet-time sweeps, and answers the views' queries. Scratch space
 * for one dissected message lives in the engine, so the per-packet path
 * allocates nothing. */
#include "engine_int.h"

#include "bigmem.h"

#include <openssl/evp.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* How often, in packet time, pending state is checked for timeouts. */
#define SWEEP_INTERVAL_NS 1000000000LL

void engine_config_defaults(struct engine_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->max_sas = 4096;
	cfg->max_flows = 131072;
	cfg->max_diagnoses = 4096;
	cfg->ike_timeout_ms = 30000;
	cfg->esp_loss_permille = 10;
}

static size_t pending_words(const struct engine *e)
{
	return ((size_t)e->cfg.max_sas + 63) / 64;
}

struct engine *engine_new(const struct engine_config *cfg, const struct event_sink *sink)
{
	struct engine *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	if (cfg)
		e->cfg = *cfg;
	else
		engine_config_defaults(&e->cfg);
	if (sink)
		e->sink = *sink;
	e->sas = table_new(e->cfg.max_sas, sizeof(struct sa_key), sizeof(struct ike_sa),
			   ike_sa_evicted, e);
	e->flows = table_new(e->cfg.max_flows, sizeof(struct flow_key), sizeof(struct esp_flow),
			     esp_flow_evicted, e);
	/* Room for a pair of addresses per SA and per flow. Past that, a pair
	 * not looked up lately may go even if a flow between them lives on:
	 * the flow keeps its SA and pairing, and only a later lookup misses. */
	e->peers = table_new(e->cfg.max_sas + e->cfg.max_flows, sizeof(struct peer_key),
			     sizeof(struct peer_entry), NULL, NULL);
	e->diags = calloc(e->cfg.max_diagnoses ? e->cfg.max_diagnoses : 1, sizeof(*e->diags));
	for (unsigned s = 0; s < SEV_ERROR; s++)
		e->kept_at[s] = calloc(e->cfg.max_diagnoses ? e->cfg.max_diagnoses : 1, sizeof(uint32_t));
	e->flow_guess_bits = 10;
	while (e->flow_guess_bits < 30 && (1u << e->flow_guess_bits) < e->cfg.max_flows)
		e->flow_guess_bits++;
	e->flow_guess = bigmem_alloc(((size_t)1 << e->flow_guess_bits) * sizeof(*e->flow_guess));
	e->pending_bits = calloc(pending_words(e), sizeof(uint64_t));
	e->md_ctx = EVP_MD_CTX_new();
	if (!e->sas || !e->flows || !e->peers || !e->diags || !e->pending_bits || !e->kept_at[SEV_INFO] ||
	    !e->kept_at[SEV_WARNING] || !e->flow_guess || !e->md_ctx) {
		engine_free(e);
		return NULL;
	}
	randombytes_buf(e->msg_key, sizeof(e->msg_key));
	return e;
}

void engine_free(struct engine *e)
{
	if (!e)
		return;
	table_free(e->sas);
	table_free(e->flows);
	table_free(e->peers);
	free(e->diags);
	free(e->pending_bits);
	for (unsigned s = 0; s < SEV_ERROR; s++)
		free(e->kept_at[s]);
	bigmem_free(e->flow_guess, ((size_t)1 << e->flow_guess_bits) * sizeof(*e->flow_guess));
	EVP_MD_CTX_free(e->md_ctx);
	free(e);
}

void engine_emit(struct engine *e, const struct event *ev)
{
	if (e->sink.emit)
		e->sink.emit(e->sink.ctx, ev);
}

static void sweep(struct engine *e, bool final)
{
	esp_flow_drain(e);
	ike_sa_sweep(e, e->now_ns, final);
	esp_flow_sweep(e, final);
}

static void advance_time(struct engine *e, int64_t ts)
{
	/* Packet time only moves forward: a capture with a timestamp going
	 * backwards must not re-run or skip timeouts. */
	if (ts <= e->now_ns)
		return;
	e->now_ns = ts;
	if (!e->stats.first_ns)
		e->stats.first_ns = ts;
	e->stats.last_ns = ts;
	if (!e->next_sweep_ns)
		e->next_sweep_ns = ts + SWEEP_INTERVAL_NS;
	if (ts >= e->next_sweep_ns) {
		sweep(e, false);
		e->next_sweep_ns = ts + SWEEP_INTERVAL_NS;
	}
}

static void feed_ike(struct engine *e, struct ev_packet *pkt, const struct unit *u)
{
	int err = ike_parse(u->data, u->len, u->orig_len, &e->ike);

	pkt->ike = &e->ike;
	if (err >= 0 && err < 32)
		e->stats.ike_errors[err]++;
	if (e->ike.major == 1)
		e->stats.ike_v1++;
	else if (e->ike.major == 2)
		e->stats.ike_v2++;
	if (err != IKE_E_SHORT && err != IKE_E_VERSION && err != IKE_E_LENGTH_SMALL)
		ike_sa_update(e, u, &e->ike);
}

/* An IKE message whose IP fragments never all arrived still tells, from its
 * first fragment, which SA and exchange it belonged to: it counts as a
 * request copy that reached this point incomplete. */
static void lost_ike_datagram(struct engine *e, const struct unit *u)
{
	const struct frag_expired *fe = &u->u.frag;
	struct unit v;

	if (!fe->has_ike_hdr)
		return;
	v = *u;
	v.kind = UNIT_IKE;
	v.data = fe->ike_hdr;
	v.len = sizeof(fe->ike_hdr);
	v.orig_len = fe->bytes_total ? fe->bytes_total : fe->bytes_have;
	v.ip_frags = (uint8_t)(fe->frags_have ? fe->frags_have : 1);
	ike_parse(v.data, v.len, 0, &e->ike);
	if (e->ike.err == IKE_E_TRUNCATED || e->ike.err == IKE_OK)
		ike_sa_update(e, &v, &e->ike);
}

/* A copy on a second interface (iface_copies.c) is parsed for the packet
 * views only: the engine's state is the first interface's view. */
static void show_copy(struct engine *e, struct event *ev, const struct unit *u)
{
	struct ev_packet *pkt = &ev->u.pkt;

	pkt->u = u;
	e->stats.iface_copies++;
	if (u->kind == UNIT_IKE && u->iface_copy == COPY_FORWARDED)
		ike_sa_note_copy(e, u);
	if (!e->cfg.emit_packets)
		return;
	if (u->kind == UNIT_IKE) {
		ike_parse(u->data, u->len, u->orig_len, &e->ike);
		pkt->ike = &e->ike;
	} else if (u->kind == UNIT_ESP) {
		esp_parse(u->data, u->len, u->orig_len, &e->esp);
		pkt->esp = &e->esp;
	} else if (u->kind == UNIT_AH) {
		ah_parse(u->data, u->len, &e->ah);
		pkt->ah = &e->ah;
	}
	engine_emit(e, ev);
}

void engine_feed(void *ctx, const struct unit *u)
{
	struct engine *e = ctx;
	struct event ev = { .type = EV_PACKET };
	struct ev_packet *pkt = &ev.u.pkt;

	if (e->finished)
		return;
	/* Whatever else comes sees the flows up to date. */
	if (u->kind != UNIT_ESP && e->esp_nq)
		esp_flow_drain(e);
	advance_time(e, u->ts_ns);
	if (u->iface_copy) {
		show_copy(e, &ev, u);
		return;
	}
	if (u->kind == UNIT_IFACE_COPIES) {
		detect_iface_copies(e, u);
		return;
	}
	if (u->kind <= UNIT_DECODE_ERROR)
		e->stats.units[u->kind]++;
	pkt->u = u;
	switch (u->kind) {
	case UNIT_IKE:
		feed_ike(e, pkt, u);
		break;
	case UNIT_ESP:
		if (esp_parse(u->data, u->len, u->orig_len, &e->esp) != ESP_OK)
			e->stats.esp_errors++;
		else
			esp_flow_enqueue(e, u, &e->esp);
		/* What a packet causes comes before its packet event, as
		 * without the batch. */
		if (e->cfg.emit_packets)
			esp_flow_drain(e);
		pkt->esp = &e->esp;
		break;
	case UNIT_AH:
		if (ah_parse(u->data, u->len, &e->ah) != ESP_OK)
			e->stats.ah_errors++;
		pkt->ah = &e->ah;
		break;
	case UNIT_KEEPALIVE: {
		struct ike_sa *sa = engine_sa_mut(e, ike_sa_find_by_peers(e, &u->src, &u->dst));

		if (sa)
			sa->keepalives++;
		break;
	}
	case UNIT_ICMP_ERROR:
		detect_icmp(e, u);
		break;
	case UNIT_FRAG_EXPIRED:
		detect_frag_expired(e, u);
		lost_ike_datagram(e, u);
		break;
	case UNIT_TCP_EVENT:
		detect_tcp_event(e, u);
		break;
	default:
		break;
	}
	if (e->cfg.emit_packets)
		engine_emit(e, &ev);
}

size_t engine_esp_bytes(const struct engine *e)
{
	(void)e;
	return ESP_HDR_LEN;
}

void engine_note_input_end(struct engine *e, int64_t ts_ns)
{
	e->input_end_ns = ts_ns;
}

void engine_flush(struct engine *e)
{
	if (!e->finished)
		esp_flow_drain(e);
}

void engine_finish(struct engine *e)
{
	struct event ev;
	uint32_t i;

	if (e->finished)
		return;
	sweep(e, true);
	for (i = 0; i < table_slots(e->sas); i++) {
		struct ike_sa *sa = engine_sa_mut(e, i);

		if (sa)
			detect_ike_final(e, sa);
	}
	e->finished = true;
	for (i = 0; i < table_slots(e->sas); i++) {
		const struct ike_sa *sa = engine_sa(e, i);

		if (!sa)
			continue;
		ev = (struct event){ .type = EV_SA, .reason = SAEV_FINAL };
		ev.u.sa = sa;
		engine_emit(e, &ev);
	}
	for (i = 0; i < table_slots(e->flows); i++) {
		const struct esp_flow *f = engine_flow(e, i);

		if (!f)
			continue;
		ev = (struct event){ .type = EV_ESP, .reason = 1 };
		ev.u.flow = f;
		engine_emit(e, &ev);
	}
	ev = (struct event){ .type = EV_SUMMARY };
	ev.u.summary = &e->stats;
	engine_emit(e, &ev);
}

const struct engine_stats *engine_stats(const struct engine *e)
{
	return &e->stats;
}

uint32_t engine_sa_slots(const struct engine *e)
{
	return table_slots(e->sas);
}

const struct ike_sa *engine_sa(const struct engine *e, uint32_t slot)
{
	return table_used(e->sas, slot) ? table_val(e->sas, slot) : NULL;
}

struct ike_sa *engine_sa_mut(struct engine *e, uint32_t slot)
{
	return table_used(e->sas, slot) ? table_val(e->sas, slot) : NULL;
}

uint32_t engine_flow_slots(const struct engine *e)
{
	return table_slots(e->flows);
}

const struct esp_flow *engine_flow(const struct engine *e, uint32_t slot)
{
	return table_used(e->flows, slot) ? table_val(e->flows, slot) : NULL;
}

struct esp_flow *engine_flow_mut(struct engine *e, uint32_t slot)
{
	return table_used(e->flows, slot) ? table_val(e->flows, slot) : NULL;
}

size_t engine_diag_count(const struct engine *e)
{
	return e->ndiags;
}

const struct diagnosis *engine_diag(const struct engine *e, size_t i)
{
	return i < e->ndiags ? &e->diags[i] : NULL;
}

int engine_worst_severity(const struct engine *e)
{
	const struct engine_stats *st = &e->stats;
	bool any_resolved = false;

	for (int s = SEV_ERROR; s >= SEV_INFO; s--) {
		if (st->diagnoses[s] > st->diagnoses_resolved[s])
			return s;
		any_resolved |= st->diagnoses_resolved[s] > 0;
	}
	return any_resolved ? SEV_INFO : -1;
}

size_t engine_memory(const struct engine *e)
{
	return sizeof(*e) + table_memory(e->sas) + table_memory(e->flows) + table_memory(e->peers) +
	       ((size_t)1 << e->flow_guess_bits) * sizeof(*e->flow_guess) +
	       pending_words(e) * sizeof(uint64_t) +
	       (size_t)e->cfg.max_diagnoses * (sizeof(struct diagnosis) + SEV_ERROR * sizeof(uint32_t));
}

size_t engine_sa_size(void)
{
	return sizeof(struct ike_sa);
}

size_t engine_flow_size(void)
{
	return sizeof(struct esp_flow);
}
