// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>

#include "ike.h"

int ike_log_level = 1;

void ike_log(int level, const char *fmt, ...)
{
	va_list ap;

	if (level > ike_log_level)
		return;
	va_start(ap, fmt);
	fputs("vpnfod: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}
