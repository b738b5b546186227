/* ipfrag.h - IPv4 (RFC 791 §3.2) and IPv6 (RFC 8200 §4.5) fragment
 * reassembly into a fixed pool allocated once. */
#ifndef IKESCOPE_IPFRAG_H
#define IKESCOPE_IPFRAG_H

#include <stdbool.h>
#include <stdint.h>

#include "decoder_int.h"

/* One fragment as the IP layer saw it. */
struct frag_in {
	uint32_t ident;   /* IPv4 ID or IPv6 identification */
	uint8_t proto;    /* IPv4 protocol / IPv6 fragment header next header */
	uint32_t off;     /* byte offset of data in the datagram payload */
	bool more;        /* more-fragments flag */
	struct cur data;  /* this fragment's payload, exactly its length */
};

struct ipfrag *ipfrag_new(const struct decoder_config *cfg);
void ipfrag_free(struct ipfrag *f);
/* Adds a fragment; decodes the datagram when it completes. */
void ipfrag_add(struct decoder *d, struct pkt *k, const struct frag_in *in);
/* Delivers and drops datagrams older than the timeout at packet time now_ns. */
void ipfrag_expire(struct decoder *d, int64_t now_ns);

#endif
