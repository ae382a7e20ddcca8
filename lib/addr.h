/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An IP address as the module, the XFRM seam and the configuration files
 * carry it: 4 or 16 bytes in network order. The parsers are pure: they
 * return 0 or -EINVAL and print nothing; the caller says what was wrong
 * in its own words.
 */
#ifndef VPNFO_ADDR_H
#define VPNFO_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

/* The one address type of userspace: vpnfoctl, vpnfod, the IKE library
 * and its XFRM seam all carry this. Its length follows from the family. */
struct vpnfo_addr {
	int family;		/* AF_INET or AF_INET6; 0: absent (wildcard) */
	uint8_t bytes[16];
};

struct vpnfo_prefix {
	struct vpnfo_addr addr;
	uint8_t plen;
};

/* 4, 16, or 0 for an absent address. */
static inline unsigned int addr_len(const struct vpnfo_addr *a)
{
	return a->family == AF_INET ? 4 : a->family == AF_INET6 ? 16 : 0;
}

/* Same family and the same 4 or 16 bytes. */
static inline bool addr_eq(const struct vpnfo_addr *a,
			   const struct vpnfo_addr *b)
{
	return a->family == b->family &&
	       !memcmp(a->bytes, b->bytes, addr_len(a));
}

/* FAMILY's 4 or 16 bytes from RAW; the rest zeroed. */
void addr_set(struct vpnfo_addr *a, int family, const void *raw);

#define ADDR_STRLEN	46	/* INET6_ADDRSTRLEN */
#define PREFIX_STRLEN	(ADDR_STRLEN + 4)

/* "192.0.2.1" or "2001:db8::1", nothing around it. */
int addr_parse(const char *s, struct vpnfo_addr *a);
/* "ADDR/PLEN" in decimal without leading '+', or a bare ADDR (host
 * prefix, as with `ip xfrm`). */
int prefix_parse(const char *s, struct vpnfo_prefix *p);
/* 4 or 16 bytes; -EBADMSG for any other length. */
int addr_from_bytes(const void *data, size_t len, struct vpnfo_addr *a);
int addr_format(const struct vpnfo_addr *a, char *buf, size_t size);

#endif
