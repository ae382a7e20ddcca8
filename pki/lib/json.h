/* SPDX-License-Identifier: GPL-2.0 */
/* A strict JSON (RFC 8259) reader and string escaper, on jansson. */
#ifndef PKI_JSON_H
#define PKI_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

enum json_type { JV_NULL, JV_BOOL, JV_INT, JV_NUM, JV_STR, JV_ARR, JV_OBJ };

struct json {
	enum json_type type;
	bool b;
	int64_t i;		/* JV_INT: an integer that fits int64 */
	double num;		/* JV_INT and JV_NUM */
	char *str;		/* JV_STR, NUL-terminated, no NUL inside */
	size_t len;
	char *key;		/* member name when inside an object */
	struct json *child;	/* first element / member */
	struct json *next;
	size_t count;
};

#define JSON_MAX_DEPTH 32

/* Parses exactly one value covering all of p[0..n) (surrounding white space
 * allowed). Refuses duplicate member names, invalid UTF-8, lone surrogates,
 * NUL in strings, leading zeros, trailing bytes. err gets the reason. */
int json_parse(const char *p, size_t n, struct json **out, char *err, size_t errlen);
void json_free(struct json *j);

const struct json *json_get(const struct json *obj, const char *key);
/* Typed getters: -ENOENT if absent, -EINVAL if of another type. */
int json_get_str(const struct json *obj, const char *key, const char **out);
int json_get_int(const struct json *obj, const char *key, int64_t *out);
/* Fails with -EINVAL naming the first member not in the NULL-terminated list. */
int json_check_keys(const struct json *obj, const char *const *allowed, const char **bad);

/* Appends s as a JSON string literal (quotes included). */
int json_add_str(struct sbuf *b, const char *s);

/*
 * The writers build documents with jansson (json_pack) and append them
 * here, compact, with a newline if @nl. Takes the reference to @v (NULL,
 * as json_pack returns for a NULL or invalid UTF-8 string: -EINVAL).
 */
typedef struct json_t json_t;
int json_emit(struct sbuf *b, json_t *v, bool nl);

#endif
