// SPDX-License-Identifier: GPL-2.0
/*
 * Argument parsers. Each refuses the whole value rather than the longest
 * valid prefix (strtoul would read "10x" as 10) and names the bad value.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


#include "vnl.h"
#include "lib/log.h"
#include "args.h"

/* Reads an unsigned decimal, or hex with "0x", with no sign or spaces. */
static int parse_ull(const char *s, bool allow_hex, unsigned long long *out,
		     const char **end)
{
	int base = 10;
	char *e;

	if (allow_hex && (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))) {
		base = 16;
		if (!isxdigit((unsigned char)s[2]))
			return -EINVAL;
	} else if (!isdigit((unsigned char)s[0])) {
		return -EINVAL;
	}
	errno = 0;
	*out = strtoull(s, &e, base);
	if (errno)
		return -EINVAL;
	*end = e;
	return 0;
}

int parse_u32(const char *s, const char *what, uint32_t min, uint32_t max,
	      uint32_t *out)
{
	unsigned long long v;
	const char *end;

	if (parse_ull(s, true, &v, &end) || *end) {
		log_error("invalid %s '%s'", what, s);
		return -EINVAL;
	}
	if (v < min || v > max) {
		log_error("invalid %s '%s' (%u..%u)", what, s, min, max);
		return -EINVAL;
	}
	*out = (uint32_t)v;
	return 0;
}

int parse_addr(const char *s, struct vpnfo_addr *a)
{
	if (addr_parse(s, a)) {
		log_error("invalid address '%s'", s);
		return -EINVAL;
	}
	return 0;
}

int parse_prefix(const char *s, struct vpnfo_prefix *p)
{
	if (prefix_parse(s, p)) {
		log_error("invalid prefix '%s'", s);
		return -EINVAL;
	}
	return 0;
}

int parse_duration_us(const char *s, const char *what, uint64_t *us)
{
	unsigned long long v, mult;
	const char *end;

	if (parse_ull(s, false, &v, &end))
		goto invalid;
	if (!strcmp(end, "us"))
		mult = 1;
	else if (!*end || !strcmp(end, "ms"))
		mult = 1000;	/* a bare number means milliseconds */
	else if (!strcmp(end, "s"))
		mult = 1000000;
	else
		goto invalid;
	if (v > UINT64_MAX / mult)
		goto invalid;
	*us = v * mult;
	return 0;
invalid:
	log_error("invalid %s '%s'", what, s);
	return -EINVAL;
}

int parse_name(const char *s, const char *what)
{
	size_t len = strlen(s);
	size_t i;

	if (!len || len >= VPNFO_NAME_MAX)
		goto invalid;
	/* Printable and without blanks, so that tables and shells stay sane. */
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f)
			goto invalid;
	return 0;
invalid:
	log_error("invalid %s '%s' (1..%d printable characters)", what, s,
		  VPNFO_NAME_MAX - 1);
	return -EINVAL;
}

static int hex_val(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* The key itself is never echoed: messages name only where it came from. */
static int key_hex_read(const char *text, const char *origin, uint8_t *key,
			size_t *len)
{
	size_t digits = 0;
	int hi = -1;
	const char *p;

	for (p = text; *p; p++) {
		int v;

		if (isspace((unsigned char)*p))
			continue;
		v = hex_val((unsigned char)*p);
		if (v < 0) {
			log_error("invalid key in %s: not a hex digit at offset %zu",
				  origin, (size_t)(p - text));
			goto fail;
		}
		if (digits >= VPNFO_KEY_MAX * 2) {
			digits++;
			continue;
		}
		if (hi < 0) {
			hi = v;
		} else {
			key[digits / 2] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
		digits++;
	}
	if (digits < VPNFO_KEY_MIN * 2 || digits > VPNFO_KEY_MAX * 2 ||
	    digits % 2) {
		log_error("invalid key in %s: %zu hex digits, need an even number in %d..%d",
			  origin, digits, VPNFO_KEY_MIN * 2, VPNFO_KEY_MAX * 2);
		goto fail;
	}
	*len = digits / 2;
	return 0;
fail:
	explicit_bzero(key, VPNFO_KEY_MAX);
	return -EINVAL;
}

int parse_key_hex(const char *text, uint8_t *key, size_t *len)
{
	return key_hex_read(text, "argument", key, len);
}

int parse_key_file(const char *path, uint8_t *key, size_t *len)
{
	/* 128 digits fit many times over, with room for newlines and spaces. */
	char buf[4096], origin[PATH_MAX + 2];
	size_t used = 0;
	ssize_t n;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		log_error("cannot open key file '%s': %s", path, strerror(errno));
		return ret;
	}
	for (;;) {
		n = read(fd, buf + used, sizeof(buf) - 1 - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			log_error("cannot read key file '%s': %s", path,
				  strerror(errno));
			goto cleanup;
		}
		if (!n)
			break;
		used += (size_t)n;
		if (used == sizeof(buf) - 1) {
			log_error("key file '%s' is too large", path);
			ret = -EFBIG;
			goto cleanup;
		}
	}
	buf[used] = '\0';
	if (memchr(buf, '\0', used)) {
		log_error("invalid key in '%s': binary data", path);
		ret = -EINVAL;
		goto cleanup;
	}
	snprintf(origin, sizeof(origin), "'%s'", path);
	ret = key_hex_read(buf, origin, key, len);
cleanup:
	explicit_bzero(buf, sizeof(buf));
	close(fd);
	return ret;
}

static int sel_add(struct vnl_tunnel *t, char **val)
{
	struct vpnfo_prefix src, dst;

	if (parse_prefix(val[0], &src) || parse_prefix(val[1], &dst))
		return -EINVAL;
	if (src.addr.family != dst.addr.family) {
		log_error("invalid selector '%s %s': mixes IPv4 and IPv6",
			  val[0], val[1]);
		return -EINVAL;
	}
	t->sel_src[t->nsel] = src;
	t->sel_dst[t->nsel++] = dst;
	return 0;
}

static int dur_read(const struct arg_spec *spec, const char *val, uint32_t *out)
{
	uint64_t us, v;
	const char *unit = spec->type == ARG_DUR_MS ? "ms" : "us";

	if (parse_duration_us(val, spec->kw, &us))
		return -EINVAL;
	v = us;
	if (spec->type == ARG_DUR_MS) {
		if (us % 1000) {
			log_error("invalid %s '%s' (whole milliseconds)",
				  spec->kw, val);
			return -EINVAL;
		}
		v = us / 1000;
	}
	if (v < spec->min || v > spec->max) {
		log_error("invalid %s '%s' (%u%s..%u%s)", spec->kw, val,
			  spec->min, unit, spec->max, unit);
		return -EINVAL;
	}
	*out = (uint32_t)v;
	return 0;
}

static int arg_read(void *req, const struct arg_spec *spec, char **val)
{
	char *at = (char *)req + spec->off;

	switch (spec->type) {
	case ARG_U32:
		return parse_u32(val[0], spec->kw, spec->min, spec->max,
				 (uint32_t *)(void *)at);
	case ARG_ADDR:
		return parse_addr(val[0], (struct vpnfo_addr *)(void *)at);
	case ARG_DUR_US:
	case ARG_DUR_MS:
		return dur_read(spec, val[0], (uint32_t *)(void *)at);
	case ARG_KEY_FILE:
		return parse_key_file(val[0], (uint8_t *)at,
				      (size_t *)(void *)((char *)req +
							 spec->has - 1));
	case ARG_SEL:
		return sel_add(req, val);
	}
	return -EINVAL;
}

int name_arg(const char *s, const char *what, const char **out)
{
	if (parse_name(s, what))
		return -EINVAL;
	*out = s;
	return 0;
}

int args_parse(void *req, const struct arg_spec *specs, size_t nspecs,
	       int argc, char **argv)
{
	unsigned int count[32] = { 0 };
	size_t j;
	int i, ret;

	if (nspecs > sizeof(count) / sizeof(count[0]))
		return -E2BIG;
	for (i = 0; i < argc;) {
		const struct arg_spec *spec = NULL;
		int nval;

		for (j = 0; j < nspecs; j++) {
			if (!strcmp(argv[i], specs[j].kw)) {
				spec = &specs[j];
				break;
			}
		}
		if (!spec) {
			log_error("unknown argument '%s'", argv[i]);
			return -EINVAL;
		}
		nval = spec->type == ARG_SEL ? 2 : 1;
		if (argc - i - 1 < nval) {
			log_error("'%s' needs %s", spec->kw,
				  nval == 2 ? "two values" : "a value");
			return -EINVAL;
		}
		if (spec->type == ARG_SEL) {
			if (count[j] >= spec->max) {
				log_error("too many '%s' (at most %u)",
					  spec->kw, spec->max);
				return -EINVAL;
			}
		} else if (count[j]) {
			log_error("'%s' given twice", spec->kw);
			return -EINVAL;
		}
		ret = arg_read(req, spec, argv + i + 1);
		if (ret)
			return ret;
		if (spec->has && spec->type != ARG_KEY_FILE)
			*((bool *)(void *)((char *)req + spec->has - 1)) = true;
		count[j]++;
		i += 1 + nval;
	}
	for (j = 0; j < nspecs; j++) {
		if (specs[j].required && !count[j]) {
			log_error("missing '%s'", specs[j].kw);
			return -EINVAL;
		}
	}
	return 0;
}
