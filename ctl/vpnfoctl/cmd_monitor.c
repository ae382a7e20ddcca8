// SPDX-License-Identifier: GPL-2.0
/* vpnfoctl monitor [--count N] [--timeout DUR]: one line per event. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <netlink/netlink.h>

#include "commands.h"
#include "exec.h"
#include "vnl.h"
#include "lib/log.h"
#include "output.h"
#include "args.h"

struct monitor {
	uint32_t count;		/* stop after this many, 0 = never */
	uint32_t seen;
};

static int monitor_event(struct nl_msg *msg, void *arg)
{
	struct monitor *m = arg;
	struct event_info e;

	if (m->count && m->seen >= m->count)
		return 0;
	/* A malformed event is reported and skipped, not fatal. */
	if (vnl_event_parse(msg, &e)) {
		log_error("malformed event skipped");
		return 0;
	}
	if (output_json)
		event_json_line(stdout, &e);
	else
		event_print(stdout, &e);
	fflush(stdout);
	m->seen++;
	return 0;
}

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static int monitor_args(int argc, char **argv, struct monitor *m,
			uint64_t *timeout_us)
{
	int i;

	for (i = 1; i < argc; i += 2) {
		const char *opt = argv[i], *val = argv[i + 1];

		if (strcmp(opt, "--count") && strcmp(opt, "--timeout")) {
			log_error("unknown argument '%s'", opt);
			return -EINVAL;
		}
		if (!val) {
			log_error("'%s' needs a value", opt);
			return -EINVAL;
		}
		if (!strcmp(opt, "--count")) {
			if (parse_u32(val, "count", 1, UINT32_MAX, &m->count))
				return -EINVAL;
			continue;
		}
		if (parse_duration_us(val, "timeout", timeout_us))
			return -EINVAL;
		if (!*timeout_us) {
			log_error("invalid timeout '%s' (more than 0)", val);
			return -EINVAL;
		}
	}
	return 0;
}

int cmd_monitor(int argc, char **argv)
{
	struct monitor m = { 0 };
	uint64_t timeout_us = 0, deadline = 0;
	struct vnl_client c;
	int ret;

	if (monitor_args(argc, argv, &m, &timeout_us))
		return 2;
	ret = vnl_open(&c);
	if (ret) {
		request_report(&c, ret, "monitor");
		return 1;
	}
	ret = vnl_subscribe(&c, VPNFO_MCGRP_EVENTS);
	if (ret) {
		request_report(&c, ret, "monitor");
		goto cleanup;
	}
	if (timeout_us)
		deadline = now_us() + timeout_us;
	while (!m.count || m.seen < m.count) {
		int wait_ms = -1;

		if (deadline) {
			uint64_t now = now_us(), rest_ms;

			if (now >= deadline)
				break;
			/* Round up: never spin on a sub-millisecond rest. */
			rest_ms = (deadline - now + 999) / 1000;
			wait_ms = rest_ms > INT_MAX ? INT_MAX : (int)rest_ms;
		}
		ret = vnl_wait(&c, wait_ms, monitor_event, &m);
		if (ret == -EINTR)
			continue;
		if (ret < 0) {
			log_error("monitor: %s", strerror(-ret));
			goto cleanup;
		}
	}
	ret = 0;
	/* Asked for N events and the time ran out first: a failure. */
	if (m.count && m.seen < m.count) {
		log_error("monitor: timed out after %u of %u events", m.seen,
			  m.count);
		ret = -ETIMEDOUT;
	}
cleanup:
	vnl_close(&c);
	return ret ? 1 : 0;
}
