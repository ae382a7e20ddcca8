#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make install / uninstall / dkms-install / modules_install into scratch
# roots, the systemd units (systemd-analyze verify), the bash completion
# and dkms.conf. Prints TAP; exits non-zero on a failure. A check whose tool
# is missing (dkms, not root, no kernel headers) is an "ok ... # SKIP".
# The man pages: each installed under MANDIR/manN, and removed again.
# Builds the programs (make ctl pki) if they are not built yet.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
tmp=$(mktemp -d)
dkms_added=
cleanup() {
	if [ -n "$dkms_added" ]; then
		dkms remove "vpnfo/$dkms_ver" --all --sourcetree "$tmp/src" \
			--dkmstree "$tmp/dkms" >/dev/null 2>&1
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
# shellcheck source=scripts/tests/tap.sh
. "$top/scripts/tests/tap.sh"
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
# diag FILE: the file as TAP comments.
diag() { sed 's/^/# /' "$1"; }

version=$(cat VERSION)
progs="vpnfoctl vpnfod vpnfo-pki vpnfo-pkid"
units="vpnfod-client.service vpnfod-gateway.service vpnfo-pkid.service"
confs="vpnfod-client.conf vpnfod-gateway.conf vpnfo-pkid.env"
mans="vpnfoctl.8 vpnfod.8 vpnfod.conf.5 vpnfo-pki.8 vpnfo-pkid.8 vpnfo.7"
unitdir=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null)
unitdir=${unitdir:-/lib/systemd/system}
mlddir=$(pkg-config --variable=modulesloaddir systemd 2>/dev/null)
mlddir=${mlddir:-/usr/lib/modules-load.d}
sudir=$(pkg-config --variable=sysusersdir systemd 2>/dev/null)
sudir=${sudir:-/usr/lib/sysusers.d}

for p in ctl/vpnfoctl/vpnfoctl ctl/vpnfod/vpnfod pki/vpnfo-pki pki/vpnfo-pkid; do
	[ -x "$p" ] || { make -s ctl pki >"$tmp/build.log" 2>&1 || { diag "$tmp/build.log"; }; break; }
done

# mode PATH: octal mode, or "none".
mode() { if [ -L "$1" ]; then echo link; else stat -c %a "$1" 2>/dev/null || echo none; fi; }

expected() {	# path mode, for a DESTDIR install with the defaults
	local p c u
	for p in $progs; do echo "/usr/local/sbin/$p 755"; done
	for u in $units; do echo "$unitdir/$u 644"; done
	for c in $confs; do
		echo "/etc/vpnfo/$c 644"
		echo "/etc/vpnfo/$c.example 644"
	done
	echo "/usr/local/share/bash-completion/completions/vpnfoctl 644"
	echo "/usr/local/share/bash-completion/completions/vpnfo-pki 644"
	echo "$mlddir/vpnfo.conf 644"
	echo "$sudir/vpnfo.conf 644"
	for p in vpnfod.md pki.md enrollment.md; do echo "/usr/local/share/doc/vpnfo/$p 644"; done
	for p in $mans; do echo "/usr/local/share/man/man${p##*.}/$p 644"; done
}

echo "1..33"

# --- make install DESTDIR ---------------------------------------------------
root=$tmp/root
if make -s install DESTDIR="$root" >"$tmp/install.log" 2>&1; then
	ok "make install DESTDIR=\$tmp"
else
	notok "make install DESTDIR=\$tmp"; diag "$tmp/install.log"
fi
bad=0
while read -r p m; do
	got=$(mode "$root$p")
	[ "$got" = "$m" ] || { echo "# $p: mode $got, want $m"; bad=1; }
done < <(expected)
check "every expected file is installed with its mode" '[ $bad = 0 ]'
for p in $mans; do
	check "man page $p in share/man/man${p##*.}, mode 644, as in Documentation/man/" \
		'[ "$(mode "$root/usr/local/share/man/man${p##*.}/$p")" = 644 ] &&
		 cmp -s "$root/usr/local/share/man/man${p##*.}/$p" "Documentation/man/$p"'
done
check "vpnfo-pki completion is its own file, not a link to vpnfoctl's" \
	'cmp -s "$root/usr/local/share/bash-completion/completions/vpnfo-pki" dist/bash-completion/vpnfo-pki'
check "no @PLACEHOLDER@ left in units and configs" \
	'! grep -l "@[A-Z]*@" "$root$unitdir"/*.service "$root"/etc/vpnfo/*'
check "units name the installed binaries and /etc/vpnfo" \
	'grep -q "^ExecStart=/usr/local/sbin/vpnfod --enrolled /var/lib/vpnfo/client -c /etc/vpnfo/vpnfod-client.conf$" "$root$unitdir/vpnfod-client.service"'
# no file outside the expected ones
find "$root" ! -type d | sed "s|^$root||" | sort >"$tmp/got"
expected | cut -d' ' -f1 | sort >"$tmp/want"
check "nothing installed but the expected files" 'diff "$tmp/want" "$tmp/got" >"$tmp/diff" || { diag "$tmp/diff"; false; }'

# --- configuration is kept on reinstall ---------------------------------------
echo "local-ts 192.0.2.100/32" >>"$root/etc/vpnfo/vpnfod-client.conf"
make -s install DESTDIR="$root" >"$tmp/install2.log" 2>&1
check "reinstall keeps a changed config, says so, refreshes the .example" \
	'tail -n 1 "$root/etc/vpnfo/vpnfod-client.conf" | grep -q "^local-ts 192.0.2.100/32$" &&
	 grep -q "keeping .*vpnfod-client.conf" "$tmp/install2.log" &&
	 cmp -s "$root/etc/vpnfo/vpnfod-client.conf.example" dist/etc/vpnfod-client.conf'

# --- make uninstall DESTDIR -----------------------------------------------------
make -s uninstall DESTDIR="$root" >"$tmp/uninstall.log" 2>&1
st=$?
check "make uninstall DESTDIR=\$tmp" '[ $st = 0 ] || { diag "$tmp/uninstall.log"; false; }'
left=$(find "$root" ! -type d | sed "s|^$root||")
check "uninstall removes all but the changed config" \
	'[ "$left" = /etc/vpnfo/vpnfod-client.conf ] || { echo "# left: $left"; false; }'
check "uninstall says it kept the changed config" 'grep -q "keeping changed" "$tmp/uninstall.log"'

# --- systemd-analyze verify -------------------------------------------------------
# verify checks that the Exec binaries exist: install for real into a scratch
# prefix so that the units name files that are there.
pfx=$tmp/pfx
if ! command -v systemd-analyze >/dev/null; then
	for u in $units; do skip "systemd-analyze verify $u" "no systemd-analyze"; done
	skip "verify refuses a unit whose binary is missing" "no systemd-analyze"
else
	make -s install PREFIX="$pfx/usr" SYSCONFDIR="$pfx/etc" SYSTEMDUNITDIR="$pfx/units" \
		MODULESLOADDIR="$pfx/mld" SYSUSERSDIR="$pfx/su" >/dev/null 2>&1
	for u in $units; do
		out=$(systemd-analyze verify "$pfx/units/$u" 2>&1)
		st=$?
		# unknown keys are only warnings (rc 0): any output fails too
		check "systemd-analyze verify $u" '[ $st = 0 ] && [ -z "$out" ] || { echo "$out" | sed "s/^/# /"; false; }'
	done
	mv "$pfx/usr/sbin/vpnfo-pkid" "$tmp/pkid.moved"
	systemd-analyze verify "$pfx/units/vpnfo-pkid.service" >/dev/null 2>&1
	st=$?
	mv "$tmp/pkid.moved" "$pfx/usr/sbin/vpnfo-pkid"
	check "verify refuses a unit whose binary is missing (the check means something)" '[ $st != 0 ]'
fi

# A vpnfoctl that fails as it does without the module or CAP_NET_ADMIN.
mkdir -p "$tmp/failbin"
printf '#!/bin/sh\necho "vpnfoctl: generic netlink family vpnfo not found" >&2\nexit 1\n' \
	>"$tmp/failbin/vpnfoctl"
chmod +x "$tmp/failbin/vpnfoctl"
export STUB=$tmp/failbin

# --- bash completion -------------------------------------------------------------
comp=dist/bash-completion/vpnfoctl
check "bash -n on the completion" 'bash -n "$comp"'
# complete FUNCTION WORDS...: COMPREPLY for the last word, one line, sorted.
complete_words() {
	bash -c '
		[ -r /usr/share/bash-completion/bash_completion ] &&
			. /usr/share/bash-completion/bash_completion
		. "$0"
		f=$1; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		COMPREPLY=()
		PATH=$STUB:$PATH "$f"
		[ ${#COMPREPLY[@]} = 0 ] || printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' "$comp" "$@"
}
check "complete 'vpnfoctl tu' gives tunnel" '[ "$(complete_words _vpnfoctl vpnfoctl tu)" = "tunnel " ]'
check "complete 'vpnfoctl --json pe' gives peer" '[ "$(complete_words _vpnfoctl vpnfoctl --json pe)" = "peer " ]'
check "complete 'vpnfoctl tunnel ' gives the verbs" \
	'[ "$(complete_words _vpnfoctl vpnfoctl tunnel "")" = "add del help set show " ]'
check "complete 'vpnfoctl peer set t1 gw1 ' gives the keywords" \
	'[ "$(complete_words _vpnfoctl vpnfoctl peer set t1 gw1 "")" = "interval prio rise threshold " ]'
check "complete 'vpnfoctl switch ' when vpnfoctl fails (no module, no permission): quietly nothing" \
	'out=$(complete_words _vpnfoctl vpnfoctl switch "" 2>&1); [ -z "$out" ] || { echo "# got: $out"; false; }'
check "complete 'vpnfoctl tunnel del ' with no vpnfoctl on PATH: quietly nothing" \
	'out=$(STUB=/nonexistent PATH=/usr/bin:/bin complete_words _vpnfoctl vpnfoctl tunnel del "" 2>&1); [ -z "$out" ] || { echo "# got: $out"; false; }'
check "complete 'vpnfo-pki --db x gateway e' gives enable export" \
	'[ "$(comp=dist/bash-completion/vpnfo-pki complete_words _vpnfo_pki vpnfo-pki --db x gateway e)" = "enable export " ]'
# names from `vpnfoctl --json`: a stand-in vpnfoctl on PATH
mkdir -p "$tmp/bin"
cat >"$tmp/bin/vpnfoctl" <<'EOF'
#!/bin/sh
case "$*" in
"--json tunnel show") echo '[{"name":"corp","id":1},{"name":"lab","id":2}]' ;;
"--json peer show corp") echo '[{"tunnel":"corp","name":"gw1"},{"tunnel":"corp","name":"gw2"}]' ;;
*) exit 1 ;;
esac
EOF
chmod +x "$tmp/bin/vpnfoctl"
complete_names() {
	bash -c '. "$0"; COMP_WORDS=("${@:2}"); COMP_CWORD=$(($# - 2)); PATH=$1:$PATH _vpnfoctl
		[ ${#COMPREPLY[@]} = 0 ] || printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' "$comp" "$tmp/bin" "$@"
}
check "tunnel and peer names come from vpnfoctl --json" \
	'[ "$(complete_names vpnfoctl switch "")" = "corp lab " ] &&
	 [ "$(complete_names vpnfoctl switch corp "")" = "auto gw1 gw2 " ]'

# --- dkms.conf ---------------------------------------------------------------------
check "dkms.conf: name, version = VERSION, module, location, autoinstall, make" \
	'(kernel_source_dir=/K dkms_tree=/D; . ./dkms.conf
	  [ "$PACKAGE_NAME" = vpnfo ] && [ "$PACKAGE_VERSION" = "$version" ] &&
	  [ "${BUILT_MODULE_NAME[0]}" = vpnfo ] && [ "${BUILT_MODULE_LOCATION[0]}" = kmod/ ] &&
	  [ "${DEST_MODULE_LOCATION[0]}" = /updates/dkms ] && [ "$AUTOINSTALL" = yes ] &&
	  [ "${MAKE[0]}" = "make -C /K M=/D/vpnfo/$version/build modules" ])'
make -s dkms-install DESTDIR="$tmp/dk" >"$tmp/dk.log" 2>&1
check "make dkms-install DESTDIR= copies the module source to /usr/src/vpnfo-$version" \
	'src=$tmp/dk/usr/src/vpnfo-$version; [ -f $src/dkms.conf ] && [ -f $src/Kbuild ] &&
	 [ -f $src/kmod/Kbuild ] && [ -f $src/kmod/main.c ] && [ -f $src/kmod/uapi/linux/vpnfo.h ] &&
	 cmp -s $src/VERSION VERSION || { diag "$tmp/dk.log"; false; }'

# --- dkms build, for real, for every installed kernel with headers -------------
# (what dkms autoinstall does; Debian 12: 6.1 and 6.12). modules_install
# below uses the kernel the Makefile builds for by default, or $KVER.
kvers=$(for d in /lib/modules/*/build; do [ -d "$d" ] && basename "${d%/build}"; done | sort -V)
kver=${KVER:-$(make -s --no-print-directory --eval='vpnfo-print-kver: ; @echo $(KVER)' vpnfo-print-kver 2>/dev/null)}
if ! command -v dkms >/dev/null; then
	skip "dkms build vpnfo/$version for every kernel" "dkms not installed"
elif [ "$(id -u)" != 0 ]; then
	skip "dkms build vpnfo/$version for every kernel" "not root"
elif [ -z "$kvers" ]; then
	skip "dkms build vpnfo/$version for every kernel" "no kernel headers in /lib/modules"
else
	# own source and dkms trees: the system's /usr/src and /var/lib/dkms stay untouched
	mkdir -p "$tmp/src" "$tmp/dkms"
	cp -a "$tmp/dk/usr/src/vpnfo-$version" "$tmp/src/"
	dkms_ver=$version
	if dkms add "vpnfo/$version" --sourcetree "$tmp/src" --dkmstree "$tmp/dkms" \
		>"$tmp/dkms.log" 2>&1; then
		dkms_added=1
	fi
	built="" broken=""
	for k in $kvers; do
		if dkms build "vpnfo/$version" -k "$k" --sourcetree "$tmp/src" --dkmstree "$tmp/dkms" \
			>>"$tmp/dkms.log" 2>&1 &&
			ls "$tmp/dkms/vpnfo/$version/$k"/*/module/vpnfo.ko* >/dev/null 2>&1; then
			built="$built $k"
		else
			broken="$broken $k"
		fi
	done
	check "dkms build vpnfo/$version for every kernel with headers:${built:- none}" \
		'[ -z "$broken" ] || { echo "# failed for:$broken"; diag "$tmp/dkms.log"; false; }'
fi

# --- modules_install into a scratch INSTALL_MOD_PATH ------------------------------
if [ ! -d "/lib/modules/$kver/build" ]; then
	skip "make modules_install puts vpnfo.ko under updates/" "no headers for $kver"
else
	make -s modules_install INSTALL_MOD_PATH="$tmp/mods" >"$tmp/mi.log" 2>&1
	st=$?
	check "make modules_install puts vpnfo.ko under updates/, depmod indexes it" \
		'[ $st = 0 ] && [ -n "$(find "$tmp/mods/lib/modules/$kver/updates" -name "vpnfo.ko*")" ] &&
		 grep -q "^updates/.*vpnfo\.ko" "$tmp/mods/lib/modules/$kver/modules.dep" || { diag "$tmp/mi.log"; false; }'
fi

[ "$n" = 33 ] || { echo "not ok $((n + 1)) - the plan said 33 checks, ran $n"; fails=$((fails + 1)); }
[ $fails = 0 ]
