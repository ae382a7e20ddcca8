// SPDX-License-Identifier: GPL-2.0
/* vpnfoctl tunnel add|set|del|show */
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

static const char tunnel_usage_text[] =
	"usage: vpnfoctl tunnel add NAME mark-mask MASK sel SRC/PLEN DST/PLEN\n"
	"                           [sel SRC/PLEN DST/PLEN ...] [hold DUR] [key-file FILE]\n"
	"       vpnfoctl tunnel set NAME [hold DUR] [key-file FILE]\n"
	"       vpnfoctl tunnel del NAME\n"
	"       vpnfoctl tunnel show [NAME]\n";

#define T struct vnl_tunnel
#define TUNNEL_HOLD_ARG							\
	{ "hold", ARG_DUR_MS, ARG_AT(T, hold_ms), ARG_HAS(T, has_hold),	\
	  0, VPNFO_FAILBACK_HOLD_MS_MAX, false }
#define TUNNEL_KEY_ARG							\
	{ "key-file", ARG_KEY_FILE, ARG_AT(T, key), ARG_HAS(T, key_len),	\
	  0, 0, false }

static const struct arg_spec tunnel_add_args[] = {
	{ "mark-mask", ARG_U32, ARG_AT(T, mark_mask),
	  ARG_HAS(T, has_mark_mask), 1, UINT32_MAX, true },
	{ "sel", ARG_SEL, 0, 0, 0, VPNFO_SELECTORS_MAX, true },
	TUNNEL_HOLD_ARG,
	TUNNEL_KEY_ARG,
};

/* The settable subset: the same keywords, none required. */
static const struct arg_spec tunnel_set_args[] = {
	TUNNEL_HOLD_ARG,
	TUNNEL_KEY_ARG,
};
#undef T

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* NAME, then the keywords of @specs, into @t; then the one encoder. */
static int tunnel_build(struct nl_msg *msg, int argc, char **argv,
			const struct arg_spec *specs, size_t nspecs,
			bool need_more)
{
	struct vnl_tunnel t = { 0 };
	int ret;

	if (argc < 1) {
		log_error("missing tunnel NAME");
		return -EINVAL;
	}
	ret = name_arg(argv[0], "tunnel name", &t.name);
	if (ret)
		return ret;
	if (need_more && argc < 2) {
		log_error("tunnel set '%s': nothing to set", argv[0]);
		return -EINVAL;
	}
	ret = args_parse(&t, specs, nspecs, argc - 1, argv + 1);
	if (!ret && vnl_tunnel_put(msg, &t)) {
		log_error("request too large");
		ret = -EMSGSIZE;
	}
	explicit_bzero(t.key, sizeof(t.key));
	return ret;
}

int tunnel_add_build(struct nl_msg *msg, int argc, char **argv)
{
	return tunnel_build(msg, argc, argv, tunnel_add_args,
			    ARRAY_SIZE(tunnel_add_args), false);
}

int tunnel_set_build(struct nl_msg *msg, int argc, char **argv)
{
	return tunnel_build(msg, argc, argv, tunnel_set_args,
			    ARRAY_SIZE(tunnel_set_args), true);
}

static int tunnel_name_build(struct nl_msg *msg, int argc, char **argv)
{
	struct vnl_names n = { 0 };

	if (argc < 1) {
		log_error("missing tunnel NAME");
		return -EINVAL;
	}
	if (name_arg(argv[0], "tunnel name", &n.tunnel))
		return -EINVAL;
	if (argc > 1) {
		log_error("unknown argument '%s'", argv[1]);
		return -EINVAL;
	}
	return vnl_names_put(msg, &n);
}

static int tunnel_show(int argc, char **argv)
{
	struct tunnel_list list = { 0 };
	int ret;

	if (argc == 0)
		ret = request_exec(VPNFO_CMD_TUNNEL_GET, NLM_F_DUMP, NULL, 0, NULL,
				vnl_tunnel_collect, &list, "tunnel show");
	else
		ret = request_exec(VPNFO_CMD_TUNNEL_GET, 0, tunnel_name_build,
				argc, argv, vnl_tunnel_collect, &list,
				"tunnel show");
	if (!ret)
		tunnel_list_print(stdout, &list, NULL);
	free(list.v);
	return ret;
}

static const struct verb tunnel_verbs[] = {
	{ "add", VPNFO_CMD_TUNNEL_NEW, tunnel_add_build, "tunnel add", false },
	{ "set", VPNFO_CMD_TUNNEL_SET, tunnel_set_build, "tunnel set", false },
	{ "del", VPNFO_CMD_TUNNEL_DEL, tunnel_name_build, "tunnel del", false },
};

int cmd_tunnel(int argc, char **argv)
{
	static const struct verb_table table = {
		.object = "tunnel",
		.default_verb = "show",
		.verbs = tunnel_verbs,
		.nverbs = ARRAY_SIZE(tunnel_verbs),
		.show = tunnel_show,
		.usage = tunnel_usage_text,
	};

	return verb_table_run(&table, argc, argv);
}
