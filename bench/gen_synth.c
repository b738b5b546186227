/* gen_synth.c - writes a large deterministic synthetic IKE/ESP capture for the
 * benchmark (Ethernet/IPv4; IKEv2 per RFC 7296 §3, IKEv1 per RFC 2408 §3,
 * ESP per RFC 4303 §2, UDP encapsulation per RFC 3948 §2).
 *
 * The traffic model, all drawn from one fixed-seed PRNG so every run writes
 * the same bytes:
 *  - address pairs: SAs / 10 of them (10,000 by default), client 10.x.y.z to
 *    one of 200 gateways in 198.51.100.0/24; one pair in three sits behind a
 *    NAT and uses UDP 4500 (ESP-in-UDP, IKE after the non-ESP marker) from a
 *    translated port, the others raw ESP (protocol 50) and IKE on 500/500;
 *  - ~90% of packets are ESP over -s SAs (100,000 by default, ten per pair,
 *    alternating direction), each with its own SPI and a sequence number that
 *    increases per SA, with 1% loss (a jump of 2..4) and 0.5% reordering (two
 *    consecutive numbers swapped); IP lengths 100..1400 bytes in three bands
 *    (small 100-200, medium 200-600, large 1000-1400) and random ciphertext;
 *  - ~10% are IKE, from 32 concurrent sessions that each play a script and
 *    are then replaced: 80% IKEv2 (IKE_SA_INIT request/response with SA of
 *    one proposal of 4 transforms, KE of 256 bytes, a 32-byte nonce, two
 *    NAT_DETECTION notifies and a vendor ID; IKE_AUTH and one or two
 *    INFORMATIONAL exchanges carrying SK payloads), 20% IKEv1 main mode
 *    (SA + vendor IDs, KE + nonce + NAT-D, then two encrypted messages);
 *  - timestamps start at 2024-01-01T00:00:00Z, 1..200 us apart.
 * Usage: gen_synth [-n packets] [-s SAs] [-S seed] -o file.pcap
 */
#include <errno.h>
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SNAPLEN 65535
#define FRAME_MAX 2048
#define SESSIONS 32
#define GATEWAYS 200
#define POOL_LEN 8192
#define START_SEC 1704067200LL

#define ETHERTYPE_IPV4 0x0800
#define IPPROTO_ESP_NUM 50
#define IPPROTO_UDP_NUM 17
#define PORT_IKE 500
#define PORT_NATT 4500

/* IKEv2 numbers (RFC 7296 §3.2, IANA "IKEv2 Parameters"). */
#define V2_SA 33
#define V2_KE 34
#define V2_IDI 35
#define V2_NONCE 40
#define V2_N 41
#define V2_V 43
#define V2_SK 46
#define V2_IKE_SA_INIT 34
#define V2_IKE_AUTH 35
#define V2_INFORMATIONAL 37
#define V2_NAT_D_SRC 16388
#define V2_NAT_D_DST 16389

/* IKEv1 numbers (RFC 2408 §3.1, RFC 3947 §3). */
#define V1_SA 1
#define V1_P 2
#define V1_T 3
#define V1_KE 4
#define V1_ID 5
#define V1_NONCE 10
#define V1_VID 13
#define V1_NAT_D 20
#define V1_MAIN_MODE 2

struct rng {
	uint64_t s;
};

struct sa {
	uint32_t spi;
	uint32_t seq;     /* last sequence number sent */
	uint8_t swapped;  /* seq+1 went out early; seq is still owed */
};

struct session {
	uint32_t pair;
	uint8_t v1;
	uint8_t step;
	uint8_t n_steps;
	uint8_t ispi[8], rspi[8];
};

struct wbuf {
	uint8_t b[FRAME_MAX];
	size_t n;
};

struct gen {
	struct rng rng;
	uint8_t pool[POOL_LEN];
	struct sa *sas;
	uint32_t n_sas, n_pairs;
	uint16_t *ip_id;          /* per pair */
	struct session ses[SESSIONS];
	int64_t ts_us;
	pcap_dumper_t *out;
};

/* splitmix64: tiny, fast, and the same everywhere. */
static uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)((rng_next(r) >> 32) * n >> 32);
}

static uint8_t *w_put(struct wbuf *w, size_t n)
{
	uint8_t *p = w->b + w->n;

	if (w->n + n > sizeof(w->b)) {
		fprintf(stderr, "gen_synth: frame buffer overflow\n");
		exit(1);
	}
	w->n += n;
	return p;
}

static void w_u8(struct wbuf *w, unsigned v)
{
	*w_put(w, 1) = (uint8_t)v;
}

static void w_be16(struct wbuf *w, unsigned v)
{
	uint8_t *p = w_put(w, 2);

	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void w_be32(struct wbuf *w, uint32_t v)
{
	uint8_t *p = w_put(w, 4);

	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void w_mem(struct wbuf *w, const void *src, size_t n)
{
	memcpy(w_put(w, n), src, n);
}

static void set_be16(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void set_be32(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Random-looking bytes (ciphertext, key shares, nonces) from the pool. */
static void w_rand(struct gen *g, struct wbuf *w, size_t n)
{
	w_mem(w, g->pool + rng_below(&g->rng, (uint32_t)(POOL_LEN - n)), n);
}

/* Starts a generic payload header (next payload, flags, length); returns its
 * offset for pld_end to fill the length. */
static size_t pld_begin(struct wbuf *w, unsigned np)
{
	size_t at = w->n;

	w_u8(w, np);
	w_u8(w, 0);
	w_be16(w, 0);
	return at;
}

static void pld_end(struct wbuf *w, size_t at)
{
	set_be16(w->b + at + 2, w->n - at);
}

/* The 28-byte ISAKMP header; the length is filled by hdr_end. */
static void ike_hdr(struct wbuf *w, const struct session *s, unsigned np, unsigned ver,
		    unsigned exch, unsigned flags, uint32_t msgid)
{
	w_mem(w, s->ispi, 8);
	w_mem(w, s->rspi, 8);
	w_u8(w, np);
	w_u8(w, ver);
	w_u8(w, exch);
	w_u8(w, flags);
	w_be32(w, msgid);
	w_be32(w, 0);
}

static void hdr_end(struct wbuf *w, size_t at)
{
	set_be32(w->b + at + 24, w->n - at);
}

static void v2_transform(struct wbuf *w, int last, unsigned type, unsigned id, unsigned keylen)
{
	size_t at = w->n;

	w_u8(w, last ? 0 : 3);
	w_u8(w, 0);
	w_be16(w, 0);
	w_u8(w, type);
	w_u8(w, 0);
	w_be16(w, id);
	if (keylen) {
		w_be16(w, 0x800e);
		w_be16(w, keylen);
	}
	pld_end(w, at);
}

/* SA: one IKE proposal of AES-CBC-256 / HMAC-SHA2-256 PRF / HMAC-SHA2-256-128 / MODP-2048. */
static void v2_sa(struct wbuf *w, unsigned np)
{
	size_t sa = pld_begin(w, np);
	size_t prop = w->n;

	w_u8(w, 0);
	w_u8(w, 0);
	w_be16(w, 0);
	w_u8(w, 1);  /* proposal number */
	w_u8(w, 1);  /* protocol IKE */
	w_u8(w, 0);  /* SPI size */
	w_u8(w, 4);  /* transforms */
	v2_transform(w, 0, 1, 12, 256);
	v2_transform(w, 0, 2, 5, 0);
	v2_transform(w, 0, 3, 12, 0);
	v2_transform(w, 1, 4, 14, 0);
	pld_end(w, prop);
	pld_end(w, sa);
}

static void v2_notify(struct gen *g, struct wbuf *w, unsigned np, unsigned type)
{
	size_t at = pld_begin(w, np);

	w_u8(w, 0);   /* protocol */
	w_u8(w, 0);   /* SPI size */
	w_be16(w, type);
	w_rand(g, w, 20);  /* SHA-1 of SPIs, address, port */
	pld_end(w, at);
}

static const uint8_t vid_strongswan[16] = {
	0x88, 0x2f, 0xe5, 0x6d, 0x6f, 0xd2, 0x0d, 0xbc,
	0x22, 0x51, 0x61, 0x3b, 0x2e, 0xbe, 0x5b, 0xeb,
};
static const uint8_t vid_natt_rfc3947[16] = {
	0x4a, 0x13, 0x1c, 0x81, 0x07, 0x03, 0x58, 0x45,
	0x5c, 0x57, 0x28, 0xf2, 0x0e, 0x95, 0x45, 0x2f,
};
static const uint8_t vid_dpd[16] = {
	0xaf, 0xca, 0xd7, 0x13, 0x68, 0xa1, 0xf1, 0xc9,
	0x6b, 0x86, 0x96, 0xfc, 0x77, 0x57, 0x01, 0x00,
};

static void w_vid(struct wbuf *w, unsigned np, const uint8_t *vid)
{
	size_t at = pld_begin(w, np);

	w_mem(w, vid, 16);
	pld_end(w, at);
}

static void v2_sa_init(struct gen *g, struct wbuf *w, const struct session *s, int resp)
{
	size_t h = w->n;
	size_t at;

	ike_hdr(w, s, V2_SA, 0x20, V2_IKE_SA_INIT, resp ? 0x20 : 0x08, 0);
	v2_sa(w, V2_KE);
	at = pld_begin(w, V2_NONCE);
	w_be16(w, 14);
	w_be16(w, 0);
	w_rand(g, w, 256);
	pld_end(w, at);
	at = pld_begin(w, V2_N);
	w_rand(g, w, 32);
	pld_end(w, at);
	v2_notify(g, w, V2_N, V2_NAT_D_SRC);
	v2_notify(g, w, V2_V, V2_NAT_D_DST);
	w_vid(w, 0, vid_strongswan);
	hdr_end(w, h);
}

/* A message whose only payload is SK: IV, ciphertext, 16-byte ICV. */
static void v2_sk(struct gen *g, struct wbuf *w, const struct session *s, unsigned exch,
		  int resp, uint32_t msgid, unsigned inner_np, size_t ct_len)
{
	size_t h = w->n;
	size_t at;

	ike_hdr(w, s, V2_SK, 0x20, exch, resp ? 0x20 : 0x08, msgid);
	at = pld_begin(w, inner_np);
	w_rand(g, w, 16 + ct_len + 16);
	pld_end(w, at);
	hdr_end(w, h);
}

/* IKEv1 SA: DOI IPsec, one ISAKMP proposal, one KEY_IKE transform
 * (AES-256, SHA1, group 14, PSK, 28800 s). */
static void v1_sa(struct wbuf *w, unsigned np)
{
	static const uint16_t attrs[][2] = {
		{ 0x8001, 7 }, { 0x800e, 256 }, { 0x8002, 2 }, { 0x8004, 14 },
		{ 0x8003, 1 }, { 0x800b, 1 }, { 0x800c, 28800 },
	};
	size_t sa = pld_begin(w, np);
	size_t prop, tr;
	size_t i;

	w_be32(w, 1);  /* DOI IPsec */
	w_be32(w, 1);  /* SIT_IDENTITY_ONLY */
	prop = pld_begin(w, 0);
	w_u8(w, 1);
	w_u8(w, 1);   /* PROTO_ISAKMP */
	w_u8(w, 0);
	w_u8(w, 1);
	tr = pld_begin(w, 0);
	w_u8(w, 1);
	w_u8(w, 1);   /* KEY_IKE */
	w_be16(w, 0);
	for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		w_be16(w, attrs[i][0]);
		w_be16(w, attrs[i][1]);
	}
	pld_end(w, tr);
	pld_end(w, prop);
	pld_end(w, sa);
}

static void v1_main_mode(struct gen *g, struct wbuf *w, const struct session *s, unsigned step)
{
	size_t h = w->n;
	size_t at;

	switch (step) {
	case 0:
	case 1:
		ike_hdr(w, s, V1_SA, 0x10, V1_MAIN_MODE, 0, 0);
		v1_sa(w, V1_VID);
		w_vid(w, V1_VID, vid_natt_rfc3947);
		w_vid(w, 0, vid_dpd);
		break;
	case 2:
	case 3:
		ike_hdr(w, s, V1_KE, 0x10, V1_MAIN_MODE, 0, 0);
		at = pld_begin(w, V1_NONCE);
		w_rand(g, w, 256);
		pld_end(w, at);
		at = pld_begin(w, V1_NAT_D);
		w_rand(g, w, 32);
		pld_end(w, at);
		at = pld_begin(w, V1_NAT_D);
		w_rand(g, w, 20);
		pld_end(w, at);
		at = pld_begin(w, 0);
		w_rand(g, w, 20);
		pld_end(w, at);
		break;
	default:
		/* MM5/MM6 are encrypted: the body is opaque, a multiple of the block. */
		ike_hdr(w, s, V1_ID, 0x10, V1_MAIN_MODE, 0x01, 0);
		w_rand(g, w, 64 + 16 * rng_below(&g->rng, 4));
		break;
	}
	hdr_end(w, h);
}

static uint32_t pair_client(uint32_t pair)
{
	return 0x0a000000u + 1 + pair;
}

static uint32_t pair_gateway(uint32_t pair)
{
	return 0xc6336400u + 1 + pair % GATEWAYS;
}

static int pair_natted(uint32_t pair)
{
	return pair % 3 == 0;
}

/* Source ports a NAT gave the client's 500 and 4500. */
static uint16_t pair_nat_port(uint32_t pair, int natt)
{
	return (uint16_t)((natt ? 40000 : 20000) + pair % 20000);
}

static void put_eth(struct wbuf *w, uint32_t pair, int to_gw)
{
	uint8_t client[6] = { 0x02, 0x00, 0, 0, 0, 0 };
	uint8_t gw[6] = { 0x02, 0xff, 0, 0, 0, 0 };

	set_be32(client + 2, pair);
	set_be32(gw + 2, pair % GATEWAYS);
	w_mem(w, to_gw ? gw : client, 6);
	w_mem(w, to_gw ? client : gw, 6);
	w_be16(w, ETHERTYPE_IPV4);
}

static void put_ipv4(struct gen *g, struct wbuf *w, uint32_t pair, int to_gw, unsigned proto,
		     size_t payload)
{
	size_t at = w->n;
	uint32_t sum = 0;
	size_t i;

	w_u8(w, 0x45);
	w_u8(w, 0);
	w_be16(w, (unsigned)(20 + payload));
	w_be16(w, g->ip_id[pair]++);
	w_be16(w, 0x4000);  /* DF */
	w_u8(w, to_gw ? 64 : 56);
	w_u8(w, proto);
	w_be16(w, 0);
	w_be32(w, to_gw ? pair_client(pair) : pair_gateway(pair));
	w_be32(w, to_gw ? pair_gateway(pair) : pair_client(pair));
	for (i = 0; i < 20; i += 2)
		sum += (uint32_t)(w->b[at + i] << 8 | w->b[at + i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	set_be16(w->b + at + 10, ~sum & 0xffff);
}

static void emit_frame(struct gen *g, const struct wbuf *w)
{
	struct pcap_pkthdr ph;

	g->ts_us += 1 + rng_below(&g->rng, 200);
	ph.ts.tv_sec = (time_t)(START_SEC + g->ts_us / 1000000);
	ph.ts.tv_usec = (suseconds_t)(g->ts_us % 1000000);
	ph.caplen = ph.len = (bpf_u_int32)w->n;
	pcap_dump((u_char *)g->out, &ph, w->b);
}

/* Wraps an L4 payload (IKE message or ESP packet) in Ethernet/IPv4[/UDP]. */
static void emit_l4(struct gen *g, uint32_t pair, int to_gw, int udp, int natt, int marker,
		    const uint8_t *body, size_t len)
{
	struct wbuf w;
	size_t l4 = len + (marker ? 4 : 0) + (udp ? 8 : 0);

	w.n = 0;
	put_eth(&w, pair, to_gw);
	put_ipv4(g, &w, pair, to_gw, udp ? IPPROTO_UDP_NUM : IPPROTO_ESP_NUM, l4);
	if (udp) {
		uint16_t gwport = natt ? PORT_NATT : PORT_IKE;
		uint16_t cport = pair_natted(pair) ? pair_nat_port(pair, natt) : gwport;

		w_be16(&w, to_gw ? cport : gwport);
		w_be16(&w, to_gw ? gwport : cport);
		w_be16(&w, (unsigned)l4);
		w_be16(&w, 0);  /* no checksum: allowed for IPv4 */
	}
	if (marker)
		w_be32(&w, 0);
	w_mem(&w, body, len);
	emit_frame(g, &w);
}

static uint32_t esp_ip_len(struct rng *r)
{
	uint32_t band = rng_below(r, 10);

	if (band < 3)
		return 100 + rng_below(r, 101);
	if (band < 5)
		return 200 + rng_below(r, 401);
	return 1000 + rng_below(r, 401);
}

static void emit_esp(struct gen *g)
{
	uint32_t i = rng_below(&g->rng, g->n_sas);
	struct sa *sa = &g->sas[i];
	uint32_t pair = i % g->n_pairs;
	int to_gw = (i / g->n_pairs) % 2 == 0;
	int natt = pair_natted(pair);
	uint32_t roll = rng_below(&g->rng, 1000);
	struct wbuf body;
	uint32_t seq;
	size_t len;

	if (sa->swapped) {
		seq = sa->seq - 1;
		sa->swapped = 0;
	} else if (roll < 5) {
		sa->seq += 2;
		seq = sa->seq;
		sa->swapped = 1;
	} else {
		if (roll < 15)
			sa->seq += 1 + rng_below(&g->rng, 3);
		seq = ++sa->seq;
	}
	len = esp_ip_len(&g->rng) - 20 - (natt ? 8 : 0);
	body.n = 0;
	w_be32(&body, sa->spi);
	w_be32(&body, seq);
	w_rand(g, &body, len - 8);
	emit_l4(g, pair, to_gw, natt, 1, 0, body.b, body.n);
}

static void session_start(struct gen *g, struct session *s)
{
	uint64_t r = rng_next(&g->rng);

	s->pair = rng_below(&g->rng, g->n_pairs);
	s->v1 = rng_below(&g->rng, 5) == 0;
	s->step = 0;
	s->n_steps = s->v1 ? 6 : (uint8_t)(6 + 2 * rng_below(&g->rng, 2));
	memcpy(s->ispi, &r, 8);
	memset(s->rspi, 0, 8);
}

/* Emits the next message of a random session's script. */
static void emit_ike(struct gen *g)
{
	struct session *s = &g->ses[rng_below(&g->rng, SESSIONS)];
	int natted = pair_natted(s->pair);
	int resp = s->step % 2;
	/* After the first exchange a NATed peer floats to 4500 (RFC 3947 §4, RFC 7296 §2.23). */
	int natt = natted && s->step >= 2;
	struct wbuf m;

	if (s->step == 1) {
		uint64_t r = rng_next(&g->rng);

		memcpy(s->rspi, &r, 8);
	}
	m.n = 0;
	if (s->v1)
		v1_main_mode(g, &m, s, s->step);
	else if (s->step < 2)
		v2_sa_init(g, &m, s, resp);
	else if (s->step < 4)
		v2_sk(g, &m, s, V2_IKE_AUTH, resp, 1, V2_IDI,
		      (size_t)(16 * (16 + rng_below(&g->rng, 16))));
	else
		v2_sk(g, &m, s, V2_INFORMATIONAL, resp, (uint32_t)(s->step / 2), 0, 16);
	emit_l4(g, s->pair, !resp, 1, natt, natt, m.b, m.n);
	if (++s->step == s->n_steps)
		session_start(g, s);
}

static void usage(void)
{
	fprintf(stderr, "usage: gen_synth [-n packets] [-s SAs] [-S seed] -o file.pcap\n");
	exit(2);
}

static unsigned long parse_count(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v == 0 || v > 0xffffffffUL)
		usage();
	return v;
}

int main(int argc, char **argv)
{
	static struct gen g;
	unsigned long n_pkts = 1000000, n_sas = 100000, seed = 20240101;
	const char *path = NULL;
	pcap_t *dead;
	unsigned long i;
	int opt;

	while ((opt = getopt(argc, argv, "n:s:S:o:")) != -1) {
		switch (opt) {
		case 'n': n_pkts = parse_count(optarg); break;
		case 's': n_sas = parse_count(optarg); break;
		case 'S': seed = parse_count(optarg); break;
		case 'o': path = optarg; break;
		default: usage();
		}
	}
	if (!path || optind != argc)
		usage();
	g.rng.s = seed;
	for (i = 0; i < POOL_LEN; i += 8) {
		uint64_t r = rng_next(&g.rng);

		memcpy(g.pool + i, &r, 8);
	}
	g.n_sas = (uint32_t)n_sas;
	g.n_pairs = g.n_sas >= 20 ? g.n_sas / 10 : 1;
	g.sas = calloc(g.n_sas, sizeof(*g.sas));
	g.ip_id = calloc(g.n_pairs, sizeof(*g.ip_id));
	if (!g.sas || !g.ip_id) {
		fprintf(stderr, "gen_synth: out of memory\n");
		return 1;
	}
	for (i = 0; i < g.n_sas; i++)
		g.sas[i].spi = (uint32_t)(rng_next(&g.rng) | 0x100);
	for (i = 0; i < SESSIONS; i++)
		session_start(&g, &g.ses[i]);
	dead = pcap_open_dead(DLT_EN10MB, SNAPLEN);
	g.out = dead ? pcap_dump_open(dead, path) : NULL;
	if (!g.out) {
		fprintf(stderr, "gen_synth: %s: %s\n", path, dead ? pcap_geterr(dead) : "pcap_open_dead failed");
		return 1;
	}
	for (i = 0; i < n_pkts; i++) {
		if (rng_below(&g.rng, 10) == 0)
			emit_ike(&g);
		else
			emit_esp(&g);
	}
	if (pcap_dump_flush(g.out) != 0) {
		fprintf(stderr, "gen_synth: %s: write error\n", path);
		return 1;
	}
	pcap_dump_close(g.out);
	pcap_close(dead);
	free(g.sas);
	free(g.ip_id);
	return 0;
}
