// SPDX-License-Identifier: GPL-2.0
/* The certificate request reader and checks (DER or PEM, as the service
 * receives them in steps 102 and in EST). */
#include <stdint.h>

#include "ca.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const types[] = { "ec-p256", "ec-p384", "rsa-3072", NULL };
	X509_REQ *req;
	char why[200];

	if (ca_csr_parse(data, size, &req, why, sizeof(why)))
		return 0;
	ca_csr_check(req, "alice", types, why, sizeof(why));
	X509_REQ_free(req);
	return 0;
}
