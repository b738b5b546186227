/* names.c - lookup in the sorted IANA name tables of names.h. */
#include "names.h"

/* Binary search: every table is written in ascending order of value, which
 * tests/unit/test_names.c checks, so a lookup costs a few comparisons. */
const struct name_entry *name_find(const struct name_entry *t, size_t n, uint32_t v)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t[mid].v == v)
			return &t[mid];
		if (t[mid].v < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
