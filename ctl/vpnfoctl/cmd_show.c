// SPDX-License-Identifier: GPL-2.0
/* vpnfoctl show: every tunnel with its peers. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/netlink.h>

#include "commands.h"
#include "exec.h"
#include "vnl.h"
#include "lib/log.h"
#include "output.h"

static int peers_fetch(struct vnl_client *c, const char *tunnel,
		       struct peer_list *peers)
{
	struct vnl_names n = { .tunnel = tunnel };
	struct nl_msg *msg;
	int ret;

	ret = vnl_msg_new(VPNFO_CMD_PEER_GET, NLM_F_DUMP, &msg);
	if (ret)
		return ret;
	if (vnl_names_put(msg, &n)) {
		vnl_msg_free(msg);
		return -EMSGSIZE;
	}
	return vnl_request(c, msg, vnl_peer_collect, peers);
}

int cmd_show(int argc, char **argv)
{
	struct tunnel_list tunnels = { 0 };
	struct peer_list *peers = NULL;
	struct vnl_client c;
	struct nl_msg *msg;
	unsigned int i;
	int ret;

	if (argc > 1) {
		log_error("unknown argument '%s'", argv[1]);
		return 2;
	}
	ret = vnl_open(&c);
	if (ret) {
		request_report(&c, ret, "tunnel dump");
		return 1;
	}
	ret = vnl_msg_new(VPNFO_CMD_TUNNEL_GET, NLM_F_DUMP, &msg);
	if (!ret)
		ret = vnl_request(&c, msg, vnl_tunnel_collect, &tunnels);
	if (ret) {
		request_report(&c, ret, "tunnel dump");
		goto cleanup;
	}
	peers = calloc(tunnels.n ? tunnels.n : 1, sizeof(*peers));
	if (!peers) {
		ret = -ENOMEM;
		log_error("show: %s", strerror(ENOMEM));
		goto cleanup;
	}
	for (i = 0; i < tunnels.n; i++) {
		ret = peers_fetch(&c, tunnels.v[i].name, &peers[i]);
		/* A tunnel deleted since the first dump just has no peers. */
		if (ret == -ENOENT)
			ret = 0;
		if (ret) {
			request_report(&c, ret, "peer dump");
			goto cleanup;
		}
	}
	tunnel_list_print(stdout, &tunnels, peers);
cleanup:
	if (peers)
		for (i = 0; i < tunnels.n; i++)
			free(peers[i].v);
	free(peers);
	free(tunnels.v);
	vnl_close(&c);
	return ret ? 1 : 0;
}
