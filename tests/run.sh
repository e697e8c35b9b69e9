#!/bin/sh
# tests/run.sh: runs test programs and scripts, sums their "N passed, N failed" lines.
# usage: tests/run.sh unit|asan BIN... | tests/run.sh all | e2e | e2e@2.3.3 | e2e@1.3.5 | e2e@fifo
set -u
# KEEPALIVED: the keepalived the e2e scripts run (tests/e2e/lib.sh; unset: keepalived on PATH).
case ${KEEPALIVED:-} in "" | /*) ;; */*) KEEPALIVED=$(pwd)/$KEEPALIVED ;; esac
[ -n "${KEEPALIVED:-}" ] && export KEEPALIVED
cd "$(dirname "$0")/.." || exit 2
B=build
# `all` runs these e2e scripts a second time with keepalived 2.3.3 (make builds it into
# KA233_DIR), named tests/e2e/SCRIPT@2.3.3; `e2e@2.3.3` runs only those.
KA233_AGAIN="test_stable.sh test_preempt.sh test_symlink_install.sh test_check_self.sh test_one_conf.sh test_eip.sh test_route.sh"
KA233_DIR=$B/keepalived-2.3.3
# ... and these with keepalived 1.3.5 (CentOS 7's; built from the shared upstream tarball by
# third_party/keepalived135.sh): tests/e2e/SCRIPT@1.3.5; `e2e@1.3.5` runs only those.
KA135_AGAIN="test_stable.sh test_preempt.sh test_symlink_install.sh test_storm.sh test_check_self.sh test_drill.sh test_one_conf.sh test_eip.sh test_route.sh"
KA135_DIR=$B/keepalived-1.3.5
pass=0 fail=0 broken=""
export TCVIP_BIN="$PWD/$B/tcvip"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# run NAME CMD...: runs one test, adds its counts; a crash or a missing count line is a failure.
run() {
	name=$1; shift
	log=$B/test-logs/$(echo "$name" | tr '/ ' '__').log
	mkdir -p "$B/test-logs"
	printf '  %-34s ' "$name"
	"$@" >"$log" 2>&1
	rc=$?
	line=$(grep -E '^([A-Za-z_-]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	p=$(echo "$line" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+')
	f=$(echo "$line" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+')
	if [ -z "$line" ]; then
		p=0 f=1
	elif [ "$rc" != 0 ] && [ "${f:-0}" = 0 ]; then
		f=1
	fi
	pass=$((pass + ${p:-0})); fail=$((fail + ${f:-0}))
	if [ "${f:-0}" = 0 ]; then
		echo "ok   (${p:-0} passed${line:+})$(grep -q '^SKIP' "$log" && echo ', skipped parts')"
	else
		echo "FAIL (rc=$rc, ${p:-0} passed, ${f:-0} failed) — $log"
		grep -E '^(FAIL|not ok)|ERROR|AddressSanitizer|runtime error' "$log" | head -n 15 | sed 's/^/      /'
		broken="$broken $name"
	fi
}

units() {
	for t in "$@"; do run "$t" "$t"; done
}

scripts() { # DIR: every test_*.sh in it
	for t in "$1"/test_*.sh; do
		[ -f "$t" ] && run "$t" sh "$t"
	done
}

# The notify FIFO form (image/keepalived.MODE-fifo.conf) of these scenarios, again.
FIFO_AGAIN="test_stable.sh test_storm.sh test_transient_master.sh"
again_fifo() {
	for t in $FIFO_AGAIN; do
		run "tests/e2e/$t@fifo" env E2E_FORM=fifo sh "tests/e2e/$t"
	done
}

# again_ka VERSION DIR SCRIPTS...: the SCRIPTS with the keepalived make built into DIR, named
# tests/e2e/SCRIPT@VERSION. make test builds it: a missing build is a failure, not a skip.
again_ka() {
	v=$1 dir=$2; shift 2
	if [ ! -f "$dir/.built" ] || [ ! -x "$dir/sbin/keepalived" ]; then
		echo "  keepalived $v not built in $dir (make $dir/.built)     FAIL"
		fail=$((fail + 1)); broken="$broken keepalived-$v"
		return 0
	fi
	for t in "$@"; do
		run "tests/e2e/$t@$v" env KEEPALIVED="$PWD/$dir/sbin/keepalived" sh "tests/e2e/$t"
	done
}
again_ka233() { again_ka 2.3.3 "$KA233_DIR" $KA233_AGAIN; }
again_ka135() { again_ka 1.3.5 "$KA135_DIR" $KA135_AGAIN; }

case "${1:-all}" in
unit|asan) shift; units "$@" ;;
e2e) scripts tests/e2e ;;
e2e@2.3.3) again_ka233 ;;
e2e@1.3.5) again_ka135 ;;
e2e@fifo) again_fifo ;;
all)
	units $B/musl/tests/t_*
	units $B/asan/tests/t_*
	scripts tests/sh
	scripts tests/sim
	scripts tests/sdk
	scripts tests/e2e
	again_ka233
	again_ka135
	again_fifo
	;;
*) echo "usage: tests/run.sh unit|asan BIN... | all | e2e | e2e@2.3.3 | e2e@1.3.5 | e2e@fifo" >&2; exit 2 ;;
esac
echo
[ -n "$broken" ] && echo "failed:$broken"
echo "total: $pass passed, $fail failed"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
