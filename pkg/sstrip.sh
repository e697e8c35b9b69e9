#!/bin/sh
# pkg/sstrip.sh: a stripped static executable without its section header table (ELFkickers' sstrip).
# usage: sh pkg/sstrip.sh IN OUT
# OUT is IN cut at the end of its last loaded segment, with e_shoff, e_shentsize, e_shnum and
# e_shstrndx zeroed. The kernel loads an executable by its program headers alone; the section
# headers (and their names) are for linkers and debuggers, which have build/tcvip.unstripped.
set -eu
in=$1 out=$2
die() { echo "sstrip: $in: $*" >&2; exit 1; }
[ "$(od -An -tx1 -N6 "$in" | tr -d ' \n')" = 7f454c460201 ] || die "not a little-endian 64-bit ELF file"
end=0
for seg in $(readelf -lW "$in" | awk '$1 == "LOAD" { print $2 "+" $5 }'); do
	n=$(($seg))
	[ "$n" -gt "$end" ] && end=$n
done
shoff=$(readelf -hW "$in" | awk -F: '/Start of section headers/ { print $2 + 0 }')
[ "$end" -gt 64 ] && [ "${shoff:-0}" -ge "$end" ] || die "section headers inside the loaded data"
head -c "$end" "$in" >"$out.tmp"
head -c 8 /dev/zero | dd of="$out.tmp" bs=1 seek=40 conv=notrunc status=none	# e_shoff
head -c 6 /dev/zero | dd of="$out.tmp" bs=1 seek=58 conv=notrunc status=none	# e_shentsize, e_shnum, e_shstrndx
chmod 0755 "$out.tmp"
mv "$out.tmp" "$out"
