#!/bin/sh
# latency.sh: latency.py alone, several tcvip binaries side by side in one run (script and FIFO forms), for before/after figures.
# usage: sh tests/bench/latency.sh NAME=BINARY...   e.g. before=/tmp/tcvip.main after=build/tcvip
# env:   LAT_RTTS (default 20,50), LAT_RUNS (5), LAT_SDK=1 adds the official SDK (installed by
#        tests/sdk/sdk_check.sh), LAT_FIFO=0 leaves the FIFO rows out, LAT_DIR=DIR keeps the files.
# Each binary gets its own state_dirs, warmed by two untimed runs straight to the simulator
# (task 1 s); then one latency.py run over all of them. Timing decides nothing.
set -u
export PYTHONDONTWRITEBYTECODE=1
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
if [ "${T_NETNS:-0}" != 1 ] && [ "$(id -u)" = 0 ] && command -v unshare >/dev/null; then
	T_NETNS=1 exec unshare --net sh "$0" "$@"
fi
# shellcheck source=tests/lib.sh disable=SC1091
. "$top/tests/lib.sh"
private_netns "$0"
[ $# -gt 0 ] || { echo "usage: sh tests/bench/latency.sh NAME=BINARY..."; exit 2; }
B=${LAT_DIR:-$T_TMP/b}
rm -rf "$B" && mkdir -p "$B" || exit 1
VIP=198.18.0.100
if [ "${T_NETNS:-0}" = 1 ]; then IFACE=tv0; else IFACE=lo; fi
sim_start "$here/world-bench.json" --task-seconds 1 || exit 1
PY=$(python3 -c 'import sys; print(sys.executable)')
SIMCTL="$PY $top/tests/sim/simctl.py --url $SIM_META"
# tconf NAME STATE_DIR: a tcvip config with the bench account, as bench.sh writes it.
tconf() {
	{
		echo "vip = $VIP"; echo "endpoint = localhost:$SIM_API_PORT"; echo "ca_file = $SIM_CA"
		echo "metadata = $SIM_META"; echo "interface = $IFACE"; echo "state_dir = $2"
		echo "log_file = $B/$1.log"; echo "restart_command = /bin/true"
		echo "secret_id = AKIDsimBENCHtcvip0000000000000000001"
		echo "secret_key = simBenchKeyTcvip0000000000000001"
	} > "$B/$1.conf"
	chmod 600 "$B/$1.conf"
}
# latency.py's contenders, one per line (their commands hold blanks)
: > "$B/contenders"
for nb in "$@"; do
	n=${nb%%=*} bin=${nb#*=}
	mkdir -p "$B/$n" && cp "$bin" "$B/$n/tcvip" && ln -s tcvip "$B/$n/vip" || exit 1
	tconf "$n" "$B/${n}_state"
	tconf "${n}fifo" "$B/${n}_fifo_state"
	for _ in 1 2; do
		$SIMCTL holder $VIP eni-simnodeb >/dev/null
		"$B/$n/vip" -c "$B/$n.conf" migrate >/dev/null 2>&1 || { echo "latency: $n: warm-up migrate failed"; exit 1; }
	done
	echo "$n-script=$B/$n.conf::$B/$n/vip -c {conf} migrate" >> "$B/contenders"
	[ "${LAT_FIFO:-1}" = 1 ] && echo "$n-fifo=$B/${n}fifo.conf::fifo $B/$n/tcvip" >> "$B/contenders"
done
if [ "${LAT_SDK:-0}" = 1 ]; then
	umask 077
	cat > "$B/sdk.json" <<EOF2
{"endpoint": "vpc.tencentcloudapi.com:$SIM_API_PORT", "api_addr": "127.0.0.1", "region": "ap-guangzhou",
 "vpc": "vpc-sim00001", "vip": "$VIP", "eni": "eni-simnodea",
 "secret_id": "AKIDsimBENCHsdk000000000000000000002", "secret_key": "simBenchKeySdk000000000000000002"}
EOF2
	umask 022
	export NODE_PATH="${TCVIP_CACHE:-$HOME/.cache/tcvip}/npm/node_modules" NODE_EXTRA_CA_CERTS="$SIM_CA"
	echo "sdk=$B/sdk.json::node $here/sdk_migrate.js {conf}" >> "$B/contenders"
fi
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY
set --
while IFS= read -r l; do set -- "$@" "$l"; done < "$B/contenders"
if $PY "$here/latency.py" --sim-meta "$SIM_META" --api-port "$SIM_API_PORT" --rtts "${LAT_RTTS:-20,50}" \
	--runs "${LAT_RUNS:-5}" --out "$B/latency.md" "$@"; then ok "latency.py ran"; else not_ok "latency.py"; fi
t_done
