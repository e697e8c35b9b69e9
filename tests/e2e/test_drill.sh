#!/bin/sh
# test_drill.sh: planned handovers under real keepalived: `vip drill --yes` on the master moves the VIP and prints its phases against the VRRP timers; the table, the new master's last_migrate phases and its metrics_file are held against the simulator's task list and request log; a drill always clears its request (also on SIGTERM); an expired or foreign request is ignored; a spot reclaim notice in metadata hands the master over while it is alive.
. "$(dirname "$0")/lib.sh"
e2e_require

# metrics_file on both nodes: the new master's file is checked after the drill
e2e_tcvip_conf "metrics_file = /var/keepalived/tcvip.prom"
e2e_start_cluster stable none
expect "the pair settles on $M" e2e_settle "$M" 30
flag() { echo "$E2E_RUN/$1/var-keepalived/handover"; }

expect_rc 1 "vip drill on the BACKUP $P: refused" e2e_vip "$P" drill --yes
expect_out "not MASTER" "... because it is not the master"
expect_rc 2 "vip drill without --yes: usage error" e2e_vip "$M" drill
expect "... and no handover was requested" test ! -e "$(flag "$M")"

# A drill on the master: the VIP goes to the other node, the table says when.
e2e_say "vip drill --yes on $M"
T0=$(e2e_now)
expect_rc 0 "vip drill --yes on $M: exit 0 (the VIP moved)" e2e_vip "$M" drill --yes --timeout 60
T1=$(e2e_now)
printf '%s\n' "$T_OUT" | sed 's/^/# /'
expect_out "cloud: VIP on $(e2e_eni "$P") +[0-9]+\.[0-9]{3} s" "... its table names the new holder with a time"
expect_out "this node BACKUP \(request cleared\) +[0-9]+\.[0-9]{3} s" "... and when this node was BACKUP again"
expect "the simulator says $P holds the VIP" e2e_holder_is "$P"
expect "$P's move was a MigratePrivateIpAddress during the drill" \
	test "$(e2e_calls | awk -v n="$P" -v a="$T0" -v b="$T1" '$1 >= a && $1 <= b && $2 == n && $4 == "MigratePrivateIpAddress" && $5 == "Success"' | wc -l)" -ge 1
# The table against the simulator's own records, and the new master's phases and metrics.
printf '%s\n' "$T_OUT" >"$E2E_RUN/drill.table"
e2e_sim_get state >"$E2E_RUN/sim.state"; e2e_sim_get log >"$E2E_RUN/sim.log"
python3 "$E2E_HERE/drill_check.py" "$E2E_RUN/drill.table" "$E2E_RUN/sim.state" "$E2E_RUN/sim.log" \
	"$(e2e_ip "$P")" "$(e2e_eni "$P")" "$T1" "$E2E_RUN/$P/var-keepalived/last_migrate" >"$E2E_RUN/drill.checks" 2>&1
while IFS= read -r l; do
	case $l in "ok - "*) ok "${l#ok - }" ;; "not ok - "*) not_ok "${l#not ok - }" ;; *) not_ok "drill_check: $l" ;; esac
done <"$E2E_RUN/drill.checks"
sed 's/^/# '"$P"' last_migrate: /' "$E2E_RUN/$P/var-keepalived/last_migrate"
grep 'migrate: done in' "$E2E_RUN/$P/log/keepalived.log" | tail -n 1 | sed 's/^/# /'
acc=$(sed -n 's/.* accepted_ms=\([0-9]*\) .*/\1/p' "$E2E_RUN/$P/var-keepalived/last_migrate")
expect_rc 0 "$P's metrics_file: strict Prometheus text with the failover in it" \
	python3 "$E2E_HERE/../sh/check_metrics.py" "$E2E_RUN/$P/var-keepalived/tcvip.prom" \
	'tcvip_migrations_total{result="done"}~=[1-9][0-9]*' "tcvip_vip_held{vip=\"$E2E_VIP\"}=1" \
	'tcvip_api_requests_total{action="MigratePrivateIpAddress",code="ok"}~=[1-9][0-9]*' \
	"tcvip_last_migration_phase_seconds{phase=\"accepted\"}=$(awk -v m="${acc:-0}" 'BEGIN { printf "%d.%03d", m / 1000, m % 1000 }')"
expect "... mode 0644" test "$(stat -c %a "$E2E_RUN/$P/var-keepalived/tcvip.prom")" = 644
for n in "$M" "$P"; do
	expect_rc 0 "$n's metrics_file: promtool check metrics passes, no lint problem" \
		prom_check "$E2E_RUN/$n/var-keepalived/tcvip.prom"
done
expect "the drill's request is gone" test ! -e "$(flag "$M")"
expect "$M is BACKUP" e2e_state_is "$M" BACKUP
expect "the pair settles on $P" e2e_settle "$P" 30
M=$P P=$(e2e_peer "$P")

# Interrupted: SIGTERM clears the request at once.
e2e_say "vip drill on $M, SIGTERM after 1 s"
e2e_vip "$M" drill --yes --timeout 60 >"$E2E_RUN/drill.out" 2>&1 &
d_pid=$!
at_exit "kill $d_pid"
sleep 1
expect "... the request is set while it runs" test -e "$(flag "$M")"
# the vip process itself (below ip netns exec, unshare and sh), by its pid
desc() { for _c in $(pgrep -P "$1"); do echo "$_c"; desc "$_c"; done; }
vpid=$(for _p in $(desc "$d_pid"); do [ "$(cat "/proc/$_p/comm" 2>/dev/null)" = vip ] && echo "$_p"; done | head -n 1)
expect "... the drill's vip process is found ($vpid)" test -n "$vpid"
[ -n "$vpid" ] && kill -TERM "$vpid"
wait "$d_pid"; rc=$?
expect "vip drill interrupted by SIGTERM: exit 130 ($rc)" test "$rc" = 130
expect "... and its request is gone" test ! -e "$(flag "$M")"
X=$(e2e_agree 60)
expect "after the interrupted drill the pair agrees on one master ($X)" sh -c "case '$X' in a|b) true ;; *) false ;; esac"
M=$X P=$(e2e_peer "$X")

# A request past its deadline (a drill that crashed) or of another boot is ignored.
# (deadlines are CLOCK_MONOTONIC ms: 1 is long past, 2^62 far ahead)
echo "$(cat /proc/sys/kernel/random/boot_id) 1 drill" >"$(flag "$M")"
expect "an expired request: $M stays master and holder for 8 s" e2e_hold "$M" 8
echo "another-boot 4611686018427387904 drill" >"$(flag "$M")"
expect "a request of another boot: $M stays master and holder for 8 s" e2e_hold "$M" 8
rm -f "$(flag "$M")"

# A spot reclaim notice on the master: it hands over while it is still alive.
e2e_say "spot reclaim notice for $M"
T2=$(e2e_now)
e2e_sim_post spot "{\"instance\": \"$(e2e_ins "$M")\", \"time\": \"2026-12-06 20:05:33\"}" >/dev/null
expect "the VIP moves to $P before the reclaim" wait_for 40 e2e_converged "$P"
expect "$M logged the notice" e2e_logged "$M" "$T2" "check_self: spot instance reclaim notice"
expect "$M's keepalived still runs (a planned handover, not a crash)" e2e_ka_running "$M"
expect "$P took over with a MigratePrivateIpAddress" test "$(e2e_count_moves "$P" "$T2")" -ge 1
expect "no secret in any log or argv" e2e_no_secrets
e2e_finish
