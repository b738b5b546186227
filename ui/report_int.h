/* report_int.h - what the report's files share: colours, word wrapping at
 * 80 columns, relative packet times. Not for other views. */
#ifndef IKESCOPE_REPORT_INT_H
#define IKESCOPE_REPORT_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "report.h"

#define REPORT_WIDTH 80

enum rcolor { RC_NONE = 0, RC_RED, RC_GREEN, RC_YELLOW, RC_CYAN, RC_BOLD };

struct rctx {
	FILE *f;
	const struct engine *e;
	bool color;
	int64_t origin_ns;  /* first packet: every time is printed relative to it */
};

/* Starts / ends a colour (nothing when colours are off). */
void rc_on(const struct rctx *r, enum rcolor c);
void rc_off(const struct rctx *r, enum rcolor c);
enum rcolor severity_color(unsigned sev);
/* "+1.234s" relative to the first packet. */
const char *rel_time(const struct rctx *r, int64_t ns, char *buf, size_t len);
/* "+1.2s" / "+250ms": an interval between retransmissions. */
const char *interval_text(uint32_t ms, char *buf, size_t len);
/* Writes text from column col, breaking between words at REPORT_WIDTH and
 * indenting continuation lines by indent; ends the line. Non-printable bytes
 * are escaped. */
void wrap_text(FILE *f, int col, int indent, const char *text);

/* The engine's state in report order (ui/report_index.c). */
#define NO_RANK UINT32_MAX

struct sa_ent {
	uint64_t first_frame;
	uint8_t version;
	uint8_t ispi[8];
	uint32_t slot;
};

struct flow_ent {
	uint32_t rank;  /* display rank of its IKE SA, NO_RANK for none */
	uint64_t first_frame;
	uint32_t spi;
	uint32_t slot;
};

struct spi_ent {
	uint32_t spi;
	struct addr dst;
	uint32_t slot;
};

struct diag_ent {
	uint32_t rank;
	uint8_t severity;
	uint64_t frame;
	size_t idx;
};

/* The engine's state put in display order once per report. */
struct rindex {
	struct sa_ent *sas;
	size_t nsas;
	uint32_t *rank;          /* by SA slot */
	struct flow_ent *flows;
	size_t nflows;
	uint32_t *flow_pos;      /* by flow slot: its index in flows + 1 */
	struct spi_ent *spis;    /* flows by SPI and destination, for diagnoses */
	struct diag_ent *diags;
	size_t ndiags;
};

int rindex_build(struct rindex *ix, const struct engine *e);
void rindex_free(struct rindex *ix);
/* Index range [*lo, *hi) of the flows / diagnoses of this tunnel rank,
 * searching from *lo (both arrays are sorted by rank). */
void rank_range_flows(const struct rindex *ix, uint32_t rank, size_t *lo, size_t *hi);
void rank_range_diags(const struct rindex *ix, uint32_t rank, size_t *lo, size_t *hi);

/* The ladder of one IKE SA's exchanges (ui/report_ladder.c). */
void ladder_print(const struct rctx *r, const struct ike_sa *sa);

#endif
