/* SPDX-License-Identifier: GPL-2.0 */
/* The enrollment service's HTTPS front: a listening socket, a fixed pool
 * of worker threads, one request per TLS connection, deadlines. */
#ifndef PKI_SERVER_H
#define PKI_SERVER_H

#include <pthread.h>
#include <stdbool.h>

#include <openssl/ssl.h>

#include "api.h"

struct server {
	int fd;
	int port;
	pthread_mutex_t ctx_lock;	/* ctx: swapped by a reload */
	SSL_CTX *ctx;
	struct api *api;
	double timeout;		/* whole handshake, whole request: slow clients go */
	pthread_t *threads;
	int nthreads;
	volatile bool stop;
};

/* The TLS context: TLS 1.2 and 1.3, a fresh key and a certificate from
 * the service CA naming sans, client certificates requested (checked by
 * the handlers against the user's group CA, not here). */
int tls_server_ctx(struct authority *a, const char *const *sans, SSL_CTX **out);

/* addr: a numeric IPv4/IPv6 address; port 0 picks one (see srv->port). */
int server_start(struct server *srv, struct api *api, SSL_CTX *ctx, const char *addr,
		 int port, int threads, double timeout);
/* Stops the threads; srv->ctx stays the caller's to free. */
void server_stop(struct server *srv);
/* New connections get @ctx from now on; those under way keep the one they
 * started with (SSL_new holds a reference). Returns the old one. */
SSL_CTX *server_set_ctx(struct server *srv, SSL_CTX *ctx);

#endif
