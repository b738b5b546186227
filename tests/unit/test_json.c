/* test_json.c - the NDJSON writer always produces valid, escaped JSON. */
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

int main(void)
{
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
	return tap_done();
}
