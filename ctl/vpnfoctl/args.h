/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VPNFOCTL_ARGS_H
#define VPNFOCTL_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/vpnfo.h>

#include "lib/addr.h"
#include "vnl.h"

/*
 * Every parser returns 0 or -EINVAL (-ENOENT, -EIO ... for files) and has
 * already printed "vpnfoctl: invalid <what> '<value>'" when it fails.
 */
int parse_u32(const char *s, const char *what, uint32_t min, uint32_t max,
	      uint32_t *out);
int parse_addr(const char *s, struct vpnfo_addr *a);
int parse_prefix(const char *s, struct vpnfo_prefix *p);
int parse_duration_us(const char *s, const char *what, uint64_t *us);
int parse_name(const char *s, const char *what);
int parse_key_hex(const char *text, uint8_t *key, size_t *len);
int parse_key_file(const char *path, uint8_t *key, size_t *len);

/*
 * Keyword arguments ("prio 10 mark 0x100 ..."): each spec names a keyword,
 * how its value is read and where it goes in the request structure that
 * nl/request.c encodes (struct vnl_tunnel, vnl_peer or vnl_reflector).
 */
enum arg_type {
	ARG_U32,	/* uint32_t in [min, max], decimal or 0x hex */
	ARG_ADDR,	/* struct vpnfo_addr */
	ARG_DUR_US,	/* duration, as uint32_t microseconds in [min, max] */
	ARG_DUR_MS,	/* duration, as uint32_t milliseconds in [min, max] */
	ARG_KEY_FILE,	/* hex key read from a file: uint8_t[VPNFO_KEY_MAX]
			 * at off, its size_t length at has */
	ARG_SEL,	/* two prefixes, one more selector of a vnl_tunnel */
};

struct arg_spec {
	const char *kw;
	enum arg_type type;
	size_t off;		/* of the value in the request structure */
	size_t has;		/* ARG_HAS() of its flag (bool), or 0 */
	uint32_t min, max;	/* ARG_U32 / ARG_DUR_*; ARG_SEL: max count */
	bool required;
};

/* The flag that says a member was given: stored +1, so that 0 is none. */
#define ARG_HAS(type, member) (offsetof(type, member) + 1)
#define ARG_AT(type, member) offsetof(type, member)

/* A name (tunnel or peer) checked by parse_name(), stored in @out. */
int name_arg(const char *s, const char *what, const char **out);

/* Fills @req from argv; 0, or -EINVAL with the reason printed. */
int args_parse(void *req, const struct arg_spec *specs, size_t nspecs,
	       int argc, char **argv);

#endif
