/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tunnels and peers of `vpnfoctl show` as Prometheus metrics, in the
 * text exposition format 0.0.4: names prefixed vpnfo_, base units
 * (seconds) in the names, counters ending in _total; every family's HELP
 * and TYPE once, its samples for all tunnels together. The families are
 * listed in Documentation/switchover.md ("Metrics").
 */
#ifndef VPNFOCTL_PROMETHEUS_H
#define VPNFOCTL_PROMETHEUS_H

#include <stdio.h>

#include "vnl.h"

/* A label value, quoted: \\, \" and \n escaped, invalid UTF-8 replaced. */
void prom_label_escape(FILE *f, const char *s);

/* @peers[i] are the peers of tunnel i, as for tunnel_list_print(). */
void prometheus_print(FILE *f, const struct tunnel_list *l,
		      const struct peer_list *peers);

/*
 * For node-exporter's textfile collector: writes PATH.tmp, then renames
 * it over @path, so that the collector never reads half a file. Returns 0
 * or -errno.
 */
int prometheus_file_write(const char *path, const struct tunnel_list *l,
			  const struct peer_list *peers);

#endif
