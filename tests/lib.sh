# tests/lib.sh: shared helpers for shell tests: counters, expectations, temp dirs, cleanup.
# Source it; call t_done at the end. TCVIP_BIN is the binary under test.
T_PASS=0 T_FAIL=0
TCVIP_BIN=${TCVIP_BIN:-$(cd "$(dirname "$0")/../.." && pwd)/build/tcvip}
T_TMP=$(mktemp -d /tmp/tcvip-test.XXXXXX)
T_CLEANUPS=""

# at_exit CMD: run CMD (newest first) when the test exits, however it exits.
at_exit() { T_CLEANUPS="$1; $T_CLEANUPS"; }
t_cleanup() { eval "$T_CLEANUPS" >/dev/null 2>&1; rm -rf "$T_TMP"; }
trap 't_cleanup' EXIT
trap 'exit 130' INT TERM

ok() { T_PASS=$((T_PASS + 1)); echo "ok - $*"; }
not_ok() { T_FAIL=$((T_FAIL + 1)); echo "not ok - $*"; }
# expect DESC CMD...: CMD must succeed.
expect() { _d=$1; shift; if "$@"; then ok "$_d"; else not_ok "$_d"; fi; }
# expect_rc RC DESC CMD...: CMD must exit RC; its output is kept in $T_OUT.
expect_rc() {
	_want=$1 _d=$2; shift 2
	T_OUT=$("$@" 2>&1); _got=$?
	if [ "$_got" = "$_want" ]; then ok "$_d"; else not_ok "$_d (exit $_got, wanted $_want): $T_OUT"; fi
}
# expect_out PATTERN DESC: the last expect_rc output matches the grep -E PATTERN.
expect_out() {
	if printf '%s\n' "$T_OUT" | grep -qE -- "$1"; then ok "$2"; else not_ok "$2: output was: $T_OUT"; fi
}
# wait_for SECONDS CMD...: polls CMD every 0.1 s, bounded.
wait_for() {
	_n=$(($1 * 10)); shift
	while [ "$_n" -gt 0 ]; do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; _n=$((_n - 1)); done
	return 1
}
need_root() {
	if [ "$(id -u)" != 0 ]; then echo "SKIP: needs root"; t_done; exit 0; fi
}
t_done() { echo "$T_PASS passed, $T_FAIL failed"; [ "$T_FAIL" = 0 ]; }

# ---- the simulator on loopback (tests/sim) ----
T_TOP=$(cd "$(dirname "$0")/../.." && pwd)
# prom_check FILE: `promtool check metrics` (Debian's, from make deps-test) on FILE: exit 0
# and no output, i.e. it parses and has no lint problem (promtool prints each and exits 3).
PROMTOOL=${PROMTOOL:-$T_TOP/build/promtool/usr/bin/promtool}
prom_check() {
	[ -x "$PROMTOOL" ] || { echo "no promtool at $PROMTOOL: run make deps-test"; return 2; }
	_o=$("$PROMTOOL" check metrics <"$1" 2>&1); _rc=$?
	[ -n "$_o" ] && printf '%s\n' "$_o"
	[ "$_rc" = 0 ] && [ -z "$_o" ]
}
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# sim_start [WORLD] [sim.py options...]: starts it, waits (bounded) until ready; sets SIM_API_PORT,
# SIM_META (metadata URL), SIM_CA; stops it at exit.
sim_start() {
	_world=${1:-$T_TOP/tests/sim/world-test.json}; [ $# -gt 0 ] && shift
	SIM_CERTS=$T_TMP/certs
	sh "$T_TOP/tests/sim/mkcerts.sh" "$SIM_CERTS" >/dev/null 2>&1 || { echo "mkcerts failed"; return 1; }
	SIM_CA=$SIM_CERTS/ca.pem
	SIM_API_PORT=$(free_port) SIM_META_PORT=$(free_port)
	SIM_META=http://127.0.0.1:$SIM_META_PORT
	rm -f "$T_TMP/sim.ready"
	python3 "$T_TOP/tests/sim/sim.py" --world "$_world" --cert "$SIM_CERTS/server.pem" \
		--key "$SIM_CERTS/server.key" --api-port "$SIM_API_PORT" --meta-port "$SIM_META_PORT" \
		--ready-file "$T_TMP/sim.ready" "$@" >"$T_TMP/sim.log" 2>&1 &
	SIM_PID=$!
	at_exit "kill $SIM_PID"
	wait_for 10 test -f "$T_TMP/sim.ready" || { echo "simulator did not start:"; cat "$T_TMP/sim.log"; return 1; }
	# The job may be a wrapper (a shell function, ip netns exec): stop the simulator itself too.
	_spid=$(sed -n 's/.*"pid": *\([0-9]*\).*/\1/p' "$T_TMP/sim.ready")
	[ -n "$_spid" ] && [ "$_spid" != "$SIM_PID" ] && at_exit "kill $_spid" && SIM_PID=$_spid
	return 0
}
# t_abort WHAT: WHAT failed and nothing after it can run: one "not ok", the counts, exit 1.
t_abort() { not_ok "$1"; t_done; exit 1; }
# sim_node [WORLD]: the simulator (sim_start WORLD) and node A's directory d=$T_TMP/node with
# every applet installed (tcvip --install); S and L its state_dir and log_file. Either failing
# ends the test.
sim_node() {
	sim_start "$@" || t_abort "simulator starts"
	d=$T_TMP/node; mkdir -p "$d"
	"$TCVIP_BIN" --install "$d" >/dev/null || t_abort "tcvip --install"
	S=$d/state L=$d/tcvip.log
}
# ---- node A's tcvip.conf ----
# The simulator's full account (tests/sim/PROTOCOL.md §1).
KEY_ID=AKIDsimTEST0000000000000000000000001 KEY=simSecretKey00000000000000000001
# node_iface: the interface node A's config names (tv0 inside private_netns, else lo).
node_iface() { if [ "${T_NETNS:-0}" = 1 ]; then echo tv0; else echo lo; fi; }
# sim_conf FILE VIPS STATE LOG [lines...]: node A's config against the running simulator (trust
# anchor SIM_CA, migrate_timeout 10; later lines win), mode 600, exported as TCVIP_CONFIG.
sim_conf() {
	_f=$1 _v=$2 _s=$3 _l=$4; shift 4
	conf_write "$_f" "vip = $_v" "endpoint = localhost:$SIM_API_PORT" "ca_file = $SIM_CA" \
		"metadata = $SIM_META" "interface = $(node_iface)" "state_dir = $_s" "log_file = $_l" \
		"migrate_timeout = 10" "$@"
	export TCVIP_CONFIG=$_f
}
# offline_conf FILE VIP IF STATE LOG [lines...]: a config whose API and metadata refuse
# connections (127.0.0.1:1) and whose discovery is given, so nothing leaves the host.
offline_conf() {
	_f=$1 _v=$2 _i=$3 _s=$4 _l=$5; shift 5
	conf_write "$_f" "vip = $_v" "interface = $_i" "state_dir = $_s" "log_file = $_l" \
		"endpoint = 127.0.0.1:1" "metadata = http://127.0.0.1:1" "region = ap-guangzhou" \
		"vpc = vpc-test0001" "eni = eni-test0001" "$@"
}
# conf_write FILE LINE...: the lines, mode 600.
conf_write() {
	_f=$1; shift
	printf '%s\n' "$@" > "$_f"
	chmod 600 "$_f"
}
# migrate_pids: the migrates our notifies or check_self spawned for $CONF (the spawn passes the
# config path in TCVIP_CONFIG); no_migrates; kill_migrates (also at exit: migrates_cleanup).
migrate_pids() {
	for _e in $(grep -lszxF "TCVIP_CONFIG=$CONF" /proc/[0-9]*/environ); do
		_p=${_e%/environ}
		{ tr '\0' ' ' < "$_p/cmdline"; } 2>/dev/null | grep -q 'migrate' && echo "${_p#/proc/}"
	done
}
no_migrates() { [ -z "$(migrate_pids)" ]; }
kill_migrates() { for _p in $(migrate_pids); do kill "$_p"; done; }
simctl() { python3 "$T_TOP/tests/sim/simctl.py" --url "$SIM_META" "$@"; }
# sim_count ACTION [CODE]: API calls of ACTION (with result CODE) in the sim's request log.
sim_count() {
	simctl log | python3 -c 'import json,sys
a, c = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else None)
print(sum(1 for e in json.load(sys.stdin) if e["action"] == a and (c is None or e["code"] == c)))' "$@"
}

# private_netns SCRIPT: as root, re-runs the calling script in a new network namespace of its
# own (lo up, veth tv0 with 198.18.0.11/24), so nothing it does touches the host's network.
# Sets T_NETNS=1 there; without root it returns and the script runs as it is.
private_netns() {
	if [ "${T_NETNS:-0}" = 1 ]; then
		ip link set lo up
		ip link add tv0 address 52:54:00:00:00:0a type veth peer name tv1
		ip addr add 198.18.0.11/24 dev tv0
		ip link set tv0 up; ip link set tv1 up
		return 0
	fi
	[ "$(id -u)" = 0 ] || return 0
	T_NETNS=1 exec unshare --net sh "$1"
}

# mono_ms: CLOCK_MONOTONIC now, in ms (the clock tcvip's state files record: util_now_ms).
mono_ms() { python3 -c 'import time; print(int(time.monotonic() * 1000))'; }
