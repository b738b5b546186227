/* ike.h - a dissected ISAKMP/IKE message (RFC 2408/2409 IKEv1, RFC 7296 IKEv2).
 *
 * ike_parse() validates the fixed header and walks the payload chain through
 * one bounds-checked cursor, filling a plain struct: header fields, then one
 * entry per payload with the few facts the one-line view and the engine need
 * (notify type, vendor, fragment numbers). The full decoding of a payload body
 * (proposals, IDs, selectors...) is done on demand by the per-version payload
 * parsers in ike1.h / ike2.h, from the offsets recorded here. Nothing is
 * allocated; byte views borrow from the packet.
 */
#ifndef IKESCOPE_IKE_H
#define IKESCOPE_IKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IKE_HDR_LEN 28
#define IKE_GENERIC_HDR_LEN 4
/* Real messages carry well under 30 payloads; more is a malformed or hostile
 * chain and the walk stops with IKE_E_TOO_MANY_PAYLOADS. */
#define IKE_MAX_PAYLOADS 48

/* Header flags. */
#define IKE1_FLAG_ENC 0x01
#define IKE1_FLAG_COMMIT 0x02
#define IKE1_FLAG_AUTH_ONLY 0x04
#define IKE2_FLAG_INITIATOR 0x08
#define IKE2_FLAG_VERSION 0x10
#define IKE2_FLAG_RESPONSE 0x20

/* Exchange types the engine reasons about (IANA ISAKMP and IKEv2 registries). */
#define IKE1_EXCH_MAIN 2
#define IKE1_EXCH_AGGRESSIVE 4
#define IKE1_EXCH_INFO 5
#define IKE1_EXCH_QUICK 32
#define IKE2_EXCH_SA_INIT 34
#define IKE2_EXCH_AUTH 35
#define IKE2_EXCH_CREATE_CHILD 36
#define IKE2_EXCH_INFORMATIONAL 37
/* Notify types below this are errors in both versions. */
#define IKE_NOTIFY_STATUS_FIRST 16384

/* Payload types that the chain walker itself must know. */
#define IKE_PLD_NONE 0
#define IKE1_PLD_SA 1
#define IKE1_PLD_N 11
#define IKE1_PLD_D 12
#define IKE1_PLD_VID 13
#define IKE1_PLD_FRAG 132
#define IKE2_PLD_SA 33
#define IKE2_PLD_N 41
#define IKE2_PLD_D 42
#define IKE2_PLD_V 43
#define IKE2_PLD_SK 46
#define IKE2_PLD_SKF 53

/* Why a message's parse stopped. Stable: these names appear in JSON output. */
#define IKE_PARSE_ERRORS(X)                                                    \
	X(IKE_OK, "ok")                                                        \
	X(IKE_E_SHORT, "shorter than the IKE header")                          \
	X(IKE_E_VERSION, "unknown major version")                              \
	X(IKE_E_LENGTH_SMALL, "header length smaller than the header")         \
	X(IKE_E_LENGTH_DATAGRAM, "header length differs from the datagram")    \
	X(IKE_E_TRUNCATED, "message cut short by the capture snaplen")         \
	X(IKE_E_PAYLOAD_HEADER, "payload generic header runs past the end")    \
	X(IKE_E_PAYLOAD_LENGTH, "payload length field is invalid")             \
	X(IKE_E_TOO_MANY_PAYLOADS, "payload chain too long")                   \
	X(IKE_E_TRAILING, "bytes left after the last payload")                 \
	X(IKE_E_PAYLOAD_BODY, "payload body malformed")

#define IKE_ERR_ENUM(sym, text) sym,
enum ike_perr { IKE_PARSE_ERRORS(IKE_ERR_ENUM) IKE_PERR__COUNT };
#undef IKE_ERR_ENUM

const char *ike_perr_text(unsigned err);
/* A short stable token for JSON ("payload_length"...). */
const char *ike_perr_token(unsigned err);

struct ike_payload {
	uint8_t type;       /* payload type number (version-specific registry) */
	uint8_t critical;   /* IKEv2 critical bit */
	uint8_t bad;        /* the body failed its own validation */
	uint8_t proto;      /* N/D: protocol ID */
	uint16_t len;       /* length field, including the generic header */
	uint16_t notify;    /* N: notify message type */
	int16_t vendor;     /* V/VID: index in the vendor table, -1 unknown */
	uint32_t off;       /* offset of the generic header within the message */
};

struct ike_msg {
	const uint8_t *data; /* message start (ISAKMP header) */
	size_t caplen;       /* bytes captured */
	uint32_t length;     /* length field of the header */
	uint8_t ispi[8], rspi[8];
	uint8_t first_np;    /* next payload field of the header */
	uint8_t major, minor;
	uint8_t exchange;
	uint8_t flags;
	uint32_t msg_id;

	uint8_t npl;
	struct ike_payload pl[IKE_MAX_PAYLOADS];

	uint8_t encrypted;   /* IKEv1 E flag: the body after the header is opaque */
	uint8_t sk_np;       /* IKEv2 SK/SKF: type of the first (encrypted) inner payload */
	uint16_t frag_num;   /* IKEv2 SKF or IKEv1 fragment payload: this fragment's number */
	uint16_t frag_total; /* IKEv2 SKF total; IKEv1: 0 until the last-fragment flag */
	uint8_t frag_last;   /* IKEv1 fragment payload: last-fragment flag */

	uint8_t err;         /* enum ike_perr: why the walk stopped */
	uint32_t err_off;    /* offset within the message where it stopped */
};

static inline bool ike_is_v2(const struct ike_msg *m) { return m->major == 2; }
static inline bool ike_is_response(const struct ike_msg *m)
{
	return m->major == 2 && (m->flags & IKE2_FLAG_RESPONSE);
}

/* Parses the message at p. caplen is what was captured, datagram_len what the
 * transport says the message occupies (UDP payload, TCP frame), or 0 if
 * unknown. Returns m->err; on error m holds all that was parsed before it. */
int ike_parse(const uint8_t *p, size_t caplen, size_t datagram_len, struct ike_msg *m);

/* The body of payload i (after its generic header), clamped to the capture. */
const uint8_t *ike_payload_body(const struct ike_msg *m, unsigned i, size_t *len);

/* Version-specific summaries, called by the chain walker for each payload:
 * fill pl->notify, pl->proto, pl->vendor, fragment fields, pl->bad. */
void ike1_summarize(struct ike_msg *m, struct ike_payload *pl, const uint8_t *body, size_t len);
void ike2_summarize(struct ike_msg *m, struct ike_payload *pl, const uint8_t *body, size_t len);

#endif
