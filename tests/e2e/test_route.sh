#!/bin/sh
# test_route.sh: mode = route across zones: nodes in subnets of two zones, a client in a third subnet reaching the VIP through the simulated VPC router, before and after kill -9 of the master's keepalived; stable and preempt.
# usage: tests/e2e/test_route.sh [stable|preempt]   (no argument: both, one cluster each)
# Topology (198.18.0.0/15 only, no default route anywhere):
#   tcv-cloud-ID  the VPC router: r0 198.18.0.1/24, r1 198.18.1.1/24, r2 198.18.2.1/24; the
#                 simulator (world: tests/sim/world-route.json's shape) on 198.18.0.1, and
#                 tests/sim/router.py keeping its kernel routes equal to the simulated route tables
#   tcv-a-ID      eth0 198.18.0.11/24, subnet-e2e00001, zone ap-guangzhou-3
#   tcv-b-ID      eth0 198.18.1.12/24, subnet-e2e00002, zone ap-guangzhou-4
#   tcv-c-ID      eth0 198.18.2.20/24, subnet-e2e00003 (route table rtb-e2eclnt0): the client
#   VIP 198.19.0.100 (outside the VPC's 198.18.0.0/16): one route VIP/32 -> NORMAL_CVM in
#   rtb-e2emain0 (subnets 1, 2) and rtb-e2eclnt0 (subnet 3), moved by tcvip (mode = route).
if [ -z "${1:-}" ]; then # both scenarios, each its own cluster; one summed count line
	here=$(dirname "$0") p=0 f=0 rc=0
	for m in stable preempt; do
		sh "$here/test_route.sh" "$m" >"${TMPDIR:-/tmp}/tcvip-route-$$.$m" 2>&1 || rc=1
		cat "${TMPDIR:-/tmp}/tcvip-route-$$.$m"
		line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "${TMPDIR:-/tmp}/tcvip-route-$$.$m" | tail -n 1)
		rm -f "${TMPDIR:-/tmp}/tcvip-route-$$.$m"
		[ -n "$line" ] || { f=$((f + 1)); continue; }
		p=$((p + ${line%% passed*})); line=${line#*, }; f=$((f + ${line%% failed*}))
	done
	echo "$p passed, $f failed"
	[ "$f" = 0 ] && [ "$rc" = 0 ]
	exit
fi
SCENARIO=$1
. "$(dirname "$0")/lib.sh"
E2E_NAME=test_route-$SCENARIO
E2E_LOGS=$E2E_ROOT/build/test-logs/e2e-$E2E_NAME
e2e_require

E2E_VIP=198.19.0.100
PORT=9999
e2e_ip() { case $1 in a) echo 198.18.0.11 ;; b) echo 198.18.1.12 ;; c) echo 198.18.2.20 ;; esac; }
e2e_gw() { case $1 in a) echo 198.18.0.1 ;; b) echo 198.18.1.1 ;; c) echo 198.18.2.1 ;; esac; }
e2e_if() { case $1 in a) echo 0 ;; b) echo 1 ;; c) echo 2 ;; esac; }
e2e_mac() { case $1 in a) echo 52:54:00:e2:00:11 ;; b) echo 52:54:00:e2:01:12 ;; c) echo 52:54:00:e2:02:20 ;; esac; }
at_exit "e2e_kill_ns $(e2e_ns c)"

# route_world HOLDER: the simulator's world: two zones, three subnets, both route tables' VIP/32
# route pointing at HOLDER (a or b).
route_world() {
	cat >"$E2E_RUN/world.json" <<JSON
{
  "region": "ap-guangzhou", "zone": "ap-guangzhou-3",
  "vpc": {"id": "vpc-e2e00001", "cidr": "198.18.0.0/16"},
  "subnets": [
    {"id": "subnet-e2e00001", "cidr": "198.18.0.0/24", "zone": "ap-guangzhou-3"},
    {"id": "subnet-e2e00002", "cidr": "198.18.1.0/24", "zone": "ap-guangzhou-4"},
    {"id": "subnet-e2e00003", "cidr": "198.18.2.0/24", "zone": "ap-guangzhou-3"}
  ],
  "accounts": [{"secret_id": "$E2E_SECRET_ID", "secret_key": "$E2E_SECRET_KEY"}],
  "instances": [
    {"id": "$(e2e_ins a)", "source": ["$(e2e_ip a)"], "mac": "$(e2e_mac a)",
     "eni": "$(e2e_eni a)", "primary_ip": "$(e2e_ip a)", "subnet": "subnet-e2e00001"},
    {"id": "$(e2e_ins b)", "source": ["$(e2e_ip b)"], "mac": "$(e2e_mac b)",
     "eni": "$(e2e_eni b)", "primary_ip": "$(e2e_ip b)", "subnet": "subnet-e2e00002"},
    {"id": "ins-e2eclnt1", "source": ["$(e2e_ip c)"], "mac": "$(e2e_mac c)",
     "eni": "eni-e2eclnt1", "primary_ip": "$(e2e_ip c)", "subnet": "subnet-e2e00003"}
  ],
  "secondary": {},
  "metadata_default_instance": "$(e2e_ins a)",
  "route_tables": [
    {"id": "rtb-e2emain0", "name": "default", "main": true,
     "routes": [{"cidr": "$E2E_VIP/32", "type": "NORMAL_CVM", "gateway": "$(e2e_ip "$1")",
                 "description": "tcvip VIP"}]},
    {"id": "rtb-e2eclnt0", "name": "clients", "subnets": ["subnet-e2e00003"],
     "routes": [{"cidr": "$E2E_VIP/32", "type": "NORMAL_CVM", "gateway": "$(e2e_ip "$1")"}]}
  ]
}
JSON
}

# route_topology: the router namespace with one interface per subnet, nodes a, b and client c.
route_topology() {
	local _c _nd _i
	e2e_base || return 1
	_c=$(e2e_ns cloud)
	ip netns exec "$_c" sh -c 'sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0'
	for _nd in a b c; do
		_i=$(e2e_if "$_nd")
		e2e_node "$_nd" "r$_i" || return 1
		ip -n "$(e2e_ns "$_nd")" route add 198.18.0.0/15 via "$(e2e_gw "$_nd")"
		ip -n "$_c" addr add "$(e2e_gw "$_nd")/24" dev "r$_i"
		ip -n "$_c" link set "r$_i" up
		[ "$_nd" = c ] || e2e_node_files "$_nd" || return 1
	done
	ip netns exec "$_c" sh -c 'for f in /proc/sys/net/ipv4/conf/*/rp_filter; do echo 0 > $f; done'
}

# route_sim_start: the simulator on 198.18.0.1 (API 443), metadata on :80 of every address of
# the router (router.py reads its state on 127.0.0.1), then router.py.
route_sim_start() {
	local _c
	_c=$(e2e_ns cloud)
	rm -f "$E2E_RUN/sim.ready"
	ip netns exec "$_c" python3 "$E2E_ROOT/tests/sim/sim.py" --world "$E2E_RUN/world.json" \
		--cert "$E2E_RUN/pki/server.pem" --key "$E2E_RUN/pki/server.key" \
		--api-addr "$E2E_CLOUD_IP" --api-port 443 --meta-addr 0.0.0.0 --meta-port 80 \
		--ready-file "$E2E_RUN/sim.ready" >"$E2E_RUN/sim.log" 2>&1 &
	E2E_SIM_PID=$!
	wait_for 15 test -s "$E2E_RUN/sim.ready" || { echo "simulator did not start:"; cat "$E2E_RUN/sim.log"; return 1; }
	ip netns exec "$_c" timeout 900 python3 "$E2E_ROOT/tests/sim/router.py" --ready-file "$E2E_RUN/sim.ready" \
		--netns "$_c" --interval 0.1 --seconds 800 2>"$E2E_RUN/router.log" &
	ROUTER_PID=$!
	at_exit "kill $ROUTER_PID"
	for _nd in a b; do
		wait_for 5 ip netns exec "$(e2e_ns "$_nd")" curl -sf --max-time 1 -o /dev/null \
			"http://$E2E_CLOUD_IP/latest/meta-data/instance-id" ||
			{ echo "node $_nd cannot reach the simulator at $E2E_CLOUD_IP"; return 1; }
	done
}

# responder NODE: TCP 0.0.0.0:PORT in NODE answers its name (bounded: 900 s).
responder() {
	ip netns exec "$(e2e_ns "$1")" timeout 900 python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[2])))
s.listen(16)
while True:
    c, _ = s.accept()
    try:
        c.sendall(sys.argv[1].encode())
    finally:
        c.close()' "$1" "$PORT" >/dev/null 2>&1 &
	at_exit "kill $!"
}

# client_gets: the name of the node answering the client at VIP:PORT, or "none" (1 s timeout).
client_gets() {
	ip netns exec "$(e2e_ns c)" python3 -c '
import socket, sys
try:
    s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=1.0)
    print(s.recv(16).decode() or "none")
except OSError:
    print("none")' "$E2E_VIP" "$PORT"
}
client_reaches() { [ "$(client_gets)" = "$1" ]; }

# e2e_holder (lib.sh's, for route mode): the node both tables' VIP/32 route points at: a, b,
# none, or "mixed" (tables disagree, or ECMP).
e2e_holder() {
	e2e_sim_state route_tables "$(e2e_ip a)" "$(e2e_ip b)" "$E2E_VIP" '
hops = set()
for t in ("rtb-e2emain0", "rtb-e2eclnt0"):
    rs = [r for r in v[t]["routes"] if r["cidr"] == arg + "/32"]
    hops.add(",".join(names.get(r["gateway"], r["gateway"]) + ("" if r["enabled"] else "-off") for r in rs) or "none")
print(hops.pop() if len(hops) == 1 else "mixed")'
}
# e2e_nic_has_vip (lib.sh's): the VIP is on NODE's eth0.
e2e_nic_has_vip() { ip -n "$(e2e_ns "$1")" -4 -o addr show dev eth0 | grep -q " $E2E_VIP/"; }
# e2e_count_moves (lib.sh's, route mode): NODE's successful ReplaceRoutes/CreateRoutes since T.
e2e_count_moves() {
	e2e_calls | awk -v n="$1" -v t="$2" '$1 >= t && $2 == n && ($4 == "ReplaceRoutes" || $4 == "CreateRoutes") && $5 == "Success"' | wc -l
}

# route_cluster KA_MODE HOLDER: topology, simulator + router, both nodes (mode = route), keepalived.
route_cluster() {
	route_topology || return 1
	E2E_CONF_KEYS=1 e2e_tcvip_conf "mode = route"
	route_world "$2"
	route_sim_start || return 1
	for _nd in a b; do e2e_node_setup "$_nd" "$1" || return 1; done
	for _nd in a b; do responder "$_nd"; done
	for _nd in a b; do e2e_ka_start "$_nd" || return 1; done
}

# route_start KA_MODE HOLDER: route_cluster, then one converged master (e2e_converged: both
# route tables point at it, the VIP on its NIC only); sets M and P.
E2E_CLUSTER_FN=route_cluster
route_start() { e2e_start_cluster "$1" "$2"; }

# crash NODE: kill -9 of NODE's keepalived; the peer takes the routes; the client follows.
crash() {
	local _to
	_to=$(e2e_peer "$1")
	e2e_kill_failover "$1" "$_to" "both route tables point at it"
	expect "$_to moved the routes (ReplaceRoutes)" test "$(e2e_count_moves "$_to" "$E2E_T0")" -ge 1
	expect "no CreateRoutes beside a route (no ECMP)" test "$(e2e_count_calls "$_to" CreateRoutes)" = 0
	expect "the client in the third subnet reaches the VIP on $_to (other zone or back)" wait_for 10 client_reaches "$_to"
	e2e_report_times "kill -9 $1" "$_to"
	echo "# route-lookup from the client subnet: $(e2e_sim_post route/lookup "{\"subnet\": \"subnet-e2e00003\", \"dst\": \"$E2E_VIP\"}")"
}

if [ "$SCENARIO" = stable ]; then
	route_start stable a
	expect "the client in the third subnet reaches the VIP on $M" wait_for 10 client_reaches "$M"
	expect_rc 0 "vip query on $M: exit 0" e2e_vip "$M" query
	expect_out '^true$' "vip query on $M says true"
	expect_rc 1 "vip query on $P: exit 1" e2e_vip "$P" query
	expect_rc 0 "vip status on $M: exit 0" e2e_vip "$M" status
	expect_out "cloud holder: $(e2e_ip "$M") \\(this node\\)" "vip status on $M: the next hop is this node"
	crash "$M"
	e2e_say "restart keepalived on $M"
	T1=$(e2e_now)
	expect "keepalived restarts on $M" e2e_ka_start "$M"
	expect "the stale VIP leaves $M's NIC" wait_for 10 e2e_not e2e_nic_has_vip "$M"
	expect "$M comes back as BACKUP" wait_for 20 e2e_state_is "$M" BACKUP
	expect "for 10 s nothing moves: $P stays master and next hop" e2e_hold "$P" 10
	expect "no route moved after $M returned" test "$(e2e_count_moves a "$T1")$(e2e_count_moves b "$T1")" = 00
	expect "the client still reaches the VIP on $P" client_reaches "$P"
	# someone (the console) points the client table back at the old master: check_self repairs it
	e2e_say "rtb-e2eclnt0 pointed at $M by hand"
	T2=$(e2e_now)
	e2e_sim_post route "{\"table\": \"rtb-e2eclnt0\", \"cidr\": \"$E2E_VIP/32\", \"gateway\": \"$(e2e_ip "$M")\"}" >/dev/null
	expect "check_self on $P notices and moves the route back" wait_for 30 e2e_holder_is "$P"
	expect "... with one ReplaceRoutes of rtb-e2eclnt0" test "$(e2e_count_moves "$P" "$T2")" -ge 1
	expect "the client reaches the VIP on $P again" wait_for 10 client_reaches "$P"
else
	route_start preempt b
	expect "the standing master is a" test "$M" = a
	expect "a moved the routes from b (ReplaceRoutes)" test "$(e2e_count_moves a 0)" -ge 2
	expect "the client in the third subnet reaches the VIP on a" wait_for 10 client_reaches a
	crash a
	e2e_say "restart keepalived on a"
	E2E_T0=$(e2e_now)
	expect "keepalived restarts on a" e2e_ka_start a
	must "failback: a preempts and both route tables point at it" e2e_watch_failover a "$E2E_T0" 40
	expect "failback converges: VIP on a's NIC only, b BACKUP" wait_for 20 e2e_converged a
	expect "the client reaches the VIP on a again" wait_for 10 client_reaches a
	e2e_report_times "restart a (failback)" a
	expect "for 6 s nothing moves: a stays master and next hop" e2e_hold a 6
fi
expect "every route change was a ReplaceRoutes: no CreateRoutes, no ECMP" test "$(e2e_count_calls a CreateRoutes)$(e2e_count_calls b CreateRoutes)" = 00
expect "router.py reported no error" sh -c "! grep -q . '$E2E_RUN/router.log'"
expect "no secret in any log or argv" e2e_no_secrets
e2e_finish
