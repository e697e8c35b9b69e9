#!/bin/sh
# test_kaconf.sh: `vip keepalived-conf` against the simulator's metadata in a private namespace: the node's address, NIC and instance id filled in, its own address dropped from the peers, --output (temp+rename, 0644, an old file kept on failure), and each error's one line and exit code.
. "$(dirname "$0")/../lib.sh"
private_netns "$0"
[ "${T_NETNS:-0}" = 1 ] || { echo "SKIP: needs root (a private network namespace)"; t_done; exit 0; }
sim_start || { not_ok "simulator starts"; t_done; exit 1; }
d=$T_TMP/node; mkdir -p "$d"; ln -s "$TCVIP_BIN" "$d/vip"
TPL=$T_TOP/image/keepalived.stable.conf
SELF=198.18.0.11 OTHER=198.18.0.12
DEAD=http://127.0.0.1:$(free_port)

# conf [LINE...]: tcvip.conf for node A (the simulator's metadata answers as instance a, with
# tv0's MAC); no interface: it is discovered. Later lines win.
conf() {
	conf_write "$d/tcvip.conf" "vip = 198.18.0.100" "metadata = $SIM_META" "state_dir = $d/state" \
		"log_file = $d/tcvip.log" "$@"
	export TCVIP_CONFIG=$d/tcvip.conf
}
kc() { "$d/vip" keepalived-conf "$@" 2>"$d/err"; }
err() { cat "$d/err"; }
err_has() { grep -qF -- "$1" "$d/err" && [ "$(wc -l <"$d/err")" -le 2 ]; }
# peers FILE: the addresses in its unicast_peer block, one line.
peers() { awk '/unicast_peer/ { on = 1; next } on && /}/ { on = 0 } on { print $1 }' "$1" | tr '\n' ' ' | sed 's/ $//'; }
printf 'e2epass\n' >"$d/pass"
conf

# --- the node filled in ---
expect_rc 0 "shipped stable template, both nodes as peers: exit 0" kc --template "$TPL" --auth-pass-file "$d/pass" --peer $SELF --peer $OTHER
printf '%s\n' "$T_OUT" >"$d/out"
expect "unicast_src_ip is metadata's local-ipv4" grep -qx "    unicast_src_ip $SELF" "$d/out"
expect "unicast_peer holds the other node alone: $(peers "$d/out")" test "$(peers "$d/out")" = $OTHER
expect "interface is the NIC with metadata's MAC (tv0)" grep -qx "    interface tv0" "$d/out"
expect "router_id is the instance id" grep -qx "   router_id ins-simnodea" "$d/out"
expect "the VIP and auth_pass" sh -c 'grep -qx "        198.18.0.100" "$0" && grep -qx "        auth_pass e2epass" "$0"' "$d/out"
expect "the first line names the template" sh -c 'head -n 1 "$0" | grep -qF "from $1 for this node ($2 on tv0)"' "$d/out" "$TPL" $SELF
expect "no placeholder left outside comments" sh -c '! grep -v "^[[:space:]]*[!#]" "$0" | grep -q "@[A-Z_]*@"' "$d/out"
expect "but the template's comments are as they were" sh -c 'grep -F "! Placeholders:" "$0" | grep -qF @SELF_IP@' "$d/out"
expect "the rest is the template's: one line more (one peer, one VIP)" test "$(wc -l <"$d/out")" = "$(($(wc -l <"$TPL") + 1))"
expect_rc 0 "this node's address not among the peers: exit 0" kc --template "$TPL" --auth-pass-file "$d/pass" --peer $OTHER --peer 198.18.0.13
printf '%s\n' "$T_OUT" >"$d/out2"
expect "... both peers kept, in order" test "$(peers "$d/out2")" = "$OTHER 198.18.0.13"
expect_rc 0 "preempt template, --master this node" kc --template "$T_TOP/image/keepalived.preempt.conf" --auth-pass-file "$d/pass" --peer $OTHER --master $SELF
expect_out "^    state MASTER\$" "... state MASTER"
expect_out "^    priority 50\$" "... priority 50"
expect_rc 0 "preempt template, --master the other node" kc --template "$T_TOP/image/keepalived.preempt.conf" --auth-pass-file "$d/pass" --peer $OTHER --master $OTHER
expect_out "^    state BACKUP\$" "... state BACKUP"
expect_out "^    priority 30\$" "... priority 30"

# --- --output ---
umask 077
expect_rc 0 "--output FILE: exit 0, nothing on stdout" kc --template "$TPL" --auth-pass-file "$d/pass" --peer $SELF --peer $OTHER --output "$d/keepalived.conf"
expect "... nothing on stdout" test -z "$T_OUT"
expect "... the same text as on stdout" cmp -s "$d/keepalived.conf" "$d/out"
expect "... mode 0644 under umask 077" test "$(stat -c %a "$d/keepalived.conf")" = 644
expect "... no temporary file left" test "$(ls -a "$d" | grep -c '\.tmp$')" = 0
expect "... logged to log_file" grep -qF "keepalived-conf: wrote $d/keepalived.conf" "$d/tcvip.log"
ino=$(stat -c %i "$d/keepalived.conf")
expect_rc 0 "--output over an old file" kc --template "$TPL" --auth-pass-file "$d/pass" --peer $OTHER --output "$d/keepalived.conf"
expect "... replaced by rename (a new inode)" test "$(stat -c %i "$d/keepalived.conf")" != "$ino"
umask 022
cp "$d/keepalived.conf" "$d/before"
conf "metadata = $DEAD"
expect_rc 1 "metadata unreachable: exit 1" kc --template "$TPL" --auth-pass-file "$d/pass" --peer $OTHER --output "$d/keepalived.conf"
expect "... the message names the metadata service: $(err | tail -n 1)" grep -qF "keepalived-conf: metadata $DEAD: local-ipv4 unreachable" "$d/err"
expect "... the old keepalived.conf is kept" cmp -s "$d/keepalived.conf" "$d/before"
conf
expect_rc 1 "--output into a missing directory: exit 1" kc --template "$TPL" --auth-pass-file "$d/pass" --peer $OTHER --output "$d/nodir/keepalived.conf"
expect "... names it: $(err)" err_has "--output $d/nodir/keepalived.conf: no directory $d/nodir"
conf "interface = lo"
expect_rc 1 "tcvip.conf's interface does not carry local-ipv4: exit 1" kc --template "$TPL" --auth-pass-file "$d/pass" --peer $OTHER
expect "... says where it is: $(err)" err_has "metadata local-ipv4 $SELF is not on lo (tv0)"
conf

# --- usage and template errors: exit 2, before any metadata call ---
expect_rc 2 "only this node's own address as peer: exit 2" kc --template "$TPL" --auth-pass-file "$d/pass" --peer $SELF
expect "... says so: $(err)" err_has "no --peer left once this node's own address $SELF is dropped"
conf "metadata = $DEAD"
expect_rc 2 "no --peer: exit 2" kc --template "$TPL"
expect "... says so: $(err)" err_has "at least one --peer IP is needed"
expect_rc 2 "a bad --peer: exit 2" kc --template "$TPL" --peer 198.18.0.300
expect "... names it: $(err)" err_has "--peer 198.18.0.300: not an IPv4 address"
expect_rc 2 "a bad --master: exit 2" kc --peer $OTHER --master nodea
expect "... names it: $(err)" err_has "--master nodea: not an IPv4 address"
expect_rc 2 "an option without its value: exit 2" kc --peer
expect_rc 2 "an unknown option: exit 2" kc --peer $OTHER --bogus x
expect "... names it: $(err)" err_has "unknown option: --bogus"
expect_rc 2 "a missing template: exit 2" kc --template "$d/none.conf" --peer $OTHER
expect "... names it: $(err)" err_has "template $d/none.conf: cannot open: No such file or directory"
printf 'vrrp_instance VI_1 {\n    interface @INTERFACE@\n    priority @PRIO@\n}\n' >"$d/bad.tpl"
expect_rc 2 "an unknown placeholder: exit 2 (metadata down: the template is checked first)" kc --template "$d/bad.tpl" --peer $OTHER
expect "... names file:line and the placeholder: $(err)" err_has "$d/bad.tpl:3: @PRIO@ is not one vip keepalived-conf fills"
expect_rc 2 "@AUTH_PASS@ without --auth-pass-file: exit 2" kc --template "$TPL" --peer $OTHER
expect "... says what it needs: $(err)" err_has "keepalived.stable.conf:$(grep -n 'auth_pass @AUTH_PASS@' "$TPL" | cut -d: -f1): @AUTH_PASS@ needs --auth-pass-file FILE"
expect_rc 2 "preempt's @STATE@ without --master: exit 2" kc --template "$T_TOP/image/keepalived.preempt.conf" --auth-pass-file "$d/pass" --peer $OTHER
expect "... says what it needs: $(err)" err_has "@STATE@ is preempt mode's: needs --master IP"
printf '123456789\n' >"$d/longpass"
expect_rc 2 "an auth pass of 9 characters: exit 2" kc --template "$TPL" --auth-pass-file "$d/longpass" --peer $OTHER
expect "... says why: $(err)" err_has "auth pass file $d/longpass: the first line must be 1 to 8 printable characters"
expect "... and never prints it" sh -c '! grep -q 123456789 "$0"' "$d/err"
expect_rc 2 "a missing auth pass file: exit 2" kc --template "$TPL" --auth-pass-file "$d/nopass" --peer $OTHER
expect "... names it: $(err)" err_has "auth pass file $d/nopass: cannot open"
head -c 70000 /dev/zero | tr '\0' '!' >"$d/huge.tpl"
expect_rc 2 "a template over 64 KiB: exit 2" kc --template "$d/huge.tpl" --peer $OTHER
expect "... says so: $(err)" err_has "template $d/huge.tpl: too large"
expect_rc 0 "vip keepalived-conf --help: exit 0" "$d/vip" keepalived-conf --help
expect_out "keepalived-conf --peer IP" "... shows its usage"
t_done
