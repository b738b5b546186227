/* test_ike_sa.c - IKE SA and exchange correlation on real captures: states,
 * request/response pairing, retransmissions, IKE fragments, IKEv1 steps. */
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "engine.h"
#include "../tap.h"

static struct engine *run(const char *name)
{
	char path[512], err[256];
	struct capture_opts o;
	struct engine_config cfg;
	struct engine *e;
	struct capture *c;
	const char *top = getenv("top_srcdir");

	snprintf(path, sizeof(path), "%s/pcaps/%s", top ? top : ".", name);
	memset(&o, 0, sizeof(o));
	o.file = path;
	decoder_config_defaults(&o.dec);
	engine_config_defaults(&cfg);
	e = engine_new(&cfg, NULL);
	c = capture_open(&o, engine_feed, e, err, sizeof(err));
	if (!c) {
		printf("# %s: %s\n", name, err);
		return e;
	}
	capture_run(c, err, sizeof(err));
	capture_close(c);
	engine_finish(e);
	return e;
}

/* The only (or first) SA of the engine. */
static const struct ike_sa *first_sa(const struct engine *e, unsigned *count)
{
	const struct ike_sa *best = NULL;

	*count = 0;
	for (uint32_t i = 0; i < engine_sa_slots(e); i++) {
		const struct ike_sa *sa = engine_sa(e, i);

		if (!sa)
			continue;
		++*count;
		if (!best || sa->first_frame < best->first_frame)
			best = sa;
	}
	return best;
}

static void test_ikev2_good(void)
{
	struct engine *e = run("ikev2-esp-udp.pcap");
	unsigned n;
	const struct ike_sa *sa = first_sa(e, &n);

	is_int(n, 1, "ikev2-esp-udp: one IKE SA");
	if (!sa)
		return;
	is_int(sa->version, 2, "  IKEv2");
	is_int(sa->nexch, 3, "  three exchanges (IKE_SA_INIT, IKE_AUTH, INFORMATIONAL)");
	is_int(sa->ex[0].type, 34, "  first is IKE_SA_INIT");
	is_int(sa->ex[0].outcome, EXO_ANSWERED, "  answered");
	is_int(sa->ex[1].type, 35, "  then IKE_AUTH");
	is_int(sa->ex[1].outcome, EXO_ANSWERED, "  answered");
	is_int(sa->ex[1].resp_sk_np, 36, "  answer opens with IDr");
	is_int(sa->ex[2].req_sk_np, 42, "  INFORMATIONAL carries a Delete");
	is_int(sa->retransmits, 0, "  no retransmissions");
	is_int(sa->state, SAS_ESTABLISHED, "  established");
	ok(sa->moved_to_4500, "  moved to UDP 4500");
	ok(sa->have_offer && sa->have_chosen, "  proposals offered and chosen");
	is_int(sa->ke_group, 14, "  KE group modp2048");
	ok(sa->frag_init && sa->frag_resp, "  both support IKE fragmentation");
	engine_free(e);
}

static void test_no_response(void)
{
	struct engine *e = run("ikev2-no-response.pcap");
	unsigned n;
	const struct ike_sa *sa = first_sa(e, &n);

	is_int(n, 1, "ikev2-no-response: one IKE SA");
	if (!sa)
		return;
	is_int(sa->nexch, 1, "  one exchange");
	is_int(sa->ex[0].nreq, 4, "  request sent 4 times");
	is_int(sa->ex[0].ngaps, 3, "  3 retransmission intervals");
	is_int(sa->ex[0].outcome, EXO_TIMEOUT, "  timed out");
	is_int(sa->msgs_from_resp, 0, "  nothing from the responder");
	is_int(sa->state, SAS_CONNECTING, "  still connecting");
	engine_free(e);
}

static void test_fragments(void)
{
	struct engine *e = run("ikev2-fragments.pcap");
	unsigned n;
	const struct ike_sa *sa = first_sa(e, &n);
	const struct exch *auth = NULL;

	is_int(n, 1, "ikev2-fragments: one IKE SA");
	if (!sa)
		return;
	for (unsigned i = 0; i < sa->nexch; i++)
		if (sa->ex[i].type == 35)
			auth = &sa->ex[i];
	ok(auth != NULL, "  an IKE_AUTH exchange");
	if (!auth)
		return;
	is_int(auth->nreq, 1, "  fragments are one request, not retransmissions");
	is_int(auth->req_frags, 6, "  six request fragments");
	is_int(auth->req_frag_total, 6, "  total 6");
	is_int(auth->outcome, EXO_ANSWERED, "  answered");
	is_int(sa->retransmits, 0, "  no retransmissions");
	is_int(sa->state, SAS_ESTABLISHED, "  established");
	engine_free(e);
}

static void test_invalid_ke(void)
{
	struct engine *e = run("ikev2-invalid-ke.pcap");
	unsigned n, inits = 0;
	const struct ike_sa *sa = first_sa(e, &n);

	is_int(n, 1, "ikev2-invalid-ke: the retry stays on one SA (same initiator SPI)");
	if (!sa)
		return;
	for (unsigned i = 0; i < sa->nexch; i++)
		inits += sa->ex[i].type == 34;
	is_int(inits, 2, "  two IKE_SA_INIT exchanges");
	is_int(sa->invalid_ke_group, 19, "  responder asked for ecp256");
	ok(sa->invalid_ke_retried, "  initiator retried with it");
	is_int(sa->state, SAS_ESTABLISHED, "  established");
	engine_free(e);
}

static void test_ikev1(void)
{
	struct engine *e = run("ikev1-main-quick.pcap");
	unsigned n, steps = 0, quick = 0;
	const struct ike_sa *sa = first_sa(e, &n);

	is_int(n, 1, "ikev1-main-quick: one IKE SA");
	if (!sa)
		return;
	is_int(sa->version, 1, "  IKEv1");
	is_int(sa->v1_mode, 2, "  Main Mode");
	for (unsigned i = 0; i < sa->nexch; i++) {
		if (sa->ex[i].type == 2 && sa->ex[i].outcome == EXO_ANSWERED)
			steps++;
		if (sa->ex[i].type == 32)
			quick++;
	}
	is_int(steps, 3, "  three answered Main Mode steps");
	is_int(quick, 1, "  one Quick Mode exchange (its third message closes it)");
	is_int(sa->state, SAS_ESTABLISHED, "  established");
	is_int(sa->retransmits, 0, "  no retransmissions");
	engine_free(e);
}

static void test_psk_mismatch_v1(void)
{
	struct engine *e = run("ikev1-psk-mismatch.pcap");
	unsigned n;
	const struct ike_sa *sa = first_sa(e, &n);
	const struct exch *m5 = NULL;

	ok(n >= 1, "ikev1-psk-mismatch: an IKE SA");
	if (!sa)
		return;
	for (unsigned i = 0; i < sa->nexch; i++)
		if (sa->ex[i].type == 2 && sa->ex[i].step == 5)
			m5 = &sa->ex[i];
	ok(m5 != NULL, "  a Main Mode message 5 exchange");
	if (m5)
		ok(m5->nreq >= 2, "  message 5 retransmitted");
	engine_free(e);
}

int main(void)
{
	test_ikev2_good();
	test_no_response();
	test_fragments();
	test_invalid_ke();
	test_ikev1();
	test_psk_mismatch_v1();
	return tap_done();
}
