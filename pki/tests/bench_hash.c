// SPDX-License-Identifier: GPL-2.0
/* Cost of the server-side work of one enrollment, piece by piece:
 * Argon2id with the chosen parameters, and the CA operations. */
#include <argon2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ca.h"
#include "policy.h"
#include "pwhash.h"
#include "util.h"

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

#define RUNS 15

static double median(double *v)
{
	qsort(v, RUNS, sizeof(*v), cmp);
	return v[RUNS / 2];
}

int main(int argc, char **argv)
{
	double hash[RUNS], verify[RUNS], issue[RUNS], sign[RUNS], t;
	char h[PWHASH_MAX];
	struct policy pol;
	struct sbuf json = { 0 };
	EVP_PKEY *cakey, *key, *signkey;
	X509 *ca, *cert, *signer;
	int i;

	/* --cheap PASSWORD: a minimal-cost Argon2id hash, so that the benchmark
	 * can time an enrollment without the password hashing. */
	if (argc == 3 && !strcmp(argv[1], "--cheap")) {
		unsigned char salt[16] = "benchmark-salt!";

		if (argon2id_hash_encoded(1, 8, 1, argv[2], strlen(argv[2]), salt, sizeof(salt), 32,
					  h, sizeof(h)) != ARGON2_OK)
			return 1;
		puts(h);
		return 0;
	}
	ca_key_generate("ec", &cakey);
	ca_root_create(cakey, "eng", 30, &ca);
	ca_key_generate("ec", &key);
	ca_policy_signer_create(ca, cakey, 30, &signer, &signkey);
	policy_default(&pol);
	policy_to_json(&pol, &json);
	for (i = 0; i < RUNS; i++) {
		struct sbuf cms = { 0 };

		t = time_mono();
		pwhash_hash("correct horse battery staple", h);
		hash[i] = time_mono() - t;
		t = time_mono();
		pwhash_verify(h, "correct horse battery staple");
		verify[i] = time_mono() - t;
		t = time_mono();
		ca_issue(ca, cakey, key, "alice", 365, CA_KIND_CLIENT, NULL, &cert);
		issue[i] = time_mono() - t;
		X509_free(cert);
		t = time_mono();
		policy_sign(signer, signkey, json.data, &cms);
		sign[i] = time_mono() - t;
		sbuf_free(&cms);
	}
	printf("argon2id t=%d m=%d KiB p=%d: hash %.1f ms, verify %.1f ms (median of %d)\n",
	       PWHASH_T_COST, PWHASH_M_COST_KIB, PWHASH_PARALLELISM, median(hash) * 1000,
	       median(verify) * 1000, RUNS);
	printf("certificate issue (ECDSA P-256) %.2f ms, policy CMS sign %.2f ms\n",
	       median(issue) * 1000, median(sign) * 1000);
	printf("verify_ms %.2f\n", median(verify) * 1000);
	return 0;
}
