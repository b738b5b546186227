/* test_json.c - the NDJSON writer always produces valid, escaped JSON. */
#include <stdint.h>
#include <stdlib.h>

#include "json.h"
#include "../tap.h"

static char *render(void (*fn)(struct json *))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct json j;

	json_init(&j, f);
	fn(&j);
	fclose(f);
	return buf;
}

static void doc_basic(struct json *j)
{
	json_obj_begin(j, NULL);
	json_str(j, "a", "x\"y\\z");
	json_u64(j, "n", 18446744073709551615ULL);
	json_i64(j, "m", -5);
	json_bool(j, "t", true);
	json_arr_begin(j, "l");
	json_u64(j, NULL, 1);
	json_obj_begin(j, NULL);
	json_obj_end(j);
	json_arr_end(j);
	json_obj_end(j);
	json_end_line(j);
}

static void doc_wire(struct json *j)
{
	static const uint8_t hostile[] = { 'a', 0x1b, '[', '2', 'J', '\n', '"', 0xff, 0x00 };

	json_obj_begin(j, NULL);
	json_wire_str(j, "id", hostile, sizeof(hostile));
	json_hex(j, "h", hostile, 3);
	json_obj_end(j);
	json_end_line(j);
}

static void doc_two_lines(struct json *j)
{
	json_obj_begin(j, NULL);
	json_u64(j, "a", 1);
	json_obj_end(j);
	json_end_line(j);
	json_obj_begin(j, NULL);
	json_u64(j, "b", 2);
	json_obj_end(j);
	json_end_line(j);
}

static void doc_extremes(struct json *j)
{
	json_obj_begin(j, NULL);
	json_i64(j, "min", INT64_MIN);
	json_i64(j, "max", INT64_MAX);
	json_u64(j, "zero", 0);
	json_i64(j, "minus_one", -1);
	json_bool(j, "f", false);
	json_obj_end(j);
	json_end_line(j);
}

/* Longer than the writer's buffer: 3 * JSON_BUF_BYTES wire bytes, every
 * seventh one a byte to escape, so escapes straddle the buffer's end. */
static uint8_t long_wire[3 * JSON_BUF_BYTES];

static void doc_long(struct json *j)
{
	json_obj_begin(j, NULL);
	json_wire_str(j, "w", long_wire, sizeof(long_wire));
	json_hex(j, "h", long_wire, sizeof(long_wire));
	json_obj_end(j);
	json_end_line(j);
}

/* What doc_long must write, built byte by byte with stdio. */
static char *expect_long(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fputs("{\"w\":\"", f);
	for (size_t i = 0; i < sizeof(long_wire); i++)
		if (long_wire[i] == '"')
			fputs("\\\"", f);
		else if (long_wire[i] < 0x20)
			fprintf(f, "\\u%04x", long_wire[i]);
		else
			fputc(long_wire[i], f);
	fputs("\",\"h\":\"", f);
	for (size_t i = 0; i < sizeof(long_wire); i++)
		fprintf(f, "%02x", long_wire[i]);
	fputs("\"}\n", f);
	fclose(f);
	return buf;
}

int main(void)
{
	char *want;
	char *s;

	s = render(doc_basic);
	is_str(s, "{\"a\":\"x\\\"y\\\\z\",\"n\":18446744073709551615,\"m\":-5,\"t\":true,\"l\":[1,{}]}\n",
	       "objects, arrays, numbers and escapes");
	free(s);
	s = render(doc_wire);
	is_str(s, "{\"id\":\"a\\u001b[2J\\u000a\\\"\\u00ff\\u0000\",\"h\":\"611b5b\"}\n",
	       "wire bytes: control, quote, high and NUL bytes escaped");
	free(s);
	s = render(doc_two_lines);
	is_str(s, "{\"a\":1}\n{\"b\":2}\n", "each line starts fresh (no stray comma)");
	free(s);
	s = render(doc_extremes);
	is_str(s, "{\"min\":-9223372036854775808,\"max\":9223372036854775807,\"zero\":0,"
		  "\"minus_one\":-1,\"f\":false}\n",
	       "64-bit extremes, zero and false");
	free(s);
	for (size_t i = 0; i < sizeof(long_wire); i++)
		long_wire[i] = i % 7 == 6 ? (i % 2 ? '"' : 0x01) : (uint8_t)('a' + i % 26);
	s = render(doc_long);
	want = expect_long();
	is_str(s, want, "a line three times the writer's buffer, escapes across its end");
	free(want);
	free(s);
	return tap_done();
}
