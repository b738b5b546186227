/* child_end.c - the ESP SAs a visible IKE payload ends. A Delete names the
 * SPIs its sender expects in inbound ESP (RFC 7296 section 3.11, RFC 2408
 * section 3.15); INVALID_SPI names an SPI its sender received ESP on and has
 * no SA for (RFC 7296 section 3.10.1, RFC 2408 section 3.14.1). Either way
 * the ESP towards the sender on that SPI has no receiver any more, and what
 * still arrives on it is stale for certain (esp.stale_spi).
 *
 * Both travel encrypted in IKEv2 and after IKEv1 phase 1, so on the wire
 * they are rare (IKEv1 peers without phase 1 keys send them in clear);
 * payloads from decrypted messages come through here alike. AH SPIs are not
 * looked up: ESP flows are keyed by ESP SPIs only. */
#include "engine_int.h"

#include "cur.h"
#include "ike1.h"
#include "ike2.h"

/* spis: count SPIs of size bytes each, as far as the capture holds them. */
static void end_spis(struct engine *e, const struct unit *u, const uint8_t *spis, size_t len,
		     unsigned size, unsigned count)
{
	struct cur c = cur_make(spis, len);

	if (size != 4)
		return;
	while (count-- && cur_has(&c, 4))
		esp_flow_mark_stale(e, cur_be32(&c), &u->src, u->ts_ns);
}

static void ike1_end(struct engine *e, const struct unit *u, const struct ike_payload *pl,
		     const uint8_t *body, size_t len)
{
	if (pl->type == IKE1_PLD_D) {
		struct ike1_delete d;

		ike1_parse_delete(body, len, &d);
		if (d.proto != IKE1_PROTO_ESP || d.spi_size != 4)
			return;
		for (unsigned i = 0; i < d.stored; i++)
			end_spis(e, u, d.spi[i].p, d.spi[i].len, 4, 1);
	} else {
		struct ike1_notify n;

		ike1_parse_notify(body, len, &n);
		if (n.proto == IKE1_PROTO_ESP)
			end_spis(e, u, n.spi.p, n.spi.len, n.spi_size, 1);
	}
}

/* IKEv2's INVALID_SPI carries the SPI in its Notification Data; an SPI
 * field of the right size is read as well, since implementations differ. */
static void ike2_end(struct engine *e, const struct unit *u, const struct ike_payload *pl,
		     const uint8_t *body, size_t len)
{
	if (pl->type == IKE2_PLD_D) {
		struct ike2_delete d;

		if (ike2_parse_delete(body, len, &d) != 0 || d.proto != IKE2_PROTO_ESP)
			return;
		end_spis(e, u, d.spis.p, d.spis.len, d.spi_size, d.nspi);
	} else {
		struct ike2_notify n;

		/* Views the parse could not fill stay empty. */
		ike2_parse_notify(body, len, &n);
		if (n.proto != IKE2_PROTO_ESP)
			return;
		if (n.spi.len == 4)
			end_spis(e, u, n.spi.p, n.spi.len, 4, 1);
		else if (n.data.len == 4)
			end_spis(e, u, n.data.p, n.data.len, 4, 1);
	}
}

void ike_child_end(struct engine *e, const struct ike_msg *m, unsigned i, const struct unit *u)
{
	const struct ike_payload *pl = &m->pl[i];
	bool v2 = ike_is_v2(m);
	const uint8_t *body;
	size_t len;

	if (pl->bad || pl->proto != (v2 ? IKE2_PROTO_ESP : IKE1_PROTO_ESP))
		return;
	if (pl->type != (v2 ? IKE2_PLD_D : IKE1_PLD_D) &&
	    !(pl->type == (v2 ? IKE2_PLD_N : IKE1_PLD_N) && pl->notify == N_INVALID_SPI))
		return;
	body = ike_payload_body(m, i, &len);
	if (!body)
		return;
	if (v2)
		ike2_end(e, u, pl, body, len);
	else
		ike1_end(e, u, pl, body, len);
}
