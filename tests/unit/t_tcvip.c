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

/* a is a symlink whose target is the path b. */
static int links_to(const char *a, const char *b)
{
	char t[PATH_MAX];
	ssize_t n = readlink(a, t, sizeof t - 1);

	if (n < 0)
		return 0;
	t[n] = 0;
	return !strcmp(t, b);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	check(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void test_install(void)
{
	char dir[] = "/tmp/tcvip-inst-XXXXXX", p[PATH_MAX], target[PATH_MAX], other[PATH_MAX];
	char sub[256];

	check(mkdtemp(dir) != NULL);
	log_set_stderr(0);
	snprintf(target, sizeof target, "%s/tcvip", dir);
	snprintf(other, sizeof other, "%s/tcvip-new", dir);
	write_file(target, "binary");
	write_file(other, "binary 2");
	check(tcvip_install(dir, target, 0) == 0);
	snprintf(p, sizeof p, "%s/notify_action.sh", dir);
	check(links_to(p, target));
	snprintf(p, sizeof p, "%s/check_self.sh", dir);
	check(links_to(p, target));
	snprintf(p, sizeof p, "%s/vip", dir);
	check(links_to(p, target));
	check(tcvip_install(dir, target, 0) == 0);	/* again: our own links are replaced */
	/* a hard link to the binary (an older tcvip's install) is replaced by a symlink */
	unlink(p);
	check(link(target, p) == 0);
	check(tcvip_install(dir, target, 0) == 0 && links_to(p, target));
	/* any symlink is replaced, also one to another binary */
	check(tcvip_install(dir, other, 0) == 0 && links_to(p, other));
	/* a regular file that is not this binary is not clobbered without --force */
	snprintf(p, sizeof p, "%s/check_self.sh", dir);
	unlink(p);
	write_file(p, "#!/bin/sh\n");
	check(tcvip_install(dir, target, 0) < 0 && !links_to(p, target));
	check(tcvip_install(dir, target, 1) == 0 && links_to(p, target));
	/* DIR is made when missing, parents too */
	snprintf(sub, sizeof sub, "%s/etc/keepalived", dir);
	check(tcvip_install(sub, target, 0) == 0);
	snprintf(p, sizeof p, "%s/vip", sub);
	check(links_to(p, target));
	/* the target must be an absolute path to a regular file */
	check(tcvip_install(dir, "tcvip", 0) < 0);
	check(tcvip_install(dir, "/nonexistent-file", 0) < 0);
	snprintf(p, sizeof p, "%s/notify_action.sh", dir);	/* a file where DIR should be */
	check(tcvip_install(p, target, 0) < 0);
	snprintf(p, sizeof p, "rm -rf %s", dir);
	check(system(p) == 0);
}

int main(void)
{
	test_names();
	test_install();
	return check_done();
}
