/* peers.c - the index of address pairs: for two addresses, in either order,
 * the latest IKE SA between them and the latest ESP flow each way. One
 * lookup serves a new ESP flow twice over (its IKE SA and the other direction
 * of its child SA); IKE messages, keepalives and ICMP errors find their SA
 * through it too. Entries name slots that may have been evicted and reused
 * since: whoever follows one checks what it finds. */
#include "engine_int.h"

bool peers_key(const struct addr *a, const struct addr *b, struct peer_key *k, unsigned *dir)
{
	bool swap = memcmp(a->a, b->a, sizeof(a->a)) > 0;

	if (a->family != b->family)
		return false;
	memset(k, 0, sizeof(*k));
	k->family = a->family;
	memcpy(k->lo, swap ? b->a : a->a, sizeof(k->lo));
	memcpy(k->hi, swap ? a->a : b->a, sizeof(k->hi));
	if (dir)
		*dir = swap;
	return true;
}

static uint32_t peers_slot(struct engine *e, const struct peer_key *k, uint32_t h, bool create)
{
	uint32_t s = table_find_hashed(e->peers, k, h);

	if (s == TABLE_NONE && create)
		s = table_insert_hashed(e->peers, k, h);
	return s;
}

struct peer_entry *peers_get(struct engine *e, const struct peer_key *k, uint32_t h, bool create)
{
	uint32_t s = peers_slot(e, k, h, create);

	return s == TABLE_NONE ? NULL : table_val(e->peers, s);
}

struct peer_entry *peers_get_remembered(struct engine *e, const struct peer_key *k, uint32_t *hint)
{
	uint32_t s = *hint - 1;

	if (!*hint || !table_slot_has(e->peers, s, k)) {
		s = peers_slot(e, k, table_hash(e->peers, k), true);
		*hint = s + 1;
	}
	return table_val(e->peers, s);
}

struct peer_entry *peers_find(struct engine *e, const struct addr *a, const struct addr *b)
{
	struct peer_key k;

	if (!peers_key(a, b, &k, NULL))
		return NULL;
	return peers_get(e, &k, table_hash(e->peers, &k), false);
}
