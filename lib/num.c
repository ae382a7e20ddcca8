// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "num.h"

static int num_digit(char c, unsigned int base)
{
	unsigned int d;

	if (c >= '0' && c <= '9')
		d = (unsigned int)(c - '0');
	else if (c >= 'a' && c <= 'f')
		d = (unsigned int)(c - 'a' + 10);
	else if (c >= 'A' && c <= 'F')
		d = (unsigned int)(c - 'A' + 10);
	else
		return -1;
	return d < base ? (int)d : -1;
}

int num_parse_u64n(const char *s, size_t len, uint64_t min, uint64_t max,
		   uint64_t *out)
{
	unsigned int base = 10;
	uint64_t v = 0;
	size_t i = 0;
	int d;

	if (!s || !len)
		return -EINVAL;
	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	for (; i < len; i++) {
		d = num_digit(s[i], base);
		if (d < 0)
			return -EINVAL;
		if (v > (UINT64_MAX - (uint64_t)d) / base) {
			/* Still a number: finish the syntax check first. */
			while (++i < len)
				if (num_digit(s[i], base) < 0)
					return -EINVAL;
			return -ERANGE;
		}
		v = v * base + (uint64_t)d;
	}
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int num_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	size_t len = 0;

	if (!s)
		return -EINVAL;
	while (s[len])
		len++;
	return num_parse_u64n(s, len, min, max, out);
}

int num_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v;
	int err = num_parse_u64(s, min, max, &v);

	if (!err)
		*out = (uint32_t)v;
	return err;
}

int num_parse_unit(const char *s, uint64_t min, uint64_t max, uint64_t *out,
		   const char **unit)
{
	size_t n = 0;
	int err;

	if (!s)
		return -EINVAL;
	while (s[n] >= '0' && s[n] <= '9')
		n++;
	err = num_parse_u64n(s, n, min, max, out);
	if (!err)
		*unit = s + n;
	return err;
}

const char *num_strerror(int err)
{
	switch (err) {
	case 0:
		return "ok";
	case -ERANGE:
		return "out of range";
	default:
		return "not a number";
	}
}
