// SPDX-License-Identifier: GPL-2.0
/*
 * Key material (RFC 7296 2.14, 2.17, 2.18): SK_* of an IKE SA and KEYMAT
 * of a CHILD SA, every intermediate wiped; SPIs and the wire's 32-bit
 * numbers. Calls nothing above it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int ike_derive_ike_keys(struct ike_sa *sa, const uint8_t *gir, size_t glen,
			const uint8_t *old_skd, uint16_t old_prf)
{
	const struct ike_suite *s = &sa->suite;
	size_t hl = ike_prf_len(s->prf), al = ike_integ_keylen(s->integ);
	size_t el = ike_encr_keylen(s->encr, s->keybits);
	uint8_t key[128], seed[128 + 16], skeyseed[IKE_HASH_MAX];
	uint8_t km[7 * IKE_KEY_MAX], *k = km;
	uint8_t data[IKE_DH_PUB_MAX + 128];
	size_t kl = sa->ni_len + sa->nr_len;
	size_t sl = old_skd ? ike_prf_len(old_prf) : hl;
	struct ike_wr w;
	int err;

	if (!hl || !el || el > IKE_KEY_MAX || !sl || glen > IKE_DH_PUB_MAX)
		return -EOPNOTSUPP;
	memcpy(key, sa->ni, sa->ni_len);
	memcpy(key + sa->ni_len, sa->nr, sa->nr_len);
	if (old_skd) {
		memcpy(data, gir, glen);
		memcpy(data + glen, key, kl);
		err = ike_prf(old_prf, old_skd, sl, data, glen + kl, skeyseed);
		ike_wipe(data, sizeof(data));
	} else {
		err = ike_prf(s->prf, key, kl, gir, glen, skeyseed);
	}
	if (err)
		return err;
	ike_wr_init(&w, seed, sizeof(seed));
	ike_wr_bytes(&w, key, kl);
	ike_wr_u64(&w, sa->spi_i);
	ike_wr_u64(&w, sa->spi_r);
	err = ike_prfplus(s->prf, skeyseed, sl, seed, w.len, km,
			  3 * hl + 2 * al + 2 * el);
	if (err)
		goto out;
	memcpy(sa->sk_d, k, hl), k += hl;
	memcpy(sa->sk_ai, k, al), k += al;
	memcpy(sa->sk_ar, k, al), k += al;
	memcpy(sa->sk_ei, k, el), k += el;
	memcpy(sa->sk_er, k, el), k += el;
	memcpy(sa->sk_pi, k, hl), k += hl;
	memcpy(sa->sk_pr, k, hl);
out:
	ike_wipe(skeyseed, sizeof(skeyseed));
	ike_wipe(km, sizeof(km));
	ike_wipe(key, sizeof(key));
	return err;
}

int ike_derive_child_keys(const struct ike_sa *sa, struct ike_child *c,
			  bool we_init, const uint8_t *gir, size_t glen,
			  const uint8_t *ni, size_t nil, const uint8_t *nr,
			  size_t nrl)
{
	size_t el = ike_encr_keylen(c->algs.encr, c->algs.keybits);
	size_t al = c->algs.integ ? ike_integ_keylen(c->algs.integ) : 0;
	uint8_t seed[IKE_DH_PUB_MAX + 2 * IKE_NONCE_MAX], km[4 * IKE_KEY_MAX];
	uint8_t *ei = km, *ai = km + el, *er = ai + al, *ar = er + el;
	int err;

	if (!el || glen > IKE_DH_PUB_MAX || nil > IKE_NONCE_MAX ||
	    nrl > IKE_NONCE_MAX)
		return -EOPNOTSUPP;
	if (glen)
		memcpy(seed, gir, glen);
	memcpy(seed + glen, ni, nil);
	memcpy(seed + glen + nil, nr, nrl);
	err = ike_prfplus(sa->suite.prf, sa->sk_d,
			  ike_prf_len(sa->suite.prf), seed, glen + nil + nrl,
			  km, 2 * (el + al));
	ike_wipe(seed, sizeof(seed));
	if (err)
		return err;
	memcpy(we_init ? c->ek_out : c->ek_in, ei, el);
	memcpy(we_init ? c->ak_out : c->ak_in, ai, al);
	memcpy(we_init ? c->ek_in : c->ek_out, er, el);
	memcpy(we_init ? c->ak_in : c->ak_out, ar, al);
	ike_wipe(km, sizeof(km));
	return 0;
}

int ike_new_spi32(uint32_t *spi)
{
	do {
		if (ike_random(spi, sizeof(*spi)))
			return -EIO;
	} while (*spi < 256);	/* 1..255 are reserved by IANA */
	return 0;
}

uint32_t ike_spi32_of(const struct ike_prop *pr)
{
	return ike_get_u32(pr->spi);
}

void ike_put_u32(uint8_t *b, uint32_t spi)
{
	b[0] = spi >> 24;
	b[1] = spi >> 16;
	b[2] = spi >> 8;
	b[3] = spi;
}

uint32_t ike_get_u32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}
