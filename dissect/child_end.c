/* child_end.c - the ESP SAs a cleartext IKEv1 payload ends. A Delete names
 * the SPIs its sender expects in inbound ESP (RFC 2408 section 3.15);
 * INVALID_SPI names an SPI its sender received ESP on and has no SA for
 * (section 3.14.1). Either way the ESP towards the sender on that SPI has no
 * receiver any more, and what still arrives on it is stale for certain
 * (esp.stale_spi).
 *
 * IKEv1 sends them in clear when it has no phase 1 keys (an unprotected
 * informational). IKEv2 sends both only inside SK (RFC 7296 sections 1.4.1
 * and 2.21.4), and a receiver discards them in clear: an unprotected one is
 * not trusted here either; they will come from decrypted messages. AH SPIs
 * are not looked up: ESP flows are keyed by ESP SPIs only. */
#include "engine_int.h"

#include "cur.h"
#include "ike1.h"

/* One SPI of size bytes, as far as the capture holds it. */
static void end_spi(struct engine *e, const struct unit *u, const uint8_t *spi, size_t len,
		    unsigned size)
{
	struct cur c = cur_make(spi, len);

	if (size == 4 && cur_has(&c, 4))
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
			end_spi(e, u, d.spi[i].p, d.spi[i].len, 4);
	} else {
		struct ike1_notify n;

		ike1_parse_notify(body, len, &n);
		if (n.proto == IKE1_PROTO_ESP)
			end_spi(e, u, n.spi.p, n.spi.len, n.spi_size);
	}
}

void ike_child_end(struct engine *e, const struct ike_msg *m, unsigned i, const struct unit *u)
{
	const struct ike_payload *pl = &m->pl[i];
	const uint8_t *body;
	size_t len;

	if (ike_is_v2(m) || pl->bad || pl->proto != IKE1_PROTO_ESP)
		return;
	if (pl->type != IKE1_PLD_D && !(pl->type == IKE1_PLD_N && pl->notify == N_INVALID_SPI))
		return;
	body = ike_payload_body(m, i, &len);
	if (body)
		ike1_end(e, u, pl, body, len);
}
