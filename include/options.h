/* options.h - the command line, parsed into a plain struct (testable without
 * running anything). The flags are a public contract: see ikescope(1). */
#ifndef IKESCOPE_OPTIONS_H
#define IKESCOPE_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

#include "capture.h"

struct options {
	struct capture_opts cap;
	bool packets;
	bool json;
	int verbose;
	bool help;
	bool version;
};

/* Returns 0, or -1 with a one-line message in err. */
int options_parse(struct options *o, int argc, char **argv, char *err, size_t errlen);
void options_usage(FILE *f);

#endif
