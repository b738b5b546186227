/* textout.h - writing wire data to a terminal or text file safely. Bytes from
 * the wire never reach the output raw: anything outside printable ASCII is
 * written as \xNN, so an attacker-chosen ID or vendor string cannot move the
 * cursor, change colours or forge a line. */
#ifndef IKESCOPE_TEXTOUT_H
#define IKESCOPE_TEXTOUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct addr;

/* Printable ASCII as is (backslash doubled), everything else as \xNN. */
void text_escape(FILE *f, const uint8_t *p, size_t n);
/* Lowercase hex; after max bytes (0 = no limit) writes "..." and stops. */
void text_hex(FILE *f, const uint8_t *p, size_t n, size_t max);
/* Formats an address as text (inet_ntop); buf needs 46 bytes. */
const char *addr_format(const struct addr *a, char *buf, size_t len);
/* "[2001:db8::1]:500" or "192.0.2.1:500"; port 0 prints the address alone. */
const char *endpoint_format(const struct addr *a, uint16_t port, char *buf, size_t len);

#endif
