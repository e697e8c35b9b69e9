/* util.c: small helpers shared by every module: bounded strings, clocks, IPv4 text. */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "tz.h"
#include "util.h"

int util_fmt(char *out, size_t cap, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, cap, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= cap) {
		if (cap)
			out[0] = 0;
		return -1;
	}
	return n;
}

int util_copy(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);

	if (n >= cap) {
		if (cap)
			dst[0] = 0;
		return -1;
	}
	memcpy(dst, src, n + 1);
	return 0;
}

static long long clock_ms(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long long util_now_ms(void)
{
	return clock_ms(CLOCK_MONOTONIC);
}

long long util_wall_ms(void)
{
	return clock_ms(CLOCK_REALTIME);
}

void util_sleep_ms(long long ms)
{
	struct timespec ts;

	if (ms <= 0)
		return;
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int util_ipv4_parse(const char *s, uint32_t *addr_be)
{
	uint32_t a = 0;
	int part;

	for (part = 0; part < 4; part++) {
		unsigned v = 0;
		int digits = 0;

		if (part && *s++ != '.')
			return -1;
		while (*s >= '0' && *s <= '9' && digits < 4) {
			v = v * 10 + (unsigned)(*s++ - '0');
			digits++;
		}
		if (!digits || digits > 3 || v > 255 || (digits > 1 && s[-digits] == '0'))
			return -1;
		a = a << 8 | v;
	}
	if (*s)
		return -1;
	*addr_be = htonl(a);
	return 0;
}

const char *util_ipv4_str(uint32_t addr_be, char out[16])
{
	const unsigned char *b = (const unsigned char *)&addr_be;

	snprintf(out, 16, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
	return out;
}

/* A decimal integer at s ('-' and at least one digit): 0 with *v and *end set, or -1 (none
 * there, or out of range). No strtoll: it links musl's 2 KB scanner for these two callers. */
static int decimal(const char *s, const char **end, long long *v)
{
	unsigned long long u = 0, lim = (unsigned long long)LLONG_MAX + (*s == '-');
	const char *p = s + (*s == '-');

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (u > (lim - (unsigned)(*p - '0')) / 10)
			return -1;
		u = u * 10 + (unsigned)(*p - '0');
	}
	*v = *s == '-' ? (long long)(0 - u) : (long long)u;
	*end = p;
	return 0;
}

int util_parse_int(const char *s, long long min, long long max, long long *out)
{
	const char *end;
	long long v;

	if (decimal(s, &end, &v) < 0 || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

char *util_trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		*--e = 0;
	return s;
}

int util_words(char *s, char **w, int max)
{
	int n = 0;

	while (*s) {
		while (*s == ' ' || *s == '\t')
			*s++ = 0;
		if (!*s)
			break;
		if (n == max)
			return -1;
		w[n++] = s;
		while (*s && *s != ' ' && *s != '\t')
			s++;
	}
	return n;
}

int util_parse_ints(const char *s, long long *out, int n)
{
	const char *end;
	int i;

	for (i = 0; i < n; i++) {
		while (*s == ' ' || *s == '\t' || *s == '\n')
			s++;
		if (decimal(s, &end, &out[i]) < 0)
			break;
		s = end;
	}
	return i;
}

/* Reads exactly `digits` digits at *p; -1 if they are not there. */
static int fixed_digits(const char **p, int digits)
{
	int v = 0;

	while (digits--) {
		if (**p < '0' || **p > '9')
			return -1;
		v = v * 10 + (*(*p)++ - '0');
	}
	return v;
}

char *util_utc_str(long long epoch, char out[20])
{
	struct tm tm;

	if (tz_utc(epoch, &tm) < 0 || tm.tm_year < -1900 || tm.tm_year > 9999 - 1900 ||
	    util_fmt(out, 20, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
	    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec) < 0)
		strcpy(out, "?");
	return out;
}

long long util_parse_http_date(const char *s)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	const char *m;
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	if (strlen(s) < 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' ')
		return -1;
	s += 5;
	tm.tm_mday = fixed_digits(&s, 2);
	for (m = months; *m && strncmp(m, s + 1, 3); m += 3)
		;
	s += 5;
	tm.tm_year = fixed_digits(&s, 4) - 1900;
	s++;
	tm.tm_hour = fixed_digits(&s, 2);
	s++;
	tm.tm_min = fixed_digits(&s, 2);
	s++;
	tm.tm_sec = fixed_digits(&s, 2);
	if (!*m || tm.tm_mday < 1 || tm.tm_year < 70 || tm.tm_hour < 0 || tm.tm_min < 0 ||
	    tm.tm_sec < 0 || strcmp(s, " GMT"))
		return -1;
	tm.tm_mon = (int)((m - months) / 3);
	return tz_timegm(&tm);
}

int util_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int in_set(int c, const char *extra)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c && strchr(extra, c));
}

int util_valid_id(const char *v)
{
	const char *p = v;

	while (*p >= 'a' && *p <= 'z')
		p++;
	if (p == v || *p++ != '-' || !*p)
		return 0;
	for (; *p; p++)
		if (!in_set(*p, ""))
			return 0;
	return 1;
}

int util_valid_region(const char *v)
{
	if (!*v)
		return 0;
	for (; *v; v++)
		if (!in_set(*v, "-"))
			return 0;
	return 1;
}

int util_printable(const char *v)
{
	for (; *v; v++)
		if ((unsigned char)*v < 0x20 || (unsigned char)*v > 0x7e)
			return 0;
	return 1;
}

void util_wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;

	while (n--)
		*v++ = 0;
}

int util_socket(int domain, int type, int protocol)
{
	return (int)syscall(SYS_socket, domain, type, protocol);
}

char *util_getenv(const char *name)
{
	size_t n = strlen(name);
	char **e;

	for (e = environ; e && *e; e++)
		if (!strncmp(*e, name, n) && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}
