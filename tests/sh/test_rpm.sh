#!/bin/sh
# test_rpm.sh: make rpm: the staged tree's files, no dependency beyond rpm's own for a static binary, Recommends: keepalived, %config(noreplace) and %license, rpmlint clean, identical bytes twice; installed into a scratch root (rpm --root, scriptlets run chrooted by a static busybox) it links the kit's names only where nothing exists, and its erase leaves nothing behind, a seed kit's script untouched.
. "$(dirname "$0")/../lib.sh"
cd "$T_TOP" || exit 2
need_root
for c in make rpm rpmbuild rpmlint busybox; do
	command -v "$c" >/dev/null 2>&1 || { echo "SKIP: $c missing (make deps-test)"; t_done; exit 0; }
done
[ -f build/tp/src/bearssl/.unpacked ] || { echo "SKIP: third-party sources not fetched (make)"; t_done; exit 0; }
V=$(git describe --always --dirty 2>/dev/null || cat .version 2>/dev/null || echo 0.0-src)
RV=$(SOURCE_DATE_EPOCH=0 sh pkg/build.sh debversion build "$V")
RPM=build/dist/tcvip-$RV-1.x86_64.rpm
K=etc/keepalived
LINKS="notify_action.sh check_self.sh notify_fifo.sh vip"

expect_rc 0 "make rpm" make -s rpm
expect "$RPM written" test -s "$RPM"
cp "$RPM" "$T_TMP/first.rpm"
expect_rc 0 "make rpm again" make -s rpm
expect "the .rpm is reproducible: identical bytes" cmp -s "$T_TMP/first.rpm" "$RPM"
q() { rpm -qp "$@" "$RPM" 2>/dev/null; }

# The staged tree's files, as the tarball has them (no SHA256SUMS) plus the /etc/keepalived it owns.
expect_rc 0 "make dist" make -s dist
want=$(tar -tzf "build/dist/tcvip-$V-x86_64-linux.tar.gz" | sed -e 's|^[^/]*||' -e 's|/$||' | grep -v -e '^$' -e SHA256SUMS |
	grep -v -e '^/usr$' -e '^/usr/sbin$' -e '^/usr/lib$' -e '^/usr/share$' -e '^/usr/share/doc$' -e '^/usr/share/man$' \
		-e '^/usr/share/man/man[58]$' -e '^/etc$' -e '^/etc/logrotate.d$' -e '^/usr/lib/systemd$' -e '^/usr/lib/systemd/system$'; echo /etc/keepalived)
expect "its files are the staged tree's (the tarball's) and /etc/keepalived" test "$(q -l | sort)" = "$(echo "$want" | LC_ALL=C sort)"
expect "/usr/sbin/tcvip is build/tcvip, byte for byte" sh -c 'rpm2cpio "$0" | (cd "$1" && cpio -idm --quiet ./usr/sbin/tcvip) && cmp -s "$1/usr/sbin/tcvip" build/tcvip' "$RPM" "$T_TMP"
req=$(q -R | cut -d' ' -f1 | sort -u | tr '\n' ' ')
echo "# Requires: $req"
expect "Requires: only /bin/sh (the scriptlets), config(tcvip) and rpmlib features, no library" \
	sh -c '! echo "$0" | tr " " "\n" | grep -v -e "^$" -e "^/bin/sh$" -e "^config(tcvip)$" -e "^rpmlib(" | grep -q .' "$req"
expect "no rpmlib(PayloadIsZstd): CentOS 7's rpm 4.11 reads it (xz)" sh -c '! echo "$0" | grep -q Zstd' "$req"
expect "Recommends: keepalived" test "$(q --recommends)" = keepalived
expect "/etc/logrotate.d/tcvip is %config(noreplace)" test "$(q --qf '[%{FILEFLAGS:fflags} %{FILENAMES}\n]' | grep ' /etc/logrotate.d/tcvip$' | cut -d' ' -f1)" = cn
expect "the copyright file (all four licenses) is %license" test "$(q -L)" = /usr/share/doc/tcvip/copyright
expect "build host and time fixed: tcvip.build, SOURCE_DATE_EPOCH" test "$(q --qf '%{BUILDHOST} %{BUILDTIME}')" = "tcvip.build $(git log -1 --format=%ct 2>/dev/null || echo 0)"
expect "%post, %preun scripts, nothing else" test "$(q --scripts | grep -o '^[a-z]* scriptlet' | tr '\n' ,)" = "postinstall scriptlet,preuninstall scriptlet,"
expect_rc 0 "rpmlint runs (pkg/rpmlint.toml: each override with its reason)" rpmlint -c pkg/rpmlint.toml "$RPM"
echo "$T_OUT" | grep -E '^tcvip|checked'
expect_out ' 0 errors, 0 warnings, 0 badness' "rpmlint: no error, no warning"

# A scratch root: the OS's directories (systemd's unit directory too) and a static busybox as /bin/sh (rpm runs the scriptlets
# chrooted there), rpm's database in /var/lib/rpm as on CentOS.
scratch() {
	mkdir -p "$1/bin" "$1/var/tmp" "$1/var/lib" "$1/usr/sbin" "$1/usr/lib" "$1/usr/share/doc" "$1/usr/share/man/man5" \
		"$1/usr/share/man/man8" "$1/etc/logrotate.d" "$1/usr/lib/systemd/system" && cp /bin/busybox "$1/bin/" &&
		for a in sh ln rm readlink; do ln -s busybox "$1/bin/$a" || return 1; done
}
# r ROOT ARGS...: rpm on ROOT; Debian's rpm warns that it is not dpkg: those two lines left out.
r() {
	_r=$1; shift
	_o=$(rpm --root "$_r" --dbpath /var/lib/rpm --nodeps "$@" 2>&1); _rc=$?
	printf '%s\n' "$_o" | grep -v -e 'use Alien' -e 'know what you are doing' -e '^$'
	return $_rc
}
files() { (cd "$1" && find . -path ./var/lib/rpm -prune -o -print | LC_ALL=C sort); }

# 1. a seed kit's check_self.sh is there: left as it is, through install, reinstall and erase.
S=$T_TMP/seeded
scratch "$S" && mkdir -p "$S/$K"
printf '#!/bin/sh\n# the seed kit check_self.sh\nexit 0\n' >"$S/$K/check_self.sh"
seed=$(sha256sum <"$S/$K/check_self.sh")
files "$S" >"$T_TMP/before"
expect_rc 0 "rpm --root -i" r "$S" -i "$RPM"
expect_out "check_self.sh exists and is not a link to /usr/sbin/tcvip: left as it is" "%post says it left the seed's check_self.sh alone"
for n in notify_action.sh notify_fifo.sh vip; do
	expect "%post linked $K/$n -> /usr/sbin/tcvip" test "$(readlink "$S/$K/$n")" = /usr/sbin/tcvip
done
expect "the seed's check_self.sh is untouched" test "$(sha256sum <"$S/$K/check_self.sh")" = "$seed"
expect "rpm -V: every file as shipped" test -z "$(r "$S" -V tcvip)"
expect_rc 0 "rpm -U --replacepkgs (an upgrade's scriptlets: old %preun with 1, new %post)" r "$S" -U --replacepkgs "$RPM"
expect "after the upgrade the links are still there" sh -c 'for n in notify_action.sh notify_fifo.sh vip; do [ -L "$0/$n" ] || exit 1; done' "$S/$K"
expect_rc 0 "rpm --root -e tcvip" r "$S" -e tcvip
expect "erase: its links are gone" sh -c 'for n in notify_action.sh notify_fifo.sh vip; do [ ! -L "$0/$n" ] || exit 1; done' "$S/$K"
expect "erase: the seed's check_self.sh is untouched" test "$(sha256sum <"$S/$K/check_self.sh")" = "$seed"
files "$S" >"$T_TMP/after"
T_OUT=$(diff "$T_TMP/before" "$T_TMP/after")
expect "erase: nothing left behind (the scratch root's file list as before)" test -z "$T_OUT"
[ -n "$T_OUT" ] && printf '%s\n' "$T_OUT" | head -n 20

# 2. no /etc/keepalived at all: all four links, and the erase takes the directory too.
E=$T_TMP/empty
scratch "$E"
files "$E" >"$T_TMP/before"
expect_rc 0 "rpm --root -i (no /etc/keepalived yet)" r "$E" -i "$RPM"
expect "all four kit names link to /usr/sbin/tcvip" sh -c 'for n in $1; do [ "$(readlink "$0/$n")" = /usr/sbin/tcvip ] || exit 1; done' "$E/$K" "$LINKS"
printf '# edited\n' >>"$E/etc/logrotate.d/tcvip"
expect_rc 0 "rpm -U --replacepkgs with an edited logrotate file" r "$E" -U --replacepkgs "$RPM"
expect "%config(noreplace): the edit stays" grep -q '^# edited$' "$E/etc/logrotate.d/tcvip"
expect_rc 0 "rpm --root -e tcvip" r "$E" -e tcvip
expect "erase: the edited config is kept as .rpmsave, as rpm does" test -f "$E/etc/logrotate.d/tcvip.rpmsave"
rm -f "$E/etc/logrotate.d/tcvip.rpmsave"
files "$E" >"$T_TMP/after"
T_OUT=$(diff "$T_TMP/before" "$T_TMP/after")
expect "erase: nothing left behind, /etc/keepalived gone too" test -z "$T_OUT"
[ -n "$T_OUT" ] && printf '%s\n' "$T_OUT" | head -n 20
t_done
