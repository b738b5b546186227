/* cappos.c - where the capture point sits between the IKE peers, inferred
 * from the IPv4 TTL / IPv6 hop limit (RFC 791 section 3.2, RFC 8200 section
 * 3): a packet still carrying a common initial value was captured on its
 * sender's host (or on a link to it without a router in between). */
#include "engine_int.h"

/* Initial TTLs of the common stacks: Linux/BSD/macOS 64, Windows 128,
 * network equipment 255. */
static bool initial_ttl(uint8_t ttl)
{
	return ttl == 64 || ttl == 128 || ttl == 255;
}

void capture_pos_update(struct ike_sa *sa)
{
	bool init_here, resp_here;

	/* A host that forwards the SA's messages is between the peers, however
	 * near one of them (a NAT router next to its clients). */
	if (sa->forwarded_here) {
		sa->cap_pos = POS_PATH;
		return;
	}

	/* TTL 0 is "not seen yet". One side alone still places the capture on
	 * that side's host when its TTL is undecremented (a silent responder
	 * leaves only the initiator's packets); a decremented one says nothing. */
	if (sa->init_ttl == 0 || sa->resp_ttl == 0) {
		if (sa->init_ttl && initial_ttl(sa->init_ttl))
			sa->cap_pos = POS_INITIATOR;
		else if (sa->resp_ttl && initial_ttl(sa->resp_ttl))
			sa->cap_pos = POS_RESPONDER;
		else
			sa->cap_pos = POS_UNKNOWN;
		return;
	}
	init_here = initial_ttl(sa->init_ttl);
	resp_here = initial_ttl(sa->resp_ttl);
	if (init_here && !resp_here)
		sa->cap_pos = POS_INITIATOR;
	else if (resp_here && !init_here)
		sa->cap_pos = POS_RESPONDER;
	else if (!init_here && !resp_here)
		sa->cap_pos = POS_PATH;
	else
		/* Both undecremented: peers on one link (or one host) with no
		 * router between them, so the capture could be either end. */
		sa->cap_pos = POS_UNKNOWN;
}
