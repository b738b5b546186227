/* test_vendor.c - the Vendor ID table: known VIDs from real captures are named,
 * near misses are not, versioned prefixes pick the specific entry, and the
 * table is sorted without duplicates. */
#include <string.h>

#include "../tap.h"
#include "ike1.h"
#include "names.h"

static const char *name_of(const uint8_t *p, size_t len)
{
	const char *n = vendor_id_name(vendor_id_match(p, len));

	return n ? n : "(none)";
}

int main(void)
{
	/* Bytes as sent by strongSwan (joy/ikev1.pcap) and racoon/Cisco peers. */
	static const uint8_t rfc3947[] = { 0x4a, 0x13, 0x1c, 0x81, 0x07, 0x03, 0x58, 0x45,
					   0x5c, 0x57, 0x28, 0xf2, 0x0e, 0x95, 0x45, 0x2f };
	static const uint8_t natt02n[] = { 0x90, 0xcb, 0x80, 0x91, 0x3e, 0xbb, 0x69, 0x6e,
					   0x08, 0x63, 0x81, 0xb5, 0xec, 0x42, 0x7b, 0x1f };
	static const uint8_t dpd[] = { 0xaf, 0xca, 0xd7, 0x13, 0x68, 0xa1, 0xf1, 0xc9,
				       0x6b, 0x86, 0x96, 0xfc, 0x77, 0x57, 0x01, 0x00 };
	static const uint8_t xauth[] = { 0x09, 0x00, 0x26, 0x89, 0xdf, 0xd6, 0xb7, 0x12 };
	static const uint8_t unity[] = { 0x12, 0xf5, 0xf2, 0x8c, 0x45, 0x71, 0x68, 0xa9,
					 0x70, 0x2d, 0x9f, 0xe2, 0x74, 0xcc, 0x01, 0x00 };
	static const uint8_t sswan[] = { 0x88, 0x2f, 0xe5, 0x6d, 0x6f, 0xd2, 0x0d, 0xbc,
					 0x22, 0x51, 0x61, 0x3b, 0x2e, 0xbe, 0x5b, 0xeb };
	static const uint8_t frag[] = { 0x40, 0x48, 0xb7, 0xd5, 0x6e, 0xbc, 0xe8, 0x85, 0x25, 0xe7,
					0xde, 0x7f, 0x00, 0xd6, 0xc2, 0xd3, 0x80, 0x00, 0x00, 0x00 };
	static const uint8_t ms7[] = { 0x1e, 0x2b, 0x51, 0x69, 0x05, 0x99, 0x1c, 0x7d, 0x7c, 0x96,
				       0xfc, 0xbf, 0xb5, 0x87, 0xe4, 0x61, 0x00, 0x00, 0x00, 0x07 };
	static const uint8_t ms99[] = { 0x1e, 0x2b, 0x51, 0x69, 0x05, 0x99, 0x1c, 0x7d, 0x7c, 0x96,
					0xfc, 0xbf, 0xb5, 0x87, 0xe4, 0x61, 0x00, 0x00, 0x00, 0x63 };
	static const uint8_t libreswan[] = "OE-Libreswan-4.10";
	static const uint8_t cp[] = { 0xf4, 0xed, 0x19, 0xe0, 0xc1, 0x14, 0xeb, 0x51, 0x6f, 0xaa,
				      0xac, 0x0e, 0xe3, 0x7d, 0xaf, 0x28, 0x07, 0xb4, 0x38, 0x1f,
				      0x00, 0x00, 0x00, 0x01 };
	uint8_t miss[sizeof(rfc3947)];
	size_t n = vendor_id_count();
	int sorted = 1, unique = 1, named = 1;

	is_str(name_of(rfc3947, sizeof(rfc3947)), "RFC 3947 NAT-T", "RFC 3947 NAT-T");
	is_str(name_of(natt02n, sizeof(natt02n)), "draft-ietf-ipsec-nat-t-ike-02\\n",
	       "draft 02 with the newline");
	is_str(name_of(dpd, sizeof(dpd)), "RFC 3706 DPD", "DPD");
	is_str(name_of(xauth, sizeof(xauth)), "XAUTH", "XAUTH (8-byte prefix)");
	is_str(name_of(unity, sizeof(unity)), "Cisco Unity", "Cisco Unity with version bytes");
	is_str(name_of(sswan, sizeof(sswan)), "strongSwan", "strongSwan");
	is_str(name_of(frag, sizeof(frag)), "Cisco IKE Fragmentation",
	       "Cisco fragmentation with flags picks the longer entry");
	is_str(name_of(frag, 16), "IKE Fragmentation", "bare FRAGMENTATION hash");
	is_str(name_of(ms7, sizeof(ms7)), "Microsoft Windows 7", "Windows version byte");
	is_str(name_of(ms99, sizeof(ms99)), "Microsoft Windows", "unknown Windows version: prefix");
	is_str(name_of(libreswan, sizeof(libreswan) - 1), "Libreswan", "Libreswan string VID");
	is_str(name_of(cp, sizeof(cp)), "Check Point", "Check Point with trailing data");

	memcpy(miss, rfc3947, sizeof(miss));
	miss[15] ^= 1;
	is_int(vendor_id_match(miss, sizeof(miss)), -1, "near miss (last bit) not matched");
	is_int(vendor_id_match(rfc3947, 15), -1, "one byte short not matched");
	is_int(vendor_id_match(sswan, sizeof(sswan) - 1), -1, "exact entry needs exact length");
	is_int(vendor_id_match(xauth, 7), -1, "prefix entry needs its whole prefix");
	is_int(vendor_id_match(NULL, 0), -1, "NULL is no vendor");
	ok(vendor_id_name(-1) == NULL, "index -1 has no name");
	ok(vendor_id_name((int)n) == NULL, "index past the end has no name");
	ok(n >= 60, "table holds the well-known VIDs (%zu)", n);

	for (size_t i = 0; i < n; i++) {
		size_t la, lb;
		const uint8_t *a = vendor_id_bytes((int)i, &la);

		if (!vendor_id_name((int)i) || !a || la == 0)
			named = 0;
		if (i + 1 < n) {
			const uint8_t *b = vendor_id_bytes((int)i + 1, &lb);
			int c = memcmp(a, b, la < lb ? la : lb);

			if (c > 0 || (c == 0 && la > lb))
				sorted = 0;
			if (c == 0 && la == lb)
				unique = 0;
		}
		/* Each entry must name itself: no shorter entry may shadow it. */
		if (vendor_id_match(a, la) != (int)i) {
			named = 0;
			printf("# entry %zu (%s) matches as %d\n", i, vendor_id_name((int)i),
			       vendor_id_match(a, la));
		}
	}
	ok(sorted, "table sorted by bytes");
	ok(unique, "no duplicate byte strings");
	ok(named, "every entry has a name and matches itself");
	return tap_done();
}
