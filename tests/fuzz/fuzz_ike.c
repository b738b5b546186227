/* fuzz_ike.c - libFuzzer target for the ISAKMP/IKE parser (RFC 2408, RFC 7296
 * §3): raw bytes as one message through ike_parse() and the -v field tree of
 * its version, once with the datagram length equal to the input and once with
 * it unknown, so both the length check and the snaplen-cut paths run. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "ike.h"
#include "packet_view.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *sink;

static void parse_and_print(const uint8_t *data, size_t size, size_t datagram_len)
{
	struct ike_msg m;

	ike_parse(data, size, datagram_len, &m);
	if (m.err == IKE_E_SHORT || m.err == IKE_E_VERSION)
		return;
	if (m.major == 2)
		ike2_tree_print(sink, &m, 1);
	else if (m.major == 1)
		ike1_tree_print(sink, &m, 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!sink) {
		sink = fopen("/dev/null", "w");
		if (!sink)
			abort();
	}
	parse_and_print(data, size, size);
	parse_and_print(data, size, 0);
	return 0;
}
