/* detect_ike.c - the IKE failure detectors that read an exchange's shape
 * when it ends and its answer is encrypted or missing (likely): unanswered
 * initial requests, authentication that stalls or fails, rejected child SAs,
 * lost IKE fragments (dead peers: detect_liveness.c; verdicts on a whole SA:
 * detect_ike_final.c). Wording follows where the capture point sits: only a
 * capture at the responder can say "the peer did not answer"; elsewhere "no
 * answer reached this capture point". */
#include "engine_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ike2.h"


/* "no answer reached this capture point" unless we sit at the responder. */
const char *detect_no_answer_phrase(const struct ike_sa *sa, bool from_init)
{
	unsigned at_receiver = from_init ? POS_RESPONDER : POS_INITIATOR;

	if (sa->cap_pos == at_receiver)
		return "the peer received them and did not answer";
	return "no answer reached this capture point";
}

double detect_seconds(int64_t ns)
{
	return (double)ns / 1e9;
}

/* "sent once" or "sent 3 times over 12.4 s" (the span only with over). */
static const char *sent_phrase(char *buf, size_t len, const struct exch *x, bool over)
{
	if (x->nreq <= 1)
		snprintf(buf, len, "sent once");
	else if (over)
		snprintf(buf, len, "sent %u times over %.1f s", x->nreq, detect_seconds(x->req_ns_last - x->req_ns));
	else
		snprintf(buf, len, "sent %u times", x->nreq);
	return buf;
}

void detect_evidence_exch(struct diagnosis *d, const struct exch *x)
{
	diag_evidence(d, x->req_frame, x->req_ns);
	if (x->req_frame_last != x->req_frame)
		diag_evidence(d, x->req_frame_last, x->req_ns_last);
	if (x->resp_frame)
		diag_evidence(d, x->resp_frame, x->resp_ns);
}

/* A diagnosis raised because a request timed out: the exchange remembers
 * it, so that an answer after all resolves it (ike_exch.c). */
void detect_commit_on_exch(struct engine *e, struct exch *x, struct diagnosis *d)
{
	x->diag_code = (uint8_t)(d->code + 1);
	x->diag_sev = d->severity;
	x->diag_at = diag_commit(e, d);
}

static bool is_initial(const struct ike_sa *sa, const struct exch *x)
{
	if (sa->version == 2)
		return x->type == IKE2_EXCH_SA_INIT;
	return (x->type == IKE1_EXCH_MAIN || x->type == IKE1_EXCH_AGGRESSIVE) && x->step == 1;
}

static bool is_auth_step(const struct ike_sa *sa, const struct exch *x)
{
	if (sa->version == 2)
		return x->type == IKE2_EXCH_AUTH;
	return (x->type == IKE1_EXCH_MAIN && x->step == 5);
}

/* Another SA between the same peers, of the other IKE version, that got an
 * answer: the peer speaks that version, not this one. The peer index names
 * the latest SA of the two hosts and the latest answered one, which covers
 * the other version tried after this one or before it, in O(1): a flood of
 * unanswered SAs must not scan the table once each. */
static const struct ike_sa *other_version_answered(struct engine *e, const struct ike_sa *sa)
{
	const struct peer_entry *pe = peers_find(e, &sa->init_ip, &sa->resp_ip);
	uint32_t cand[2] = { pe ? pe->sa : 0, pe ? pe->answered : 0 };

	for (unsigned i = 0; i < 2; i++) {
		const struct ike_sa *o = cand[i] ? engine_sa(e, cand[i] - 1) : NULL;

		if (!o || o == sa || o->version == sa->version || !o->msgs_from_resp)
			continue;
		if (engine_addr_eq(&o->init_ip, &sa->init_ip) && engine_addr_eq(&o->resp_ip, &sa->resp_ip))
			return o;
	}
	return NULL;
}

/* A later SA between the same two hosts, begun after this request and seen
 * come up from its first exchange (the responder's choice seen); with
 * reverse, one the responder initiated while this initiator still sent its
 * requests: the tunnel works one way only. The peer index's latest SA and
 * latest answered one of the two hosts cover it in O(1). */
static const struct ike_sa *later_established(struct engine *e, const struct ike_sa *sa,
					      const struct exch *x, bool reverse)
{
	const struct peer_entry *pe = peers_find(e, &sa->init_ip, &sa->resp_ip);
	uint32_t cand[2] = { pe ? pe->sa : 0, pe ? pe->answered : 0 };

	for (unsigned i = 0; i < 2; i++) {
		const struct ike_sa *o = cand[i] ? engine_sa(e, cand[i] - 1) : NULL;

		if (!o || o == sa || o->version != sa->version || !o->established_frame || !o->have_chosen ||
		    o->first_ns <= x->req_ns || !ike_sa_has_peers(o, &sa->init_ip, &sa->resp_ip))
			continue;
		if (!reverse)
			return o;
		if (engine_addr_eq(&o->init_ip, &sa->resp_ip) && x->req_ns_last >= o->first_ns)
			return o;
	}
	return NULL;
}

/* ike.no_response stands for the two hosts until a later SA of theirs comes
 * up (ike_sa.c), or is resolved at once when one already has. */
static void unanswered_note(struct engine *e, struct ike_sa *sa, struct exch *x)
{
	const struct ike_sa *up = later_established(e, sa, x, false);
	struct peer_entry *pe;
	uint32_t slot;

	if (!x->diag_code)
		return;
	if (up) {
		diag_resolve(e, sa, x->diag_code - 1u, x->diag_sev, x->diag_at, up->established_frame,
			     up->established_ns, RESOLVED_LATER_SA);
		x->diag_code = 0;
		return;
	}
	slot = ike_sa_find(e, sa->ispi, sa->version);
	pe = peers_find(e, &sa->init_ip, &sa->resp_ip);
	if (pe && slot != NO_SLOT && pe->unanswered != slot + 1) {
		sa->unanswered_prev = pe->unanswered;
		pe->unanswered = slot + 1;
	}
}

/* Resolves sa's ike.no_response by up when up began after its request;
 * says whether one still stands. */
static bool superseded_by(struct engine *e, struct ike_sa *sa, const struct ike_sa *up,
			  const struct unit *u)
{
	bool stands = false;

	for (unsigned i = 0; i < sa->nexch; i++) {
		struct exch *x = &sa->ex[i];

		if (x->diag_code != DIAG_IKE_NO_RESPONSE + 1)
			continue;
		if (up->first_ns > x->req_ns) {
			diag_resolve(e, sa, DIAG_IKE_NO_RESPONSE, x->diag_sev, x->diag_at, u->frame, u->ts_ns,
				     RESOLVED_LATER_SA);
			x->diag_code = 0;
		} else {
			stands = true;
		}
	}
	return stands;
}

/* The pair's SAs whose ike.no_response stands are chained from the peers
 * index (unanswered, then each one's unanswered_prev); slots may have been
 * reused since, so each is checked, and the walk is bounded. */
#define UNANSWERED_CHAIN_MAX 16

void detect_no_response_superseded(struct engine *e, const struct ike_sa *up, const struct unit *u)
{
	struct peer_entry *pe = peers_find(e, &up->init_ip, &up->resp_ip);
	uint32_t next = pe ? pe->unanswered : 0;
	bool stands = false;

	if (!next || !up->have_chosen)
		return;
	for (unsigned n = 0; next && n < UNANSWERED_CHAIN_MAX; n++) {
		struct ike_sa *sa = engine_sa_mut(e, next - 1);

		if (!sa || !ike_sa_has_peers(sa, &up->init_ip, &up->resp_ip))
			break;
		next = sa->unanswered_prev;
		/* Another IKE version's SA coming up says nothing of this one. */
		if (sa != up && (sa->version != up->version || superseded_by(e, sa, up, u)))
			stands = true;
	}
	if (!stands)
		pe->unanswered = 0;
}

static void no_response(struct engine *e, struct ike_sa *sa, struct exch *x)
{
	const struct ike_sa *other = other_version_answered(e, sa), *rev;
	struct diagnosis *d;
	char sent[48], b[48];

	/* The requests were answered, by ICMP: ike.peer_unreachable already
	 * says why, with certainty; a second error for it would only repeat
	 * it less precisely. */
	if (sa->icmp_refused)
		return;
	if (other) {
		d = diag_begin_sa(e, sa, DIAG_IKE_VERSION_MISMATCH, SEV_ERROR, CONF_LIKELY);
		if (!d)
			return;
		detect_evidence_exch(d, x);
		diag_evidence(d, other->first_frame, other->first_ns);
		diag_message(d, "IKEv%u request %s without an answer, while the same peers negotiate IKEv%u",
			     sa->version, sent_phrase(sent, sizeof(sent), x, true), other->version);
		diag_hint(d, "The responder does not speak IKEv%u on this connection: set the same IKE version on both sides (strongSwan: version/keyexchange; libreswan: ikev2=).",
			  sa->version);
		detect_commit_on_exch(e, x, d);
		return;
	}
	if ((rev = later_established(e, sa, x, true)) != NULL) {
		/* Not down, and not blocked both ways: the tunnel came up when
		 * the other side initiated, so this side's requests are what it
		 * does not take. */
		d = diag_begin_sa(e, sa, DIAG_IKE_NO_RESPONSE, SEV_WARNING, CONF_LIKELY);
		if (!d)
			return;
		detect_evidence_exch(d, x);
		diag_evidence(d, rev->first_frame, rev->first_ns);
		diag_evidence(d, rev->established_frame, rev->established_ns);
		diag_addr(&sa->resp_ip, b, sizeof(b));
		diag_message(d, "%s request %s; %s, yet the responder's own IKE SA to the initiator came up (frame %llu): the tunnel comes up only when the responder (%s) initiates",
			     sa->version == 2 ? "IKE_SA_INIT" : (x->type == IKE1_EXCH_AGGRESSIVE ? "Aggressive Mode" : "Main Mode"),
			     sent_phrase(sent, sizeof(sent), x, true), detect_no_answer_phrase(sa, true),
			     (unsigned long long)rev->established_frame, b);
		diag_hint(d, "The responder does not take this initiator's requests, though its own reach it: check that it accepts this peer as an initiator (a connection for it that is not initiate-only, matching identities, the same proposals offered both ways) and that UDP 500 and 4500 from the initiator reach it; else the tunnel stays down whenever this initiator needs it first.");
		detect_commit_on_exch(e, x, d);
		return;
	}
	d = diag_begin_sa(e, sa, DIAG_IKE_NO_RESPONSE, SEV_ERROR, CONF_LIKELY);
	if (!d)
		return;
	detect_evidence_exch(d, x);
	diag_message(d, "%s request %s; %s",
		     sa->version == 2 ? "IKE_SA_INIT" : (x->type == IKE1_EXCH_AGGRESSIVE ? "Aggressive Mode" : "Main Mode"),
		     sent_phrase(sent, sizeof(sent), x, true), detect_no_answer_phrase(sa, true));
	diag_hint(d, "Check that UDP 500 and 4500 are allowed to the responder (firewalls, ACLs, cloud security groups), that its IKE daemon runs and listens on this address, and that it accepts IKEv%u.",
		  sa->version);
	detect_commit_on_exch(e, x, d);
	unanswered_note(e, sa, x);
}

/* IKEv1 message 5 is encrypted with keys made from the pre-shared key: a
 * responder with another key cannot decrypt it. It drops it, or answers
 * with an encrypted informational that the initiator cannot read either,
 * so the initiator keeps resending message 5. */
static void psk_mismatch(struct engine *e, struct ike_sa *sa, struct exch *x)
{
	struct diagnosis *d = diag_begin_sa(e, sa, DIAG_IKE_PSK_MISMATCH, SEV_ERROR, CONF_LIKELY);
	char sent[48];

	if (!d)
		return;
	detect_evidence_exch(d, x);
	diag_evidence(d, x->refuse_frame, x->refuse_ns);
	if (x->refuse_frame)
		diag_message(d, "Main Mode message 5 (%u bytes, encrypted) %s without message 6 after a good key exchange; the responder's encrypted informational (%u bytes) did not stop the initiator: it could not read it",
			     x->req_len, sent_phrase(sent, sizeof(sent), x, false), x->refuse_len);
	else
		diag_message(d, "Main Mode message 5 (%u bytes, encrypted) %s without message 6 after a good key exchange",
			     x->req_len, sent_phrase(sent, sizeof(sent), x, false));
	diag_hint(d, "The two sides most likely derived different keys: check that both use the same pre-shared key (and the same identity or address to select it).");
	detect_commit_on_exch(e, x, d);
}

/* The request that went over UDP 4500 after the key exchange was answered
 * on UDP 500, whole and small, and nothing of the responder's ever came
 * over 4500: the move to NAT traversal is where it stops. */
static void natt_stall(struct engine *e, struct ike_sa *sa, struct exch *x)
{
	struct diagnosis *d = diag_begin_sa(e, sa, DIAG_IKE_AUTH_STALL, SEV_ERROR, CONF_LIKELY);
	char sent[48];

	if (!d)
		return;
	detect_evidence_exch(d, x);
	if (sa->version == 2) {
		diag_message(d, "IKE_AUTH request of %u bytes %s on UDP 4500 without an answer, after IKE_SA_INIT was answered on UDP 500; nothing of the responder's came over UDP 4500 (%s)",
			     x->req_len, sent_phrase(sent, sizeof(sent), x, false),
			     detect_no_answer_phrase(sa, true));
		if (sa->frag_init && sa->frag_resp)
			diag_hint(d, "The move to UDP 4500 (NAT traversal) is where it stops: allow UDP 4500 both ways between the peers (firewalls, ACLs, cloud security groups, the NAT) and check that the responder listens on it. The request is small and whole, and both sides fragment IKE: IP fragments are not the cause.");
		else
			diag_hint(d, "The move to UDP 4500 (NAT traversal) is where it stops: allow UDP 4500 both ways between the peers (firewalls, ACLs, cloud security groups, the NAT) and check that the responder listens on it. Else a large answer (certificates) lost in IP fragments on the way back: enable IKE fragmentation on both sides.");
	} else {
		diag_message(d, "Main Mode message 5 (%u bytes, encrypted) %s on UDP 4500 without message 6, after messages 1 to 4 were answered on UDP 500; nothing of the responder's came over UDP 4500",
			     x->req_len, sent_phrase(sent, sizeof(sent), x, false));
		diag_hint(d, "Most likely UDP 4500 (NAT traversal) is blocked between the peers (firewalls, ACLs, cloud security groups, the NAT): allow it both ways, and check that the responder listens on it. If it is open, the pre-shared keys differ (a responder that cannot decrypt message 5 may stay silent), or a large message 6 (certificates) is lost in IP fragments.");
	}
	detect_commit_on_exch(e, x, d);
}

static void auth_stall(struct engine *e, struct ike_sa *sa, struct exch *x)
{
	bool fragmented = x->req_ip_frags > 0 || sa->ip_frag_lost > 0;
	struct diagnosis *d;
	char sent[48];

	if (x->req_natt && !sa->resp_natt_seen && sa->have_chosen && !fragmented && !x->req_frags &&
	    !x->refuse_frame && !x->resp_incomplete && !sa->tcp && x->req_len < 1200) {
		natt_stall(e, sa, x);
		return;
	}
	if (sa->version == 1 && !fragmented && x->req_len < 1200) {
		psk_mismatch(e, sa, x);
		return;
	}
	d = diag_begin_sa(e, sa, DIAG_IKE_AUTH_STALL, SEV_ERROR, CONF_LIKELY);
	if (!d)
		return;
	detect_evidence_exch(d, x);
	if (x->resp_incomplete)
		diag_message(d, "%s request of %u bytes %s; the %s's answers reached this capture point only as incomplete IP datagrams (%u of them): their lost fragments never reach the %s either",
			     sa->version == 2 ? "IKE_AUTH" : "Main Mode message 5", x->req_len,
			     sent_phrase(sent, sizeof(sent), x, false), x->by_initiator ? "responder" : "initiator",
			     x->resp_incomplete, x->by_initiator ? "initiator" : "responder");
	else if (sa->ip_frag_lost)
		diag_message(d, "%s request %s as IP fragments; only incomplete datagrams (%u bytes of each) reached this capture point and no answer came back",
			     sa->version == 2 ? "IKE_AUTH" : "Main Mode message 5", sent_phrase(sent, sizeof(sent), x, false),
			     x->req_len);
	else if (fragmented)
		diag_message(d, "%s request of %u bytes, in %u IP fragments, %s without an answer; %s",
			     sa->version == 2 ? "IKE_AUTH" : "Main Mode message 5", x->req_len,
			     x->req_ip_frags, sent_phrase(sent, sizeof(sent), x, false), detect_no_answer_phrase(sa, x->by_initiator));
	else
		diag_message(d, "%s request of %u bytes %s without an answer after a successful key exchange; %s",
			     sa->version == 2 ? "IKE_AUTH" : "Main Mode message 5", x->req_len,
			     sent_phrase(sent, sizeof(sent), x, false), detect_no_answer_phrase(sa, x->by_initiator));
	if (sa->version == 2 && !(sa->frag_init && sa->frag_resp))
		diag_hint(d, "Large authentication messages (certificates) are IP-fragmented and fragments are often dropped on the path: enable IKEv2 fragmentation on both sides (strongSwan/libreswan fragmentation=yes), shorten the certificate chain, or let fragments through.");
	else if (sa->version == 2)
		diag_hint(d, "Both sides support IKE fragmentation, yet the request went unanswered: lower the fragment size (strongSwan charon.fragment_size) below the path MTU, and check the responder's logs for authentication errors it could not report.");
	else
		diag_hint(d, "Message 5 carries the identity and certificate: check for IP fragments dropped on the path (enable IKE fragmentation, fragmentation=force on Cisco/strongSwan), and that the pre-shared key or certificate matches on the responder.");
	detect_commit_on_exch(e, x, d);
}

/* IKE fragments (RFC 7383 SKF, IKEv1 fragmentation) of a request that never
 * all arrived: the receiver cannot reassemble, so it never answers. */
static bool ike_fragment_loss(struct engine *e, struct ike_sa *sa, struct exch *x)
{
	unsigned seen = engine_exch_frags_seen(x), tracked = engine_exch_frags_tracked(x);
	unsigned total = x->req_frag_total;
	char nb[32], missing[64], sent[32] = "", of[32] = "of them";
	struct diagnosis *d;

	/* Fragment numbers above EXCH_FRAGS_TRACKED are not tracked; IKEv1
	 * tells the total only in its last fragment, so without it a loss
	 * cannot be told. */
	if (!total || seen >= tracked)
		return false;
	/* It stands for the failure it explains: a tunnel that cannot come up
	 * (the first exchanges) is an error, as ike.no_response and
	 * ike.auth_stall are. */
	d = diag_begin_sa(e, sa, DIAG_IKE_FRAGMENT_LOSS,
			  is_initial(sa, x) || is_auth_step(sa, x) ? SEV_ERROR : SEV_WARNING, CONF_LIKELY);
	if (!d)
		return true;
	detect_evidence_exch(d, x);
	engine_exch_frags_missing(x, missing, sizeof(missing));
	if (x->nreq > 1)
		snprintf(sent, sizeof(sent), ", sent %u times", x->nreq);
	if (tracked < total)
		snprintf(of, sizeof(of), "of the first %u", tracked);
	diag_message(d, "%s request in %u IKE fragments%s: only %u %s reached this capture point (missing: %s), and no answer came back",
		     diag_exch_name(sa->version, x->type, nb, sizeof(nb)), total, sent, seen, of, missing);
	diag_hint(d, "IKE fragments are lost between the %s and this point: lower the IKE fragment size (strongSwan charon.fragment_size, libreswan ike-frag size) below the path MTU, and check firewalls for UDP rate limits or size filters.",
		  x->by_initiator ? "initiator" : "responder");
	detect_commit_on_exch(e, x, d);
	return true;
}

static bool rspi_known(const struct ike_sa *sa)
{
	static const uint8_t zero[8];

	return memcmp(sa->rspi, zero, sizeof(zero)) != 0;
}

static void exchange_timeout(struct engine *e, struct ike_sa *sa, struct exch *x)
{
	char nb[32], sent[48];
	struct diagnosis *d;

	if (ike_fragment_loss(e, sa, x))
		return;
	if (is_initial(sa, x)) {
		/* An initiator that names the responder's SPI (cookie) got its
		 * answer, even if the answer took another path than this one. */
		if (!sa->msgs_from_resp && !rspi_known(sa))
			no_response(e, sa, x);
		return;
	}
	if (is_auth_step(sa, x)) {
		auth_stall(e, sa, x);
		return;
	}
	/* A liveness check is an empty INFORMATIONAL; an unanswered Delete is
	 * the sender tearing the SA down anyway. */
	if (sa->version == 2 && x->type == IKE2_EXCH_INFORMATIONAL) {
		if (x->req_sk_np == IKE_PLD_NONE && x->nreq >= 2)
			detect_dpd_timeout(e, sa, x);
		return;
	}
	if ((sa->version == 2 && x->type == IKE2_EXCH_CREATE_CHILD) ||
	    (sa->version == 1 && x->type == IKE1_EXCH_QUICK)) {
		d = diag_begin_sa(e, sa, DIAG_CHILD_REJECTED, SEV_WARNING, CONF_LIKELY);
		if (!d)
			return;
		detect_evidence_exch(d, x);
		diag_message(d, "%s request %s without an answer; %s",
			     diag_exch_name(sa->version, x->type, nb, sizeof(nb)),
			     sent_phrase(sent, sizeof(sent), x, false), detect_no_answer_phrase(sa, x->by_initiator));
		diag_hint(d, "The peer ignored the child SA request: compare the ESP proposals, PFS group and traffic selectors on both sides, and check whether the peer still has this IKE SA.");
		detect_commit_on_exch(e, x, d);
	}
}

/* IKEv2 answers that open with an encrypted notify are errors: a successful
 * IKE_AUTH answer starts with IDr, a successful CREATE_CHILD_SA answer with
 * SA. Which error stays hidden without keys. */
static void exchange_answered(struct engine *e, struct ike_sa *sa, const struct exch *x)
{
	char nb[32];
	struct diagnosis *d;

	if (sa->version != 2 || x->resp_sk_np != IKE2_PLD_N || x->resp_len >= IKE2_ERROR_ONLY_MAX)
		return;
	if (x->type == IKE2_EXCH_AUTH) {
		d = diag_begin_sa(e, sa, DIAG_IKE_AUTH_FAILED, SEV_ERROR, CONF_LIKELY);
		if (!d)
			return;
		detect_evidence_exch(d, x);
		diag_message(d, "IKE_AUTH answered with an encrypted notify only (%u bytes) instead of the responder's identity: authentication was refused",
			     x->resp_len);
		if (natd_initiator_translated(sa))
			/* Behind a NAT, an identity left to default to the
			 * address is the private one. */
			diag_hint(d, "Most often AUTHENTICATION_FAILED: check the pre-shared key or certificates and the identities (leftid/rightid, local/remote id) on both sides; the responder's log names the reason. The initiator's NAT-D hash says it is behind a NAT: an IP address identity is then its private address, which the responder must expect (set the identities explicitly).");
		else
			diag_hint(d, "Most often AUTHENTICATION_FAILED: check the pre-shared key or certificates and the identities (leftid/rightid, local/remote id) on both sides; the responder's log names the reason.");
		diag_commit(e, d);
	} else if (x->type == IKE2_EXCH_CREATE_CHILD) {
		d = diag_begin_sa(e, sa, DIAG_CHILD_REJECTED, SEV_WARNING, CONF_LIKELY);
		if (!d)
			return;
		detect_evidence_exch(d, x);
		if (sa->child_flows && !sa->rekey_ns) {
			/* The child SA made in IKE_AUTH has no key exchange of
			 * its own, so PFS groups are first compared here; after a
			 * rekey went through, they matched. */
			diag_message(d, "%s request answered with an encrypted error notify (%u bytes) instead of an SA, while this IKE SA's first child SA carries ESP",
				     diag_exch_name(2, x->type, nb, sizeof(nb)), x->resp_len);
			diag_hint(d, "Most likely a rekey refused for its PFS group: the first child SA, made in IKE_AUTH, uses no key exchange, so a DH group in one side's ESP proposals only (aes128gcm16-modp2048 against aes128gcm16) shows first here, and the tunnel drops when the old SA expires. Else a second child SA's proposals or traffic selectors differ.");
		} else {
			diag_message(d, "%s request answered with an encrypted error notify (%u bytes) instead of an SA",
				     diag_exch_name(2, x->type, nb, sizeof(nb)), x->resp_len);
			diag_hint(d, "The child SA (or rekey) was refused: the usual causes are an ESP proposal mismatch (NO_PROPOSAL_CHOSEN), a different PFS group (INVALID_KE_PAYLOAD) or traffic selectors the peer does not accept (TS_UNACCEPTABLE).");
		}
		diag_commit(e, d);
	}
}

/* IKEv1 Quick Mode answered by an encrypted informational and never by
 * message 2 (ike_exch.c): the peer refused the child SA and said why in
 * a notify the capture cannot read. */
/* An initiator that cannot read the refusal resends message 5 within its
 * retransmission timeout (strongSwan's first is 4 s): only a capture that
 * went on this long after the refusal shows that it did not. */
#define MM5_RESEND_WAIT_NS (5 * 1000000000LL)

static void main_mode_refused(struct engine *e, struct ike_sa *sa, struct exch *x)
{
	struct diagnosis *d;

	/* Resent after the informational: the initiator could not read it. */
	if (x->req_ns_last > x->refuse_ns) {
		psk_mismatch(e, sa, x);
		return;
	}
	if (e->now_ns - x->refuse_ns < MM5_RESEND_WAIT_NS) {
		d = diag_begin_sa(e, sa, DIAG_IKE_AUTH_FAILED, SEV_ERROR, CONF_LIKELY);
		if (!d)
			return;
		detect_evidence_exch(d, x);
		diag_evidence(d, x->refuse_frame, x->refuse_ns);
		diag_message(d, "Main Mode message 5 answered by an encrypted INFORMATIONAL (%u bytes) instead of message 6; the capture ended %.1f s later, too soon to see whether the initiator could read it",
			     x->refuse_len, detect_seconds(e->now_ns - x->refuse_ns));
		diag_hint(d, "Phase 1 was refused at authentication: either the pre-shared keys differ (the initiator then resends message 5), or the responder refused the initiator's identity (it then gives up). Compare the pre-shared key and the identities (local/remote id) of both sides.");
		diag_commit(e, d);
		return;
	}
	d = diag_begin_sa(e, sa, DIAG_IKE_AUTH_FAILED, SEV_ERROR, CONF_LIKELY);
	if (!d)
		return;
	detect_evidence_exch(d, x);
	diag_evidence(d, x->refuse_frame, x->refuse_ns);
	diag_message(d, "Main Mode message 5 answered by an encrypted INFORMATIONAL (%u bytes) instead of message 6, and not sent again: the responder read the initiator's identity and refused it",
		     x->refuse_len);
	diag_hint(d, "The keys match (each side read the other's encrypted messages), so the pre-shared key is right: the responder refused the initiator's identity or found no connection for it. Compare the identities on both sides (local/remote id; behind a NAT the initiator often sends its private address).");
	diag_commit(e, d);
}

static void exchange_refused(struct engine *e, struct ike_sa *sa, struct exch *x)
{
	struct diagnosis *d;

	if (x->type == IKE1_EXCH_MAIN) {
		main_mode_refused(e, sa, x);
		return;
	}
	d = diag_begin_sa(e, sa, DIAG_CHILD_REJECTED, SEV_WARNING, CONF_LIKELY);
	if (!d)
		return;
	detect_evidence_exch(d, x);
	diag_evidence(d, x->refuse_frame, x->refuse_ns);
	diag_message(d, "Quick Mode request from the %s answered by an encrypted INFORMATIONAL (%u bytes) and never by Quick Mode message 2: the child SA was refused",
		     x->by_initiator ? "initiator" : "responder", x->refuse_len);
	diag_hint(d, "The informational carries the reason, encrypted: most often traffic selectors that do not mirror each other (INVALID_ID_INFORMATION) or no matching ESP proposal (NO_PROPOSAL_CHOSEN: encryption, integrity, PFS group). Compare the phase 2 settings of both sides; the %s's log names the reason.",
		  x->by_initiator ? "responder" : "initiator");
	diag_commit(e, d);
}

/* The answers reached this capture point, yet the requester resends: they
 * are lost between here and it, or it drops them, often because they come
 * from another address than the one it talks to. */
void detect_ike_response_lost(struct engine *e, struct ike_sa *sa, const struct exch *x)
{
	const char *who = x->by_initiator ? "initiator" : "responder";
	bool moved = x->by_initiator && sa->reply_moved &&
		     engine_addr_eq(&sa->reply_asked, &sa->resp_ip);
	char nb[32], a1[48], a2[48], moved_txt[128] = "";
	struct diagnosis *d = diag_begin_sa(e, sa, DIAG_IKE_RESPONSE_LOST, SEV_ERROR, CONF_LIKELY);

	if (!d)
		return;
	diag_evidence(d, x->req_frame, x->req_ns);
	diag_evidence(d, x->resp_frame, x->resp_ns);
	diag_evidence(d, x->req_frame_last, x->req_ns_last);
	if (moved)
		snprintf(moved_txt, sizeof(moved_txt), "; the answers come from %s, not from %s where the requests go",
			 diag_addr(&sa->reply_src, a1, sizeof(a1)), diag_addr(&sa->reply_asked, a2, sizeof(a2)));
	else if (x->resp_unforwarded_if && x->req_from_host)
		snprintf(moved_txt, sizeof(moved_txt), "; they reached this host, which sent the requests, on interface %" PRIu32,
			 x->resp_unforwarded_if);
	else if (x->resp_unforwarded_if)
		snprintf(moved_txt, sizeof(moved_txt), "; they reached this host on interface %" PRIu32 " and did not leave it",
			 x->resp_unforwarded_if);
	diag_message(d, "%s request answered here (frame %" PRIu64 "), yet the %s sent it twice more after the answer: the answers do not reach it%s",
		     diag_exch_name(sa->version, x->type, nb, sizeof(nb)), x->resp_frame, who, moved_txt);
	if (moved)
		diag_hint(d, "The responder answers from another address than the one it is reached on, and those answers are dropped on the way back or by the initiator. Typical of a virtual address (CARP VIP, IP alias) or several WAN addresses: make the responder answer from the address it is reached on.");
	else if (x->resp_unforwarded_if && x->req_from_host)
		diag_hint(d, "The answers reach the capture host, whose IKE daemon sent the requests, and it does not take them: look at its input firewall rules for UDP 500/4500 and at the address and port its daemon listens on.");
	else if (x->resp_unforwarded_if)
		diag_hint(d, "The capture host forwards this traffic, and it drops the answers instead of passing them on to the %s: look at its firewall rules for UDP 500/4500 coming back (the forward chain), its NAT state and its routes towards the %s.",
			  who, who);
	else
		diag_hint(d, "The answers are lost between this capture point and the %s: look for a firewall, security group or NAT in front of it that blocks inbound UDP 500/4500 (the return traffic), or asymmetric routing that sends the answers another way.",
			  who);
	diag_commit(e, d);
}

void detect_ike_exchange(struct engine *e, struct ike_sa *sa, struct exch *x)
{
	if (x->outcome == EXO_REFUSED)
		exchange_refused(e, sa, x);
	else if (x->outcome == EXO_TIMEOUT)
		exchange_timeout(e, sa, x);
	else if (x->outcome == EXO_ANSWERED)
		exchange_answered(e, sa, x);
}
