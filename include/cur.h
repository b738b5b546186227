/* cur.h - the one bounds-checked cursor every parser reads packet bytes through.
 *
 * A cursor is (pointer, bytes left, error flag). Reads past the end never touch
 * memory: they set err, return zero and leave the cursor empty, so a parser can
 * read a whole header and test err once. Multi-byte reads use memcpy, never a
 * cast of a packet pointer, so unaligned packet data is fine.
 */
#ifndef IKESCOPE_CUR_H
#define IKESCOPE_CUR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct cur {
	const uint8_t *p;
	size_t left;
	bool err;
};

static inline struct cur cur_make(const uint8_t *p, size_t len)
{
	struct cur c = { p, p ? len : 0, false };
	return c;
}

/* Marks the cursor broken and empty; later reads all fail. */
static inline void cur_fail(struct cur *c)
{
	c->err = true;
	c->left = 0;
}

static inline bool cur_has(const struct cur *c, size_t n)
{
	return !c->err && n <= c->left;
}

static inline bool cur_skip(struct cur *c, size_t n)
{
	if (!cur_has(c, n)) {
		cur_fail(c);
		return false;
	}
	c->p += n;
	c->left -= n;
	return true;
}

/* Returns a pointer to the next n bytes and moves past them, or NULL. */
static inline const uint8_t *cur_bytes(struct cur *c, size_t n)
{
	const uint8_t *p = c->p;

	if (!cur_skip(c, n))
		return NULL;
	return p;
}

static inline bool cur_copy(struct cur *c, void *dst, size_t n)
{
	const uint8_t *p = cur_bytes(c, n);

	if (!p) {
		memset(dst, 0, n);
		return false;
	}
	memcpy(dst, p, n);
	return true;
}

static inline uint8_t cur_u8(struct cur *c)
{
	const uint8_t *p = cur_bytes(c, 1);

	return p ? p[0] : 0;
}

static inline uint16_t cur_be16(struct cur *c)
{
	const uint8_t *p = cur_bytes(c, 2);

	return p ? (uint16_t)((p[0] << 8) | p[1]) : 0;
}

static inline uint32_t cur_be24(struct cur *c)
{
	const uint8_t *p = cur_bytes(c, 3);

	return p ? ((uint32_t)p[0] << 16) | ((uint32_t)p[1] << 8) | p[2] : 0;
}

static inline uint32_t cur_be32(struct cur *c)
{
	const uint8_t *p = cur_bytes(c, 4);

	return p ? ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
			   ((uint32_t)p[2] << 8) | p[3]
		 : 0;
}

static inline uint64_t cur_be64(struct cur *c)
{
	uint64_t hi = cur_be32(c);

	return (hi << 32) | cur_be32(c);
}

/* Little-endian 32-bit read: BSD loopback headers are in host order of the
 * writer, and pcap headers may be either order. */
static inline uint32_t cur_le32(struct cur *c)
{
	const uint8_t *p = cur_bytes(c, 4);

	return p ? ((uint32_t)p[3] << 24) | ((uint32_t)p[2] << 16) |
			   ((uint32_t)p[1] << 8) | p[0]
		 : 0;
}

/* Peeks without moving; returns 0 and sets nothing when short. */
static inline uint8_t cur_peek_u8(const struct cur *c, size_t at)
{
	return cur_has(c, at + 1) ? c->p[at] : 0;
}

static inline uint16_t cur_peek_be16(const struct cur *c, size_t at)
{
	return cur_has(c, at + 2) ? (uint16_t)((c->p[at] << 8) | c->p[at + 1]) : 0;
}

/* Hands the next n bytes to a child cursor and moves the parent past them.
 * If fewer than n bytes are left, both cursors are broken: a payload whose
 * length field lies can never read its neighbour. */
static inline struct cur cur_sub(struct cur *c, size_t n)
{
	struct cur sub = { c->p, n, false };

	if (!cur_skip(c, n)) {
		sub.left = 0;
		sub.err = true;
	}
	return sub;
}

/* Like cur_sub, but a short parent yields what is there instead of failing:
 * used where the wire says n bytes but the capture kept fewer (snaplen). The
 * caller learns the cut from *cut. */
static inline struct cur cur_sub_clamped(struct cur *c, size_t n, bool *cut)
{
	size_t take = (!c->err && n > c->left) ? c->left : n;
	struct cur sub;

	*cut = take < n;
	sub = cur_sub(c, c->err ? n : take);
	return sub;
}

static inline size_t cur_left(const struct cur *c)
{
	return c->err ? 0 : c->left;
}

#endif
