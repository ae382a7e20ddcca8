// SPDX-License-Identifier: GPL-2.0
/* vpnfoctl peer add|set|del|show */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/netlink.h>

#include "commands.h"
#include "exec.h"
#include "vnl.h"
#include "lib/log.h"
#include "output.h"
#include "args.h"

static const char peer_usage_text[] =
	"usage: vpnfoctl peer add TUNNEL PEER prio N mark MARK remote ADDR probe ADDR\n"
	"                         [src ADDR] [interval DUR] [threshold N] [rise N]\n"
	"       vpnfoctl peer set TUNNEL PEER [prio N] [interval DUR] [threshold N] [rise N]\n"
	"       vpnfoctl peer del TUNNEL PEER\n"
	"       vpnfoctl peer show TUNNEL [PEER]\n";

#define P struct vnl_peer
#define PEER_TUNING_ARGS(req)						\
	{ "prio", ARG_U32, ARG_AT(P, priority), ARG_HAS(P, has_priority),	\
	  0, UINT32_MAX, req },						\
	{ "interval", ARG_DUR_US, ARG_AT(P, interval_us), 0,		\
	  VPNFO_INTERVAL_US_MIN, VPNFO_INTERVAL_US_MAX, false },	\
	{ "threshold", ARG_U32, ARG_AT(P, threshold), 0, 1,		\
	  VPNFO_COUNT_MAX, false },					\
	{ "rise", ARG_U32, ARG_AT(P, rise), 0, 1, VPNFO_COUNT_MAX, false }

static const struct arg_spec peer_add_args[] = {
	PEER_TUNING_ARGS(true),
	{ "mark", ARG_U32, ARG_AT(P, mark), 0, 1, UINT32_MAX, true },
	{ "remote", ARG_ADDR, ARG_AT(P, remote), 0, 0, 0, true },
	{ "probe", ARG_ADDR, ARG_AT(P, probe), 0, 0, 0, true },
	{ "src", ARG_ADDR, ARG_AT(P, src), 0, 0, 0, false },
};

static const struct arg_spec peer_set_args[] = {
	PEER_TUNING_ARGS(false),
};
#undef P

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* TUNNEL and, when @argc allows, PEER; returns how many it took. */
static int peer_names_read(struct vnl_names *names, int argc, char **argv,
			   bool need_peer)
{
	if (argc < 1 || (need_peer && argc < 2)) {
		log_error("missing %s", argc < 1 ? "TUNNEL" : "PEER");
		return -EINVAL;
	}
	if (name_arg(argv[0], "tunnel name", &names->tunnel))
		return -EINVAL;
	if (argc < 2)
		return 1;
	if (name_arg(argv[1], "peer name", &names->peer))
		return -EINVAL;
	return 2;
}

/* TUNNEL PEER, then the keywords of @specs, into @p; then the one encoder. */
static int peer_build(struct nl_msg *msg, int argc, char **argv,
		      const struct arg_spec *specs, size_t nspecs,
		      bool need_more)
{
	struct vnl_names names = { 0 };
	struct vnl_peer p = { 0 };
	int n = peer_names_read(&names, argc, argv, true);

	if (n < 0)
		return n;
	if (need_more && argc == n) {
		log_error("peer set '%s' '%s': nothing to set", argv[0],
			  argv[1]);
		return -EINVAL;
	}
	p.tunnel = names.tunnel;
	p.name = names.peer;
	if (args_parse(&p, specs, nspecs, argc - n, argv + n))
		return -EINVAL;
	if (vnl_peer_put(msg, &p)) {
		log_error("request too large");
		return -EMSGSIZE;
	}
	return 0;
}

int peer_add_build(struct nl_msg *msg, int argc, char **argv)
{
	return peer_build(msg, argc, argv, peer_add_args,
			  ARRAY_SIZE(peer_add_args), false);
}

int peer_set_build(struct nl_msg *msg, int argc, char **argv)
{
	return peer_build(msg, argc, argv, peer_set_args,
			  ARRAY_SIZE(peer_set_args), true);
}

/* del and show: the names only. */
static int peer_names_build(struct nl_msg *msg, int argc, char **argv,
			    bool need_peer)
{
	struct vnl_names names = { 0 };
	int n = peer_names_read(&names, argc, argv, need_peer);

	if (n < 0)
		return n;
	if (argc > n) {
		log_error("unknown argument '%s'", argv[n]);
		return -EINVAL;
	}
	return vnl_names_put(msg, &names) ? -EMSGSIZE : 0;
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
	int ret;

	/* The dump of one tunnel's peers carries TUNNEL in its request. */
	ret = request_exec(VPNFO_CMD_PEER_GET, argc >= 2 ? 0 : NLM_F_DUMP,
			peer_show_build, argc, argv, vnl_peer_collect, &list,
			"peer show");
	if (!ret)
		peer_list_print(stdout, &list);
	free(list.v);
	return ret;
}

static const struct verb peer_verbs[] = {
	{ "add", VPNFO_CMD_PEER_NEW, peer_add_build, "peer add", false },
	{ "set", VPNFO_CMD_PEER_SET, peer_set_build, "peer set", false },
	{ "del", VPNFO_CMD_PEER_DEL, peer_del_build, "peer del", false },
};

int cmd_peer(int argc, char **argv)
{
	static const struct verb_table table = {
		.object = "peer",
		.default_verb = NULL,
		.verbs = peer_verbs,
		.nverbs = ARRAY_SIZE(peer_verbs),
		.show = peer_show,
		.usage = peer_usage_text,
	};

	return verb_table_run(&table, argc, argv);
}
