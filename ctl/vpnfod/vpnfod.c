// SPDX-License-Identifier: GPL-2.0
/*
 * vpnfod: the IKEv2 daemon. One UDP socket per address family on port 500
 * (bypassing IPsec), one IKE SA per configured tunnel that we initiate,
 * responder IKE SAs created on demand for configured groups, everything
 * timed from one poll() loop. Signals only set flags that the loop acts
 * on: SIGHUP reloads the configuration (reload.h), SIGUSR1/2 rekey,
 * SIGTERM/SIGINT stop. Under systemd it reports READY=1, RELOADING=1 and
 * STOPPING=1 (lib/notify.h).
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "config.h"
#include "enrolled_conf.h"
#include "module.h"
#include "natt.h"
#include "reload.h"
#include "xfrm.h"
#include "lib/num.h"
#include "lib/log.h"
#include "lib/notify.h"

#define RESTART_MS	2000	/* a failed tunnel is tried again after this */
#define SHUTDOWN_MS	1000	/* waiting for delete replies at exit */
#define HALF_OPEN_MAX	64	/* more responder SAs waiting: ask COOKIEs */
#define COOKIE_ROTATE_MS 300000	/* a new COOKIE secret this often */

struct sa_node {
	struct ike_sa *sa;
	struct vpnfod_peer *peer;
	struct sa_node *next;
};

struct daemon {
	struct vpnfod_conf conf;
	int fd[4];			/* v4, v6 on port; v4, v6 on 4500 */
	uint16_t port;
	struct xfrm_ops xo;
	struct ike_env env;
	struct sa_node *sas;
	uint64_t restart_at[VPNFOD_PEERS_MAX];
	struct ike_sa *tunnel_sa[VPNFOD_PEERS_MAX];
	uint64_t cookie_rotate_at;
	struct enrolled enr;		/* --enrolled / --gateway-export */
	struct vpnfod_module mod;
	/* What the configuration came from (-c, --enrolled, SIGHUP). */
	const char *file, *edir;
	bool gw;
	unsigned int sas_up;		/* in the last STATUS= */
};

static volatile sig_atomic_t stopping, rekey_asked, reload_asked;

static void on_signal(int sig)
{
	if (sig == SIGUSR1 || sig == SIGUSR2)
		rekey_asked = sig;
	else if (sig == SIGHUP)
		reload_asked = 1;
	else
		stopping = 1;
}

/* SIGUSR1: rekey every CHILD SA now; SIGUSR2: every IKE SA. */
static void rekey_all(struct daemon *d, int sig)
{
	struct sa_node *n;

	for (n = d->sas; n; n = n->next)
		if (n->sa->state == IKE_S_ESTABLISHED)
			(sig == SIGUSR1 ? ike_sa_rekey_child :
			 ike_sa_rekey_ike)(n->sa);
}

static uint64_t now_ms(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int sock_of(struct daemon *d, int family, uint16_t local_port)
{
	return d->fd[(family == AF_INET6) + 2 * (local_port == NATT_PORT)];
}

static int d_send(void *ctx, struct ike_sa *sa, const uint8_t *msg,
		  size_t len)
{
	struct daemon *d = ctx;
	/* First: a move to port 4500 changes the socket it leaves on. */
	bool natt = natt_float(sa, msg, len);
	int fd = sock_of(d, sa->remote.ip.family, sa->local.port);
	int err;

	if (fd < 0)
		return -EAFNOSUPPORT;
	err = natt_send(fd, sa, msg, len, natt);
	if (err)
		log_debug("sendmsg: %s", strerror(-err));
	return err;
}

#ifndef UDP_ENCAP
#define UDP_ENCAP		100
#endif
#ifndef UDP_ENCAP_ESPINUDP
#define UDP_ENCAP_ESPINUDP	2
#endif

/*
 * On 4500 the kernel takes ESP-in-UDP itself (UDP_ENCAP) and hands us
 * only IKE, which carries the 4-byte non-ESP marker.
 */
static int sock_open(int family, uint16_t port)
{
	union {
		struct sockaddr_in v4;
		struct sockaddr_in6 v6;
	} a;
	int fd, on = 1, err;

	fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memset(&a, 0, sizeof(a));
	if (family == AF_INET) {
		a.v4.sin_family = AF_INET;
		a.v4.sin_port = htons(port);
		setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on));
	} else {
		a.v6.sin6_family = AF_INET6;
		a.v6.sin6_port = htons(port);
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on,
			   sizeof(on));
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (port == NATT_PORT) {
		int encap = UDP_ENCAP_ESPINUDP;

		setsockopt(fd, IPPROTO_UDP, UDP_ENCAP, &encap, sizeof(encap));
	}
	/* IKE itself must never be caught by an IPsec policy. */
	err = xfrm_socket_bypass(fd, family);
	if (!err && bind(fd, (struct sockaddr *)&a, family == AF_INET ?
			 sizeof(a.v4) : sizeof(a.v6)))
		err = -errno;
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

static struct sa_node *sa_add(struct daemon *d, struct ike_sa *sa,
			      struct vpnfod_peer *p)
{
	struct sa_node *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->sa = sa;
	n->peer = p;
	n->next = d->sas;
	d->sas = n;
	return n;
}

/* The new IKE SA of a rekey takes the old one's place. */
static int d_adopt(void *ctx, struct ike_sa *old, struct ike_sa *nw,
		   bool successor)
{
	struct daemon *d = ctx;
	struct sa_node *n, *o = NULL;
	bool known = false;
	unsigned int i;

	for (n = d->sas; n; n = n->next) {
		o = n->sa == old ? n : o;
		known |= n->sa == nw;
	}
	if (!o || (!known && !sa_add(d, nw, o->peer)))
		return -ENOMEM;
	for (i = 0; i < d->conf.n && successor; i++)
		if (d->tunnel_sa[i] == old)
			d->tunnel_sa[i] = nw;
	return 0;
}

static struct ike_sa *sa_find(struct daemon *d, const struct ike_hdr *h,
			      const struct ike_addr *from)
{
	struct sa_node *n;

	for (n = d->sas; n; n = n->next) {
		struct ike_sa *sa = n->sa;

		if (sa->spi_i != h->spi_i || sa->state == IKE_S_DEAD)
			continue;
		/* Our own SPIi is unique; a peer's only with its address. */
		if (sa->initiator || addr_eq(&sa->remote.ip, &from->ip))
			return sa;
	}
	return NULL;
}

static struct vpnfod_peer *group_for(struct daemon *d,
				     const struct ike_addr *local)
{
	unsigned int i;

	for (i = 0; i < d->conf.n; i++) {
		struct vpnfod_peer *p = &d->conf.p[i];

		if (!p->initiator && addr_eq(&p->local.ip, &local->ip))
			return p;
	}
	return NULL;
}

static void on_datagram(struct daemon *d, const uint8_t *msg, size_t len,
			const struct ike_addr *from,
			const struct ike_addr *to)
{
	struct ike_hdr h;
	struct ike_sa *sa;
	struct vpnfod_peer *p;

	if (ike_hdr_parse(msg, len, &h)) {
		ike_stats.rx_malformed++;
		log_debug("malformed IKE header from port %u, dropped",
			  from->port);
		return;
	}
	sa = sa_find(d, &h, from);
	if (!sa && h.exch == IKE_SA_INIT && !h.spi_r &&
	    !(h.flags & IKE_FLAG_R)) {
		p = group_for(d, to);
		if (!p) {
			log_debug("IKE_SA_INIT for an address we serve no "
				  "group on, dropped");
			return;
		}
		if (ike_sa_new(&sa, &p->ike, &d->env, false, to, from))
			return;
		if (!sa_add(d, sa, p)) {
			ike_sa_free(sa);
			return;
		}
	}
	if (!sa) {
		ike_stats.rx_unexpected++;
		log_debug("message for no IKE SA of ours, dropped");
		return;
	}
	/* Port floating (RFC 7296 2.23) waits for the ICV: ike/transport.c. */
	ike_sa_input_from(sa, msg, len, from, to);
}

static void sock_read(struct daemon *d, int fd, int family, uint16_t port)
{
	uint8_t buf[IKE_MSG_MAX];
	union {
		struct sockaddr_in v4;
		struct sockaddr_in6 v6;
	} from;
	char cbuf[256];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from),
			     .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct ike_addr src = { 0 }, dst = { 0 };
	struct cmsghdr *cm;
	ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT);

	if (n <= 0)
		return;
	if (port == NATT_PORT) {
		static const uint8_t marker[4];

		if (n < 4 || memcmp(buf, marker, 4))
			return;		/* keepalive, or not IKE */
		memmove(buf, buf + 4, (size_t)n - 4);
		n -= 4;
	}
	src.ip.family = dst.ip.family = family;
	dst.port = port;
	if (family == AF_INET) {
		memcpy(src.ip.bytes, &from.v4.sin_addr, 4);
		src.port = ntohs(from.v4.sin_port);
	} else {
		memcpy(src.ip.bytes, &from.v6.sin6_addr, 16);
		src.port = ntohs(from.v6.sin6_port);
	}
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level == IPPROTO_IP &&
		    cm->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			memcpy(dst.ip.bytes, &pi.ipi_addr, 4);
		} else if (cm->cmsg_level == IPPROTO_IPV6 &&
			   cm->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			memcpy(dst.ip.bytes, &pi.ipi6_addr, 16);
		}
	}
	on_datagram(d, buf, (size_t)n, &src, &dst);
}

static void tunnel_start(struct daemon *d, unsigned int i)
{
	struct vpnfod_peer *p = &d->conf.p[i];
	struct ike_sa *sa;

	if (ike_sa_new(&sa, &p->ike, &d->env, true, &p->local, &p->remote))
		return;
	if (!sa_add(d, sa, p)) {
		ike_sa_free(sa);
		return;
	}
	d->tunnel_sa[i] = sa;
	if (ike_sa_initiate(sa))
		log_info("%s: cannot initiate", p->ike.name);
}

/* Timers of every SA; frees the dead; restarts tunnels. */
static uint64_t run_timers(struct daemon *d)
{
	uint64_t t = now_ms(NULL), next = 1000;
	struct sa_node **pp = &d->sas;
	unsigned int i, half_open = 0;

	while (*pp) {
		struct sa_node *n = *pp;
		uint64_t w = ike_sa_tick(n->sa);

		natt_keepalive(n->sa, sock_of(d, n->sa->remote.ip.family,
					      NATT_PORT),
			       n->peer->natt_keepalive_ms, t);
		if (n->sa->state == IKE_S_DEAD) {
			for (i = 0; i < d->conf.n; i++) {
				if (d->tunnel_sa[i] == n->sa) {
					d->tunnel_sa[i] = NULL;
					d->restart_at[i] = t + RESTART_MS;
				}
			}
			*pp = n->next;
			ike_sa_free(n->sa);
			free(n);
			continue;
		}
		if (w < next)
			next = w;
		half_open += ike_sa_half_open(n->sa);
		pp = &n->next;
	}
	if (d->env.cookie_required != (half_open > HALF_OPEN_MAX))
		log_info("%s COOKIEs (%u half-open IKE SAs)",
			 half_open > HALF_OPEN_MAX ? "asking for" :
			 "no longer asking for", half_open);
	d->env.cookie_required = half_open > HALF_OPEN_MAX;
	if (t >= d->cookie_rotate_at) {
		ike_cookie_rotate(&d->env);
		d->cookie_rotate_at = t + COOKIE_ROTATE_MS;
	}
	for (i = 0; i < d->conf.n && !stopping; i++) {
		if (!d->conf.p[i].initiator || d->tunnel_sa[i])
			continue;
		if (t >= d->restart_at[i])
			tunnel_start(d, i);
		else if (d->restart_at[i] - t < next)
			next = d->restart_at[i] - t;
	}
	return next;
}

static void poll_once(struct daemon *d, int timeout)
{
	struct pollfd pfd[4];
	int i, n = 0, idx[4];

	for (i = 0; i < 4; i++) {
		if (d->fd[i] < 0)
			continue;
		pfd[n].fd = d->fd[i];
		pfd[n].events = POLLIN;
		idx[n++] = i;
	}
	if (poll(pfd, n, timeout) <= 0)
		return;
	for (i = 0; i < n; i++)
		if (pfd[i].revents & POLLIN)
			sock_read(d, pfd[i].fd, idx[i] & 1 ? AF_INET6 : AF_INET,
				  idx[i] & 2 ? NATT_PORT : d->port);
}

static void shutdown_sas(struct daemon *d)
{
	uint64_t end = now_ms(NULL) + SHUTDOWN_MS;
	struct sa_node *n;
	bool waiting = false;

	for (n = d->sas; n; n = n->next) {
		if (n->sa->state == IKE_S_ESTABLISHED &&
		    !ike_sa_delete(n->sa))
			waiting = true;
	}
	while (waiting && now_ms(NULL) < end) {
		poll_once(d, 50);
		waiting = false;
		for (n = d->sas; n; n = n->next)
			waiting |= n->sa->state == IKE_S_DELETING;
	}
	while (d->sas) {
		n = d->sas;
		d->sas = n->next;
		ike_sa_free(n->sa);	/* removes what is left in XFRM */
		free(n);
	}
}

static void usage(void)
{
	fprintf(stderr,
		"usage: vpnfod [-d] [-p PORT] -c FILE   run\n"
		"       vpnfod -t -c FILE               check the configuration\n"
		"       vpnfod [-t] --enrolled DIR [-c OPTIONS]   client from "
		"the enrollment state\n"
		"       vpnfod [-t] --gateway-export DIR [-c OPTIONS]   gateway "
		"from vpnfo-pki gateway export\n"
		"       vpnfod --flush                  remove state of an "
		"earlier run\n");
	exit(2);
}

/*
 * The configuration: the enrollment in d->edir (a client's state, or with
 * d->gw a gateway's export; d->file, if any, its options file) or d->file
 * alone, into @c and @e. The reason for an error is in c->err.
 */
static int conf_load(const struct daemon *d, struct vpnfod_conf *c,
		     struct enrolled *e, struct module_plan *plan)
{
	int err;

	if (d->edir)
		err = enrolled_load(c, e, d->edir, d->file, d->gw);
	else
		err = config_load(c, d->file);
	if (!err)
		err = config_load_creds(c);
	if (!err && d->edir && !d->gw && e->o.module)
		err = vpnfod_module_plan(c, e, plan, c->err, sizeof(c->err));
	/* NAT detection hashes our real port: the one bound (-p). */
	for (unsigned int i = 0; !err && i < c->n; i++)
		c->p[i].local.port = d->port;
	return err;
}

static unsigned int sas_established(const struct daemon *d)
{
	const struct sa_node *n;
	unsigned int up = 0;

	for (n = d->sas; n; n = n->next)
		up += n->sa->state == IKE_S_ESTABLISHED;
	return up;
}

/* systemctl status: what runs, from where, how many IKE SAs are up. */
static void status_update(struct daemon *d, bool ready)
{
	const char *what = d->edir ? d->edir : d->file;

	d->sas_up = sas_established(d);
	if (ready)
		notify_ready("%u sections from %s, %u IKE SAs up", d->conf.n,
			     what, d->sas_up);
	else
		notify_status("%u sections from %s, %u IKE SAs up", d->conf.n,
			      what, d->sas_up);
}

/*
 * SIGHUP (reload.h): load the configuration anew; refused whole when it
 * does not load, otherwise what can change live is applied. SAs stay.
 */
static void daemon_reload(struct daemon *d)
{
	struct vpnfod_conf *nc = calloc(1, sizeof(*nc));
	struct enrolled *ne = calloc(1, sizeof(*ne));
	struct module_plan *np = calloc(1, sizeof(*np));
	const char *what = d->edir ? d->edir : d->file;
	unsigned int restart;

	notify_reloading();
	if (!nc || !ne || !np) {
		log_error("reload refused, the running configuration stays: "
			  "out of memory");
	} else if (conf_load(d, nc, ne, np)) {
		log_error("reload refused, the running configuration stays: %s",
			  nc->err);
	} else {
		restart = vpnfod_reload_apply(&d->conf, d->edir ? &d->enr : NULL,
					      nc, d->edir ? ne : NULL);
		if (restart)
			log_warn("reloaded %s: %u changes need restart "
				 "(systemctl restart)", what, restart);
		else
			log_info("reloaded %s: %u sections", what, d->conf.n);
	}
	if (nc)
		config_free(nc);
	free(nc);
	free(ne);
	free(np);
	status_update(d, true);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "debug", no_argument, NULL, 'd' },
		{ "port", required_argument, NULL, 'p' },
		{ "test", no_argument, NULL, 't' },
		{ "flush", no_argument, NULL, 'F' },
		{ "enrolled", required_argument, NULL, 'E' },
		{ "gateway-export", required_argument, NULL, 'G' },
		{ NULL, 0, NULL, 0 },
	};
	static struct daemon d;
	bool test = false, flush = false;
	struct sigaction sa = { .sa_handler = on_signal };
	int c, err, removed;

	log_init("vpnfod");
	d.port = 500;
	while ((c = getopt_long(argc, argv, "c:dp:t", opts, NULL)) != -1) {
		switch (c) {
		case 'c': d.file = optarg; break;
		case 'd': log_set_level(LOG_LEVEL_DEBUG); break;
		case 'p': {
			uint32_t port;

			err = num_parse_u32(optarg, 1, 65535, &port);
			if (err) {
				log_error("invalid port '%s' (%s, want 1-65535)",
					  optarg, num_strerror(err));
				exit(2);
			}
			d.port = (uint16_t)port;
			break;
		}
		case 't': test = true; break;
		case 'F': flush = true; break;
		case 'E': case 'G':
			d.edir = optarg;
			d.gw = c == 'G';
			break;
		default: usage();
		}
	}
	if ((!d.file && !flush && !d.edir) || optind != argc)
		usage();
	if (d.edir || d.file) {
		err = conf_load(&d, &d.conf, &d.enr, &d.mod.plan);
		if (err) {
			log_error("%s", d.conf.err);
			return 1;
		}
		if (test) {
			printf("%s: %u sections, OK\n", d.edir ? d.edir : d.file,
			       d.conf.n);
			config_free(&d.conf);
			return 0;
		}
	}
	err = xfrm_kernel_open(&d.xo);
	if (err) {
		log_error("netlink xfrm: %s", strerror(-err));
		return 1;
	}
	removed = xfrm_kernel_flush_owned(&d.xo);
	if (removed)
		log_info("removed %d SAs/policies of an earlier run", removed);
	if (flush) {
		xfrm_kernel_close(&d.xo);
		return 0;
	}
	d.env = (struct ike_env){ .send = d_send, .xfrm = &d.xo, .now_ms = now_ms,
				 .adopt = d_adopt, .ctx = &d };
	d.fd[0] = sock_open(AF_INET, d.port);
	d.fd[1] = sock_open(AF_INET6, d.port);
	d.fd[2] = sock_open(AF_INET, NATT_PORT);
	d.fd[3] = sock_open(AF_INET6, NATT_PORT);
	if (d.fd[0] < 0 && d.fd[1] < 0) {
		log_error("cannot bind UDP port %u: %s", d.port,
			  strerror(-d.fd[0]));
		return 1;
	}
	/* Twice: no COOKIE version may stand for an all-zero secret. */
	if (ike_cookie_rotate(&d.env) || ike_cookie_rotate(&d.env)) {
		log_error("no randomness");
		return 1;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	log_info("running with %u sections from %s", d.conf.n,
		 d.edir ? d.edir : d.file);
	if (d.edir && vpnfod_module_start(&d.mod, &d.conf, &d.enr))
		return 1;
	/* Sockets bound, the module told: from here we serve. */
	status_update(&d, true);
	while (!stopping) {
		uint64_t next;

		if (reload_asked) {
			reload_asked = 0;
			daemon_reload(&d);
		}
		if (rekey_asked) {
			rekey_all(&d, rekey_asked);
			rekey_asked = 0;
		}
		next = run_timers(&d);
		if (sas_established(&d) != d.sas_up)
			status_update(&d, false);

		poll_once(&d, next > 1000 ? 1000 : (int)next);
	}
	notify_stopping();
	log_info("stopping: malformed %llu, bad ICV %llu, unexpected %llu, "
		 "retransmits %llu",
		 (unsigned long long)ike_stats.rx_malformed,
		 (unsigned long long)ike_stats.rx_icv,
		 (unsigned long long)ike_stats.rx_unexpected,
		 (unsigned long long)ike_stats.retransmits);
	shutdown_sas(&d);
	vpnfod_module_stop(&d.mod);
	for (c = 0; c < 4; c++)
		if (d.fd[c] >= 0)
			close(d.fd[c]);
	xfrm_kernel_close(&d.xo);
	config_free(&d.conf);
	return 0;
}
