#!/bin/sh
# third_party/keepalived.sh: keepalived 2.3.3 from Debian trixie's source package, built once
# with the system gcc, as a second VRRP peer for the end-to-end tests (not part of tcvip).
#
# usage: third_party/keepalived.sh OUTDIR          (make: build/keepalived-2.3.3)
#
# Fetches only keepalived_2.3.3.orig.tar.gz (own deb-src list under OUTDIR/apt, see lib.sh),
# checks it against third_party/SHA256SUMS, unpacks it into OUTDIR/src/keepalived, builds it
# in OUTDIR/obj and puts the binary at OUTDIR/sbin/keepalived (nothing is installed). It
# behaves like a packaged keepalived: /etc/keepalived, /run. OUTDIR/.built marks a finished
# build; it holds the tarball's sum and the configure options, and while they stay the same a
# re-run does nothing. Build deps (gcc, make, pkg-config, libssl-dev, libnl-3-dev,
# libnl-genl-3-dev) come with `third_party/deps.sh test`.
set -eu

out=${1:?usage: keepalived.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
sums="$here/SHA256SUMS"
mkdir -p "$out/dl" "$out/src"
out=$(cd "$out" && pwd)

# shellcheck source=third_party/lib.sh
. "$here/lib.sh"

ka_version=2.3.3   # (not "want": lib.sh's verify uses that name)
tb=$(tarball keepalived)
case $tb in "keepalived_$ka_version.orig.tar.gz") ;; *) die "SHA256SUMS pins $tb, not keepalived $ka_version" ;; esac

# VRRP plus the IPVS framework: the tests run it as `keepalived -P` (VRRP subsystem only), an
# option keepalived has only when built with both. No iptables/nftables handling of VIPs, no
# systemd integration, no libmagic: optional libraries are switched off explicitly, so the
# result does not depend on which -dev packages happen to be installed (SNMP and D-Bus are off
# by default).
flags="--sysconfdir=/etc --localstatedir=/var --runstatedir=/run --disable-iptables --disable-nftables"
flags="$flags --disable-systemd ac_cv_lib_magic_magic_open=no"
stamp="$(want_sha "$tb") $flags"
[ -x "$out/sbin/keepalived" ] && [ "$(cat "$out/.built" 2>/dev/null)" = "$stamp" ] && exit 0

fetch_pinned keepalived
# A changed pin unpacks afresh.
[ "$(cat "$out/src/keepalived/.sha256" 2>/dev/null)" = "$(want_sha "$tb")" ] || rm -rf "$out/src/keepalived"
unpack "$tb" keepalived
want_sha "$tb" >"$out/src/keepalived/.sha256"

rm -rf "${out:?}/obj" "${out:?}/sbin" "${out:?}/.built"
mkdir -p "$out/obj"
cd "$out/obj"
# shellcheck disable=SC2086
"$out/src/keepalived/configure" --prefix="$out" $flags >"$out/configure.log" 2>&1 || { tail -n 30 "$out/configure.log" >&2; die "keepalived: configure failed ($out/configure.log)"; }
make -j"$(nproc 2>/dev/null || echo 2)" >"$out/make.log" 2>&1 || { tail -n 30 "$out/make.log" >&2; die "keepalived: build failed ($out/make.log)"; }
cp keepalived/keepalived "$out/keepalived.tmp"
mkdir -p "$out/sbin"
mv "$out/keepalived.tmp" "$out/sbin/keepalived"
v=$("$out/sbin/keepalived" --version 2>&1 | head -n 1)
case $v in "Keepalived v$ka_version "*) ;; *) die "built keepalived says \"$v\", not v$ka_version" ;; esac
echo "$stamp" >"$out/.built"
echo "  KA      $v: $out/sbin/keepalived"
