/* test_ike_msg.c - the ISAKMP header and payload-chain walk on real and
 * hostile messages. */
#include <stdlib.h>

#include "ike.h"
#include "../tap.h"

/* tcpdump's ikev2four.pcap frame 2: IKE_SA_INIT response carrying N(COOKIE). */
static const uint8_t cookie_resp[] = {
	0xa8, 0x88, 0x75, 0xa8, 0x19, 0x89, 0x92, 0xa6, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x29, 0x20, 0x22, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x00, 0x00, 0x20,
	0x00, 0x00, 0x40, 0x06, 0x00, 0x00, 0x00, 0x01, 0xc2, 0x22, 0x1e, 0x50, 0xc1, 0x6e, 0x12, 0x3f,
	0x2b, 0x0c, 0x71, 0xae, 0xfc, 0xf0, 0xcb, 0x3b, 0x79, 0x87, 0x82, 0xc6,
};

static void set_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Builds an IKEv2 header with first payload np and total length len. */
static void hdr(uint8_t *b, uint8_t np, uint8_t ver, uint32_t len)
{
	memset(b, 0, IKE_HDR_LEN);
	b[0] = 0x11;
	b[16] = np;
	b[17] = ver;
	b[18] = 37;
	b[19] = 0x08;
	set_be32(b + 24, len);
}

static void test_real(void)
{
	struct ike_msg m;
	size_t len;
	const uint8_t *body;

	is_int(ike_parse(cookie_resp, sizeof(cookie_resp), sizeof(cookie_resp), &m), IKE_OK, "real COOKIE response parses");
	is_int(m.major, 2, "major version 2");
	is_int(m.exchange, 34, "IKE_SA_INIT");
	is_int(m.flags, 0x20, "response flag");
	is_int(m.length, 60, "length");
	is_int(m.npl, 1, "one payload");
	is_int(m.pl[0].type, IKE2_PLD_N, "it is a notify");
	is_int(m.pl[0].notify, 16390, "notify type COOKIE");
	ok(m.ispi[0] == 0xa8 && m.ispi[7] == 0xa6, "initiator SPI");
	body = ike_payload_body(&m, 0, &len);
	is_int(len, 28, "notify body length");
	ok(body == cookie_resp + 32, "body view points into the message");
	ok(ike_payload_body(&m, 1, &len) == NULL && len == 0, "no payload 1");
}

static void test_truncation(void)
{
	struct ike_msg m;
	int bad = 0;

	/* Every cut of a real message: no read past caplen (ASan checks this
	 * on the heap copy), and a specific error for each range. */
	for (size_t cut = 0; cut < sizeof(cookie_resp); cut++) {
		uint8_t *copy = malloc(cut ? cut : 1);
		int err, want = cut < IKE_HDR_LEN ? IKE_E_SHORT : IKE_E_TRUNCATED;

		memcpy(copy, cookie_resp, cut);
		err = ike_parse(copy, cut, sizeof(cookie_resp), &m);
		if (err != want) {
			printf("# cut %zu: err %d want %d\n", cut, err, want);
			bad++;
		}
		free(copy);
	}
	is_int(bad, 0, "every truncation gives SHORT or TRUNCATED");
}

static void test_hostile(void)
{
	uint8_t b[512];
	struct ike_msg m;

	hdr(b, 0, 0x20, 20);
	is_int(ike_parse(b, 28, 28, &m), IKE_E_LENGTH_SMALL, "length below the header size");

	hdr(b, 0, 0x30, 28);
	is_int(ike_parse(b, 28, 28, &m), IKE_E_VERSION, "major version 3 rejected");

	hdr(b, 0, 0x20, 100);
	is_int(ike_parse(b, 28, 28, &m), IKE_E_LENGTH_DATAGRAM, "length larger than the datagram");

	hdr(b, 43, 0x20, 32);
	b[28] = 0; b[29] = 0; b[30] = 0; b[31] = 0;
	is_int(ike_parse(b, 32, 32, &m), IKE_E_PAYLOAD_LENGTH, "payload length 0 stops the walk");
	is_int(m.err_off, 28, "error offset names the payload");

	hdr(b, 43, 0x20, 32);
	b[30] = 0; b[31] = 3;
	is_int(ike_parse(b, 32, 32, &m), IKE_E_PAYLOAD_LENGTH, "payload length 3 (below generic header)");

	hdr(b, 43, 0x20, 36);
	b[28] = 0; b[30] = 0; b[31] = 200;
	is_int(ike_parse(b, 36, 36, &m), IKE_E_PAYLOAD_LENGTH, "payload overrunning the message");

	hdr(b, 43, 0x20, 36);
	b[28] = 0; b[30] = 0; b[31] = 4;
	is_int(ike_parse(b, 36, 36, &m), IKE_E_TRAILING, "bytes after the last payload");

	hdr(b, 43, 0x20, 31);
	is_int(ike_parse(b, 31, 31, &m), IKE_E_PAYLOAD_HEADER, "generic header cut by the message length");

	/* A chain of empty vendor payloads, each pointing at the next: stops at
	 * the cap rather than walking forever or past the buffer. */
	hdr(b, 43, 0x20, 28 + 4 * 100);
	for (int i = 0; i < 100; i++) {
		uint8_t *p = b + 28 + 4 * i;
		p[0] = 43; p[1] = 0; p[2] = 0; p[3] = 4;
	}
	is_int(ike_parse(b, 28 + 4 * 100, 28 + 4 * 100, &m), IKE_E_TOO_MANY_PAYLOADS, "payload chain capped");
	is_int(m.npl, IKE_MAX_PAYLOADS, "capped at IKE_MAX_PAYLOADS");

	/* IKEv2 SK: the chain ends there; its next-payload is the first inner one. */
	hdr(b, 46, 0x20, 40);
	b[28] = 35; b[29] = 0x00; b[30] = 0; b[31] = 12;
	is_int(ike_parse(b, 40, 40, &m), IKE_OK, "SK payload ends the chain");
	is_int(m.sk_np, 35, "first inner payload is IDi");
	is_int(m.npl, 1, "SK is the only payload");

	/* IKEv1 with the encryption flag: header only. */
	hdr(b, 8, 0x10, 60);
	b[19] = IKE1_FLAG_ENC;
	memset(b + 28, 0xee, 32);
	is_int(ike_parse(b, 60, 60, &m), IKE_OK, "IKEv1 encrypted message");
	ok(m.encrypted && m.npl == 0, "body left opaque");

	/* Critical bit recorded on an unknown payload, skipped by length. */
	hdr(b, 200, 0x20, 36);
	b[28] = 0; b[29] = 0x80; b[30] = 0; b[31] = 8;
	is_int(ike_parse(b, 36, 36, &m), IKE_OK, "unknown payload skipped by length");
	ok(m.pl[0].critical == 1 && m.pl[0].type == 200, "critical bit and type kept");

	/* Snaplen cut inside a payload: summarised as far as captured. */
	hdr(b, 43, 0x20, 100);
	b[28] = 0; b[29] = 0; b[30] = 0; b[31] = 72;
	is_int(ike_parse(b, 40, 100, &m), IKE_E_TRUNCATED, "payload cut by the snaplen");
	is_int(m.npl, 1, "cut payload still listed");
}

int main(void)
{
	test_real();
	test_truncation();
	test_hostile();
	is_str(ike_perr_token(IKE_E_TRAILING), "trailing", "error tokens");
	is_str(ike_perr_token(999), "unknown", "out-of-range error token");
	return tap_done();
}
