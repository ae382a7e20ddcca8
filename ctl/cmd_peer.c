// SPDX-License-Identifier: GPL-2.0
/* vpnfoctl peer add|set|del|show */
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

static const char peer_usage_text[] =
	"usage: vpnfoctl peer add TUNNEL PEER prio N mark MARK remote ADDR probe ADDR\n"
	"                         [src ADDR] [interval DUR] [threshold N] [rise N]\n"
	"       vpnfoctl peer set TUNNEL PEER [prio N] [interval DUR] [threshold N] [rise N]\n"
	"       vpnfoctl peer del TUNNEL PEER\n"
	"       vpnfoctl peer show TUNNEL [PEER]\n";

#define PEER_TUNING_ARGS(req)						\
	{ "prio", ARG_U32, VPNFO_A_PRIORITY, 0, UINT32_MAX, req },	\
	{ "interval", ARG_DUR_US, VPNFO_A_INTERVAL_US,			\
	  VPNFO_INTERVAL_US_MIN, VPNFO_INTERVAL_US_MAX, false },	\
	{ "threshold", ARG_U32, VPNFO_A_THRESHOLD, 1, VPNFO_COUNT_MAX,	\
	  false },							\
	{ "rise", ARG_U32, VPNFO_A_RISE, 1, VPNFO_COUNT_MAX, false }

static const struct arg_spec peer_add_args[] = {
	PEER_TUNING_ARGS(true),
	{ "mark", ARG_U32, VPNFO_A_MARK, 1, UINT32_MAX, true },
	{ "remote", ARG_ADDR, VPNFO_A_REMOTE, 0, 0, true },
	{ "probe", ARG_ADDR, VPNFO_A_PROBE_DST, 0, 0, true },
	{ "src", ARG_ADDR, VPNFO_A_PROBE_SRC, 0, 0, false },
};

static const struct arg_spec peer_set_args[] = {
	PEER_TUNING_ARGS(false),
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* TUNNEL and, when @argc allows, PEER; returns how many it took. */
static int peer_names_put(struct nl_msg *msg, int argc, char **argv,
			  bool need_peer)
{
	int ret;

	if (argc < 1 || (need_peer && argc < 2)) {
		log_error("missing %s", argc < 1 ? "TUNNEL" : "PEER");
		return -EINVAL;
	}
	ret = name_put(msg, VPNFO_A_TUNNEL, argv[0], "tunnel name");
	if (ret || argc < 2)
		return ret ? ret : 1;
	ret = name_put(msg, VPNFO_A_PEER, argv[1], "peer name");
	return ret ? ret : 2;
}

int peer_add_build(struct nl_msg *msg, int argc, char **argv)
{
	int n = peer_names_put(msg, argc, argv, true);

	if (n < 0)
		return n;
	return args_put(msg, peer_add_args, ARRAY_SIZE(peer_add_args),
			argc - n, argv + n);
}

int peer_set_build(struct nl_msg *msg, int argc, char **argv)
{
	int n = peer_names_put(msg, argc, argv, true);

	if (n < 0)
		return n;
	if (argc == n) {
		log_error("peer set '%s' '%s': nothing to set", argv[0],
			  argv[1]);
		return -EINVAL;
	}
	return args_put(msg, peer_set_args, ARRAY_SIZE(peer_set_args),
			argc - n, argv + n);
}

static int peer_names_build(struct nl_msg *msg, int argc, char **argv,
			    bool need_peer)
{
	int n = peer_names_put(msg, argc, argv, need_peer);

	if (n < 0)
		return n;
	if (argc > n) {
		log_error("unknown argument '%s'", argv[n]);
		return -EINVAL;
	}
	return 0;
}

static int peer_del_build(struct nl_msg *msg, int argc, char **argv)
{
	return peer_names_build(msg, argc, argv, true);
}

static int peer_show_build(struct nl_msg *msg, int argc, char **argv)
{
	return peer_names_build(msg, argc, argv, false);
}

static int peer_show(int argc, char **argv)
{
	struct peer_list list = { 0 };
	unsigned int i;
	struct json j;
	int ret;

	/* The dump of one tunnel's peers carries TUNNEL in its request. */
	ret = genl_exec(VPNFO_CMD_PEER_GET, argc >= 2 ? 0 : NLM_F_DUMP,
			peer_show_build, argc, argv, genl_peer_collect, &list,
			"peer show");
	if (ret)
		goto cleanup;
	if (output_json) {
		json_init(&j, stdout);
		json_arr_begin(&j, NULL);
		for (i = 0; i < list.n; i++)
			peer_json(&j, &list.v[i]);
		json_arr_end(&j);
		putchar('\n');
	} else {
		peers_print(stdout, list.v, list.n, NULL, "");
	}
cleanup:
	free(list.v);
	return ret;
}

static const struct genl_verb peer_verbs[] = {
	{ "add", VPNFO_CMD_PEER_NEW, peer_add_build, "peer add" },
	{ "set", VPNFO_CMD_PEER_SET, peer_set_build, "peer set" },
	{ "del", VPNFO_CMD_PEER_DEL, peer_del_build, "peer del" },
};

int cmd_peer(int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : "";
	int n = argc > 2 ? argc - 2 : 0;
	int ret;

	ret = genl_exec_verb(peer_verbs, ARRAY_SIZE(peer_verbs), verb, n,
			     argv + 2);
	if (ret >= 0)
		return ret;
	if (!strcmp(verb, "show"))
		return peer_show(n, argv + 2);
	if (!strcmp(verb, "help")) {
		fputs(peer_usage_text, stdout);
		return 0;
	}
	if (argc > 1)
		log_error("unknown peer command '%s'", verb);
	fputs(peer_usage_text, stderr);
	return 2;
}
