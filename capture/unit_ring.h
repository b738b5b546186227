/* unit_ring.h - a single-producer, single-consumer queue of decoded units
 * between the capture thread (libpcap and the decoder) and the thread that
 * runs the engine, so reading and analysis overlap on two cores.
 *
 * All memory is allocated once. Each unit is copied with its bytes (ESP
 * bytes only as far as the consumer asked, like a snap length: orig_len
 * still tells the real size); units come out in the order they went in. The
 * producer blocks while the ring is full, the consumer while it is empty, so
 * neither spins and nothing is dropped. */
#ifndef IKESCOPE_UNIT_RING_H
#define IKESCOPE_UNIT_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frame.h"

struct unit_ring;

/* bytes is rounded up to a power of two, at least 1 MiB: a unit's bytes are
 * cut to a quarter of it (more than any IP datagram holds). esp_bytes: how
 * much of an ESP unit to keep (SIZE_MAX: all). NULL when out of memory. */
struct unit_ring *unit_ring_new(size_t bytes, size_t esp_bytes);
void unit_ring_free(struct unit_ring *r);

/* Producer side. push copies u; waits while the ring is full. With
 * lazy, the unit may stay unseen by the consumer until the next push fills
 * a chunk, or until unit_ring_publish: for sources that never block between
 * units (a capture file), it saves a wake-up check per unit. close ends the
 * stream (and publishes). */
void unit_ring_push(struct unit_ring *r, const struct unit *u, bool lazy);
void unit_ring_publish(struct unit_ring *r);
void unit_ring_close(struct unit_ring *r);

/* Consumer side. peek returns the oldest unit, valid until pop, waiting for
 * one until deadline_ns (CLOCK_MONOTONIC; negative: no limit). NULL when
 * none came by then, or when the stream is closed and empty (see
 * unit_ring_done). */
const struct unit *unit_ring_peek(struct unit_ring *r, int64_t deadline_ns);
void unit_ring_pop(struct unit_ring *r);
bool unit_ring_done(struct unit_ring *r);

#endif
