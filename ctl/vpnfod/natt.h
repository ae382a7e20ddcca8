/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VPNFOD_NATT_H
#define VPNFOD_NATT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ike/ike.h"

/*
 * NAT traversal on the daemon's side: the switch of IKE to UDP 4500 once a
 * NAT is detected (RFC 7296 §2.23) and the NAT-keepalives of the side
 * behind a NAT (RFC 3948 §2.3, §4). ESP-in-UDP itself is the kernel's
 * (UDP_ENCAP socket, encap template on the SAs).
 */
#define NATT_PORT		4500
#define NATT_KEEPALIVE_MS	20000	/* RFC 3948 §4: every 20 s */

/*
 * Called with each message before it leaves: an initiator that saw a NAT
 * in IKE_SA_INIT sends everything after it from and to port 4500, so that
 * the ESP of its CHILD SAs, encapsulated on the same ports, shares the
 * NAT mapping of IKE. Returns whether @sa now talks on port 4500 (its
 * messages then carry the non-ESP marker, RFC 3948 §2.2).
 */
bool natt_float(struct ike_sa *sa, const uint8_t *msg, size_t len);

/*
 * Sends @msg on @fd (the socket of @sa's local port) from @sa's local
 * address to its remote address and port, behind the non-ESP marker when
 * @marker: IKE messages and keepalives alike. Returns 0 or -errno.
 */
int natt_send(int fd, const struct ike_sa *sa, const uint8_t *msg,
	      size_t len, bool marker);

/*
 * Called for every IKE SA on every timer run at @now_ms: an established
 * SA with a NAT in front of us sends a keepalive (one 0xFF byte) from its
 * 4500 socket @fd every @interval_ms (0: never), so that the NAT keeps
 * the mapping the peer's ESP comes back through.
 */
void natt_keepalive(const struct ike_sa *sa, int fd, unsigned int interval_ms,
		    uint64_t now_ms);

#endif
