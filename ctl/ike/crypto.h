/* SPDX-License-Identifier: GPL-2.0 */
#ifndef IKE_CRYPTO_H
#define IKE_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#define IKE_DH_PUB_MAX		512
#define IKE_KEY_MAX		64
#define IKE_HASH_MAX		64

struct ike_dh {
	uint16_t group;
	EVP_PKEY *key;
	uint8_t pub[IKE_DH_PUB_MAX];
	size_t publen;
};

bool ike_dh_supported(uint16_t group);
/* Length of a public value (KE data) for the group, 0 if unknown. */
size_t ike_dh_publen(uint16_t group);
int ike_dh_new(struct ike_dh *dh, uint16_t group);
/* Shared secret g^ir, in the group's fixed-length encoding. */
int ike_dh_derive(const struct ike_dh *dh, const uint8_t *peer, size_t n,
		  uint8_t *out, size_t *outlen);
void ike_dh_free(struct ike_dh *dh);

/* Negotiated IKE SA suite, and the per-algorithm sizes it implies. */
struct ike_suite {
	uint16_t encr;
	uint16_t keybits;
	uint16_t integ;		/* IKE_INTEG_NONE for AEAD */
	uint16_t prf;
	uint16_t dh;
};

size_t ike_prf_len(uint16_t prf);
size_t ike_integ_keylen(uint16_t integ);
size_t ike_integ_icvlen(uint16_t integ);
/* Encryption key length incl. the AEAD salt (RFC 5282: 4 bytes). */
size_t ike_encr_keylen(uint16_t encr, uint16_t keybits);

int ike_prf(uint16_t prf, const uint8_t *key, size_t klen,
	    const uint8_t *data, size_t dlen, uint8_t *out);
/* prf+ (RFC 7296 2.13): fills out[0..olen). */
int ike_prfplus(uint16_t prf, const uint8_t *key, size_t klen,
		const uint8_t *seed, size_t slen, uint8_t *out, size_t olen);

/*
 * SK payload. msg[0..sk_body) holds the IKE header and every payload up to
 * and including the SK generic header; seal appends IV, ciphertext and ICV
 * after it, patches both lengths and returns the message length.
 */
int ike_sk_seal(const struct ike_suite *s, const uint8_t *ek,
		const uint8_t *ak, uint8_t *msg, size_t sk_body,
		const uint8_t *plain, size_t plen, size_t cap);
/* Checks the ICV and decrypts; *plen is the inner chain's length. */
int ike_sk_open(const struct ike_suite *s, const uint8_t *ek,
		const uint8_t *ak, const uint8_t *msg, size_t len,
		size_t sk_body, uint8_t *plain, size_t *plen);

/* RFC 7427 AUTH data: ASN.1 length, AlgorithmIdentifier, signature. */
int ike_sig_sign(EVP_PKEY *key, const uint8_t *data, size_t n, uint8_t *out,
		 size_t *olen);
int ike_sig_verify(EVP_PKEY *pub, const uint8_t *auth, size_t alen,
		   const uint8_t *data, size_t n);

int ike_sha1(const void *a, size_t alen, uint8_t out[20]);
/* SHA-1 of a certificate's SubjectPublicKeyInfo (CERTREQ authority). */
int ike_spki_sha1(X509 *cert, uint8_t out[20]);
int ike_random(void *p, size_t n);
void ike_wipe(void *p, size_t n);

#endif
