#!/bin/sh
# test_logrotate.sh: image/tcvip.logrotate (copytruncate) works with how tcvip writes log_file (O_APPEND, opened per process, kept open by notify_fifo): logrotate -f rotates it, the next notify's line lands in the new, truncated file, and a writer that kept its descriptor across the rotation appends at the new end too.
. "$(dirname "$0")/../lib.sh"
B=$TCVIP_BIN
LR=$(command -v logrotate || echo /usr/sbin/logrotate)
[ -x "$LR" ] || { echo "SKIP: logrotate not installed (make deps-test)"; t_done; exit 0; }
D=$T_TMP/log
S=$T_TMP/state
L=$D/keepalived.log
mkdir -p "$D" "$T_TMP/bin" && chmod 0755 "$D"
CONF=$T_TMP/tcvip.conf
offline_conf "$CONF" 198.18.0.100 lo "$S" "$L" "migrate_timeout = 5"
"$B" --install "$T_TMP/bin" >/dev/null || { not_ok "tcvip --install"; t_done; exit 1; }
N=$T_TMP/bin/notify_action.sh

# The shipped file, its path pointed at the temp log (and nothing else changed).
R=$T_TMP/tcvip.logrotate
sed "s|^/var/log/keepalived.log {|$L {|" "$T_TOP/image/tcvip.logrotate" >"$R"
expect "the shipped file rotates /var/log/keepalived.log with copytruncate" \
	sh -c 'grep -qx "/var/log/keepalived.log {" "$0" && grep -qx "[[:space:]]*copytruncate" "$0"' "$T_TOP/image/tcvip.logrotate"
expect "the test's copy differs only in the path" test "$(diff "$T_TOP/image/tcvip.logrotate" "$R" | grep -c '^[<>]')" = 2
expect_rc 0 "logrotate -d parses it" "$LR" -d -s "$T_TMP/lr.state" "$R"

expect_rc 0 "notify BACKUP before the rotation" "$N" -c "$CONF" BACKUP
expect "its line is in the log" grep -q 'notify: .* -> BACKUP' "$L"
# A long-lived writer, as notify_fifo is: an O_APPEND descriptor kept across the rotation.
exec 7>>"$L"
printf '[old] line before the rotation, from a kept descriptor\n' >&7
expect_rc 0 "logrotate -f" "$LR" -f -s "$T_TMP/lr.state" "$R"
expect "the old lines went to keepalived.log.1" grep -q -- '-> BACKUP' "$D/keepalived.log.1"
expect "the log was truncated in place (same inode, size 0)" test ! -s "$L"
expect_rc 0 "notify MASTER after the rotation" "$N" -c "$CONF" MASTER
expect "the new line lands in the new file" grep -q 'notify: BACKUP -> MASTER' "$L"
expect "and only there, at its start (no hole of NULs from an old offset)" sh -c '! tr -d "[:print:]\n" <"$0" | grep -q . && head -c 1 "$0" | grep -q "\["' "$L"
printf '[kept] after the rotation, from the kept descriptor\n' >&7
exec 7>&-
# (the MASTER notify's detached migrate may log after it: the kept line follows the MASTER line)
expect "the kept descriptor appends at the new end too" sh -c 'awk "/notify: BACKUP -> MASTER/ { m = NR } /^\[kept\]/ { k = NR } END { exit !(m && k > m) }" "$0" && ! tr -d "[:print:]\n" <"$0" | grep -q .' "$L"
expect "the old file did not get the new lines" sh -c '! grep -q -- "-> MASTER\|\[kept\]" "$0"' "$D/keepalived.log.1"
# Let the spawned migrate (endpoint refuses) finish before the temp dir goes.
wait_for 10 sh -c '! grep -lszxF "TCVIP_CONFIG=$0" /proc/[0-9]*/environ | grep -q .' "$CONF"
t_done
