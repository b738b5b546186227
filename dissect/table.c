/* table.c - fixed-capacity SipHash-keyed hash table with least-recently-used
 * eviction, approximated by the CLOCK (second chance) algorithm.
 *
 * Each slot is one record, [meta | key | value], so a lookup costs the bucket
 * and one record: with hundreds of thousands of ESP flows nothing stays in
 * cache, and every separate array would be another miss per packet. For the
 * same reason recency is a bit in the record rather than a linked list: an
 * exact LRU list would write two more random records on every lookup. */
#include "table.h"

#include "bigmem.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

struct slot_meta {
	uint32_t chain;          /* next slot in the bucket (or the free list), TABLE_NONE ends */
	uint32_t hash;           /* the key's hash: chain entries are compared on it first */
	uint8_t used;
	uint8_t ref;             /* looked up since the clock hand last passed */
};

struct table {
	uint32_t cap, nbuckets;
	size_t key_len, val_size;
	size_t key_off, val_off, stride;
	uint32_t *bucket;        /* slot + 1 of the chain's head, 0 when empty */
	uint8_t *recs;
	uint32_t free_head;      /* removed slots chained through meta.chain */
	uint32_t fresh;          /* slots below this have been used; the rest are untouched */
	uint32_t hand;           /* the clock hand: next eviction candidate */
	table_evict_cb on_evict;
	void *ctx;
	struct table_stats st;
	unsigned char seed[crypto_shorthash_KEYBYTES];
};

static inline struct slot_meta *meta_of(const struct table *t, uint32_t s)
{
	return (struct slot_meta *)(void *)(t->recs + (size_t)s * t->stride);
}

static inline uint8_t *key_of(const struct table *t, uint32_t s)
{
	return t->recs + (size_t)s * t->stride + t->key_off;
}

struct table *table_new(uint32_t capacity, size_t key_len, size_t val_size,
			table_evict_cb on_evict, void *ctx)
{
	struct table *t;

	if (capacity == 0 || capacity >= TABLE_NONE / 2 || sodium_init() < 0)
		return NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->cap = capacity;
	t->nbuckets = 16;
	while (t->nbuckets < capacity)
		t->nbuckets *= 2;
	t->key_len = key_len;
	t->val_size = val_size;
	t->on_evict = on_evict;
	t->ctx = ctx;
	t->key_off = (sizeof(struct slot_meta) + 7) & ~(size_t)7;
	t->val_off = t->key_off + ((key_len + 7) & ~(size_t)7);
	t->stride = t->val_off + ((val_size + 7) & ~(size_t)7);
	/* Large records start on a cache line, so that what a lookup reads
	 * first (see esp_flow) takes whole lines; small ones stay packed. */
	if (t->stride > 256)
		t->stride = (t->stride + 63) & ~(size_t)63;
	/* Huge pages, untouched until used (bigmem.h). */
	t->bucket = bigmem_alloc(t->nbuckets * sizeof(*t->bucket));
	t->recs = bigmem_alloc((size_t)capacity * t->stride);
	if (!t->bucket || !t->recs) {
		table_free(t);
		return NULL;
	}
	/* Nothing is written here: pages of slots never used are never touched,
	 * so memory grows with what the capture holds, not with the caps. */
	t->free_head = TABLE_NONE;
	t->st.capacity = capacity;
	randombytes_buf(t->seed, sizeof(t->seed));
	return t;
}

void table_free(struct table *t)
{
	if (!t)
		return;
	bigmem_free(t->bucket, t->nbuckets * sizeof(*t->bucket));
	bigmem_free(t->recs, (size_t)t->cap * t->stride);
	free(t);
}

uint32_t table_hash(const struct table *t, const void *key)
{
	uint64_t h;
	unsigned char out[crypto_shorthash_BYTES];

	crypto_shorthash(out, key, t->key_len, t->seed);
	memcpy(&h, out, sizeof(h));
	return (uint32_t)h;
}

/* Keys are small and word-sized in practice: compare them inline rather than
 * through a memcmp call, on the per-packet path. */
static bool key_eq(const uint8_t *a, const uint8_t *b, size_t n)
{
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t x, y;

		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		if (x != y)
			return false;
	}
	for (; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

void table_prefetch_bucket(const struct table *t, uint32_t h)
{
	__builtin_prefetch(&t->bucket[h & (t->nbuckets - 1)], 0);
}

void table_prefetch_slot(const struct table *t, uint32_t s, size_t val_off, size_t len)
{
	const uint8_t *rec, *from, *to;

	if (s >= t->cap)
		return;
	rec = t->recs + (size_t)s * t->stride;
	__builtin_prefetch(rec, 1);
	from = rec + t->val_off + val_off;
	to = from + len;
	for (from = (const uint8_t *)((uintptr_t)from & ~(uintptr_t)63); from < to; from += 64)
		__builtin_prefetch(from, 1);
}

void table_prefetch(const struct table *t, uint32_t h, size_t val_off, size_t len)
{
	uint32_t s = t->bucket[h & (t->nbuckets - 1)] - 1;

	if (s != TABLE_NONE)
		table_prefetch_slot(t, s, val_off, len);
}

uint32_t table_find(struct table *t, const void *key)
{
	return table_find_hashed(t, key, table_hash(t, key));
}

uint32_t table_find_hashed(struct table *t, const void *key, uint32_t h)
{
	uint32_t s = t->bucket[h & (t->nbuckets - 1)] - 1;

	while (s != TABLE_NONE) {
		struct slot_meta *m = meta_of(t, s);

		if (m->hash == h && key_eq(key_of(t, s), key, t->key_len)) {
			if (!m->ref)
				m->ref = 1;
			return s;
		}
		s = m->chain;
	}
	return TABLE_NONE;
}

uint32_t table_find_quiet(const struct table *t, const void *key, uint32_t h)
{
	uint32_t s = t->bucket[h & (t->nbuckets - 1)] - 1;

	while (s != TABLE_NONE) {
		const struct slot_meta *m = meta_of(t, s);

		if (m->hash == h && key_eq(key_of(t, s), key, t->key_len))
			return s;
		s = m->chain;
	}
	return TABLE_NONE;
}

bool table_slot_has(struct table *t, uint32_t s, const void *key)
{
	struct slot_meta *m;

	if (!table_used(t, s))
		return false;
	m = meta_of(t, s);
	if (!key_eq(key_of(t, s), key, t->key_len))
		return false;
	if (!m->ref)
		m->ref = 1;
	return true;
}

static void unlink_slot(struct table *t, uint32_t s)
{
	struct slot_meta *m = meta_of(t, s);
	uint32_t *pp = &t->bucket[m->hash & (t->nbuckets - 1)];

	/* Bucket heads are slot + 1; chain links are plain slots. */
	if (*pp == s + 1) {
		*pp = m->chain + 1;
	} else {
		pp = &meta_of(t, *pp - 1)->chain;
		while (*pp != s)
			pp = &meta_of(t, *pp)->chain;
		*pp = m->chain;
	}
	m->used = 0;
	m->chain = t->free_head;
	t->free_head = s;
	t->st.count--;
}

void table_remove(struct table *t, uint32_t s)
{
	if (!table_used(t, s))
		return;
	unlink_slot(t, s);
	t->st.removals++;
}

/* The clock hand sweeps the slots: one looked up since its last pass gets a
 * second chance, the first one not looked up is the victim. Every slot is in
 * use when this runs (no free one, none untouched), so it stops within two
 * turns. */
static void evict_one(struct table *t)
{
	for (;;) {
		uint32_t s = t->hand;
		struct slot_meta *m = meta_of(t, s);

		t->hand = s + 1 < t->cap ? s + 1 : 0;
		if (m->ref) {
			m->ref = 0;
			continue;
		}
		if (t->on_evict)
			t->on_evict(t->ctx, s, table_val(t, s));
		unlink_slot(t, s);
		t->st.evictions++;
		return;
	}
}

uint32_t table_insert(struct table *t, const void *key)
{
	return table_insert_hashed(t, key, table_hash(t, key));
}

uint32_t table_insert_hashed(struct table *t, const void *key, uint32_t h)
{
	struct slot_meta *m;
	uint32_t s, b;

	if (t->free_head == TABLE_NONE && t->fresh == t->cap)
		evict_one(t);
	if (t->free_head != TABLE_NONE) {
		s = t->free_head;
		m = meta_of(t, s);
		t->free_head = m->chain;
		memset(table_val(t, s), 0, t->val_size);
	} else {
		/* Never used: still zero from mmap, and better left unwritten. */
		s = t->fresh++;
		m = meta_of(t, s);
	}
	b = h & (t->nbuckets - 1);
	m->used = 1;
	m->ref = 0;
	m->hash = h;
	m->chain = t->bucket[b] - 1;
	t->bucket[b] = s + 1;
	memcpy(key_of(t, s), key, t->key_len);
	t->st.count++;
	t->st.inserts++;
	return s;
}

void *table_val(const struct table *t, uint32_t s)
{
	return t->recs + (size_t)s * t->stride + t->val_off;
}

uint32_t table_slot_of(const struct table *t, const void *val)
{
	return (uint32_t)(((const uint8_t *)val - t->recs - t->val_off) / t->stride);
}

const void *table_key(const struct table *t, uint32_t s)
{
	return key_of(t, s);
}

bool table_used(const struct table *t, uint32_t s)
{
	return s < t->fresh && meta_of(t, s)->used;
}

uint32_t table_capacity(const struct table *t)
{
	return t->cap;
}

uint32_t table_slots(const struct table *t)
{
	return t->fresh;
}

const struct table_stats *table_stats(const struct table *t)
{
	return &t->st;
}

size_t table_memory(const struct table *t)
{
	return sizeof(*t) + t->nbuckets * sizeof(*t->bucket) + (size_t)t->cap * t->stride;
}
