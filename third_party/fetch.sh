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
set -eu

out=${1:?usage: fetch.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
sums="$here/SHA256SUMS"
mkdir -p "$out/dl" "$out/src"
out=$(cd "$out" && pwd)

die() { echo "third_party: $*" >&2; exit 1; }

# Tarball name for a package, from SHA256SUMS: "sha256  file  package=version".
want_sha() { awk -v f="$1" '$2 == f { print $1 }' "$sums"; }

verify() { # FILE -> 0 if its sum matches the pinned one
	want=$(want_sha "$(basename "$1")")
	[ -n "$want" ] || die "$(basename "$1"): no pinned sha256 in $sums"
	[ -f "$1" ] || return 1
	got=$(sha256sum "$1" | cut -d' ' -f1)
	[ "$got" = "$want" ] && return 0
	echo "third_party: $1: sha256 mismatch: got $got, pinned $want" >&2
	return 2
}

all_verified() {
	for f in $(awk '{print $2}' "$sums"); do
		verify "$out/dl/$f" 2>/dev/null || return 1
	done
}

mirror() {
	[ -n "${TCVIP_DEBIAN_MIRROR:-}" ] && { echo "$TCVIP_DEBIAN_MIRROR"; return; }
	m=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
		awk '/^URIs:/ && $2 ~ /debian\/?$/ { print $2; exit }')
	[ -n "$m" ] || m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
		awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /^(https?|file):/) { print $i; exit } }')
	[ -n "$m" ] || die "cannot find a Debian mirror in /etc/apt; set TCVIP_DEBIAN_MIRROR=URL"
	echo "$m"
}

apt_setup() {
	a="$out/apt"
	mkdir -p "$a/lists/partial" "$a/cache/archives/partial"
	m=$(mirror)
	kr=/usr/share/keyrings/debian-archive-keyring.gpg
	: > "$a/sources.list"
	for suite in bookworm trixie; do
		echo "deb-src [signed-by=$kr] $m $suite main" >> "$a/sources.list"
	done
	APT_OPTS="-o Dir::Etc::SourceList=$a/sources.list -o Dir::Etc::SourceParts=/dev/null
		-o Dir::State::Lists=$a/lists -o Dir::Cache=$a/cache -o APT::Get::List-Cleanup=0
		-o Debug::NoLocking=1"
	# shellcheck disable=SC2086
	apt-get $APT_OPTS -qq update || die "apt-get update with $a/sources.list failed"
}

fetch_source() { # PKG=VERSION FILE: download only FILE of the source package
	spec=$1 file=$2
	# shellcheck disable=SC2086
	uri=$(apt-get $APT_OPTS source --print-uris "$spec" 2>/dev/null |
		awk -v f="$file" "\$2 == f { gsub(/'/, \"\", \$1); print \$1 }")
	[ -n "$uri" ] || die "$spec: no source package offering $file (check the deb-src list in $out/apt)"
	/usr/lib/apt/apt-helper download-file "$uri" "$out/dl/$file" "SHA256:$(want_sha "$file")" >/dev/null ||
		die "$file: download from $uri failed or did not match the pinned sha256"
}

unpack() { # FILE DIR
	[ -f "$out/src/$2/.unpacked" ] && return 0
	rm -rf "$out/src/$2" "$out/src/$2.tmp"
	mkdir -p "$out/src/$2.tmp"
	tar -xf "$out/dl/$1" -C "$out/src/$2.tmp" --strip-components=1
	touch "$out/src/$2.tmp/.unpacked"
	mv "$out/src/$2.tmp" "$out/src/$2"
}

if ! all_verified; then
	for f in $(awk '{print $2}' "$sums"); do
		if [ -f "$out/dl/$f" ]; then
			rc=0; verify "$out/dl/$f" || rc=$?
			[ "$rc" = 2 ] && { rm -f "$out/dl/$f"; die "$f does not match its pinned sha256; refusing it"; }
		fi
	done
	command -v apt-get >/dev/null || die "apt-get not found: fetch $(awk '{printf "%s ", $2}' "$sums")into $out/dl by hand"
	apt_setup
	awk '{ print $3, $2 }' "$sums" | while read -r spec file; do
		verify "$out/dl/$file" 2>/dev/null || fetch_source "$spec" "$file"
		verify "$out/dl/$file" || die "$file: verification failed after download"
	done
fi
unpack "$(awk '$3 ~ /^bearssl=/ {print $2}' "$sums")" bearssl
unpack "$(awk '$3 ~ /^jsmn=/ {print $2}' "$sums")" jsmn
