# tests/sim/lib.sh: what the simulator's self tests share: counters, the temp dir, the test certs' place, the started processes ($pids) stopped at exit.
# Set SIM_TEST (the temp dir's name) before sourcing; redefine cleanup_more for more to undo.
set -u
export PYTHONDONTWRITEBYTECODE=1

here=$(cd "$(dirname "$0")" && pwd)
certs=${TCVIP_CACHE:-$HOME/.cache/tcvip}/certs
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tcvip-$SIM_TEST.XXXXXX")
pass=0
fail=0
pids=""

cleanup_more() { :; }
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null; done
    for p in $pids; do wait "$p" 2>/dev/null; done
    cleanup_more
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { name=$1; shift; if "$@"; then ok; else bad "$name"; fi; }
