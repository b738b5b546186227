/* ike2_local.h - helpers shared by the IKEv2 payload parsers (dissect/ike2_*.c). */
#ifndef IKESCOPE_IKE2_LOCAL_H
#define IKESCOPE_IKE2_LOCAL_H

#include "cur.h"
#include "ike2.h"

/* Records the first malformation of a body: where it sits (offset from the
 * body start, or the end when the cursor broke) and why. Later faults keep
 * the first reason, which is the one that explains the rest. */
static inline int ike2_note(uint8_t *err, uint16_t *err_off, int code,
			    const uint8_t *base, size_t len, const struct cur *c)
{
	if (*err == IKE2_OK) {
		size_t off = (c->err || !c->p) ? len : (size_t)(c->p - base);

		*err = (uint8_t)code;
		*err_off = (uint16_t)(off > UINT16_MAX ? UINT16_MAX : off);
	}
	return *err;
}

#define IKE2_NOTE(s, code, base, len, c) ike2_note(&(s)->err, &(s)->err_off, code, base, len, c)

static inline struct ike2_bytes ike2_rest(struct cur *c)
{
	struct ike2_bytes b;

	b.len = cur_left(c);
	b.p = cur_bytes(c, b.len);
	return b;
}

#endif
