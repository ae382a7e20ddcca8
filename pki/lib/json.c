// SPDX-License-Identifier: GPL-2.0
#include "json.h"

#include <errno.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>

/*
 * The reader is jansson's, asked for the strictness the service needs:
 * duplicate member names refused (JSON_REJECT_DUPLICATES), no NUL inside
 * strings (jansson refuses \u0000 unless told otherwise), exactly one value
 * with nothing after it, any value at the top. jansson itself refuses
 * invalid UTF-8, lone surrogates, leading zeros and numbers out of range.
 * Its tree is copied into struct json, whose strings are wiped on free
 * (bodies carry passwords), with our own depth limit.
 */
static int set_why(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int set_why(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static char *str_dup(const char *s, size_t len)
{
	char *d = malloc(len + 1);

	if (d) {
		memcpy(d, s, len);
		d[len] = '\0';
	}
	return d;
}

static int from_jansson(json_t *v, int depth, struct json **out);

static int children_from(json_t *v, int depth, struct json *j)
{
	struct json **tail = &j->child;
	const char *key;
	json_t *e;
	size_t i;
	int err;

	if (json_is_array(v)) {
		json_array_foreach(v, i, e) {
			err = from_jansson(e, depth + 1, tail);
			if (err)
				return err;
			tail = &(*tail)->next;
			j->count++;
		}
		return 0;
	}
	json_object_foreach(v, key, e) {
		err = from_jansson(e, depth + 1, tail);
		if (err)
			return err;
		(*tail)->key = strdup(key);
		if (!(*tail)->key)
			return -ENOMEM;
		tail = &(*tail)->next;
		j->count++;
	}
	return 0;
}

static int from_jansson(json_t *v, int depth, struct json **out)
{
	struct json *j;

	if (depth > JSON_MAX_DEPTH)
		return -E2BIG;
	j = calloc(1, sizeof(*j));
	if (!j)
		return -ENOMEM;
	*out = j;
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		j->type = JV_OBJ;
		return children_from(v, depth, j);
	case JSON_ARRAY:
		j->type = JV_ARR;
		return children_from(v, depth, j);
	case JSON_STRING:
		j->type = JV_STR;
		j->len = json_string_length(v);
		j->str = str_dup(json_string_value(v), j->len);
		return j->str ? 0 : -ENOMEM;
	case JSON_INTEGER:
		j->type = JV_INT;
		j->i = json_integer_value(v);
		j->num = (double)j->i;
		return 0;
	case JSON_REAL:
		j->type = JV_NUM;
		j->num = json_real_value(v);
		return 0;
	case JSON_TRUE:
	case JSON_FALSE:
		j->type = JV_BOOL;
		j->b = json_is_true(v);
		return 0;
	case JSON_NULL:
		j->type = JV_NULL;
		return 0;
	}
	return -EINVAL;
}

int json_parse(const char *p, size_t n, struct json **out, char *err, size_t errlen)
{
	const char *nul;
	json_error_t e;
	json_t *v;
	int ret;

	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	/* jansson stops at a NUL byte as if the input ended there. */
	nul = memchr(p, '\0', n);
	if (nul)
		return set_why(err, errlen, "NUL byte at offset %td", nul - p);
	v = json_loadb(p, n, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &e);
	if (!v)
		/* e.position counts the bytes read, the bad one included. */
		return set_why(err, errlen, "%s at offset %d", e.text,
			       e.position > 0 ? e.position - 1 : 0);
	ret = from_jansson(v, 1, out);
	json_decref(v);
	if (ret) {
		json_free(*out);
		*out = NULL;
		if (ret == -E2BIG)
			return set_why(err, errlen, "nested deeper than %d",
				       JSON_MAX_DEPTH);
		return ret == -ENOMEM ? ret : -EINVAL;
	}
	return 0;
}

void json_free(struct json *j)
{
	while (j) {
		struct json *next = j->next;

		json_free(j->child);
		if (j->str) {
			OPENSSL_cleanse(j->str, j->len);
			free(j->str);
		}
		free(j->key);
		free(j);
		j = next;
	}
}

const struct json *json_get(const struct json *obj, const char *key)
{
	const struct json *c;

	if (!obj || obj->type != JV_OBJ)
		return NULL;
	for (c = obj->child; c; c = c->next)
		if (c->key && !strcmp(c->key, key))
			return c;
	return NULL;
}

/* The member key of obj if it has the type: 0, -ENOENT or -EINVAL. */
static int json_get_typed(const struct json *obj, const char *key, int type,
			  const struct json **out)
{
	const struct json *v = json_get(obj, key);

	if (!v)
		return -ENOENT;
	if ((int)v->type != type)
		return -EINVAL;
	*out = v;
	return 0;
}

int json_get_str(const struct json *obj, const char *key, const char **out)
{
	const struct json *v;
	int err = json_get_typed(obj, key, JV_STR, &v);

	if (!err)
		*out = v->str;
	return err;
}

int json_get_int(const struct json *obj, const char *key, int64_t *out)
{
	const struct json *v;
	int err = json_get_typed(obj, key, JV_INT, &v);

	if (!err)
		*out = v->i;
	return err;
}

int json_check_keys(const struct json *obj, const char *const *allowed, const char **bad)
{
	const struct json *c;

	if (!obj || obj->type != JV_OBJ)
		return -EINVAL;
	for (c = obj->child; c; c = c->next) {
		const char *const *a;

		for (a = allowed; *a; a++)
			if (!strcmp(*a, c->key))
				break;
		if (!*a) {
			if (bad)
				*bad = c->key;
			return -EINVAL;
		}
	}
	return 0;
}

/* jansson's strings may hold passwords: wipe every block it frees. */
static void wiping_free(void *p)
{
	if (p) {
		OPENSSL_cleanse(p, malloc_usable_size(p));
		free(p);
	}
}

__attribute__((constructor)) static void json_alloc_init(void)
{
	json_set_alloc_funcs(malloc, wiping_free);
}

int json_emit(struct sbuf *b, json_t *v, bool nl)
{
	char *text;
	int err;

	if (!v)
		return -EINVAL;
	text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
	json_decref(v);
	if (!text)
		return -ENOMEM;
	err = sbuf_addstr(b, text);
	if (!err && nl)
		err = sbuf_addstr(b, "\n");
	wiping_free(text);
	return err;
}

int json_add_str(struct sbuf *b, const char *s)
{
	return json_emit(b, json_string(s), false);	/* NULL: bad UTF-8 */
}
