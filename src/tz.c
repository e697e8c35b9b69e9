/* tz.c: owns calendar time: UTC and local broken-down time (the zone TZ or /etc/localtime names: TZif, RFC 8536, and its POSIX TZ footer, chosen as musl chooses it), without libc's gmtime, timegm and localtime (their lock, allocator and 6 KB). */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tz.h"
#include "util.h"

#define TZ_FILE_MAX 8192	/* the largest zone in tzdata 2024 is under 4 KiB */
#define DAY 86400LL

/* A POSIX TZ rule date: Jn (1..365, no Feb 29), n (0..365) or Mm.w.d; secs after local 00:00. */
struct tz_date {
	char kind;	/* 'J', 'n' or 'M' */
	int m, w, d;
	long secs;
};

struct tz_rule {
	long std, dst;	/* seconds east of UTC */
	int has_dst;
	struct tz_date start, end;
};

static struct {
	int loaded;
	const unsigned char *times, *idx, *types;	/* the TZif data block's arrays */
	unsigned timecnt, typecnt, tsize;
	int has_rule;	/* the footer's, or TZ's own POSIX string */
	struct tz_rule rule;
} zone;

static unsigned char zone_file[TZ_FILE_MAX];

static long long be(const unsigned char *p, unsigned n)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return n == 4 ? (long long)(int32_t)(uint32_t)v : (long long)v;
}

/* [+-]hh[:mm[:ss]], hours up to 167 (RFC 8536's extension); seconds, or -1 on junk. */
static const char *hms(const char *s, long *out)
{
	long sign = 1, v[3] = { 0, 0, 0 };
	int i;

	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;
	for (i = 0; i < 3; i++) {
		if (i && *s != ':')
			break;
		s += i != 0;
		if (*s < '0' || *s > '9')
			return NULL;
		for (; *s >= '0' && *s <= '9' && v[i] < 1000; s++)
			v[i] = v[i] * 10 + (*s - '0');
	}
	if (v[0] > 167 || v[1] > 59 || v[2] > 59)
		return NULL;
	*out = sign * (v[0] * 3600 + v[1] * 60 + v[2]);
	return s;
}

static const char *zone_name(const char *s)
{
	const char *p = s;

	if (*s == '<') {
		p = strchr(s, '>');
		return p && p - s > 1 ? p + 1 : NULL;
	}
	while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
		p++;
	return p - s >= 3 ? p : NULL;
}

/* Up to three decimal digits at s into *v; past them, or NULL if there is none. */
static const char *digits(const char *s, int *v)
{
	int n = 0;

	for (*v = 0; n < 3 && *s >= '0' && *s <= '9'; n++)
		*v = *v * 10 + (*s++ - '0');
	return n ? s : NULL;
}

static const char *rule_date(const char *s, struct tz_date *d)
{
	d->secs = 7200;
	d->kind = *s == 'J' || *s == 'M' ? *s++ : 'n';
	if (!(s = digits(s, &d->m)))
		return NULL;
	if (d->kind == 'M') {
		if (*s != '.' || !(s = digits(s + 1, &d->w)) || *s != '.' || !(s = digits(s + 1, &d->d)))
			return NULL;
		if (d->m < 1 || d->m > 12 || d->w < 1 || d->w > 5 || d->d < 0 || d->d > 6)
			return NULL;
	} else if (d->m < (d->kind == 'J') || d->m > 365) {
		return NULL;
	}
	if (*s == '/')
		s = hms(s + 1, &d->secs);
	return s;
}

/* A zone's offset: hh[:mm[:ss]] up to 24:59:59 (a rule's time may go to 167 h). */
static const char *offset(const char *s, long *off)
{
	s = hms(s, off);
	return s && *off >= -89999 && *off <= 89999 ? s : NULL;
}

/* "std offset [dst [offset] [,start[/time],end[/time]]]"; 0, or -1 if s is not one. */
static int rule_parse(const char *s, struct tz_rule *r)
{
	long off;

	memset(r, 0, sizeof *r);
	if (!(s = zone_name(s)) || !(s = offset(s, &off)))
		return -1;
	r->std = -off;
	if (!*s)
		return 0;
	if (!(s = zone_name(s)))
		return -1;
	r->has_dst = 1;
	r->dst = r->std + 3600;
	if (*s && *s != ',') {
		if (!(s = offset(s, &off)))
			return -1;
		r->dst = -off;
	}
	if (!*s)	/* no dates: the US rule, as glibc assumes */
		s = ",M3.2.0,M11.1.0";
	if (*s != ',' || !(s = rule_date(s + 1, &r->start)) || *s != ',' ||
	    !(s = rule_date(s + 1, &r->end)))
		return -1;
	return *s ? -1 : 0;
}

long long tz_days_from_civil(long long y, int m, int d)
{
	long long era;
	int yoe, doy;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (int)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

static int is_leap(long long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Local seconds since the epoch (the zone's own clock) at which date d falls in year y. */
static long long date_local(const struct tz_date *d, long long y)
{
	static const unsigned char mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	long long first;
	int day, dow, len;

	if (d->kind != 'M') {
		day = d->m - (d->kind == 'J') + (d->kind == 'J' && is_leap(y) && d->m >= 60);
		return (tz_days_from_civil(y, 1, 1) + day) * DAY + d->secs;
	}
	first = tz_days_from_civil(y, d->m, 1);
	dow = (int)(((first + 4) % 7 + 7) % 7);	/* 1970-01-01 was a Thursday */
	day = 1 + (d->d - dow + 7) % 7 + 7 * (d->w - 1);
	len = mdays[d->m - 1] + (d->m == 2 && is_leap(y));
	while (day > len)
		day -= 7;
	return (first + day - 1) * DAY + d->secs;
}

static long rule_offset(const struct tz_rule *r, long long t, int *isdst)
{
	struct tm tm;
	long long start, end;
	int in;

	*isdst = 0;
	if (!r->has_dst || tz_utc(t + r->std, &tm) < 0)
		return r->std;
	start = date_local(&r->start, tm.tm_year + 1900LL) - r->std;	/* in standard time */
	end = date_local(&r->end, tm.tm_year + 1900LL) - r->dst;	/* in daylight time */
	in = start < end ? t >= start && t < end : !(t >= end && t < start);
	*isdst = in;
	return in ? r->dst : r->std;
}

/* The TZif file's newest data block and footer into zone; 0, or -1 if it is not one. */
static int tzif_parse(const unsigned char *p, size_t n)
{
	const unsigned char *end = p + n, *h = p;
	unsigned tsize = 4, pass, c[6], i;
	size_t block;

	for (pass = 0; pass < 2; pass++) {
		if ((size_t)(end - h) < 44 || memcmp(h, "TZif", 4))
			return -1;
		for (i = 0; i < 6; i++)
			c[i] = (unsigned)be(h + 20 + 4 * i, 4);	/* isut isstd leap time type char */
		if (c[3] > 2000 || c[4] > 256 || c[5] > 256 || c[2] > 100)
			return -1;
		if ((c[0] && c[0] != c[4]) || (c[1] && c[1] != c[4]))	/* RFC 8536 3.1 */
			return -1;
		block = (size_t)c[3] * (tsize + 1) + (size_t)c[4] * 6 + c[5] + (size_t)c[2] * (tsize + 4) +
		    c[1] + c[0];
		if ((size_t)(end - h - 44) < block)
			return -1;
		if (h[4] < '2' || pass == 1)
			break;
		h += 44 + block, tsize = 8;
	}
	if (!c[4])
		return -1;
	for (i = 0; i < c[3]; i++)
		if (h[44 + c[3] * tsize + i] >= c[4])
			return -1;
	for (i = 0; i < c[4]; i++) {	/* RFC 8536: -89999 <= utoff <= 93599 */
		long long off = be(h + 44 + c[3] * (tsize + 1) + 6 * i, 4);

		if (off < -89999 || off > 93599)
			return -1;
	}
	zone.times = h + 44;
	zone.idx = zone.times + c[3] * tsize;
	zone.types = zone.idx + c[3];
	zone.timecnt = c[3], zone.typecnt = c[4], zone.tsize = tsize;
	h = zone.types + c[4] * 6 + c[5] + c[2] * (tsize + 4) + c[1] + c[0];
	if (tsize == 8 && h < end && *h == '\n') {	/* the footer: "\nTZ\n" */
		const unsigned char *nl = memchr(h + 1, '\n', (size_t)(end - h - 1));
		char footer[128];

		if (nl && nl - h - 1 < (long)sizeof footer && nl > h + 1) {
			memcpy(footer, h + 1, (size_t)(nl - h - 1));
			footer[nl - h - 1] = 0;
			zone.has_rule = rule_parse(footer, &zone.rule) == 0;
		}
	}
	return 0;
}

/* A regular file only (a FIFO there must not hang a check_self tick), read whole. */
static int tzif_load(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st;
	size_t n = 0;
	ssize_t r = 0;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		while (n < sizeof zone_file && (r = read(fd, zone_file + n, sizeof zone_file - n)) > 0)
			n += (size_t)r;
	close(fd);
	return r >= 0 && n > 0 && n < sizeof zone_file ? tzif_parse(zone_file, n) : -1;
}

/* musl 1.2.3's test: a name followed by a sign or a digit, or the name UTC or GMT, is a POSIX
 * TZ string; anything else names a file. */
static int posix_form(const char *s)
{
	const char *p = s;

	if (*s == ':')
		return 0;
	if (*p == '<')
		p = (p = strchr(s, '>')) ? p + 1 : s;
	else
		while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
			p++;
	return p != s && (*p == '+' || *p == '-' || (*p >= '0' && *p <= '9') ||
	    (p - s == 3 && (!strncmp(s, "UTC", 3) || !strncmp(s, "GMT", 3))));
}

/* musl's choice: TZ unset is /etc/localtime, empty is UTC; a POSIX form is a rule; else ":X" or
 * X is a file (absolute or "./", or a name under the zoneinfo directories); UTC if none loads. */
static void zone_load(void)
{
	static const char *const dirs[] = { "/usr/share/zoneinfo/", "/share/zoneinfo/", "/etc/zoneinfo/" };
	const char *s = util_getenv("TZ");
	char path[256];
	size_t i;

	zone.loaded = 1;
	if (!s)
		s = "/etc/localtime";
	if (!*s)
		return;
	if (posix_form(s)) {
		zone.has_rule = rule_parse(s, &zone.rule) == 0;
		return;
	}
	s += *s == ':';
	if (*s == '/' || *s == '.') {
		tzif_load(s);
		return;
	}
	if (strchr(s, '.'))
		return;
	for (i = 0; i < sizeof dirs / sizeof *dirs; i++)
		if (util_fmt(path, sizeof path, "%s%s", dirs[i], s) >= 0 && tzif_load(path) == 0)
			return;
}

static long type_offset(unsigned type, int *isdst)
{
	const unsigned char *p = zone.types + 6 * type;

	*isdst = p[4] != 0;
	return (long)be(p, 4);
}

long tz_offset(long long t, int *isdst)
{
	unsigned lo = 0, hi, mid;

	*isdst = 0;
	if (!zone.loaded)
		zone_load();
	if (!zone.typecnt)
		return zone.has_rule ? rule_offset(&zone.rule, t, isdst) : 0;
	hi = zone.timecnt;
	if (!hi || t < be(zone.times, zone.tsize))
		return hi || !zone.has_rule ? type_offset(0, isdst) : rule_offset(&zone.rule, t, isdst);
	while (hi - lo > 1) {	/* the last transition at or before t */
		mid = lo + (hi - lo) / 2;
		if (be(zone.times + mid * zone.tsize, zone.tsize) <= t)
			lo = mid;
		else
			hi = mid;
	}
	if (lo == zone.timecnt - 1 && zone.has_rule)
		return rule_offset(&zone.rule, t, isdst);
	return type_offset(zone.idx[lo], isdst);
}

int tz_utc(long long t, struct tm *tm)
{
	long long days, z, era, y;
	long secs;
	unsigned doe, yoe, doy, mp;

	if (t < -DAY * 366 * 10000 || t > DAY * 366 * 10000)
		return -1;
	days = (t >= 0 ? t : t - (DAY - 1)) / DAY;
	z = days + 719468;
	secs = (long)(t - days * DAY);
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	memset(tm, 0, sizeof *tm);
	tm->tm_mday = (int)(doy - (153 * mp + 2) / 5 + 1);
	tm->tm_mon = (int)(mp < 10 ? mp + 2 : mp - 10);
	y = (long long)yoe + era * 400 + (tm->tm_mon < 2);
	tm->tm_year = (int)(y - 1900);
	tm->tm_yday = (int)(days - tz_days_from_civil(y, 1, 1));
	tm->tm_wday = (int)(((days + 4) % 7 + 7) % 7);
	tm->tm_hour = (int)(secs / 3600);
	tm->tm_min = (int)(secs / 60 % 60);
	tm->tm_sec = (int)(secs % 60);
	return 0;
}

long long tz_timegm(const struct tm *tm)
{
	long long y = tm->tm_year + 1900LL + tm->tm_mon / 12;
	int m = tm->tm_mon % 12;

	if (m < 0)
		m += 12, y--;
	return tz_days_from_civil(y, m + 1, 1) * DAY + (tm->tm_mday - 1) * DAY +
	    tm->tm_hour * 3600LL + tm->tm_min * 60LL + tm->tm_sec;
}

int tz_localtime(long long t, struct tm *tm)
{
	int isdst;
	long off = tz_offset(t, &isdst);

	if (tz_utc(t + off, tm) < 0)
		return -1;
	tm->tm_isdst = isdst;
	return 0;
}

void tz_reset(void)
{
	memset(&zone, 0, sizeof zone);
}
