/* engine.h - the analysis engine: takes capture units, dissects them,
 * correlates IKE SAs, exchanges and ESP flows, runs the detectors, and emits
 * events. All state lives in struct engine, so tests and fuzzers can make as
 * many as they like; the engine does no I/O. Views read its state through the
 * query functions below while packets flow. Timeouts run on packet time.
 *
 * Decrypted payloads will re-enter through the same dissectors: the SA and
 * exchange state is keyed so that a decrypted SK body can be attributed to
 * its exchange (ike_sa + msg_id) without another lookup path. */
#ifndef IKESCOPE_ENGINE_H
#define IKESCOPE_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "frame.h"
#include "state.h"

struct engine_config {
	uint32_t max_sas;          /* IKE SAs tracked (default 4096) */
	uint32_t max_flows;        /* ESP flows tracked (default 131072) */
	uint32_t max_diagnoses;    /* diagnoses kept for the report (default 4096) */
	uint32_t ike_timeout_ms;   /* an unanswered request times out after this (default 30000) */
	uint32_t esp_loss_permille;/* esp.loss above this loss rate, in 1/1000 (default 10 = 1%) */
	bool emit_packets;         /* EV_PACKET events (per-packet views) */
	const struct proposal_set *peer_proposals; /* --peer-proposals, or NULL */
};

struct engine_stats {
	uint64_t units[UNIT_DECODE_ERROR + 1]; /* by enum unit_kind, copies on another interface aside */
	uint64_t iface_copies;     /* units marked as copies of units on another interface */
	uint64_t ike_v1, ike_v2;
	uint64_t ike_errors[32];   /* by enum ike_perr */
	uint64_t esp_errors;
	uint64_t ah_errors;
	uint64_t sas, sas_evicted;
	uint64_t flows, flows_evicted;
	uint64_t exchanges, retransmits;
	uint64_t diagnoses[3];     /* by enum diag_severity */
	uint64_t diagnoses_dropped;/* not kept for the report (over max_diagnoses) */
	uint64_t diagnoses_resolved[3]; /* of diagnoses[], those later resolved */
	int64_t first_ns, last_ns;
};

struct engine;

void engine_config_defaults(struct engine_config *cfg);
struct engine *engine_new(const struct engine_config *cfg, const struct event_sink *sink);
void engine_free(struct engine *e);
/* unit_cb-compatible: ctx is the engine. */
void engine_feed(void *ctx, const struct unit *u);
/* How many bytes of an ESP unit engine_feed reads: the cleartext header, as
 * long as nothing can decrypt the rest. A capture may keep only these. */
size_t engine_esp_bytes(const struct engine *e);
/* Applies the packets the engine holds back for batching (a few ESP flow
 * updates): call before querying the state between packets. */
void engine_flush(struct engine *e);
/* End of input: times out what is pending, runs the end-of-capture detectors
 * and emits the final sa, esp and summary events. Call once. */
void engine_finish(struct engine *e);
/* Before engine_finish: the input ended at ts_ns (its last frame, whatever
 * it held, or live the stop), so that end-of-capture verdicts know how long
 * the capture went on after the last IKE or ESP. */
void engine_note_input_end(struct engine *e, int64_t ts_ns);

/* Queries, valid while the engine lives; slots are stable until eviction. */
const struct engine_stats *engine_stats(const struct engine *e);
uint32_t engine_sa_slots(const struct engine *e);
const struct ike_sa *engine_sa(const struct engine *e, uint32_t slot); /* NULL if unused */
uint32_t engine_flow_slots(const struct engine *e);
const struct esp_flow *engine_flow(const struct engine *e, uint32_t slot);
/* The flow's IKE SA, or NULL: none tied, or its slot since given to
 * another SA (after an eviction). */
const struct ike_sa *engine_flow_sa(const struct engine *e, const struct esp_flow *f);
/* The sequence numbers a flow's sender used (each counted once, however
 * often it was captured), and the share of them missing, per 1000, rounded. */
uint64_t engine_flow_expected(const struct esp_flow *f);
unsigned engine_flow_loss_permille(const struct esp_flow *f);
/* The flow's other direction, or NULL: none paired, or its slot since given
 * to another flow (after an eviction). */
const struct esp_flow *engine_flow_reverse(const struct engine *e, const struct esp_flow *f);
/* The IKE fragments of an exchange's request: the numbers tracked (1 to
 * the total, at most EXCH_FRAGS_TRACKED), how many of those were seen
 * (copies of a resent set count once), and the missing ones as "2" or
 * "2, 5-9" into buf (empty when none is known to be missing). */
unsigned engine_exch_frags_tracked(const struct exch *x);
unsigned engine_exch_frags_seen(const struct exch *x);
void engine_exch_frags_missing(const struct exch *x, char *buf, size_t len);
/* The diagnoses kept for the report, at most max_diagnoses: in the order
 * they were made until that is reached, then a more severe one takes the
 * place of a less severe one (order them by evidence, as the report does). */
size_t engine_diag_count(const struct engine *e);
const struct diagnosis *engine_diag(const struct engine *e, size_t i);
/* Highest severity diagnosed so far and not resolved since (a resolved
 * diagnosis counts as info), or -1 if none. */
int engine_worst_severity(const struct engine *e);
/* Bytes of state allocated, and per IKE SA / per ESP flow. */
size_t engine_memory(const struct engine *e);
size_t engine_sa_size(void);
size_t engine_flow_size(void);

#endif
