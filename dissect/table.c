/* table.c - fixed-capacity SipHash-keyed hash table with LRU eviction. */
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
	uint32_t *bucket;
	struct slot_meta *meta;
	uint8_t *keys, *vals;
	uint32_t free_head;      /* free slots chained through meta.chain */
	uint32_t newest, oldest;
	table_evict_cb on_evict;
	void *ctx;
	struct table_stats st;
	unsigned char seed[crypto_shorthash_KEYBYTES];
};

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
	t->bucket = malloc(t->nbuckets * sizeof(*t->bucket));
	t->meta = calloc(capacity, sizeof(*t->meta));
	t->keys = calloc(capacity, key_len);
	t->vals = calloc(capacity, val_size);
	if (!t->bucket || !t->meta || !t->keys || !t->vals) {
		table_free(t);
		return NULL;
	}
	memset(t->bucket, 0xff, t->nbuckets * sizeof(*t->bucket));
	for (uint32_t i = 0; i < capacity; i++)
		t->meta[i].chain = i + 1 < capacity ? i + 1 : TABLE_NONE;
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
	free(t->meta);
	free(t->keys);
	free(t->vals);
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
	struct slot_meta *m = &t->meta[s];

	if (m->newer != TABLE_NONE)
		t->meta[m->newer].older = m->older;
	else
		t->newest = m->older;
	if (m->older != TABLE_NONE)
		t->meta[m->older].newer = m->newer;
	else
		t->oldest = m->newer;
}

static void lru_push_newest(struct table *t, uint32_t s)
{
	struct slot_meta *m = &t->meta[s];

	m->newer = TABLE_NONE;
	m->older = t->newest;
	if (t->newest != TABLE_NONE)
		t->meta[t->newest].newer = s;
	t->newest = s;
	if (t->oldest == TABLE_NONE)
		t->oldest = s;
}

uint32_t table_find(struct table *t, const void *key)
{
	uint32_t h = hash_of(t, key);
	uint32_t s = t->bucket[h & (t->nbuckets - 1)];

	while (s != TABLE_NONE) {
		if (t->meta[s].hash == h && key_eq(t->keys + (size_t)s * t->key_len, key, t->key_len)) {
			if (t->newest != s) {
				lru_unlink(t, s);
				lru_push_newest(t, s);
			}
			return s;
		}
		s = t->meta[s].chain;
	}
	return TABLE_NONE;
}

void table_remove(struct table *t, uint32_t s)
{
	uint32_t *pp;

	if (s >= t->cap || !t->meta[s].used)
		return;
	pp = &t->bucket[t->meta[s].hash & (t->nbuckets - 1)];
	while (*pp != s)
		pp = &t->meta[*pp].chain;
	*pp = t->meta[s].chain;
	lru_unlink(t, s);
	t->meta[s].used = false;
	t->meta[s].chain = t->free_head;
	t->free_head = s;
	t->st.count--;
	t->st.removals++;
}

uint32_t table_insert(struct table *t, const void *key)
{
	uint32_t s, h;

	if (t->free_head == TABLE_NONE) {
		uint32_t victim = t->oldest;

		if (t->on_evict)
			t->on_evict(t->ctx, victim, t->vals + (size_t)victim * t->val_size);
		table_remove(t, victim);
		t->st.removals--;
		t->st.evictions++;
	}
	s = t->free_head;
	t->free_head = t->meta[s].chain;
	h = hash_of(t, key);
	t->meta[s].used = true;
	t->meta[s].hash = h;
	t->meta[s].chain = t->bucket[h & (t->nbuckets - 1)];
	t->bucket[h & (t->nbuckets - 1)] = s;
	memcpy(t->keys + (size_t)s * t->key_len, key, t->key_len);
	memset(t->vals + (size_t)s * t->val_size, 0, t->val_size);
	lru_push_newest(t, s);
	t->st.count++;
	t->st.inserts++;
	return s;
}

void *table_val(const struct table *t, uint32_t s)
{
	return t->vals + (size_t)s * t->val_size;
}

const void *table_key(const struct table *t, uint32_t s)
{
	return t->keys + (size_t)s * t->key_len;
}

bool table_used(const struct table *t, uint32_t s)
{
	return s < t->cap && t->meta[s].used;
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
	return sizeof(*t) + t->nbuckets * sizeof(*t->bucket) +
	       t->cap * (sizeof(*t->meta) + t->key_len + t->val_size);
}
