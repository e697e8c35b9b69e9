#!/bin/sh
# test_stop_fault.sh: scenario 3, the STOP path (clean stop of the master) and the FAULT path (its interface goes down).
. "$(dirname "$0")/lib.sh"
e2e_require

e2e_start_cluster stable none

# STOP: keepalived on the master stops cleanly (SIGTERM, as systemctl stop does).
e2e_say "clean stop of keepalived on $M"
E2E_T0=$(e2e_now)
e2e_ka_stop "$M"
expect "$M's notify STOP recorded STOP" wait_for 10 e2e_state_file_is "$M" STOP
must "$P becomes MASTER and holds the VIP in the cloud" e2e_watch_failover "$P" "$E2E_T0" 40
expect "the VIP is on $P's NIC" wait_for 10 e2e_nic_has_vip "$P"
expect "keepalived took the VIP off the stopped node's NIC" e2e_not e2e_nic_has_vip "$M"
e2e_report_times "stop $M" "$P"
expect "keepalived restarts on $M" e2e_ka_start "$M"
expect "$M comes back as BACKUP" wait_for 20 e2e_state_is "$M" BACKUP
expect "$P stays master and holder" e2e_hold "$P" 4

# FAULT: the current master's interface goes down.
X=$P Y=$M
e2e_say "link down on $X's eth0"
E2E_T0=$(e2e_now)
e2e_link "$X" down
expect "keepalived on $X enters FAULT" wait_for 10 e2e_state_is "$X" FAULT
expect "$X's notify FAULT recorded FAULT" wait_for 10 e2e_state_file_is "$X" FAULT
must "$Y becomes MASTER and holds the VIP in the cloud" e2e_watch_failover "$Y" "$E2E_T0" 40
expect "the VIP is on $Y's NIC" wait_for 10 e2e_nic_has_vip "$Y"
expect "the VIP is not on the faulted node's NIC" wait_for 10 e2e_not e2e_nic_has_vip "$X"
e2e_report_times "link down on $X" "$Y"

e2e_say "link up on $X's eth0"
e2e_link "$X" up
expect "$X leaves FAULT for BACKUP" wait_for 20 e2e_state_is "$X" BACKUP
expect "$X's tcvip state is BACKUP" wait_for 10 e2e_state_file_is "$X" BACKUP
expect "converged on $Y: master, cloud holder, VIP on its NIC only" wait_for 20 e2e_converged "$Y"
expect "for 6 s nothing moves" e2e_hold "$Y" 6
expect "no secret in any log or argv" e2e_no_secrets
e2e_finish
