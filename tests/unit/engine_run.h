/* engine_run.h - test helper: runs a capture file through the capture engine
 * into a fresh analysis engine and finishes it, as ikescope -r does. */
#ifndef IKESCOPE_TEST_ENGINE_RUN_H
#define IKESCOPE_TEST_ENGINE_RUN_H

#include <stdio.h>
#include <string.h>

#include "capture.h"
#include "engine.h"

/* The engine after the whole capture (empty if the file cannot be read);
 * the caller frees it. sink may be NULL. */
static inline struct engine *engine_run_file(const char *path, const struct event_sink *sink)
{
	char err[256];
	struct capture_opts o;
	struct engine_config cfg;
	struct engine *e;
	struct capture *c;

	memset(&o, 0, sizeof(o));
	o.file = path;
	decoder_config_defaults(&o.dec);
	engine_config_defaults(&cfg);
	e = engine_new(&cfg, sink);
	c = capture_open(&o, engine_feed, e, err, sizeof(err));
	if (!c) {
		printf("# %s: %s\n", path, err);
		return e;
	}
	capture_run(c, err, sizeof(err));
	capture_close(c);
	engine_finish(e);
	return e;
}

#endif
