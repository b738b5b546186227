/* events_json_int.h - what the NDJSON event writers share. */
#ifndef IKESCOPE_EVENTS_JSON_INT_H
#define IKESCOPE_EVENTS_JSON_INT_H

#include "report.h"

/* ISO 8601 UTC packet time. */
void ej_time(struct json *j, const char *key, int64_t ns);
/* {"ip":"192.0.2.1","port":500}; the port only when non-zero. */
void ej_endpoint(struct json *j, const char *key, const struct addr *a, uint16_t port);
/* "0x%08x" */
void ej_spi32(struct json *j, const char *key, uint32_t spi);

/* ui/events_json_esp.c */
void ej_esp_print(struct json *j, const struct engine *e, const struct esp_flow *f, unsigned reason);
void ej_diagnosis_print(struct json *j, const struct diagnosis *d);
void ej_summary_print(struct json *j, const struct engine *e, const struct engine_stats *st,
		      uint64_t frames);

#endif
