#!/bin/sh
# demo.sh: `make demo`: two keepalived nodes and a simulated Tencent Cloud VPC in network namespaces; narrates a live failover (its final log line with the phases), a timed `vip drill`, then tears it all down.
# usage: tests/e2e/demo.sh        (as root; no arguments; nothing outside 198.18.0.0/24 is touched)
. "$(dirname "$0")/lib.sh"

# In the demo a missing piece is an error, not a skipped test.
e2e_skip() { echo "demo: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || e2e_skip "needs root (network namespaces, keepalived): sudo make demo"
e2e_require

say() { printf '\n== %s\n' "$*"; }
line() { printf '   %s\n' "$*"; }
# stamp: seconds since the kill, for the live timeline
stamp() { printf '   [+%5ss] %s\n' "$(e2e_since "$K0")" "$*"; }
fail() { echo "demo: $*" >&2; e2e_diagnose >&2; e2e_dump_always; exit 1; }
e2e_dump_always() { T_FAIL=1; e2e_dump; }

say "A private network in namespaces (198.18.0.0/24, no default route, nothing leaves this machine)"
e2e_tcvip_conf
e2e_topology || fail "could not build the topology"
e2e_world none
e2e_sim_start || fail "the simulator did not start"
line "tcv-cloud  198.18.0.1   simulated VPC API (HTTPS :443) and metadata service (:80)"
line "tcv-a      198.18.0.11  node a: keepalived + tcvip, ENI $(e2e_eni a), MAC $(e2e_mac a)"
line "tcv-b      198.18.0.12  node b: keepalived + tcvip, ENI $(e2e_eni b), MAC $(e2e_mac b)"
line "VIP        $E2E_VIP (held by no ENI yet)"
line "On each node /etc/hosts sends vpc.internal.tencentcloudapi.com and metadata.tencentyun.com"
line "to the simulator, whose test CA is the system CA bundle: tcvip runs with its real defaults."

say "The same /etc/keepalived/tcvip.conf on both nodes (the key is masked here, never logged)"
sed -e 's/^\(secret_key *= *\).*/\1********/' "$E2E_RUN/tcvip.conf" | sed 's/^/   | /'
for n in a b; do e2e_node_setup "$n" stable || fail "node $n: setup failed"; done
say "Node a's keepalived.conf (Tencent's seed layout, stable mode: both BACKUP, nopreempt)"
sed -n '/^vrrp_script/,$p' "/etc/netns/$(e2e_ns a)/keepalived/keepalived.conf" | grep -vE '^ *(!|$)' | sed 's/^/   | /'
say "The install on each node: one binary, alone in its directory, and symlinks under the kit's names"
line "$E2E_RUN/bin holds: $(ls "$E2E_RUN/bin")"
ls -l "/etc/netns/$(e2e_ns a)/keepalived" | awk '$1 ~ /^l/ { print "   | /etc/keepalived/" $9 " -> " $11 }'
say "Starting keepalived on both nodes"
for n in a b; do e2e_ka_start "$n" || fail "keepalived did not start on $n"; done
M=$(e2e_wait_master 30) || fail "no keepalived master after 30 s"
P=$(e2e_peer "$M")
line "keepalived elected node $M MASTER; node $P is BACKUP"
wait_for 30 e2e_converged "$M" || fail "the cloud did not follow keepalived to node $M"
wait_for 5 sh -c "grep -q 'migrate: every VIP' '$E2E_RUN/$M/log/keepalived.log'"
line "tcvip on node $M told the cloud: the VIP is now on $(e2e_eni "$M"). Its log (/var/log/keepalived.log):"
e2e_tcvip_log "$M" | sed "s/^/   $M> /"

say "vip status on node $M"
e2e_vip "$M" status 2>&1 | sed 's/^/   | /'

say "Crash: kill -9 keepalived on node $M"
lines=$(e2e_tcvip_log "$P" | wc -l)
K0=$(e2e_now)
E2E_T0=$K0
e2e_ka_kill "$M"
stamp "keepalived on node $M killed; the VIP is still configured on its NIC, the cloud still routes it there"
t_master=- t_cloud=- i=0
while [ $i -lt 400 ]; do   # at most ~40 s
	if [ "$t_master" = - ] && e2e_state_is "$P" MASTER; then
		t_master=$(e2e_since "$K0"); stamp "keepalived on node $P: no adverts for 3 intervals -> MASTER"
	fi
	new=$(e2e_tcvip_log "$P" | tail -n +"$((lines + 1))")
	if [ -n "$new" ]; then
		printf '%s\n' "$new" | while IFS= read -r l; do stamp "tcvip@$P: $l"; done
		lines=$((lines + $(printf '%s\n' "$new" | wc -l)))
	fi
	if [ "$t_cloud" = - ] && e2e_holder_is "$P"; then
		t_cloud=$(e2e_since "$K0"); stamp "the cloud now routes $E2E_VIP to $(e2e_eni "$P") (node $P)"
	fi
	[ "$t_master" != - ] && [ "$t_cloud" != - ] && e2e_nic_has_vip "$P" && break
	sleep 0.1; i=$((i + 1))
done
[ "$t_cloud" != - ] || fail "the VIP did not move to node $P within 40 s"
mig=$(e2e_calls | awk -v n="$P" -v t="$K0" '$2 == n && $1 >= t && $4 ~ /Migrate|Assign/ && $5 == "Success" { printf "%.1f", $1 - t; exit }')
calls=$(e2e_calls | awk -v n="$P" -v t="$K0" '$2 == n && $1 >= t' | wc -l)

say "Measured on this machine (simulated API; a real migration takes a few seconds more)"
line "kill -> keepalived MASTER on node $P:       $t_master s   (polled; VRRP: 3 x advert_int 1 s + skew)"
line "kill -> MigratePrivateIpAddress accepted:   ${mig:--} s"
line "kill -> cloud routes the VIP to node $P:    $t_cloud s"
line "API calls node $P made for it:              $calls"

say "Node $M comes back: stable mode, so it rejoins as BACKUP and nothing moves"
e2e_ka_start "$M" || fail "keepalived did not restart on $M"
wait_for 20 e2e_state_is "$M" BACKUP && line "keepalived on node $M: BACKUP"
if e2e_settle "$P" 40; then
	line "node $P is MASTER, holds the VIP in the cloud and on its NIC; node $M does not"
else
	line "warning: the cluster did not settle on node $P (see the logs below)"
	e2e_dump_always
fi

say "The failover's final log line on node $P (its phases, counted from keepalived's notify)"
grep 'migrate: done in' "$E2E_RUN/$P/log/keepalived.log" | tail -n 1 | sed 's/^/   /'

say "vip status on node $P"
e2e_vip "$P" status 2>&1 | sed 's/^/   | /'

say "A drill: vip drill --yes on node $P hands the VIP to node $M, timed, and gives it back to keepalived"
if e2e_vip "$P" drill --yes --timeout 60 >"$E2E_RUN/drill.out" 2>&1; then
	sed 's/^/   | /' "$E2E_RUN/drill.out"
	wait_for 10 sh -c "grep -q 'migrate: done in' '$E2E_RUN/$M/log/keepalived.log'"
	line "node $M's final log line for it:"
	grep 'migrate: done in' "$E2E_RUN/$M/log/keepalived.log" | tail -n 1 | sed 's/^/   /'
else
	sed 's/^/   | /' "$E2E_RUN/drill.out"
	fail "the drill did not move the VIP"
fi
e2e_settle "$M" 40 || line "warning: the cluster did not settle on node $M after the drill"

say "Tearing down (namespaces, simulator, keepalived); logs kept in $E2E_LOGS"
exit 0
