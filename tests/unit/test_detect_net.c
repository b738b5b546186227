/* test_detect_net.c - ICMP errors quoting IKE or ESP, IP datagrams whose
 * fragments never completed, and IKE over TCP, on hand-made units and on the
 * captures in pcaps/ (the good ones must raise no ESP or network warning). */
#include <unistd.h>

#include "capture.h"
#include "test_esp_harness.h"

static const struct addr R4 = { ADDR_V4, { 198, 51, 100, 1 } };
static const struct addr C4 = { ADDR_V4, { 203, 0, 113, 7 } };

static void feed_icmp_ttl(struct engine *e, struct addr from, struct addr to, const struct icmp_error *ic,
			  uint8_t ttl)
{
	struct unit u;

	memset(&u, 0, sizeof(u));
	u.kind = UNIT_ICMP_ERROR;
	u.frame = next_frame++;
	u.ts_ns = 50 * SEC + (int64_t)u.frame;
	u.src = from;
	u.dst = to;
	u.ttl = ttl;
	u.u.icmp = *ic;
	engine_feed(e, &u);
}

static void feed_icmp(struct engine *e, struct addr from, struct addr to, const struct icmp_error *ic)
{
	feed_icmp_ttl(e, from, to, ic, 0);
}

static struct icmp_error quote(uint8_t type, uint8_t code, struct addr qs, struct addr qd, uint8_t proto,
			       uint16_t sport, uint16_t dport)
{
	struct icmp_error ic;

	memset(&ic, 0, sizeof(ic));
	ic.type = type;
	ic.code = code;
	ic.q_src = qs;
	ic.q_dst = qd;
	ic.q_proto = proto;
	ic.q_sport = sport;
	ic.q_dport = dport;
	ic.q_len = 500;
	return ic;
}

static bool has(const struct diagnosis *d, const char *s)
{
	return d && (strstr(d->message, s) || strstr(d->hint, s));
}

static void test_icmp(void)
{
	struct engine *e = eng_new(0);
	struct ike_sa *sa = add_sa(e, 0x31, A4, B4, POS_INITIATOR);
	struct icmp_error ic = quote(3, 3, A4, B4, 17, 500, 500);
	const struct diagnosis *d;

	ic.q_has_ike = 1;
	memset(ic.q_ike_ispi, 0x31, 8);
	feed_icmp(e, B4, A4, &ic);
	d = find_diag(DIAG_IKE_PEER_UNREACHABLE);
	ok(d && d->severity == SEV_ERROR && d->confidence == CONF_CERTAIN, "port unreachable: certain error");
	ok(d && d->has_sa && d->ispi[0] == 0x31, "port unreachable: tied to the SA by its SPI");
	ok(has(d, "ICMP port unreachable from 192.0.2.2 for IKE 192.0.2.1 to 192.0.2.2 port 500"),
	   "port unreachable: who and what");
	ok(has(d, "Start the IKE daemon on 192.0.2.2"), "port unreachable: hint");
	is_int(d ? d->nevidence : 0, 1, "port unreachable: the ICMP frame as evidence");
	feed_icmp(e, B4, A4, &ic);
	is_int(rec.by_code[DIAG_IKE_PEER_UNREACHABLE], 1, "port unreachable: once per peers");
	ok(sa->diag_raised & (1u << DIAG_IKE_PEER_UNREACHABLE), "port unreachable: marked on the SA");

	/* No SA: remembered by peers. */
	ic = quote(3, 13, A4, C4, 17, 500, 500);
	feed_icmp(e, R4, A4, &ic);
	feed_icmp(e, R4, A4, &ic);
	is_int(rec.by_code[DIAG_IKE_PEER_UNREACHABLE], 2, "admin prohibited: once per peers");
	d = &rec.kept[rec.ndiag - 1];
	ok(!d->has_sa && has(d, "administratively prohibited from 198.51.100.1") &&
		   has(d, "a firewall on the path"),
	   "admin prohibited: the firewall on the path");
	ok(has(d, "on the firewall at 198.51.100.1"), "admin prohibited: hint");

	ic = quote(3, 2, C4, A4, 50, 0, 0);
	ic.q_has_spi = 1;
	ic.q_esp_spi = 0x1234;
	feed_icmp(e, A4, C4, &ic);
	d = &rec.kept[rec.ndiag - 1];
	ok(rec.by_code[DIAG_IKE_PEER_UNREACHABLE] == 3 && has(d, "protocol unreachable") &&
		   has(d, "takes no ESP"),
	   "protocol unreachable for ESP");

	ic = quote(11, 0, A4, C4, 17, 500, 500);
	feed_icmp(e, R4, A4, &ic);
	ic = quote(3, 3, A4, ip4(10, 0, 0, 9), 17, 53, 53);
	feed_icmp(e, R4, A4, &ic);
	is_int(rec.ndiag, 3, "time exceeded and DNS unreachable: nothing");
	engine_free(e);
}

/* A silent responder leaves one packet of its own host, its ICMP error:
 * the TTL of that places the capture point as an answer's would. */
static void test_icmp_ttl(void)
{
	/* The initiator's TTL, the ICMP's source and TTL, the position after. */
	static const struct {
		uint8_t init_ttl;
		struct addr from;
		uint8_t ttl;
		unsigned want;
		const char *what;
	} cases[] = {
		{ 63, B4, 64, POS_RESPONDER, "from the responder, TTL 64, the initiator's 63: at the responder" },
		{ 64, B4, 64, POS_UNKNOWN, "from the responder, TTL 64 as the initiator's: either end of one link" },
		{ 63, R4, 64, POS_UNKNOWN, "from a router, TTL 64: says nothing of the responder" },
	};

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct engine *e = eng_new(0);
		struct ike_sa *sa = add_sa(e, 0x41, A4, B4, POS_UNKNOWN);
		struct icmp_error ic = quote(3, cases[i].from.a[0] == 192 ? 3 : 13, A4, B4, 17, 500, 500);

		sa->init_ttl = cases[i].init_ttl;
		ic.q_has_ike = 1;
		memset(ic.q_ike_ispi, 0x41, 8);
		feed_icmp_ttl(e, cases[i].from, A4, &ic, cases[i].ttl);
		ok(sa->cap_pos == cases[i].want, "unreachable %s", cases[i].what);
		engine_free(e);
	}
}

/* ICMP errors that are not about the traffic they quote. */
static void test_icmp_not_ours(void)
{
	struct engine *e = eng_new(0);
	struct icmp_error ic = quote(3, 4, A4, B4, 17, 4500, 4500);

	feed_esp(e, A4, B4, 0xf0474e5d, 1, 10 * SEC, 1300);
	ic.q_has_spi = 1;
	ic.q_esp_spi = 0xf0474e5d;
	ic.mtu = 1500;
	ic.q_len = 1400;
	feed_icmp(e, R4, A4, &ic);
	is_int(rec.by_code[DIAG_ESP_MTU_BLACKHOLE], 0, "frag needed with an MTU the datagram fits: ignored");
	ic.mtu = 1400;
	ic.q_len = 1500;
	feed_icmp(e, R4, C4, &ic);
	is_int(rec.by_code[DIAG_ESP_MTU_BLACKHOLE], 0, "frag needed sent to another host than the quoted sender: ignored");
	feed_icmp(e, R4, A4, &ic);
	is_int(rec.by_code[DIAG_ESP_MTU_BLACKHOLE], 1, "  the same to the sender: said");
	ic = quote(3, 3, A4, B4, 17, 500, 500);
	feed_icmp(e, B4, C4, &ic);
	is_int(rec.by_code[DIAG_IKE_PEER_UNREACHABLE], 0, "port unreachable to another host: ignored");
	engine_free(e);
}

static void test_mtu(void)
{
	struct engine *e = eng_new(0);
	struct icmp_error ic = quote(3, 4, A4, B4, 17, 4500, 4500);
	const struct diagnosis *d;

	feed_esp(e, A4, B4, 0xf0474e5d, 1, 10 * SEC, 120);
	feed_esp(e, A4, B4, 0xf0474e5d, 2, 11 * SEC, 1300);
	ic.q_has_spi = 1;
	ic.q_esp_spi = 0xf0474e5d;
	ic.mtu = 1400;
	ic.q_len = 1500;
	feed_icmp(e, R4, A4, &ic);
	d = find_diag(DIAG_ESP_MTU_BLACKHOLE);
	ok(d && d->severity == SEV_WARNING && d->confidence == CONF_CERTAIN, "frag needed: certain warning");
	ok(d && d->has_spi && d->spi == 0xf0474e5d, "frag needed: tied to the flow");
	ok(has(d, "path MTU 1400, the 1500-byte ESP in UDP datagram"), "frag needed: MTU and size");
	ok(d && !has(d, "largest"), "frag needed: no size claimed to have passed (a capture before the router saw the refused one)");
	ok(has(d, "Lower the MTU"), "frag needed: hint");
	is_int(d ? d->nevidence : 0, 2, "frag needed: flow start and ICMP frame");
	feed_icmp(e, R4, A4, &ic);
	is_int(rec.by_code[DIAG_ESP_MTU_BLACKHOLE], 1, "frag needed: once per flow");
	/* Path MTU discovery at work: the sender fragments what it sent whole. */
	feed_esp(e, A4, B4, 0xf0474e5d, 3, 51 * SEC, 1472);
	esp_ip_frags = 2;
	feed_esp(e, A4, B4, 0xf0474e5d, 4, 52 * SEC, 1600);
	is_int(engine_stats(e)->diagnoses_resolved[SEV_WARNING], 0,
	       "frag needed: a whole datagram, or fragments of a larger one than refused, resolve nothing");
	feed_esp(e, A4, B4, 0xf0474e5d, 5, 53 * SEC, 1472);
	esp_ip_frags = 0;
	is_int(engine_stats(e)->diagnoses_resolved[SEV_WARNING], 1,
	       "frag needed: the refused size in IP fragments next: resolved");
	d = &rec.kept[rec.ndiag - 1];
	ok(d->code == DIAG_ESP_MTU_BLACKHOLE && d->resolved && d->resolved_frame == next_frame - 1,
	   "frag needed: emitted again, resolved by that packet");
	ok(engine_worst_severity(e) < SEV_WARNING, "frag needed: no longer counts for the verdict");

	ic = quote(2, 0, A4, B4, 50, 0, 0);
	ic.v6 = 1;
	ic.q_has_spi = 1;
	ic.q_esp_spi = 0x99;
	ic.mtu = 1280;
	ic.q_len = 1400;
	feed_icmp(e, R4, A4, &ic);
	/* Three events so far: the first one made and resolved, then this. */
	d = &rec.kept[rec.ndiag - 1];
	ok(rec.by_code[DIAG_ESP_MTU_BLACKHOLE] == 3 && has(d, "ICMPv6 Packet Too Big") &&
		   has(d, "path MTU 1280"),
	   "packet too big without a flow");
	ic = quote(3, 4, A4, B4, 17, 500, 500);
	ic.q_has_ike = 1;
	feed_icmp(e, R4, A4, &ic);
	is_int(rec.by_code[DIAG_ESP_MTU_BLACKHOLE], 3, "frag needed for IKE on port 500: not ESP");
	engine_free(e);

	/* Path MTU discovery the other way: the sender sends smaller. */
	e = eng_new(0);
	feed_esp(e, A4, B4, 0xf0474e5e, 1, 10 * SEC, 1472);
	ic = quote(3, 4, A4, B4, 17, 4500, 4500);
	ic.q_has_spi = 1;
	ic.q_esp_spi = 0xf0474e5e;
	ic.mtu = 1400;
	ic.q_len = 1500;
	feed_icmp(e, R4, A4, &ic);
	for (uint32_t seq = 2; seq < 40; seq++)
		feed_esp(e, A4, B4, 0xf0474e5e, seq, 60 * SEC + seq, 100);
	feed_esp(e, A4, B4, 0xf0474e5e, 40, 61 * SEC, 1308);
	is_int(engine_stats(e)->diagnoses_resolved[SEV_WARNING], 0,
	       "smaller packets only, none filling the path MTU: esp.mtu_blackhole stands");
	feed_esp(e, A4, B4, 0xf0474e5e, 41, 62 * SEC, 1372);
	feed_esp(e, A4, B4, 0xf0474e5e, 42, 63 * SEC, 1372);
	feed_esp(e, A4, B4, 0xf0474e5e, 43, 64 * SEC, 1472);
	feed_esp(e, A4, B4, 0xf0474e5e, 44, 65 * SEC, 1372);
	feed_esp(e, A4, B4, 0xf0474e5e, 45, 66 * SEC, 1372);
	is_int(engine_stats(e)->diagnoses_resolved[SEV_WARNING], 0,
	       "datagrams filling the path MTU, but one larger again among them: stands");
	feed_esp(e, A4, B4, 0xf0474e5e, 46, 67 * SEC, 1340);
	is_int(engine_stats(e)->diagnoses_resolved[SEV_WARNING], 1,
	       "three whole datagrams filling the path MTU, none larger: resolved");
	d = &rec.kept[rec.ndiag - 1];
	ok(d->code == DIAG_ESP_MTU_BLACKHOLE && d->resolved && d->resolved_frame == next_frame - 1,
	   "  by the third");
	/* A sender that still sends too large datagrams now and then draws
	 * the router's error again: said anew. */
	feed_esp(e, A4, B4, 0xf0474e5e, 47, 68 * SEC, 1472);
	feed_icmp(e, R4, A4, &ic);
	is_int(rec.by_code[DIAG_ESP_MTU_BLACKHOLE], 3, "  a later error for a larger one again: raised anew");
	engine_free(e);

	/* Only the UDP header of a 4500 datagram quoted: IKE or ESP. */
	e = eng_new(0);
	ic = quote(3, 4, A4, B4, 17, 4500, 4500);
	ic.mtu = 1400;
	ic.q_len = 1500;
	feed_icmp(e, R4, A4, &ic);
	d = find_diag(DIAG_ESP_MTU_BLACKHOLE);
	ok(has(d, "the 1500-byte UDP 4500 (IKE or ESP) datagram"), "UDP 4500, 8 bytes quoted: not called IKE");
	ok(has(d, "too little to tell IKE from ESP") && has(d, "MSS clamping") && has(d, "RFC 7383"),
	   "  the hint covers both");
	ic = quote(3, 4, A4, C4, 17, 4500, 4500);
	ic.q_has_ike = 1;
	ic.mtu = 1400;
	ic.q_len = 1500;
	feed_icmp(e, R4, A4, &ic);
	d = &rec.kept[rec.ndiag - 1];
	ok(has(d, "the 1500-byte IKE datagram") && has(d, "IKEv2 fragmentation") && !has(d, "MSS clamping"),
	   "UDP 4500 with its IKE header quoted: IKE");
	engine_free(e);
}

/* An incomplete datagram from src to dst: its first fragment (or not),
 * 1480 bytes of it, the last one missing, reported at 60 s. */
static struct unit frag_unit(struct addr src, struct addr dst, uint8_t proto, uint16_t port, bool first)
{
	struct unit u;

	memset(&u, 0, sizeof(u));
	u.kind = UNIT_FRAG_EXPIRED;
	u.frame = next_frame++;
	u.ts_ns = 60 * SEC;
	u.src = src;
	u.dst = dst;
	u.sport = u.dport = port;
	u.u.frag.proto = proto;
	u.u.frag.ident = 0x1001;
	u.u.frag.bytes_have = 1480;
	u.u.frag.frags_have = 1;
	u.u.frag.have_first = first;
	u.u.frag.sport = u.u.frag.dport = port;
	u.u.frag.first_ns = 59 * SEC;
	u.u.frag.last_ns = 59 * SEC + 250000000;
	return u;
}

static void feed_frag(struct engine *e, struct addr src, struct addr dst, uint8_t proto, uint16_t port,
		      bool first)
{
	struct unit u = frag_unit(src, dst, proto, port, first);

	engine_feed(e, &u);
}

/* An IKE datagram (frag_unit's) still incomplete when the input ended,
 * `after` ns after its last fragment by the decoder's clock (0: not said). */
static void feed_cut_by_end(struct engine *e, int64_t after)
{
	struct unit u = frag_unit(A4, B4, 17, 4500, true);

	u.u.frag.end = FRAG_CAPTURE_END;
	u.ts_ns = u.u.frag.last_ns;
	if (after)
		u.u.frag.input_last_ns = u.u.frag.last_ns + after;
	engine_feed(e, &u);
}

static void test_frag(void)
{
	struct engine *e = eng_new(0);
	struct ike_sa *sa = add_sa(e, 0x41, A4, B4, POS_INITIATOR);
	const struct diagnosis *d;

	feed_frag(e, A4, B4, 17, 4500, true);
	d = find_diag(DIAG_IP_FRAGMENT_LOSS);
	ok(d && d->severity == SEV_WARNING && d->confidence == CONF_LIKELY && d->has_sa,
	   "IKE fragments lost: likely warning on the SA");
	ok(has(d, "IKE datagram 192.0.2.1 to 192.0.2.2 (IP ID 0x1001) never completed: 1480 of ? bytes "
		  "in 1 fragments over 0.250 s, the last fragment missing"),
	   "IKE fragments lost: numbers");
	ok(has(d, "fragmentation=yes"), "IKE fragments lost: hint");
	is_int(sa->ip_frag_lost, 1, "counted on the SA");
	feed_frag(e, A4, B4, 17, 4500, true);
	is_int(sa->ip_frag_lost, 2, "counted again");
	is_int(rec.by_code[DIAG_IP_FRAGMENT_LOSS], 1, "said once per SA");
	feed_frag(e, A4, B4, 0, 0, false);
	is_int(sa->ip_frag_lost, 3, "first fragment missing between IKE peers: counted");
	feed_frag(e, A4, C4, 0, 0, false);
	feed_frag(e, A4, C4, 6, 443, true);
	is_int(rec.by_code[DIAG_IP_FRAGMENT_LOSS], 1, "unknown or other protocols elsewhere: nothing");
	feed_frag(e, A4, C4, 50, 0, true);
	d = &rec.kept[rec.ndiag - 1];
	ok(rec.by_code[DIAG_IP_FRAGMENT_LOSS] == 2 && has(d, "ESP datagram") && has(d, "lower the MTU"),
	   "ESP fragments lost without SA");
	engine_free(e);

	/* Pushed out of a full reassembly pool: no loss known on the path. */
	e = eng_new(0);
	{
		struct unit u = frag_unit(A4, B4, 17, 4500, true);

		u.u.frag.end = FRAG_EVICTED;
		engine_feed(e, &u);
	}
	is_int(rec.by_code[DIAG_IP_FRAGMENT_LOSS], 0, "datagram evicted from the reassembly pool: no ip.fragment_loss");
	engine_free(e);

	/* Still incomplete when the capture stopped: only a datagram whose
	 * last fragment came a second or more before the capture's last
	 * packet counts as lost. */
	e = eng_new(0);
	add_sa(e, 0x42, A4, B4, POS_INITIATOR);
	feed_esp(e, A4, B4, 0xc0de0004, 1, 59 * SEC + 900000000, 120);
	feed_cut_by_end(e, 0);
	is_int(rec.by_code[DIAG_IP_FRAGMENT_LOSS], 0,
	       "cut by the end of the capture 0.65 s after its last fragment: no ip.fragment_loss");
	feed_esp(e, A4, B4, 0xc0de0004, 2, 60 * SEC + 300000000, 120);
	feed_cut_by_end(e, 0);
	is_int(rec.by_code[DIAG_IP_FRAGMENT_LOSS], 1,
	       "incomplete 1.05 s before the capture's last packet: ip.fragment_loss");
	engine_free(e);

	/* The capture's last frames need not reach the engine (ARP, other
	 * traffic): the decoder says when the input ended. */
	e = eng_new(0);
	add_sa(e, 0x43, A4, B4, POS_INITIATOR);
	feed_cut_by_end(e, 900000000);
	is_int(rec.by_code[DIAG_IP_FRAGMENT_LOSS], 0, "input ended 0.9 s after the last fragment: no ip.fragment_loss");
	feed_cut_by_end(e, 1100000000);
	is_int(rec.by_code[DIAG_IP_FRAGMENT_LOSS], 1, "input ended 1.1 s after it: ip.fragment_loss");
	engine_free(e);
}

/* An incomplete ESP-in-UDP datagram of the flow (SPI) with this much IP
 * payload, reported for this reason at this time. */
static void feed_esp_frag(struct engine *e, uint32_t spi, uint32_t bytes, uint8_t end, int64_t ns)
{
	struct unit u = frag_unit(A4, B4, 17, 4500, true);

	u.ts_ns = u.u.frag.first_ns = u.u.frag.last_ns = ns;
	u.u.frag.end = end;
	u.u.frag.bytes_have = bytes;
	u.u.frag.has_esp_spi = 1;
	u.u.frag.esp_spi = spi;
	engine_feed(e, &u);
}

/* ESP-in-UDP packets too large for the path, their first fragments only,
 * in a flow whose small packets pass: large packets vanish. */
static void test_esp_frag_vanish(void)
{
	struct engine *e = eng_new(0);
	const struct diagnosis *d;

	feed_esp(e, A4, B4, 0xc0de0001, 1, 50 * SEC, 120);
	feed_esp(e, A4, B4, 0xc0de0001, 2, 51 * SEC, 140);
	feed_esp_frag(e, 0xc0de0001, 1480, FRAG_TIMED_OUT, 60 * SEC);
	is_int(rec.by_code[DIAG_ESP_MTU_BLACKHOLE], 0, "one incomplete ESP datagram: not yet esp.mtu_blackhole");
	d = find_diag(DIAG_IP_FRAGMENT_LOSS);
	ok(d && has(d, "ESP datagram"), "  ip.fragment_loss calls it ESP, not IKE");
	feed_esp_frag(e, 0xc0de0001, 1480, FRAG_TIMED_OUT, 61 * SEC);
	d = find_diag(DIAG_ESP_MTU_BLACKHOLE);
	ok(d && d->has_spi && d->spi == 0xc0de0001 && d->confidence == CONF_LIKELY &&
	   has(d, "Large ESP packets (the latest of over 1472 bytes) reach this capture point only as incomplete IP fragments, while packets of this flow up to 140 bytes pass whole"),
	   "a second one, small packets pass whole: esp.mtu_blackhole on the flow");
	engine_free(e);

	/* Packets as large as the lost ones pass whole: a loss, not a limit. */
	e = eng_new(0);
	feed_esp(e, A4, B4, 0xc0de0002, 1, 50 * SEC, 1480);
	feed_esp_frag(e, 0xc0de0002, 1400, FRAG_TIMED_OUT, 60 * SEC);
	feed_esp_frag(e, 0xc0de0002, 1400, FRAG_TIMED_OUT, 61 * SEC);
	is_int(rec.by_code[DIAG_ESP_MTU_BLACKHOLE], 0, "larger packets passed whole: no esp.mtu_blackhole");
	engine_free(e);

	/* Cut short by the end of the capture, or by a full fragment pool. */
	e = eng_new(0);
	feed_esp(e, A4, B4, 0xc0de0003, 1, 60 * SEC, 120);
	feed_esp_frag(e, 0xc0de0003, 1480, FRAG_EVICTED, 60 * SEC);
	feed_esp_frag(e, 0xc0de0003, 1480, FRAG_EVICTED, 60 * SEC);
	feed_esp_frag(e, 0xc0de0003, 1480, FRAG_CAPTURE_END, 60 * SEC);
	feed_esp_frag(e, 0xc0de0003, 1480, FRAG_CAPTURE_END, 60 * SEC);
	is_int(rec.by_code[DIAG_ESP_MTU_BLACKHOLE], 0, "evicted, or cut by the end of the capture: no esp.mtu_blackhole");
	engine_free(e);
}

static void test_tcp(void)
{
	struct engine *e = eng_new(0);
	struct unit u;
	const struct diagnosis *d;

	memset(&u, 0, sizeof(u));
	u.kind = UNIT_TCP_EVENT;
	u.transport = TR_TCP;
	u.frame = 4;
	u.ts_ns = 70 * SEC;
	u.src = A4;
	u.dst = B4;
	u.sport = 40001;
	u.dport = 4500;
	u.u.tcp.kind = TCPEV_GAP;
	engine_feed(e, &u);
	is_int(rec.ndiag, 0, "TCP gap: nothing here");
	u.u.tcp.kind = TCPEV_PREFIX;
	engine_feed(e, &u);
	engine_feed(e, &u);
	d = find_diag(DIAG_IKE_TCP_ENCAPSULATION);
	ok(d && d->severity == SEV_INFO && d->confidence == CONF_CERTAIN, "TCP prefix: certain info");
	ok(has(d, "IKE over TCP (RFC 8229) from 192.0.2.1 to 192.0.2.2 port 4500"), "TCP prefix: message");
	is_int(rec.by_code[DIAG_IKE_TCP_ENCAPSULATION], 1, "TCP prefix: once per peers");
	engine_free(e);
}

/* Runs a capture through a fresh engine; false if it cannot be read. */
static bool run_pcap(const char *name)
{
	char path[1024], err[256];
	const char *top = getenv("top_srcdir");
	struct capture_opts o;
	struct capture *c;
	struct engine *e = eng_new(0);

	snprintf(path, sizeof(path), "%s/pcaps/%s", top ? top : ".", name);
	memset(&o, 0, sizeof(o));
	o.file = path;
	decoder_config_defaults(&o.dec);
	c = capture_open(&o, engine_feed, e, err, sizeof(err));
	if (!c) {
		engine_free(e);
		return false;
	}
	capture_run(c, err, sizeof(err));
	capture_close(c);
	engine_finish(e);
	engine_free(e);
	return true;
}

static unsigned esp_net_warnings(void)
{
	static const unsigned mine[] = { DIAG_ESP_ONE_WAY, DIAG_ESP_LOSS, DIAG_ESP_REPLAY,
					 DIAG_ESP_MTU_BLACKHOLE, DIAG_ESP_STALE_SPI,
					 DIAG_IKE_PEER_UNREACHABLE, DIAG_IP_FRAGMENT_LOSS };
	unsigned i, j, n = 0;

	for (i = 0; i < rec.ndiag && i < MAX_KEPT; i++)
		for (j = 0; j < sizeof(mine) / sizeof(mine[0]); j++)
			if (rec.kept[i].code == mine[j] && rec.kept[i].severity >= SEV_WARNING)
				n++;
	return n;
}

static void test_pcaps(void)
{
	static const char *const good[] = { "ikev2-esp-udp.pcap", "ikev2-natt.pcap", "ikev2-rekey.pcap",
					    "ikev2-ipv6.pcap", "ikev1-main-quick.pcap",
					    "ikev1-aggressive.pcap", "ikev2-linux-sll2.pcap",
					    "ikev2-fragments.pcap", "libreswan-ikev2-initiator.pcap" };
	unsigned i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		bool read = run_pcap(good[i]);

		ok(read && esp_net_warnings() == 0, "%s: no ESP or network warning", good[i]);
		if (!strcmp(good[i], "ikev2-esp-udp.pcap"))
			is_int(rec.esp_final, 2, "ikev2-esp-udp.pcap: two ESP flows");
	}
	ok(run_pcap("synth-icmp-errors.pcap"), "synth-icmp-errors.pcap read");
	is_int(rec.by_code[DIAG_IKE_PEER_UNREACHABLE], 4, "synth-icmp-errors: four unreachables");
	is_int(rec.by_code[DIAG_ESP_MTU_BLACKHOLE], 2, "synth-icmp-errors: frag needed and too big");
	ok(run_pcap("synth-ipfrag-loss.pcap"), "synth-ipfrag-loss.pcap read");
	ok(rec.by_code[DIAG_IP_FRAGMENT_LOSS] >= 1, "synth-ipfrag-loss: ip.fragment_loss (%u)",
	   rec.by_code[DIAG_IP_FRAGMENT_LOSS]);
	ok(run_pcap("synth-tcp-encap.pcap"), "synth-tcp-encap.pcap read");
	is_int(rec.by_code[DIAG_IKE_TCP_ENCAPSULATION], 1, "synth-tcp-encap: ike.tcp_encapsulation");
}

int main(void)
{
	test_icmp();
	test_icmp_ttl();
	test_icmp_not_ours();
	test_mtu();
	test_frag();
	test_esp_frag_vanish();
	test_tcp();
	test_pcaps();
	return tap_done();
}
