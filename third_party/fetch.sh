#!/bin/sh
# third_party/fetch.sh: fetch BearSSL and jsmn from Debian source packages, verify, unpack.
#
# usage: third_party/fetch.sh OUTDIR
#
# Writes its own deb-src list and apt state under OUTDIR/apt (the machine's apt
# configuration is only read, to learn which Debian mirror it uses), downloads the
# pinned source tarballs, checks them against third_party/SHA256SUMS and unpacks them
# into OUTDIR/src/bearssl and OUTDIR/src/jsmn. Nothing fetched is ever committed.
# Re-running with everything already verified and unpacked touches no network.
# Helpers shared with keepalived.sh are in lib.sh.
set -eu

out=${1:?usage: fetch.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
sums="$here/SHA256SUMS"
mkdir -p "$out/dl" "$out/src"
out=$(cd "$out" && pwd)

# shellcheck source=third_party/lib.sh
. "$here/lib.sh"

fetch_pinned bearssl jsmn
unpack "$(tarball bearssl)" bearssl
unpack "$(tarball jsmn)" jsmn
