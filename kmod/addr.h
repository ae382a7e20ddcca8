/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vpnfo: addresses and selectors. Small enough to inline: the hooks test
 * every outgoing packet against the selectors.
 */
#ifndef _VPNFO_ADDR_H
#define _VPNFO_ADDR_H

#include <linux/in6.h>
#include <linux/inetdevice.h>
#include <linux/types.h>
#include <net/ipv6.h>

/* An address of either family; family is AF_INET or AF_INET6. */
struct vpnfo_addr {
	u16 family;
	union {
		__be32 a4;
		struct in6_addr a6;
	};
};

struct vpnfo_sel {
	struct vpnfo_addr src, dst;
	u8 src_plen, dst_plen;
};

static inline bool vpnfo_addr_equal(const struct vpnfo_addr *a,
				    const struct vpnfo_addr *b)
{
	if (a->family != b->family)
		return false;
	if (a->family == AF_INET)
		return a->a4 == b->a4;
	return ipv6_addr_equal(&a->a6, &b->a6);
}

/* @addr points at an address of @net's family. */
static inline bool vpnfo_addr_in_prefix(const struct vpnfo_addr *net, u8 plen,
					const void *addr)
{
	if (net->family == AF_INET) {
		__be32 a = *(const __be32 *)addr;

		return !((a ^ net->a4) & inet_make_mask(plen));
	}
	return ipv6_prefix_equal(&net->a6, addr, plen);
}

static inline bool vpnfo_sel_match(const struct vpnfo_sel *sel, u16 family,
				   const void *saddr, const void *daddr)
{
	return sel->src.family == family &&
	       vpnfo_addr_in_prefix(&sel->dst, sel->dst_plen, daddr) &&
	       vpnfo_addr_in_prefix(&sel->src, sel->src_plen, saddr);
}

#endif /* _VPNFO_ADDR_H */
