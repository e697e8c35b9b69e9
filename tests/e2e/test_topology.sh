#!/bin/sh
# test_topology.sh: the e2e harness itself: namespaces, simulator reachable by the real host names, keepalived VRRP alone, teardown.
. "$(dirname "$0")/lib.sh"
e2e_require

must "topology comes up" e2e_topology
e2e_world b
must "simulator starts in the cloud namespace" e2e_sim_start
for n in a b; do
	expect "node $n: no default route" sh -c "! ip -n $(e2e_ns $n) route show default | grep -q ."
	expect "node $n: metadata.tencentyun.com resolves to the cloud" \
		sh -c "ip netns exec $(e2e_ns $n) getent hosts metadata.tencentyun.com | grep -q '^$E2E_CLOUD_IP '"
	T_OUT=$(ip netns exec "$(e2e_ns $n)" curl -sS --max-time 5 http://metadata.tencentyun.com/latest/meta-data/mac 2>&1)
	expect "node $n: metadata answers by source address, MAC in upper case as documented ($(e2e_mac $n | tr a-f A-F))" test "$T_OUT" = "$(e2e_mac $n | tr a-f A-F)"
	expect "node $n: eth0 has the MAC the world file says" \
		sh -c "ip -n $(e2e_ns $n) -o link show eth0 | grep -q 'link/ether $(e2e_mac $n) '"
	expect "node $n: API over TLS verifies with the system bundle (test CA)" \
		sh -c "ip netns exec $(e2e_ns $n) curl -sS --max-time 5 -o /dev/null -X POST https://vpc.internal.tencentcloudapi.com/"
	expect "node $n: legacy API host name verifies too" \
		sh -c "ip netns exec $(e2e_ns $n) curl -sS --max-time 5 -o /dev/null https://vpc.api.tencentyun.com/v2/index.php"
	e2e_in "$n" sh -c "echo $n >/var/keepalived/probe && echo $n >/var/log/probe"
	expect "node $n: /var/keepalived and /var/log are its own" \
		sh -c "grep -qx $n '$E2E_RUN/$n/var-keepalived/probe' && grep -qx $n '$E2E_RUN/$n/log/probe' && ! test -e /var/keepalived/probe"
done
expect "simulator sees the VIP on node b's ENI" e2e_holder_is b

# keepalived alone (notify/check scripts are /bin/true): VRRP works between the namespaces.
for n in a b; do e2e_node_setup "$n" stable true; done
for n in a b; do expect "keepalived starts on $n" e2e_ka_start "$n"; done
m=$(e2e_wait_master 15)
expect "one keepalived MASTER emerges (got: $m)" sh -c "case $m in a|b) true ;; *) false ;; esac"
p=$(e2e_peer "$m" 2>/dev/null)
expect "the other one is BACKUP" wait_for 5 e2e_state_is "$p" BACKUP
expect "the VIP is on the master's NIC" wait_for 5 e2e_nic_has_vip "$m"
expect "the VIP is not on the backup's NIC" sh -c "! ip -n $(e2e_ns "$p") -4 -o addr show dev eth0 | grep -q ' $E2E_VIP/'"
T0=$(e2e_now)
e2e_ka_kill "$m"
expect "kill -9 of the master: the backup takes over" wait_for 10 e2e_state_is "$p" MASTER
e2e_say "time: kill -> MASTER on $p (keepalived only): $(e2e_since "$T0") s"
expect "the VIP is on the new master's NIC" wait_for 5 e2e_nic_has_vip "$p"
expect "keepalived stops cleanly on $p" e2e_ka_stop "$p"

# keepalived runs tcvip's applets through /etc/keepalived/{notify_action,check_self}.sh as the
# user lays them (ln -s; E2E_LINKS picks another way). keepalived 2.2.7 execs realpath(script),
# so argv[0] of a symlinked applet is the binary's own name: its arguments and parent tell.
e2e_tcvip_conf
for n in a b; do e2e_node_setup "$n" stable; done
e2e_say "applets installed as: $(ls -l "/etc/netns/$(e2e_ns a)/keepalived/check_self.sh" | sed 's/.*check_self.sh/check_self.sh/')"
for n in a b; do e2e_ka_mark "$n"; expect "keepalived with tcvip starts on $n" e2e_ka_start "$n"; done
for n in a b; do
	expect "node $n: keepalived's notify reaches notify_action (state file written)" \
		wait_for 10 sh -c "grep -qE '^(MASTER|BACKUP)' '$E2E_RUN/$n/var-keepalived/state'"
	expect "node $n: keepalived's track script reaches check_self (no usage exit 2)" \
		e2e_not e2e_ka_logged "$n" "exited with status 2"
done

# teardown leaves nothing behind
e2e_teardown
left=$(ip netns list | grep -c -- "-$E2E_ID\b")
expect "teardown removes the namespaces" test "$left" = 0
expect "teardown removes /etc/netns entries" sh -c "! ls -d /etc/netns/tcv-*-$E2E_ID 2>/dev/null | grep -q ."
expect "teardown removes the run directory" test ! -e "$E2E_RUN"
e2e_finish
