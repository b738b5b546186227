/* frame.h - what the capture layer hands to the engine: one decoded unit per
 * IKE message, ESP/AH packet, NAT-T keepalive, ICMP error or expired IP
 * fragment set, with its endpoints and timing. Byte views borrow from the
 * capture buffer (or a reassembly buffer) and are valid during the callback
 * only; whoever keeps data copies it.
 */
#ifndef IKESCOPE_FRAME_H
#define IKESCOPE_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum addr_family { ADDR_NONE = 0, ADDR_V4 = 4, ADDR_V6 = 6 };

struct addr {
	uint8_t family;  /* enum addr_family */
	uint8_t a[16];   /* IPv4 in the first 4 bytes */
};

/* How the unit travelled; also what the per-packet line calls "transport". */
enum transport {
	TR_NONE = 0,
	TR_UDP500,    /* IKE on UDP 500 */
	TR_UDP4500,   /* IKE after the non-ESP marker, ESP-in-UDP, keepalive */
	TR_UDP_OTHER, /* IKE on another UDP port (only when the user asks) */
	TR_TCP,       /* RFC 8229 TCP encapsulation */
	TR_IP,        /* raw ESP (50) or AH (51) */
};

enum unit_kind {
	UNIT_IKE = 1,       /* data = ISAKMP header onwards */
	UNIT_ESP,           /* data = ESP header (SPI) onwards */
	UNIT_AH,            /* data = AH header onwards */
	UNIT_KEEPALIVE,     /* NAT-T keepalive (single 0xFF byte on UDP 4500) */
	UNIT_ICMP_ERROR,    /* see struct icmp_error */
	UNIT_FRAG_EXPIRED,  /* an IP datagram whose fragments never completed */
	UNIT_TCP_EVENT,     /* RFC 8229 stream event, see struct tcp_event */
	UNIT_DECODE_ERROR,  /* a frame that could not be decoded down to IKE/ESP */
	UNIT_IFACE_COPIES,  /* the same packets seen on two interfaces, see struct iface_copies */
};

/* Why a frame could not be decoded; also counted in capture statistics. */
enum decode_err {
	DERR_NONE = 0,
	DERR_TRUNCATED_LINK,
	DERR_TRUNCATED_IP,
	DERR_BAD_IP_VERSION,
	DERR_BAD_IP_HEADER,
	DERR_BAD_IP_LENGTH,
	DERR_TRUNCATED_L4,
	DERR_BAD_UDP_LENGTH,
	DERR_FRAG_OVERLAP,
	DERR_FRAG_TOO_BIG,
	DERR_FRAG_NO_MEMORY,
	DERR_EXT_HEADER_LOOP,
	DERR_TCP_FRAME_LENGTH,
	DERR__COUNT
};

/* What an ICMP/ICMPv6 error quotes, parsed far enough to tie it to IKE or ESP. */
struct icmp_error {
	uint8_t v6;            /* ICMPv6 */
	uint8_t type, code;
	uint32_t mtu;          /* next-hop MTU / Packet Too Big MTU, 0 if none */
	struct addr q_src, q_dst; /* quoted original datagram */
	uint8_t q_proto;
	uint16_t q_sport, q_dport;
	uint32_t q_esp_spi;    /* quoted ESP SPI when q_has_spi */
	uint8_t q_has_spi;
	uint8_t q_has_ike;     /* quoted bytes reach the IKE initiator SPI */
	uint8_t q_nonesp;      /* UDP 4500 quoted as far as the non-ESP marker: IKE, SPI or not */
	uint8_t q_ike_ispi[8];
	uint8_t q_has_msgid;   /* and the header's version, exchange type, flags and message ID */
	uint8_t q_ike_version, q_ike_exch, q_ike_flags;
	uint32_t q_ike_msgid;
	uint32_t q_ike_len;    /* and its length field, 0 when the quote ends before it */
	uint16_t q_len;        /* original datagram length (from quoted IP header) */
};

/* Why an incomplete datagram was reported. */
enum frag_end {
	FRAG_TIMED_OUT = 0,     /* the reassembly timeout ran out on packet time */
	FRAG_EVICTED,           /* pushed out of the full fragment pool */
	FRAG_CAPTURE_END,       /* still waiting when the input ended */
};

/* An IP datagram whose fragments did not all arrive (see frag_end). */
struct frag_expired {
	uint8_t proto;          /* upper protocol if the first fragment was seen, else 0 */
	uint8_t end;            /* enum frag_end */
	uint32_t ident;         /* IPv4 ID or IPv6 fragment identification */
	uint32_t bytes_have;    /* payload bytes received */
	uint32_t bytes_total;   /* total payload size if the last fragment was seen, else 0 */
	uint16_t frags_have;
	uint8_t have_first, have_last;
	uint16_t sport, dport;  /* from the first fragment when seen */
	int64_t first_ns, last_ns;
	int64_t input_last_ns;  /* FRAG_CAPTURE_END: when the input ended (its last frame; live, the stop when nothing was left unread) */
	uint8_t has_ike_hdr;    /* the first fragment held an IKE header (UDP 500/4500) */
	uint8_t ike_hdr[28];    /* ... this one: ties the loss to an IKE exchange */
	uint8_t has_esp_spi;    /* the first fragment began an ESP packet (raw, or in UDP 4500) */
	uint32_t esp_spi;       /* ... with this SPI: ties the loss to an ESP flow */
};

enum tcp_event_kind {
	TCPEV_PREFIX = 1,   /* the "IKETCP" stream prefix */
	TCPEV_GAP,          /* bytes missing from the stream; framing resynced or lost */
	TCPEV_BAD_PREFIX,   /* stream on an RFC 8229 port without the prefix */
	TCPEV_OVERFLOW,     /* stream buffer full, data dropped */
};

struct tcp_event {
	uint8_t kind;       /* enum tcp_event_kind */
	uint32_t bytes;     /* gap or dropped size */
};

/* A capture of several interfaces (Linux cooked v2, as "-i any" gives) holds
 * the packets a host forwards more than once, on each side (and on devices
 * stacked on those). The capture layer ranks the interfaces in the order
 * they first show copies, keeps the copy on the best-ranked one and marks
 * the others (unit.iface_copy); this unit says so once for each two
 * interfaces, before the first copy marked. */
struct iface_copies {
	uint32_t kept, ignored; /* interface indexes */
	uint64_t kept_frame;    /* the first copy; the unit's own frame is the second */
	int64_t kept_ns;
	/* Live, this host's names for them (letters, digits and ._-@ only);
	 * empty in a file, whose indexes were another host's. */
	char kept_name[16], ignored_name[16];
};

/* How a unit copies one seen on another interface (iface_copies.c): the
 * same packet arriving and leaving (this host forwards it, and may have
 * translated its addresses), or on a device stacked on another (a VLAN, a
 * bond, a bridge port), the same way with the same addresses. */
enum iface_copy {
	COPY_NONE,
	COPY_STACKED,
	COPY_FORWARDED,
};

#define COPY_SRC_CHANGED 1
#define COPY_DST_CHANGED 2

/* One unit handed from capture/ to the engine. */
struct unit {
	uint8_t kind;           /* enum unit_kind */
	uint8_t transport;      /* enum transport */
	uint8_t iface_copy;     /* enum iface_copy: a copy of a unit seen on another interface:
				   shown, not analysed */
	uint8_t outgoing;       /* captured leaving the host (Linux cooked packet type 4) */
	uint8_t copy_changed;   /* a copy's COPY_SRC_CHANGED / COPY_DST_CHANGED: the end (address
				   and port) that differs from the copy analysed: NAT on this host */
	uint8_t unforwarded;    /* arrived on a left-out interface and no copy left on the kept one
				   within the window (iface_copies.c): the host kept or dropped it */
	uint64_t frame;         /* 1-based frame number in the capture (last frame of a reassembly) */
	int64_t ts_ns;          /* capture time, ns since the epoch */
	struct addr src, dst;
	uint16_t sport, dport;  /* 0 for raw ESP/AH */
	uint8_t ttl;            /* IPv4 TTL / IPv6 hop limit */
	uint8_t ip_frags;       /* number of IP fragments this came in (0 = not fragmented) */
	uint32_t wire_len;      /* frame length on the wire */
	uint32_t ifindex;       /* interface index (Linux cooked v2), 0 when the link type has none */
	const uint8_t *data;    /* IKE, ESP or AH bytes as captured */
	size_t len;             /* bytes available at data */
	size_t orig_len;        /* bytes the datagram says there are (>= len; more when snaplen cut it) */
	union {
		struct icmp_error icmp;
		struct frag_expired frag;
		struct tcp_event tcp;
		struct iface_copies copies;
		uint8_t derr;   /* enum decode_err */
	} u;
};

typedef void (*unit_cb)(void *ctx, const struct unit *u);

#endif
