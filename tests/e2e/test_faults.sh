#!/bin/sh
# test_faults.sh: scenario 5, cloud faults during failover: throttling, internal errors, a timeout; the API down 20 s; the API clock 15 min off.
. "$(dirname "$0")/lib.sh"
e2e_require

# migrate_timeout shorter than the outage in B, so that check_self, not the notify's migrate,
# has to bring the VIP home once the API is back.
e2e_tcvip_conf "migrate_timeout = 12"
e2e_start_cluster stable none

# A. The first MigratePrivateIpAddress calls answer RequestLimitExceeded, InternalError, then hang
#    past tcvip's HTTP timeout: the VIP still lands.
for f in '{"kind": "error", "action": "MigratePrivateIpAddress", "code": "RequestLimitExceeded", "message": "throttled", "count": 1}' \
	'{"kind": "error", "action": "MigratePrivateIpAddress", "code": "InternalError", "message": "boom", "count": 1}' \
	'{"kind": "delay", "action": "MigratePrivateIpAddress", "seconds": 6, "count": 1}'; do
	e2e_sim_post fault "$f" >/dev/null
done
e2e_say "faults armed; kill -9 keepalived on $M"
E2E_T0=$(e2e_now)
e2e_ka_kill "$M"
must "despite the faults, $P becomes MASTER and holds the VIP in the cloud" e2e_watch_failover "$P" "$E2E_T0" 60
expect "the VIP is on $P's NIC" wait_for 10 e2e_nic_has_vip "$P"
e2e_report_times "kill -9 $M, 3 faulty Migrate calls" "$P"
expect "$P stayed MASTER" e2e_state_is "$P" MASTER
e2e_sim_post fault/clear '{}' >/dev/null
expect "keepalived restarts on $M" e2e_ka_start "$M"
must "settled on $P" e2e_settle "$P" 40
# The simulator logs a call when it answers: the hung one shows its 6 s, whenever it ended.
codes=$(e2e_calls | awk -v n="$P" '$2 == n && $4 == "MigratePrivateIpAddress" { print $5 ($8 >= 5000 ? "(" $8 "ms)" : "") }' | tr '\n' ' ')
e2e_say "$P's MigratePrivateIpAddress results, in the order answered: $codes"
expect "$P retried through RequestLimitExceeded and InternalError" \
	sh -c "echo '$codes' | grep -q 'RequestLimitExceeded InternalError '"
expect "$P went on past the call that hung beyond its timeout" sh -c "echo '$codes' | grep -q 'ms)'"

# B. The API is down for 20 s (connections dropped) when the master dies.
X=$M Y=$P
e2e_say "API down for 20 s; kill -9 keepalived on $Y"
e2e_sim_post down '{"seconds": 20}' >/dev/null
E2E_T0=$(e2e_now)
e2e_ka_mark "$X"
e2e_ka_kill "$Y"
t_cloud=-
i=0
while [ $i -lt 280 ]; do   # at most ~70 s
	e2e_holder_is "$X" && { t_cloud=$(e2e_since "$E2E_T0"); break; }
	sleep 0.25; i=$((i + 1))
done
expect "$X becomes MASTER" e2e_state_is "$X" MASTER
expect "the unreachable API did not fault the new master" e2e_not e2e_ka_logged "$X" "Entering FAULT"
expect "once the API is back, the VIP lands on $X in the cloud" test "$t_cloud" != -
expect "the VIP is on $X's NIC" wait_for 10 e2e_nic_has_vip "$X"
e2e_say "time: API down 20 s from the kill: cloud holder $X after $t_cloud s (API back at 20 s)"
e2e_log_since "$X" "$E2E_T0" | grep -E 'migrate|check_self' | grep -v 'no answer' | tail -n 6 | sed 's/^/#   /'
expect "the VIP landed after the API came back (not before)" \
	awk -v t="$t_cloud" 'BEGIN { exit !(t >= 20) }' 
expect "keepalived restarts on $Y" e2e_ka_start "$Y"
must "settled on $X" e2e_settle "$X" 40

# C. The API's clock is 15 min ahead of the nodes': requests signed with the node's clock are
#    refused (AuthFailure.SignatureExpire) until tcvip corrects by the response Date.
e2e_sim_post clock '{"offset": 900}' >/dev/null
E2E_SIM_OFFSET=900
e2e_say "API clock +15 min; kill -9 keepalived on $X"
E2E_T0=$(e2e_now)
e2e_ka_kill "$X"
must "with the skewed clock, $Y becomes MASTER and holds the VIP in the cloud" e2e_watch_failover "$Y" "$E2E_T0" 40
expect "the VIP is on $Y's NIC" wait_for 10 e2e_nic_has_vip "$Y"
e2e_report_times "kill -9 $X, API clock +900 s" "$Y"
n_exp=$(e2e_calls | awk '$5 == "AuthFailure.SignatureExpire"' | wc -l)
e2e_say "requests refused for the clock: $n_exp"
expect "the skew was real (the API refused skewed requests)" test "$n_exp" -gt 0
expect "no secret in any log or argv" e2e_no_secrets
e2e_finish
