#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The bash completion of vpnfoctl and vpnfo-pki (dist/bash-completion/):
# every command, verb and option that the programs' own --help and help
# texts list is offered; values complete as files, folders or key types;
# tunnel and peer names come from `vpnfoctl --json ... show` and nothing is
# offered, quietly, when that fails. Each completion runs in a fresh bash
# with COMP_WORDS and COMP_CWORD set, with bash-completion's helpers when
# they are installed. Prints TAP; exits non-zero on a failure. Builds the
# two programs (make ctl pki) if they are not built yet.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=scripts/tests/tap.sh
. "$top/scripts/tests/tap.sh"

ctl=ctl/vpnfoctl/vpnfoctl
pki=pki/vpnfo-pki
for p in $ctl $pki; do
	[ -x "$p" ] || { make -s ctl pki >"$tmp/build.log" 2>&1 ||
		sed 's/^/# /' "$tmp/build.log"; break; }
done

# Stand-ins for vpnfoctl on PATH: one that lists two tunnels (home, office)
# and office's peers (gw-a, gw-b), one that fails as without the module.
mkdir -p "$tmp/bin" "$tmp/failbin"
{
	echo '#!/bin/sh'
	echo 'if [ "$*" = "--json tunnel show" ]; then'
	echo '	echo "[{\"name\":\"home\",\"id\":1},{\"name\":\"office\",\"id\":2}]"'
	echo 'elif [ "$*" = "--json peer show office" ]; then'
	echo '	echo "[{\"tunnel\":\"office\",\"name\":\"gw-a\"},{\"tunnel\":\"office\",\"name\":\"gw-b\"}]"'
	echo 'else exit 1; fi'
} >"$tmp/bin/vpnfoctl"
printf '#!/bin/sh\necho "vpnfoctl: generic netlink family vpnfo not found" >&2\nexit 1\n' \
	>"$tmp/failbin/vpnfoctl"
chmod +x "$tmp/bin/vpnfoctl" "$tmp/failbin/vpnfoctl"
STUB=$tmp/bin

# comp_words PROGRAM WORDS...: COMPREPLY for the last word, sorted, one line,
# each followed by a space. The function is the one the file registers.
comp_words() {
	local prog=$1
	STUB=$STUB bash -c '
		[ -r /usr/share/bash-completion/bash_completion ] &&
			. /usr/share/bash-completion/bash_completion
		. "dist/bash-completion/$0"
		f=$(complete -p "$0" | sed "s/.*-F \([^ ]*\) .*/\1/")
		COMP_WORDS=("$0" "$@"); COMP_CWORD=$#
		COMP_LINE="$0 $*"; COMP_POINT=${#COMP_LINE}
		COMPREPLY=()
		PATH=$STUB:$PATH "$f"
		[ ${#COMPREPLY[@]} = 0 ] || printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' \
		"$prog" "${@:2}"
}

# offers 'PROGRAM WORDS...' WANT...: every WANT is among the completions of
# the command line (shell words: '""' is an empty last word).
offers() {
	local line=$1 got w missing=
	got=" $(eval "comp_words $line")"
	shift
	for w in "$@"; do
		[[ $got == *" $w "* ]] || missing+=" $w"
	done
	[ -z "$missing" ] || echo "# after '$line': missing$missing; got:$got"
	[ -z "$missing" ]
}

echo "1..23"
check "bash -n on vpnfoctl's completion" 'bash -n dist/bash-completion/vpnfoctl'
check "bash -n on vpnfo-pki's completion" 'bash -n dist/bash-completion/vpnfo-pki'

# --- vpnfoctl: what its help texts list -------------------------------------
# Lists are flattened to one line: check evaluates its condition.
flat() { tr '\n' ' '; }
cmds=$($ctl --help | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p' | flat)
check "vpnfoctl --help lists commands (the check means something)" \
	'[ "$(wc -w <<<"$cmds")" -ge 6 ]'
check "every command of vpnfoctl --help, and --json, --help, is offered" \
	"offers 'vpnfoctl \"\"' $cmds --json --help"
check "after --json the commands are offered again" \
	"offers 'vpnfoctl --json \"\"' $cmds"

# usage-line WORDS: the keywords and --options of a usage text's line.
words_of() { tr -d '[]()|' | grep -oE '(^| )(--)?[a-z][a-z-]*' | tr -d ' '; }
bad=
for obj in tunnel peer; do
	help=$($ctl $obj help)
	verbs=$(sed -n "s/^.*vpnfoctl $obj \([a-z]*\) .*/\1/p" <<<"$help")
	offers "vpnfoctl $obj ''" $verbs help || bad+=" $obj"
	# Each verb's keywords after its upper-case arguments (NAME, TUNNEL PEER).
	while read -r verb args; do
		nargs=$(grep -oE '^([A-Z]+ )+' <<<"$args " | wc -w)
		kws=$(sed 's/^\([A-Z]* \)*//' <<<"$args" | words_of)
		[ -n "$kws" ] || continue
		line="vpnfoctl $obj $verb"
		for ((i = 0; i < nargs; i++)); do line+=" x"; done
		offers "$line ''" $kws || bad+=" $obj-$verb"
	done < <(awk '/vpnfoctl/ { if (l) print l; l = $0; next } { l = l " " $0 }
		      END { print l }' <<<"$help" |
		 sed -n "s/^.*vpnfoctl $obj \([a-z]*\) /\1 /p")
done
check "tunnel and peer: every verb and keyword of their help is offered" '[ -z "$bad" ]'
check "... and the keywords of tunnel add as the help spells them" \
	"offers 'vpnfoctl tunnel add t1 \"\"' mark-mask sel hold key-file"
check "reflector: on off show help, key-file after on" \
	"offers 'vpnfoctl reflector \"\"' on off show help &&
	 offers 'vpnfoctl reflector on \"\"' key-file"
# --json is vpnfoctl's own option, before the command.
opts=$($ctl show help | grep -oE -- '--[a-z][a-z-]*' | grep -vx -- --json | sort -u | flat)
check "show: every option of 'vpnfoctl show help' (--prometheus, --prometheus-file)" \
	"[ -n \"\$opts\" ] && offers 'vpnfoctl show \"\"' $opts &&
	 offers 'vpnfoctl show --prometheus \"\"' --prometheus-file"
touch "$tmp/metrics.prom"
check "show --prometheus-file completes a file name" \
	"offers 'vpnfoctl show --prometheus-file \"$tmp/metr\"' $tmp/metrics.prom"
check "monitor: --count and --timeout; nothing for their values" \
	"offers 'vpnfoctl monitor \"\"' --count --timeout &&
	 [ -z \"\$(comp_words vpnfoctl monitor --count '')\" ]"
bad=
if $ctl enroll help >/dev/null 2>&1; then
	help=$($ctl enroll help)
	main=$(sed -n '/enroll --server/,/enroll renew/p' <<<"$help" | grep -v 'enroll renew' |
		grep -oE -- '--[a-z][a-z-]*' | sort -u)
	offers "vpnfoctl enroll ''" $main renew check help || bad+=" enroll"
	for verb in renew check; do
		o=$(grep "enroll $verb" <<<"$help" | grep -oE -- '--[a-z][a-z-]*')
		offers "vpnfoctl enroll $verb ''" $o || bad+=" $verb"
	done
fi
check "enroll: every option of 'vpnfoctl enroll help', per verb" '[ -z "$bad" ]'

# --- vpnfoctl: names from the kernel ------------------------------------------
check "show, tunnel show and switch offer the tunnels vpnfoctl --json lists" \
	"offers 'vpnfoctl show \"\"' home office && offers 'vpnfoctl show --prometheus \"\"' home office &&
	 offers 'vpnfoctl tunnel show \"\"' home office && offers 'vpnfoctl switch \"\"' home office"
check "peer del TUNNEL and switch TUNNEL offer its peers (and auto)" \
	"offers 'vpnfoctl peer del office \"\"' gw-a gw-b && offers 'vpnfoctl switch office \"\"' auto gw-a gw-b"
check "without the module or permission: quietly nothing" \
	'out=$(STUB=$tmp/failbin comp_words vpnfoctl switch "" 2>&1); [ -z "$out" ] || { echo "# got: $out"; false; }'
check "without vpnfoctl on PATH: quietly nothing" \
	'out=$(STUB=/nonexistent PATH=/usr/bin:/bin comp_words vpnfoctl tunnel del "" 2>&1); [ -z "$out" ] || { echo "# got: $out"; false; }'

# --- vpnfo-pki: its --help --------------------------------------------------------
help=$($pki --help)
objs=$(sed -n 's/^  \([a-z][a-z-]*\)\( .*\)\{0,1\}$/\1/p' <<<"$help" | sort -u | flat)
check "vpnfo-pki --help lists commands (the check means something)" \
	'[ "$(wc -w <<<"$objs")" -ge 8 ]'
gopts=$(sed -n 1p <<<"$help" | grep -oE -- '--[a-z][a-z-]*' | flat)
check "every command and global option of vpnfo-pki --help is offered" \
	"offers 'vpnfo-pki \"\"' $objs $gopts --verbose --help"
bad=
for obj in $objs; do
	verbs=$(sed -n "s/^  $obj \([a-z][a-z-]*\).*/\1/p" <<<"$help")
	[ -z "$verbs" ] || offers "vpnfo-pki $obj ''" $verbs || bad+=" $obj"
done
check "every verb of every command is offered after it" '[ -z "$bad" ]'
bad=
while read -r obj verb rest; do
	o=$(grep -oE -- '--[a-z][a-z-]*' <<<"$rest")
	[ -n "$o" ] || continue
	offers "vpnfo-pki $obj $verb x ''" $o || bad+=" $obj-$verb"
done < <(sed -n 's/^  //p' <<<"$help" | grep -e '--')
check "every option of every verb in vpnfo-pki --help is offered" '[ -z "$bad" ]'
check "the commands after the global options, with their values skipped" \
	"offers 'vpnfo-pki --db x -s y --json gateway e' enable export &&
	 offers 'vpnfo-pki -d x user \"\"' add passwd disable enable list"
check "group add --key offers the key types pki/lib/ca.c takes" \
	"offers 'vpnfo-pki group add g --key \"\"' ec ec-p256 ec-p384 rsa rsa-3072"
mkdir -p "$tmp/outdir"
check "--out completes folders only, --db files" \
	"offers 'vpnfo-pki gateway issue gw1 --out \"$tmp/out\"' $tmp/outdir &&
	 [[ \$(comp_words vpnfo-pki gateway issue gw1 --out '$tmp/metr') != *metrics.prom* ]] &&
	 offers 'vpnfo-pki --db \"$tmp/metr\"' $tmp/metrics.prom"

[ "$n" = 23 ] || { echo "# ran $n checks, the plan says 23"; fails=$((fails + 1)); }
[ "$fails" = 0 ]
