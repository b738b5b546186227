/* tcp_encap.c - RFC 8229 §3 framing on a reassembled TCP byte stream: the
 * "IKETCP" prefix from the initiator, then frames of a 16-bit length that
 * counts itself, holding IKE after a non-ESP marker or an ESP packet. */
#include <string.h>

#include "tcp_stream.h"

static const uint8_t iketcp_prefix[6] = { 'I', 'K', 'E', 'T', 'C', 'P' };
#define TCP_LEN_FIELD 2
#define NON_ESP_MARKER_LEN 4
/* The smallest payload is an ESP header (SPI + sequence number). */
#define TCP_MIN_FRAME (TCP_LEN_FIELD + 8)

void tcp_event_emit(struct decoder *d, const struct unit *tmpl, uint8_t kind, uint32_t bytes)
{
	struct unit u = *tmpl;

	u.kind = UNIT_TCP_EVENT;
	u.data = NULL;
	u.len = u.orig_len = 0;
	memset(&u.u, 0, sizeof(u.u));
	u.u.tcp.kind = kind;
	u.u.tcp.bytes = bytes;
	decoder_emit(d, &u);
}

void tcp_dir_desync(struct decoder *d, const struct unit *tmpl, struct tcp_dir *t, uint8_t kind,
		    uint32_t bytes)
{
	tcp_event_emit(d, tmpl, kind, bytes);
	t->desync = true;
	t->nooo = 0;
	t->len = 0;
}

/* Checks the prefix once enough bytes are there. False: wait for more. */
static bool tcp_encap_prefix(struct decoder *d, struct tcp_dir *t, const struct unit *tmpl,
			     uint32_t *pos)
{
	uint32_t n = t->len < sizeof(iketcp_prefix) ? t->len : sizeof(iketcp_prefix);

	if (!memcmp(t->buf, iketcp_prefix, n)) {
		if (n < sizeof(iketcp_prefix))
			return false;
		tcp_event_emit(d, tmpl, TCPEV_PREFIX, sizeof(iketcp_prefix));
		*pos = sizeof(iketcp_prefix);
	} else if (t->syn) {
		/* Mid-stream we cannot know where the stream began: no complaint. */
		tcp_event_emit(d, tmpl, TCPEV_BAD_PREFIX, 0);
	}
	t->prefix_pending = false;
	return true;
}

static void tcp_encap_frame(struct decoder *d, const struct unit *tmpl, const uint8_t *p,
			    uint16_t flen)
{
	struct unit u = *tmpl;
	const uint8_t *body = p + TCP_LEN_FIELD;
	size_t blen = (size_t)flen - TCP_LEN_FIELD;

	u.transport = TR_TCP;
	if (blen >= NON_ESP_MARKER_LEN && !body[0] && !body[1] && !body[2] && !body[3]) {
		u.kind = UNIT_IKE;
		u.data = body + NON_ESP_MARKER_LEN;
		u.len = u.orig_len = blen - NON_ESP_MARKER_LEN;
	} else {
		u.kind = UNIT_ESP;
		u.data = body;
		u.len = u.orig_len = blen;
	}
	decoder_emit(d, &u);
}

void tcp_encap_run(struct decoder *d, struct tcp_dir *t, const struct unit *tmpl,
		   uint32_t bufsize)
{
	uint32_t pos = 0, end;
	unsigned i;

	if (t->desync)
		return;
	if (t->prefix_pending && t->initiator && t->len && !tcp_encap_prefix(d, t, tmpl, &pos))
		return;
	while (t->len - pos >= TCP_LEN_FIELD) {
		uint16_t flen = (uint16_t)(t->buf[pos] << 8 | t->buf[pos + 1]);

		if (flen < TCP_MIN_FRAME) {
			struct pkt k = { .u = *tmpl };

			decoder_error(d, &k, DERR_TCP_FRAME_LENGTH, true);
			t->desync = true;
			t->len = t->nooo = 0;
			return;
		}
		if (flen > bufsize) {
			tcp_dir_desync(d, tmpl, t, TCPEV_OVERFLOW, flen);
			return;
		}
		if (t->len - pos < flen)
			break;
		tcp_encap_frame(d, tmpl, t->buf + pos, flen);
		pos += flen;
	}
	if (!pos)
		return;
	/* Slide what is left (a partial frame and any islands) to the front. */
	end = t->len;
	for (i = 0; i < t->nooo; i++)
		if (t->ooo[i].hi > end)
			end = t->ooo[i].hi;
	memmove(t->buf, t->buf + pos, end - pos);
	t->base += pos;
	t->len -= pos;
	for (i = 0; i < t->nooo; i++) {
		t->ooo[i].lo -= pos;
		t->ooo[i].hi -= pos;
	}
}
