// SPDX-License-Identifier: GPL-2.0
/*
 * vpnfoctl: configure and watch the vpnfo kernel module over generic
 * netlink. This file is the table of subcommands only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "lib/log.h"
#include "output.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} subcommands[] = {
	{ "tunnel",	cmd_tunnel,	"add, change, delete or show tunnels" },
	{ "peer",	cmd_peer,	"add, change, delete or show a tunnel's peers" },
	{ "show",	cmd_show,	"every tunnel with its peers; --prometheus: as metrics" },
	{ "switch",	cmd_switch,	"pin a tunnel to a peer, or back to auto" },
	{ "reflector",	cmd_reflector,	"answer probes on a gateway: on, off, show" },
	{ "monitor",	cmd_monitor,	"print events as they arrive" },
	{ "client",	cmd_client,	"a gateway's clients: active or standby here" },
#ifdef HAVE_CMD_ENROLL
	{ "enroll",	cmd_enroll,	"enroll this client with a gateway's pki" },
#endif
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static void usage(FILE *f)
{
	size_t i;

	fputs("usage: vpnfoctl [--json] <command> [arguments]\n\ncommands:\n", f);
	for (i = 0; i < ARRAY_SIZE(subcommands); i++)
		fprintf(f, "  %-10s %s\n", subcommands[i].name,
			subcommands[i].help);
	fputs("\nDurations take us, ms or s (bare numbers are ms).\n"
	      "`vpnfoctl <command> help` shows a command's arguments.\n", f);
}

int main(int argc, char **argv)
{
	size_t i;

	log_init("vpnfoctl");
	/* Developer traces (function names) on stderr. */
	if (getenv("VPNFOCTL_DEBUG"))
		log_set_level(LOG_LEVEL_DEBUG);
	argc--;
	argv++;
	while (argc > 0 && argv[0][0] == '-') {
		if (!strcmp(argv[0], "--json")) {
			output_json = true;
		} else if (!strcmp(argv[0], "-h") || !strcmp(argv[0], "--help")) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "vpnfoctl: unknown option '%s'\n", argv[0]);
			usage(stderr);
			return 2;
		}
		argc--;
		argv++;
	}
	if (argc == 0) {
		usage(stderr);
		return 2;
	}
	for (i = 0; i < ARRAY_SIZE(subcommands); i++)
		if (!strcmp(argv[0], subcommands[i].name))
			return subcommands[i].fn(argc, argv);
	fprintf(stderr, "vpnfoctl: unknown command '%s'\n", argv[0]);
	usage(stderr);
	return 2;
}
