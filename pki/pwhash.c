// SPDX-License-Identifier: GPL-2.0
#include "pwhash.h"
#include "lib/log.h"
#include "util.h"

#include <argon2.h>
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

int pwhash_hash(const char *pass, char out[PWHASH_MAX])
{
	unsigned char salt[16];
	size_t n = strlen(pass);
	int rc;

	if (n == 0 || n > PWHASH_PASS_MAX)
		return -EINVAL;
	if (RAND_bytes(salt, sizeof(salt)) != 1)
		return -EIO;
	rc = argon2id_hash_encoded(PWHASH_T_COST, PWHASH_M_COST_KIB, PWHASH_PARALLELISM, pass, n,
				   salt, sizeof(salt), 32, out, PWHASH_MAX);
	if (rc != ARGON2_OK) {
		log_error("argon2id: %s", argon2_error_message(rc));
		return -EIO;
	}
	return 0;
}

int pwhash_verify(const char *encoded, const char *pass)
{
	size_t n = strlen(pass);
	int rc;

	if (n > PWHASH_PASS_MAX)
		n = PWHASH_PASS_MAX; /* still pay the full cost */
	if (strncmp(encoded, "$argon2id$", 10))
		return -EINVAL;
	/* argon2_verify compares the tags in constant time. */
	rc = argon2id_verify(encoded, pass, n);
	if (rc == ARGON2_OK)
		return 0;
	if (rc == ARGON2_VERIFY_MISMATCH)
		return -EACCES;
	return -EINVAL;
}

static char dummy[PWHASH_MAX];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void dummy_init(void)
{
	unsigned char raw[24];
	char pass[49];

	RAND_bytes(raw, sizeof(raw));
	hex_encode(raw, sizeof(raw), pass);
	if (pwhash_hash(pass, dummy))
		dummy[0] = '\0';
	OPENSSL_cleanse(pass, sizeof(pass));
	OPENSSL_cleanse(raw, sizeof(raw));
}

const char *pwhash_dummy(void)
{
	pthread_once(&dummy_once, dummy_init);
	return dummy;
}
