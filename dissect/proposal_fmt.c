/* proposal_fmt.c - proposals as strongSwan proposal strings and back
 * ("aes256-sha256-prfsha256-modp2048", "aes128gcm16-esn"), with the IANA
 * transform IDs of RFC 7296 section 3.3.2 and its registries. */
#include "proposal.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Ciphers: keyword prefix, mode suffix, and whether a key length goes
 * between them ("aes" "256" "gcm16"). The first row of an ID is canonical. */
#define ENCR_WORDS(X)                          \
	X(2, "des", "", false)                 \
	X(3, "3des", "", false)                \
	X(6, "cast", "", true)                 \
	X(7, "blowfish", "", true)             \
	X(11, "null", "", false)               \
	X(12, "aes", "", true)                 \
	X(13, "aes", "ctr", true)              \
	X(14, "aes", "ccm8", true)             \
	X(15, "aes", "ccm12", true)            \
	X(16, "aes", "ccm16", true)            \
	X(18, "aes", "gcm8", true)             \
	X(19, "aes", "gcm12", true)            \
	X(20, "aes", "gcm16", true)            \
	X(21, "aes", "gmac", true)             \
	X(23, "camellia", "", true)            \
	X(24, "camellia", "ctr", true)         \
	X(25, "camellia", "ccm8", true)        \
	X(26, "camellia", "ccm12", true)       \
	X(27, "camellia", "ccm16", true)       \
	X(28, "chacha20poly1305", "", false)

/* Other transforms: one keyword each; later rows for an ID are aliases
 * accepted when parsing. 1026 is strongSwan's private HMAC-SHA2-256-96. */
#define WORDS(X)                                \
	X(XF_INTEG, 1, "md5")                   \
	X(XF_INTEG, 2, "sha1")                  \
	X(XF_INTEG, 2, "sha")                   \
	X(XF_INTEG, 5, "aesxcbc")               \
	X(XF_INTEG, 6, "md5_128")               \
	X(XF_INTEG, 7, "sha1_160")              \
	X(XF_INTEG, 8, "aescmac")               \
	X(XF_INTEG, 12, "sha256")               \
	X(XF_INTEG, 12, "sha2_256")             \
	X(XF_INTEG, 13, "sha384")               \
	X(XF_INTEG, 13, "sha2_384")             \
	X(XF_INTEG, 14, "sha512")               \
	X(XF_INTEG, 14, "sha2_512")             \
	X(XF_INTEG, 1026, "sha256_96")          \
	X(XF_INTEG, 1026, "sha2_256_96")        \
	X(XF_PRF, 1, "prfmd5")                  \
	X(XF_PRF, 2, "prfsha1")                 \
	X(XF_PRF, 4, "prfaesxcbc")              \
	X(XF_PRF, 5, "prfsha256")               \
	X(XF_PRF, 6, "prfsha384")               \
	X(XF_PRF, 7, "prfsha512")               \
	X(XF_PRF, 8, "prfaescmac")              \
	X(XF_KE, 1, "modp768")                  \
	X(XF_KE, 2, "modp1024")                 \
	X(XF_KE, 5, "modp1536")                 \
	X(XF_KE, 14, "modp2048")                \
	X(XF_KE, 15, "modp3072")                \
	X(XF_KE, 16, "modp4096")                \
	X(XF_KE, 17, "modp6144")                \
	X(XF_KE, 18, "modp8192")                \
	X(XF_KE, 19, "ecp256")                  \
	X(XF_KE, 20, "ecp384")                  \
	X(XF_KE, 21, "ecp521")                  \
	X(XF_KE, 22, "modp1024s160")            \
	X(XF_KE, 23, "modp2048s224")            \
	X(XF_KE, 24, "modp2048s256")            \
	X(XF_KE, 25, "ecp192")                  \
	X(XF_KE, 26, "ecp224")                  \
	X(XF_KE, 27, "ecp224bp")                \
	X(XF_KE, 28, "ecp256bp")                \
	X(XF_KE, 29, "ecp384bp")                \
	X(XF_KE, 30, "ecp512bp")                \
	X(XF_KE, 31, "curve25519")              \
	X(XF_KE, 31, "x25519")                  \
	X(XF_KE, 32, "curve448")                \
	X(XF_KE, 32, "x448")                    \
	X(XF_KE, 35, "mlkem512")                \
	X(XF_KE, 36, "mlkem768")                \
	X(XF_KE, 37, "mlkem1024")               \
	X(XF_ESN, 0, "noesn")                   \
	X(XF_ESN, 1, "esn")                     \
	X(XF_V1_AUTH, 1, "psk")                 \
	X(XF_V1_AUTH, 2, "dss")                 \
	X(XF_V1_AUTH, 3, "rsasig")              \
	X(XF_V1_AUTH, 4, "rsaenc")              \
	X(XF_V1_AUTH, 5, "rsarevenc")           \
	X(XF_V1_AUTH, 8, "ecdsa")               \
	X(XF_V1_AUTH, 9, "ecdsa256")            \
	X(XF_V1_AUTH, 10, "ecdsa384")           \
	X(XF_V1_AUTH, 11, "ecdsa521")           \
	X(XF_V1_AUTH, 64221, "hybridinitrsa")   \
	X(XF_V1_AUTH, 64222, "hybridresprsa")   \
	X(XF_V1_AUTH, 65001, "xauthinitpsk")    \
	X(XF_V1_AUTH, 65002, "xauthresppsk")    \
	X(XF_V1_AUTH, 65005, "xauthinitrsa")    \
	X(XF_V1_AUTH, 65006, "xauthresprsa")

struct encr_word {
	uint16_t id;
	const char *prefix, *suffix;
	bool keylen;
};

struct word {
	uint8_t type;
	uint16_t id;
	const char *word;
};

#define ENCR_ROW(id, prefix, suffix, kl) { id, prefix, suffix, kl },
static const struct encr_word encr_words[] = { ENCR_WORDS(ENCR_ROW) };
#undef ENCR_ROW
#define WORD_ROW(type, id, w) { type, id, w },
static const struct word words[] = { WORDS(WORD_ROW) };
#undef WORD_ROW

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Suffix spellings strongSwan also accepts, by ICV bits or with the 16-byte default. */
static const struct {
	const char *alias, *suffix;
} suffix_aliases[] = {
	{ "gcm", "gcm16" }, { "gcm64", "gcm8" }, { "gcm96", "gcm12" }, { "gcm128", "gcm16" },
	{ "ccm", "ccm16" }, { "ccm64", "ccm8" }, { "ccm96", "ccm12" }, { "ccm128", "ccm16" },
};

/* Fallback prefixes for IDs without a keyword, by transform type. */
static const char *type_word(unsigned type)
{
	switch (type) {
	case XF_ENCR:
		return "encr";
	case XF_PRF:
		return "prf";
	case XF_INTEG:
		return "integ";
	case XF_KE:
		return "ke";
	case XF_ESN:
		return "esn";
	case XF_V1_AUTH:
		return "auth";
	default:
		return "xform";
	}
}

static const char *word_for(unsigned type, unsigned id)
{
	for (size_t i = 0; i < NELEM(words); i++)
		if (words[i].type == type && words[i].id == id)
			return words[i].word;
	return NULL;
}

static size_t encr_format(const struct xform *x, char *buf, size_t len)
{
	for (size_t i = 0; i < NELEM(encr_words); i++) {
		const struct encr_word *w = &encr_words[i];

		if (w->id != x->id)
			continue;
		if (w->keylen && x->keylen)
			return (size_t)snprintf(buf, len, "%s%u%s", w->prefix, x->keylen, w->suffix);
		return (size_t)snprintf(buf, len, "%s%s", w->prefix, w->suffix);
	}
	if (x->keylen)
		return (size_t)snprintf(buf, len, "encr%u_%u", x->id, x->keylen);
	return (size_t)snprintf(buf, len, "encr%u", x->id);
}

size_t proposal_xform_format(const struct xform *x, char *buf, size_t len)
{
	const char *w;

	if (len > 0)
		buf[0] = '\0';
	if (x->type == XF_ENCR)
		return encr_format(x, buf, len);
	if (x->type >= XF_ADDKE1 && x->type <= XF_ADDKE1 + 6) {
		w = word_for(XF_KE, x->id);
		if (w)
			return (size_t)snprintf(buf, len, "ke%u_%s", x->type - XF_ADDKE1 + 1, w);
		return (size_t)snprintf(buf, len, "ke%u_ke%u", x->type - XF_ADDKE1 + 1, x->id);
	}
	w = word_for(x->type, x->id);
	if (w)
		return (size_t)snprintf(buf, len, "%s", w);
	return (size_t)snprintf(buf, len, "%s%u", type_word(x->type), x->id);
}

/* strongSwan's order: encryption, integrity, PRF, key exchanges, ESN. The
 * IKEv1 authentication method has no place in its proposal syntax. */
static const uint8_t print_order[] = { XF_ENCR, XF_INTEG, XF_PRF, XF_KE, 6, 7, 8, 9, 10, 11, 12,
				       XF_ESN };

size_t proposal_format(const struct proposal *p, char *buf, size_t len)
{
	size_t used = 0;
	char tmp[48];

	if (len > 0)
		buf[0] = '\0';
	for (size_t o = 0; o < sizeof(print_order); o++) {
		for (unsigned i = 0; i < p->nx && i < PROP_MAX_XFORMS; i++) {
			size_t n;

			if (p->x[i].type != print_order[o])
				continue;
			proposal_xform_format(&p->x[i], tmp, sizeof(tmp));
			n = (size_t)snprintf(used < len ? buf + used : NULL, used < len ? len - used : 0,
					     "%s%s", used ? "-" : "", tmp);
			used += n;
		}
	}
	return used;
}

/* "<before>'<token>'<after>", the token cut to 40 bytes. */
static void set_err(char *err, size_t errlen, const char *before, const char *tok, size_t toklen,
		    const char *after)
{
	if (errlen == 0)
		return;
	snprintf(err, errlen, "%s'%.*s'%s", before, (int)(toklen > 40 ? 40 : toklen), tok, after);
	/* The user's text goes to a terminal: no control bytes. */
	for (char *c = err; *c; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
			*c = '?';
}

/* Parses one cipher keyword ("aes256gcm16", "3des", "camellia"). */
static bool encr_parse(const char *t, size_t n, struct xform *x)
{
	for (size_t i = 0; i < NELEM(encr_words); i++) {
		const struct encr_word *w = &encr_words[i];
		size_t pl = strlen(w->prefix), dl = 0;
		unsigned long kl = 0;
		const char *suf;
		size_t sl;

		if (n < pl || memcmp(t, w->prefix, pl) != 0)
			continue;
		while (pl + dl < n && t[pl + dl] >= '0' && t[pl + dl] <= '9')
			dl++;
		if (dl > 0) {
			if (!w->keylen || dl > 4)
				continue;
			kl = strtoul(t + pl, NULL, 10);
		}
		suf = t + pl + dl;
		sl = n - pl - dl;
		for (size_t a = 0; a < NELEM(suffix_aliases); a++)
			if (strlen(suffix_aliases[a].alias) == sl &&
			    memcmp(suf, suffix_aliases[a].alias, sl) == 0) {
				suf = suffix_aliases[a].suffix;
				sl = strlen(suf);
				break;
			}
		if (strlen(w->suffix) != sl || memcmp(suf, w->suffix, sl) != 0)
			continue;
		x->type = XF_ENCR;
		x->id = w->id;
		/* strongSwan: a bare "aes" or "camellia" means 128-bit keys. */
		x->keylen = w->keylen ? (uint16_t)(kl ? kl : 128) : 0;
		return true;
	}
	return false;
}

static bool word_parse(const char *t, size_t n, struct xform *x)
{
	for (size_t i = 0; i < NELEM(words); i++)
		if (strlen(words[i].word) == n && memcmp(t, words[i].word, n) == 0) {
			x->type = words[i].type;
			x->id = words[i].id;
			return true;
		}
	/* RFC 9370 additional key exchanges: "ke1_mlkem768" .. "ke7_...". */
	if (n > 4 && t[0] == 'k' && t[1] == 'e' && t[2] >= '1' && t[2] <= '7' && t[3] == '_') {
		struct xform ke = { 0 };

		if (word_parse(t + 4, n - 4, &ke) && ke.type == XF_KE) {
			x->type = (uint8_t)(XF_ADDKE1 + (t[2] - '1'));
			x->id = ke.id;
			return true;
		}
	}
	return false;
}

/* Parses one proposal of n bytes at s. */
static int parse_one(const char *s, size_t n, struct proposal *p, char *err, size_t errlen)
{
	bool prf = false, esn = false;
	size_t i = 0;

	memset(p, 0, sizeof(*p));
	while (i <= n) {
		size_t j = i;
		struct xform x = { 0 };

		while (j < n && s[j] != '-')
			j++;
		if (j == i) {
			set_err(err, errlen, "empty algorithm in proposal ", s, n, "");
			return -1;
		}
		if (!encr_parse(s + i, j - i, &x) && !word_parse(s + i, j - i, &x)) {
			set_err(err, errlen, "unknown algorithm ", s + i, j - i, "");
			return -1;
		}
		if (x.type == XF_V1_AUTH) {
			set_err(err, errlen, "", s + i, j - i, " is an authentication method, not an algorithm");
			return -1;
		}
		if (p->nx >= PROP_MAX_XFORMS) {
			set_err(err, errlen, "too many algorithms in proposal ", s, n, "");
			return -1;
		}
		prf |= x.type == XF_PRF;
		esn |= x.type == XF_ESN;
		p->x[p->nx++] = x;
		i = j + 1;
	}
	if (prf && esn) {
		set_err(err, errlen, "proposal ", s, n, " mixes a PRF (IKE) with ESN (ESP)");
		return -1;
	}
	p->proto = prf ? 1 : esn ? 3 : 0;
	return 0;
}

int proposal_parse_list(const char *s, struct proposal_set *out, char *err, size_t errlen)
{
	size_t i = 0, n = strlen(s);

	memset(out, 0, sizeof(*out));
	if (errlen > 0)
		err[0] = '\0';
	if (n == 0) {
		if (errlen > 0)
			snprintf(err, errlen, "empty proposal list");
		return -1;
	}
	while (i <= n) {
		size_t j = i, end;

		while (j < n && s[j] != ',')
			j++;
		end = j;
		while (i < end && s[i] == ' ')
			i++;
		while (end > i && s[end - 1] == ' ')
			end--;
		if (end == i) {
			set_err(err, errlen, "empty proposal in ", s, n, "");
			return -1;
		}
		if (out->n >= PROPSET_MAX) {
			set_err(err, errlen, "more than 6 proposals in ", s, n, "");
			return -1;
		}
		if (parse_one(s + i, end - i, &out->p[out->n], err, errlen) < 0)
			return -1;
		out->p[out->n].num = (uint8_t)(out->n + 1);
		out->n++;
		i = j + 1;
	}
	return 0;
}
