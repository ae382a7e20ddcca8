#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The man pages (Documentation/man/, mdoc(7)): each passes
# `mandoc -T lint -W warning` with no message and renders with -T utf8; and
# each stays true to its program. Every command, verb, keyword and --option
# that a program's --help (and its commands' help texts) prints is
# documented in its page, every long option of its getopt table too; every
# option and command the page documents (its .It lines) is in the help or,
# where the help does not list it, in the program's sources. vpnfod.conf(5)
# documents every key, section and algorithm name that ctl/vpnfod/config.c
# and the options-file parser (enrolled_conf.c) accept, and nothing else.
# Every getenv() of the programs is in some page; vpnfo(7) points at every
# page and every page back at it. Last, the checks are run on broken copies
# of the pages, which they must refuse. Prints TAP; exits non-zero on a
# failure. Builds the programs (make ctl pki) if they are not built yet.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=scripts/tests/tap.sh
. "$top/scripts/tests/tap.sh"

man=Documentation/man
pages="vpnfoctl.8 vpnfod.8 vpnfod.conf.5 vpnfo-pki.8 vpnfo-pkid.8 vpnfo.7"
ctl=ctl/vpnfoctl/vpnfoctl
vpnfod=ctl/vpnfod/vpnfod
pki=pki/vpnfo-pki
pkid=pki/vpnfo-pkid
for p in $ctl $vpnfod $pki $pkid; do
	[ -x "$p" ] || { make -s ctl pki >"$tmp/build.log" 2>&1 ||
		sed 's/^/# /' "$tmp/build.log"; break; }
done
command -v mandoc >/dev/null || echo "# mandoc is not installed (apt-get install mandoc)"

echo "1..33"

# --- lint and render -----------------------------------------------------------
# lint_quiet PAGE: no message at all, the messages as TAP comments.
lint_quiet() {
	local out st
	out=$(mandoc -T lint -W warning "$1" 2>&1)
	st=$?
	[ $st = 0 ] && [ -z "$out" ] || { echo "$out" | sed "s/^/# /"; false; }
}
for p in $pages; do
	check "$p: mandoc -T lint -W warning prints nothing" 'lint_quiet "$man/$p"'
	check "$p: mandoc -T utf8 renders it" \
		'mandoc -T utf8 "$man/$p" >"$tmp/out" 2>&1 && [ "$(wc -l <"$tmp/out")" -gt 20 ]'
done

# --- what a page documents -------------------------------------------------------
# tokens PAGE: "KIND TOKEN IT" per flag (KIND fl, TOKEN with its dashes) and
# per command word (KIND cm) of the mdoc source; IT is 1 on an .It line (the
# page documents it there), else 0. A word after Fl or Cm belongs to it up
# to the next macro.
tokens() {
	awk '/^\./ {
		mode = ""; it = ($1 == ".It")
		for (i = 1; i <= NF; i++) {
			w = $i; sub(/^\./, "", w)
			if (w == "Fl" || w == "Cm") { mode = w; continue }
			if (w ~ /^[A-Z][a-z][a-z]?$/) { mode = ""; continue }
			if (w ~ /^[][|,.;:()]$/ || w ~ /^\\&/) continue
			if (mode == "Fl") print "fl", "-" w, it
			else if (mode == "Cm") print "cm", w, it
		}
	}' "$1"
}
# documented PAGE: the flags and words of its .It lines, one a line.
documented() { tokens "$1" | awk '$3 == 1 { print $2 }' | sort -u; }
# mentioned PAGE: every flag and command word anywhere in it.
mentioned() { tokens "$1" | awk '{ print $2 }' | sort -u; }

# missing_from PAGE WORDS...: the WORDS the page does not mention, printed;
# with list=documented, those it does not document on an .It line.
missing_from() {
	local page=$1 w
	shift
	"${list:-mentioned}" "$page" >"$tmp/mentioned"
	for w in "$@"; do grep -qxF -- "$w" "$tmp/mentioned" || echo "$w"; done
}
# all_in PAGE WHAT WORDS...: true when PAGE mentions every WORD (and there
# are at least 3: an empty list means the extraction broke).
all_in() {
	local page=$1 what=$2 miss
	shift 2
	[ $# -ge 3 ] || { echo "# $what: only $# words found"; return 1; }
	miss=$(missing_from "$page" "$@" | tr '\n' ' ')
	[ -z "$miss" ] || echo "# $(basename "$page") lacks $what: $miss"
	[ -z "$miss" ]
}

# in_help_or_source HELPFILE SOURCES... < TOKENS: prints the tokens that are
# neither a word of the help text nor in the sources: a long option as
# "--x" or as a getopt table entry { "x", a short one in a getopt string, a
# word as a "word" literal.
in_help_or_source() {
	local help=$1 t
	shift
	while read -r t; do
		grep -qwF -- "$t" "$help" && continue
		case $t in
		--*) grep -qF -e "\"$t\"" -e "{ \"${t#--}\"," "$@" && continue ;;
		-?) grep -qF "\"$t\"" "$@" && continue
			grep -qE "getopt_long\([^\"]*\"[^\"]*${t#-}" "$@" && continue ;;
		*) grep -qF "\"$t\"" "$@" && continue ;;
		esac
		echo "$t"
	done
}
# true_to HELPFILE PAGE SOURCES...: everything the page documents is real.
true_to() {
	local help=$1 page=$2 extra
	shift 2
	extra=$(documented "$page" | in_help_or_source "$help" "$@" | tr '\n' ' ')
	[ -z "$extra" ] || echo "# $(basename "$page") documents what neither the help nor the sources have: $extra"
	[ -z "$extra" ]
}

# usage_words: the keywords, values and options of usage lines on stdin
# (those that start with "usage:" or with blanks), up to a wide gap (what
# follows is prose), with upper-case placeholders and the program's name
# left out.
usage_words() {
	grep -E '^(vpnfoctl: )?(usage:|[[:space:]])' | sed -e 's/^vpnfoctl: //' -e 's/^usage://' \
		-e 's/\([^[:space:]]\)   .*/\1/' | tr '[]()|' '     ' |
		tr -s ' \t' '\n\n' | grep -E '^(--?)?[a-z][a-z0-9-]*$' |
		grep -vxE 'vpnfoctl|vpnfod|vpnfo-pki|vpnfo-pkid' | sort -u
}
# getopt_longs SOURCE: the long options of its getopt_long table, as --x.
getopt_longs() {
	sed -n 's/^[[:space:]]*{ "\([a-z][a-z-]*\)", \(no\|required\|optional\)_argument.*/--\1/p' "$1" | sort -u
}

# --- vpnfoctl(8) -----------------------------------------------------------------
$ctl --help >"$tmp/ctl.help" 2>&1
cmds=$(sed -n 's/^  \([a-z][a-z-]*\)  .*/\1/p' "$tmp/ctl.help")
for c in $cmds; do $ctl "$c" help 2>&1; done >"$tmp/ctl.sub"
cat "$tmp/ctl.help" "$tmp/ctl.sub" >"$tmp/ctl.all"
# ctl_forward, ctl_reverse PAGE: the two directions, for the page given.
# Forward: the commands and options of --help, the usage lines of theirs.
# shellcheck disable=SC2046 # one word per token
ctl_forward() {
	all_in "$1" "vpnfoctl's commands and help words" $cmds \
		$(grep -oE -- '--[a-z][a-z-]*' "$tmp/ctl.help") $(usage_words <"$tmp/ctl.sub")
}
ctl_reverse() { true_to "$tmp/ctl.all" "$1" ctl/vpnfoctl/*.c; }
check "vpnfoctl.8: every command of --help and every verb, keyword, value and option of '<command> help'" \
	'ctl_forward $man/vpnfoctl.8'
check "vpnfoctl.8: every option and command word it documents is in the help texts or ctl/vpnfoctl/*.c" \
	'ctl_reverse $man/vpnfoctl.8'

# --- vpnfod(8) -------------------------------------------------------------------
# vpnfod has no --help: an unknown option prints the usage (stderr).
$vpnfod --help >"$tmp/vpnfod.help" 2>&1
check "vpnfod.8: every option of vpnfod's usage" \
	'all_in $man/vpnfod.8 "vpnfod usage options" $(usage_words <"$tmp/vpnfod.help")'
check "vpnfod.8: every long option of vpnfod.c's getopt table" \
	'all_in $man/vpnfod.8 "getopt options" $(getopt_longs ctl/vpnfod/vpnfod.c)'
check "vpnfod.8: every option it documents is in the usage or vpnfod.c" \
	'true_to "$tmp/vpnfod.help" $man/vpnfod.8 ctl/vpnfod/vpnfod.c'

# --- vpnfo-pki(8) ----------------------------------------------------------------
$pki --help >"$tmp/pki.help" 2>&1
# Option lines: the option only; command lines: up to a wide gap (the
# parenthesised note after "user add").
{
	sed -n 1p "$tmp/pki.help"
	sed -n 's/^  \(--[a-z-]*\) .*/  \1/p' "$tmp/pki.help"
	sed -n '/^commands:/,$p' "$tmp/pki.help" | sed 's/   .*//'
} >"$tmp/pki.usage"
check "vpnfo-pki.8: every command, verb and option of vpnfo-pki --help" \
	'all_in $man/vpnfo-pki.8 "vpnfo-pki help words" $(usage_words <"$tmp/pki.usage")'
check "vpnfo-pki.8: every long option of admin.c's getopt table" \
	'all_in $man/vpnfo-pki.8 "getopt options" $(getopt_longs pki/admin.c)'
check "vpnfo-pki.8: every option and command word it documents is in --help or admin.c" \
	'true_to "$tmp/pki.help" $man/vpnfo-pki.8 pki/admin.c'

# --- vpnfo-pkid(8) ---------------------------------------------------------------
$pkid --help >"$tmp/pkid.help" 2>&1
check "vpnfo-pkid.8: every option of vpnfo-pkid --help" \
	'all_in $man/vpnfo-pkid.8 "vpnfo-pkid options" $(usage_words <"$tmp/pkid.help")'
check "vpnfo-pkid.8: every long option of pkid.c's getopt table" \
	'all_in $man/vpnfo-pkid.8 "getopt options" $(getopt_longs pki/pkid.c)'
check "vpnfo-pkid.8: every option and EST operation it documents is in --help, pkid.c or est.c" \
	'true_to "$tmp/pkid.help" $man/vpnfo-pkid.8 pki/pkid.c pki/est.c'

# --- vpnfod.conf(5) --------------------------------------------------------------
cfg=ctl/vpnfod/config.c
ecfg=ctl/vpnfod/enrolled_conf.c
# The keys of parse_kv (and "mask" of the mark line), the sections.
keys=$(sed -n '/^static int parse_kv/,/^}/p' $cfg |
	grep -oE 'strcmp\((key|v\[1\]), "[a-z-]+"\)' | sed 's/.*"\(.*\)".*/\1/' | sort -u)
sections=$(grep -oE 'strcmp\(tok\[0\], "\[[a-z]+"\)' $cfg | sed 's/.*"\[\(.*\)".*/\1/' | sort -u)
okeys=$(sed -n '/^static int opt_kv/,/^}/p' $ecfg |
	grep -oE 'strcmp\((k|v\[1\]), "[a-z-]+"\)' | sed 's/.*"\(.*\)".*/\1/' | sort -u)
algs=$(sed -n '/^static const struct alg_name ike_names/,/^} dh_names/p' $cfg |
	grep -oE '\{ "[a-z0-9-]+",' | sed 's/{ "\(.*\)",/\1/' | sort -u)
conf_keys() {
	list=documented all_in "$1" "config.c keys" $keys &&
	{ [ "$(wc -w <<<"$sections")" = 2 ] || { echo "# sections: $sections"; false; }; } &&
	for s in $sections; do
		grep -qF ".It Li [$s " "$1" || { echo "# no [$s NAME] section item"; false; } || return 1
	done
}
check "vpnfod.conf.5: every key config.c accepts (${keys//$'\n'/ }) and both sections" \
	'conf_keys $man/vpnfod.conf.5'
check "vpnfod.conf.5: every key and value of the options file (enrolled_conf.c)" \
	"list=documented all_in \$man/vpnfod.conf.5 'options-file keys' $(echo $okeys)"
check "vpnfod.conf.5: every IKE, ESP and DH name of config.c's tables" \
	"all_in \$man/vpnfod.conf.5 'algorithm names' $(echo $algs)"
conf_reverse() {
	local extra
	extra=$(documented "$1" | while read -r w; do
		grep -qF "\"$w\"" $cfg $ecfg || grep -qxF "$w" <<<"$sections" || echo "$w"
	done | tr '\n' ' ')
	[ -z "$extra" ] || echo "# vpnfod.conf.5 documents keys no parser takes: $extra"
	[ -z "$extra" ]
}
check "vpnfod.conf.5: every key it documents is taken by a parser" 'conf_reverse $man/vpnfod.conf.5'

# --- environment, cross references -----------------------------------------------------
envs=$(grep -ohE 'getenv\("[A-Z_]+"\)' lib/*.c ctl/vpnfoctl/*.c ctl/vpnfod/*.c pki/*.c pki/lib/*.c |
	sed 's/.*"\(.*\)".*/\1/' | sort -u)
env_missing() {
	local e miss=
	for e in $envs; do
		grep -qE "^\.(It|Ev).* Ev $e( |$)|^\.Ev $e( |$)" $man/*.[578] || miss+=" $e"
	done
	[ -n "$envs" ] && [ -z "$miss" ] || { echo "# not documented:$miss"; false; }
}
check "every environment variable the programs read is documented (${envs//$'\n'/ })" 'env_missing'
xr_missing() {
	local p miss=
	for p in $pages; do
		[ "$p" = vpnfo.7 ] && continue
		grep -qx "\.Xr ${p%.*} ${p##*.}.*" $man/vpnfo.7 || miss+=" $p"
	done
	[ -z "$miss" ] || { echo "# vpnfo.7 does not point at:$miss"; false; }
}
check "vpnfo.7 points at every other page" 'xr_missing'
back_missing() {
	local p miss=
	for p in $pages; do
		[ "$p" = vpnfo.7 ] && continue
		sed -n '/^\.Sh SEE ALSO/,/^\.Sh/p' $man/$p | grep -q '^\.Xr vpnfo 7' || miss+=" $p"
	done
	[ -z "$miss" ] || { echo "# no vpnfo(7) in SEE ALSO of:$miss"; false; }
}
check "every page's SEE ALSO points at vpnfo.7" 'back_missing'

# --- the checks can fail ------------------------------------------------------------------
# A page that lost an option, one that invents one, a vpnfod.conf(5) that
# lost the item of a key it still names elsewhere.
grep -v 'prometheus-file' $man/vpnfoctl.8 >"$tmp/lost.8"
check "the help check refuses a vpnfoctl.8 without --prometheus-file" \
	'! ctl_forward "$tmp/lost.8" >"$tmp/lost.out" && grep -q "lacks .*: --prometheus-file $" "$tmp/lost.out"'
{ cat $man/vpnfoctl.8; printf '.Bl -tag -width Ds\n.It Fl -frobnicate\nInvented.\n.El\n'; } >"$tmp/invented.8"
check "the reverse check refuses a vpnfoctl.8 that documents --frobnicate" \
	'! ctl_reverse "$tmp/invented.8" >"$tmp/inv.out" && grep -q "have: --frobnicate $" "$tmp/inv.out"'
grep -v '^\.It Cm key ' $man/vpnfod.conf.5 >"$tmp/lost.5"
check "the key check refuses a vpnfod.conf.5 that names key but has no item for it" \
	'! conf_keys "$tmp/lost.5" >"$tmp/lost.out" && grep -q "lacks config.c keys: key $" "$tmp/lost.out"'

[ "$n" = 33 ] || { echo "# ran $n checks, the plan says 33"; fails=$((fails + 1)); }
[ "$fails" = 0 ]
