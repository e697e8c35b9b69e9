#!/bin/sh
# test_lint.sh: cppcheck finds nothing in src/ and applets/ (the quality bar: no warnings).
. "$(dirname "$0")/../lib.sh"
cd "$T_TOP" || exit 2
expect_rc 0 "cppcheck is clean" make -s cppcheck
[ -n "$T_OUT" ] && echo "$T_OUT"
t_done
