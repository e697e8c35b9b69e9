#!/bin/sh
# test_eip.sh: the EIP of the VIP after a migrate, against the simulator (world-route.json: eip-simeip01 on eni-simnodea/198.18.0.100): eip = auto reports, eip = ID re-binds under unbind/follow/stale, a refused re-bind keeps the VIP moved and is retried by vip migrate and check_self; config errors name file:line.
. "$(dirname "$0")/../lib.sh"
private_netns "$0"
sim_node "$T_TOP/tests/sim/world-route.json"
KEY_ID=AKIDsimTEST0000000000000000000000001 KEY=simSecretKey00000000000000000001
VIP=198.18.0.100 EIP=eip-simeip01
[ "${T_NETNS:-0}" = 1 ] && IFACE=tv0 || IFACE=lo

# conf [extra lines...]: this node is D (eni-simnoded, A's subnet): a migrate takes the VIP from A.
conf() {
	rm -rf "$S"; : > "$L"
	{
		echo "vip = $VIP"
		echo "eni = eni-simnoded"
		echo "endpoint = localhost:$SIM_API_PORT"
		echo "ca_file = $SIM_CA"
		echo "metadata = $SIM_META"
		echo "interface = $IFACE"
		echo "state_dir = $S"
		echo "log_file = $L"
		echo "migrate_timeout = 10"
		echo "query_interval = 0"
		echo "secret_id = $KEY_ID"
		echo "secret_key = $KEY"
		for l in "$@"; do echo "$l"; done
	} > "$d/tcvip.conf"
	chmod 600 "$d/tcvip.conf"
	export TCVIP_CONFIG=$d/tcvip.conf
}
reset() { simctl reset >/dev/null; simctl log-clear >/dev/null; simctl eip-mode "$1" >/dev/null; }
eip_is() { [ "$(simctl eip-of $EIP)" = "$1" ]; }
on_d() { [ "$(simctl holder-of $VIP)" = eni-simnoded ]; }
calls() { sim_count "$@"; }
deny() { python3 - "$SIM_META" "$KEY_ID" "$@" <<'PY'
import json, sys, urllib.request
base, key, actions = sys.argv[1], sys.argv[2], sys.argv[3:]
req = urllib.request.Request(base + "/_sim/config", data=json.dumps({"deny": {key: actions}}).encode())
urllib.request.urlopen(req, timeout=10).read()
PY
}

# --- eip = auto (the default): reported, never changed ---
reset follow; conf
expect_rc 0 "auto + follow: migrate exits 0" "$d/vip" migrate
expect "auto + follow: the VIP is on D" on_d
expect "auto + follow: the EIP followed (sim)" eip_is "BIND eni-simnoded $VIP"
expect "auto + follow: reported bound here" grep -q "eip: $EIP (198.19.255.1) is bound to eni-simnoded/$VIP" "$L"
expect "auto + follow: one DescribeAddresses" test "$(calls DescribeAddresses Success)" = 1
expect "auto + follow: no AssociateAddress" test "$(calls AssociateAddress)" = 0

reset unbind; conf
expect_rc 0 "auto + unbind: migrate exits 0" "$d/vip" migrate
expect "auto + unbind: the VIP is on D" on_d
expect "auto + unbind: the EIP is left unbound" eip_is "UNBIND none none"
expect "auto + unbind: a warning names the EIP, the VIP and where it is" \
	grep -q "eip: $EIP (198.19.255.1), the EIP of VIP $VIP, is bound nowhere (UNBIND), not to eni-simnoded/$VIP; eip = auto changes nothing" "$L"
expect "auto + unbind: no AssociateAddress" test "$(calls AssociateAddress)" = 0
expect "auto + unbind: nothing recorded for check_self" test ! -e "$S/eip_pending"

reset stale; conf
expect_rc 0 "auto + stale: migrate exits 0" "$d/vip" migrate
expect "auto + stale: the warning says it still names A" \
	grep -q "is bound eni-simnodea/$VIP (BIND), not to eni-simnoded/$VIP" "$L"
expect "auto + stale: no DisassociateAddress, no AssociateAddress" \
	test "$(calls DisassociateAddress)$(calls AssociateAddress)" = 00

# No EIP on the VIP: auto costs no call.
reset unbind; simctl eip $EIP none >/dev/null; simctl log-clear >/dev/null; conf
expect_rc 0 "auto, no EIP on the VIP: migrate exits 0" "$d/vip" migrate
expect "auto, no EIP on the VIP: no DescribeAddresses" test "$(calls DescribeAddresses)" = 0

reset unbind; conf "eip = none"
expect_rc 0 "eip = none: migrate exits 0" "$d/vip" migrate
expect "eip = none: no DescribeAddresses" test "$(calls DescribeAddresses)" = 0
expect "eip = none: the EIP is left unbound" eip_is "UNBIND none none"

# --- eip = ID: re-bound to the new holder ---
reset unbind; conf "eip = $EIP"
expect_rc 0 "id + unbind: migrate exits 0" "$d/vip" migrate
expect "id + unbind: the VIP is on D" on_d
expect "id + unbind: the EIP is bound to D's ENI and the VIP" eip_is "BIND eni-simnoded $VIP"
expect "id + unbind: one AssociateAddress, no DisassociateAddress" \
	test "$(calls AssociateAddress Success)/$(calls DisassociateAddress)" = 1/0
expect "id + unbind: its task polled with DescribeTaskResult" test "$(calls DescribeTaskResult Success)" -ge 1
expect "id + unbind: the re-bind is logged" grep -q "eip: $EIP (198.19.255.1) is bound to eni-simnoded/$VIP (re-bound)" "$L"
expect "id + unbind: nothing pending" test ! -e "$S/eip_pending"

reset stale; conf "eip = $EIP"
expect_rc 0 "id + stale: migrate exits 0" "$d/vip" migrate
expect "id + stale: the EIP is bound to D's ENI and the VIP" eip_is "BIND eni-simnoded $VIP"
expect "id + stale: unbound from A first, then bound" \
	test "$(calls DisassociateAddress Success)/$(calls AssociateAddress Success)" = 1/1

reset follow; conf "eip = $EIP"
expect_rc 0 "id + follow: migrate exits 0" "$d/vip" migrate
expect "id + follow: the EIP is on D" eip_is "BIND eni-simnoded $VIP"
expect "id + follow: nothing to change (no Associate/Disassociate)" \
	test "$(calls AssociateAddress)$(calls DisassociateAddress)" = 00

# Slow tasks: the bind is polled to its end.
reset unbind; simctl task-seconds 0.5 >/dev/null; conf "eip = $EIP@$VIP"
expect_rc 0 "id@vip + unbind, 0.5 s tasks: migrate exits 0" "$d/vip" migrate
expect "id@vip + 0.5 s tasks: the EIP is bound to D" eip_is "BIND eni-simnoded $VIP"
simctl task-seconds 0 >/dev/null

# A bind task that FAILED once: looked at again, bound the next round.
reset unbind; conf "eip = $EIP"
simctl fault '{"action":"AssociateAddress","kind":"taskfail","count":1}' >/dev/null
expect_rc 0 "a FAILED bind task: migrate exits 0" "$d/vip" migrate
expect "a FAILED bind task: bound by the next round" eip_is "BIND eni-simnoded $VIP"
expect "a FAILED bind task: two AssociateAddress" test "$(calls AssociateAddress Success)" = 2

# --- a refused AssociateAddress: the VIP stays moved, the failure is recorded and retried ---
reset unbind; conf "eip = $EIP"; deny AssociateAddress
expect_rc 0 "AssociateAddress refused: migrate still exits 0 (the VIP moved)" "$d/vip" migrate
expect "refused: the VIP is on D" on_d
expect "refused: the EIP stays unbound" eip_is "UNBIND none none"
expect "refused: logged by name" \
	grep -q "eip: $EIP: AssociateAddress to eni-simnoded/$VIP failed: UnauthorizedOperation" "$L"
expect "refused: recorded in state_dir/eip_pending" grep -q "^$EIP $VIP AssociateAddress UnauthorizedOperation" "$S/eip_pending"
expect "refused: last_migrate says done" grep -q "result=done" "$S/last_migrate"
deny
expect_rc 0 "allowed again: vip migrate exits 0" "$d/vip" migrate
expect "vip migrate retried the re-bind: the EIP is on D" eip_is "BIND eni-simnoded $VIP"
expect "the record is removed" test ! -e "$S/eip_pending"

# pending_tried MS: state_dir/eip_pending says its last try was MS ms ago (CLOCK_MONOTONIC, the
# clock eip.c writes there).
pending_tried() {
	sed -i "s/^at=.*/at=$(($(mono_ms) - $1))/" "$S/eip_pending"
}
# check_self on the master retries a recorded failure (no spare API call otherwise).
reset unbind; conf "eip = $EIP"; deny AssociateAddress
expect_rc 0 "refused again: migrate exits 0" "$d/vip" migrate
expect "refused again: recorded" test -e "$S/eip_pending"
deny; printf 'MASTER\n' > "$S/state"; rm -f "$S/notify"
simctl log-clear >/dev/null
# The record's try time is set here, so that how long the migrate and simctl took (a loaded
# machine) cannot decide which side of the 5 s check_self runs on.
pending_tried 1000
expect_rc 0 "check_self 1 s after the last try: exit 0" "$d/check_self.sh"
expect "check_self: not retried within 5 s of the last try" test "$(calls AssociateAddress)" = 0
pending_tried 6000
expect_rc 0 "check_self 6 s after the last try: exit 0" "$d/check_self.sh"
expect "check_self says it retries" grep -q "check_self: an EIP re-bind failed earlier ($S/eip_pending): retrying it with a migrate" "$L"
expect "check_self's migrate re-binds the EIP to D" wait_for 15 eip_is "BIND eni-simnoded $VIP"
expect "... and removes the record" wait_for 5 test ! -e "$S/eip_pending"
simctl log-clear >/dev/null
expect_rc 0 "check_self with nothing recorded: exit 0" "$d/check_self.sh"
expect "check_self with nothing recorded: no EIP call" \
	test "$(calls DescribeAddresses)$(calls AssociateAddress)" = 00
wait_for 10 sh -c "! grep -qlszxF TCVIP_CONFIG=$d/tcvip.conf /proc/[0-9]*/environ"

# --- vip status and vip doctor show the EIP of each VIP ---
reset unbind; conf "eip = $EIP"
expect_rc 0 "status (A holds the VIP and its EIP): exit 0" "$d/vip" status
expect_out "^eip of $VIP +$EIP 198.19.255.1 bound eni-simnodea/$VIP \(BIND\) \[configured\]" "status shows the EIP, where it is bound, configured"
expect_rc 0 "status --json: exit 0" "$d/vip" status --json
expect_out "\"eip\": ?\{\"id\": ?\"$EIP\", ?\"found\": ?true, ?\"ip\": ?\"198.19.255.1\", ?\"status\": ?\"BIND\", ?\"eni\": ?\"eni-simnodea\"" "status --json has the EIP object"
conf
expect_rc 0 "status, eip = auto: exit 0" "$d/vip" status
expect_out "^eip of $VIP +$EIP 198.19.255.1 bound eni-simnodea/$VIP \(BIND\) \[auto\]" "status, auto: the EIP its holder shows"
simctl eip $EIP none >/dev/null
expect_rc 0 "status, auto, no EIP on the VIP: exit 0" "$d/vip" status
expect_out "^eip of $VIP +none on it" "status says there is none"
simctl reset >/dev/null
if [ "${T_NETNS:-0}" = 1 ]; then
	conf "eip = $EIP"
	expect_rc 0 "doctor with eip = ID: all pass" "$d/vip" doctor
	expect_out "PASS +DescribeAddresses +allowed" "doctor: DescribeAddresses allowed"
	expect_out "PASS +DescribeTaskResult +allowed" "doctor: DescribeTaskResult allowed"
	expect_out "SKIP +AssociateAddress +not probed" "doctor: AssociateAddress only with --probe-write"
	expect_out "PASS +eip +VIP $VIP: $EIP \(configured: re-bound after a move\) 198.19.255.1, bound eni-simnodea/$VIP \(BIND\)" "doctor shows the EIP of the VIP"
	expect_rc 0 "doctor --probe-write: all pass" "$d/vip" doctor --probe-write
	expect_out "PASS +AssociateAddress +allowed" "doctor --probe-write: AssociateAddress allowed"
	expect_out "PASS +DisassociateAddress +allowed" "doctor --probe-write: DisassociateAddress allowed"
	expect "doctor --probe-write: the EIP is untouched" eip_is "BIND eni-simnodea $VIP"
	conf "eip = eip-nothere1"
	expect_rc 1 "doctor, an EIP id that does not exist: exit 1" "$d/vip" doctor
	expect_out "FAIL +eip +VIP $VIP: eip-nothere1: no such EIP in ap-guangzhou" "doctor names the missing EIP"
	conf "eip = $EIP"; deny DescribeAddresses
	expect_rc 1 "doctor, DescribeAddresses denied: exit 1" "$d/vip" doctor
	expect_out "FAIL +DescribeAddresses +UnauthorizedOperation" "doctor names the denied action"
	deny
	conf
	expect_rc 0 "doctor, eip = auto: all pass" "$d/vip" doctor
	expect_out "PASS +eip +VIP $VIP: $EIP \(eip = auto: reported only\)" "doctor, auto: the EIP its holder shows"
	simctl eip $EIP none >/dev/null; deny DescribeAddresses
	expect_rc 0 "doctor, eip = auto, no EIP on the VIP, DescribeAddresses denied: all pass" "$d/vip" doctor
	expect_out "SKIP +DescribeAddresses +not needed now \(no EIP on any VIP; eip = auto\)" "doctor: auto without an EIP needs no EIP permission"
	deny; simctl reset >/dev/null
fi

# --- config errors: one line naming file:line and the key ---
conf "eip = $EIP" "vip = 198.18.0.101"
expect_rc 2 "a bare EIP id with two VIPs: exit 2" "$d/vip" query
expect_out "tcvip.conf:13: eip: $EIP names no VIP and 2 are configured; write eip = $EIP@VIP" "... names the line and the fix"
conf "eip = $EIP@198.18.0.77"
expect_rc 2 "an EIP for an unconfigured VIP: exit 2" "$d/vip" query
expect_out "tcvip.conf:13: eip: $EIP@198.18.0.77: 198.18.0.77 is not a configured vip" "... names it"
conf "eip = none" "eip = $EIP"
expect_rc 2 "none, then an id: exit 2" "$d/vip" query
expect_out "tcvip.conf:14: eip ids cannot be combined with an earlier eip = none" "... says why"
conf "eip = eip_bogus"
expect_rc 2 "a malformed id: exit 2" "$d/vip" query
expect_out "tcvip.conf:13: eip: 'eip_bogus' is not auto, none, or an EIP id" "... names the value"
conf "eip = $EIP" "api = 2"
expect_rc 2 "an EIP id with api = 2: exit 2" "$d/vip" query
expect_out "tcvip.conf:13: eip: $EIP needs api = 3" "... says so"
t_done
