// SPDX-License-Identifier: GPL-2.0
/*
 * vpnfoctl show [--prometheus | --prometheus-file PATH] [TUNNEL]: every
 * tunnel (or one) with its peers, as tables, JSON or Prometheus metrics.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/netlink.h>

#include "args.h"
#include "commands.h"
#include "exec.h"
#include "vnl.h"
#include "lib/log.h"
#include "output.h"
#include "prometheus.h"

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

static const char show_usage_text[] =
	"usage: vpnfoctl [--json] show [TUNNEL]\n"
	"       vpnfoctl show --prometheus [TUNNEL]\n"
	"       vpnfoctl show --prometheus-file PATH [TUNNEL]\n"
	"--prometheus prints the metrics in Prometheus' text format;\n"
	"--prometheus-file writes them to PATH (through PATH.tmp and a rename)\n"
	"for node-exporter's textfile collector.\n";

struct show_opts {
	bool prometheus;
	const char *prom_path;	/* --prometheus-file */
	const char *tunnel;	/* NULL: all */
};

/* argv after "show". Returns 0, 1 for help (printed), -EINVAL (printed). */
static int show_args(int argc, char **argv, struct show_opts *o)
{
	int i;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "help") || !strcmp(argv[i], "--help")) {
			fputs(show_usage_text, stdout);
			return 1;
		} else if (!strcmp(argv[i], "--prometheus")) {
			o->prometheus = true;
		} else if (!strcmp(argv[i], "--prometheus-file")) {
			if (i + 1 >= argc) {
				log_error("'%s' needs a PATH", argv[i]);
				return -EINVAL;
			}
			o->prometheus = true;
			o->prom_path = argv[++i];
		} else if (!o->tunnel && argv[i][0] != '-') {
			if (name_arg(argv[i], "tunnel name", &o->tunnel))
				return -EINVAL;
		} else {
			log_error("unknown argument '%s'", argv[i]);
			return -EINVAL;
		}
	}
	if (o->prometheus && output_json) {
		log_error("--json and --prometheus exclude each other");
		return -EINVAL;
	}
	return 0;
}

static int tunnels_fetch(struct vnl_client *c, const char *tunnel,
			 struct tunnel_list *tunnels)
{
	struct vnl_names n = { .tunnel = tunnel };
	struct nl_msg *msg;
	int ret;

	ret = vnl_msg_new(VPNFO_CMD_TUNNEL_GET, tunnel ? 0 : NLM_F_DUMP, &msg);
	if (ret)
		return ret;
	if (tunnel && vnl_names_put(msg, &n)) {
		vnl_msg_free(msg);
		return -EMSGSIZE;
	}
	return vnl_request(c, msg, vnl_tunnel_collect, tunnels);
}

static int show_output(const struct show_opts *o,
		       const struct tunnel_list *tunnels,
		       const struct peer_list *peers)
{
	int ret;

	if (!o->prometheus) {
		tunnel_list_print(stdout, tunnels, peers);
		return 0;
	}
	if (!o->prom_path) {
		prometheus_print(stdout, tunnels, peers);
		return 0;
	}
	ret = prometheus_file_write(o->prom_path, tunnels, peers);
	if (ret)
		log_error("cannot write '%s': %s", o->prom_path, strerror(-ret));
	return ret;
}

int cmd_show(int argc, char **argv)
{
	struct tunnel_list tunnels = { 0 };
	struct peer_list *peers = NULL;
	struct show_opts opts = { 0 };
	struct vnl_client c;
	unsigned int i;
	int ret;

	ret = show_args(argc - 1, argv + 1, &opts);
	if (ret)
		return ret > 0 ? 0 : 2;
	ret = vnl_open(&c);
	if (ret) {
		request_report(&c, ret, "tunnel dump");
		return 1;
	}
	ret = tunnels_fetch(&c, opts.tunnel, &tunnels);
	if (ret) {
		request_report(&c, ret, opts.tunnel ? "tunnel get" : "tunnel dump");
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
	ret = show_output(&opts, &tunnels, peers);
cleanup:
	if (peers)
		for (i = 0; i < tunnels.n; i++)
			free(peers[i].v);
	free(peers);
	free(tunnels.v);
	vnl_close(&c);
	return ret ? 1 : 0;
}
