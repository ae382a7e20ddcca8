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
void server_stop(struct server *srv);

#endif
