/* json.c - streaming NDJSON writer with RFC 8259 string escaping.
 *
 * A line is built in the writer's own buffer and handed to stdio with one
 * fwrite when it ends (or when the buffer fills): a busy capture writes
 * hundreds of megabytes of events, and character-by-character stdio calls,
 * each taking the stream's lock now that the capture reads on a thread of
 * its own, cost several times what the engine does. */
#include "json.h"

#include <string.h>

void json_init(struct json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->comma[0] = false;
	j->len = 0;
}

static void flush_buf(struct json *j)
{
	if (j->len)
		fwrite(j->buf, 1, j->len, j->f);
	j->len = 0;
}

static void put_bytes(struct json *j, const void *p, size_t n)
{
	if (n > sizeof(j->buf) - j->len) {
		flush_buf(j);
		if (n > sizeof(j->buf)) {
			fwrite(p, 1, n, j->f);
			return;
		}
	}
	memcpy(j->buf + j->len, p, n);
	j->len += n;
}

static void put_char(struct json *j, char c)
{
	if (j->len == sizeof(j->buf))
		flush_buf(j);
	j->buf[j->len++] = c;
}

static bool plain(uint8_t b)
{
	return b >= 0x20 && b < 0x7f && b != '"' && b != '\\';
}

static void put_escaped(struct json *j, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t i = 0;

	put_char(j, '"');
	while (i < n) {
		size_t run = i;

		while (run < n && plain(p[run]))
			run++;
		put_bytes(j, p + i, run - i);
		if (run == n)
			break;
		if (p[run] == '"' || p[run] == '\\') {
			char esc[2] = { '\\', (char)p[run] };

			put_bytes(j, esc, sizeof(esc));
		} else {
			char esc[6] = { '\\', 'u', '0', '0', digits[p[run] >> 4], digits[p[run] & 15] };

			put_bytes(j, esc, sizeof(esc));
		}
		i = run + 1;
	}
	put_char(j, '"');
}

/* Writes the separator and key for the next value at this depth. */
static void next_value(struct json *j, const char *key)
{
	if (j->comma[j->depth])
		put_char(j, ',');
	j->comma[j->depth] = true;
	if (key) {
		put_escaped(j, (const uint8_t *)key, strlen(key));
		put_char(j, ':');
	}
}

static void open_container(struct json *j, const char *key, char c)
{
	next_value(j, key);
	put_char(j, c);
	if (j->depth + 1 < JSON_MAX_DEPTH)
		j->depth++;
	j->comma[j->depth] = false;
}

static void close_container(struct json *j, char c)
{
	put_char(j, c);
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
	put_escaped(j, (const uint8_t *)s, strlen(s));
}

void json_wire_str(struct json *j, const char *key, const uint8_t *p, size_t n)
{
	next_value(j, key);
	put_escaped(j, p, n);
}

void json_hex(struct json *j, const char *key, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	next_value(j, key);
	put_char(j, '"');
	for (size_t i = 0; i < n; i++) {
		put_char(j, digits[p[i] >> 4]);
		put_char(j, digits[p[i] & 15]);
	}
	put_char(j, '"');
}

static void put_decimal(struct json *j, bool negative, uint64_t v)
{
	char d[21];
	size_t at = sizeof(d);

	do {
		d[--at] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (negative)
		d[--at] = '-';
	put_bytes(j, d + at, sizeof(d) - at);
}

void json_u64(struct json *j, const char *key, uint64_t v)
{
	next_value(j, key);
	put_decimal(j, false, v);
}

void json_i64(struct json *j, const char *key, int64_t v)
{
	next_value(j, key);
	/* The magnitude in unsigned arithmetic, so INT64_MIN has one too. */
	put_decimal(j, v < 0, v < 0 ? 0 - (uint64_t)v : (uint64_t)v);
}

void json_bool(struct json *j, const char *key, bool v)
{
	next_value(j, key);
	if (v)
		put_bytes(j, "true", 4);
	else
		put_bytes(j, "false", 5);
}

void json_end_line(struct json *j)
{
	put_char(j, '\n');
	flush_buf(j);
	j->depth = 0;
	j->comma[0] = false;
}
