/* detect_esp.c - diagnoses from ESP flows: one-way traffic, sequence gaps,
 * replays and out-of-window packets (RFC 4303 section 3.4.3), traffic on
 * stale SPIs, and ESP without IKE. Each is raised once per flow. */
#include "engine_int.h"

#include <inttypes.h>

/* esp.one_way needs this much traffic before silence the other way means something. */
#define STALE_MIN_PACKETS_LIVE 10
#define ONE_WAY_MIN_PACKETS 5
#define ONE_WAY_MIN_NS 2000000000LL
/* A direction that stopped: silent this long, and for ten of its own
 * average gaps, while the other direction went on at its pace. */
#define STOPPED_MIN_NS 10000000000LL
#define STOPPED_MIN_GAPS 10
/* Before the end, esp.loss judges the sequence numbers older than the
 * window, and waits until there are this many. */
#define LOSS_MIN_PACKETS_LIVE 1000
#define LOSS_MIN_LOST 3
/* The same for esp.replay, which tells a doubled capture by the share of repeats. */
#define REPLAY_MIN_PACKETS_LIVE 100

struct flow_text {
	char src[48], dst[48];
};

static void flow_text(const struct esp_flow *f, struct flow_text *t)
{
	diag_addr(&f->src, t->src, sizeof(t->src));
	diag_addr(&f->dst, t->dst, sizeof(t->dst));
}

static void evidence(struct diagnosis *d, const struct esp_flow *f, uint64_t frame, int64_t ns)
{
	diag_evidence(d, f->first_frame, f->first_ns);
	diag_evidence(d, frame, ns);
	diag_evidence(d, f->last_frame, f->last_ns);
}

static double secs(int64_t ns)
{
	return (double)ns / 1e9;
}

/* Whether the capture runs on the host with address a, by the SA's verdict. */
static bool captured_at(const struct ike_sa *sa, const struct addr *a)
{
	if (!sa)
		return false;
	return (sa->cap_pos == POS_INITIATOR && engine_addr_eq(&sa->init_ip, a)) ||
	       (sa->cap_pos == POS_RESPONDER && engine_addr_eq(&sa->resp_ip, a));
}

/* Whether r is still the latest flow from its source to its destination:
 * a newer one means its traffic moved to a new SPI (a rekey). */
static bool latest_flow(struct engine *e, const struct esp_flow *r, uint32_t slot)
{
	const struct peer_entry *pe = peers_find(e, &r->src, &r->dst);
	struct peer_key k;
	unsigned dir;

	if (!pe || !peers_key(&r->src, &r->dst, &k, &dir))
		return true;
	return !pe->flow[dir] || pe->flow[dir] == slot + 1;
}

/* The latest flow between f's two hosts, from f's source (same_way) or
 * back to it, as the peer index names it; NULL if none, or if its slot has
 * since gone to a flow between other hosts. */
static const struct esp_flow *latest_between(struct engine *e, const struct esp_flow *f, bool same_way)
{
	const struct peer_entry *pe = peers_find(e, &f->src, &f->dst);
	const struct addr *from = same_way ? &f->src : &f->dst, *to = same_way ? &f->dst : &f->src;
	const struct esp_flow *o;
	struct peer_key k;
	unsigned dir;

	if (!pe || !peers_key(from, to, &k, &dir) || !pe->flow[dir])
		return NULL;
	o = engine_flow(e, pe->flow[dir] - 1);
	return o && engine_addr_eq(&o->src, from) && engine_addr_eq(&o->dst, to) ? o : NULL;
}

/* ESP came back between f's two hosts while f ran, on a flow the pairing
 * did not give f: with several child SAs whose flows start in any order,
 * which one answers which is not visible, but the peer is up and sends. */
static bool other_way_overlaps(struct engine *e, const struct esp_flow *f)
{
	const struct esp_flow *o = latest_between(e, f, false);

	return o && o->first_ns <= f->last_ns && o->last_ns >= f->first_ns;
}

/* Another flow the same way as f began while f ran and is the latest that
 * way: a second child SA between the two hosts, so which flow of the other
 * direction is f's own is not known (after a rekey, f is stale anyway:
 * esp.stale_spi's to judge). */
static bool sibling_same_way(struct engine *e, const struct esp_flow *f)
{
	const struct esp_flow *o = latest_between(e, f, true);

	return o && o != f && o->first_ns > f->first_ns && o->first_ns <= f->last_ns;
}

/* The other direction of f carried traffic, then went silent while f went
 * on: one peer lost the SA, or its packets no longer get here. */
static void detect_stopped(struct engine *e, const struct esp_flow *f, uint32_t rslot)
{
	struct esp_flow *r = engine_flow_mut(e, rslot);
	const struct ike_sa *sa = esp_flow_sa(e, f);
	int64_t silence = f->last_ns - r->last_ns;
	struct flow_text t;
	struct diagnosis *d;

	if (r->stale || f->stale || r->packets < ONE_WAY_MIN_PACKETS || silence < STOPPED_MIN_NS)
		return;
	if (silence / STOPPED_MIN_GAPS < (r->last_ns - r->first_ns) / (int64_t)(r->packets - 1))
		return;
	/* Enough packets of f in the silence, by its marks (state.h): an
	 * average rate would take a burst and one late packet for steady
	 * sending. */
	if (f->packets < 2 * ESP_MARK_EVERY || !esp_mark_after(f->mark_prev_ms, esp_mark_ms(r->last_ns)))
		return;
	if (!latest_flow(e, r, rslot) || sibling_same_way(e, f))
		return;
	d = diag_begin_flow(e, r, DIAG_ESP_ONE_WAY, SEV_WARNING, CONF_LIKELY);
	if (!d)
		return;
	flow_text(r, &t);
	evidence(d, r, 0, 0);
	diag_evidence(d, f->last_frame, f->last_ns);
	if (captured_at(sa, &r->src))
		diag_message(d, "This host (%s) stopped sending ESP to %s (SPI 0x%08x) after %" PRIu64
				" packets, while %s kept sending to it for %.1f s more (SPI 0x%08x)",
			     t.src, t.dst, r->spi, r->packets, t.dst, secs(silence), f->spi);
	else
		diag_message(d, "ESP from %s to %s (SPI 0x%08x) stopped after %" PRIu64 " packets: none "
				"reached this capture point in the last %.1f s, while %s kept sending to %s "
				"(SPI 0x%08x)",
			     t.src, t.dst, r->spi, r->packets, secs(silence), t.dst, t.src, f->spi);
	diag_hint(d, "%s most likely lost or deleted this child SA (a restart, a lifetime that ran out "
		     "without a rekey, a DPD action) while %s still uses it, or its ESP is now dropped "
		     "on the way: compare the SAs on both sides (swanctl --list-sas, ip xfrm state), "
		     "and enable DPD so %s notices",
		  t.src, t.dst, t.dst);
	diag_commit(e, d);
}

static void detect_one_way(struct engine *e, struct esp_flow *f)
{
	const struct ike_sa *sa = esp_flow_sa(e, f);
	struct flow_text t;
	struct diagnosis *d;
	int64_t span = f->last_ns - f->first_ns;

	if (engine_flow_reverse(e, f)) {
		detect_stopped(e, f, f->reverse);
		return;
	}
	if (f->packets < ONE_WAY_MIN_PACKETS || span < ONE_WAY_MIN_NS || other_way_overlaps(e, f))
		return;
	d = diag_begin_flow(e, f, DIAG_ESP_ONE_WAY, SEV_WARNING, CONF_LIKELY);
	if (!d)
		return;
	flow_text(f, &t);
	evidence(d, f, 0, 0);
	if (captured_at(sa, &f->src)) {
		diag_message(d, "%" PRIu64 " ESP packets over %.1f s from this host %s to %s (SPI 0x%08x), "
				"and the peer sends nothing back",
			     f->packets, secs(span), t.src, t.dst, f->spi);
		diag_hint(d, "On %s: check that the child SA is installed and its policy (SPD, traffic "
			     "selectors) covers the return traffic, and its firewall and routing; on the path: "
			     "a firewall dropping ESP or UDP 4500 towards %s, or NAT-T used on one side only",
			  t.dst, t.src);
	} else if (captured_at(sa, &f->dst)) {
		diag_message(d, "%s received %" PRIu64 " ESP packets over %.1f s from %s (SPI 0x%08x) "
				"but sent no ESP back",
			     t.dst, f->packets, secs(span), t.src, f->spi);
		diag_hint(d, "On this host (%s): check that the inbound SA accepts the packets (SA and "
			     "policy counters, replay or integrity errors) and that the replies match the "
			     "outbound policy and are routed into the tunnel",
			  t.dst);
	} else {
		diag_message(d, "%" PRIu64 " ESP packets over %.1f s from %s to %s (SPI 0x%08x), and no ESP "
				"from %s back to %s reached this capture point",
			     f->packets, secs(span), t.src, t.dst, f->spi, t.dst, t.src);
		diag_hint(d, "Either %s does not send (check its policy and traffic selectors, and the "
			     "routing of the return traffic) or its ESP is dropped or routed around this "
			     "point: a firewall dropping ESP or UDP 4500 towards %s, or NAT-T on one side only",
			  t.dst, t.src);
	}
	diag_commit(e, d);
}

static void detect_loss(struct engine *e, struct esp_flow *f, bool final)
{
	const struct ike_sa *sa = esp_flow_sa(e, f);
	uint64_t total = engine_flow_expected(f), lost = f->lost;
	struct flow_text t;
	struct diagnosis *d;

	if (lost < LOSS_MIN_LOST)
		return;
	/* While packets flow, gaps inside the window may yet be filled by late
	 * packets (multipath reordering keeps many open at once): judge the
	 * numbers older than the window, whose gaps are settled. */
	if (!final) {
		uint64_t span = total < ESP_WIN_BITS ? total : ESP_WIN_BITS, open = esp_seq_open(f, span);

		lost = lost > open ? lost - open : 0;
		total -= span;
		if (total < LOSS_MIN_PACKETS_LIVE || lost < LOSS_MIN_LOST)
			return;
	}
	if (lost * 1000 <= (uint64_t)e->cfg.esp_loss_permille * total)
		return;
	d = diag_begin_flow(e, f, DIAG_ESP_LOSS, SEV_WARNING, CONF_LIKELY);
	if (!d)
		return;
	flow_text(f, &t);
	evidence(d, f, f->gap_frame, f->gap_ns);
	diag_message(d, "ESP %s to %s (SPI 0x%08x): %" PRIu64 " of %" PRIu64 " sequence numbers missing "
			"(%.1f%%), %" PRIu64 " reordered, %" PRIu64 " beyond a 64-packet window, %" PRIu64
			" beyond 1024",
		     t.src, t.dst, f->spi, lost, total, 100.0 * (double)lost / (double)total,
		     f->reordered, f->late64, f->late1024);
	if (f->frags_lost)
		diag_hint(d, "%u of the missing packets reached this capture point as incomplete IP fragments, larger than any packet of this flow that passed whole: they are too large for the path (see esp.mtu_blackhole); lower the tunnel MTU or clamp the TCP MSS",
			  f->frags_lost);
	else if (captured_at(sa, &f->src))
		diag_hint(d, "Captured at the sender: the packets were dropped on %s itself after "
			     "encryption (queue or interface drops), or by the capture (check its drop "
			     "counter)%s",
			  t.src, f->late64 ? "; reordering beyond 64 packets needs a bigger replay window "
					     "(replay_window / replay-window)" : "");
	else
		diag_hint(d, "Packets are lost between %s and this capture point (path loss, congestion, "
			     "a rate limit) or by the capture itself (check its drop counter)%s",
			  t.src, f->late64 ? "; reordering beyond 64 packets needs a bigger replay window "
					     "(replay_window / replay-window)" : "");
	diag_commit(e, d);
}

static void detect_replay(struct engine *e, struct esp_flow *f, bool final)
{
	struct flow_text t;
	struct diagnosis *d;
	uint64_t between = f->late64 - f->late1024;

	if ((!f->duplicates && !f->late64) || (!final && f->packets < REPLAY_MIN_PACKETS_LIVE))
		return;
	/* Every packet twice: the capture sees one packet on two interfaces
	 * (-i any on a forwarding host), not a replay on the wire. */
	if (f->duplicates * 5 >= f->packets * 2) {
		d = diag_begin_flow(e, f, DIAG_ESP_REPLAY, SEV_INFO, CONF_LIKELY);
		if (!d)
			return;
		flow_text(f, &t);
		evidence(d, f, f->dup_frame, f->dup_ns);
		diag_message(d, "ESP %s to %s (SPI 0x%08x): %" PRIu64 " of %" PRIu64 " packets seen twice "
				"with the same sequence number",
			     t.src, t.dst, f->spi, f->duplicates, f->packets);
		diag_hint(d, "Nearly every packet appears twice: the capture probably sees the same packet "
			     "on two interfaces (e.g. -i any on a forwarding host); capture on one interface");
		diag_commit(e, d);
		return;
	}
	d = diag_begin_flow(e, f, DIAG_ESP_REPLAY, SEV_WARNING,
			    f->duplicates ? CONF_CERTAIN : CONF_LIKELY);
	if (!d)
		return;
	flow_text(f, &t);
	if (f->duplicates)
		evidence(d, f, f->dup_frame, f->dup_ns);
	else
		evidence(d, f, f->late_frame, f->late_ns);
	diag_message(d, "ESP %s to %s (SPI 0x%08x): %" PRIu64 " repeated sequence numbers, %" PRIu64
			" packets more than 64 behind the newest (%" PRIu64 " more than 1024 behind)",
		     t.src, t.dst, f->spi, f->duplicates, f->late64, f->late1024);
	if (f->duplicates)
		diag_hint(d, "%s drops repeated packets as replays: something on the path duplicates "
			     "them (a load balancer or bridge loop) or the sender resends with an old "
			     "counter%s",
			  t.dst, between ? "; also see the reordering: a 64-packet replay window drops "
					   "late packets that a 1024-packet one accepts" : "");
	else if (between)
		diag_hint(d, "A receiver with a 64-packet replay window drops %" PRIu64 " packets that a "
			     "1024-packet window accepts: raise the replay window on %s (strongSwan "
			     "replay_window, libreswan replay-window) or find the reordering on the path",
			  between, t.dst);
	else
		diag_hint(d, "These packets come more than 1024 behind the newest, later than any replay "
			     "window accepts: %s drops them whatever its setting; find what delays them on "
			     "the path (multipath routing, a long queue, a link that holds packets)",
			  t.dst);
	diag_commit(e, d);
}

static void detect_stale(struct engine *e, struct esp_flow *f, bool final)
{
	struct flow_text t;
	struct diagnosis *d;
	bool proven = f->stale == ESP_STALE_PROVEN;

	/* While packets flow, wait for a few so the message's numbers mean
	 * something; the end of the capture takes what there is. */
	if (!f->stale_packets || (!final && f->stale_packets < STALE_MIN_PACKETS_LIVE))
		return;
	d = diag_begin_flow(e, f, DIAG_ESP_STALE_SPI, SEV_WARNING,
			    proven ? CONF_CERTAIN : CONF_LIKELY);
	if (!d)
		return;
	flow_text(f, &t);
	evidence(d, f, f->stale_frame, f->stale_ns);
	diag_message(d, "%" PRIu64 " ESP packets %s to %s on SPI 0x%08x up to %.1f s after that SA was %s",
		     f->stale_packets, t.src, t.dst, f->spi, secs(f->last_ns - f->stale_since_ns),
		     proven ? "deleted or rejected as unknown (INVALID_SPI)" : "replaced by a rekey");
	diag_hint(d, "%s still sends with an SA that %s no longer has: it missed the delete or the "
		     "rekey; check its logs, and enable DPD so it notices a restarted peer",
		  t.src, t.dst);
	diag_commit(e, d);
}

static void detect_no_ike(struct engine *e, struct esp_flow *f)
{
	const struct esp_flow *r = engine_flow_reverse(e, f);
	struct flow_text t;
	struct diagnosis *d;

	/* An SA evicted for room was still IKE seen: judged when it left. */
	if (f->ike_seen || esp_flow_sa(e, f))
		return;
	/* One note per child SA, not one per direction. */
	if (r && (r->diag_raised & (1u << DIAG_ESP_NO_IKE)))
		return;
	d = diag_begin_flow(e, f, DIAG_ESP_NO_IKE, SEV_INFO, CONF_LIKELY);
	if (!d)
		return;
	flow_text(f, &t);
	evidence(d, f, 0, 0);
	diag_message(d, "ESP %s to %s (SPI 0x%08x, %" PRIu64 " packets) with no IKE seen between these peers",
		     t.src, t.dst, f->spi, f->packets);
	diag_hint(d, "The capture probably started after the negotiation, or IKE runs between other "
		     "addresses or over another path; manually keyed SAs have no IKE at all");
	diag_commit(e, d);
}

void detect_esp_flow(struct engine *e, struct esp_flow *f, bool final)
{
	detect_loss(e, f, final);
	detect_replay(e, f, final);
	detect_stale(e, f, final);
	if (!final)
		return;
	detect_one_way(e, f);
	detect_no_ike(e, f);
}
