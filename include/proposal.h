/* proposal.h - IKE/ESP proposals as text in strongSwan's syntax
 * ("aes256-sha256-prfsha256-modp2048", "aes128gcm16-esn"), parsed back from
 * that syntax (--peer-proposals), matched with IKEv2 rules, and compared to
 * say which transform did not match. The structs are in state.h. Within one
 * proposal several transforms of the same type are alternatives. */
#ifndef IKESCOPE_PROPOSAL_H
#define IKESCOPE_PROPOSAL_H

#include <stddef.h>

#include "state.h"

/* Formats one transform as a strongSwan keyword ("aes256", "prfsha384",
 * "ecp384", "esn"; unknown ids as "encr1234"). Returns the length it needed,
 * like snprintf; buf is always terminated when len > 0. */
size_t proposal_xform_format(const struct xform *x, char *buf, size_t len);

/* Formats a proposal as "encr-integ-prf-ke-esn" with alternatives in offer
 * order (an IKEv1 authentication method is left out: format that transform
 * alone). Returns the length it needed, like snprintf. */
size_t proposal_format(const struct proposal *p, char *buf, size_t len);

/* Parses a comma-separated list of proposals. A proposal with a PRF is an IKE
 * proposal, one with esn/noesn an ESP one, otherwise proto stays 0 (either).
 * Returns 0, or -1 with a one-line reason in err. */
int proposal_parse_list(const char *s, struct proposal_set *out, char *err, size_t errlen);

/* Whether two proposals have a transform in common for every type either
 * carries (RFC 7296 section 2.7). A text proposal without PRF takes it from
 * its integrity algorithm against an IKE proposal; missing ESN is noesn;
 * missing KE is no PFS; IKEv1 authentication methods compare when both
 * sides give one. Returns 1 on a match, 0 otherwise. */
int proposal_match(const struct proposal *a, const struct proposal *b);

/* Explains why no proposal of `offered` matches any of `peer`: for the pair
 * with the fewest mismatching transform types, one clause per type, e.g.
 * "encryption: offered aes128, peer accepts aes256; DH group: offered
 * modp2048, peer accepts ecp384". Returns the length it needed (0 when either
 * set is empty). */
size_t proposal_explain_mismatch(const struct proposal_set *offered, const struct proposal_set *peer,
				 char *buf, size_t len);

#endif
