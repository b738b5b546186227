/* test_proposals.c - SA payloads into proposals (real IKEv1/IKEv2 offers from
 * pcaps/ and the public captures), strongSwan proposal strings both ways,
 * matching, and the "which parameter did not match" explanation. */
#include <stdlib.h>
#include <string.h>

#include "../../dissect/engine_int.h"
#include "ike.h"
#include "ike1.h"
#include "ike2.h"
#include "proposal.h"
#include "natd_vectors.h"
#include "../tap.h"

/* The SA payload body of a real message. */
static const uint8_t *sa_body(const struct vec *v, struct ike_msg *m, size_t *len)
{
	ike_parse(v->data, v->len, v->len, m);
	for (unsigned i = 0; i < m->npl; i++)
		if (m->pl[i].type == IKE2_PLD_SA || (m->major == 1 && m->pl[i].type == IKE1_PLD_SA))
			return ike_payload_body(m, i, len);
	*len = 0;
	return NULL;
}

static struct ike_msg msg;

static void offer_of(const struct vec *v, struct proposal_set *ps)
{
	size_t len;
	const uint8_t *b = sa_body(v, &msg, &len);

	ok(b != NULL, "%s: has an SA payload", v->name);
	if (msg.major == 2)
		proposals_from_ike2(b, len, ps);
	else
		proposals_from_ike1(b, len, ps);
}

static const char *fmt(const struct proposal *p)
{
	static char buf[256];

	proposal_format(p, buf, sizeof(buf));
	return buf;
}

static void test_ike2_offers(void)
{
	struct proposal_set ps;

	offer_of(&v2noprop_req, &ps);
	is_int(ps.n, 1, "ikev2-no-proposal: one proposal");
	is_int(ps.p[0].proto, 1, "ikev2-no-proposal: IKE");
	is_int(ps.p[0].nx, 4, "ikev2-no-proposal: four transforms");
	is_str(fmt(&ps.p[0]), "aes128-sha256-prfsha256-modp3072", "ikev2-no-proposal: strongSwan syntax");
	is_int(ps.truncated, 0, "ikev2-no-proposal: not truncated");

	offer_of(&v2invke_req, &ps);
	is_str(fmt(&ps.p[0]), "aes128-sha256-prfsha256-modp3072-ecp256",
	       "ikev2-invalid-ke: two DH groups as alternatives");

	offer_of(&v2esp_req, &ps);
	is_str(fmt(&ps.p[0]), "aes256-sha256-prfsha256-modp2048", "ikev2-esp-udp offer");

	offer_of(&v2lsw_req, &ps);
	is_int(ps.n, 1, "libreswan initiator: one proposal");
	is_str(fmt(&ps.p[0]), "aes256-sha256-prfsha256-modp2048", "libreswan initiator offer");
	is_int(ps.p[0].x[0].type, XF_ENCR, "libreswan: ENCR first on the wire");
	is_int(ps.p[0].x[0].keylen, 256, "libreswan: key length attribute");

	offer_of(&v2ndpi_req, &ps);
	ok(ps.n >= 1, "ndpi client offer parsed (%u proposals: %s)", ps.n, fmt(&ps.p[0]));
}

static void test_ike1_offers(void)
{
	struct proposal_set ps;
	char buf[64];

	offer_of(&v1noprop_mm1, &ps);
	is_int(ps.n, 1, "ikev1-no-proposal: one transform = one alternative");
	is_int(ps.p[0].v1, 1, "ikev1-no-proposal: marked IKEv1");
	is_str(fmt(&ps.p[0]), "aes128-sha256-prfsha256-modp3072", "ikev1-no-proposal: mapped to IKEv2 ids");
	for (unsigned i = 0; i < ps.p[0].nx; i++)
		if (ps.p[0].x[i].type == XF_V1_AUTH) {
			proposal_xform_format(&ps.p[0].x[i], buf, sizeof(buf));
			is_str(buf, "psk", "ikev1-no-proposal: PSK authentication kept");
		}
	for (unsigned i = 0; i < ps.p[0].nx; i++)
		if (ps.p[0].x[i].type == XF_ENCR)
			is_int(ps.p[0].x[i].v1_id, 7, "ikev1: raw AES-CBC value kept in v1_id");

	offer_of(&v1mq_mm2, &ps);
	is_int(ps.n, 1, "ikev1-main-quick MM2: the chosen transform");
	is_str(fmt(&ps.p[0]), "aes256-sha256-prfsha256-modp2048", "ikev1-main-quick: chosen proposal");

	offer_of(&v1joy_mm1, &ps);
	is_str(fmt(&ps.p[0]), "3des-sha1-prfsha1-modp1024", "joy ikev1 MM1: 3DES/SHA/group 2");
	is_int(ps.p[0].x[ps.p[0].nx - 1].type, XF_ENCR, "ikev1: encryption added after its key length");
}

/* Phase 2 (quick mode) SAs are encrypted in every capture, so this one is
 * built from RFC 2407 section 4.5: proposal 1 ESP, SPI c0ffee01, transform
 * ESP_AES-CBC {Key Length 256, Auth HMAC-SHA2-256, Group 14, ESN}, then
 * ESP_3DES {Auth HMAC-SHA}. */
static const uint8_t p2_sa[] = {
	0, 0, 0, 1, 0, 0, 0, 1,                               /* DOI IPsec, SIT_IDENTITY_ONLY */
	0, 0, 0, 48, 1, 3, 4, 2, 0xc0, 0xff, 0xee, 0x01,      /* P: len 48, #1 ESP spi 4, 2 T */
	3, 0, 0, 24, 1, 12, 0, 0,                             /* T1: more, len 24, ESP_AES */
	0x80, 6, 1, 0, 0x80, 5, 0, 5, 0x80, 3, 0, 14, 0x80, 11, 0, 1,
	0, 0, 0, 12, 2, 3, 0, 0, 0x80, 5, 0, 2,               /* T2: last, len 12, ESP_3DES */
};

static void test_ike1_phase2(void)
{
	struct proposal_set ps;

	proposals_from_ike1(p2_sa, sizeof(p2_sa), &ps);
	is_int(ps.n, 2, "phase 2: two transforms, two alternatives");
	is_int(ps.p[0].proto, 3, "phase 2: ESP");
	is_int(ps.p[0].spi, 0xc0ffee01, "phase 2: SPI kept");
	is_str(fmt(&ps.p[0]), "aes256-sha256-modp2048-esn", "phase 2: AES-256/SHA2-256/PFS 14/ESN");
	is_str(fmt(&ps.p[1]), "3des-sha1", "phase 2: 3DES/SHA1, no PFS");

	proposals_from_ike1(p2_sa, sizeof(p2_sa) - 4, &ps);
	is_int(ps.n, 0, "phase 2 cut: proposal length runs past the SA, nothing kept");
}

/* Cutting or lying never crashes and never yields more than the bound. */
static void test_malformed(void)
{
	struct proposal_set ps;
	size_t len;
	const uint8_t *b = sa_body(&v2noprop_req, &msg, &len);
	uint8_t big[1024], lie[64];
	unsigned bad = 0;

	for (size_t cut = 0; cut < len; cut++) {
		proposals_from_ike2(b, cut, &ps);
		bad += ps.n > 1 || (ps.n == 1 && ps.p[0].nx > 4);
	}
	is_int(bad, 0, "ikev2 SA cut at every length: at most the real proposal");
	proposals_from_ike2(b, 0, &ps);
	is_int(ps.n, 0, "ikev2 SA of length 0: nothing");
	proposals_from_ike2(b, 8, &ps);
	is_int(ps.n, 0, "ikev2 SA cut after the proposal header: its length lies, nothing kept");

	/* Eight copies of the real proposal, renumbered: more than PROPSET_MAX. */
	for (unsigned i = 0; i < 8; i++) {
		memcpy(big + i * len, b, len);
		big[i * len] = i == 7 ? 0 : 2;
		big[i * len + 4] = (uint8_t)(i + 1);
	}
	proposals_from_ike2(big, 8 * len, &ps);
	is_int(ps.n, PROPSET_MAX, "eight proposals: PROPSET_MAX kept");
	is_int(ps.truncated, 1, "eight proposals: marked truncated");
	is_int(ps.p[5].num, 6, "eight proposals: numbers kept");

	/* Proposal length field larger than the body. */
	memcpy(lie, b, len < sizeof(lie) ? len : sizeof(lie));
	lie[2] = 0xff;
	proposals_from_ike2(lie, len < sizeof(lie) ? len : sizeof(lie), &ps);
	is_int(ps.n, 0, "ikev2 proposal length past the body: nothing kept");

	b = sa_body(&v1noprop_mm1, &msg, &len);
	bad = 0;
	for (size_t cut = 0; cut < len; cut++) {
		proposals_from_ike1(b, cut, &ps);
		bad += ps.n > 1;
	}
	is_int(bad, 0, "ikev1 SA cut at every length: at most one alternative");
	proposals_from_ike1(b, 7, &ps);
	is_int(ps.n, 0, "ikev1 SA shorter than DOI+situation: nothing");
}

static void test_parse(void)
{
	struct proposal_set ps;
	char err[128];

	is_int(proposal_parse_list("aes256-sha256-modp2048,aes128gcm16-prfsha256-ecp256", &ps, err,
				   sizeof(err)), 0, "parse: two proposals");
	is_int(ps.n, 2, "parse: n = 2");
	is_str(fmt(&ps.p[0]), "aes256-sha256-modp2048", "parse: first round trip");
	is_str(fmt(&ps.p[1]), "aes128gcm16-prfsha256-ecp256", "parse: second round trip");
	is_int(ps.p[0].proto, 0, "parse: no PRF and no ESN: either protocol");
	is_int(ps.p[1].proto, 1, "parse: a PRF makes it IKE");

	proposal_parse_list("aes128-aes256-sha256-modp2048-modp3072", &ps, err, sizeof(err));
	is_int(ps.p[0].nx, 5, "parse: alternatives kept as separate transforms");
	is_str(fmt(&ps.p[0]), "aes128-aes256-sha256-modp2048-modp3072", "parse: alternatives round trip");

	proposal_parse_list("aes, aes128gcm , aes256gcm128-x25519 ,camellia-sha2_256-x448", &ps, err,
			    sizeof(err));
	is_int(ps.n, 4, "parse: spaces around commas");
	is_str(fmt(&ps.p[0]), "aes128", "alias: bare aes is 128-bit");
	is_str(fmt(&ps.p[1]), "aes128gcm16", "alias: gcm alone is gcm16");
	is_str(fmt(&ps.p[2]), "aes256gcm16-curve25519", "alias: gcm128 is gcm16, x25519");
	is_str(fmt(&ps.p[3]), "camellia128-sha256-curve448", "alias: camellia, sha2_256, x448");

	proposal_parse_list("aes256gcm128-curve25519", &ps, err, sizeof(err));
	is_str(fmt(&ps.p[0]), "aes256gcm16-curve25519", "alias: gcm128 is gcm16");
	proposal_parse_list("chacha20poly1305-prfsha512-ecp521-ke1_mlkem768", &ps, err, sizeof(err));
	is_str(fmt(&ps.p[0]), "chacha20poly1305-prfsha512-ecp521-ke1_mlkem768", "chacha20 and RFC 9370 KE");
	is_int(ps.p[0].x[3].type, XF_ADDKE1, "ke1_ is additional key exchange 1");
	is_int(ps.p[0].x[3].id, 36, "mlkem768 is 36");
	proposal_parse_list("aes192ccm12-aesxcbc-modp1024s160-modp2048s256-ecp224bp-noesn", &ps, err,
			    sizeof(err));
	is_str(fmt(&ps.p[0]), "aes192ccm12-aesxcbc-modp1024s160-modp2048s256-ecp224bp-noesn",
	       "ccm, xcbc, subgroup and brainpool groups, noesn");
	is_int(ps.p[0].proto, 3, "noesn makes it ESP");
	proposal_parse_list("3des-md5-sha1-modp1536", &ps, err, sizeof(err));
	is_int(ps.p[0].x[0].keylen, 0, "3des has no key length");

	is_int(proposal_parse_list("", &ps, err, sizeof(err)), -1, "error: empty list");
	is_str(err, "empty proposal list", "error text: empty list");
	is_int(proposal_parse_list("aes256-foo-modp2048", &ps, err, sizeof(err)), -1, "error: unknown");
	is_str(err, "unknown algorithm 'foo'", "error text names the token");
	is_int(proposal_parse_list("aes256--sha256", &ps, err, sizeof(err)), -1, "error: empty algorithm");
	is_int(proposal_parse_list("aes256-sha256,", &ps, err, sizeof(err)), -1, "error: trailing comma");
	is_int(proposal_parse_list("aes256-prfsha256-esn", &ps, err, sizeof(err)), -1, "error: PRF with ESN");
	is_int(proposal_parse_list("3des168", &ps, err, sizeof(err)), -1, "error: key length on 3des");
	is_int(proposal_parse_list("aes99999", &ps, err, sizeof(err)), -1, "error: absurd key length");
	is_int(proposal_parse_list("aes-psk", &ps, err, sizeof(err)), -1, "error: auth method");
	is_int(proposal_parse_list("aes,aes,aes,aes,aes,aes,aes", &ps, err, sizeof(err)), -1,
	       "error: more than PROPSET_MAX");
	is_int(proposal_parse_list("aes-aes-aes-aes-aes-aes-aes-aes-aes-aes-aes-aes-aes-aes-aes-aes-aes",
				   &ps, err, sizeof(err)), -1, "error: more than PROP_MAX_XFORMS");
	is_int(proposal_parse_list("aes-\x1b[2J", &ps, err, sizeof(err)), -1, "error: control bytes");
	ok(strchr(err, 0x1b) == NULL, "error text carries no control bytes");
}

static void test_format_edges(void)
{
	struct proposal p = { 0 };
	char small[8];
	size_t n;

	p.nx = 3;
	p.x[0] = (struct xform){ XF_ENCR, 1234, 0, 0 };
	p.x[1] = (struct xform){ XF_KE, 99, 0, 0 };
	p.x[2] = (struct xform){ XF_INTEG, 77, 0, 0 };
	is_str(fmt(&p), "encr1234-integ77-ke99", "unknown IDs as type+number");
	n = proposal_format(&p, small, sizeof(small));
	is_int(n, 21, "short buffer: needed length returned");
	is_str(small, "encr123", "short buffer: cut and terminated");
	p.x[0] = (struct xform){ XF_ENCR, 20, 256, 0 };
	p.x[1] = (struct xform){ XF_ESN, 1, 0, 0 };
	p.nx = 2;
	is_str(fmt(&p), "aes256gcm16-esn", "ESP AEAD with ESN");
}

static int match_str(const char *a, const char *b)
{
	struct proposal_set pa, pb;
	char err[128];

	if (proposal_parse_list(a, &pa, err, sizeof(err)) || proposal_parse_list(b, &pb, err, sizeof(err)))
		return -1;
	return proposal_match(&pa.p[0], &pb.p[0]);
}

static const char *explain(const struct proposal_set *off, const char *peer)
{
	static char buf[512];
	struct proposal_set pp;
	char err[128];

	buf[0] = '\0';
	if (proposal_parse_list(peer, &pp, err, sizeof(err)) == 0)
		proposal_explain_mismatch(off, &pp, buf, sizeof(buf));
	return buf;
}

static void test_match(void)
{
	struct proposal_set off;

	offer_of(&v2esp_req, &off);
	is_int(match_str("aes256-sha256-modp2048", "aes256-sha256-modp2048"), 1, "match: same");
	is_int(match_str("aes256-sha256-modp2048", "aes128-aes256-sha1-sha256-modp3072-modp2048"), 1,
	       "match: one common alternative of each type");
	is_int(match_str("aes256-sha256-modp2048", "aes128-sha256-modp2048"), 0, "no match: key length");
	is_int(match_str("aes256gcm16-prfsha256-ecp256", "aes256gcm16-prfsha384-ecp256"), 0, "no match: PRF");
	is_int(match_str("aes128gcm16-esn", "aes128gcm16"), 0, "no match: ESN vs none");
	is_int(match_str("aes128gcm16-noesn", "aes128gcm16"), 1, "match: noesn is no ESN");
	{
		struct proposal_set pp;
		char err[64];

		proposal_parse_list("aes256-sha256-modp2048", &pp, err, sizeof(err));
		is_int(proposal_match(&off.p[0], &pp.p[0]), 1, "wire offer matches text, PRF from integrity");
		proposal_parse_list("aes256-sha256-prfsha1-modp2048", &pp, err, sizeof(err));
		is_int(proposal_match(&off.p[0], &pp.p[0]), 0, "explicit other PRF does not match");
		proposal_parse_list("aes256-sha256-modp2048-esn", &pp, err, sizeof(err));
		is_int(proposal_match(&off.p[0], &pp.p[0]), 0, "ESP text vs IKE offer: protocol");
	}
}

static void test_explain(void)
{
	struct proposal_set off;
	char buf[512];
	struct proposal_set a, b;
	char err[64];

	offer_of(&v2noprop_req, &off);
	is_str(explain(&off, "aes256gcm16-prfsha384-ecp384"),
	       "encryption: offered aes128, peer accepts aes256gcm16; integrity: offered sha256, peer "
	       "accepts none; PRF: offered prfsha256, peer accepts prfsha384; DH group: offered modp3072, "
	       "peer accepts ecp384",
	       "ikev2-no-proposal vs the responder's config");

	offer_of(&v1noprop_mm1, &off);
	is_str(explain(&off, "aes256-sha384-ecp384"),
	       "encryption key length: offered aes 128-bit, peer accepts aes 256-bit; integrity: offered "
	       "sha256, peer accepts sha384; PRF: offered prfsha256, peer accepts prfsha384; DH group: "
	       "offered modp3072, peer accepts ecp384",
	       "ikev1-no-proposal vs the responder's config");

	offer_of(&v2esp_req, &off);
	is_str(explain(&off, "aes256-sha256-modp3072,aes128-sha1-modp1024"),
	       "closest are offered proposal 1 and peer proposal 1: DH group: offered modp2048, peer "
	       "accepts modp3072",
	       "closest of two peer proposals");
	is_str(explain(&off, "aes256-sha256-modp2048"), "they match", "explain a match");

	/* Child SA: PFS and ESN. */
	proposal_parse_list("aes128-sha256-modp2048", &a, err, sizeof(err));
	a.p[0].proto = 3;
	proposal_parse_list("aes128-sha256-esn", &b, err, sizeof(err));
	proposal_explain_mismatch(&a, &b, buf, sizeof(buf));
	is_str(buf, "PFS group: offered modp2048, peer accepts no PFS; ESN: offered noesn, peer accepts esn",
	       "child SA: PFS and ESN differences");
	proposal_explain_mismatch(&b, &a, buf, sizeof(buf));
	is_str(buf, "PFS group: offered no PFS, peer requires modp2048; ESN: offered esn, peer accepts noesn",
	       "child SA: PFS required by the peer");
	a.p[0].proto = 2;
	proposal_explain_mismatch(&a, &b, buf, sizeof(buf));
	is_str(buf, "protocol: offered AH, peer accepts ESP", "protocol difference");
	is_int(proposal_explain_mismatch(&a, &(struct proposal_set){ 0 }, buf, sizeof(buf)), 0,
	       "empty peer set: nothing to say");
}

int main(void)
{
	test_ike2_offers();
	test_ike1_offers();
	test_ike1_phase2();
	test_malformed();
	test_parse();
	test_format_edges();
	test_match();
	test_explain();
	return tap_done();
}
