// SPDX-License-Identifier: GPL-2.0
/* Reader, writer, payload parsers and builders, crypto primitives. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "ike.h"

static void test_reader_bounds(void **state)
{
	static const uint8_t b[] = { 1, 2, 3, 4, 5 };
	struct ike_rd r, sub;
	uint32_t v32;
	uint16_t v16;
	uint64_t v64;

	(void)state;
	ike_rd_init(&r, b, sizeof(b));
	assert_int_equal(ike_rd_u32(&r, &v32), 0);
	assert_int_equal(v32, 0x01020304);
	assert_int_equal(ike_rd_u16(&r, &v16), -EBADMSG);
	assert_int_equal(r.off, 4);	/* a failed read consumes nothing */
	assert_int_equal(ike_rd_u64(&r, &v64), -EBADMSG);
	assert_int_equal(ike_rd_sub(&r, 2, &sub), -EBADMSG);
	assert_int_equal(ike_rd_sub(&r, 1, &sub), 0);
	assert_int_equal(ike_rd_left(&sub), 1);
	assert_int_equal(ike_rd_left(&r), 0);
	assert_int_equal(ike_rd_skip(&r, 1), -EBADMSG);
}

static void test_writer_overflow(void **state)
{
	uint8_t b[6];
	struct ike_wr w;

	(void)state;
	ike_wr_init(&w, b, sizeof(b));
	ike_wr_u32(&w, 0xdeadbeef);
	assert_int_equal(w.err, 0);
	ike_wr_u32(&w, 1);
	assert_int_equal(w.err, -EMSGSIZE);
	ike_wr_u8(&w, 1);	/* sticky: nothing more is written */
	assert_int_equal(w.len, 4);
	assert_int_equal(b[0], 0xde);
}

/* A message with header, one N and one V payload, built then parsed. */
static size_t build_simple(uint8_t *buf, size_t cap)
{
	struct ike_hdr h = { .spi_i = 0x1122334455667788ull, .exch = IKE_SA_INIT,
			     .flags = IKE_FLAG_I };
	struct ike_bld b;

	ike_bld_init(&b, buf, cap);
	ike_bld_hdr(&b, &h);
	ike_pl_notify(&b, 0, NULL, 0, IKE_N_COOKIE, (const uint8_t *)"abcd",
		      4);
	ike_pl_blob(&b, IKE_PL_V, (const uint8_t *)"vendor", 6);
	return (size_t)ike_bld_finish(&b);
}

static void test_header_and_chain(void **state)
{
	uint8_t buf[256];
	size_t len = build_simple(buf, sizeof(buf));
	struct ike_hdr h;
	struct ike_chain c;
	struct ike_pls p;

	(void)state;
	assert_int_equal(len, 28 + 12 + 10);
	assert_int_equal(ike_hdr_parse(buf, len, &h), 0);
	assert_int_equal(h.exch, IKE_SA_INIT);
	assert_int_equal(h.next, IKE_PL_N);
	assert_int_equal(ike_chain_parse(h.next, buf + 28, len - 28, &c), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(ike_pls_decode(&c, &p), 0);
	assert_int_equal(p.nn, 1);
	assert_int_equal(p.n[0].type, IKE_N_COOKIE);
	assert_int_equal(p.n[0].len, 4);
	/* Length field disagreeing with the datagram. */
	assert_int_equal(ike_hdr_parse(buf, len - 1, &h), -EBADMSG);
	/* Major version 3. */
	buf[17] = 0x30;
	assert_int_equal(ike_hdr_parse(buf, len, &h), -EBADMSG);
	buf[17] = 0x20;
	/* Trailing bytes after the chain. */
	assert_int_equal(ike_chain_parse(h.next, buf + 28, len - 27, &c),
			 -EBADMSG);
	assert_string_equal(c.why, "bytes after the last payload");
	/* A payload length running past the end. */
	buf[28 + 3] = 200;
	assert_int_equal(ike_chain_parse(h.next, buf + 28, len - 28, &c),
			 -EBADMSG);
	assert_string_equal(c.why, "payload length exceeds the message");
	/* Payload length below its own header. */
	buf[28 + 3] = 3;
	assert_int_equal(ike_chain_parse(h.next, buf + 28, len - 28, &c),
			 -EBADMSG);
	assert_string_equal(c.why, "payload length below its header");
}

static void test_header_refusals_say_why(void **state)
{
	uint8_t buf[256];
	size_t len = build_simple(buf, sizeof(buf));
	const char *why = NULL;
	struct ike_hdr h;

	(void)state;
	assert_int_equal(ike_hdr_parse_why(buf, len, &h, &why), 0);
	assert_null(why);
	assert_int_equal(ike_hdr_parse_why(buf, IKE_HDR_LEN - 1, &h, &why),
			 -EBADMSG);
	assert_string_equal(why, "shorter than the IKE header");
	assert_int_equal(ike_hdr_parse_why(buf, len - 1, &h, &why), -EBADMSG);
	assert_string_equal(why, "header length is not the datagram's");
	buf[17] = 0x30;
	assert_int_equal(ike_hdr_parse_why(buf, len, &h, &why), -EBADMSG);
	assert_string_equal(why, "major version is not 2");
	buf[17] = 0x20;
	memset(buf, 0, 8);
	assert_int_equal(ike_hdr_parse_why(buf, len, &h, &why), -EBADMSG);
	assert_string_equal(why, "SPIi is zero");
}

static void test_unknown_payloads(void **state)
{
	/* Unknown type 200, not critical, then 201 critical. */
	uint8_t b[] = { 201, 0x00, 0, 5, 0xaa, 0, 0x80, 0, 4 };
	struct ike_chain c;
	struct ike_pls p;

	(void)state;
	assert_int_equal(ike_chain_parse(200, b, sizeof(b), &c), 0);
	assert_int_equal(c.unsupported_critical, 201);
	assert_int_equal(ike_pls_decode(&c, &p), -EPROTONOSUPPORT);
	b[6] = 0;
	assert_int_equal(ike_chain_parse(200, b, sizeof(b), &c), 0);
	assert_int_equal(c.unsupported_critical, 0);
	assert_int_equal(ike_pls_decode(&c, &p), 0);
}

static void test_sk_must_be_last(void **state)
{
	uint8_t b[] = { IKE_PL_V, 0, 0, 8, 1, 2, 3, 4, 0, 0, 0, 4 };
	struct ike_chain c;

	(void)state;
	/* SK with trailing V after it: refused. */
	assert_int_equal(ike_chain_parse(IKE_PL_SK, b, sizeof(b), &c),
			 -EBADMSG);
	/* SK last: its next field names the first inner payload. */
	assert_int_equal(ike_chain_parse(IKE_PL_SK, b, 8, &c), 0);
	assert_non_null(c.sk);
	assert_int_equal(c.sk_next, IKE_PL_V);
	assert_int_equal(c.sk->len, 4);
}

static void test_duplicates_refused(void **state)
{
	uint8_t nonce[16] = { 0 };
	uint8_t buf[256];
	struct ike_bld b;
	struct ike_chain c;
	struct ike_pls p;

	(void)state;
	ike_bld_init(&b, buf, sizeof(buf));
	ike_pl_blob(&b, IKE_PL_NONCE, nonce, 16);
	ike_pl_blob(&b, IKE_PL_NONCE, nonce, 16);
	assert_int_equal(ike_chain_parse(b.first, buf, b.w.len, &c), 0);
	assert_int_equal(ike_pls_decode(&c, &p), -EBADMSG);
	assert_int_equal(p.bad_type, IKE_PL_NONCE);
	assert_string_equal(p.why, "duplicate NONCE payload");
	/* A nonce of 15 bytes. */
	ike_bld_init(&b, buf, sizeof(buf));
	ike_pl_blob(&b, IKE_PL_NONCE, nonce, 15);
	assert_int_equal(ike_chain_parse(b.first, buf, b.w.len, &c), 0);
	assert_int_equal(ike_pls_decode(&c, &p), -EBADMSG);
	assert_string_equal(p.why, "nonce length outside 16..256");
}

static void test_sa_roundtrip_and_select(void **state)
{
	const struct ike_algs ours[] = {
		{ IKE_ENCR_AES_GCM16, 256, 0, IKE_PRF_HMAC_SHA2_256 },
		{ IKE_ENCR_AES_CBC, 128, IKE_INTEG_SHA2_256_128,
		  IKE_PRF_HMAC_SHA2_256 },
	};
	const uint16_t dh[] = { IKE_DH_ECP256, IKE_DH_CURVE25519 };
	struct ike_sa_pl sa, back;
	const char *why = NULL;
	struct ike_algs got;
	uint8_t buf[512];
	struct ike_bld b;
	uint16_t group = IKE_DH_CURVE25519;

	(void)state;
	ike_prop_build(&sa, ours, 2, IKE_PROTO_IKE, NULL, 0, dh, 2);
	ike_bld_init(&b, buf, sizeof(buf));
	ike_pl_sa(&b, &sa);
	assert_int_equal(b.w.err, 0);
	assert_int_equal(ike_sa_pl_parse(buf + 4, b.w.len - 4, &back, &why),
			 0);
	assert_null(why);
	assert_int_equal(back.np, 2);
	assert_int_equal(back.p[1].nx, 5);
	assert_int_equal(ike_prop_select(&back, IKE_PROTO_IKE, ours + 1, 1,
					 dh, 2, &got, &group), 1);
	assert_int_equal(got.encr, IKE_ENCR_AES_CBC);
	assert_int_equal(group, IKE_DH_CURVE25519);
	/* Proposal numbers must count up from 1. */
	buf[4 + 4] = 2;
	assert_int_equal(ike_sa_pl_parse(buf + 4, b.w.len - 4, &back, &why),
			 -EBADMSG);
	assert_string_equal(why, "proposal numbers do not count up from 1");
	buf[4 + 4] = 1;
	/* "No more proposals" on the first of two. */
	buf[4] = 0;
	assert_int_equal(ike_sa_pl_parse(buf + 4, b.w.len - 4, &back, &why),
			 -EBADMSG);
	assert_string_equal(why, "data after the last proposal");
	buf[4] = IKE_PROP_MORE;
	/* The first proposal's length runs past the payload. */
	buf[4 + 2] = 0x01;
	assert_int_equal(ike_sa_pl_parse(buf + 4, b.w.len - 4, &back, &why),
			 -EBADMSG);
	assert_string_equal(why, "SA proposal length exceeds payload");
	/* A transform length below its header. */
	buf[4 + 2] = 0;
	buf[4 + 8 + 3] = 4;
	assert_int_equal(ike_sa_pl_parse(buf + 4, b.w.len - 4, &back, &why),
			 -EBADMSG);
	assert_string_equal(why, "transform length below its header");
}

static void test_ts_parse_narrow(void **state)
{
	struct ike_ts_pl a = { 0 }, o = { 0 }, n, m;
	uint8_t buf[256], addr[16];
	struct ike_bld b;
	struct vpnfo_addr x;
	const char *why = NULL;
	uint8_t plen;

	(void)state;
	inet_pton(AF_INET, "203.0.113.0", addr);
	ike_ts_from_prefix(&a.ts[a.n++], AF_INET, addr, 24);
	inet_pton(AF_INET, "203.0.113.128", addr);
	ike_ts_from_prefix(&o.ts[o.n++], AF_INET, addr, 25);
	ike_bld_init(&b, buf, sizeof(buf));
	ike_pl_ts(&b, IKE_PL_TSI, &a);
	assert_int_equal(ike_ts_pl_parse(buf + 4, b.w.len - 4, &n, &why), 0);
	assert_int_equal(n.n, 1);
	assert_int_equal(ike_ts_narrow(&n, &o, &m), 0);
	assert_int_equal(ike_ts_to_sel(&m.ts[0], &x, &plen), 0);
	assert_int_equal(plen, 25);
	assert_true(ike_ts_subset(&m, &a));
	assert_false(ike_ts_subset(&a, &m));
	/* start > end is refused. */
	buf[4 + 4 + 8] = 0xff;
	assert_int_equal(ike_ts_pl_parse(buf + 4, b.w.len - 4, &n, &why),
			 -EBADMSG);
	assert_string_equal(why, "traffic selector range reversed");
	/* An IPv4 selector claiming an IPv6 length. */
	buf[4 + 4 + 8] = 203;
	buf[4 + 4 + 3] = 40;
	assert_int_equal(ike_ts_pl_parse(buf + 4, b.w.len - 4, &n, &why),
			 -EBADMSG);
	assert_string_equal(why, "traffic selector length wrong for its type");
	/* A range that is not a prefix cannot be a selector. */
	a.ts[0].end[3] = 0x7e;
	assert_int_equal(ike_ts_to_sel(&a.ts[0], &x, &plen), -EINVAL);
}

static void test_delete_notify_validate(void **state)
{
	uint8_t buf[128], spis[8] = { 0 };
	struct ike_bld b;
	struct ike_chain c;
	struct ike_pls p;

	(void)state;
	ike_bld_init(&b, buf, sizeof(buf));
	ike_pl_delete(&b, IKE_PROTO_ESP, 4, spis, 2);
	assert_int_equal(ike_chain_parse(b.first, buf, b.w.len, &c), 0);
	assert_int_equal(ike_pls_decode(&c, &p), 0);
	assert_int_equal(p.d[0].nspi, 2);
	/* Claims 3 SPIs, carries 2. */
	buf[7] = 3;
	assert_int_equal(ike_pls_decode(&c, &p), -EBADMSG);
	assert_int_equal(p.bad_type, IKE_PL_D);
	assert_string_equal(p.why, "delete SPIs exceed the payload");
	/* Notify with a 5-byte SPI size. */
	ike_bld_init(&b, buf, sizeof(buf));
	ike_pl_notify(&b, 3, spis, 5, IKE_N_REKEY_SA, NULL, 0);
	assert_int_equal(ike_chain_parse(b.first, buf, b.w.len, &c), 0);
	assert_int_equal(ike_pls_decode(&c, &p), -EBADMSG);
	assert_int_equal(p.bad_type, IKE_PL_N);
	assert_string_equal(p.why, "notify SPI size not 0, 4 or 8");
}

/* RFC 4231 test case 2 (HMAC-SHA-256), the PRF underneath prf+. */
static void test_prf_vector(void **state)
{
	static const uint8_t want[] = {
		0x5b, 0xdc, 0xc1, 0x46, 0xbf, 0x60, 0x75, 0x4e, 0x6a, 0x04,
		0x24, 0x26, 0x08, 0x95, 0x75, 0xc7, 0x5a, 0x00, 0x3f, 0x08,
		0x9d, 0x27, 0x39, 0x83, 0x9d, 0xec, 0x58, 0xb9, 0x64, 0xec,
		0x38, 0x43 };
	const char *data = "what do ya want for nothing?";
	uint8_t out[32], plus[80], t1[32];
	uint8_t seed[29];

	(void)state;
	assert_int_equal(ike_prf(IKE_PRF_HMAC_SHA2_256,
				 (const uint8_t *)"Jefe", 4,
				 (const uint8_t *)data, strlen(data), out), 0);
	assert_memory_equal(out, want, 32);
	/* prf+ T1 = prf(K, S | 0x01). */
	memcpy(seed, data, 28);
	seed[28] = 1;
	ike_prf(IKE_PRF_HMAC_SHA2_256, (const uint8_t *)"Jefe", 4, seed, 29,
		t1);
	assert_int_equal(ike_prfplus(IKE_PRF_HMAC_SHA2_256,
				     (const uint8_t *)"Jefe", 4,
				     (const uint8_t *)data, 28, plus, 80), 0);
	assert_memory_equal(plus, t1, 32);
}

static void test_dh_agree(void **state)
{
	static const uint16_t groups[] = { IKE_DH_ECP256, IKE_DH_ECP384,
					   IKE_DH_CURVE25519, IKE_DH_MODP2048 };
	unsigned int i;

	(void)state;
	for (i = 0; i < 4; i++) {
		struct ike_dh a, b;
		uint8_t sa[512], sb[512];
		size_t la = sizeof(sa), lb = sizeof(sb);

		assert_int_equal(ike_dh_new(&a, groups[i]), 0);
		assert_int_equal(ike_dh_new(&b, groups[i]), 0);
		assert_int_equal(a.publen, ike_dh_publen(groups[i]));
		assert_int_equal(ike_dh_derive(&a, b.pub, b.publen, sa, &la), 0);
		assert_int_equal(ike_dh_derive(&b, a.pub, a.publen, sb, &lb), 0);
		assert_int_equal(la, lb);
		assert_memory_equal(sa, sb, la);
		/* Wrong length, and a point not on the curve / 0. */
		assert_int_equal(ike_dh_derive(&a, b.pub, b.publen - 1, sa,
					       &la), -EBADMSG);
		memset(b.pub, 0, b.publen);
		la = sizeof(sa);
		assert_int_equal(ike_dh_derive(&a, b.pub, b.publen, sa, &la),
				 -EBADMSG);
		ike_dh_free(&a);
		ike_dh_free(&b);
	}
}

static void test_sk_roundtrip(void **state)
{
	static const struct ike_suite suites[] = {
		{ IKE_ENCR_AES_GCM16, 128, 0, IKE_PRF_HMAC_SHA2_256, 19 },
		{ IKE_ENCR_AES_GCM16, 256, 0, IKE_PRF_HMAC_SHA2_256, 19 },
		{ IKE_ENCR_AES_CBC, 256, IKE_INTEG_SHA2_256_128,
		  IKE_PRF_HMAC_SHA2_256, 19 },
	};
	uint8_t ek[36], ak[32], msg[256], plain[256];
	const uint8_t inner[] = "inner payload chain bytes";
	unsigned int i;

	(void)state;
	memset(ek, 7, sizeof(ek));
	memset(ak, 9, sizeof(ak));
	for (i = 0; i < 3; i++) {
		size_t plen;
		int len;

		memset(msg, 0, 32);
		msg[17] = 0x20;
		len = ike_sk_seal(&suites[i], ek, ak, msg, 32, inner,
				  sizeof(inner), sizeof(msg));
		assert_true(len > 32);
		assert_int_equal(msg[27], len);
		assert_int_equal(ike_sk_open(&suites[i], ek, ak, msg, len, 32,
					     plain, &plen), 0);
		assert_int_equal(plen, sizeof(inner));
		assert_memory_equal(plain, inner, plen);
		/* Any change to header or body fails the ICV. */
		msg[20] ^= 1;
		assert_int_equal(ike_sk_open(&suites[i], ek, ak, msg, len, 32,
					     plain, &plen), -EBADMSG);
		msg[20] ^= 1;
		msg[len - 20] ^= 1;
		assert_int_equal(ike_sk_open(&suites[i], ek, ak, msg, len, 32,
					     plain, &plen), -EBADMSG);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reader_bounds),
		cmocka_unit_test(test_writer_overflow),
		cmocka_unit_test(test_header_and_chain),
		cmocka_unit_test(test_header_refusals_say_why),
		cmocka_unit_test(test_unknown_payloads),
		cmocka_unit_test(test_sk_must_be_last),
		cmocka_unit_test(test_duplicates_refused),
		cmocka_unit_test(test_sa_roundtrip_and_select),
		cmocka_unit_test(test_ts_parse_narrow),
		cmocka_unit_test(test_delete_notify_validate),
		cmocka_unit_test(test_prf_vector),
		cmocka_unit_test(test_dh_agree),
		cmocka_unit_test(test_sk_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
