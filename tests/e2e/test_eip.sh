#!/bin/sh
# test_eip.sh: the EIP follows the VIP with real keepalived (stable mode, the bare binary + ln -s install, eip = ID): the first master binds it; kill -9 fails over with the simulator unbinding the EIP on a move (tcvip re-binds it to the new master), then with the EIP following the IP (tcvip only checks it).
. "$(dirname "$0")/lib.sh"
e2e_require

EIP=eip-e2eeip01 EIP_IP=198.19.255.1
E2E_WORLD_EXTRA="\"addresses\": [{\"id\": \"$EIP\", \"ip\": \"$EIP_IP\", \"name\": \"vip-eip\"}], \"eip_on_migrate\": \"unbind\","
e2e_tcvip_conf "eip = $EIP"

# eip_of: "STATUS NODE PRIVATE_IP" of the EIP in the simulator (NODE a, b, or none).
eip_of() {
	e2e_sim_state addresses "$(e2e_eni a)" "$(e2e_eni b)" "$EIP" '
a = v[arg]
print(a["status"], names.get(a["eni"], a["eni"] or "none"), a["private_ip"] or "none")'
}
eip_on() { [ "$(eip_of)" = "BIND $1 $E2E_VIP" ]; }
# calls_since NODE ACTION T: successful ACTION calls of NODE at simulator time >= T.
calls_since() { e2e_calls | awk -v n="$1" -v a="$2" -v t="$3" '$1 >= t && $2 == n && $4 == a && $5 == "Success"' | wc -l; }
checked_since() { [ "$(calls_since "$1" DescribeAddresses "$2")" -ge 1 ]; }
follow_set() { e2e_sim_get state | grep -q '"eip_on_migrate": "follow"'; }

e2e_start_cluster stable none
expect "the first master $M bound the EIP to its ENI and the VIP" wait_for 20 eip_on "$M"
expect "... with AssociateAddress" test "$(calls_since "$M" AssociateAddress 0)" -ge 1
expect "tcvip on $M logged the binding" wait_for 5 e2e_logged "$M" 0 "eip: $EIP \\($EIP_IP\\) is bound to $(e2e_eni "$M")/$E2E_VIP"

# 1. unbind: the move leaves the EIP unbound; the new master's migrate binds it again.
e2e_say "EIP on migrate: unbind; kill -9 keepalived on $M"
E2E_T0=$(e2e_now)
e2e_ka_kill "$M"
must "$P becomes MASTER and holds the VIP in the cloud" e2e_watch_failover "$P" "$E2E_T0" 40
e2e_report_times "kill -9 $M (eip unbind)" "$P"
expect "unbind: the EIP is bound to $P's ENI and the VIP after the failover" wait_for 20 eip_on "$P"
expect "unbind: $P re-bound it (AssociateAddress)" test "$(calls_since "$P" AssociateAddress "$E2E_T0")" -ge 1
expect "unbind: $P logged the re-bind" wait_for 5 e2e_logged "$P" "$E2E_T0" "eip: $EIP \\($EIP_IP\\) is bound to $(e2e_eni "$P")/$E2E_VIP \\(re-bound\\)"
expect "unbind: nothing left for check_self to retry on $P" test ! -e "$E2E_RUN/$P/var-keepalived/eip_pending"

# 2. follow: the EIP moves with the IP; the new master only checks it.
e2e_say "restart keepalived on $M (returns BACKUP); EIP on migrate: follow"
expect "keepalived restarts on $M" e2e_ka_start "$M"
expect "$M comes back as BACKUP" wait_for 20 e2e_state_is "$M" BACKUP
e2e_sim_post config '{"eip_on_migrate": "follow"}' >/dev/null
expect "the simulator now lets the EIP follow the IP" follow_set
e2e_say "kill -9 keepalived on $P"
E2E_T0=$(e2e_now) T2=$E2E_T0
e2e_ka_kill "$P"
must "$M becomes MASTER and holds the VIP in the cloud" e2e_watch_failover "$M" "$T2" 40
e2e_report_times "kill -9 $P (eip follow)" "$M"
expect "follow: the EIP is bound to $M's ENI and the VIP" wait_for 20 eip_on "$M"
expect "follow: $M checked it (DescribeAddresses)" wait_for 10 checked_since "$M" "$T2"
expect "follow: $M logged it bound here" wait_for 5 e2e_logged "$M" "$T2" "eip: $EIP \\($EIP_IP\\) is bound to $(e2e_eni "$M")/$E2E_VIP\$"
expect "follow: no AssociateAddress or DisassociateAddress after the failover" \
	test "$(calls_since "$M" AssociateAddress "$T2")$(calls_since "$M" DisassociateAddress "$T2")" = 00
expect "no secret in any log or argv" e2e_no_secrets
e2e_finish
