/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vpnfoctl's way of running a request: build it from the command line,
 * open the family, send, and report the outcome as an exit status.
 */
#ifndef VPNFOCTL_EXEC_H
#define VPNFOCTL_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vnl.h"

/* Fills a request from the command line (argv after the verb). */
typedef int (*build_fn)(struct nl_msg *msg, int argc, char **argv);

/*
 * One command, start to end: build (usage errors exit 2), open, send,
 * report. Returns the process exit status: 0, 1 or 2.
 */
int request_exec(uint8_t cmd, int flags, build_fn build, int argc,
	      char **argv, vnl_reply_fn fn, void *arg, const char *what);

/* A verb that is exactly one request, e.g. `vpnfoctl tunnel del NAME`. */
struct verb {
	const char *name;
	uint8_t cmd;
	build_fn build;
	const char *what;	/* for error messages: "tunnel del" */
	bool with_verb;		/* the builder sees the verb too ("on") */
};

/* An object's subcommand: `vpnfoctl peer add|set|del|show|help ...`. */
struct verb_table {
	const char *object;		/* "peer", for messages */
	const char *default_verb;	/* without one; NULL: usage, exit 2 */
	const struct verb *verbs;
	size_t nverbs;
	int (*show)(int argc, char **argv);	/* argv after "show" */
	const char *usage;
};

/* argv[0] is the object's name. Returns the process exit status. */
int verb_table_run(const struct verb_table *t, int argc, char **argv);

/* Prints "vpnfoctl: <c->extack, or @what>: <strerror(-err)>". */
void request_report(const struct vnl_client *c, int err, const char *what);

#endif
