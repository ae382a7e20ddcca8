/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Strict numbers for every value read from a command line, a configuration
 * file or the network. Decimal ("010" is ten), or hexadecimal with a "0x"
 * prefix; no sign, no spaces, nothing after the digits. Pure: nothing is
 * logged, the caller quotes the value with num_strerror()'s reason.
 */
#ifndef VPNFO_NUM_H
#define VPNFO_NUM_H

#include <stddef.h>
#include <stdint.h>

/* 0, -EINVAL (not a number) or -ERANGE (outside [min, max]). */
int num_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);
int num_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);
/* As above, over the first len bytes of s (which need not end there). */
int num_parse_u64n(const char *s, size_t len, uint64_t min, uint64_t max,
		   uint64_t *out);

/*
 * A decimal number followed by a unit ("30s", "1500ms"): the digits are
 * read strictly as above, *unit points at what follows them ("" if none).
 */
int num_parse_unit(const char *s, uint64_t min, uint64_t max, uint64_t *out,
		   const char **unit);

/* "not a number" / "out of range" for the codes above. */
const char *num_strerror(int err);

#endif
