#!/bin/sh
# tests/fuzz/keep.sh: minimises the corpus of the long runs (build/fuzz/corpus, make fuzz) into the
# kept one (tests/fuzz/corpus), which make test replays whole. usage: tests/fuzz/keep.sh [DIR]
# (DIR: a tree whose build/fuzz holds the targets and their corpus; default: this one).
set -u
cd "$(dirname "$0")/../.." || exit 2
src=${1:-.}
for bin in "$src"/build/fuzz/fuzz_*; do
	case $bin in *.log | *-*) continue ;; esac
	[ -x "$bin" ] || continue
	name=$(basename "$bin")
	[ -d "$src/build/fuzz/corpus/$name" ] || continue
	mkdir -p "tests/fuzz/corpus/$name"
	"$bin" -merge=1 -max_len=4096 -close_fd_mask=2 "tests/fuzz/corpus/$name" "$src/build/fuzz/corpus/$name" \
		>"$src/build/fuzz/$name.merge.log" 2>&1 || { echo "$name: merge failed"; continue; }
	echo "$name: $(ls "tests/fuzz/corpus/$name" | wc -l) inputs, $(du -sk "tests/fuzz/corpus/$name" | cut -f1) KiB"
done
