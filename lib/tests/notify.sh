# SPDX-License-Identifier: GPL-2.0
# Sourced by the daemons' notify tests (ctl/vpnfod/tests/notify.sh,
# pki/tests/notify.sh), after tap.sh and with $T a scratch folder: systemd's
# end of sd_notify in $T/notify.sock, the messages one a line in $T/notify.

# notify_listen: starts the listener ($LISTENER) and waits for its socket.
notify_listen() {
	"$(dirname "${BASH_SOURCE[0]}")/notify-listen.py" "$T/notify.sock" "$T/notify" &
	LISTENER=$!
	for _ in $(seq 100); do
		[ -S "$T/notify.sock" ] && return 0
		sleep 0.05
	done
	return 1
}

# seen N PATTERN FILE: within 10 s, N lines of FILE match PATTERN (ERE).
seen() {
	for _ in $(seq 200); do
		[ "$(grep -c -E -- "$2" "$3" 2>/dev/null)" -ge "$1" ] && return 0
		sleep 0.05
	done
	return 1
}
# msgs N PATTERN: N messages match; their assignments are joined by '|'.
msgs() { seen "$1" "$2" "$T/notify"; }
# reloaded N: the Nth RELOADING=1 (with its clock) came, then READY=1 again.
reloaded() {
	msgs "$1" '^RELOADING=1\|MONOTONIC_USEC=[0-9]+\|' && msgs $(($1 + 1)) '^READY=1'
}

# notify_end LOG: on failure the messages and the daemon's LOG as comments;
# the TAP plan; exits with the result.
notify_end() {
	if [ "$rc" != 0 ]; then
		sed 's/^/# notify: /' "$T/notify"
		sed 's/^/# log: /' "$1"
	fi
	echo "1..$n"
	exit "$rc"
}
