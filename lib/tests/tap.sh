# SPDX-License-Identifier: GPL-2.0
# Sourced by the shell tests (pki/tests/lib.sh, ctl/vpnfod/tests/notify.sh):
# TAP counters; print "1..$n" at the end and exit $rc.

n=0
rc=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; rc=1; }
# check NAME COMMAND...: passes when the command succeeds.
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else nok "$name"; fi
}
