#!/bin/sh
# test_dispatch.sh: the multicall binary: static build, argv[0] dispatch through symlinks, help, --install.
. "$(dirname "$0")/../lib.sh"
B=$TCVIP_BIN
d=$T_TMP/bin
mkdir -p "$d"

expect "binary is statically linked" sh -c "file '$B' | grep -q 'statically linked'"
expect "ldd: not a dynamic executable" sh -c "ldd '$B' 2>&1 | grep -q 'not a dynamic executable'"
# stripped to the program headers (pkg/sstrip.sh): no symbols, no section header table
expect "binary is stripped, section headers too" sh -c "file '$B' | grep -q ', no section header'"
expect "... readelf: 0 section headers, still 2 LOAD segments" sh -c \
	"readelf -hW '$B' | grep -qE 'Number of section headers: +0\$' && [ \$(readelf -lW '$B' | grep -c '^ *LOAD ') = 2 ]"
expect "... and every byte up to there is strip's output" sh -c \
	"strip -s -R .comment -o '$d/plain' '$T_TOP/build/tcvip.unstripped' && n=\$(stat -c %s '$B') &&
	 cmp -s -n \$((n - 64)) -i 64 '$B' '$d/plain'"
expect_rc 1 "pkg/sstrip.sh refuses a file that is not a 64-bit ELF" sh "$T_TOP/pkg/sstrip.sh" "$T_TOP/Makefile" "$d/notelf"
expect "... and writes nothing" test ! -e "$d/notelf"

expect_rc 0 "--list" "$B" --list
expect_out '^check_self check_self.sh config$' "--list names check_self, its link, that it reads the config"
expect_out '^notify_action notify_action.sh config$' "--list names notify_action"
expect_out '^notify_fifo notify_fifo.sh config$' "--list names notify_fifo"
expect_out '^vip vip alias=vip.py config$' "--list names vip and its alias"
expect_rc 0 "--version" "$B" --version
expect_out '^tcvip .*BearSSL 0\.6' "--version names the build and BearSSL"
expect_rc 0 "--help" "$B" --help
expect_out 'usage: tcvip' "--help prints usage"
expect_rc 127 "unknown applet via argument" "$B" frobnicate
expect_out '^frobnicate: applet not found$' "unknown applet message"
ln -s "$B" "$d/frob.sh"
expect_rc 127 "unknown applet via argv[0]" "$d/frob.sh"
expect_out '^frob: applet not found$' "argv[0] name reported without .sh"

for a in notify_action check_self vip; do
	expect_rc 0 "tcvip $a --help" "$B" $a --help
	expect_out "^usage: " "$a usage text"
done

# --install makes symlinks to the binary's absolute path (DIR made if missing); each applet
# answers by its own name.
cp "$B" "$d/tcvip"; B=$d/tcvip
expect_rc 0 "--install into a missing dir" "$B" --install "$d/etc/keepalived"
for l in notify_action.sh check_self.sh vip; do
	expect "$l is a symlink to the binary's absolute path" test "$(readlink "$d/etc/keepalived/$l")" = "$B"
done
ln -f "$B" "$d/vip"
expect_rc 0 "--install replaces a hard link to the binary" "$B" --install "$d"
expect "vip is a symlink again" test -L "$d/vip" -a "$d/vip" -ef "$B"
expect_rc 0 "notify_action.sh --help via symlink" "$d/notify_action.sh" --help
expect_out '^usage: notify_action.sh' "notify_action.sh dispatch by argv[0]"
expect_rc 0 "check_self.sh --help via symlink" "$d/check_self.sh" --help
expect_out '^usage: check_self.sh' "check_self.sh dispatch by argv[0]"
expect_rc 0 "vip --help via symlink" "$d/vip" --help
expect_out '^usage: vip' "vip dispatch by argv[0]"
ln -s "$B" "$d/vip.py"
expect_rc 0 "vip.py --help (seed name)" "$d/vip.py" --help
expect_out '^usage: vip' "vip.py maps to vip"
rm "$d/check_self.sh"; echo '#!/bin/sh' > "$d/check_self.sh"
expect_rc 1 "--install refuses to clobber a regular file" "$B" --install "$d"
expect_out 'check_self.sh: exists and is not a link to this binary' "refusal names the file"
expect_rc 0 "--install --force replaces it" "$B" --install --force "$d"
expect "check_self.sh is now a link" test "$d/check_self.sh" -ef "$B"

# Under its own name (keepalived execs a symlinked script by its realpath()), the arguments
# pick the applet: a state word or the generic notify form is notify_action; no arguments is
# check_self only when the parent is keepalived, never for a tcvip typed with no arguments.
printf 'vip = 198.18.0.100\nbogus_key = 1\n' >"$T_TMP/bad.conf"
expect_rc 2 "tcvip with no arguments from a shell: usage, exit 2" "$B"
expect_out '^usage: tcvip' "tcvip with no arguments prints usage"
expect_rc 2 "tcvip -c FILE with no applet from a shell: usage, not check_self" "$B" -c "$T_TMP/bad.conf"
expect "... and no config error (check_self never ran)" sh -c "! printf '%s' \"\$1\" | grep -q bogus_key" _ "$T_OUT"
expect_rc 2 "tcvip MASTER is notify_action (config error names the file)" "$B" -c "$T_TMP/bad.conf" MASTER
expect_out 'bad.conf:2.*bogus_key' "tcvip MASTER reached the config (notify_action ran)"
expect_rc 2 "tcvip INSTANCE VI_1 BACKUP 100 is notify_action" "$B" -c "$T_TMP/bad.conf" INSTANCE VI_1 BACKUP 100
expect_out 'bad.conf:2' "the generic form reached notify_action"
expect_rc 2 "tcvip ARG INSTANCE VI_1 FAULT 0 (configured argument first) is notify_action" \
	"$B" -c "$T_TMP/bad.conf" extra INSTANCE VI_1 FAULT 0
expect_out 'bad.conf:2' "the generic form with a configured argument reached notify_action"
expect_rc 127 "tcvip master (not a keepalived state word): applet not found" "$B" master
# A parent named keepalived (a copy of sh): no arguments means check_self.
cp "$(command -v dash || command -v sh)" "$T_TMP/keepalived"
expect_rc 0 "no arguments under a parent named keepalived runs check_self" \
	"$T_TMP/keepalived" -c '"$0" -c "$1"; echo "rc=$?"' "$B" "$T_TMP/bad.conf"
expect_out 'bad.conf:2.*bogus_key' "check_self ran and read the config"
expect_out 'rc=0' "check_self's config error exits 0 (keepalived keeps its state)"
expect_rc 2 "-c without FILE" "$B" vip -c

# The binary runs in an empty chroot holding nothing but itself.
if [ "$(id -u)" = 0 ]; then
	mkdir -p "$T_TMP/chroot"
	cp "$B" "$T_TMP/chroot/tcvip"
	expect_rc 0 "runs in an empty chroot" chroot "$T_TMP/chroot" /tcvip --version
else
	echo "SKIP: chroot test needs root"
fi
t_done
