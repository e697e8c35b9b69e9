/* t_fmt.c: src/fmt.c's snprintf and fmt_out against what C says they print, for every conversion tcvip uses. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fmt.h"
#include "harness.h"

/* The cases below truncate and pass NULL to %s on purpose. */
#pragma GCC diagnostic ignored "-Wformat-truncation"

static char b[256];
static const char *volatile float_fmt = "%f";	/* not a literal: gcc would fold the call */

#define is(want, ...) check(snprintf(b, sizeof b, __VA_ARGS__) == (int)strlen(want) && !strcmp(b, want))

int main(void)
{
	char small[4], big[3000], path[] = "/tmp/tcvip-fmt-XXXXXX";
	int fd, saved, n;

	is("a 42 -7 +3  5", "a %d %i %+d % d", 42, -7, 3, 5);
	is("0 -2147483648 4294967295", "%d %d %u", 0, INT_MIN, 4294967295u);
	is("-9223372036854775808 18446744073709551615", "%lld %llu", LLONG_MIN, ULLONG_MAX);
	is("12 -3 7 9", "%ld %zd %zu %lu", 12L, (ssize_t)-3, (size_t)7, 9UL);
	is("ff FF 755 0a", "%x %X %o %02x", 255, 255, 0755, 10);
	is("007 2026-01-05 09:03:01", "%03lld %04d-%02d-%02d %02d:%02d:%02d", 7LL, 2026, 1, 5, 9, 3, 1);
	is("-01|   -1|-1   |+001", "%03d|%5d|%-5d|%+04d", -1, -1, -1, 1);
	is(" 42|42  |00042|  042", "%3d|%-4d|%.5d|%5.3d", 42, 42, 42, 42);
	is("|", "%.0d|", 0);
	is("ab|  abc|abc  |ab|abc|(null)", "%.2s|%5s|%-5s|%.*s|%s|%s", "abc", "abc", "abc", 2, "abc", "abc", (char *)NULL);
	is("   xy|x", "%*s|%c", 5, "xy", 'x');
	is("xy   |", "%*s|", -5, "xy");
	is("100% 1", "100%% %hhd", 257);
	is("-1 65535", "%hd %hu", 65535, 65535);
	errno = ENOENT;
	is("No such file or directory", "%m");
	check(errno == ENOENT);
	is("0x10", "%p", (void *)16);
	/* truncation: the full length comes back, the buffer ends in NUL */
	check(snprintf(small, sizeof small, "%s", "abcdef") == 6 && !strcmp(small, "abc"));
	check(snprintf(NULL, 0, "%d", 12345) == 5);
	/* no floating point: it fails rather than print something else */
	check(snprintf(b, sizeof b, float_fmt, 1.5) == -1 && errno == EINVAL);
	/* fmt_out: output longer than a write's chunk goes out whole, in order with other writes */
	fd = mkstemp(path);
	saved = dup(1);
	check(fd >= 0 && saved >= 0);
	if (fd >= 0 && saved >= 0) {
		unlink(path);
		memset(b, 'x', 200);
		b[200] = 0;
		check(dup2(fd, 1) == 1 && write(1, "<", 1) == 1);
		for (int i = 0; i < 20; i++)
			check(fmt_out("%s%d", b, i) == 200 + (i > 9 ? 2 : 1));
		memset(big, 'y', sizeof big - 1);
		big[sizeof big - 1] = 0;
		check(fmt_out("%s>", big) == (int)sizeof big);
		check(dup2(saved, 1) == 1);
		check(lseek(fd, 0, SEEK_END) == 1 + 20 * 200 + 10 + 20 + (off_t)sizeof big);
		check(pread(fd, b, 3, 0) == 3 && !memcmp(b, "<xx", 3));
		check(pread(fd, b, 3, 1 + 200) == 3 && !memcmp(b, "0xx", 3));
		check(pread(fd, b, 2, 1 + 20 * 200 + 30 + (off_t)sizeof big - 2) == 2 && !memcmp(b, "y>", 2));
		close(fd);
		close(saved);
	}
	/* a write that fails is an error (-1), not a count */
	fd = open("/dev/full", O_WRONLY);
	saved = dup(1);
	if (fd >= 0 && saved >= 0 && dup2(fd, 1) == 1) {
		n = fmt_out("lost\n");
		dup2(saved, 1);
		check(n == -1);
	} else {
		check(!"/dev/full");
	}
	close(fd);
	close(saved);
	return check_done();
}
