/* ike2_auth.c - the IKEv2 Authentication payload (RFC 7296 section 3.8) and
 * the Digital Signature method's AlgorithmIdentifier (RFC 7427 section 3).
 *
 * | Auth Method | RESERVED (3) | Authentication Data |
 * method 14:    | ASN.1 Length | AlgorithmIdentifier (DER) | Signature |
 */
#include "ike2_local.h"

#define DER_SEQUENCE 0x30
#define DER_OID 0x06

/* Signature algorithms of RFC 7427 Appendix A, by their OID's DER bytes. */
#define SIG_OIDS(X)                                                               \
	X("sha1WithRSAEncryption", 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05) \
	X("sha256WithRSAEncryption", 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b) \
	X("sha384WithRSAEncryption", 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c) \
	X("sha512WithRSAEncryption", 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0d) \
	X("RSASSA-PSS", 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a)              \
	X("dsa-with-sha1", 0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x03)                       \
	X("dsa-with-sha256", 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x02)         \
	X("ecdsa-with-SHA1", 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x01)                     \
	X("ecdsa-with-SHA256", 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02)             \
	X("ecdsa-with-SHA384", 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03)             \
	X("ecdsa-with-SHA512", 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x04)             \
	X("Ed25519", 0x2b, 0x65, 0x70)                                                     \
	X("Ed448", 0x2b, 0x65, 0x71)

#define SIG_OID_ENTRY(name, ...)                                                  \
	{ name, sizeof((const uint8_t[]){ __VA_ARGS__ }), { __VA_ARGS__ } },

static const struct {
	const char *name;
	size_t len;
	uint8_t oid[9];
} sig_oids[] = { SIG_OIDS(SIG_OID_ENTRY) };

static const char *oid_name(const uint8_t *oid, size_t len)
{
	for (size_t i = 0; i < sizeof(sig_oids) / sizeof(sig_oids[0]); i++)
		if (sig_oids[i].len == len && memcmp(sig_oids[i].oid, oid, len) == 0)
			return sig_oids[i].name;
	return NULL;
}

/* Checks the DER shape SEQUENCE { OID, params } with short-form lengths (the
 * identifiers are a few dozen bytes) and names the OID if it is known. */
static bool parse_alg_id(struct ike2_auth *a)
{
	struct cur c = cur_make(a->alg_id.p, a->alg_id.len);
	uint8_t seq_len, oid_len;
	const uint8_t *oid;

	if (cur_u8(&c) != DER_SEQUENCE)
		return false;
	seq_len = cur_u8(&c);
	if (c.err || seq_len >= 0x80 || seq_len != cur_left(&c))
		return false;
	if (cur_u8(&c) != DER_OID)
		return false;
	oid_len = cur_u8(&c);
	oid = cur_bytes(&c, oid_len);
	if (!oid || oid_len >= 0x80)
		return false;
	a->alg_name = oid_name(oid, oid_len);
	return true;
}

int ike2_parse_auth(const uint8_t *p, size_t len, struct ike2_auth *a)
{
	struct cur c = cur_make(p, len);
	struct cur at;
	uint8_t alen;

	memset(a, 0, sizeof(*a));
	a->method = cur_u8(&c);
	cur_skip(&c, 3);
	if (c.err)
		return IKE2_NOTE(a, IKE2_E_SHORT, p, len, &c);
	at = c;
	a->data = ike2_rest(&c);
	if (a->method != IKE2_AUTH_DIGITAL_SIGNATURE)
		return a->err;
	c = cur_make(a->data.p, a->data.len);
	alen = cur_u8(&c);
	a->alg_id.p = cur_bytes(&c, alen);
	a->alg_id.len = alen;
	if (!a->alg_id.p || alen == 0) {
		a->alg_id.len = 0;
		return IKE2_NOTE(a, IKE2_E_AUTH_ASN1, p, len, &at);
	}
	a->signature = ike2_rest(&c);
	if (!parse_alg_id(a))
		IKE2_NOTE(a, IKE2_E_AUTH_ASN1, p, len, &at);
	return a->err;
}
