/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small strict HTTP/1.1 (RFC 9112) reader and writer over an OpenSSL
 * connection: one request per connection, Content-Length bodies only,
 * fixed limits on head and body, a deadline for the whole message.
 */
#ifndef PKI_HTTP_H
#define PKI_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/ssl.h>

#include "util.h"

#define HTTP_MAX_HEAD 8192
#define HTTP_MAX_BODY 65536

struct http_msg {
	/* request */
	char method[8];
	char target[256];
	char authorization[512];
	/* response */
	int status;
	int retry_after;
	/* both */
	char content_type[128];
	size_t content_length;
	bool has_length;
	size_t head_len;	/* bytes up to and including the blank line */
};

/*
 * Parses the head in buf[0..n). Returns 0 when complete, -EAGAIN when more
 * bytes are needed, else an error with the reason in why:
 *  -EINVAL (400), -E2BIG (431: head too large), -EMSGSIZE (413: body over
 *  the limit), -ENOSYS (501: method or transfer coding not implemented),
 *  -ENOMSG (411: body without Content-Length).
 */
int http_req_parse(const char *buf, size_t n, struct http_msg *m, char *why, size_t whylen);
int http_resp_parse(const char *buf, size_t n, struct http_msg *m, char *why, size_t whylen);

/* "Basic base64(user:pass)" → user and pass (RFC 7617). */
int http_basic_decode(const char *auth, char *user, size_t ulen, char *pass, size_t plen);
const char *http_reason(int status);

/* Reads one whole message (head + body) within timeout seconds. The
 * body is msg->data + m->head_len, m->content_length bytes. */
int http_read(SSL *ssl, bool request, double timeout, struct http_msg *m, struct sbuf *msg,
	      char *why, size_t whylen);
int http_write_all(SSL *ssl, const void *p, size_t n);
/* TLS handshake on a non-blocking socket within timeout seconds. */
int http_handshake(SSL *ssl, bool server, double timeout);

#endif
