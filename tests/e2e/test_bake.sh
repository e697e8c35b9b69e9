#!/bin/sh
# test_bake.sh: the README's bake, from the release tarball, the .deb (dpkg --root, dpkg -x) and the .rpm (rpm2cpio) into empty roots; both nodes run from the baked files (identical but for keepalived.conf), a CVM role and no secret in them: vip doctor passes on both, kill -9 of the master's keepalived moves the VIP in the cloud and on the NIC.
. "$(dirname "$0")/lib.sh"
e2e_require
for c in make tar dpkg dpkg-deb diff; do
	command -v "$c" >/dev/null 2>&1 || e2e_skip "$c not installed (make deps-test)"
done
cd "$E2E_ROOT" || exit 2
[ -f build/tp/src/bearssl/.unpacked ] || e2e_skip "third-party sources not fetched (make)"
V=$(git describe --always --dirty 2>/dev/null || cat .version 2>/dev/null || echo 0.0-src)
DV=$(SOURCE_DATE_EPOCH=0 sh pkg/build.sh debversion build "$V")
TGZ=build/dist/tcvip-$V-x86_64-linux.tar.gz
DEB=build/dist/tcvip_${DV}_amd64.deb
RPM=build/dist/tcvip-$DV-1.x86_64.rpm
# The .rpm's files too where rpmbuild is (make deps-test installs it).
RPMS=$(command -v rpmbuild >/dev/null 2>&1 && command -v rpm2cpio >/dev/null 2>&1 && command -v cpio >/dev/null 2>&1 && echo rpm)
must "make dist deb $RPMS" make -s dist deb $RPMS
must "the tarball and the .deb are there ($TGZ, $DEB)" test -s "$TGZ" -a -s "$DEB"
IMG=$E2E_RUN/images
mkdir -p "$IMG" && chmod 0755 "$IMG"

# The bake, the README's commands, each into an empty root ($1), with the image's tcvip.conf:
# the VIP and the endpoint, no secret (the CVM role gives the credentials).
bake_conf() { printf 'vip = %s\nendpoint = internal\n' "$E2E_VIP" >"$1/etc/keepalived/tcvip.conf"; }
bake_links() { mkdir -p "$1/etc/keepalived" && cp -P "$1"/usr/lib/tcvip/keepalived/* "$1/etc/keepalived/"; }
bake_tarball() { tar -xzf "$TGZ" -C "$1" --strip-components=1 && bake_links "$1" && bake_conf "$1"; }
bake_dpkg_x() { dpkg -x "$DEB" "$1" && bake_links "$1" && bake_conf "$1"; }
bake_dpkg_root() {
	mkdir -p "$1/var/lib/dpkg/info" "$1/var/lib/dpkg/updates" && touch "$1/var/lib/dpkg/status" &&
		{ dpkg --root "$1" --force-script-chrootless -i "$DEB" >"$1.log" 2>&1 || { cat "$1.log"; false; }; } &&
		bake_conf "$1"
}
bake_rpm2cpio() { rpm2cpio "$RPM" | (cd "$1" && cpio -idm --quiet) && bake_links "$1" && bake_conf "$1"; }
HOWS="tarball dpkg_x dpkg_root"
[ -n "$RPMS" ] && HOWS="$HOWS rpm2cpio"
for how in $HOWS; do
	mkdir -m 0755 "$IMG/$how"
	expect "bake ($how) into an empty root" "bake_$how" "$IMG/$how"
done
expect "dpkg --root made the four links in the image's /etc/keepalived (its postinst, chrootless)" sh -c '
	for n in notify_action.sh check_self.sh notify_fifo.sh vip; do [ "$(readlink "$0/etc/keepalived/$n")" = /usr/sbin/tcvip ] || exit 1; done' "$IMG/dpkg_root"
# same_tree A B: identical files, links and modes, but for what only a tarball (SHA256SUMS) or a
# .deb (its lintian overrides, dpkg's database) carries.
tree() { (cd "$1" && find . ! -path './var*' ! -name SHA256SUMS ! -path '*/lintian*' -printf '%M %U:%G %p %l\n' | LC_ALL=C sort); }
same_tree() {
	[ "$(tree "$1")" = "$(tree "$2")" ] &&
		diff -r --no-dereference -x SHA256SUMS -x lintian -x var "$1" "$2" >/dev/null
}
expect "the .deb (dpkg --root) bakes the tarball's image: same files, links, modes, owners" same_tree "$IMG/tarball" "$IMG/dpkg_root"
expect "the .deb (dpkg -x) bakes the same image" same_tree "$IMG/tarball" "$IMG/dpkg_x"
[ -n "$RPMS" ] && expect "the .rpm (rpm2cpio | cpio) bakes the same image" same_tree "$IMG/tarball" "$IMG/rpm2cpio"
expect "the image's binary is build/tcvip" cmp -s "$IMG/tarball/usr/sbin/tcvip" build/tcvip
# no_secret DIR: no test key, role key or token anywhere in DIR (binary files too), no secret key in its configs.
no_secret() {
	! grep -rqa -e "$E2E_SECRET_ID" -e "$E2E_SECRET_KEY" -e AKIDe2eROLE -e e2eRoleKey -e e2eRoleToken "$1" &&
		! grep -rqE '^[[:space:]]*(secret_id|secret_key|credentials_file)[[:space:]]*=' "$1/etc"
}
for how in tarball dpkg_root; do expect "no secret in the $how image" no_secret "$IMG/$how"; done
# The README's step for the boot unit, in a copy of the image: offline, keepalived then requires it.
if command -v systemctl >/dev/null 2>&1; then
	cp -a "$IMG/tarball" "$IMG/unit"
	expect "systemctl --root enables tcvip-keepalived-conf.service in the image" \
		systemctl --root "$IMG/unit" enable tcvip-keepalived-conf.service
	expect "... keepalived.service now requires it" test "$(readlink \
		"$IMG/unit/etc/systemd/system/keepalived.service.requires/tcvip-keepalived-conf.service")" = \
		/usr/lib/systemd/system/tcvip-keepalived-conf.service
fi

must "topology comes up" e2e_topology
e2e_world none role
must "simulator starts (a CVM role, no key in any node's files)" e2e_sim_start

# node_root IMAGE NODE: the node boots from a copy of IMAGE; the per-node step writes its
# keepalived.conf from the image's stable template.
node_root() {
	local _r=$E2E_RUN/$2/root
	rm -rf "$_r" && cp -a "$1" "$_r" && rm -rf "$_r/var/lib/dpkg" || return 1
	sed -e "s/@INTERFACE@/eth0/g" -e "s/@SELF_IP@/$(e2e_ip "$2")/g" -e "s/@PEER_IP@/$(e2e_ip "$(e2e_peer "$2")")/g" \
		-e "s/@VIP@/$E2E_VIP/g" -e "s/@ROUTER_ID@/node_$2/g" -e "s/@AUTH_PASS@/e2ebake/g" \
		"$_r/usr/share/doc/tcvip/examples/keepalived.stable.conf" >"$_r/etc/keepalived/keepalived.conf"
	rm -f "$E2E_RUN/$2/var-keepalived/"* "$E2E_RUN/$2/log/"*
}
# nodes_identical: every file of the two nodes' roots is the same but keepalived.conf.
nodes_identical() {
	diff -r --no-dereference -x keepalived.conf "$E2E_RUN/a/root" "$E2E_RUN/b/root" >/dev/null &&
		[ "$(tree "$E2E_RUN/a/root")" = "$(tree "$E2E_RUN/b/root")" ]
}
# vip_doctor NODE: vip doctor on NODE passes every check, the credentials from the CVM role.
vip_doctor() {
	expect_rc 0 "$W: vip doctor on $1 passes" e2e_vip "$1" doctor
	expect_out '^all checks passed$' "$W: vip doctor on $1: all checks passed"
	expect_out "^PASS  credentials +CVM role" "$W: vip doctor on $1: credentials from the CVM role"
}

# boot_and_fail_over IMAGE: both nodes from IMAGE, one converged master, doctor on both, kill -9.
boot_and_fail_over() {
	local _n
	W="image from $1"
	for _n in a b; do must "$W: node $_n's root" node_root "$IMG/$1" "$_n"; done
	expect "$W: the nodes' files are identical but keepalived.conf" nodes_identical
	for _n in a b; do
		expect "$W: node $_n runs the image's files: check_self.sh -> /usr/sbin/tcvip, the image's binary" \
			e2e_in "$_n" sh -c '[ "$(readlink -f /etc/keepalived/check_self.sh)" = /usr/sbin/tcvip ] && cmp -s /usr/sbin/tcvip "$0"' "$E2E_RUN/$_n/root/usr/sbin/tcvip"
	done
	for _n in a b; do must "$W: keepalived starts on $_n" e2e_ka_start "$_n"; done
	M=$(e2e_wait_master 30 "exited with status 2")
	must "$W: a keepalived MASTER emerges (got $M)" sh -c "case '$M' in a|b) true ;; *) false ;; esac"
	P=$(e2e_peer "$M")
	must "$W: master $M holds the VIP in the cloud and on its NIC, not $P" wait_for 30 e2e_converged "$M"
	expect "$W: tcvip's state on $P is BACKUP" wait_for 5 e2e_state_file_is "$P" BACKUP
	for _n in a b; do vip_doctor "$_n"; done
	e2e_kill_expect "$W" "$M" "$P"
	expect "$W: $P migrated it (MigratePrivateIpAddress)" test "$(e2e_count_moves "$P" "$E2E_T0")" -ge 1
	for _n in a b; do expect "$W: still no secret in node $_n's root after the run" no_secret "$E2E_RUN/$_n/root"; done
	e2e_ka_stop "$P"
	for _n in a b; do ip -n "$(e2e_ns "$_n")" addr del "$E2E_VIP/32" dev eth0 2>/dev/null; done
}

for how in tarball dpkg_root; do boot_and_fail_over "$how"; done
expect "no secret in any log or argv" e2e_no_secrets
e2e_finish
