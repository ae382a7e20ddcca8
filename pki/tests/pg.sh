# SPDX-License-Identifier: GPL-2.0
# Sourced by the tests: a throw-away PostgreSQL server on a unix socket in
# a temporary directory, run as an unprivileged user (initdb refuses root).
#   pg_start   sets PG_URI (postgresql:///postgres?host=DIR&user=pki)
#   pg_stop    stops it and removes the directory
#   pg_pause / pg_resume   stop and start the same cluster (outage tests)

PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
PG_USER=${PG_USER:-nobody}

pg_run() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u "$PG_USER" -- "$@"
	else
		"$@"
	fi
}

pg_start() {
	[ -x "$PG_BIN/initdb" ] || return 1
	PG_DIR=$(mktemp -d /tmp/vpnfo-pg.XXXXXX)
	chmod 755 "$PG_DIR"
	[ "$(id -u)" = 0 ] && chown "$PG_USER" "$PG_DIR"
	pg_run "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U pki -E UTF8 >"$PG_DIR/initdb.log" 2>&1 ||
		{ cat "$PG_DIR/initdb.log" >&2; return 1; }
	pg_resume || return 1
	PG_URI="postgresql:///postgres?host=$PG_DIR&user=pki"
}

pg_resume() {
	pg_run "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 30 \
		-o "-k $PG_DIR -c listen_addresses='' -c fsync=off" start >/dev/null
}

pg_pause() {
	pg_run "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null
}

pg_stop() {
	[ -n "${PG_DIR:-}" ] || return 0
	pg_pause 2>/dev/null
	rm -rf "$PG_DIR"
	PG_DIR=
}
