/* event.h - what the engine tells its views. Views (per-packet lines, JSON,
 * report, live view) only see events and the engine's query functions; they
 * never reach into capture or parser state. Pointers in an event are valid
 * during the emit callback only. */
#ifndef IKESCOPE_EVENT_H
#define IKESCOPE_EVENT_H

#include <stdint.h>

#include "esp.h"
#include "frame.h"
#include "ike.h"
#include "state.h"

struct engine_stats;

enum event_type {
	EV_PACKET = 1, /* one dissected unit (only with engine_config.emit_packets) */
	EV_EXCHANGE,   /* an exchange ended: answered, error, or timed out */
	EV_SA,         /* an IKE SA changed state, or its final state at the end */
	EV_ESP,        /* an ESP flow's summary, at the end or when evicted */
	EV_DIAGNOSIS,  /* a diagnosis was made */
	EV_SUMMARY,    /* end of input */
};

struct ev_packet {
	const struct unit *u;
	const struct ike_msg *ike;   /* UNIT_IKE */
	const struct esp_info *esp;  /* UNIT_ESP */
	const struct ah_info *ah;    /* UNIT_AH */
};

enum ev_sa_reason { SAEV_STATE = 1, SAEV_FINAL, SAEV_EVICTED };

struct event {
	uint8_t type; /* enum event_type */
	uint8_t reason; /* EV_SA: enum ev_sa_reason; EV_ESP: 1 final, 2 evicted */
	union {
		struct ev_packet pkt;
		struct {
			const struct ike_sa *sa;
			const struct exch *x;
		} exch;
		const struct ike_sa *sa;
		const struct esp_flow *flow;
		const struct diagnosis *diag;
		const struct engine_stats *summary;
	} u;
};

struct event_sink {
	void (*emit)(void *ctx, const struct event *ev);
	void *ctx;
};

#endif
