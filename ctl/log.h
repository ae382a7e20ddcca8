/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VPNFOCTL_LOG_H
#define VPNFOCTL_LOG_H

#include <stdbool.h>

/* User-facing errors: "vpnfoctl: <message>" on stderr. */
extern bool log_quiet;	/* the fuzz targets turn errors off */
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Developer traces, only with VPNFOCTL_DEBUG set in the environment. */
void log_debug_fn(const char *func, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
#define log_debug(...) log_debug_fn(__func__, __VA_ARGS__)

#endif
