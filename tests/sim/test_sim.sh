#!/bin/sh
# test_sim.sh: self test of the cloud simulator (certs, API 3/2, metadata, auth errors, faults, SIGTERM).
# usage: tests/sim/test_sim.sh      (env TCVIP_CACHE: where test certs are kept, default ~/.cache/tcvip)
# Prints "N passed, N failed" last; exits non-zero on any failure.
SIM_TEST=simtest
. "$(dirname "$0")/lib.sh"

# wait_ready FILE PID: bounded wait (10 s) for the sim's ready file
wait_ready() {
    i=0
    while [ $i -lt 100 ]; do
        [ -s "$1" ] && return 0
        kill -0 "$2" 2>/dev/null || return 1
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}

# start_sim NAME CERT KEY: start a sim on free ports; sets $sim_pid and $sim_ready
start_sim() {
    sim_ready=$tmp/$1.ready
    python3 "$here/sim.py" --world "$here/world-test.json" --cert "$2" --key "$3" \
        --api-port 0 --meta-port 0 --ready-file "$sim_ready" 2>"$tmp/$1.err" &
    sim_pid=$!
    pids="$pids $sim_pid"
    wait_ready "$sim_ready" "$sim_pid"
}

port_of() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }

# ---- certificates ----------------------------------------------------------
if sh "$here/mkcerts.sh" "$certs"; then ok; else bad "mkcerts.sh"; echo "0 passed, 1 failed"; exit 1; fi
for f in ca.pem server.pem server.key other-ca.pem untrusted.pem untrusted.key wronghost.pem \
         wronghost.key expired.pem expired.key; do
    check "cert file $f" test -s "$certs/$f"
done
check "server cert verifies" sh -c "openssl verify -CAfile '$certs/ca.pem' -verify_hostname vpc.tencentcloudapi.com '$certs/server.pem' >/dev/null 2>&1"
check "untrusted cert rejected" sh -c "! openssl verify -CAfile '$certs/ca.pem' '$certs/untrusted.pem' >/dev/null 2>&1"
check "untrusted cert chains to other CA" sh -c "openssl verify -CAfile '$certs/other-ca.pem' '$certs/untrusted.pem' >/dev/null 2>&1"
check "wronghost cert rejected" sh -c "! openssl verify -CAfile '$certs/ca.pem' -verify_hostname vpc.tencentcloudapi.com '$certs/wronghost.pem' >/dev/null 2>&1"
check "expired cert rejected" sh -c "openssl verify -CAfile '$certs/ca.pem' '$certs/expired.pem' 2>&1 | grep -q 'has expired'"

# ---- the main self test against a live simulator ------------------------------
if start_sim main "$certs/server.pem" "$certs/server.key"; then
    ok
    main_pid=$sim_pid
    main_ready=$sim_ready
    out=$(python3 "$here/selftest.py" --ready "$main_ready" --certs "$certs" 2>&1)
    echo "$out" | grep -v '^selftest:'
    line=$(echo "$out" | grep '^selftest:' | tail -1)
    p=$(echo "$line" | sed -n 's/^selftest: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
    f=$(echo "$line" | sed -n 's/^selftest: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
    if [ -n "$p" ] && [ -n "$f" ]; then
        pass=$((pass + p))
        fail=$((fail + f))
    else
        bad "selftest.py produced no result line"
    fi
    # curl drives the control endpoints (the documented shell usage)
    meta=$(port_of "$main_ready" meta_port)
    check "curl state" sh -c "curl -sf http://127.0.0.1:$meta/_sim/state | grep -q eni-simnodea"
    check "curl fault" sh -c "curl -sf -d '{\"kind\":\"drop\",\"action\":\"DescribeVpcTaskResult\"}' http://127.0.0.1:$meta/_sim/fault | grep -q true"
    check "simctl holder-of" sh -c "[ \"\$(python3 '$here/simctl.py' --ready-file '$main_ready' holder-of 198.18.0.100)\" = eni-simnodeb ]"
    check "simctl holder" sh -c "python3 '$here/simctl.py' --ready-file '$main_ready' holder 198.18.0.100 none >/dev/null && [ \"\$(python3 '$here/simctl.py' --ready-file '$main_ready' holder-of 198.18.0.100)\" = none ]"
    # [SPOT] the reclaim notice: 404 until set, the time once set, 404 again once cleared
    spot=http://127.0.0.1:$meta/latest/meta-data/spot/termination-time
    ins=$(curl -sf "http://127.0.0.1:$meta/latest/meta-data/instance-id")
    check "spot notice: 404 when none" sh -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' '$spot')\" = 404 ]"
    check "spot notice: set" sh -c "curl -sf -d '{\"instance\":\"$ins\",\"time\":\"2026-12-06 20:05:33\"}' http://127.0.0.1:$meta/_sim/spot | grep -q true"
    check "spot notice: the reclaim time" sh -c "[ \"\$(curl -sf '$spot')\" = '2026-12-06 20:05:33' ]"
    check "spot notice: a malformed time is refused" sh -c "! curl -sf -d '{\"instance\":\"$ins\",\"time\":\"soon\"}' http://127.0.0.1:$meta/_sim/spot >/dev/null"
    check "spot notice: cleared" sh -c "curl -sf -d '{\"instance\":\"$ins\",\"time\":null}' http://127.0.0.1:$meta/_sim/spot >/dev/null && [ \"\$(curl -s -o /dev/null -w '%{http_code}' '$spot')\" = 404 ]"
    # SIGTERM: clean exit, ready file removed
    kill -TERM "$main_pid"
    i=0
    while kill -0 "$main_pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    if kill -0 "$main_pid" 2>/dev/null; then
        bad "SIGTERM: still running after 5 s"
    else
        wait "$main_pid"
        rc=$?
        check "SIGTERM exit 0 (rc=$rc)" test "$rc" -eq 0
        check "ready file removed" test ! -e "$main_ready"
    fi
else
    bad "sim start"; cat "$tmp/main.err"
fi

# ---- the sim serves the bad certificates too (for TLS verification tests) ------
for kind in untrusted wronghost expired; do
    if start_sim "$kind" "$certs/$kind.pem" "$certs/$kind.key"; then
        port=$(port_of "$sim_ready" api_port)
        check "$kind refused by a verifying client" python3 - "$port" "$certs/ca.pem" <<'EOF'
import socket, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[2])
try:
    with socket.create_connection(("127.0.0.1", int(sys.argv[1])), 5) as s:
        with ctx.wrap_socket(s, server_hostname="vpc.tencentcloudapi.com"):
            sys.exit(1)
except ssl.SSLCertVerificationError:
    sys.exit(0)
EOF
        kill "$sim_pid"
    else
        bad "sim start with $kind cert"
    fi
done

check "sim refuses a missing world" sh -c "! python3 '$here/sim.py' --world /nonexistent --cert '$certs/server.pem' --key '$certs/server.key' --api-port 0 --meta-port 0 2>/dev/null"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
