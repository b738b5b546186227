/* engine.h - the analysis engine: takes capture units, dissects them, keeps
 * the state the views query, and emits events. All state lives in struct
 * engine, so tests and fuzzers can make as many as they like. The engine does
 * no I/O. Decrypted payloads will re-enter through engine_feed_decrypted()
 * once key files are supported; dissection is shared by both paths. */
#ifndef IKESCOPE_ENGINE_H
#define IKESCOPE_ENGINE_H

#include <stdint.h>

#include "event.h"
#include "frame.h"

struct engine_stats {
	uint64_t units[UNIT_DECODE_ERROR + 1]; /* by enum unit_kind */
	uint64_t ike_v1, ike_v2;
	uint64_t ike_errors[IKE_PERR__COUNT];
	uint64_t esp_errors;
	uint64_t ah_errors;
};

struct engine;

struct engine *engine_new(const struct event_sink *sink);
void engine_free(struct engine *e);
/* unit_cb-compatible: ctx is the engine. */
void engine_feed(void *ctx, const struct unit *u);
const struct engine_stats *engine_stats(const struct engine *e);

#endif
