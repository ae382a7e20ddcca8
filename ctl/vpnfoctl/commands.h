/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VPNFOCTL_COMMANDS_H
#define VPNFOCTL_COMMANDS_H

struct nl_msg;

/*
 * Subcommands. argv[0] is the subcommand's own name. Each returns the
 * process exit status: 0, 1 (the kernel or the system refused; the reason
 * is printed), 2 (usage error).
 */
int cmd_tunnel(int argc, char **argv);
int cmd_peer(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_switch(int argc, char **argv);
int cmd_reflector(int argc, char **argv);
int cmd_monitor(int argc, char **argv);
int cmd_client(int argc, char **argv);
#ifdef HAVE_CMD_ENROLL
int cmd_enroll(int argc, char **argv);
#endif

/*
 * Request builders, also the seam of the unit tests: argv starts after the
 * verb ("t1 gw1 prio 10 ..." for `peer add`). They return 0, -EINVAL for a
 * usage error (already printed) or another -errno.
 */
int tunnel_add_build(struct nl_msg *msg, int argc, char **argv);
int tunnel_set_build(struct nl_msg *msg, int argc, char **argv);
int peer_add_build(struct nl_msg *msg, int argc, char **argv);
int peer_set_build(struct nl_msg *msg, int argc, char **argv);
int switch_build(struct nl_msg *msg, int argc, char **argv);
int reflector_set_build(struct nl_msg *msg, int argc, char **argv);

#endif
