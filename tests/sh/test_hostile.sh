#!/bin/sh
# test_hostile.sh: `vip query` against a hostile metadata service on 127.0.0.1 (tests/sh/hostile.py): every
# misbehaviour (endless 100 Continue, slow-loris head, slow body, endless chunked body, huge head, short body,
# reset, HTML page) ends within timeout + 3 s with exit 3 ("unknown") and one error line naming the host.
. "$(dirname "$0")/../lib.sh"
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not installed"; t_done; exit 0; }
TIMEOUT=2
BOUND_MS=$(((TIMEOUT + 3) * 1000))
MODES="continue loris slowbody chunked bighead shortcl reset html htmlpage"
d=$T_TMP/node; mkdir -p "$d"; ln -s "$TCVIP_BIN" "$d/vip"

python3 "$T_TOP/tests/sh/hostile.py" "$T_TMP/ready" "$T_TMP/hostile.log" $MODES >"$T_TMP/hostile.err" 2>&1 &
H_PID=$!
at_exit "kill $H_PID"
wait_for 10 test -f "$T_TMP/ready" || { not_ok "hostile server starts: $(cat "$T_TMP/hostile.err")"; t_done; exit 1; }
port() { awk -v m="$1" '$1 == m { print $2 }' "$T_TMP/ready"; }

# conf PORT: static keys (no role credentials), an API nobody answers; only metadata can be reached.
conf() {
	rm -rf "$d/state"; : > "$d/tcvip.log"
	{
		echo "vip = 198.18.0.100"
		echo "endpoint = 127.0.0.1:1"
		echo "metadata = http://127.0.0.1:$1"
		echo "interface = lo"
		echo "state_dir = $d/state"
		echo "log_file = $d/tcvip.log"
		echo "timeout = $TIMEOUT"
		echo "secret_id = AKIDhostileTEST00000000000000000001"
		echo "secret_key = hostileSecretKey0000000000000001"
	} > "$d/tcvip.conf"
	chmod 600 "$d/tcvip.conf"
	export TCVIP_CONFIG=$d/tcvip.conf
}

# query MODE PATTERN: exit 3 (unknown) within BOUND_MS, an error line matching PATTERN that names the host.
query() {
	conf "$(port "$1")"
	_t0=$(date +%s%N)
	expect_rc 3 "$1: query is unknown (exit 3)" timeout 30 "$d/vip" query
	_ms=$((($(date +%s%N) - _t0) / 1000000))
	echo "# $1: ${_ms} ms"
	if [ "$_ms" -lt "$BOUND_MS" ]; then ok "$1: ended in ${_ms} ms (< $BOUND_MS)"; else not_ok "$1: took ${_ms} ms (bound $BOUND_MS)"; fi
	expect_out '^unknown$' "$1: prints unknown"
	expect_out "127\.0\.0\.1(:$(port "$1"))?.*$2" "$1: one error names the host: $2"
	_n=$(printf '%s\n' "$T_OUT" | grep -c '127\.0\.0\.1')
	[ "$_n" -ge 1 ] && [ "$(grep -cE "$2" "$d/tcvip.log")" = 1 ] && ok "$1: the error is one line in the log" ||
	    not_ok "$1: error lines: $(cat "$d/tcvip.log")"
}

query continue "timed out after 2000 ms|more than [0-9]+ interim"
query loris "read: timed out after 2000 ms"
query slowbody "read: timed out after 2000 ms"
query chunked "response too large|timed out after 2000 ms"
query bighead "head larger than|response too large"
query shortcl "connection closed before the end of the response"
query reset "read: Connection reset by peer"
query html "not a plain value"
query htmlpage "answer too long"
expect "the server saw the requests" grep -q 'REQ GET /latest/meta-data/placement/region' "$T_TMP/hostile.log"
t_done
