/* ike2_sk.c - the framing of IKEv2's Encrypted payload (RFC 7296 section
 * 3.14, RFC 5282 for AEAD ciphers): how much of a message is the encrypted
 * payloads and their padding, once the header, the IV and the ICV that the
 * chosen transforms put around them are taken off. Without keys that size is
 * all there is to read; decryption will cut the message the same way. */
#include "engine_int.h"

#include "ike2.h"

/* IV and ICV bytes of an IKEv2 encryption transform (AEAD ones carry their
 * own ICV); false for one not known here. */
static bool encr_sizes(const struct xform *x, unsigned *iv, unsigned *icv)
{
	switch (x->id) {
	case 3:  /* 3DES */
		*iv = 8, *icv = 0;
		return true;
	case 12: /* AES-CBC */
	case 23: /* CAMELLIA-CBC */
		*iv = 16, *icv = 0;
		return true;
	case 13: /* AES-CTR */
		*iv = 8, *icv = 0;
		return true;
	case 14: /* AES-CCM-8 */
	case 18: /* AES-GCM-8 */
		*iv = 8, *icv = 8;
		return true;
	case 15: /* AES-CCM-12 */
	case 19: /* AES-GCM-12 */
		*iv = 8, *icv = 12;
		return true;
	case 16: /* AES-CCM-16 */
	case 20: /* AES-GCM-16 */
	case 28: /* CHACHA20-POLY1305 */
		*iv = 8, *icv = 16;
		return true;
	default:
		return false;
	}
}

/* ICV bytes of an IKEv2 integrity transform, 0 for one not known here. */
static unsigned integ_icv(const struct xform *x)
{
	switch (x->id) {
	case 1:  /* HMAC-MD5-96 */
	case 2:  /* HMAC-SHA1-96 */
	case 5:  /* AES-XCBC-96 */
	case 8:  /* AES-CMAC-96 */
		return 12;
	case 12: /* HMAC-SHA2-256-128 */
		return 16;
	case 13: /* HMAC-SHA2-384-192 */
		return 24;
	case 14: /* HMAC-SHA2-512-256 */
		return 32;
	default:
		return 0;
	}
}

bool ike2_sk_inner_len(const struct proposal *chosen, uint32_t msg_len, uint32_t *inner)
{
	unsigned iv = 0, icv = 0, integ = 0, nencr = 0, ninteg = 0;
	uint32_t around;

	for (unsigned i = 0; i < chosen->nx && i < PROP_MAX_XFORMS; i++) {
		const struct xform *x = &chosen->x[i];

		if (x->type == XF_INTEG && x->id == 0)
			continue; /* NONE, beside an AEAD cipher */
		if (x->type == XF_ENCR && !nencr++ && !encr_sizes(x, &iv, &icv))
			return false;
		if (x->type == XF_INTEG && !ninteg++ && !(integ = integ_icv(x)))
			return false;
	}
	/* One of each as chosen, and integrity only with a non-AEAD cipher. */
	if (nencr != 1 || ninteg > 1 || (icv ? ninteg != 0 : ninteg != 1))
		return false;
	around = IKE_HDR_LEN + 4 + iv + (icv ? icv : integ);
	if (msg_len <= around)
		return false;
	*inner = msg_len - around;
	return true;
}
