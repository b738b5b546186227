/* ike1.h - IKEv1/ISAKMP payload bodies (RFC 2408 section 3, RFC 2407 section
 * 4, RFC 2409, RFC 3947, draft-dukes-ike-mode-cfg, draft-beaulieu-ike-xauth).
 *
 * Each ike1_parse_*() decodes one payload body (the bytes after the generic
 * header, as ike_payload_body() returns them) into a plain struct: numbers,
 * fixed-size arrays, and byte views that borrow from the packet. Nothing is
 * allocated. A malformed body is data: the struct says why in .err (enum
 * ike1_err) and keeps everything decoded before the fault.
 */
#ifndef IKESCOPE_IKE1_H
#define IKESCOPE_IKE1_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ike.h"

/* Payload types beyond those ike.h names (IANA "Next Payload Types"). */
#define IKE1_PLD_P 2
#define IKE1_PLD_T 3
#define IKE1_PLD_KE 4
#define IKE1_PLD_ID 5
#define IKE1_PLD_CERT 6
#define IKE1_PLD_CR 7
#define IKE1_PLD_HASH 8
#define IKE1_PLD_SIG 9
#define IKE1_PLD_NONCE 10
#define IKE1_PLD_ATTR 14
#define IKE1_PLD_NATD 20
#define IKE1_PLD_NATOA 21
#define IKE1_PLD_NATD_DRAFT 130
#define IKE1_PLD_NATOA_DRAFT 131

/* Exchange types. */
#define IKE1_EXCH_BASE 1
#define IKE1_EXCH_ID_PROT 2
#define IKE1_EXCH_AUTH_ONLY 3
#define IKE1_EXCH_AGGRESSIVE 4
#define IKE1_EXCH_INFORMATIONAL 5
#define IKE1_EXCH_TRANSACTION 6
#define IKE1_EXCH_QUICK 32
#define IKE1_EXCH_NEW_GROUP 33

#define IKE1_DOI_IPSEC 1

/* Protocol IDs (RFC 2407 section 4.4.1). */
#define IKE1_PROTO_ISAKMP 1
#define IKE1_PROTO_AH 2
#define IKE1_PROTO_ESP 3
#define IKE1_PROTO_IPCOMP 4

/* Notify types the parsers decode further. */
#define IKE1_N_RESPONDER_LIFETIME 24576
#define IKE1_N_REPLAY_STATUS 24577
#define IKE1_N_INITIAL_CONTACT 24578
#define IKE1_N_R_U_THERE 36136
#define IKE1_N_R_U_THERE_ACK 36137

/* Identification types (RFC 2407 section 4.6.2.1, RFC 3554). */
#define IKE1_ID_IPV4_ADDR 1
#define IKE1_ID_FQDN 2
#define IKE1_ID_USER_FQDN 3
#define IKE1_ID_IPV4_ADDR_SUBNET 4
#define IKE1_ID_IPV6_ADDR 5
#define IKE1_ID_IPV6_ADDR_SUBNET 6
#define IKE1_ID_IPV4_ADDR_RANGE 7
#define IKE1_ID_IPV6_ADDR_RANGE 8
#define IKE1_ID_DER_ASN1_DN 9
#define IKE1_ID_DER_ASN1_GN 10
#define IKE1_ID_KEY_ID 11
#define IKE1_ID_LIST 12

/* Phase-1 attribute classes used outside the name tables. */
#define IKE1_ATTR_ENCR 1
#define IKE1_ATTR_HASH 2
#define IKE1_ATTR_AUTH 3
#define IKE1_ATTR_GROUP 4
#define IKE1_ATTR_LIFE_TYPE 11
#define IKE1_ATTR_LIFE_DURATION 12
#define IKE1_ATTR_KEY_LENGTH 14

/* Bounds of what one SA payload keeps. The pools are shared by all
 * proposals of the payload; anything beyond them is counted, not stored. */
#define IKE1_MAX_PROPOSALS 16
#define IKE1_MAX_TRANSFORMS 64
#define IKE1_MAX_ATTRS 256
/* Attributes kept for one notify (RESPONDER-LIFETIME) or one ATTR payload. */
#define IKE1_MAX_LIST_ATTRS 32
#define IKE1_MAX_DELETE_SPIS 16

/* Why a payload body is malformed. Stable: the names appear in output. */
#define IKE1_PARSE_ERRORS(X)                                                      \
	X(IKE1_OK, "ok")                                                          \
	X(IKE1_E_SHORT, "body shorter than its fixed fields")                    \
	X(IKE1_E_EMPTY, "body carries no data")                                   \
	X(IKE1_E_SPI_SIZE, "SPI size runs past the end")                          \
	X(IKE1_E_PROP_HEADER, "proposal header runs past the SA payload")         \
	X(IKE1_E_PROP_TYPE, "payload inside the SA is not a proposal")            \
	X(IKE1_E_PROP_LENGTH, "proposal length field is invalid")                 \
	X(IKE1_E_NO_PROPOSAL, "SA payload holds no proposal")                     \
	X(IKE1_E_TRANS_HEADER, "transform header runs past the proposal")         \
	X(IKE1_E_TRANS_TYPE, "payload inside a proposal is not a transform")      \
	X(IKE1_E_TRANS_LENGTH, "transform length field is invalid")               \
	X(IKE1_E_TRANS_COUNT, "number of transforms differs from those present")  \
	X(IKE1_E_TRAILING, "bytes after the last proposal or transform")          \
	X(IKE1_E_ATTR_HEADER, "attribute header runs past the end")               \
	X(IKE1_E_ATTR_LENGTH, "attribute value runs past the end")                \
	X(IKE1_E_ID_LENGTH, "identification data length does not fit its type")   \
	X(IKE1_E_SPI_COUNT, "number of SPIs does not fit the payload")            \
	X(IKE1_E_NOTIFY_DATA, "notification data does not fit its type")         \
	X(IKE1_E_HASH_LENGTH, "NAT-D hash length is not a hash size")

#define IKE1_ERR_ENUM(sym, text) sym,
enum ike1_err { IKE1_PARSE_ERRORS(IKE1_ERR_ENUM) IKE1_ERR__COUNT };
#undef IKE1_ERR_ENUM

const char *ike1_err_text(unsigned err);

/* A run of packet bytes, valid while the packet is. */
struct ike1_view {
	const uint8_t *p;
	size_t len;
};

/* One data attribute (RFC 2408 section 3.3): TV when the AF bit is set (the
 * 16-bit value sits in the header), else TLV. TLV values up to 4 bytes are
 * also decoded as a number. */
struct ike1_attr {
	uint16_t type;    /* without the AF bit */
	uint8_t tv;       /* AF bit set */
	uint8_t numeric;  /* num holds the value */
	uint32_t num;
	struct ike1_view val; /* TLV value bytes (empty for TV) */
};

struct ike1_transform {
	uint8_t num;
	uint8_t id;
	uint16_t len;
	uint16_t attr0;   /* first attribute in sa->attrs */
	uint16_t nattr;   /* attributes stored */
	uint16_t attr_extra; /* attributes past the pool, counted only */
};

struct ike1_proposal {
	uint8_t num;
	uint8_t proto;
	uint8_t spi_size;
	uint8_t ntrans_field; /* "number of transforms" as the wire says */
	uint16_t len;
	struct ike1_view spi;
	uint16_t trans0;  /* first transform in sa->trans */
	uint16_t ntrans;  /* transforms stored */
	uint16_t trans_seen; /* transforms present, stored or not */
};

struct ike1_sa {
	uint32_t doi;
	uint32_t situation;
	bool ipsec;       /* DOI is IPsec: situation and proposals decoded */
	uint8_t err;      /* enum ike1_err */
	uint32_t err_off; /* offset in the body where the fault was seen */
	uint16_t nprop, prop_extra;
	uint16_t ntrans, trans_extra;
	uint16_t nattr;
	struct ike1_proposal prop[IKE1_MAX_PROPOSALS];
	struct ike1_transform trans[IKE1_MAX_TRANSFORMS];
	struct ike1_attr attrs[IKE1_MAX_ATTRS];
};

/* Key exchange, hash, signature, nonce, vendor ID, NAT-D: one opaque value. */
struct ike1_blob {
	struct ike1_view data;
	uint8_t err;
};

struct ike1_id {
	uint8_t type;
	uint8_t proto;    /* IPsec DOI: IP protocol, 0 = any */
	uint16_t port;
	struct ike1_view data;  /* everything after the fixed fields */
	uint8_t family;         /* 4 or 6 for the address types, else 0 */
	uint8_t addr[16];       /* first address */
	uint8_t addr2[16];      /* subnet mask or range end */
	uint8_t err;
};

/* Certificate and certificate request: an encoding and its data. */
struct ike1_cert {
	uint8_t encoding;
	struct ike1_view data;
	uint8_t err;
};

struct ike1_notify {
	uint32_t doi;
	uint8_t proto;
	uint8_t spi_size;
	uint16_t type;
	struct ike1_view spi;
	struct ike1_view data;
	bool has_seq;     /* R-U-THERE / ACK: 32-bit sequence number */
	uint32_t seq;
	uint16_t nattr, attr_extra; /* RESPONDER-LIFETIME attributes */
	struct ike1_attr attrs[IKE1_MAX_LIST_ATTRS];
	uint8_t err;
};

struct ike1_delete {
	uint32_t doi;
	uint8_t proto;
	uint8_t spi_size;
	uint16_t nspi;    /* count as the wire says */
	uint16_t stored;  /* SPIs kept in spi[] */
	struct ike1_view spi[IKE1_MAX_DELETE_SPIS];
	uint8_t err;
};

/* NAT-OA (RFC 3947 section 5.2): an ID type and one address. */
struct ike1_natoa {
	uint8_t type;
	uint8_t family;
	uint8_t addr[16];
	uint8_t err;
};

/* Mode-config / XAUTH (draft-dukes-ike-mode-cfg section 3.2). */
struct ike1_attr_pld {
	uint8_t type;     /* REQUEST, REPLY, SET, ACK */
	uint16_t ident;
	uint16_t nattr, attr_extra;
	struct ike1_attr attrs[IKE1_MAX_LIST_ATTRS];
	uint8_t err;
};

/* Cisco-style IKE fragment (payload 132): ID, number, flags, data. */
struct ike1_frag {
	uint16_t id;
	uint8_t num;
	uint8_t flags;    /* bit 0: last fragment */
	struct ike1_view data;
	uint8_t err;
};

void ike1_parse_sa(const uint8_t *p, size_t len, struct ike1_sa *sa);
void ike1_parse_blob(const uint8_t *p, size_t len, struct ike1_blob *b);
void ike1_parse_id(const uint8_t *p, size_t len, struct ike1_id *id);
void ike1_parse_cert(const uint8_t *p, size_t len, struct ike1_cert *c);
void ike1_parse_notify(const uint8_t *p, size_t len, struct ike1_notify *n);
void ike1_parse_delete(const uint8_t *p, size_t len, struct ike1_delete *d);
void ike1_parse_natd(const uint8_t *p, size_t len, struct ike1_blob *b);
void ike1_parse_natoa(const uint8_t *p, size_t len, struct ike1_natoa *oa);
void ike1_parse_attr(const uint8_t *p, size_t len, struct ike1_attr_pld *a);
void ike1_parse_frag(const uint8_t *p, size_t len, struct ike1_frag *f);

/* Reads data attributes until the cursor is empty or cap are stored (the
 * rest are counted in *extra). Returns IKE1_OK or the error that stopped it. */
struct cur;
int ike1_parse_attrs(struct cur *c, struct ike1_attr *out, size_t cap,
		     uint16_t *n, uint16_t *extra);

/* The IPsec DOI attribute of an ISAKMP (phase 1) or IPsec (phase 2)
 * transform: which class table applies depends on the proposal's protocol. */
const char *ike1_doi_name(unsigned v);
const char *ike1_proto_name(unsigned v);
const char *ike1_transform_name(unsigned proto, unsigned id);
const char *ike1_p1_attr_name(unsigned type);
const char *ike1_p1_attr_value_name(unsigned type, unsigned v);
const char *ike1_p2_attr_name(unsigned type);
const char *ike1_p2_attr_value_name(unsigned type, unsigned v);
const char *ike1_id_type_name(unsigned v);
const char *ike1_cert_encoding_name(unsigned v);
const char *ike1_cfg_type_name(unsigned v);
const char *ike1_cfg_attr_name(unsigned v);
const char *ike1_cfg_attr_value_name(unsigned type, unsigned v);

/* Vendor table entry bytes (dissect/vendor_ids.c), for its unit test. */
const uint8_t *vendor_id_bytes(int idx, size_t *len);

/* Name tables, exposed so the unit test can check order and uniqueness. */
struct name_entry;
struct ike1_table {
	const char *what;
	const struct name_entry *t;
	size_t n;
};
const struct ike1_table *ike1_tables(size_t *n);

#endif
