/* test_natd.c - NAT-D verification on real IKE_SA_INIT and Main Mode
 * messages (a real NAT, forced encapsulation, a port-rewriting NAT, no NAT),
 * known-answer hashes computed independently (python3 hashlib), forged and
 * truncated messages, the nat.detected wording, and whole captures. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../dissect/engine_int.h"
#include "capture.h"
#include "ike.h"
#include "ike1.h"
#include "ike2.h"
#include "engine_run.h"
#include "natd_vectors.h"
#include "../tap.h"

static struct ike_msg msg;
/* Lends natd_check its digest context. */
static struct engine *eng;

static struct unit unit_of(const struct vec *v, const uint8_t *data, size_t len)
{
	struct unit u;

	memset(&u, 0, sizeof(u));
	u.kind = UNIT_IKE;
	u.transport = v->sport == 4500 || v->dport == 4500 ? TR_UDP4500 : TR_UDP500;
	u.frame = 7;
	u.src.family = u.dst.family = v->family;
	memcpy(u.src.a, v->src, 16);
	memcpy(u.dst.a, v->dst, 16);
	u.sport = v->sport;
	u.dport = v->dport;
	u.ttl = v->ttl;
	u.data = data;
	u.len = len;
	return u;
}

/* Runs natd_check on a message as the engine would, with the SA's initiator
 * address taken from the initiator's message. */
static void check(struct ike_sa *sa, const struct vec *v, const uint8_t *data, size_t len)
{
	struct unit u = unit_of(v, data, len);

	ike_parse(data, len, len, &msg);
	natd_check(eng, sa, &msg, &u);
}

static void sa_init(struct ike_sa *sa, const struct vec *init_msg)
{
	memset(sa, 0, sizeof(*sa));
	sa->init_ip.family = sa->resp_ip.family = init_msg->family;
	memcpy(sa->init_ip.a, init_msg->src, 16);
	memcpy(sa->resp_ip.a, init_msg->dst, 16);
	sa->init_port = init_msg->sport;
	sa->resp_port = init_msg->dport;
}

static void test_ike2_captures(void)
{
	struct ike_sa sa;

	/* ikev2-natt.pcap: real NAT in front of the initiator, and both
	 * daemons fake their source hash (kernel-libipsec). */
	sa_init(&sa, &v2natt_req);
	check(&sa, &v2natt_req, v2natt_req.data, v2natt_req.len);
	check(&sa, &v2natt_resp, v2natt_resp.data, v2natt_resp.len);
	is_int(sa.natd_init_src, NATD_MISMATCH, "natt: initiator's source hash mismatches");
	is_int(sa.natd_init_dst, NATD_MATCH, "natt: initiator's destination hash matches");
	is_int(sa.natd_resp_src, NATD_MISMATCH, "natt: responder's (faked) source hash mismatches");
	is_int(sa.natd_resp_dst, NATD_MATCH, "natt: responder's destination hash matches");
	is_int(sa.init_port_translated, 0, "natt: masquerade kept port 500");
	is_int(sa.natd_frame_init, 7, "natt: frame of the initiator's NAT-D recorded");

	/* ikev2-esp-udp.pcap: no NAT, forced encapsulation on both sides. */
	sa_init(&sa, &v2esp_req);
	check(&sa, &v2esp_req, v2esp_req.data, v2esp_req.len);
	check(&sa, &v2esp_resp, v2esp_resp.data, v2esp_resp.len);
	is_int(sa.natd_init_src, NATD_MISMATCH, "esp-udp: initiator fakes its source hash");
	is_int(sa.natd_init_dst, NATD_MATCH, "esp-udp: destination hash matches");
	is_int(sa.natd_resp_src, NATD_MISMATCH, "esp-udp: responder fakes its source hash");
	is_int(sa.natd_resp_dst, NATD_MATCH, "esp-udp: responder's destination hash matches");

	/* ikev2-ipv6.pcap: IPv6 addresses in the hash. */
	sa_init(&sa, &v2v6_req);
	check(&sa, &v2v6_req, v2v6_req.data, v2v6_req.len);
	is_int(sa.natd_init_dst, NATD_MATCH, "ipv6: destination hash over a 16-byte address matches");

	/* ndpi ipsec_isakmp_esp.pcap: client behind NAT, source port 10500. */
	sa_init(&sa, &v2ndpi_req);
	check(&sa, &v2ndpi_req, v2ndpi_req.data, v2ndpi_req.len);
	check(&sa, &v2ndpi_resp, v2ndpi_resp.data, v2ndpi_resp.len);
	is_int(sa.natd_init_src, NATD_MISMATCH, "ndpi: initiator's source hash mismatches");
	is_int(sa.natd_init_dst, NATD_MATCH, "ndpi: initiator's destination hash matches");
	is_int(sa.natd_resp_src, NATD_MATCH, "ndpi: responder's source hash matches");
	is_int(sa.natd_resp_dst, NATD_MISMATCH, "ndpi: responder saw the client elsewhere");
	is_int(sa.init_port_translated, 1, "ndpi: request from port 10500 to 500");
}

/* Known answers: SHA-1(SPIi | 0^8 | 203.0.113.7 | 4500) for the SPIi of the
 * ikev2-esp-udp request (886d6907364e32bc), computed with python3 hashlib. */
static const uint8_t kat_v2[20] = {
	0x4a, 0x9a, 0x29, 0xda, 0xa5, 0x7b, 0x8c, 0x7d, 0xa1, 0x74,
	0x09, 0xed, 0x56, 0xa6, 0xb8, 0x7c, 0x45, 0xcd, 0xfc, 0xe8,
};
/* SHA-1 and MD5 of (c6d1459285150c7e 6e961f01bf179b35 | 198.51.100.9 | 4500),
 * the cookies of joy/ikev1.pcap's MM3. */
static const uint8_t kat_v1_sha1[20] = {
	0x0b, 0x7b, 0x1a, 0xd8, 0x6e, 0x31, 0xd7, 0x99, 0x03, 0xf0,
	0xd5, 0x30, 0x80, 0xda, 0x0b, 0x66, 0x7b, 0x24, 0xbb, 0x12,
};

/* The data of the first NAT-D of a message (notify type for IKEv2). */
static uint8_t *natd_data(uint8_t *buf, size_t len, unsigned which, size_t *dlen)
{
	unsigned seen = 0;

	ike_parse(buf, len, len, &msg);
	for (unsigned i = 0; i < msg.npl; i++) {
		const struct ike_payload *pl = &msg.pl[i];
		size_t blen;
		const uint8_t *b;

		if (msg.major == 2 && pl->notify != which)
			continue;
		if (msg.major == 1 && (pl->type != IKE1_PLD_NATD || seen++ != which))
			continue;
		b = ike_payload_body(&msg, i, &blen);
		*dlen = msg.major == 2 ? blen - 4 : blen;
		return buf + (b - buf) + (msg.major == 2 ? 4 : 0);
	}
	return NULL;
}

static void test_known_answers(void)
{
	uint8_t buf[1024];
	uint8_t *d;
	size_t dl = 0;
	struct ike_sa sa;
	struct vec v = v2esp_req;

	memcpy(buf, v2esp_req.data, v2esp_req.len);
	d = natd_data(buf, v2esp_req.len, IKE2_N_NAT_DETECTION_DESTINATION_IP, &dl);
	ok(d && dl == 20, "ikev2 NATD_D data is 20 bytes");
	if (!d)
		return;
	memcpy(d, kat_v2, 20);
	v.dst[0] = 203, v.dst[1] = 0, v.dst[2] = 113, v.dst[3] = 7;
	v.dport = 4500;
	sa_init(&sa, &v);
	check(&sa, &v, buf, v2esp_req.len);
	is_int(sa.natd_init_dst, NATD_MATCH, "KAT: SHA-1 over SPIi, zero SPIr, 203.0.113.7:4500");
	v.dport = 4501;
	check(&sa, &v, buf, v2esp_req.len);
	is_int(sa.natd_init_dst, NATD_MISMATCH, "KAT: one port off mismatches");

	/* Forged: random bytes where a matching hash was. */
	memcpy(buf, v2esp_req.data, v2esp_req.len);
	d = natd_data(buf, v2esp_req.len, IKE2_N_NAT_DETECTION_DESTINATION_IP, &dl);
	d[0] ^= 0x01;
	sa_init(&sa, &v2esp_req);
	check(&sa, &v2esp_req, buf, v2esp_req.len);
	is_int(sa.natd_init_dst, NATD_MISMATCH, "one flipped bit: mismatch");

	/* IKEv1: the second NAT-D (a source hash) replaced by the KAT. */
	memcpy(buf, v1joy_mm3.data, v1joy_mm3.len);
	d = natd_data(buf, v1joy_mm3.len, 1, &dl);
	ok(d && dl == 20, "ikev1 NAT-D source data is 20 bytes");
	if (!d)
		return;
	memcpy(d, kat_v1_sha1, 20);
	v = v1joy_mm3;
	v.src[0] = 198, v.src[1] = 51, v.src[2] = 100, v.src[3] = 9;
	v.sport = 4500;
	sa_init(&sa, &v);
	check(&sa, &v, buf, v1joy_mm3.len);
	is_int(sa.natd_init_src, NATD_MATCH, "KAT v1: SHA-1 over the cookies, 198.51.100.9:4500");
	is_int(sa.natd_init_dst, NATD_MATCH, "KAT v1: the untouched remote hash still matches");
}

static void test_ike1(void)
{
	struct ike_sa sa;
	size_t len;

	/* ikev1-main-quick.pcap: SHA2-256 negotiated in MM2, faked sources. */
	sa_init(&sa, &v1mq_mm1);
	ike_parse(v1mq_mm2.data, v1mq_mm2.len, v1mq_mm2.len, &msg);
	for (unsigned i = 0; i < msg.npl; i++)
		if (msg.pl[i].type == IKE1_PLD_SA) {
			struct proposal_set ps;
			const uint8_t *b = ike_payload_body(&msg, i, &len);

			proposals_from_ike1(b, len, &ps);
			sa.chosen = ps.p[0];
			sa.have_chosen = 1;
		}
	is_int(sa.have_chosen, 1, "main-quick: chosen proposal from MM2");
	check(&sa, &v1mq_mm3, v1mq_mm3.data, v1mq_mm3.len);
	check(&sa, &v1mq_mm4, v1mq_mm4.data, v1mq_mm4.len);
	is_int(sa.natd_init_dst, NATD_MATCH, "main-quick MM3: first NAT-D (remote) matches, SHA2-256");
	is_int(sa.natd_init_src, NATD_MISMATCH, "main-quick MM3: source faked");
	is_int(sa.natd_resp_dst, NATD_MATCH, "main-quick MM4: remote hash matches");
	is_int(sa.natd_resp_src, NATD_MISMATCH, "main-quick MM4: source faked");

	/* The same without a negotiated hash: chosen by the payload size. */
	sa_init(&sa, &v1mq_mm1);
	check(&sa, &v1mq_mm3, v1mq_mm3.data, v1mq_mm3.len);
	is_int(sa.natd_init_dst, NATD_MATCH, "main-quick MM3 without the SA: hash by size");

	/* joy/ikev1.pcap (strongSwan, SHA-1, no NAT): everything matches. */
	sa_init(&sa, &v1joy_mm3);
	check(&sa, &v1joy_mm3, v1joy_mm3.data, v1joy_mm3.len);
	is_int(sa.natd_init_dst, NATD_MATCH, "joy MM3: remote hash matches");
	is_int(sa.natd_init_src, NATD_MATCH, "joy MM3: local hash matches");
	is_int(sa.natd_resp_src, NATD_UNKNOWN, "joy MM3: says nothing about the responder");
}

static void test_robustness(void)
{
	struct ike_sa sa;
	uint8_t buf[1024];
	unsigned bad = 0;
	struct vec v = v2esp_req;
	const struct vec *all[] = { &v2natt_req, &v2esp_resp, &v1mq_mm3, &v1joy_mm3, &v2ndpi_resp };

	/* Every cut of every message: verdicts stay in range, nothing crashes. */
	for (size_t k = 0; k < sizeof(all) / sizeof(all[0]); k++)
		for (size_t cut = 0; cut <= all[k]->len; cut++) {
			memcpy(buf, all[k]->data, cut);
			sa_init(&sa, all[k]);
			check(&sa, all[k], buf, cut);
			bad += sa.natd_init_src > NATD_MISMATCH || sa.natd_init_dst > NATD_MISMATCH ||
			       sa.natd_resp_src > NATD_MISMATCH || sa.natd_resp_dst > NATD_MISMATCH;
		}
	is_int(bad, 0, "every truncation: verdicts in range");

	/* A message that stops before the NAT-D payloads says nothing. */
	sa_init(&sa, &v2esp_req);
	check(&sa, &v2esp_req, v2esp_req.data, 300);
	is_int(sa.natd_init_dst, NATD_UNKNOWN, "cut before NAT-D: unknown");

	/* No address family: nothing can be hashed. */
	v.family = 0;
	sa_init(&sa, &v);
	check(&sa, &v, v2esp_req.data, v2esp_req.len);
	is_int(sa.natd_init_src + sa.natd_init_dst, NATD_UNKNOWN, "no address: unknown");

	/* IKE_AUTH (exchange 35) carries no cleartext NAT-D: ignored. */
	memcpy(buf, v2esp_req.data, v2esp_req.len);
	buf[18] = 35;
	sa_init(&sa, &v2esp_req);
	check(&sa, &v2esp_req, buf, v2esp_req.len);
	is_int(sa.natd_init_dst, NATD_UNKNOWN, "not IKE_SA_INIT: ignored");
}

/* ---- nat.detected ---- */

static const struct diagnosis *diagnose(struct engine *e, struct ike_sa *sa)
{
	size_t before = engine_diag_count(e);

	natd_diagnose(e, sa);
	return engine_diag_count(e) > before ? engine_diag(e, engine_diag_count(e) - 1) : NULL;
}

static void verdicts(struct ike_sa *sa, uint8_t is, uint8_t id, uint8_t rs, uint8_t rd)
{
	memset(sa, 0, sizeof(*sa));
	sa->version = 2;
	sa->init_ip.family = sa->resp_ip.family = ADDR_V4;
	memcpy(sa->init_ip.a, v2natt_req.src, 4);
	memcpy(sa->resp_ip.a, v2natt_req.dst, 4);
	sa->init_port = sa->resp_port = 500;
	sa->natd_init_src = is;
	sa->natd_init_dst = id;
	sa->natd_resp_src = rs;
	sa->natd_resp_dst = rd;
}

static void test_diagnose(void)
{
	struct engine_config cfg;
	struct engine *e;
	const struct diagnosis *d;
	struct ike_sa sa;

	engine_config_defaults(&cfg);
	e = engine_new(&cfg, NULL);

	/* A source hash that matches with port 500 only, at the initiator's
	 * own host: its own NAT, not forced encapsulation. */
	verdicts(&sa, NATD_MISMATCH, NATD_MATCH, NATD_MATCH, NATD_MATCH);
	sa.cap_pos = POS_INITIATOR;
	ok(diagnose(e, &sa) == NULL, "source hash off at the initiator's own host: forced encapsulation, no NAT");
	sa.natd_init_port_only = 1;
	d = diagnose(e, &sa);
	ok(d && strstr(d->message, "Only the initiator's source port differs") != NULL,
	   "the same with port 500 matching: only its port translated, said at its own host too");

	/* NAT read in the hashes, yet IKE_AUTH on UDP 500: the peers did not
	 * act on it. Only the key exchange (resent) on 500: nothing to say. */
	verdicts(&sa, NATD_MATCH, NATD_MATCH, NATD_MISMATCH, NATD_MATCH);
	sa.cap_pos = POS_PATH;
	sa.transport = TR_UDP500;
	sa.nexch = 1;
	sa.ex[0].type = IKE2_EXCH_SA_INIT;
	d = diagnose(e, &sa);
	ok(d && !strstr(d->message, "stayed on UDP 500"), "NAT-D says NAT, only IKE_SA_INIT seen: nothing on the port");
	sa.nexch = 2;
	sa.ex[1].type = IKE2_EXCH_AUTH;
	sa.diag_raised = 0;
	d = diagnose(e, &sa);
	ok(d && strstr(d->message, "yet IKE stayed on UDP 500"), "  IKE_AUTH on UDP 500 after it: NAT traversal unused");

	/* ikev2-natt.pcap as analysed: captured next to the responder. */
	verdicts(&sa, NATD_MISMATCH, NATD_MATCH, NATD_MISMATCH, NATD_MATCH);
	sa.cap_pos = POS_RESPONDER;
	sa.keepalives = 3;
	sa.moved_to_4500 = 1;
	sa.natd_frame_init = 3;
	sa.natd_frame_resp = 4;
	d = diagnose(e, &sa);
	ok(d != NULL, "natt: nat.detected raised");
	if (d) {
		is_int(d->code, DIAG_NAT_DETECTED, "natt: code");
		is_int(d->severity, SEV_INFO, "natt: info");
		is_int(d->confidence, CONF_LIKELY, "natt: likely (no port rewrite to corroborate)");
		is_str(d->message,
		       "NAT or forced UDP encapsulation on the initiator's side: its NAT-D source hash does "
		       "not match 198.51.100.254 seen here; the responder forces UDP encapsulation; IKE "
		       "moved to UDP 4500, 3 NAT-T keepalives seen",
		       "natt: message");
		is_int(d->nevidence, 2, "natt: both NAT-D messages as evidence");
	}
	ok(diagnose(e, &sa) == NULL, "raised once per SA");

	/* ikev2-esp-udp.pcap: both fake, position unknown. */
	verdicts(&sa, NATD_MISMATCH, NATD_MATCH, NATD_MISMATCH, NATD_MATCH);
	d = diagnose(e, &sa);
	ok(d && d->confidence == CONF_LIKELY, "esp-udp: likely only");
	ok(d && strstr(d->message, "NAT or forced UDP encapsulation on both sides: neither peer's NAT-D "
		       "source hash matches its address seen here (198.51.100.254, 198.51.100.2)"),
	   "esp-udp: both sides hedged in one clause");
	ok(d && strstr(d->message, "no NAT-T keepalives seen"), "esp-udp: no keepalives said");

	/* Forged source hash seen at the sender's own host: no NAT at all. */
	verdicts(&sa, NATD_MISMATCH, NATD_MATCH, NATD_MATCH, NATD_MATCH);
	sa.cap_pos = POS_INITIATOR;
	sa.init_port_translated = 1;
	ok(diagnose(e, &sa) == NULL, "fake hash at the initiator's host: no NAT verdict");

	/* A forged or wrong hash alone never makes a certain verdict. */
	verdicts(&sa, NATD_MISMATCH, NATD_MATCH, NATD_MATCH, NATD_MATCH);
	sa.cap_pos = POS_PATH;
	d = diagnose(e, &sa);
	ok(d && d->confidence == CONF_LIKELY, "mismatch without corroboration: likely");
	verdicts(&sa, NATD_MATCH, NATD_MATCH, NATD_MATCH, NATD_MISMATCH);
	d = diagnose(e, &sa);
	ok(d && d->confidence == CONF_LIKELY, "destination mismatch alone: likely");
	ok(d && strstr(d->message, "NAT on the initiator's side past this point: the responder hashed another address"), "NAT beyond the capture point");

	/* ndpi capture: source port 10500 to 500 points at a NAT, but a client
	 * may pick its port (RFC 7296 section 2.11): still only likely. */
	verdicts(&sa, NATD_MISMATCH, NATD_MATCH, NATD_MATCH, NATD_MISMATCH);
	sa.cap_pos = POS_PATH;
	sa.init_port_translated = 1;
	d = diagnose(e, &sa);
	ok(d && d->confidence == CONF_LIKELY, "port not 500 and hash wrong: still likely");
	ok(d && strstr(d->message, "The initiator is likely behind a NAT before this point"),
	   "wording names the initiator's side");
	ok(d && strstr(d->message, "and NAT past this point too"), "second NAT past the capture point");

	verdicts(&sa, NATD_MATCH, NATD_MATCH, NATD_MATCH, NATD_MATCH);
	ok(diagnose(e, &sa) == NULL, "all hashes match: nothing");
	verdicts(&sa, NATD_UNKNOWN, NATD_UNKNOWN, NATD_UNKNOWN, NATD_UNKNOWN);
	ok(diagnose(e, &sa) == NULL, "no NAT-D: nothing");
	engine_free(e);
}

/* ---- whole captures through the engine ---- */

static struct engine *run(const char *path)
{
	return engine_run_file(path, NULL);
}

/* The confidence of the first nat.detected, -1 if none. */
static int nat_conf(const struct engine *e)
{
	for (size_t i = 0; i < engine_diag_count(e); i++)
		if (engine_diag(e, i)->code == DIAG_NAT_DETECTED)
			return engine_diag(e, i)->confidence;
	return -1;
}

static const struct ike_sa *first_sa(const struct engine *e)
{
	const struct ike_sa *best = NULL;

	for (uint32_t i = 0; i < engine_sa_slots(e); i++) {
		const struct ike_sa *sa = engine_sa(e, i);

		if (sa && (!best || sa->first_frame < best->first_frame))
			best = sa;
	}
	return best;
}

static void test_captures(void)
{
	const char *top = getenv("top_srcdir"), *shared = getenv("IKESCOPE_SHARED");
	char path[512];
	struct engine *e;
	const struct ike_sa *sa;

	snprintf(path, sizeof(path), "%s/pcaps/ikev2-natt.pcap", top ? top : ".");
	e = run(path);
	sa = first_sa(e);
	ok(sa && sa->natd_init_src == NATD_MISMATCH && sa->natd_resp_dst == NATD_MATCH,
	   "ikev2-natt.pcap: initiator's source translated");
	ok(sa && sa->cap_pos == POS_RESPONDER, "ikev2-natt.pcap: captured next to the responder");
	is_int(nat_conf(e), CONF_LIKELY, "ikev2-natt.pcap: nat.detected, likely");
	ok(sa && !sa->natd_init_port_only, "ikev2-natt.pcap: the address translated, not the port only");
	engine_free(e);

	snprintf(path, sizeof(path), "%s/pcaps/ikev2-own-nat-port.pcap", top ? top : ".");
	e = run(path);
	sa = first_sa(e);
	ok(sa && sa->natd_init_src == NATD_MISMATCH && sa->natd_init_port_only,
	   "ikev2-own-nat-port.pcap: the initiator's hash matches its address with port 500");
	ok(sa && !sa->natd_resp_port_only && sa->natd_resp_src == NATD_MATCH,
	   "ikev2-own-nat-port.pcap: the responder untranslated");
	is_int(nat_conf(e), CONF_LIKELY, "ikev2-own-nat-port.pcap: nat.detected, though captured at the initiator");
	engine_free(e);

	snprintf(path, sizeof(path), "%s/pcaps/ikev1-main-quick.pcap", top ? top : ".");
	e = run(path);
	sa = first_sa(e);
	ok(sa && sa->natd_init_dst == NATD_MATCH && sa->natd_resp_dst == NATD_MATCH,
	   "ikev1-main-quick.pcap: remote hashes match");
	ok(sa && sa->natd_init_src == NATD_MISMATCH && sa->natd_resp_src == NATD_MISMATCH,
	   "ikev1-main-quick.pcap: forced encapsulation on both sides");
	engine_free(e);

	snprintf(path, sizeof(path), "%s/pcaps-public/joy/ikev1.pcap", shared ? shared : "../shared");
	if (access(path, R_OK) != 0) {
		ok(1, "# SKIP no public corpus at %s", path);
		return;
	}
	e = run(path);
	is_int(nat_conf(e), -1, "joy/ikev1.pcap: no NAT");
	engine_free(e);

	snprintf(path, sizeof(path), "%s/pcaps-public/ndpi/ipsec_isakmp_esp.pcap",
		 shared ? shared : "../shared");
	e = run(path);
	is_int(nat_conf(e), CONF_LIKELY, "ndpi ipsec_isakmp_esp.pcap: NAT, likely (port 10500)");
	engine_free(e);
}

/* Every combination of verdicts, capture positions, the port clues and this
 * host's own NAT, with the longest IPv6 addresses, ports, interface numbers
 * and the most keepalives: the message never
 * fills its buffer (a full one was cut short). */
static void test_message_room(void)
{
	static const uint8_t v[3] = { NATD_UNKNOWN, NATD_MATCH, NATD_MISMATCH };
	static const uint8_t pos[4] = { POS_UNKNOWN, POS_INITIATOR, POS_RESPONDER, POS_PATH };
	struct engine *e = engine_new(NULL, NULL);
	size_t longest = 0, n = 0;
	char worst[DIAG_TEXT] = "";

	for (unsigned c = 0; c < 81 * 4 * 2 * 4 * 3 * 2; c++) {
		struct ike_sa sa;
		const struct diagnosis *d;

		/* The engine keeps 4096 diagnoses: a fresh one before it is full. */
		if (c % 4000 == 0) {
			engine_free(e);
			e = engine_new(NULL, NULL);
		}
		verdicts(&sa, v[c % 3], v[c / 3 % 3], v[c / 9 % 3], v[c / 27 % 3]);
		sa.init_ip.family = sa.resp_ip.family = ADDR_V6;
		memset(sa.init_ip.a, 0xfe, 16);
		memset(sa.resp_ip.a, 0xfd, 16);
		sa.cap_pos = pos[c / 81 % 4];
		sa.init_port_translated = (uint8_t)(c / 324 % 2);
		sa.natd_init_port_only = (uint8_t)(c / 648 % 2);
		sa.natd_resp_port_only = (uint8_t)(c / 1296 % 2);
		sa.nat_here = (uint8_t)(c / 2592 % 3);
		for (unsigned k = 0; k < 2; k++) {
			sa.nat_here_ip[k].family = ADDR_V6;
			memset(sa.nat_here_ip[k].a, 0xfc, 16);
			sa.nat_here_port[k] = 65535;
			sa.nat_here_if[k] = UINT32_MAX;
		}
		sa.keepalives = UINT32_MAX;
		/* Moved to UDP 4500, or stayed on 500 past the key exchange. */
		sa.moved_to_4500 = (uint8_t)(c / 7776 % 2 == 0);
		sa.transport = sa.moved_to_4500 ? TR_UDP4500 : TR_UDP500;
		sa.nexch = 1;
		sa.ex[0].type = IKE2_EXCH_AUTH;
		d = diagnose(e, &sa);
		if (!d)
			continue;
		n++;
		if (strlen(d->message) > longest) {
			longest = strlen(d->message);
			snprintf(worst, sizeof(worst), "%s", d->message);
		}
	}
	ok(n > 0 && longest < DIAG_TEXT - 1, "nat.detected: the longest of %zu messages takes %zu of %d bytes: %s",
	   n, longest, DIAG_TEXT - 1, worst);
	engine_free(e);
}

int main(void)
{
	eng = engine_new(NULL, NULL);
	if (!eng)
		return 1;
	test_ike2_captures();
	test_known_answers();
	test_ike1();
	test_robustness();
	test_diagnose();
	test_message_room();
	test_captures();
	engine_free(eng);
	return tap_done();
}
