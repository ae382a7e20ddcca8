// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "log.h"

bool log_quiet;

void log_error(const char *fmt, ...)
{
	va_list ap;

	if (log_quiet)
		return;
	va_start(ap, fmt);
	fputs("vpnfoctl: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void log_debug_fn(const char *func, const char *fmt, ...)
{
	va_list ap;

	if (!getenv("VPNFOCTL_DEBUG"))
		return;
	va_start(ap, fmt);
	fprintf(stderr, "vpnfoctl: %s: ", func);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}
