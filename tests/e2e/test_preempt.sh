#!/bin/sh
# test_preempt.sh: scenario 2, preempt mode (MASTER 50 / BACKUP 30): failover on kill -9, failback when the master returns.
. "$(dirname "$0")/lib.sh"
e2e_require

# The VIP starts on b's ENI in the cloud: a, the standing master, must migrate it.
e2e_start_cluster preempt b
expect "the standing master is a" test "$M" = a
expect "a migrated the VIP from b's ENI" test "$(e2e_count_moves a 0)" -ge 1

e2e_say "kill -9 keepalived on a"
E2E_T0=$(e2e_now)
e2e_ka_kill a
must "failover: b becomes MASTER and holds the VIP in the cloud" e2e_watch_failover b "$E2E_T0" 40
expect "the VIP is on b's NIC" wait_for 10 e2e_nic_has_vip b
e2e_report_times "kill -9 a" b

e2e_say "restart keepalived on a"
E2E_T0=$(e2e_now)
expect "keepalived restarts on a" e2e_ka_start a
must "failback: a preempts and holds the VIP in the cloud" e2e_watch_failover a "$E2E_T0" 40
expect "failback converges: VIP on a's NIC only, b BACKUP" wait_for 20 e2e_converged a
expect "b's tcvip state is BACKUP" wait_for 5 e2e_state_file_is b BACKUP
e2e_report_times "restart a (failback)" a
expect "for 6 s nothing moves: a stays master and holder" e2e_hold a 6
expect "no secret in any log or argv" e2e_no_secrets
e2e_finish
