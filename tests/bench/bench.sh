#!/bin/sh
# bench.sh: `make bench`: tcvip vs the official Node SDK vs the seed kit's flow, against the simulator on loopback over TLS.
# usage: sh tests/bench/bench.sh   (as root it runs in a private network namespace; else check_self rows are skipped)
# env:   BENCH_RUNS (default 20) timed runs per contender; BENCH_KEEP=DIR keeps the raw data;
#        TCVIP_CACHE as in tests/sdk/sdk_check.sh (where the official SDK is installed)
# Writes tests/bench/RESULTS.md and prints the same markdown at the end. About a minute on 2 cores.
set -u
export PYTHONDONTWRITEBYTECODE=1
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cache=${TCVIP_CACHE:-$HOME/.cache/tcvip}
sdk_mod=$cache/npm/node_modules

# Outside the namespace (the npm registry may be needed once): the official SDK is installed by
# tests/sdk/sdk_check.sh, which puts it in the cache and cross-checks it against the simulator.
if [ "${T_NETNS:-0}" != 1 ]; then
	for t in hyperfine python3 musl-gcc; do
		command -v $t >/dev/null || { echo "bench: $t not found (make deps)"; exit 1; }
	done
	if command -v node >/dev/null && [ ! -f "$sdk_mod/tencentcloud-sdk-nodejs-common/package.json" ]; then
		echo "bench: installing the official SDK (tests/sdk/sdk_check.sh)"
		sh "$top/tests/sdk/sdk_check.sh" >/dev/null 2>&1 || echo "bench: SDK install/check failed"
	fi
	if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null; then
		T_NETNS=1 exec unshare --net sh "$0" "$@"
	fi
fi

# shellcheck source=tests/lib.sh disable=SC1091
. "$top/tests/lib.sh"
private_netns "$0"
rmdir "$T_TMP" && T_TMP=$(mktemp -d /tmp/tcvip-bench.XXXXXX) || exit 1	# lib.sh's cleanup removes it
RUNS=${BENCH_RUNS:-20}
R=$T_TMP/raw B=$T_TMP/b
mkdir -p "$R" "$B/prof"
[ -n "${BENCH_KEEP:-}" ] && at_exit "rm -rf '$BENCH_KEEP'; cp -r '$R' '$BENCH_KEEP'"
# A snapshot of the binary: other work may rebuild build/tcvip while the benchmark runs.
cp "$top/build/tcvip" "$B/tcvip" && cp "$top/build/tcvip.unstripped" "$B/tcvip.unstripped" || exit 1
TCVIP_BIN=$B/tcvip
VIP=198.18.0.100
if [ "${T_NETNS:-0}" = 1 ]; then IFACE=tv0 IFIP=198.18.0.11; else IFACE=lo IFIP=127.0.0.1; fi
step() { echo "== $*"; }

step "build: probes (rusage launcher, CA-load timer) and a link map of build/tcvip"
CC="musl-gcc -std=c11 -D_GNU_SOURCE -Os -Wall -Wextra -Werror -static"
objs=""
for s in "$top"/src/*.c "$top"/applets/*.c; do
	o=$top/build/musl/${s#"$top"/}; objs="$objs ${o%.c}.o"
done
bearssl=$top/build/tp/bearssl-musl/libbearssl.a
libobjs=$(echo "$objs" | tr ' ' '\n' | grep -v '/src/main\.o$' | tr '\n' ' ')
$CC -o "$B/rusage" "$here/rusage.c" || exit 1
# shellcheck disable=SC2086
$CC -I"$top/src" -I"$top/build" -o "$B/ca_load" "$here/ca_load.c" $libobjs "$bearssl" || exit 1
# The link map (size profile) with the Makefile's own LDFLAGS.
# shellcheck disable=SC2016
ldflags=$(make -s --no-print-directory -C "$top" --eval 'bench-ldflags: ; @echo $(LDFLAGS)' bench-ldflags)
# shellcheck disable=SC2086
musl-gcc $ldflags -Wl,-Map="$R/tcvip.map" -o "$B/tcvip.maplink" $objs "$bearssl" || exit 1
stat -c %s "$B/tcvip" > "$R/size_stripped"
stat -c %s "$B/tcvip.unstripped" > "$R/size_unstripped"
{
	echo "cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
	echo "ncpu=$(nproc)"
	echo "kernel=$(uname -sr)"
	echo "mem=$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
	echo "tmpfs=$(stat -f -c %T "$T_TMP")"
	echo "tcvip=$("$B/tcvip" --version)"
	echo "node=$(node --version 2>/dev/null || echo none)"
	echo "sdk=$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$sdk_mod/tencentcloud-sdk-nodejs-common/package.json" 2>/dev/null)"
	echo "python=$(python3 -c 'import platform; print(platform.python_version())')"
	echo "hyperfine=$(hyperfine --version)"
	echo "netns=${T_NETNS:-0}"
	echo "runs=$RUNS"
	echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
} > "$R/machine"

step "simulator (tests/sim/sim.py, world tests/bench/world-bench.json, task duration 0)"
sim_start "$here/world-bench.json" --task-seconds 0 || exit 1
# The interpreter itself, not a wrapper (a pyenv shim costs ~60 ms per start; no seed user pays that).
PY=$(python3 -c 'import sys; print(sys.executable)')
SIMCTL="$PY $top/tests/sim/simctl.py --url $SIM_META"

# ---- the contenders' configuration (keys in 0600 files, never in argv) ----
ln -s "$TCVIP_BIN" "$B/vip"
ln -s "$TCVIP_BIN" "$B/notify_action.sh"
ln -s "$TCVIP_BIN" "$B/check_self.sh"
ln -s "$B/tcvip.unstripped" "$B/prof/vip"
# The system bundle (tcvip's default ca_file) plus the simulator's CA: what production pays for.
cat /etc/ssl/certs/ca-certificates.crt "$SIM_CA" > "$B/sysbundle.pem" 2>/dev/null || cp "$SIM_CA" "$B/sysbundle.pem"
# tconf NAME STATE_DIR [extra lines...]: a tcvip config with the bench account.
tconf() {
	_n=$1 _s=$2; shift 2
	{
		echo "vip = $VIP"
		echo "endpoint = localhost:$SIM_API_PORT"
		echo "ca_file = $SIM_CA"
		echo "metadata = $SIM_META"
		echo "interface = $IFACE"
		echo "state_dir = $_s"
		echo "log_file = $B/$_n.log"
		echo "restart_command = /bin/true"
		echo "secret_id = AKIDsimBENCHtcvip0000000000000000001"
		echo "secret_key = simBenchKeyTcvip0000000000000001"
		for l in "$@"; do echo "$l"; done
	} > "$B/$_n.conf"
	chmod 600 "$B/$_n.conf"
}
SHM=""
if [ -d /dev/shm ] && [ "$(stat -f -c %T /dev/shm)" = tmpfs ]; then
	SHM=$(mktemp -d /dev/shm/tcvip-bench.XXXXXX) && at_exit "rm -rf '$SHM'"
fi
tconf tcvip "$B/state"
tconf sysca "$B/state" "ca_file = $B/sysbundle.pem"
tconf cold "$B/cold_state"
[ -n "$SHM" ] && tconf shm "$SHM/state"
tconf cs "$B/cs_state"
tconf csq "$B/cs_state" "query_interval = 0"
vips() { $PY -c 'import sys; print(",".join("198.18.0.%d" % i for i in range(100, 100 + int(sys.argv[1]))))' "$1"; }
for n in 1 10 50; do tconf scale$n "$B/scale_state" "vip = $(vips $n)"; sed -i 1d "$B/scale$n.conf"; done
umask 077
cat > "$B/sdk.json" <<EOF
{"endpoint": "vpc.tencentcloudapi.com:$SIM_API_PORT", "api_addr": "127.0.0.1", "region": "ap-guangzhou",
 "vpc": "vpc-sim00001", "vip": "$VIP", "eni": "eni-simnodea",
 "secret_id": "AKIDsimBENCHsdk000000000000000000002", "secret_key": "simBenchKeySdk000000000000000002"}
EOF
printf MASTER > "$B/seed_state"
for ca in test sysca; do
	f=$SIM_CA; [ $ca = sysca ] && f=$B/sysbundle.pem
	cat > "$B/seed_$ca.json" <<EOF
{"endpoint": "localhost:$SIM_API_PORT", "ca_file": "$f", "region": "ap-guangzhou", "vip": "$VIP",
 "this_eni": "eni-simnodea", "that_eni": "eni-simnodeb", "interface": {"$IFACE": "$IFIP"},
 "state_file": "$B/seed_state", "log_file": "$B/seed.log",
 "secret_id": "AKIDsimBENCHseed00000000000000000003", "secret_key": "simBenchKeySeed00000000000000003"}
EOF
done
umask 022
# Node keeps its built-in root store (what an SDK user runs with) and adds the simulator's CA.
export NODE_PATH="$sdk_mod" NODE_EXTRA_CA_CERTS="$SIM_CA"
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY

# prepare scripts: hyperfine and the rusage launcher run them untimed before every run
prep() { _n=$1; shift; { echo "#!/bin/sh"; for l in "$@"; do echo "$l"; done; } > "$B/prep_$_n"; chmod +x "$B/prep_$_n"; }
prep holder "exec $SIMCTL holder $VIP eni-simnodeb >/dev/null"
prep cold "rm -rf '$B/cold_state'" "exec $SIMCTL holder $VIP eni-simnodeb >/dev/null"
prep reset "exec $SIMCTL reset >/dev/null"
# notify_action returns before its detached migrate ends: wait for that one (its lock), then reset.
prep notify "sleep 0.05" "flock -w 20 '$B/state/lock' true" "exec $SIMCTL holder $VIP eni-simnodeb >/dev/null"
prep notify_shm "sleep 0.05" "flock -w 20 '$SHM/state/lock' true" "exec $SIMCTL holder $VIP eni-simnodeb >/dev/null"

T_VIP="$B/vip -c $B/tcvip.conf migrate"
T_SYS="$B/vip -c $B/sysca.conf migrate"
T_COLD="$B/vip -c $B/cold.conf migrate"
T_SDK="node $here/sdk_migrate.js $B/sdk.json"
T_SEED="$PY $here/seed_vip.py $B/seed_test.json migrate"
T_SEEDSYS="$PY $here/seed_vip.py $B/seed_sysca.json migrate"
have_sdk=0
[ -f "$sdk_mod/tencentcloud-sdk-nodejs-common/package.json" ] && command -v node >/dev/null && have_sdk=1
have_strace=0
command -v strace >/dev/null && strace -o /dev/null true 2>/dev/null && have_strace=1

# calls NAME CMD...: one instrumented run (holder reset first): the simulator's request log and
# the TCP connections to the API port (strace; each one is one TLS handshake).
calls() {
	_n=$1; shift
	"$B/prep_holder"
	$SIMCTL log-clear >/dev/null
	if [ $have_strace = 1 ]; then
		strace -f -e trace=connect -o "$B/strace.$_n" "$@" >/dev/null 2>"$B/err.$_n"
		echo $? > "$R/rc.$_n"
		grep -c "sin_port=htons($SIM_API_PORT)" "$B/strace.$_n" > "$R/connects.$_n"
	else
		"$@" >/dev/null 2>"$B/err.$_n"
		echo $? > "$R/rc.$_n"
	fi
	$SIMCTL log > "$R/log.$_n.json"
}
# ru NAME [-m] RUNS PREPARE|- CMD...: rusage-launcher runs of CMD, with the request log of those runs.
ru() {
	_n=$1; shift
	$SIMCTL log-clear >/dev/null
	"$B/rusage" "$@" > "$R/ru.$_n" 2>"$B/ru_err.$_n"
	$SIMCTL log > "$R/log.ru.$_n.json"
}

step "first runs (discovery, cached for later runs); call counts and TLS connections per contender"
"$B/prep_holder"; $T_VIP >/dev/null 2>&1 || { echo "bench: tcvip vip migrate fails: $(cat "$B/tcvip.log")"; exit 1; }
# shellcheck disable=SC2086
{
	calls tcvip $T_VIP
	calls sysca $T_SYS
	"$B/prep_cold"; calls cold $T_COLD
	[ $have_sdk = 1 ] && calls sdk $T_SDK
	calls seed $T_SEED
	calls seedsys $T_SEEDSYS
}

step "wall time: hyperfine, $RUNS runs each, all contenders in one run"
set -- -n tcvip "$T_VIP" -n tcvip-sysca "$T_SYS" -n tcvip-cold "$T_COLD"
pp="--prepare $B/prep_holder --prepare $B/prep_holder --prepare $B/prep_cold"
[ $have_sdk = 1 ] && { set -- "$@" -n sdk "$T_SDK"; pp="$pp --prepare $B/prep_holder"; }
set -- "$@" -n seed "$T_SEED" -n seed-sysca "$T_SEEDSYS"; pp="$pp --prepare $B/prep_holder --prepare $B/prep_holder"
$SIMCTL log-clear >/dev/null
# shellcheck disable=SC2086
hyperfine -N --style basic --warmup 2 --runs "$RUNS" $pp --export-json "$R/hf_main.json" "$@" ||
	{ echo "bench: hyperfine failed"; exit 1; }
$SIMCTL log > "$R/log.hf_main.json"

step "CPU time and peak RSS: rusage launcher (wait4; VmHWM at exit), 7 runs each; /usr/bin/time -v once each"
# shellcheck disable=SC2086
{
	ru tcvip -m 7 "$B/prep_holder" $T_VIP
	ru sysca -m 7 "$B/prep_holder" $T_SYS
	ru cold -m 7 "$B/prep_cold" $T_COLD
	[ $have_sdk = 1 ] && ru sdk -m 7 "$B/prep_holder" $T_SDK
	ru seed -m 7 "$B/prep_holder" $T_SEED
	ru seedsys -m 7 "$B/prep_holder" $T_SEEDSYS
	ru seed_query 5 - $PY "$here/seed_vip.py" "$B/seed_test.json" query	# what the seed's check_self runs
	for n in tcvip sdk seed; do
		case $n in tcvip) c=$T_VIP ;; sdk) c=$T_SDK; [ $have_sdk = 1 ] || continue ;; seed) c=$T_SEED ;; esac
		"$B/prep_holder"
		/usr/bin/time -v -o "$R/timev.$n" $c >/dev/null 2>&1
	done
}

step "notify_action MASTER: time until it returns (its detached migrate runs after), 30 runs per state_dir"
printf 'MASTER\n' > "$B/state/state"
ru notify 30 "$B/prep_notify" "$B/notify_action.sh" -c "$B/tcvip.conf" MASTER
flock -w 20 "$B/state/lock" true
if [ -n "$SHM" ]; then
	"$B/prep_holder"; "$B/vip" -c "$B/shm.conf" migrate >/dev/null 2>&1	# discovery cache
	ru notify_shm 30 "$B/prep_notify_shm" "$B/notify_action.sh" -c "$B/shm.conf" MASTER
	flock -w 20 "$SHM/state/lock" true
fi
if [ $have_strace = 1 ]; then
	"$B/prep_notify"
	strace -T -o "$R/strace.notify" "$B/notify_action.sh" -c "$B/tcvip.conf" MASTER
	flock -w 20 "$B/state/lock" true
fi

step "CA bundle load time (anchors_load, median of 50)"
"$B/ca_load" /etc/ssl/certs/ca-certificates.crt 50 > "$R/ca.system" 2>/dev/null || echo "n/a" > "$R/ca.system"
"$B/ca_load" "$SIM_CA" 50 > "$R/ca.test"

if [ "${T_NETNS:-0}" = 1 ]; then
	step "check_self ticks (MASTER, VIP on $IFACE, cloud agrees): cached answer x50, cloud query x20, BACKUP x20"
	mkdir -m 700 "$B/cs_state"
	printf 'MASTER\n' > "$B/cs_state/state"
	ip addr add $VIP/32 dev $IFACE
	$SIMCTL holder $VIP eni-simnodea >/dev/null
	"$B/check_self.sh" -c "$B/csq.conf" >/dev/null 2>&1	# first tick: discovery, cached
	"$B/check_self.sh" -c "$B/cs.conf" >/dev/null 2>&1
	ru cs_cached 50 - "$B/check_self.sh" -c "$B/cs.conf"
	ru cs_query 20 - "$B/check_self.sh" -c "$B/csq.conf"
	printf 'BACKUP\n' > "$B/cs_state/state"
	ip addr del $VIP/32 dev $IFACE
	ru cs_backup 20 - "$B/check_self.sh" -c "$B/csq.conf"
else
	echo "SKIP: check_self ticks need root (a private network namespace to put the VIP on a NIC)"
fi

step "vip migrate with 1, 10, 50 VIPs (hyperfine, 10 runs each; simulator reset before each run)"
for n in 1 10 50; do
	"$B/prep_reset"; "$B/vip" -c "$B/scale$n.conf" migrate >/dev/null 2>&1	# discovery cached
	"$B/prep_reset"; $SIMCTL log-clear >/dev/null
	if [ $have_strace = 1 ]; then
		strace -f -e trace=connect -o "$B/strace.scale$n" "$B/vip" -c "$B/scale$n.conf" migrate >/dev/null 2>&1
		echo $? > "$R/rc.scale$n"
		grep -c "sin_port=htons($SIM_API_PORT)" "$B/strace.scale$n" > "$R/connects.scale$n"
	else
		"$B/vip" -c "$B/scale$n.conf" migrate >/dev/null 2>&1; echo $? > "$R/rc.scale$n"
	fi
	$SIMCTL log > "$R/log.scale$n.json"
done
hyperfine -N --style basic --warmup 1 --runs 10 --prepare "$B/prep_reset" --export-json "$R/hf_scale.json" \
	-n vips-1 "$B/vip -c $B/scale1.conf migrate" -n vips-10 "$B/vip -c $B/scale10.conf migrate" \
	-n vips-50 "$B/vip -c $B/scale50.conf migrate" || { echo "bench: hyperfine (scale) failed"; exit 1; }

if command -v valgrind >/dev/null && command -v callgrind_annotate >/dev/null; then
	step "profile: callgrind of one vip migrate (system bundle), unstripped snapshot"
	tconf prof "$B/state" "ca_file = $B/sysbundle.pem"
	"$B/prep_holder"
	valgrind --tool=callgrind --callgrind-out-file="$B/callgrind.out" "$B/prof/vip" -c "$B/prof.conf" migrate \
		>/dev/null 2>&1
	callgrind_annotate --inclusive=no "$B/callgrind.out" > "$R/callgrind.self" 2>/dev/null
	callgrind_annotate --inclusive=yes "$B/callgrind.out" > "$R/callgrind.incl" 2>/dev/null
fi

step "latency: the outage path through a relay at 0, 5, 20, 50 ms RTT (tests/bench/latency.py; task 1 s)"
LAT_RUNS=${BENCH_LAT_RUNS:-5}
$PY -c 'import json, sys, urllib.request as u; u.urlopen(u.Request(sys.argv[1] + "/_sim/config", json.dumps({"task_seconds": 1}).encode(), {"Content-Type": "application/json"}), timeout=5)' "$SIM_META"
tconf fifo "$B/fifo_state"
set -- "tcvip-script=$B/tcvip.conf::$B/vip -c {conf} migrate" "tcvip-fifo=$B/fifo.conf::fifo $TCVIP_BIN"
[ $have_sdk = 1 ] && set -- "$@" "sdk=$B/sdk.json::node $here/sdk_migrate.js {conf}"
set -- "$@" "seed=$B/seed_test.json::$PY $here/seed_vip.py {conf} migrate"
$PY "$here/latency.py" --sim-meta "$SIM_META" --api-port "$SIM_API_PORT" --rtts "${BENCH_RTTS:-0,5,20,50}" \
	--runs "$LAT_RUNS" --out "$R/latency.md" "$@" || echo "bench: latency mode failed"
$PY -c 'import json, sys, urllib.request as u; u.urlopen(u.Request(sys.argv[1] + "/_sim/config", json.dumps({"task_seconds": 0}).encode(), {"Content-Type": "application/json"}), timeout=5)' "$SIM_META"

step "report"
python3 "$here/report.py" "$R" "$here/RESULTS.md" || exit 1
ok "benchmark ran; tests/bench/RESULTS.md written"
t_done
