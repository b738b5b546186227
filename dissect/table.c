/* table.c - fixed-capacity SipHash-keyed hash table with LRU eviction.
 *
 * Each slot is one record, [meta | key | value], so a lookup costs the bucket
 * and one record: with hundreds of thousands of ESP flows nothing stays in
 * cache, and every separate array would be another miss per packet. */
#include "table.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

struct slot_meta {
	uint32_t chain;          /* next slot in the bucket, or TABLE_NONE */
	uint32_t newer, older;   /* LRU neighbours */
	uint32_t hash;           /* the key's hash: chain entries are compared on it first */
	bool used;
};

struct table {
	uint32_t cap, nbuckets;
	size_t key_len, val_size;
	size_t key_off, val_off, stride;
	uint32_t *bucket;
	uint8_t *recs;
	uint32_t free_head;      /* free slots chained through meta.chain */
	uint32_t newest, oldest;
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
	t->bucket = malloc(t->nbuckets * sizeof(*t->bucket));
	t->recs = calloc(capacity, t->stride);
	if (!t->bucket || !t->recs) {
		table_free(t);
		return NULL;
	}
	memset(t->bucket, 0xff, t->nbuckets * sizeof(*t->bucket));
	for (uint32_t i = 0; i < capacity; i++)
		meta_of(t, i)->chain = i + 1 < capacity ? i + 1 : TABLE_NONE;
	t->free_head = 0;
	t->newest = t->oldest = TABLE_NONE;
	t->st.capacity = capacity;
	randombytes_buf(t->seed, sizeof(t->seed));
	return t;
}

void table_free(struct table *t)
{
	if (!t)
		return;
	free(t->bucket);
	free(t->recs);
	free(t);
}

static uint32_t hash_of(const struct table *t, const void *key)
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

static void lru_unlink(struct table *t, uint32_t s)
{
	struct slot_meta *m = meta_of(t, s);

	if (m->newer != TABLE_NONE)
		(*meta_of(t, m->newer)).older = m->older;
	else
		t->newest = m->older;
	if (m->older != TABLE_NONE)
		(*meta_of(t, m->older)).newer = m->newer;
	else
		t->oldest = m->newer;
}

static void lru_push_newest(struct table *t, uint32_t s)
{
	struct slot_meta *m = meta_of(t, s);

	m->newer = TABLE_NONE;
	m->older = t->newest;
	if (t->newest != TABLE_NONE)
		meta_of(t, t->newest)->newer = s;
	t->newest = s;
	if (t->oldest == TABLE_NONE)
		t->oldest = s;
}

uint32_t table_find(struct table *t, const void *key)
{
	uint32_t h = hash_of(t, key);
	uint32_t s = t->bucket[h & (t->nbuckets - 1)];

	while (s != TABLE_NONE) {
		const struct slot_meta *m = meta_of(t, s);

		if (m->hash == h && key_eq(key_of(t, s), key, t->key_len)) {
			if (t->newest != s) {
				lru_unlink(t, s);
				lru_push_newest(t, s);
			}
			return s;
		}
		s = m->chain;
	}
	return TABLE_NONE;
}

void table_remove(struct table *t, uint32_t s)
{
	uint32_t *pp;

	if (s >= t->cap || !meta_of(t, s)->used)
		return;
	pp = &t->bucket[meta_of(t, s)->hash & (t->nbuckets - 1)];
	while (*pp != s)
		pp = &meta_of(t, *pp)->chain;
	*pp = meta_of(t, s)->chain;
	lru_unlink(t, s);
	meta_of(t, s)->used = false;
	meta_of(t, s)->chain = t->free_head;
	t->free_head = s;
	t->st.count--;
	t->st.removals++;
}

uint32_t table_insert(struct table *t, const void *key)
{
	struct slot_meta *m;
	uint32_t s, h;

	if (t->free_head == TABLE_NONE) {
		uint32_t victim = t->oldest;

		if (t->on_evict)
			t->on_evict(t->ctx, victim, table_val(t, victim));
		table_remove(t, victim);
		t->st.removals--;
		t->st.evictions++;
	}
	s = t->free_head;
	m = meta_of(t, s);
	t->free_head = m->chain;
	h = hash_of(t, key);
	m->used = true;
	m->hash = h;
	m->chain = t->bucket[h & (t->nbuckets - 1)];
	t->bucket[h & (t->nbuckets - 1)] = s;
	memcpy(key_of(t, s), key, t->key_len);
	memset(table_val(t, s), 0, t->val_size);
	lru_push_newest(t, s);
	t->st.count++;
	t->st.inserts++;
	return s;
}

void *table_val(const struct table *t, uint32_t s)
{
	return t->recs + (size_t)s * t->stride + t->val_off;
}

const void *table_key(const struct table *t, uint32_t s)
{
	return key_of(t, s);
}

bool table_used(const struct table *t, uint32_t s)
{
	return s < t->cap && meta_of(t, s)->used;
}

uint32_t table_capacity(const struct table *t)
{
	return t->cap;
}

const struct table_stats *table_stats(const struct table *t)
{
	return &t->st;
}

size_t table_memory(const struct table *t)
{
	return sizeof(*t) + t->nbuckets * sizeof(*t->bucket) + (size_t)t->cap * t->stride;
}
