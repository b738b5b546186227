/* textout.c - escaping and formatting of wire data for text output. */
#include "textout.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include "frame.h"

void text_escape(FILE *f, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t b = p[i];

		if (b == '\\')
			fputs("\\\\", f);
		else if (b >= 0x20 && b < 0x7f)
			putc(b, f);
		else
			fprintf(f, "\\x%02x", b);
	}
}

void text_hex(FILE *f, const uint8_t *p, size_t n, size_t max)
{
	static const char digits[] = "0123456789abcdef";
	size_t lim = (max && n > max) ? max : n;

	for (size_t i = 0; i < lim; i++) {
		putc(digits[p[i] >> 4], f);
		putc(digits[p[i] & 15], f);
	}
	if (lim < n)
		fputs("...", f);
}

const char *addr_format(const struct addr *a, char *buf, size_t len)
{
	if (a->family == ADDR_V4) {
		if (inet_ntop(AF_INET, a->a, buf, (socklen_t)len))
			return buf;
	} else if (a->family == ADDR_V6) {
		if (inet_ntop(AF_INET6, a->a, buf, (socklen_t)len))
			return buf;
	}
	snprintf(buf, len, "?");
	return buf;
}

const char *endpoint_format(const struct addr *a, uint16_t port, char *buf, size_t len)
{
	char ip[64];

	addr_format(a, ip, sizeof(ip));
	if (!port)
		snprintf(buf, len, "%s", ip);
	else if (a->family == ADDR_V6)
		snprintf(buf, len, "[%s]:%u", ip, port);
	else
		snprintf(buf, len, "%s:%u", ip, port);
	return buf;
}
