#!/bin/sh
# test_stable.sh: scenario 1, stable mode (both BACKUP, nopreempt): a master and the cloud agree; kill -9 fails over; the old master's return moves nothing.
. "$(dirname "$0")/lib.sh"
e2e_require

e2e_start_cluster stable none
expect "tcvip state on $M is MASTER" wait_for 5 e2e_state_file_is "$M" MASTER
expect "tcvip state on $P is BACKUP" e2e_state_file_is "$P" BACKUP
expect "the first master assigned the unheld VIP (AssignPrivateIpAddresses)" \
	test "$(e2e_count_moves "$M" 0)" -ge 1
expect_rc 0 "vip query on $M: exit 0" e2e_vip "$M" query
expect_out '^true$' "vip query on $M says true"
expect_rc 1 "vip query on $P: exit 1" e2e_vip "$P" query
expect_out '^false$' "vip query on $P says false"

# kill -9 the master's keepalived (a crash): the other node takes over, in the cloud and on its NIC.
e2e_kill_failover "$M" "$P" "holds the VIP in the cloud"
expect "$P migrated it from $M's ENI (MigratePrivateIpAddress)" test "$(e2e_count_moves "$P" "$E2E_T0")" -ge 1
e2e_report_times "kill -9 $M" "$P"

# the old master returns: it comes back BACKUP and nothing moves.
e2e_say "restart keepalived on $M"
T1=$(e2e_now)
expect "keepalived restarts on $M" e2e_ka_start "$M"
expect "the stale VIP leaves $M's NIC" wait_for 10 e2e_not e2e_nic_has_vip "$M"
# one_process NODE T A B: one tcvip process on NODE logged both A and B (fixed strings) since T.
one_process() {
	local _p
	_p=$(e2e_log_since "$1" "$2" | grep -F -- "$3" | grep -o '\[pid[0-9]*\]' | head -n 1)
	[ -n "$_p" ] && e2e_log_since "$1" "$2" | grep -F -- "$_p" | grep -qF -- "$4"
}
if e2e_ka_1x; then # 1.x does not remove it at start: tcvip's BACKUP notify does, at once
	expect "... removed by tcvip's BACKUP notify itself (keepalived 1.x left it)" \
		wait_for 5 one_process "$M" "$T1" "notify: BACKUP: removed VIP $E2E_VIP from eth0" "-> BACKUP"
fi
expect "$M comes back as BACKUP" wait_for 20 e2e_state_is "$M" BACKUP
expect "the returning node never puts the VIP back on its NIC (8 s)" e2e_never_on_nic "$M" 8
expect "the returning node's check_self did not act as MASTER on the stale state file" \
	e2e_not e2e_logged "$M" "$T1" "check_self: MASTER"
expect "for 10 s nothing moves: $P stays master and holder" e2e_hold "$P" 10
expect "no migration after $M returned" test "$(e2e_count_moves a "$T1")$(e2e_count_moves b "$T1")" = 00
expect "tcvip state on $M is BACKUP" e2e_state_file_is "$M" BACKUP
expect "tcvip logged the transitions on both nodes" sh -c "grep -q MASTER $E2E_RUN/$P/log/keepalived.log && grep -q BACKUP $E2E_RUN/$M/log/keepalived.log"
expect "no secret in any log or argv" e2e_no_secrets
e2e_finish
