#!/bin/sh
# pkg/build.sh: the release tarball, the .deb and the .rpm, all from one staged tree, reproducibly.
#
# usage: pkg/build.sh stage|dist|deb|rpm BUILDDIR VERSION      (make dist, make deb, make rpm)
#
#   stage  BUILDDIR/stage/WHAT/root: the tree an image gets (below), from BUILDDIR/tcvip, man/,
#          image/, LICENSE and the third-party license texts of the fetched Debian source
#          packages (BUILDDIR/tp/src) and the installed musl package (/usr/share/doc/musl)
#   dist   BUILDDIR/dist/tcvip-VERSION-x86_64-linux.tar.gz: the tree under tcvip-VERSION/,
#          with usr/share/doc/tcvip/SHA256SUMS over every other file
#   deb    BUILDDIR/dist/tcvip_DEBVERSION_amd64.deb (dpkg-deb), DEBVERSION from VERSION:
#          0.1-5-gabc -> 0.1+5+gabc, a bare hash abc -> 0.0~gabc, -dirty -> +dirty
#   rpm    BUILDDIR/dist/tcvip-DEBVERSION-1.x86_64.rpm (rpmbuild, pkg/tcvip.spec), the same
#          version string (rpm takes + and ~ alike)
#
# The tree:
#   usr/sbin/tcvip                                  the stripped static binary
#   usr/lib/tcvip/keepalived/{notify_action.sh,check_self.sh,notify_fifo.sh,vip}
#                                                   symlinks to /usr/sbin/tcvip, to be copied
#                                                   into /etc/keepalived (bake step 2; the
#                                                   .deb's postinst makes its own)
#   usr/share/man/man8/tcvip.8.gz, man5/tcvip.conf.5.gz
#   usr/share/doc/tcvip/{copyright,changelog.gz,README.md}, examples/ (= image/)
#   etc/logrotate.d/tcvip                           (image/tcvip.logrotate; a conffile)
#   usr/lib/systemd/system/tcvip-keepalived-conf.service  (image/; disabled: the bake enables it)
#
# Reproducible: every mtime is SOURCE_DATE_EPOCH (the commit's time, from make), owners 0/0
# numeric, modes fixed, entries sorted, gzip -n; dpkg-deb clamps to SOURCE_DATE_EPOCH too.
set -eu

what=${1:?usage: build.sh stage|dist|deb|rpm BUILDDIR VERSION}
B=${2:?BUILDDIR}
V=${3:?VERSION}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
: "${SOURCE_DATE_EPOCH:?SOURCE_DATE_EPOCH unset (make sets it from the commit)}"
export SOURCE_DATE_EPOCH LC_ALL=C TZ=UTC
umask 022
S=$B/stage/$what	# one staging directory per artefact: make -j dist deb rpm do not race
R=$S/root
DIST=$B/dist
LINKS="notify_action.sh check_self.sh notify_fifo.sh vip"
MAINT="tcvip maintainers <maintainers@users.noreply.r-seed-21ccc9ed.example>"

die() { echo "pkg: $*" >&2; exit 1; }

debversion() { # git describe output -> a Debian version
	v=${1%-dirty} dirty=""
	[ "$v" != "$1" ] && dirty=+dirty
	if echo "$v" | grep -qE '^[0-9a-f]{7,40}$'; then      # no tag: git describe --always's hash
		echo "0.0~g$v$dirty"
		return
	fi
	v=$(echo "$v" | sed -e 's/^v//' -e 's/-/+/g' -e 's/[^A-Za-z0-9.+~]/+/g')
	case $v in [0-9]*) echo "$v$dirty" ;; *) echo "0.0~$v$dirty" ;; esac
}

# indent FILE: a DEP-5 text block (each line indented one space, empty lines as " .").
indent() { sed -e 's/^$/./' -e 's/^/ /' "$1"; }

copyright() {
	bl=$B/tp/src/bearssl/LICENSE.txt jl=$B/tp/src/jsmn/LICENSE ml=/usr/share/doc/musl/copyright
	for f in "$bl" "$jl" "$ml"; do [ -f "$f" ] || die "$f missing (make fetches BearSSL and jsmn; musl comes with musl-tools)"; done
	pin() { awk -v p="$1=" 'index($3, p) == 1 { print substr($3, length(p) + 1) }' third_party/SHA256SUMS; }
	cat <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: tcvip
Upstream-Contact: $MAINT
Comment: /usr/sbin/tcvip is statically linked against BearSSL $(pin bearssl), jsmn $(pin jsmn)
 and musl $(dpkg-query -W -f='${Version}' musl-dev 2>/dev/null || echo unknown) (Debian packages).
 Their license texts follow, taken unchanged from the Debian source packages of BearSSL
 and jsmn (LICENSE.txt, LICENSE) and from the musl package's copyright file, whose
 paragraphs are repeated with their paths prefixed by musl/.

Files: *
Copyright: 2026 The tcvip authors
License: MIT

Files: bearssl/*
Copyright: 2016 Thomas Pornin <pornin@bolet.org>
License: MIT
Comment: LICENSE.txt of the BearSSL source, verbatim:
EOF
	indent "$bl"
	cat <<EOF

Files: jsmn/*
Copyright: 2010 Serge A. Zaitsev
License: MIT
Comment: LICENSE of the jsmn source, verbatim:
EOF
	indent "$jl"
	echo
	# musl's own DEP-5 file without its header paragraph; Files paths under musl/.
	awk 'BEGIN { RS = ""; ORS = "\n\n" } NR > 1' "$ml" |
		awk '/^Files:/ { sub(/^Files: /, "Files: musl/"); print; cont = 1; next }
			cont && /^  +[^ ]/ { sub(/^ +/, "       musl/"); print; next }
			{ cont = 0; print }' | sed -e '$ { /^$/d }'
}

changelog() {
	d=$(date -u -d "@$SOURCE_DATE_EPOCH" -R)
	cat <<EOF
tcvip ($1) unstable; urgency=medium

  * Release $V (git describe), built from the commit of
    $(date -u -d "@$SOURCE_DATE_EPOCH" +%F): the static binary, man pages,
    image/ templates, logrotate file.

 -- $MAINT  $d
EOF
}

stage() {
	[ -x "$B/tcvip" ] || die "$B/tcvip not built (make)"
	dv=$(debversion "$V")
	rm -rf "$S" && mkdir -p "$R"
	doc=$R/usr/share/doc/tcvip
	install -D -m 0755 "$B/tcvip" "$R/usr/sbin/tcvip"
	mkdir -p "$R/usr/lib/tcvip/keepalived" "$R/usr/share/man/man8" "$R/usr/share/man/man5" "$doc/examples"
	for n in $LINKS; do ln -s /usr/sbin/tcvip "$R/usr/lib/tcvip/keepalived/$n"; done
	gzip -9n <man/tcvip.8 >"$R/usr/share/man/man8/tcvip.8.gz"
	gzip -9n <man/tcvip.conf.5 >"$R/usr/share/man/man5/tcvip.conf.5.gz"
	for f in image/*; do
		case $f in image/tcvip.logrotate | image/*.service) continue ;; esac
		install -m 0644 "$f" "$doc/examples/"
	done
	install -D -m 0644 image/tcvip.logrotate "$R/etc/logrotate.d/tcvip"
	install -D -m 0644 image/tcvip-keepalived-conf.service "$R/usr/lib/systemd/system/tcvip-keepalived-conf.service"
	install -m 0644 README.md "$doc/README.md"
	copyright >"$doc/copyright"
	changelog "$dv" | gzip -9n >"$doc/changelog.gz"
	chmod 0644 "$doc/copyright" "$doc/changelog.gz" "$R"/usr/share/man/man*/*
	find "$R" -type d -exec chmod 0755 {} +
	echo "$dv" >"$S/debversion"
}

clamp() { find "$1" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +; }

# tarball DIR OUT: DIR's content under its own name, sorted, 0/0, fixed mtime, gzip -n.
tarball() {
	tar -C "$(dirname "$1")" --sort=name --owner=0 --group=0 --numeric-owner \
		--mtime="@$SOURCE_DATE_EPOCH" --format=gnu -cf - "$(basename "$1")" | gzip -9n >"$2.tmp"
	mv "$2.tmp" "$2"
}

dist() {
	stage
	name=tcvip-$V
	t=$S/$name
	rm -rf "$t" && cp -a "$R" "$t"
	(cd "$t" && find . -type f ! -name SHA256SUMS | sed 's|^\./||' | sort | xargs sha256sum) \
		>"$S/SHA256SUMS"
	install -m 0644 "$S/SHA256SUMS" "$t/usr/share/doc/tcvip/SHA256SUMS"
	clamp "$t"
	mkdir -p "$DIST"
	tarball "$t" "$DIST/$name-x86_64-linux.tar.gz"
	echo "  DIST    $DIST/$name-x86_64-linux.tar.gz"
}

deb() {
	stage
	dv=$(cat "$S/debversion")
	d=$S/deb
	rm -rf "$d" && cp -a "$R" "$d"
	mkdir -p "$d/DEBIAN" "$d/usr/share/lintian/overrides"
	install -m 0644 pkg/lintian-overrides "$d/usr/share/lintian/overrides/tcvip"
	install -m 0755 pkg/postinst pkg/postrm "$d/DEBIAN/"
	echo /etc/logrotate.d/tcvip >"$d/DEBIAN/conffiles"
	size=$(du -k -s --apparent-size "$d" | cut -f1)
	cat >"$d/DEBIAN/control" <<EOF
Package: tcvip
Version: $dv
Architecture: amd64
Maintainer: $MAINT
Installed-Size: $size
Recommends: keepalived
Section: net
Priority: optional
Description: keepalived VIP failover for Tencent Cloud VPC, one static binary
 tcvip moves a private virtual IP between CVMs of a Tencent Cloud VPC when
 keepalived fails over: it tells the VPC API which elastic network interface
 holds the address (a gratuitous ARP does not move it there). It replaces the
 published notify_action.sh, check_self.sh and vip.py kit with one statically
 linked binary: no Python, no shared libraries.
 .
 The package links /etc/keepalived/notify_action.sh, check_self.sh,
 notify_fifo.sh and vip to /usr/sbin/tcvip where no such file exists yet;
 keepalived.conf is never touched. Templates are in
 /usr/share/doc/tcvip/examples.
EOF
	(cd "$d" && find . -path ./DEBIAN -prune -o -type f -print | sed 's|^\./||' | sort | xargs md5sum) \
		>"$d/DEBIAN/md5sums"
	chmod 0644 "$d/DEBIAN/control" "$d/DEBIAN/conffiles" "$d/DEBIAN/md5sums"
	clamp "$d"
	mkdir -p "$DIST"
	out=$DIST/tcvip_${dv}_amd64.deb
	dpkg-deb --root-owner-group -Zxz --build "$d" "$out.tmp" >/dev/null
	mv "$out.tmp" "$out"
	echo "  DEB     $out"
}

# rpm: rpmbuild (Debian's rpm package) over the staged tree with pkg/tcvip.spec. Reproducible:
# build time and every mtime are SOURCE_DATE_EPOCH, a fixed build host, xz payload (what rpm
# 4.11, CentOS 7's, reads; not 4.18's default zstd).
rpm_pkg() {
	stage
	rv=$(cat "$S/debversion")
	rm -rf "$S/rpmbuild" && mkdir -p "$S/rpmbuild/tmp"
	t=$(cd "$S/rpmbuild" && pwd)	# rpmbuild wants absolute paths
	{ cat pkg/tcvip.spec; rpm_changelog "$rv"; } >"$t/tcvip.spec"
	clamp "$R"
	rpmbuild --quiet -bb --nodeps --target x86_64 \
		--define "_topdir $t" --define "_tmppath $t/tmp" --define "_rpmdir $t/out" \
		--define "_buildhost tcvip.build" --define "use_source_date_epoch_as_buildtime 1" \
		--define "clamp_mtime_to_source_date_epoch 1" --define "_binary_payload w9.xzdio" \
		--define "tcvip_version $rv" --define "tcvip_maint $MAINT" --define "tcvip_stage $(cd "$R" && pwd)" "$t/tcvip.spec" >"$t/log" 2>&1 ||
		{ cat "$t/log" >&2; die "rpmbuild failed"; }
	mkdir -p "$DIST"
	out=$DIST/tcvip-$rv-1.x86_64.rpm
	mv "$t/out/x86_64/tcvip-$rv-1.x86_64.rpm" "$out"
	echo "  RPM     $out"
}

rpm_changelog() {
	printf '* %s %s - %s-1\n- Release %s (git describe): the static binary, man pages, image/\n  templates, logrotate file.\n' \
		"$(date -u -d "@$SOURCE_DATE_EPOCH" '+%a %b %d %Y')" "$MAINT" "$1" "$V"
}

case $what in
stage) stage ;;
dist) dist ;;
deb) deb ;;
rpm) rpm_pkg ;;
debversion) debversion "$V" ;;
*) die "usage: build.sh stage|dist|deb|rpm BUILDDIR VERSION" ;;
esac
