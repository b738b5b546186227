/* detect_liveness.c - ike.dpd_timeout: liveness checks (IKEv2 empty
 * INFORMATIONALs, RFC 7296 section 2.4; IKEv1 R-U-THERE, RFC 3706, in
 * encrypted informationals) that go unanswered, and what the capture shows
 * of the silent peer meanwhile: its ESP still arriving (alive, only its IKE
 * is lost), or stopped before the checks while the other side's went on (it
 * lost the SA), with its own host refusing UDP 500/4500 after that (its IKE
 * daemon restarted) or even the last check (it is down). */
#include "engine_int.h"

#include <stdio.h>

#define SECOND_NS 1000000000LL

/* The latest ESP flow of this SA from one side, if it sent after since_ns. */
static const struct esp_flow *esp_after(struct engine *e, const struct ike_sa *sa, bool from_init,
					int64_t since_ns)
{
	uint32_t slot = sa->esp_last[from_init ? 0 : 1];
	const struct esp_flow *f;

	esp_flow_drain(e);
	f = slot ? engine_flow(e, slot - 1) : NULL;
	if (!f || esp_flow_sa(e, f) != sa || f->last_ns <= since_ns)
		return NULL;
	return f;
}

/* The silent peer's ESP of this SA that stopped a second or more before the
 * first check while the checker's own ESP went on past it: the peer lost the
 * SA (or everything from it is dropped) before it stopped answering IKE. */
static const struct esp_flow *esp_stopped(struct engine *e, const struct ike_sa *sa, bool peer_is_init,
					  int64_t check_ns)
{
	uint32_t ps = sa->esp_last[peer_is_init ? 0 : 1], os = sa->esp_last[peer_is_init ? 1 : 0];
	const struct esp_flow *peer, *own;

	esp_flow_drain(e);
	peer = ps ? engine_flow(e, ps - 1) : NULL;
	own = os ? engine_flow(e, os - 1) : NULL;
	if (!peer || !own || esp_flow_sa(e, peer) != sa || esp_flow_sa(e, own) != sa)
		return NULL;
	if (peer->last_ns + SECOND_NS > check_ns || own->last_ns <= peer->last_ns + SECOND_NS)
		return NULL;
	return peer;
}

enum peer_fate {
	FATE_UNKNOWN,   /* nothing seen of it but silence */
	FATE_STOPPED,   /* its ESP stopped first: it lost the SA, or its packets are lost */
	FATE_RESTARTED, /* and its host refused UDP after that, but not the last check */
	FATE_DOWN,      /* and its host refused the last check too */
};

struct silence {
	enum peer_fate fate;
	const struct esp_flow *stopped; /* from FATE_STOPPED: its flow */
	uint64_t icmp_frame;            /* from FATE_RESTARTED: its host's port unreachable */
	int64_t icmp_ns;
};

/* The latest port unreachable from the peer's host says which: a daemon
 * that is down refuses every check, the last one too; one that came back
 * (before the checks, or while they went) ignores the later ones. */
static struct silence peer_silence(struct engine *e, const struct ike_sa *sa, bool peer_is_init,
				   int64_t check_ns, int64_t last_check_ns)
{
	struct silence s = { FATE_UNKNOWN, NULL, 0, 0 };
	unsigned i = peer_is_init ? 0 : 1;

	s.stopped = esp_stopped(e, sa, peer_is_init, check_ns);
	if (!s.stopped)
		return s;
	s.fate = FATE_STOPPED;
	if (sa->port_closed_frame[i] && sa->port_closed_ns[i] > s.stopped->last_ns) {
		s.icmp_frame = sa->port_closed_frame[i];
		s.icmp_ns = sa->port_closed_ns[i];
		s.fate = s.icmp_ns < last_check_ns ? FATE_RESTARTED : FATE_DOWN;
	}
	return s;
}

/* The sentence the silence adds to the message ("" when nothing is known),
 * and its evidence and hint, which then replaces the general one. */
static void silence_clause(char *buf, size_t len, const struct silence *s, const char *peer, const char *self,
			   int64_t check_ns)
{
	static const char *const then[] = {
		[FATE_RESTARTED] = "; then its host refused UDP (port unreachable): its IKE daemon restarted without the SA",
		[FATE_DOWN] = "; its host refuses UDP (port unreachable): its IKE daemon is down",
	};

	buf[0] = '\0';
	if (s->fate != FATE_UNKNOWN)
		snprintf(buf, len, ". The %s's ESP had stopped %.1f s before, while the %s's went on%s", peer,
			 detect_seconds(check_ns - s->stopped->last_ns), self, then[s->fate] ? then[s->fate] : "");
}

static void silence_explain(struct diagnosis *d, const struct silence *s, const char *peer, const char *self)
{
	diag_evidence(d, s->stopped->last_frame, s->stopped->last_ns);
	diag_evidence(d, s->icmp_frame, s->icmp_ns);
	if (s->fate == FATE_RESTARTED)
		diag_hint(d, "The %s's IKE daemon restarted (crash, upgrade, reboot) and no longer knows this SA, so it ignores the checks or answers INVALID_IKE_SPI. Find the restart in its logs; a DPD action that restarts the SA on the %s (strongSwan dpd_action = restart, libreswan dpdaction=restart) recovers by itself.",
			  peer, self);
	else if (s->fate == FATE_DOWN)
		diag_hint(d, "Start the %s's IKE daemon and find in its logs why it stopped; a DPD action that restarts the SA on the %s (strongSwan dpd_action = restart, libreswan dpdaction=restart) brings the tunnel back once it runs.",
			  peer, self);
	else
		diag_hint(d, "The %s lost the SA (a restart without notice) or all it sends is dropped on the way: check its uptime and logs and the path back from it; a DPD action that restarts the SA (strongSwan dpd_action = restart, libreswan dpdaction=restart) recovers from a restart.",
			  peer);
}

/* The checks to the peer drew ICMP network or host unreachable, or
 * prohibited, from the path (its own host's port unreachable is
 * peer_silence's): the path was broken, and ike.peer_unreachable names who
 * said so. Returns the index of that error in the SA, or -1. */
static int refused_on_path(const struct ike_sa *sa, bool peer_is_init, int64_t first_check_ns)
{
	int i = peer_is_init ? 0 : 1;

	return sa->path_refused_frame[i] && sa->path_refused_ns[i] >= first_check_ns ? i : -1;
}

static void path_refused_explain(struct diagnosis *d, const struct ike_sa *sa, int i, const char *peer)
{
	unsigned k = sa->path_refused_kind[i];

	diag_evidence(d, sa->path_refused_frame[i], sa->path_refused_ns[i]);
	diag_hint(d, "The path to the %s was broken when the checks went: ICMP %s came back instead of an answer (ike.peer_unreachable names the router that sent it). Check the routes and firewalls between the peers, and that the %s's address has not changed.",
		  peer, k == IK_NET ? "network unreachable" : k == IK_HOST ? "host unreachable" : "administratively prohibited",
		  peer);
}

void detect_dpd_timeout(struct engine *e, struct ike_sa *sa, struct exch *x)
{
	const char *peer = x->by_initiator ? "responder" : "initiator";
	const char *self = x->by_initiator ? "initiator" : "responder";
	const struct esp_flow *alive;
	struct silence s = { FATE_UNKNOWN, NULL, 0, 0 };
	struct diagnosis *d;
	char clause[192];
	int path;

	if (sa->diag_raised & (1u << DIAG_IKE_DPD_TIMEOUT))
		return;
	/* Looked up before the diagnosis begins: applying held-back ESP
	 * packets may make diagnoses of its own. A packet already on its way
	 * when the check left proves little. */
	alive = esp_after(e, sa, !x->by_initiator, x->req_ns + SECOND_NS);
	if (!alive)
		s = peer_silence(e, sa, !x->by_initiator, x->req_ns, x->req_ns_last);
	d = diag_begin_sa(e, sa, DIAG_IKE_DPD_TIMEOUT, SEV_WARNING, CONF_LIKELY);
	if (!d)
		return;
	detect_evidence_exch(d, x);
	if (alive) {
		diag_evidence(d, alive->last_frame, alive->last_ns);
		diag_message(d, "Liveness check (empty INFORMATIONAL) from the %s sent %u times over %.1f s; %s, yet the %s's ESP (SPI 0x%08x) kept arriving",
			     self, x->nreq, detect_seconds(x->req_ns_last - x->req_ns),
			     detect_no_answer_phrase(sa, x->by_initiator), peer, alive->spi);
		diag_hint(d, "The %s is up and its ESP gets through, but IKE does not: check that UDP 500/4500 still passes both ways while ESP does (a firewall rule or NAT mapping for IKE only), and whether its IKE daemon is overloaded or lost this IKE SA (a restart answers with INVALID_IKE_SPI, in clear).",
			  peer);
	} else if (s.fate == FATE_UNKNOWN && (path = refused_on_path(sa, !x->by_initiator, x->req_ns)) >= 0) {
		diag_message(d, "Liveness check (empty INFORMATIONAL) from the %s sent %u times over %.1f s; ICMP errors from the path came back instead of an answer",
			     self, x->nreq, detect_seconds(x->req_ns_last - x->req_ns));
		path_refused_explain(d, sa, path, peer);
	} else {
		silence_clause(clause, sizeof(clause), &s, peer, self, x->req_ns);
		diag_message(d, "Liveness check (empty INFORMATIONAL) from the %s sent %u times over %.1f s; %s%s",
			     self, x->nreq, detect_seconds(x->req_ns_last - x->req_ns),
			     detect_no_answer_phrase(sa, x->by_initiator), clause);
		if (s.fate != FATE_UNKNOWN)
			silence_explain(d, &s, peer, self);
		else
			diag_hint(d, "The %s is gone, overloaded or unreachable (its address changed, a NAT mapping expired, or the path broke): check that it is up, and keep NAT mappings alive (keepalives, shorter DPD interval).",
				  peer);
	}
	detect_commit_on_exch(e, x, d);
}

/* IKEv1 liveness checks are encrypted informationals: several in a row from
 * one side, over a second or more, with nothing from the other side since
 * is a dead peer. Three at least, as a teardown sends two or more at once
 * (Deletes for the child SAs, then for the ISAKMP SA); two are enough when the silent peer's ESP had stopped before
 * them while the sender's went on past the first of them by a second or
 * more (strongSwan, its dpd_timeout unset, gives up after two; a teardown
 * ends the sender's ESP too). */
void detect_ike1_dpd(struct engine *e, struct ike_sa *sa)
{
	const struct exch *first = NULL, *last = NULL;
	const struct esp_flow *alive;
	const char *peer, *self;
	int path;
	struct silence s;
	struct diagnosis *d;
	char clause[192];
	unsigned n = 0;

	for (int i = sa->nexch - 1; i >= 0; i--) {
		const struct exch *x = &sa->ex[i];

		if (x->type != IKE1_EXCH_INFO || (last && x->by_initiator != last->by_initiator))
			break;
		if (!last)
			last = x;
		first = x;
		n += x->nreq;
	}
	if (n < 2 || !first)
		return;
	/* Checks wait for their answer, a second or more apart; Deletes for
	 * several child SAs and the ISAKMP SA leave together. */
	if (last->req_ns_last - first->req_ns < SECOND_NS)
		return;
	if ((first->by_initiator ? sa->last_resp_ns : sa->last_init_ns) >= first->req_ns)
		return;
	s = peer_silence(e, sa, !first->by_initiator, first->req_ns, last->req_ns_last);
	if (n < 3 && !(s.fate != FATE_UNKNOWN && esp_after(e, sa, first->by_initiator, first->req_ns + SECOND_NS)))
		return;
	alive = esp_after(e, sa, !first->by_initiator, first->req_ns + SECOND_NS);
	d = diag_begin_sa(e, sa, DIAG_IKE_DPD_TIMEOUT, SEV_WARNING, CONF_LIKELY);
	if (!d)
		return;
	peer = first->by_initiator ? "responder" : "initiator";
	self = first->by_initiator ? "initiator" : "responder";
	diag_evidence(d, first->req_frame, first->req_ns);
	diag_evidence(d, last->req_frame_last, last->req_ns_last);
	if (alive) {
		/* The peer is there and its ESP gets through: it is IKE that
		 * goes unanswered. */
		diag_evidence(d, alive->last_frame, alive->last_ns);
		diag_message(d, "%u encrypted informational messages (liveness checks) from the %s over %.1f s with nothing back; %s, yet the %s's ESP (SPI 0x%08x) kept arriving",
			     n, self, detect_seconds(last->req_ns_last - first->req_ns),
			     detect_no_answer_phrase(sa, first->by_initiator), peer, alive->spi);
		diag_hint(d, "The %s is up and its ESP gets through, but it does not answer the checks: it may not do DPD (its RFC 3706 DPD vendor ID), be overloaded, or have lost the ISAKMP SA while keeping the IPsec SAs; or UDP 500/4500 no longer passes while ESP does. Its logs say which; a longer DPD timeout spares a busy peer.",
			  peer);
		diag_commit(e, d);
		return;
	}
	if (s.fate == FATE_UNKNOWN && (path = refused_on_path(sa, !first->by_initiator, first->req_ns)) >= 0) {
		diag_message(d, "%u encrypted informational messages (liveness checks) from the %s over %.1f s with nothing back but ICMP errors from the path",
			     n, self, detect_seconds(last->req_ns_last - first->req_ns));
		path_refused_explain(d, sa, path, peer);
		diag_commit(e, d);
		return;
	}
	silence_clause(clause, sizeof(clause), &s, peer, self, first->req_ns);
	diag_message(d, "%u encrypted informational messages (liveness checks) from the %s over %.1f s with nothing back; %s%s",
		     n, self, detect_seconds(last->req_ns_last - first->req_ns),
		     detect_no_answer_phrase(sa, first->by_initiator), clause);
	if (s.fate != FATE_UNKNOWN)
		silence_explain(d, &s, peer, self);
	else
		diag_hint(d, "The %s is gone or unreachable: check that it is up and that UDP 500/4500 still reaches it (NAT mappings expire without keepalives).",
			  peer);
	diag_commit(e, d);
}
