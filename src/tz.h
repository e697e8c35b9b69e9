/* tz.h: calendar time: UTC, and local time in the zone TZ or /etc/localtime names (read once per process) for the log's timestamps. */
#ifndef TZ_H
#define TZ_H
#include <time.h>

/* t as UTC broken-down time (tm_isdst 0); 0, or -1 if its year is beyond +-10000. */
int tz_utc(long long t, struct tm *tm);
/* The unix time of a UTC broken-down time, out-of-range fields carried as timegm does. */
long long tz_timegm(const struct tm *tm);
/* Days from 1970-01-01 to the proleptic Gregorian date y-m-d (m 1..12, d may run past the month). */
long long tz_days_from_civil(long long y, int m, int d);
/* Seconds east of UTC in force at unix time t; *isdst whether that is daylight time. UTC when
 * no zone can be read. */
long tz_offset(long long t, int *isdst);
/* t as local broken-down time; 0, or -1 if t is out of range. */
int tz_localtime(long long t, struct tm *tm);
/* Forgets the zone: the next call reads TZ and the zone file again (tests). */
void tz_reset(void);
#endif
