// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
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

int verb_exec(const struct verb *verbs, size_t n, const char *name,
		   int argc, char **argv)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(verbs[i].name, name))
			return request_exec(verbs[i].cmd, 0, verbs[i].build, argc,
					 argv, NULL, NULL, verbs[i].what);
	return -1;
}

void request_report(const struct vnl_client *c, int err, const char *what)
{
	if (c && c->extack[0])
		log_error("%s: %s", c->extack, strerror(-err));
	else
		log_error("%s: %s", what, strerror(-err));
}
