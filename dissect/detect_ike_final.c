/* detect_ike_final.c - the IKE detectors that judge a whole SA, once it
 * ends (evicted, or the end of the capture): what its last exchanges and
 * the ESP after them say (an IKE_AUTH refused by the initiator, an EAP or
 * XAUTH authentication left unfinished, a child SA refused inside IKE_AUTH,
 * an SA dropped by its initiator), and whether an INVALID_KE_PAYLOAD retry
 * went through. */
#include "engine_int.h"

#include <stdio.h>
#include <string.h>

#include "ike1.h"
#include "ike2.h"

/* The IKE SA that retried after INVALID_KE_PAYLOAD: this one, or the new
 * one it opened if that is still tracked (NULL if not). */
static const struct ike_sa *ke_retry_sa(const struct engine *e, const struct ike_sa *sa)
{
	const struct ike_sa *r;

	if (!sa->ke_retry_slot)
		return sa;
	r = engine_sa(e, sa->ke_retry_slot - 1);
	if (!r || r->version != 2 || memcmp(r->ispi, sa->ke_retry_ispi, sizeof(r->ispi)) != 0)
		return NULL;
	return r;
}

/* The key exchange went through: the responder chose a proposal, whatever
 * happened at authentication afterwards. */
static bool key_exchange_done(const struct ike_sa *sa)
{
	return sa->have_chosen || (sa->state != SAS_CONNECTING && sa->state != SAS_FAILED);
}

static void invalid_ke(struct engine *e, struct ike_sa *sa)
{
	const struct ike_sa *retry = sa->invalid_ke_retried ? ke_retry_sa(e, sa) : NULL;
	bool recovered = retry && key_exchange_done(retry);
	/* With none of the initiator's messages captured, its retry may have
	 * gone unseen too: the groups differ, the outcome is unknown. */
	bool unseen = !sa->msgs_from_init && !sa->invalid_ke_retried;
	struct diagnosis *d = diag_begin_sa(e, sa, DIAG_IKE_INVALID_KE,
					    recovered ? SEV_INFO : unseen ? SEV_WARNING : SEV_ERROR, CONF_CERTAIN);
	const char *g = ike2_group_name(sa->invalid_ke_group);
	char gb[16], in_sa[40] = "";

	if (!d)
		return;
	if (!g) {
		snprintf(gb, sizeof(gb), "group %u", sa->invalid_ke_group);
		g = gb;
	}
	for (unsigned i = 0; i < sa->nnotify; i++)
		if (sa->notify[i].type == N_INVALID_KE_PAYLOAD)
			diag_evidence(d, sa->notify[i].frame, sa->notify[i].ns);
	if (sa->ke_retry_slot)
		snprintf(in_sa, sizeof(in_sa), " in a new IKE SA (SPI %02x%02x%02x%02x%02x%02x%02x%02x)",
			 sa->ke_retry_ispi[0], sa->ke_retry_ispi[1], sa->ke_retry_ispi[2], sa->ke_retry_ispi[3],
			 sa->ke_retry_ispi[4], sa->ke_retry_ispi[5], sa->ke_retry_ispi[6], sa->ke_retry_ispi[7]);
	if (sa->invalid_ke_retried)
		diag_evidence(d, sa->ke_retry_frame, sa->ke_retry_ns);
	if (recovered)
		diag_message(d, "The responder asked for DH %s (INVALID_KE_PAYLOAD); the initiator retried with it%s and the key exchange went through",
			     g, in_sa);
	else if (unseen)
		diag_message(d, "The responder asked for DH %s (INVALID_KE_PAYLOAD); none of the initiator's messages were captured, so whether it retried with it is unknown",
			     g);
	else if (sa->invalid_ke_retried && !retry)
		diag_message(d, "The responder asked for DH %s (INVALID_KE_PAYLOAD) and the initiator retried with it%s, no longer tracked (--max-sas)",
			     g, in_sa);
	else
		diag_message(d, "The responder asked for DH %s (INVALID_KE_PAYLOAD) and the initiator %s%s",
			     g, sa->invalid_ke_retried ? "retried with it, without success" : "did not retry with it", in_sa);
	if (recovered)
		diag_hint(d, "Harmless but costs a round trip: put %s first in the initiator's IKE proposal.", g);
	else
		diag_hint(d, "The DH groups differ: add %s to the initiator's IKE proposal, or the initiator's group to the responder's.", g);
	diag_commit(e, d);
}

/* How much longer than its answer an IKE_AUTH request must be for a
 * refused child SA to be told from a childless one (RFC 6023). A childless
 * request and its answer differ by the notifies only the initiator sends
 * (strongSwan's: 64 bytes); a refusal adds to that the SA and TS payloads
 * the answer lacks (an SA with one ESP proposal, TSi and TSr with one
 * selector each, less the notify in their place: 76 bytes or more, before
 * the cipher's padding). */
#define CHILD_PAYLOADS_MIN 96

/* A child SA refused inside IKE_AUTH (TS_UNACCEPTABLE, NO_PROPOSAL_CHOSEN)
 * leaves the IKE SA up: the answer lacks the SA and TS payloads, so it is
 * clearly shorter than the request, and no ESP follows. */
static bool ike2_child_missing(struct engine *e, struct ike_sa *sa)
{
	const struct exch *auth = NULL;
	struct diagnosis *d;
	bool childless;

	if (sa->state != SAS_ESTABLISHED || sa->child_flows || sa->rekey_ns)
		return false;
	for (unsigned i = 0; i < sa->nexch; i++)
		if (sa->ex[i].type == IKE2_EXCH_AUTH && sa->ex[i].outcome == EXO_ANSWERED)
			auth = &sa->ex[i];
	if (!auth || auth->req_frags || (uint64_t)auth->resp_len * 4 >= (uint64_t)auth->req_len * 3)
		return false;
	/* With a responder that takes childless IKE SAs, a short answer may
	 * answer a request without SA and TS payloads: below that gap the two
	 * cannot be told apart, and it is information. */
	childless = sa->childless_resp && auth->req_len < auth->resp_len + CHILD_PAYLOADS_MIN;
	d = diag_begin_sa(e, sa, DIAG_CHILD_REJECTED, childless ? SEV_INFO : SEV_WARNING, CONF_LIKELY);
	if (!d)
		return true;
	detect_evidence_exch(d, auth);
	if (childless) {
		diag_message(d, "The IKE SA came up without a child SA and no ESP followed: the IKE_AUTH answer (%u bytes, request %u) is short, as for a refused child SA, or the initiator asked for none (a childless IKE SA, RFC 6023, which the responder allows)",
			     auth->resp_len, auth->req_len);
		diag_hint(d, "Information. If a tunnel was expected here, compare the traffic selectors and ESP proposals of both sides; an initiator that brings its child SAs up later, on demand, starts childless.");
	} else {
		diag_message(d, "The IKE SA came up, but the IKE_AUTH answer (%u bytes, request %u) is too short to carry a child SA and no ESP followed",
			     auth->resp_len, auth->req_len);
		diag_hint(d, "The child SA was most likely refused inside the encrypted answer: compare the traffic selectors (TS_UNACCEPTABLE: local/remote subnets must mirror each other) and the ESP proposals (NO_PROPOSAL_CHOSEN) of both sides.");
	}
	diag_commit(e, d);
	return true;
}

/* Whether ex[i] is an EAP round: an IKE_AUTH answered with EAP right after
 * another answered IKE_AUTH (not the first one: with IKE_INTERMEDIATE
 * that one has a message ID above 1 too). */
static bool eap_round(const struct ike_sa *sa, unsigned i)
{
	const struct exch *x = &sa->ex[i], *prev = i ? &sa->ex[i - 1] : NULL;

	return x->type == IKE2_EXCH_AUTH && x->outcome == EXO_ANSWERED &&
	       x->resp_sk_np == IKE2_PLD_EAP && prev && prev->type == IKE2_EXCH_AUTH &&
	       prev->outcome == EXO_ANSWERED;
}

/* What the size of the responder's last EAP answer says: an EAP-Failure
 * (or Success) is 4 bytes in a payload of 8, which with the pad length byte
 * and a cipher's padding (blocks of 16 at most) takes 16 bytes or fewer
 * inside the encryption; a request of a method that goes on carries its
 * data (an MD5 challenge alone makes 26 bytes), 24 or more. In between, or
 * with a cipher not known here, it says nothing. */
#define EAP_SHORT_INNER_MAX 16
#define EAP_REQUEST_INNER_MIN 24

static void eap_cause(const struct ike_sa *sa, const struct exch *auth, char *buf, size_t len)
{
	uint32_t inner = 0;
	bool known = sa->have_chosen && !auth->resp_frag_copy && auth->resp_len &&
		     ike2_sk_inner_len(&sa->chosen, auth->resp_len, &inner);

	if (known && inner <= EAP_SHORT_INNER_MAX)
		snprintf(buf, len, "the responder's last EAP answer (%" PRIu32 " bytes inside the encryption) "
			 "is as short as an EAP-Failure: most likely the credentials were refused", inner);
	else if (known && inner >= EAP_REQUEST_INNER_MIN)
		snprintf(buf, len, "the responder's last EAP answer (%" PRIu32 " bytes inside the encryption) "
			 "is longer than an EAP-Failure: most likely the initiator gave up on the EAP method", inner);
	else
		snprintf(buf, len, "most likely the responder refused the initiator's credentials "
			 "(EAP-Failure), else the initiator could not go on with the EAP method");
}

#define EAP_HINT "Check the user name and password (or, for EAP-TLS, the client certificate) the initiator sends, and that the responder's EAP method and its backend (its secrets, a RADIUS server) accept them; if the initiator gave up itself, check that it has credentials for that EAP method and trusts the EAP server's certificate (EAP-TLS, PEAP). The logs name the reason."

/* An initiator that rejects the responder's authentication says so after
 * the IKE_AUTH response, in an INFORMATIONAL of its own holding only a
 * notify (AUTHENTICATION_FAILED, RFC 7296 section 2.21.2); the SA is then
 * dead: no ESP, no exchange after it. With EAP (RFC 7296 section 2.16) the
 * IKE_AUTH exchange takes several rounds, and an initiator whose
 * credentials the responder's EAP server refused learns it from an EAP
 * answer (EAP-Failure) and says AUTHENTICATION_FAILED the same way: a later
 * round whose answer begins with EAP tells that case apart. */
#define AUTH_REFUSAL_WINDOW_NS (1 * 1000000000LL)

static bool ike2_auth_refused_by_initiator(struct engine *e, struct ike_sa *sa)
{
	const struct exch *auth = NULL, *info;
	struct diagnosis *d;
	bool eap;

	if (sa->state != SAS_ESTABLISHED || sa->child_flows || sa->keepalives || sa->nexch < 2)
		return false;
	info = &sa->ex[sa->nexch - 1];
	auth = &sa->ex[sa->nexch - 2];
	if (auth->type != IKE2_EXCH_AUTH || auth->outcome != EXO_ANSWERED ||
	    info->type != IKE2_EXCH_INFORMATIONAL || !info->by_initiator || !info->nreq ||
	    info->req_sk_np != IKE2_PLD_N || info->req_frags || info->req_len >= IKE2_ERROR_ONLY_MAX ||
	    info->req_ns - auth->resp_ns > AUTH_REFUSAL_WINDOW_NS)
		return false;
	eap = eap_round(sa, sa->nexch - 2);
	d = diag_begin_sa(e, sa, DIAG_IKE_AUTH_FAILED, SEV_ERROR, CONF_LIKELY);
	if (!d)
		return true;
	detect_evidence_exch(d, auth);
	diag_evidence(d, info->req_frame, info->req_ns);
	if (eap) {
		char cause[160];

		eap_cause(sa, auth, cause, sizeof(cause));
		diag_message(d, "The responder's EAP answer (IKE_AUTH message %u) was followed by an INFORMATIONAL from the initiator holding an encrypted notify only (%u bytes), and nothing after it: the EAP authentication failed; %s",
			     auth->msg_id, info->req_len, cause);
		diag_hint(d, EAP_HINT);
	} else {
		diag_message(d, "The responder's IKE_AUTH answer was followed by an INFORMATIONAL from the initiator holding an encrypted notify only (%u bytes), and nothing after it: the initiator refused the responder's authentication",
			     info->req_len);
		diag_hint(d, "Most often AUTHENTICATION_FAILED: the responder's identity, certificate or authentication method is not what the initiator requires. Compare the initiator's remote id and authentication (certificate or PSK, trusted CA) with what the responder presents; with EAP, the initiator may also lack credentials for the EAP method the responder asked for. Its log names the reason.");
	}
	diag_commit(e, d);
	/* The exchanges showed an established SA; this verdict ends it. */
	sa->state = SAS_FAILED;
	return true;
}

/* The end of the input (any frame, engine_note_input_end), or the latest
 * packet time before it is known. */
static int64_t capture_end(const struct engine *e)
{
	return e->input_end_ns > e->now_ns ? e->input_end_ns : e->now_ns;
}

/* Whether the capture goes on for the IKE timeout after ns: an
 * authentication that stopped then was given up, not cut by the capture. */
static bool capture_went_on(const struct engine *e, int64_t ns)
{
	return capture_end(e) - ns >= (int64_t)e->cfg.ike_timeout_ms * 1000000;
}

/* EAP runs in IKE_AUTH rounds after the first, and a successful one ends
 * with a round whose request and answer carry AUTH (RFC 7296 section 2.16).
 * An SA whose last exchange is a round answered with EAP, with nothing after
 * it (no ESP, no other exchange), never finished authenticating: the
 * initiator gave up, most often after an EAP-Failure. Unless the capture
 * went on for the IKE timeout after it, it may just have ended too soon. */
static bool ike2_eap_unfinished(struct engine *e, struct ike_sa *sa)
{
	const struct exch *auth;
	struct diagnosis *d;
	bool long_after;
	char cause[160];

	if (sa->state != SAS_ESTABLISHED || sa->child_flows || sa->keepalives || !sa->nexch ||
	    !eap_round(sa, sa->nexch - 1))
		return false;
	auth = &sa->ex[sa->nexch - 1];
	long_after = capture_went_on(e, auth->resp_ns);
	eap_cause(sa, auth, cause, sizeof(cause));
	d = diag_begin_sa(e, sa, DIAG_IKE_AUTH_FAILED, long_after ? SEV_ERROR : SEV_WARNING, CONF_LIKELY);
	if (!d)
		return true;
	detect_evidence_exch(d, auth);
	if (long_after) {
		diag_message(d, "The authentication stopped inside EAP: the responder's answer to IKE_AUTH message %u was EAP, and the initiator sent nothing after it (a successful EAP ends with a round carrying AUTH), nor any ESP; %s",
			     auth->msg_id, cause);
		sa->state = SAS_FAILED;
	} else {
		/* Maybe only cut short: not failed, still authenticating. */
		diag_message(d, "Nothing more of this SA in the %.1f s the capture shows after the EAP answer to IKE_AUTH message %u: the authentication had not finished (a successful EAP ends with a round carrying AUTH). If nothing more came: %s",
			     detect_seconds(capture_end(e) - auth->resp_ns), auth->msg_id, cause);
		sa->state = SAS_AUTHENTICATING;
	}
	diag_hint(d, EAP_HINT);
	diag_commit(e, d);
	return true;
}

/* Whether ESP between the SA's two hosts was seen after ns: a new phase 1
 * (XAUTH again, no Quick Mode: the IPsec SAs carry on) is no refusal. */
static bool esp_after(struct engine *e, const struct ike_sa *sa, int64_t ns)
{
	const struct peer_entry *pe = peers_find(e, &sa->init_ip, &sa->resp_ip);

	for (unsigned i = 0; pe && i < 2; i++) {
		const struct esp_flow *f = pe->flow[i] ? engine_flow(e, pe->flow[i] - 1) : NULL;

		if (f && f->last_ns > ns)
			return true;
	}
	return false;
}

/* IKEv1 has no user authentication of its own: XAUTH asks for a user name
 * and password after phase 1, in TRANSACTION exchanges (with mode config),
 * and a refused one ends there, as the gateway drops the SA. So phase 1
 * done, TRANSACTION exchanges, and then no Quick Mode and no ESP (at most
 * an informational, a Delete) mean the XAUTH was refused, or the client
 * gave up on what mode config offered. */
static bool ike1_xauth_unfinished(struct engine *e, struct ike_sa *sa)
{
	const struct exch *last = NULL;
	struct diagnosis *d;
	bool long_after;

	unsigned infos = 0;

	if (sa->state != SAS_ESTABLISHED || sa->child_flows || sa->keepalives || sa->rekey_ns)
		return false;
	for (unsigned i = 0; i < sa->nexch; i++) {
		const struct exch *x = &sa->ex[i];

		if (x->type == IKE1_EXCH_QUICK)
			return false;
		if (x->type == IKE1_EXCH_TRANSACTION) {
			last = x;
			infos = 0;
		} else if (last && (x->type != IKE1_EXCH_INFORMATIONAL || x->by_initiator != last->by_initiator ||
				    ++infos > 1)) {
			/* More than the gateway's Delete: DPD, the SA lives on. */
			return false;
		}
	}
	if (!last || last->outcome != EXO_ANSWERED || esp_after(e, sa, last->resp_ns))
		return false;
	long_after = capture_went_on(e, last->resp_ns);
	d = diag_begin_sa(e, sa, DIAG_IKE_AUTH_FAILED, long_after ? SEV_ERROR : SEV_WARNING, CONF_LIKELY);
	if (!d)
		return true;
	detect_evidence_exch(d, last);
	if (long_after)
		diag_message(d, "Phase 1 came up and was followed by XAUTH or mode config (TRANSACTION exchanges), but no Quick Mode and no ESP came after them: most likely the user name or password was refused (XAUTH), and the SA dropped");
	else
		diag_message(d, "Nothing more of this SA came in the %.1f s the capture shows after the last XAUTH or mode config exchange (TRANSACTION) that followed phase 1: no Quick Mode, no ESP yet. If nothing more came, most likely the user name or password was refused (XAUTH)",
			     detect_seconds(capture_end(e) - last->resp_ns));
	diag_hint(d, "Check the XAUTH user name and password the client sends, and the gateway's user database or RADIUS server. If they were accepted, the client may have refused what mode config offered (an address, DNS) or not started Quick Mode; both logs name the reason.");
	diag_commit(e, d);
	if (long_after)
		sa->state = SAS_FAILED;
	return true;
}

/* An initiator that opens a new IKE SA to the same peer right after this
 * one came up, without deleting it, and sends no ESP, dropped it on its
 * side: most often it could not install the child SA it had negotiated. */
static void ike2_abandoned(struct engine *e, struct ike_sa *sa)
{
	const struct exch *auth = sa->nexch ? &sa->ex[sa->nexch - 1] : NULL;
	struct diagnosis *d;

	if (!sa->restart_frame || sa->state != SAS_ESTABLISHED || sa->child_flows || !auth ||
	    auth->type != IKE2_EXCH_AUTH || auth->outcome != EXO_ANSWERED)
		return;
	d = diag_begin_sa(e, sa, DIAG_IKE_SA_ABANDONED, SEV_WARNING, CONF_LIKELY);
	if (!d)
		return;
	detect_evidence_exch(d, auth);
	diag_evidence(d, sa->restart_frame, sa->restart_ns);
	diag_message(d, "The IKE SA came up, but %.3f s later the initiator opened a new one to the same peer without deleting it, and no ESP followed: it dropped this SA on its side",
		     detect_seconds(sa->restart_ns - auth->resp_ns));
	diag_hint(d, "Look at the initiator's log right after the IKE SA was established: most often it failed to install the child SA (the kernel lacks the negotiated ESP algorithm or IPsec support, an XFRM or policy error), or could not use what was negotiated (narrowed traffic selectors, a virtual IP).");
	diag_commit(e, d);
}

void detect_ike_final(struct engine *e, struct ike_sa *sa)
{
	if (sa->version == 2 && !ike2_auth_refused_by_initiator(e, sa) && !ike2_eap_unfinished(e, sa) &&
	    !ike2_child_missing(e, sa))
		ike2_abandoned(e, sa);
	if (sa->version == 2 && sa->invalid_ke_group)
		invalid_ke(e, sa);
	if (sa->version == 1 && !ike1_xauth_unfinished(e, sa) && sa->state == SAS_ESTABLISHED)
		detect_ike1_dpd(e, sa);
	natd_diagnose(e, sa);
}
