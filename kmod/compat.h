/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vpnfo: the few kernel interfaces that changed between the kernels we
 * build for (Debian 12's 6.1 and 6.12, and 6.15's timer API). Each is
 * chosen by version here, so that the rest of the module reads as one.
 */
#ifndef _VPNFO_COMPAT_H
#define _VPNFO_COMPAT_H

#include <linux/hrtimer.h>
#include <linux/version.h>
#include <net/genetlink.h>

/* 6.2 split the ops: pre_doit/post_doit receive a genl_split_ops. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define vpnfo_genl_doit_ops genl_split_ops
#else
#define vpnfo_genl_doit_ops genl_ops
#endif

/* 6.2 moved a dump's parsed attributes into a genl_info. */
static inline struct nlattr **vpnfo_dump_attrs(struct netlink_callback *cb)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	return genl_dumpit_info(cb)->info.attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

/* 6.13 added hrtimer_setup(); 6.15 removed hrtimer_init(). */
static inline void vpnfo_hrtimer_setup(struct hrtimer *timer,
				       enum hrtimer_restart (*fn)(struct hrtimer *),
				       clockid_t clock, enum hrtimer_mode mode)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
	hrtimer_setup(timer, fn, clock, mode);
#else
	hrtimer_init(timer, clock, mode);
	timer->function = fn;
#endif
}

#endif /* _VPNFO_COMPAT_H */
