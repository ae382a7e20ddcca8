// SPDX-License-Identifier: GPL-2.0
/*
 * vpnfo: the probe message's authentication, shared by both roles.
 * HMAC-SHA256 over the message with the mac field zeroed, truncated to 128
 * bits, compared in constant time.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/algapi.h>
#include <crypto/hash.h>
#include <crypto/sha2.h>

#include "vpnfo.h"

int vpnfo_probe_mac(struct vpnfo_key *key, const struct vpnfo_probe_msg *msg,
		    u8 *mac)
{
	SHASH_DESC_ON_STACK(desc, key->tfm);
	struct vpnfo_probe_msg tmp = *msg;
	u8 full[SHA256_DIGEST_SIZE];
	int err;

	memset(tmp.mac, 0, sizeof(tmp.mac));
	desc->tfm = key->tfm;
	err = crypto_shash_digest(desc, (const u8 *)&tmp, sizeof(tmp), full);
	shash_desc_zero(desc);
	if (!err)
		memcpy(mac, full, VPNFO_MAC_LEN);
	memzero_explicit(full, sizeof(full));
	return err;
}

bool vpnfo_probe_mac_ok(struct vpnfo_key *key,
			const struct vpnfo_probe_msg *msg)
{
	u8 mac[VPNFO_MAC_LEN];
	bool ok;

	if (!(ntohs(msg->flags) & VPNFO_PROBE_F_MAC))
		return false;
	if (vpnfo_probe_mac(key, msg, mac))
		return false;
	ok = !crypto_memneq(mac, msg->mac, VPNFO_MAC_LEN);
	memzero_explicit(mac, sizeof(mac));
	return ok;
}
