// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: one UDP datagram as vpnfod receives it. Runs the
 * header and chain parsers, the payload decoder, and a fresh responder
 * IKE SA's input path (IKE_SA_INIT handling, proposal choice, DH).
 */
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "ike.h"
#include "lib/log.h"

static struct ike_conf conf;
static struct ike_env env;

static int f_send(void *c, struct ike_sa *sa, const uint8_t *m, size_t n)
{
	(void)c, (void)sa, (void)m, (void)n;
	return 0;
}

static uint64_t f_now(void *c)
{
	(void)c;
	return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	log_set_level(LOG_LEVEL_NONE);
	strcpy(conf.name, "fuzz");
	conf.ike[0] = (struct ike_algs){ IKE_ENCR_AES_GCM16, 128, 0,
					 IKE_PRF_HMAC_SHA2_256 };
	conf.ike[1] = (struct ike_algs){ IKE_ENCR_AES_CBC, 128,
					 IKE_INTEG_SHA2_256_128,
					 IKE_PRF_HMAC_SHA2_256 };
	conf.n_ike = 2;
	conf.dh[0] = IKE_DH_CURVE25519;
	conf.dh[1] = IKE_DH_ECP256;
	conf.n_dh = 2;
	conf.retrans_base_ms = 1000;
	conf.retrans_tries = 3;
	env = (struct ike_env){ .send = f_send, .xfrm = &ike_xfrm_null,
				.now_ms = f_now };
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ike_addr a = { .ip = { .family = AF_INET }, .port = 500 };
	struct ike_hdr h;
	struct ike_chain c;
	struct ike_pls *p;
	struct ike_sa *sa;

	if (size >= IKE_HDR_LEN) {
		ike_hdr_parse(data, size, &h);
		if (!ike_chain_parse(data[IKE_HDR_NEXT_OFF], data + IKE_HDR_LEN,
				     size - IKE_HDR_LEN, &c)) {
			p = malloc(sizeof(*p));
			if (p) {
				ike_pls_decode(&c, p);
				free(p);
			}
		}
	}
	if (!ike_sa_new(&sa, &conf, &env, false, &a, &a)) {
		ike_sa_input(sa, data, size);
		ike_sa_free(sa);
	}
	return 0;
}
