/* names.h - IANA names for IKE/ISAKMP numbers, from X-macro tables in one
 * place per registry so numbers and strings cannot drift. Every lookup
 * returns NULL for a number the registry does not name; callers print the
 * number instead. */
#ifndef IKESCOPE_NAMES_H
#define IKESCOPE_NAMES_H

#include <stddef.h>
#include <stdint.h>

struct name_entry {
	uint32_t v;
	const char *name;   /* IANA name, e.g. "NO_PROPOSAL_CHOSEN" */
	const char *abbrev; /* short form for one-line views, e.g. "NATD_S_IP"; NULL = name */
};

/* Looks v up in a table sorted by v (tables are written sorted; a unit test checks). */
const struct name_entry *name_find(const struct name_entry *t, size_t n, uint32_t v);
#define NAME_TABLE_LEN(t) (sizeof(t) / sizeof((t)[0]))

/* IKEv2 (dissect/ike2_names.c) */
const char *ike2_exchange_name(unsigned v);
const char *ike2_payload_name(unsigned v);   /* "Security Association" */
const char *ike2_payload_abbrev(unsigned v); /* "SA", "KE", "No", "IDi", "SK" ... */
const char *ike2_notify_name(unsigned v);    /* "NAT_DETECTION_SOURCE_IP" */
const char *ike2_notify_abbrev(unsigned v);  /* "NATD_S_IP" */

/* IKEv1 / ISAKMP (dissect/ike1_names.c) */
const char *ike1_exchange_name(unsigned v);   /* "Identity Protection (Main Mode)" */
const char *ike1_exchange_abbrev(unsigned v); /* "ID_PROT", "AGGRESSIVE", "QUICK_MODE" ... */
const char *ike1_payload_name(unsigned v);
const char *ike1_payload_abbrev(unsigned v);  /* "SA", "KE", "No", "ID", "HASH", "V" ... */
const char *ike1_notify_name(unsigned v);
const char *ike1_notify_abbrev(unsigned v);

/* Vendor IDs recognised by their hash or prefix (dissect/vendor_ids.c). */
int vendor_id_match(const uint8_t *p, size_t len); /* index, or -1 */
const char *vendor_id_name(int idx);
size_t vendor_id_count(void);

#endif
