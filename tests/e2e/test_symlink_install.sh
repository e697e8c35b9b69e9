#!/bin/sh
# test_symlink_install.sh: the design card's install under real keepalived: the bare binary alone in a root-owned directory, `ln -s` as the kit's names; fails over with and without enable_script_security (and 2.3's use_symlink_paths), and through hard links and copies.
. "$(dirname "$0")/lib.sh"
e2e_require

KA=${KEEPALIVED:-keepalived}
KA_VERSION=$("$KA" --version 2>&1 | sed -n 's/^Keepalived v\([0-9.]*\).*/\1/p' | head -n 1)
e2e_say "keepalived $KA_VERSION ($KA)"
# VARIANT = LINKS:GLOBALS (GLOBALS comma-separated, see e2e_node_setup's E2E_KA_GLOBALS).
VARIANTS=${E2E_VARIANTS:-"symlink: symlink:-enable_script_security hard: copy:"}
case $KA_VERSION in
2.[3-9]* | [3-9]*) VARIANTS="$VARIANTS symlink:use_symlink_paths symlink:-enable_script_security,use_symlink_paths" ;;
esac

must "topology comes up" e2e_topology
e2e_tcvip_conf
e2e_world none
must "simulator starts" e2e_sim_start

# The user's install: nothing but the binary in its directory, a root-owned path.
expect "the binary sits alone in its directory" test "$(ls -A "$E2E_RUN/bin")" = tcvip
expect "its directory is root-owned and not group/world writable" \
	sh -c "stat -c '%U %A' '$E2E_RUN/bin' | grep -qE '^root d....-..-'"

# variant_run LINKS GLOBALS: both nodes laid out so, keepalived started, one master that the
# cloud agrees with, then kill -9 of that master: the other node takes over, in the cloud too.
variant_run() {
	local _links=$1 _globals _n _what
	_globals=$(echo "$2" | tr , ' ')
	_what="links=$_links${_globals:+ globals: $_globals}"
	e2e_say "---- $_what"
	for _n in a b; do
		E2E_LINKS=$_links E2E_KA_GLOBALS=$_globals e2e_node_setup "$_n" stable || { not_ok "$_what: node $_n set up"; return; }
		rm -f "$E2E_RUN/$_n/var-keepalived/"* 2>/dev/null
	done
	_k=/etc/netns/$(e2e_ns a)/keepalived
	case $_links in
	symlink) expect "$_what: notify_action.sh and check_self.sh are symlinks to the binary" \
		sh -c "test -L $_k/notify_action.sh && test -L $_k/check_self.sh && test $_k/check_self.sh -ef $E2E_RUN/bin/tcvip" ;;
	*) expect "$_what: the kit's names are real files" sh -c "test -f $_k/check_self.sh && ! test -L $_k/check_self.sh" ;;
	esac
	for _n in a b; do e2e_ka_mark "$_n"; e2e_ka_start "$_n" || not_ok "$_what: keepalived starts on $_n"; done
	M=$(e2e_wait_master 30 "exited with status 2")
	case $M in a | b) ok "$_what: a keepalived MASTER emerges ($M)" ;; *) not_ok "$_what: a keepalived MASTER emerges (got $M)"; e2e_diagnose ;; esac
	P=$(e2e_peer "$M" 2>/dev/null || echo b)
	expect "$_what: master $M holds the VIP in the cloud and on its NIC" wait_for 30 e2e_converged "$M"
	expect "$_what: notify reached notify_action on $M (state MASTER)" wait_for 5 e2e_state_file_is "$M" MASTER
	expect "$_what: notify reached notify_action on $P (state BACKUP)" wait_for 5 e2e_state_file_is "$P" BACKUP
	for _n in a b; do
		expect "$_what: node $_n: check_self never exited 2 or 127 (usage, applet not found)" \
			e2e_not e2e_ka_logged "$_n" "exited with status (2|127)"
	done
	e2e_kill_expect "$_what" "$M" "$P"
	e2e_ka_stop "$P"
	for _n in a b; do ip -n "$(e2e_ns "$_n")" addr del "$E2E_VIP/32" dev eth0 2>/dev/null; done
}

for v in $VARIANTS; do variant_run "${v%%:*}" "${v#*:}"; done
expect "no secret in any log or argv" e2e_no_secrets
e2e_finish
