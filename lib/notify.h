/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The service manager's side of a daemon's life (sd_notify(3), libsystemd):
 * READY=1 once it serves, RELOADING=1 around a SIGHUP reload, STOPPING=1
 * on the way out, STATUS= lines for `systemctl status`. Outside systemd
 * (no NOTIFY_SOCKET: tests, a shell) every call does nothing. Only the
 * daemons link this (and -lsystemd); the rest of libvpnfo.a does not.
 */
#ifndef VPNFO_NOTIFY_H
#define VPNFO_NOTIFY_H

/* READY=1 with STATUS=@fmt... (also after a reload). */
void notify_ready(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* RELOADING=1 and MONOTONIC_USEC= now (systemd.service(5), Type=notify). */
void notify_reloading(void);
void notify_stopping(void);
void notify_status(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
