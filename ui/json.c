/* json.c - streaming NDJSON writer with RFC 8259 string escaping. */
#include "json.h"

#include <inttypes.h>
#include <string.h>

void json_init(struct json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->comma[0] = false;
}

static void put_escaped(FILE *f, const uint8_t *p, size_t n)
{
	putc('"', f);
	for (size_t i = 0; i < n; i++) {
		uint8_t b = p[i];

		if (b == '"' || b == '\\') {
			putc('\\', f);
			putc(b, f);
		} else if (b >= 0x20 && b < 0x7f) {
			putc(b, f);
		} else {
			fprintf(f, "\\u%04x", b);
		}
	}
	putc('"', f);
}

/* Writes the separator and key for the next value at this depth. */
static void next_value(struct json *j, const char *key)
{
	if (j->comma[j->depth])
		putc(',', j->f);
	j->comma[j->depth] = true;
	if (key) {
		put_escaped(j->f, (const uint8_t *)key, strlen(key));
		putc(':', j->f);
	}
}

static void open_container(struct json *j, const char *key, char c)
{
	next_value(j, key);
	putc(c, j->f);
	if (j->depth + 1 < JSON_MAX_DEPTH)
		j->depth++;
	j->comma[j->depth] = false;
}

static void close_container(struct json *j, char c)
{
	putc(c, j->f);
	if (j->depth > 0)
		j->depth--;
}

void json_obj_begin(struct json *j, const char *key) { open_container(j, key, '{'); }
void json_obj_end(struct json *j) { close_container(j, '}'); }
void json_arr_begin(struct json *j, const char *key) { open_container(j, key, '['); }
void json_arr_end(struct json *j) { close_container(j, ']'); }

void json_str(struct json *j, const char *key, const char *s)
{
	next_value(j, key);
	put_escaped(j->f, (const uint8_t *)s, strlen(s));
}

void json_wire_str(struct json *j, const char *key, const uint8_t *p, size_t n)
{
	next_value(j, key);
	put_escaped(j->f, p, n);
}

void json_hex(struct json *j, const char *key, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	next_value(j, key);
	putc('"', j->f);
	for (size_t i = 0; i < n; i++) {
		putc(digits[p[i] >> 4], j->f);
		putc(digits[p[i] & 15], j->f);
	}
	putc('"', j->f);
}

void json_u64(struct json *j, const char *key, uint64_t v)
{
	next_value(j, key);
	fprintf(j->f, "%" PRIu64, v);
}

void json_i64(struct json *j, const char *key, int64_t v)
{
	next_value(j, key);
	fprintf(j->f, "%" PRId64, v);
}

void json_bool(struct json *j, const char *key, bool v)
{
	next_value(j, key);
	fputs(v ? "true" : "false", j->f);
}

void json_end_line(struct json *j)
{
	putc('\n', j->f);
	j->depth = 0;
	j->comma[0] = false;
}
