# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Sourced by scripts/tests/test-*.sh: TAP counters. Each test prints its
# own plan and ends with [ "$fails" = 0 ].
n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; fails=$((fails + 1)); }
# check NAME EXPR: passes when the shell expression EXPR succeeds.
check() { if eval "$2"; then ok "$1"; else notok "$1"; fi; }
