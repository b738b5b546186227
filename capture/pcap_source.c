/* pcap_source.c - the libpcap source: a capture file (pcap or pcapng, "-" for
 * stdin) or a live interface, the default BPF filter, and the read loop that
 * feeds the frame decoder with nanosecond packet times.
 *
 * The read loop and the decoder run on their own thread and hand units to
 * the caller's thread through a unit_ring, so reading and analysis overlap:
 * the caller's callback and tick run on the thread that called capture_run,
 * one unit at a time and in capture order, as if there were one thread. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <pcap/pcap.h>

#include "capture.h"
#include "unit_ring.h"

#define CAPTURE_SNAPLEN 262144
#define CAPTURE_TIMEOUT_MS 100
#define IDLE_WAIT_MS 100
#define FILTER_MAX 2048
/* While the reader may be blocked on input, how often the consumer looks
 * whether a stop was asked for. */
#define STOP_CHECK_NS (100 * 1000000LL)
/* Several thousand ESP units, and room for the largest datagram four times. */
#define RING_BYTES (2u << 20)

struct capture {
	pcap_t *p;
	struct capture_file file; /* -r: p is file.p */
	struct decoder *dec;
	int linktype;
	bool live;
	bool nano;
	bool offline_filter;      /* prog is applied per frame (capture files) */
	struct bpf_program prog;
	long count;
	uint64_t matched;         /* frames that passed the filter, for -c */
	_Atomic int stop;         /* set by capture_break, from a signal handler too */
	struct capture_stats st;  /* frames and bytes: the reader writes, others load atomically */
	char name[256];
	void (*tick)(void *ctx);  /* capture_set_tick */
	void *tick_ctx;
	int64_t tick_ns, next_tick_ns;
	unit_cb cb;               /* the caller's, on the caller's thread */
	void *ctx;
	struct unit_ring *ring;
	bool threaded;            /* the reader's thread runs (read by this thread only) */
	pthread_t reader;
	uint64_t delivered;       /* highest frame number handed to cb */
	bool lazy;                /* the source never blocks: publish units in chunks */
	int idle_fd;              /* live: a descriptor to wait on between frames, or -1 */
	int64_t next_idle_ns;     /* monotonic time of the next decoder_idle */
	int read_rc;              /* the reader's result, its message in read_err */
	char read_err[PCAP_ERRBUF_SIZE + 300];
};

static void capture_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void capture_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	/* libpcap messages sometimes end in a newline; ours never do. */
	err[strcspn(err, "\n")] = '\0';
}

/* Turns pcap_activate()'s status into a message a user can act on. */
static void capture_activate_err(pcap_t *p, int rc, const char *dev, char *err, size_t errlen)
{
	switch (rc) {
	case PCAP_ERROR_NO_SUCH_DEVICE:
		capture_err(err, errlen, "%s: no such device", dev);
		break;
	case PCAP_ERROR_PERM_DENIED:
		capture_err(err, errlen, "%s: permission denied (you need root or CAP_NET_RAW)",
			    dev);
		break;
	case PCAP_ERROR_PROMISC_PERM_DENIED:
		capture_err(err, errlen, "%s: %s", dev,
			    "no permission to enable promiscuous mode (try -p)");
		break;
	case PCAP_ERROR_IFACE_NOT_UP:
		capture_err(err, errlen, "%s: %s", dev, "interface is down");
		break;
	default:
		capture_err(err, errlen, "%s: %s", dev, pcap_geterr(p));
		break;
	}
}

static pcap_t *capture_open_live(const struct capture_opts *o, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p = pcap_create(o->iface, ebuf);
	int rc;

	if (!p) {
		capture_err(err, errlen, "%s: %s", o->iface, ebuf);
		return NULL;
	}
	pcap_set_snaplen(p, CAPTURE_SNAPLEN);
	pcap_set_promisc(p, !o->no_promisc);
	pcap_set_timeout(p, CAPTURE_TIMEOUT_MS);
	pcap_set_immediate_mode(p, 1);
	if (o->buffer_mib > 0 && o->buffer_mib <= INT_MAX / (1 << 20))
		pcap_set_buffer_size(p, o->buffer_mib << 20);
	/* Nanosecond stamps when the platform has them; microseconds otherwise. */
	pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);
	rc = pcap_activate(p);
	if (rc < 0) {
		capture_activate_err(p, rc, o->iface, err, errlen);
		pcap_close(p);
		return NULL;
	}
#ifdef DLT_LINUX_SLL2
	/* "any" gives Linux cooked headers; their second version names the
	 * interface, which tells forwarded copies apart (iface_copies.c). */
	if (pcap_datalink(p) == DLT_LINUX_SLL)
		pcap_set_datalink(p, DLT_LINUX_SLL2);
#endif
	return p;
}

/* Live capture installs the default filter (narrowed by -f) in the kernel.
 * A capture file is read whole so that frame numbers match the file's (and
 * Wireshark's): there the decoder itself ignores what is not IKE/ESP, and only
 * a user's -f filter is compiled and applied frame by frame. */
static bool capture_set_filter(struct capture *c, const struct capture_opts *o, char *err,
			       size_t errlen)
{
	char full[4 * FILTER_MAX];
	int n;

	if (!c->live && !(o->filter && *o->filter))
		return true;
	if (capture_link_filter(c->linktype, o->dec.tcp_ports, o->dec.n_tcp_ports, o->filter,
				full, sizeof(full)) < 0) {
		capture_err(err, errlen, "filter expression too long");
		return false;
	}
	if (pcap_compile(c->p, &c->prog, full, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		capture_err(err, errlen, "bad filter expression: %s", pcap_geterr(c->p));
		return false;
	}
	if (!c->live) {
		c->offline_filter = true;
		return true;
	}
	n = pcap_setfilter(c->p, &c->prog);
	pcap_freecode(&c->prog);
	if (n < 0) {
		capture_err(err, errlen, "cannot install filter: %s", pcap_geterr(c->p));
		return false;
	}
	return true;
}

/* pcap_datalink() answers with DLT_ values; a few differ from the LINKTYPE_
 * values written in files (and used by the decoder). */
static int linktype_of(pcap_t *p)
{
	int dlt = pcap_datalink(p);

	if (dlt == DLT_RAW)
		return LINKTYPE_RAW;
#ifdef DLT_LOOP
	if (dlt == DLT_LOOP)
		return LINKTYPE_LOOP;
#endif
	return dlt;
}

/* An interface name fit for a terminal or JSON string. */
static void ifname_of(uint32_t ifindex, char out[16])
{
	char name[IF_NAMESIZE] = "";

	out[0] = '\0';
	if (!if_indextoname(ifindex, name))
		return;
	for (size_t i = 0; i < 15 && name[i]; i++) {
		unsigned char ch = (unsigned char)name[i];

		out[i] = isalnum(ch) || strchr("._-@", ch) ? (char)ch : '?';
		out[i + 1] = '\0';
	}
}

/* The decoder's callback, on the reader's thread. */
static void deliver(void *ctx, const struct unit *u)
{
	struct capture *c = ctx;

	if (u->kind == UNIT_IFACE_COPIES && c->live) {
		struct unit named = *u;

		ifname_of(u->u.copies.kept, named.u.copies.kept_name);
		ifname_of(u->u.copies.ignored, named.u.copies.ignored_name);
		unit_ring_push(c->ring, &named, c->lazy);
		return;
	}
	unit_ring_push(c->ring, u, c->lazy);
}

/* A regular file never makes the reader wait between frames; a pipe or an
 * interface does, and then each unit must reach the engine at once. */
static bool source_never_blocks(struct capture *c)
{
	struct stat st;
	FILE *f = c->live ? NULL : pcap_file(c->p);

	return f && fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode);
}

struct capture *capture_open(const struct capture_opts *o, unit_cb cb, void *ctx, char *err,
			     size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct capture *c = calloc(1, sizeof(*c));

	if (!c) {
		capture_err(err, errlen, "out of memory");
		return NULL;
	}
	c->idle_fd = -1;
	if (o->file) {
		snprintf(c->name, sizeof(c->name), "%s", strcmp(o->file, "-") ? o->file : "stdin");
		if (capture_file_open(&c->file, o->file, ebuf)) {
			c->p = c->file.p;
		} else {
			size_t fl = strlen(o->file);
			/* libpcap often starts with the file name; say it once. */
			const char *why = !strncmp(ebuf, o->file, fl) && !strncmp(ebuf + fl, ": ", 2)
						  ? ebuf + fl + 2
						  : ebuf;

			capture_err(err, errlen, "cannot read %s: %s", c->name, why);
		}
	} else if (o->iface) {
		snprintf(c->name, sizeof(c->name), "%s", o->iface);
		c->live = true;
		c->p = capture_open_live(o, err, errlen);
	} else {
		capture_err(err, errlen, "no capture file or interface given");
	}
	if (!c->p)
		goto fail;
	c->nano = pcap_get_tstamp_precision(c->p) == PCAP_TSTAMP_PRECISION_NANO;
	c->linktype = linktype_of(c->p);
	if (!decoder_link_supported(c->linktype)) {
		const char *nm = pcap_datalink_val_to_name(pcap_datalink(c->p));
		capture_err(err, errlen, "unsupported link type %s (%d)", nm ? nm : "unknown",
			    pcap_datalink(c->p));
		goto fail;
	}
	if (!capture_set_filter(c, o, err, errlen))
		goto fail;
	c->cb = cb;
	c->ctx = ctx;
	c->dec = decoder_new(&o->dec, deliver, c);
	c->ring = unit_ring_new(RING_BYTES, o->esp_bytes ? o->esp_bytes : SIZE_MAX);
	if (!c->dec || !c->ring) {
		capture_err(err, errlen, "cannot allocate the decoder state");
		goto fail;
	}
	c->lazy = source_never_blocks(c);
	if (c->live && pcap_setnonblock(c->p, 1, ebuf) == 0 &&
	    (c->idle_fd = pcap_get_selectable_fd(c->p)) < 0)
		pcap_setnonblock(c->p, 0, ebuf);
	c->count = o->count;
	c->st.live = c->live;
	return c;
fail:
	capture_close(c);
	return NULL;
}

static int64_t monotonic_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* The clock live packets are stamped with. */
static int64_t realtime_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

void capture_set_tick(struct capture *c, void (*tick)(void *ctx), void *ctx, unsigned interval_ms)
{
	c->tick = interval_ms ? tick : NULL;
	c->tick_ctx = ctx;
	c->tick_ns = (int64_t)interval_ms * 1000000;
	c->next_tick_ns = monotonic_ns() + c->tick_ns;
}

/* Runs the tick when its wall-clock interval has passed; between units, so
 * the view sees a consistent engine. */
static void capture_tick(struct capture *c)
{
	int64_t now;

	if (!c->tick)
		return;
	now = monotonic_ns();
	if (now < c->next_tick_ns)
		return;
	c->next_tick_ns = now + c->tick_ns;
	c->tick(c->tick_ctx);
}

/* Live, a stop with every frame the kernel kept already read: the input was
 * watched until now. With frames still waiting in its buffer (a reader
 * behind), it ends at the last frame read. */
static void note_quiet_end(struct capture *c, uint64_t frames)
{
	struct pcap_stat ps;

	if (c->live && pcap_stats(c->p, &ps) == 0 && ps.ps_recv >= ps.ps_drop &&
	    (uint64_t)(ps.ps_recv - ps.ps_drop) <= frames)
		decoder_note_time(c->dec, realtime_ns());
}

/* Live, libpcap in immediate mode would block until the next frame, so the
 * reader reads without blocking and waits here, at most IDLE_WAIT_MS (or
 * less when libpcap asks to be called sooner). A signal (capture_break)
 * ends the wait early. A descriptor poll cannot wait on sends the reader
 * back to blocking reads. */
static void wait_quietly(struct capture *c)
{
	struct pollfd pfd = { .fd = c->idle_fd, .events = POLLIN };
	const struct timeval *req = pcap_get_required_select_timeout(c->p);
	int ms = IDLE_WAIT_MS, n;

	if (c->idle_fd < 0)
		return;
	if (req && req->tv_sec == 0 && req->tv_usec / 1000 < ms)
		ms = req->tv_usec / 1000 > 0 ? (int)(req->tv_usec / 1000) : 1;
	n = poll(&pfd, 1, ms);
	if ((n < 0 && errno != EINTR) || (n > 0 && (pfd.revents & (POLLNVAL | POLLERR)))) {
		char ebuf[PCAP_ERRBUF_SIZE];

		pcap_setnonblock(c->p, 0, ebuf);
		c->idle_fd = -1;
	}
}

/* Live, with everything read: at most every IDLE_WAIT_MS the decoder hears
 * the wall-clock time, to hand on what it held back for a moment
 * (iface_copies.c) on a quiet link. Not while frames wait: their stamps,
 * not the clock, say how long a copy took. */
static void note_idle_time(struct capture *c)
{
	int64_t now;

	if (c->idle_fd < 0)
		return;
	now = monotonic_ns();
	if (now < c->next_idle_ns)
		return;
	c->next_idle_ns = now + (int64_t)IDLE_WAIT_MS * 1000000;
	decoder_idle(c->dec, realtime_ns());
}

/* The reader: frames from libpcap through the decoder, until end of file,
 * -c, capture_break() or an error; then what reassembly still holds. */
static int read_frames(struct capture *c)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t frames = 0;
	int rc = 0;

	while (!atomic_load_explicit(&c->stop, memory_order_relaxed) &&
	       (c->count <= 0 || c->matched < (uint64_t)c->count)) {
		int64_t ts;

		rc = pcap_next_ex(c->p, &h, &data);
		if (rc == 0) {
			wait_quietly(c);
			note_idle_time(c);
			continue; /* look at the stop flag */
		}
		if (rc != 1)
			break;
		ts = (int64_t)h->ts.tv_sec * 1000000000 +
		     (int64_t)h->ts.tv_usec * (c->nano ? 1 : 1000);
		__atomic_store_n(&c->st.frames, ++frames, __ATOMIC_RELAXED);
		__atomic_store_n(&c->st.bytes, c->st.bytes + h->len, __ATOMIC_RELAXED);
		if (c->offline_filter && !pcap_offline_filter(&c->prog, h, data)) {
			decoder_note_time(c->dec, ts);
			continue;
		}
		c->matched++;
		decoder_frame(c->dec, c->linktype, data, h->caplen, h->len, ts, frames);
	}
	note_quiet_end(c, frames);
	decoder_expire(c->dec, INT64_MAX);
	/* A read interrupted to stop it is the end asked for, not an error. */
	if (rc == PCAP_ERROR && !atomic_load_explicit(&c->stop, memory_order_relaxed)) {
		capture_err(c->read_err, sizeof(c->read_err), "read error in %s: %s", c->name,
			    pcap_geterr(c->p));
		return -1;
	}
	return 0;
}

static void *reader_main(void *arg)
{
	struct capture *c = arg;

	struct timespec cpu;

	c->read_rc = read_frames(c);
	/* Before the close: capture_run reads it once the ring is done. */
	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu) == 0)
		c->st.reader_cpu_ns = (uint64_t)cpu.tv_sec * 1000000000u + (uint64_t)cpu.tv_nsec;
	unit_ring_close(c->ring);
	return NULL;
}

/* Does nothing: being delivered is the point, as it ends a blocked read. */
static void on_wake(int sig)
{
	(void)sig;
}

/* The reader's thread leaves signals to the caller's, whose handler calls
 * capture_break(), all but SIGUSR1: with it the caller's thread interrupts a
 * read blocked on a quiet pipe once a stop is asked for. */
static bool start_reader(struct capture *c, char *err, size_t errlen)
{
	struct sigaction sa;
	sigset_t all, old;
	int rc;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_wake; /* no SA_RESTART: the read returns EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sigfillset(&all);
	sigdelset(&all, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(&c->reader, NULL, reader_main, c);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		capture_err(err, errlen, "cannot start the capture thread: %s", strerror(rc));
		return false;
	}
	c->threaded = true;
	return true;
}

/* How long the consumer may sleep: until the tick, and when the reader may
 * be blocked on input (an interface, a pipe), not past the next look at the
 * stop flag. Negative: no limit. */
static int64_t wait_deadline(const struct capture *c)
{
	int64_t soon;

	if (c->lazy)
		return c->tick ? c->next_tick_ns : -1;
	soon = monotonic_ns() + STOP_CHECK_NS;
	return c->tick && c->next_tick_ns < soon ? c->next_tick_ns : soon;
}

int capture_run(struct capture *c, char *err, size_t errlen)
{
	if (!start_reader(c, err, errlen))
		return -1;
	for (;;) {
		const struct unit *u = unit_ring_peek(c->ring, wait_deadline(c));

		if (u) {
			if (u->frame > c->delivered)
				c->delivered = u->frame;
			c->cb(c->ctx, u);
			unit_ring_pop(c->ring);
		} else if (unit_ring_done(c->ring)) {
			break;
		} else if (atomic_load_explicit(&c->stop, memory_order_relaxed)) {
			pthread_kill(c->reader, SIGUSR1);
		}
		capture_tick(c);
	}
	pthread_join(c->reader, NULL);
	c->threaded = false;
	if (c->read_rc < 0)
		capture_err(err, errlen, "%s", c->read_err);
	return c->read_rc;
}

void capture_break(struct capture *c)
{
	atomic_store_explicit(&c->stop, 1, memory_order_relaxed);
	pcap_breakloop(c->p);
}

void capture_get_stats(struct capture *c, struct capture_stats *s)
{
	struct pcap_stat ps;

	/* libpcap's handle belongs to the reader while it runs. */
	if (c->live && !c->threaded && pcap_stats(c->p, &ps) == 0) {
		c->st.ps_recv = ps.ps_recv;
		c->st.ps_drop = ps.ps_drop;
		c->st.ps_ifdrop = ps.ps_ifdrop;
	}
	/* While the reader runs ahead, count what the engine has seen. */
	s->frames = c->threaded ? c->delivered : __atomic_load_n(&c->st.frames, __ATOMIC_RELAXED);
	s->bytes = __atomic_load_n(&c->st.bytes, __ATOMIC_RELAXED);
	s->ps_recv = c->st.ps_recv;
	s->ps_drop = c->st.ps_drop;
	s->reader_cpu_ns = c->threaded ? 0 : c->st.reader_cpu_ns;
	s->ps_ifdrop = c->st.ps_ifdrop;
	s->live = c->st.live;
}

int64_t capture_input_end(const struct capture *c)
{
	return c->dec ? decoder_latest(c->dec) : 0;
}

const struct decoder_stats *capture_decoder_stats(const struct capture *c)
{
	return decoder_stats(c->dec);
}

int capture_linktype(const struct capture *c)
{
	return c->linktype;
}

void capture_close(struct capture *c)
{
	if (!c)
		return;
	if (c->offline_filter)
		pcap_freecode(&c->prog);
	if (c->file.p)
		capture_file_close(&c->file);
	else if (c->p)
		pcap_close(c->p);
	decoder_free(c->dec);
	unit_ring_free(c->ring);
	free(c);
}
