// SPDX-License-Identifier: GPL-2.0
/* vpnfoctl tunnel add|set|del|show */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/netlink.h>

#include "commands.h"
#include "genl.h"
#include "log.h"
#include "output.h"
#include "parse.h"

static const char tunnel_usage_text[] =
	"usage: vpnfoctl tunnel add NAME mark-mask MASK sel SRC/PLEN DST/PLEN\n"
	"                           [sel SRC/PLEN DST/PLEN ...] [hold DUR] [key-file FILE]\n"
	"       vpnfoctl tunnel set NAME [hold DUR] [key-file FILE]\n"
	"       vpnfoctl tunnel del NAME\n"
	"       vpnfoctl tunnel show [NAME]\n";

static const struct arg_spec tunnel_add_args[] = {
	{ "mark-mask", ARG_U32, VPNFO_A_MARK_MASK, 1, UINT32_MAX, true },
	{ "sel", ARG_SEL, VPNFO_A_SELECTOR, 0, VPNFO_SELECTORS_MAX, true },
	{ "hold", ARG_DUR_MS, VPNFO_A_FAILBACK_HOLD_MS, 0,
	  VPNFO_FAILBACK_HOLD_MS_MAX, false },
	{ "key-file", ARG_KEY_FILE, VPNFO_A_PROBE_KEY, 0, 0, false },
};

/* The settable subset: the same keywords, none required. */
static const struct arg_spec tunnel_set_args[] = {
	{ "hold", ARG_DUR_MS, VPNFO_A_FAILBACK_HOLD_MS, 0,
	  VPNFO_FAILBACK_HOLD_MS_MAX, false },
	{ "key-file", ARG_KEY_FILE, VPNFO_A_PROBE_KEY, 0, 0, false },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static int tunnel_name_put(struct nl_msg *msg, int argc, char **argv)
{
	if (argc < 1) {
		log_error("missing tunnel NAME");
		return -EINVAL;
	}
	return name_put(msg, VPNFO_A_TUNNEL, argv[0], "tunnel name");
}

int tunnel_add_build(struct nl_msg *msg, int argc, char **argv)
{
	int ret = tunnel_name_put(msg, argc, argv);

	if (ret)
		return ret;
	return args_put(msg, tunnel_add_args, ARRAY_SIZE(tunnel_add_args),
			argc - 1, argv + 1);
}

int tunnel_set_build(struct nl_msg *msg, int argc, char **argv)
{
	int ret = tunnel_name_put(msg, argc, argv);

	if (ret)
		return ret;
	if (argc < 2) {
		log_error("tunnel set '%s': nothing to set", argv[0]);
		return -EINVAL;
	}
	return args_put(msg, tunnel_set_args, ARRAY_SIZE(tunnel_set_args),
			argc - 1, argv + 1);
}

static int tunnel_name_build(struct nl_msg *msg, int argc, char **argv)
{
	int ret = tunnel_name_put(msg, argc, argv);

	if (ret)
		return ret;
	if (argc > 1) {
		log_error("unknown argument '%s'", argv[1]);
		return -EINVAL;
	}
	return 0;
}

static int tunnel_show(int argc, char **argv)
{
	struct tunnel_list list = { 0 };
	unsigned int i;
	struct json j;
	int ret;

	if (argc == 0)
		ret = genl_exec(VPNFO_CMD_TUNNEL_GET, NLM_F_DUMP, NULL, 0, NULL,
				genl_tunnel_collect, &list, "tunnel show");
	else
		ret = genl_exec(VPNFO_CMD_TUNNEL_GET, 0, tunnel_name_build,
				argc, argv, genl_tunnel_collect, &list,
				"tunnel show");
	if (ret)
		goto cleanup;
	if (output_json) {
		json_init(&j, stdout);
		json_arr_begin(&j, NULL);
		for (i = 0; i < list.n; i++)
			tunnel_json(&j, &list.v[i], NULL);
		json_arr_end(&j);
		putchar('\n');
	} else {
		for (i = 0; i < list.n; i++)
			tunnel_print(stdout, &list.v[i]);
	}
cleanup:
	free(list.v);
	return ret;
}

static const struct genl_verb tunnel_verbs[] = {
	{ "add", VPNFO_CMD_TUNNEL_NEW, tunnel_add_build, "tunnel add" },
	{ "set", VPNFO_CMD_TUNNEL_SET, tunnel_set_build, "tunnel set" },
	{ "del", VPNFO_CMD_TUNNEL_DEL, tunnel_name_build, "tunnel del" },
};

int cmd_tunnel(int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : "show";
	int n = argc > 2 ? argc - 2 : 0;
	int ret;

	ret = genl_exec_verb(tunnel_verbs, ARRAY_SIZE(tunnel_verbs), verb, n,
			     argv + 2);
	if (ret >= 0)
		return ret;
	if (!strcmp(verb, "show"))
		return tunnel_show(n, argv + 2);
	if (!strcmp(verb, "help")) {
		fputs(tunnel_usage_text, stdout);
		return 0;
	}
	log_error("unknown tunnel command '%s'", verb);
	fputs(tunnel_usage_text, stderr);
	return 2;
}
