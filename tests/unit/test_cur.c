/* test_cur.c - the bounded cursor: reads stop at the end and stay stopped. */
#include "cur.h"
#include "../tap.h"

int main(void)
{
	static const uint8_t b[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09 };
	struct cur c = cur_make(b, sizeof(b)), sub, sub2;
	bool cut;

	is_int(cur_u8(&c), 0x01, "u8");
	is_int(cur_be16(&c), 0x0203, "be16");
	is_int(cur_be32(&c), 0x04050607, "be32");
	is_int(cur_left(&c), 2, "two bytes left");
	is_int(cur_be32(&c), 0, "over-long read returns 0");
	ok(c.err, "over-long read sets err");
	is_int(cur_left(&c), 0, "broken cursor is empty");
	is_int(cur_u8(&c), 0, "reads after an error keep failing");

	c = cur_make(b, sizeof(b));
	sub = cur_sub(&c, 4);
	is_int(cur_be32(&sub), 0x01020304, "sub cursor reads its bytes");
	is_int(cur_u8(&sub), 0, "sub cursor cannot read its neighbour");
	ok(sub.err, "sub cursor overrun sets its own err");
	ok(!c.err, "parent unaffected by child overrun");
	is_int(cur_u8(&c), 0x05, "parent moved past the child");

	sub2 = cur_sub(&c, 100);
	ok(sub2.err && c.err, "sub longer than parent breaks both");
	is_int(cur_left(&sub2), 0, "broken child is empty");

	c = cur_make(b, sizeof(b));
	sub = cur_sub_clamped(&c, 20, &cut);
	ok(cut, "clamped sub reports the cut");
	is_int(cur_left(&sub), sizeof(b), "clamped sub holds what is there");
	ok(!c.err, "clamped sub leaves the parent usable");

	c = cur_make(b, sizeof(b));
	ok(!cur_skip(&c, 10), "skip past the end fails");
	ok(cur_bytes(&c, 1) == NULL, "bytes after failed skip is NULL");

	c = cur_make(NULL, 5);
	is_int(cur_left(&c), 0, "NULL buffer has no bytes");
	c = cur_make(b, sizeof(b));
	is_int(cur_peek_be16(&c, 7), 0x0809, "peek at the last two bytes");
	is_int(cur_peek_be16(&c, 8), 0, "peek past the end is 0");
	is_int(cur_left(&c), sizeof(b), "peek does not move");
	c = cur_make(b, 8);
	ok(cur_be64(&c) == 0x0102030405060708ULL, "be64");
	c = cur_make(b, 4);
	is_int(cur_le32(&c), 0x04030201, "le32");
	return tap_done();
}
