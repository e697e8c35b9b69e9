#!/bin/sh
# mkcerts.sh: throwaway test PKI (EC P-256) for the simulator: trusted, untrusted, wrong-host and expired certs.
# usage: mkcerts.sh OUTDIR     (idempotent: does nothing when OUTDIR/ca.pem exists)
# Writes ca.pem ca.key server.pem server.key other-ca.pem other-ca.key untrusted.pem untrusted.key
#        wronghost.pem wronghost.key expired.pem expired.key
set -eu

out=${1:?usage: mkcerts.sh OUTDIR}
[ -f "$out/ca.pem" ] && exit 0
command -v openssl >/dev/null || { echo "mkcerts.sh: openssl not found" >&2; exit 1; }
mkdir -p "$out"
work=$(mktemp -d "$out/.mkcerts.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

SANS="DNS:vpc.tencentcloudapi.com,DNS:vpc.internal.tencentcloudapi.com,DNS:vpc.api.qcloud.com,DNS:vpc.api.tencentyun.com,DNS:localhost,IP:127.0.0.1"

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# ca NAME CN: self-signed CA certificate
ca() {
    key "$work/$1.key"
    openssl req -x509 -new -key "$work/$1.key" -sha256 -days 3650 -subj "/O=tcvip test/CN=$2" \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -addext "subjectKeyIdentifier=hash" -out "$work/$1.pem"
    mkdir -p "$work/db-$1"
    : > "$work/db-$1/index.txt"
    echo 1000 > "$work/db-$1/serial"
    cat > "$work/$1.cnf" <<EOF
[ ca ]
default_ca = this
[ this ]
dir = $work/db-$1
database = \$dir/index.txt
serial = \$dir/serial
new_certs_dir = \$dir
certificate = $work/$1.pem
private_key = $work/$1.key
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = none
[ anything ]
organizationName = optional
commonName = supplied
EOF
}

# leaf CA NAME CN SANS STARTDATE ENDDATE: certificate signed by CA with `openssl ca`
leaf() {
    key "$work/$2.key"
    openssl req -new -key "$work/$2.key" -subj "/O=tcvip test/CN=$3" -out "$work/$2.csr"
    cat > "$work/$2.ext" <<EOF
[ ext ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = $4
EOF
    openssl ca -batch -notext -config "$work/$1.cnf" -rand_serial -extfile "$work/$2.ext" \
        -extensions ext -startdate "$5" -enddate "$6" -in "$work/$2.csr" -out "$work/$2.pem" \
        2>"$work/$2.err" || { cat "$work/$2.err" >&2; exit 1; }
}

start=$(date -u -d '-1 day' +%Y%m%d%H%M%SZ)
end=$(date -u -d '+3650 days' +%Y%m%d%H%M%SZ)

ca ca "tcvip test CA"
ca other-ca "tcvip untrusted CA"
leaf ca server vpc.tencentcloudapi.com "$SANS" "$start" "$end"
leaf other-ca untrusted vpc.tencentcloudapi.com "$SANS" "$start" "$end"
leaf ca wronghost wrong.example.test "DNS:wrong.example.test" "$start" "$end"
leaf ca expired vpc.tencentcloudapi.com "$SANS" 20200101000000Z 20200201000000Z

for n in server untrusted wronghost expired other-ca ca; do
    chmod 600 "$work/$n.key"
    mv "$work/$n.key" "$out/$n.key"
    mv "$work/$n.pem" "$out/$n.pem"     # ca.pem last: it marks a complete set
done
