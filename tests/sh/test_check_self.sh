#!/bin/sh
# test_check_self.sh: check_self in its own network namespace: VIP add/remove by state, restart_command, recheck, query_interval, unreachable and blackholed API, 3 s bound.
. "$(dirname "$0")/../lib.sh"
need_root
B=$TCVIP_BIN
d=$T_TMP/bin
S=$T_TMP/state
L=$T_TMP/keepalived.log
CONF=$T_TMP/tcvip.conf
MARK=$T_TMP/restarted
NS=tcvip-cs-$$
IF=tcd0
VIP=198.18.0.100
mkdir -p "$d" "$S"
"$B" --install "$d" >/dev/null || { not_ok "tcvip --install"; t_done; exit 1; }
C=$d/check_self.sh

# The namespace: a NIC with 198.18.0.11/24 (dummy, else a veth pair), and 198.18.5.5 routed
# into that NIC where nothing answers (a blackholed API endpoint).
ip netns add "$NS" || { not_ok "ip netns add"; t_done; exit 1; }
at_exit "ip netns del $NS"
if ip -n "$NS" link add "$IF" type dummy 2>/dev/null; then
	:
else
	ip -n "$NS" link add "$IF" type veth peer name tcd1 && ip -n "$NS" link set tcd1 up
fi
ip -n "$NS" link set lo up
ip -n "$NS" link set "$IF" up
ip -n "$NS" addr add 198.18.0.11/24 dev "$IF"
ip -n "$NS" route add 198.18.5.0/24 dev "$IF"
ip -n "$NS" neigh replace 198.18.5.5 lladdr 02:00:00:00:05:05 dev "$IF" nud permanent
ip -n "$NS" neigh replace 198.18.5.6 lladdr 02:00:00:00:05:06 dev "$IF" nud permanent

# mkconf [KEY=VALUE...]: the test config, with overrides appended (later keys win).
mkconf() {
	offline_conf "$CONF" $VIP "$IF" "$S" "$L" "secret_id = AKIDcheckselftest" \
		"secret_key = checkselftestkey" "query_interval = 0" "recheck_delay = 1" \
		"timeout = 10" "restart_command = touch $MARK"
	for kv in "$@"; do echo "${kv%%=*} = ${kv#*=}" >> "$CONF"; done
}
setstate() { if [ -n "$1" ]; then printf '%s\n' "$1" > "$S/state"; else rm -f "$S/state"; fi; }
vip_on() { ip -n "$NS" -4 addr show dev "$IF" | grep -q "inet $VIP/32 "; }
vip_off() { ! ip -n "$NS" -4 addr show dev "$IF" | grep -q "inet $VIP/"; }
vip_add() { ip -n "$NS" addr add "$VIP/32" dev "$IF"; }
logged() { grep -c -- "$1" "$L" 2>/dev/null || true; }
# A tick ends within check_self's 2.5 s budget (keepalived's script timeout is 3 s); the tests
# allow 3 s more for a loaded machine's process start-up, and make each stuck alternative
# (a 10 s connect timeout, an 8 s answer) longer than that.
in_budget() { test "$MS" -lt 5500; }
# run_cs: one check_self tick in the namespace; sets RC and MS (wall time in ms).
run_cs() {
	_t0=$(date +%s%N)
	ip netns exec "$NS" "$C" -c "$CONF" "$@" >/dev/null 2>&1
	RC=$?
	MS=$(( ($(date +%s%N) - _t0) / 1000000 ))
}

mkconf recheck_delay=8
# Not MASTER, no VIP: nothing to do.
setstate BACKUP
run_cs
expect "BACKUP without VIP: exit 0 ($RC)" test "$RC" = 0
expect "BACKUP without VIP: no restart" test ! -e "$MARK"
expect "BACKUP without VIP: no recheck_delay (8 s) wait (${MS} ms)" test "$MS" -lt 5000
mkconf

# MASTER: a missing VIP is added as /32; an unreachable API never faults a master.
setstate MASTER
run_cs
expect "MASTER: exit 0 with the API unreachable ($RC)" test "$RC" = 0
expect "MASTER: VIP added as /32" vip_on
expect "MASTER: the add is logged" grep -q "check_self: MASTER: added VIP $VIP/32 to $IF" "$L"
expect "MASTER: unknown cloud is logged" grep -q "cloud ownership unknown" "$L"
expect "MASTER: unknown does not write vip_last_check_result" test ! -e "$S/vip_last_check_result"
run_cs
expect "MASTER with VIP: exit 0" test "$RC" = 0
expect "MASTER with VIP: not added twice" test "$(logged 'added VIP')" = 1
expect "MASTER: still exactly one $VIP" test "$(ip -n "$NS" -4 addr show dev "$IF" | grep -c "inet $VIP/")" = 1

# Whose view the state file is: every notify records keepalived's VRRP process above it (pid and
# start time) and check_self acts only on a state that the keepalived running it recorded. A
# stand-in keepalived (tests/sh/fake_keepalived.c) lays each version's process chain exactly:
# main process -> VRRP process -> per script a keepalived child that calls system() (1.3.5) or
# the script exec'd (2.x). Each run of it is another keepalived (a restart).
KA=$T_TMP/ka/keepalived
mkdir -p "$T_TMP/ka"
cc -std=c11 -O1 -o "$KA" "$(dirname "$0")/fake_keepalived.c" || { not_ok "build fake_keepalived.c"; t_done; exit 1; }
N=$d/notify_action.sh
IP=$(command -v ip)
# under_ka MODE [-s] SCRIPT...: one fresh keepalived of MODE (1.3 or 2) in the namespace.
under_ka() { ip netns exec "$NS" "$KA" "$@" >/dev/null 2>&1; }
for mode in 1.3 2; do
	k="keepalived $mode"
	ip -n "$NS" addr del "$VIP/32" dev "$IF" 2>/dev/null
	rm -f "$S/notify"; : > "$L"
	under_ka $mode "$N -c $CONF MASTER"
	under_ka $mode "$C -c $CONF"; RC=$?
	expect "$k: state from another keepalived's notify: exit 0 ($RC)" test "$RC" = 0
	expect "$k: ... VIP not added" vip_off
	expect "$k: ... and says why" grep -q "not written by the keepalived running us" "$L"
	under_ka $mode "$C -c $CONF"
	expect "$k: ... once, not on every tick" test "$(logged 'not written by the keepalived running us')" = 1
	under_ka $mode -s "$N -c $CONF MASTER" "$C -c $CONF"
	expect "$k: the same keepalived's MASTER: check_self acts on it (VIP added)" vip_on
	expect "$k: ... and the warning is lifted once" test "$(logged 'acting on it again')" = 1
	under_ka $mode -s "$N -c $CONF MASTER" "$C -c $CONF" "$C -c $CONF"
	expect "$k: ... lifted once, not every tick" test "$(logged 'acting on it again')" = 1
	# One keepalived, two notifies: the same identity recorded (its VRRP process), the events
	# told apart by what that process forked for each.
	under_ka $mode -s "$N -c $CONF MASTER" "/bin/cp $S/notify $T_TMP/rec1" "$N -c $CONF BACKUP" "/bin/cp $S/notify $T_TMP/rec2"
	read -r _ k1 s1 e1 p1 _ < "$T_TMP/rec1"; read -r _ k2 s2 e2 p2 _ < "$T_TMP/rec2"
	expect "$k: two notifies of one keepalived record one identity ($k1 $s1, $k2 $s2)" test "$k1 $s1" = "$k2 $s2"
	expect "$k: ... and two events ($p1, $p2), neither of them keepalived's VRRP process" \
		sh -c "[ '$p1' != '$p2' ] && [ '$p1' != '$k1' ] && [ '$p2' != '$k1' ]"
	# BACKUP: the notify itself removes a VIP left on the NIC (1.3.5 does not at start).
	vip_on || vip_add
	: > "$L"
	under_ka $mode "$N -c $CONF BACKUP"
	expect "$k: a BACKUP notify removes the VIP from the NIC at once" vip_off
	expect "$k: ... and says so, naming the interface" grep -q "notify: BACKUP: removed VIP $VIP from $IF" "$L"
	# Only a keepalived's first transition does: a later BACKUP notify (one that lost the race
	# with the MASTER keepalived went to since, which put its VIP on) leaves the VIP alone.
	: > "$L"
	under_ka $mode -s "$N -c $CONF MASTER" "$IP addr add $VIP/32 dev $IF" "$N -c $CONF BACKUP"
	expect "$k: a later BACKUP notify of the same keepalived leaves the VIP on the NIC" vip_on
	expect "$k: ... and logs no removal" test "$(logged 'notify: BACKUP: removed VIP')" = 0
	vip_on || vip_add
	under_ka $mode "$C -c $CONF"
	expect "$k: stale BACKUP state: VIP left alone" vip_on
	expect "$k: stale BACKUP state: no restart" test ! -e "$MARK"
	# The same keepalived's BACKUP with a stray VIP: removed, restart_command runs.
	rm -f "$MARK" "$S/last_restart"
	under_ka $mode -s "$N -c $CONF BACKUP" "$IP addr add $VIP/32 dev $IF" "$C -c $CONF"
	expect "$k: the same keepalived's BACKUP: the stray VIP is removed" vip_off
	expect "$k: ... and restart_command runs" test -e "$MARK"
	rm -f "$MARK" "$S/last_restart"
done
ip -n "$NS" addr del "$VIP/32" dev "$IF" 2>/dev/null
ip netns exec "$NS" "$N" -c "$CONF" MASTER >/dev/null 2>&1
under_ka 2 "$C -c $CONF"
expect "a notify an operator ran by hand (no keepalived above it) is taken as said" vip_on
ip netns exec "$NS" "$N" -c "$CONF" BACKUP >/dev/null 2>&1
# The spawned migrates carry the config path in TCVIP_CONFIG: wait until none is left.
no_migrates() { ! grep -qlszxF "TCVIP_CONFIG=$CONF" /proc/[0-9]*/environ; }
expect "the migrates those MASTER notifies started stop (BACKUP now)" wait_for 15 no_migrates
setstate MASTER; rm -f "$S/notify"
run_cs
expect "run by hand (no keepalived above): acted on ($RC)" test "$RC" = 0

# An unreachable API never faults a master, whatever the failure count says.
mkconf fault_after=1
echo 7 > "$S/vip_check_failed_count"
i=0 rcs=""
while [ $i -lt 3 ]; do run_cs; rcs="$rcs$RC"; i=$((i + 1)); done
expect "unknown cloud x3 with fault_after=1: never exit 1 ($rcs)" test "$rcs" = 000
expect "unknown cloud leaves the failure count alone" test "$(cat "$S/vip_check_failed_count")" = 7
rm -f "$S/vip_check_failed_count"

# query_interval: at most one cloud query per interval (a timestamp in state_dir).
mkconf query_interval=30
: > "$L"; rm -f "$S/last_query"
run_cs; run_cs; run_cs
expect "query_interval=30: three runs, one cloud query" test "$(logged 'cloud ownership unknown')" = 1
expect "query_interval: timestamp kept in state_dir" test -s "$S/last_query"
echo 1 > "$S/last_query"
run_cs
expect "query_interval: an old timestamp makes the query due" test "$(logged 'cloud ownership unknown')" = 2
mkconf query_interval=0
run_cs; run_cs
expect "query_interval=0: a query every run" test "$(logged 'cloud ownership unknown')" = 4

# Not MASTER with the VIP on the NIC: recheck, remove it, restart keepalived, exit 1.
mkconf
for st in BACKUP FAULT STOP; do
	rm -f "$MARK" "$S/last_restart"
	vip_on || vip_add
	setstate "$st"
	run_cs
	expect "$st: stray VIP: exit 1 ($RC)" test "$RC" = 1
	expect "$st: waited recheck_delay first (${MS} ms)" test "$MS" -ge 1000
	expect "$st: within the budget (${MS} ms)" in_budget
	expect "$st: VIP removed" vip_off
	expect "$st: restart_command ran" wait_for 5 test -e "$MARK"
done
expect "removal logged" grep -q "removed stray VIP $VIP from $IF" "$L"
expect "restart logged" grep -q "started restart_command 'touch $MARK'" "$L"
# restart_command is rate-limited: a second stray VIP within a minute removes, restarts nothing.
rm -f "$MARK"; vip_add; setstate BACKUP
run_cs
expect "second stray VIP within 60 s: removed, exit 1 ($RC)" sh -c "[ $RC = 1 ] && ! ip -n $NS -4 addr show dev $IF | grep -q 'inet $VIP/'"
expect "... but no second restart_command" test ! -e "$MARK"
expect "... and the log says why" grep -q -E "restart_command ran [0-9]+ s ago; not again before 60 s" "$L"
rm -f "$S/last_restart"
# An unknown state (state file missing or garbage: tcvip installed on a running cluster, a
# wiped state_dir) never removes a VIP: it warns, once.
for st in "" "garbage state"; do
	rm -f "$MARK"; : > "$L"
	vip_on || vip_add
	setstate "$st"
	run_cs; run_cs
	expect "state '${st:-missing}': exit 0 ($RC)" test "$RC" = 0
	expect "state '${st:-missing}': the VIP stays" vip_on
	expect "state '${st:-missing}': no restart" test ! -e "$MARK"
	expect "state '${st:-missing}': warned once in two ticks" test "$(logged 'missing or unreadable')" = 1
	rm -f "$S/notify"	# the record holds the warned mark
done

# The VIP is removed whatever prefix length it carries.
rm -f "$MARK" "$S/last_restart"
ip -n "$NS" addr add "$VIP/24" dev "$IF"
setstate BACKUP
run_cs
expect "stray VIP/24: exit 1" test "$RC" = 1
expect "stray VIP/24: removed" vip_off

# Recheck finds MASTER: keepalived promoted us during the delay; the VIP stays.
rm -f "$MARK"
mkconf recheck_delay=2
vip_add
setstate BACKUP
( sleep 0.7; setstate MASTER ) &
run_cs
wait
expect "became MASTER during recheck: exit 0 ($RC)" test "$RC" = 0
expect "became MASTER during recheck: VIP kept" vip_on
expect "became MASTER during recheck: no restart" test ! -e "$MARK"
expect "became MASTER during recheck: logged" grep -q "became MASTER meanwhile" "$L"

# The VIP left during the delay (keepalived removed it): nothing more to do.
setstate BACKUP
( sleep 0.7; ip -n "$NS" addr del "$VIP/32" dev "$IF" ) &
run_cs
wait
expect "VIP left during recheck: exit 0 ($RC)" test "$RC" = 0
expect "VIP left during recheck: no restart" test ! -e "$MARK"

# An empty restart_command: VIP still removed, nothing run.
mkconf restart_command=
vip_add
setstate BACKUP
run_cs
expect "empty restart_command: exit 1" test "$RC" = 1
expect "empty restart_command: VIP removed" vip_off
expect "empty restart_command: nothing ran" test ! -e "$MARK"

# Blackholed API (packets vanish): a MASTER tick still ends within 3 s, exit 0.
mkconf endpoint=198.18.5.5:443
setstate MASTER
worst=0 rcs=""
i=0
while [ $i -lt 3 ]; do
	run_cs; rcs="$rcs$RC"; [ "$MS" -gt "$worst" ] && worst=$MS; i=$((i + 1))
done
expect "blackholed API: every run exit 0 ($rcs)" test "$rcs" = 000
MS=$worst
expect "blackholed API: every run within the budget, not the 10 s timeout (worst ${worst} ms)" in_budget
expect "blackholed API: VIP kept on the master" vip_on

# Blackholed metadata and no interface in the config: discovery cannot hang the tick.
mkconf endpoint=198.18.5.5:443 metadata=http://198.18.5.6 interface=
rm -f "$S/discovered"
run_cs
expect "blackholed metadata: within the budget (${MS} ms)" in_budget
expect "blackholed metadata: cannot inspect the NIC, exit 1 ($RC)" test "$RC" = 1

# A discovery cache for this boot is enough: no metadata needed.
printf 'boot=%s\nifname=%s\n' "$(cat /proc/sys/kernel/random/boot_id)" "$IF" > "$S/discovered"
mkconf endpoint=198.18.5.5:443 metadata=http://198.18.5.6 interface= query_interval=3600 spot_handover=no
: > "$L"
run_cs
expect "cached interface: exit 0 ($RC)" test "$RC" = 0
# metadata 198.18.5.6 does not answer: had it been asked, the tick would wait out its 1 s
# timeout and log the failure; with the cache it is never asked
expect "cached interface: metadata never asked (nothing about 198.18.5.6 logged)" sh -c "! grep -q '198\.18\.5\.6' '$L'"
# With spot_handover (the default) the master asks metadata for a reclaim notice, at most every
# 5 s and only with 1 s of the tick left: a dead metadata service costs that tick, never a fault.
mkconf endpoint=198.18.5.5:443 metadata=http://198.18.5.6 interface= query_interval=3600
rm -f "$S/last_spot_poll"; : > "$L"
run_cs
expect "spot poll against dead metadata: exit 0 ($RC)" test "$RC" = 0
expect "... it asked (and logged the failure)" grep -q '198\.18\.5\.6' "$L"
# the last poll's time is set here, so that a loaded machine's slow runs cannot decide the side
# of the 5 s the next tick falls on
spot_polled() {
	echo "$(($(mono_ms) - $1))" > "$S/last_spot_poll"
}
: > "$L"; spot_polled 1000
run_cs
expect "... not again within 5 s" sh -c "! grep -q '198\.18\.5\.6' '$L'"
: > "$L"; spot_polled 6000
run_cs
expect "... and again 6 s after the last poll" grep -q '198\.18\.5\.6' "$L"

# ---- Cloud side, against the simulator (tests/sim) run inside the namespace ----
at_exit kill_migrates
if [ ! -f "$T_TOP/tests/sim/sim.py" ] || ! command -v sim_start >/dev/null 2>&1; then
	echo "SKIP: simulator scenarios (tests/sim/sim.py not there)"
else
	# sim_start and simctl run python3: run it in the namespace, where check_self connects.
	python3() { ip netns exec "$NS" python3 "$@"; }
	if sim_start; then
		KEY_ID=AKIDsimTEST0000000000000000000000001 KEY=simSecretKey00000000000000000001
		RO_ID=AKIDsimRDONLY000000000000000000000002 RO_KEY=simSecretKey00000000000000000002
		simconf() {
			mkconf endpoint="localhost:$SIM_API_PORT" ca_file="$SIM_CA" metadata="$SIM_META" \
				secret_id="$KEY_ID" secret_key="$KEY" timeout=3 migrate_timeout=10 "$@"
			sed -i '/^region = /d; /^vpc = /d; /^eni = /d' "$CONF"	# discovered instead
		}
		holder() { simctl holder-of $VIP; }
		fresh() {
			simctl reset >/dev/null; simctl log-clear >/dev/null
			rm -f "$S/takeover" "$S/vip_check_failed_count" "$S/vip_last_check_result" \
				"$S/last_query" "$S/last_migrate"
			: > "$L"
		}
		setstate MASTER

		# Another ENI holds the VIP: false, count 1, a detached migrate takes it over.
		fresh; simconf
		run_cs
		expect "sim: VIP held by B: exit 0 ($RC)" test "$RC" = 0
		expect "sim: tick within the budget with the query (${MS} ms)" in_budget
		expect "sim: vip_last_check_result false" test "$(cat "$S/vip_last_check_result")" = false
		expect "sim: failure count 1" test "$(cat "$S/vip_check_failed_count")" = 1
		expect "sim: holder logged" grep -q "VIP $VIP is on eni-simnodeb" "$L"
		expect "sim: the spawned migrate ends" wait_for 15 no_migrates
		expect "sim: the migrate moved the VIP here" test "$(holder)" = eni-simnodea
		run_cs
		expect "sim: next tick: exit 0" test "$RC" = 0
		expect "sim: next tick: vip_last_check_result true" test "$(cat "$S/vip_last_check_result")" = true
		expect "sim: next tick: failure count back to 0" test "$(cat "$S/vip_check_failed_count")" = 0

		# The VIP went back within a minute of our take-over: two masters; back off, no migrate.
		simctl holder $VIP eni-simnodeb >/dev/null; simctl log-clear >/dev/null
		run_cs
		expect "split brain: exit 0 ($RC)" test "$RC" = 0
		expect "split brain: logged" grep -q "split brain suspected" "$L"
		expect "split brain: no migrate spawned" no_migrates
		expect "split brain: failure count unchanged" test "$(cat "$S/vip_check_failed_count")" = 0
		run_cs
		expect "split brain: still backing off on the next tick" \
			test "$(grep -c 'split brain suspected: backing off' "$L")" = 1
		expect "split brain: no Migrate call while backing off" \
			test "$(sim_count MigratePrivateIpAddress)" = 0
		expect "split brain: B still holds the VIP" test "$(holder)" = eni-simnodeb
		# The backoff is over (history rewritten into the past): take over again.
		read -r _l _s _u k < "$S/takeover"
		expect "split brain: backoff exponent recorded ($k)" test "$k" = 1
		echo "1 0 1 $k" > "$S/takeover"
		run_cs
		expect "after the backoff: take over again" grep -q "failed check 1 of" "$L"
		expect "after the backoff: the migrate ends" wait_for 15 no_migrates
		expect "after the backoff: VIP here again" test "$(holder)" = eni-simnodea

		# Ping-pong seen only through the migrate's own record (no true tick in between).
		simctl holder $VIP eni-simnodeb >/dev/null
		rm -f "$S/takeover"; : > "$L"
		run_cs
		expect "ping-pong: take-over started" wait_for 15 no_migrates
		expect "ping-pong: migrate recorded done" grep -q 'result=done' "$S/last_migrate"
		simctl holder $VIP eni-simnodeb >/dev/null
		run_cs
		expect "ping-pong: split brain suspected from last_migrate" \
			grep -q "split brain suspected: the VIP went back" "$L"

		# Migrations that fail (read-only key): exit 1 after fault_after in a row.
		fresh; simconf secret_id=$RO_ID secret_key=$RO_KEY fault_after=2
		run_cs
		expect "fault_after=2: first failed check exit 0 ($RC)" test "$RC" = 0
		expect "fault_after=2: first migrate ends" wait_for 15 no_migrates
		expect "fault_after=2: the migrate failed" grep -q 'result=failed' "$S/last_migrate"
		run_cs
		expect "fault_after=2: second failed check exit 1 ($RC)" test "$RC" = 1
		expect "fault_after=2: logged" grep -q "failed take-overs in a row" "$L"
		expect "fault_after=2: no split brain suspected" sh -c "! grep -q 'split brain' '$L'"
		wait_for 15 no_migrates

		# A migrate holding the lock: the cloud check waits for it, no API call.
		fresh; simconf
		flock -o "$S/lock" sleep 20 &
		lockpid=$!
		wait_for 5 sh -c "! flock -n '$S/lock' true"
		run_cs
		for c in $(cat "/proc/$lockpid/task/$lockpid/children" 2>/dev/null); do kill "$c"; done
		kill "$lockpid"; wait "$lockpid" 2>/dev/null
		expect "migrate running: exit 0 ($RC)" test "$RC" = 0
		expect "migrate running: no API call" test "$(sim_count DescribeNetworkInterfaces)" = 0
		expect "migrate running: query still due" test ! -e "$S/last_query"

		# Cheap tick: not due -> no API call at all.
		fresh; simconf query_interval=3600
		run_cs; simctl log-clear >/dev/null
		run_cs
		expect "not due: exit 0" test "$RC" = 0
		expect "not due: no API call" test "$(sim_count DescribeNetworkInterfaces)" = 0

		# A slow API (answer after 5 s): the tick still ends in time, master kept.
		fresh; simconf
		simctl fault '{"action":"*","count":5,"kind":"delay","seconds":8}' >/dev/null
		run_cs
		expect "slow API: exit 0 ($RC)" test "$RC" = 0
		expect "slow API: within the budget, not the 8 s answer (${MS} ms)" in_budget
		expect "slow API: unknown logged" grep -q "cloud ownership unknown" "$L"
		simctl fault-clear >/dev/null
		expect "sim: spawned migrates all end" wait_for 15 no_migrates
	else
		not_ok "simulator starts in the namespace"
	fi
	unset -f python3
fi

# Bad usage: exit 2 (keepalived: FAULT, seen at once when the pair is set up).
run_cs extra-arg
expect "extra argument: exit 2" test "$RC" = 2
# A broken config (the same file pushed to both nodes): exit 0 and a loud log line, so that
# keepalived keeps its master and the VIP, instead of both nodes going FAULT.
vip_on || vip_add
echo "bogus_key = 1" >> "$CONF"
setstate MASTER
run_cs
expect "bad config: exit 0, keepalived keeps its state ($RC)" test "$RC" = 0
expect "bad config: the VIP stays on the NIC" vip_on
expect "bad config: the error names file:line and says it does not act" \
	sh -c "ip netns exec $NS '$C' -c '$CONF' 2>&1 | grep -q 'tcvip.conf:[0-9]*.*bogus_key' && ip netns exec $NS '$C' -c '$CONF' 2>&1 | grep -q 'config is broken.*not acting'"
t_done
