/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The enrollment client (patent steps 100-105) and EST re-enrollment,
 * shared by `vpnfoctl enroll` and vpnfod. The server is trusted only
 * through a pinned SHA-256 fingerprint of its service CA or a CA file.
 *
 * State directory (dir):
 *   key.pem      the client's private key, mode 0600
 *   cert.pem     the client certificate (step 103)
 *   ca.pem       the group's root CA (step 101)
 *   service-ca.pem  the enrollment service's CA (the trust anchor)
 *   policy.cms   the signed policy as received (step 105)
 *   policy.json  its verified content
 *   enroll.json  server, port, user, group: what renewal needs
 */
#ifndef VPNFO_ENROLL_H
#define VPNFO_ENROLL_H

#include <stdbool.h>

struct enroll_cfg {
	const char *host;	/* numeric address or name */
	int port;
	const char *user;
	const char *password;
	const char *pin_sha256;	/* hex fingerprint of the service CA, or NULL */
	const char *ca_file;	/* or a PEM file holding it */
	const char *dir;
	const char *key_type;	/* "ec" (P-256, default), "ec-p384", "rsa" (3072) */
	double timeout;		/* seconds per request */
};

struct enroll_times {
	double start;		/* steps 100/101 */
	double csr;		/* steps 102/103 (includes key generation) */
	double policy;		/* steps 104/105 (policy fetched and verified) */
	double store;		/* writing the state directory (fsync per file) */
	double total;
};

/* Steps 100-105; writes the state directory. */
int enroll_run(const struct enroll_cfg *cfg, struct enroll_times *t);
/* EST simplereenroll with the current certificate when less than
 * fraction of its lifetime is left (or force), then a fresh policy.
 * *renewed tells whether a new certificate was obtained. When it is not
 * due but the stored policy was signed by the group CA directly (by a
 * service older than the policy-signing certificate), only the policy is
 * fetched again, with the current certificate. */
int enroll_renew(const char *dir, double fraction, bool force, double timeout, bool *renewed);
/* Re-checks the stored policy's CMS signature against ca.pem (the
 * reason for a refusal is logged). */
int enroll_policy_check(const char *dir);

#endif
