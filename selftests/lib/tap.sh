# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The harness every selftest file speaks through: TAP 13 on stdout (one
# "ok"/"not ok" line per check, the plan at the end, kselftest's exit 4 for
# a file skipped as a whole), the integer helpers that let a missing
# counter fail an assertion instead of reading as 0, and bounded waits.
# Sourced by selftests/lib.sh; prints the TAP header when sourced.

tap_count=0
tap_failures=0

echo "TAP version 13"

ok() {
	tap_count=$((tap_count + 1))
	echo "ok $tap_count - $*"
}

not_ok() {
	tap_count=$((tap_count + 1))
	tap_failures=$((tap_failures + 1))
	echo "not ok $tap_count - $*"
}

# check NAME CMD ARGS...: one TAP line, ok when CMD succeeds.
check() {
	local name=$1

	shift
	if "$@"; then
		ok "$name"
	else
		not_ok "$name"
	fi
}

skip() {
	tap_count=$((tap_count + 1))
	echo "ok $tap_count - $1 # SKIP $2"
}

# The whole file cannot run here (no ESP, no module, not root): kselftest's
# skip status.
skip_all() {
	echo "1..0 # SKIP $*"
	exit 4
}

diag() {
	echo "# $*"
}

# tap_done: the trailing plan and the exit status.
tap_done() {
	echo "1..$tap_count"
	[ "$tap_failures" -eq 0 ]
	exit $?
}

# ---------------------------------------------------------------- integers

# Counters come from tools that may fail; a missing value must make an
# assertion fail, never turn into 0.
isnum() {
	[[ $1 =~ ^-?[0-9]+$ ]]
}

# sub A B: A - B, or NaN.
sub() {
	if isnum "$1" && isnum "$2"; then echo $(($1 - $2)); else echo NaN; fi
}

# cmp A OP B: test(1) on two integers; false when either is not one.
cmp() {
	isnum "$1" && isnum "$3" && test "$1" "$2" "$3"
}
# ---------------------------------------------------------------- bounded waits

# nap SECONDS: sleep without starting a process (read on a pipe nobody
# writes to); every exec costs a lot in a TCG guest.
exec {LAB_NAP_FD}<> <(:)
nap() {
	read -r -t "$1" -u "$LAB_NAP_FD" _ || :
}

# wait_for SECONDS CMD ARGS...: poll CMD every 0.1 s until it succeeds;
# 1 if it never did. Bounded: the deadline is checked after every try.
wait_for() {
	local deadline=$((SECONDS + $1))

	shift
	while :; do
		"$@" && return 0
		[ "$SECONDS" -ge "$deadline" ] && return 1
		nap 0.1
	done
}
