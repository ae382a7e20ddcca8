// SPDX-License-Identifier: GPL-2.0
/*
 * The IKE SA object (RFC 7296): creation, failure and freeing, with
 * everything it holds (CHILD SAs, replaced ones, keys) out of the kernel
 * and wiped. The exchanges that drive it are init.c, auth.c, info.c and
 * rekey.c; exchange.c dispatches messages and timers to them.
 */
#include <errno.h>
#include <stdlib.h>

#include "internal.h"
#include "lib/log.h"

void ike_sa_fail(struct ike_sa *sa, int err, uint16_t notify,
		 const char *why)
{
	log_info("%s: IKE SA %016llx failed: %s (notify %u)", sa->conf->name,
		 (unsigned long long)sa->spi_i, why, notify);
	ike_child_remove(sa, &sa->child);
	ike_rekey_cleanup(sa);
	sa->error = err;
	sa->error_notify = notify;
	sa->state = IKE_S_DEAD;
	sa->req_pending = false;
}

int ike_sa_new(struct ike_sa **sap, const struct ike_conf *conf,
	       const struct ike_env *env, bool initiator,
	       const struct ike_addr *local, const struct ike_addr *remote)
{
	struct ike_sa *sa = calloc(1, sizeof(*sa));

	if (!sa)
		return -ENOMEM;
	sa->conf = conf;
	sa->env = env;
	sa->initiator = initiator;
	sa->local = *local;
	sa->remote = *remote;
	sa->state = IKE_S_IDLE;
	sa->last_rx_ms = ike_sa_now(sa);
	if (initiator) {
		do {
			if (ike_random(&sa->spi_i, sizeof(sa->spi_i))) {
				free(sa);
				return -EIO;
			}
		} while (!sa->spi_i);
	}
	*sap = sa;
	return 0;
}

void ike_sa_free(struct ike_sa *sa)
{
	if (!sa)
		return;
	ike_child_remove(sa, &sa->child);
	ike_rekey_cleanup(sa);
	ike_dh_free(&sa->dh);
	X509_free(sa->peer_cert);
	free(sa->init_i);
	free(sa->init_r);
	free(sa->req);
	free(sa->resp);
	ike_wipe(sa, sizeof(*sa));
	free(sa);
}

bool ike_sa_half_open(const struct ike_sa *sa)
{
	return !sa->initiator && (sa->state == IKE_S_IDLE ||
				  sa->state == IKE_S_INIT_DONE);
}
