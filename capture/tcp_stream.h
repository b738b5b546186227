/* tcp_stream.h - RFC 8229 TCP stream state shared by the segment
 * reassembler (tcp_stream.c) and the framer (tcp_encap.c). */
#ifndef IKESCOPE_TCP_STREAM_H
#define IKESCOPE_TCP_STREAM_H

#include <stdbool.h>
#include <stdint.h>

#include "decoder_int.h"

/* Out-of-order islands kept per direction; more is treated as a gap. */
#define TCP_MAX_OOO 8

struct tcp_range {
	uint32_t lo, hi; /* offsets from base */
	int64_t since;   /* packet time its oldest bytes came */
};

/* The bytes one endpoint sent. */
struct tcp_dir {
	bool active;          /* base is known */
	bool syn;             /* started at a SYN: the stream start is known */
	bool initiator;       /* the connecting side: its stream starts with "IKETCP" */
	bool prefix_pending;  /* prefix not yet checked */
	bool desync;          /* framing lost after a gap: deliver nothing more */
	bool fin;             /* a FIN came: nothing is sent at or after fin_seq */
	uint32_t fin_seq;
	uint8_t nooo;
	uint32_t base;        /* sequence number of buf[0] */
	uint32_t len;         /* contiguous bytes at buf */
	int64_t ooo_since;    /* packet time the oldest island has waited since */
	struct tcp_range ooo[TCP_MAX_OOO];
	uint8_t *buf;         /* tcp_stream_buf bytes from the pool */
};

struct tcp_stream {
	bool used;
	uint8_t family;
	uint8_t addr[2][16];  /* endpoint 0 = sender of the first segment seen */
	uint16_t port[2];
	uint64_t lru;
	bool reset;           /* an RST ended it: only a new SYN starts it again */
	uint32_t ifindex;     /* the interface (-i any): a forwarding host sees each stream twice */
	uint8_t outgoing[2];  /* endpoint i's latest segment left the host */
	uint64_t last_frame;
	int64_t last_ns;
	struct tcp_dir dir[2]; /* dir[i] = bytes sent by endpoint i */
};

/* A unit template for bytes sent by endpoint i of s. */
void tcp_unit_init(const struct tcp_stream *s, unsigned i, struct unit *u);
void tcp_event_emit(struct decoder *d, const struct unit *tmpl, uint8_t kind, uint32_t bytes);
/* Marks a direction as lost after a gap of the given size. */
void tcp_dir_desync(struct decoder *d, const struct unit *tmpl, struct tcp_dir *t, uint8_t kind,
		    uint32_t bytes);
/* Delivers every complete RFC 8229 frame at the head of t's buffer. */
void tcp_encap_run(struct decoder *d, struct tcp_dir *t, const struct unit *tmpl,
		   uint32_t bufsize);

#endif
