/* diag.c - building diagnoses: one per code per SA or ESP flow, with
 * evidence frames, a message and a hint, kept for the report and emitted as
 * events. Texts are formatted from engine data only, never from raw wire
 * strings, so they need no escaping beyond what the views do anyway. */
#include "engine_int.h"

#include <arpa/inet.h>
#include <sys/socket.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "names.h"

/* Each SA and flow keeps the codes it raised in a 32-bit mask. */
_Static_assert(DIAG__COUNT <= 32, "diag_raised holds one bit per code");

#define DIAG_NAME(sym, code) code,
static const char *const diag_names[] = { DIAG_CODES(DIAG_NAME) };
#undef DIAG_NAME

const char *diag_code_name(unsigned code)
{
	return code < DIAG__COUNT ? diag_names[code] : "unknown";
}

const char *diag_resolved_why(const struct diagnosis *d)
{
	unsigned code = d->code;

	if (d->resolved == RESOLVED_WENT_ON)
		return "phase 1 went on after it, the responder answering the next messages";
	if (d->resolved == RESOLVED_LATER_SA)
		return "a later IKE SA between the same two hosts came up";
	if (code == DIAG_ESP_MTU_BLACKHOLE)
		return "the sender now fits its datagrams to the path MTU (it fragments them or sends them smaller)";
	if (code == DIAG_IKE_PEER_UNREACHABLE)
		return "the peer answered IKE after it";
	return "the request was answered after all";
}

const char *diag_severity_name(unsigned sev)
{
	static const char *const n[] = { "info", "warning", "error" };

	return sev < 3 ? n[sev] : "unknown";
}

const char *diag_confidence_name(unsigned conf)
{
	return conf == CONF_CERTAIN ? "certain" : "likely";
}

const char *capture_pos_name(unsigned pos)
{
	static const char *const n[] = { "unknown", "initiator", "responder", "path" };

	return pos < 4 ? n[pos] : "unknown";
}

const char *sa_state_name(unsigned st)
{
	static const char *const n[] = { "connecting", "authenticating", "established", "failed",
					  "deleted" };

	return st < 5 ? n[st] : "unknown";
}

const char *exch_outcome_name(unsigned o)
{
	static const char *const n[] = { "pending", "answered", "error", "timeout", "refused" };

	return o < 5 ? n[o] : "unknown";
}

/* IPv4 by hand: glibc's inet_ntop goes through sprintf, and the end of a
 * capture with many flows formats two addresses per diagnosis. */
static bool ip4_text(const uint8_t a[4], char *buf, size_t len)
{
	char *p = buf;

	if (len < 16)
		return false;
	for (unsigned i = 0; i < 4; i++) {
		unsigned v = a[i];

		if (v >= 100)
			*p++ = (char)('0' + v / 100);
		if (v >= 10)
			*p++ = (char)('0' + v / 10 % 10);
		*p++ = (char)('0' + v % 10);
		*p++ = i < 3 ? '.' : '\0';
	}
	return true;
}

const char *diag_addr(const struct addr *a, char *buf, size_t len)
{
	bool ok = false;

	if (a->family == ADDR_V4)
		ok = ip4_text(a->a, buf, len);
	else if (a->family == ADDR_V6)
		ok = inet_ntop(AF_INET6, a->a, buf, (socklen_t)len) != NULL;
	if (!ok)
		snprintf(buf, len, "?");
	return buf;
}

const char *diag_endpoint(const struct addr *a, uint16_t port, char *buf, size_t len)
{
	char ip[48];

	diag_addr(a, ip, sizeof(ip));
	snprintf(buf, len, a->family == ADDR_V6 ? "[%s]:%u" : "%s:%u", ip, port);
	return buf;
}

struct diagnosis *diag_begin(struct engine *e, unsigned code, unsigned sev, unsigned conf)
{
	struct diagnosis *d = &e->scratch;

	memset(d, 0, sizeof(*d));
	d->code = (uint8_t)code;
	d->severity = (uint8_t)sev;
	d->confidence = (uint8_t)conf;
	d->when_ns = e->now_ns;
	return d;
}

struct diagnosis *diag_begin_sa(struct engine *e, struct ike_sa *sa, unsigned code, unsigned sev,
				unsigned conf)
{
	struct diagnosis *d;

	if (sa->diag_raised & (1u << code))
		return NULL;
	sa->diag_raised |= 1u << code;
	d = diag_begin(e, code, sev, conf);
	d->has_sa = 1;
	d->version = sa->version;
	memcpy(d->ispi, sa->ispi, 8);
	memcpy(d->rspi, sa->rspi, 8);
	d->a = sa->init_ip;
	d->b = sa->resp_ip;
	d->a_port = sa->init_port;
	d->b_port = sa->resp_port;
	return d;
}

struct diagnosis *diag_begin_flow(struct engine *e, struct esp_flow *f, unsigned code, unsigned sev,
				  unsigned conf)
{
	struct diagnosis *d;

	if (f->diag_raised & (1u << code))
		return NULL;
	f->diag_raised |= 1u << code;
	d = diag_begin(e, code, sev, conf);
	d->has_spi = 1;
	d->spi = f->spi;
	d->a = f->src;
	d->b = f->dst;
	d->a_port = f->sport;
	d->b_port = f->dport;
	return d;
}

void diag_evidence(struct diagnosis *d, uint64_t frame, int64_t ns)
{
	if (!frame || d->nevidence == DIAG_MAX_EVIDENCE)
		return;
	for (unsigned i = 0; i < d->nevidence; i++)
		if (d->frames[i] == frame)
			return;
	d->frames[d->nevidence] = frame;
	d->ns[d->nevidence] = ns;
	d->nevidence++;
}

void diag_message(struct diagnosis *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->message, sizeof(d->message), fmt, ap);
	va_end(ap);
}

void diag_hint(struct diagnosis *d, const char *fmt, ...)
{
	va_list ap;

	/* Most hints are fixed sentences: copied, not run through printf. */
	if (!strchr(fmt, '%')) {
		size_t n = strlen(fmt);

		if (n >= sizeof(d->hint))
			n = sizeof(d->hint) - 1;
		memcpy(d->hint, fmt, n);
		d->hint[n] = '\0';
		return;
	}
	va_start(ap, fmt);
	vsnprintf(d->hint, sizeof(d->hint), fmt, ap);
	va_end(ap);
}

/* The slot for d in the kept diagnoses: the next free one, or once they are
 * full the latest kept of the least severity below d's (that one is then
 * dropped), so a flood of notes cannot push an error out of the report.
 * SIZE_MAX: d is dropped. */
static size_t diag_slot(struct engine *e, const struct diagnosis *d)
{
	size_t at;

	if (e->ndiags < e->cfg.max_diagnoses) {
		at = e->ndiags++;
	} else {
		unsigned s = 0;

		while (s < d->severity && s < SEV_ERROR && !e->nkept[s])
			s++;
		e->stats.diagnoses_dropped++;
		if (s >= d->severity || s >= SEV_ERROR)
			return SIZE_MAX;
		at = e->kept_at[s][--e->nkept[s]];
	}
	if (d->severity < SEV_ERROR)
		e->kept_at[d->severity][e->nkept[d->severity]++] = (uint32_t)at;
	return at;
}

uint32_t diag_commit(struct engine *e, struct diagnosis *d)
{
	struct event ev = { .type = EV_DIAGNOSIS };
	const struct diagnosis *kept = d;
	size_t at;

	if (d->severity < 3)
		e->stats.diagnoses[d->severity]++;
	at = diag_slot(e, d);
	if (at != SIZE_MAX) {
		e->diags[at] = *d;
		kept = &e->diags[at];
	}
	ev.u.diag = kept;
	engine_emit(e, &ev);
	return at == SIZE_MAX ? 0 : (uint32_t)at + 1;
}

/* The kept diagnosis at + 1 if it is still the SA's of this code: a full
 * report may have given its place to a more severe one. */
static struct diagnosis *kept_of_sa(struct engine *e, const struct ike_sa *sa, unsigned code, uint32_t at)
{
	struct diagnosis *d;

	if (!at || at > e->ndiags)
		return NULL;
	d = &e->diags[at - 1];
	if (!d->has_sa || d->code != code || d->version != sa->version || d->resolved ||
	    memcmp(d->ispi, sa->ispi, sizeof(d->ispi)) != 0)
		return NULL;
	return d;
}

/* Emits d again, resolved by the packet (frame, ns). */
static void emit_resolved(struct engine *e, struct diagnosis *d, unsigned sev, uint64_t frame, int64_t ns,
			  unsigned how)
{
	struct event ev = { .type = EV_DIAGNOSIS };

	d->resolved = (uint8_t)how;
	d->resolved_frame = frame;
	d->resolved_ns = ns;
	e->stats.diagnoses_resolved[sev]++;
	ev.u.diag = d;
	engine_emit(e, &ev);
}

void diag_resolve(struct engine *e, struct ike_sa *sa, unsigned code, unsigned sev, uint32_t at,
		  uint64_t frame, int64_t ns, unsigned how)
{
	struct diagnosis *d;

	if (code >= DIAG__COUNT || sev > SEV_ERROR || !(sa->diag_raised & (1u << code)))
		return;
	d = kept_of_sa(e, sa, code, at);
	if (!d) {
		/* Not kept for the report: the event still says which one. */
		sa->diag_raised &= ~(1u << code);
		d = diag_begin_sa(e, sa, code, sev, CONF_LIKELY);
		diag_message(d, "The earlier %s diagnosis of this IKE SA no longer holds", diag_code_name(code));
	}
	emit_resolved(e, d, sev, frame, ns, how);
	/* The same failure later on this SA is a new diagnosis. */
	sa->diag_raised &= ~(1u << code);
}

/* The kept diagnosis at + 1 if it is still the flow's of this code. */
static struct diagnosis *kept_of_flow(struct engine *e, const struct esp_flow *f, unsigned code, uint32_t at)
{
	struct diagnosis *d;

	if (!at || at > e->ndiags)
		return NULL;
	d = &e->diags[at - 1];
	if (!d->has_spi || d->code != code || d->spi != f->spi || d->resolved ||
	    !engine_addr_eq(&d->a, &f->src) || !engine_addr_eq(&d->b, &f->dst))
		return NULL;
	return d;
}

void diag_resolve_flow(struct engine *e, struct esp_flow *f, unsigned code, unsigned sev, uint32_t at,
		       uint64_t frame, int64_t ns)
{
	struct diagnosis *d;

	if (code >= DIAG__COUNT || sev > SEV_ERROR || !(f->diag_raised & (1u << code)))
		return;
	d = kept_of_flow(e, f, code, at);
	if (!d) {
		f->diag_raised &= ~(1u << code);
		d = diag_begin_flow(e, f, code, sev, CONF_LIKELY);
		diag_message(d, "The earlier %s diagnosis of this ESP flow no longer holds", diag_code_name(code));
	}
	emit_resolved(e, d, sev, frame, ns, RESOLVED_LATER);
	f->diag_raised &= ~(1u << code);
}

/* The IANA name of a notify or exchange type, or the number. */
const char *diag_notify_name(unsigned version, unsigned type, char *buf, size_t len)
{
	const char *n = version == 2 ? ike2_notify_name(type) : ike1_notify_name(type);

	if (!n) {
		snprintf(buf, len, "notify %u", type);
		n = buf;
	}
	return n;
}

const char *diag_exch_name(unsigned version, unsigned type, char *buf, size_t len)
{
	const char *n = version == 2 ? ike2_exchange_name(type) : ike1_exchange_abbrev(type);

	if (!n) {
		snprintf(buf, len, "exchange %u", type);
		n = buf;
	}
	return n;
}
