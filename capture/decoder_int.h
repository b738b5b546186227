/* decoder_int.h - state and layer entry points shared by the capture/ decoder
 * files; not part of the public API (see include/capture.h). */
#ifndef IKESCOPE_DECODER_INT_H
#define IKESCOPE_DECODER_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

#include "capture.h"
#include "cur.h"
#include "frame.h"

#define IPPROTO_NUM_ICMP 1
#define IPPROTO_NUM_IPIP 4
#define IPPROTO_NUM_TCP 6
#define IPPROTO_NUM_UDP 17
#define IPPROTO_NUM_IPV6 41
#define IPPROTO_NUM_GRE 47
#define IPPROTO_NUM_ESP 50
#define IPPROTO_NUM_AH 51
#define IPPROTO_NUM_ICMPV6 58
#define PORT_IKE 500
#define PORT_NATT 4500

struct ipfrag;
struct tcp_table;
struct iface_copies_state;

struct decoder {
	struct decoder_config cfg;
	unit_cb cb;
	void *ctx;
	struct decoder_stats st;
	int64_t next_expire_ns;  /* packet time of the next reassembly sweep */
	int64_t latest_ns;       /* the latest frame time read */
	int64_t frame_ns;        /* the time of the frame being decoded (or the last one) */
	struct ipfrag *frag;
	struct tcp_table *tcp;
	struct iface_copies_state *copies; /* made on the first unit that names its interface */
	uint8_t hash_key[crypto_shorthash_KEYBYTES];
};

/* What is known about the frame while its layers are peeled. */
struct pkt {
	struct unit u;   /* template: frame, time, addresses, TTL, fragments */
	bool snapcut;    /* caplen < wire length: a short read is the capture's cut, not a lie */
	uint32_t proto;  /* IP protocol being decoded (for error plausibility) */
	uint8_t tunnels; /* GRE / IP-in-IP layers already peeled */
};

/* IKE or ESP inside GRE or IP-in-IP is decoded at most this many layers deep. */
#define DECODE_MAX_TUNNELS 3

/* decoder.c: emit hands a unit on, through iface_copies.c when needed;
 * deliver is the callback itself. */
void decoder_emit(struct decoder *d, const struct unit *u);
void decoder_deliver(struct decoder *d, const struct unit *u);
/* Counts derr; also delivers a UNIT_DECODE_ERROR when with_unit. */
void decoder_error(struct decoder *d, const struct pkt *k, unsigned derr, bool with_unit);
bool decoder_is_tcp_port(const struct decoder *d, uint16_t port);

/* decode_link.c: returns 4 or 6 with *c at the IP header, or 0 (counted).
 * Sets *ifindex when the link header names the interface, *outgoing when it
 * says the host sent the frame. */
int link_decode(struct decoder *d, int linktype, struct cur *c, uint32_t *ifindex, bool *outgoing);

/* decode_ip.c */
void ip_decode(struct decoder *d, struct pkt *k, struct cur c, int version);
/* Continues an IPv6 header chain at next header nh (after reassembly). */
void ip6_walk(struct decoder *d, struct pkt *k, uint8_t nh, struct cur c, size_t orig_len);
/* Hands an upper-layer payload to UDP/TCP/ESP/AH/ICMP. */
void ip_payload(struct decoder *d, struct pkt *k, uint8_t proto, struct cur c, size_t orig_len);
/* Reads an IPv6 extension header chain starting at *nh; leaves *c after it.
 * Returns DERR_NONE or why it stopped. */
unsigned ip6_skip_ext(struct cur *c, uint8_t *nh);
#define IP6_EXT_MAX 16

/* decode_udp.c */
void udp_decode(struct decoder *d, struct pkt *k, struct cur c, size_t orig_len);
/* decode_icmp.c */
void icmp_decode(struct decoder *d, struct pkt *k, struct cur c, bool v6);

/* iface_copies.c: emit marks u when it is a copy of a unit captured on
 * another interface, may hold it back a moment to learn whether it is, and
 * delivers units in their order; release delivers what has waited its
 * window by now_ns, or with all everything (decoder_free drops what is
 * still held: decoder_expire(INT64_MAX) first). */
void iface_copies_emit(struct decoder *d, const struct unit *u);
void iface_copies_release(struct decoder *d, int64_t now_ns, bool all);
void iface_copies_free(struct decoder *d);

/* tcp_stream.c */
struct tcp_table *tcp_table_new(const struct decoder_config *cfg);
void tcp_table_free(struct tcp_table *t);
void tcp_segment(struct decoder *d, struct pkt *k, struct cur c, size_t orig_len);
void tcp_expire(struct decoder *d, int64_t now_ns);

#endif
