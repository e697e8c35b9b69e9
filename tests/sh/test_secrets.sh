#!/bin/sh
# test_secrets.sh: where secrets end up (issue 10): migrates with static keys and with role credentials, then the key and token are looked for in the argv and environment of every child tcvip starts, state_dir, the log, syslog (captured in a mount namespace) and a core (gcore as the same user).
. "$(dirname "$0")/../lib.sh"
need_root
private_netns "$0"
sim_start || { not_ok "simulator starts"; t_done; exit 1; }
VIP=198.18.0.100
chmod 755 "$T_TMP"	# the unprivileged part below must reach its own files
d=$T_TMP/node; mkdir -p "$d"
"$TCVIP_BIN" --install "$d" >/dev/null || { not_ok "tcvip --install"; t_done; exit 1; }
ROLE_KEY=simRoleKey000000000000000000003 TOKEN=simRoleToken0000000000000000000000000000000003
ENV_TOKEN=envSessionToken0000000000000000000000009
S=$d/state L=$d/tcvip.log
IF=$(node_iface)

conf() { sim_conf "$d/tcvip.conf" $VIP "$S" "$L" "recheck_delay = 0" "$@"; }
keys() { conf "secret_id = $KEY_ID" "secret_key = $KEY" "$@"; }
holder() { simctl holder-of $VIP; }
holder_is() { [ "$(holder)" = "$1" ]; }
# leaks FILE...: prints the files (NUL-separated data included) holding a secret.
leaks() { grep -laF -e "$KEY" -e "$ROLE_KEY" -e "$TOKEN" -e "$ENV_TOKEN" "$@" 2>/dev/null; }
no_leak() { _l=$(leaks "$@"); [ -z "$_l" ] || { echo "  secret found in: $_l"; false; }; }

# --- the migrates: static keys, then role credentials ---
simctl reset >/dev/null; rm -rf "$S"; : > "$L"; keys
expect_rc 0 "migrate with static keys" "$d/vip" migrate
expect "static: no secret on stdout/stderr" sh -c "! printf '%s' \"\$T_OUT\" | grep -qF '$KEY'"
simctl holder $VIP eni-simnodeb >/dev/null; conf
expect_rc 0 "migrate with role credentials" "$d/vip" migrate
expect "role: A holds the VIP" test "$(holder)" = eni-simnodea
expect "role: no secret on stdout/stderr" sh -c "! printf '%s' \"\$T_OUT\" | grep -qF -e '$ROLE_KEY' -e '$TOKEN'"
expect_rc 0 "vip status (role)" "$d/vip" status
expect "status shows no secret" sh -c "! printf '%s' \"\$T_OUT\" | grep -qF -e '$ROLE_KEY' -e '$TOKEN'"
# The role cache holds TmpSecretKey and Token by design (SPEC §2): mode 0600 in a 0700 dir.
expect "role_credentials is the cache: 0600, ours" test "$(stat -c '%a %u' "$S/role_credentials")" = "600 0"
expect "state_dir is 0700" test "$(stat -c %a "$S")" = 700
others=$(find "$S" -type f ! -name role_credentials)
expect "no secret in any other file under state_dir ($(echo $others | wc -w) files)" no_leak $others
expect "no secret in the log" no_leak "$L"

# --- the migrate notify_action spawns: argv and environment ---
keys
simctl holder $VIP eni-simnodeb >/dev/null
simctl fault '{"action":"DescribeNetworkInterfaces","count":1,"kind":"delay","seconds":3}' >/dev/null
echo BACKUP > "$S/state"
# notify_action started with an fd far above 255 open: the migrate must not inherit it.
expect_rc 0 "notify MASTER spawns a migrate" bash -c 'exec 300>"$1/fd300"; exec "$2" MASTER' sh "$T_TMP" "$d/notify_action.sh"
mig=""
for e in $(grep -lszxF "TCVIP_CONFIG=$d/tcvip.conf" /proc/[0-9]*/environ); do
	p=${e%/environ}
	tr '\0' ' ' < "$p/cmdline" 2>/dev/null | grep -q 'migrate --if-master' && mig=${p#/proc/} && break
done
if [ -n "$mig" ]; then
	cat "/proc/$mig/cmdline" > "$T_TMP/mig.cmdline" 2>/dev/null
	cat "/proc/$mig/environ" > "$T_TMP/mig.environ" 2>/dev/null
	ls -l "/proc/$mig/fd" > "$T_TMP/mig.fds" 2>/dev/null
	expect "spawned migrate: no secret in argv" no_leak "$T_TMP/mig.cmdline"
	expect "spawned migrate: no secret in environ" no_leak "$T_TMP/mig.environ"
	expect "spawned migrate: fd 300 not inherited" sh -c "! grep -q 'fd300' $T_TMP/mig.fds"
else
	not_ok "the spawned migrate was seen"
fi
expect "spawned migrate lands" wait_for 15 holder_is eni-simnodea

# --- check_self's restart_command child: environment, argv, descriptors ---
DUMP=$T_TMP/dump
cat > "$T_TMP/restart.sh" <<EOF
#!/bin/sh
cat /proc/\$\$/environ > $DUMP.environ
cat /proc/\$\$/cmdline > $DUMP.cmdline
ls -l /proc/\$\$/fd > $DUMP.fds
EOF
chmod 755 "$T_TMP/restart.sh"
if [ "${T_NETNS:-0}" = 1 ]; then
	conf "restart_command = $T_TMP/restart.sh --flag"
	echo BACKUP > "$S/state"; rm -f "$S/last_restart" "$DUMP".*
	ip addr add "$VIP/32" dev "$IF"
	# The secrets in check_self's own environment (env credentials), an fd far above 255.
	TENCENTCLOUD_SECRET_ID=$KEY_ID TENCENTCLOUD_SECRET_KEY=$KEY TENCENTCLOUD_SESSION_TOKEN=$ENV_TOKEN \
		bash -c 'exec 300>"$1/fd300"; exec "$2" >/dev/null 2>&1' sh "$T_TMP" "$d/check_self.sh"
	expect "restart_command ran" wait_for 5 test -s "$DUMP.fds"
	expect "restart child: argv is the command's" sh -c "tr '\0' ' ' < $DUMP.cmdline | grep -q 'restart.sh --flag'"
	expect "restart child: no secret in environ" no_leak "$DUMP.environ"
	expect "restart child: no TENCENTCLOUD_SECRET_* or SESSION_TOKEN at all" \
		sh -c "! tr '\0' '\n' < $DUMP.environ | grep -q '^TENCENTCLOUD_\(SECRET_\|SESSION_TOKEN\)'"
	expect "restart child: no secret in argv" no_leak "$DUMP.cmdline"
	expect "restart child: fd 300 not inherited" sh -c "! grep -q ' 300 -> ' $DUMP.fds"
	expect "restart child: no socket, pipe, log, state or inherited file open" \
		sh -c "! grep -E 'fd300|socket:|pipe:|tcvip\.log|/state/' $DUMP.fds"
else
	echo "SKIP: restart_command child (needs its own network namespace)"
fi

# --- restart_command rules: absolute, or a bare name looked up in a fixed PATH only ---
conf "restart_command = bin/restart.sh"
expect_rc 2 "restart_command with a relative path: config error" "$d/vip" status
expect_out "tcvip.conf:[0-9]+: restart_command must start with an absolute path or a bare command name" "... naming file:line"
if [ "${T_NETNS:-0}" = 1 ]; then
	mkdir -p "$T_TMP/evil"; cp "$T_TMP/restart.sh" "$T_TMP/evil/tcvip-test-restart"
	conf "restart_command = tcvip-test-restart"
	echo BACKUP > "$S/state"; rm -f "$S/last_restart" "$DUMP".*; : > "$L"
	ip addr add "$VIP/32" dev "$IF"
	PATH=$T_TMP/evil:$PATH "$d/check_self.sh" >/dev/null 2>&1
	expect "a bare name is not looked up in the caller's PATH" test ! -e "$DUMP.fds"
	expect "... and the log says where it looked" grep -q "no executable tcvip-test-restart in /usr/sbin:/usr/bin:/sbin:/bin" "$L"
	conf "restart_command = $T_TMP/missing-command"
	echo BACKUP > "$S/state"; rm -f "$S/last_restart"; : > "$L"
	ip addr add "$VIP/32" dev "$IF"
	"$d/check_self.sh" >/dev/null 2>&1
	expect "an exec that fails is logged" grep -q "restart_command: cannot run $T_TMP/missing-command: No such file or directory" "$L"
fi

# --- a spawned migrate whose exec fails says so (no /proc: /proc/self/exe is missing) ---
keys; echo BACKUP > "$S/state"; : > "$L"
if unshare -m sh -c 'mount -t tmpfs none /proc' 2>/dev/null; then
	unshare -m sh -c 'mount -t tmpfs none /proc && exec "$1" MASTER' sh "$d/notify_action.sh" >/dev/null 2>&1
	expect "failed exec of the migrate: logged" grep -q "migrate: cannot run /proc/self/exe: No such file or directory" "$L"
else
	echo "SKIP: failed migrate exec (cannot mount in a mount namespace)"
fi

# --- syslog: a private /dev/log in a mount namespace, both kinds of credentials ---
SYSLOG=$T_TMP/syslog.txt
cat > "$T_TMP/syslogd.py" <<'EOF'
import os, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
open(sys.argv[2], "w").close()
end = time.monotonic() + 60
with open(sys.argv[1], "ab") as f:
    while time.monotonic() < end:
        s.settimeout(1)
        try:
            f.write(s.recv(65536) + b"\n"); f.flush()
        except socket.timeout:
            pass
EOF
cat > "$T_TMP/in_ns.sh" <<'EOF'
set -e
mount -t tmpfs -o mode=755 tmpfs /dev
mknod -m 666 /dev/null c 1 3; mknod -m 666 /dev/zero c 1 5; mknod -m 666 /dev/urandom c 1 9
mknod -m 666 /dev/random c 1 8
python3 "$T_TMP/syslogd.py" "$SYSLOG" "$T_TMP/syslogd.ready" & sp=$!
i=0; while [ ! -e "$T_TMP/syslogd.ready" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
set +e
"$VIPBIN" -v migrate
TCVIP_CONFIG=$ROLECONF "$VIPBIN" -v migrate
sleep 0.5; kill $sp
EOF
simctl holder $VIP eni-simnodeb >/dev/null
keys; cp "$d/tcvip.conf" "$T_TMP/keys.conf"; conf; cp "$d/tcvip.conf" "$T_TMP/role.conf"; chmod 600 "$T_TMP"/*.conf
rm -f "$S/role_credentials"
if T_TMP=$T_TMP SYSLOG=$SYSLOG VIPBIN=$d/vip ROLECONF=$T_TMP/role.conf TCVIP_CONFIG=$T_TMP/keys.conf \
	timeout 60 unshare -m --propagation private sh "$T_TMP/in_ns.sh" >/dev/null 2>&1 && [ -s "$SYSLOG" ]; then
	expect "syslog captured the migrates" grep -q 'tcvip.*every VIP is on eni-simnodea' "$SYSLOG"
	expect "no secret in syslog (static keys and role, -v)" no_leak "$SYSLOG"
else
	echo "SKIP: syslog (no private /dev/log could be set up)"
fi

# --- a core: tcvip is not dumpable, so its own user cannot gcore it ---
if command -v gcore >/dev/null && command -v setpriv >/dev/null; then
	U="setpriv --reuid=nobody --regid=nogroup --clear-groups"
	N=$T_TMP/nobody; mkdir -p "$N"; chown nobody:nogroup "$N"
	cp "$SIM_CA" "$N/ca.pem"
	{ sed -e "s#^state_dir = .*#state_dir = $N/state#" -e "s#^log_file = .*#log_file = $N/log#" \
		-e "s#^ca_file = .*#ca_file = $N/ca.pem#" "$T_TMP/keys.conf"; } > "$N/tcvip.conf"
	chown nobody:nogroup "$N/tcvip.conf" "$N/ca.pem"; chmod 600 "$N/tcvip.conf"
	$U sleep 30 & ctl=$!	# control: the same user can gcore an ordinary process of its own
	sleep 0.2
	if (cd "$N" && timeout 30 $U gcore -o "$N/ctl" "$ctl") >/dev/null 2>&1 && ls "$N"/ctl.* >/dev/null 2>&1; then
		kill $ctl 2>/dev/null
		simctl holder $VIP eni-simnodeb >/dev/null
		simctl fault '{"action":"DescribeNetworkInterfaces","count":1,"kind":"delay","seconds":4}' >/dev/null
		TCVIP_CONFIG=$N/tcvip.conf $U "$d/vip" migrate >/dev/null 2>&1 & mp=$!
		sleep 1
		expect "migrate running as nobody" kill -0 $mp
		(cd "$N" && timeout 30 $U gcore -o "$N/core" "$mp") >/dev/null 2>&1
		expect "gcore by the same user cannot attach: no core" sh -c "! ls $N/core.* >/dev/null 2>&1"
		expect "its environ is not readable by the same user" sh -c "! $U cat /proc/$mp/environ >/dev/null 2>&1"
		wait $mp
		expect "the migrate still completes" test "$(holder)" = eni-simnodea
	else
		kill $ctl 2>/dev/null
		echo "SKIP: gcore cannot attach even to an ordinary process here"
	fi
	rm -f "$N"/ctl.* "$N"/core.*
else
	echo "SKIP: no gcore (gdb) or setpriv"
fi
t_done
