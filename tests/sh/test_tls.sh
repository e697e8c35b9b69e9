#!/bin/sh
# test_tls.sh: the TLS client against throwaway CAs on 127.0.0.1: good EC and RSA certificates work (keep-alive,
# resumption, close_notify rules); untrusted, wrong-host and expired ones are refused, naming the BearSSL error,
# before any request byte is sent. Needs openssl and python3 (else SKIP).
# env: CC (musl-gcc) / BEARSSL_LIB / CFLAGS_EXTRA to build the helper, or TLS_GET=path of a built tests/tls/tls_get.
# ASAN=1 builds the helper with gcc -fsanitize=address,undefined against the glibc BearSSL.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
pass=0
fail=0
srv_pid=
ossl_pid=
tmp=$(mktemp -d "${TMPDIR:-/tmp}/test_tls.XXXXXX") || exit 1

cleanup() {
	for pid in $srv_pid $ossl_pid; do
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	[ -n "${KEEP_TMP:-}" ] && echo "kept $tmp" || rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL test_tls.sh: $*"; }

for tool in openssl python3; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "SKIP test_tls.sh: $tool not installed"
		exit 0
	fi
done

# ---- the client helper ----
if [ -n "${TLS_GET:-}" ]; then
	get=$TLS_GET
else
	get=$tmp/tls_get
	inc="-I$top/src -I$top/build/tp/src/bearssl/inc"
	srcs="$top/tests/tls/tls_get.c $top/src/net.c $top/src/dns.c $top/src/fmt.c $top/src/tls.c $top/src/anchors.c $top/src/http.c $top/src/log.c $top/src/state.c $top/src/util.c $top/src/tz.c $top/src/cfg.c"
	if [ "${ASAN:-0}" = 1 ]; then
		gcc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O1 -g -fsanitize=address,undefined \
		    -fno-sanitize-recover=all $inc -o "$get" $srcs \
		    "${BEARSSL_LIB:-$top/build/tp/bearssl-glibc/libbearssl.a}" || exit 1
	else
		${CC:-musl-gcc} -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Os -static ${CFLAGS_EXTRA:-} $inc \
		    -o "$get" $srcs "${BEARSSL_LIB:-$top/build/tp/bearssl-musl/libbearssl.a}" || exit 1
	fi
fi

# ---- throwaway PKI (EC P-256, plus an RSA CA and leaf) ----
cd "$tmp" || exit 1
mkdir newcerts && : > index.txt && echo 1000 > serial
cat > pki.cnf <<CNF
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[v3_ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[leaf_localhost]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
[leaf_wrong]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:wrong.example
[ca]
default_ca = oldca
[oldca]
dir = $tmp
database = $tmp/index.txt
new_certs_dir = $tmp/newcerts
serial = $tmp/serial
default_md = sha256
policy = anything
unique_subject = no
[anything]
commonName = supplied
CNF

pki() { openssl "$@" >>"$tmp/openssl.log" 2>&1 || { echo "FAIL test_tls.sh: openssl $*"; cat "$tmp/openssl.log"; exit 1; }; }
ca() {	# NAME KEYALG
	pki req -config pki.cnf -x509 -new -newkey "$2" -nodes -keyout "$1.key" -out "$1.pem" -days 2 \
	    -subj "/CN=tcvip test $1" -extensions v3_ca
}
leaf() {	# NAME CA EXT KEYALG
	pki req -config pki.cnf -new -newkey "$4" -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=$1"
	pki x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -set_serial "0x$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')" \
	    -days 2 -sha256 -extfile pki.cnf -extensions "$3" -out "$1.pem"
}
ec=ec:/dev/null
pki ecparam -name prime256v1 -out p256.pem
ec=ec:$tmp/p256.pem
ca ca "$ec"
ca ca_rsa rsa:2048
ca rogue "$ec"
leaf good ca leaf_localhost "$ec"
leaf good_rsa ca_rsa leaf_localhost rsa:2048
leaf untrusted rogue leaf_localhost "$ec"
leaf wronghost ca leaf_wrong "$ec"
pki req -config pki.cnf -new -newkey "$ec" -nodes -keyout expired.key -out expired.csr -subj "/CN=expired"
pki ca -batch -config pki.cnf -notext -cert ca.pem -keyfile ca.key -in expired.csr -out expired.pem \
    -startdate 20200101000000Z -enddate 20200201000000Z -extensions leaf_localhost -extfile pki.cnf
cat ca.pem ca_rsa.pem > bundle.pem

# ---- the server ----
python3 "$top/tests/tls/server.py" ready server.log good:good.pem:good.key rsa:good_rsa.pem:good_rsa.key \
    untrusted:untrusted.pem:untrusted.key wronghost:wronghost.pem:wronghost.key \
    expired:expired.pem:expired.key tarpit:tarpit 2>server.err &
srv_pid=$!
i=0
while [ ! -f ready ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
if [ ! -f ready ]; then
	echo "FAIL test_tls.sh: test server did not start"
	cat server.err
	exit 1
fi
# openssl s_server keeps a session cache (the python one resumes nothing): HTTP/1.0, close-delimited
openssl s_server -www -naccept 4 -accept 127.0.0.1:0 -cert good.pem -key good.key </dev/null >ossl.out 2>&1 &
ossl_pid=$!
i=0
while ! grep -q '^ACCEPT' ossl.out && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
OP=$(sed -n 's/^ACCEPT .*:\([0-9]*\)$/\1/p' ossl.out)
port() { awk -v n="$1" '$1 == n { print $2 }' ready; }
: > server.log

# run NAME ARGS...: runs the helper with a 20 s guard, output in NAME.out/NAME.err, status in $rc
run() {
	name=$1
	shift
	timeout 20 "$get" "$@" >"$name.out" 2>"$name.err"
	rc=$?
}
expect_ok() {	# NAME ARGS...
	run "$@"
	if [ $rc -eq 0 ]; then ok; else bad "$1: exit $rc: $(cat "$1.err")"; fi
}
expect_err() {	# NAME PATTERN ARGS...
	name=$1
	pat=$2
	shift 2
	run "$name" "$@"
	if [ $rc -ne 1 ]; then
		bad "$name: exit $rc, wanted 1"
	elif ! grep -q -- "$pat" "$name.err"; then
		bad "$name: stderr lacks '$pat': $(cat "$name.err")"
	else
		ok
	fi
}
has() {	# NAME PATTERN FILE
	if grep -q -- "$2" "$3"; then ok; else bad "$1: '$2' not in $3: $(cat "$3")"; fi
}
no_request() {	# SERVERNAME
	if grep -q "^$1 REQ" server.log; then bad "$1: the server got a request line"; else ok; fi
	if grep -q "^$1 HSFAIL" server.log; then ok; else bad "$1: the server saw no refused handshake"; fi
}

P=$(port good)
expect_ok good -n 3 -c bundle.pem localhost "$P" /ok
has good "handshakes=1 resumed=0 connects=1" good.out
has good "status=200 body_len=16 retried=0 keep_alive=1 body=hello from good" good.out
[ "$(grep -c '^good REQ GET /ok' server.log)" = 3 ] && ok || bad "good: 3 requests expected: $(cat server.log)"

expect_ok resume -n 2 -R -c bundle.pem localhost "$OP" /
has resume "handshakes=2 resumed=1 connects=2" resume.out
has resume "status=200 body_len=[0-9]* retried=0 keep_alive=0" resume.out

expect_ok rsa -c bundle.pem localhost "$(port rsa)" /ok
has rsa "body=hello from rsa" rsa.out

: > server.log
expect_err untrusted "localhost:$(port untrusted): TLS: BR_ERR_X509_NOT_TRUSTED" -c bundle.pem localhost "$(port untrusted)" /ok
expect_err wronghost "localhost:$(port wronghost): TLS: BR_ERR_X509_BAD_SERVER_NAME" -c bundle.pem localhost "$(port wronghost)" /ok
expect_err expired "localhost:$(port expired): TLS: BR_ERR_X509_EXPIRED" -c bundle.pem localhost "$(port expired)" /ok
sleep 0.3	# let the server threads log their failed handshakes
no_request untrusted
no_request wronghost
no_request expired
# the good server with only the rogue CA trusted: refused too
expect_err rogue_only "TLS: BR_ERR_X509_NOT_TRUSTED" -c rogue.pem localhost "$P" /ok

# close_notify rules: a framed complete body may end without it; an unframed or short one may not
expect_ok close_notify -c bundle.pem localhost "$P" /close-notify
has close_notify "keep_alive=0 body=hello from good" close_notify.out
expect_ok abrupt_cl -c bundle.pem localhost "$P" /abrupt-cl
expect_err abrupt_short "without TLS close_notify" -c bundle.pem localhost "$P" /abrupt-short
expect_err abrupt_delim "without TLS close_notify" -c bundle.pem localhost "$P" /abrupt-delim

# deadlines: a server that never answers the ClientHello
t0=$(date +%s)
expect_err tarpit "TLS: BR_ERR_IO: timed out" -t 500 -c bundle.pem localhost "$(port tarpit)" /ok
# (the alternative, a client without deadlines, is ended by run's 20 s guard: exit 124, not 1)
[ $(( $(date +%s) - t0 )) -le 10 ] && ok || bad "tarpit: took more than 10 s (guard 20 s)"

# hostile peers after the handshake: each ends within the timeout, naming the host and what went wrong
t0=$(date +%s%N)
expect_err continue "localhost:$P: malformed HTTP response: more than 8 interim" -t 1000 -c bundle.pem localhost "$P" /continue
expect_err garbage "localhost:$P: read: TLS: BR_ERR_" -t 1000 -c bundle.pem localhost "$P" /garbage
expect_err stall_record "localhost:$P: read: timed out after 1000 ms" -t 1000 -c bundle.pem localhost "$P" /stall-record
ms=$((($(date +%s%N) - t0) / 1000000))
echo "  hostile TLS peers: ${ms} ms for 3 requests of timeout 1 s"
# each peer streams or stalls for ever: without its deadline a request lasts until the 20 s guard
[ "$ms" -lt 15000 ] && ok || bad "hostile TLS peers took ${ms} ms (bound 15000: 3 guards would be 60 s)"

# trust anchor bundles
expect_err no_file "nonexistent.pem: cannot open CA bundle" -a -c "$tmp/nonexistent.pem"
: > empty.pem
expect_err empty "empty.pem: CA bundle is empty" -a -c empty.pem
echo "just text, no PEM objects" > text.pem
expect_err text "text.pem: no usable certificate" -a -c text.pem
head -n 4 ca.pem > truncated.pem
expect_err truncated "truncated.pem: truncated PEM object" -a -c truncated.pem
head -c 200 ca.pem > cut.pem
expect_err cut "cut.pem: truncated PEM object" -a -c cut.pem
sed '3s/^./!/' ca.pem > badchar.pem
expect_err badchar "badchar.pem: malformed PEM in object #1" -a -c badchar.pem
cat good.key ca.pem > mixed.pem
expect_ok mixed -a -c mixed.pem
has mixed "anchors=1 skipped=0" mixed.out
expect_ok bundle -a -c bundle.pem
has bundle "anchors=2 skipped=0" bundle.out
if [ -f /etc/ssl/certs/ca-certificates.crt ] || [ -f /etc/pki/tls/certs/ca-bundle.crt ] ||
    [ -f /etc/ssl/ca-bundle.pem ] || [ -f /etc/ssl/cert.pem ]; then
	expect_ok system -a
	echo "  system bundle: $(cat system.out)"
	awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^anchors=/) { split($i, a, "="); exit !(a[2] >= 50) } }' system.out &&
	    ok || bad "system: fewer than 50 anchors: $(cat system.out)"
fi

echo "test_tls: $pass passed, $fail failed"
[ $fail -eq 0 ]
