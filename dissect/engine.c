/* engine.c - dispatches capture units to the dissectors and emits packet
 * events. Scratch space for one dissected message lives in the engine, so the
 * per-packet path allocates nothing. */
#include "engine.h"

#include <stdlib.h>
#include <string.h>

#include "esp.h"
#include "ike.h"

struct engine {
	struct event_sink sink;
	struct engine_stats stats;
	struct ike_msg ike;
	struct esp_info esp;
	struct ah_info ah;
};

struct engine *engine_new(const struct event_sink *sink)
{
	struct engine *e = calloc(1, sizeof(*e));

	if (e)
		e->sink = *sink;
	return e;
}

void engine_free(struct engine *e)
{
	free(e);
}

const struct engine_stats *engine_stats(const struct engine *e)
{
	return &e->stats;
}

static void dissect_ike(struct engine *e, struct ev_packet *pkt, const struct unit *u)
{
	int err = ike_parse(u->data, u->len, u->orig_len, &e->ike);

	pkt->ike = &e->ike;
	if (err < IKE_PERR__COUNT)
		e->stats.ike_errors[err]++;
	if (e->ike.major == 1)
		e->stats.ike_v1++;
	else if (e->ike.major == 2)
		e->stats.ike_v2++;
}

void engine_feed(void *ctx, const struct unit *u)
{
	struct engine *e = ctx;
	struct event ev = { .type = EV_PACKET };
	struct ev_packet *pkt = &ev.u.pkt;

	if (u->kind <= UNIT_DECODE_ERROR)
		e->stats.units[u->kind]++;
	pkt->u = u;
	switch (u->kind) {
	case UNIT_IKE:
		dissect_ike(e, pkt, u);
		break;
	case UNIT_ESP:
		if (esp_parse(u->data, u->len, u->orig_len, &e->esp) != ESP_OK)
			e->stats.esp_errors++;
		pkt->esp = &e->esp;
		break;
	case UNIT_AH:
		if (ah_parse(u->data, u->len, &e->ah) != ESP_OK)
			e->stats.ah_errors++;
		pkt->ah = &e->ah;
		break;
	default:
		break;
	}
	if (e->sink.emit)
		e->sink.emit(e->sink.ctx, &ev);
}
