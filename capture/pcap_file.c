/* pcap_file.c - opens a capture file for libpcap with a larger stdio buffer.
 *
 * libpcap reads a capture file through stdio, whose buffer is the file
 * system's block size (4 KiB on ext4): one read(2) per 4 KiB, 174,000 of
 * them for the 713 MB benchmark capture, and on the development machine
 * they were about half of libpcap's whole read loop. With 64 KiB the
 * calls are sixteen times fewer; 256 KiB and 1 MiB buffers were slower
 * there (0.35-0.55 s against 0.13-0.22 s), perhaps because a buffer that
 * large no longer stays in the cache.
 *
 * The stream is read by one thread only (the capture's reader), so stdio is
 * told not to lock it: once a process has a second thread, glibc takes the
 * stream's lock in every fread, two per frame in libpcap's read loop, and
 * on the development machine that was the reader's costliest function.
 *
 * ikescope and the benchmark's baseline both open files here, so the read
 * loop the engine is measured against reads exactly as ikescope does. */
#include <errno.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "capture.h"

#define FILE_BUF_BYTES (64u << 10)

bool capture_file_open(struct capture_file *f, const char *path, char *ebuf)
{
	/* Standard input outlives any capture, so its buffer must too. */
	static char stdin_buf[FILE_BUF_BYTES];
	FILE *fp;

	f->p = NULL;
	f->buf = NULL;
	if (strcmp(path, "-") == 0) {
		fp = stdin;
		setvbuf(fp, stdin_buf, _IOFBF, sizeof(stdin_buf));
	} else {
		fp = fopen(path, "rb");
		if (!fp) {
			snprintf(ebuf, PCAP_ERRBUF_SIZE, "%s: %s", path, strerror(errno));
			return false;
		}
		/* Without the buffer, stdio's own still works: only slower. */
		f->buf = malloc(FILE_BUF_BYTES);
		if (f->buf)
			setvbuf(fp, f->buf, _IOFBF, FILE_BUF_BYTES);
	}
	__fsetlocking(fp, FSETLOCKING_BYCALLER);
	f->p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, ebuf);
	if (!f->p) {
		if (fp != stdin)
			fclose(fp);
		free(f->buf);
		f->buf = NULL;
		return false;
	}
	return true;
}

void capture_file_close(struct capture_file *f)
{
	/* pcap_close closes the file (not standard input); only then may its
	 * buffer go. */
	if (f->p)
		pcap_close(f->p);
	free(f->buf);
	f->p = NULL;
	f->buf = NULL;
}
