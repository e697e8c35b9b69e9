#!/bin/sh
# test_route.sh: mode = route against the simulator (world-route.json): ReplaceRoutes keeps the route's ids, CreateRoutes only where a table has none, query/status/doctor, retries, the read-only account.
. "$(dirname "$0")/../lib.sh"
private_netns "$0"
sim_start "$T_TOP/tests/sim/world-route.json" || { not_ok "simulator starts"; t_done; exit 1; }
d=$T_TMP/node; mkdir -p "$d"; ln -s "$TCVIP_BIN" "$d/vip"
KEY_ID=AKIDsimTEST0000000000000000000000001 KEY=simSecretKey00000000000000000001
RO_ID=AKIDsimRDONLY000000000000000000000002 RO_KEY=simSecretKey00000000000000000002
VIP=198.19.0.100 A=198.18.0.11 B=198.18.1.12

# conf [extra lines...]: a fresh route-mode config and state for this node.
conf() {
	rm -rf "$d/state"; : > "$d/tcvip.log"
	{
		echo "vip = $VIP"
		echo "mode = route"
		echo "endpoint = localhost:$SIM_API_PORT"
		echo "ca_file = $SIM_CA"
		echo "metadata = $SIM_META"
		echo "interface = lo"
		echo "state_dir = $d/state"
		echo "log_file = $d/tcvip.log"
		echo "migrate_timeout = 10"
		for l in "$@"; do echo "$l"; done
	} > "$d/tcvip.conf"
	grep -q '^secret_id' "$d/tcvip.conf" || printf 'secret_id = %s\nsecret_key = %s\n' "$KEY_ID" "$KEY" >> "$d/tcvip.conf"
	chmod 600 "$d/tcvip.conf"
	export TCVIP_CONFIG=$d/tcvip.conf
}
# as NODE: the metadata answers as that instance (its local-ipv4 is the next hop)
as() { simctl meta-instance "$1" >/dev/null; }
reset() { simctl reset >/dev/null; simctl log-clear >/dev/null; }
hop() { simctl route-of "$1" "$VIP/32"; }
# ids TABLE: "RouteId RouteItemId" of the VIP's route in TABLE
ids() {
	simctl state | python3 -c 'import json, sys
t = json.load(sys.stdin)["route_tables"][sys.argv[1]]
print(" ".join("%s %s" % (r["id"], r["item_id"]) for r in t["routes"] if r["cidr"] == sys.argv[2]))' "$1" "$VIP/32"
}

# --- config errors name file:line and the key, exit 2 ---
conf "mode = eni" "route_table = rtb-simmain0"
expect_rc 2 "route_table in eni mode: exit 2" "$d/vip" migrate
expect_out "tcvip.conf:11: route_table is a key of mode = route" "route_table in eni mode: file:line named"
conf "mode = routes"
expect_rc 2 "mode = routes: exit 2" "$d/vip" query
expect_out "tcvip.conf:10: mode must be eni or route, not 'routes'" "bad mode: file:line and the value"
conf "route_table = main"
expect_rc 2 "route_table = main: exit 2" "$d/vip" migrate
expect_out "tcvip.conf:10: 'main' is not a valid route_table id" "bad route_table id: file:line"
conf "api = 2"
expect_rc 2 "mode = route with api = 2: exit 2" "$d/vip" migrate
expect_out "tcvip.conf:2: mode = route needs api = 3" "route mode with API 2: names the mode line"

# --- held by self: query true, migrate changes nothing ---
reset; as ins-simnodea; conf
expect_rc 0 "A holds both tables: vip query exits 0" "$d/vip" query
expect_out '^true$' "A holds both tables: query prints true"
expect_rc 0 "A holds both tables: migrate exits 0" "$d/vip" migrate
expect "held: no ReplaceRoutes, no CreateRoutes" test "$(sim_count ReplaceRoutes)$(sim_count CreateRoutes)" = 00

# --- B takes over: ReplaceRoutes in both discovered tables, the ids kept ---
reset; as ins-simnodeb; conf
main0=$(ids rtb-simmain0) clnt0=$(ids rtb-simclnt0)
expect_rc 1 "B, routes on A: vip query exits 1" "$d/vip" query
expect_out '^false$' "B, routes on A: query prints false"
expect_rc 0 "B: migrate exits 0" "$d/vip" migrate
expect "B: rtb-simmain0 -> $B" test "$(hop rtb-simmain0)" = "$B"
expect "B: rtb-simclnt0 -> $B" test "$(hop rtb-simclnt0)" = "$B"
expect "B: two signed ReplaceRoutes" test "$(sim_count ReplaceRoutes Success)" = 2
expect "B: no CreateRoutes (would form ECMP)" test "$(sim_count CreateRoutes)" = 0
expect "B: RouteId/RouteItemId of rtb-simmain0 kept ($main0)" test "$(ids rtb-simmain0)" = "$main0"
expect "B: RouteId/RouteItemId of rtb-simclnt0 kept ($clnt0)" test "$(ids rtb-simclnt0)" = "$clnt0"
expect "B: the client subnet's packets to the VIP go to B" test "$(simctl route-lookup subnet-sim00003 $VIP)" = "$B"
expect "B: log names the table and the old next hop" grep -q "rtb-simmain0: $VIP/32 -> $B (ReplaceRoutes, was $A)" "$d/tcvip.log"
expect "B: result=done" grep -q 'result=done' "$d/state/last_migrate"
expect_rc 0 "B: vip query now true" "$d/vip" query
expect_rc 0 "B: vip status exits 0" "$d/vip" status
expect_out "cloud holder: $B \(this node\)" "B: status names the holder $B as this node"
expect_out '^mode: +route' "B: status names the mode"

# --- back to A, and a partly moved state (one table each way) ---
as ins-simnodea; conf
simctl route rtb-simmain0 "$VIP/32" "$A" >/dev/null
simctl log-clear >/dev/null
expect_rc 0 "A, tables split A/B: migrate exits 0" "$d/vip" migrate
expect "split: both tables -> A" test "$(hop rtb-simmain0),$(hop rtb-simclnt0)" = "$A,$A"
expect "split: one ReplaceRoutes" test "$(sim_count ReplaceRoutes Success)" = 1

# --- named tables; one has no route: CreateRoutes there, ReplaceRoutes elsewhere ---
reset; as ins-simnodeb; conf "route_table = rtb-simmain0" "route_table = rtb-simclnt0"
simctl route rtb-simclnt0 "$VIP/32" none >/dev/null
simctl log-clear >/dev/null
expect_rc 1 "route missing in a named table: query exits 1" "$d/vip" query
expect_rc 0 "route missing in a named table: migrate exits 0" "$d/vip" migrate
expect "named: rtb-simclnt0 got the route -> $B" test "$(hop rtb-simclnt0)" = "$B"
expect "named: rtb-simmain0 -> $B" test "$(hop rtb-simmain0)" = "$B"
expect "named: one CreateRoutes, one ReplaceRoutes" test "$(sim_count CreateRoutes Success),$(sim_count ReplaceRoutes Success)" = 1,1

# --- discovered: a table without the route is not one of the VIP's ---
reset; as ins-simnodeb; conf
simctl route rtb-simclnt0 "$VIP/32" none >/dev/null
expect_rc 0 "discovered, rtb-simclnt0 has no route: migrate exits 0" "$d/vip" migrate
expect "discovered: rtb-simmain0 -> $B" test "$(hop rtb-simmain0)" = "$B"
expect "discovered: rtb-simclnt0 left without a route" test "$(hop rtb-simclnt0)" = none
expect "discovered: no CreateRoutes" test "$(sim_count CreateRoutes)" = 0

# --- no table has the route: a clear error, no route made up ---
reset; as ins-simnodeb; conf
simctl route rtb-simclnt0 "$VIP/32" none >/dev/null; simctl route rtb-simmain0 "$VIP/32" none >/dev/null
expect_rc 3 "no route anywhere: query says unknown (exit 3)" "$d/vip" query
expect_rc 4 "no route anywhere: migrate refuses (exit 4)" "$d/vip" migrate
expect "no route anywhere: the log says which VPC and what to do" grep -q "no route table of vpc-sim00001 has a route to $VIP/32" "$d/tcvip.log"
expect "no route anywhere: no CreateRoutes" test "$(sim_count CreateRoutes)" = 0

# --- a named table the VPC does not have ---
reset; as ins-simnodeb; conf "route_table = rtb-nosuch00"
expect_rc 4 "unknown route_table: migrate refuses (exit 4)" "$d/vip" migrate
expect "unknown route_table: named in the log" grep -q "route_table rtb-nosuch00: not a route table of vpc-sim00001" "$d/tcvip.log"

# --- retry classes: a rate limit is retried; a dropped ReplaceRoutes is not resent blindly ---
reset; as ins-simnodeb; conf
simctl fault '{"action":"ReplaceRoutes","count":1,"kind":"error","code":"RequestLimitExceeded"}' >/dev/null
expect_rc 0 "ReplaceRoutes rate-limited once: migrate exits 0" "$d/vip" migrate
expect "rate limit: both tables -> B" test "$(hop rtb-simmain0),$(hop rtb-simclnt0)" = "$B,$B"
expect "rate limit: 3 ReplaceRoutes (1 refused, 2 made)" test "$(sim_count ReplaceRoutes)" = 3
reset; as ins-simnodeb; conf
simctl fault '{"action":"ReplaceRoutes","count":1,"kind":"drop"}' >/dev/null
expect_rc 0 "ReplaceRoutes dropped once: migrate exits 0" "$d/vip" migrate
expect "drop: both tables -> B" test "$(hop rtb-simmain0),$(hop rtb-simclnt0)" = "$B,$B"
n=$(simctl log | python3 -c 'import json, sys
acts = [e["action"] for e in json.load(sys.stdin)]
i = acts.index("ReplaceRoutes")
print(acts[i + 1] if i + 1 < len(acts) else "none")')
expect "drop: the next call after the lost ReplaceRoutes is a DescribeRouteTables ($n)" test "$n" = DescribeRouteTables

# --- the state is re-read before each table's change: BACKUP after the first stops the second ---
reset; as ins-simnodeb; conf "route_table = rtb-simmain0, rtb-simclnt0"
mkdir -p "$d/state"; chmod 700 "$d/state"; echo MASTER > "$d/state/state"
simctl fault '{"action":"ReplaceRoutes","count":1,"kind":"delay","seconds":2}' >/dev/null
timeout 20 "$d/vip" migrate --if-master > "$T_TMP/guard.out" 2>&1 &
g_pid=$!
at_exit "kill $g_pid"
wait_for 10 grep -q "rtb-simmain0: $VIP/32 -> $B (ReplaceRoutes" "$d/tcvip.log"
echo BACKUP > "$d/state/state.tmp" && mv "$d/state/state.tmp" "$d/state/state"
wait $g_pid; g_rc=$?
expect "BACKUP between two tables: migrate --if-master does not report done (rc $g_rc)" test "$g_rc" != 0
expect "BACKUP between two tables: the first table (answered after the flip) points at B" test "$(hop rtb-simmain0)" = "$B"
expect "BACKUP between two tables: the second is left alone" test "$(hop rtb-simclnt0)" = "$A"
expect "BACKUP between two tables: one ReplaceRoutes only" test "$(sim_count ReplaceRoutes)" = 1
expect "BACKUP between two tables: logged" grep -q "no longer MASTER (state BACKUP)" "$d/tcvip.log"

# --- the read-only account: refused, clearly, nothing changed ---
reset; as ins-simnodeb; conf "secret_id = $RO_ID" "secret_key = $RO_KEY"
expect_rc 4 "read-only key: migrate refuses (exit 4)" "$d/vip" migrate
expect "read-only: routes still on A" test "$(hop rtb-simmain0),$(hop rtb-simclnt0)" = "$A,$A"
expect "read-only: the refusal is logged by code" grep -q "UnauthorizedOperation" "$d/tcvip.log"
expect "read-only: one ReplaceRoutes tried, not retried" test "$(sim_count ReplaceRoutes)" = 1
expect_rc 1 "read-only: vip doctor --probe-write fails" "$d/vip" doctor --probe-write
expect_out 'PASS +DescribeRouteTables' "read-only doctor: DescribeRouteTables allowed"
expect_out 'FAIL +ReplaceRoutes .*grant vpc:ReplaceRoutes' "read-only doctor: ReplaceRoutes refused, with the CAM action"
expect_out 'FAIL +CreateRoutes .*grant vpc:CreateRoutes' "read-only doctor: CreateRoutes refused, with the CAM action"
reset; as ins-simnodea; conf
"$d/vip" doctor --probe-write > "$T_TMP/doc" 2>&1
expect "full key doctor: route checks pass" sh -c "grep -q 'PASS  DescribeRouteTables' '$T_TMP/doc' && grep -q 'PASS  ReplaceRoutes' '$T_TMP/doc' && grep -q 'PASS  CreateRoutes' '$T_TMP/doc'"
expect "full key doctor: the VIP's routes listed" grep -q "rtb-simmain0 -> $A" "$T_TMP/doc"
expect "doctor probes changed no route" test "$(hop rtb-simmain0),$(hop rtb-simclnt0)" = "$A,$A"

t_done
