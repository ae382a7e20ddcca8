// SPDX-License-Identifier: GPL-2.0
/* vpnfoctl reflector on [key-file FILE] | off | show */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/netlink.h>

#include "commands.h"
#include "exec.h"
#include "vnl.h"
#include "lib/log.h"
#include "output.h"
#include "args.h"

static const char reflector_usage_text[] =
	"usage: vpnfoctl reflector on [key-file FILE] | off | show\n";

static const struct arg_spec reflector_on_args[] = {
	{ "key-file", ARG_KEY_FILE, ARG_AT(struct vnl_reflector, key),
	  ARG_HAS(struct vnl_reflector, key_len), 0, 0, false },
};

/* argv[0] is "on" or "off". */
int reflector_set_build(struct nl_msg *msg, int argc, char **argv)
{
	struct vnl_reflector r = { 0 };
	int ret = 0;

	if (argc < 1 || (strcmp(argv[0], "on") && strcmp(argv[0], "off"))) {
		log_error("reflector: expected 'on' or 'off'");
		return -EINVAL;
	}
	r.enabled = !strcmp(argv[0], "on");
	if (!r.enabled && argc > 1) {
		log_error("unknown argument '%s'", argv[1]);
		return -EINVAL;
	}
	if (r.enabled)
		ret = args_parse(&r, reflector_on_args, 1, argc - 1, argv + 1);
	if (!ret && vnl_reflector_put(msg, &r))
		ret = -EMSGSIZE;
	explicit_bzero(r.key, sizeof(r.key));
	return ret;
}

static int reflector_collect(struct nl_msg *msg, void *arg)
{
	return vnl_reflector_parse(msg, arg);
}

static int reflector_show(int argc, char **argv)
{
	struct reflector_info r;
	struct json j;
	int ret;

	if (argc > 0) {
		log_error("unknown argument '%s'", argv[0]);
		return 2;
	}
	memset(&r, 0, sizeof(r));
	ret = request_exec(VPNFO_CMD_REFLECTOR_GET, 0, NULL, 0, NULL,
			reflector_collect, &r, "reflector show");
	if (ret)
		return ret;
	if (output_json) {
		json_init(&j, stdout);
		reflector_json(&j, &r);
		putchar('\n');
	} else {
		reflector_print(stdout, &r);
	}
	return 0;
}

static const struct verb reflector_verbs[] = {
	{ "on", VPNFO_CMD_REFLECTOR_SET, reflector_set_build, "reflector set",
	  true },
	{ "off", VPNFO_CMD_REFLECTOR_SET, reflector_set_build, "reflector set",
	  true },
};

int cmd_reflector(int argc, char **argv)
{
	static const struct verb_table table = {
		.object = "reflector",
		.default_verb = "show",
		.verbs = reflector_verbs,
		.nverbs = sizeof(reflector_verbs) / sizeof(reflector_verbs[0]),
		.show = reflector_show,
		.usage = reflector_usage_text,
	};

	return verb_table_run(&table, argc, argv);
}
