// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: a decrypted SK payload chain (what an authenticated
 * peer could send). First byte: the first payload type; the rest: the
 * chain. Everything decoded is then used the way the exchanges use it:
 * proposal choice, traffic-selector narrowing, notify lookups.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ike.h"
#include "lib/log.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	log_set_level(LOG_LEVEL_NONE);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct ike_algs esp[] = {
		{ IKE_ENCR_AES_GCM16, 128, 0, 0 },
		{ IKE_ENCR_AES_CBC, 256, IKE_INTEG_SHA2_256_128, 0 },
	};
	static const uint8_t pfx[4] = { 203, 0, 113, 0 };
	struct ike_ts_pl ours = { 0 }, out;
	struct ike_algs got;
	struct ike_chain c;
	struct ike_pls *p;
	unsigned int i;

	if (!size)
		return 0;
	if (ike_chain_parse(data[0], data + 1, size - 1, &c))
		return 0;
	p = malloc(sizeof(*p));
	if (!p)
		return 0;
	if (ike_pls_decode(&c, p))
		goto out;
	ike_ts_from_prefix(&ours.ts[ours.n++], AF_INET, pfx, 24);
	if (p->has_sa)
		ike_prop_select(&p->sa, IKE_PROTO_ESP, esp, 2, NULL, 0, &got,
				NULL);
	if (p->has_tsi && !ike_ts_narrow(&p->tsi, &ours, &out)) {
		for (i = 0; i < out.n; i++) {
			struct vpnfo_addr a;
			uint8_t plen;

			ike_ts_to_sel(&out.ts[i], &a, &plen);
		}
	}
	if (p->has_tsr)
		ike_ts_subset(&p->tsr, &ours);
	ike_pls_notify(p, IKE_N_REKEY_SA);
	ike_pls_error(p);
out:
	free(p);
	return 0;
}
