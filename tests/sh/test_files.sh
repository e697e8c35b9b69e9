#!/bin/sh
# test_files.sh: files opened as root (issue 10): a symlinked state_dir, forged caches, a symlink or FIFO at log_file, the owner and mode of ca_file and credentials_file.
. "$(dirname "$0")/../lib.sh"
private_netns "$0"
sim_node
VIP=198.18.0.100
CA=$T_TMP/ca.pem; cp "$SIM_CA" "$CA"; chmod 644 "$CA"

# conf [extra lines...]: a fresh config for node A, static keys unless a line says otherwise.
conf() { sim_conf "$d/tcvip.conf" $VIP "$S" "$L" "ca_file = $CA" "$@"; }
keys() { conf "secret_id = $KEY_ID" "secret_key = $KEY" "$@"; }
holder() { simctl holder-of $VIP; }
holder_is() { [ "$(holder)" = "$1" ]; }
reset() { simctl reset >/dev/null; rm -rf "$S" "$L"; }

# --- state_dir: a symbolic link is refused, its target neither chmodded nor written ---
reset; mkdir -p "$T_TMP/elsewhere"; chmod 755 "$T_TMP/elsewhere"; ln -s "$T_TMP/elsewhere" "$S"
keys
expect_rc 2 "symlinked state_dir: notify refuses to run" timeout 10 "$d/notify_action.sh" BACKUP
expect_out 'state_dir is a symbolic link; refusing it' "the refusal names the link"
expect "symlink target not chmodded" test "$(stat -c %a "$T_TMP/elsewhere")" = 755
expect "nothing written through the link" test -z "$(ls -A "$T_TMP/elsewhere")"
rm -f "$S"

# --- caches: a state_dir that others could write loses its caches; a cache that is not ours is
# ignored. A forged "discovered" names another ENI: a migrate believing it would move the VIP there.
reset; keys
expect_rc 0 "migrate (fills the caches)" "$d/vip" migrate
expect "discovered cache written" grep -q 'eni=eni-simnodea' "$S/discovered"
sed 's/eni=eni-simnodea/eni=eni-simnodec/' "$S/discovered" > "$T_TMP/forged"
simctl holder $VIP eni-simnodeb >/dev/null
cp "$T_TMP/forged" "$S/discovered"; chmod 666 "$S/discovered"
expect_rc 0 "group/other-writable discovered cache: migrate still lands" "$d/vip" migrate
expect "forged cache ignored: A holds the VIP" test "$(holder)" = eni-simnodea
expect "the ignored cache is logged" grep -q "discovered: cache writable by group or others; ignoring it" "$L"
simctl holder $VIP eni-simnodeb >/dev/null
cp "$T_TMP/forged" "$S/discovered"; chmod 600 "$S/discovered"; chmod 777 "$S"
expect_rc 0 "state_dir open to all: migrate still lands" "$d/vip" migrate
expect "state_dir made private again" test "$(stat -c %a "$S")" = 700
expect "its caches were thrown away: A holds the VIP" test "$(holder)" = eni-simnodea
expect "the tightening is logged" grep -q "state_dir was accessible by group or others (mode 777): made it 0700 and discarded its caches" "$L"
if [ "$(id -u)" = 0 ]; then
	simctl holder $VIP eni-simnodeb >/dev/null
	cp "$T_TMP/forged" "$S/discovered"; chmod 600 "$S/discovered"; chown 1:1 "$S/discovered"
	expect_rc 0 "discovered cache owned by another user: migrate still lands" "$d/vip" migrate
	expect "foreign cache ignored: A holds the VIP" test "$(holder)" = eni-simnodea
	expect "the foreign cache is logged" grep -q "discovered: cache not owned by this user; ignoring it" "$L"
fi

# --- log_file: a symlink is not followed, a FIFO does not block; the job completes ---
for kind in symlink fifo; do
	reset; keys; mkdir -p "$S"; chmod 700 "$S"
	: > "$T_TMP/victim"
	if [ $kind = symlink ]; then ln -s "$T_TMP/victim" "$L"; else mkfifo "$L"; fi
	simctl holder $VIP eni-simnodeb >/dev/null
	t0=$(date +%s)
	expect_rc 0 "log_file is a $kind: notify MASTER exits 0" timeout 10 "$d/notify_action.sh" MASTER
	expect "log_file $kind: state written" test "$(cat "$S/state")" = MASTER
	expect "log_file $kind: the spawned migrate lands" wait_for 15 holder_is eni-simnodea
	expect "log_file $kind: bounded" test $(($(date +%s) - t0)) -le 15
	expect "log_file $kind: the link's target is untouched" test ! -s "$T_TMP/victim"
	expect_rc 0 "log_file $kind: vip migrate exits 0" timeout 10 "$d/vip" migrate
	expect_out "cannot open log file" "log_file $kind: the reason is given"
	rm -f "$L"
done

# --- ca_file: the trust root must be ours (or root's) and writable by nobody else ---
reset; keys
chmod 664 "$CA"
expect_rc 3 "group-writable ca_file: query refuses it" "$d/vip" query
expect_out "ca.pem: writable by group or others \(mode 664\)" "the refusal names the CA file"
chmod 644 "$CA"
expect_rc 0 "ca_file 0644: migrate" "$d/vip" migrate
chmod 646 "$CA"	# after it was cached: the cache must not vouch for it
expect_rc 3 "other-writable ca_file with a valid anchors cache: refused" "$d/vip" query
expect_out "ca.pem: writable by group or others" "the cached case names the CA file too"
chmod 644 "$CA"
if [ "$(id -u)" = 0 ]; then
	chown 1 "$CA"
	expect_rc 3 "ca_file owned by another user: refused" "$d/vip" query
	expect_out "ca.pem: owned by uid 1, not by this user or root" "the refusal names the owner"
	chown 0 "$CA"
fi

# --- credentials_file: the config's owner rule, and readable by nobody else ---
printf 'secret_id = %s\nsecret_key = %s\n' "$KEY_ID" "$KEY" > "$d/creds"; chmod 600 "$d/creds"
reset; conf "credentials_file = $d/creds"
expect_rc 0 "credentials_file 0600: migrate" "$d/vip" migrate
chmod 620 "$d/creds"
reset; conf "credentials_file = $d/creds"
expect_rc 4 "group-writable credentials_file: refused" "$d/vip" migrate
expect_out "creds: writable by group or others" "the refusal names the credentials file"
chmod 600 "$d/creds"
if [ "$(id -u)" = 0 ]; then
	chown 1 "$d/creds"
	reset; conf "credentials_file = $d/creds"
	expect_rc 4 "credentials_file owned by another user: refused" "$d/vip" migrate
	expect_out "creds: owned by uid 1, not by this user or root" "the refusal names the owner"
fi
t_done
