/* proposals.c - SA payload bodies into struct proposal_set: IKEv2 proposals
 * as they are (RFC 7296 section 3.3), IKEv1 phase-1 and phase-2 transforms
 * mapped onto IKEv2 transform types and IDs (RFC 2409 appendix A, RFC 2407
 * section 4.5) so both versions compare and print alike. */
#include "engine_int.h"
#include "ike1.h"
#include "ike2.h"

#include <string.h>

/* IKEv1 attribute classes of a phase-2 (IPsec DOI) transform. */
#define P2_ATTR_GROUP 3
#define P2_ATTR_AUTH 5
#define P2_ATTR_KEY_LENGTH 6
#define P2_ATTR_ESN 11
#define V1_KEY_IKE 1

/* v1 value -> IKEv2 ID, per table; 0 in the second column: no equivalent. */
struct v1map {
	uint16_t v1, v2;
};

/* Phase-1 Encryption Algorithm -> IKEv2 ENCR. */
static const struct v1map p1_encr[] = {
	{ 1, 2 }, { 2, 5 }, { 3, 7 }, { 4, 4 }, { 5, 3 }, { 6, 6 }, { 7, 12 }, { 8, 23 },
};
/* Phase-1 Hash Algorithm -> IKEv2 INTEG, and -> PRF (the hash is used in HMAC form). */
static const struct v1map p1_integ[] = {
	{ 1, 1 }, { 2, 2 }, { 4, 12 }, { 5, 13 }, { 6, 14 },
};
static const struct v1map p1_prf[] = {
	{ 1, 1 }, { 2, 2 }, { 3, 3 }, { 4, 5 }, { 5, 6 }, { 6, 7 },
};
/* ESP transform ID -> IKEv2 ENCR: equal up to 20, then GMAC and Camellia moved. */
static const struct v1map esp_encr[] = {
	{ 1, 1 }, { 2, 2 }, { 3, 3 }, { 4, 4 }, { 5, 5 }, { 6, 6 }, { 7, 7 }, { 8, 8 }, { 9, 9 },
	{ 11, 11 }, { 12, 12 }, { 13, 13 }, { 14, 14 }, { 15, 15 }, { 16, 16 }, { 18, 18 },
	{ 19, 19 }, { 20, 20 }, { 22, 23 }, { 23, 21 },
};
/* Phase-2 Authentication Algorithm attribute -> IKEv2 INTEG. */
static const struct v1map p2_auth[] = {
	{ 1, 1 }, { 2, 2 }, { 3, 3 }, { 4, 4 }, { 5, 12 }, { 6, 13 }, { 7, 14 }, { 9, 5 },
	{ 11, 9 }, { 12, 10 }, { 13, 11 },
};
/* AH transform ID -> IKEv2 INTEG. */
static const struct v1map ah_integ[] = {
	{ 2, 1 }, { 3, 2 }, { 4, 3 }, { 5, 12 }, { 6, 13 }, { 7, 14 }, { 9, 5 },
	{ 11, 9 }, { 12, 10 }, { 13, 11 },
};

#define MAP(t, v) map_v1((t), sizeof(t) / sizeof((t)[0]), (v))

static uint16_t map_v1(const struct v1map *t, size_t n, uint32_t v)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].v1 == v)
			return t[i].v2;
	return 0;
}

static void add_xform(struct proposal *p, uint8_t type, uint16_t id, uint16_t keylen, uint16_t v1_id)
{
	struct xform *x;

	if (p->nx >= PROP_MAX_XFORMS)
		return;
	x = &p->x[p->nx++];
	x->type = type;
	x->id = id;
	x->keylen = keylen;
	x->v1_id = v1_id;
}

/* The next slot of the set, or NULL (counted as truncated) when full. */
static struct proposal *next_proposal(struct proposal_set *out)
{
	struct proposal *p;

	if (out->n >= PROPSET_MAX) {
		out->truncated = 1;
		return NULL;
	}
	p = &out->p[out->n++];
	memset(p, 0, sizeof(*p));
	return p;
}

static uint32_t spi32(const uint8_t *p, size_t len)
{
	return len == 4 ? ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3]
			: 0;
}

void proposals_from_ike2(const uint8_t *body, size_t len, struct proposal_set *out)
{
	/* 33 KB: on the stack rather than per-packet heap, and only for SA payloads. */
	struct ike2_sa sa;

	memset(out, 0, sizeof(*out));
	ike2_parse_sa(body, len, &sa);
	for (unsigned i = 0; i < sa.nprop; i++) {
		const struct ike2_proposal *ip = &sa.prop[i];
		struct proposal *p = next_proposal(out);

		if (!p)
			return;
		p->num = ip->num;
		p->proto = ip->proto;
		p->spi = spi32(ip->spi.p, ip->spi.len);
		for (unsigned j = 0; j < ip->ntrans; j++) {
			const struct ike2_transform *t = &ip->t[j];

			if (p->nx >= PROP_MAX_XFORMS) {
				out->truncated = 1;
				break;
			}
			add_xform(p, t->type, t->id, t->has_keylen ? t->keylen : 0, 0);
		}
		if (ip->ntrans_extra)
			out->truncated = 1;
	}
	if (sa.nprop_extra)
		out->truncated = 1;
}

static uint32_t attr_value(const struct ike1_attr *a)
{
	return a->numeric ? a->num : 0;
}

/* A phase-1 transform (KEY_IKE) is one complete alternative of the offer. */
static void from_p1_transform(const struct ike1_sa *sa, const struct ike1_transform *t,
			      struct proposal *p)
{
	uint32_t encr = 0, keylen = 0;

	for (unsigned k = 0; k < t->nattr; k++) {
		const struct ike1_attr *a = &sa->attrs[t->attr0 + k];
		uint32_t v = attr_value(a);

		switch (a->type) {
		case IKE1_ATTR_ENCR:
			encr = v;
			break;
		case IKE1_ATTR_KEY_LENGTH:
			keylen = v;
			break;
		case IKE1_ATTR_HASH:
			add_xform(p, XF_INTEG, MAP(p1_integ, v), 0, (uint16_t)v);
			add_xform(p, XF_PRF, MAP(p1_prf, v), 0, (uint16_t)v);
			break;
		case IKE1_ATTR_AUTH:
			add_xform(p, XF_V1_AUTH, (uint16_t)v, 0, (uint16_t)v);
			break;
		case IKE1_ATTR_GROUP:
			add_xform(p, XF_KE, (uint16_t)v, 0, (uint16_t)v);
			break;
		default:
			break;
		}
	}
	if (encr)
		add_xform(p, XF_ENCR, MAP(p1_encr, encr), (uint16_t)keylen, (uint16_t)encr);
}

/* A phase-2 transform: the transform ID names the cipher (ESP) or MAC (AH),
 * the attributes add integrity, PFS group, key length and ESN. */
static void from_p2_transform(const struct ike1_sa *sa, uint8_t proto, const struct ike1_transform *t,
			      struct proposal *p)
{
	uint32_t keylen = 0;

	for (unsigned k = 0; k < t->nattr; k++) {
		const struct ike1_attr *a = &sa->attrs[t->attr0 + k];
		uint32_t v = attr_value(a);

		switch (a->type) {
		case P2_ATTR_KEY_LENGTH:
			keylen = v;
			break;
		case P2_ATTR_AUTH:
			/* AH names its MAC in the transform ID already. */
			if (proto == IKE1_PROTO_ESP)
				add_xform(p, XF_INTEG, MAP(p2_auth, v), 0, (uint16_t)v);
			break;
		case P2_ATTR_GROUP:
			add_xform(p, XF_KE, (uint16_t)v, 0, (uint16_t)v);
			break;
		case P2_ATTR_ESN:
			add_xform(p, XF_ESN, 1, 0, (uint16_t)v);
			break;
		default:
			break;
		}
	}
	if (proto == IKE1_PROTO_ESP)
		add_xform(p, XF_ENCR, MAP(esp_encr, t->id), (uint16_t)keylen, t->id);
	else
		add_xform(p, XF_INTEG, MAP(ah_integ, t->id), 0, t->id);
}

void proposals_from_ike1(const uint8_t *body, size_t len, struct proposal_set *out)
{
	/* 7 KB on the stack, only for SA payloads. */
	struct ike1_sa sa;

	memset(out, 0, sizeof(*out));
	ike1_parse_sa(body, len, &sa);
	if (!sa.ipsec)
		return;
	for (unsigned i = 0; i < sa.nprop; i++) {
		const struct ike1_proposal *ip = &sa.prop[i];

		if (ip->proto != IKE1_PROTO_ISAKMP && ip->proto != IKE1_PROTO_ESP &&
		    ip->proto != IKE1_PROTO_AH)
			continue;
		for (unsigned j = 0; j < ip->ntrans; j++) {
			const struct ike1_transform *t = &sa.trans[ip->trans0 + j];
			struct proposal *p;

			if (ip->proto == IKE1_PROTO_ISAKMP && t->id != V1_KEY_IKE)
				continue;
			p = next_proposal(out);
			if (!p)
				return;
			p->num = ip->num;
			p->proto = ip->proto;
			p->v1 = 1;
			p->spi = spi32(ip->spi.p, ip->spi.len);
			if (ip->proto == IKE1_PROTO_ISAKMP)
				from_p1_transform(&sa, t, p);
			else
				from_p2_transform(&sa, ip->proto, t, p);
		}
		if (ip->trans_seen > ip->ntrans)
			out->truncated = 1;
	}
	if (sa.prop_extra)
		out->truncated = 1;
}
