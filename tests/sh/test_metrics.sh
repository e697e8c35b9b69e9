#!/bin/sh
# test_metrics.sh: a migrate's phases (last_migrate, the final log line, `vip status --json` and its schema) and metrics_file (promtool check metrics and a strict parse of every file, counters merged across processes, atomic 0644, a symlink refused, no write when nothing changed; a migrate ended by its hard deadline and a check_self ended by its watchdog still counted) against the simulator.
. "$(dirname "$0")/../lib.sh"
private_netns "$0"
sim_start || { not_ok "simulator starts"; t_done; exit 1; }
VIP=198.18.0.100
d=$T_TMP/node; mkdir -p "$d/prom"; "$TCVIP_BIN" --install "$d" >/dev/null
PROM=$d/prom/tcvip.prom
# CHECK FILE [SERIES=VALUE...]: promtool check metrics (no lint problem), then the strict parser
# with the values (tests/sh/check_metrics.py): every metrics file the test makes goes through both.
CHECK=check
check() { prom_check "$1" && python3 "$T_TOP/tests/sh/check_metrics.py" "$@"; }

# promtool itself: a file it must refuse (a counter without _total, no HELP), so a pass means something
printf '# TYPE tcvip_bad counter\ntcvip_bad 1\n' > "$T_TMP/bad.prom"
expect_rc 1 "promtool check metrics refuses a bad file" prom_check "$T_TMP/bad.prom"
expect_out '_total' "... and names the lint problem"

# conf [extra lines...]: a fresh config (static key) and state for node A.
conf() {
	rm -rf "$d/state"; : > "$d/tcvip.log"
	sim_conf "$d/tcvip.conf" $VIP "$d/state" "$d/tcvip.log" "secret_id = $KEY_ID" "secret_key = $KEY" "$@"
}
reset() { simctl reset >/dev/null; simctl log-clear >/dev/null; simctl fault-clear >/dev/null; }
rec() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" "$d/state/last_migrate"; }
# status_schema: vip status --json parsed; every documented key there with its type (README).
status_schema() {
	"$d/vip" status --json | python3 -c '
import json, sys
s = json.load(sys.stdin)
def t(v, *types): return any(isinstance(v, k) and not (k is int and isinstance(v, bool)) for k in types)
top = {"schema": (int,), "state": (str,), "interface": (str,), "eni": (str,), "vpc": (str,),
       "region": (str,), "cloud_reachable": (bool,), "vips": (list,), "endpoint": (str,),
       "credentials": (str,), "last_migrate": (dict, type(None)), "failed_count": (int,),
       "mode": (str,), "next_hop": (str,), "eip_pending": (str,)}
assert s["schema"] == 1, s["schema"]
for k, ty in top.items(): assert k in s and t(s[k], *ty), (k, s.get(k))
assert set(s) == set(top), ("keys not in the README table (or missing)", set(s) ^ set(top))
for v in s["vips"]:
    assert set(v) == {"vip", "on_nic", "holder", "eip"}, v
    assert t(v["vip"], str) and t(v["on_nic"], bool, type(None)) and t(v["holder"], str, type(None)), v
    e = v["eip"]
    assert e is None or (set(e) == {"id", "found", "ip", "status", "eni", "private_ip", "configured"}
        and t(e["found"], bool) and t(e["configured"], bool)
        and all(t(e[k], str) for k in ("id", "ip", "status", "eni", "private_ip"))), e
m = s["last_migrate"]
if m is not None:
    lm = {"time": (int,), "ended_ms": (int, type(None)), "result": (str,), "event": (str, type(None)), "duration_ms": (int, type(None)),
          "total_ms": (int, type(None)), "calls": (int,), "retries": (int,), "error": (str, type(None)),
          "phases_ms": (dict,)}
    for k, ty in lm.items(): assert k in m and t(m[k], *ty), (k, m.get(k))
    assert set(m) == set(lm), ("last_migrate keys not in the README table", set(m) ^ set(lm))
    assert set(m["phases_ms"]) == {"request", "accepted", "task_ended", "confirmed", "follow_up"}, m
    for k, v in m["phases_ms"].items(): assert t(v, int, type(None)), (k, v)
print(json.dumps(m))
'
}

# --- a migrate's phases ---
reset; conf "metrics_file = $PROM"
expect_rc 0 "vip migrate, holder B -> A" "$d/vip" migrate --event notify:1
# an event stamped at monotonic ms 1 is long ago: the phases count from it
expect "last_migrate: event=notify (from --event)" test "$(rec event)" = notify
expect_rc 2 "--event with a bad value: usage error" "$d/vip" migrate --event 'x y:1'
reset
expect_rc 0 "vip migrate, holder B -> A (by hand)" "$d/vip" migrate
line=$(grep 'migrate: done in' "$d/tcvip.log" | tail -n 1)
printf '# %s\n' "$line"
expect "final log line: done in N ms (event→request, accepted, task ended, confirmed), calls, retries" \
	sh -c "printf '%s\n' '$line' | grep -qE 'migrate: done in [0-9]+ ms \(event→request [0-9]+ ms, accepted [0-9]+ ms, task ended [0-9]+ ms, confirmed [0-9]+ ms\), [0-9]+ calls, 0 retries$'"
expect "... it is the migrate's last line" sh -c "tail -n 1 '$d/tcvip.log' | grep -q 'migrate: done in'"
expect "last_migrate keeps its old keys first" grep -qE '^time=[0-9]+ result=done duration_ms=[0-9]+ calls=[0-9]+ ' "$d/state/last_migrate"
expect "last_migrate: event=manual, every phase, the follow-up too (eip = auto: the EIP step ran)" \
	sh -c "[ '$(rec event)' = manual ] && [ '$(rec request_ms)' != - ] && [ '$(rec accepted_ms)' != - ] && [ '$(rec task_ended_ms)' != - ] && [ '$(rec confirmed_ms)' != - ] && [ '$(rec follow_up_ms)' != - ]"
expect "... in order: request <= accepted <= task ended <= confirmed <= follow-up" \
	test "$(rec request_ms)" -le "$(rec accepted_ms)" -a "$(rec accepted_ms)" -le "$(rec task_ended_ms)" -a "$(rec task_ended_ms)" -le "$(rec confirmed_ms)" -a "$(rec confirmed_ms)" -le "$(rec follow_up_ms)"
expect "... calls match the simulator's log ($(rec calls))" test "$(rec calls)" = "$(simctl log | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"
J=$(status_schema); rc=$?
expect "vip status --json: schema 1, every documented key with its type, no other" test "$rc" = 0
expect "... last_migrate.phases_ms as in last_migrate" \
	test "$(printf '%s' "$J" | python3 -c 'import json,sys; m=json.load(sys.stdin); print(m["phases_ms"]["accepted"], m["result"], m["event"], m["error"])')" = "$(rec accepted_ms) done manual None"
expect_rc 0 "vip status (text) shows the phases" "$d/vip" status
expect_out "last migrate: .* UTC, after the manual: done in [0-9]+ ms \(event→request" "... one line"

# --- metrics_file after it ---
expect_rc 0 "promtool check metrics: the file parses, no lint problem ($("$PROMTOOL" --version 2>&1 | head -n 1))" prom_check "$PROM"
sed 's/^/# /' "$PROM"
expect "metrics_file written, mode 0644" test "$(stat -c %a "$PROM")" = 644
expect "... no temp file left beside it" test "$(ls -A "$d/prom")" = tcvip.prom
expect_rc 0 "metrics_file parses strictly, with the migrate's numbers" $CHECK "$PROM" \
	'tcvip_migrations_total{result="done"}=2' \
	'tcvip_api_requests_total{action="MigratePrivateIpAddress",code="ok"}=2' \
	"tcvip_vip_held{vip=\"$VIP\"}=1" \
	'tcvip_last_migration_phase_seconds{phase="accepted"}~=[0-9]+\.[0-9]{3}' \
	'tcvip_last_migration_phase_seconds{phase="follow_up"}~=[0-9]+\.[0-9]{3}' \
	'tcvip_build_info{version="'"$("$TCVIP_BIN" --version | awk '{print $2}')"'"}=1'
expect "... accepted in seconds = last_migrate's accepted_ms" grep -qF "tcvip_last_migration_phase_seconds{phase=\"accepted\"} $(awk -v m="$(rec accepted_ms)" 'BEGIN { printf "%d.%03d", m / 1000, m % 1000 }')" "$PROM"
expect "... the follow-up (the EIP step, after the record) = last_migrate's follow_up_ms" grep -qF "tcvip_last_migration_phase_seconds{phase=\"follow_up\"} $(awk -v m="$(rec follow_up_ms)" 'BEGIN { printf "%d.%03d", m / 1000, m % 1000 }')" "$PROM"

# retries and error codes, counted across processes
reset
simctl fault '{"action":"MigratePrivateIpAddress","count":2,"kind":"error","code":"RequestLimitExceeded"}' >/dev/null
expect_rc 0 "migrate through 2x RequestLimitExceeded" "$d/vip" migrate
expect "last_migrate: retries=2 error=RequestLimitExceeded" test "$(rec retries) $(rec error)" = "2 RequestLimitExceeded"
expect "... the log line says so" sh -c "tail -n 1 '$d/tcvip.log' | grep -qE ', 2 retries, last error RequestLimitExceeded$'"
expect_rc 0 "metrics: counts added to the earlier processes' counts" $CHECK "$PROM" \
	'tcvip_migrations_total{result="done"}=3' \
	'tcvip_api_requests_total{action="MigratePrivateIpAddress",code="RequestLimitExceeded"}=2' \
	'tcvip_api_requests_total{action="MigratePrivateIpAddress",code="ok"}=3'
simctl fault '{"action":"MigratePrivateIpAddress","count":1,"kind":"error","code":"UnauthorizedOperation"}' >/dev/null
simctl holder $VIP eni-simnodeb >/dev/null
expect_rc 4 "a refused migrate" "$d/vip" migrate
expect_rc 0 "metrics: a refused migrate counted as failed, by its code" $CHECK "$PROM" \
	'tcvip_migrations_total{result="failed"}=1' 'tcvip_migrations_total{result="done"}=3' \
	'tcvip_api_requests_total{action="MigratePrivateIpAddress",code="UnauthorizedOperation"}=1'

# --- check_self: no extra API call, no write when nothing changed ---
reset; simctl holder $VIP eni-simnodea >/dev/null
printf 'MASTER\n' > "$d/state/state"
sed -i 's/^metrics_file.*/&\nquery_interval = 3600/' "$d/tcvip.conf"
n0=$(simctl log | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
"$d/check_self.sh" >/dev/null 2>&1
n1=$(simctl log | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
expect_rc 0 "check_self's cloud check counted (one run, its describe)" $CHECK "$PROM" \
	'tcvip_check_self_queries_total=1' 'tcvip_check_self_faults_total=absent' \
	'tcvip_credentials_expiry_timestamp_seconds=absent' \
	"tcvip_vip_held{vip=\"$VIP\"}=1"
expect "... its API calls are the metrics' (no extra call: $((n1 - n0)))" test "$((n1 - n0))" = 1
before=$(stat -c '%i %Y.%y' "$PROM")
sleep 1.1
for i in 1 2 3; do "$d/check_self.sh" >/dev/null 2>&1; done
expect "3 ticks with nothing new: metrics_file not rewritten (inode, mtime)" test "$(stat -c '%i %Y.%y' "$PROM")" = "$before"
expect "... and no API call" test "$(simctl log | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = "$n1"

# --- the file itself: a symlink refused, the counts file strict ---
rm -f "$PROM"; echo keep > "$d/prom/other"; ln -s "$d/prom/other" "$PROM"
reset
expect_rc 0 "a migrate with metrics_file a symlink still works" "$d/vip" migrate
expect "... the link's target untouched" test "$(cat "$d/prom/other")" = keep
expect "... and it says why, naming the file" grep -q "metrics_file $PROM: is a symbolic link" "$d/tcvip.log"
rm -f "$PROM" "$d/prom/other"
echo 'garbage here' > "$d/state/metrics"
"$d/vip" migrate >/dev/null 2>&1
expect "a counts file tcvip did not write: counted from 0 again, said so" grep -q "is not what tcvip writes" "$d/tcvip.log"
expect_rc 0 "... and the metrics file is whole" $CHECK "$PROM" 'tcvip_migrations_total{result="done"}=1'

# --- an older tcvip's last_migrate ---
printf 'time=1700000000 result=done duration_ms=812 calls=4\n' > "$d/state/last_migrate"
J=$(status_schema); rc=$?
expect "status --json reads an older last_migrate (no phases: null)" \
	test "$rc $(printf '%s' "$J" | python3 -c 'import json,sys; m=json.load(sys.stdin); print(m["duration_ms"], m["total_ms"], m["phases_ms"]["accepted"])')" = "0 812 None None"
rm -f "$d/state/last_migrate"
J=$(status_schema); rc=$?
expect "status --json with no migrate yet: last_migrate null" test "$rc $J" = "0 null"
# role credentials: their expiry as a timestamp, the one the metadata service gave
rm -rf "$d/state"; : > "$d/tcvip.log"; rm -f "$PROM"
sim_conf "$d/tcvip.conf" $VIP "$d/state" "$d/tcvip.log" "metrics_file = $PROM"
reset
expect_rc 0 "a migrate with CVM role credentials" "$d/vip" migrate
exp=$(simctl state | python3 -c 'import json,sys; print(json.load(sys.stdin)["role"]["expired"])')
expect_rc 0 "metrics: tcvip_credentials_expiry_timestamp_seconds = the role's ExpiredTime ($exp)" \
	$CHECK "$PROM" "tcvip_credentials_expiry_timestamp_seconds=$exp"
# --- a process ended by its time limit still counts ---
# Stuck in a libc call that has no timeout: ca_file is a FIFO nobody writes, so open() blocks (as
# in test_migrate.sh; a DNS server that never answers no longer does it: tcvip's resolver ends at
# the call's own deadline). The SIGALRM handler leaves a byte in state_dir/metrics.tally; the next
# process's flush merges it, also a check_self tick that saw nothing itself.
reset; conf "metrics_file = $PROM" "migrate_timeout = 2" "timeout = 60" "query_interval = 0"
rm -f "$PROM" "$T_TMP/ca.fifo" && mkfifo -m 0644 "$T_TMP/ca.fifo"
ca_line=$(grep '^ca_file = ' "$d/tcvip.conf")
sed -i "s|^ca_file = .*|ca_file = $T_TMP/ca.fifo|" "$d/tcvip.conf"
expect_rc 1 "vip migrate stuck in open(): ended by its hard deadline" "$d/vip" migrate
expect "... said so" grep -q 'migrate: hard deadline' "$d/tcvip.log"
expect "... and left its count in state_dir/metrics.tally" test "$(cat "$d/state/metrics.tally" 2>/dev/null)" = d
echo MASTER > "$d/state/state"
expect_rc 0 "check_self stuck in open(): ended by its watchdog, exit 0" "$d/check_self.sh"
expect "... said so" grep -q 'check_self: watchdog' "$d/tcvip.log"
expect "... and left its count after the migrate's" test "$(cat "$d/state/metrics.tally" 2>/dev/null)" = dw
expect "... no metrics_file yet (neither could flush)" test ! -e "$PROM"
# BACKUP with no VIP on the NIC (the earlier migrates put it there): nothing to do
echo BACKUP > "$d/state/state"
ip -4 -o addr show dev "$(node_iface)" | awk -v v="$VIP" '$4 ~ "^" v "/" { print $4 }' |
	while read -r a; do ip addr del "$a" dev "$(node_iface)"; done
sed -i "s|^ca_file = .*|$ca_line|" "$d/tcvip.conf"
n0=$(simctl log | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
expect_rc 0 "a check_self tick (BACKUP, no cloud check) merges the tally" "$d/check_self.sh"
expect "... with no API call of its own" test "$(simctl log | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = "$n0"
expect_rc 0 "metrics: the migrate as result=deadline, the watchdog as no fault" $CHECK "$PROM" \
	'tcvip_migrations_total{result="deadline"}=1' 'tcvip_check_self_watchdog_total=1' \
	'tcvip_check_self_faults_total=absent' 'tcvip_check_self_queries_total=absent'
expect "... the tally is gone (counted once)" test ! -e "$d/state/metrics.tally" -a ! -e "$d/state/metrics.tally.merging"
before=$(stat -c '%i %Y.%y' "$PROM")
"$d/check_self.sh" >/dev/null 2>&1
expect "... the next tick has nothing new: no write" test "$(stat -c '%i %Y.%y' "$PROM")" = "$before"
# metrics_file off: nothing written
conf; "$d/vip" migrate >/dev/null 2>&1
expect "metrics_file unset: no counts file" test ! -e "$d/state/metrics"
t_done
