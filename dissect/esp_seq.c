/* esp_seq.c - an ESP flow's sequence numbers against a receiver's
 * anti-replay window (RFC 4303 section 3.4.3), with ESN inference as in its
 * appendix A2: loss, reordering, duplicates, packets late for a 64 or a
 * 1024 packet window, ESN rollovers and restarts. Per packet: a bit set and
 * at most ESP_WIN_WORDS word clears. */
#include "engine_int.h"

#include <string.h>

#define WIN_BITS ESP_WIN_BITS
/* A 32-bit value this close to the wrap, followed by one this small, is an
 * ESN rollover rather than a restart. */
#define ESN_NEAR (1u << 20)
/* A sequence falling back to this or lower after being far above the window
 * is a sender that started again (new SA with a reused SPI, rebooted peer). */
#define RESTART_LOW 16
#define RESTART_DROP (2 * WIN_BITS)
/* A jump forward this large (16M packets) is not loss: the sender started
 * over elsewhere, or writes its counter in the wrong byte order (seen in the
 * wild: 1, 2, 3 as 0x01000000, 0x02000000, ...). */
#define JUMP_MAX (1ull << 24)

/* The window is a ring of words indexed by sequence number (as in RFC 6479):
 * moving the top forward clears only the words it enters, so an in-order
 * packet costs a bit set, not a shift of the whole window. The ring holds
 * one word more than the window, so every number less than WIN_BITS below
 * the top keeps its word. */
static uint64_t *win_word(struct esp_flow *f, uint64_t s)
{
	return &f->win[(s / 64) % ESP_WIN_WORDS];
}

static void win_advance(struct esp_flow *f, uint64_t s)
{
	uint64_t from = f->seq_top / 64, to = s / 64;

	if (to - from >= ESP_WIN_WORDS)
		memset(f->win, 0, sizeof(f->win));
	else
		for (uint64_t w = from + 1; w <= to; w++)
			f->win[w % ESP_WIN_WORDS] = 0;
	*win_word(f, s) |= 1ull << (s % 64);
	f->seq_top = s;
}

void esp_seq_start(struct esp_flow *f, uint64_t top)
{
	memset(f->win, 0, sizeof(f->win));
	*win_word(f, top) = 1ull << (top % 64);
	f->seq_top = top;
	f->seq_first = top;
}

/* The 64-bit sequence number the 32 bits on the wire most likely stand for. */
static uint64_t seq_infer(const struct esp_flow *f, uint32_t seq, bool *rolled)
{
	uint64_t hi = f->seq_top >> 32;
	uint32_t lo = (uint32_t)f->seq_top;

	*rolled = false;
	if (lo >= UINT32_MAX - ESN_NEAR && seq < ESN_NEAR) {
		*rolled = true;
		return ((hi + 1) << 32) | seq;
	}
	/* A late packet from just before a rollover. */
	if (hi && lo < ESN_NEAR && seq > UINT32_MAX - ESN_NEAR)
		return ((hi - 1) << 32) | seq;
	return (hi << 32) | seq;
}

void esp_seq_update(struct esp_flow *f, uint32_t seq32, uint64_t frame, int64_t ns)
{
	bool rolled;
	uint64_t s = seq_infer(f, seq32, &rolled), d, *w, bit;

	if (s > f->seq_top) {
		d = s - f->seq_top;
		if (d >= JUMP_MAX) {
			f->restarts++;
			esp_seq_start(f, s);
			return;
		}
		if (rolled)
			f->esn_rollovers++;
		if (d > 1) {
			f->lost += d - 1;
			if (!f->gap_frame) {
				f->gap_frame = frame;
				f->gap_ns = ns;
			}
		}
		win_advance(f, s);
		return;
	}
	d = f->seq_top - s;
	if (seq32 <= RESTART_LOW && d >= RESTART_DROP) {
		f->restarts++;
		esp_seq_start(f, seq32);
		return;
	}
	if (d < WIN_BITS) {
		w = win_word(f, s);
		bit = 1ull << (s % 64);
		if (*w & bit) {
			if (!f->duplicates++) {
				f->dup_frame = frame;
				f->dup_ns = ns;
			}
			return;
		}
		*w |= bit;
		f->reordered++;
		/* A late packet fills a gap counted as lost when it opened. */
		if (f->lost)
			f->lost--;
	} else {
		/* Beyond the window its bit is gone: a duplicate and a gap filler
		 * look alike, so lost is left as it is. */
		f->late1024++;
	}
	if (d >= 64) {
		if (!f->late64++) {
			f->late_frame = frame;
			f->late_ns = ns;
		}
	}
}

uint64_t esp_seq_open(const struct esp_flow *f, uint64_t n)
{
	uint64_t top = f->seq_top, s, open = 0;

	if (n > WIN_BITS)
		n = WIN_BITS;
	if (!n)
		return 0;
	/* Numbers before the sequence (re)started were never sent. */
	s = top - f->seq_first >= n - 1 ? top - (n - 1) : f->seq_first;
	for (; s <= top;) {
		unsigned b = (unsigned)(s % 64);
		uint64_t nb = 64 - b < top - s + 1 ? 64 - b : top - s + 1;
		uint64_t mask = (nb == 64 ? ~0ull : (1ull << nb) - 1) << b;

		open += nb - (uint64_t)__builtin_popcountll(f->win[(s / 64) % ESP_WIN_WORDS] & mask);
		s += nb;
	}
	return open;
}

uint64_t engine_flow_expected(const struct esp_flow *f)
{
	uint64_t once = f->packets > f->duplicates ? f->packets - f->duplicates : 0;

	return once + f->lost;
}

unsigned engine_flow_loss_permille(const struct esp_flow *f)
{
	uint64_t n = engine_flow_expected(f);

	return n ? (unsigned)((f->lost * 1000 + n / 2) / n) : 0;
}
