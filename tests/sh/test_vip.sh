#!/bin/sh
# test_vip.sh: `vip migrate/query/status/doctor` against the simulator on loopback: outcomes, faults, retries, credentials, API 2.
. "$(dirname "$0")/../lib.sh"
private_netns "$0"
sim_start || { not_ok "simulator starts"; t_done; exit 1; }
VIP=198.18.0.100
d=$T_TMP/node; mkdir -p "$d"; ln -s "$TCVIP_BIN" "$d/vip"

# conf [extra lines...]: a fresh config and state for node A (interface lo: no netlink discovery needed).
conf() { rm -rf "$d/state"; : > "$d/tcvip.log"; sim_conf "$d/tcvip.conf" $VIP "$d/state" "$d/tcvip.log" "$@"; }
keys() { conf "secret_id = $KEY_ID" "secret_key = $KEY" "$@"; }
holder() { simctl holder-of $VIP; }
reset() { simctl reset >/dev/null; simctl log-clear >/dev/null; simctl fault-clear >/dev/null; }

# --- outcomes ---
reset; keys
expect_rc 1 "query: B holds the VIP -> false" "$d/vip" query
expect_out '^false$' "query prints false"
expect_rc 0 "migrate from holder B to A" "$d/vip" migrate
expect "cloud: A holds the VIP" test "$(holder)" = eni-simnodea
expect "one MigratePrivateIpAddress call" test "$(sim_count MigratePrivateIpAddress)" = 1
expect "task polled" test "$(sim_count DescribeVpcTaskResult Success)" -ge 1
expect_rc 0 "query -> true" "$d/vip" query
expect_out '^true$' "query prints true"
simctl log-clear >/dev/null
expect_rc 0 "migrate when already held is a no-op" "$d/vip" migrate
expect "no Migrate call when already held" test "$(sim_count MigratePrivateIpAddress)" = 0
expect "no Assign call when already held" test "$(sim_count AssignPrivateIpAddresses)" = 0
simctl holder $VIP none >/dev/null
expect_rc 0 "migrate with no holder assigns" "$d/vip" migrate
expect "AssignPrivateIpAddresses used" test "$(sim_count AssignPrivateIpAddresses Success)" = 1
expect "cloud: A holds the VIP after assign" test "$(holder)" = eni-simnodea
expect "state_dir created 0700" test "$(stat -c %a "$d/state")" = 700
expect "last_migrate recorded" grep -q 'result=done' "$d/state/last_migrate"
expect "discovered ENI cached" grep -q 'eni=eni-simnodea' "$d/state/discovered"

# --- retryable faults: the VIP still lands, with the right number of tries ---
for code in RequestLimitExceeded InternalError UnsupportedOperation.MutexOperationTaskRunning LimitExceeded.ActionLimited; do
	reset; keys
	simctl fault "{\"action\":\"MigratePrivateIpAddress\",\"count\":2,\"kind\":\"error\",\"code\":\"$code\"}" >/dev/null
	expect_rc 0 "migrate lands despite 2x $code" "$d/vip" migrate
	expect "$code: 3 Migrate tries" test "$(sim_count MigratePrivateIpAddress)" = 3
	expect "$code: A holds the VIP" test "$(holder)" = eni-simnodea
	expect "$code: logged" grep -q "MigratePrivateIpAddress: $code" "$d/tcvip.log"
done
for kind in drop http500 malformed truncated; do
	reset; keys
	simctl fault "{\"action\":\"DescribeNetworkInterfaces\",\"count\":1,\"kind\":\"$kind\"}" >/dev/null
	expect_rc 0 "migrate lands despite a $kind answer" "$d/vip" migrate
	expect "$kind: A holds the VIP" test "$(holder)" = eni-simnodea
done
reset; keys "timeout = 1"
simctl fault '{"action":"MigratePrivateIpAddress","count":1,"kind":"delay","seconds":2}' >/dev/null
expect_rc 0 "migrate lands despite a Migrate that times out" "$d/vip" migrate
expect "timeout: A holds the VIP" test "$(holder)" = eni-simnodea
sleep 2	# the delayed call is still asleep in the sim: let it finish before the next reset

# --- fatal errors: no retry, exit 1, clear log line ---
reset; keys
simctl fault '{"action":"MigratePrivateIpAddress","count":5,"kind":"error","code":"InvalidParameterValue"}' >/dev/null
expect_rc 4 "InvalidParameterValue fails the migrate for good (exit 4)" "$d/vip" migrate
expect "InvalidParameterValue: not retried" test "$(sim_count MigratePrivateIpAddress)" = 1
expect "InvalidParameterValue: B still holds" test "$(holder)" = eni-simnodeb
reset; conf "secret_id = $KEY_ID" "secret_key = wrongwrongwrong"
expect_rc 4 "a wrong key fails the migrate for good: exit 4 (refused), not 1 (transient)" "$d/vip" migrate
expect "wrong key: one call, no retry" test "$(sim_count DescribeNetworkInterfaces)" = 1
expect "wrong key: SignatureFailure logged" grep -q 'AuthFailure.SignatureFailure' "$d/tcvip.log"
expect "wrong key: secret not logged" sh -c "! grep -q wrongwrongwrong '$d/tcvip.log'"
expect_rc 3 "query with a wrong key -> unknown, exit 3" "$d/vip" query
expect_out '^unknown$' "query prints unknown"
reset; keys "endpoint = 127.0.0.1:1" "migrate_timeout = 2"
expect_rc 3 "query with the API unreachable -> unknown" "$d/vip" query
expect_rc 1 "migrate with the API unreachable fails within migrate_timeout" "$d/vip" migrate

# --- clock: the sim 15 minutes ahead ---
reset; keys
simctl clock 900 >/dev/null
expect_rc 0 "migrate with the API clock 15 min off" "$d/vip" migrate
expect "clock: SignatureExpire seen once" test "$(sim_count DescribeNetworkInterfaces AuthFailure.SignatureExpire)" = 1
expect "clock: A holds the VIP" test "$(holder)" = eni-simnodea
simctl clock 0 >/dev/null

# --- the holder changed between describe and Migrate: the API says AttachmentNotFound ---
reset; keys
simctl fault '{"action":"MigratePrivateIpAddress","count":1,"kind":"error","code":"UnauthorizedOperation.AttachmentNotFound"}' >/dev/null
expect_rc 0 "AttachmentNotFound (stale holder) means look again, not give up" "$d/vip" migrate
expect "AttachmentNotFound: described again and moved (2 Migrate calls)" test "$(sim_count MigratePrivateIpAddress)" = 2
expect "AttachmentNotFound: A holds the VIP" test "$(holder)" = eni-simnodea

# --- credentials: role from metadata, env, credentials_file ---
reset; conf
expect_rc 0 "migrate with CVM role credentials (no keys in config)" "$d/vip" migrate
expect "role: A holds the VIP" test "$(holder)" = eni-simnodea
expect "role: credentials cached 0600" test "$(stat -c %a "$d/state/role_credentials")" = 600
expect_rc 0 "status shows the credentials source" "$d/vip" status
expect_out 'credentials: +CVM role' "status names the role, not the secret"
# The API refuses the cached token (expired early, rotated): tcvip fetches the role's
# credentials anew and the call goes through.
ino=$(stat -c %i "$d/state/role_credentials")
simctl holder $VIP eni-simnodeb >/dev/null; simctl log-clear >/dev/null
simctl fault '{"action":"DescribeNetworkInterfaces","count":1,"kind":"error","code":"AuthFailure.TokenFailure"}' >/dev/null
expect_rc 0 "role: a TokenFailure refreshes the credentials and the migrate lands" "$d/vip" migrate
expect "role: refreshed after TokenFailure: A holds the VIP" test "$(holder)" = eni-simnodea
expect "role: the TokenFailure was met once" test "$(sim_count DescribeNetworkInterfaces AuthFailure.TokenFailure)" = 1
expect "role: the cache was written anew (temp + rename: a new inode)" test "$(stat -c %i "$d/state/role_credentials")" != "$ino"
reset; conf
TENCENTCLOUD_SECRET_ID=$KEY_ID TENCENTCLOUD_SECRET_KEY=$KEY expect_rc 0 "migrate with env credentials" "$d/vip" migrate
printf 'secret_id = %s\nsecret_key = %s\n' "$KEY_ID" "$KEY" > "$d/creds"; chmod 644 "$d/creds"
reset; conf "credentials_file = $d/creds"
expect_rc 4 "credentials_file readable by others is refused (exit 4)" "$d/vip" migrate
expect_out 'creds: holds secrets but is accessible by group or others' "refusal names the file"
chmod 600 "$d/creds"
expect_rc 0 "migrate with credentials_file" "$d/vip" migrate

# --- metadata hiccups while fetching role credentials are retried ---
reset; conf
simctl fault '{"action":"metadata","count":2,"kind":"http500"}' >/dev/null
expect_rc 0 "migrate with role credentials despite 2 metadata HTTP 500s" "$d/vip" migrate
expect "metadata 500: A holds the VIP" test "$(holder)" = eni-simnodea

# --- a VIP in a running task is not held: query is not true, migrate waits for the task ---
reset; keys
simctl task-seconds 2 >/dev/null
simctl holder $VIP eni-simnodea >/dev/null
TCVIP_CONFIG=$d/tcvip-b.conf
sed -e 's/^interface = .*/interface = lo/' "$d/tcvip.conf" > "$d/tcvip-b.conf"; echo "eni = eni-simnodeb" >> "$d/tcvip-b.conf"
echo "state_dir = $d/state-b" >> "$d/tcvip-b.conf"; chmod 600 "$d/tcvip-b.conf"
sed -i '/^state_dir = .*state$/d' "$d/tcvip-b.conf"
TCVIP_CONFIG=$d/tcvip-b.conf "$d/vip" migrate >/dev/null 2>&1 &
b_pid=$!
wait_for 3 sh -c "python3 $T_TOP/tests/sim/simctl.py --url $SIM_META state | grep -q MIGRATING"
export TCVIP_CONFIG=$d/tcvip.conf
expect_rc 1 "query while the VIP is moving away is false, not true" "$d/vip" query
wait $b_pid
expect "B took the VIP after its task" test "$(holder)" = eni-simnodeb
simctl task-seconds 0 >/dev/null

# --- API 2 cannot filter by address: holders are found past the first page of ENIs ---
python3 - "$T_TOP/tests/sim/world-test.json" "$T_TMP/world-big.json" <<'PY'
import json, sys
w = json.load(open(sys.argv[1]))
for i in range(60):
    w["instances"].append({"id": "ins-filler%02d" % i, "source": [], "mac": "52:54:00:00:02:%02x" % i,
        "eni": "eni-filler%02d" % i, "primary_ip": "198.18.0.%d" % (150 + i), "subnet": "subnet-sim00001"})
w["secondary"] = {"198.18.0.100": "eni-simnodea"}
w["instances"].append(w["instances"].pop(0))   # this node's ENI last: beyond the first page
json.dump(w, open(sys.argv[2], "w"))
PY
kill $SIM_PID; wait $SIM_PID 2>/dev/null
sim_start "$T_TMP/world-big.json" || not_ok "simulator restarts with 63 ENIs"
keys "api = 2"
expect_rc 0 "API 2 with 63 ENIs: query finds the VIP on this node" "$d/vip" query
expect_out '^true$' "API 2 paging: true"
keys
expect_rc 0 "API 3 with 63 ENIs: query true" "$d/vip" query

# --- API 2 (legacy) ---
reset; keys "api = 2"
expect_rc 0 "API 2: migrate from B to A" "$d/vip" migrate
expect "API 2: A holds the VIP" test "$(holder)" = eni-simnodea
expect "API 2: legacy calls made" test "$(simctl log | grep -c '"api": 2')" -ge 1

# --- config errors exit 2 and name file:line ---
conf "frobnicate = 1"
expect_rc 2 "unknown key exits 2" "$d/vip" query
expect_out 'tcvip.conf:9: unknown key .frobnicate.' "error names file:line and key"
keys; chmod 644 "$d/tcvip.conf"
expect_rc 2 "config with secrets readable by others exits 2" "$d/vip" status

# --- doctor ---
reset; keys
if [ "${T_NETNS:-0}" = 1 ]; then
	expect_rc 0 "doctor passes on a good setup" "$d/vip" doctor
	expect_out 'PASS +vip subnet +198.18.0.100 in a subnet of tv0' "doctor checks the VIP's subnet"
else
	echo "SKIP: doctor's full pass needs root (a namespace with a 198.18.0.0/24 NIC)"
fi
conf "secret_id = $KEY_ID" "secret_key = wrongwrongwrong"
expect_rc 1 "doctor fails with a bad key" "$d/vip" doctor
expect_out 'FAIL +eni .*SignatureFailure' "doctor names the signature failure"
# Permission probes: read-only by default; the writes only with --probe-write (issue 10).
conf "secret_id = AKIDsimRDONLY000000000000000000000002" "secret_key = simSecretKey00000000000000000002"
simctl log-clear >/dev/null
"$d/vip" doctor > "$T_TMP/doctor.out" 2>&1
T_OUT=$(cat "$T_TMP/doctor.out")
expect "doctor: no Migrate sent by default" test "$(sim_count MigratePrivateIpAddress)" = 0
expect "doctor: no Assign sent by default" test "$(sim_count AssignPrivateIpAddresses)" = 0
expect "doctor: the task read is probed" test "$(sim_count DescribeVpcTaskResult)" = 1
expect_out 'SKIP +MigratePrivateIpAddress +not probed \(a write; see vip doctor --probe-write\)' "doctor says the writes were not probed"
expect_out 'PASS +DescribeVpcTaskResult' "doctor: read-only permission checked"
simctl log-clear >/dev/null
expect_rc 1 "doctor --probe-write fails with a missing permission" "$d/vip" doctor --probe-write
expect_out 'FAIL +MigratePrivateIpAddress' "doctor names the missing permission"
expect "doctor --probe-write: one Migrate probe" test "$(sim_count MigratePrivateIpAddress)" = 1
expect "doctor --probe-write: one Assign probe" test "$(sim_count AssignPrivateIpAddresses)" = 1
expect_rc 2 "doctor with an unknown option: usage error" "$d/vip" doctor --frobnicate
# A doctor whose discovery fails must not close fd 0 (a zeroed static struct nl: fd 0).
if command -v strace >/dev/null; then
	conf "secret_id = $KEY_ID" "secret_key = $KEY" "metadata = http://127.0.0.1:1" "interface = "
	strace -f -qq -e trace=close -o "$T_TMP/doctor.strace" "$d/vip" doctor >/dev/null 2>&1 < /dev/null
	expect "doctor with failing discovery: fd 0 left open" sh -c "! grep -q 'close(0)' $T_TMP/doctor.strace"
else
	echo "SKIP: doctor's fd 0 (no strace)"
fi
t_done
