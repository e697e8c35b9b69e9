#!/bin/sh
# test_man.sh: man/tcvip.8 and man/tcvip.conf.5 are mandoc-lint clean and cannot drift: every applet (tcvip --list), vip sub-command (vip --help), option (tcvip --help) and config key (src/cfg.c's table) has its entry, and the pages name no key the parser lacks.
. "$(dirname "$0")/../lib.sh"
B=$TCVIP_BIN
M8=$T_TOP/man/tcvip.8
M5=$T_TOP/man/tcvip.conf.5

if ! command -v mandoc >/dev/null 2>&1; then
	echo "SKIP: mandoc not installed (make deps-test)"; t_done; exit 0
fi
for m in "$M8" "$M5"; do
	# Warnings and worse fail; style notes (long source lines) are allowed.
	expect_rc 0 "mandoc -T lint -W warning $(basename "$m"): exit 0" mandoc -T lint -W warning "$m"
	expect "mandoc -T lint -W warning $(basename "$m"): no message" test -z "$T_OUT"
done

# The lists, from the binary and the parser's table.
applets=$("$B" --list | cut -d" " -f1)	# NAME LINK [alias=NAME] [config]
subs=$("$B" vip --help | sed -n 's/^  \([a-z][a-z_-]*\) .*/\1/p')
opts=$("$B" --help | grep -oE '(^| |\[)--?[a-z][a-z-]*' | sed 's/^[ [|]*//' | sort -u)
keys=$(sed -n '/^static const struct key keys\[\] = {/,/^};/p' "$T_TOP/src/cfg.c" |
	sed -n 's/^[[:space:]]*{ "\([a-z_]*\)".*/\1/p; s/^[[:space:]]*[A-Z][A-Z]*(\([a-z_]*\)[,)].*/\1/p')
expect "tcvip --list names applets" test -n "$applets"
expect "vip --help names migrate, query, status, doctor, drill and keepalived-conf" \
	test "$(echo $subs)" = "migrate query status doctor drill keepalived-conf"
expect "tcvip --help names --install, --list, --version, -c and -v" \
	sh -c 'for o in --install --list --version -c -v; do echo "$0" | grep -qx -- "$o" || exit 1; done' "$opts"
expect "src/cfg.c's key table parsed (vip ... restart_command, $(echo "$keys" | wc -l) keys)" \
	sh -c 'echo "$0" | head -n 1 | grep -qx vip && echo "$0" | tail -n 1 | grep -qx restart_command && [ "$(echo "$0" | wc -l)" -ge 20 ]' "$keys"

# section FILE NAME: the lines of section .Sh NAME.
section() { awk -v s=".Sh $2" '$0 == s { on = 1; next } /^\.Sh / { on = 0 } on' "$1"; }
# missing WHAT LIST CMD...: every word of LIST makes CMD WORD succeed; names the first missing.
missing() {
	_what=$1 _list=$2; shift 2
	for _w in $_list; do "$@" "$_w" || { echo "$_what $_w lacks its man entry"; return 1; }; done
	return 0
}
has_applet() { grep -qx "\.Ss $1" "$M8" && section "$M8" 'EXIT STATUS' | grep -qE "^\.It Nm $1(\.sh)?( Cm [a-z]+)?\$"; }
has_sub() { section "$M8" APPLETS | grep -qE "^\.It Cm $1( |\$)" && section "$M8" 'EXIT STATUS' | grep -qx "\.It Nm vip Cm $1"; }
has_opt() { grep -qE "(^|[ ])Fl ${1#-}( |\$)" "$M8"; }
has_key() { section "$M5" KEYS | grep -qx "\.It Ic $1"; }
T_OUT=$(missing applet "$applets" has_applet)
expect "every applet has its section and exit status in tcvip(8) ($(echo $applets)): $T_OUT" test -z "$T_OUT"
T_OUT=$(missing "vip sub-command" "$subs" has_sub)
expect "every vip sub-command has its entry and exit status in tcvip(8): $T_OUT" test -z "$T_OUT"
T_OUT=$(missing option "$opts" has_opt)
expect "every option of tcvip --help is in tcvip(8): $T_OUT" test -z "$T_OUT"
T_OUT=$(missing "config key" "$keys" has_key)
expect "every config key has its entry in tcvip.conf(5): $T_OUT" test -z "$T_OUT"
documented=$(section "$M5" KEYS | sed -n 's/^\.It Ic \([a-z_]*\)$/\1/p')
T_OUT=$(missing "documented key" "$documented" sh -c 'echo "$0" | grep -qx "$1"' "$keys")
expect "tcvip.conf(5) documents no key the parser lacks: $T_OUT" test -z "$T_OUT"
expect "every key of README's table is in src/cfg.c (or a pair like vpc / region)" \
	sh -c 'for k in $(sed -n "/^## Configuration/,/^### /s/^| \`\([a-z_]*\)\`.*/\1/p" "$1"); do echo "$0" | grep -qx "$k" || exit 1; done' "$keys" "$T_TOP/README.md"

# The check itself bites: a key, an applet or a sub-command without an entry is reported.
T_OUT=$(missing "config key" "$keys bogus_key" has_key)
expect "a key without a man entry is caught ($T_OUT)" test "$T_OUT" = "config key bogus_key lacks its man entry"
T_OUT=$(missing applet "$applets bogus_applet" has_applet)
expect "an applet without a man entry is caught" test "$T_OUT" = "applet bogus_applet lacks its man entry"
T_OUT=$(missing "vip sub-command" "$subs bogus" has_sub)
expect "a vip sub-command without a man entry is caught" test "$T_OUT" = "vip sub-command bogus lacks its man entry"

# The pages render.
expect "tcvip(8) renders" sh -c 'mandoc -T ascii "$0" | sed "s/.\x08//g" | grep -q "EXIT STATUS"' "$M8"
expect "tcvip.conf(5) renders" sh -c 'mandoc -T ascii "$0" | sed "s/.\x08//g" | grep -q restart_command' "$M5"
t_done
