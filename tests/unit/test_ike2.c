/* test_ike2.c - IKEv2 dissection on real messages from public captures:
 * header and payload chain, notify data, SA proposals, SKF numbers, the -v
 * tree; then malformed, truncated and mutated variants of them. */
#define _GNU_SOURCE /* open_memstream */
#include <stdlib.h>

#include "ike.h"
#include "ike2.h"
#include "packet_view.h"
#include "../tap.h"
#include "test_ike2_vectors.h"

#define VEC(x) { #x, x, sizeof(x) }
static const struct vec {
	const char *name;
	const uint8_t *p;
	size_t len;
} vecs[] = {
	VEC(four_init_req), VEC(four_cookie_resp), VEC(four_auth_req), VEC(zeek_init_req),
	VEC(zeek_invalid_ke), VEC(zeek_init_resp), VEC(zeek_skf1), VEC(zeek_skf2),
	VEC(scapy_redirect), VEC(scapy_redirected_from), VEC(scapy_no_prop), VEC(suri_weak_dh),
	VEC(oswan_invalid_ke), VEC(oswan_invalid_ke_nodata), VEC(tcpd_id_normal), VEC(tcpd_id_short),
};
#define NVEC (sizeof(vecs) / sizeof(vecs[0]))

/* Hand-built bodies in the layouts of RFC 7296 (TS, AUTH, D, CP, EAP, ID) and
 * RFC 7427 Appendix A (the sha256WithRSAEncryption AlgorithmIdentifier): the
 * public captures carry these only inside SK. */
static const uint8_t ts_body[] = {
	0x02, 0, 0, 0,
	0x07, 0x00, 0x00, 0x10, 0x00, 0x00, 0xff, 0xff, 192, 168, 0, 0, 192, 168, 0, 255,
	0x08, 0x11, 0x00, 0x28, 0x01, 0xf4, 0x01, 0xf4,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};
static const uint8_t auth_body[] = {
	0x0e, 0, 0, 0, 0x0f, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d,
	0x01, 0x01, 0x0b, 0x05, 0x00, 0xde, 0xad, 0xbe, 0xef,
};
static const uint8_t del_body[] = { 0x03, 0x04, 0x00, 0x02, 0xc1, 0, 0, 1, 0xc2, 0, 0, 2 };
static const uint8_t cp_body[] = {
	0x01, 0, 0, 0, 0x00, 0x01, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00,
	0x00, 0x07, 0x00, 0x04, 'a', 'b', 'c', 'd',
};
static const uint8_t eap_body[] = { 0x02, 0x05, 0x00, 0x0a, 0x01, 'u', 's', 'e', 'r', '1' };
static const uint8_t id_fqdn_body[] = { 0x02, 0, 0, 0, 'v', 'p', 'n', 0x1b, '[', '3', '1', 'm' };

static int perr(const uint8_t *p, size_t len, size_t dlen, struct ike_msg *m)
{
	return ike_parse(p, len, dlen, m);
}

/* Copies v into an exactly sized heap block so ASan sees any overread. */
static uint8_t *dup_exact(const uint8_t *p, size_t len)
{
	uint8_t *b = malloc(len ? len : 1);

	if (b && len)
		memcpy(b, p, len);
	return b;
}

static void test_four(void)
{
	struct ike_msg m;
	struct ike2_sa sa;
	struct ike2_ke ke;
	struct ike2_nonce no;
	struct ike2_notify n;
	const uint8_t *b;
	size_t len;

	is_int(perr(four_init_req, sizeof(four_init_req), sizeof(four_init_req), &m), IKE_OK,
	       "four init: parses");
	is_int(m.exchange, 34, "four init: IKE_SA_INIT");
	is_int(m.flags, IKE2_FLAG_INITIATOR, "four init: initiator request");
	is_int(m.length, 376, "four init: length");
	is_int(m.npl, 5, "four init: 5 payloads");
	is_int(m.pl[0].type, IKE2_PLD_SA, "four init: SA first");
	is_int(m.pl[1].type, IKE2_PLD_KE, "four init: KE");
	is_int(m.pl[2].type, IKE2_PLD_NONCE, "four init: No");
	is_int(m.pl[3].notify, IKE2_N_NAT_DETECTION_SOURCE_IP, "four init: NATD_S_IP");
	is_int(m.pl[4].notify, IKE2_N_NAT_DETECTION_DESTINATION_IP, "four init: NATD_D_IP");

	b = ike_payload_body(&m, 0, &len);
	is_int(ike2_parse_sa(b, len, &sa), IKE2_OK, "four SA: parses");
	is_int(sa.nprop, 1, "four SA: one proposal");
	is_int(sa.prop[0].num, 1, "four SA: proposal #1");
	is_int(sa.prop[0].proto, IKE2_PROTO_IKE, "four SA: IKE");
	is_int(sa.prop[0].ntrans, 12, "four SA: 12 transforms");
	is_int(sa.prop[0].t[0].type, IKE2_TRANS_ENCR, "four SA: t0 ENCR");
	is_int(sa.prop[0].t[0].id, 12, "four SA: t0 AES_CBC");
	ok(sa.prop[0].t[0].has_keylen && sa.prop[0].t[0].keylen == 128, "four SA: t0 keylen 128");
	is_int(sa.prop[0].t[1].keylen, 256, "four SA: t1 keylen 256");
	is_int(sa.prop[0].t[3].id, 3, "four SA: t3 3DES");
	is_int(sa.prop[0].t[3].has_keylen, 0, "four SA: 3DES without keylen");
	is_int(sa.prop[0].t[6].id, 4, "four SA: t6 PRF_AES128_XCBC");
	is_int(sa.prop[0].t[11].type, IKE2_TRANS_KE, "four SA: t11 KE");
	is_int(sa.prop[0].t[11].id, 14, "four SA: t11 MODP_2048");

	b = ike_payload_body(&m, 1, &len);
	is_int(ike2_parse_ke(b, len, &ke), IKE2_OK, "four KE: parses");
	is_int(ke.group, 2, "four KE: group 2");
	is_int(ke.data.len, 128, "four KE: 128 bytes");
	b = ike_payload_body(&m, 2, &len);
	is_int(ike2_parse_nonce(b, len, &no), IKE2_OK, "four nonce: parses");
	is_int(no.data.len, 32, "four nonce: 32 bytes");
	b = ike_payload_body(&m, 3, &len);
	is_int(ike2_parse_notify(b, len, &n), IKE2_OK, "four NATD: parses");
	ok(n.data.len == 20 && n.data.p[0] == 0x44 && n.data.p[19] == 0xbf, "four NATD: 20-byte hash");

	is_int(perr(four_cookie_resp, sizeof(four_cookie_resp), 0, &m), IKE_OK, "cookie: parses");
	is_int(m.pl[0].notify, IKE2_N_COOKIE, "cookie: COOKIE");
	b = ike_payload_body(&m, 0, &len);
	ike2_parse_notify(b, len, &n);
	ok(n.data.len == 24 && n.data.p[3] == 0x01 && n.data.p[4] == 0xc2, "cookie: data");

	is_int(perr(four_auth_req, sizeof(four_auth_req), 0, &m), IKE_OK, "four auth: parses");
	is_int(m.npl, 1, "four auth: one payload");
	is_int(m.pl[0].type, IKE2_PLD_SK, "four auth: SK");
	is_int(m.sk_np, IKE2_PLD_IDI, "four auth: inner IDi");
	is_int(m.msg_id, 1, "four auth: message ID 1");
}

static void test_zeek(void)
{
	struct ike_msg m;
	struct ike2_sa sa;
	struct ike2_notify n;
	struct ike2_skf f;
	const uint8_t *b;
	size_t len;

	is_int(perr(zeek_init_req, sizeof(zeek_init_req), 0, &m), IKE_OK, "zeek init: parses");
	is_int(m.npl, 8, "zeek init: 8 payloads");
	is_int(m.pl[5].notify, IKE2_N_FRAGMENTATION_SUPPORTED, "zeek init: FRAG_SUP");
	is_int(m.pl[6].notify, IKE2_N_SIGNATURE_HASH_ALGORITHMS, "zeek init: HASH_ALG");
	is_int(m.pl[7].notify, IKE2_N_REDIRECT_SUPPORTED, "zeek init: REDIR_SUP");
	b = ike_payload_body(&m, 0, &len);
	is_int(ike2_parse_sa(b, len, &sa), IKE2_OK, "zeek SA: parses");
	is_int(sa.nprop, 2, "zeek SA: 2 proposals");
	is_int(sa.prop[0].ntrans_field, 33, "zeek SA: 33 transforms sent");
	is_int(sa.prop[0].ntrans, IKE2_MAX_TRANSFORMS, "zeek SA: 32 stored");
	is_int(sa.prop[0].ntrans_extra, 1, "zeek SA: 1 counted beyond");
	is_int(sa.prop[0].t[6].id, 23, "zeek SA: CAMELLIA_CBC");
	is_int(sa.prop[1].num, 2, "zeek SA: proposal #2");
	is_int(sa.prop[1].ntrans_extra, 3, "zeek SA: p2 3 beyond");
	is_int(sa.prop[1].t[3].id, 20, "zeek SA: p2 AES_GCM_16");
	b = ike_payload_body(&m, 6, &len);
	is_int(ike2_parse_notify(b, len, &n), IKE2_OK, "zeek hash algs: parses");
	ok(n.nhash == 3 && n.hash[0] == 2 && n.hash[1] == 3 && n.hash[2] == 4,
	   "zeek hash algs: SHA2-256/384/512");

	is_int(perr(zeek_invalid_ke, sizeof(zeek_invalid_ke), 0, &m), IKE_OK, "invalid KE: parses");
	is_int(m.pl[0].notify, IKE2_N_INVALID_KE_PAYLOAD, "invalid KE: type");
	b = ike_payload_body(&m, 0, &len);
	ike2_parse_notify(b, len, &n);
	is_int(n.group, 15, "invalid KE: wants MODP_3072");

	is_int(perr(zeek_init_resp, sizeof(zeek_init_resp), 0, &m), IKE_OK, "zeek resp: parses");
	is_int(m.npl, 9, "zeek resp: 9 payloads");
	is_int(m.pl[8].notify, 16404, "zeek resp: MULTIPLE_AUTH_SUPPORTED last");
	is_int(m.pl[7].notify, 16418, "zeek resp: CHILDLESS_IKEV2_SUPPORTED");

	is_int(perr(zeek_skf1, sizeof(zeek_skf1), 0, &m), IKE_OK, "skf1: parses");
	ok(m.frag_num == 1 && m.frag_total == 2, "skf1: fragment 1/2");
	is_int(m.sk_np, IKE2_PLD_IDI, "skf1: inner IDi");
	b = ike_payload_body(&m, 0, &len);
	is_int(ike2_parse_skf(b, len, &f), IKE2_OK, "skf1: detail parses");
	is_int(f.data.len, 1200, "skf1: 1200 encrypted bytes");
	is_int(perr(zeek_skf2, sizeof(zeek_skf2), 0, &m), IKE_OK, "skf2: parses");
	ok(m.frag_num == 2 && m.frag_total == 2, "skf2: fragment 2/2");
	is_int(m.sk_np, 0, "skf2: no inner type");
}

static void test_scapy_suri_oswan(void)
{
	struct ike_msg m;
	struct ike2_notify n;
	struct ike2_sa sa;
	struct ike2_ke ke;
	const uint8_t *b;
	size_t len;

	is_int(perr(scapy_redirect, sizeof(scapy_redirect), 0, &m), IKE_OK, "redirect: parses");
	b = ike_payload_body(&m, 0, &len);
	is_int(ike2_parse_notify(b, len, &n), IKE2_OK, "redirect: notify parses");
	is_int(n.type, IKE2_N_REDIRECT, "redirect: type");
	is_int(n.gw_type, IKE2_GW_FQDN, "redirect: FQDN");
	ok(n.gw.len == 28 && memcmp(n.gw.p, "moneybin.duckburg.disney.com", 28) == 0,
	   "redirect: gateway name");
	is_int(n.redirect_nonce.len, 40, "redirect: 40-byte nonce");

	is_int(perr(scapy_redirected_from, sizeof(scapy_redirected_from), 0, &m), IKE_OK,
	       "redirected from: parses");
	b = ike_payload_body(&m, 6, &len);
	is_int(ike2_parse_notify(b, len, &n), IKE2_OK, "redirected from: notify parses");
	ok(n.gw_type == IKE2_GW_IPV4 && n.addr_len == 4 && n.addr[0] == 10 && n.addr[3] == 52,
	   "redirected from: 10.5.2.52");
	b = ike_payload_body(&m, 7, &len);
	ike2_parse_notify(b, len, &n);
	ok(n.nhash == 4 && n.hash[0] == 1, "redirected from: 4 hash algorithms from SHA1");
	b = ike_payload_body(&m, 0, &len);
	ike2_parse_sa(b, len, &sa);
	ok(sa.prop[0].t[2].type == IKE2_TRANS_KE && sa.prop[0].t[2].id == 28, "scapy SA: brainpool 256");

	is_int(perr(scapy_no_prop, sizeof(scapy_no_prop), 0, &m), IKE_OK, "no prop: parses");
	ok(m.pl[0].notify == 14 && m.pl[0].proto == IKE2_PROTO_IKE, "no prop: NO_PROPOSAL_CHOSEN, IKE");

	is_int(perr(suri_weak_dh, sizeof(suri_weak_dh), 0, &m), IKE_OK, "weak dh: parses");
	b = ike_payload_body(&m, 1, &len);
	ike2_parse_ke(b, len, &ke);
	is_int(ke.group, 2, "weak dh: KE group 2");
	b = ike_payload_body(&m, 2, &len);
	ike2_parse_sa(b, len, &sa);
	is_int(sa.prop[0].t[3].id, 2, "weak dh: SA offers MODP_1024");

	is_int(perr(oswan_invalid_ke, sizeof(oswan_invalid_ke), 0, &m), IKE_E_TRAILING,
	       "openswan invalid KE: two trailing bytes");
	b = ike_payload_body(&m, 0, &len);
	ike2_parse_notify(b, len, &n);
	is_int(n.group, 14, "openswan invalid KE: wants MODP_2048");
	is_int(perr(oswan_invalid_ke_nodata, sizeof(oswan_invalid_ke_nodata), 0, &m),
	       IKE_E_PAYLOAD_BODY, "openswan invalid KE without group: body error");
	is_int(m.pl[0].bad, 1, "openswan invalid KE without group: payload bad");
	b = ike_payload_body(&m, 0, &len);
	is_int(ike2_parse_notify(b, len, &n), IKE2_E_NOTIFY_DATA, "openswan: notify data error");

	is_int(perr(tcpd_id_normal, sizeof(tcpd_id_normal), 0, &m), IKE_E_TRAILING, "tcpdump id: trailing");
	{
		struct ike2_id id;

		b = ike_payload_body(&m, 0, &len);
		is_int(ike2_parse_id(b, len, &id), IKE2_E_ID_LENGTH, "tcpdump id: 1-byte IPv4 ID");
		perr(tcpd_id_short, sizeof(tcpd_id_short), 0, &m);
		b = ike_payload_body(&m, 0, &len);
		is_int(ike2_parse_id(b, len, &id), IKE2_E_SHORT, "tcpdump id short: no room for type");
	}
}

/* A message whose chain is given as (type, body) pairs, lengths filled in. */
struct part {
	uint8_t type;
	const uint8_t *body;
	size_t len;
};

static size_t build(uint8_t *buf, size_t cap, uint8_t exch, const struct part *parts, size_t n)
{
	size_t off = IKE_HDR_LEN;

	memset(buf, 0, IKE_HDR_LEN);
	memcpy(buf, "\x11\x22\x33\x44\x55\x66\x77\x88", 8);
	buf[16] = n ? parts[0].type : 0;
	buf[17] = 0x20;
	buf[18] = exch;
	buf[19] = IKE2_FLAG_INITIATOR;
	for (size_t i = 0; i < n && off + 4 + parts[i].len <= cap; i++) {
		size_t plen = 4 + parts[i].len;

		buf[off] = i + 1 < n ? parts[i + 1].type : 0;
		buf[off + 1] = 0;
		buf[off + 2] = (uint8_t)(plen >> 8);
		buf[off + 3] = (uint8_t)plen;
		memcpy(buf + off + 4, parts[i].body, parts[i].len);
		off += plen;
	}
	buf[24] = (uint8_t)(off >> 24);
	buf[25] = (uint8_t)(off >> 16);
	buf[26] = (uint8_t)(off >> 8);
	buf[27] = (uint8_t)off;
	return off;
}

static void test_crafted(void)
{
	struct ike2_ts ts;
	struct ike2_auth a;
	struct ike2_delete d;
	struct ike2_cp cp;
	struct ike2_eap e;
	struct ike2_id id;
	uint8_t x[64];

	is_int(ike2_parse_ts(ts_body, sizeof(ts_body), &ts), IKE2_OK, "TS: parses");
	is_int(ts.nsel, 2, "TS: two selectors");
	ok(ts.sel[0].type == 7 && ts.sel[0].start_port == 0 && ts.sel[0].end_port == 65535,
	   "TS: v4 ports 0-65535");
	ok(ts.sel[0].start.len == 4 && ts.sel[0].end.p[3] == 255, "TS: v4 addresses");
	ok(ts.sel[1].type == 8 && ts.sel[1].ip_proto == 17 && ts.sel[1].start_port == 500,
	   "TS: v6 UDP 500");
	ok(ts.sel[1].end.len == 16 && ts.sel[1].end.p[15] == 0xff, "TS: v6 end address");
	memcpy(x, ts_body, sizeof(ts_body));
	x[0] = 3;
	is_int(ike2_parse_ts(x, sizeof(ts_body), &ts), IKE2_E_TS_COUNT, "TS: count says 3, 2 present");
	x[0] = 1;
	is_int(ike2_parse_ts(x, sizeof(ts_body), &ts), IKE2_E_TS_COUNT, "TS: count says 1, 2 present");
	memcpy(x, ts_body, sizeof(ts_body));
	x[7] = 0x14;
	is_int(ike2_parse_ts(x, sizeof(ts_body), &ts), IKE2_E_TS_LENGTH, "TS: v4 selector of 20 bytes");
	is_int(ts.err_off, 4, "TS: error at the first selector");
	x[7] = 0x10;
	x[22] = 0x01;
	is_int(ike2_parse_ts(x, sizeof(ts_body), &ts), IKE2_E_TS_LENGTH, "TS: selector overruns payload");
	is_int(ike2_parse_ts(ts_body, 3, &ts), IKE2_E_SHORT, "TS: 3-byte body");

	is_int(ike2_parse_auth(auth_body, sizeof(auth_body), &a), IKE2_OK, "AUTH 14: parses");
	is_str(a.alg_name, "sha256WithRSAEncryption", "AUTH 14: algorithm named");
	is_int(a.alg_id.len, 15, "AUTH 14: AlgorithmIdentifier length");
	is_int(a.signature.len, 4, "AUTH 14: signature length");
	memcpy(x, auth_body, sizeof(auth_body));
	x[4] = 0x40;
	is_int(ike2_parse_auth(x, sizeof(auth_body), &a), IKE2_E_AUTH_ASN1, "AUTH 14: ASN.1 length overruns");
	x[4] = 0x0f;
	x[6] = 0x0e;
	is_int(ike2_parse_auth(x, sizeof(auth_body), &a), IKE2_E_AUTH_ASN1, "AUTH 14: DER length lies");

	is_int(ike2_parse_delete(del_body, sizeof(del_body), &d), IKE2_OK, "D: parses");
	ok(d.proto == IKE2_PROTO_ESP && d.nspi == 2 && d.spis.len == 8, "D: two ESP SPIs");
	memcpy(x, del_body, sizeof(del_body));
	x[3] = 3;
	is_int(ike2_parse_delete(x, sizeof(del_body), &d), IKE2_E_DEL_COUNT, "D: count lies");
	x[3] = 2;
	x[1] = 8;
	is_int(ike2_parse_delete(x, sizeof(del_body), &d), IKE2_E_SPI_SIZE, "D: 8-byte ESP SPI");

	is_int(ike2_parse_cp(cp_body, sizeof(cp_body), &cp), IKE2_OK, "CP: parses");
	ok(cp.type == 1 && cp.nattr == 3 && cp.attr[2].type == 7 && cp.attr[2].value.len == 4,
	   "CP: request with 3 attributes");
	memcpy(x, cp_body, sizeof(cp_body));
	x[15] = 5;
	is_int(ike2_parse_cp(x, sizeof(cp_body), &cp), IKE2_E_ATTR_LENGTH, "CP: attribute overruns");

	is_int(ike2_parse_eap(eap_body, sizeof(eap_body), &e), IKE2_OK, "EAP: parses");
	ok(e.code == 2 && e.id == 5 && e.has_type && e.type == 1 && e.data.len == 5, "EAP: identity response");
	is_int(ike2_parse_eap(eap_body, 9, &e), IKE2_E_EAP_LENGTH, "EAP: length lies");

	is_int(ike2_parse_id(id_fqdn_body, sizeof(id_fqdn_body), &id), IKE2_OK, "ID FQDN: parses");
	is_int(id.data.len, 8, "ID FQDN: 8 bytes");
}

/* Lying lengths and counts in copies of real messages. */
static void test_malformed(void)
{
	uint8_t b[sizeof(four_init_req)];
	uint8_t big[IKE_HDR_LEN + 60 * 4];
	struct ike_msg m;
	struct ike2_sa sa;
	struct ike2_ke ke;
	const uint8_t *body;
	size_t len;

	memcpy(b, four_cookie_resp, sizeof(four_cookie_resp));
	b[31] = 0;
	is_int(perr(b, sizeof(four_cookie_resp), 0, &m), IKE_E_PAYLOAD_LENGTH, "payload length 0");
	is_int(m.err_off, 28, "payload length 0: at the payload");
	b[31] = 3;
	is_int(perr(b, sizeof(four_cookie_resp), 0, &m), IKE_E_PAYLOAD_LENGTH, "payload length 3");
	b[31] = 33;
	is_int(perr(b, sizeof(four_cookie_resp), 0, &m), IKE_E_PAYLOAD_LENGTH, "payload length overruns");
	b[31] = 28;
	is_int(perr(b, sizeof(four_cookie_resp), 0, &m), IKE_E_TRAILING, "payload length short of the end");

	/* A chain of minimal payloads pointing at the next never loops; it ends at the cap. */
	memset(big, 0, sizeof(big));
	memcpy(big, four_cookie_resp, IKE_HDR_LEN);
	big[16] = 1;
	big[27] = (uint8_t)sizeof(big);
	big[26] = (uint8_t)(sizeof(big) >> 8);
	for (size_t i = IKE_HDR_LEN; i < sizeof(big); i += 4) {
		big[i] = 1;
		big[i + 3] = 4;
	}
	is_int(perr(big, sizeof(big), 0, &m), IKE_E_TOO_MANY_PAYLOADS, "endless chain: stops at the cap");
	is_int(m.npl, IKE_MAX_PAYLOADS, "endless chain: cap payloads kept");

	/* Notify SPI size larger than the payload. */
	memcpy(b, scapy_no_prop, sizeof(scapy_no_prop));
	b[33] = 8;
	is_int(perr(b, sizeof(scapy_no_prop), 0, &m), IKE_E_PAYLOAD_BODY, "notify SPI size 8 in 4 bytes");
	is_int(m.pl[0].bad, 1, "notify SPI size: payload bad");
	is_int(m.pl[0].notify, 14, "notify SPI size: type still read");
	b[33] = 0;
	b[32] = 9;
	is_int(perr(b, sizeof(scapy_no_prop), 0, &m), IKE_OK, "notify protocol ignored without SPI");

	/* SKF numbers. */
	{
		uint8_t f[sizeof(zeek_skf2)];

		memcpy(f, zeek_skf2, sizeof(f));
		f[33] = 0;
		is_int(perr(f, sizeof(f), 0, &m), IKE_E_PAYLOAD_BODY, "SKF number 0");
		f[33] = 3;
		is_int(perr(f, sizeof(f), 0, &m), IKE_E_PAYLOAD_BODY, "SKF number above total");
		is_int(m.frag_num, 3, "SKF number above total: recorded");
	}

	/* SA body starts at 32: proposal header, then transforms from 40. */
	memcpy(b, four_init_req, sizeof(four_init_req));
	body = b + 32;
	len = 116;
	b[35] = 200;
	is_int(ike2_parse_sa(body, len, &sa), IKE2_E_PROP_LENGTH, "SA: proposal length overruns");
	b[35] = 112;
	is_int(ike2_parse_sa(body, len, &sa), IKE2_E_PROP_LAST, "SA: proposal 4 bytes short, says last");
	is_int(sa.prop[0].ntrans, 11, "SA: proposal short: 11 transforms kept");
	b[35] = 7;
	is_int(ike2_parse_sa(body, len, &sa), IKE2_E_PROP_LENGTH, "SA: proposal length 7");
	b[35] = 116;
	b[39] = 13;
	is_int(ike2_parse_sa(body, len, &sa), IKE2_E_TRANS_COUNT, "SA: transform count lies");
	is_int(sa.prop[0].ntrans, 12, "SA: count lies: all 12 still parsed");
	b[39] = 12;
	b[43] = 200;
	is_int(ike2_parse_sa(body, len, &sa), IKE2_E_TRANS_LENGTH, "SA: transform length overruns");
	b[43] = 6;
	is_int(ike2_parse_sa(body, len, &sa), IKE2_E_TRANS_LENGTH, "SA: transform length 6");
	b[43] = 14;
	is_int(ike2_parse_sa(body, len, &sa), IKE2_E_ATTR_LENGTH, "SA: transform length 14 misframes");
	b[43] = 12;
	b[48] = 0x00;
	is_int(ike2_parse_sa(body, len, &sa), IKE2_E_ATTR_LENGTH, "SA: TLV attribute overruns");
	b[48] = 0x80;
	b[32] = 2;
	is_int(ike2_parse_sa(body, len, &sa), IKE2_E_PROP_LAST, "SA: last proposal says more");
	b[32] = 0;
	b[40] = 0;
	is_int(ike2_parse_sa(body, len, &sa), IKE2_E_TRANS_LAST, "SA: first transform says last");
	b[40] = 3;
	b[36] = 2;
	is_int(ike2_parse_sa(body, len, &sa), IKE2_E_PROP_NUM, "SA: first proposal #2");
	b[36] = 1;
	b[38] = 4;
	is_int(ike2_parse_sa(body, len, &sa), IKE2_E_SPI_SIZE, "SA: IKE SPI size 4");
	b[38] = 0;
	b[37] = 7;
	is_int(ike2_parse_sa(body, len, &sa), IKE2_E_PROTO, "SA: protocol 7");
	is_int(ike2_parse_sa(body, 0, &sa), IKE2_E_SHORT, "SA: empty body");

	body = suri_weak_dh + IKE_HDR_LEN + 28 + 4;
	memcpy(b, body, 132);
	b[1] = 14;
	is_int(ike2_parse_ke(b, 132, &ke), IKE2_E_KE_LENGTH, "KE: 128 bytes for MODP_2048");
	b[1] = 99;
	is_int(ike2_parse_ke(b, 132, &ke), IKE2_OK, "KE: unknown group, any size");
	{
		struct ike2_nonce no;

		is_int(ike2_parse_nonce(b, 15, &no), IKE2_E_NONCE_LENGTH, "nonce: 15 bytes");
		is_int(ike2_parse_nonce(b, 16, &no), IKE2_OK, "nonce: 16 bytes");
	}
}

static void parse_all_bodies(const struct ike_msg *m)
{
	for (unsigned i = 0; i < m->npl; i++) {
		size_t len;
		const uint8_t *p = ike_payload_body(m, i, &len);
		union {
			struct ike2_sa sa;
			struct ike2_ke ke;
			struct ike2_id id;
			struct ike2_cert c;
			struct ike2_auth a;
			struct ike2_nonce n;
			struct ike2_notify no;
			struct ike2_delete d;
			struct ike2_ts ts;
			struct ike2_skf f;
			struct ike2_cp cp;
			struct ike2_eap e;
		} u;

		ike2_parse_sa(p, len, &u.sa);
		ike2_parse_ke(p, len, &u.ke);
		ike2_parse_id(p, len, &u.id);
		ike2_parse_cert(p, len, &u.c);
		ike2_parse_auth(p, len, &u.a);
		ike2_parse_nonce(p, len, &u.n);
		ike2_parse_notify(p, len, &u.no);
		ike2_parse_delete(p, len, &u.d);
		ike2_parse_ts(p, len, &u.ts);
		ike2_parse_skf(p, len, &u.f);
		ike2_parse_cp(p, len, &u.cp);
		ike2_parse_eap(p, len, &u.e);
	}
}

/* Every prefix of every real message: a capture cut short is reported as
 * truncation, never read past (ASan checks the exact-size copies). */
static void test_truncation(FILE *devnull)
{
	for (size_t v = 0; v < NVEC; v++) {
		unsigned bad_trunc = 0, bad_dgram = 0;

		for (size_t cut = 0; cut < vecs[v].len; cut++) {
			uint8_t *b = dup_exact(vecs[v].p, cut);
			struct ike_msg m;
			int want = cut < IKE_HDR_LEN ? IKE_E_SHORT : IKE_E_TRUNCATED;

			if (ike_parse(b, cut, 0, &m) != want)
				bad_trunc++;
			parse_all_bodies(&m);
			ike2_tree_print(devnull, &m, 1);
			want = cut < IKE_HDR_LEN ? IKE_E_SHORT : IKE_E_LENGTH_DATAGRAM;
			if (ike_parse(b, cut, cut, &m) != want)
				bad_dgram++;
			free(b);
		}
		is_int(bad_trunc, 0, vecs[v].name);
		is_int(bad_dgram, 0, "... and as a datagram shorter than its header length");
	}
}

/* Every prefix of every payload body through every parser, and strict
 * prefixes of a valid SA are never taken as valid. */
static void test_body_prefixes(void)
{
	unsigned sa_ok_prefix = 0;

	for (size_t v = 0; v < NVEC; v++) {
		struct ike_msg m;

		ike_parse(vecs[v].p, vecs[v].len, 0, &m);
		for (unsigned i = 0; i < m.npl; i++) {
			size_t len;
			const uint8_t *p = ike_payload_body(&m, i, &len);

			for (size_t cut = 0; cut <= len; cut++) {
				uint8_t *b = dup_exact(p, cut);
				struct ike2_sa sa;

				if (m.pl[i].type == IKE2_PLD_SA && cut < len &&
				    ike2_parse_sa(b, cut, &sa) == IKE2_OK)
					sa_ok_prefix++;
				{
					struct ike2_ts ts;
					struct ike2_notify n;
					struct ike2_auth a;

					ike2_parse_ts(b, cut, &ts);
					ike2_parse_notify(b, cut, &n);
					ike2_parse_auth(b, cut, &a);
					ike2_parse_sa(b, cut, &sa);
				}
				free(b);
			}
		}
	}
	is_int(sa_ok_prefix, 0, "no strict prefix of a real SA body parses as valid");
	{
		const struct { const uint8_t *p; size_t len; } c[] = {
			{ ts_body, sizeof(ts_body) }, { auth_body, sizeof(auth_body) },
			{ del_body, sizeof(del_body) }, { cp_body, sizeof(cp_body) },
			{ eap_body, sizeof(eap_body) },
		};
		unsigned ok_prefix = 0;

		for (size_t k = 0; k < sizeof(c) / sizeof(c[0]); k++)
			for (size_t cut = 0; cut < c[k].len; cut++) {
				uint8_t *b = dup_exact(c[k].p, cut);
				struct ike2_ts ts;
				struct ike2_auth a;
				struct ike2_delete d;
				struct ike2_cp cp;
				struct ike2_eap e;
				int r = k == 0 ? ike2_parse_ts(b, cut, &ts)
					: k == 1 ? ike2_parse_auth(b, cut, &a)
					: k == 2 ? ike2_parse_delete(b, cut, &d)
					: k == 3 ? ike2_parse_cp(b, cut, &cp)
						 : ike2_parse_eap(b, cut, &e);

				/* A CP cut between attributes is still well formed, and
				 * so is an AUTH with a shorter signature. */
				if (r == IKE2_OK && !(k == 3 && (cut == 4 || cut == 8 || cut == 12)) &&
				    !(k == 1 && cut >= 20))
					ok_prefix++;
				free(b);
			}
		is_int(ok_prefix, 0, "strict prefixes of crafted TS/AUTH/D/CP/EAP are malformed");
	}
}

/* Byte mutations of real messages: parse and print, never crash or overread. */
static void test_mutations(FILE *devnull)
{
	static const uint8_t vals[] = { 0x00, 0x01, 0x03, 0x7f, 0x80, 0xff };
	unsigned runs = 0;
	const struct vec *mv[] = { &vecs[0], &vecs[3], &vecs[9] };

	for (size_t v = 0; v < sizeof(mv) / sizeof(mv[0]); v++) {
		uint8_t *b = dup_exact(mv[v]->p, mv[v]->len);

		for (size_t i = 0; i < mv[v]->len; i++) {
			uint8_t save = b[i];

			for (size_t k = 0; k < sizeof(vals); k++) {
				struct ike_msg m;

				b[i] = vals[k];
				ike_parse(b, mv[v]->len, mv[v]->len, &m);
				parse_all_bodies(&m);
				ike2_tree_print(devnull, &m, 0);
				runs++;
			}
			b[i] = save;
		}
		free(b);
	}
	ok(runs > 5000, "%u mutated messages parsed and printed", runs);
}

static char *tree_of(const uint8_t *p, size_t len)
{
	struct ike_msg m;
	char *out = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&out, &n);

	if (!f)
		return NULL;
	ike_parse(p, len, 0, &m);
	ike2_tree_print(f, &m, 1);
	fclose(f);
	return out;
}

static void test_tree(void)
{
	uint8_t msg[512];
	const struct part parts[] = {
		{ IKE2_PLD_IDI, id_fqdn_body, sizeof(id_fqdn_body) },
		{ IKE2_PLD_AUTH, auth_body, sizeof(auth_body) },
		{ IKE2_PLD_CP, cp_body, sizeof(cp_body) },
		{ IKE2_PLD_TSI, ts_body, sizeof(ts_body) },
		{ IKE2_PLD_D, del_body, sizeof(del_body) },
		{ IKE2_PLD_EAP, eap_body, sizeof(eap_body) },
	};
	size_t len = build(msg, sizeof(msg), 35, parts, sizeof(parts) / sizeof(parts[0]));
	char *t = tree_of(four_init_req, sizeof(four_init_req));

	ok(t && strstr(t, "\n    proposal #1: IKE (1), 12 transforms\n"), "tree: proposal line");
	ok(t && strstr(t, "\n      transform ENCR (1): ENCR_AES_CBC (12), key length 128\n"),
	   "tree: transform line");
	ok(t && strstr(t, "\n    type: NAT_DETECTION_SOURCE_IP (16388)\n"), "tree: notify type");
	ok(t && strstr(t, "\n    group: MODP_1024 (2)\n"), "tree: KE group");
	free(t);
	t = tree_of(scapy_redirect, sizeof(scapy_redirect));
	ok(t && strstr(t, "gateway: \"moneybin.duckburg.disney.com\""), "tree: redirect FQDN");
	free(t);
	t = tree_of(tcpd_id_short, sizeof(tcpd_id_short));
	ok(t && strstr(t, "    malformed: body shorter than its fixed fields"), "tree: payload malformed");
	ok(t && strstr(t, "  malformed: bytes left after the last payload"), "tree: message malformed");
	free(t);
	t = tree_of(msg, len);
	ok(t && strstr(t, "name: \"vpn\\x1b[31m\""), "tree: FQDN ID escaped");
	ok(t && !strchr(t, 0x1b), "tree: no raw escape byte");
	ok(t && strstr(t, "signature algorithm: sha256WithRSAEncryption"), "tree: AUTH algorithm");
	ok(t && strstr(t, "TS_IPV4_ADDR_RANGE (7): protocol 0, ports 0-65535, 192.168.0.0 - 192.168.0.255"),
	   "tree: IPv4 selector");
	ok(t && strstr(t, "ports 500-500, 2001:db8:: - 2001:db8::ffff:ffff:ffff:ffff"),
	   "tree: IPv6 selector");
	ok(t && strstr(t, "APPLICATION_VERSION (7): \"abcd\""), "tree: CP attribute");
	ok(t && strstr(t, "SPI: 4 bytes c2000002"), "tree: deleted SPI");
	ok(t && strstr(t, "type: Identity (1)") && strstr(t, "data: \"user1\""), "tree: EAP identity");
	free(t);
}

int main(void)
{
	FILE *devnull = fopen("/dev/null", "w");

	test_four();
	test_zeek();
	test_scapy_suri_oswan();
	test_crafted();
	test_malformed();
	if (devnull) {
		test_truncation(devnull);
		test_mutations(devnull);
		fclose(devnull);
	}
	test_body_prefixes();
	test_tree();
	return tap_done();
}
