// SPDX-License-Identifier: GPL-2.0
#include "util.h"
#include "lib/log.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

static int sbuf_grow(struct sbuf *b, size_t need)
{
	size_t cap = b->cap ? b->cap : 256;
	char *p;

	if (b->len + need + 1 <= b->cap)
		return 0;
	while (cap < b->len + need + 1) {
		if (cap > SIZE_MAX / 2)
			return -ENOMEM;
		cap *= 2;
	}
	p = malloc(cap);
	if (!p)
		return -ENOMEM;
	if (b->data) {
		memcpy(p, b->data, b->len);
		OPENSSL_cleanse(b->data, b->cap);
		free(b->data);
	}
	b->data = p;
	b->cap = cap;
	b->data[b->len] = '\0';
	return 0;
}

int sbuf_add(struct sbuf *b, const void *p, size_t n)
{
	int err = sbuf_grow(b, n);

	if (err)
		return err;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int sbuf_addstr(struct sbuf *b, const char *s)
{
	return sbuf_add(b, s, strlen(s));
}

int sbuf_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n, err;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	err = sbuf_grow(b, (size_t)n);
	if (err)
		return err;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void sbuf_free(struct sbuf *b)
{
	if (b->data) {
		OPENSSL_cleanse(b->data, b->cap);
		free(b->data);
	}
	b->data = NULL;
	b->len = b->cap = 0;
}

int file_read(const char *path, size_t max, struct sbuf *out)
{
	char tmp[4096];
	ssize_t n;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		log_error("cannot open '%s': %s", path, strerror(errno));
		return err;
	}
	while ((n = read(fd, tmp, sizeof(tmp))) > 0) {
		if (out->len + (size_t)n > max) {
			log_error("'%s' is larger than %zu bytes", path, max);
			err = -EFBIG;
			break;
		}
		err = sbuf_add(out, tmp, (size_t)n);
		if (err)
			break;
	}
	if (n < 0)
		err = -errno;
	OPENSSL_cleanse(tmp, sizeof(tmp));
	close(fd);
	return err;
}

int file_write(const char *path, const void *p, size_t n, unsigned int mode)
{
	char tmp[4096];
	const char *c = p;
	int fd, err = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	/* Created with the final mode so a key is never readable by others. */
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0) {
		err = -errno;
		log_error("cannot create '%s': %s", tmp, strerror(errno));
		return err;
	}
	if (fchmod(fd, mode) < 0)
		err = -errno;
	while (!err && n) {
		ssize_t w = write(fd, c, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		c += w;
		n -= (size_t)w;
	}
	if (!err && fsync(fd) < 0)
		err = -errno;
	if (close(fd) < 0 && !err)
		err = -errno;
	if (!err && rename(tmp, path) < 0)
		err = -errno;
	if (err) {
		log_error("cannot write '%s': %s", path, strerror(-err));
		unlink(tmp);
	}
	return err;
}

int b64_encode(const void *p, size_t n, struct sbuf *out)
{
	size_t need = 4 * ((n + 2) / 3);
	int err;

	if (n > INT32_MAX / 2)
		return -EFBIG;
	err = sbuf_add(out, "", 0);
	if (!err)
		err = sbuf_grow(out, need);
	if (err)
		return err;
	EVP_EncodeBlock((unsigned char *)out->data + out->len, p, (int)n);
	out->len += need;
	out->data[out->len] = '\0';
	return 0;
}

/* Strict base64: whitespace (line breaks) is skipped, anything else
 * outside the alphabet or misplaced padding is an error. */
int b64_decode(const char *s, size_t n, struct sbuf *out)
{
	static const char alpha[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint32_t acc = 0;
	int bits = 0, pad = 0, err;
	size_t i;

	for (i = 0; i < n; i++) {
		char c = s[i];
		const char *pos;
		unsigned char byte;

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		if (pad || !c)
			return -EINVAL;
		pos = strchr(alpha, c);
		if (!pos)
			return -EINVAL;
		acc = (acc << 6) | (uint32_t)(pos - alpha);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			byte = (unsigned char)(acc >> bits);
			err = sbuf_add(out, &byte, 1);
			if (err)
				return err;
		}
	}
	if (pad > 2 || bits >= 6 || (acc & ((1u << bits) - 1)))
		return -EINVAL;
	return 0;
}

void hex_encode(const void *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *c = p;
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[c[i] >> 4];
		out[2 * i + 1] = digits[c[i] & 15];
	}
	out[2 * n] = '\0';
}

bool mem_equal_ct(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

int64_t time_now(void)
{
	return (int64_t)time(NULL);
}

double time_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

bool name_valid(const char *name)
{
	size_t i, n = name ? strlen(name) : 0;

	if (n == 0 || n >= NAME_LEN_MAX || name[0] == '-' || name[0] == '.')
		return false;
	for (i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '@' || c == '-'))
			return false;
	}
	return true;
}

int password_read(char *buf, size_t n)
{
	const char *env = getenv("VPNFO_PASSWORD");
	size_t len;

	if (env) {
		if (strlen(env) >= n)
			return -E2BIG;
		strcpy(buf, env);
		return 0;
	}
	if (isatty(0))
		fputs("password: ", stderr);
	if (!fgets(buf, (int)n, stdin))
		return -EINVAL;
	len = strlen(buf);
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		buf[--len] = '\0';
	return len ? 0 : -EINVAL;
}
