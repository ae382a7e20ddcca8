// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <systemd/sd-daemon.h>

#include "log.h"
#include "notify.h"

/* A failure to tell systemd is logged, never fatal: the daemon serves. */
static void notify_send(const char *state)
{
	int err = sd_notify(0, state);

	if (err < 0)
		log_warn("sd_notify: %s", strerror(-err));
}

static void notify_with_status(const char *head, const char *fmt, va_list ap)
{
	char buf[512];
	int n = snprintf(buf, sizeof(buf), "%sSTATUS=", head);

	vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	notify_send(buf);
}

void notify_ready(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	notify_with_status("READY=1\n", fmt, ap);
	va_end(ap);
}

void notify_status(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	notify_with_status("", fmt, ap);
	va_end(ap);
}

void notify_reloading(void)
{
	struct timespec ts;
	char buf[96];

	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(buf, sizeof(buf), "RELOADING=1\nMONOTONIC_USEC=%llu\nSTATUS=reloading",
		 (unsigned long long)ts.tv_sec * 1000000ULL +
		 (unsigned long long)ts.tv_nsec / 1000);
	notify_send(buf);
}

void notify_stopping(void)
{
	notify_send("STOPPING=1\nSTATUS=stopping");
}
