// SPDX-License-Identifier: GPL-2.0
/*
 * vpnfo-pkid: the enrollment service (steps 100-105 and EST over HTTPS).
 * The main thread waits for signals: SIGINT/SIGTERM stop, SIGHUP reloads,
 * that is, issues the service's TLS certificate anew (a fresh key, from
 * the service CA as the database holds it now) and keeps the old one when
 * that fails. Everything else (CRLs, policies, users) is read from the
 * database per request. Under systemd: READY=1 once the database is open
 * and the listener bound, RELOADING=1 around a reload, STOPPING=1.
 */
#include "server.h"
#include "lib/log.h"
#include "lib/notify.h"
#include "util.h"
#include "lib/num.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void usage(FILE *f)
{
	fprintf(f, "usage: vpnfo-pkid [--db URI] [--secret FILE] [--listen ADDR] [--port N]\n"
		   "                  [--port-file FILE] [--threads N] [--timeout S]\n"
		   "                  [--name SAN]... [--hash-slots N] [--delay-base S]\n"
		   "                  [--delay-cap S] [--est-group GROUP] [-v|-q]\n"
		   "Serves until SIGINT or SIGTERM; SIGHUP issues its TLS certificate anew.\n"
		   "--port 0 picks a free port (see --port-file).\n");
}

/* Strict option values: the bad one is quoted, the program stops. */
static int opt_int(const char *opt, const char *s, uint32_t min, uint32_t max)
{
	uint32_t v;
	int err = num_parse_u32(s, min, max, &v);

	if (err) {
		fprintf(stderr, "vpnfo-pkid: invalid %s '%s' (%s, want %u-%u)\n",
			opt, s, num_strerror(err), min, max);
		exit(2);
	}
	return (int)v;
}

static double opt_seconds(const char *opt, const char *s, double min,
			  double max)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= min) || v > max) {
		fprintf(stderr, "vpnfo-pkid: invalid %s '%s' (seconds, %g to "
			"%g)\n", opt, s, min, max);
		exit(2);
	}
	return v;
}

/* SIGHUP: a new TLS certificate and key; on failure the old ones serve. */
static void reload(struct server *srv, struct authority *auth, const char *const *sans)
{
	SSL_CTX *ctx;

	notify_reloading();
	if (tls_server_ctx(auth, sans, &ctx)) {
		log_error("reload refused, the running TLS certificate stays");
	} else {
		SSL_CTX_free(server_set_ctx(srv, ctx));
		log_info("reloaded: new TLS certificate for %s from the service CA", sans[0]);
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "secret", required_argument, NULL, 's' },
		{ "listen", required_argument, NULL, 'l' },
		{ "port", required_argument, NULL, 'p' },
		{ "port-file", required_argument, NULL, 'P' },
		{ "threads", required_argument, NULL, 't' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "name", required_argument, NULL, 'n' },
		{ "hash-slots", required_argument, NULL, 'H' },
		{ "delay-base", required_argument, NULL, 'D' },
		{ "delay-cap", required_argument, NULL, 'C' },
		{ "est-group", required_argument, NULL, 'E' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *db = getenv("VPNFO_PKI_DB") ? getenv("VPNFO_PKI_DB") : "/var/lib/vpnfo/pki.db";
	const char *secret = getenv("VPNFO_PKI_SECRET") ? getenv("VPNFO_PKI_SECRET") :
							  "/etc/vpnfo/pki.secret";
	const char *listen_addr = "127.0.0.1", *port_file = NULL, *est_group = NULL, *sans[17] = { 0 };
	int port = 8443, threads = 32, hash_slots = 2, nsans = 0, c, sig, err;
	double timeout = 10, delay_base = 0.25, delay_cap = 4;
	struct authority auth;
	struct server srv;
	struct api api;
	SSL_CTX *ctx;
	sigset_t set;

	log_init("vpnfo-pkid");

	while ((c = getopt_long(argc, argv, "d:s:l:p:P:t:T:n:H:D:C:E:vqh", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 's': secret = optarg; break;
		case 'l': listen_addr = optarg; break;
		case 'p': port = opt_int("port", optarg, 0, 65535); break;
		case 'P': port_file = optarg; break;
		case 't': threads = opt_int("threads", optarg, 1, 1024); break;
		case 'T': timeout = opt_seconds("timeout", optarg, 0.001, 3600); break;
		case 'n': if (nsans < 16) sans[nsans++] = optarg; break;
		case 'H': hash_slots = opt_int("hash slots", optarg, 1, 1024); break;
		case 'D': delay_base = opt_seconds("delay base", optarg, 0, 3600); break;
		case 'C': delay_cap = opt_seconds("delay cap", optarg, 0, 86400); break;
		case 'E': est_group = optarg; break;
		case 'v': log_set_level(LOG_LEVEL_DEBUG); break;
		case 'q': log_set_level(LOG_LEVEL_ERROR); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || threads < 1 || threads > 1024 || hash_slots < 1 || timeout <= 0 ||
	    port < 0 || port > 65535) {
		usage(stderr);
		return 2;
	}
	if (!nsans) {
		sans[nsans++] = listen_addr;
		if (strcmp(listen_addr, "localhost"))
			sans[nsans++] = "localhost";
	}
	umask(077);
	/* Threads inherit this mask; the main thread waits for the signals. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	err = auth_open(&auth, db, secret, false);
	if (err)
		return 1;
	err = api_init(&api, &auth, hash_slots, delay_base, delay_cap);
	api.est_group = est_group;
	if (!err)
		err = tls_server_ctx(&auth, sans, &ctx);
	if (!err)
		err = server_start(&srv, &api, ctx, listen_addr, port, threads, timeout);
	if (err) {
		auth_close(&auth);
		return 1;
	}
	log_info("listening on %s port %d (%d threads)", listen_addr, srv.port, threads);
	if (port_file) {
		char buf[16];
		int n = snprintf(buf, sizeof(buf), "%d\n", srv.port);

		file_write(port_file, buf, (size_t)n, 0644);
	}
	for (;;) {
		notify_ready("listening on %s port %d (%d threads)", listen_addr, srv.port,
			     threads);
		sigwait(&set, &sig);
		if (sig != SIGHUP)
			break;
		reload(&srv, &auth, sans);
	}
	log_info("signal %d: stopping", sig);
	notify_stopping();
	server_stop(&srv);
	SSL_CTX_free(srv.ctx);
	api_destroy(&api);
	auth_close(&auth);
	return 0;
}
