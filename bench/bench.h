/* bench.h - timing and resource reporting shared by the benchmark loops. */
#ifndef IKESCOPE_BENCH_H
#define IKESCOPE_BENCH_H

#include <stdint.h>
#include <stdio.h>
#include <sys/resource.h>
#include <time.h>

static inline double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU seconds the calling thread has used. */
static inline double bench_thread_cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One line that bench/run.sh parses: name, packets, elapsed seconds, rate,
 * CPU seconds in user space and in the kernel, peak RSS, then extra
 * (" key=value" pairs, or ""). */
static inline void bench_report(const char *name, uint64_t packets, double seconds, uint64_t check,
				const char *extra)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	printf("%s: packets=%llu seconds=%.4f pps=%.0f user_s=%.3f sys_s=%.3f maxrss_kib=%ld check=%llu%s\n",
	       name, (unsigned long long)packets, seconds,
	       seconds > 0 ? (double)packets / seconds : 0.0,
	       (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6,
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6,
	       ru.ru_maxrss, (unsigned long long)check, extra);
}

#endif
