/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VPNFO_XFRM_H
#define VPNFO_XFRM_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/addr.h"

/*
 * The kernel-state interface of vpnfod: everything that goes into XFRM goes
 * through one of these operations. xfrm_netlink.c (libike-xfrm.a)
 * implements them on libnl-xfrm, xfrm_null.c keeps nothing; the IKE unit
 * tests put a recording fake behind the same seam.
 */

/* vpnfod's reqids: any SA or policy with one of these is ours. */
#define VPNFOD_REQID_BASE	0x76640000u
#define VPNFOD_REQID_MASK	0xffff0000u

struct xfrm_sel {
	struct vpnfo_addr src, dst;
	uint8_t splen, dplen;
	uint8_t proto;		/* 0 = any */
	uint16_t sport, dport;	/* 0 = any */
};

#define XFRM_KEY_MAX	64

struct xfrm_sa_spec {
	struct vpnfo_addr src, dst;	/* outer addresses */
	uint32_t spi;			/* host order */
	uint32_t reqid;
	bool aead;
	const char *enc;		/* kernel algorithm name */
	uint8_t enc_key[XFRM_KEY_MAX];
	unsigned int enc_keylen;	/* bytes, incl. AEAD salt */
	unsigned int icv_bits;		/* AEAD ICV */
	const char *auth;
	uint8_t auth_key[XFRM_KEY_MAX];
	unsigned int auth_keylen;
	unsigned int trunc_bits;
	uint16_t encap_sport, encap_dport;	/* UDP encapsulation, 0 none */
	uint32_t hard_add_s;		/* expires this long after add, 0 never */
	struct xfrm_sel sel;
};

enum xfrm_pol_dir { XFRM_DIR_IN = 0, XFRM_DIR_OUT = 1, XFRM_DIR_FWD = 2 };

struct xfrm_pol_spec {
	struct xfrm_sel sel;
	enum xfrm_pol_dir dir;
	uint32_t priority;
	uint32_t mark, mark_mask;
	/* Template; addresses with family 0 are wildcards. */
	struct vpnfo_addr tsrc, tdst;
	uint32_t reqid;
	bool transport;
};

struct xfrm_ops {
	int (*sa_add)(void *ctx, const struct xfrm_sa_spec *sa);
	int (*sa_del)(void *ctx, const struct vpnfo_addr *dst, uint32_t spi);
	/* Adds or replaces (policy identity: selector, dir, mark). */
	int (*pol_add)(void *ctx, const struct xfrm_pol_spec *pol);
	int (*pol_del)(void *ctx, const struct xfrm_pol_spec *pol);
	void *ctx;
};

#ifdef HAVE_LIBNL_XFRM
/* The libnl-xfrm implementation (xfrm_netlink.c, libike-xfrm.a). */
int xfrm_kernel_open(struct xfrm_ops *ops);
void xfrm_kernel_close(struct xfrm_ops *ops);
/* Removes every SA and policy whose reqid is vpnfod's (an earlier run). */
int xfrm_kernel_flush_owned(struct xfrm_ops *ops);
/* Per-socket policies so IKE traffic itself bypasses IPsec. */
int xfrm_socket_bypass(int fd, int family);
#endif

#endif
