#!/bin/sh
# test_dist.sh: make dist, make deb and make rpm are reproducible (a second build in a copy of the tree at another path, from scratch, gives the same bytes) and carry what they should: the stripped static binary saying git describe's version, man pages, image/, logrotate file, licenses, SHA256SUMS; lintian is clean.
. "$(dirname "$0")/../lib.sh"
cd "$T_TOP" || exit 2
for c in make dpkg-deb tar gzip; do
	command -v "$c" >/dev/null 2>&1 || { echo "SKIP: $c missing (make deps-test)"; t_done; exit 0; }
done
[ -f build/tp/src/bearssl/.unpacked ] || { echo "SKIP: third-party sources not fetched (make)"; t_done; exit 0; }
V=$(git describe --always --dirty 2>/dev/null || cat .version 2>/dev/null || echo 0.0-src)
E=$(git log -1 --format=%ct 2>/dev/null || echo 0)
DV=$(SOURCE_DATE_EPOCH=$E sh pkg/build.sh debversion build "$V")
TGZ=tcvip-$V-x86_64-linux.tar.gz
DEB=tcvip_${DV}_amd64.deb

expect_rc 0 "make dist" make -s dist
expect_rc 0 "make deb" make -s deb
expect "build/dist/$TGZ written" test -s "build/dist/$TGZ"
expect "build/dist/$DEB written" test -s "build/dist/$DEB"

# A second build from scratch: the tree (tracked and untracked files as they are now) copied to
# another path, the fetched sources alongside (no network), no object or binary: everything
# compiled again there. -ffile-prefix-map keeps the path out; the version and the epoch are
# what this tree's git says (the copy has no git).
C=$T_TMP/elsewhere/tcvip-copy
mkdir -p "$C/build/tp"
git ls-files -co --exclude-standard -z | xargs -0 cp -a --parents -t "$C" 2>/dev/null
cp -a build/tp/dl build/tp/src build/tp/bearssl-musl "$C/build/tp/"
echo "# second build in $C (compiles everything; about a minute)"
# The .rpm too where rpmbuild is (make deps-test installs it; test_rpm.sh checks the rest).
RPMS=$(command -v rpmbuild >/dev/null 2>&1 && echo rpm)
[ -n "$RPMS" ] && expect_rc 0 "make rpm" make -s rpm
expect_rc 0 "make dist deb $RPMS in the copy, from scratch" \
	make -s -C "$C" dist deb $RPMS TCVIP_VERSION="$V" SOURCE_DATE_EPOCH="$E"
s1=$(sha256sum "build/dist/$TGZ" | cut -d' ' -f1) s2=$(sha256sum "$C/build/dist/$TGZ" | cut -d' ' -f1)
echo "# $TGZ: sha256 $s1 (here), $s2 (copy)"
expect "the tarball is reproducible: identical bytes" test "$s1" = "$s2"
d1=$(sha256sum "build/dist/$DEB" | cut -d' ' -f1) d2=$(sha256sum "$C/build/dist/$DEB" | cut -d' ' -f1)
echo "# $DEB: sha256 $d1 (here), $d2 (copy)"
expect "the .deb is reproducible: identical bytes" test "$d1" = "$d2"
if [ -n "$RPMS" ]; then
	RPM=tcvip-$DV-1.x86_64.rpm
	r1=$(sha256sum "build/dist/$RPM" | cut -d' ' -f1) r2=$(sha256sum "$C/build/dist/$RPM" | cut -d' ' -f1)
	echo "# $RPM: sha256 $r1 (here), $r2 (copy)"
	expect "the .rpm is reproducible: identical bytes" test "$r1" = "$r2"
fi
expect "the binary is reproducible too" cmp -s build/tcvip "$C/build/tcvip"

# What the tarball holds.
L=$T_TMP/list
tar -tvzf "build/dist/$TGZ" --full-time >"$L"
expect "every entry owned 0/0" sh -c '! awk "\$2 != \"0/0\"" "$0" | grep -q .' "$L"
want=$(date -u -d "@$E" '+%F %T')
expect "every mtime is SOURCE_DATE_EPOCH ($want)" sh -c '! awk -v t="$1" "\$4 \" \" \$5 != t" "$0" | grep -q .' "$L" "$want"
expect "entries are sorted" sh -c 'awk "{ print \$NF }" "$0" | grep -v -- "->" >/dev/null; tar -tzf "$1" | LC_ALL=C sort -c' "$L" "build/dist/$TGZ"
expect "gzip header without name or time (gzip -n)" sh -c 'od -An -tu1 -j4 -N4 "$0" | tr -s " " | grep -qx " 0 0 0 0"' "build/dist/$TGZ"
X=$T_TMP/x
mkdir -p "$X" && tar -xzf "build/dist/$TGZ" -C "$X"
T=$X/tcvip-$V
for f in usr/sbin/tcvip usr/share/man/man8/tcvip.8.gz usr/share/man/man5/tcvip.conf.5.gz \
	usr/share/doc/tcvip/copyright etc/logrotate.d/tcvip usr/share/doc/tcvip/SHA256SUMS \
	usr/share/doc/tcvip/examples/tcvip.conf usr/share/doc/tcvip/examples/keepalived.stable.conf \
	usr/share/doc/tcvip/examples/keepalived.preempt.conf usr/share/doc/tcvip/examples/keepalived.stable-fifo.conf \
	usr/share/doc/tcvip/examples/keepalived.preempt-fifo.conf usr/share/doc/tcvip/examples/keepalived-conf.env \
	usr/lib/systemd/system/tcvip-keepalived-conf.service; do
	expect "tarball has $f" test -f "$T/$f"
done
for n in notify_action.sh check_self.sh notify_fifo.sh vip; do
	expect "tarball has the template link usr/lib/tcvip/keepalived/$n -> /usr/sbin/tcvip" \
		test "$(readlink "$T/usr/lib/tcvip/keepalived/$n")" = /usr/sbin/tcvip
done
expect "SHA256SUMS verifies every file" sh -c 'cd "$0" && sha256sum --quiet -c usr/share/doc/tcvip/SHA256SUMS' "$T"
expect "SHA256SUMS lists every other file" test "$(find "$T" -type f | wc -l)" = "$(($(wc -l <"$T/usr/share/doc/tcvip/SHA256SUMS") + 1))"
expect_rc 0 "the shipped binary runs" "$T/usr/sbin/tcvip" --version
expect "its --version's second word is exactly git describe's $V" test "$(echo "$T_OUT" | cut -d' ' -f2)" = "$V"
expect_out 'BearSSL 0\.6[^,]*, jsmn 1\.1\.0[^,]*, musl 1\.' "--version names BearSSL, jsmn and musl with versions"
if command -v file >/dev/null 2>&1; then
	expect "the shipped binary is static and stripped" sh -c 'file -b "$0" | grep -q "statically linked" && file -b "$0" | grep -q ", no section header"' "$T/usr/sbin/tcvip"
fi
expect "the shipped binary is build/tcvip" cmp -s "$T/usr/sbin/tcvip" build/tcvip
cr=$T/usr/share/doc/tcvip/copyright
expect "copyright carries BearSSL's LICENSE.txt verbatim" sh -c 'sed -n "/^Files: bearssl/,/^\$/p" "$0" | sed -n "5,\$p" | sed -e "s/^ //" -e "s/^\.\$//" | head -n "$(wc -l <"$1")" | cmp -s - "$1"' "$cr" build/tp/src/bearssl/LICENSE.txt
expect "copyright carries jsmn's LICENSE verbatim" sh -c 'sed -n "/^Files: jsmn/,/^\$/p" "$0" | sed -n "5,\$p" | sed -e "s/^ //" -e "s/^\.\$//" | head -n "$(wc -l <"$1")" | cmp -s - "$1"' "$cr" build/tp/src/jsmn/LICENSE
expect "copyright carries musl's paragraphs (Rich Felker, the MIT text)" sh -c 'grep -q "^Files: musl/\*" "$0" && grep -q "Rich Felker" "$0" && grep -q "^License: MIT\$" "$0"' "$cr"
expect "copyright names tcvip's own license" grep -q '^Copyright: 2026 The tcvip authors' "$cr"
expect "image/tcvip.conf holds no secret" sh -c '! grep -qE "^[[:space:]]*(secret_id|secret_key)[[:space:]]*=" "$0"' "$T/usr/share/doc/tcvip/examples/tcvip.conf"

# The .deb: same files, its metadata, lintian.
D=$T_TMP/deb
dpkg-deb -x "build/dist/$DEB" "$D"
expect "the .deb holds the tarball's tree (plus its lintian overrides, minus SHA256SUMS)" sh -c '
	a=$(cd "$0" && find . ! -name SHA256SUMS | sort); b=$(cd "$1" && find . ! -path "*/lintian*" | sort); [ "$a" = "$b" ]' "$T" "$D"
f=$(dpkg-deb -f "build/dist/$DEB" Depends Recommends Version Architecture)
expect "Depends: nothing; Recommends: keepalived; Version $DV; amd64" \
	test "$f" = "$(printf 'Recommends: keepalived\nVersion: %s\nArchitecture: amd64' "$DV")"
expect "/etc/logrotate.d/tcvip is a conffile" sh -c 'dpkg-deb -I "$0" conffiles | grep -qx /etc/logrotate.d/tcvip' "build/dist/$DEB"
expect "the .deb ships nothing in /etc/keepalived (postinst links only where nothing exists)" test ! -e "$D/etc/keepalived"
if command -v lintian >/dev/null 2>&1; then
	expect_rc 0 "lintian runs" lintian --pedantic "build/dist/$DEB"
	T_OUT=$(printf '%s\n' "$T_OUT" | grep -v '^running with root privileges')
	echo "# lintian: ${T_OUT:-(nothing)}"
	expect "lintian: no error, warning, info or pedantic tag" test -z "$T_OUT"
else
	not_ok "lintian not installed (make deps-test)"
fi
t_done
