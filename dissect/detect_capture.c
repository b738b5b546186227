/* detect_capture.c - diagnoses about the capture rather than a tunnel. */
#include <stdio.h>

#include "engine_int.h"

static const char *iface_text(uint32_t ifindex, const char *name, char *buf, size_t len)
{
	if (name[0])
		snprintf(buf, len, "%u (%.15s)", ifindex, name);
	else
		snprintf(buf, len, "%u", ifindex);
	return buf;
}

/* The capture layer found the same packets on two interfaces and left out
 * one side (see iface_copies.c): the user should know which side is judged,
 * and how to judge the other. */
void detect_iface_copies(struct engine *e, const struct unit *u)
{
	const struct iface_copies *c = &u->u.copies;
	struct diagnosis *d = diag_begin(e, DIAG_CAPTURE_SEEN_TWICE, SEV_INFO, CONF_CERTAIN);
	char kept[40], ignored[40];

	iface_text(c->kept, c->kept_name, kept, sizeof(kept));
	iface_text(c->ignored, c->ignored_name, ignored, sizeof(ignored));
	diag_evidence(d, c->kept_frame, c->kept_ns);
	diag_evidence(d, u->frame, u->ts_ns);
	diag_message(d,
		     "the same packets were captured on interfaces %s and %s (a host forwarding them, "
		     "or a VLAN or bond over its parent device, captured on all interfaces): from "
		     "frame %llu on, their copies on interface %s are left out, and what passes both "
		     "is judged as seen on interface %s",
		     kept, ignored, (unsigned long long)u->frame, ignored, kept);
	if (c->ignored_name[0])
		diag_hint(d,
			  "Information. Addresses and NAT verdicts are those of interface %s's side. "
			  "To judge the other side, capture on that interface alone (-i %.15s)",
			  kept, c->ignored_name);
	else
		diag_hint(d,
			  "Information. Addresses and NAT verdicts are those of interface %s's side. "
			  "To judge the other side, capture on that interface alone (-i NAME), or read "
			  "this file with -f 'ifindex %u'",
			  kept, c->ignored);
	diag_commit(e, d);
}
