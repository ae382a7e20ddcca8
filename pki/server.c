// SPDX-License-Identifier: GPL-2.0
#include "server.h"
#include "lib/log.h"
#include "util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>

static int read_error_status(int err)
{
	switch (err) {
	case -ETIMEDOUT: return 408;
	case -E2BIG: return 431;
	case -EMSGSIZE: return 413;
	case -ENOSYS: return 501;
	case -ENOMSG: return 411;
	case -EINVAL: return 400;
	default: return 0; /* the peer is gone: nobody to answer */
	}
}

/* Resources to handlers; method and path errors answered here. */
static void route(struct api *api, const struct api_req *req, struct api_resp *resp)
{
	const char *t = req->m->target, *est = "/.well-known/est/";
	bool post = !strcmp(req->m->method, "POST");

	if (!strncmp(t, est, strlen(est))) {
		char group[STORE_NAME_MAX] = "", op[32];
		const char *g = t + strlen(est), *slash = strchr(g, '/');

		/* RFC 7030 §3.2.2: the label (our group) is optional. Without it
		 * enrollment uses the user's own group, cacerts the default one. */
		if (!slash) {
			slash = g - 1;
		} else if ((size_t)(slash - g) >= sizeof(group)) {
			api_error(resp, 404, "EST path must be /.well-known/est/[<group>/]<operation>");
			return;
		} else {
			memcpy(group, g, (size_t)(slash - g));
			group[slash - g] = '\0';
		}
		if (strlen(slash + 1) >= sizeof(op)) {
			api_error(resp, 404, "no such EST operation");
			return;
		}
		strcpy(op, slash + 1);
		est_handle(api, req, group[0] ? group : NULL, op, resp);
		return;
	}
	if (!strcmp(t, "/v1/enroll/start") && post)
		api_enroll_start(api, req, resp);
	else if (!strcmp(t, "/v1/enroll/csr") && post)
		api_enroll_csr(api, req, resp);
	else if (!strcmp(t, "/v1/policy") && !post)
		api_policy_get(api, req, resp);
	else if (!strcmp(t, "/v1/enroll/start") || !strcmp(t, "/v1/enroll/csr") ||
		 !strcmp(t, "/v1/policy"))
		api_error(resp, 405, "method not allowed here");
	else
		api_error(resp, 404, "no such resource");
}

static void send_resp(SSL *ssl, struct api_resp *resp)
{
	struct sbuf head = { 0 };

	if (sbuf_printf(&head, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
			"Cache-Control: no-store\r\nConnection: close\r\n%s\r\n",
			resp->status, http_reason(resp->status),
			resp->content_type ? resp->content_type : "application/json",
			resp->body.len, resp->headers) == 0 &&
	    http_write_all(ssl, head.data, head.len) == 0 && resp->body.len)
		http_write_all(ssl, resp->body.data, resp->body.len);
	sbuf_free(&head);
}

/*
 * RFC 9112 §9.6: a server that closes with unread request bytes in the
 * socket makes the kernel send a reset, which can destroy the response
 * before the client read it (a 413 for an oversized upload). So: send
 * close_notify, half-close, read and discard what the client still sends
 * until it closes, bounded in bytes and time, then close.
 */
#define LINGER_MAX_BYTES (1024 * 1024)
#define LINGER_MAX_MS 2000

static void conn_close_lingering(int fd)
{
	double deadline = time_mono() + LINGER_MAX_MS / 1000.0;
	size_t drained = 0;
	char buf[16384];

	if (shutdown(fd, SHUT_WR) < 0)
		return;
	while (drained < LINGER_MAX_BYTES) {
		double left = deadline - time_mono();
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (left <= 0 || poll(&pfd, 1, (int)(left * 1000) + 1) <= 0)
			break;
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n <= 0)
			break;		/* the client closed, or an error */
		drained += (size_t)n;
	}
}

static void conn_handle(struct server *srv, int fd, const char *addr)
{
	struct api_resp resp = { .status = 500 };
	struct sbuf msg = { 0 };
	struct http_msg m;
	double t0 = time_mono();
	char why[160] = "";
	SSL *ssl;
	int err;

	pthread_mutex_lock(&srv->ctx_lock);
	ssl = SSL_new(srv->ctx);
	pthread_mutex_unlock(&srv->ctx_lock);
	if (!ssl || !SSL_set_fd(ssl, fd))
		goto out;
	err = http_handshake(ssl, true, srv->timeout);
	if (err) {
		log_debug("%s: TLS handshake failed: %s", addr, strerror(-err));
		goto out;
	}
	err = http_read(ssl, true, srv->timeout, &m, &msg, why, sizeof(why));
	if (err) {
		int status = read_error_status(err);

		log_info("%s: bad request: %s", addr, why);
		if (!status)
			goto out;
		api_error(&resp, status, why);
	} else {
		struct api_req req = {
			.m = &m,
			.body = msg.data + m.head_len,
			.body_len = m.content_length,
			.peer = SSL_get0_peer_certificate(ssl),
			.addr = addr,
		};

		route(srv->api, &req, &resp);
	}
	send_resp(ssl, &resp);
	log_info("%s %s %s -> %d (%.1f ms)", addr, err ? "-" : m.method, err ? "-" : m.target,
		resp.status, (time_mono() - t0) * 1000);
	SSL_shutdown(ssl);
	conn_close_lingering(fd);
out:
	ERR_clear_error();
	sbuf_free(&resp.body);
	sbuf_free(&msg); /* may hold a password: wiped */
	SSL_free(ssl);
	close(fd);
}

static void *worker(void *arg)
{
	struct server *srv = arg;

	while (!srv->stop) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		char addr[INET6_ADDRSTRLEN] = "?";
		int fd, one = 1;

		fd = accept4(srv->fd, (struct sockaddr *)&ss, &sl, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED || errno == EAGAIN)
				continue;
			if (srv->stop)
				break;
			log_error("accept: %s", strerror(errno));
			usleep(100000); /* e.g. out of descriptors: do not spin */
			continue;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (ss.ss_family == AF_INET)
			inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, addr, sizeof(addr));
		else if (ss.ss_family == AF_INET6)
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, addr,
				  sizeof(addr));
		conn_handle(srv, fd, addr);
	}
	return NULL;
}

int server_start(struct server *srv, struct api *api, SSL_CTX *ctx, const char *addr,
		 int port, int threads, double timeout)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t sl;
	int one = 1, i, err;

	memset(srv, 0, sizeof(*srv));
	pthread_mutex_init(&srv->ctx_lock, NULL);
	srv->api = api;
	srv->ctx = ctx;
	srv->timeout = timeout;
	if (inet_pton(AF_INET, addr, &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
		ss.ss_family = AF_INET;
		((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)port);
		sl = sizeof(struct sockaddr_in);
	} else if (inet_pton(AF_INET6, addr, &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
		ss.ss_family = AF_INET6;
		((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)port);
		sl = sizeof(struct sockaddr_in6);
	} else {
		log_error("listen address '%s' is not a numeric IP address", addr);
		return -EINVAL;
	}
	srv->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (srv->fd < 0)
		return -errno;
	setsockopt(srv->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(srv->fd, (struct sockaddr *)&ss, sl) < 0 || listen(srv->fd, 256) < 0) {
		err = -errno;
		log_error("cannot listen on %s port %d: %s", addr, port, strerror(errno));
		close(srv->fd);
		return err;
	}
	sl = sizeof(ss);
	getsockname(srv->fd, (struct sockaddr *)&ss, &sl);
	srv->port = ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port :
				((struct sockaddr_in6 *)&ss)->sin6_port);
	srv->threads = calloc((size_t)threads, sizeof(*srv->threads));
	if (!srv->threads) {
		close(srv->fd);
		return -ENOMEM;
	}
	for (i = 0; i < threads; i++) {
		err = -pthread_create(&srv->threads[i], NULL, worker, srv);
		if (err) {
			server_stop(srv);
			return err;
		}
		srv->nthreads++;
	}
	return 0;
}

void server_stop(struct server *srv)
{
	int i;

	srv->stop = true;
	/* Wakes the threads blocked in accept(). */
	shutdown(srv->fd, SHUT_RDWR);
	for (i = 0; i < srv->nthreads; i++)
		pthread_join(srv->threads[i], NULL);
	close(srv->fd);
	free(srv->threads);
	srv->threads = NULL;
	srv->nthreads = 0;
}

SSL_CTX *server_set_ctx(struct server *srv, SSL_CTX *ctx)
{
	SSL_CTX *old;

	pthread_mutex_lock(&srv->ctx_lock);
	old = srv->ctx;
	srv->ctx = ctx;
	pthread_mutex_unlock(&srv->ctx_lock);
	return old;
}
