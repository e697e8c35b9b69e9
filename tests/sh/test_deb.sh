#!/bin/sh
# test_deb.sh: the .deb installs with dpkg -i on this machine and purges without a trace: it links /etc/keepalived's script names only where nothing exists (a seed kit's script stays, byte for byte), never touches keepalived.conf, and its postrm removes only its own links.
. "$(dirname "$0")/../lib.sh"
cd "$T_TOP" || exit 2
need_root
command -v dpkg >/dev/null 2>&1 || { echo "SKIP: not a dpkg system"; t_done; exit 0; }
# Never disturb a real install of tcvip, or files of these names that are not ours to test with.
if dpkg-query -W -f='${Status}' tcvip 2>/dev/null | grep -q installed || [ -e /usr/sbin/tcvip ]; then
	echo "SKIP: tcvip is installed on this machine; not replacing it"; t_done; exit 0
fi
K=/etc/keepalived
for n in notify_action.sh check_self.sh notify_fifo.sh vip; do
	if [ -e "$K/$n" ] || [ -L "$K/$n" ]; then echo "SKIP: $K/$n exists here; not testing over it"; t_done; exit 0; fi
done
expect_rc 0 "make deb" make -s deb
DEB=$(ls -t build/dist/tcvip_*_amd64.deb | head -n 1)

# dpkg DPKG-ARGS: dpkg, waiting (bounded) while another dpkg or apt holds the lock.
dpkg_() {
	_i=0
	while :; do
		_o=$(dpkg "$@" 2>&1) && { printf '%s\n' "$_o"; return 0; }
		printf '%s\n' "$_o" | grep -qi 'lock' && [ "$_i" -lt 20 ] || { printf '%s\n' "$_o"; return 1; }
		_i=$((_i + 1)); sleep 3
	done
}
# Whatever happens, the package goes again and the seed stand-in too.
at_exit "dpkg_ --purge tcvip; rm -f $K/check_self.sh; [ -d $K.was-missing ] && rmdir $K $K.was-missing"
# Concurrent e2e runs add and remove /etc/netns/*: those are not ours to compare.
files() { find /usr /etc -path /etc/netns -prune -o -print | LC_ALL=C sort; }
[ -d "$K" ] || mkdir "$K.was-missing"
mkdir -p "$K"
before=$T_TMP/before
files >"$before"
# A seed kit's own script, a regular file the package does not own.
printf '#!/bin/sh\n# the seed kit check_self.sh\nexit 0\n' >"$K/check_self.sh"
seed=$(sha256sum "$K/check_self.sh")
kconf=$(cd "$K" && ls -la --time-style=+%s keepalived.conf* 2>/dev/null; sha256sum keepalived.conf* 2>/dev/null)

expect_rc 0 "dpkg -i $(basename "$DEB")" dpkg_ -i "$DEB"
expect_out "check_self.sh exists and is not a link to /usr/sbin/tcvip: left as it is" "postinst says it left the seed's check_self.sh alone"
expect "/usr/sbin/tcvip installed, runs" sh -c '/usr/sbin/tcvip --version | grep -q "^tcvip "'
for n in notify_action.sh notify_fifo.sh vip; do
	expect "postinst linked $K/$n -> /usr/sbin/tcvip" test "$(readlink "$K/$n")" = /usr/sbin/tcvip
done
expect "the seed's regular check_self.sh is untouched" test "$(sha256sum "$K/check_self.sh")" = "$seed"
expect "keepalived.conf (and its sample) untouched" test "$(cd "$K" && ls -la --time-style=+%s keepalived.conf* 2>/dev/null; sha256sum keepalived.conf* 2>/dev/null)" = "$kconf"
expect_rc 0 "$K/vip --help through the link" "$K/vip" --help
expect "man tcvip and tcvip.conf are installed" test -f /usr/share/man/man8/tcvip.8.gz -a -f /usr/share/man/man5/tcvip.conf.5.gz
expect "dpkg -V tcvip: every file as shipped" sh -c '[ -z "$(dpkg -V tcvip)" ]'

expect_rc 0 "dpkg -r tcvip" dpkg_ -r tcvip
expect "remove: its links are gone" sh -c 'for n in notify_action.sh notify_fifo.sh vip; do [ ! -L "$0/$n" ] || exit 1; done' "$K"
expect "remove: the seed's check_self.sh stays" test "$(sha256sum "$K/check_self.sh")" = "$seed"
expect "remove: the conffile /etc/logrotate.d/tcvip stays until purge" test -f /etc/logrotate.d/tcvip
expect_rc 0 "dpkg -i again (links made again), then dpkg --purge tcvip" sh -c 'dpkg -i "$0" >/dev/null 2>&1 && test -L /etc/keepalived/vip && dpkg --purge tcvip' "$DEB"
expect "purge: the conffile is gone" test ! -e /etc/logrotate.d/tcvip
expect "purge: the seed's check_self.sh stays" test "$(sha256sum "$K/check_self.sh")" = "$seed"
rm -f "$K/check_self.sh"
files >"$T_TMP/after"
T_OUT=$(diff "$before" "$T_TMP/after")
expect "nothing left behind: the file lists of /usr and /etc are as before" test -z "$T_OUT"
[ -n "$T_OUT" ] && printf '%s\n' "$T_OUT" | head -n 20
t_done
