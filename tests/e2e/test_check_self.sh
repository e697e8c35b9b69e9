#!/bin/sh
# test_check_self.sh: check_self's reconcile under a real keepalived (every version make test runs): a VIP added by hand to the BACKUP's NIC is removed and restart_command runs; a holder moved out of band goes back to the master.
. "$(dirname "$0")/lib.sh"
e2e_require

e2e_start_cluster stable none
expect "tcvip state on $M is MASTER" wait_for 5 e2e_state_file_is "$M" MASTER
expect "the pair settles on $M" e2e_settle "$M" 30
rm -f "$E2E_RUN/$P/log/restart-requests"

# A VIP on the BACKUP's NIC, put there by hand (or left by a keepalived that does not clean up).
e2e_say "add the VIP to $P's NIC by hand"
T1=$(e2e_now)
ip -n "$(e2e_ns "$P")" addr add "$E2E_VIP/32" dev eth0
expect "check_self on $P removes it from the NIC (the kernel's addresses)" wait_for 30 e2e_not e2e_nic_has_vip "$P"
expect "... and says so in tcvip's log" e2e_logged "$P" "$T1" "check_self: state BACKUP: removed stray VIP $E2E_VIP from eth0"
expect "... and runs restart_command" wait_for 10 test -s "$E2E_RUN/$P/log/restart-requests"
expect "$M is still master, holder and the only NIC with the VIP" e2e_settle "$M" 30

# The holder moved in the cloud behind keepalived's back (another tool, a console click).
e2e_say "move the VIP to $P's ENI out of band"
T2=$(e2e_now)
# check_self on $M may take it back before a second look at the simulator, so the move is checked
# in the simulator's own answer and in what $M's check_self saw in the cloud.
MOVED=$(e2e_sim_post holder "{\"ip\": \"$E2E_VIP\", \"eni\": \"$(e2e_eni "$P")\"}")
expect "the simulator moved it to $P's ENI" test "$(printf %s "$MOVED" | tr -d ' ')" = '{"ok":true}'
expect "check_self on $M sees it on $P's ENI" wait_for 22 e2e_logged "$M" "$T2" \
	"check_self: cloud: VIP $E2E_VIP is on $(e2e_eni "$P"), not on this node"
expect "check_self on $M takes it back within query_interval + 20 s" wait_for 22 e2e_holder_is "$M"
expect "... and says why in tcvip's log" e2e_logged "$M" "$T2" "check_self: MASTER without the VIP in the cloud"
expect "$M's take-over was a MigratePrivateIpAddress" test "$(e2e_count_moves "$M" "$T2")" -ge 1
expect "the pair agrees on $M again" e2e_settle "$M" 30
expect "no secret in any log or argv" e2e_no_secrets
e2e_finish
