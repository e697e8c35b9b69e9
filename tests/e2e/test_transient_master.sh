#!/bin/sh
# test_transient_master.sh: the backup is master for a moment (it stops hearing the master), takes the VIP in the cloud, then yields; the real master, never notified of a transition, gets MASTER_RX_LOWER_PRI and takes the VIP back at once, not after query_interval (30 s here).
. "$(dirname "$0")/lib.sh"
e2e_require

ADVERT=1	# advert_int of the templates
e2e_tcvip_conf "query_interval = 30"	# check_self alone would take up to 30 s
e2e_start_cluster preempt none
must "the standing master is a (priority 50)" test "$M" = a
e2e_ka_mark a; e2e_ka_mark b

# b stops hearing a (and a stops hearing b): b becomes master and takes the VIP in the cloud.
e2e_block_vrrp b
expect "b becomes MASTER while it cannot hear a" wait_for 15 e2e_state_is b MASTER
expect "b takes the VIP in the cloud during its mastership" wait_for 15 e2e_holder_is b
T0=$(e2e_now)
e2e_unblock_vrrp b
expect "b hears a again and goes back to BACKUP" wait_for 10 e2e_state_is b BACKUP
expect "the cloud gives the VIP back to a" wait_for 20 e2e_holder_is a
t_back=$(e2e_since "$T0")
e2e_say "time: VRRP back -> cloud holder a: +$t_back s (bound: 2 advert intervals + the task, ${E2E_TASK_SECONDS} s, + 3 s slack; without MASTER_RX_LOWER_PRI it waits for query_interval, 30 s)"
expect "... within 2 advert intervals plus the task time (+3 s slack): $t_back s" \
	awk -v t="$t_back" -v b="$((2 * ADVERT + E2E_TASK_SECONDS + 3))" 'BEGIN { exit !(t <= b) }'
expect "a never left MASTER (no transition, so no notify_master)" e2e_not e2e_ka_logged a "Entering [A-Z]+ STATE"
expect "a's tcvip heard MASTER_RX_LOWER_PRI" e2e_logged a "${T0%.*}" "MASTER_RX_LOWER_PRI.*checking the cloud"
expect "a's state stays MASTER" e2e_state_file_is a MASTER
expect "b's state is BACKUP" e2e_state_file_is b BACKUP
expect "settled: a is master, holder and the only NIC with the VIP" e2e_settle a 20
expect "no secret in any log or argv" e2e_no_secrets
e2e_finish
