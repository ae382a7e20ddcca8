// SPDX-License-Identifier: GPL-2.0
/* vpnfoctl switch TUNNEL PEER|auto */
#include <errno.h>
#include <string.h>

#include <netlink/netlink.h>

#include "commands.h"
#include "genl.h"
#include "log.h"
#include "parse.h"

int switch_build(struct nl_msg *msg, int argc, char **argv)
{
	int ret;

	if (argc < 2) {
		log_error("usage: vpnfoctl switch TUNNEL PEER|auto");
		return -EINVAL;
	}
	if (argc > 2) {
		log_error("unknown argument '%s'", argv[2]);
		return -EINVAL;
	}
	ret = name_put(msg, VPNFO_A_TUNNEL, argv[0], "tunnel name");
	if (ret)
		return ret;
	/* Without PEER the module goes back to its own choice. */
	if (!strcmp(argv[1], "auto"))
		return 0;
	return name_put(msg, VPNFO_A_PEER, argv[1], "peer name");
}

int cmd_switch(int argc, char **argv)
{
	return genl_exec(VPNFO_CMD_SWITCH, 0, switch_build, argc - 1, argv + 1,
			 NULL, NULL, "switch");
}
