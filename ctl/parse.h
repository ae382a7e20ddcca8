/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VPNFOCTL_PARSE_H
#define VPNFOCTL_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/vpnfo.h>

struct nl_msg;

/* An address as the module wants it: 4 or 16 bytes, network order. */
struct ctl_addr {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t len;		/* 4 or 16 */
	uint8_t bytes[16];
};

struct ctl_prefix {
	struct ctl_addr addr;
	uint8_t plen;
};

/*
 * Every parser returns 0 or -EINVAL (-ENOENT, -EIO ... for files) and has
 * already printed "vpnfoctl: invalid <what> '<value>'" when it fails.
 */
int parse_u32(const char *s, const char *what, uint32_t min, uint32_t max,
	      uint32_t *out);
int parse_addr(const char *s, struct ctl_addr *a);
int parse_prefix(const char *s, struct ctl_prefix *p);
int parse_duration_us(const char *s, const char *what, uint64_t *us);
int parse_name(const char *s, const char *what);
int parse_key_hex(const char *text, uint8_t *key, size_t *len);
int parse_key_file(const char *path, uint8_t *key, size_t *len);

/* Printing helpers shared by the output side. */
#define CTL_ADDRSTRLEN	46	/* INET6_ADDRSTRLEN */
#define CTL_PREFIXSTRLEN (CTL_ADDRSTRLEN + 4)
int addr_format(const struct ctl_addr *a, char *buf, size_t size);
int addr_from_bytes(const void *data, size_t len, struct ctl_addr *a);

/*
 * Keyword arguments ("prio 10 mark 0x100 ..."): each spec names a keyword,
 * how its value is read and the attribute it becomes in the request.
 */
enum arg_type {
	ARG_U32,	/* u32 in [min, max], decimal or 0x hex */
	ARG_ADDR,	/* binary address attribute */
	ARG_DUR_US,	/* duration, as u32 microseconds in [min, max] */
	ARG_DUR_MS,	/* duration, as u32 milliseconds in [min, max] */
	ARG_KEY_FILE,	/* hex key read from a file, binary attribute */
	ARG_SEL,	/* two prefixes, one VPNFO_A_SELECTOR nest */
};

struct arg_spec {
	const char *kw;
	enum arg_type type;
	int attr;
	uint32_t min, max;	/* ARG_U32 / ARG_DUR_*; ARG_SEL: max count */
	bool required;
};

/* A name (tunnel or peer) checked by parse_name(), as a string attribute. */
int name_put(struct nl_msg *msg, int attr, const char *s, const char *what);

int args_put(struct nl_msg *msg, const struct arg_spec *specs, size_t nspecs,
	     int argc, char **argv);

#endif
