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

static int same_file(const char *a, const char *b)
{
	struct stat x, y;

	return lstat(a, &x) == 0 && stat(b, &y) == 0 && S_ISREG(x.st_mode) &&
	    x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

static void test_install(void)
{
	char dir[] = "/tmp/tcvip-inst-XXXXXX", p[PATH_MAX], target[PATH_MAX], other[PATH_MAX];
	FILE *f;

	check(mkdtemp(dir) != NULL);
	log_set_stderr(0);
	snprintf(target, sizeof target, "%s/tcvip", dir);
	snprintf(other, sizeof other, "%s/tcvip-new", dir);
	f = fopen(target, "w");
	fputs("binary", f);
	fclose(f);
	f = fopen(other, "w");
	fputs("binary 2", f);
	fclose(f);
	check(tcvip_install(dir, target, 0) == 0);
	snprintf(p, sizeof p, "%s/notify_action.sh", dir);
	check(same_file(p, target));
	snprintf(p, sizeof p, "%s/vip", dir);
	check(same_file(p, target));
	check(tcvip_install(dir, target, 0) == 0);	/* again: our own links are replaced */
	/* an old symlink is replaced by a hard link */
	unlink(p);
	check(symlink(target, p) == 0);
	check(tcvip_install(dir, target, 0) == 0 && same_file(p, target));
	/* a file that is not a link to this binary is not clobbered without --force */
	check(tcvip_install(dir, other, 0) < 0);
	check(tcvip_install(dir, other, 1) == 0 && same_file(p, other));
	snprintf(p, sizeof p, "%s/check_self.sh", dir);
	unlink(p);
	f = fopen(p, "w");
	fputs("#!/bin/sh\n", f);
	fclose(f);
	check(tcvip_install(dir, other, 0) < 0 && !same_file(p, other));
	check(tcvip_install(dir, other, 1) == 0 && same_file(p, other));
	check(tcvip_install("/nonexistent-dir", target, 0) < 0);
	check(tcvip_install(dir, "/nonexistent-file", 0) < 0);
	snprintf(p, sizeof p, "rm -rf %s", dir);
	check(system(p) == 0);
}

int main(void)
{
	test_names();
	test_install();
	return check_done();
}
