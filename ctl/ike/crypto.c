// SPDX-License-Identifier: GPL-2.0
/* IKE cryptography on OpenSSL 3's libcrypto. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/objects.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "crypto.h"
#include "payload.h"

bool ike_dh_supported(uint16_t group)
{
	return ike_dh_publen(group) != 0;
}

size_t ike_dh_publen(uint16_t group)
{
	switch (group) {
	case IKE_DH_MODP2048: return 256;
	case IKE_DH_ECP256: return 64;
	case IKE_DH_ECP384: return 96;
	case IKE_DH_CURVE25519: return 32;
	default: return 0;
	}
}

int ike_dh_new(struct ike_dh *dh, uint16_t group)
{
	EVP_PKEY_CTX *ctx = NULL;
	uint8_t *enc = NULL;
	size_t enclen;
	int err = -EIO;

	memset(dh, 0, sizeof(*dh));
	dh->group = group;
	switch (group) {
	case IKE_DH_ECP256:
		dh->key = EVP_EC_gen("P-256");
		break;
	case IKE_DH_ECP384:
		dh->key = EVP_EC_gen("P-384");
		break;
	case IKE_DH_CURVE25519:
		dh->key = EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
		break;
	case IKE_DH_MODP2048: {
		OSSL_PARAM params[2];

		ctx = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL);
		params[0] = OSSL_PARAM_construct_utf8_string(
			OSSL_PKEY_PARAM_GROUP_NAME, "modp_2048", 0);
		params[1] = OSSL_PARAM_construct_end();
		if (!ctx || EVP_PKEY_keygen_init(ctx) <= 0 ||
		    EVP_PKEY_CTX_set_params(ctx, params) <= 0 ||
		    EVP_PKEY_generate(ctx, &dh->key) <= 0)
			goto out;
		break;
	}
	default:
		return -EOPNOTSUPP;
	}
	if (!dh->key)
		goto out;
	enclen = EVP_PKEY_get1_encoded_public_key(dh->key, &enc);
	if (!enclen)
		goto out;
	if (group == IKE_DH_ECP256 || group == IKE_DH_ECP384) {
		/* RFC 5903: x || y, without SEC1's 0x04 prefix. */
		if (enclen != ike_dh_publen(group) + 1 || enc[0] != 4)
			goto out;
		memcpy(dh->pub, enc + 1, enclen - 1);
		dh->publen = enclen - 1;
	} else {
		size_t want = ike_dh_publen(group);

		if (enclen > want)
			goto out;
		/* Big-endian MODP values are padded to the prime's length. */
		memset(dh->pub, 0, want - enclen);
		memcpy(dh->pub + want - enclen, enc, enclen);
		dh->publen = want;
	}
	err = 0;
out:
	OPENSSL_free(enc);
	EVP_PKEY_CTX_free(ctx);
	if (err)
		ike_dh_free(dh);
	return err;
}

int ike_dh_derive(const struct ike_dh *dh, const uint8_t *peer, size_t n,
		  uint8_t *out, size_t *outlen)
{
	EVP_PKEY *pk = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	uint8_t pt[1 + IKE_DH_PUB_MAX];
	size_t want = ike_dh_publen(dh->group), len;
	int err = -EBADMSG;

	if (!dh->key || n != want)
		return -EBADMSG;
	if (dh->group == IKE_DH_CURVE25519) {
		pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, peer, n);
	} else {
		const uint8_t *enc = peer;
		size_t enclen = n;

		if (dh->group != IKE_DH_MODP2048) {
			pt[0] = 4;
			memcpy(pt + 1, peer, n);
			enc = pt;
			enclen = n + 1;
		}
		pk = EVP_PKEY_new();
		/* set1_encoded_public_key checks the point is on the curve. */
		if (pk && (EVP_PKEY_copy_parameters(pk, dh->key) <= 0 ||
			   EVP_PKEY_set1_encoded_public_key(pk, enc,
							    enclen) <= 0)) {
			EVP_PKEY_free(pk);
			pk = NULL;
		}
	}
	if (!pk)
		goto out;
	ctx = EVP_PKEY_CTX_new(dh->key, NULL);
	if (!ctx || EVP_PKEY_derive_init(ctx) <= 0)
		goto out;
	if (dh->group == IKE_DH_MODP2048 &&
	    EVP_PKEY_CTX_set_dh_pad(ctx, 1) <= 0)
		goto out;
	/* For MODP this also rejects 0, 1 and p-1 (SP 800-56A checks). */
	if (EVP_PKEY_derive_set_peer_ex(ctx, pk, 1) <= 0)
		goto out;
	len = *outlen;
	if (EVP_PKEY_derive(ctx, out, &len) <= 0)
		goto out;
	if (dh->group == IKE_DH_CURVE25519) {
		uint8_t acc = 0;
		size_t i;

		/* RFC 8031 2.3: an all-zero result means a small-order point. */
		for (i = 0; i < len; i++)
			acc |= out[i];
		if (!acc)
			goto out;
	}
	*outlen = len;
	err = 0;
out:
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(pk);
	return err;
}

void ike_dh_free(struct ike_dh *dh)
{
	EVP_PKEY_free(dh->key);
	dh->key = NULL;
}

static const EVP_MD *prf_md(uint16_t prf)
{
	switch (prf) {
	case IKE_PRF_HMAC_SHA2_256: return EVP_sha256();
	case IKE_PRF_HMAC_SHA2_384: return EVP_sha384();
	case IKE_PRF_HMAC_SHA2_512: return EVP_sha512();
	default: return NULL;
	}
}

static const EVP_MD *integ_md(uint16_t integ)
{
	switch (integ) {
	case IKE_INTEG_SHA2_256_128: return EVP_sha256();
	case IKE_INTEG_SHA2_384_192: return EVP_sha384();
	case IKE_INTEG_SHA2_512_256: return EVP_sha512();
	default: return NULL;
	}
}

size_t ike_prf_len(uint16_t prf)
{
	const EVP_MD *md = prf_md(prf);

	return md ? (size_t)EVP_MD_get_size(md) : 0;
}

size_t ike_integ_keylen(uint16_t integ)
{
	const EVP_MD *md = integ_md(integ);

	return md ? (size_t)EVP_MD_get_size(md) : 0;
}

size_t ike_integ_icvlen(uint16_t integ)
{
	return ike_integ_keylen(integ) / 2;
}

size_t ike_encr_keylen(uint16_t encr, uint16_t keybits)
{
	if (keybits != 128 && keybits != 256)
		return 0;
	if (encr == IKE_ENCR_AES_GCM16)
		return keybits / 8 + 4;
	if (encr == IKE_ENCR_AES_CBC)
		return keybits / 8;
	return 0;
}

int ike_prf(uint16_t prf, const uint8_t *key, size_t klen,
	    const uint8_t *data, size_t dlen, uint8_t *out)
{
	const EVP_MD *md = prf_md(prf);
	unsigned int olen;

	if (!md)
		return -EOPNOTSUPP;
	if (!HMAC(md, key, (int)klen, data, dlen, out, &olen))
		return -EIO;
	return 0;
}

int ike_prfplus(uint16_t prf, const uint8_t *key, size_t klen,
		const uint8_t *seed, size_t slen, uint8_t *out, size_t olen)
{
	size_t hl = ike_prf_len(prf), done = 0, blen;
	uint8_t t[IKE_HASH_MAX], *buf;
	unsigned int i;
	int err = 0;

	if (!hl)
		return -EOPNOTSUPP;
	if (olen > 255 * hl)
		return -EINVAL;
	buf = malloc(hl + slen + 1);
	if (!buf)
		return -ENOMEM;
	for (i = 1; done < olen; i++) {
		size_t n = 0;

		if (i > 1) {
			memcpy(buf, t, hl);
			n = hl;
		}
		memcpy(buf + n, seed, slen);
		buf[n + slen] = (uint8_t)i;
		blen = n + slen + 1;
		err = ike_prf(prf, key, klen, buf, blen, t);
		if (err)
			break;
		n = olen - done < hl ? olen - done : hl;
		memcpy(out + done, t, n);
		done += n;
	}
	ike_wipe(t, sizeof(t));
	ike_wipe(buf, hl + slen + 1);
	free(buf);
	return err;
}

static const EVP_CIPHER *cipher_of(uint16_t encr, uint16_t keybits)
{
	if (encr == IKE_ENCR_AES_GCM16)
		return keybits == 256 ? EVP_aes_256_gcm() : EVP_aes_128_gcm();
	if (encr == IKE_ENCR_AES_CBC)
		return keybits == 256 ? EVP_aes_256_cbc() : EVP_aes_128_cbc();
	return NULL;
}

#define GCM_IV	8
#define GCM_ICV	16
#define CBC_IV	16

/* AES-GCM for SK (RFC 5282): nonce = 4-byte salt | 8-byte IV, AAD = header. */
static int gcm_begin(EVP_CIPHER_CTX *ctx, const EVP_CIPHER *c,
		     const uint8_t *ek, size_t klen, const uint8_t *iv,
		     const uint8_t *aad, size_t aadlen, int enc)
{
	uint8_t nonce[12];
	int n;

	memcpy(nonce, ek + klen - 4, 4);
	memcpy(nonce + 4, iv, GCM_IV);
	if (EVP_CipherInit_ex(ctx, c, NULL, NULL, NULL, enc) <= 0 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) <= 0 ||
	    EVP_CipherInit_ex(ctx, NULL, NULL, ek, nonce, enc) <= 0 ||
	    EVP_CipherUpdate(ctx, NULL, &n, aad, (int)aadlen) <= 0)
		return -EIO;
	return 0;
}

int ike_sk_seal(const struct ike_suite *s, const uint8_t *ek,
		const uint8_t *ak, uint8_t *msg, size_t sk_body,
		const uint8_t *plain, size_t plen, size_t cap)
{
	const EVP_CIPHER *c = cipher_of(s->encr, s->keybits);
	bool gcm = s->encr == IKE_ENCR_AES_GCM16;
	size_t ivlen = gcm ? GCM_IV : CBC_IV;
	size_t icv = gcm ? GCM_ICV : ike_integ_icvlen(s->integ);
	size_t pad = gcm ? 0 : (16 - (plen + 1) % 16) % 16;
	size_t ctlen = plen + pad + 1, total = sk_body + ivlen + ctlen + icv;
	size_t klen = ike_encr_keylen(s->encr, s->keybits);
	EVP_CIPHER_CTX *ctx;
	uint8_t *iv = msg + sk_body, *ct = iv + ivlen;
	int n, err = -EIO;

	if (!c || (!gcm && !integ_md(s->integ)))
		return -EOPNOTSUPP;
	if (total > cap || total > IKE_MSG_MAX ||
	    sk_body < IKE_HDR_LEN + IKE_PL_HDR_LEN)
		return -EMSGSIZE;
	if (ike_random(iv, ivlen))
		return -EIO;
	memcpy(ct, plain, plen);
	memset(ct + plen, 0, pad);
	ct[plen + pad] = (uint8_t)pad;
	/* Lengths go in first: they are authenticated. */
	msg[sk_body - 2] = (uint8_t)((total - sk_body + IKE_PL_HDR_LEN) >> 8);
	msg[sk_body - 1] = (uint8_t)(total - sk_body + IKE_PL_HDR_LEN);
	msg[IKE_HDR_LEN_OFF] = (uint8_t)(total >> 24);
	msg[IKE_HDR_LEN_OFF + 1] = (uint8_t)(total >> 16);
	msg[IKE_HDR_LEN_OFF + 2] = (uint8_t)(total >> 8);
	msg[IKE_HDR_LEN_OFF + 3] = (uint8_t)total;
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx)
		return -ENOMEM;
	if (gcm) {
		if (gcm_begin(ctx, c, ek, klen, iv, msg, sk_body, 1) ||
		    EVP_EncryptUpdate(ctx, ct, &n, ct, (int)ctlen) <= 0 ||
		    EVP_EncryptFinal_ex(ctx, ct + n, &n) <= 0 ||
		    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, GCM_ICV,
					ct + ctlen) <= 0)
			goto out;
	} else {
		uint8_t mac[IKE_HASH_MAX];
		unsigned int mlen;

		EVP_CIPHER_CTX_set_padding(ctx, 0);
		if (EVP_EncryptInit_ex(ctx, c, NULL, ek, iv) <= 0 ||
		    EVP_EncryptUpdate(ctx, ct, &n, ct, (int)ctlen) <= 0 ||
		    EVP_EncryptFinal_ex(ctx, ct + n, &n) <= 0)
			goto out;
		if (!HMAC(integ_md(s->integ), ak,
			  (int)ike_integ_keylen(s->integ), msg, total - icv,
			  mac, &mlen))
			goto out;
		memcpy(msg + total - icv, mac, icv);
	}
	err = (int)total;
out:
	EVP_CIPHER_CTX_free(ctx);
	return err;
}

int ike_sk_open(const struct ike_suite *s, const uint8_t *ek,
		const uint8_t *ak, const uint8_t *msg, size_t len,
		size_t sk_body, uint8_t *plain, size_t *plen)
{
	const EVP_CIPHER *c = cipher_of(s->encr, s->keybits);
	bool gcm = s->encr == IKE_ENCR_AES_GCM16;
	size_t ivlen = gcm ? GCM_IV : CBC_IV;
	size_t icv = gcm ? GCM_ICV : ike_integ_icvlen(s->integ);
	size_t klen = ike_encr_keylen(s->encr, s->keybits), ctlen;
	const uint8_t *iv = msg + sk_body, *ct = iv + ivlen;
	EVP_CIPHER_CTX *ctx;
	int n, err = -EBADMSG;

	if (!c || (!gcm && !integ_md(s->integ)))
		return -EOPNOTSUPP;
	if (sk_body > len || len - sk_body < ivlen + icv + 1)
		return -EBADMSG;
	ctlen = len - sk_body - ivlen - icv;
	if (!gcm && ctlen % 16)
		return -EBADMSG;
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx)
		return -ENOMEM;
	if (gcm) {
		if (gcm_begin(ctx, c, ek, klen, iv, msg, sk_body, 0) ||
		    EVP_DecryptUpdate(ctx, plain, &n, ct, (int)ctlen) <= 0 ||
		    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, GCM_ICV,
					(void *)(ct + ctlen)) <= 0 ||
		    EVP_DecryptFinal_ex(ctx, plain + n, &n) <= 0)
			goto out;
	} else {
		uint8_t mac[IKE_HASH_MAX];
		unsigned int mlen;

		if (!HMAC(integ_md(s->integ), ak,
			  (int)ike_integ_keylen(s->integ), msg, len - icv,
			  mac, &mlen) ||
		    CRYPTO_memcmp(mac, msg + len - icv, icv))
			goto out;
		EVP_CIPHER_CTX_set_padding(ctx, 0);
		if (EVP_DecryptInit_ex(ctx, c, NULL, ek, iv) <= 0 ||
		    EVP_DecryptUpdate(ctx, plain, &n, ct, (int)ctlen) <= 0 ||
		    EVP_DecryptFinal_ex(ctx, plain + n, &n) <= 0)
			goto out;
	}
	if ((size_t)plain[ctlen - 1] + 1 > ctlen)
		goto out;
	*plen = ctlen - 1 - plain[ctlen - 1];
	err = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	return err;
}

/* RFC 7427: hash by key size, the strongest the key type pairs with. */
static const EVP_MD *sig_md_for(EVP_PKEY *key)
{
	if (EVP_PKEY_get_base_id(key) == EVP_PKEY_EC &&
	    EVP_PKEY_get_bits(key) > 256)
		return EVP_sha384();
	return EVP_sha256();
}

int ike_sig_sign(EVP_PKEY *key, const uint8_t *data, size_t n, uint8_t *out,
		 size_t *olen)
{
	const EVP_MD *md = sig_md_for(key);
	EVP_MD_CTX *ctx = NULL;
	X509_ALGOR *alg = NULL;
	uint8_t *der = NULL;
	int dlen, nid, sig_nid, err = -EIO;
	size_t slen;

	nid = EVP_PKEY_get_base_id(key);
	if (nid != EVP_PKEY_EC && nid != EVP_PKEY_RSA)
		return -EOPNOTSUPP;
	if (!OBJ_find_sigid_by_algs(&sig_nid, EVP_MD_get_type(md), nid))
		return -EOPNOTSUPP;
	alg = X509_ALGOR_new();
	/* RSA PKCS#1 identifiers carry NULL parameters, ECDSA none. */
	if (!alg || !X509_ALGOR_set0(alg, OBJ_nid2obj(sig_nid),
				     nid == EVP_PKEY_RSA ? V_ASN1_NULL :
				     V_ASN1_UNDEF, NULL))
		goto out;
	dlen = i2d_X509_ALGOR(alg, &der);
	if (dlen <= 0 || dlen > 255 || (size_t)dlen + 1 > *olen)
		goto out;
	out[0] = (uint8_t)dlen;
	memcpy(out + 1, der, dlen);
	slen = *olen - 1 - dlen;
	ctx = EVP_MD_CTX_new();
	if (!ctx || EVP_DigestSignInit(ctx, NULL, md, NULL, key) <= 0 ||
	    EVP_DigestSign(ctx, out + 1 + dlen, &slen, data, n) <= 0)
		goto out;
	*olen = 1 + dlen + slen;
	err = 0;
out:
	EVP_MD_CTX_free(ctx);
	OPENSSL_free(der);
	X509_ALGOR_free(alg);
	return err;
}

int ike_sig_verify(EVP_PKEY *pub, const uint8_t *auth, size_t alen,
		   const uint8_t *data, size_t n)
{
	const uint8_t *p = auth + 1;
	X509_ALGOR *alg = NULL;
	EVP_MD_CTX *ctx = NULL;
	const ASN1_OBJECT *obj;
	int md_nid, pk_nid, err = -EACCES;

	if (alen < 2 || (size_t)auth[0] + 1 >= alen)
		return -EBADMSG;
	alg = d2i_X509_ALGOR(NULL, &p, auth[0]);
	if (!alg || p != auth + 1 + auth[0]) {
		err = -EBADMSG;
		goto out;
	}
	X509_ALGOR_get0(&obj, NULL, NULL, alg);
	if (!OBJ_find_sigid_algs(OBJ_obj2nid(obj), &md_nid, &pk_nid) ||
	    pk_nid != EVP_PKEY_get_base_id(pub) ||
	    (md_nid != NID_sha256 && md_nid != NID_sha384 &&
	     md_nid != NID_sha512)) {
		err = -EOPNOTSUPP;	/* SHA-1 and PSS are refused */
		goto out;
	}
	ctx = EVP_MD_CTX_new();
	if (!ctx || EVP_DigestVerifyInit(ctx, NULL, EVP_get_digestbynid(md_nid),
					 NULL, pub) <= 0)
		goto out;
	if (EVP_DigestVerify(ctx, auth + 1 + auth[0], alen - 1 - auth[0],
			     data, n) == 1)
		err = 0;
out:
	EVP_MD_CTX_free(ctx);
	X509_ALGOR_free(alg);
	return err;
}

int ike_sha1(const void *a, size_t alen, uint8_t out[20])
{
	unsigned int len;

	return EVP_Digest(a, alen, out, &len, EVP_sha1(), NULL) ? 0 : -EIO;
}

int ike_spki_sha1(X509 *cert, uint8_t out[20])
{
	uint8_t *der = NULL;
	int len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &der);
	int err;

	if (len <= 0)
		return -EINVAL;
	err = ike_sha1(der, len, out);
	OPENSSL_free(der);
	return err;
}

int ike_random(void *p, size_t n)
{
	return RAND_bytes(p, (int)n) == 1 ? 0 : -EIO;
}

void ike_wipe(void *p, size_t n)
{
	OPENSSL_cleanse(p, n);
}
