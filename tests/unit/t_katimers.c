/* t_katimers.c: the VRRP timers read from keepalived.conf (vip drill): first of each, comments, fractions, defaults, skew and master-down interval. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "katimers.h"

static char path[64];

static int conf(const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

int main(void)
{
	const char *paths[2] = { "/nonexistent/keepalived.conf", path };
	struct katimers k;
	char dir[] = "/tmp/t_katimers.XXXXXX";

	check(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/keepalived.conf", dir);
	check(katimers_read(&k, paths, 1) < 0 && !*k.path);	/* none: defaults */
	check(k.advert_ms == 1000 && k.interval_ms == 1000 && k.priority == 100 && !k.named);
	check(conf("vrrp_script chk {\n    script \"/etc/keepalived/check_self.sh\"\n    interval 2\n"
	    "    timeout 4\n}\nvrrp_instance VI_1 {\n  # advert_int 9\n  priority 50 ! comment\n"
	    "  advert_int 1\n  garp_interval 7\n}\nvrrp_instance VI_2 {\n  priority 200\n"
	    "  advert_int 3\n}\n") == 0);
	check(katimers_read(&k, paths, 2) == 0 && !strcmp(k.path, path));
	check(k.advert_ms == 1000 && k.interval_ms == 2000 && k.priority == 50);
	check(k.named == (KATIMERS_ADVERT | KATIMERS_INTERVAL | KATIMERS_PRIORITY));
	check(katimers_skew_ms(&k) == 804 && katimers_master_down_ms(&k) == 3804);	/* 206/256 s */
	check(conf("vrrp_instance VI_1 {\n advert_int 0.5\n interval x\n priority 300\n}\n") == 0);
	check(katimers_read(&k, paths, 2) == 0 && k.advert_ms == 500 && k.named == KATIMERS_ADVERT);
	check(k.interval_ms == 1000 && k.priority == 100);	/* bad values: defaults */
	check(katimers_skew_ms(&k) == 304 && katimers_master_down_ms(&k) == 1804);
	check(unlink(path) == 0 && rmdir(dir) == 0);
	return check_done();
}
