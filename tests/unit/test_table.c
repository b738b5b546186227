/* test_table.c - the bounded LRU hash table: lookups, eviction order,
 * removal, and a flood far larger than the capacity. */
#include "table.h"
#include "../tap.h"

static int evicted_key = -1, evictions;

static void on_evict(void *ctx, uint32_t slot, void *val)
{
	(void)ctx;
	(void)slot;
	evicted_key = *(int *)val;
	evictions++;
}

int main(void)
{
	struct table *t = table_new(4, sizeof(uint32_t), sizeof(int), on_evict, NULL);
	uint32_t k, s;
	int bad = 0;

	ok(t != NULL, "table created");
	for (k = 1; k <= 4; k++) {
		s = table_insert(t, &k);
		*(int *)table_val(t, s) = (int)k;
	}
	is_int(table_stats(t)->count, 4, "four entries");
	k = 1;
	ok(table_find(t, &k) != TABLE_NONE, "key 1 found (and now most recent)");
	k = 5;
	ok(table_find(t, &k) == TABLE_NONE, "key 5 absent");
	s = table_insert(t, &k);
	*(int *)table_val(t, s) = 5;
	is_int(evicted_key, 2, "full table evicts the least recently used (2, not 1)");
	is_int(table_stats(t)->evictions, 1, "eviction counted");
	k = 2;
	ok(table_find(t, &k) == TABLE_NONE, "evicted key gone");
	k = 3;
	s = table_find(t, &k);
	table_remove(t, s);
	ok(table_find(t, &k) == TABLE_NONE, "removed key gone");
	is_int(table_stats(t)->count, 3, "count after removal");
	k = 6;
	s = table_insert(t, &k);
	is_int(evictions, 1, "insert into a freed slot evicts nothing");
	is_int(*(int *)table_val(t, s), 0, "new value is zeroed");
	table_free(t);

	/* A quiet lookup finds the key but leaves the eviction order alone. */
	t = table_new(4, sizeof(uint32_t), sizeof(int), on_evict, NULL);
	for (k = 1; k <= 4; k++) {
		s = table_insert(t, &k);
		*(int *)table_val(t, s) = (int)k;
	}
	k = 1;
	s = table_find_quiet(t, &k, table_hash(t, &k));
	ok(s != TABLE_NONE && *(int *)table_val(t, s) == 1, "quiet lookup finds key 1");
	k = 9;
	ok(table_find_quiet(t, &k, table_hash(t, &k)) == TABLE_NONE, "quiet lookup misses key 9");
	k = 5;
	table_insert(t, &k);
	is_int(evicted_key, 1, "after a quiet lookup, key 1 is still the first to go");
	table_free(t);

	t = table_new(1000, sizeof(uint32_t), sizeof(uint32_t), NULL, NULL);
	for (k = 0; k < 200000; k++) {
		s = table_insert(t, &k);
		*(uint32_t *)table_val(t, s) = k;
	}
	is_int(table_stats(t)->count, 1000, "flood stays at capacity");
	is_int(table_stats(t)->evictions, 199000, "flood evictions counted");
	for (k = 199000; k < 200000; k++) {
		s = table_find(t, &k);
		if (s == TABLE_NONE || *(uint32_t *)table_val(t, s) != k)
			bad++;
	}
	is_int(bad, 0, "the newest 1000 keys are all present");
	k = 0;
	ok(table_find(t, &k) == TABLE_NONE, "the oldest key was evicted");
	table_free(t);
	ok(table_new(0, 4, 4, NULL, NULL) == NULL, "zero capacity refused");
	return tap_done();
}
