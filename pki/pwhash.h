/* SPDX-License-Identifier: GPL-2.0 */
/* Argon2id password hashes in the PHC string format. */
#ifndef PKI_PWHASH_H
#define PKI_PWHASH_H

#include <stddef.h>

/* RFC 9106 §4 second recommended option scaled to a 2-core gateway that
 * verifies two passwords per enrollment: t=2, m=19 MiB, p=1 (the OWASP
 * minimum for Argon2id). See Documentation/pki.md for the measurements. */
#define PWHASH_T_COST 2
#define PWHASH_M_COST_KIB 19456
#define PWHASH_PARALLELISM 1
#define PWHASH_MAX 160
#define PWHASH_PASS_MAX 256

int pwhash_hash(const char *pass, char out[PWHASH_MAX]);
/* 0 on match, -EACCES on mismatch, -EINVAL for a malformed hash. */
int pwhash_verify(const char *encoded, const char *pass);
/* A valid hash of a random password: verifying against it costs the
 * same as for a real user, so unknown names are not revealed by timing. */
const char *pwhash_dummy(void);

#endif
