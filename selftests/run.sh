#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the kselftests: every selftests/test-*.sh and every built
# build/selftests/test-* binary, in sorted order, each under a timeout.
# Builds nothing (scripts/check builds first). Meant to run inside the QEMU
# guest (scripts/vm-run); elsewhere most files skip.
#
#   selftests/run.sh [NAME...]     NAME filters by substring, e.g. failover
#
# TAP lines pass through as they come. A file that exits non-zero (other
# than 4, kselftest's "skip") without having printed a "not ok" gets one
# added: "not ok - <file> (exit N)". A file that skips as a whole gets
# "ok - <file> # SKIP <reason>", which scripts/check counts as skipped, not
# passed. Under CI=true a skip is a failure: CI installs every dependency
# (scripts/install-deps), so a skip there means a test that did not run.
# Exit status: 0 when nothing failed.
# VPNFO_TEST_TIMEOUT (seconds, default 300) bounds each file.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
limit=${VPNFO_TEST_TIMEOUT:-300}
export VPNFO_ROOT=${VPNFO_ROOT:-$top}

tests=$( {
	ls "$top"/selftests/test-*.sh 2>/dev/null
	for f in "$top"/build/selftests/test-*; do
		[ -f "$f" ] && [ -x "$f" ] && echo "$f"
	done
} | awk -F/ '{ print $NF "\t" $0 }' | sort | cut -f2)

selected() {
	local pat

	[ $# -le 1 ] && return 0
	for pat in "${@:2}"; do
		case "${1##*/}" in *"$pat"*) return 0 ;; esac
	done
	return 1
}

failed=0
skipped=0
ran=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for t in $tests; do
	selected "$t" "$@" || continue
	name=${t##*/}
	ran=$((ran + 1))
	echo "# === $name"
	start=$SECONDS
	# -k: a test that ignores TERM (stuck in the kernel?) is killed.
	timeout -k 20 "$limit" "$t" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	echo "# === $name: exit $rc after $((SECONDS - start)) s"
	if grep -q '^not ok' "$out"; then
		failed=$((failed + 1))
	elif [ "$rc" -eq 4 ]; then
		why=$(sed -n 's/^1\.\.0 # SKIP //p' "$out" | head -n 1)
		if [ "${CI:-}" = true ]; then
			echo "not ok - $name (skipped under CI=true: ${why:-exit 4})"
			failed=$((failed + 1))
		else
			echo "ok - $name # SKIP ${why:-exit 4}"
			skipped=$((skipped + 1))
		fi
	elif [ "$rc" -ne 0 ]; then
		echo "not ok - $name (exit $rc)"
		failed=$((failed + 1))
	fi
done
echo "# $ran files, $failed failed, $skipped skipped"
[ "$ran" -gt 0 ] && [ "$failed" -eq 0 ]
