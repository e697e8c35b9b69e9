#!/bin/sh
# sdk_check.sh: cross-check the simulator with Tencent's official Node SDK (tencentcloud-sdk-nodejs-common).
# usage: tests/sdk/sdk_check.sh
# env: TCVIP_CACHE (default ~/.cache/tcvip): npm packages go to $TCVIP_CACHE/npm, certs to $TCVIP_CACHE/certs
#      SDK_VERSION (default 4.1.220): the npm version installed
# Needs node + npm and the npm registry (first run only); fails loudly when they are missing.
set -u
export PYTHONDONTWRITEBYTECODE=1

here=$(cd "$(dirname "$0")" && pwd)
sim=$here/../sim
cache=${TCVIP_CACHE:-$HOME/.cache/tcvip}
npmdir=$cache/npm
version=${SDK_VERSION:-4.1.220}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tcvip-sdk.XXXXXX")
sim_pid=""

cleanup() {
    if [ -n "$sim_pid" ]; then kill "$sim_pid" 2>/dev/null; wait "$sim_pid" 2>/dev/null; fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() { echo "sdk_check: $*" >&2; echo "0 passed, 1 failed"; exit 1; }

command -v node >/dev/null || die "node not found (apt-get install nodejs npm)"
command -v npm >/dev/null || die "npm not found (apt-get install npm)"

pkg=$npmdir/node_modules/tencentcloud-sdk-nodejs-common/package.json
have=$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$pkg" 2>/dev/null)
if [ "$have" != "$version" ]; then
    mkdir -p "$npmdir" || die "cannot create $npmdir"
    [ -f "$npmdir/package.json" ] || echo '{"name":"tcvip-sdk-check","private":true}' > "$npmdir/package.json"
    echo "sdk_check: installing tencentcloud-sdk-nodejs-common@$version into $npmdir" >&2
    (cd "$npmdir" && timeout 300 npm install --no-save --no-package-lock --no-audit --no-fund \
        "tencentcloud-sdk-nodejs-common@$version" >"$tmp/npm.log" 2>&1) ||
        { cat "$tmp/npm.log" >&2; die "npm install of tencentcloud-sdk-nodejs-common@$version failed (npm registry unreachable?)"; }
fi

sh "$sim/mkcerts.sh" "$cache/certs" || die "mkcerts.sh failed"

ready=$tmp/sim.ready
python3 "$sim/sim.py" --world "$sim/world-test.json" --cert "$cache/certs/server.pem" \
    --key "$cache/certs/server.key" --api-port 0 --meta-port 0 --ready-file "$ready" 2>"$tmp/sim.err" &
sim_pid=$!
i=0
while [ ! -s "$ready" ] && [ $i -lt 100 ]; do
    kill -0 "$sim_pid" 2>/dev/null || break
    sleep 0.1
    i=$((i + 1))
done
[ -s "$ready" ] || { cat "$tmp/sim.err" >&2; die "simulator did not start"; }

NODE_PATH=$npmdir/node_modules NODE_EXTRA_CA_CERTS=$cache/certs/ca.pem \
    NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost http_proxy='' https_proxy='' \
    timeout 120 node "$here/sdk_check.js" "$ready"
