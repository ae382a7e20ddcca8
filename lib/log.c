// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "log.h"

static const char *log_prog = "vpnfo";
static enum log_level log_level = LOG_LEVEL_INFO;
static int log_timestamps;
static int log_journal = -1;	/* -1: not looked up yet */

/*
 * systemd.exec(5): stderr is the journal when JOURNAL_STREAM names its
 * device and inode; a child started from such a unit with another stderr
 * must not print priority prefixes.
 */
static int log_stderr_is_journal(void)
{
	const char *env = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (!env || sscanf(env, "%llu:%llu", &dev, &ino) != 2)
		return 0;
	if (fstat(2, &st) < 0)
		return 0;
	return (unsigned long long)st.st_dev == dev &&
	       (unsigned long long)st.st_ino == ino;
}

void log_init(const char *prog)
{
	const char *slash = prog ? strrchr(prog, '/') : NULL;

	if (prog)
		log_prog = slash ? slash + 1 : prog;
	log_journal = log_stderr_is_journal();
}

void log_set_level(enum log_level level)
{
	log_level = level;
}

enum log_level log_get_level(void)
{
	return log_level;
}

void log_set_timestamps(int on)
{
	log_timestamps = on;
}

/* sd-daemon(3) priority prefixes: err 3, warning 4, info 6, debug 7. */
static int log_priority(enum log_level level)
{
	static const int prio[] = { 3, 4, 6, 7 };

	return prio[level];
}

void log_print(enum log_level level, const char *func, const char *fmt, ...)
{
	char stamp[32] = "";
	va_list ap;

	if (level < LOG_LEVEL_ERROR || level > log_level)
		return;
	if (log_journal < 0)
		log_journal = log_stderr_is_journal();
	if (log_timestamps && !log_journal) {
		struct timespec ts;
		struct tm tm;

		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		snprintf(stamp, sizeof(stamp), "%02d:%02d:%02d.%03ld ",
			 tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
	}
	flockfile(stderr);
	if (log_journal)
		fprintf(stderr, "<%d>", log_priority(level));
	fprintf(stderr, "%s%s: ", stamp, log_prog);
	if (level == LOG_LEVEL_DEBUG)
		fprintf(stderr, "%s: ", func);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	funlockfile(stderr);
}
