#!/bin/sh
# test_notify.sh: notify_action through its keepalived symlink: both argument forms, state file, failure count, log format, detached migrate, concurrency.
. "$(dirname "$0")/../lib.sh"
B=$TCVIP_BIN
d=$T_TMP/bin
S=$T_TMP/state
L=$T_TMP/keepalived.log
CONF=$T_TMP/tcvip.conf
mkdir -p "$d"
# The API endpoint refuses connections, so a spawned migrate fails fast; nothing leaves the host.
offline_conf "$CONF" 198.18.0.100 lo "$S" "$L" "secret_id = AKIDnotifytest" \
	"secret_key = notifytestkey" "migrate_timeout = 5"
"$B" --install "$d" >/dev/null || { not_ok "tcvip --install"; t_done; exit 1; }
N=$d/notify_action.sh

at_exit kill_migrates
state_is() { [ "$(cat "$S/state" 2>/dev/null)" = "$1" ] && [ "$(wc -l < "$S/state")" = 1 ]; }

# Seed form: notify_action.sh STATE, for every keepalived state.
for st in BACKUP FAULT STOP DELETED MASTER; do
	expect_rc 0 "seed form $st" "$N" -c "$CONF" "$st"
	expect "state file holds $st" state_is "$st"
done
expect "state file is exactly MASTER+newline" sh -c "printf 'MASTER\n' | cmp -s - '$S/state'"
# The detached migrate writes its own files (via temp + rename) meanwhile: look once it is done.
wait_for 15 no_migrates
expect "state file has no temp leftovers" sh -c "! ls -A '$S' | grep -q tmp"

# Generic form: keepalived appends INSTANCE|GROUP NAME STATE PRIORITY after configured arguments.
expect_rc 0 "generic form INSTANCE" "$N" -c "$CONF" INSTANCE VI_1 BACKUP 100
expect "generic INSTANCE -> BACKUP" state_is BACKUP
expect_rc 0 "generic form GROUP" "$N" -c "$CONF" GROUP G1 FAULT 0
expect "generic GROUP -> FAULT" state_is FAULT
expect_rc 0 "generic form after configured args" "$N" -c "$CONF" extra INSTANCE arg INSTANCE VI_2 STOP 90
expect "configured args ignored, parsed from the end" state_is STOP
TCVIP_CONFIG=$CONF expect_rc 0 "config from TCVIP_CONFIG" "$N" INSTANCE VI_1 BACKUP 100
expect "TCVIP_CONFIG -> BACKUP" state_is BACKUP
expect_rc 0 "generic form through 'tcvip notify_action'" "$B" -c "$CONF" notify_action INSTANCE VI_1 FAULT 100
expect "tcvip notify_action -> FAULT" state_is FAULT
"$N" -c "$CONF" BACKUP
wait_for 10 no_migrates

# Bad input: usage error, exit 2, state untouched.
expect_rc 2 "no arguments" "$N" -c "$CONF"
expect_out '^usage: notify_action.sh' "usage on bad input"
for bad in master Master MASTER1 'MA STER' '-MASTER' AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA ''; do
	expect_rc 2 "bad state '$bad'" "$N" -c "$CONF" "$bad"
done
expect_rc 2 "bad state with a newline" "$N" -c "$CONF" "$(printf 'MASTER\nX')"
expect_rc 2 "generic form, three arguments" "$N" -c "$CONF" INSTANCE VI_1 MASTER
expect_rc 2 "generic form, no INSTANCE|GROUP" "$N" -c "$CONF" FOO VI_1 MASTER 100
expect_rc 2 "generic form, lower-case state" "$N" -c "$CONF" INSTANCE VI_1 master 100
expect_rc 2 "two arguments" "$N" -c "$CONF" MASTER BACKUP
expect "bad input left the state alone" state_is BACKUP
expect "bad input is logged" grep -q "notify: bad arguments 'master'" "$L"
expect_rc 2 "missing config: exit 2" "$N" -c "$T_TMP/nonexistent.conf" MASTER
expect "no migrate was started by bad input" no_migrates

# MASTER resets the failure count; other states keep it.
printf '5\n' > "$S/vip_check_failed_count"
expect_rc 0 "BACKUP" "$N" -c "$CONF" BACKUP
expect "BACKUP keeps vip_check_failed_count" test "$(cat "$S/vip_check_failed_count")" = 5
echo 123 > "$S/last_query"
expect_rc 0 "MASTER (generic)" "$N" -c "$CONF" INSTANCE VI_1 MASTER 100
expect "MASTER resets vip_check_failed_count to 0" test "$(cat "$S/vip_check_failed_count")" = 0
expect "MASTER makes check_self's next cloud check due" test ! -e "$S/last_query"

# Log lines: seed format, one per transition.
tsre='^\[[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\] \[pid[0-9]+\] '
expect "log: transition with instance name" grep -qE "${tsre}notify: BACKUP -> MASTER \(VI_1\)\$" "$L"
expect "log: seed-form transition" grep -qE "${tsre}notify: STOP -> DELETED\$" "$L"
expect "log: first transition from no state" grep -qE "${tsre}notify: \(none\) -> BACKUP\$" "$L"
expect "log: every line in the seed format" sh -c "! grep -vE '$tsre' '$L'"
"$N" -c "$CONF" BACKUP
wait_for 10 no_migrates

# notify returns at once; the migrate runs on, detached. Holding the lock keeps it waiting.
# flock -o: only flock itself holds the lock, so killing it releases the lock.
flock -o "$S/lock" sleep 20 &
lockpid=$!
unlock() {
	for c in $(cat "/proc/$lockpid/task/$lockpid/children" 2>/dev/null); do kill "$c"; done
	kill "$lockpid" 2>/dev/null; wait "$lockpid" 2>/dev/null
}
at_exit unlock
: > "$L"
wait_for 5 sh -c "! flock -n '$S/lock' true"
t0=$(date +%s%N)
"$N" -c "$CONF" MASTER
rc=$? t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
expect "notify MASTER exits 0" test "$rc" = 0
expect "notify MASTER returns without waiting for its migrate, held 20 s by the lock (${ms} ms)" test "$ms" -lt 5000
mp=$(migrate_pids | head -n 1)
expect "the migrate outlives notify" test -n "$mp"
if [ -n "$mp" ]; then
	expect "the migrate is in its own session" test "$(ps -o sid= -p "$mp" | tr -d ' ')" = "$mp"
	expect "the migrate has stdin on /dev/null" test "$(readlink "/proc/$mp/fd/0")" = /dev/null
fi
"$N" -c "$CONF" BACKUP
unlock
expect "the migrate stops once not MASTER" wait_for 10 no_migrates
expect "the migrate logged why it stopped" grep -qE "${tsre}migrate: stopping, this node is no longer MASTER" "$L"

# (How long a notify takes is measured by make bench, not decided here: timing depends on the machine.)

# 50 concurrent notifies, out of order: the state file is always one whole valid state.
: > "$L"
i=0 pids=""
while [ $i -lt 50 ]; do
	case $((i % 5)) in
	0) st=MASTER ;; 1) st=BACKUP ;; 2) st=FAULT ;; 3) st=STOP ;; *) st=BACKUP ;;
	esac
	"$N" -c "$CONF" INSTANCE VI_1 $st 100 &
	pids="$pids $!"
	i=$((i + 1))
done
fails=0
for p in $pids; do wait "$p" || fails=$((fails + 1)); done
expect "50 concurrent notifies all exit 0" test "$fails" = 0
expect "state file valid after 50 concurrent notifies" \
	sh -c "grep -qxE 'MASTER|BACKUP|FAULT|STOP' '$S/state' && [ \$(wc -l < '$S/state') = 1 ]"
# The MASTER ones started detached migrates, which write state_dir files (temp + rename) until
# they end (migrate_timeout 5, offline): look for leftovers once they have all ended. (Checked
# at once, a loaded machine caught a migrate between its write and its rename.)
expect "the 50 notifies' migrates end (migrate_timeout 5)" wait_for 60 no_migrates
expect "no temp files left behind" sh -c "! ls -A '$S' | grep tmp"
expect "50 notifies logged, as transitions or as superseded" \
	test "$(grep -cE 'notify: (.* -> |.* ignored: keepalived sent a later transition)' "$L")" = 50
expect "log lines did not interleave" sh -c "! grep -vE '$tsre' '$L'"
"$N" -c "$CONF" BACKUP
expect "spawned migrates all end" wait_for 15 no_migrates

# keepalived forks notifies without waiting: MASTER then BACKUP, forked in that order, race.
# The recorded state is always the later transition (BACKUP), whichever finishes first.
i=0 wrong=0
while [ $i -lt 60 ]; do
	"$N" -c "$CONF" INSTANCE VI_1 MASTER 100 & p1=$!
	"$N" -c "$CONF" INSTANCE VI_1 BACKUP 100 & p2=$!
	wait "$p1" "$p2"
	state_is BACKUP || wrong=$((wrong + 1))
	i=$((i + 1))
done
expect "MASTER & BACKUP forked in that order, 60 times: the state ends BACKUP every time ($wrong wrong)" test "$wrong" = 0
expect "a superseded notify says so in the log" grep -q "notify: MASTER (VI_1) ignored: keepalived sent a later transition" "$L"

# The same race forked the way each keepalived forks (tests/sh/fake_keepalived.c): 1.3.5's
# keepalived child + system() + sh -c, and 2.x's fork + execve. Both notifies are forked at once by
# one VRRP process, MASTER first; the state ends BACKUP every time, both ways.
KA=$T_TMP/ka/keepalived
mkdir -p "$T_TMP/ka"
if cc -std=c11 -O1 -o "$KA" "$(dirname "$0")/fake_keepalived.c"; then
	for mode in 1.3 2; do
		i=0 wrong=0
		while [ $i -lt 60 ]; do
			"$KA" $mode "$N -c $CONF INSTANCE VI_1 MASTER 100" "$N -c $CONF INSTANCE VI_1 BACKUP 100" >/dev/null 2>&1
			state_is BACKUP || wrong=$((wrong + 1))
			i=$((i + 1))
		done
		expect "keepalived $mode forks MASTER then BACKUP, 60 times: the state ends BACKUP ($wrong wrong)" test "$wrong" = 0
	done
else
	not_ok "build fake_keepalived.c"
fi
expect "the notify record names this boot" grep -q "^$(cat /proc/sys/kernel/random/boot_id) " "$S/notify"
expect "spawned migrates all end" wait_for 15 no_migrates

# An older event arriving last is ignored: a notify whose recorded successor started later.
"$N" -c "$CONF" BACKUP
read -r boot kp ks es ep < "$S/notify"
echo "$boot $kp $ks $((es + 1000000)) $ep" > "$S/notify"
expect_rc 0 "a notify older than the recorded one exits 0" "$N" -c "$CONF" FAULT
expect "... and leaves the state alone" state_is BACKUP
echo "another-boot $kp $ks $((es + 1000000)) $ep" > "$S/notify"
expect_rc 0 "a record from another boot does not hold back a notify" "$N" -c "$CONF" FAULT
expect "... which records its state" state_is FAULT

# MASTER_RX_LOWER_PRI: an ownership check and migrate on a master, no new transition.
"$N" -c "$CONF" BACKUP
: > "$L"
expect_rc 0 "MASTER_RX_LOWER_PRI on a BACKUP exits 0" "$N" -c "$CONF" INSTANCE VI_1 MASTER_RX_LOWER_PRI 100
expect "... records nothing and starts no migrate" sh -c "state_is() { [ \"\$(cat '$S/state')\" = BACKUP ]; }; state_is && ! grep -q 'migrate:' '$L'"
"$N" -c "$CONF" MASTER
wait_for 15 no_migrates
cp "$S/notify" "$T_TMP/notify.before"
expect_rc 0 "MASTER_RX_LOWER_PRI on a MASTER exits 0" "$N" -c "$CONF" MASTER_RX_LOWER_PRI
expect "... starts a migrate (ownership check)" grep -q "MASTER_RX_LOWER_PRI: another node was master" "$L"
expect "... the state stays MASTER, not a new transition" sh -c "state_is() { [ \"\$(cat '$S/state')\" = MASTER ]; }; state_is && cmp -s '$S/notify' '$T_TMP/notify.before'"
"$N" -c "$CONF" BACKUP
expect "spawned migrates all end" wait_for 15 no_migrates
t_done
