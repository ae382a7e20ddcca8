// SPDX-License-Identifier: GPL-2.0
/* A kernel that keeps nothing: for the load generator and the fuzzers. */
#include "ike.h"

static int null_sa_add(void *c, const struct xfrm_sa_spec *s)
{
	(void)c, (void)s;
	return 0;
}

static int null_sa_del(void *c, const struct vpnfo_addr *d, uint32_t spi)
{
	(void)c, (void)d, (void)spi;
	return 0;
}

static int null_pol(void *c, const struct xfrm_pol_spec *p)
{
	(void)c, (void)p;
	return 0;
}

const struct xfrm_ops ike_xfrm_null = {
	null_sa_add, null_sa_del, null_pol, null_pol, NULL
};
