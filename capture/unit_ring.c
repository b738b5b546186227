/* unit_ring.c - the queue of decoded units from the capture thread to the
 * engine's thread: a byte ring of variable-length records, one writer, one
 * reader.
 *
 * Positions are byte counters that only grow; a record never wraps (a skip
 * record pads to the end of the buffer instead). Each side keeps its own
 * position and a cached copy of the other's, and reads the shared one only
 * when the cache says it must, so the two cores do not trade the same cache
 * line for every unit. The reader hands back space a chunk at a time.
 *
 * Sleeping uses a mutex and two condition variables, taken only when a side
 * must wait. A side that sleeps raises its flag and then looks at the other
 * side's position again; the other side stores its position and then looks
 * at the flag. Both are sequentially consistent, so one of the two always
 * sees the other's store and no wake-up is lost. */
#include "unit_ring.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RING_MIN_BYTES (1u << 20)
#define RING_ALIGN 16

/* A record holds of its unit only what the unit's kind fills: the union at
 * the end of struct unit only for the kinds that use it (most units, IKE
 * and ESP, leave it out), then the unit's bytes. Each record crosses from
 * one core's cache to the other's, so its size is most of what the queue
 * costs. A consumer sees a whole struct unit there (the buffer has room
 * past its end for that) and reads the union only for those kinds, as
 * every reader of a unit does. */
struct rec_hdr {
	uint32_t len;       /* whole record, header included, a multiple of RING_ALIGN */
	uint16_t skip;      /* padding to the end of the buffer, no unit */
	uint16_t unit_len;  /* bytes of u kept; the unit's bytes follow */
	struct unit u;
};

struct unit_ring {
	uint8_t *buf;
	size_t size, mask;
	size_t max_data;         /* bytes of one unit kept at most */
	size_t esp_bytes;
	size_t chunk;            /* space handed back / lazily published at once */

	_Alignas(64) _Atomic size_t head;   /* published by the producer */
	_Atomic int closed;
	_Alignas(64) _Atomic size_t tail;   /* handed back by the consumer */

	_Alignas(64) size_t p_head;         /* producer's own */
	size_t p_tail;                      /* its copy of tail */
	_Atomic int p_waiting;

	_Alignas(64) size_t c_tail;         /* consumer's own */
	size_t c_head;                      /* its copy of head */
	_Atomic int c_waiting;

	pthread_mutex_t mu;
	pthread_cond_t has_data, has_space;
};

static size_t align_up(size_t n)
{
	return (n + RING_ALIGN - 1) & ~(size_t)(RING_ALIGN - 1);
}

struct unit_ring *unit_ring_new(size_t bytes, size_t esp_bytes)
{
	struct unit_ring *r;
	pthread_condattr_t ca;
	size_t size = RING_MIN_BYTES;

	while (size < bytes && size < (SIZE_MAX >> 2))
		size <<= 1;
	r = aligned_alloc(64, sizeof(*r));
	if (!r)
		return NULL;
	memset(r, 0, sizeof(*r));
	r->buf = malloc(size + sizeof(struct rec_hdr));
	if (!r->buf) {
		free(r);
		return NULL;
	}
	r->size = size;
	r->mask = size - 1;
	r->max_data = size / 4;
	r->esp_bytes = esp_bytes;
	r->chunk = size / 16;
	pthread_mutex_init(&r->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&r->has_data, &ca);
	pthread_cond_init(&r->has_space, &ca);
	pthread_condattr_destroy(&ca);
	return r;
}

void unit_ring_free(struct unit_ring *r)
{
	if (!r)
		return;
	pthread_cond_destroy(&r->has_data);
	pthread_cond_destroy(&r->has_space);
	pthread_mutex_destroy(&r->mu);
	free(r->buf);
	free(r);
}

static void wake(struct unit_ring *r, _Atomic int *waiting, pthread_cond_t *cv)
{
	if (!atomic_load(waiting))
		return;
	pthread_mutex_lock(&r->mu);
	pthread_cond_signal(cv);
	pthread_mutex_unlock(&r->mu);
}

void unit_ring_publish(struct unit_ring *r)
{
	atomic_store(&r->head, r->p_head);
	wake(r, &r->c_waiting, &r->has_data);
}

/* Waits until need bytes are free past p_head. */
static void wait_space(struct unit_ring *r, size_t need)
{
	r->p_tail = atomic_load_explicit(&r->tail, memory_order_acquire);
	if (r->p_head + need - r->p_tail <= r->size)
		return;
	/* The consumer may be asleep on what we have not published yet. */
	unit_ring_publish(r);
	pthread_mutex_lock(&r->mu);
	atomic_store(&r->p_waiting, 1);
	while (r->p_head + need - (r->p_tail = atomic_load(&r->tail)) > r->size)
		pthread_cond_wait(&r->has_space, &r->mu);
	atomic_store(&r->p_waiting, 0);
	pthread_mutex_unlock(&r->mu);
}

static size_t unit_len(const struct unit *u)
{
	switch (u->kind) {
	case UNIT_ICMP_ERROR:
		return offsetof(struct unit, u) + sizeof(u->u.icmp);
	case UNIT_FRAG_EXPIRED:
		return offsetof(struct unit, u) + sizeof(u->u.frag);
	case UNIT_TCP_EVENT:
		return offsetof(struct unit, u) + sizeof(u->u.tcp);
	case UNIT_DECODE_ERROR:
		return offsetof(struct unit, u) + sizeof(u->u.derr);
	case UNIT_IFACE_COPIES:
		return offsetof(struct unit, u) + sizeof(u->u.copies);
	default:
		return offsetof(struct unit, u);
	}
}

void unit_ring_push(struct unit_ring *r, const struct unit *u, bool lazy)
{
	size_t keep = u->len, ulen = unit_len(u), off, rec, need;
	struct rec_hdr *h;

	if (u->kind == UNIT_ESP && keep > r->esp_bytes)
		keep = r->esp_bytes;
	if (keep > r->max_data)
		keep = r->max_data;
	rec = align_up(offsetof(struct rec_hdr, u) + ulen + keep);
	off = r->p_head & r->mask;
	need = off + rec > r->size ? r->size - off + rec : rec;
	if (r->p_head + need - r->p_tail > r->size)
		wait_space(r, need);
	if (off + rec > r->size) {
		h = (struct rec_hdr *)(void *)(r->buf + off);
		h->len = (uint32_t)(r->size - off);
		h->skip = 1;
		r->p_head += r->size - off;
		off = 0;
	}
	h = (struct rec_hdr *)(void *)(r->buf + off);
	h->len = (uint32_t)rec;
	h->skip = 0;
	h->unit_len = (uint16_t)ulen;
	memcpy(&h->u, u, ulen);
	h->u.len = keep;
	h->u.data = NULL;
	if (keep)
		memcpy((uint8_t *)&h->u + ulen, u->data, keep);
	r->p_head += rec;
	if (!lazy || r->p_head - atomic_load_explicit(&r->head, memory_order_relaxed) >= r->chunk)
		unit_ring_publish(r);
}

void unit_ring_close(struct unit_ring *r)
{
	atomic_store(&r->head, r->p_head);
	atomic_store(&r->closed, 1);
	pthread_mutex_lock(&r->mu);
	pthread_cond_signal(&r->has_data);
	pthread_mutex_unlock(&r->mu);
}

/* Hands consumed space back to the producer. */
static void give_back(struct unit_ring *r)
{
	atomic_store(&r->tail, r->c_tail);
	wake(r, &r->p_waiting, &r->has_space);
}

static struct timespec timespec_of(int64_t ns)
{
	struct timespec ts = { (time_t)(ns / 1000000000), (long)(ns % 1000000000) };

	return ts;
}

/* Waits for the head to move past c_tail, or for the deadline, or for the
 * end of the stream. */
static void wait_data(struct unit_ring *r, int64_t deadline_ns)
{
	struct timespec ts = timespec_of(deadline_ns);

	give_back(r);
	pthread_mutex_lock(&r->mu);
	atomic_store(&r->c_waiting, 1);
	while ((r->c_head = atomic_load(&r->head)) == r->c_tail && !atomic_load(&r->closed)) {
		int rc = deadline_ns < 0 ? pthread_cond_wait(&r->has_data, &r->mu)
					 : pthread_cond_timedwait(&r->has_data, &r->mu, &ts);

		if (rc == ETIMEDOUT)
			break;
	}
	atomic_store(&r->c_waiting, 0);
	pthread_mutex_unlock(&r->mu);
}

const struct unit *unit_ring_peek(struct unit_ring *r, int64_t deadline_ns)
{
	for (;;) {
		struct rec_hdr *h;

		if (r->c_tail == r->c_head) {
			r->c_head = atomic_load_explicit(&r->head, memory_order_acquire);
			if (r->c_tail == r->c_head) {
				wait_data(r, deadline_ns);
				if (r->c_tail == r->c_head)
					return NULL;
			}
		}
		h = (struct rec_hdr *)(void *)(r->buf + (r->c_tail & r->mask));
		if (!h->skip) {
			h->u.data = (const uint8_t *)&h->u + h->unit_len;
			return &h->u;
		}
		r->c_tail += h->len;
	}
}

void unit_ring_pop(struct unit_ring *r)
{
	const struct rec_hdr *h = (const struct rec_hdr *)(void *)(r->buf + (r->c_tail & r->mask));

	r->c_tail += h->len;
	if (r->c_tail - atomic_load_explicit(&r->tail, memory_order_relaxed) >= r->chunk)
		give_back(r);
}

bool unit_ring_done(struct unit_ring *r)
{
	return atomic_load(&r->closed) && r->c_tail == atomic_load(&r->head);
}
