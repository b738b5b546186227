/* table.h - a fixed-capacity hash table with least-recently-used eviction
 * (approximated by CLOCK), for the engine's IKE SA and ESP flow state.
 *
 * All memory is allocated once by table_new: one record per slot, chains as
 * slot indexes. Keys are hashed with libsodium's SipHash (crypto_shorthash)
 * under a random key, so a flood of attacker-chosen SPIs cannot aim at one
 * bucket. When the table is full, inserting evicts an entry not used
 * recently, after telling the owner through on_evict; evictions are counted. */
#ifndef IKESCOPE_TABLE_H
#define IKESCOPE_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TABLE_NONE UINT32_MAX

struct table_stats {
	uint32_t capacity;
	uint32_t count;
	uint64_t inserts;
	uint64_t evictions;
	uint64_t removals;
};

struct table;
typedef void (*table_evict_cb)(void *ctx, uint32_t slot, void *val);

struct table *table_new(uint32_t capacity, size_t key_len, size_t val_size,
			table_evict_cb on_evict, void *ctx);
void table_free(struct table *t);
/* Finds key; marks it recently used. Returns the slot or TABLE_NONE. */
uint32_t table_find(struct table *t, const void *key);
/* Inserts key (which must not be present) and returns its slot, with a zeroed
 * value; when full, first evicts an entry not looked up since the clock hand
 * last passed it (the oldest such, in slot order). */
uint32_t table_insert(struct table *t, const void *key);
/* The same in two steps, for callers that batch lookups: hash each key once,
 * prefetch, then find or insert with the hash (which must be table_hash's). */
uint32_t table_hash(const struct table *t, const void *key);
uint32_t table_find_hashed(struct table *t, const void *key, uint32_t h);
uint32_t table_insert_hashed(struct table *t, const void *key, uint32_t h);
/* Finds key without marking it used: for a look ahead that must not change
 * which entry is evicted next. */
uint32_t table_find_quiet(const struct table *t, const void *key, uint32_t h);
/* Cache hints, no lookup: the bucket of hash h; then the head record of its
 * chain (usually the key's own), its meta and key and len value bytes from
 * val_off. Reading the bucket before its prefetch has landed only stalls. */
void table_prefetch_bucket(const struct table *t, uint32_t h);
void table_prefetch(const struct table *t, uint32_t h, size_t val_off, size_t len);
/* Whether slot holds key; if so marks it recently used, as table_find does.
 * For callers that keep their own guess of a key's slot. */
bool table_slot_has(struct table *t, uint32_t slot, const void *key);
/* Cache hint for a slot known to the caller: its meta and key and len value
 * bytes from val_off. */
void table_prefetch_slot(const struct table *t, uint32_t slot, size_t val_off, size_t len);
void table_remove(struct table *t, uint32_t slot);
void *table_val(const struct table *t, uint32_t slot);
/* The slot of a value table_val gave. */
uint32_t table_slot_of(const struct table *t, const void *val);
const void *table_key(const struct table *t, uint32_t slot);
bool table_used(const struct table *t, uint32_t slot);
uint32_t table_capacity(const struct table *t);
/* Slots ever used: iterations over the table need go no further. */
uint32_t table_slots(const struct table *t);
const struct table_stats *table_stats(const struct table *t);
/* Bytes the table allocated, for the memory figures in make bench. */
size_t table_memory(const struct table *t);

#endif
