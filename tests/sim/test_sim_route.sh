#!/bin/sh
# test_sim_route.sh: self test of the simulator's route tables and EIPs (world-route.json, signed API 3 calls).
# usage: tests/sim/test_sim_route.sh      (env TCVIP_CACHE: where test certs are kept, default ~/.cache/tcvip)
# Prints "N passed, N failed" last; exits non-zero on any failure.
SIM_TEST=simroute
. "$(dirname "$0")/lib.sh"
sim_pid=""
cleanup_more() { [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null; }

sh "$here/mkcerts.sh" "$certs" || { echo "0 passed, 1 failed"; exit 1; }

# the world must load, and a bad world must be refused with one clear line
for w in "$here/world-route.json"; do
    python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$w" && ok || bad "$w is not JSON"
done
bad_world() {   # bad_world NAME PYTHON-EDIT: the sim refuses the edited world
    python3 - "$here/world-route.json" "$tmp/$1.json" "$2" <<'PY'
import json, sys
w = json.load(open(sys.argv[1]))
exec(sys.argv[3])
json.dump(w, open(sys.argv[2], "w"))
PY
    if python3 "$here/sim.py" --world "$tmp/$1.json" --cert "$certs/server.pem" --key "$certs/server.key" \
            --api-port 0 --meta-port 0 2>"$tmp/$1.err"; then
        bad "world $1 accepted"
    elif [ "$(wc -l <"$tmp/$1.err")" -eq 1 ]; then ok; else bad "world $1: not one line: $(cat "$tmp/$1.err")"; fi
}
bad_world two-mains 'w["route_tables"][1]["main"] = True'
bad_world subnet-twice 'w["route_tables"][0]["subnets"] = ["subnet-sim00003"]'
bad_world bad-rtb-id 'w["route_tables"][0]["id"] = "rtb-x"'
bad_world bad-eip-id 'w["addresses"][0]["id"] = "eip-simeip001"'
bad_world eip-ip-not-on-eni 'w["addresses"][0]["private_ip"] = "198.18.0.101"'
bad_world bad-mode 'w["eip_on_migrate"] = "sideways"'

ready=$tmp/sim.ready
python3 "$here/sim.py" --world "$here/world-route.json" --cert "$certs/server.pem" --key "$certs/server.key" \
    --api-port 0 --meta-port 0 --ready-file "$ready" 2>"$tmp/sim.err" &
sim_pid=$!
i=0
while [ ! -s "$ready" ] && [ $i -lt 100 ] && kill -0 "$sim_pid" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
if [ -s "$ready" ]; then
    ok
    out=$(python3 "$here/selftest_route.py" --ready "$ready" --certs "$certs" 2>&1)
    echo "$out" | grep -v '^selftest:'
    line=$(echo "$out" | grep '^selftest:' | tail -1)
    p=$(echo "$line" | sed -n 's/^selftest: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
    f=$(echo "$line" | sed -n 's/^selftest: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
    if [ -n "$p" ] && [ -n "$f" ]; then pass=$((pass + p)); fail=$((fail + f)); else bad "selftest_route.py: no result line"; fi
    # simctl drives the route and EIP control endpoints (the documented shell usage)
    ctl() { python3 "$here/simctl.py" --ready-file "$ready" "$@"; }
    ctl reset >/dev/null
    [ "$(ctl route-of rtb-simmain0 198.19.0.100/32)" = 198.18.0.11 ] && ok || bad "simctl route-of"
    ctl route rtb-simmain0 198.19.0.100/32 198.18.1.12 >/dev/null &&
        [ "$(ctl route-of rtb-simmain0 198.19.0.100/32)" = 198.18.1.12 ] && ok || bad "simctl route"
    [ "$(ctl route-lookup subnet-sim00002 198.19.0.100)" = 198.18.1.12 ] && ok || bad "simctl route-lookup main"
    [ "$(ctl route-lookup subnet-sim00003 198.19.0.100)" = 198.18.0.11 ] && ok || bad "simctl route-lookup client table"
    ctl route rtb-simmain0 198.19.0.100/32 none >/dev/null &&
        [ "$(ctl route-of rtb-simmain0 198.19.0.100/32)" = none ] && ok || bad "simctl route none"
    ctl route rtb-notthere 198.19.0.100/32 none >/dev/null 2>&1 && bad "simctl route unknown table exit 0" || ok
    [ "$(ctl eip-of eip-simeip01)" = "BIND eni-simnodea 198.18.0.100" ] && ok || bad "simctl eip-of"
    ctl eip eip-simeip01 none >/dev/null && [ "$(ctl eip-of eip-simeip01)" = "UNBIND none none" ] && ok || bad "simctl eip none"
    ctl eip eip-simeip01 eni-simnoded 198.18.0.14 >/dev/null &&
        [ "$(ctl eip-of eip-simeip01)" = "BIND eni-simnoded 198.18.0.14" ] && ok || bad "simctl eip bind"
    ctl eip-mode stale >/dev/null && ctl state | grep -q '"eip_on_migrate": "stale"' && ok || bad "simctl eip-mode"
    ctl eip-mode sideways >/dev/null 2>&1 && bad "simctl eip-mode sideways exit 0" || ok
    ctl reset >/dev/null
    # the CLI switch sets the default that /_sim/reset returns to
    kill "$sim_pid"; wait "$sim_pid" 2>/dev/null
    python3 "$here/sim.py" --world "$here/world-route.json" --cert "$certs/server.pem" --key "$certs/server.key" \
        --api-port 0 --meta-port 0 --ready-file "$ready" --eip-on-migrate follow 2>"$tmp/sim2.err" &
    sim_pid=$!
    i=0
    while [ ! -s "$ready" ] && [ $i -lt 100 ] && kill -0 "$sim_pid" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
    mode=$(python3 "$here/simctl.py" --ready-file "$ready" state 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["eip_on_migrate"])')
    [ "$mode" = follow ] && ok || bad "--eip-on-migrate follow: state says $mode"
else
    bad "sim start"; cat "$tmp/sim.err"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
