// SPDX-License-Identifier: GPL-2.0
/*
 * Exchange tests: an initiator and a responder IKE SA in one process,
 * messages handed over in memory, a recording fake behind the XFRM seam.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include <linux/vpnfo.h>

#include "ike.h"
#include "lib/log.h"
#include "testcerts.h"

/* The fake kernel. */
#define FX_MAX 32

struct fake_xfrm {
	struct xfrm_sa_spec sa[FX_MAX];
	unsigned int nsa;
	struct xfrm_pol_spec pol[FX_MAX];
	unsigned int npol;
	int fail_sa_add;
};

static int fx_sa_add(void *ctx, const struct xfrm_sa_spec *s)
{
	struct fake_xfrm *fx = ctx;

	if (fx->fail_sa_add)
		return fx->fail_sa_add;
	assert_true(fx->nsa < FX_MAX);
	fx->sa[fx->nsa++] = *s;
	return 0;
}

static int fx_sa_del(void *ctx, const struct vpnfo_addr *dst, uint32_t spi)
{
	struct fake_xfrm *fx = ctx;
	unsigned int i;

	for (i = 0; i < fx->nsa; i++) {
		if (fx->sa[i].spi == spi &&
		    !memcmp(fx->sa[i].dst.bytes, dst->bytes, 16)) {
			fx->sa[i] = fx->sa[--fx->nsa];
			return 0;
		}
	}
	return -ENOENT;
}

static bool pol_same(const struct xfrm_pol_spec *a,
		     const struct xfrm_pol_spec *b)
{
	return a->dir == b->dir && a->mark == b->mark &&
	       a->mark_mask == b->mark_mask &&
	       !memcmp(&a->sel, &b->sel, sizeof(a->sel));
}

static int fx_pol_add(void *ctx, const struct xfrm_pol_spec *p)
{
	struct fake_xfrm *fx = ctx;
	unsigned int i;

	for (i = 0; i < fx->npol; i++) {
		if (pol_same(&fx->pol[i], p)) {
			fx->pol[i] = *p;
			return 0;
		}
	}
	assert_true(fx->npol < FX_MAX);
	fx->pol[fx->npol++] = *p;
	return 0;
}

static int fx_pol_del(void *ctx, const struct xfrm_pol_spec *p)
{
	struct fake_xfrm *fx = ctx;
	unsigned int i;

	for (i = 0; i < fx->npol; i++) {
		if (pol_same(&fx->pol[i], p)) {
			fx->pol[i] = fx->pol[--fx->npol];
			return 0;
		}
	}
	return -ENOENT;
}

static const struct xfrm_sa_spec *fx_find(const struct fake_xfrm *fx,
					  uint32_t spi)
{
	unsigned int i;

	for (i = 0; i < fx->nsa; i++)
		if (fx->sa[i].spi == spi)
			return &fx->sa[i];
	return NULL;
}

/* The wire. */
#define WIRE_MAX 8

struct side {
	struct ike_conf conf;
	struct ike_env env;
	struct xfrm_ops ops;
	struct fake_xfrm fx;
	struct ike_addr addr;
	struct ike_sa *sa;		/* the one holding the CHILD SA */
	struct ike_sa *all[32];		/* every SA made, freed at teardown */
	unsigned int nall;
	unsigned int sent;
};

static void side_keep(struct side *s, struct ike_sa *sa)
{
	unsigned int i;

	for (i = 0; i < s->nall; i++)
		if (s->all[i] == sa)
			return;
	assert_true(s->nall < 32);
	s->all[s->nall++] = sa;
}

/* The owner's part of an IKE SA rekey (vpnfod's d_adopt). */
static int w_adopt(void *ctx, struct ike_sa *old, struct ike_sa *nw,
		   bool successor)
{
	struct side *s = ctx;

	(void)old;
	side_keep(s, nw);
	if (successor)
		s->sa = nw;
	return 0;
}

/* The SA a message is for: by SPIi (and SPIr once known), as vpnfod. */
static struct ike_sa *route(struct side *s, const uint8_t *msg)
{
	uint64_t spi_i = 0, spi_r = 0;
	unsigned int i;

	for (i = 0; i < 8; i++) {
		spi_i = spi_i << 8 | msg[i];
		spi_r = spi_r << 8 | msg[8 + i];
	}
	if (msg[IKE_HDR_EXCH_OFF] == IKE_SA_INIT)
		return s->sa;
	for (i = 0; i < s->nall; i++)
		if (s->all[i]->spi_i == spi_i && s->all[i]->spi_r == spi_r &&
		    s->all[i]->state != IKE_S_DEAD)
			return s->all[i];
	return s->sa;
}

static struct {
	uint8_t msg[WIRE_MAX][16384];
	size_t len[WIRE_MAX];
	struct side *to[WIRE_MAX];
	unsigned int n;
} wire;

static struct side ini, res;
/* The responder's first group on its address, when not res.conf. */
static const struct ike_conf *res_head;
static uint64_t now_ms;
/* Returns false to lose the message; may change it. */
static bool (*tamper)(struct side *to, uint8_t *msg, size_t *len);

static int w_send(void *ctx, struct ike_sa *sa, const uint8_t *msg,
		  size_t len)
{
	struct side *s = ctx;

	(void)sa;
	s->sent++;
	if (getenv("IKE_SEED_DIR")) {	/* fuzz corpus from real exchanges */
		static unsigned int seq;
		char path[512];
		FILE *f;

		snprintf(path, sizeof(path), "%s/msg-%03u",
			 getenv("IKE_SEED_DIR"), seq++);
		f = fopen(path, "wb");
		if (f) {
			fwrite(msg, 1, len, f);
			fclose(f);
		}
	}
	assert_true(wire.n < WIRE_MAX);
	assert_true(len <= sizeof(wire.msg[0]));
	memcpy(wire.msg[wire.n], msg, len);
	wire.len[wire.n] = len;
	wire.to[wire.n] = s == &ini ? &res : &ini;
	wire.n++;
	return 0;
}

static uint64_t w_now(void *ctx)
{
	(void)ctx;
	return now_ms;
}

/* Delivers until nothing is in flight; creates the responder's SA. */
static void run(void)
{
	unsigned int steps = 0;

	while (wire.n && steps++ < 32) {
		uint8_t msg[16384];
		size_t len = wire.len[0];
		struct side *to = wire.to[0];

		memcpy(msg, wire.msg[0], len);
		memmove(&wire.msg[0], &wire.msg[1],
			(wire.n - 1) * sizeof(wire.msg[0]));
		memmove(&wire.len[0], &wire.len[1],
			(wire.n - 1) * sizeof(wire.len[0]));
		memmove(&wire.to[0], &wire.to[1],
			(wire.n - 1) * sizeof(wire.to[0]));
		wire.n--;
		if (tamper && !tamper(to, msg, &len))
			continue;
		if (to == &res && msg[IKE_HDR_EXCH_OFF] == IKE_SA_INIT &&
		    (!res.sa || res.sa->state == IKE_S_DEAD)) {
			assert_int_equal(ike_sa_new(&res.sa, res_head ?
						    res_head : &res.conf,
						    &res.env, false, &res.addr,
						    &ini.addr), 0);
			side_keep(&res, res.sa);
		}
		if (to->sa)
			ike_sa_input(route(to, msg), msg, len);
	}
}

/* Credentials, made once. */
static EVP_PKEY *ca_key, *ca2_key, *ec_key[2], *rsa_key[2], *rev_key;
static X509 *ca, *ca2, *ec_cert[2], *rsa_cert[2], *other_cert, *rev_cert;
static X509_CRL *crl;

static int group_setup(void **state)
{
	(void)state;
	log_set_level(getenv("IKE_DEBUG") ? LOG_LEVEL_DEBUG : LOG_LEVEL_NONE);
	ca_key = tc_key(false);
	ca = tc_cert("group CA", ca_key, NULL, NULL, 1, true);
	ca2_key = tc_key(false);
	ca2 = tc_cert("other group CA", ca2_key, NULL, NULL, 1, true);
	ec_key[0] = tc_key(false);
	ec_key[1] = tc_key(false);
	rsa_key[0] = tc_key(true);
	rsa_key[1] = tc_key(true);
	rev_key = tc_key(false);
	ec_cert[0] = tc_cert("client.example", ec_key[0], ca, ca_key, 10, 0);
	ec_cert[1] = tc_cert("gw1.example", ec_key[1], ca, ca_key, 11, 0);
	rsa_cert[0] = tc_cert("client.example", rsa_key[0], ca, ca_key, 12, 0);
	rsa_cert[1] = tc_cert("gw1.example", rsa_key[1], ca, ca_key, 13, 0);
	other_cert = tc_cert("client.example", ec_key[0], ca2, ca2_key, 14, 0);
	rev_cert = tc_cert("client.example", rev_key, ca, ca_key, 66, 0);
	crl = tc_crl(ca, ca_key, 66);
	return 0;
}

static void ts_prefix(struct ike_ts_pl *ts, const char *addr, uint8_t plen)
{
	uint8_t a[16];
	int fam = strchr(addr, ':') ? AF_INET6 : AF_INET;

	assert_int_equal(inet_pton(fam, addr, a), 1);
	assert_int_equal(ike_ts_from_prefix(&ts->ts[ts->n++], fam, a, plen),
			 0);
}

static void side_init(struct side *s, bool client, EVP_PKEY *key, X509 *cert,
		      X509_CRL *revoked)
{
	struct ike_conf *c = &s->conf;

	memset(s, 0, sizeof(*s));
	snprintf(c->name, sizeof(c->name), client ? "client" : "gw1");
	c->ike[c->n_ike++] = (struct ike_algs){ IKE_ENCR_AES_GCM16, 256, 0,
						IKE_PRF_HMAC_SHA2_256 };
	c->ike[c->n_ike++] = (struct ike_algs){ IKE_ENCR_AES_CBC, 128,
						IKE_INTEG_SHA2_256_128,
						IKE_PRF_HMAC_SHA2_256 };
	c->ike[c->n_ike++] = (struct ike_algs){ IKE_ENCR_AES_GCM16, 128, 0,
						IKE_PRF_HMAC_SHA2_256 };
	c->dh[c->n_dh++] = IKE_DH_ECP256;
	c->dh[c->n_dh++] = IKE_DH_CURVE25519;
	c->dh[c->n_dh++] = IKE_DH_ECP384;
	c->dh[c->n_dh++] = IKE_DH_MODP2048;
	c->esp[c->n_esp++] = (struct ike_algs){ IKE_ENCR_AES_GCM16, 128, 0, 0 };
	c->esp[c->n_esp++] = (struct ike_algs){ IKE_ENCR_AES_GCM16, 256, 0, 0 };
	c->esp[c->n_esp++] = (struct ike_algs){ IKE_ENCR_AES_CBC, 128,
						IKE_INTEG_SHA2_256_128, 0 };
	ts_prefix(client ? &c->ts_local : &c->ts_remote, "192.0.2.100", 32);
	ts_prefix(client ? &c->ts_remote : &c->ts_local, "203.0.113.0", 24);
	if (client) {
		c->mark = 0x100;
		c->mark_mask = 0xff00;
	}
	c->reqid = VPNFOD_REQID_BASE + 1;
	c->retrans_base_ms = 1000;
	c->retrans_tries = 4;
	assert_int_equal(tc_cred(&c->cred, key, cert, ca, revoked), 0);
	s->ops = (struct xfrm_ops){ fx_sa_add, fx_sa_del, fx_pol_add,
				    fx_pol_del, &s->fx };
	s->env = (struct ike_env){ .send = w_send, .xfrm = &s->ops,
				   .now_ms = w_now, .adopt = w_adopt,
				   .ctx = s };
	s->addr.ip.family = AF_INET;
	s->addr.port = 500;
	inet_pton(AF_INET, client ? "198.18.1.2" : "198.18.1.1", s->addr.ip.bytes);
}

static int test_setup(void **state)
{
	(void)state;
	memset(&wire, 0, sizeof(wire));
	tamper = NULL;
	res_head = NULL;
	now_ms = 1000000;
	side_init(&ini, true, ec_key[0], ec_cert[0], NULL);
	side_init(&res, false, ec_key[1], ec_cert[1], NULL);
	return 0;
}

static int test_teardown(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < ini.nall; i++)
		ike_sa_free(ini.all[i]);
	for (i = 0; i < res.nall; i++)
		ike_sa_free(res.all[i]);
	ini.sa = res.sa = NULL;
	ini.nall = res.nall = 0;
	tc_cred_free(&ini.conf.cred);
	tc_cred_free(&res.conf.cred);
	return 0;
}

static void start(void)
{
	assert_int_equal(ike_sa_new(&ini.sa, &ini.conf, &ini.env, true,
				    &ini.addr, &res.addr), 0);
	side_keep(&ini, ini.sa);
	assert_int_equal(ike_sa_initiate(ini.sa), 0);
	run();
}

/* Both sides up; each out SA's keys equal the other side's in SA. */
static void assert_child_pair(void)
{
	const struct xfrm_sa_spec *io, *ri, *ii, *ro;

	assert_int_equal(ini.sa->state, IKE_S_ESTABLISHED);
	assert_int_equal(res.sa->state, IKE_S_ESTABLISHED);
	assert_true(ini.sa->child.installed);
	assert_true(res.sa->child.installed);
	assert_int_equal(ini.fx.nsa, 2);
	assert_int_equal(res.fx.nsa, 2);
	io = fx_find(&ini.fx, ini.sa->child.spi_out);
	ri = fx_find(&res.fx, res.sa->child.spi_in);
	ii = fx_find(&ini.fx, ini.sa->child.spi_in);
	ro = fx_find(&res.fx, res.sa->child.spi_out);
	assert_non_null(io);
	assert_non_null(ri);
	assert_non_null(ii);
	assert_non_null(ro);
	assert_int_equal(io->spi, ri->spi);
	assert_int_equal(ii->spi, ro->spi);
	assert_int_equal(io->enc_keylen, ri->enc_keylen);
	assert_memory_equal(io->enc_key, ri->enc_key, io->enc_keylen);
	assert_memory_equal(ii->enc_key, ro->enc_key, ii->enc_keylen);
	assert_memory_not_equal(io->enc_key, ii->enc_key, io->enc_keylen);
	assert_int_equal(io->auth_keylen, ri->auth_keylen);
	if (io->auth_keylen)
		assert_memory_equal(io->auth_key, ri->auth_key,
				    io->auth_keylen);
	assert_memory_equal(io->dst.bytes, res.addr.ip.bytes, 4);
	assert_memory_equal(ii->dst.bytes, ini.addr.ip.bytes, 4);
	assert_int_equal(io->reqid, VPNFOD_REQID_BASE + 1);
}

static const struct xfrm_pol_spec *pol_find(const struct fake_xfrm *fx,
					    enum xfrm_pol_dir dir,
					    uint32_t reqid)
{
	unsigned int i;

	for (i = 0; i < fx->npol; i++)
		if (fx->pol[i].dir == dir && fx->pol[i].reqid == reqid)
			return &fx->pol[i];
	return NULL;
}

static void test_basic_ecdsa(void **state)
{
	const struct xfrm_pol_spec *p;

	(void)state;
	start();
	assert_child_pair();
	assert_int_equal(ini.sa->suite.encr, IKE_ENCR_AES_GCM16);
	assert_int_equal(ini.sa->dh_group, IKE_DH_ECP256);
	assert_int_equal(ini.fx.sa[0].aead, true);
	assert_int_equal(ini.sa->child.algs.keybits, 128);
	/* Client: per-peer out policy by mark, fallback, shared inbound. */
	p = pol_find(&ini.fx, XFRM_DIR_OUT, VPNFOD_REQID_BASE + 1);
	assert_non_null(p);
	assert_int_equal(p->mark, 0x100);
	assert_int_equal(p->mark_mask, 0xff00);
	assert_int_equal(p->priority, 100);
	assert_int_equal(p->sel.dplen, 24);
	p = pol_find(&ini.fx, XFRM_DIR_OUT, VPNFO_FALLBACK_REQID);
	assert_non_null(p);
	assert_true(p->transport);
	assert_int_equal(p->mark, 0);
	assert_int_equal(p->priority, 1000);
	p = pol_find(&ini.fx, XFRM_DIR_IN, 0);
	assert_non_null(p);
	assert_int_equal(p->tsrc.family, 0);
	assert_non_null(pol_find(&ini.fx, XFRM_DIR_FWD, 0));
	/* Gateway: plain tunnel policies with its reqid, no mark. */
	p = pol_find(&res.fx, XFRM_DIR_IN, VPNFOD_REQID_BASE + 1);
	assert_non_null(p);
	assert_int_equal(p->sel.splen, 32);
	assert_memory_equal(p->tsrc.bytes, ini.addr.ip.bytes, 4);
	assert_non_null(pol_find(&res.fx, XFRM_DIR_OUT, VPNFOD_REQID_BASE + 1));
	assert_int_equal(res.fx.npol, 3);
	assert_int_equal(ini.fx.npol, 4);
}

static void test_rsa_both(void **state)
{
	(void)state;
	ini.conf.cred.key = rsa_key[0];
	ini.conf.cred.cert = rsa_cert[0];
	res.conf.cred.key = rsa_key[1];
	res.conf.cred.cert = rsa_cert[1];
	start();
	assert_child_pair();
	assert_int_equal(EVP_PKEY_get_base_id(
		X509_get0_pubkey(ini.sa->peer_cert)), EVP_PKEY_RSA);
}

static void test_mixed_rsa_ecdsa(void **state)
{
	(void)state;
	res.conf.cred.key = rsa_key[1];
	res.conf.cred.cert = rsa_cert[1];
	start();
	assert_child_pair();
}

/* Each DH group, each IKE and ESP suite, one at a time. */
static void run_suite(uint16_t dh, const struct ike_algs *ike,
		      const struct ike_algs *esp)
{
	test_teardown(NULL);
	test_setup(NULL);
	ini.conf.dh[0] = dh;
	ini.conf.n_dh = 1;
	ini.conf.ike[0] = *ike;
	ini.conf.n_ike = 1;
	ini.conf.esp[0] = *esp;
	ini.conf.n_esp = 1;
	start();
	assert_child_pair();
	assert_int_equal(res.sa->dh_group, dh);
	assert_int_equal(res.sa->suite.encr, ike->encr);
	assert_int_equal(res.sa->suite.keybits, ike->keybits);
	assert_int_equal(res.sa->child.algs.encr, esp->encr);
	assert_int_equal(res.sa->child.algs.keybits, esp->keybits);
}

static void test_suites(void **state)
{
	static const uint16_t dh[] = { IKE_DH_ECP256, IKE_DH_ECP384,
				       IKE_DH_CURVE25519, IKE_DH_MODP2048 };
	static const struct ike_algs ike[] = {
		{ IKE_ENCR_AES_GCM16, 128, 0, IKE_PRF_HMAC_SHA2_256 },
		{ IKE_ENCR_AES_GCM16, 256, 0, IKE_PRF_HMAC_SHA2_256 },
		{ IKE_ENCR_AES_CBC, 128, IKE_INTEG_SHA2_256_128,
		  IKE_PRF_HMAC_SHA2_256 },
	};
	static const struct ike_algs esp[] = {
		{ IKE_ENCR_AES_GCM16, 128, 0, 0 },
		{ IKE_ENCR_AES_GCM16, 256, 0, 0 },
		{ IKE_ENCR_AES_CBC, 128, IKE_INTEG_SHA2_256_128, 0 },
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < 4; i++)
		run_suite(dh[i], &ike[i % 3], &esp[i % 3]);
	for (i = 0; i < 3; i++)
		run_suite(IKE_DH_CURVE25519, &ike[i], &esp[(i + 1) % 3]);
}

/* The responder accepts the initiator's second proposal (number 2). */
static void test_second_proposal(void **state)
{
	(void)state;
	res.conf.ike[0] = ini.conf.ike[1];
	res.conf.n_ike = 1;
	res.conf.esp[0] = ini.conf.esp[2];
	res.conf.n_esp = 1;
	start();
	assert_child_pair();
	assert_int_equal(ini.sa->suite.encr, ini.conf.ike[1].encr);
	assert_int_equal(ini.sa->child.algs.encr, IKE_ENCR_AES_CBC);
}

/* A responder under load wants a COOKIE first; the initiator follows. */
static void test_cookie(void **state)
{
	uint64_t sent = ike_stats.cookies_sent;

	(void)state;
	res.env.cookie_required = true;
	memset(res.env.cookie_secret, 0x5a, sizeof(res.env.cookie_secret));
	start();
	assert_child_pair();
	assert_int_equal(ike_stats.cookies_sent, sent + 1);
	/* SA_INIT, SA_INIT with the COOKIE, IKE_AUTH. */
	assert_int_equal(ini.sent, 3);
}

/*
 * The secret rotates between a COOKIE and its return: one rotation still
 * accepts it (the previous secret), two do not (a new COOKIE is asked).
 */
static unsigned int rotations;

static bool rotate_on_cookie(struct side *to, uint8_t *msg, size_t *len)
{
	unsigned int i;

	(void)len;
	if (to == &ini && msg[IKE_HDR_EXCH_OFF] == IKE_SA_INIT &&
	    msg[IKE_HDR_NEXT_OFF] == IKE_PL_N) {
		for (i = 0; i < rotations; i++)
			assert_int_equal(ike_cookie_rotate(&res.env), 0);
		rotations = 0;
	}
	return true;
}

static void cookie_rotated(unsigned int n, uint64_t cookies)
{
	uint64_t sent = ike_stats.cookies_sent;

	res.env.cookie_required = true;
	assert_int_equal(ike_cookie_rotate(&res.env), 0);
	assert_int_equal(ike_cookie_rotate(&res.env), 0);
	rotations = n;
	tamper = rotate_on_cookie;
	start();
	assert_child_pair();
	assert_int_equal(ike_stats.cookies_sent, sent + cookies);
}

static void test_cookie_rotated_once(void **state)
{
	(void)state;
	cookie_rotated(1, 1);
}

static void test_cookie_rotated_twice(void **state)
{
	(void)state;
	cookie_rotated(2, 2);
}

/* A forged COOKIE gets only another COOKIE, never state. */
static bool forge_cookie(struct side *to, uint8_t *msg, size_t *len)
{
	/* The COOKIE notify is the first payload: its data starts at 36. */
	if (to == &res && msg[IKE_HDR_EXCH_OFF] == IKE_SA_INIT &&
	    msg[IKE_HDR_NEXT_OFF] == IKE_PL_N && *len > 40)
		msg[37] ^= 1;
	return true;
}

static void test_cookie_forged(void **state)
{
	uint64_t sent = ike_stats.cookies_sent;

	(void)state;
	res.env.cookie_required = true;
	tamper = forge_cookie;
	start();
	assert_int_equal(ini.sa->state, IKE_S_INIT_SENT);
	assert_int_equal(res.sa->state, IKE_S_DEAD);
	assert_true(ike_stats.cookies_sent >= sent + 2);
	assert_int_equal(res.fx.nsa, 0);
}

static void test_invalid_ke_retry(void **state)
{
	(void)state;
	/* The initiator guesses 19; the responder only takes 31. */
	res.conf.dh[0] = IKE_DH_CURVE25519;
	res.conf.n_dh = 1;
	start();
	assert_child_pair();
	assert_int_equal(ini.sa->dh_group, IKE_DH_CURVE25519);
	/* SA_INIT, INVALID_KE, SA_INIT again, IKE_AUTH. */
	assert_int_equal(ini.sent, 3);
}

static void test_no_proposal(void **state)
{
	(void)state;
	res.conf.ike[0] = (struct ike_algs){ IKE_ENCR_AES_CBC, 256,
					     IKE_INTEG_SHA2_512_256,
					     IKE_PRF_HMAC_SHA2_512 };
	res.conf.n_ike = 1;
	start();
	assert_int_equal(ini.sa->state, IKE_S_DEAD);
	assert_int_equal(ini.sa->error_notify, IKE_N_NO_PROPOSAL_CHOSEN);
	assert_int_equal(ini.fx.nsa, 0);
}

static void test_other_group_ca_refused(void **state)
{
	(void)state;
	ini.conf.cred.cert = other_cert;
	start();
	assert_int_equal(res.sa->state, IKE_S_DEAD);
	assert_int_equal(ini.sa->state, IKE_S_DEAD);
	assert_int_equal(ini.sa->error_notify, IKE_N_AUTHENTICATION_FAILED);
	assert_int_equal(res.fx.nsa, 0);
	assert_int_equal(ini.fx.nsa, 0);
}

static void test_revoked_refused(void **state)
{
	(void)state;
	tc_cred_free(&res.conf.cred);
	assert_int_equal(tc_cred(&res.conf.cred, ec_key[1], ec_cert[1], ca,
				 crl), 0);
	ini.conf.cred.key = rev_key;
	ini.conf.cred.cert = rev_cert;
	start();
	assert_int_equal(res.sa->state, IKE_S_DEAD);
	assert_int_equal(res.fx.nsa, 0);
	assert_int_equal(ini.sa->error_notify, IKE_N_AUTHENTICATION_FAILED);
}

static void test_crl_not_revoked_ok(void **state)
{
	(void)state;
	tc_cred_free(&res.conf.cred);
	assert_int_equal(tc_cred(&res.conf.cred, ec_key[1], ec_cert[1], ca,
				 crl), 0);
	start();
	assert_child_pair();
}

static void test_remote_id(void **state)
{
	(void)state;
	snprintf(ini.conf.remote_id, sizeof(ini.conf.remote_id),
		 "gw2.example");
	start();
	assert_int_equal(ini.sa->state, IKE_S_DEAD);
	assert_int_equal(ini.fx.nsa, 0);
	test_teardown(NULL);
	test_setup(NULL);
	snprintf(ini.conf.remote_id, sizeof(ini.conf.remote_id),
		 "gw1.example");
	start();
	assert_child_pair();
}

static void test_ts_narrowed(void **state)
{
	struct ike_ts_pl *tsr = &ini.conf.ts_remote;
	const struct xfrm_pol_spec *p;

	(void)state;
	/* The client asks for 203.0.0.0/8; the gateway gives its /24. */
	tsr->n = 0;
	ts_prefix(tsr, "203.0.0.0", 8);
	start();
	assert_child_pair();
	p = pol_find(&ini.fx, XFRM_DIR_OUT, VPNFOD_REQID_BASE + 1);
	assert_non_null(p);
	assert_int_equal(p->sel.dplen, 24);
}

static void test_ts_unacceptable(void **state)
{
	(void)state;
	ini.conf.ts_remote.n = 0;
	ts_prefix(&ini.conf.ts_remote, "198.51.100.0", 24);
	start();
	/* IKE SA up, no CHILD SA, nothing in the kernel. */
	assert_int_equal(ini.sa->state, IKE_S_ESTABLISHED);
	assert_false(ini.sa->child.installed);
	assert_int_equal(ini.fx.nsa, 0);
	assert_int_equal(res.fx.nsa, 0);
}

static void test_ipv6(void **state)
{
	(void)state;
	ini.conf.ts_local.n = ini.conf.ts_remote.n = 0;
	res.conf.ts_local.n = res.conf.ts_remote.n = 0;
	ts_prefix(&ini.conf.ts_local, "2001:db8:c::100", 128);
	ts_prefix(&ini.conf.ts_remote, "2001:db8:100::", 64);
	ts_prefix(&res.conf.ts_remote, "2001:db8:c::100", 128);
	ts_prefix(&res.conf.ts_local, "2001:db8:100::", 64);
	ini.addr.ip.family = res.addr.ip.family = AF_INET6;
	inet_pton(AF_INET6, "2001:db8:1::2", ini.addr.ip.bytes);
	inet_pton(AF_INET6, "2001:db8:1::1", res.addr.ip.bytes);
	start();
	assert_int_equal(ini.sa->state, IKE_S_ESTABLISHED);
	assert_true(ini.sa->child.installed);
	assert_int_equal(pol_find(&ini.fx, XFRM_DIR_OUT,
				  VPNFOD_REQID_BASE + 1)->sel.dplen, 64);
}

/* A corrupted IKE_AUTH is dropped and counted; the retransmit succeeds. */
static unsigned int flips;

static bool flip_auth(struct side *to, uint8_t *msg, size_t *len)
{
	(void)to;
	if (msg[IKE_HDR_EXCH_OFF] == IKE_AUTH && !flips++)
		msg[*len - 5] ^= 0x40;
	return true;
}

static void test_corrupt_dropped(void **state)
{
	uint64_t icv = ike_stats.rx_icv;

	(void)state;
	flips = 0;
	tamper = flip_auth;
	start();
	assert_int_equal(ike_stats.rx_icv, icv + 1);
	assert_int_equal(ini.sa->state, IKE_S_AUTH_SENT);
	assert_int_equal(res.sa->state, IKE_S_INIT_DONE);
	now_ms += 1000;
	assert_true(ike_sa_tick(ini.sa) > 0);
	run();
	assert_child_pair();
	assert_true(ike_stats.retransmits > 0);
}

/*
 * A malformed IKE_SA_INIT is dropped and counted, and the debug log says
 * what was wrong: here the KE payload's next-payload byte says KE, so the
 * nonce after it reads as a second KE.
 */
static bool init_second_ke(struct side *to, uint8_t *msg, size_t *len)
{
	size_t ke;

	if (to != &res || msg[IKE_HDR_EXCH_OFF] != IKE_SA_INIT ||
	    msg[IKE_HDR_NEXT_OFF] != IKE_PL_SA)
		return true;
	ke = IKE_HDR_LEN + (msg[IKE_HDR_LEN + 2] << 8 | msg[IKE_HDR_LEN + 3]);
	assert_true(ke < *len);
	assert_int_equal(msg[ke], IKE_PL_NONCE);
	msg[ke] = IKE_PL_KE;
	return true;
}

static void test_malformed_dropped_with_reason(void **state)
{
	uint64_t malformed = ike_stats.rx_malformed;
	enum log_level level = log_get_level();
	static char logged[16384];
	FILE *f = tmpfile();
	int saved;
	size_t n;

	(void)state;
	assert_non_null(f);
	fflush(stderr);
	saved = dup(2);
	assert_true(saved >= 0);
	assert_true(dup2(fileno(f), 2) >= 0);
	log_set_level(LOG_LEVEL_DEBUG);
	tamper = init_second_ke;
	start();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	log_set_level(level);
	assert_int_equal(ike_stats.rx_malformed, malformed + 1);
	assert_int_equal(ini.sa->state, IKE_S_INIT_SENT);
	rewind(f);
	n = fread(logged, 1, sizeof(logged) - 1, f);
	logged[n] = '\0';
	fclose(f);
	assert_non_null(strstr(logged, "message dropped: IKE_SA_INIT: "
				       "payload 34: duplicate KE payload"));
}

/* Lost response: the responder answers the retransmit from its cache. */
static unsigned int losses;

static bool lose_auth_reply(struct side *to, uint8_t *msg, size_t *len)
{
	(void)len;
	return !(to == &ini && msg[IKE_HDR_EXCH_OFF] == IKE_AUTH && !losses++);
}

static void test_lost_response(void **state)
{
	unsigned int rsent;

	(void)state;
	losses = 0;
	tamper = lose_auth_reply;
	start();
	assert_int_equal(res.sa->state, IKE_S_ESTABLISHED);
	assert_int_equal(ini.sa->state, IKE_S_AUTH_SENT);
	rsent = res.sent;
	now_ms += 1000;
	ike_sa_tick(ini.sa);
	run();
	assert_int_equal(res.sent, rsent + 1);
	assert_child_pair();
	/* Only one CHILD SA pair on the responder, not two. */
	assert_int_equal(res.fx.nsa, 2);
}

static bool lose_all(struct side *to, uint8_t *msg, size_t *len)
{
	(void)to;
	(void)msg;
	(void)len;
	return false;
}

/* Lets the initiator's timers run until it gives up (or max rounds). */
static void tick_until_dead(unsigned int max)
{
	unsigned int i;
	uint64_t wait;

	for (i = 0; i < max && ini.sa->state != IKE_S_DEAD; i++) {
		wait = ike_sa_tick(ini.sa);
		if (wait == UINT64_MAX)
			break;
		now_ms += wait;
		run();
	}
}

static void test_give_up(void **state)
{
	(void)state;
	tamper = lose_all;
	start();
	/* Sends at 0, 1, 3, 7 s (back-off doubles), then gives up at 15. */
	tick_until_dead(10);
	assert_int_equal(ini.sa->state, IKE_S_DEAD);
	assert_int_equal(ini.sa->error, -ETIMEDOUT);
	assert_int_equal(ini.sent, 4);
}

/* Either side deletes; both forget; the kernel keeps only fail-closed state. */
static void delete_from(struct side *s)
{
	start();
	assert_child_pair();
	assert_int_equal(ike_sa_delete(s->sa), 0);
	run();
	assert_int_equal(ini.sa->state, IKE_S_DEAD);
	assert_int_equal(res.sa->state, IKE_S_DEAD);
	assert_int_equal(ini.fx.nsa, 0);
	assert_int_equal(res.fx.nsa, 0);
	assert_non_null(pol_find(&ini.fx, XFRM_DIR_OUT, VPNFO_FALLBACK_REQID));
	assert_null(pol_find(&ini.fx, XFRM_DIR_OUT, VPNFOD_REQID_BASE + 1));
	assert_int_equal(res.fx.npol, 0);
}

static void test_delete_by_initiator(void **state)
{
	(void)state;
	delete_from(&ini);
}

static void test_delete_by_responder(void **state)
{
	(void)state;
	delete_from(&res);
}

static void test_dpd(void **state)
{
	unsigned int rsent;

	(void)state;
	ini.conf.dpd_ms = 5000;
	start();
	assert_child_pair();
	rsent = res.sent;
	now_ms += 5000;
	ike_sa_tick(ini.sa);
	run();
	assert_int_equal(res.sent, rsent + 1);
	assert_int_equal(ini.sa->state, IKE_S_ESTABLISHED);
	assert_false(ini.sa->req_pending);
	assert_int_equal(ini.sa->msgid_out, 3);
}

static void test_dpd_dead_peer(void **state)
{
	(void)state;
	ini.conf.dpd_ms = 5000;
	start();
	assert_child_pair();
	tamper = lose_all;
	tick_until_dead(12);
	assert_int_equal(ini.sa->state, IKE_S_DEAD);
	assert_int_equal(ini.fx.nsa, 0);
}

/* A request outside the window, and a replayed one, change nothing. */
static void test_replay_and_window(void **state)
{
	uint8_t saved[16384];
	size_t slen;
	uint64_t unexp = ike_stats.rx_unexpected;

	(void)state;
	start();
	assert_child_pair();
	assert_int_equal(ike_sa_dpd(ini.sa), 0);
	slen = wire.len[0];
	memcpy(saved, wire.msg[0], slen);
	run();
	/* The same request again: answered from the cache. */
	ike_sa_input(res.sa, saved, slen);
	assert_int_equal(wire.n, 1);
	run();	/* the initiator drops the duplicate response */
	assert_int_equal(ike_stats.rx_unexpected, unexp + 1);
	assert_int_equal(res.sa->state, IKE_S_ESTABLISHED);
	assert_int_equal(ini.sa->state, IKE_S_ESTABLISHED);
}

/*
 * RFC 7296 §2.23: datagrams from another port with a bad ICV do not move
 * the peer's port (the next request would go there); the same message
 * that authenticates does.
 */
static void test_port_moves_only_when_authenticated(void **state)
{
	uint8_t saved[16384], forged[16384];
	struct ike_addr from = ini.addr;
	uint16_t port;
	uint64_t icv = ike_stats.rx_icv;
	size_t slen;
	int i;

	(void)state;
	start();
	assert_child_pair();
	port = res.sa->remote.port;
	from.port = (uint16_t)(port + 1000);
	assert_int_equal(ike_sa_dpd(ini.sa), 0);
	slen = wire.len[0];
	memcpy(saved, wire.msg[0], slen);
	wire.n = 0;
	for (i = 0; i < 5; i++) {
		memcpy(forged, saved, slen);
		forged[slen - 1 - i] ^= 0x01;	/* inside the ICV */
		ike_sa_input_from(res.sa, forged, slen, &from, &res.addr);
		assert_int_equal(res.sa->remote.port, port);
	}
	assert_int_equal(ike_stats.rx_icv, icv + 5);
	assert_int_equal(wire.n, 0);
	ike_sa_input_from(res.sa, saved, slen, &from, &res.addr);
	assert_int_equal(res.sa->remote.port, from.port);
	assert_int_equal(res.sa->state, IKE_S_ESTABLISHED);
}

static void test_install_failure(void **state)
{
	(void)state;
	res.fx.fail_sa_add = -ENOMEM;
	start();
	assert_int_equal(res.sa->state, IKE_S_ESTABLISHED);
	assert_false(res.sa->child.installed);
	assert_false(ini.sa->child.installed);
	assert_int_equal(ini.fx.nsa, 0);
}


/* Two groups on one address: the initiator's CA picks the second. */
static void test_group_by_ca(void **state)
{
	struct ike_conf other;

	(void)state;
	other = res.conf;
	snprintf(other.name, sizeof(other.name), "other");
	other.reqid = VPNFOD_REQID_BASE + 9;
	memset(&other.cred, 0, sizeof(other.cred));
	assert_int_equal(tc_cred(&other.cred, ec_key[0], other_cert, ca2,
				 NULL), 0);
	other.alt = &res.conf;
	res_head = &other;
	start();
	assert_child_pair();
	assert_ptr_equal(res.sa->conf, &res.conf);
	assert_int_equal(fx_find(&res.fx, res.sa->child.spi_in)->reqid,
			 VPNFOD_REQID_BASE + 1);
	/* Alone, the other group refuses this client. */
	ike_sa_free(res.sa);
	res.sa = NULL;
	res.nall = 0;
	other.alt = NULL;
	ini.sa->state = IKE_S_DEAD;
	start();
	assert_int_equal(ini.sa->state, IKE_S_DEAD);
	assert_int_equal(ini.sa->error_notify, IKE_N_AUTHENTICATION_FAILED);
	tc_cred_free(&other.cred);
}

/* A responder never given IKE_AUTH forgets the half-open SA. */
static bool lose_auth_request(struct side *to, uint8_t *msg, size_t *len)
{
	(void)len;
	return !(to == &res && msg[IKE_HDR_EXCH_OFF] == IKE_AUTH);
}

static void test_half_open_expires(void **state)
{
	(void)state;
	tamper = lose_auth_request;
	start();
	assert_int_equal(res.sa->state, IKE_S_INIT_DONE);
	now_ms += 29000;
	assert_true(ike_sa_tick(res.sa) <= 1000);
	assert_int_equal(res.sa->state, IKE_S_INIT_DONE);
	now_ms += 1000;
	ike_sa_tick(res.sa);
	assert_int_equal(res.sa->state, IKE_S_DEAD);
	assert_int_equal(res.sa->error, -ETIMEDOUT);
}

/*
 * An IKE_SA_INIT that parses but is then dropped (here: a message ID other
 * than 0) leaves a responder SA that was neither half-open nor dead, so it
 * was never freed. It is half-open: it counts toward COOKIEs and expires.
 */
static bool init_msgid_one(struct side *to, uint8_t *msg, size_t *len)
{
	(void)len;
	if (to == &res && msg[IKE_HDR_EXCH_OFF] == IKE_SA_INIT)
		msg[IKE_HDR_MSGID_OFF + 3] = 1;
	return true;
}

static void test_dropped_init_expires(void **state)
{
	(void)state;
	tamper = init_msgid_one;
	start();
	assert_non_null(res.sa);
	assert_int_equal(res.sa->state, IKE_S_IDLE);
	assert_true(ike_sa_half_open(res.sa));
	assert_false(ike_sa_half_open(ini.sa));
	now_ms += 29000;
	ike_sa_tick(res.sa);
	assert_int_equal(res.sa->state, IKE_S_IDLE);
	now_ms += 1000;
	ike_sa_tick(res.sa);
	assert_int_equal(res.sa->state, IKE_S_DEAD);
	assert_false(ike_sa_half_open(res.sa));
}

/* CREATE_CHILD_SA. */

/* One timer round of every SA on both sides, then the wire. */
static void tick_both(void)
{
	unsigned int i;

	for (i = 0; i < ini.nall; i++)
		ike_sa_tick(ini.all[i]);
	for (i = 0; i < res.nall; i++)
		ike_sa_tick(res.all[i]);
	run();
}

static unsigned int established(const struct side *s)
{
	unsigned int i, n = 0;

	for (i = 0; i < s->nall; i++)
		n += s->all[i]->state == IKE_S_ESTABLISHED;
	return n;
}

static void child_rekey_from(struct side *s)
{
	uint32_t old_in, old_out;
	uint64_t n = ike_stats.child_rekeys;
	uint8_t old_key[XFRM_KEY_MAX];

	start();
	assert_child_pair();
	old_in = ini.sa->child.spi_in;
	old_out = ini.sa->child.spi_out;
	memcpy(old_key, fx_find(&ini.fx, old_out)->enc_key, XFRM_KEY_MAX);
	assert_int_equal(ike_sa_rekey_child(s->sa), 0);
	tick_both();
	assert_child_pair();
	assert_int_not_equal(ini.sa->child.spi_in, old_in);
	assert_int_not_equal(ini.sa->child.spi_out, old_out);
	assert_null(fx_find(&ini.fx, old_in));
	assert_null(fx_find(&res.fx, old_out));
	assert_memory_not_equal(fx_find(&ini.fx, ini.sa->child.spi_out)->enc_key,
				old_key, 16);
	assert_int_equal(ike_stats.child_rekeys, n + 2);
	/* Policies are the successor's: still there, fallback included. */
	assert_non_null(pol_find(&ini.fx, XFRM_DIR_OUT, VPNFOD_REQID_BASE + 1));
	assert_non_null(pol_find(&ini.fx, XFRM_DIR_OUT, VPNFO_FALLBACK_REQID));
	assert_non_null(pol_find(&res.fx, XFRM_DIR_OUT, VPNFOD_REQID_BASE + 1));
	assert_false(ini.sa->req_pending);
	assert_false(res.sa->req_pending);
}

static void test_child_rekey_by_initiator(void **state)
{
	(void)state;
	child_rekey_from(&ini);
}

static void test_child_rekey_by_responder(void **state)
{
	(void)state;
	child_rekey_from(&res);
}

/* The rekey's delete is lost once: every SA in use has its receiver. */
static unsigned int info_losses;

static bool lose_first_info(struct side *to, uint8_t *msg, size_t *len)
{
	(void)len;
	return !(to == &res && msg[IKE_HDR_EXCH_OFF] == IKE_INFORMATIONAL &&
		 !(msg[IKE_HDR_FLAGS_OFF] & IKE_FLAG_R) && !info_losses++);
}

static void test_child_rekey_make_before_break(void **state)
{
	uint32_t old_in, old_out;

	(void)state;
	start();
	old_in = ini.sa->child.spi_in;
	old_out = ini.sa->child.spi_out;
	info_losses = 0;
	tamper = lose_first_info;
	assert_int_equal(ike_sa_rekey_child(ini.sa), 0);
	tick_both();
	/* Initiator: both new SAs; the old pair until the delete is done. */
	assert_non_null(fx_find(&ini.fx, ini.sa->child.spi_in));
	assert_non_null(fx_find(&ini.fx, ini.sa->child.spi_out));
	assert_non_null(fx_find(&ini.fx, old_in));
	assert_non_null(fx_find(&ini.fx, old_out));
	/* Responder: the new inbound, and still the old pair to send on. */
	assert_non_null(fx_find(&res.fx, res.sa->child.spi_in));
	assert_null(fx_find(&res.fx, res.sa->child.spi_out));
	assert_non_null(fx_find(&res.fx, old_out));
	assert_non_null(fx_find(&res.fx, old_in));
	assert_int_equal(res.sa->child.spi_in, ini.sa->child.spi_out);
	now_ms += 1000;
	tick_both();
	assert_child_pair();
	assert_null(fx_find(&ini.fx, old_in));
	assert_null(fx_find(&ini.fx, old_out));
}

static void test_child_rekey_collision(void **state)
{
	uint64_t coll = ike_stats.rekey_collisions;
	uint32_t old_in;

	(void)state;
	start();
	old_in = ini.sa->child.spi_in;
	assert_int_equal(ike_sa_rekey_child(ini.sa), 0);
	assert_int_equal(ike_sa_rekey_child(res.sa), 0);
	ike_sa_tick(ini.sa);
	ike_sa_tick(res.sa);
	assert_int_equal(wire.n, 2);	/* both requests in flight */
	run();
	assert_int_equal(ike_stats.rekey_collisions, coll + 2);
	now_ms += 100;
	tick_both();
	assert_child_pair();		/* one pair left, the same on both */
	assert_int_not_equal(ini.sa->child.spi_in, old_in);
	assert_false(ini.sa->peer_child.installed);
	assert_false(res.sa->peer_child.installed);
}

static void test_child_rekey_lifetime(void **state)
{
	uint32_t old_in;

	(void)state;
	ini.conf.child_rekey_ms = 60000;
	start();
	assert_int_equal(fx_find(&ini.fx, ini.sa->child.spi_out)->hard_add_s,
			 60 * 11 / 10 + 30);
	old_in = ini.sa->child.spi_in;
	now_ms += 30000;
	tick_both();
	assert_int_equal(ini.sa->child.spi_in, old_in);
	now_ms += 30000;
	tick_both();
	assert_child_pair();
	assert_int_not_equal(ini.sa->child.spi_in, old_in);
	assert_true(ini.sa->child.rekey_at > now_ms + 50000);
}

static unsigned int ccs_losses;

static bool lose_ccs_reply(struct side *to, uint8_t *msg, size_t *len)
{
	(void)len;
	return !(to == &ini && msg[IKE_HDR_EXCH_OFF] == IKE_CREATE_CHILD_SA &&
		 !ccs_losses++);
}

static void test_child_rekey_lost_response(void **state)
{
	(void)state;
	start();
	ccs_losses = 0;
	tamper = lose_ccs_reply;
	assert_int_equal(ike_sa_rekey_child(ini.sa), 0);
	tick_both();
	assert_int_equal(ccs_losses, 1);
	now_ms += 1000;
	tick_both();	/* retransmitted, answered from the cache */
	assert_child_pair();	/* no second new CHILD SA on the responder */
}

static void ike_rekey_from(struct side *s)
{
	struct ike_sa *old_i, *old_r;
	uint32_t spi_in;

	start();
	old_i = ini.sa;
	old_r = res.sa;
	spi_in = ini.sa->child.spi_in;
	assert_int_equal(ike_sa_rekey_ike(s->sa), 0);
	tick_both();
	assert_ptr_not_equal(ini.sa, old_i);
	assert_ptr_not_equal(res.sa, old_r);
	assert_int_equal(old_i->state, IKE_S_DEAD);
	assert_int_equal(old_r->state, IKE_S_DEAD);
	assert_int_equal(ini.sa->spi_i, res.sa->spi_i);
	assert_int_equal(ini.sa->spi_r, res.sa->spi_r);
	assert_int_not_equal(ini.sa->spi_i, old_i->spi_i);
	assert_int_equal(ini.sa->initiator, s == &ini);
	assert_int_equal(res.sa->initiator, s != &ini);
	/* The CHILD SA moved over untouched. */
	assert_int_equal(ini.sa->child.spi_in, spi_in);
	assert_child_pair();
	/* The new IKE SA works: liveness, then a CHILD rekey from its SK_d. */
	assert_int_equal(ike_sa_dpd(ini.sa), 0);
	run();
	assert_int_equal(ini.sa->state, IKE_S_ESTABLISHED);
	assert_int_equal(res.sa->msgid_in, ini.sa->msgid_out);
	assert_int_equal(ike_sa_rekey_child(ini.sa), 0);
	tick_both();
	assert_child_pair();
	assert_int_not_equal(ini.sa->child.spi_in, spi_in);
	assert_int_equal(established(&ini), 1);
	assert_int_equal(established(&res), 1);
}

static void test_ike_rekey_by_initiator(void **state)
{
	(void)state;
	ike_rekey_from(&ini);
}

static void test_ike_rekey_by_responder(void **state)
{
	(void)state;
	ike_rekey_from(&res);
}

static void test_ike_rekey_collision(void **state)
{
	uint64_t coll = ike_stats.rekey_collisions;
	struct ike_sa *old_i;
	unsigned int i;

	(void)state;
	start();
	old_i = ini.sa;
	assert_int_equal(ike_sa_rekey_ike(ini.sa), 0);
	assert_int_equal(ike_sa_rekey_ike(res.sa), 0);
	ike_sa_tick(ini.sa);
	ike_sa_tick(res.sa);
	assert_int_equal(wire.n, 2);
	run();
	assert_int_equal(ike_stats.rekey_collisions, coll + 2);
	for (i = 0; i < 4; i++) {
		now_ms += 100;
		tick_both();
	}
	/* One IKE SA left on each side, the same one, with the CHILD SA. */
	assert_int_equal(established(&ini), 1);
	assert_int_equal(established(&res), 1);
	assert_ptr_not_equal(ini.sa, old_i);
	assert_int_equal(ini.sa->spi_i, res.sa->spi_i);
	assert_int_equal(ini.sa->spi_r, res.sa->spi_r);
	assert_child_pair();
	assert_int_equal(ike_sa_dpd(ini.sa), 0);
	run();
	assert_false(ini.sa->req_pending);
}

/* A CHILD and an IKE rekey cross: both refused, both done later. */
static void test_rekey_temporary_failure(void **state)
{
	struct ike_sa *old_i;
	uint32_t spi_in;
	unsigned int i;

	(void)state;
	start();
	old_i = ini.sa;
	spi_in = ini.sa->child.spi_in;
	assert_int_equal(ike_sa_rekey_ike(ini.sa), 0);
	assert_int_equal(ike_sa_rekey_child(res.sa), 0);
	ike_sa_tick(ini.sa);
	ike_sa_tick(res.sa);
	run();
	assert_ptr_equal(ini.sa, old_i);	/* refused */
	assert_int_equal(ini.sa->child.spi_in, spi_in);
	for (i = 0; i < 40; i++) {
		now_ms += 250;
		tick_both();
	}
	assert_ptr_not_equal(ini.sa, old_i);
	assert_int_not_equal(ini.sa->child.spi_in, spi_in);
	assert_child_pair();
	assert_int_equal(established(&ini), 1);
	assert_int_equal(established(&res), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, test_setup, test_teardown)
		T(test_basic_ecdsa),
		T(test_rsa_both),
		T(test_mixed_rsa_ecdsa),
		T(test_suites),
		T(test_second_proposal),
		T(test_cookie),
		T(test_cookie_forged),
		T(test_cookie_rotated_once),
		T(test_cookie_rotated_twice),
		T(test_invalid_ke_retry),
		T(test_no_proposal),
		T(test_other_group_ca_refused),
		T(test_revoked_refused),
		T(test_crl_not_revoked_ok),
		T(test_remote_id),
		T(test_ts_narrowed),
		T(test_ts_unacceptable),
		T(test_ipv6),
		T(test_corrupt_dropped),
		T(test_malformed_dropped_with_reason),
		T(test_lost_response),
		T(test_give_up),
		T(test_delete_by_initiator),
		T(test_delete_by_responder),
		T(test_dpd),
		T(test_dpd_dead_peer),
		T(test_replay_and_window),
		T(test_port_moves_only_when_authenticated),
		T(test_install_failure),
		T(test_half_open_expires),
		T(test_dropped_init_expires),
		T(test_group_by_ca),
		T(test_child_rekey_by_initiator),
		T(test_child_rekey_by_responder),
		T(test_child_rekey_make_before_break),
		T(test_child_rekey_collision),
		T(test_child_rekey_lifetime),
		T(test_child_rekey_lost_response),
		T(test_ike_rekey_by_initiator),
		T(test_ike_rekey_by_responder),
		T(test_ike_rekey_collision),
		T(test_rekey_temporary_failure),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
