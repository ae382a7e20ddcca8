/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vpnfoctl's way of running a request: build it from the command line,
 * open the family, send, and report the outcome as an exit status.
 */
#ifndef VPNFOCTL_EXEC_H
#define VPNFOCTL_EXEC_H

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
};

/* Runs the verb of @verbs named @name; returns the exit status, or -1 if
 * there is no such verb (the caller tries its other verbs). */
int verb_exec(const struct verb *verbs, size_t n, const char *name,
		   int argc, char **argv);

/* Prints "vpnfoctl: <c->extack, or @what>: <strerror(-err)>". */
void request_report(const struct vnl_client *c, int err, const char *what);

#endif
