/* katimers.c: the few VRRP timers tcvip reads from keepalived.conf (vip drill's table). */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "katimers.h"
#include "util.h"

#define KATIMERS_MAX (256 * 1024)

/* "1", "0.5", "2.25" seconds to ms; -1 if not a duration keepalived accepts. */
static long long seconds_ms(const char *v)
{
	long long whole = 0, frac = 0, scale = 1000;
	const char *p = v;

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9' && whole < 100000; p++)
		whole = whole * 10 + (*p - '0');
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			if (scale > 1)
				frac = frac * 10 + (*p - '0'), scale /= 10;
	if (*p)
		return -1;
	while (scale > 1)
		frac *= 10, scale /= 10;
	return whole * 1000 + frac;
}

/* One line's "KEY VALUE" words into k (first time each). */
static void take_line(struct katimers *k, char *line)
{
	char *save = NULL, *key, *val;
	long long v;

	line[strcspn(line, "#!")] = 0;
	key = strtok_r(line, " \t\r{}", &save);
	val = key ? strtok_r(NULL, " \t\r{}", &save) : NULL;
	if (!val)
		return;
	if (!strcmp(key, "advert_int") && !(k->named & KATIMERS_ADVERT) && (v = seconds_ms(val)) > 0)
		k->advert_ms = v, k->named |= KATIMERS_ADVERT;
	else if (!strcmp(key, "interval") && !(k->named & KATIMERS_INTERVAL) &&
	    (v = seconds_ms(val)) > 0)
		k->interval_ms = v, k->named |= KATIMERS_INTERVAL;
	else if (!strcmp(key, "priority") && !(k->named & KATIMERS_PRIORITY) &&
	    util_parse_int(val, 1, 255, &v) == 0)
		k->priority = (int)v, k->named |= KATIMERS_PRIORITY;
}

/* The whole file into buf (NUL-terminated). Its length, or -1. */
static long read_all(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	size_t len = 0;
	ssize_t n = 0;

	if (fd < 0)
		return -1;
	while (len + 1 < cap && (n = read(fd, buf + len, cap - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = 0;
	return n < 0 ? -1 : (long)len;
}

int katimers_read(struct katimers *k, const char *const *paths, int n)
{
	static char text[KATIMERS_MAX];
	char *line, *save = NULL;
	int i;

	memset(k, 0, sizeof *k);
	k->advert_ms = 1000;
	k->interval_ms = 1000;
	k->priority = 100;
	for (i = 0; i < n; i++)
		if (read_all(paths[i], text, sizeof text) >= 0)
			break;
	if (i == n)
		return -1;
	util_copy(k->path, sizeof k->path, paths[i]);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		take_line(k, line);
	return 0;
}

long long katimers_skew_ms(const struct katimers *k)
{
	return (256 - k->priority) * k->advert_ms / 256;
}

long long katimers_master_down_ms(const struct katimers *k)
{
	return 3 * k->advert_ms + katimers_skew_ms(k);
}
