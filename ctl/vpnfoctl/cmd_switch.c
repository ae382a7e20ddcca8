// SPDX-License-Identifier: GPL-2.0
/* vpnfoctl switch TUNNEL PEER|auto */
#include <errno.h>
#include <string.h>

#include <netlink/netlink.h>

#include "commands.h"
#include "exec.h"
#include "vnl.h"
#include "lib/log.h"
#include "args.h"

int switch_build(struct nl_msg *msg, int argc, char **argv)
{
	struct vnl_names sw = { 0 };

	if (argc < 2) {
		log_error("usage: vpnfoctl switch TUNNEL PEER|auto");
		return -EINVAL;
	}
	if (argc > 2) {
		log_error("unknown argument '%s'", argv[2]);
		return -EINVAL;
	}
	if (name_arg(argv[0], "tunnel name", &sw.tunnel))
		return -EINVAL;
	/* "auto": no PEER, the module goes back to its own choice. */
	if (strcmp(argv[1], "auto") &&
	    name_arg(argv[1], "peer name", &sw.peer))
		return -EINVAL;
	return vnl_names_put(msg, &sw) ? -EMSGSIZE : 0;
}

int cmd_switch(int argc, char **argv)
{
	return request_exec(VPNFO_CMD_SWITCH, 0, switch_build, argc - 1, argv + 1,
			 NULL, NULL, "switch");
}
