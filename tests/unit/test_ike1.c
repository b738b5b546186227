/* test_ike1.c - IKEv1 dissection of real messages (strongSwan, racoon,
 * Openswan, Cisco captures): header, payload chain, SA proposals, IDs,
 * notifies, vendor IDs; then the tcpdump crash reproducers, truncation at
 * every length and lying length fields. */
#include <stdlib.h>
#include <string.h>

#include "../tap.h"
#include "ike.h"
#include "ike1.h"
#include "names.h"
#include "cur.h"
#include "test_ike1_vectors.h"
#include "packet_view.h"

static struct ike_msg m;
static struct ike1_sa sa;

static const uint8_t *body_of(unsigned i, size_t *len)
{
	return ike_payload_body(&m, i, len);
}

static const char *vname(unsigned i)
{
	const char *n = vendor_id_name(m.pl[i].vendor);

	return n ? n : "(none)";
}

static const struct ike1_attr *attr_of(unsigned t, unsigned k)
{
	return &sa.attrs[sa.trans[t].attr0 + k];
}

/* strongSwan Main Mode message 1 (joy/ikev1.pcap frame 1). */
static void test_main_mode_1(void)
{
	static const char *const want[] = {
		"strongSwan", "Cisco Unity", "XAUTH", "RFC 3706 DPD", "RFC 3947 NAT-T",
		"draft-ietf-ipsec-nat-t-ike-03", "draft-ietf-ipsec-nat-t-ike-02",
		"draft-ietf-ipsec-nat-t-ike-02\\n", "draft-ietf-ipsec-nat-t-ike-00",
	};
	const uint8_t *b;
	size_t len;

	is_int(ike_parse(joy_1, sizeof(joy_1), sizeof(joy_1), &m), IKE_OK, "MM1 parses");
	is_int(m.major, 1, "MM1 major");
	is_str(ike1_exchange_abbrev(m.exchange), "ID_PROT", "MM1 exchange");
	is_int(m.length, 252, "MM1 length");
	is_int(m.npl, 10, "MM1 payload count");
	is_int(m.pl[0].type, IKE1_PLD_SA, "MM1 first payload SA");
	for (unsigned i = 0; i < 9; i++) {
		is_int(m.pl[i + 1].type, IKE1_PLD_VID, "MM1 VID type");
		is_str(vname(i + 1), want[i], "MM1 vendor ID named");
	}
	b = body_of(0, &len);
	ike1_parse_sa(b, len, &sa);
	is_int(sa.err, IKE1_OK, "MM1 SA ok");
	is_int(sa.doi, 1, "MM1 DOI IPsec");
	is_int(sa.situation, 1, "MM1 situation identity only");
	is_int(sa.nprop, 1, "MM1 one proposal");
	is_int(sa.prop[0].proto, IKE1_PROTO_ISAKMP, "MM1 proposal protocol");
	is_int(sa.prop[0].ntrans, 1, "MM1 one transform");
	is_int(sa.trans[0].id, 1, "MM1 KEY_IKE");
	is_int(sa.trans[0].nattr, 6, "MM1 six attributes");
	is_int(attr_of(0, 0)->type, IKE1_ATTR_LIFE_TYPE, "MM1 attr 0 life type");
	is_int(attr_of(0, 1)->num, 7800, "MM1 life duration 7800 s");
	is_str(ike1_p1_attr_value_name(attr_of(0, 2)->type, attr_of(0, 2)->num), "3DES-CBC",
	       "MM1 encryption 3DES");
	is_str(ike1_p1_attr_value_name(attr_of(0, 3)->type, attr_of(0, 3)->num), "SHA",
	       "MM1 hash SHA");
	is_str(ike1_p1_attr_value_name(attr_of(0, 4)->type, attr_of(0, 4)->num),
	       "Pre-shared key", "MM1 auth PSK");
	is_int(attr_of(0, 5)->num, 2, "MM1 group 2");
	ok(attr_of(0, 5)->tv, "MM1 group is TV");
}

/* The responder's NO_PROPOSAL_CHOSEN (joy/ikev1.pcap frame 3). */
static void test_no_proposal(void)
{
	struct ike1_notify n;
	const uint8_t *b;
	size_t len;

	is_int(ike_parse(joy_3, sizeof(joy_3), sizeof(joy_3), &m), IKE_OK, "N parses");
	is_str(ike1_exchange_abbrev(m.exchange), "INFORMATIONAL_V1", "N exchange");
	is_int(m.npl, 1, "N one payload");
	is_int(m.pl[0].notify, 14, "N type 14");
	is_str(ike1_notify_abbrev(m.pl[0].notify), "NO_PROP", "N abbrev");
	is_int(m.pl[0].proto, IKE1_PROTO_ISAKMP, "N protocol ISAKMP");
	b = body_of(0, &len);
	ike1_parse_notify(b, len, &n);
	is_int(n.err, IKE1_OK, "N body ok");
	is_int(n.doi, 1, "N DOI");
	is_int(n.spi_size, 0, "N no SPI");
}

/* Aggressive Mode message 1 (zeek-spicy-ipsec). */
static void test_aggressive(void)
{
	struct ike1_id id;
	struct ike1_blob blob;
	const uint8_t *b;
	size_t len;

	is_int(ike_parse(aggr_1, sizeof(aggr_1), sizeof(aggr_1), &m), IKE_OK, "AM1 parses");
	is_str(ike1_exchange_abbrev(m.exchange), "AGGRESSIVE", "AM1 exchange");
	is_int(m.npl, 11, "AM1 payload count");
	is_int(m.pl[5].type, IKE1_PLD_KE, "AM1 KE");
	is_int(m.pl[6].type, IKE1_PLD_NONCE, "AM1 nonce");
	is_int(m.pl[7].type, IKE1_PLD_ID, "AM1 ID");
	is_str(vname(2), "draft-ietf-ipsec-nat-t-ike-07", "AM1 draft 07 VID");
	is_int(m.pl[10].vendor, -1, "AM1 unknown VID stays unknown");
	b = body_of(5, &len);
	ike1_parse_blob(b, len, &blob);
	is_int(blob.data.len, 128, "AM1 KE 1024-bit");
	b = body_of(7, &len);
	ike1_parse_id(b, len, &id);
	is_int(id.err, IKE1_OK, "AM1 ID ok");
	is_str(ike1_id_type_name(id.type), "IPV4_ADDR", "AM1 ID type");
	is_int(id.proto, 17, "AM1 ID protocol UDP");
	is_int(id.family, 4, "AM1 ID IPv4");
	ok(memcmp(id.addr, "\xc0\xa8\x0c\x02", 4) == 0, "AM1 ID 192.168.12.2");
	b = body_of(0, &len);
	ike1_parse_sa(b, len, &sa);
	is_int(sa.err, IKE1_OK, "AM1 SA ok");
	is_int(attr_of(0, 0)->num, 7, "AM1 AES-CBC");
	is_int(attr_of(0, 1)->type, IKE1_ATTR_KEY_LENGTH, "AM1 key length attr");
	is_int(attr_of(0, 1)->num, 128, "AM1 key length 128");
	ok(!attr_of(0, 6)->tv, "AM1 life duration is TLV");
	is_int(attr_of(0, 6)->val.len, 4, "AM1 life duration 4 bytes");
	is_int(attr_of(0, 6)->num, 86400, "AM1 life duration 86400");
}

/* Openswan across NAT (tcpdump/isakmp4500.pcap): 4 transforms, NAT-D, then
 * an encrypted MM5. */
static void test_natt(void)
{
	struct ike1_blob natd;
	const uint8_t *b;
	size_t len;

	is_int(ike_parse(t4500_3, sizeof(t4500_3), sizeof(t4500_3), &m), IKE_OK, "4500 MM1");
	b = body_of(0, &len);
	ike1_parse_sa(b, len, &sa);
	is_int(sa.err, IKE1_OK, "4500 SA ok");
	is_int(sa.prop[0].ntrans_field, 4, "4500 four transforms announced");
	is_int(sa.ntrans, 4, "4500 four transforms parsed");
	is_int(sa.trans[3].num, 3, "4500 last transform number");
	is_str(ike1_p1_attr_value_name(3, attr_of(0, 4)->num), "RSA signatures", "4500 RSA sig");
	is_str(vname(1), "Openswan", "4500 Openswan OE VID");

	is_int(ike_parse(t4500_5, sizeof(t4500_5), sizeof(t4500_5), &m), IKE_OK, "4500 MM3");
	is_int(m.npl, 4, "4500 MM3 payloads");
	is_str(ike1_payload_abbrev(m.pl[2].type), "NAT-D", "4500 NAT-D");
	b = body_of(3, &len);
	ike1_parse_natd(b, len, &natd);
	is_int(natd.err, IKE1_OK, "4500 NAT-D ok");
	is_int(natd.data.len, 16, "4500 NAT-D MD5 hash");

	is_int(ike_parse(t4500_7, sizeof(t4500_7), sizeof(t4500_7), &m), IKE_OK, "4500 MM5");
	ok(m.encrypted, "4500 MM5 encrypted");
	is_int(m.npl, 0, "4500 MM5 no payloads walked");
}

static void test_certreq(void)
{
	struct ike1_cert ce;
	const uint8_t *b;
	size_t len;

	is_int(ike_parse(certs_4, sizeof(certs_4), sizeof(certs_4), &m), IKE_OK, "CR msg");
	is_int(m.pl[2].type, IKE1_PLD_CR, "CR payload");
	b = body_of(2, &len);
	ike1_parse_cert(b, len, &ce);
	is_int(ce.err, IKE1_OK, "CR ok");
	is_int(ce.encoding, 4, "CR X.509 signature");
	is_int(ce.data.len, 82, "CR DN length");
}

/* tcpdump reproducers: crafted messages that crashed other dissectors. */
static void test_reproducers(void)
{
	struct ike1_id id;
	struct ike1_attr a[4];
	uint16_t n, extra;
	struct cur c;
	const uint8_t *b;
	size_t len;

	is_int(ike_parse(idseg_1, sizeof(idseg_1), sizeof(idseg_1), &m), IKE_OK,
	       "identification-segfault parses");
	b = body_of(0, &len);
	ike1_parse_id(b, len, &id);
	is_int(id.type, IKE1_ID_FQDN, "identification-segfault FQDN");
	is_int(id.data.len, 248, "identification-segfault name length");

	/* The capture keeps 65 of the 4856 bytes the IP header claims. */
	is_int(ike_parse(id6oobr_1, sizeof(id6oobr_1), 0, &m), IKE_E_TRUNCATED,
	       "ipv6 subnet oobr truncated");
	ok(m.pl[0].bad, "ipv6 subnet ID marked bad");
	b = body_of(0, &len);
	ike1_parse_id(b, len, &id);
	is_int(id.err, IKE1_E_ID_LENGTH, "ipv6 subnet 24 bytes is not 32");
	is_int(id.family, 0, "no address decoded from it");

	/* isakmpv1-attr-oobr: a transform whose attribute list ends in half a
	 * header. Its attributes start after T#, T-ID and RESERVED2. */
	ike_parse(attroobr_1, sizeof(attroobr_1), 0, &m);
	b = body_of(0, &len);
	ok(len == 12, "attr-oobr transform body captured");
	c = cur_make(b + 4, len - 4);
	is_int(ike1_parse_attrs(&c, a, 4, &n, &extra), IKE1_E_ATTR_HEADER, "attr-oobr error");
	is_int(n, 1, "attr-oobr one whole attribute");
	is_int(a[0].type, 0x2500, "attr-oobr attribute type");

	is_int(ike_parse(delseg_1, sizeof(delseg_1), sizeof(delseg_1), &m), IKE_E_VERSION,
	       "delete-segfault header rejected");
	is_int(ike_parse(ploop_1, sizeof(ploop_1), sizeof(ploop_1), &m), IKE_E_LENGTH_SMALL,
	       "pointer-loop header rejected");
}

/* Every parser over every suffix of hostile bytes: no crash (ASan checks). */
static void test_hostile_bytes(void)
{
	static const struct {
		const uint8_t *p;
		size_t len;
	} v[] = {
		{ delseg_1, sizeof(delseg_1) }, { noobr_1, sizeof(noobr_1) },
		{ ploop_1, sizeof(ploop_1) }, { attroobr_1, sizeof(attroobr_1) },
		{ id6oobr_1, sizeof(id6oobr_1) }, { joy_1, sizeof(joy_1) },
	};
	unsigned errs = 0;

	for (size_t k = 0; k < sizeof(v) / sizeof(v[0]); k++) {
		for (size_t off = 0; off <= v[k].len; off++) {
			const uint8_t *p = v[k].p + off;
			size_t len = v[k].len - off;
			struct ike1_notify n;
			struct ike1_delete d;
			struct ike1_attr_pld ap;
			struct ike1_id id;
			struct ike1_natoa oa;
			struct ike1_frag fr;

			ike1_parse_sa(p, len, &sa);
			ike1_parse_notify(p, len, &n);
			ike1_parse_delete(p, len, &d);
			ike1_parse_attr(p, len, &ap);
			ike1_parse_id(p, len, &id);
			ike1_parse_natoa(p, len, &oa);
			ike1_parse_frag(p, len, &fr);
			ike_parse(p, len, 0, &m);
			errs += sa.err != IKE1_OK;
		}
	}
	ok(errs > 0, "hostile suffixes parsed without crash (%u SA errors)", errs);
}

/* A message cut at every length never parses as complete, and an SA body
 * cut anywhere inside a proposal is an error. */
static void test_truncation(void)
{
	static const struct {
		const uint8_t *p;
		size_t len;
	} v[] = {
		{ joy_1, sizeof(joy_1) }, { aggr_1, sizeof(aggr_1) },
		{ t4500_3, sizeof(t4500_3) }, { t4500_5, sizeof(t4500_5) },
	};
	int all_msg = 1, all_sa = 1;

	for (size_t k = 0; k < sizeof(v) / sizeof(v[0]); k++) {
		uint8_t *copy;
		const uint8_t *b;
		size_t len;

		for (size_t cut = 0; cut < v[k].len; cut++) {
			/* A heap copy of exactly cut bytes lets ASan catch over-reads. */
			copy = malloc(cut ? cut : 1);
			memcpy(copy, v[k].p, cut);
			if (ike_parse(copy, cut, 0, &m) == IKE_OK)
				all_msg = 0;
			free(copy);
		}
		ike_parse(v[k].p, v[k].len, v[k].len, &m);
		if (m.pl[0].type != IKE1_PLD_SA)
			continue;
		b = body_of(0, &len);
		for (size_t cut = 0; cut < len; cut++) {
			copy = malloc(cut ? cut : 1);
			memcpy(copy, b, cut);
			ike1_parse_sa(copy, cut, &sa);
			if (sa.err == IKE1_OK)
				all_sa = 0;
			free(copy);
		}
	}
	ok(all_msg, "no truncated message parses as OK");
	ok(all_sa, "no truncated SA body parses as OK");
}

/* Lying lengths and counts inside the SA of joy_1. Offsets within the SA
 * body: 8 proposal header (10: length 40), 15 number of transforms, 16
 * transform header (18: length 32), 24 first attribute (TV life type). */
struct patch {
	uint8_t at, val;
};

static int sa_err_patched(const struct patch *pt, size_t n)
{
	uint8_t buf[64];
	const uint8_t *b;
	size_t len;

	ike_parse(joy_1, sizeof(joy_1), sizeof(joy_1), &m);
	b = body_of(0, &len);
	if (len > sizeof(buf))
		return -1;
	memcpy(buf, b, len);
	for (size_t i = 0; i < n; i++)
		buf[pt[i].at] = pt[i].val;
	ike1_parse_sa(buf, len, &sa);
	return sa.err;
}

#define PATCHED(...)                                                         \
	sa_err_patched((const struct patch[]){ __VA_ARGS__ },                \
		       sizeof((const struct patch[]){ __VA_ARGS__ }) / sizeof(struct patch))

static void test_lying_lengths(void)
{
	is_int(PATCHED({ 11, 40 }), IKE1_OK, "untouched proposal length");
	is_int(PATCHED({ 11, 41 }), IKE1_E_PROP_LENGTH, "proposal length +1");
	is_int(PATCHED({ 10, 0xff }, { 11, 0xff }), IKE1_E_PROP_LENGTH, "proposal length 65535");
	is_int(PATCHED({ 11, 0 }), IKE1_E_PROP_LENGTH, "proposal length 0");
	is_int(PATCHED({ 11, 7 }), IKE1_E_PROP_LENGTH, "proposal length below its header");
	is_int(PATCHED({ 11, 39 }), IKE1_E_TRANS_LENGTH,
	       "proposal length -1: the transform no longer fits");
	is_int(PATCHED({ 14, 200 }), IKE1_E_SPI_SIZE, "SPI size past the proposal");
	is_int(PATCHED({ 15, 2 }), IKE1_E_TRANS_COUNT, "transform count lies");
	is_int(PATCHED({ 19, 33 }), IKE1_E_TRANS_LENGTH, "transform length +1");
	is_int(PATCHED({ 19, 4 }), IKE1_E_TRANS_LENGTH, "transform length 4");
	is_int(PATCHED({ 19, 30 }), IKE1_E_ATTR_HEADER,
	       "transform length -2 cuts an attribute header");
	is_int(PATCHED({ 16, 3 }), IKE1_E_TRANS_HEADER, "transform says another follows");
	is_int(PATCHED({ 8, 2 }), IKE1_E_PROP_HEADER, "proposal says another follows");
	is_int(PATCHED({ 16, 1 }), IKE1_E_TRANS_HEADER, "transform chained to an SA");
	is_int(PATCHED({ 24, 0x00 }, { 26, 0x00 }, { 27, 0x30 }), IKE1_E_ATTR_LENGTH,
	       "TLV attribute length overruns the transform");
	is_int(PATCHED({ 24, 0x00 }, { 26, 0x00 }, { 27, 0x00 }), IKE1_OK,
	       "zero-length TLV attribute is well formed");
	ok(!sa.attrs[0].tv && sa.attrs[0].val.len == 0 && sa.attrs[0].num == 0,
	   "zero-length TLV decoded as empty");
	is_int(PATCHED({ 0, 0 }, { 3, 2 }), IKE1_OK, "other DOI: proposals not decoded");
	ok(!sa.ipsec, "other DOI flagged");
}

/* Hand-built bodies for the payloads the captures lack, per RFC layout. */
static void test_constructed(void)
{
	static const uint8_t del_ok[] = { 0, 0, 0, 1, 3, 4, 0, 2, 0xde, 0xad, 0xbe, 0xef,
					  0x01, 0x02, 0x03, 0x04 };
	static const uint8_t del_lie[] = { 0, 0, 0, 1, 3, 4, 0xff, 0xff, 0xde, 0xad, 0xbe, 0xef };
	static const uint8_t dpd[] = { 0, 0, 0, 1, 1, 16, 0x8d, 0x28, 1, 2, 3, 4, 5, 6, 7, 8,
				       9, 10, 11, 12, 13, 14, 15, 16, 0, 0, 0x12, 0x34 };
	static const uint8_t dpd_bad[] = { 0, 0, 0, 1, 1, 0, 0x8d, 0x28, 0, 1 };
	static const uint8_t life[] = { 0, 0, 0, 1, 3, 4, 0x60, 0x00, 1, 2, 3, 4,
					0x80, 0x01, 0x00, 0x01, 0x00, 0x02, 0x00, 0x04,
					0x00, 0x00, 0x0e, 0x10 };
	static const uint8_t n_spi_lie[] = { 0, 0, 0, 1, 3, 9, 0x00, 0x0b, 1, 2, 3 };
	static const uint8_t natoa[] = { 1, 0, 0, 0, 10, 0, 0, 1 };
	static const uint8_t natoa_bad[] = { 5, 0, 0, 0, 10, 0, 0, 1 };
	static const uint8_t cfg[] = { 1, 0, 0x12, 0x34, 0xc0, 0x88, 0x00, 0x00,
				       0x40, 0x89, 0x00, 0x00, 0x40, 0x8a, 0x00, 0x03, 'a', 'b', 'c' };
	static const uint8_t frag_msg[] = {
		1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0, 0, 0, 0, 132, 0x10, 2, 0, 0, 0, 0, 0,
		0, 0, 0, 40, 0, 0, 0, 12, 0x00, 0x07, 3, 1, 0xaa, 0xbb, 0xcc, 0xdd,
	};
	struct ike1_delete d;
	struct ike1_notify n;
	struct ike1_natoa oa;
	struct ike1_attr_pld a;

	ike1_parse_delete(del_ok, sizeof(del_ok), &d);
	is_int(d.err, IKE1_OK, "delete ok");
	is_int(d.nspi, 2, "delete two SPIs");
	is_int(d.stored, 2, "delete both stored");
	ok(d.spi[1].len == 4 && d.spi[1].p[3] == 4, "delete second SPI");
	ike1_parse_delete(del_lie, sizeof(del_lie), &d);
	is_int(d.err, IKE1_E_SPI_COUNT, "delete count 65535 x 4 bytes");
	ike1_parse_delete(del_ok, 7, &d);
	is_int(d.err, IKE1_E_SHORT, "delete short");

	ike1_parse_notify(dpd, sizeof(dpd), &n);
	is_int(n.err, IKE1_OK, "R-U-THERE ok");
	is_int(n.spi.len, 16, "R-U-THERE cookie pair SPI");
	ok(n.has_seq && n.seq == 0x1234, "R-U-THERE sequence 0x1234");
	ike1_parse_notify(dpd_bad, sizeof(dpd_bad), &n);
	is_int(n.err, IKE1_E_NOTIFY_DATA, "R-U-THERE with 2-byte data");
	ike1_parse_notify(life, sizeof(life), &n);
	is_int(n.err, IKE1_OK, "RESPONDER-LIFETIME ok");
	is_int(n.nattr, 2, "RESPONDER-LIFETIME two attributes");
	is_int(n.attrs[1].num, 3600, "RESPONDER-LIFETIME 3600 s");
	ike1_parse_notify(n_spi_lie, sizeof(n_spi_lie), &n);
	is_int(n.err, IKE1_E_SPI_SIZE, "notify SPI size past the end");

	ike1_parse_natoa(natoa, sizeof(natoa), &oa);
	ok(oa.err == IKE1_OK && oa.family == 4 && oa.addr[0] == 10 && oa.addr[3] == 1,
	   "NAT-OA 10.0.0.1");
	ike1_parse_natoa(natoa_bad, sizeof(natoa_bad), &oa);
	is_int(oa.err, IKE1_E_ID_LENGTH, "NAT-OA IPv6 type with 4 bytes");

	ike1_parse_attr(cfg, sizeof(cfg), &a);
	is_int(a.err, IKE1_OK, "mode-config ok");
	is_str(ike1_cfg_type_name(a.type), "ISAKMP_CFG_REQUEST", "mode-config request");
	is_int(a.ident, 0x1234, "mode-config identifier");
	is_int(a.nattr, 3, "mode-config three attributes");
	is_str(ike1_cfg_attr_name(a.attrs[0].type), "XAUTH_TYPE", "XAUTH_TYPE TV");
	is_str(ike1_cfg_attr_name(a.attrs[2].type), "XAUTH_USER_PASSWORD", "password TLV");
	is_int(a.attrs[2].val.len, 3, "password length");
	ike1_parse_attr(cfg, sizeof(cfg) - 1, &a);
	is_int(a.err, IKE1_E_ATTR_LENGTH, "mode-config TLV cut");

	is_int(ike_parse(frag_msg, sizeof(frag_msg), sizeof(frag_msg), &m), IKE_OK,
	       "fragment message parses");
	is_int(m.frag_num, 3, "fragment number 3");
	is_int(m.frag_last, 1, "last fragment");
	is_int(m.frag_total, 3, "total known from the last fragment");
	is_str(ike1_payload_abbrev(m.pl[0].type), "FRAG", "fragment payload abbrev");
}

/* The -v tree names fields with numbers and marks malformed bodies. */
static void test_tree(void)
{
	char *out = NULL;
	size_t olen = 0;
	FILE *f = open_memstream(&out, &olen);

	ike_parse(joy_1, sizeof(joy_1), sizeof(joy_1), &m);
	ike1_tree_print(f, &m, 0);
	ike_parse(id6oobr_1, sizeof(id6oobr_1), 0, &m);
	ike1_tree_print(f, &m, 0);
	ike_parse(t4500_7, sizeof(t4500_7), sizeof(t4500_7), &m);
	ike1_tree_print(f, &m, 1);
	fclose(f);
	ok(strstr(out, "\n      Encryption Algorithm (1) [TV]: 3DES-CBC (5)\n") != NULL,
	   "tree: attribute with names and numbers");
	ok(strstr(out, "  Vendor: draft-ietf-ipsec-nat-t-ike-02\\n\n") != NULL,
	   "tree: vendor name");
	ok(strstr(out, "  malformed: identification data length does not fit its type\n") != NULL,
	   "tree: malformed ID");
	ok(strstr(out, "\n  Encrypted body (296 bytes)\n") != NULL, "tree: encrypted body");
	free(out);
}

int main(void)
{
	test_main_mode_1();
	test_no_proposal();
	test_aggressive();
	test_natt();
	test_certreq();
	test_reproducers();
	test_hostile_bytes();
	test_truncation();
	test_lying_lengths();
	test_constructed();
	test_tree();
	return tap_done();
}
