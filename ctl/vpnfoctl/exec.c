// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "exec.h"
#include "lib/log.h"

int request_exec(uint8_t cmd, int flags, build_fn build, int argc,
	      char **argv, vnl_reply_fn fn, void *arg, const char *what)
{
	struct vnl_client c;
	struct nl_msg *msg;
	int ret;

	ret = vnl_msg_new(cmd, flags, &msg);
	if (ret) {
		log_error("%s: %s", what, strerror(-ret));
		return 1;
	}
	if (build) {
		ret = build(msg, argc, argv);
		if (ret) {
			vnl_msg_free(msg);
			return ret == -EINVAL ? 2 : 1;
		}
	}
	ret = vnl_open(&c);
	if (ret) {
		request_report(&c, ret, what);
		vnl_msg_free(msg);
		return 1;
	}
	ret = vnl_request(&c, msg, fn, arg);
	if (ret)
		request_report(&c, ret, what);
	vnl_close(&c);
	return ret ? 1 : 0;
}

int verb_table_run(const struct verb_table *t, int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : t->default_verb;
	int n = argc > 2 ? argc - 2 : 0;
	size_t i;

	if (!verb) {
		fputs(t->usage, stderr);
		return 2;
	}
	for (i = 0; i < t->nverbs; i++) {
		const struct verb *v = &t->verbs[i];

		if (strcmp(v->name, verb))
			continue;
		if (v->with_verb)
			return request_exec(v->cmd, 0, v->build, n + 1,
					    argv + 1, NULL, NULL, v->what);
		return request_exec(v->cmd, 0, v->build, n, argv + 2, NULL,
				    NULL, v->what);
	}
	if (!strcmp(verb, "show"))
		return t->show(n, argv + 2);
	if (!strcmp(verb, "help")) {
		fputs(t->usage, stdout);
		return 0;
	}
	log_error("unknown %s command '%s'", t->object, verb);
	fputs(t->usage, stderr);
	return 2;
}

void request_report(const struct vnl_client *c, int err, const char *what)
{
	if (c && c->extack[0])
		log_error("%s: %s", c->extack, strerror(-err));
	else
		log_error("%s: %s", what, strerror(-err));
}
