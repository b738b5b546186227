/* options.h - the command line, parsed into a plain struct (testable without
 * running anything). The flags are a public contract: see ikescope(1). */
#ifndef IKESCOPE_OPTIONS_H
#define IKESCOPE_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "capture.h"
#include "state.h"

struct options {
	struct capture_opts cap;
	bool packets;            /* packet lines, or "packet" events with --json */
	bool json;               /* NDJSON events */
	bool report;             /* the human report at the end */
	bool no_color;           /* --no-color (NO_COLOR is read by main) */
	int verbose;
	bool help;
	bool version;
	unsigned interval_s;     /* --interval: live report period, 0 = only at the end */
	uint32_t max_sas;        /* engine caps and timeout; 0 = the engine's default */
	uint32_t max_flows;
	uint32_t ike_timeout_ms;
	bool have_peer_proposals;
	struct proposal_set peer_proposals; /* --peer-proposals */
};

/* Returns 0, or -1 with a one-line message in err. */
int options_parse(struct options *o, int argc, char **argv, char *err, size_t errlen);
void options_usage(FILE *f);

#endif
