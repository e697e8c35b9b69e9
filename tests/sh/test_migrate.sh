#!/bin/sh
# test_migrate.sh: `vip migrate` round logic against the simulator on loopback: several VIPs in mixed
# states, failed tasks, the lock wait and the process's hard time budget.
. "$(dirname "$0")/../lib.sh"
private_netns "$0"
# This node A, peers B and D in A's subnet; .100 and .103 on B, .102 on D, .101 free.
python3 - "$T_TOP/tests/sim/world-test.json" "$T_TMP/world-multi.json" <<'PY'
import json, sys
w = json.load(open(sys.argv[1]))
w["instances"].append({"id": "ins-simnoded", "source": [], "mac": "52:54:00:00:00:0d",
    "eni": "eni-simnoded", "primary_ip": "198.18.0.14", "subnet": "subnet-sim00001"})
w["secondary"] = {"198.18.0.100": "eni-simnodeb", "198.18.0.102": "eni-simnoded",
    "198.18.0.103": "eni-simnodeb"}
json.dump(w, open(sys.argv[2], "w"))
PY
sim_start "$T_TMP/world-multi.json" || { not_ok "simulator starts"; t_done; exit 1; }
d=$T_TMP/node; mkdir -p "$d"; ln -s "$TCVIP_BIN" "$d/vip"

# conf VIPS [extra lines...]: a fresh config and state for node A.
conf() {
	_vips=$1; shift
	rm -rf "$d/state"; : > "$d/tcvip.log"
	sim_conf "$d/tcvip.conf" "$_vips" "$d/state" "$d/tcvip.log" "secret_id = $KEY_ID" \
		"secret_key = $KEY" "$@"
}
reset() { simctl reset >/dev/null; simctl log-clear >/dev/null; simctl fault-clear >/dev/null; }
on_a() { for _ip in "$@"; do [ "$(simctl holder-of "$_ip")" = eni-simnodea ] || return 1; done; }
# timed CMD...: runs CMD (bounded by 30 s), sets RC and MS (wall time in ms).
timed() { _t0=$(mono_ms); timeout 30 "$@" >"$T_TMP/out" 2>&1; RC=$?; MS=$(($(mono_ms) - _t0)); }
lt() { [ "$1" -lt "$2" ]; }

# --- several VIPs in mixed states (issue 9 item 5) ---
reset; conf "198.18.0.101, 198.18.0.100"
expect_rc 0 "one VIP free, one held by B: migrate exits 0" "$d/vip" migrate
expect "free + held: both end on A" on_a 198.18.0.101 198.18.0.100
expect "free + held: the held one was moved" test "$(sim_count MigratePrivateIpAddress Success)" = 1
expect "free + held: result=done" grep -q 'result=done' "$d/state/last_migrate"

reset; conf "198.18.0.100, 198.18.0.102, 198.18.0.103"
expect_rc 0 "three VIPs held by B and D: migrate exits 0" "$d/vip" migrate
expect "held by two ENIs: all three end on A" on_a 198.18.0.100 198.18.0.102 198.18.0.103
expect "held by two ENIs: three moves" test "$(sim_count MigratePrivateIpAddress Success)" = 3

reset; conf "198.18.0.101, 198.18.0.100, 198.18.0.102"
expect_rc 0 "free + held by B + held by D: migrate exits 0" "$d/vip" migrate
expect "free + two holders: all end on A" on_a 198.18.0.101 198.18.0.100 198.18.0.102

# One VIP inside a running task: node B is assigning .101 to itself (1.5 s tasks) when A starts.
reset; conf "198.18.0.100, 198.18.0.101"
simctl task-seconds 1.5 >/dev/null
sed -e '/^vip = /d' -e '/^state_dir = /d' "$d/tcvip.conf" > "$d/tcvip-b.conf"
printf 'vip = 198.18.0.101\neni = eni-simnodeb\nstate_dir = %s/state-b\n' "$d" >> "$d/tcvip-b.conf"
chmod 600 "$d/tcvip-b.conf"
TCVIP_CONFIG=$d/tcvip-b.conf timeout 20 "$d/vip" migrate >/dev/null 2>&1 &
b_pid=$!
at_exit "kill $b_pid"
wait_for 5 sh -c "python3 $T_TOP/tests/sim/simctl.py --url $SIM_META state | grep -q PENDING"
expect_rc 0 "a VIP in B's running task: A's migrate exits 0" "$d/vip" migrate
expect "running task: both end on A" on_a 198.18.0.100 198.18.0.101
wait $b_pid
simctl task-seconds 0 >/dev/null

# --- a FAILED task is looked at again at once, not polled to the deadline (item 4) ---
reset; conf 198.18.0.100
simctl fault '{"action":"MigratePrivateIpAddress","count":1,"kind":"taskfail","output":"quota\u0007exceeded"}' >/dev/null
timed "$d/vip" migrate
expect "taskfail once: migrate exits 0 (rc $RC)" test "$RC" = 0
expect "taskfail once: A holds the VIP" on_a 198.18.0.100
expect "taskfail once: 2 Migrate calls" test "$(sim_count MigratePrivateIpAddress)" = 2
n=$(sim_count DescribeVpcTaskResult)
expect "taskfail once: few task polls ($n)" lt "$n" 4
expect "taskfail once: ends well before migrate_timeout 10 s, not polled to it (${MS} ms)" lt "$MS" 8000
expect "taskfail once: the task's Output logged, sanitised" grep -q 'quota?exceeded' "$d/tcvip.log"

reset; conf 198.18.0.100
simctl fault '{"action":"MigratePrivateIpAddress","count":100,"kind":"taskfail"}' >/dev/null
timed "$d/vip" migrate
expect "taskfail always: migrate exits 1 (rc $RC)" test "$RC" = 1
n=$(sim_count DescribeVpcTaskResult)
expect "taskfail always: bounded task polls ($n)" lt "$n" 6
expect "taskfail always: ends well before migrate_timeout 10 s (${MS} ms)" lt "$MS" 8000
expect "taskfail always: B still holds" test "$(simctl holder-of 198.18.0.100)" = eni-simnodeb

# --- the budget starts once the lock is held (item 10) ---
reset; conf 198.18.0.100 "migrate_timeout = 3"
mkdir -p "$d/state"; chmod 700 "$d/state"
simctl task-seconds 1.5 >/dev/null
timeout 10 flock "$d/state/lock" sleep 2.5 &
l_pid=$!
at_exit "kill $l_pid"
wait_for 3 sh -c "! flock -n '$d/state/lock' true"
timed "$d/vip" migrate
expect "lock held 2.5 s of a 3 s budget, 1.5 s task: migrate exits 0 (rc $RC)" test "$RC" = 0
expect "after the lock wait: A holds the VIP" on_a 198.18.0.100
expect "after the lock wait: result=done" grep -q 'result=done' "$d/state/last_migrate"
wait $l_pid
simctl task-seconds 0 >/dev/null

reset; conf 198.18.0.100 "migrate_timeout = 1"
mkdir -p "$d/state"; chmod 700 "$d/state"
# held far longer than the 1 s the migrate may wait (a loaded machine is slow to start it),
# by one process (sh that execs sleep), so that killing it releases the lock
timeout 30 sh -c 'flock 9 && exec sleep 20' 9>"$d/state/lock" &
l_pid=$!
at_exit "kill $l_pid"
wait_for 3 sh -c "! flock -n '$d/state/lock' true"
timed "$d/vip" migrate
expect "lock never obtained: migrate exits 1 (rc $RC)" test "$RC" = 1
expect "lock never obtained: nothing recorded in last_migrate" test ! -e "$d/state/last_migrate"
expect "lock never obtained: logged" grep -q 'lock' "$d/tcvip.log"
expect "lock never obtained: no API call" test "$(sim_count DescribeNetworkInterfaces)" = 0
kill $l_pid; wait $l_pid 2>/dev/null

# --- no migrate outlives migrate_timeout + slack, even stuck in a call (item 6) ---
# A metadata server that accepts and then never answers (silent) or streams 100 Continue
# without end (stream), while every timeout is large.
cat > "$T_TMP/stuck.py" <<'PY'
import socket, sys, threading, time
mode, portfile = sys.argv[1], sys.argv[2]
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0)); s.listen(16)
open(portfile + ".tmp", "w").write(str(s.getsockname()[1])); __import__("os").rename(portfile + ".tmp", portfile)
def serve(c):
    end = time.monotonic() + 30
    try:
        while time.monotonic() < end:
            if mode == "stream":
                c.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
            time.sleep(0.1)
    except OSError:
        pass
    c.close()
s.settimeout(40)
for _ in range(20):
    try:
        c, _a = s.accept()
    except OSError:
        break
    threading.Thread(target=serve, args=(c,), daemon=True).start()
PY
for mode in silent stream; do
	rm -f "$T_TMP/$mode.port"
	python3 "$T_TMP/stuck.py" $mode "$T_TMP/$mode.port" &
	s_pid=$!
	at_exit "kill $s_pid"
	wait_for 5 test -s "$T_TMP/$mode.port" || not_ok "$mode server starts"
	reset; conf 198.18.0.100 "migrate_timeout = 2" "timeout = 60"
	sed -i "s|^metadata = .*|metadata = http://127.0.0.1:$(cat "$T_TMP/$mode.port")|" "$d/tcvip.conf"
	timed "$d/vip" migrate
	expect "$mode metadata: migrate exits 1 (rc $RC)" test "$RC" = 1
	expect "$mode metadata: ends at the hard deadline, long before the server gives up at 40 s (${MS} ms)" lt "$MS" 20000
	expect "$mode metadata: the lock is free afterwards" flock -n "$d/state/lock" true
	kill $s_pid 2>/dev/null; wait $s_pid 2>/dev/null
done

# The API's host name resolves through a DNS server that never answers (a resolv.conf of our
# own, bind-mounted in a private mount namespace; musl's resolver would wait 30 s x 10): the
# lookup (dns.c) ends at the migrate's deadline, the watchdogs stay the backstop.
if [ "${T_NETNS:-0}" = 1 ] && command -v unshare >/dev/null; then
	python3 -c 'import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 53)); s.settimeout(1)
end = time.monotonic() + 40
while time.monotonic() < end:
    try: s.recvfrom(512)
    except OSError: pass' &
	dns_pid=$!
	at_exit "kill $dns_pid"
	printf 'nameserver 127.0.0.1\noptions timeout:30 attempts:10\n' > "$T_TMP/resolv.conf"
	reset; conf 198.18.0.100 "migrate_timeout = 2" "timeout = 60"
	sed -i "s|^endpoint = .*|endpoint = vpc.unanswered.test:$SIM_API_PORT|" "$d/tcvip.conf"
	timed unshare --mount sh -c "mount --bind '$T_TMP/resolv.conf' /etc/resolv.conf && exec '$d/vip' migrate"
	expect "DNS never answers: migrate exits 1 (rc $RC)" test "$RC" = 1
	expect "DNS never answers: ends by migrate_timeout, long before the resolver gives up at 300 s (${MS} ms)" lt "$MS" 20000
	expect "DNS never answers: the lock is free afterwards" flock -n "$d/state/lock" true
	expect "DNS never answers: the lookup's timeout is logged" \
		grep -q "vpc.unanswered.test:$SIM_API_PORT: connect: name server timed out" "$d/tcvip.log"
	# check_self in the same lookup, started by a parent that blocked SIGALRM: the tick still
	# ends within keepalived's 3 s.
	reset; conf 198.18.0.100 "timeout = 60" "query_interval = 0"
	sed -i "s|^endpoint = .*|endpoint = vpc.unanswered.test:$SIM_API_PORT|" "$d/tcvip.conf"
	mkdir -p "$d/state" && echo MASTER > "$d/state/state"
	ln -sf "$TCVIP_BIN" "$d/check_self.sh"
	timed unshare --mount sh -c "mount --bind '$T_TMP/resolv.conf' /etc/resolv.conf && exec python3 -c 'import os, signal, sys
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM}); os.execv(sys.argv[1], sys.argv[1:])' '$d/check_self.sh'"
	expect "check_self in an unanswered lookup, SIGALRM blocked by its parent: exit 0 (rc $RC)" test "$RC" = 0
	expect "... ends long before the resolver's first 30 s timeout (${MS} ms)" lt "$MS" 15000
	kill $dns_pid
fi
# check_self stuck in a libc call, started by a parent that blocked SIGALRM: its ca_file is a
# FIFO nobody writes, so open() blocks. The watchdog unblocks SIGALRM, logs, and the tick ends
# within keepalived's 3 s.
reset; conf 198.18.0.100 "timeout = 60" "query_interval = 0"
rm -rf "$d/state" "$T_TMP/ca.fifo" && mkfifo -m 0644 "$T_TMP/ca.fifo"
sed -i "s|^ca_file = .*|ca_file = $T_TMP/ca.fifo|" "$d/tcvip.conf"
mkdir -p "$d/state" && echo MASTER > "$d/state/state"
ln -sf "$TCVIP_BIN" "$d/check_self.sh"
timed python3 -c 'import os, signal, sys
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM}); os.execv(sys.argv[1], sys.argv[1:])' "$d/check_self.sh"
expect "check_self stuck in open(), SIGALRM blocked by its parent: exit 0 (rc $RC)" test "$RC" = 0
expect "... ends at the watchdog (${MS} ms)" lt "$MS" 15000
expect "... the watchdog is logged in log_file" grep -q 'check_self: watchdog: the run exceeded its time budget' "$d/tcvip.log"
if [ "${T_NETNS:-0}" != 1 ] || ! command -v unshare >/dev/null; then
	echo "SKIP: the unanswering-DNS case needs root (a private network and mount namespace)"
fi
t_done
