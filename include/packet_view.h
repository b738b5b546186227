/* packet_view.h - the per-packet views: one text line per unit (plus a field
 * tree with -v) and one NDJSON "packet" object. Both read the same helpers so
 * the two never disagree on names. */
#ifndef IKESCOPE_PACKET_VIEW_H
#define IKESCOPE_PACKET_VIEW_H

#include <stdio.h>

#include "event.h"
#include "json.h"

/* Shared naming (ui/packet_fmt.c). */
const char *transport_token(const struct unit *u);
/* Writes "HH:MM:SS.uuuuuu" (UTC) into buf. */
const char *time_of_day(int64_t ts_ns, char *buf, size_t len);
/* Writes ISO 8601 UTC with microseconds into buf. */
const char *time_iso(int64_t ts_ns, char *buf, size_t len);
const char *ike_exchange_label(const struct ike_msg *m);
/* The same from a major version and an exchange type (NULL if unknown). */
const char *ike_exchange_label_of(unsigned major, unsigned exchange);
const char *ike_payload_label(const struct ike_msg *m, unsigned type);
const char *ike_notify_label(const struct ike_msg *m, unsigned type);
const char *ike_notify_full_name(const struct ike_msg *m, unsigned type);
const char *icmp_kind_label(const struct icmp_error *ic);

/* The -v field trees (ui/tree_ike1.c, ui/tree_ike2.c). */
void ike1_tree_print(FILE *f, const struct ike_msg *m, int indent);
void ike2_tree_print(FILE *f, const struct ike_msg *m, int indent);

void packet_line_print(FILE *f, const struct ev_packet *p, int verbose);
void packet_json_print(struct json *j, const struct ev_packet *p);

#endif
