# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The kernel log as a check: no oops, warning or lockdep splat since the
# file started. Sourced by selftests/lib.sh.

LAB_DMESG_START=$(dmesg 2>/dev/null | wc -l)

# dmesg_clean: no oops, warning or lockdep splat since the file started.
dmesg_clean() {
	local splat

	splat=$(dmesg | tail -n +$((LAB_DMESG_START + 1)) |
		grep -E 'BUG:|WARNING:|Oops|general protection|KASAN|UBSAN|refcount_t:|list_(add|del) corruption|rcu.*stall|possible recursive locking|circular locking|INFO: task' )
	[ -z "$splat" ] && return 0
	echo "$splat" | sed 's/^/# dmesg: /'
	return 1
}
