/* detect_net.c - diagnoses from the network around IKE and ESP: ICMP errors
 * quoting them (RFC 792, RFC 4443, path MTU per RFC 1191 / RFC 8201), IP
 * datagrams whose fragments never completed, and IKE over TCP (RFC 8229). */
#include "engine_int.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>

#define PROTO_TCP 6
#define PROTO_UDP 17
#define PROTO_ESP 50
#define PROTO_AH 51
#define PORT_IKE 500
#define PORT_NATT 4500

#define ICMP4_UNREACH 3
#define ICMP6_UNREACH 1
#define ICMP6_TOO_BIG 2

/* True the first time (code, a, b) is seen by this small direct-mapped memory. */
static uint64_t net_key(unsigned code, const struct addr *a, const struct addr *b)
{
	uint64_t h = 1469598103934665603ull ^ code;
	const struct addr *in[2] = { a, b };
	unsigned i, j;

	for (i = 0; i < 2; i++) {
		h = (h ^ in[i]->family) * 1099511628211ull;
		for (j = 0; j < sizeof(in[i]->a); j++)
			h = (h ^ in[i]->a[j]) * 1099511628211ull;
	}
	return h | 1;
}

/* A diagnosis of a to b that no longer holds may be said again. */
static void net_forget(struct engine *e, unsigned code, const struct addr *a, const struct addr *b)
{
	uint64_t h = net_key(code, a, b);

	if (e->net_seen[h % NET_SEEN_SLOTS] == h)
		e->net_seen[h % NET_SEEN_SLOTS] = 0;
}

static bool net_once(struct engine *e, unsigned code, const struct addr *a, const struct addr *b)
{
	uint64_t h = net_key(code, a, b);

	if (e->net_seen[h % NET_SEEN_SLOTS] == h)
		return false;
	e->net_seen[h % NET_SEEN_SLOTS] = h;
	return true;
}

static enum icmp_kind icmp_classify(const struct icmp_error *ic)
{
	if (ic->v6) {
		if (ic->type == ICMP6_TOO_BIG)
			return IK_TOO_BIG;
		if (ic->type != ICMP6_UNREACH)
			return IK_OTHER;
		switch (ic->code) {
		case 0: /* no route */
		case 2: /* beyond scope of source address */
			return IK_NET;
		case 3:
			return IK_HOST;
		case 4:
			return IK_PORT;
		case 1: /* administratively prohibited */
		case 5: /* source address failed ingress/egress policy */
		case 6: /* reject route */
			return IK_ADMIN;
		default:
			return IK_OTHER;
		}
	}
	if (ic->type != ICMP4_UNREACH)
		return IK_OTHER;
	switch (ic->code) {
	case 0:
	case 6:
	case 11:
		return IK_NET;
	case 1:
	case 7:
	case 12:
		return IK_HOST;
	case 2:
		return IK_PROTO;
	case 3:
		return IK_PORT;
	case 4:
		return IK_TOO_BIG;
	case 9:
	case 10:
	case 13:
		return IK_ADMIN;
	default:
		return IK_OTHER;
	}
}

static bool is_ike_port(uint16_t p)
{
	return p == PORT_IKE || p == PORT_NATT;
}

/* The IKE SA the quoted datagram belongs to, or NO_SLOT: by its IKE SPI, or
 * for ESP by its flow's SA; by the peers (their latest SA) only without. */
static uint32_t icmp_sa(struct engine *e, const struct icmp_error *ic)
{
	const struct ike_sa *sa;
	uint32_t s = NO_SLOT;

	if (ic->q_has_spi && ic->q_proto != PROTO_AH) {
		const struct esp_flow *f = engine_flow(e, esp_flow_find(e, &ic->q_dst, ic->q_esp_spi));

		if (f && engine_flow_sa(e, f))
			return f->sa;
	}
	if (ic->q_has_ike) {
		s = ike_sa_find(e, ic->q_ike_ispi, 2);
		if (s == NO_SLOT)
			s = ike_sa_find(e, ic->q_ike_ispi, 1);
		/* An SPI is the quoted datagram's word only: the SA must be
		 * between the quoted addresses too. */
		sa = s == NO_SLOT ? NULL : engine_sa(e, s);
		if (sa && !ike_sa_has_peers(sa, &ic->q_src, &ic->q_dst))
			s = NO_SLOT;
	}
	if (s == NO_SLOT)
		s = ike_sa_find_by_peers(e, &ic->q_src, &ic->q_dst);
	return s;
}

/* A diagnosis once per code and pair of addresses (the quoted datagram's, so
 * one SA that talked to two addresses can have two), carrying the SA when
 * there is one. */
static struct diagnosis *begin_net(struct engine *e, uint32_t sa_slot, unsigned code, unsigned sev,
				   unsigned conf, const struct addr *a, uint16_t ap,
				   const struct addr *b, uint16_t bp)
{
	struct ike_sa *sa = sa_slot == NO_SLOT ? NULL : engine_sa_mut(e, sa_slot);
	struct diagnosis *d;

	if (!net_once(e, code, a, b))
		return NULL;
	d = diag_begin(e, code, sev, conf);
	d->a = *a;
	d->b = *b;
	d->a_port = ap;
	d->b_port = bp;
	if (sa) {
		sa->diag_raised |= 1u << code;
		d->has_sa = 1;
		d->version = sa->version;
		memcpy(d->ispi, sa->ispi, 8);
		memcpy(d->rspi, sa->rspi, 8);
	}
	return d;
}

static void unreachable_resolve(struct engine *e, struct ike_sa *sa, const struct unit *u)
{
	diag_resolve(e, sa, DIAG_IKE_PEER_UNREACHABLE, SEV_ERROR, sa->unreach_diag, u->frame, u->ts_ns,
		     RESOLVED_LATER);
	net_forget(e, DIAG_IKE_PEER_UNREACHABLE, &sa->init_ip, &sa->resp_ip);
	net_forget(e, DIAG_IKE_PEER_UNREACHABLE, &sa->resp_ip, &sa->init_ip);
	sa->unreach_ike = 0;
	sa->unreach_diag = 0;
	if (e->unreach_open)
		e->unreach_open--;
}

/* The error may stand on another SA of the same two hosts: an initiator
 * that got no answer starts again with a new SPI, and that one is answered. */
void detect_unreachable_answered(struct engine *e, struct ike_sa *sa, const struct unit *u)
{
	struct peer_entry *pe;
	struct ike_sa *held;

	if (sa->unreach_ike) {
		unreachable_resolve(e, sa, u);
		return;
	}
	pe = e->unreach_open ? peers_find(e, &sa->init_ip, &sa->resp_ip) : NULL;
	held = pe && pe->unreachable ? engine_sa_mut(e, pe->unreachable - 1) : NULL;
	if (held && held->unreach_ike && ike_sa_has_peers(held, &sa->init_ip, &sa->resp_ip)) {
		unreachable_resolve(e, held, u);
		pe->unreachable = 0;
	}
}

/* Whether the error surely quotes IKE (an IKE header, the non-ESP marker,
 * or UDP 500), not ESP: then an IKE answer shows the path open after all.
 * Eight bytes of UDP 4500 may be either. */
static bool quotes_ike(const struct icmp_error *ic)
{
	return ic->q_has_ike || ic->q_nonesp ||
	       (ic->q_proto == PROTO_UDP && !ic->q_has_spi &&
		(ic->q_sport == PORT_IKE || ic->q_dport == PORT_IKE));
}

static const char *quoted_what(const struct icmp_error *ic)
{
	if (ic->q_proto == PROTO_ESP)
		return "ESP";
	if (ic->q_proto == PROTO_AH)
		return "AH";
	if (ic->q_proto == PROTO_TCP)
		return "IKE over TCP";
	if (ic->q_has_spi)
		return "ESP in UDP";
	if (!quotes_ike(ic) && (ic->q_sport == PORT_NATT || ic->q_dport == PORT_NATT))
		return "UDP 4500 (IKE or ESP)";
	return "IKE";
}

/* An ICMP error sent by the responder's own host is the only packet of it
 * that a silent responder leaves: its TTL places the capture point as an
 * answer's would (an undecremented one: no router between them). */
static void ttl_from_responder(struct engine *e, uint32_t slot, const struct unit *u)
{
	struct ike_sa *sa = slot == NO_SLOT ? NULL : engine_sa_mut(e, slot);

	if (!sa || sa->resp_ttl || !u->ttl || !engine_addr_eq(&u->src, &sa->resp_ip))
		return;
	sa->resp_ttl = u->ttl;
	capture_pos_update(sa);
}

/* An ICMP error answered the SA's traffic (ike.no_response stands back for
 * it, whichever SA the diagnosis itself went to); and a peer's own host
 * saying nothing listens on its IKE port: its IKE daemon (which also owns
 * the ESP-in-UDP socket) was not running. */
static void note_port_closed(struct engine *e, uint32_t slot, const struct unit *u, enum icmp_kind k)
{
	const struct icmp_error *ic = &u->u.icmp;
	struct ike_sa *sa = slot == NO_SLOT ? NULL : engine_sa_mut(e, slot);
	unsigned i;

	if (!sa)
		return;
	sa->icmp_refused = 1;
	if ((k == IK_NET || k == IK_HOST || k == IK_ADMIN) && !engine_addr_eq(&u->src, &ic->q_dst) &&
	    (engine_addr_eq(&ic->q_dst, &sa->init_ip) || engine_addr_eq(&ic->q_dst, &sa->resp_ip))) {
		i = engine_addr_eq(&ic->q_dst, &sa->init_ip) ? 0 : 1;
		sa->path_refused_frame[i] = u->frame;
		sa->path_refused_ns[i] = u->ts_ns;
		sa->path_refused_kind[i] = (uint8_t)k;
	}
	if (k != IK_PORT || ic->q_proto != PROTO_UDP || !is_ike_port(ic->q_dport) ||
	    !engine_addr_eq(&u->src, &ic->q_dst))
		return;
	if (engine_addr_eq(&u->src, &sa->init_ip))
		i = 0;
	else if (engine_addr_eq(&u->src, &sa->resp_ip))
		i = 1;
	else
		return;
	sa->port_closed_frame[i] = u->frame;
	sa->port_closed_ns[i] = u->ts_ns;
}

/* The request an ICMP error quoted, when the quote reaches its message ID:
 * the ladder shows what came back instead of an answer. IKEv2 says in its
 * flags who sent it and that it is a request; an IKEv1 message is taken as
 * a request of its sender. Requests sharing a message ID (IKEv1 Main Mode,
 * an IKE_SA_INIT sent again after COOKIE) are told apart by the quoted
 * length (an IKE fragment's is its own), and the error must come after the
 * request. */
static void note_exchange(struct engine *e, uint32_t slot, const struct unit *u, enum icmp_kind k)
{
	const struct icmp_error *ic = &u->u.icmp;
	struct ike_sa *sa = slot == NO_SLOT ? NULL : engine_sa_mut(e, slot);
	struct exch *x;
	bool by_init;

	if (!sa || !ic->q_has_msgid || ic->q_ike_version >> 4 != sa->version ||
	    memcmp(ic->q_ike_ispi, sa->ispi, sizeof(sa->ispi)) != 0)
		return;
	if (sa->version == 2) {
		if (ic->q_ike_flags & IKE2_FLAG_RESPONSE)
			return;
		by_init = (ic->q_ike_flags & IKE2_FLAG_INITIATOR) != 0;
	} else {
		by_init = engine_addr_eq(&ic->q_src, &sa->init_ip);
	}
	x = ike_exch_of_request(sa, ic->q_ike_msgid, ic->q_ike_exch, by_init);
	if (!x || x->icmp_frame || !x->req_frame || u->frame <= x->req_frame ||
	    (ic->q_ike_len && !x->req_frags && ic->q_ike_len != x->req_len))
		return;
	x->icmp_kind = (uint8_t)k;
	x->icmp_frame = u->frame;
	x->icmp_ns = u->ts_ns;
}

static void icmp_unreachable(struct engine *e, const struct unit *u, enum icmp_kind k)
{
	const struct icmp_error *ic = &u->u.icmp;
	char from[48], qs[48], qd[48];
	const char *what = quoted_what(ic), *icmp = ic->v6 ? "ICMPv6" : "ICMP";
	bool by_peer = engine_addr_eq(&u->src, &ic->q_dst);
	uint32_t slot = icmp_sa(e, ic), at;
	struct ike_sa *sa;
	struct diagnosis *d;

	ttl_from_responder(e, slot, u);
	note_port_closed(e, slot, u, k);
	note_exchange(e, slot, u, k);
	d = begin_net(e, slot, DIAG_IKE_PEER_UNREACHABLE, SEV_ERROR, CONF_CERTAIN, &ic->q_src,
		      ic->q_sport, &ic->q_dst, ic->q_dport);
	if (!d)
		return;
	diag_addr(&u->src, from, sizeof(from));
	diag_addr(&ic->q_src, qs, sizeof(qs));
	diag_addr(&ic->q_dst, qd, sizeof(qd));
	diag_evidence(d, u->frame, u->ts_ns);
	switch (k) {
	case IK_PORT:
		diag_message(d, "%s port unreachable from %s for %s %s to %s port %u: nothing listens there",
			     icmp, from, what, qs, qd, ic->q_dport);
		diag_hint(d, "Start the IKE daemon on %s or make it listen on UDP 500 and 4500 on that "
			     "address; check that %s uses the right peer address",
			  qd, qs);
		break;
	case IK_ADMIN:
		diag_message(d, "%s administratively prohibited from %s for %s %s to %s: %s rejects it",
			     icmp, from, what, qs, qd, by_peer ? "the peer's firewall" : "a firewall on the path");
		diag_hint(d, "Allow UDP 500 and 4500%s from %s to %s on the firewall at %s",
			  ic->q_proto == PROTO_ESP ? " and ESP (protocol 50)" : "", qs, qd, from);
		break;
	case IK_PROTO:
		diag_message(d, "%s protocol unreachable from %s for %s %s to %s: %s takes no %s",
			     icmp, from, what, qs, qd, qd, what);
		diag_hint(d, "%s has no IPsec for this traffic or a firewall there blocks protocol %u: "
			     "allow it, or use NAT-T (UDP 4500 encapsulation)",
			  qd, ic->q_proto);
		break;
	default:
		diag_message(d, "%s %s unreachable from %s for %s %s to %s", icmp,
			     k == IK_NET ? "network" : "host", from, what, qs, qd);
		diag_hint(d, "%s cannot reach %s: check that %s is up, the routing towards it, and the "
			     "peer address configured on %s",
			  by_peer ? qd : from, qd, qd, qs);
		break;
	}
	at = diag_commit(e, d);
	sa = slot == NO_SLOT ? NULL : engine_sa_mut(e, slot);
	if (sa && quotes_ike(ic)) {
		struct peer_entry *pe = peers_find(e, &sa->init_ip, &sa->resp_ip);

		if (!sa->unreach_ike)
			e->unreach_open++;
		sa->unreach_ike = 1;
		sa->unreach_diag = at;
		if (pe)
			pe->unreachable = slot + 1;
	}
}

static void icmp_too_big(struct engine *e, const struct unit *u)
{
	const struct icmp_error *ic = &u->u.icmp;
	char from[48], qs[48], qd[48], mtu[40];
	uint32_t fslot = ic->q_has_spi ? esp_flow_find(e, &ic->q_dst, ic->q_esp_spi) : NO_SLOT;
	struct esp_flow *f = engine_flow_mut(e, fslot);
	struct diagnosis *d;
	bool esp = ic->q_has_spi;
	uint32_t at;

	if (f)
		d = diag_begin_flow(e, f, DIAG_ESP_MTU_BLACKHOLE, SEV_WARNING, CONF_CERTAIN);
	else
		d = begin_net(e, icmp_sa(e, ic), DIAG_ESP_MTU_BLACKHOLE, SEV_WARNING, CONF_CERTAIN,
			      &ic->q_src, ic->q_sport, &ic->q_dst, ic->q_dport);
	if (!d)
		return;
	diag_addr(&u->src, from, sizeof(from));
	diag_addr(&ic->q_src, qs, sizeof(qs));
	diag_addr(&ic->q_dst, qd, sizeof(qd));
	if (ic->mtu)
		snprintf(mtu, sizeof(mtu), "path MTU %" PRIu32, ic->mtu);
	else
		snprintf(mtu, sizeof(mtu), "no MTU given");
	if (f)
		diag_evidence(d, f->first_frame, f->first_ns);
	diag_evidence(d, u->frame, u->ts_ns);
	/* The flow's own sizes say nothing about what passed: a capture
	 * between the sender and the router saw the refused packet too. */
	if (esp)
		diag_message(d, "%s from %s: %s, the %u-byte %s datagram %s to %s (SPI 0x%08x) does not fit",
			     ic->v6 ? "ICMPv6 Packet Too Big" : "ICMP fragmentation needed", from, mtu,
			     ic->q_len, quoted_what(ic), qs, qd, ic->q_esp_spi);
	else
		diag_message(d, "%s from %s: %s, the %u-byte %s datagram %s to %s does not fit",
			     ic->v6 ? "ICMPv6 Packet Too Big" : "ICMP fragmentation needed", from, mtu,
			     ic->q_len, quoted_what(ic), qs, qd);
	if (esp)
		diag_hint(d, "Lower the MTU of the tunnelled traffic on %s (MSS clamping, a smaller tunnel "
			     "interface MTU) and let %s through to it so path MTU discovery works",
			  qs, ic->v6 ? "ICMPv6 Packet Too Big" : "ICMP fragmentation-needed");
	else if (ic->q_proto == PROTO_UDP && !quotes_ike(ic))
		diag_hint(d, "The error quotes too little to tell IKE from ESP in UDP: for ESP, lower the "
			     "MTU of the tunnelled traffic on %s (MSS clamping, a smaller tunnel interface "
			     "MTU); for IKE, enable IKEv2 fragmentation (RFC 7383) on both peers; and let %s "
			     "through to %s",
			  qs, ic->v6 ? "ICMPv6 Packet Too Big" : "ICMP fragmentation-needed", qs);
	else
		diag_hint(d, "IKE messages this large need IKEv2 fragmentation (RFC 7383) on both peers; "
			     "also let %s through to %s",
			  ic->v6 ? "ICMPv6 Packet Too Big" : "ICMP fragmentation-needed", qs);
	at = diag_commit(e, d);
	/* Whether the sender heeds it shows in its next large packets
	 * (esp_flow.c): until then the flow remembers the refused size. */
	if (f && ic->q_len) {
		f->mtu_refused = ic->q_len;
		f->mtu_path = ic->mtu > UINT16_MAX ? 0 : (uint16_t)ic->mtu;
		f->mtu_fits = 0;
		f->mtu_diag = at;
	}
}

void detect_icmp(struct engine *e, const struct unit *u)
{
	const struct icmp_error *ic = &u->u.icmp;
	enum icmp_kind k = icmp_classify(ic);
	bool ike = (ic->q_proto == PROTO_UDP && !ic->q_has_spi &&
		    (ic->q_has_ike || is_ike_port(ic->q_sport) || is_ike_port(ic->q_dport))) ||
		   ic->q_proto == PROTO_TCP;
	bool esp = ic->q_has_spi;

	/* An error goes back to the sender of what it quotes (NAT rewrites
	 * both alike); one that does not, or a path MTU the refused datagram
	 * fits, is not about that traffic. */
	if (k == IK_OTHER || !engine_addr_eq(&u->dst, &ic->q_src) ||
	    (k == IK_TOO_BIG && ic->mtu && ic->q_len && ic->mtu >= ic->q_len))
		return;
	if (k == IK_TOO_BIG) {
		if (esp || ic->q_sport == PORT_NATT || ic->q_dport == PORT_NATT)
			icmp_too_big(e, u);
		if (ike)
			note_exchange(e, icmp_sa(e, ic), u, k);
		return;
	}
	if (ike || esp)
		icmp_unreachable(e, u, k);
}

/* ESP packets whose fragments never all arrived, larger than any packet of
 * their flow that passed whole: the path drops what needs fragmenting, so
 * large packets vanish while small ones (pings, ACKs) get through. Twice at
 * least, and not a datagram the end of the capture or a full pool cut
 * short: one loss is ip.fragment_loss's to tell. */
#define FRAG_SETTLED_NS (1 * 1000000000LL)

/* A datagram still incomplete when the input ended, its last fragment less
 * than FRAG_SETTLED_NS before that end (the last frame read, or a live
 * capture's quiet stop: frag_expired.input_last_ns): the rest may have come
 * after the capture stopped. */
static bool frag_cut_by_end(const struct engine *e, const struct frag_expired *fr)
{
	int64_t end = fr->input_last_ns > e->now_ns ? fr->input_last_ns : e->now_ns;

	return fr->end == FRAG_CAPTURE_END && end - fr->last_ns < FRAG_SETTLED_NS;
}

static void esp_fragments_vanish(struct engine *e, const struct unit *u, const char *a, const char *b)
{
	const struct frag_expired *fr = &u->u.frag;
	uint32_t slot = esp_flow_find(e, &u->dst, fr->esp_spi);
	struct esp_flow *f = slot == NO_SLOT ? NULL : engine_flow_mut(e, slot);
	uint32_t bytes = fr->bytes_total ? fr->bytes_total : fr->bytes_have;
	uint32_t udp = fr->proto == PROTO_UDP ? 8 : 0;
	uint32_t esp_len = bytes > udp ? bytes - udp : 0;
	char total[24];
	struct diagnosis *d;

	if (!f || !f->packets ||
	    frag_cut_by_end(e, fr) ||
	    esp_len <= f->size_max)
		return;
	if (f->frags_lost < UINT16_MAX)
		f->frags_lost++;
	if (f->frags_lost < 2)
		return;
	d = diag_begin_flow(e, f, DIAG_ESP_MTU_BLACKHOLE, SEV_WARNING, CONF_LIKELY);
	if (!d)
		return;
	snprintf(total, sizeof(total), "%s%" PRIu32, fr->bytes_total ? "" : "over ", esp_len);
	diag_evidence(d, u->frame, u->ts_ns);
	diag_evidence(d, f->last_frame, f->last_ns);
	diag_message(d, "Large ESP packets (the latest of %s bytes) reach this capture point only as incomplete IP fragments, while packets of this flow up to %" PRIu32 " bytes pass whole: large packets vanish",
		     total, f->size_max);
	diag_hint(d, "Something between %s and %s drops IP fragments, so tunnelled packets too large for the path never arrive while small ones (pings) do: lower the tunnel MTU or clamp the TCP MSS (e.g. 1360), or let fragments through.",
		  a, b);
	diag_commit(e, d);
}

void detect_frag_expired(struct engine *e, const struct unit *u)
{
	const struct frag_expired *fr = &u->u.frag;
	bool esp_udp = fr->proto == PROTO_UDP && fr->has_esp_spi;
	bool ike = fr->proto == PROTO_UDP && !esp_udp && (is_ike_port(fr->sport) || is_ike_port(fr->dport));
	bool esp = fr->proto == PROTO_ESP || esp_udp;
	uint32_t s = ike_sa_find_by_peers(e, &u->src, &u->dst);
	struct ike_sa *sa = s == NO_SLOT ? NULL : engine_sa_mut(e, s);
	char a[48], b[48], total[24];
	const char *what, *missing;
	struct diagnosis *d;

	/* Without the first fragment the protocol is unknown: between IKE
	 * peers it is most likely theirs. */
	/* A datagram a full reassembly pool pushed out may yet have been
	 * whole: no loss on the path is known. Nor is one whose fragments
	 * still came when the capture stopped: the rest may have come after. */
	if ((!ike && !esp && !(fr->proto == 0 && sa)) || fr->end == FRAG_EVICTED ||
	    frag_cut_by_end(e, fr))
		return;
	if (sa)
		sa->ip_frag_lost++;
	diag_addr(&u->src, a, sizeof(a));
	diag_addr(&u->dst, b, sizeof(b));
	if (fr->has_esp_spi)
		esp_fragments_vanish(e, u, a, b);
	d = begin_net(e, s, DIAG_IP_FRAGMENT_LOSS, SEV_WARNING,
		      sa && sa->ip_frag_lost >= 2 ? CONF_CERTAIN : CONF_LIKELY, &u->src, fr->sport, &u->dst,
		      fr->dport);
	if (!d)
		return;
	what = ike ? "IKE" : esp ? "ESP" : "IP";
	missing = !fr->have_first ? "the first fragment" : !fr->have_last ? "the last fragment"
									 : "a middle fragment";
	if (fr->bytes_total)
		snprintf(total, sizeof(total), "%" PRIu32, fr->bytes_total);
	else
		snprintf(total, sizeof(total), "?");
	diag_evidence(d, u->frame, u->ts_ns);
	diag_message(d, "%s datagram %s to %s (IP ID 0x%" PRIx32 ") never completed: %" PRIu32 " of %s "
			"bytes in %u fragments over %.3f s, %s missing",
		     what, a, b, fr->ident, fr->bytes_have, total, fr->frags_have,
		     (double)(fr->last_ns - fr->first_ns) / 1e9, missing);
	if (esp)
		diag_hint(d, "Something between %s and %s drops IP fragments: lower the MTU of the "
			     "tunnelled traffic (MSS clamping, smaller tunnel MTU) so ESP needs no "
			     "fragmenting, or let fragments through",
			  a, b);
	else
		diag_hint(d, "A firewall or NAT between %s and %s drops IP fragments (often all but the "
			     "first): enable IKEv2 fragmentation (RFC 7383) on both peers (strongSwan and "
			     "libreswan: fragmentation=yes), send a shorter certificate chain, or let "
			     "fragments through",
			  a, b);
	diag_commit(e, d);
}

void detect_tcp_event(struct engine *e, const struct unit *u)
{
	char a[48], b[48];
	struct diagnosis *d;

	if (u->u.tcp.kind != TCPEV_PREFIX)
		return;
	d = begin_net(e, ike_sa_find_by_peers(e, &u->src, &u->dst), DIAG_IKE_TCP_ENCAPSULATION,
		      SEV_INFO, CONF_CERTAIN, &u->src, u->sport, &u->dst, u->dport);
	if (!d)
		return;
	diag_addr(&u->src, a, sizeof(a));
	diag_addr(&u->dst, b, sizeof(b));
	diag_evidence(d, u->frame, u->ts_ns);
	diag_message(d, "IKE over TCP (RFC 8229) from %s to %s port %u", a, b, u->dport);
	diag_hint(d, "TCP encapsulation is usually the fallback when UDP 500/4500 is blocked on the "
		     "path; it works but is slower and suffers head-of-line blocking: open UDP 500 and "
		     "4500 between the peers if you can");
	diag_commit(e, d);
}
