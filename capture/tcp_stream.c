/* tcp_stream.c - TCP (RFC 9293 §3.10.7.4) segment reassembly for RFC 8229
 * streams: a bounded stream table with LRU eviction, per-direction buffers
 * from a pool allocated once, out-of-order islands, retransmissions trimmed
 * so nothing is delivered twice, and gaps that end framing for the direction
 * (after a gap no frame boundary can be trusted until a new connection). */
#include <stdlib.h>
#include <string.h>

#include "tcp_stream.h"

#define TCP_MIN_HDR 20
#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_ACK 0x10
/* How long an island may wait for the bytes before it (packet time). */
#define TCP_GAP_TIMEOUT_NS (10LL * 1000000000)

struct tcp_table {
	uint32_t n;
	uint32_t bufsize;
	uint64_t clock;          /* LRU stamp */
	struct tcp_stream *s;
	uint8_t *pool;           /* 2 * n * bufsize */
};

struct tcp_table *tcp_table_new(const struct decoder_config *cfg)
{
	struct tcp_table *t = calloc(1, sizeof(*t));
	uint32_t i;

	if (!t)
		return NULL;
	t->n = cfg->tcp_max_streams;
	t->bufsize = cfg->tcp_stream_buf;
	t->s = calloc(t->n, sizeof(*t->s));
	t->pool = malloc((size_t)2 * t->n * t->bufsize);
	if (!t->s || !t->pool) {
		tcp_table_free(t);
		return NULL;
	}
	for (i = 0; i < t->n; i++) {
		t->s[i].dir[0].buf = t->pool + (size_t)2 * i * t->bufsize;
		t->s[i].dir[1].buf = t->pool + ((size_t)2 * i + 1) * t->bufsize;
	}
	return t;
}

void tcp_table_free(struct tcp_table *t)
{
	if (!t)
		return;
	free(t->s);
	free(t->pool);
	free(t);
}

void tcp_unit_init(const struct tcp_stream *s, unsigned i, struct unit *u)
{
	memset(u, 0, sizeof(*u));
	u->transport = TR_TCP;
	u->frame = s->last_frame;
	u->ts_ns = s->last_ns;
	u->src.family = u->dst.family = s->family;
	memcpy(u->src.a, s->addr[i], 16);
	memcpy(u->dst.a, s->addr[!i], 16);
	u->sport = s->port[i];
	u->dport = s->port[!i];
	u->ifindex = s->ifindex;
	u->outgoing = s->outgoing[i];
}

static void tcp_stream_clear(struct tcp_stream *s)
{
	uint8_t *b0 = s->dir[0].buf, *b1 = s->dir[1].buf;

	memset(s, 0, sizeof(*s));
	s->dir[0].buf = b0;
	s->dir[1].buf = b1;
}

/* The stream of this segment and which endpoint sent it, or NULL. */
static struct tcp_stream *tcp_find(struct tcp_table *t, const struct pkt *k, unsigned *who)
{
	uint32_t i;

	/* The table is small (default 256): a scan is cheaper to keep right
	 * under LRU eviction than a hash. */
	for (i = 0; i < t->n; i++) {
		struct tcp_stream *s = &t->s[i];
		unsigned e;

		if (!s->used || s->family != k->u.src.family || s->ifindex != k->u.ifindex)
			continue;
		for (e = 0; e < 2; e++) {
			if (s->port[e] == k->u.sport && s->port[!e] == k->u.dport &&
			    !memcmp(s->addr[e], k->u.src.a, 16) &&
			    !memcmp(s->addr[!e], k->u.dst.a, 16)) {
				*who = e;
				return s;
			}
		}
	}
	return NULL;
}

/* Nothing more can come on this side: it closed, and every byte before
 * its FIN is here; or it was never seen, or lost its framing. */
static bool tcp_dir_done(const struct tcp_dir *t)
{
	return !t->active || t->desync || (t->fin && !t->nooo && t->base + t->len == t->fin_seq);
}

static bool tcp_stream_done(const struct tcp_stream *s)
{
	return s->reset || (tcp_dir_done(&s->dir[0]) && tcp_dir_done(&s->dir[1]));
}

/* A free slot, else the least recently used of the streams that ended
 * (kept to trim their late retransmissions), else of all: only that one
 * is an eviction. */
static struct tcp_stream *tcp_create(struct decoder *d, const struct pkt *k)
{
	struct tcp_table *t = d->tcp;
	struct tcp_stream *s = NULL, *ended = NULL;
	uint32_t i;

	for (i = 0; i < t->n && !s; i++)
		if (!t->s[i].used)
			s = &t->s[i];
	for (i = 0; i < t->n && !s; i++)
		if (tcp_stream_done(&t->s[i]) && (!ended || t->s[i].lru < ended->lru))
			ended = &t->s[i];
	if (!s && ended)
		s = ended;
	if (!s) {
		s = &t->s[0];
		for (i = 1; i < t->n; i++)
			if (t->s[i].lru < s->lru)
				s = &t->s[i];
		d->st.tcp_streams_evicted++;
	}
	tcp_stream_clear(s);
	s->used = true;
	s->family = k->u.src.family;
	memcpy(s->addr[0], k->u.src.a, 16);
	memcpy(s->addr[1], k->u.dst.a, 16);
	s->port[0] = k->u.sport;
	s->port[1] = k->u.dport;
	s->ifindex = k->u.ifindex;
	d->st.tcp_streams++;
	return s;
}

static void tcp_dir_start(struct tcp_dir *t, uint32_t base, bool syn, bool initiator)
{
	uint8_t *buf = t->buf;

	memset(t, 0, sizeof(*t));
	t->buf = buf;
	t->active = true;
	t->base = base;
	t->syn = syn;
	t->initiator = initiator;
	t->prefix_pending = initiator;
}

/* Adds [lo, hi), come at now, to the islands, merging; false when there
 * are too many. */
static bool tcp_island_add(struct tcp_dir *t, uint32_t lo, uint32_t hi, int64_t now)
{
	unsigned i, w = 0;
	int64_t since = now;

	for (i = 0; i < t->nooo; i++) {
		struct tcp_range r = t->ooo[i];

		if (r.hi < lo || hi < r.lo) {
			t->ooo[w++] = r;
			continue;
		}
		lo = r.lo < lo ? r.lo : lo;
		hi = r.hi > hi ? r.hi : hi;
		since = r.since < since ? r.since : since;
	}
	if (w == TCP_MAX_OOO)
		return false;
	t->ooo[w++] = (struct tcp_range){ lo, hi, since };
	t->nooo = (uint8_t)w;
	return true;
}

/* Extends the contiguous run over islands that now touch it. */
static void tcp_island_join(struct tcp_dir *t)
{
	bool moved = true;
	unsigned i;

	while (moved) {
		moved = false;
		for (i = 0; i < t->nooo; i++) {
			if (t->ooo[i].lo > t->len)
				continue;
			if (t->ooo[i].hi > t->len)
				t->len = t->ooo[i].hi;
			t->ooo[i] = t->ooo[--t->nooo];
			moved = true;
			break;
		}
	}
}

/* The gap timeout runs from the oldest island still waiting, not from
 * one the hole before it has since joined to the run. */
static void tcp_island_age(struct tcp_dir *t)
{
	t->ooo_since = 0;
	for (unsigned i = 0; i < t->nooo; i++)
		if (!t->ooo_since || t->ooo[i].since < t->ooo_since)
			t->ooo_since = t->ooo[i].since;
}

/* Copies the bytes of [off, off + n) not held yet. A byte sent twice with
 * different data keeps its first copy, as a receiver does, whether or not
 * a frame ended before it (retransmissions are trimmed the same way). */
static void tcp_copy_new(struct tcp_dir *t, uint32_t off, const uint8_t *p, uint32_t n)
{
	uint32_t pos = off > t->len ? off : t->len, end = off + n;

	while (pos < end) {
		uint32_t next = end;
		bool held = false;

		for (unsigned i = 0; i < t->nooo && !held; i++) {
			if (t->ooo[i].lo <= pos && pos < t->ooo[i].hi) {
				pos = t->ooo[i].hi;
				held = true;
			} else if (t->ooo[i].lo > pos && t->ooo[i].lo < next) {
				next = t->ooo[i].lo;
			}
		}
		if (held)
			continue;
		memcpy(t->buf + pos, p + (pos - off), next - pos);
		pos = next;
	}
}

static uint32_t tcp_first_island(const struct tcp_dir *t)
{
	uint32_t lo = UINT32_MAX;
	unsigned i;

	for (i = 0; i < t->nooo; i++)
		if (t->ooo[i].lo < lo)
			lo = t->ooo[i].lo;
	return lo;
}

/* Places segment bytes into the direction's buffer. */
static void tcp_dir_data(struct decoder *d, struct tcp_dir *t, const struct unit *tmpl,
			 uint32_t seq, const uint8_t *p, uint32_t n, int64_t now)
{
	uint32_t bufsize = d->tcp->bufsize;
	int64_t off = (int32_t)(seq - t->base);

	if (off < 0) {
		/* Retransmitted bytes already delivered: keep only the new tail. */
		if ((uint64_t)-off >= n)
			return;
		p += -off;
		n -= (uint32_t)-off;
		off = 0;
	}
	/* Nothing is sent after a FIN: what a segment claims past it is not
	 * stream data. */
	if (t->fin) {
		int64_t room = (int32_t)(t->fin_seq - t->base) - off;

		if (room <= 0)
			return;
		if ((uint64_t)room < n)
			n = (uint32_t)room;
	}
	if ((uint64_t)off + n > bufsize) {
		if ((uint32_t)off <= t->len)
			tcp_dir_desync(d, tmpl, t, TCPEV_OVERFLOW, n);
		else
			tcp_dir_desync(d, tmpl, t, TCPEV_GAP, (uint32_t)off - t->len);
		return;
	}
	tcp_copy_new(t, (uint32_t)off, p, n);
	if ((uint32_t)off <= t->len) {
		if ((uint32_t)off + n > t->len)
			t->len = (uint32_t)off + n;
		tcp_island_join(t);
	} else if (!tcp_island_add(t, (uint32_t)off, (uint32_t)off + n, now)) {
		tcp_dir_desync(d, tmpl, t, TCPEV_GAP, tcp_first_island(t) - t->len);
		return;
	}
	tcp_island_age(t);
}

static bool tcp_dir_overdue(const struct tcp_dir *t, int64_t now)
{
	return t->active && !t->desync && t->nooo && now - TCP_GAP_TIMEOUT_NS >= t->ooo_since;
}

/* Checks a direction's islands against the gap timeout. */
static void tcp_dir_expire(struct decoder *d, struct tcp_stream *s, unsigned i, int64_t now)
{
	struct tcp_dir *t = &s->dir[i];
	struct unit tmpl;

	if (!tcp_dir_overdue(t, now))
		return;
	tcp_unit_init(s, i, &tmpl);
	tcp_dir_desync(d, &tmpl, t, TCPEV_GAP, tcp_first_island(t) - t->len);
}

/* Oldest hole first, so the order of the gap events does not depend on
 * where the streams sit in the table. */
void tcp_expire(struct decoder *d, int64_t now_ns)
{
	struct tcp_table *t = d->tcp;

	for (;;) {
		struct tcp_stream *oldest = NULL;
		unsigned dir = 0;

		for (uint32_t i = 0; i < t->n; i++) {
			for (unsigned k = 0; k < 2 && t->s[i].used; k++) {
				const struct tcp_dir *x = &t->s[i].dir[k];

				if (tcp_dir_overdue(x, now_ns) &&
				    (!oldest || x->ooo_since < oldest->dir[dir].ooo_since)) {
					oldest = &t->s[i];
					dir = k;
				}
			}
		}
		if (!oldest)
			return;
		tcp_dir_expire(d, oldest, dir, now_ns);
	}
}

void tcp_segment(struct decoder *d, struct pkt *k, struct cur c, size_t orig_len)
{
	struct tcp_stream *s;
	struct tcp_dir *t;
	struct unit tmpl;
	uint32_t seq, hlen, n;
	uint8_t flags;
	unsigned who;
	bool ours;

	k->u.sport = cur_be16(&c);
	k->u.dport = cur_be16(&c);
	seq = cur_be32(&c);
	cur_skip(&c, 4);
	hlen = (uint32_t)(cur_u8(&c) >> 4) * 4;
	flags = cur_u8(&c);
	cur_skip(&c, 6);
	ours = decoder_is_tcp_port(d, k->u.sport) || decoder_is_tcp_port(d, k->u.dport);
	if (c.err || hlen < TCP_MIN_HDR || !cur_skip(&c, hlen - TCP_MIN_HDR) || orig_len < hlen) {
		decoder_error(d, k, DERR_TRUNCATED_L4, ours);
		return;
	}
	if (!ours)
		return;
	s = tcp_find(d->tcp, k, &who);
	if (!s) {
		/* A bare ACK or a FIN/RST of a stream we never saw starts nothing. */
		if (!(flags & TCP_SYN) && (!cur_left(&c) || (flags & TCP_RST)))
			return;
		s = tcp_create(d, k);
		who = 0;
	}
	s->lru = ++d->tcp->clock;
	s->outgoing[who] = k->u.outgoing;
	s->last_frame = k->u.frame;
	s->last_ns = k->u.ts_ns;
	t = &s->dir[who];
	tcp_unit_init(s, who, &tmpl);
	/* After an RST, segments still in flight carry nothing to deliver:
	 * their receiver has dropped the connection. As a receiver does (RFC
	 * 5961 section 3.2), only an RST at the sender's next sequence number
	 * counts: a guessed one does not blind the stream. */
	if (flags & TCP_RST) {
		if (!t->active || seq == t->base + t->len)
			s->reset = true;
		return;
	}
	if (flags & TCP_SYN) {
		/* A pure SYN comes from the connecting side; SYN-ACK from the server. */
		s->reset = false;
		tcp_dir_start(t, seq + 1, true, !(flags & TCP_ACK));
		return;
	}
	if (s->reset)
		return;
	if (!t->active)
		tcp_dir_start(t, seq, false, decoder_is_tcp_port(d, k->u.dport));
	n = (uint32_t)cur_left(&c);
	if (!t->desync && n)
		tcp_dir_data(d, t, &tmpl, seq, c.p, n, k->u.ts_ns);
	tcp_encap_run(d, t, &tmpl, d->tcp->bufsize);
	/* New bytes the snaplen cut off are a hole nothing will fill. */
	if (!t->desync && n < orig_len - hlen &&
	    (int32_t)(seq + (uint32_t)(orig_len - hlen) - (t->base + t->len)) > 0)
		tcp_dir_desync(d, &tmpl, t, TCPEV_GAP, (uint32_t)(orig_len - hlen - n));
	tcp_dir_expire(d, s, who, k->u.ts_ns);
	/* The stream stays: a retransmission after the FIN is trimmed like any
	 * other, and a hole before it waits for the gap timeout. */
	if ((flags & TCP_FIN) && !t->fin) {
		t->fin = true;
		t->fin_seq = seq + (uint32_t)(orig_len - hlen);
	}
}
