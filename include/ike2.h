/* ike2.h - IKEv2 payload bodies decoded on demand (RFC 7296 section 3).
 *
 * Each ike2_parse_*() takes one payload body (after the generic header, as
 * ike_payload_body() returns it) and fills a plain struct: numbers, byte views
 * that borrow from the packet, and fixed-size arrays whose overflow is counted
 * rather than stored. Nothing is allocated. A body that breaks a length or
 * cross-field rule sets err (enum ike2_err) and err_off (offset in the body);
 * the fields parsed before the fault stay filled. The functions return err.
 */
#ifndef IKESCOPE_IKE2_H
#define IKESCOPE_IKE2_H

#include <stddef.h>
#include <stdint.h>

/* IKEv2 payload types (IANA "IKEv2 Payload Types"); SA/N/D/V/SK/SKF in ike.h. */
#define IKE2_PLD_KE 34
#define IKE2_PLD_IDI 35
#define IKE2_PLD_IDR 36
#define IKE2_PLD_CERT 37
#define IKE2_PLD_CERTREQ 38
#define IKE2_PLD_AUTH 39
#define IKE2_PLD_NONCE 40
#define IKE2_PLD_TSI 44
#define IKE2_PLD_TSR 45
#define IKE2_PLD_CP 47
#define IKE2_PLD_EAP 48

/* Protocol IDs. */
#define IKE2_PROTO_IKE 1
#define IKE2_PROTO_AH 2
#define IKE2_PROTO_ESP 3

/* Transform types and the one transform attribute RFC 7296 defines. */
#define IKE2_TRANS_ENCR 1
#define IKE2_TRANS_PRF 2
#define IKE2_TRANS_INTEG 3
#define IKE2_TRANS_KE 4
#define IKE2_TRANS_ESN 5
#define IKE2_TRANS_ADDKE1 6
#define IKE2_TRANS_ADDKE7 12
#define IKE2_ATTR_KEY_LENGTH 14

/* ID types. */
#define IKE2_ID_IPV4_ADDR 1
#define IKE2_ID_FQDN 2
#define IKE2_ID_RFC822_ADDR 3
#define IKE2_ID_IPV6_ADDR 5
#define IKE2_ID_DER_ASN1_DN 9
#define IKE2_ID_DER_ASN1_GN 10
#define IKE2_ID_KEY_ID 11
#define IKE2_ID_NULL 13

#define IKE2_AUTH_DIGITAL_SIGNATURE 14

/* Traffic selector types. */
#define IKE2_TS_IPV4_ADDR_RANGE 7
#define IKE2_TS_IPV6_ADDR_RANGE 8
#define IKE2_TS_FC_ADDR_RANGE 9
#define IKE2_TS_SECLABEL 10

/* Notify message types whose data the parser decodes. */
#define IKE2_N_INVALID_KE_PAYLOAD 17
#define IKE2_N_SET_WINDOW_SIZE 16385
#define IKE2_N_IPCOMP_SUPPORTED 16387
#define IKE2_N_NAT_DETECTION_SOURCE_IP 16388
#define IKE2_N_NAT_DETECTION_DESTINATION_IP 16389
#define IKE2_N_COOKIE 16390
#define IKE2_N_REKEY_SA 16393
#define IKE2_N_ADDITIONAL_IP4_ADDRESS 16397
#define IKE2_N_ADDITIONAL_IP6_ADDRESS 16398
#define IKE2_N_UPDATE_SA_ADDRESSES 16400
#define IKE2_N_AUTH_LIFETIME 16403
#define IKE2_N_REDIRECT_SUPPORTED 16406
#define IKE2_N_REDIRECT 16407
#define IKE2_N_REDIRECTED_FROM 16408
#define IKE2_N_FRAGMENTATION_SUPPORTED 16430
#define IKE2_N_CHILDLESS_IKEV2_SUPPORTED 16418
#define IKE2_N_SIGNATURE_HASH_ALGORITHMS 16431
#define IKE2_N_STATUS_MIN 16384 /* below: error types */

/* Redirect gateway identity types (RFC 5685 section 10). */
#define IKE2_GW_IPV4 1
#define IKE2_GW_IPV6 2
#define IKE2_GW_FQDN 3

/* Bounds of the fixed arrays; anything beyond is counted in *_extra. */
#define IKE2_MAX_PROPOSALS 16
#define IKE2_MAX_TRANSFORMS 32
#define IKE2_MAX_TATTRS 2 /* attributes other than Key Length, per transform */
#define IKE2_MAX_SELECTORS 16
#define IKE2_MAX_HASH_ALGS 16
#define IKE2_MAX_CP_ATTRS 32
#define IKE2_MAX_DEL_SPIS 16 /* SPIs the tree lists of a Delete */

/* Why a payload body is malformed. Stable: the tokens appear in JSON. */
#define IKE2_ERRORS(X)                                                           \
	X(IKE2_OK, "ok", "ok")                                                   \
	X(IKE2_E_SHORT, "short", "body shorter than its fixed fields")           \
	X(IKE2_E_TRAILING, "trailing", "bytes left after the last substructure") \
	X(IKE2_E_PROP_LENGTH, "proposal_length", "proposal length invalid")      \
	X(IKE2_E_PROP_LAST, "proposal_last", "proposal last-substructure field wrong") \
	X(IKE2_E_PROP_NUM, "proposal_num", "proposal numbers not 1, then +0 or +1") \
	X(IKE2_E_PROTO, "protocol", "protocol ID invalid here")                  \
	X(IKE2_E_SPI_SIZE, "spi_size", "SPI size invalid for the protocol")      \
	X(IKE2_E_TRANS_LENGTH, "transform_length", "transform length invalid")   \
	X(IKE2_E_TRANS_LAST, "transform_last", "transform last-substructure field wrong") \
	X(IKE2_E_TRANS_COUNT, "transform_count", "transform count differs from the transforms present") \
	X(IKE2_E_ATTR_LENGTH, "attribute_length", "attribute runs past its container") \
	X(IKE2_E_KE_LENGTH, "ke_length", "key exchange data size wrong for the group") \
	X(IKE2_E_ID_LENGTH, "id_length", "identity data size wrong for its type") \
	X(IKE2_E_NONCE_LENGTH, "nonce_length", "nonce not 16..256 bytes")        \
	X(IKE2_E_AUTH_ASN1, "auth_asn1", "signature algorithm identifier malformed") \
	X(IKE2_E_NOTIFY_DATA, "notify_data", "notification data wrong for its type") \
	X(IKE2_E_DEL_COUNT, "delete_count", "SPI count differs from the payload length") \
	X(IKE2_E_TS_COUNT, "ts_count", "selector count differs from the selectors present") \
	X(IKE2_E_TS_LENGTH, "ts_length", "selector length wrong for its type")   \
	X(IKE2_E_FRAG_NUM, "fragment_number", "fragment number 0 or above the total") \
	X(IKE2_E_EAP_LENGTH, "eap_length", "EAP length differs from the payload")

#define IKE2_ERR_ENUM(sym, token, text) sym,
enum ike2_err { IKE2_ERRORS(IKE2_ERR_ENUM) IKE2_ERR__COUNT };
#undef IKE2_ERR_ENUM

const char *ike2_err_text(unsigned err);
const char *ike2_err_token(unsigned err);

/* A byte view into the packet. */
struct ike2_bytes {
	const uint8_t *p;
	size_t len;
};

/* SA payload (section 3.3). */
struct ike2_tattr {
	uint16_t type;   /* without the AF bit */
	uint8_t tv;      /* AF=1: fixed 16-bit value */
	uint16_t value;  /* TV value */
	struct ike2_bytes data; /* TLV value */
};

struct ike2_transform {
	uint8_t type;
	uint16_t id;
	uint8_t has_keylen;
	uint16_t keylen;
	uint8_t nattr;        /* other attributes stored */
	uint8_t nattr_extra;  /* other attributes beyond IKE2_MAX_TATTRS */
	struct ike2_tattr attr[IKE2_MAX_TATTRS];
};

struct ike2_proposal {
	uint8_t num;
	uint8_t proto;
	uint8_t spi_size;
	uint8_t ntrans_field; /* "Num Transforms" as sent */
	uint8_t ntrans;       /* stored */
	uint16_t ntrans_extra;
	struct ike2_bytes spi;
	struct ike2_transform t[IKE2_MAX_TRANSFORMS];
};

struct ike2_sa {
	uint8_t nprop;
	uint16_t nprop_extra;
	struct ike2_proposal prop[IKE2_MAX_PROPOSALS];
	uint8_t err;
	uint16_t err_off;
};

struct ike2_ke {
	uint16_t group;
	struct ike2_bytes data;
	uint8_t err;
	uint16_t err_off;
};

struct ike2_id {
	uint8_t type;
	struct ike2_bytes data;
	uint8_t err;
	uint16_t err_off;
};

/* CERT and CERTREQ share a layout: encoding, then data. */
struct ike2_cert {
	uint8_t encoding;
	struct ike2_bytes data;
	uint8_t err;
	uint16_t err_off;
};

struct ike2_auth {
	uint8_t method;
	struct ike2_bytes data;      /* everything after the method */
	/* method 14 (RFC 7427 section 3): */
	struct ike2_bytes alg_id;    /* DER AlgorithmIdentifier */
	struct ike2_bytes signature;
	const char *alg_name;        /* known AlgorithmIdentifier, or NULL */
	uint8_t err;
	uint16_t err_off;
};

struct ike2_nonce {
	struct ike2_bytes data;
	uint8_t err;
	uint16_t err_off;
};

struct ike2_notify {
	uint8_t proto;
	uint8_t spi_size;
	uint16_t type;
	struct ike2_bytes spi;
	struct ike2_bytes data;
	/* decoded data, by type: */
	uint16_t group;           /* INVALID_KE_PAYLOAD */
	uint32_t value;           /* SET_WINDOW_SIZE, AUTH_LIFETIME */
	uint16_t cpi;             /* IPCOMP_SUPPORTED */
	uint8_t ipcomp_id;
	uint8_t addr_len;         /* ADDITIONAL_IP4/6_ADDRESS, REDIRECT IPv4/IPv6 */
	const uint8_t *addr;
	uint8_t gw_type;          /* REDIRECT, REDIRECTED_FROM */
	struct ike2_bytes gw;     /* gateway identity (FQDN or address) */
	struct ike2_bytes redirect_nonce;
	uint8_t nhash;            /* SIGNATURE_HASH_ALGORITHMS */
	uint8_t nhash_extra;
	uint16_t hash[IKE2_MAX_HASH_ALGS];
	uint8_t err;
	uint16_t err_off;
};

struct ike2_delete {
	uint8_t proto;
	uint8_t spi_size;
	uint16_t nspi;            /* as sent */
	struct ike2_bytes spis;   /* nspi * spi_size bytes */
	uint8_t err;
	uint16_t err_off;
};

struct ike2_ts_sel {
	uint8_t type;
	uint8_t ip_proto;         /* IPv4/IPv6 ranges */
	uint16_t len;
	uint16_t start_port, end_port;
	struct ike2_bytes start, end; /* addresses (4 or 16 bytes) */
	struct ike2_bytes data;   /* body after type/len, for other types */
};

struct ike2_ts {
	uint8_t count;            /* "Number of TSs" as sent */
	uint8_t nsel;
	uint8_t nsel_extra;
	struct ike2_ts_sel sel[IKE2_MAX_SELECTORS];
	uint8_t err;
	uint16_t err_off;
};

/* SK: IV, ciphertext, padding and ICV are one opaque blob to a passive tool. */
struct ike2_sk {
	struct ike2_bytes data;
	uint8_t err;
	uint16_t err_off;
};

struct ike2_skf {
	uint16_t num, total;
	struct ike2_bytes data;
	uint8_t err;
	uint16_t err_off;
};

struct ike2_cp_attr {
	uint16_t type;            /* without the reserved bit */
	struct ike2_bytes value;
};

struct ike2_cp {
	uint8_t type;
	uint8_t nattr;
	uint16_t nattr_extra;
	struct ike2_cp_attr attr[IKE2_MAX_CP_ATTRS];
	uint8_t err;
	uint16_t err_off;
};

struct ike2_eap {
	uint8_t code, id;
	uint16_t length;
	uint8_t has_type;
	uint8_t type;
	struct ike2_bytes data;   /* after the type */
	uint8_t err;
	uint16_t err_off;
};

struct ike2_vendor {
	struct ike2_bytes data;
	uint8_t err;
	uint16_t err_off;
};

int ike2_parse_sa(const uint8_t *p, size_t len, struct ike2_sa *sa);
int ike2_parse_ke(const uint8_t *p, size_t len, struct ike2_ke *ke);
int ike2_parse_id(const uint8_t *p, size_t len, struct ike2_id *id);
int ike2_parse_cert(const uint8_t *p, size_t len, struct ike2_cert *c);
int ike2_parse_certreq(const uint8_t *p, size_t len, struct ike2_cert *c);
int ike2_parse_auth(const uint8_t *p, size_t len, struct ike2_auth *a);
int ike2_parse_nonce(const uint8_t *p, size_t len, struct ike2_nonce *n);
int ike2_parse_notify(const uint8_t *p, size_t len, struct ike2_notify *n);
int ike2_parse_delete(const uint8_t *p, size_t len, struct ike2_delete *d);
int ike2_parse_vendor(const uint8_t *p, size_t len, struct ike2_vendor *v);
int ike2_parse_ts(const uint8_t *p, size_t len, struct ike2_ts *ts);
int ike2_parse_sk(const uint8_t *p, size_t len, struct ike2_sk *sk);
int ike2_parse_skf(const uint8_t *p, size_t len, struct ike2_skf *f);
int ike2_parse_cp(const uint8_t *p, size_t len, struct ike2_cp *cp);
int ike2_parse_eap(const uint8_t *p, size_t len, struct ike2_eap *e);

/* Table i of the name registries, for the test that checks each is sorted;
 * NULL past the last. */
struct name_entry;
const struct name_entry *ike2_names_table(unsigned i, size_t *n, const char **what);

/* Expected KE data size for a group, 0 when it varies or is unknown. */
size_t ike2_group_ke_len(unsigned group);

/* Names (dissect/ike2_names.c); NULL for a number the registry lacks. The
 * exchange, payload and notify lookups are declared in names.h. */
const char *ike2_transform_type_name(unsigned type);
const char *ike2_transform_id_name(unsigned type, unsigned id);
const char *ike2_transform_attr_name(unsigned type);
const char *ike2_encr_name(unsigned id);
const char *ike2_prf_name(unsigned id);
const char *ike2_integ_name(unsigned id);
const char *ike2_group_name(unsigned id);
const char *ike2_esn_name(unsigned id);
const char *ike2_proto_name(unsigned id);
const char *ike2_id_type_name(unsigned type);
const char *ike2_cert_encoding_name(unsigned enc);
const char *ike2_auth_method_name(unsigned method);
const char *ike2_ts_type_name(unsigned type);
const char *ike2_cp_type_name(unsigned type);
const char *ike2_cfg_attr_name(unsigned type);
const char *ike2_hash_alg_name(unsigned id);
const char *ike2_gw_type_name(unsigned type);
const char *ike2_eap_code_name(unsigned code);
const char *ike2_eap_type_name(unsigned type);

#endif
