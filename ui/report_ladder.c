/* report_ladder.c - the ladder diagram of one IKE SA's exchanges: initiator
 * on the left, responder on the right, one arrow per message (RFC 7296 §1.2
 * request/response pairs; RFC 2409 main/aggressive/quick mode steps), with
 * retransmissions, fragments and timeouts marked. */
#include "report_int.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ike1.h"
#include "textout.h"

#define LANE_COL 20                            /* where the left bar sits */
#define LANE_INNER (REPORT_WIDTH - LANE_COL - 4) /* between the bars */

/* A status notify the SA noted in the message of this frame (a cookie
 * asked for, a redirect), 0 if none: error notifies come from the exchange. */
static uint16_t status_notify_at(const struct ike_sa *sa, uint64_t frame)
{
	for (unsigned i = 0; frame && i < sa->nnotify && i < SA_MAX_NOTIFIES; i++)
		if (sa->notify[i].frame == frame && sa->notify[i].type >= IKE_NOTIFY_STATUS_FIRST)
			return sa->notify[i].type;
	return 0;
}

/* The message as an arrow label: "IKE_AUTH mid 1 (1248 B)", with the error
 * or noted status notify it carries. The length is dropped when the label
 * would not fit between the bars. */
static void msg_label(const struct ike_sa *sa, const struct exch *x, bool response, char *buf,
		      size_t len)
{
	char tb[16], nb[16];
	const char *name = exch_type_label(sa->version, x->type, tb, sizeof(tb));
	char num[24];
	uint32_t bytes = response ? x->resp_len : x->req_len;
	int n;

	/* IKEv1 phase 1 steps share message ID 0: number the messages instead.
	 * Aggressive mode's step 3 means its last message was seen. */
	if (sa->version == 1 && x->msg_id == 0 && x->step &&
	    (x->type == IKE1_EXCH_MAIN || x->type == IKE1_EXCH_AGGRESSIVE)) {
		unsigned first = x->type == IKE1_EXCH_AGGRESSIVE ? 1 : x->step;

		snprintf(num, sizeof(num), "msg %u", first + (response ? 1 : 0));
	} else
		snprintf(num, sizeof(num), "mid %" PRIu32, x->msg_id);
	uint16_t note = response && x->resp_notify ? x->resp_notify
				: status_notify_at(sa, response ? x->resp_frame : x->req_frame);

	n = snprintf(buf, len, "%s %s", name, num);
	if (note)
		n += snprintf(buf + n, len - (size_t)n, " %s", notify_label(sa->version, note, nb, sizeof(nb)));
	if (bytes && n + 12 < LANE_INNER - 6)
		snprintf(buf + n, len - (size_t)n, " (%" PRIu32 " B)", bytes);
}

static void lane_prefix(const struct rctx *r, uint64_t frame, int64_t ns)
{
	char tb[32];

	if (frame)
		fprintf(r->f, "  %6" PRIu64 " %9s  ", frame, rel_time(r, ns, tb, sizeof(tb)));
	else
		fprintf(r->f, "%*s", LANE_COL, "");
}

static void dashes(FILE *f, int n)
{
	while (n-- > 0)
		putc('-', f);
}

/* One message: rightward from the initiator, leftward from the responder. */
static void arrow(const struct rctx *r, uint64_t frame, int64_t ns, bool rightward,
		  const char *label, enum rcolor c)
{
	int len = (int)strlen(label);
	int fill = LANE_INNER - len - 5;

	if (fill < 1)
		fill = 1;
	lane_prefix(r, frame, ns);
	putc('|', r->f);
	rc_on(r, c);
	if (rightward) {
		fprintf(r->f, "-- %s ", label);
		dashes(r->f, fill);
		putc('>', r->f);
	} else {
		putc('<', r->f);
		dashes(r->f, fill);
		fprintf(r->f, " %s --", label);
	}
	rc_off(r, c);
	fputs("|\n", r->f);
}

/* A note under an arrow, inside the lane when it fits. */
static void note(const struct rctx *r, const char *text, enum rcolor c)
{
	int len = (int)strlen(text);

	fprintf(r->f, "%*s|   ", LANE_COL, "");
	rc_on(r, c);
	fputs(text, r->f);
	rc_off(r, c);
	if (len + 3 <= LANE_INNER)
		fprintf(r->f, "%*s|", LANE_INNER - 3 - len, "");
	putc('\n', r->f);
}

static void retransmit_note(const struct rctx *r, const struct exch *x)
{
	char buf[160], ib[16];
	int n = snprintf(buf, sizeof(buf), "[sent %u times:", (unsigned)x->nreq);

	/* Each append is clamped, so a long list can only be cut, never overrun. */
	for (unsigned i = 0; i < x->ngaps && i < EXCH_MAX_GAPS && n < (int)sizeof(buf); i++)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, " %s",
			      interval_text(x->gap_ms[i], ib, sizeof(ib)));
	if (x->ngaps + 1u < x->nreq && n < (int)sizeof(buf))
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, " ...");
	if (n < (int)sizeof(buf))
		snprintf(buf + n, sizeof(buf) - (size_t)n, "]");
	note(r, buf, RC_YELLOW);
}

static enum rcolor outcome_color(const struct exch *x)
{
	switch (x->outcome) {
	case EXO_ANSWERED: return RC_GREEN;
	case EXO_ERROR:
	case EXO_TIMEOUT:
	case EXO_REFUSED: return RC_RED;
	default: return RC_NONE;
	}
}

/* What an ICMP error said instead of an answer, short enough for the lane. */
static const char *icmp_words(unsigned k)
{
	switch (k) {
	case IK_NET: return "network unreachable";
	case IK_HOST: return "host unreachable";
	case IK_PROTO: return "protocol unreachable";
	case IK_PORT: return "port unreachable";
	case IK_ADMIN: return "admin prohibited";
	case IK_TOO_BIG: return "too big";
	default: return "error";
	}
}

static void exch_print(const struct rctx *r, const struct ike_sa *sa, const struct exch *x)
{
	char label[96], buf[96];
	enum rcolor c = outcome_color(x);

	if (x->req_frame) {
		msg_label(sa, x, false, label, sizeof(label));
		arrow(r, x->req_frame, x->req_ns, x->by_initiator, label, c);
		if (x->nreq > 1)
			retransmit_note(r, x);
		if (x->req_frag_total) {
			/* Short enough for the lane: "[IKE fragments: 63 of 255
			 * seen, missing 2-5, ...]". */
			char missing[16];

			unsigned tracked = engine_exch_frags_tracked(x);

			engine_exch_frags_missing(x, missing, sizeof(missing));
			if (tracked < x->req_frag_total)
				snprintf(buf, sizeof(buf), "[IKE fragments: %u of the first %u of %u seen%s%s]",
					 engine_exch_frags_seen(x), tracked, (unsigned)x->req_frag_total,
					 *missing ? ", missing " : "", missing);
			else
				snprintf(buf, sizeof(buf), "[IKE fragments: %u of %u seen%s%s]",
					 engine_exch_frags_seen(x), (unsigned)x->req_frag_total,
					 *missing ? ", missing " : "", missing);
			note(r, buf, RC_NONE);
		} else if (x->req_frags) {
			snprintf(buf, sizeof(buf), "[IKE fragments: %u seen]", engine_exch_frags_seen(x));
			note(r, buf, RC_NONE);
		}
		if (x->req_ip_frags) {
			snprintf(buf, sizeof(buf), "[IP fragments: %u]", (unsigned)x->req_ip_frags);
			note(r, buf, RC_NONE);
		}
	}
	if (x->resp_frame) {
		msg_label(sa, x, true, label, sizeof(label));
		arrow(r, x->resp_frame, x->resp_ns, !x->by_initiator, label, c);
		if (x->nresp > 1) {
			snprintf(buf, sizeof(buf), "[response sent x%u]", (unsigned)x->nresp);
			note(r, buf, RC_NONE);
		}
		if (sa->version == 1 && x->step == 3 &&
		    (x->type == IKE1_EXCH_AGGRESSIVE || x->type == IKE1_EXCH_QUICK))
			note(r, "[third message seen: exchange complete]", RC_NONE);
	} else if (x->icmp_frame && (x->outcome == EXO_TIMEOUT || x->outcome == EXO_PENDING)) {
		snprintf(buf, sizeof(buf), "(no answer: ICMP %s, frame %" PRIu64 ")", icmp_words(x->icmp_kind),
			 x->icmp_frame);
		note(r, buf, RC_RED);
	} else if (x->outcome == EXO_REFUSED) {
		snprintf(buf, sizeof(buf), "(refused: encrypted INFORMATIONAL, frame %" PRIu64 ")", x->refuse_frame);
		note(r, buf, RC_RED);
	} else if (x->outcome == EXO_TIMEOUT) {
		note(r, "(no response)", RC_RED);
	} else if (x->outcome == EXO_PENDING) {
		note(r, "(no response yet)", RC_NONE);
	}
}

static uint64_t exch_key(const struct exch *x)
{
	return x->req_frame ? x->req_frame : x->resp_frame;
}

static int exch_cmp(const void *a, const void *b)
{
	const struct exch *x = *(const struct exch *const *)a, *y = *(const struct exch *const *)b;
	uint64_t kx = exch_key(x), ky = exch_key(y);

	if (kx != ky)
		return kx < ky ? -1 : 1;
	return x->msg_id < y->msg_id ? -1 : x->msg_id > y->msg_id;
}

static void ladder_head(const struct rctx *r, const struct ike_sa *sa)
{
	char ib[64], rb[64];
	int w = LANE_INNER + 2;

	fprintf(r->f, "  %6s %9s  %-*s%s\n", "frame", "time", w - 9, "initiator", "responder");
	endpoint_format(&sa->init_ip, sa->init_port, ib, sizeof(ib));
	endpoint_format(&sa->resp_ip, sa->resp_port, rb, sizeof(rb));
	fprintf(r->f, "%*s%-*s%*s\n", LANE_COL, "", (int)strlen(ib), ib, w - (int)strlen(ib), rb);
}

/* An IKEv1 informational that carried the error answering another exchange
 * is already drawn as that exchange's response. */
static bool drawn_as_response(const struct ike_sa *sa, const struct exch *x)
{
	if (x->resp_frame || !x->req_frame)
		return false;
	for (unsigned i = 0; i < sa->nexch && i < SA_MAX_EXCH; i++)
		if (&sa->ex[i] != x && sa->ex[i].resp_frame == x->req_frame)
			return true;
	return false;
}

void ladder_print(const struct rctx *r, const struct ike_sa *sa)
{
	const struct exch *order[SA_MAX_EXCH];
	unsigned n = 0;

	for (unsigned i = 0; i < sa->nexch && i < SA_MAX_EXCH; i++)
		if (!drawn_as_response(sa, &sa->ex[i]))
			order[n++] = &sa->ex[i];
	if (!n)
		return;
	qsort(order, n, sizeof(order[0]), exch_cmp);
	ladder_head(r, sa);
	if (sa->exch_total > sa->nexch)
		fprintf(r->f, "%*s(%u earlier exchanges not kept)\n", LANE_COL, "",
			(unsigned)(sa->exch_total - sa->nexch));
	for (unsigned i = 0; i < n; i++)
		exch_print(r, sa, order[i]);
}
