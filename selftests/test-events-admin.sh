#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Reads of the module need CAP_NET_ADMIN, the events multicast group
# included.
#
# Behaviours checked:
#   root-joins-events             vpnfoctl monitor as root works
#   unprivileged-monitor-refused  as nobody it is refused, and told why
#   unprivileged-show-refused     as nobody a tunnel dump is refused
. "$(dirname "$0")/lib.sh"

lab_require
command -v setpriv >/dev/null || skip_all "setpriv (util-linux) not installed"

# as_nobody CMD...: CMD as uid/gid 65534 with no capabilities.
as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		--bounding-set=-all "$@"
}

check "root joins the events group" \
	"$VPNFOCTL" monitor --timeout 300ms
as_nobody "$VPNFOCTL" monitor --timeout 300ms 2>"$LAB_TMP/nobody.err"
rc=$?
check "an unprivileged monitor is refused" test "$rc" != 0
check "it is told why: cannot join, not permitted" \
	grep -q "cannot join multicast group 'events': Operation not permitted" \
	"$LAB_TMP/nobody.err"
check "an unprivileged show is refused" eval \
	'! as_nobody "$VPNFOCTL" show >/dev/null 2>&1'
tap_done
