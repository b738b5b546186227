/* test_cappos.c - capture position from the TTLs of each side, on the TTL
 * pairs of the real captures (pcaps/README.md) and the edge cases. */
#include <string.h>

#include "../../dissect/engine_int.h"
#include "../tap.h"

static unsigned pos(uint8_t init_ttl, uint8_t resp_ttl)
{
	struct ike_sa sa;

	memset(&sa, 0, sizeof(sa));
	sa.cap_pos = POS_PATH; /* must be overwritten */
	sa.init_ttl = init_ttl;
	sa.resp_ttl = resp_ttl;
	capture_pos_update(&sa);
	return sa.cap_pos;
}

int main(void)
{
	/* ikev2-natt.pcap: router WAN port next to the responder; the
	 * initiator's packets were routed once (63), the responder's not. */
	is_int(pos(63, 64), POS_RESPONDER, "natt capture: at the responder's link");
	/* ikev2-esp-udp.pcap: two namespaces on one veth, no router. */
	is_int(pos(64, 64), POS_UNKNOWN, "one link, no router: either end");
	/* ndpi ipsec_isakmp_esp.pcap: client one hop away, server far. */
	is_int(pos(63, 247), POS_PATH, "ndpi capture: in the path");
	is_int(pos(128, 120), POS_INITIATOR, "Windows initiator's host");
	is_int(pos(50, 255), POS_RESPONDER, "router as responder, captured on it");
	is_int(pos(255, 128), POS_UNKNOWN, "both initial values: unknown");
	is_int(pos(64, 0), POS_INITIATOR, "no response seen, initiator's TTL undecremented: its host");
	is_int(pos(0, 64), POS_RESPONDER, "no request seen, responder's TTL undecremented: its host");
	is_int(pos(63, 0), POS_UNKNOWN, "no response seen, initiator routed: unknown");
	is_int(pos(0, 0), POS_UNKNOWN, "nothing seen: unknown");
	is_int(pos(0, 0), POS_UNKNOWN, "nothing seen");
	is_int(pos(1, 254), POS_PATH, "TTL 254 is one hop from a 255 stack");
	is_int(pos(65, 129), POS_PATH, "values just above the initial ones are not initial");
	return tap_done();
}
