/* json.h - a small streaming writer for NDJSON events. Keys are program
 * constants; every string value goes through the RFC 8259 escaper, and bytes
 * from the wire are written with anything outside printable ASCII as \u00XX,
 * so the output is always valid JSON whatever the packets hold. */
#ifndef IKESCOPE_JSON_H
#define IKESCOPE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16
#define JSON_BUF_BYTES 8192

struct json {
	FILE *f;
	int depth;
	bool comma[JSON_MAX_DEPTH];
	size_t len;                 /* bytes of the line waiting in buf */
	char buf[JSON_BUF_BYTES];
};

void json_init(struct json *j, FILE *f);
/* key is NULL inside arrays and for the top-level object. */
void json_obj_begin(struct json *j, const char *key);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j, const char *key);
void json_arr_end(struct json *j);
void json_str(struct json *j, const char *key, const char *s);
void json_wire_str(struct json *j, const char *key, const uint8_t *p, size_t n);
void json_hex(struct json *j, const char *key, const uint8_t *p, size_t n);
void json_u64(struct json *j, const char *key, uint64_t v);
void json_i64(struct json *j, const char *key, int64_t v);
void json_bool(struct json *j, const char *key, bool v);
/* Ends the top-level object's line and hands it to the stream: until then
 * (or until the line outgrows the buffer) nothing reaches it. */
void json_end_line(struct json *j);

#endif
