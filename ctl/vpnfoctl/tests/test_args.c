// SPDX-License-Identifier: GPL-2.0
/* Argument parsers: good values, bad values and every boundary. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "args.h"

static void u32_accepts_decimal_and_hex(void **state)
{
	uint32_t v;

	(void)state;
	assert_int_equal(parse_u32("0", "n", 0, UINT32_MAX, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse_u32("4294967295", "n", 0, UINT32_MAX, &v), 0);
	assert_int_equal(v, UINT32_MAX);
	assert_int_equal(parse_u32("0xff00", "n", 0, UINT32_MAX, &v), 0);
	assert_int_equal(v, 0xff00);
	assert_int_equal(parse_u32("0XFFFFFFFF", "n", 0, UINT32_MAX, &v), 0);
	assert_int_equal(v, UINT32_MAX);
	/* A leading zero is still decimal, not octal. */
	assert_int_equal(parse_u32("010", "n", 0, UINT32_MAX, &v), 0);
	assert_int_equal(v, 10);
}

static void u32_refuses_garbage_and_overflow(void **state)
{
	static const char *const bad[] = {
		"", "-1", "+1", " 1", "1 ", "1x", "0x", "0xg", "ten",
		"4294967296", "0x100000000", "99999999999999999999999",
	};
	uint32_t v = 7;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(parse_u32(bad[i], "n", 0, UINT32_MAX, &v),
				 -EINVAL);
	assert_int_equal(v, 7);
}

static void u32_range_boundaries(void **state)
{
	uint32_t v;

	(void)state;
	assert_int_equal(parse_u32("0", "threshold", 1, 100, &v), -EINVAL);
	assert_int_equal(parse_u32("1", "threshold", 1, 100, &v), 0);
	assert_int_equal(parse_u32("100", "threshold", 1, 100, &v), 0);
	assert_int_equal(parse_u32("101", "threshold", 1, 100, &v), -EINVAL);
}

static void addr_ipv4_and_ipv6(void **state)
{
	static const uint8_t v4[4] = { 198, 18, 1, 1 };
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1,
					[15] = 1 };
	struct vpnfo_addr a;
	char buf[ADDR_STRLEN];

	(void)state;
	assert_int_equal(parse_addr("198.18.1.1", &a), 0);
	assert_int_equal(addr_len(&a), 4);
	assert_memory_equal(a.bytes, v4, 4);
	assert_int_equal(parse_addr("2001:db8:1::1", &a), 0);
	assert_int_equal(addr_len(&a), 16);
	assert_memory_equal(a.bytes, v6, 16);
	assert_int_equal(addr_format(&a, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "2001:db8:1::1");
}

static void addr_refuses_bad(void **state)
{
	static const char *const bad[] = {
		"", "1.2.3", "1.2.3.256", "1.2.3.4.5", "1.2.3.4/32",
		"2001:db8:::1", "gw1", " 1.2.3.4",
	};
	struct vpnfo_addr a;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(parse_addr(bad[i], &a), -EINVAL);
}

static void prefix_length_boundaries(void **state)
{
	struct vpnfo_prefix p;

	(void)state;
	assert_int_equal(parse_prefix("10.0.0.0/0", &p), 0);
	assert_int_equal(p.plen, 0);
	assert_int_equal(parse_prefix("192.0.2.100/32", &p), 0);
	assert_int_equal(p.plen, 32);
	assert_int_equal(parse_prefix("10.0.0.0/33", &p), -EINVAL);
	assert_int_equal(parse_prefix("::/0", &p), 0);
	assert_int_equal(parse_prefix("2001:db8:100::/128", &p), 0);
	assert_int_equal(p.plen, 128);
	assert_int_equal(addr_len(&p.addr), 16);
	assert_int_equal(parse_prefix("2001:db8:100::/129", &p), -EINVAL);
}

static void prefix_bare_address_is_host(void **state)
{
	struct vpnfo_prefix p;

	(void)state;
	assert_int_equal(parse_prefix("192.0.2.100", &p), 0);
	assert_int_equal(p.plen, 32);
	assert_int_equal(parse_prefix("2001:db8:c::100", &p), 0);
	assert_int_equal(p.plen, 128);
}

static void prefix_refuses_bad(void **state)
{
	static const char *const bad[] = {
		"", "/24", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/+8",
		"10.0.0.0/ 8", "10.0.0.0/8/8", "10.0.0.0/0x8", "10.0.0/8",
		"10.0.0.0/99999999999999999999999",
		"2001:0db8:0000:0000:0000:0000:0000:0000:0000/64",
	};
	struct vpnfo_prefix p;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(parse_prefix(bad[i], &p), -EINVAL);
}

static void duration_units(void **state)
{
	uint64_t us;

	(void)state;
	assert_int_equal(parse_duration_us("10", "d", &us), 0);
	assert_int_equal(us, 10000);	/* bare number: milliseconds */
	assert_int_equal(parse_duration_us("10ms", "d", &us), 0);
	assert_int_equal(us, 10000);
	assert_int_equal(parse_duration_us("1500us", "d", &us), 0);
	assert_int_equal(us, 1500);
	assert_int_equal(parse_duration_us("2s", "d", &us), 0);
	assert_int_equal(us, 2000000);
	assert_int_equal(parse_duration_us("0", "d", &us), 0);
	assert_int_equal(us, 0);
}

static void duration_refuses_bad_and_overflow(void **state)
{
	static const char *const bad[] = {
		"", "ms", "-1ms", "1m", "1 ms", "1.5s", "1S", "0x10ms",
		"18446744073709551616us", "18446744073709551615ms",
		"18446744073710s",
	};
	uint64_t us;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(parse_duration_us(bad[i], "d", &us), -EINVAL);
	assert_int_equal(parse_duration_us("18446744073709551615us", "d", &us),
			 0);
	assert_true(us == UINT64_MAX);
	assert_int_equal(parse_duration_us("18446744073709s", "d", &us), 0);
}

static void name_length_and_characters(void **state)
{
	(void)state;
	assert_int_equal(parse_name("t", "name"), 0);
	assert_int_equal(parse_name("abcdefghijklmno", "name"), 0); /* 15 */
	assert_int_equal(parse_name("abcdefghijklmnop", "name"), -EINVAL);
	assert_int_equal(parse_name("", "name"), -EINVAL);
	assert_int_equal(parse_name("gw 1", "name"), -EINVAL);
	assert_int_equal(parse_name("gw\x01", "name"), -EINVAL);
	assert_int_equal(parse_name("gw\x7f", "name"), -EINVAL);
	assert_int_equal(parse_name("gw\xc3\xa9", "name"), -EINVAL);
}

static char *hex_digits(size_t n)
{
	char *s = malloc(n + 1);
	size_t i;

	assert_non_null(s);
	for (i = 0; i < n; i++)
		s[i] = "0123456789abcdef"[i % 16];
	s[n] = '\0';
	return s;
}

static void key_hex_lengths(void **state)
{
	uint8_t key[VPNFO_KEY_MAX];
	size_t len, i;
	char *s;

	(void)state;
	s = hex_digits(32);
	assert_int_equal(parse_key_hex(s, key, &len), 0);
	assert_int_equal(len, 16);
	assert_int_equal(key[0], 0x01);
	assert_int_equal(key[7], 0xef);
	free(s);
	s = hex_digits(128);
	assert_int_equal(parse_key_hex(s, key, &len), 0);
	assert_int_equal(len, 64);
	free(s);
	for (i = 0; i < 4; i++) {
		static const size_t bad[] = { 30, 31, 33, 130 };

		s = hex_digits(bad[i]);
		assert_int_equal(parse_key_hex(s, key, &len), -EINVAL);
		free(s);
	}
}

static void key_hex_ignores_whitespace(void **state)
{
	static const uint8_t want[16] = {
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
		0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
	};
	uint8_t key[VPNFO_KEY_MAX];
	size_t len;

	(void)state;
	assert_int_equal(parse_key_hex(" 0011 2233\t44556677\n"
				       "8899AABB ccddeeFF\n", key, &len), 0);
	assert_int_equal(len, 16);
	assert_memory_equal(key, want, 16);
	assert_int_equal(parse_key_hex("0011223344556677889900112233445g",
				       key, &len), -EINVAL);
	assert_int_equal(parse_key_hex("0x11223344556677889900112233445566",
				       key, &len), -EINVAL);
}

static char key_path[] = "/tmp/vpnfoctl-test-key-XXXXXX";

static void key_file_write(const char *text)
{
	int fd = mkstemp(key_path);
	size_t len = strlen(text);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
}

static void key_file_read(void **state)
{
	uint8_t key[VPNFO_KEY_MAX];
	size_t len;

	(void)state;
	key_file_write("000102030405060708090a0b0c0d0e0f\n"
		       "101112131415161718191a1b1c1d1e1f\n");
	assert_int_equal(parse_key_file(key_path, key, &len), 0);
	assert_int_equal(len, 32);
	assert_int_equal(key[0], 0);
	assert_int_equal(key[31], 0x1f);
	unlink(key_path);
	strcpy(key_path, "/tmp/vpnfoctl-test-key-XXXXXX");
}

static void key_file_refuses_missing_large_and_binary(void **state)
{
	uint8_t key[VPNFO_KEY_MAX];
	char *big;
	size_t len;

	(void)state;
	assert_int_equal(parse_key_file("/nonexistent/vpnfo.key", key, &len),
			 -ENOENT);
	big = malloc(8192);
	assert_non_null(big);
	memset(big, ' ', 8191);
	memcpy(big, "00112233445566778899aabbccddeeff", 32);
	big[8191] = '\0';
	key_file_write(big);
	free(big);
	assert_int_equal(parse_key_file(key_path, key, &len), -EFBIG);
	unlink(key_path);
	strcpy(key_path, "/tmp/vpnfoctl-test-key-XXXXXX");
	key_file_write("0011223344556677\0" "8899aabbccddeeff0011");
	assert_int_equal(parse_key_file(key_path, key, &len), -EINVAL);
	unlink(key_path);
	strcpy(key_path, "/tmp/vpnfoctl-test-key-XXXXXX");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(u32_accepts_decimal_and_hex),
		cmocka_unit_test(u32_refuses_garbage_and_overflow),
		cmocka_unit_test(u32_range_boundaries),
		cmocka_unit_test(addr_ipv4_and_ipv6),
		cmocka_unit_test(addr_refuses_bad),
		cmocka_unit_test(prefix_length_boundaries),
		cmocka_unit_test(prefix_bare_address_is_host),
		cmocka_unit_test(prefix_refuses_bad),
		cmocka_unit_test(duration_units),
		cmocka_unit_test(duration_refuses_bad_and_overflow),
		cmocka_unit_test(name_length_and_characters),
		cmocka_unit_test(key_hex_lengths),
		cmocka_unit_test(key_hex_ignores_whitespace),
		cmocka_unit_test(key_file_read),
		cmocka_unit_test(key_file_refuses_missing_large_and_binary),
	};

	return cmocka_run_group_tests_name("parse", tests, NULL, NULL);
}
