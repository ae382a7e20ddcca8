/* SPDX-License-Identifier: GPL-2.0 */
/* Address and number parsing shared by the lab's traffic tools. */
#ifndef VPNFO_SELFTESTS_NETADDR_H
#define VPNFO_SELFTESTS_NETADDR_H

#include <stdint.h>
#include <sys/socket.h>

/* Parse an IPv4 or IPv6 literal and port into *ss; -EINVAL if not one. */
int netaddr_parse(const char *s, uint16_t port, struct sockaddr_storage *ss,
		  socklen_t *len);
/* Equal family, address and port. */
int netaddr_equal(const struct sockaddr_storage *a,
		  const struct sockaddr_storage *b);
/*
 * Give a socket a large receive buffer so that a tool descheduled for a
 * while (TCG guests) does not itself drop what it measures.
 */
void netaddr_bigbuf(int fd);
/* Unsigned decimal (or 0x hex) no larger than max; -EINVAL otherwise. */
int netaddr_parse_ulong(const char *s, unsigned long max, unsigned long *out);
/* Decimal with an optional fraction, e.g. "0.5", no larger than max. */
int netaddr_parse_double(const char *s, double max, double *out);

#endif
