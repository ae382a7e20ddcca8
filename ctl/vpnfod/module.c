// SPDX-License-Identifier: GPL-2.0
/* vpnfod registers its enrolled gateways with vpnfo.ko (genl.c). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include "lib/log.h"
#include "module.h"

static int plan_fail(char *err, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int plan_fail(char *err, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int prefix_of(const struct ike_ts *ts, struct vpnfo_prefix *p)
{
	return ike_ts_to_sel(ts, &p->addr, &p->plen);
}

/* The gateway's own address, when it lies inside the selectors. */
static bool probe_default(const struct vpnfod_peer *p, struct vpnfo_addr *a)
{
	struct ike_ts_pl one = { .n = 1 };

	if (ike_ts_from_prefix(&one.ts[0], p->remote.ip.family,
			       p->remote.ip.bytes,
			       p->remote.ip.family == AF_INET ? 32 : 128) ||
	    !ike_ts_subset(&one, &p->ike.ts_remote))
		return false;
	*a = p->remote.ip;
	return true;
}

static uint32_t clamp(uint32_t v, uint32_t lo, uint32_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static int plan_selectors(const struct ike_conf *k, struct module_plan *mp,
			  char *err, size_t n)
{
	unsigned int i, j, ns = 0;

	for (i = 0; i < k->ts_local.n; i++) {
		for (j = 0; j < k->ts_remote.n; j++) {
			struct vpnfo_prefix s, d;

			if (prefix_of(&k->ts_local.ts[i], &s) ||
			    prefix_of(&k->ts_remote.ts[j], &d))
				return plan_fail(err, n, "a selector is not a "
						 "prefix");
			if (s.addr.family != d.addr.family)
				continue;
			if (ns == VPNFO_SELECTORS_MAX)
				return plan_fail(err, n, "more than %d "
						 "selector pairs for vpnfo.ko",
						 VPNFO_SELECTORS_MAX);
			mp->t.sel_src[ns] = s;
			mp->t.sel_dst[ns++] = d;
		}
	}
	if (!ns)
		return plan_fail(err, n, "no local-ts and selector of one "
				 "address family");
	mp->t.nsel = ns;
	return 0;
}

static int plan_peer(const struct vpnfod_conf *c, const struct enrolled *e,
		     unsigned int i, struct module_plan *mp, char *err,
		     size_t n)
{
	const struct vpnfod_peer *p = &c->p[i];
	struct vnl_peer *g = &mp->p[mp->npeers];
	struct vpnfo_addr probe = e->probe[i];
	const struct ike_ts *src = &p->ike.ts_local.ts[0];
	struct vpnfo_prefix sp;

	if (!probe.family && !probe_default(p, &probe))
		return plan_fail(err, n, "gateway '%s': no probe address "
				 "(add `probe %s ADDRESS`, an address of the "
				 "gateway inside the policy's selectors)",
				 p->ike.name, p->ike.name);
	memset(g, 0, sizeof(*g));
	g->tunnel = mp->tunnel;
	g->name = p->ike.name;
	g->has_priority = true;
	g->priority = e->prio[i];
	g->mark = p->ike.mark;
	g->remote = p->remote.ip;
	g->probe = probe;
	/* Probes leave from our inner address when it is one host. */
	if (!prefix_of(src, &sp) && sp.plen == addr_len(&sp.addr) * 8 &&
	    sp.addr.family == probe.family)
		g->src = sp.addr;
	g->interval_us = clamp(e->probe_interval_ms * 1000,
			       VPNFO_INTERVAL_US_MIN, VPNFO_INTERVAL_US_MAX);
	g->threshold = clamp(e->probe_failures, 1, VPNFO_COUNT_MAX);
	mp->npeers++;
	return 0;
}

int vpnfod_module_plan(const struct vpnfod_conf *c, const struct enrolled *e,
		       struct module_plan *mp, char *err, size_t n)
{
	const char *name = e->o.tunnel[0] ? e->o.tunnel : e->group;
	unsigned int i;
	int ret;

	memset(mp, 0, sizeof(*mp));
	if (!c->n)
		return plan_fail(err, n, "no tunnel");
	if (strlen(name) >= sizeof(mp->tunnel))
		return plan_fail(err, n, "group name '%s' is too long for a "
				 "vpnfo.ko tunnel: set `tunnel NAME`", name);
	strcpy(mp->tunnel, name);
	mp->t.name = mp->tunnel;
	mp->t.has_mark_mask = true;
	mp->t.mark_mask = c->p[0].ike.mark_mask;
	mp->t.has_hold = true;
	mp->t.hold_ms = clamp(e->failback_ms, 0, VPNFO_FAILBACK_HOLD_MS_MAX);
	ret = plan_selectors(&c->p[0].ike, mp, err, n);
	for (i = 0; i < c->n && !ret; i++)
		if (c->p[i].initiator)
			ret = plan_peer(c, e, i, mp, err, n);
	return ret;
}

/* ------------------------------------------------------------ kernel */

static int reflector_got(struct nl_msg *msg, void *arg)
{
	return vnl_reflector_parse(msg, arg);
}

static int reflector_set(struct vnl_client *gc, bool on)
{
	struct vnl_reflector r = { .enabled = on };

	return vnl_reflector_set(gc, &r);
}

static int gateway_start(struct vpnfod_module *m)
{
	struct reflector_info r;
	struct nl_msg *msg;
	int err;

	memset(&r, 0, sizeof(r));
	err = vnl_msg_new(VPNFO_CMD_REFLECTOR_GET, 0, &msg);
	if (!err)
		err = vnl_request(&m->gc, msg, reflector_got, &r);
	if (!err && !r.enabled) {
		err = reflector_set(&m->gc, true);
		m->reflector_ours = !err;
	}
	if (!err)
		log_info("vpnfo.ko: probe reflector on%s",
			 m->reflector_ours ? "" : " (it was already)");
	return err;
}

static int client_start(struct vpnfod_module *m)
{
	struct module_plan *mp = &m->plan;
	unsigned int i;
	int err;

	err = vnl_tunnel_new(&m->gc, &mp->t);
	if (err == -EEXIST) {
		/* Left by an earlier run that did not stop cleanly. */
		log_info("vpnfo.ko: tunnel %s exists, replacing it",
			 mp->tunnel);
		err = vnl_del(&m->gc, mp->tunnel, NULL);
		if (!err)
			err = vnl_tunnel_new(&m->gc, &mp->t);
	}
	if (err)
		return err;
	m->tunnel_made = true;
	for (i = 0; i < mp->npeers && !err; i++) {
		err = vnl_peer_new(&m->gc, &mp->p[i]);
		if (!err)
			log_info("vpnfo.ko: %s/%s prio %u mark 0x%x", mp->tunnel,
				 mp->p[i].name, mp->p[i].priority,
				 mp->p[i].mark);
	}
	return err;
}

int vpnfod_module_start(struct vpnfod_module *m, const struct vpnfod_conf *c,
			const struct enrolled *e)
{
	char why[256];
	int err;

	memset(m, 0, sizeof(*m));
	if (!e->o.module)
		return 0;
	if (!e->gateway &&
	    vpnfod_module_plan(c, e, &m->plan, why, sizeof(why))) {
		log_info("vpnfo.ko: %s", why);
		return -EINVAL;
	}
	/* An absent module is no error here. */
	err = vnl_open(&m->gc);
	if (err) {
		log_info("vpnfo.ko not loaded (%s): no in-kernel switchover, "
			 "tunnels run on their own", strerror(-err));
		return 0;
	}
	m->open = true;
	err = e->gateway ? gateway_start(m) : client_start(m);
	if (err) {
		log_info("vpnfo.ko refused: %s%s%s", m->gc.extack,
			 m->gc.extack[0] ? ": " : "", strerror(-err));
		vpnfod_module_stop(m);
	}
	return err;
}

void vpnfod_module_stop(struct vpnfod_module *m)
{
	if (!m->open)
		return;
	if (m->tunnel_made && vnl_del(&m->gc, m->plan.tunnel, NULL))
		log_info("vpnfo.ko: cannot remove tunnel %s: %s",
			 m->plan.tunnel, m->gc.extack);
	if (m->reflector_ours)
		reflector_set(&m->gc, false);
	m->tunnel_made = m->reflector_ours = false;
	vnl_close(&m->gc);
	m->open = false;
}
