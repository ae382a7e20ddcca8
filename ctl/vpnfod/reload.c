// SPDX-License-Identifier: GPL-2.0
/* SIGHUP: what of a newly loaded configuration applies live (reload.h). */
#include <string.h>

#include "reload.h"
#include "lib/log.h"

static bool ts_eq(const struct ike_ts_pl *a, const struct ike_ts_pl *b)
{
	return a->n == b->n && !memcmp(a->ts, b->ts, a->n * sizeof(a->ts[0]));
}

static struct vpnfod_peer *find(struct vpnfod_conf *c, const char *name,
				bool initiator)
{
	unsigned int i;

	for (i = 0; i < c->n; i++)
		if (c->p[i].initiator == initiator &&
		    !strcmp(c->p[i].ike.name, name))
			return &c->p[i];
	return NULL;
}

static const char *kind(const struct vpnfod_peer *p)
{
	return p->initiator ? "tunnel" : "group";
}

/* Keys that define installed state: they stay as they run. */
static unsigned int frozen(const struct vpnfod_peer *p,
			   const struct vpnfod_peer *q)
{
	const struct ike_conf *a = &p->ike, *b = &q->ike;
	const char *what[6];
	unsigned int i, n = 0;

	if (!addr_eq(&p->local.ip, &q->local.ip))
		what[n++] = "local";
	if (p->initiator && !addr_eq(&p->remote.ip, &q->remote.ip))
		what[n++] = "remote";
	if (!ts_eq(&a->ts_local, &b->ts_local))
		what[n++] = "local-ts";
	if (!ts_eq(&a->ts_remote, &b->ts_remote))
		what[n++] = "remote-ts";
	if (a->mark != b->mark || a->mark_mask != b->mark_mask)
		what[n++] = "mark";
	if (a->reqid != b->reqid)
		what[n++] = "reqid";
	for (i = 0; i < n; i++)
		log_warn("%s %s: %s changed: needs restart (the running value "
			 "stays)", kind(p), a->name, what[i]);
	return n;
}

/* Everything else: used by the next exchange, IKE_AUTH or SA. */
static void live(struct vpnfod_peer *p, struct vpnfod_peer *q)
{
	struct ike_conf *a = &p->ike, *b = &q->ike;
	struct ike_cred cred = a->cred;

	a->cred = b->cred;
	b->cred = cred;
	memcpy(p->cert, q->cert, sizeof(p->cert));
	memcpy(p->key, q->key, sizeof(p->key));
	memcpy(p->ca, q->ca, sizeof(p->ca));
	memcpy(p->crl, q->crl, sizeof(p->crl));
	memcpy(a->ike, b->ike, sizeof(a->ike));
	a->n_ike = b->n_ike;
	memcpy(a->dh, b->dh, sizeof(a->dh));
	a->n_dh = b->n_dh;
	memcpy(a->esp, b->esp, sizeof(a->esp));
	a->n_esp = b->n_esp;
	memcpy(a->remote_id, b->remote_id, sizeof(a->remote_id));
	a->retrans_base_ms = b->retrans_base_ms;
	a->retrans_tries = b->retrans_tries;
	a->dpd_ms = b->dpd_ms;
	a->child_rekey_ms = b->child_rekey_ms;
	a->ike_rekey_ms = b->ike_rekey_ms;
	p->natt_keepalive_ms = q->natt_keepalive_ms;
	p->line = q->line;
	log_info("%s %s: credentials re-read (key %s, certificate %s, CA %s%s%s), "
		 "proposals and timers applied", kind(p), a->name, p->key,
		 p->cert, p->ca, p->crl[0] ? ", CRL " : "", p->crl);
}

/* The module's registration: priorities, probes, its tunnel. */
static unsigned int module_frozen(const struct vpnfod_conf *cur,
				  const struct enrolled *a,
				  const struct vpnfod_conf *nw,
				  const struct enrolled *b)
{
	unsigned int i, j;
	bool same = a->o.module == b->o.module &&
		    !strcmp(a->o.tunnel, b->o.tunnel) &&
		    a->o.mark_mask == b->o.mark_mask &&
		    a->probe_interval_ms == b->probe_interval_ms &&
		    a->probe_failures == b->probe_failures &&
		    a->failback_ms == b->failback_ms;

	for (i = 0; i < cur->n && same; i++) {
		for (j = 0; j < nw->n; j++)
			if (!strcmp(cur->p[i].ike.name, nw->p[j].ike.name))
				break;
		if (j < nw->n)
			same = a->prio[i] == b->prio[j] &&
			       addr_eq(&a->probe[i], &b->probe[j]);
	}
	if (same)
		return 0;
	log_warn("module registration (priorities, probe settings, tunnel "
		 "name or mark mask) changed: needs restart (the running one "
		 "stays)");
	return 1;
}

unsigned int vpnfod_reload_apply(struct vpnfod_conf *cur,
				 const struct enrolled *cur_e,
				 struct vpnfod_conf *nw,
				 const struct enrolled *nw_e)
{
	unsigned int i, restart = 0;

	for (i = 0; i < nw->n; i++) {
		struct vpnfod_peer *q = &nw->p[i];

		if (!find(cur, q->ike.name, q->initiator)) {
			log_warn("%s %s: new section: needs restart", kind(q),
				 q->ike.name);
			restart++;
		}
	}
	for (i = 0; i < cur->n; i++) {
		struct vpnfod_peer *p = &cur->p[i];
		struct vpnfod_peer *q = find(nw, p->ike.name, p->initiator);

		if (!q) {
			log_warn("%s %s: removed: needs restart (it keeps "
				 "running)", kind(p), p->ike.name);
			restart++;
			continue;
		}
		restart += frozen(p, q);
		live(p, q);
	}
	if (cur_e && nw_e)
		restart += module_frozen(cur, cur_e, nw, nw_e);
	return restart;
}
