/* SPDX-License-Identifier: GPL-2.0 */
/* Small helpers shared by the pki tools and the enrollment client: buffers,
 * files, encodings, names, passwords. (The log is lib/log.h.) */
#ifndef PKI_UTIL_H
#define PKI_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* A growable byte string, always NUL-terminated. */
struct sbuf {
	char *data;
	size_t len;
	size_t cap;
};

int sbuf_add(struct sbuf *b, const void *p, size_t n);
int sbuf_addstr(struct sbuf *b, const char *s);
int sbuf_printf(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Wipes the contents before freeing: buffers may hold secrets. */
void sbuf_free(struct sbuf *b);

int file_read(const char *path, size_t max, struct sbuf *out);
/* Writes atomically (temp + rename) with the given mode. */
int file_write(const char *path, const void *p, size_t n, unsigned int mode);

int b64_encode(const void *p, size_t n, struct sbuf *out);
int b64_decode(const char *s, size_t n, struct sbuf *out);
void hex_encode(const void *p, size_t n, char *out);

/* Compare secrets without an early exit. */
bool mem_equal_ct(const void *a, const void *b, size_t n);

/* User, group and gateway names: 1-63 of [A-Za-z0-9._@-], not starting
 * with '-' or '.' (they end up in certificate subjects and file names). */
#define NAME_LEN_MAX 64
bool name_valid(const char *name);

/* Passwords come from $VPNFO_PASSWORD or the first line of stdin, never
 * from the command line where other users could read them. */
int password_read(char *buf, size_t n);

int64_t time_now(void);
double time_mono(void);

#endif
