#!/bin/sh
# test_fuzz.sh: every libFuzzer target builds and survives a short run (make fuzz runs them longer).
exec sh "$(dirname "$0")/../fuzz/run.sh" "${FUZZ_SMOKE_SECONDS:-3}"
