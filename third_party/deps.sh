#!/bin/sh
# third_party/deps.sh: installs (Debian) or lists (elsewhere) what build, tests, demo and benchmarks need.
set -eu

# command:package pairs; a command already on PATH needs no package.
NEEDS="musl-gcc:musl-tools gcc:gcc make:make ar:binutils keepalived:keepalived ip:iproute2
openssl:openssl python3:python3 node:nodejs npm:npm hyperfine:hyperfine clang:clang
cppcheck:cppcheck nft:nftables curl:curl xz:xz-utils file:file valgrind:valgrind
dpkg-source:dpkg-dev /usr/bin/time:time pkill:procps flock:util-linux"
# Files that must exist, with their package.
FILES="/usr/share/keyrings/debian-archive-keyring.gpg:debian-archive-keyring
/etc/ssl/certs/ca-certificates.crt:ca-certificates"

missing=""
for pair in $NEEDS; do
	cmd=${pair%%:*} pkg=${pair#*:}
	case $cmd in
	/*) [ -x "$cmd" ] || missing="$missing $pkg" ;;
	*) command -v "$cmd" >/dev/null 2>&1 || missing="$missing $pkg" ;;
	esac
done
for pair in $FILES; do
	[ -e "${pair%%:*}" ] || missing="$missing ${pair#*:}"
done
# libFuzzer's runtime ships apart from clang on Debian.
if command -v clang >/dev/null 2>&1 && ! echo 'int LLVMFuzzerTestOneInput(const char*d,long n){(void)d;(void)n;return 0;}' |
	clang -x c -fsanitize=fuzzer -o /dev/null - >/dev/null 2>&1; then
	v=$(clang -dumpversion | cut -d. -f1)
	missing="$missing libclang-rt-$v-dev"
fi
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
	echo "deps: not a Debian system; please install:$missing" >&2
	exit 1
fi
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing:$missing; run 'make deps' as root (or apt-get install them)" >&2
	exit 1
fi
echo "  DEPS    apt-get install$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
