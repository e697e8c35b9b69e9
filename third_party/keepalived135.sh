#!/bin/sh
# third_party/keepalived135.sh: keepalived 1.3.5 (CentOS 7's) from upstream's v1.3.5 tree, built
# once with the system gcc, as a real old VRRP peer for the end-to-end tests (not part of tcvip).
#
# usage: third_party/keepalived135.sh OUTDIR          (make: build/keepalived-1.3.5)
#
# Debian's mirror does not carry 1.3.5, so the tarball comes from the project's shared sources:
# $KA135_TARBALL if set, else shared/keepalived/keepalived-1.3.5.tar.gz in a directory above this
# checkout (../shared beside it) or beside the repository it was cloned from. It is checked against third_party/SHA256SUMS,
# unpacked into OUTDIR/src/keepalived and built in place (1.3.5's daemon only: genhash does not
# link against OpenSSL 3; -fcommon for gcc >= 10); the binary goes to OUTDIR/sbin/keepalived.
# OUTDIR/.built holds the sum and the options; while they stay the same a re-run does nothing.
# Build deps (libnl-3-dev, libnl-genl-3-dev, libnl-route-3-dev, libnfnetlink-dev, libssl-dev)
# come with `third_party/deps.sh test`. 1.3.5 has no -P and no LVS here: run it with -n -l -D.
set -eu

out=${1:?usage: keepalived135.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
sums="$here/SHA256SUMS"
mkdir -p "$out/dl" "$out/src"
out=$(cd "$out" && pwd)

# shellcheck source=third_party/lib.sh
. "$here/lib.sh"

tb=keepalived-1.3.5.tar.gz
[ -n "$(want_sha "$tb")" ] || die "$sums pins no $tb"

# find_tarball: the first candidate that exists, else "": $KA135_TARBALL, then shared/keepalived/
# in each directory above this checkout, then beside the repository it was cloned from.
find_tarball() {
	[ -n "${KA135_TARBALL:-}" ] && [ -f "$KA135_TARBALL" ] && { echo "$KA135_TARBALL"; return 0; }
	d=$(cd "$here/.." && pwd)
	while [ "$d" != / ]; do
		d=$(dirname "$d")
		[ -f "$d/shared/keepalived/$tb" ] && { echo "$d/shared/keepalived/$tb"; return 0; }
	done
	origin=$(git -C "$here/.." config --get remote.origin.url 2>/dev/null || true)
	case $origin in /*) [ -f "$origin/../shared/keepalived/$tb" ] && { echo "$origin/../shared/keepalived/$tb"; return 0; } ;; esac
	echo ""
}

flags="--sysconfdir=/etc --localstatedir=/var --disable-lvs --disable-snmp --disable-dbus"
flags="$flags --disable-libiptc --disable-libipset"
stamp="$(want_sha "$tb") $flags CFLAGS=-O2 -fcommon"
[ -x "$out/sbin/keepalived" ] && [ "$(cat "$out/.built" 2>/dev/null)" = "$stamp" ] && exit 0

if ! verify "$out/dl/$tb"; then
	src=$(find_tarball)
	[ -n "$src" ] || die "$tb: not found (set KA135_TARBALL, or put it in ../shared/keepalived/)"
	cp "$src" "$out/dl/$tb.tmp"
	mv "$out/dl/$tb.tmp" "$out/dl/$tb"
	refuse_bad "$tb"
fi
[ "$(cat "$out/src/keepalived/.sha256" 2>/dev/null)" = "$(want_sha "$tb")" ] || rm -rf "$out/src/keepalived"
unpack "$tb" keepalived
want_sha "$tb" >"$out/src/keepalived/.sha256"

rm -rf "${out:?}/sbin" "${out:?}/.built"
cd "$out/src/keepalived"
# shellcheck disable=SC2086
CFLAGS="-O2 -fcommon" ./configure --prefix="$out" $flags >"$out/configure.log" 2>&1 ||
	{ tail -n 30 "$out/configure.log" >&2; die "keepalived 1.3.5: configure failed ($out/configure.log)"; }
{ make -C lib && make -C keepalived; } >"$out/make.log" 2>&1 ||
	{ tail -n 30 "$out/make.log" >&2; die "keepalived 1.3.5: build failed ($out/make.log)"; }
mkdir -p "$out/sbin"
cp keepalived/keepalived "$out/keepalived.tmp"
mv "$out/keepalived.tmp" "$out/sbin/keepalived"
v=$("$out/sbin/keepalived" --version 2>&1 | head -n 1)
case $v in "Keepalived v1.3.5 "*) ;; *) die "built keepalived says \"$v\", not v1.3.5" ;; esac
echo "$stamp" >"$out/.built"
echo "  KA      $v: $out/sbin/keepalived"
