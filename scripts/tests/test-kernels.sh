#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The module on every kernel it supports: Debian 12's 6.1 and 6.12. For
# each installed kernel with headers (scripts/module-build, build/kmod/KVER/):
# the W=1 build has no warning, the module's vermagic names that kernel,
# MODULE_VERSION is the project's VERSION. Then: the top Makefile's default
# kernel is the running one when its headers are there, else the newest
# with headers. Prints TAP.
#
# Both a 6.1 and a 6.12 kernel must be installed (scripts/packages.txt has
# them): a missing one is a failure, not a skip.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
# shellcheck source=scripts/tests/tap.sh
. "$top/scripts/tests/tap.sh"

version=$(cat VERSION)
kvers=$(for d in /lib/modules/*/build; do [ -d "$d" ] && basename "${d%/build}"; done | sort -V)

for series in 6.1 6.12; do
	k=$(printf '%s\n' $kvers | grep "^${series//./\\.}\." | tail -n 1)
	if [ -n "$k" ]; then
		ok "a $series kernel with headers is installed ($k)"
	else
		notok "a $series kernel with headers is installed (linux-headers-$series*-amd64)"
	fi
done

for k in $kvers; do
	if ko=$(scripts/module-build "$k" 2>"$top/build/kmod-$k.err"); then
		ok "$k: the module builds with W=1 and no warning"
	else
		notok "$k: the module builds with W=1 and no warning"
		sed 's/^/# /' "$top/build/kmod-$k.err" | tail -n 30
		continue
	fi
	rm -f "$top/build/kmod-$k.err"
	vm=$(modinfo -F vermagic "$ko" | head -n 1 | cut -d" " -f1)  # 6.12 builds carry it twice
	if [ "$vm" = "$k" ]; then ok "$k: vermagic names the kernel"; else notok "$k: vermagic is '$vm'"; fi
	v=$(modinfo -F version "$ko")
	if [ "$v" = "$version" ]; then ok "$k: MODULE_VERSION is $version"; else notok "$k: MODULE_VERSION is '$v', VERSION says $version"; fi
done

# The default kernel, as the top Makefile computes it.
default=$(env -u KVER -u KDIR make -s --no-print-directory \
	--eval='vpnfo-print-kver: ; @echo $(KVER)' vpnfo-print-kver 2>/dev/null)
running=$(uname -r)
if [ -d "/lib/modules/$running/build" ]; then
	want=$running
else
	want=$(printf '%s\n' $kvers | tail -n 1)
fi
if [ "$default" = "$want" ]; then
	ok "make builds for $want by default (running: $running)"
else
	notok "make builds for '$default' by default, not $want (running: $running)"
fi
[ $fails = 0 ]
