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
