/* decoder.c - the frame decoder's front door: owns the bounded reassembly
 * state, peels the link layer, sweeps timeouts on packet time and hands
 * units to the engine. Layers live in decode_*.c, ipfrag.c and tcp_*.c.
 *
 * Decode errors: every one is counted. A UNIT_DECODE_ERROR is delivered only
 * when the frame was plausibly IKE/ESP traffic, i.e. the failing layer has
 * already seen UDP port 500/4500, an RFC 8229 TCP port or IP protocol 50/51.
 * A frame broken below that (short link header, truncated IP header) cannot
 * be attributed to anything and would only add noise, so it is counted only.
 */
#include <stdlib.h>
#include <stddef.h>
#include <string.h>

#include "decoder_int.h"
#include "ipfrag.h"

/* Timeouts are swept at most this often in packet time. */
#define SWEEP_INTERVAL_NS 1000000000LL

#define DECODE_ERRORS(X)                                                        \
	X(DERR_NONE, "none", "no error")                                        \
	X(DERR_TRUNCATED_LINK, "truncated_link", "link-layer header cut short") \
	X(DERR_TRUNCATED_IP, "truncated_ip", "IP header cut short")             \
	X(DERR_BAD_IP_VERSION, "bad_ip_version", "IP version does not match the link type") \
	X(DERR_BAD_IP_HEADER, "bad_ip_header", "IP header field invalid")       \
	X(DERR_BAD_IP_LENGTH, "bad_ip_length", "IP length disagrees with the frame") \
	X(DERR_TRUNCATED_L4, "truncated_l4", "UDP/TCP/ICMP header or payload too short") \
	X(DERR_BAD_UDP_LENGTH, "bad_udp_length", "UDP length disagrees with the IP length") \
	X(DERR_FRAG_OVERLAP, "frag_overlap", "IP fragments overlap with different data") \
	X(DERR_FRAG_TOO_BIG, "frag_too_big", "IP fragments exceed the maximum datagram size") \
	X(DERR_FRAG_NO_MEMORY, "frag_no_memory", "IP reassembly memory cap reached") \
	X(DERR_EXT_HEADER_LOOP, "ext_header_loop", "IPv6 extension header chain too long") \
	X(DERR_TCP_FRAME_LENGTH, "tcp_frame_length", "RFC 8229 frame length invalid")

#define DERR_TOKEN(sym, tok, text) [sym] = tok,
static const char *const derr_tokens[DERR__COUNT] = { DECODE_ERRORS(DERR_TOKEN) };
#undef DERR_TOKEN
#define DERR_TEXT(sym, tok, text) [sym] = text,
static const char *const derr_texts[DERR__COUNT] = { DECODE_ERRORS(DERR_TEXT) };
#undef DERR_TEXT

const char *decode_err_text(unsigned derr)
{
	return derr < DERR__COUNT && derr_texts[derr] ? derr_texts[derr] : "unknown error";
}

const char *decode_err_token(unsigned derr)
{
	return derr < DERR__COUNT && derr_tokens[derr] ? derr_tokens[derr] : "unknown";
}

void decoder_config_defaults(struct decoder_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->tcp_ports[0] = PORT_NATT;
	cfg->n_tcp_ports = 1;
	cfg->frag_timeout_ms = 30000;
	cfg->frag_max_bytes = 4u << 20;
	cfg->frag_max_datagrams = 1024;
	cfg->tcp_max_streams = 256;
	cfg->tcp_stream_buf = 128u << 10;
}

struct decoder *decoder_new(const struct decoder_config *cfg, unit_cb cb, void *ctx)
{
	struct decoder_config def;
	struct decoder *d;

	if (sodium_init() < 0)
		return NULL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	decoder_config_defaults(&def);
	d->cfg = *cfg;
	/* Zero means "default" so a caller may set only what it cares about. */
	if (!d->cfg.frag_timeout_ms)
		d->cfg.frag_timeout_ms = def.frag_timeout_ms;
	if (!d->cfg.frag_max_bytes)
		d->cfg.frag_max_bytes = def.frag_max_bytes;
	if (!d->cfg.frag_max_datagrams)
		d->cfg.frag_max_datagrams = def.frag_max_datagrams;
	if (!d->cfg.tcp_max_streams)
		d->cfg.tcp_max_streams = def.tcp_max_streams;
	if (!d->cfg.tcp_stream_buf)
		d->cfg.tcp_stream_buf = def.tcp_stream_buf;
	if (d->cfg.n_tcp_ports > CAPTURE_MAX_TCP_PORTS)
		d->cfg.n_tcp_ports = CAPTURE_MAX_TCP_PORTS;
	d->cb = cb;
	d->ctx = ctx;
	d->next_expire_ns = INT64_MIN;
	d->latest_ns = INT64_MIN;
	randombytes_buf(d->hash_key, sizeof(d->hash_key));
	d->frag = ipfrag_new(&d->cfg);
	d->tcp = tcp_table_new(&d->cfg);
	if (!d->frag || !d->tcp) {
		decoder_free(d);
		return NULL;
	}
	return d;
}

void decoder_free(struct decoder *d)
{
	if (!d)
		return;
	ipfrag_free(d->frag);
	tcp_table_free(d->tcp);
	iface_copies_free(d);
	free(d);
}

bool decoder_link_supported(int linktype)
{
	switch (linktype) {
	case LINKTYPE_NULL:
	case LINKTYPE_ETHERNET:
	case LINKTYPE_RAW:
	case LINKTYPE_LOOP:
	case LINKTYPE_LINUX_SLL:
	case LINKTYPE_IPV4:
	case LINKTYPE_IPV6:
	case LINKTYPE_LINUX_SLL2:
		return true;
	default:
		return false;
	}
}

void decoder_emit(struct decoder *d, const struct unit *u)
{
	/* Frames that name their interface may hold copies (iface_copies.c);
	 * once one did, every unit passes there, to keep their order. */
	if (u->ifindex || d->copies)
		iface_copies_emit(d, u);
	else
		decoder_deliver(d, u);
}

void decoder_deliver(struct decoder *d, const struct unit *u)
{
	d->st.units++;
	if (u->iface_copy)
		d->st.iface_copies++;
	if (d->cb)
		d->cb(d->ctx, u);
}

void decoder_error(struct decoder *d, const struct pkt *k, unsigned derr, bool with_unit)
{
	struct unit u;

	if (derr < DERR__COUNT)
		d->st.derr[derr]++;
	if (!with_unit)
		return;
	u = k->u;
	u.kind = UNIT_DECODE_ERROR;
	u.data = NULL;
	u.len = u.orig_len = 0;
	memset(&u.u, 0, sizeof(u.u));
	u.u.derr = (uint8_t)derr;
	decoder_emit(d, &u);
}

bool decoder_is_tcp_port(const struct decoder *d, uint16_t port)
{
	unsigned i;

	for (i = 0; i < d->cfg.n_tcp_ports; i++)
		if (d->cfg.tcp_ports[i] == port)
			return true;
	return false;
}

void decoder_expire(struct decoder *d, int64_t now_ns)
{
	/* At the end, held units are judged on the last time the input showed. */
	iface_copies_release(d, now_ns == INT64_MAX ? d->latest_ns : now_ns, now_ns == INT64_MAX);
	ipfrag_expire(d, now_ns);
	tcp_expire(d, now_ns);
}

int64_t decoder_latest(const struct decoder *d)
{
	return d->latest_ns == INT64_MIN ? 0 : d->latest_ns;
}

void decoder_idle(struct decoder *d, int64_t now_ns)
{
	iface_copies_release(d, now_ns, false);
}

void decoder_note_time(struct decoder *d, int64_t ts_ns)
{
	if (ts_ns > d->latest_ns)
		d->latest_ns = ts_ns;
}

void decoder_frame(struct decoder *d, int linktype, const uint8_t *p, uint32_t caplen,
		   uint32_t wire_len, int64_t ts_ns, uint64_t frame_no)
{
	struct cur c = cur_make(p, caplen);
	uint32_t ifindex = 0;
	bool outgoing = false;
	struct pkt k;
	int ver;

	d->st.frames++;
	d->frame_ns = ts_ns;
	/* Any frame moves the windows of units held for their copies. */
	if (d->copies)
		iface_copies_release(d, ts_ns, false);
	if (ts_ns > d->latest_ns)
		d->latest_ns = ts_ns;
	if (ts_ns >= d->next_expire_ns) {
		decoder_expire(d, ts_ns);
		d->next_expire_ns = ts_ns > INT64_MAX - SWEEP_INTERVAL_NS
					    ? INT64_MAX
					    : ts_ns + SWEEP_INTERVAL_NS;
	}
	if (!decoder_link_supported(linktype)) {
		d->st.unsupported_link++;
		return;
	}
	ver = link_decode(d, linktype, &c, &ifindex, &outgoing);
	if (!ver)
		return;
	/* The unit's union is filled by whoever makes an ICMP, fragment, TCP
	 * or error unit; zeroing it for every ESP packet would be wasted work. */
	memset(&k.u, 0, offsetof(struct unit, u));
	k.snapcut = false;
	k.proto = 0;
	k.tunnels = 0;
	k.u.frame = frame_no;
	k.u.ts_ns = ts_ns;
	k.u.wire_len = wire_len;
	k.u.ifindex = ifindex;
	k.u.outgoing = outgoing;
	k.snapcut = caplen < wire_len;
	ip_decode(d, &k, c, ver);
}

const struct decoder_stats *decoder_stats(const struct decoder *d)
{
	return &d->st;
}
