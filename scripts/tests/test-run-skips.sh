#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# selftests/run.sh reports a test file that skips (exit 4) as skipped, never
# as passed, and as a failure under CI=true. Runs on the host: a scratch
# tree holds a copy of run.sh, one passing and one skipping file.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
fails=0
check() {
	n=$((n + 1))
	if eval "$2"; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		fails=$((fails + 1))
	fi
}

mkdir -p "$tmp/selftests"
cp "$top/selftests/run.sh" "$tmp/selftests/"
printf '#!/bin/sh\necho "ok 1 - fine"\n' >"$tmp/selftests/test-a-pass.sh"
printf '#!/bin/sh\necho "1..0 # SKIP charon not installed"\nexit 4\n' \
	>"$tmp/selftests/test-b-skip.sh"
chmod +x "$tmp/selftests/"*.sh

echo "1..6"
out=$(CI= "$tmp/selftests/run.sh" 2>&1)
rc=$?
check "outside CI a skipping file exits the run with 0" '[ "$rc" = 0 ]'
check "a skipping file is reported with a TAP SKIP directive and its reason" \
	'grep -qx "ok - test-b-skip.sh # SKIP charon not installed" <<<"$out"'
check "the file count says how many were skipped" \
	'grep -qx "# 2 files, 0 failed, 1 skipped" <<<"$out"'
out=$(CI=true "$tmp/selftests/run.sh" 2>&1)
rc=$?
check "under CI=true a skip fails the run" '[ "$rc" != 0 ]'
check "under CI=true the skip is a 'not ok' line naming the reason" \
	'grep -q "^not ok - test-b-skip.sh (skipped under CI=true: charon not installed)" <<<"$out"'
check "under CI=true the passing file still passes" \
	'grep -qx "ok 1 - fine" <<<"$out"'
[ "$fails" = 0 ]
