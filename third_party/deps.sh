#!/bin/sh
# third_party/deps.sh: installs (Debian) or lists (elsewhere) what building, or also testing, needs.
# usage: third_party/deps.sh build|test [BUILDDIR]     (test, the default, implies build)
#   build: make (the static binary) and the pinned source fetch (make deps)
#   test:  tests, demo, benchmarks, fuzzers, and keepalived 2.3.3's build (make test, e2e, ...);
#          rpmbuild and rpmlint for make rpm, busybox-static as the shell of test_rpm's scratch root;
#          and BUILDDIR/promtool/usr/bin/promtool, the one file of Debian's prometheus .deb that
#          the metrics tests run (the .deb is downloaded, not installed: no server on this machine)
set -eu

# NEED:package pairs: a command already on PATH, or an absolute path that exists, needs no package.
BUILD="musl-gcc:musl-tools gcc:gcc make:make ar:binutils strip:binutils xz:xz-utils
dpkg-source:dpkg-dev /usr/lib/apt/apt-helper:apt
/usr/share/keyrings/debian-archive-keyring.gpg:debian-archive-keyring
/etc/ssl/certs/ca-certificates.crt:ca-certificates"
TEST="keepalived:keepalived ip:iproute2 openssl:openssl python3:python3 node:nodejs npm:npm
hyperfine:hyperfine clang:clang cppcheck:cppcheck nft:nftables curl:curl file:file
valgrind:valgrind /usr/bin/time:time pkill:procps flock:util-linux
pkg-config:pkg-config /usr/include/openssl/ssl.h:libssl-dev
/usr/include/libnl3/netlink/netlink.h:libnl-3-dev /usr/include/libnl3/netlink/genl/genl.h:libnl-genl-3-dev
/usr/include/libnl3/netlink/route/link.h:libnl-route-3-dev /usr/include/libnfnetlink/libnfnetlink.h:libnfnetlink-dev
/usr/share/zoneinfo/zone1970.tab:tzdata lintian:lintian mandoc:mandoc logrotate:logrotate dpkg-deb:dpkg-dev
rpmbuild:rpm rpm2cpio:rpm2cpio cpio:cpio rpmlint:rpmlint busybox:busybox-static"

case ${1:-test} in
build) NEEDS=$BUILD ;;
test) NEEDS="$BUILD $TEST" ;;
*) echo "usage: deps.sh build|test" >&2; exit 2 ;;
esac

missing=""
for pair in $NEEDS; do
	need=${pair%%:*} pkg=${pair#*:}
	case " $missing " in *" $pkg "*) continue ;; esac
	case $need in
	/*) [ -e "$need" ] || missing="$missing $pkg" ;;
	*) command -v "$need" >/dev/null 2>&1 || missing="$missing $pkg" ;;
	esac
done
# libFuzzer's runtime ships apart from clang on Debian.
if [ "${1:-test}" = test ] && command -v clang >/dev/null 2>&1 &&
	! echo 'int LLVMFuzzerTestOneInput(const char*d,long n){(void)d;(void)n;return 0;}' |
	clang -x c -fsanitize=fuzzer -o /dev/null - >/dev/null 2>&1; then
	v=$(clang -dumpversion | cut -d. -f1)
	missing="$missing libclang-rt-$v-dev"
fi
# promtool_fetch DIR: DIR/usr/bin/promtool out of `apt-get download prometheus`, once.
promtool_fetch() {
	[ -x "$1/usr/bin/promtool" ] && return 0
	command -v apt-get >/dev/null 2>&1 && command -v dpkg-deb >/dev/null 2>&1 || {
		echo "deps: no apt-get/dpkg-deb: the metrics tests need promtool at $1/usr/bin/promtool" >&2
		return 1
	}
	echo "  FETCH   promtool (apt-get download prometheus; usr/bin/promtool only, into $1)"
	rm -rf "$1/dl" && mkdir -p "$1/dl"
	# apt checks the .deb against the signed index, as for an install; as root it warns that
	# _apt cannot write to our directory, and downloads as root (-qq keeps that quiet)
	(cd "$1/dl" && apt-get download -qq prometheus 2>&1 | grep -v '^W: Download is performed unsandboxed' >&2 || :)
	set -- "$1" "$1"/dl/prometheus_*.deb
	[ -f "$2" ] || { echo "deps: apt-get download prometheus failed (apt-get update first?)" >&2; return 1; }
	dpkg-deb --fsys-tarfile "$2" | tar -x -C "$1" ./usr/bin/promtool
	rm -rf "$1/dl"
	"$1/usr/bin/promtool" --version >/dev/null
}

if [ "${1:-test}" = test ] && [ -z "$missing" ]; then
	promtool_fetch "${2:-build}/promtool"
	exit
fi
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
	echo "deps: not a Debian system; please install:$missing" >&2
	exit 1
fi
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing:$missing; run 'make deps' (or 'make deps-test') as root, or apt-get install them" >&2
	exit 1
fi
echo "  DEPS    apt-get install$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
if [ "${1:-test}" = test ]; then
	promtool_fetch "${2:-build}/promtool"
fi
