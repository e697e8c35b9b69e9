/* t_tcvip.c: applet naming, dispatch table and --install. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "log.h"
#include "tcvip.h"

static void test_names(void)
{
	char b[64];

	check(!strcmp(tcvip_applet_name("/etc/keepalived/notify_action.sh", b, sizeof b), "notify_action"));
	check(!strcmp(tcvip_applet_name("check_self.sh", b, sizeof b), "check_self"));
	check(!strcmp(tcvip_applet_name("/usr/bin/vip.py", b, sizeof b), "vip"));
	check(!strcmp(tcvip_applet_name("vip", b, sizeof b), "vip"));
	check(!strcmp(tcvip_applet_name("x.sh.sh", b, sizeof b), "x.sh"));
	check(!strcmp(tcvip_applet_name(".sh", b, sizeof b), ".sh"));
	check(tcvip_is_applet("vip") && tcvip_is_applet("check_self") && tcvip_is_applet("notify_action"));
	check(!tcvip_is_applet("tcvip") && !tcvip_is_applet("vip.sh") && !tcvip_is_applet(""));
}

static void test_install(void)
{
	char dir[] = "/tmp/tcvip-inst-XXXXXX", p[PATH_MAX], t[PATH_MAX];
	const char *target = "/usr/sbin/tcvip";
	FILE *f;
	ssize_t n;

	check(mkdtemp(dir) != NULL);
	log_set_stderr(0);
	check(tcvip_install(dir, target, 0) == 0);
	snprintf(p, sizeof p, "%s/notify_action.sh", dir);
	n = readlink(p, t, sizeof t - 1);
	check(n > 0 && (t[n] = 0, !strcmp(t, target)));
	snprintf(p, sizeof p, "%s/vip", dir);
	check(readlink(p, t, sizeof t) > 0);
	/* old links are replaced */
	check(tcvip_install(dir, "/opt/tcvip", 0) == 0);
	n = readlink(p, t, sizeof t - 1);
	check(n > 0 && (t[n] = 0, !strcmp(t, "/opt/tcvip")));
	/* a regular file is not clobbered without --force */
	snprintf(p, sizeof p, "%s/check_self.sh", dir);
	unlink(p);
	f = fopen(p, "w");
	fputs("#!/bin/sh\n", f);
	fclose(f);
	check(tcvip_install(dir, target, 0) < 0);
	check(readlink(p, t, sizeof t) < 0);
	check(tcvip_install(dir, target, 1) == 0);
	check(readlink(p, t, sizeof t) > 0);
	check(tcvip_install("/nonexistent-dir", target, 0) < 0);
	snprintf(p, sizeof p, "rm -rf %s", dir);
	check(system(p) == 0);
}

int main(void)
{
	test_names();
	test_install();
	return check_done();
}
