// SPDX-License-Identifier: GPL-2.0
#include "json.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

struct jreader {
	const char *p;
	size_t n;
	size_t pos;
	int depth;
	char *err;
	size_t errlen;
};

static int jr_fail(struct jreader *r, const char *what)
{
	if (r->err && r->errlen)
		snprintf(r->err, r->errlen, "%s at offset %zu", what, r->pos);
	return -EINVAL;
}

static void jr_ws(struct jreader *r)
{
	while (r->pos < r->n) {
		char c = r->p[r->pos];

		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		r->pos++;
	}
}

static int jr_lit(struct jreader *r, const char *lit)
{
	size_t l = strlen(lit);

	if (r->n - r->pos < l || memcmp(r->p + r->pos, lit, l))
		return jr_fail(r, "invalid literal");
	r->pos += l;
	return 0;
}

static int hex4(const char *p, unsigned int *out)
{
	unsigned int v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned int)(c - 'A' + 10);
		else
			return -EINVAL;
	}
	*out = v;
	return 0;
}

static int put_utf8(struct sbuf *b, unsigned int cp)
{
	unsigned char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (unsigned char)(0xc0 | (cp >> 6));
		u[1] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (unsigned char)(0xe0 | (cp >> 12));
		u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (unsigned char)(0xf0 | (cp >> 18));
		u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return sbuf_add(b, u, n);
}

/* Length of the valid UTF-8 sequence at p, or 0 (RFC 3629 §4). */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	unsigned int cp;
	size_t len, i;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

static int jr_string(struct jreader *r, char **out, size_t *outlen)
{
	struct sbuf b = { 0 };
	int err = 0;

	r->pos++; /* opening quote */
	for (;;) {
		unsigned char c;

		if (r->pos >= r->n) {
			err = jr_fail(r, "unterminated string");
			goto out;
		}
		c = (unsigned char)r->p[r->pos];
		if (c == '"') {
			r->pos++;
			break;
		}
		if (c < 0x20) {
			err = jr_fail(r, "control character in string");
			goto out;
		}
		if (c == '\\') {
			unsigned int cp, lo;
			char e;

			if (r->n - r->pos < 2) {
				err = jr_fail(r, "truncated escape");
				goto out;
			}
			e = r->p[r->pos + 1];
			r->pos += 2;
			switch (e) {
			case '"': case '\\': case '/':
				err = sbuf_add(&b, &e, 1);
				break;
			case 'b': err = sbuf_add(&b, "\b", 1); break;
			case 'f': err = sbuf_add(&b, "\f", 1); break;
			case 'n': err = sbuf_add(&b, "\n", 1); break;
			case 'r': err = sbuf_add(&b, "\r", 1); break;
			case 't': err = sbuf_add(&b, "\t", 1); break;
			case 'u':
				if (r->n - r->pos < 4 || hex4(r->p + r->pos, &cp)) {
					err = jr_fail(r, "bad \\u escape");
					goto out;
				}
				r->pos += 4;
				if (cp >= 0xdc00 && cp <= 0xdfff) {
					err = jr_fail(r, "lone low surrogate");
					goto out;
				}
				if (cp >= 0xd800 && cp <= 0xdbff) {
					if (r->n - r->pos < 6 || r->p[r->pos] != '\\' ||
					    r->p[r->pos + 1] != 'u' || hex4(r->p + r->pos + 2, &lo) ||
					    lo < 0xdc00 || lo > 0xdfff) {
						err = jr_fail(r, "lone high surrogate");
						goto out;
					}
					r->pos += 6;
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				}
				if (cp == 0) {
					err = jr_fail(r, "NUL in string");
					goto out;
				}
				err = put_utf8(&b, cp);
				break;
			default:
				err = jr_fail(r, "unknown escape");
				goto out;
			}
			if (err)
				goto out;
			continue;
		}
		{
			size_t l = utf8_len((const unsigned char *)r->p + r->pos, r->n - r->pos);

			if (!l) {
				err = jr_fail(r, "invalid UTF-8");
				goto out;
			}
			err = sbuf_add(&b, r->p + r->pos, l);
			if (err)
				goto out;
			r->pos += l;
		}
	}
	err = sbuf_add(&b, "", 0); /* an empty string still gets a buffer */
	if (err)
		goto out;
	*out = b.data;
	*outlen = b.len;
	return 0;
out:
	sbuf_free(&b);
	return err;
}

static int jr_number(struct jreader *r, struct json *j)
{
	size_t start = r->pos;
	bool frac = false;
	char tmp[64];
	char *end;

	if (r->p[r->pos] == '-')
		r->pos++;
	if (r->pos >= r->n)
		return jr_fail(r, "truncated number");
	if (r->p[r->pos] == '0') {
		r->pos++;
	} else if (r->p[r->pos] >= '1' && r->p[r->pos] <= '9') {
		while (r->pos < r->n && r->p[r->pos] >= '0' && r->p[r->pos] <= '9')
			r->pos++;
	} else {
		return jr_fail(r, "invalid number");
	}
	if (r->pos < r->n && r->p[r->pos] == '.') {
		frac = true;
		r->pos++;
		if (r->pos >= r->n || r->p[r->pos] < '0' || r->p[r->pos] > '9')
			return jr_fail(r, "invalid fraction");
		while (r->pos < r->n && r->p[r->pos] >= '0' && r->p[r->pos] <= '9')
			r->pos++;
	}
	if (r->pos < r->n && (r->p[r->pos] == 'e' || r->p[r->pos] == 'E')) {
		frac = true;
		r->pos++;
		if (r->pos < r->n && (r->p[r->pos] == '+' || r->p[r->pos] == '-'))
			r->pos++;
		if (r->pos >= r->n || r->p[r->pos] < '0' || r->p[r->pos] > '9')
			return jr_fail(r, "invalid exponent");
		while (r->pos < r->n && r->p[r->pos] >= '0' && r->p[r->pos] <= '9')
			r->pos++;
	}
	if (r->pos - start >= sizeof(tmp))
		return jr_fail(r, "number too long");
	memcpy(tmp, r->p + start, r->pos - start);
	tmp[r->pos - start] = '\0';
	j->num = strtod(tmp, NULL);
	if (!isfinite(j->num))
		return jr_fail(r, "number out of range");
	j->type = JSON_NUM;
	if (!frac) {
		long long v;

		errno = 0;
		v = strtoll(tmp, &end, 10);
		if (!errno && !*end) {
			j->type = JSON_INT;
			j->i = v;
		}
	}
	return 0;
}

static int jr_value(struct jreader *r, struct json **out);

static int jr_container(struct jreader *r, struct json *j, bool obj)
{
	struct json **tail = &j->child;
	char close = obj ? '}' : ']';
	int err;

	if (++r->depth > JSON_MAX_DEPTH)
		return jr_fail(r, "nesting too deep");
	r->pos++;
	jr_ws(r);
	if (r->pos < r->n && r->p[r->pos] == close) {
		r->pos++;
		r->depth--;
		return 0;
	}
	for (;;) {
		char *key = NULL;
		size_t keylen;
		struct json *v;

		jr_ws(r);
		if (obj) {
			if (r->pos >= r->n || r->p[r->pos] != '"')
				return jr_fail(r, "expected member name");
			err = jr_string(r, &key, &keylen);
			if (err)
				return err;
			if (json_get(j, key)) {
				free(key);
				return jr_fail(r, "duplicate member name");
			}
			jr_ws(r);
			if (r->pos >= r->n || r->p[r->pos] != ':') {
				free(key);
				return jr_fail(r, "expected ':'");
			}
			r->pos++;
		}
		err = jr_value(r, &v);
		if (err) {
			free(key);
			return err;
		}
		v->key = key;
		*tail = v;
		tail = &v->next;
		j->count++;
		jr_ws(r);
		if (r->pos >= r->n)
			return jr_fail(r, "unterminated container");
		if (r->p[r->pos] == ',') {
			r->pos++;
			continue;
		}
		if (r->p[r->pos] == close) {
			r->pos++;
			break;
		}
		return jr_fail(r, "expected ',' or end of container");
	}
	r->depth--;
	return 0;
}

static int jr_value(struct jreader *r, struct json **out)
{
	struct json *j;
	int err;

	jr_ws(r);
	if (r->pos >= r->n)
		return jr_fail(r, "expected a value");
	j = calloc(1, sizeof(*j));
	if (!j)
		return -ENOMEM;
	switch (r->p[r->pos]) {
	case '{':
		j->type = JSON_OBJ;
		err = jr_container(r, j, true);
		break;
	case '[':
		j->type = JSON_ARR;
		err = jr_container(r, j, false);
		break;
	case '"':
		j->type = JSON_STR;
		err = jr_string(r, &j->str, &j->len);
		break;
	case 't':
		j->type = JSON_BOOL;
		j->b = true;
		err = jr_lit(r, "true");
		break;
	case 'f':
		j->type = JSON_BOOL;
		err = jr_lit(r, "false");
		break;
	case 'n':
		j->type = JSON_NULL;
		err = jr_lit(r, "null");
		break;
	default:
		err = jr_number(r, j);
		break;
	}
	if (err) {
		json_free(j);
		return err;
	}
	*out = j;
	return 0;
}

int json_parse(const char *p, size_t n, struct json **out, char *err, size_t errlen)
{
	struct jreader r = { .p = p, .n = n, .err = err, .errlen = errlen };
	struct json *j;
	int ret;

	if (err && errlen)
		err[0] = '\0';
	ret = jr_value(&r, &j);
	if (ret)
		return ret;
	jr_ws(&r);
	if (r.pos != n) {
		json_free(j);
		return jr_fail(&r, "trailing data");
	}
	*out = j;
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

	if (!obj || obj->type != JSON_OBJ)
		return NULL;
	for (c = obj->child; c; c = c->next)
		if (c->key && !strcmp(c->key, key))
			return c;
	return NULL;
}

int json_get_str(const struct json *obj, const char *key, const char **out)
{
	const struct json *v = json_get(obj, key);

	if (!v)
		return -ENOENT;
	if (v->type != JSON_STR)
		return -EINVAL;
	*out = v->str;
	return 0;
}

int json_get_int(const struct json *obj, const char *key, int64_t *out)
{
	const struct json *v = json_get(obj, key);

	if (!v)
		return -ENOENT;
	if (v->type != JSON_INT)
		return -EINVAL;
	*out = v->i;
	return 0;
}

int json_check_keys(const struct json *obj, const char *const *allowed, const char **bad)
{
	const struct json *c;

	if (!obj || obj->type != JSON_OBJ)
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

int json_add_str(struct sbuf *b, const char *s)
{
	int err = sbuf_add(b, "\"", 1);

	for (; !err && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			char e[2] = { '\\', (char)c };

			err = sbuf_add(b, e, 2);
		} else if (c == '\n') {
			err = sbuf_add(b, "\\n", 2);
		} else if (c < 0x20) {
			err = sbuf_printf(b, "\\u%04x", c);
		} else {
			err = sbuf_add(b, s, 1);
		}
	}
	return err ? err : sbuf_add(b, "\"", 1);
}
