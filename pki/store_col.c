// SPDX-License-Identifier: GPL-2.0
/*
 * Stored values back into C: every number a row holds goes through the
 * strict parsers of lib/num.h. A value that does not parse, or lies
 * outside what its column may hold, is an error with a reason naming the
 * column and quoting the value, never a silent 0: a row someone edited by
 * hand, or a backend that returns something unexpected, is refused.
 */
#include "store_impl.h"
#include "lib/num.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int store_col_i64(const char *val, const char *col, int64_t min, int64_t max, int64_t *out,
		  char *why, size_t whylen)
{
	bool neg;
	uint64_t mag;
	int64_t v;
	int err;

	if (!val) {
		snprintf(why, whylen, "stored %s is NULL, want a number", col);
		return -EBADMSG;
	}
	/* lib/num.h takes no sign; times and priorities may be negative. */
	neg = val[0] == '-';
	err = num_parse_u64(val + neg, 0, neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX,
			    &mag);
	if (!err) {
		v = !neg ? (int64_t)mag : mag > (uint64_t)INT64_MAX ? INT64_MIN : -(int64_t)mag;
		if (v < min || v > max)
			err = -ERANGE;
	}
	if (err) {
		snprintf(why, whylen, "stored %s '%s' is %s (want %lld to %lld)", col, val,
			 num_strerror(err), (long long)min, (long long)max);
		return -EBADMSG;
	}
	*out = v;
	return 0;
}

int store_col_int(const char *val, const char *col, int min, int max, int *out, char *why,
		  size_t whylen)
{
	int64_t v;
	int err = store_col_i64(val, col, min, max, &v, why, whylen);

	if (!err)
		*out = (int)v;
	return err;
}

int store_col_bool(const char *val, const char *col, bool *out, char *why, size_t whylen)
{
	int v;
	int err = store_col_int(val, col, 0, 1, &v, why, whylen);

	if (!err)
		*out = v;
	return err;
}
