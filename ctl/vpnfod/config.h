/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VPNFOD_CONFIG_H
#define VPNFOD_CONFIG_H

#include <stdbool.h>
#include <limits.h>

#include "ike/ike.h"

/*
 * vpnfod.conf: sections "[tunnel NAME]" (we initiate to one gateway) and
 * "[group NAME]" (a gateway answers the group's clients); "key value"
 * lines inside. See Documentation/ike-subset.md.
 */
struct vpnfod_peer {
	struct ike_conf ike;
	bool initiator;
	struct ike_addr local, remote;	/* remote unused for a group */
	char cert[PATH_MAX], key[PATH_MAX], ca[PATH_MAX], crl[PATH_MAX];
	unsigned int natt_keepalive_ms;	/* behind a NAT; 0 none (natt.h) */
	unsigned int line;		/* of the section header */
};

#define VPNFOD_PEERS_MAX	32

struct vpnfod_conf {
	char file[PATH_MAX];
	unsigned int n;
	struct vpnfod_peer p[VPNFOD_PEERS_MAX];
	char err[512];			/* "file:line: reason" */
};

/*
 * One line of a "key value..." file: the next line of *s (which moves past
 * it) split into at most @max words in @line, "#" starting a comment.
 * Returns the number of words, -E2BIG for a line of CONFIG_LINE_MAX bytes
 * or more, -ENOSPC for more than @max words.
 */
#define CONFIG_LINE_MAX	1024
int config_words(const char **s, char *line, char **tok, int max);

/* Parses @path; on error returns -EINVAL with the reason in c->err. */
int config_load(struct vpnfod_conf *c, const char *path);
/* The same from a string (tests); @name stands in for the file name. */
int config_parse(struct vpnfod_conf *c, const char *name, const char *text);
/*
 * Loads each section's key, certificate, CA and CRL into ike.cred, and
 * chains the groups served on one address (ike.alt).
 */
int config_load_creds(struct vpnfod_conf *c);
void config_free(struct vpnfod_conf *c);

#endif
