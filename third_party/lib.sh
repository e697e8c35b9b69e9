# third_party/lib.sh: helpers shared by fetch.sh and keepalived.sh (sourced, POSIX sh).
# shellcheck shell=sh disable=SC2154
#
# The caller sets `out` (an absolute OUTDIR, with OUTDIR/dl for downloads) and `sums`
# (third_party/SHA256SUMS: "sha256  file  package=version" per line) before using them.

die() { echo "third_party: $*" >&2; exit 1; }

# want_sha FILE: its pinned sha256 from SHA256SUMS.
want_sha() { awk -v f="$1" '$2 == f { print $1 }' "$sums"; }

verify() { # FILE -> 0 if its sum matches the pinned one, 1 if absent, 2 on a mismatch
	want=$(want_sha "$(basename "$1")")
	[ -n "$want" ] || die "$(basename "$1"): no pinned sha256 in $sums"
	[ -f "$1" ] || return 1
	got=$(sha256sum "$1" | cut -d' ' -f1)
	[ "$got" = "$want" ] && return 0
	echo "third_party: $1: sha256 mismatch: got $got, pinned $want" >&2
	return 2
}

# refuse_bad FILE...: a downloaded FILE whose sum does not match is removed, and we stop.
refuse_bad() {
	for f in "$@"; do
		[ -f "$out/dl/$f" ] || continue
		rc=0; verify "$out/dl/$f" || rc=$?
		[ "$rc" = 2 ] && { rm -f "$out/dl/$f"; die "$f does not match its pinned sha256; refusing it"; }
	done
	return 0
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

# apt_setup: a private deb-src list (bookworm + trixie from the machine's mirror, signed by the
# Debian keyring) and apt state under OUTDIR/apt; sets APT_OPTS. The machine's apt is only read.
apt_setup() {
	command -v apt-get >/dev/null || die "apt-get not found: fetch $*into $out/dl by hand"
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

fetch_source() { # PKG=VERSION FILE: download only FILE of the source package, checked against its pin
	spec=$1 file=$2
	# shellcheck disable=SC2086
	uri=$(apt-get $APT_OPTS source --print-uris "$spec" 2>/dev/null |
		awk -v f="$file" "\$2 == f { gsub(/'/, \"\", \$1); print \$1 }")
	[ -n "$uri" ] || die "$spec: no source package offering $file (check the deb-src list in $out/apt)"
	/usr/lib/apt/apt-helper download-file "$uri" "$out/dl/$file" "SHA256:$(want_sha "$file")" >/dev/null ||
		die "$file: download from $uri failed or did not match the pinned sha256"
	verify "$out/dl/$file" || die "$file: verification failed after download"
}

# tarball PKG: its file name in SHA256SUMS.
tarball() { awk -v p="$1" 'index($3, p "=") == 1 { print $2 }' "$sums"; }

# fetch_pinned PKG...: every SHA256SUMS file of these source packages verified in OUTDIR/dl,
# downloaded (apt_setup once) only when missing. No network when all are there already.
fetch_pinned() {
	todo=""
	for p in "$@"; do
		f=$(tarball "$p")
		[ -n "$f" ] || die "$p: no pinned tarball in $sums"
		verify "$out/dl/$f" 2>/dev/null || todo="$todo $f"
	done
	[ -z "$todo" ] && return 0
	# shellcheck disable=SC2086
	refuse_bad $todo
	apt_setup "$todo "
	for f in $todo; do
		fetch_source "$(awk -v f="$f" '$2 == f { print $3 }' "$sums")" "$f"
	done
}

unpack() { # FILE DIR: OUTDIR/src/DIR, once (a .unpacked stamp)
	[ -f "$out/src/$2/.unpacked" ] && return 0
	rm -rf "$out/src/$2" "$out/src/$2.tmp"
	mkdir -p "$out/src/$2.tmp"
	tar -xf "$out/dl/$1" -C "$out/src/$2.tmp" --strip-components=1
	touch "$out/src/$2.tmp/.unpacked"
	mv "$out/src/$2.tmp" "$out/src/$2"
}
