// SPDX-License-Identifier: GPL-2.0
#include "http.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>

static int why_set(char *why, size_t n, int err, const char *reason)
{
	if (why && n)
		snprintf(why, n, "%s", reason);
	return err;
}

static bool tchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* Finds the end of the head: the first CRLFCRLF. Bare LF is refused. */
static int head_end(const char *buf, size_t n, size_t *len, char *why, size_t whylen)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (buf[i] == '\n' && (i == 0 || buf[i - 1] != '\r'))
			return why_set(why, whylen, -EINVAL, "bare LF in message head");
		if (buf[i] == '\0')
			return why_set(why, whylen, -EINVAL, "NUL in message head");
		if (i >= 3 && !memcmp(buf + i - 3, "\r\n\r\n", 4)) {
			*len = i + 1;
			return 0;
		}
	}
	if (n >= HTTP_MAX_HEAD)
		return why_set(why, whylen, -E2BIG, "message head too large");
	return -EAGAIN;
}

static int copy_value(char *dst, size_t dlen, const char *v, size_t vlen, char *why,
		      size_t whylen)
{
	if (vlen >= dlen)
		return why_set(why, whylen, -EINVAL, "header value too long");
	memcpy(dst, v, vlen);
	dst[vlen] = '\0';
	return 0;
}

/* Header fields after the start line; line points past the first CRLF. */
static int parse_fields(const char *p, const char *end, struct http_msg *m, bool request,
			char *why, size_t whylen)
{
	bool seen_host = false;

	while (p < end) {
		const char *eol = memchr(p, '\r', (size_t)(end - p));
		const char *colon, *v, *ve;
		size_t nlen;

		if (!eol)
			return why_set(why, whylen, -EINVAL, "malformed header line");
		if (eol == p)
			break; /* blank line */
		colon = memchr(p, ':', (size_t)(eol - p));
		if (!colon || colon == p)
			return why_set(why, whylen, -EINVAL, "header line without a name");
		for (v = p; v < colon; v++)
			if (!tchar(*v))
				return why_set(why, whylen, -EINVAL, "invalid header name");
		nlen = (size_t)(colon - p);
		for (v = colon + 1; v < eol && (*v == ' ' || *v == '\t'); v++)
			;
		for (ve = eol; ve > v && (ve[-1] == ' ' || ve[-1] == '\t'); ve--)
			;
		for (const char *c = v; c < ve; c++)
			if ((unsigned char)*c < 0x20 && *c != '\t')
				return why_set(why, whylen, -EINVAL, "control byte in header value");
#define IS(name) (nlen == strlen(name) && !strncasecmp(p, name, nlen))
		if (IS("Content-Length")) {
			size_t len = 0;
			const char *c;

			if (m->has_length)
				return why_set(why, whylen, -EINVAL, "repeated Content-Length");
			if (v == ve)
				return why_set(why, whylen, -EINVAL, "empty Content-Length");
			for (c = v; c < ve; c++) {
				if (*c < '0' || *c > '9')
					return why_set(why, whylen, -EINVAL, "invalid Content-Length");
				if (len > HTTP_MAX_BODY)
					break;
				len = len * 10 + (size_t)(*c - '0');
			}
			if (len > HTTP_MAX_BODY)
				return why_set(why, whylen, -EMSGSIZE, "body larger than 65536 bytes");
			m->content_length = len;
			m->has_length = true;
		} else if (IS("Transfer-Encoding")) {
			return why_set(why, whylen, -ENOSYS, "transfer codings are not supported");
		} else if (IS("Content-Type")) {
			int err = copy_value(m->content_type, sizeof(m->content_type), v,
					     (size_t)(ve - v), why, whylen);
			if (err)
				return err;
		} else if (IS("Authorization") && request) {
			int err;

			if (m->authorization[0])
				return why_set(why, whylen, -EINVAL, "repeated Authorization");
			err = copy_value(m->authorization, sizeof(m->authorization), v,
					 (size_t)(ve - v), why, whylen);
			if (err)
				return err;
		} else if (IS("Host")) {
			if (seen_host && request)
				return why_set(why, whylen, -EINVAL, "repeated Host");
			seen_host = true;
		} else if (IS("Retry-After") && !request) {
			/*
			 * Delay-seconds, read within the value (it is not
			 * NUL-terminated) and capped at a day; an HTTP-date
			 * or anything else reads as 0.
			 */
			const char *c;
			int secs = 0;

			for (c = v; c < ve && *c >= '0' && *c <= '9' &&
			     secs < 86400; c++)
				secs = secs * 10 + (*c - '0');
			m->retry_after = secs < 86400 ? secs : 86400;
		}
#undef IS
		p = eol + 2;
	}
	return 0;
}

/* Where a message's head ends (len) and its first line (eol). */
static int head_start(const char *buf, size_t n, struct http_msg *m, size_t *len,
		      const char **eol, char *why, size_t whylen)
{
	int err;

	memset(m, 0, sizeof(*m));
	err = head_end(buf, n, len, why, whylen);
	if (err)
		return err;
	*eol = memmem(buf, *len, "\r\n", 2);
	return 0;
}

int http_req_parse(const char *buf, size_t n, struct http_msg *m, char *why, size_t whylen)
{
	const char *sp1, *sp2, *eol, *c;
	size_t len;
	int err;

	err = head_start(buf, n, m, &len, &eol, why, whylen);
	if (err)
		return err;
	sp1 = memchr(buf, ' ', (size_t)(eol - buf));
	if (!sp1 || sp1 == buf || (size_t)(sp1 - buf) >= sizeof(m->method))
		return why_set(why, whylen, -EINVAL, "malformed request line");
	sp2 = memchr(sp1 + 1, ' ', (size_t)(eol - sp1 - 1));
	if (!sp2 || sp2 == sp1 + 1 || (size_t)(sp2 - sp1 - 1) >= sizeof(m->target))
		return why_set(why, whylen, -EINVAL, "malformed request line");
	if ((size_t)(eol - sp2 - 1) != 8 || (memcmp(sp2 + 1, "HTTP/1.1", 8) &&
					     memcmp(sp2 + 1, "HTTP/1.0", 8)))
		return why_set(why, whylen, -EINVAL, "unsupported HTTP version");
	for (c = buf; c < sp1; c++)
		if (!tchar(*c))
			return why_set(why, whylen, -EINVAL, "invalid method");
	memcpy(m->method, buf, (size_t)(sp1 - buf));
	if (sp1[1] != '/')
		return why_set(why, whylen, -EINVAL, "request target must be an absolute path");
	for (c = sp1 + 1; c < sp2; c++)
		if ((unsigned char)*c <= 0x20 || (unsigned char)*c >= 0x7f)
			return why_set(why, whylen, -EINVAL, "invalid byte in request target");
	memcpy(m->target, sp1 + 1, (size_t)(sp2 - sp1 - 1));
	if (strcmp(m->method, "GET") && strcmp(m->method, "POST"))
		return why_set(why, whylen, -ENOSYS, "method not implemented");
	err = parse_fields(eol + 2, buf + len, m, true, why, whylen);
	if (err)
		return err;
	if (!strcmp(m->method, "POST") && !m->has_length)
		return why_set(why, whylen, -ENOMSG, "POST without Content-Length");
	m->head_len = len;
	return 0;
}

int http_resp_parse(const char *buf, size_t n, struct http_msg *m, char *why, size_t whylen)
{
	const char *eol;
	size_t len;
	int err;

	err = head_start(buf, n, m, &len, &eol, why, whylen);
	if (err)
		return err;
	if (eol - buf < 12 || (memcmp(buf, "HTTP/1.1 ", 9) && memcmp(buf, "HTTP/1.0 ", 9)) ||
	    buf[9] < '1' || buf[9] > '5' || buf[10] < '0' || buf[10] > '9' || buf[11] < '0' ||
	    buf[11] > '9' || (eol - buf > 12 && buf[12] != ' '))
		return why_set(why, whylen, -EINVAL, "malformed status line");
	m->status = (buf[9] - '0') * 100 + (buf[10] - '0') * 10 + (buf[11] - '0');
	err = parse_fields(eol + 2, buf + len, m, false, why, whylen);
	if (err)
		return err;
	m->head_len = len;
	return 0;
}

int http_basic_decode(const char *auth, char *user, size_t ulen, char *pass, size_t plen)
{
	struct sbuf b = { 0 };
	char *colon;
	int err;

	if (strncasecmp(auth, "Basic ", 6))
		return -EINVAL;
	err = b64_decode(auth + 6, strlen(auth + 6), &b);
	if (!err && (!b.data || memchr(b.data, 0, b.len)))
		err = -EINVAL;
	if (err)
		goto out;
	colon = strchr(b.data, ':');
	if (!colon || (size_t)(colon - b.data) >= ulen || strlen(colon + 1) >= plen) {
		err = -EINVAL;
		goto out;
	}
	memcpy(user, b.data, (size_t)(colon - b.data));
	user[colon - b.data] = '\0';
	strcpy(pass, colon + 1);
out:
	sbuf_free(&b);
	return err;
}

const char *http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 411: return "Length Required";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	default: return "Unknown";
	}
}

/* Waits for the socket under ssl until the deadline; -ETIMEDOUT after. */
static int wait_io(SSL *ssl, bool write, double deadline)
{
	struct pollfd pfd = { .fd = SSL_get_fd(ssl), .events = write ? POLLOUT : POLLIN };
	double left = deadline - time_mono();
	int rc;

	if (left <= 0)
		return -ETIMEDOUT;
	rc = poll(&pfd, 1, (int)(left * 1000) + 1);
	if (rc < 0)
		return errno == EINTR ? 0 : -errno;
	return rc == 0 ? -ETIMEDOUT : 0;
}

/* After an SSL call returned rc <= 0: 0 to retry once the socket is
 * ready, else why it cannot go on. */
static int ssl_wait(SSL *ssl, int rc, double deadline)
{
	switch (SSL_get_error(ssl, rc)) {
	case SSL_ERROR_WANT_READ:
		return wait_io(ssl, false, deadline);
	case SSL_ERROR_WANT_WRITE:
		return wait_io(ssl, true, deadline);
	case SSL_ERROR_ZERO_RETURN:
		return -ENODATA;
	default:
		ERR_clear_error();
		return -ECONNRESET;
	}
}

int http_read(SSL *ssl, bool request, double timeout, struct http_msg *m, struct sbuf *msg,
	      char *why, size_t whylen)
{
	double deadline = time_mono() + timeout;
	bool have_head = false;
	char tmp[4096];
	int err;

	for (;;) {
		int n;

		if (!have_head) {
			err = msg->len ? (request ? http_req_parse(msg->data, msg->len, m, why,
								   whylen) :
					  http_resp_parse(msg->data, msg->len, m, why, whylen)) :
					 -EAGAIN;
			if (!err) {
				have_head = true;
				if (!request && !m->has_length)
					m->content_length = HTTP_MAX_BODY; /* until close */
			} else if (err != -EAGAIN) {
				return err;
			}
		}
		if (have_head && msg->len >= m->head_len + m->content_length) {
			if (msg->len > m->head_len + m->content_length && request)
				return why_set(why, whylen, -EINVAL,
					       "bytes after the body (one request per connection)");
			return 0;
		}
		n = SSL_read(ssl, tmp, sizeof(tmp));
		if (n > 0) {
			if (msg->len + (size_t)n > HTTP_MAX_HEAD + HTTP_MAX_BODY)
				return why_set(why, whylen, -EMSGSIZE, "message too large");
			err = sbuf_add(msg, tmp, (size_t)n);
			if (err)
				return err;
			continue;
		}
		err = ssl_wait(ssl, n, deadline);
		if (err == -ENODATA) {
			if (have_head && !request && !m->has_length) {
				m->content_length = msg->len - m->head_len;
				return 0;
			}
			err = -ECONNRESET;
		}
		if (err == -ETIMEDOUT)
			return why_set(why, whylen, err, "timed out reading the message");
		if (err)
			return why_set(why, whylen, err, "connection closed before the message ended");
	}
}

int http_write_all(SSL *ssl, const void *p, size_t n)
{
	const char *c = p;
	double deadline = time_mono() + 10;

	while (n) {
		int w = SSL_write(ssl, c, n > INT32_MAX ? INT32_MAX : (int)n);
		int err;

		if (w > 0) {
			c += w;
			n -= (size_t)w;
			continue;
		}
		err = ssl_wait(ssl, w, deadline);
		if (err)
			return err;
	}
	return 0;
}

int http_handshake(SSL *ssl, bool server, double timeout)
{
	double deadline = time_mono() + timeout;

	for (;;) {
		int rc = server ? SSL_accept(ssl) : SSL_connect(ssl);
		int err;

		if (rc == 1)
			return 0;
		err = ssl_wait(ssl, rc, deadline);
		if (err)
			return err == -ENODATA ? -ECONNRESET : err;
	}
}
