/* report.h - the views of the engine's state: the human report (--report)
 * and the NDJSON events (--json). Both read only events and the engine's
 * query functions; they print packet times relative to the first packet and
 * never the wall clock, so their output is stable for golden files. */
#ifndef IKESCOPE_REPORT_H
#define IKESCOPE_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "engine.h"
#include "json.h"

struct report_opts {
	bool color;      /* ANSI colours: only for a terminal, never with NO_COLOR */
	uint64_t frames; /* frames read from the capture, 0 if unknown */
};

/* The whole report: tunnels with child SAs, ladder and diagnoses, then ESP
 * flows and diagnoses tied to no IKE SA, then the summary. */
void report_print(FILE *f, const struct engine *e, const struct report_opts *o);

/* One NDJSON line for an exchange, sa, esp, diagnosis or summary event
 * (EV_PACKET is ui/packet_json.c's). e answers lookups of related SAs and
 * flows; frames is the capture's frame count for the summary. */
void events_json_print(struct json *j, const struct engine *e, const struct event *ev,
		       uint64_t frames);

/* Shared by both views (ui/report_fmt.c). */
/* "IKE_SA_INIT", "ID_PROT" ...; the number as text when unnamed. */
const char *exch_type_label(unsigned version, unsigned type, char *buf, size_t len);
/* The name of an error notify type of this IKE version, or the number. */
const char *notify_label(unsigned version, unsigned type, char *buf, size_t len);
/* "udp500", "udp4500", "tcp", "esp" ... for enum transport. */
const char *transport_label(unsigned tr);
/* A proposal in strongSwan syntax ("aes256-sha256-modp2048"). */
const char *proposal_text(const struct proposal *p, char *buf, size_t len);
/* A Diffie-Hellman group by its strongSwan name ("modp2048", "ecp256"). */
const char *ke_group_text(unsigned group, char *buf, size_t len);
/* The NAT verdict from the NAT-D checks, in words; NULL if none was made. */
const char *nat_verdict(const struct ike_sa *sa);
/* "this host translates the initiator's address: ..." (ike_sa.nat_here). */
const char *nat_here_text(const struct ike_sa *sa, char *buf, size_t len);

#endif
