/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VPNFOD_RELOAD_H
#define VPNFOD_RELOAD_H

/*
 * SIGHUP: vpnfod reads its configuration again (vpnfod.conf, or the
 * enrollment state / gateway export and its options file) and applies, to
 * every section it still has, what can change without touching an SA in
 * the kernel: the credentials (key, certificate, CA, CRL: the next
 * IKE_AUTH uses them), remote-id, the proposals, dpd, retransmit,
 * natt-keepalive and the rekey times (the next exchange or SA uses them).
 * What defines the SAs, their policies or the module's registration
 * (a section added or removed, local, remote, local-ts, remote-ts, mark,
 * reqid, priorities and probe settings) keeps its running value and is
 * logged as "needs restart". A configuration that does not load is
 * refused as a whole: the running one stays. See Documentation/vpnfod.md.
 */
#include "config.h"
#include "enrolled_conf.h"

/*
 * Moves what can change live from @nw into @cur (credentials are swapped:
 * config_free(@nw) then frees the old ones). @cur_e/@nw_e: the enrollment
 * of each, NULL for a vpnfod.conf. Logs one line per change; returns the
 * number of changes that need a restart.
 */
unsigned int vpnfod_reload_apply(struct vpnfod_conf *cur,
				 const struct enrolled *cur_e,
				 struct vpnfod_conf *nw,
				 const struct enrolled *nw_e);

#endif
