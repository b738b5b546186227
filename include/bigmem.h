/* bigmem.h - large zeroed allocations for the engine's state, backed by
 * transparent huge pages where the kernel allows: random lookups over tens
 * of megabytes otherwise pay a TLB miss each (dearly, under virtualisation).
 * Pages are untouched until used, so memory grows with what is stored. */
#ifndef IKESCOPE_BIGMEM_H
#define IKESCOPE_BIGMEM_H

#include <stddef.h>

void *bigmem_alloc(size_t n);
void bigmem_free(void *p, size_t n);

#endif
