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

enum event_type {
	EV_PACKET = 1, /* one dissected unit: IKE message, ESP/AH packet, keepalive, ICMP error ... */
};

struct ev_packet {
	const struct unit *u;
	const struct ike_msg *ike;   /* UNIT_IKE */
	const struct esp_info *esp;  /* UNIT_ESP */
	const struct ah_info *ah;    /* UNIT_AH */
};

struct event {
	uint8_t type; /* enum event_type */
	union {
		struct ev_packet pkt;
	} u;
};

struct event_sink {
	void (*emit)(void *ctx, const struct event *ev);
	void *ctx;
};

#endif
