#!/bin/sh
# test_values.sh: values from the network (issue 10): metadata values with a CRLF or of the wrong shape are refused with a named one-line error before any API call; API error fields are sanitised in the log.
. "$(dirname "$0")/../lib.sh"
private_netns "$0"
VIP=198.18.0.100
d=$T_TMP/node; mkdir -p "$d"; ln -s "$TCVIP_BIN" "$d/vip"

# world KEY.PATH=JSON...: a copy of the test world with these values replaced.
world() {
	python3 - "$T_TOP/tests/sim/world-test.json" "$T_TMP/world.json" "$@" <<'EOF'
import json, sys
w = json.load(open(sys.argv[1]))
for a in sys.argv[3:]:
    path, value = a.split("=", 1)
    o, keys = w, path.split(".")
    for k in keys[:-1]:
        o = o[int(k)] if k.isdigit() else o[k]
    o[keys[-1]] = json.loads(value)
json.dump(w, open(sys.argv[2], "w"))
EOF
}
conf() {
	rm -rf "$d/state"; : > "$d/tcvip.log"
	sim_conf "$d/tcvip.conf" $VIP "$d/state" "$d/tcvip.log" "migrate_timeout = 5" "$@"
}
keys() { conf "secret_id = $KEY_ID" "secret_key = $KEY" "$@"; }
calls() { simctl log | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
sim_restart() { [ -n "${SIM_PID:-}" ] && kill "$SIM_PID" 2>/dev/null; sleep 0.2; sim_start "$T_TMP/world.json"; }
# one_line: the error is one line (discovery may be retried: the same line again, then the summary).
one_line() { [ "$(printf '%s\n' "$T_OUT" | grep -v '^vip: migrate: failed' | sort -u | grep -c .)" = 1 ]; }
no_cache_has() { ! grep -qs "$1" "$d/state/discovered"; }

# --- a role token with an embedded CRLF would add a request header: refused, nothing sent ---
world 'role.token="simRoleToken0000000000000000000000000000000003\r\nX-TC-Action: AssignPrivateIpAddresses"'
sim_restart || { not_ok "simulator starts"; t_done; exit 1; }
conf
expect_rc 4 "role Token with a CRLF: migrate refused (exit 4)" timeout 10 "$d/vip" migrate
expect_out "^vip: metadata: role 'tcvip-role': TmpSecretId, TmpSecretKey or Token holds a control character or line break$" \
	"role Token with a CRLF: a named one-line error"
expect "role Token with a CRLF: no API call made" test "$(calls)" = 0
expect "role Token with a CRLF: nothing cached" test ! -e "$d/state/role_credentials"

# --- the same token from the environment ---
conf
TENCENTCLOUD_SECRET_ID=$KEY_ID TENCENTCLOUD_SECRET_KEY=$KEY TENCENTCLOUD_SESSION_TOKEN="$(printf 'tok\r\nX-Evil: 1')" \
	expect_rc 4 "env token with a CRLF: migrate refused (exit 4)" timeout 10 "$d/vip" migrate
expect_out "^vip: environment: TENCENTCLOUD_SECRET_\* or TENCENTCLOUD_SESSION_TOKEN holds a control character or line break$" \
	"env token with a CRLF: a named one-line error"
expect "env token with a CRLF: no API call made" test "$(calls)" = 0

# --- a region with an embedded CRLF (it goes into X-TC-Region) ---
world 'region="ap-guangzhou\r\nX-TC-Action: AssignPrivateIpAddresses"'
sim_restart || { not_ok "simulator restarts"; t_done; exit 1; }
keys
expect_rc 1 "region with a CRLF: migrate fails" timeout 10 "$d/vip" migrate
expect_out '^vip: metadata 127\.0\.0\.1/latest/meta-data/placement/region: region is not a plain value: "ap-guangzhou\?\?X-TC-Action: Assign' \
	"region with a CRLF: a named one-line error"
expect "region with a CRLF: the error is one line" one_line
expect "region with a CRLF: no API call made" test "$(calls)" = 0
expect "region with a CRLF: not cached" no_cache_has X-TC-Action

# --- ids and regions of the wrong shape ---
world 'region="AP_Guangzhou"'
sim_restart || { not_ok "simulator restarts"; t_done; exit 1; }
keys
expect_rc 1 "region with upper case and _: refused" timeout 10 "$d/vip" migrate
expect_out 'region is not a plain value: "AP_Guangzhou"' "region shape: named"
world 'vpc.id="VPC_sim00001"'
sim_restart || { not_ok "simulator restarts"; t_done; exit 1; }
keys
expect_rc 1 "VPC id not [a-z]+-[0-9a-z]+: refused" timeout 10 "$d/vip" migrate
expect_out 'vpc-id: VPC id is not a plain value: "VPC_sim00001"' "VPC id shape: named"
expect "VPC id: no API call made" test "$(calls)" = 0

# --- a role name that is not a CAM role name (it becomes a metadata path) ---
world 'role.name="tcvip-role/../../x"'
sim_restart || { not_ok "simulator restarts"; t_done; exit 1; }
conf
expect_rc 4 "role name with a /: refused (exit 4)" timeout 10 "$d/vip" migrate
expect_out 'cam/security-credentials/: role name is not a plain name: "tcvip-role/\.\./\.\./x"' "role name: named"

# --- API error fields are sanitised before logging (Error.Code, Message) ---
world
sim_restart || { not_ok "simulator restarts"; t_done; exit 1; }
keys
simctl fault '{"action":"DescribeNetworkInterfaces","count":5,"kind":"error","code":"InvalidParameter\u001b[31m\nForged: line","message":"bad\r\nmessage\u0007"}' >/dev/null
expect_rc 4 "an API error with control characters: migrate refused (exit 4)" timeout 10 "$d/vip" migrate
expect "Error.Code sanitised in the log" grep -q 'InvalidParameter?\[31m?Forged: line: bad??message?' "$d/tcvip.log"
expect "no control character reached the log" sh -c "! LC_ALL=C grep -q '[[:cntrl:]]' \"$d/tcvip.log\" || ! LC_ALL=C tr -d '\n' < \"$d/tcvip.log\" | LC_ALL=C grep -q '[[:cntrl:]]'"
expect "no forged log line" sh -c "! grep -q '^Forged' \"$d/tcvip.log\""
t_done
