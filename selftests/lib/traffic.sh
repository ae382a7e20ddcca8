# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Protected traffic: udp-stream (selftests/tools) from the client's inner
# address to the lan's echo server, its summary line ("sent=N received=N
# duplicates=N max_gap_ms=N ...") and the two verdicts tests draw from it.
# Sourced by selftests/lib.sh.

# stream_start NAME RATE SECONDS [udp-stream options]: echo stream from the
# client's inner address to the server, in the background.
stream_start() {
	local name=$1 rate=$2 secs=$3

	shift 3
	lab_addrs
	lab_bg "$name" in_ns client "$LAB_TOOLS/udp-stream" -d "$SRV" \
		-p "$LAB_ECHO_PORT" -s "$CIN" -r "$rate" -t "$secs" "$@"
}

# stream_run RATE SECONDS [options]: the same in the foreground; the result
# is in $LAB_TMP/stream.out.
stream_run() {
	stream_start stream "$@"
	lab_bg_wait stream
}

# stream_field NAME KEY: a field of a finished stream's summary line.
stream_field() {
	tr ' ' '\n' <"$LAB_TMP/$1.out" | sed -n "s/^$2=//p"
}

stream_summary() {
	diag "$1: $(cat "$LAB_TMP/$1.out" 2>/dev/null) $(cat "$LAB_TMP/$1.err" 2>/dev/null)"
}

# all_answered SENT RECEIVED / none_answered SENT RECEIVED
all_answered() {
	cmp "$1" -gt 0 && cmp "$2" -eq "$1"
}

none_answered() {
	cmp "$1" -gt 0 && cmp "$2" -eq 0
}
