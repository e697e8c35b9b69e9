#!/bin/sh
# tests/fuzz/run.sh: builds every libFuzzer target (clang, ASan+UBSan, glibc) and runs each for SECONDS.
# usage: tests/fuzz/run.sh [SECONDS]   (make fuzz; FUZZ_SECONDS=600 make fuzz for a long run)
set -u
cd "$(dirname "$0")/../.." || exit 2
secs=${1:-30}
B=build/fuzz
BEARSSL=build/tp/bearssl-glibc/libbearssl.a
CFLAGS="-std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
	-Isrc -Ibuild -Ibuild/tp/src/bearssl/inc -Ibuild/tp/src/jsmn"
mkdir -p "$B"
[ -f "$BEARSSL" ] || make -s "$BEARSSL" >/dev/null || exit 2
make -s build/version.h >/dev/null || exit 2
pass=0 fail=0
for t in tests/fuzz/fuzz_*.c; do
	name=$(basename "$t" .c)
	# A target that #includes a module's .c is linked without that module.
	skip=$(sed -n 's|^#include "../../src/\([a-z0-9_]*\.c\)".*|src/\1|p' "$t")
	srcs=$(ls src/*.c | grep -v -e '^src/main\.c$' ${skip:+-e "^$skip\$"})
	# shellcheck disable=SC2086
	if ! clang $CFLAGS -o "$B/$name" "$t" $srcs applets/*.c "$BEARSSL" 2>"$B/$name.build.log"; then
		echo "FAIL $name: does not build (see $B/$name.build.log)"; fail=$((fail + 1)); continue
	fi
	# The kept corpus (minimised from the long runs: make fuzz-corpus) is replayed first, whole.
	if [ -d "tests/fuzz/corpus/$name" ] && ! "$B/$name" -runs=0 -close_fd_mask=2 -timeout=10 \
		-artifact_prefix="$B/$name-" "tests/fuzz/corpus/$name" >"$B/$name.replay.log" 2>&1; then
		echo "FAIL $name: the kept corpus crashes, see $B/$name.replay.log"; fail=$((fail + 1)); continue
	fi
	mkdir -p "$B/corpus/$name"
	[ -d "tests/fuzz/seeds/$name" ] && cp -n tests/fuzz/seeds/"$name"/* "$B/corpus/$name/" 2>/dev/null
	if "$B/$name" -max_total_time="$secs" -close_fd_mask=2 -max_len=65536 -timeout=10 -print_final_stats=1 \
		-artifact_prefix="$B/$name-" "$B/corpus/$name" >"$B/$name.log" 2>&1; then
		echo "ok   $name: $(grep -o 'stat::number_of_executed_units: [0-9]*' "$B/$name.log" | grep -o '[0-9]*$' || tail -n1 "$B/$name.log" | cut -c1-60) runs in ${secs}s"
		pass=$((pass + 1))
	else
		echo "FAIL $name: crash or leak, see $B/$name.log and $B/$name-*"; fail=$((fail + 1))
	fi
done
echo "fuzz: $pass passed, $fail failed"
[ "$fail" = 0 ]
