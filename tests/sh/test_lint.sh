#!/bin/sh
# test_lint.sh: cppcheck finds nothing in src/ and applets/, no function there is over 60 lines (the quality bar), and the binary links none of libc's parts that tcvip replaces.
. "$(dirname "$0")/../lib.sh"
cd "$T_TOP" || exit 2
expect_rc 0 "cppcheck is clean" make -s cppcheck
[ -n "$T_OUT" ] && echo "$T_OUT"

FN_MAX=60
# long_functions FILE...: "FILE:LINE: NAME: N lines (at most FN_MAX)" for every function over
# FN_MAX lines, its opening `{` to its closing `}` (both at column 0 in this code base), LINE
# where its definition starts (the last line before the `{` that starts at column 0).
long_functions() {
	awk -v max="$FN_MAX" '
	FNR == 1 { open = 0 }
	/^\{/ { open = FNR; next }
	open && /^\}/ {
		n = FNR - open + 1
		if (n > max) {
			name = def; sub(/\(.*/, "", name); sub(/.*[ *]/, "", name)
			printf "%s:%d: %s: %d lines (at most %d)\n", FILENAME, at, name, n, max
		}
		open = 0; next
	}
	!open && /^[A-Za-z_]/ { def = $0; at = FNR }' "$@"
}

# The check can fail: a generated function of FN_MAX + 1 lines is named, one of FN_MAX is not.
gen_function() { # NAME LINES
	printf 'static int\n%s(void)\n{\n' "$1"
	_i=3; while [ "$_i" -lt "$2" ]; do echo "	x++;"; _i=$((_i + 1)); done
	printf '	return x;\n}\n'
}
{ echo "static int x;"; gen_function fits $FN_MAX; gen_function too_long $((FN_MAX + 1)); } \
	> "$T_TMP/long.c"
T_OUT=$(long_functions "$T_TMP/long.c")
expect_out "^$T_TMP/long.c:[0-9]+: too_long: $((FN_MAX + 1)) lines" \
	"the length check names a function of $((FN_MAX + 1)) lines, with file:line"
[ "$(printf '%s\n' "$T_OUT" | grep -c .)" = 1 ] && ok "the length check passes one of $FN_MAX lines" ||
	not_ok "the length check passes one of $FN_MAX lines: $T_OUT"

T_OUT=$(long_functions src/*.c applets/*.c)
[ -z "$T_OUT" ] && ok "no function in src/ or applets/ is over $FN_MAX lines" ||
	not_ok "functions over $FN_MAX lines:
$T_OUT"
# libc parts tcvip does without (issue 19's size): stdio and its printf (fmt.c writes to the
# descriptor), random() (migrate.c's jitter), localtime's zone code and allocator (tz.c).
UNSTRIPPED=build/tcvip.unstripped
if [ -f "$UNSTRIPPED" ]; then
	T_OUT=$(nm "$UNSTRIPPED" | awk '$3 ~ /^(fwrite|fputs|puts|fflush|vfprintf|__stdout_FILE|__stderr_FILE|random|srandom|__libc_malloc|malloc|localtime_r|__secs_to_zone|do_tzset)$/ { print $3 }' | sort -u | tr '\n' ' ')
	[ -z "$T_OUT" ] && ok "the binary links no stdio, random(), localtime or malloc" ||
		not_ok "the binary links libc parts tcvip replaces: $T_OUT"
else
	not_ok "$UNSTRIPPED not built (make)"
fi
t_done
