/* detect_notify.c - the IKE detectors for what cleartext error notifies say
 * (certain): rejected proposals, with the transform that did not match where
 * it can be named (RFC 7296 section 3.10.1, RFC 2408 section 3.14.1),
 * authentication and version failures, unknown SPIs, refused selectors. */
#include "engine_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cur.h"
#include "ike1.h"
#include "ike2.h"
#include "names.h"
#include "proposal.h"

static bool from_initiator(const struct ike_sa *sa, const struct unit *u)
{
	return engine_addr_eq(&u->src, &sa->init_ip);
}

/* Another SA between these peers whose proposal the responder chose: the
 * yardstick for "which parameter did not match". */
static const struct ike_sa *chosen_elsewhere(struct engine *e, const struct ike_sa *sa)
{
	for (uint32_t i = 0; i < engine_sa_slots(e); i++) {
		const struct ike_sa *o = engine_sa(e, i);

		if (o && o != sa && o->have_chosen && o->version == sa->version &&
		    engine_addr_eq(&o->resp_ip, &sa->resp_ip))
			return o;
	}
	return NULL;
}

/* The request this message answers, if an exchange took it as its answer
 * (IKEv1: the informational that closed the exchange waiting on it). */
static const struct exch *answered_by(const struct ike_sa *sa, const struct unit *u)
{
	for (unsigned i = sa->nexch; i-- > 0;)
		if (sa->ex[i].resp_frame == u->frame && sa->ex[i].nreq)
			return &sa->ex[i];
	return NULL;
}

/* An IKEv1 phase 1 refusal in clear is kept on the SA, for a later answer
 * of phase 1 to resolve (ike_sa.c). */
static void note_phase1_refusal(struct ike_sa *sa, const struct diagnosis *d, uint32_t at,
				const struct unit *u)
{
	if (sa->version != 1 || sa->established_frame || !at || d->code == DIAG_IKE_INVALID_SPI ||
	    d->code == DIAG_CHILD_NO_PROPOSAL || d->code == DIAG_CHILD_TS_UNACCEPTABLE)
		return;
	sa->p1_refusal_code = d->code;
	sa->p1_refusal_sev = d->severity;
	sa->p1_refusal_at = at;
	sa->p1_refusal_ns = u->ts_ns;
}

static void no_proposal(struct engine *e, struct ike_sa *sa, const struct unit *u, bool child)
{
	char offer[160] = "", why[256] = "";
	struct diagnosis *d;
	const struct exch *x;
	const struct ike_sa *good;
	struct proposal_set peer;

	d = diag_begin_sa(e, sa, child ? DIAG_CHILD_NO_PROPOSAL : DIAG_IKE_NO_PROPOSAL, SEV_ERROR,
			  CONF_CERTAIN);
	if (!d)
		return;
	/* The refused offer: a child SA's is its exchange's request, the IKE
	 * SA's its first message. */
	if (!child)
		diag_evidence(d, sa->first_frame, sa->first_ns);
	else if ((x = answered_by(sa, u)) != NULL)
		diag_evidence(d, x->req_frame, x->req_ns);
	diag_evidence(d, u->frame, u->ts_ns);
	if (!child && sa->have_offer && sa->offered.n) {
		size_t at = 0;

		for (unsigned i = 0; i < sa->offered.n && at < sizeof(offer) - 1; i++) {
			at += (size_t)snprintf(offer + at, sizeof(offer) - at, "%s", i ? ", " : "");
			if (at < sizeof(offer))
				at += proposal_format(&sa->offered.p[i], offer + at, sizeof(offer) - at);
		}
	}
	if (!child && sa->have_offer && e->cfg.peer_proposals)
		proposal_explain_mismatch(&sa->offered, e->cfg.peer_proposals, why, sizeof(why));
	else if (!child && sa->have_offer && (good = chosen_elsewhere(e, sa)) != NULL) {
		peer.n = 1;
		peer.truncated = 0;
		peer.p[0] = good->chosen;
		proposal_explain_mismatch(&sa->offered, &peer, why, sizeof(why));
	}
	if (child) {
		diag_message(d, "The peer rejected the child SA proposal (NO_PROPOSAL_CHOSEN in clear)");
	} else if (sa->version == 1 && sa->have_chosen && from_initiator(sa, u)) {
		/* IKEv1: the initiator refuses the responder's choice. */
		char chosen[96];

		proposal_format(&sa->chosen, chosen, sizeof(chosen));
		diag_message(d, "The initiator refused the responder's choice of IKE proposal "
			     "(NO_PROPOSAL_CHOSEN from the initiator): the responder chose %s", chosen);
		diag_hint(d, "The responder's choice must be one of the initiator's proposals as offered, "
			  "attributes included (key length, lifetime): compare both sides' IKE proposals; "
			  "the initiator's log says what it did not accept.");
		note_phase1_refusal(sa, d, diag_commit(e, d), u);
		return;
	} else if (*offer)
		diag_message(d, "The responder accepted none of the offered IKE proposals: %s%s%s", offer,
			     *why ? "; " : "", why);
	else
		diag_message(d, "The responder accepted none of the offered IKE proposals (NO_PROPOSAL_CHOSEN)");
	if (child)
		diag_hint(d, "Make the ESP/AH proposals (encryption, integrity, PFS group) of both sides share at least one combination.");
	else if (*why)
		diag_hint(d, "Change the initiator's IKE proposal or add one the responder accepts; the difference is named above.");
	else
		diag_hint(d, "Compare the IKE proposals (encryption and key length, integrity, PRF, DH group) of both sides; run again with --peer-proposals set to the responder's proposals to name the missing transform.");
	note_phase1_refusal(sa, d, diag_commit(e, d), u);
}

/* The body of m's first notify payload of this type, or NULL. */
static const uint8_t *notify_body(const struct ike_msg *m, uint16_t type, size_t *len)
{
	unsigned pld = ike_is_v2(m) ? IKE2_PLD_N : IKE1_PLD_N;

	for (unsigned i = 0; i < m->npl; i++)
		if (m->pl[i].type == pld && m->pl[i].notify == type)
			return ike_payload_body(m, i, len);
	return NULL;
}

/* IKEv2's UNSUPPORTED_CRITICAL_PAYLOAD carries the refused payload type in
 * its one-byte data (RFC 7296 section 3.10.1): the clause naming it, or "". */
static void refused_payload(const struct ike_msg *m, char *buf, size_t len)
{
	struct ike2_notify n;
	const uint8_t *body;
	const char *name;
	size_t bl;

	if (!ike_is_v2(m) || !(body = notify_body(m, N_UNSUPPORTED_CRITICAL_PAYLOAD, &bl)))
		return;
	ike2_parse_notify(body, bl, &n);
	if (n.data.len != 1)
		return;
	name = ike2_payload_name(n.data.p[0]);
	snprintf(buf, len, ": the peer does not support payload type %u%s%s%s, which the sender marked critical",
		 n.data.p[0], name ? " (" : "", name ? name : "", name ? ")" : "");
}

/* IKEv1's INVALID_SPI names the ESP or AH SPI its sender has no SA for
 * (RFC 2408 section 3.14.1): the clause naming it, or "". */
static void invalid_spi_named(const struct ike_msg *m, char *buf, size_t len)
{
	struct ike1_notify n;
	const uint8_t *body;
	struct cur c;
	size_t bl;

	if (ike_is_v2(m) || !(body = notify_body(m, N_INVALID_SPI, &bl)))
		return;
	ike1_parse_notify(body, bl, &n);
	c = cur_make(n.spi.p, n.spi.len);
	if ((n.proto == IKE1_PROTO_ESP || n.proto == IKE1_PROTO_AH) && n.spi_size == 4 && cur_has(&c, 4))
		snprintf(buf, len, " for %s SPI 0x%08" PRIx32, n.proto == IKE1_PROTO_ESP ? "ESP" : "AH",
			 cur_be32(&c));
}

static void certain_notify(struct engine *e, struct ike_sa *sa, const struct unit *u, unsigned code,
			   unsigned sev, const char *msg, const char *hint)
{
	struct diagnosis *d = diag_begin_sa(e, sa, code, sev, CONF_CERTAIN);
	const struct exch *x = answered_by(sa, u);

	if (!d)
		return;
	if (x)
		diag_evidence(d, x->req_frame, x->req_ns);
	diag_evidence(d, u->frame, u->ts_ns);
	diag_message(d, "%s", msg);
	diag_hint(d, "%s", hint);
	note_phase1_refusal(sa, d, diag_commit(e, d), u);
}

void detect_ike_notify(struct engine *e, struct ike_sa *sa, const struct ike_msg *m,
		       const struct unit *u, uint16_t type)
{
	bool phase1 = sa->version == 1 && !sa->established_frame;
	char nb[48], eb[48], msg[DIAG_TEXT];
	const struct exch *x;
	struct diagnosis *d;

	switch (type) {
	case N_NO_PROPOSAL_CHOSEN:
		no_proposal(e, sa, u, sa->version == 2 ? m->exchange != IKE2_EXCH_SA_INIT : !phase1);
		return;
	case N_INVALID_KE_PAYLOAD:
		if (sa->version == 2)
			return; /* judged at the end, when the retry is known */
		break;
	case N_AUTHENTICATION_FAILED:
		if (sa->version == 1 && sa->v1_mode == IKE1_EXCH_AGGRESSIVE) {
			certain_notify(e, sa, u, DIAG_IKE_AGGRESSIVE_REJECTED, SEV_ERROR,
				       "Aggressive Mode was refused with AUTHENTICATION_FAILED",
				       "The responder does not accept Aggressive Mode (strongSwan refuses it with PSK unless charon.i_dont_care_about_security_and_use_aggressive_mode_psk is set): use Main Mode, or allow Aggressive Mode on the responder.");
			return;
		}
		certain_notify(e, sa, u, DIAG_IKE_AUTH_FAILED, SEV_ERROR,
			       "Authentication failed: AUTHENTICATION_FAILED notify in clear",
			       "Check the pre-shared key or certificates and the identities (local/remote id) configured on both sides.");
		return;
	case N_INVALID_HASH_INFORMATION:
	case N_PAYLOAD_MALFORMED:
		if (phase1 && sa->state == SAS_AUTHENTICATING) {
			snprintf(msg, sizeof(msg), "Main Mode failed at messages 5/6 with %s",
				 diag_notify_name(1, type, nb, sizeof(nb)));
			certain_notify(e, sa, u, DIAG_IKE_PSK_MISMATCH, SEV_ERROR, msg,
				       "The peer could not verify or decrypt message 5: the pre-shared keys differ (or the identity selects another key).");
			return;
		}
		break;
	case N_INVALID_MAJOR_VERSION:
		certain_notify(e, sa, u, DIAG_IKE_VERSION_MISMATCH, SEV_ERROR,
			       "The peer answered INVALID_MAJOR_VERSION: it does not speak this IKE version",
			       "Configure the same IKE version (IKEv1 or IKEv2) on both sides.");
		return;
	case N_INVALID_IKE_SPI:
	case N_INVALID_SPI:
		eb[0] = '\0';
		if (type == N_INVALID_SPI)
			invalid_spi_named(m, eb, sizeof(eb));
		snprintf(msg, sizeof(msg), "%s%s from the %s: it has no SA for what it received",
			 diag_notify_name(sa->version, type, nb, sizeof(nb)), eb,
			 from_initiator(sa, u) ? "initiator" : "responder");
		certain_notify(e, sa, u, DIAG_IKE_INVALID_SPI, SEV_WARNING, msg,
			       "One side lost its SA state (restart, expiry) while the other still uses it: make sure DPD is on so stale SAs are cleaned up, and that rekey lifetimes are sane on both sides.");
		return;
	case N_V1_INVALID_ID_INFORMATION:
		if (sa->version != 1 || phase1)
			break;
		certain_notify(e, sa, u, DIAG_CHILD_TS_UNACCEPTABLE, SEV_ERROR,
			       "The peer refused the Quick Mode identities (INVALID_ID_INFORMATION)",
			       "Make the local and remote subnets (leftsubnet/rightsubnet) of both sides mirror each other.");
		return;
	case N_TS_UNACCEPTABLE:
		if (sa->version != 2)
			break;
		certain_notify(e, sa, u, DIAG_CHILD_TS_UNACCEPTABLE, SEV_ERROR,
			       "The peer refused the traffic selectors (TS_UNACCEPTABLE)",
			       "Make the local and remote subnets (leftsubnet/rightsubnet, local_ts/remote_ts) of both sides mirror each other.");
		return;
	default:
		break;
	}
	if (type == N_INVALID_KE_PAYLOAD && sa->version == 1)
		return;
	/* An error answering IKE_SA_INIT, or any in IKEv1 phase 1, ends the
	 * IKE SA before it exists: the tunnel does not come up. */
	d = diag_begin_sa(e, sa, DIAG_IKE_ERROR_NOTIFY,
			  phase1 || (ike_is_response(m) && m->exchange == IKE2_EXCH_SA_INIT) ? SEV_ERROR
											: SEV_WARNING,
			  CONF_CERTAIN);
	if (!d)
		return;
	if ((x = answered_by(sa, u)) != NULL)
		diag_evidence(d, x->req_frame, x->req_ns);
	diag_evidence(d, u->frame, u->ts_ns);
	msg[0] = '\0';
	if (type == N_UNSUPPORTED_CRITICAL_PAYLOAD)
		refused_payload(m, msg, sizeof(msg));
	diag_message(d, "Error notify %s (%u) in %s%s", diag_notify_name(sa->version, type, nb, sizeof(nb)), type,
		     diag_exch_name(sa->version, m->exchange, eb, sizeof(eb)), msg);
	if (*msg)
		diag_hint(d, "The two implementations disagree on an extension: update the sender or turn off the feature that adds this payload; the peer's log has the details.");
	else if (sa->version == 1 && phase1 && type == N_V1_INVALID_PAYLOAD_TYPE && sa->natd_frame_init &&
		 !from_initiator(sa, u))
		/* The payload the responder meets first in message 3 that
		 * plain Main Mode lacks is NAT-D. */
		diag_hint(d, "The refusal follows the initiator's NAT-D payloads: the responder most likely does not take this form of NAT traversal (RFC 3947, or an older draft's payload numbers). Turn NAT traversal off on the initiator if there is no NAT, or make both sides use the same NAT-T version.");
	else
		diag_hint(d, "The peer reported this error in clear; its log has the details.");
	note_phase1_refusal(sa, d, diag_commit(e, d), u);
}
