/* packet_fmt.c - names and time formats shared by the per-packet text and
 * JSON views. */
#include "packet_view.h"

#include <inttypes.h>
#include <time.h>

#include "names.h"

const char *transport_token(const struct unit *u)
{
	switch (u->transport) {
	case TR_UDP500: return "udp500";
	case TR_UDP4500: return "udp4500";
	case TR_UDP_OTHER: return "udp";
	case TR_TCP: return "tcp";
	case TR_IP: return u->kind == UNIT_AH ? "ah" : "esp";
	default: return "ip";
	}
}

static void split_ts(int64_t ts_ns, time_t *sec, long *usec)
{
	int64_t s = ts_ns / 1000000000, ns = ts_ns % 1000000000;

	if (ns < 0) {
		ns += 1000000000;
		s--;
	}
	*sec = (time_t)s;
	*usec = (long)(ns / 1000);
}

const char *time_of_day(int64_t ts_ns, char *buf, size_t len)
{
	struct tm tm;
	time_t sec;
	long usec;

	split_ts(ts_ns, &sec, &usec);
	if (!gmtime_r(&sec, &tm))
		snprintf(buf, len, "?");
	else
		snprintf(buf, len, "%02d:%02d:%02d.%06ld", tm.tm_hour, tm.tm_min, tm.tm_sec, usec);
	return buf;
}

/* Writes v as exactly n decimal digits, most significant first. */
static char *put_digits(char *p, unsigned long v, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + n;
}

/* Written by hand: every JSON event carries one to four of these, and
 * through snprintf they were an eighth of an `ikescope --json` run. */
const char *time_iso(int64_t ts_ns, char *buf, size_t len)
{
	static const size_t iso_len = sizeof("YYYY-MM-DDTHH:MM:SS.uuuuuuZ");
	struct tm tm;
	time_t sec;
	long usec;
	char *p = buf;

	split_ts(ts_ns, &sec, &usec);
	if (!gmtime_r(&sec, &tm)) {
		snprintf(buf, len, "?");
		return buf;
	}
	if (len < iso_len || tm.tm_year < -1900 || tm.tm_year > 9999 - 1900) {
		snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, usec);
		return buf;
	}
	p = put_digits(p, (unsigned long)(tm.tm_year + 1900), 4);
	*p++ = '-';
	p = put_digits(p, (unsigned long)tm.tm_mon + 1, 2);
	*p++ = '-';
	p = put_digits(p, (unsigned long)tm.tm_mday, 2);
	*p++ = 'T';
	p = put_digits(p, (unsigned long)tm.tm_hour, 2);
	*p++ = ':';
	p = put_digits(p, (unsigned long)tm.tm_min, 2);
	*p++ = ':';
	p = put_digits(p, (unsigned long)tm.tm_sec, 2);
	*p++ = '.';
	p = put_digits(p, (unsigned long)usec, 6);
	*p++ = 'Z';
	*p = '\0';
	return buf;
}

const char *ike_exchange_label_of(unsigned major, unsigned exchange)
{
	return major == 2 ? ike2_exchange_name(exchange) : ike1_exchange_abbrev(exchange);
}

const char *ike_exchange_label(const struct ike_msg *m)
{
	return ike_exchange_label_of(m->major, m->exchange);
}

const char *ike_payload_label(const struct ike_msg *m, unsigned type)
{
	return m->major == 2 ? ike2_payload_abbrev(type) : ike1_payload_abbrev(type);
}

const char *ike_notify_label(const struct ike_msg *m, unsigned type)
{
	return m->major == 2 ? ike2_notify_abbrev(type) : ike1_notify_abbrev(type);
}

const char *ike_notify_full_name(const struct ike_msg *m, unsigned type)
{
	return m->major == 2 ? ike2_notify_name(type) : ike1_notify_name(type);
}

const char *icmp_kind_label(const struct icmp_error *ic)
{
	if (!ic->v6) {
		if (ic->type == 3) {
			switch (ic->code) {
			case 0: return "net-unreachable";
			case 1: return "host-unreachable";
			case 2: return "protocol-unreachable";
			case 3: return "port-unreachable";
			case 4: return "fragmentation-needed";
			case 9: case 10: case 13: return "admin-prohibited";
			default: return "unreachable";
			}
		}
		if (ic->type == 11)
			return "time-exceeded";
		if (ic->type == 12)
			return "parameter-problem";
		return "icmp-error";
	}
	switch (ic->type) {
	case 1:
		switch (ic->code) {
		case 1: return "admin-prohibited";
		case 3: return "host-unreachable";
		case 4: return "port-unreachable";
		default: return "unreachable";
		}
	case 2: return "packet-too-big";
	case 3: return "time-exceeded";
	case 4: return "parameter-problem";
	default: return "icmp6-error";
	}
}
