/* proposal_match.c - whether two proposals agree (RFC 7296 section 2.7:
 * each transform type present needs one algorithm in common) and, when none
 * of an offer agrees with the peer's, which transform types differ. */
#include "proposal.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define PROTO_IKE 1
#define PROTO_AH 2
#define PROTO_ESP 3
#define ADDKE_LAST (XF_ADDKE1 + 6)

/* The transform types compared, in the order clauses are written. */
static const uint8_t compared[] = { XF_ENCR, XF_INTEG, XF_PRF, XF_KE, 6, 7, 8, 9, 10, 11, 12,
				    XF_ESN, XF_V1_AUTH };
#define NCOMPARED sizeof(compared)

/* A proposal as it takes part in a comparison with another one: text
 * proposals get their implied transforms, "none" IDs are dropped. */
struct eff {
	uint8_t proto; /* 0 when neither side says */
	uint8_t nx;
	bool prf_unspecified; /* text IKE proposal without PRF or integrity (AEAD) */
	struct xform x[PROP_MAX_XFORMS * 2];
};

/* PRF strongSwan derives from an integrity algorithm. */
static uint16_t prf_of_integ(uint16_t integ)
{
	switch (integ) {
	case 1: return 1;
	case 2: return 2;
	case 5: return 4;
	case 8: return 8;
	case 12: case 1026: return 5;
	case 13: return 6;
	case 14: return 7;
	default: return 0;
	}
}

static bool is_none(const struct xform *x)
{
	return x->id == 0 && x->v1_id == 0 &&
	       (x->type == XF_INTEG || x->type == XF_KE || (x->type >= XF_ADDKE1 && x->type <= ADDKE_LAST));
}

static bool has_type(const struct proposal *p, uint8_t type)
{
	for (unsigned i = 0; i < p->nx && i < PROP_MAX_XFORMS; i++)
		if (p->x[i].type == type)
			return true;
	return false;
}

static void eff_add(struct eff *e, uint8_t type, uint16_t id)
{
	if (e->nx < sizeof(e->x) / sizeof(e->x[0])) {
		memset(&e->x[e->nx], 0, sizeof(e->x[0]));
		e->x[e->nx].type = type;
		e->x[e->nx++].id = id;
	}
}

static void eff_make(const struct proposal *p, const struct proposal *other, struct eff *e)
{
	uint8_t proto = p->proto ? p->proto : other->proto;
	bool ike = proto == PROTO_IKE;

	memset(e, 0, sizeof(*e));
	e->proto = proto;
	for (unsigned i = 0; i < p->nx && i < PROP_MAX_XFORMS; i++) {
		const struct xform *x = &p->x[i];

		if (is_none(x) || (ike && x->type == XF_ESN) || (!ike && proto && x->type == XF_PRF))
			continue;
		e->x[e->nx++] = *x;
	}
	if (ike && p->proto == 0 && !has_type(p, XF_PRF)) {
		unsigned n = e->nx;

		for (unsigned i = 0; i < n; i++)
			if (e->x[i].type == XF_INTEG && prf_of_integ(e->x[i].id))
				eff_add(e, XF_PRF, prf_of_integ(e->x[i].id));
		e->prf_unspecified = !has_type(p, XF_INTEG);
	}
	/* A child SA proposal without ESN transform means no extended numbers. */
	if ((proto == PROTO_ESP || proto == PROTO_AH) && !has_type(p, XF_ESN))
		eff_add(e, XF_ESN, 0);
}

static bool eff_has(const struct eff *e, uint8_t type)
{
	for (unsigned i = 0; i < e->nx; i++)
		if (e->x[i].type == type)
			return true;
	return false;
}

static bool same_alg(const struct xform *a, const struct xform *b)
{
	return a->id == b->id && (a->id != 0 || a->v1_id == b->v1_id);
}

/* Whether a and b share an algorithm of this type; *alg_only says they
 * share one only when key lengths are ignored. */
static bool type_common(const struct eff *a, const struct eff *b, uint8_t type, bool *alg_only)
{
	*alg_only = false;
	for (unsigned i = 0; i < a->nx; i++) {
		if (a->x[i].type != type)
			continue;
		for (unsigned j = 0; j < b->nx; j++) {
			if (b->x[j].type != type || !same_alg(&a->x[i], &b->x[j]))
				continue;
			if (a->x[i].keylen == b->x[j].keylen)
				return true;
			*alg_only = true;
		}
	}
	return false;
}

enum diff { DIFF_NONE = 0, DIFF_ALG, DIFF_KEYLEN, DIFF_ONLY_A, DIFF_ONLY_B };

static enum diff type_diff(const struct eff *a, const struct eff *b, uint8_t type)
{
	bool ha = eff_has(a, type), hb = eff_has(b, type), keylen;

	/* IKEv1 authentication methods only compare between two IKEv1 offers;
	 * text proposals have none. */
	if (type == XF_V1_AUTH && (!ha || !hb))
		return DIFF_NONE;
	if (type == XF_PRF && (a->prf_unspecified || b->prf_unspecified))
		return DIFF_NONE;
	if (!ha && !hb)
		return DIFF_NONE;
	if (!hb)
		return DIFF_ONLY_A;
	if (!ha)
		return DIFF_ONLY_B;
	if (type_common(a, b, type, &keylen))
		return DIFF_NONE;
	return keylen ? DIFF_KEYLEN : DIFF_ALG;
}

static bool proto_conflict(const struct proposal *a, const struct proposal *b)
{
	return a->proto && b->proto && a->proto != b->proto;
}

/* Counts the mismatching types of a pair; a protocol conflict outweighs all. */
static unsigned pair_distance(const struct proposal *a, const struct proposal *b)
{
	struct eff ea, eb;
	unsigned d = 0;

	if (proto_conflict(a, b))
		return 100;
	eff_make(a, b, &ea);
	eff_make(b, a, &eb);
	for (size_t t = 0; t < NCOMPARED; t++)
		d += type_diff(&ea, &eb, compared[t]) != DIFF_NONE;
	return d;
}

int proposal_match(const struct proposal *a, const struct proposal *b)
{
	return pair_distance(a, b) == 0;
}

/* ---- explaining --------------------------------------------------------- */

struct sbuf {
	char *buf;
	size_t len, used;
};

static void put(struct sbuf *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct sbuf *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(s->used < s->len ? s->buf + s->used : NULL, s->used < s->len ? s->len - s->used : 0,
		      fmt, ap);
	va_end(ap);
	if (n > 0)
		s->used += (size_t)n;
}

/* Writes the algorithms of one type, "aes128/aes256"; with bits_of the
 * key lengths of that algorithm only, "128/256-bit". */
static void put_algs(struct sbuf *s, const struct eff *e, uint8_t type, const struct xform *bits_of)
{
	char tmp[48];
	bool first = true;

	for (unsigned i = 0; i < e->nx; i++) {
		const struct xform *x = &e->x[i];

		if (x->type != type || (bits_of && !same_alg(x, bits_of)))
			continue;
		if (bits_of)
			snprintf(tmp, sizeof(tmp), "%u", x->keylen);
		else
			proposal_xform_format(x, tmp, sizeof(tmp));
		put(s, "%s%s", first ? "" : "/", tmp);
		first = false;
	}
	if (bits_of)
		put(s, "-bit");
}

static const char *type_label(uint8_t type, bool child)
{
	switch (type) {
	case XF_ENCR: return "encryption";
	case XF_INTEG: return "integrity";
	case XF_PRF: return "PRF";
	case XF_KE: return child ? "PFS group" : "DH group";
	case XF_ESN: return "ESN";
	case XF_V1_AUTH: return "authentication method";
	default: return "additional key exchange";
	}
}

static const char *proto_label(uint8_t proto)
{
	switch (proto) {
	case PROTO_IKE: return "IKE";
	case PROTO_AH: return "AH";
	case PROTO_ESP: return "ESP";
	default: return "unknown";
	}
}

/* The first algorithm of a type in a that b also has with another key length. */
static const struct xform *keylen_alg(const struct eff *a, const struct eff *b, uint8_t type)
{
	for (unsigned i = 0; i < a->nx; i++)
		for (unsigned j = 0; a->x[i].type == type && j < b->nx; j++)
			if (b->x[j].type == type && same_alg(&a->x[i], &b->x[j]))
				return &a->x[i];
	return NULL;
}

static void explain_type(struct sbuf *s, const struct eff *a, const struct eff *b, uint8_t type,
			 enum diff d, bool child)
{
	const char *label = type_label(type, child);
	char base[48];
	struct xform plain;
	const struct xform *k;

	if (s->used)
		put(s, "; ");
	if (type >= XF_ADDKE1 && type <= ADDKE_LAST)
		put(s, "%s %u", label, type - XF_ADDKE1 + 1);
	else
		put(s, "%s", label);
	put(s, "%s: ", d == DIFF_KEYLEN ? " key length" : "");
	switch (d) {
	case DIFF_KEYLEN:
		k = keylen_alg(a, b, type);
		if (!k)
			break;
		plain = *k;
		plain.keylen = 0;
		proposal_xform_format(&plain, base, sizeof(base));
		put(s, "offered %s ", base);
		put_algs(s, a, type, k);
		put(s, ", peer accepts %s ", base);
		put_algs(s, b, type, k);
		break;
	case DIFF_ONLY_A:
		put(s, "offered ");
		put_algs(s, a, type, NULL);
		put(s, ", peer accepts %s", type == XF_KE && child ? "no PFS" : "none");
		break;
	case DIFF_ONLY_B:
		put(s, "offered %s, peer %s ", type == XF_KE && child ? "no PFS" : "none",
		    type == XF_KE && child ? "requires" : "accepts");
		put_algs(s, b, type, NULL);
		break;
	default:
		put(s, "offered ");
		put_algs(s, a, type, NULL);
		put(s, ", peer accepts ");
		put_algs(s, b, type, NULL);
		break;
	}
}

size_t proposal_explain_mismatch(const struct proposal_set *offered, const struct proposal_set *peer,
				 char *buf, size_t len)
{
	struct sbuf s = { buf, len, 0 };
	const struct proposal *a, *b;
	unsigned best = ~0u, bi = 0, bj = 0;
	struct eff ea, eb;
	bool child;

	if (len > 0)
		buf[0] = '\0';
	if (offered->n == 0 || peer->n == 0)
		return 0;
	for (unsigned i = 0; i < offered->n && i < PROPSET_MAX; i++)
		for (unsigned j = 0; j < peer->n && j < PROPSET_MAX; j++) {
			unsigned d = pair_distance(&offered->p[i], &peer->p[j]);

			if (d < best) {
				best = d;
				bi = i;
				bj = j;
			}
		}
	a = &offered->p[bi];
	b = &peer->p[bj];
	if (offered->n > 1 || peer->n > 1)
		put(&s, "closest are offered proposal %u and peer proposal %u: ", bi + 1, bj + 1);
	if (best == 0) {
		put(&s, "they match");
		return s.used;
	}
	if (proto_conflict(a, b)) {
		put(&s, "protocol: offered %s, peer accepts %s", proto_label(a->proto), proto_label(b->proto));
		return s.used;
	}
	eff_make(a, b, &ea);
	eff_make(b, a, &eb);
	child = ea.proto == PROTO_ESP || ea.proto == PROTO_AH;
	{
		/* Clauses follow the prefix; the "; " separator must not precede the first. */
		struct sbuf clauses = { s.used < len ? buf + s.used : NULL, s.used < len ? len - s.used : 0, 0 };

		for (size_t t = 0; t < NCOMPARED; t++) {
			enum diff d = type_diff(&ea, &eb, compared[t]);

			if (d != DIFF_NONE)
				explain_type(&clauses, &ea, &eb, compared[t], d, child);
		}
		s.used += clauses.used;
	}
	return s.used;
}
