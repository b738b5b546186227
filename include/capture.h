/* capture.h - the capture engine: a libpcap source (file or interface) and
 * the frame decoder that turns link-layer frames into IKE/ESP units.
 *
 * The decoder is pure (no pcap, no I/O) so tests and fuzzers drive it with
 * byte vectors: link layer -> IPv4/IPv6 (extension headers, fragment
 * reassembly) -> UDP 500/4500 (non-ESP marker, keepalive), ESP/AH, RFC 8229
 * TCP streams, ICMP errors. Its state (reassembly tables, TCP streams) is
 * fixed-size, bounded, and expires on packet time.
 */
#ifndef IKESCOPE_CAPTURE_H
#define IKESCOPE_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frame.h"

#define CAPTURE_MAX_TCP_PORTS 8

/* Link types the decoder understands (LINKTYPE_* values from pcap-linktype(7)). */
#define LINKTYPE_NULL 0
#define LINKTYPE_ETHERNET 1
#define LINKTYPE_RAW 101
#define LINKTYPE_LOOP 108
#define LINKTYPE_LINUX_SLL 113
#define LINKTYPE_IPV4 228
#define LINKTYPE_IPV6 229
#define LINKTYPE_LINUX_SLL2 276

struct decoder_config {
	uint16_t tcp_ports[CAPTURE_MAX_TCP_PORTS]; /* RFC 8229 ports (default 4500) */
	unsigned n_tcp_ports;
	uint32_t frag_timeout_ms;  /* IP reassembly timeout on packet time (default 30000) */
	uint32_t frag_max_bytes;   /* memory cap for all pending fragments (default 4 MiB) */
	uint32_t frag_max_datagrams; /* cap on datagrams being reassembled (default 1024) */
	uint32_t tcp_max_streams;  /* cap on tracked RFC 8229 streams (default 256) */
	uint32_t tcp_stream_buf;   /* per-direction reassembly buffer (default 128 KiB) */
};

struct decoder_stats {
	uint64_t frames;
	uint64_t units;
	uint64_t derr[DERR__COUNT];
	uint64_t frags_seen;
	uint64_t frags_reassembled;
	uint64_t frags_expired;
	uint64_t frags_evicted;   /* datagrams dropped to stay under the caps */
	uint64_t tcp_streams;
	uint64_t tcp_streams_evicted;
	uint64_t unsupported_link;
	uint64_t non_ip;          /* frames of other ethertypes / address families */
	uint64_t iface_copies;    /* units marked as copies of units on another interface */
};

struct decoder;

void decoder_config_defaults(struct decoder_config *cfg);
struct decoder *decoder_new(const struct decoder_config *cfg, unit_cb cb, void *ctx);
/* Drops what the decoder still holds: call decoder_expire(d, INT64_MAX) first. */
void decoder_free(struct decoder *d);
/* True if the decoder can handle this link type. */
bool decoder_link_supported(int linktype);
/* Decodes one frame. Never reads past caplen. */
void decoder_frame(struct decoder *d, int linktype, const uint8_t *p, uint32_t caplen,
		   uint32_t wire_len, int64_t ts_ns, uint64_t frame_no);
/* Expires reassembly state older than the timeouts relative to now_ns
 * (packet time). decoder_frame calls it as time advances; callers call it
 * with INT64_MAX at end of input to flush everything. */
void decoder_expire(struct decoder *d, int64_t now_ns);
/* The input was watched up to ts_ns (a frame the filter refused, or a live
 * capture stopped with nothing left unread): datagrams still incomplete at
 * the end of the input say how long after their last fragment it went on. */
void decoder_note_time(struct decoder *d, int64_t ts_ns);
/* The latest time seen: decoder_frame's and decoder_note_time's; 0 if none. */
int64_t decoder_latest(const struct decoder *d);
/* Live, the input was quiet until now_ns: hands on the units held back a
 * moment to tell copies on two interfaces apart (iface_copies.c) whose
 * wait is over. */
void decoder_idle(struct decoder *d, int64_t now_ns);
const struct decoder_stats *decoder_stats(const struct decoder *d);
const char *decode_err_text(unsigned derr);
const char *decode_err_token(unsigned derr);

/* The libpcap source. */
struct capture_opts {
	const char *file;      /* -r (or "-" for stdin) */
	const char *iface;     /* -i */
	const char *filter;    /* -f: narrows the default filter */
	long count;            /* -c: stop after this many frames (0 = no limit) */
	int buffer_mib;        /* -B (0 = libpcap default) */
	bool no_promisc;       /* -p */
	size_t esp_bytes;      /* bytes of an ESP unit the callback reads (0 = all) */
	struct decoder_config dec;
};

struct capture_stats {
	uint64_t frames;
	uint64_t bytes;
	uint32_t ps_recv, ps_drop, ps_ifdrop; /* live only: kernel counters */
	bool live;
	uint64_t reader_cpu_ns; /* CPU time of the reading thread, once capture_run returned */
};

struct capture;

/* A capture file opened for libpcap: "-" is standard input. */
struct capture_file {
	struct pcap *p;        /* a pcap_t */
	char *buf;             /* its stdio buffer, freed after the file is closed */
};

/* Opens path with a 64 KiB read buffer (pcap_file.c says why) and
 * nanosecond time stamps. On failure returns false with libpcap's kind of
 * message ("path: reason") in ebuf, which has PCAP_ERRBUF_SIZE bytes. */
bool capture_file_open(struct capture_file *f, const char *path, char *ebuf);
void capture_file_close(struct capture_file *f);

/* Builds the default BPF filter for these RFC 8229 ports into buf. */
int capture_default_filter(const uint16_t *tcp_ports, unsigned n, char *buf, size_t len);
/* The capture filter for a link type: the default filter, narrowed by the
 * user's expression when given; on Ethernet it also matches inside one 802.1Q
 * tag ("vlan" does not compile on other links). 0, or -1 if it does not fit. */
int capture_link_filter(int linktype, const uint16_t *tcp_ports, unsigned n, const char *user,
			char *buf, size_t len);
/* Opens the source and installs the filter. On failure returns NULL with a
 * one-line message in err (no trailing newline). */
struct capture *capture_open(const struct capture_opts *o, unit_cb cb, void *ctx,
			     char *err, size_t errlen);
/* Reads until end of file, -c count, capture_break(), or an error. Returns 0
 * on a clean end, -1 on a read error (message in err; units before it were
 * delivered) or when the reader's thread cannot start. Reading and decoding
 * run on that thread; the unit callback runs on the calling thread, in
 * capture order, one unit at a time. The reader takes no signal but SIGUSR1,
 * which capture_run installs to interrupt it. */
int capture_run(struct capture *c, char *err, size_t errlen);
/* Calls tick(ctx) from capture_run, on the calling thread and between units,
 * every interval_ms of wall-clock time, so a view can print periodic reports
 * while packets flow or while none come. interval_ms 0 turns it off. */
void capture_set_tick(struct capture *c, void (*tick)(void *ctx), void *ctx, unsigned interval_ms);
/* Async-signal-safe: the reader stops after the current frame (a read
 * blocked on a quiet pipe is interrupted within 0.1 s); capture_run returns
 * once the units already read are delivered. */
void capture_break(struct capture *c);
void capture_get_stats(struct capture *c, struct capture_stats *s);
/* Once capture_run returned: the time the input was watched until (its last
 * frame, or live the stop when nothing was left unread), 0 if none. */
int64_t capture_input_end(const struct capture *c);
const struct decoder_stats *capture_decoder_stats(const struct capture *c);
int capture_linktype(const struct capture *c);
void capture_close(struct capture *c);

#endif
