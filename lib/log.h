/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one log of every vpnfo userspace program (vpnfoctl, vpnfod, the IKE
 * library, vpnfo-pki, vpnfo-pkid). The program name is set once in main();
 * shared code never names a program. Messages go to stderr as
 * "prog: message" (debug: "prog: function: message"). Under systemd
 * (JOURNAL_STREAM set) each line starts with its "<N>" priority prefix, which
 * journald turns into the record's priority.
 */
#ifndef VPNFO_LOG_H
#define VPNFO_LOG_H

enum log_level {
	LOG_LEVEL_NONE = -1,	/* nothing at all (fuzz targets) */
	LOG_LEVEL_ERROR,
	LOG_LEVEL_WARN,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
};

/* Program name for every message; the level is LOG_LEVEL_INFO by default. */
void log_init(const char *prog);
void log_set_level(enum log_level level);
enum log_level log_get_level(void);
/* Each line starts with a wall-clock timestamp (daemons outside journald). */
void log_set_timestamps(int on);

void log_print(enum log_level level, const char *func, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define log_error(...) log_print(LOG_LEVEL_ERROR, __func__, __VA_ARGS__)
#define log_warn(...)  log_print(LOG_LEVEL_WARN, __func__, __VA_ARGS__)
#define log_info(...)  log_print(LOG_LEVEL_INFO, __func__, __VA_ARGS__)
#define log_debug(...) log_print(LOG_LEVEL_DEBUG, __func__, __VA_ARGS__)

#endif
