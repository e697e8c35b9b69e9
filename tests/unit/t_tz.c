/* t_tz.c: src/tz.c's UTC and local time against the C library's gmtime_r, timegm and localtime_r (musl's in the musl build, glibc's under ASan), over every zone of zone1970.tab and POSIX TZ strings. */
#include <sched.h>
#include <sys/mount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "tz.h"

#define YEAR (365LL * 86400)

static int mismatches;

static int same_wall(const struct tm *a, const struct tm *b)
{
	return a->tm_year == b->tm_year && a->tm_mon == b->tm_mon && a->tm_mday == b->tm_mday &&
	    a->tm_hour == b->tm_hour && a->tm_min == b->tm_min && a->tm_sec == b->tm_sec;
}

/* One instant in the current TZ: ours against libc's; the first few differences printed. */
static int agree(const char *zone, long long t)
{
	struct tm ours, libc;
	time_t tt = (time_t)t;

	if (tz_localtime(t, &ours) < 0 || !localtime_r(&tt, &libc))
		return 0;
	if (same_wall(&ours, &libc))
		return 1;
	if (mismatches++ < 5)
		printf("# %s at %lld: ours %04d-%02d-%02d %02d:%02d:%02d, libc %04d-%02d-%02d %02d:%02d:%02d\n",
		    zone, t, ours.tm_year + 1900, ours.tm_mon + 1, ours.tm_mday, ours.tm_hour,
		    ours.tm_min, ours.tm_sec, libc.tm_year + 1900, libc.tm_mon + 1, libc.tm_mday,
		    libc.tm_hour, libc.tm_min, libc.tm_sec);
	return 0;
}

static void use_zone(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
	tz_reset();
}

/* 1970..2100 every ~23 days, and every hour of 2026 and of a year past the zone files' tables. */
static int zone_agrees(const char *zone)
{
	long long t;
	int ok = 1;

	use_zone(zone);
	for (t = 0; t < 130 * YEAR; t += 23 * 86400 + 3601)
		ok &= agree(zone, t);
	for (t = 56 * YEAR; t < 57 * YEAR; t += 3600)
		ok &= agree(zone, t);
	for (t = 100 * YEAR + 37; t < 101 * YEAR; t += 3600)
		ok &= agree(zone, t);
	return ok;
}

static void test_utc(void)
{
	long long t;
	struct tm ours, libc;
	time_t tt;
	int bad = 0;

	for (t = -80 * YEAR; t < 400 * YEAR; t += 86400 * 3 + 3599) {
		tt = (time_t)t;
		if (tz_utc(t, &ours) < 0 || !gmtime_r(&tt, &libc) || !same_wall(&ours, &libc) ||
		    ours.tm_wday != libc.tm_wday || ours.tm_yday != libc.tm_yday || tz_timegm(&ours) != t)
			bad++;
	}
	check(bad == 0);
	memset(&ours, 0, sizeof ours);
	ours.tm_year = 124, ours.tm_mon = 1, ours.tm_mday = 30;	/* 2024-02-30: carried as timegm does */
	libc = ours;
	check(tz_timegm(&ours) == (long long)timegm(&libc));
	check(tz_utc(1LL << 60, &ours) == -1);
}

static void test_zones(void)
{
	FILE *f = fopen("/usr/share/zoneinfo/zone1970.tab", "r");
	char line[512], *zone, *save;
	int zones = 0, bad = 0;

	check(f != NULL);	/* tzdata: make deps-test installs it */
	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		if (*line == '#' || !strtok_r(line, "\t", &save) || !strtok_r(NULL, "\t", &save) ||
		    !(zone = strtok_r(NULL, "\t\n", &save)))
			continue;
		zones++;
		bad += !zone_agrees(zone);
	}
	fclose(f);
	printf("# %d zones, %d disagree\n", zones, bad);
	check(zones > 250 && bad == 0);
	check(zone_agrees("UTC") && zone_agrees("Etc/GMT+5") && zone_agrees("Etc/GMT-14"));
	/* names without a '/' are files too (musl 1.2.3, glibc), unless in POSIX form */
	check(zone_agrees("Japan") && zone_agrees("CET") && zone_agrees("EST") && zone_agrees("GB") &&
	    zone_agrees("NZ") && zone_agrees("Singapore") && zone_agrees(":Europe/Paris") && zone_agrees("GMT0"));
}

static void test_posix_strings(void)
{
	static const char *const rules[] = {
		"CET-1CEST,M3.5.0,M10.5.0/3", "AEST-10AEDT,M10.1.0,M4.1.0/3",
		"NZST-12NZDT,M9.5.0,M4.1.0/3", "<+0330>-3:30", "<-03>3<-02>,M3.5.0/-2,M10.5.0/-1",
		"IST-1GMT0,M10.5.0,M3.5.0/1", "XXX3YYY,80/2,300/2",
		"ABC-5:45", "EST5EDT4,J60/2,J300/2",
	};
	size_t i;
	int ok = 1;

	for (i = 0; i < sizeof rules / sizeof *rules; i++)
		ok &= zone_agrees(rules[i]);
	check(ok);
}

/* Daylight time all year (RFC 8536 3.3.1's "EST5EDT,0/0,J365/25"): daylight at every instant,
 * the year's turn included (where musl and glibc both fall back to standard time for the hours
 * before the new year's rule starts in UTC). */
static void test_all_year_dst(void)
{
	long long t;
	int isdst, bad = 0;

	use_zone("EST5EDT,0/0,J365/25");
	for (t = 56 * YEAR - 86400; t < 57 * YEAR + 86400; t += 1800)
		bad += tz_offset(t, &isdst) != -4 * 3600 || !isdst;
	check(bad == 0);
}

/* What cannot be read is UTC, as in musl: a missing file, a name with a dot, junk, empty. */
static void test_fallbacks(void)
{
	static const char *const bad[] = { ":/nonexistent/zone", "Europe/../../etc/passwd", "",
		"no/such/zone", "1234", "<>5" };
	char path[] = "/tmp/tcvip-tz-XXXXXX", buf[8192];
	size_t i;
	int fd, isdst;
	ssize_t n;
	FILE *f;

	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		use_zone(bad[i]);
		check(tz_offset(1700000000, &isdst) == 0 && isdst == 0);
	}
	/* a truncated or damaged zone file: UTC or a plausible offset, never a read past it */
	f = fopen("/usr/share/zoneinfo/Europe/Berlin", "rb");
	n = f ? (ssize_t)fread(buf, 1, sizeof buf, f) : -1;
	if (f)
		fclose(f);
	check(n > 100);
	fd = mkstemp(path);
	check(fd >= 0);
	for (i = 4; fd >= 0 && n > 0 && (ssize_t)i < n; i += 37) {
		if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, i, 0) != (ssize_t)i)
			break;
		char tz[64];
		snprintf(tz, sizeof tz, ":%s", path);
		use_zone(tz);
		long off = tz_offset(1700000000, &isdst);
		check(off == 0 || off == 3600 || off == 7200);
	}
	/* counts that wrap a 32-bit sum to 0 (RFC 8536 3.1: isut and isstd are 0 or typecnt) */
	static const unsigned long counts[6] = { 4294957290ul, 0, 0, 2000, 1, 0 };	/* isut isstd leap time type char */
	unsigned char hdr[44] = { 'T', 'Z', 'i', 'f' };

	for (i = 0; i < 6; i++)
		for (int b = 0; b < 4; b++)
			hdr[20 + 4 * i + b] = (unsigned char)(counts[i] >> (24 - 8 * b));
	if (fd >= 0 && ftruncate(fd, 0) == 0 && pwrite(fd, hdr, sizeof hdr, 0) == (ssize_t)sizeof hdr) {
		char tz[64];

		snprintf(tz, sizeof tz, ":%s", path);
		use_zone(tz);
		check(tz_offset(1700000000, &isdst) == 0);
	}
	if (fd >= 0) {
		close(fd);
		unlink(path);
	}
}

/* TZ unset reads /etc/localtime; TZ empty is UTC even where /etc/localtime is not (musl, glibc):
 * in a private mount namespace with Europe/Berlin over /etc/localtime (root only). */
static void test_etc_localtime(void)
{
	int isdst;

	if (geteuid() != 0 || unshare(CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("/usr/share/zoneinfo/Europe/Berlin", "/etc/localtime", NULL, MS_BIND, NULL) < 0) {
		printf("# not root or no mount namespace: /etc/localtime cases not run\n");
		return;
	}
	unsetenv("TZ");
	tzset();
	tz_reset();
	check(tz_offset(1700000000, &isdst) == 3600 && !isdst);	/* 2023-11-14: CET */
	check(tz_offset(1690000000, &isdst) == 7200 && isdst);	/* 2023-07-22: CEST */
	use_zone("");
	check(tz_offset(1690000000, &isdst) == 0 && !isdst);
}

int main(void)
{
	test_utc();
	test_zones();
	test_posix_strings();
	test_all_year_dst();
	test_fallbacks();
	test_etc_localtime();	/* last: it changes this process's /etc/localtime */
	return check_done();
}
