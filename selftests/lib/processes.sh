# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Where and how the selftests run programs: in a lab's network namespace
# (nsenter, not "ip netns exec"), in the background with their output in
# the file's scratch directory $LAB_TMP, and ended at exit together with
# every namespace a lab registered in LAB_LABS, whatever way the file ends
# (run.sh's timeout included). Sourced by selftests/lib.sh.

LAB_TMP=$(mktemp -d /tmp/vpnfo-lab.XXXXXX)
LAB_PIDS=()
LAB_LABS=()

# lab_ns NAME: the namespace of NAME (client, gw1, gw2, gw3, lan).
lab_ns() {
	echo "${LAB_PREFIX}$1"
}

# in_ns NAME CMD ARGS...: nsenter rather than "ip netns exec", which also
# remounts /sys, several times slower under TCG.
in_ns() {
	local ns

	ns=$(lab_ns "$1")
	shift
	nsenter --net="/run/netns/$ns" "$@"
}

# lab_bg NAME CMD ARGS...: start CMD in the background, stdout and stderr
# to $LAB_TMP/NAME.out/.err; remembered so that cleanup ends it.
# "lab_bg NAME in_ns NS CMD..." runs CMD itself in the background (not a
# subshell around it), so that its pid is the one cleanup signals.
lab_bg() {
	local name=$1

	shift
	if [ "$1" = in_ns ]; then
		set -- nsenter --net="/run/netns/$(lab_ns "$2")" "${@:3}"
	fi
	"$@" >"$LAB_TMP/$name.out" 2>"$LAB_TMP/$name.err" &
	LAB_PIDS+=($!)
	echo $! >"$LAB_TMP/$name.pid"
}

lab_bg_pid() {
	cat "$LAB_TMP/$1.pid"
}

# lab_bg_wait NAME: wait for a background command to end by itself.
lab_bg_wait() {
	wait "$(lab_bg_pid "$1")" 2>/dev/null
}

lab_bg_stop() {
	local pid

	pid=$(lab_bg_pid "$1")
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

lab_cleanup() {
	local pid p n

	# A test that changes the machine (rmmod) undoes it here.
	declare -F lab_cleanup_hook >/dev/null && lab_cleanup_hook

	for pid in "${LAB_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${LAB_PIDS[@]}"; do
		wait "$pid" 2>/dev/null
	done
	for p in "${LAB_LABS[@]}"; do
		for n in client gw1 gw2 gw3 lan; do
			ip netns del "$p$n" 2>/dev/null
		done
	done
	rm -rf "$LAB_TMP"
}
trap lab_cleanup EXIT
# Killed by run.sh's timeout: still tear the lab down.
trap 'exit 143' TERM
trap 'exit 130' INT
