#!/bin/sh
# test_fifo.sh: notify_fifo, keepalived's ordered notify FIFO consumer, against the simulator: ordered events, latest wins, warm migrate without a new handshake, garbage lines, a recreated FIFO, MASTER_RX_LOWER_PRI, SIGTERM.
. "$(dirname "$0")/../lib.sh"
private_netns "$0"
sim_start || { not_ok "simulator starts"; t_done; exit 1; }
VIP=198.18.0.100
d=$T_TMP/node; mkdir -p "$d"
S=$d/state L=$d/tcvip.log F=$d/notify.fifo
ln -s "$TCVIP_BIN" "$d/notify_fifo.sh"
sim_conf "$d/tcvip.conf" $VIP "$S" "$L" "secret_id = $KEY_ID" "secret_key = $KEY"
holder() { simctl holder-of $VIP; }
state_is() { [ "$(cat "$S/state" 2>/dev/null)" = "$1" ]; }
logged() { grep -c -- "$1" "$L" 2>/dev/null || true; }
send() { printf '%s\n' "$@" > "$F"; }

# start_consumer: as keepalived does: it makes the FIFO, starts the script with the FIFO's path
# as last argument, and keeps the FIFO open for writing.
start_consumer() {
	"$d/notify_fifo.sh" -c "$d/tcvip.conf" "$F" 2>>"$d/stderr" &
	CP=$!
	at_exit "kill $CP"
	wait_for 5 grep -q "notify_fifo: reading $F" "$L"
}
mkfifo -m 0600 "$F"
exec 7<>"$F"	# the writer keepalived would be
at_exit "exec 7>&-"
start_consumer
expect "the consumer starts and says what it reads" grep -q "notify_fifo: reading $F" "$L"

send 'INSTANCE "VI_1" BACKUP 100'
expect "BACKUP event: state BACKUP" wait_for 5 state_is BACKUP
expect "... logged as a transition" wait_for 5 grep -q 'notify: (none) -> BACKUP (VI_1)' "$L"
expect "... no cloud change" test "$(sim_count MigratePrivateIpAddress)" = 0
simctl log-clear >/dev/null
send 'INSTANCE "VI_1" MASTER 100'
expect "MASTER event: the cloud gives the VIP to this ENI" wait_for 10 sh -c "[ \"\$(python3 '$T_TOP/tests/sim/simctl.py' --url '$SIM_META' holder-of $VIP)\" = eni-simnodea ]"
expect "MASTER event: state MASTER" state_is MASTER
expect "... the migrate ran in the consumer and reported" wait_for 5 grep -qE 'migrate: every VIP is on eni-simnodea .* 0 TLS handshakes\)' "$L"
expect "... with one Migrate" test "$(sim_count MigratePrivateIpAddress Success)" = 1
expect "... its phases counted from the FIFO line's arrival (last_migrate event=fifo)" \
	wait_for 5 grep -qE ' result=done .* event=fifo .* accepted_ms=[0-9]+ ' "$S/last_migrate"

# Ordered, latest wins: a burst ending BACKUP leaves BACKUP and moves nothing more.
simctl holder $VIP eni-simnodeb >/dev/null; simctl log-clear >/dev/null
lines=""
i=0
while [ $i -lt 50 ]; do lines="$lines$(printf 'INSTANCE "VI_1" MASTER 100\nINSTANCE "VI_1" BACKUP 100\n')
"; i=$((i + 1)); done
printf '%s' "$lines" > "$F"
expect "a burst of 100 events ending BACKUP: state BACKUP" wait_for 20 sh -c "[ \"\$(cat '$S/state')\" = BACKUP ] && [ \$(grep -c 'notify: .* -> BACKUP (VI_1)' '$L') -ge 50 ]"
sleep 1
expect "... the VIP stays where the cloud had it (at most one move, undone by nobody)" \
	test "$(sim_count MigratePrivateIpAddress Success)" -le 1
expect "... state still BACKUP" state_is BACKUP

# Garbage lines are logged and skipped; the consumer carries on.
send 'garbage' 'INSTANCE VI_1 MASTER 100' 'INSTANCE "VI_1" master 100' "INSTANCE \"$(printf 'a\033b')\" FOO 1"
head -c 600 /dev/zero | tr '\0' x > "$F"; echo > "$F"
send 'INSTANCE "VI_1" FAULT 0'
expect "after garbage lines: the next event is applied" wait_for 5 state_is FAULT
expect "4 garbage lines logged as skipped (an unknown state word, a control byte in a name)" test "$(logged 'not a keepalived event, skipped')" = 4
expect "an overlong line is skipped" grep -q "line over 255 bytes, skipped" "$L"
expect "control bytes from the FIFO are not logged raw" sh -c "! grep -q \"$(printf '\033')\" '$L'"
expect "the consumer still runs" kill -0 "$CP"

# MASTER_RX_LOWER_PRI while MASTER: an ownership check and a migrate, no new transition.
send 'INSTANCE "VI_1" MASTER 100'
wait_for 10 sh -c "grep -c 'every VIP is on' '$L' | grep -q '^[2-9]'"
simctl holder $VIP eni-simnodeb >/dev/null; simctl log-clear >/dev/null
n0=$(logged ' -> ')
send 'INSTANCE "VI_1" MASTER_RX_LOWER_PRI 100'
expect "MASTER_RX_LOWER_PRI: the VIP comes back to this ENI" wait_for 10 sh -c "[ \"\$(python3 '$T_TOP/tests/sim/simctl.py' --url '$SIM_META' holder-of $VIP)\" = eni-simnodea ]"
expect "... no transition recorded" test "$(logged ' -> ')" = "$n0"
expect "... state still MASTER" state_is MASTER

# keepalived restarts: it unlinks the FIFO and makes a new one; the consumer follows.
exec 7>&-
rm -f "$F"; mkfifo -m 0600 "$F"; exec 7<>"$F"
expect "a recreated FIFO is noticed" wait_for 5 grep -q "was recreated" "$L"
send 'INSTANCE "VI_1" BACKUP 100'
expect "events on the new FIFO are applied" wait_for 5 state_is BACKUP

# Called under the binary's own name (keepalived's realpath): the FIFO argument picks the applet.
kill "$CP"; wait "$CP"; rc=$?
expect "SIGTERM stops it with exit 0 ($rc)" test "$rc" = 0
expect "... and it says so" grep -q "notify_fifo: $F: stopping (signal)" "$L"
"$TCVIP_BIN" -c "$d/tcvip.conf" "$F" 2>>"$d/stderr" &
CP=$!
at_exit "kill $CP"
expect "tcvip FIFO (own name) runs notify_fifo" wait_for 5 sh -c "[ \$(grep -c 'notify_fifo: reading' '$L') = 2 ]"
send 'INSTANCE "VI_1" STOP 0'
expect "... and applies events" wait_for 5 state_is STOP
kill "$CP"; wait "$CP"
expect_rc 2 "no FIFO argument: usage, exit 2" "$d/notify_fifo.sh" -c "$d/tcvip.conf"
t_done
