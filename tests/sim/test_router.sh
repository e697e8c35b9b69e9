#!/bin/sh
# test_router.sh: router.py forwards a client's packets to the VIP by the simulator's route tables (namespaces, 198.18.0.0/15).
# usage: tests/sim/test_router.sh   (root; skips without network namespaces)
# Topology: namespace R (the VPC router, 198.18.{0,1,2}.1) joins node A (198.18.0.11, subnet 1),
# node B (198.18.1.12, subnet 2, other zone) and client C (198.18.2.20, subnet 3, its own route
# table). A and B carry the VIP 198.19.0.100 on lo and answer UDP with their name.
# Prints "N passed, N failed" last; exits non-zero on any failure.
SIM_TEST=router
. "$(dirname "$0")/lib.sh"
id=$$
R=tcv-rtr-$id A=tcv-rta-$id B=tcv-rtb-$id C=tcv-rtc-$id
cleanup_more() {
    for ns in $R $A $B $C; do
        for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
        ip netns del "$ns" 2>/dev/null
    done
}

if [ "$(id -u)" -ne 0 ] || ! ip netns add "$R" 2>/dev/null; then
    echo "SKIP: needs root and network namespaces"; echo "0 passed, 0 failed"; exit 0
fi
for ns in $A $B $C; do ip netns add "$ns"; done
ip -n "$R" link set lo up
ip netns exec "$R" sh -c 'sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0'
# join NS IFACE ADDR GW: a veth from R (r-IFACE, GW/24) to NS (eth0, ADDR/24)
join() {
    ip link add "r$2-$id" netns "$R" type veth peer name eth0 netns "$1"
    ip -n "$R" addr add "$4/24" dev "r$2-$id"
    ip -n "$R" link set "r$2-$id" up
    ip -n "$1" link set lo up
    ip -n "$1" addr add "$3/24" dev eth0
    ip -n "$1" link set eth0 up
    ip -n "$1" route add 198.18.0.0/15 via "$4"
}
join "$A" a 198.18.0.11 198.18.0.1
join "$B" b 198.18.1.12 198.18.1.1
join "$C" c 198.18.2.20 198.18.2.1
ip netns exec "$R" sh -c "for f in /proc/sys/net/ipv4/conf/*/rp_filter; do echo 0 > \$f; done"
for ns in $A $B; do ip -n "$ns" addr add 198.19.0.100/32 dev lo; done

# responder NS NAME: UDP 198.19.0.100:9999 answers NAME (bounded: 300 s)
responder() {
    ip netns exec "$1" timeout 300 python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("198.19.0.100", 9999))
while True:
    data, peer = s.recvfrom(64)
    s.sendto(sys.argv[1].encode(), peer)' "$2" &
    pids="$pids $!"
}
responder "$A" a
responder "$B" b
# who: which node answers the client at the VIP ("none" after 1 s)
who() {
    ip netns exec "$C" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(1.0)
try:
    s.sendto(b"?", ("198.19.0.100", 9999))
    print(s.recv(64).decode())
except OSError:
    print("none")'
}
# expect NAME WHAT: within 10 tries (about 10 s at most) the VIP answers NAME
expect() {
    i=0
    while [ $i -lt 10 ]; do
        got=$(who)
        [ "$got" = "$1" ] && { ok; return 0; }
        [ "$1" = none ] || sleep 0.2
        i=$((i + 1))
    done
    bad "$2: the VIP answered '$got', not '$1'"
}

sh "$here/mkcerts.sh" "$certs" >/dev/null || { bad mkcerts; echo "$pass passed, $fail failed"; exit 1; }
ready=$tmp/sim.ready
python3 "$here/sim.py" --world "$here/world-route.json" --cert "$certs/server.pem" --key "$certs/server.key" \
    --api-port 0 --meta-port 0 --ready-file "$ready" 2>"$tmp/sim.err" &
pids="$pids $!"
i=0
while [ ! -s "$ready" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$ready" ] || { bad "sim start: $(cat "$tmp/sim.err")"; echo "$pass passed, $fail failed"; exit 1; }
ctl() { python3 "$here/simctl.py" --ready-file "$ready" "$@" >/dev/null; }

expect none "before router.py runs (no route in the kernel)"
python3 "$here/router.py" --ready-file "$ready" --netns "$R" --interval 0.1 --seconds 240 2>"$tmp/router.err" &
router_pid=$!
pids="$pids $router_pid"
expect a "client table rtb-simclnt0 -> 198.18.0.11"
# a signed ReplaceRoutes (the way tcvip will move it) points the client's table at B
python3 -c '
import json, os, sys
sys.path.insert(0, sys.argv[1])
import tcsign
port = json.load(open(sys.argv[2]))["api_port"]
api = tcsign.Api3("127.0.0.1", port, sys.argv[3], "AKIDsimTEST0000000000000000000000001", "simSecretKey00000000000000000001")
_, _, obj = api.call("DescribeRouteTables", {"RouteTableIds": ["rtb-simclnt0"]})
rt = [r for r in obj["Response"]["RouteTableSet"][0]["RouteSet"] if r["DestinationCidrBlock"] == "198.19.0.100/32"][0]
_, _, obj = api.call("ReplaceRoutes", {"RouteTableId": "rtb-simclnt0", "Routes": [{"RouteId": rt["RouteId"],
    "DestinationCidrBlock": "198.19.0.100/32", "GatewayType": "NORMAL_CVM", "GatewayId": "198.18.1.12"}]})
sys.exit(0 if obj["Response"].get("NewRouteSet") else 1)' "$here" "$ready" "$certs/ca.pem" && ok || bad "ReplaceRoutes call"
expect b "after ReplaceRoutes -> 198.18.1.12 (other zone)"
ctl route rtb-simclnt0 198.19.0.100/32 198.18.0.11 && expect a "after /_sim/route back to A"
ctl route rtb-simclnt0 198.19.0.100/32 none && expect none "route deleted: dropped"
ctl route rtb-simclnt0 198.19.0.100/32 198.18.1.12 && expect b "route re-created"
# SIGTERM: router.py exits 0 and removes its rules
kill -TERM "$router_pid"
i=0
while kill -0 "$router_pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
wait "$router_pid"; rc=$?
[ "$rc" -eq 0 ] && ok || bad "router.py SIGTERM exit $rc"
ip -n "$R" rule | grep -q 'lookup 10[0-9]' && bad "router.py left its rules" || ok
expect none "router.py stopped: no route"
[ -s "$tmp/router.err" ] && { echo "router.py said:"; cat "$tmp/router.err"; }

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
