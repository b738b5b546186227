/* tap.h - a minimal TAP producer for unit tests: each check prints one
 * "ok N - name" or "not ok N - name" line; tap_done() prints the plan and
 * returns the exit status. Automake's tap-driver counts the lines. */
#ifndef IKESCOPE_TAP_H
#define IKESCOPE_TAP_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static inline int tap_ok(int cond, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline int tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!cond)
		tap_failed++;
	return cond;
}

#define ok(cond, ...) tap_ok(!!(cond), __VA_ARGS__)

#define is_int(got, want, name)                                                   \
	do {                                                                      \
		long long g_ = (long long)(got), w_ = (long long)(want);          \
		if (!ok(g_ == w_, "%s", name))                                    \
			printf("#   got %lld, want %lld (%s:%d)\n", g_, w_, __FILE__, \
			       __LINE__);                                         \
	} while (0)

#define is_str(got, want, name)                                                  \
	do {                                                                     \
		const char *g_ = (got), *w_ = (want);                            \
		if (!ok(g_ && w_ && strcmp(g_, w_) == 0, "%s", name))            \
			printf("#   got \"%s\", want \"%s\" (%s:%d)\n",          \
			       g_ ? g_ : "(null)", w_ ? w_ : "(null)", __FILE__, \
			       __LINE__);                                        \
	} while (0)

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
