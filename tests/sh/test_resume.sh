#!/bin/sh
# test_resume.sh: TLS session resumption across processes (state_dir/tls_session): the next process resumes, a corrupt, foreign, readable or linked cache is not offered, a server that never resumes still works.
. "$(dirname "$0")/../lib.sh"
private_netns "$0"
sim_node
VIP=198.18.0.100 F=$S/tls_session
CA=$T_TMP/ca.pem; cp "$SIM_CA" "$CA"; chmod 644 "$CA"
conf() {	# [ca_file]
	{
		echo "vip = $VIP"
		echo "endpoint = localhost:$SIM_API_PORT"
		echo "ca_file = ${1:-$CA}"
		echo "metadata = $SIM_META"
		[ "${T_NETNS:-0}" = 1 ] && echo "interface = tv0" || echo "interface = lo"
		echo "state_dir = $S"
		echo "log_file = $L"
		echo "migrate_timeout = 10"
		echo "secret_id = AKIDsimTEST0000000000000000000000001"
		echo "secret_key = simSecretKey00000000000000000001"
	} > "$d/tcvip.conf"
	chmod 600 "$d/tcvip.conf"
	export TCVIP_CONFIG=$d/tcvip.conf
}
# calls_resumed: "RESUMED/CALLS" of the API calls since the log was cleared (the simulator's view).
calls_resumed() {
	simctl log | python3 -c 'import json, sys
log = json.load(sys.stdin)
print("%d/%d" % (sum(1 for e in log if e.get("tls_resumed")), len(log)))'
}
# migrate DESC: the VIP put on B, one `vip migrate`, which must land it on A.
migrate() {
	simctl holder $VIP eni-simnodeb >/dev/null; simctl log-clear >/dev/null
	expect_rc 0 "$1: vip migrate" "$d/vip" migrate
	expect "$1: A holds the VIP" test "$(simctl holder-of $VIP)" = eni-simnodea
	R=$(calls_resumed)
}
none_resumed() { case $R in 0/[1-9]*) ok "$1: a full handshake ($R calls resumed)" ;; *) not_ok "$1: calls resumed $R, wanted none" ;; esac; }
all_resumed() {
	_n=${R#*/}
	if [ "$_n" -gt 0 ] && [ "$R" = "$_n/$_n" ]; then ok "$1: resumed ($R calls)"; else not_ok "$1: calls resumed $R, wanted all"; fi
}

conf
migrate "first process"; none_resumed "first process"
expect "the session is kept, mode 0600" test "$(stat -c %a "$F" 2>/dev/null)" = 600
migrate "second process"; all_resumed "second process"
migrate "third process"; all_resumed "third process"

# A flipped byte (the master secret's, say): never offered, logged, replaced by a good one.
python3 -c 'import sys; p = sys.argv[1]; b = bytearray(open(p, "rb").read()); b[-40] ^= 1; open(p, "wb").write(b)' "$F"
: > "$L"
migrate "corrupt cache"; none_resumed "corrupt cache"
expect "corrupt cache: logged" grep -q "tls_session: TLS session cache corrupt; ignoring it" "$L"
migrate "after the corrupt one"; all_resumed "the rewritten cache"
head -c 100 "$F" > "$T_TMP/short"; cp "$T_TMP/short" "$F"
migrate "truncated cache"; none_resumed "truncated cache"

# Readable by group: it holds a master secret, so it is refused (like a credentials file).
chmod 640 "$F"; : > "$L"
migrate "group-readable cache"; none_resumed "group-readable cache"
expect "group-readable cache: refusal logged" grep -q "tls_session: cache readable by group or others (it holds a secret); ignoring it" "$L"
expect "group-readable cache: rewritten 0600" test "$(stat -c %a "$F")" = 600
if [ "$(id -u)" = 0 ]; then
	chown nobody "$F"; : > "$L"
	migrate "cache owned by another user"; none_resumed "foreign cache"
	expect "foreign cache: refusal logged" grep -q "tls_session: cache not owned by this user; ignoring it" "$L"
fi

# A symbolic link is neither followed on read nor written through.
migrate "refill"; cp "$F" "$T_TMP/good_session"; chmod 600 "$T_TMP/good_session"
rm -f "$F"; ln -s "$T_TMP/good_session" "$F"
before=$(cksum < "$T_TMP/good_session")
migrate "symlinked cache"; none_resumed "symlinked cache"
expect "symlinked cache: the link's target untouched" test "$(cksum < "$T_TMP/good_session")" = "$before"
expect "symlinked cache: replaced by a file" test -f "$F" -a ! -L "$F"

# Bound to the trust anchors it was checked against (a resumed session skips the chain check).
cp "$CA" "$T_TMP/ca2.pem"; conf "$T_TMP/ca2.pem"; : > "$L"
migrate "other trust anchors"; none_resumed "other trust anchors"
conf

# A server that never resumes: one full handshake, nothing else (no failed attempt, no retry).
simctl tls-resume off >/dev/null
: > "$L"
migrate "non-resuming server"; none_resumed "non-resuming server"
expect "non-resuming server: one TLS handshake, no transport error" \
	sh -c "grep -q 'every VIP is on eni-simnodea (.*1 TLS handshakes' '$L' && ! grep -q 'transport\|TLS:' '$L'"
migrate "non-resuming server, again"; none_resumed "non-resuming server, again"
simctl tls-resume on >/dev/null
migrate "resuming again"; none_resumed "resuming again (the server forgot)"
migrate "resuming again, 2"; all_resumed "resuming again, 2"
t_done
