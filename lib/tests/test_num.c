// SPDX-License-Identifier: GPL-2.0
/* Strict numbers (lib/num.c): what is a number, and what is not. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "num.h"

static void decimal_with_leading_zero_is_decimal(void **state)
{
	uint32_t v;

	(void)state;
	assert_int_equal(num_parse_u32("010", 0, 100, &v), 0);
	assert_int_equal(v, 10);
	assert_int_equal(num_parse_u32("0", 0, 100, &v), 0);
	assert_int_equal(v, 0);
}

static void hex_needs_its_prefix(void **state)
{
	uint32_t v;

	(void)state;
	assert_int_equal(num_parse_u32("0x1F", 0, UINT32_MAX, &v), 0);
	assert_int_equal(v, 31);
	assert_int_equal(num_parse_u32("1f", 0, UINT32_MAX, &v), -EINVAL);
	assert_int_equal(num_parse_u32("0x", 0, UINT32_MAX, &v), -EINVAL);
	assert_int_equal(num_parse_u32("0xg", 0, UINT32_MAX, &v), -EINVAL);
}

static void refuses_what_atoi_accepts(void **state)
{
	static const char *bad[] = { "", "abc", "12abc", " 12", "12 ", "-1",
				     "+1", "1e3", "1.5" };
	uint32_t v = 77;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(num_parse_u32(bad[i], 0, UINT32_MAX, &v),
				 -EINVAL);
		assert_int_equal(v, 77);	/* untouched on failure */
	}
	assert_int_equal(num_parse_u32(NULL, 0, 1, &v), -EINVAL);
}

static void range_and_overflow(void **state)
{
	uint64_t w;
	uint32_t v;

	(void)state;
	assert_int_equal(num_parse_u32("65535", 1, 65535, &v), 0);
	assert_int_equal(num_parse_u32("65536", 1, 65535, &v), -ERANGE);
	assert_int_equal(num_parse_u32("0", 1, 65535, &v), -ERANGE);
	assert_int_equal(num_parse_u32("4294967296", 0, UINT32_MAX, &v),
			 -ERANGE);
	assert_int_equal(num_parse_u64("18446744073709551615", 0, UINT64_MAX,
				       &w), 0);
	assert_true(w == UINT64_MAX);
	assert_int_equal(num_parse_u64("18446744073709551616", 0, UINT64_MAX,
				       &w), -ERANGE);
	/* A long string with a bad character is "not a number", not range. */
	assert_int_equal(num_parse_u64("99999999999999999999x", 0, UINT64_MAX,
				       &w), -EINVAL);
}

static void length_bounded(void **state)
{
	uint64_t w;

	(void)state;
	assert_int_equal(num_parse_u64n("30s", 2, 0, 100, &w), 0);
	assert_true(w == 30);
	assert_int_equal(num_parse_u64n("30s", 0, 0, 100, &w), -EINVAL);
	assert_string_equal(num_strerror(-ERANGE), "out of range");
}

static void number_then_unit(void **state)
{
	const char *unit = NULL;
	uint64_t w;

	(void)state;
	assert_int_equal(num_parse_unit("1500ms", 0, 86400000, &w, &unit), 0);
	assert_true(w == 1500);
	assert_string_equal(unit, "ms");
	assert_int_equal(num_parse_unit("30", 0, 100, &w, &unit), 0);
	assert_string_equal(unit, "");
	assert_int_equal(num_parse_unit("s", 0, 100, &w, &unit), -EINVAL);
	assert_int_equal(num_parse_unit("101s", 0, 100, &w, &unit), -ERANGE);
	assert_string_equal(num_strerror(-EINVAL), "not a number");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decimal_with_leading_zero_is_decimal),
		cmocka_unit_test(hex_needs_its_prefix),
		cmocka_unit_test(refuses_what_atoi_accepts),
		cmocka_unit_test(range_and_overflow),
		cmocka_unit_test(length_bounded),
		cmocka_unit_test(number_then_unit),
	};

	return cmocka_run_group_tests_name("num", tests, NULL, NULL);
}
