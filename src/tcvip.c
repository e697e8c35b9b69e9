/* tcvip.c: multicall dispatch (argv[0] or first argument), global options, --install. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg.h"
#include "log.h"
#include "state.h"
#include "tcvip.h"
#include "util.h"
#include "version.h"

#ifndef TCVIP_VERSION
#define TCVIP_VERSION "0.0.0-dev"
#endif
#ifndef TCVIP_BEARSSL
#define TCVIP_BEARSSL "unknown"
#endif

struct tcvip_globals tcvip;

static const char tcvip_usage_text[] =
"usage: tcvip [--help|--list|--version] | tcvip --install [--force] [DIR]\n"
"       tcvip [-c FILE] [-v] APPLET [ARGS...]\n"
"\n"
"keepalived VIP failover for Tencent Cloud VPC; the applet is the name it is\n"
"called by (notify_action.sh, check_self.sh, vip) or the first argument.\n"
"\n"
"  -c FILE     config file (default $TCVIP_CONFIG, else /etc/keepalived/tcvip.conf)\n"
"  -v          debug log\n"
"  --install   hard-link (or copy) this binary as DIR/notify_action.sh,\n"
"              DIR/check_self.sh, DIR/vip (DIR defaults to /etc/keepalived);\n"
"              replaces earlier ones; --force replaces other files too\n"
"  --list      list applets\n"
"  --version   version and build\n";

struct applet {
	const char *name;
	int (*main)(int, char **);
	const char *usage;
};

static const struct applet applets[] = {
#define APPLET(name) { #name, name##_main, name##_usage },
#include "applets.h"
#undef APPLET
};

static const struct applet *find_applet(const char *name)
{
	size_t i;

	for (i = 0; i < UTIL_ARRAY_LEN(applets); i++)
		if (!strcmp(applets[i].name, name))
			return &applets[i];
	return NULL;
}

int tcvip_is_applet(const char *name)
{
	return find_applet(name) != NULL;
}

const char *tcvip_applet_name(const char *argv0, char *buf, int cap)
{
	const char *base = strrchr(argv0, '/');
	size_t n;

	base = base ? base + 1 : argv0;
	if (util_copy(buf, (size_t)cap, base) < 0)
		return "";
	n = strlen(buf);
	if (n > 3 && (!strcmp(buf + n - 3, ".sh") || !strcmp(buf + n - 3, ".py")))
		buf[n - 3] = 0;
	return buf;
}

void tcvip_usage(const char *text)
{
	fputs(text, stdout);
}

/* Parses -c FILE and -v; returns the index of the first other argument, -1 on error. */
static int parse_globals(int argc, char **argv, int i)
{
	for (; i < argc; i++) {
		if (!strcmp(argv[i], "-v"))
			tcvip.verbose = 1;
		else if (!strcmp(argv[i], "-c")) {
			if (++i >= argc) {
				fprintf(stderr, "tcvip: -c needs a FILE\n");
				return -1;
			}
			tcvip.config = argv[i];
		} else
			break;
	}
	return i;
}

static int run_applet(const struct applet *a, int argc, char **argv)
{
	int first = parse_globals(argc, argv, 1);

	if (first < 0)
		return 2;
	if (first < argc && (!strcmp(argv[first], "--help") || !strcmp(argv[first], "-h"))) {
		tcvip_usage(a->usage);
		return 0;
	}
	/* The applet sees its own name then its own arguments. */
	argv[first - 1] = (char *)a->name;
	return a->main(argc - first + 1, argv + first - 1);
}

/* A file this binary's --install made: a symlink (older tcvip) or a link to this binary. */
static int ours(const struct stat *st, const struct stat *target)
{
	return S_ISLNK(st->st_mode) || (st->st_dev == target->st_dev && st->st_ino == target->st_ino);
}

/* Copies target to tmp (mode 0755): the fallback when a hard link crosses file systems. */
static int copy_file(const char *target, const char *tmp)
{
	char buf[65536];
	ssize_t n = 0;
	int in = open(target, O_RDONLY | O_CLOEXEC), out;

	if (in < 0)
		return -1;
	out = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
	while (out >= 0 && (n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)n) != n) {
			n = -1;
			break;
		}
	close(in);
	if (out < 0)
		return -1;
	if (n < 0 || fsync(out) < 0) {
		close(out);
		return -1;
	}
	return close(out);
}

/* keepalived 2.2 with enable_script_security runs realpath() of a script, so a symlink would
 * reach us as "tcvip" with no applet name: the names must be hard links (or copies). */
static int link_one(const char *dir, const char *name, const char *target,
    const struct stat *tst, int force)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	struct stat st;
	const char *how = "hard link to";

	if (util_fmt(path, sizeof path, "%s/%s", dir, name) < 0 ||
	    util_fmt(tmp, sizeof tmp, "%s/.%s.tcvip-new", dir, name) < 0) {
		log_err("%s/%s: path too long", dir, name);
		return -1;
	}
	if (lstat(path, &st) == 0 && !force && !ours(&st, tst)) {
		log_err("%s: exists and is not a link to this binary; not replacing it "
		    "(an older tcvip or the seed kit's script? use --force)", path);
		return -1;
	}
	unlink(tmp);
	if (link(target, tmp) < 0) {
		how = "copy of";
		if (errno != EXDEV || copy_file(target, tmp) < 0) {
			log_err("%s: cannot link or copy %s: %s", path, target, strerror(errno));
			unlink(tmp);
			return -1;
		}
	}
	if (rename(tmp, path) < 0) {
		log_err("%s: cannot install: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	printf("%s: %s %s\n", path, how, target);
	return 0;
}

int tcvip_install(const char *dir, const char *target, int force)
{
	static const char *const names[] = { "notify_action.sh", "check_self.sh", "vip" };
	struct stat st, tst;
	size_t i;

	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		log_err("%s: not a directory", dir);
		return -1;
	}
	if (stat(target, &tst) < 0 || !S_ISREG(tst.st_mode)) {
		log_err("%s: not a file", target);
		return -1;
	}
	for (i = 0; i < UTIL_ARRAY_LEN(names); i++)
		if (link_one(dir, names[i], target, &tst, force) < 0)
			return -1;
	return 0;
}

static int install_main(int argc, char **argv)
{
	char self[PATH_MAX];
	const char *dir = "/etc/keepalived";
	int i, force = 0;
	ssize_t n;

	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--force"))
			force = 1;
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			tcvip_usage(tcvip_usage_text);
			return 0;
		}
		else if (argv[i][0] == '-') {
			fprintf(stderr, "tcvip: --install: unknown option %s\n", argv[i]);
			return 2;
		} else
			dir = argv[i];
	}
	n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0) {
		log_err("/proc/self/exe: cannot find this binary's path: %s", strerror(errno));
		return 1;
	}
	self[n] = 0;
	return tcvip_install(dir, self, force) < 0;
}

static int top_main(int argc, char **argv)
{
	const struct applet *a;
	size_t i;
	int first = parse_globals(argc, argv, 1);

	if (first < 0)
		return 2;
	if (first >= argc || !strcmp(argv[first], "--help") || !strcmp(argv[first], "-h")) {
		tcvip_usage(tcvip_usage_text);
		return first >= argc ? 2 : 0;
	}
	if (!strcmp(argv[first], "--version")) {
		printf("tcvip %s (BearSSL %s, jsmn 1.1.0, musl)\n", TCVIP_VERSION, TCVIP_BEARSSL);
		return 0;
	}
	if (!strcmp(argv[first], "--list")) {
		for (i = 0; i < UTIL_ARRAY_LEN(applets); i++)
			printf("%s\n", applets[i].name);
		return 0;
	}
	if (!strcmp(argv[first], "--install"))
		return install_main(argc - first + 1, argv + first - 1);
	a = find_applet(argv[first]);
	if (!a) {
		fprintf(stderr, "%s: applet not found\n", argv[first]);
		return 127;
	}
	return run_applet(a, argc - first, argv + first);
}

int tcvip_main(int argc, char **argv)
{
	char name[64];
	const struct applet *a;

	if (argc < 1)
		return 127;
	prctl(PR_SET_DUMPABLE, 0);	/* no core dump or ptrace of a process holding keys */
	tcvip_applet_name(argv[0], name, sizeof name);
	if (!strcmp(name, "tcvip"))
		return top_main(argc, argv);
	a = find_applet(name);
	if (!a) {
		fprintf(stderr, "%s: applet not found\n", name);
		return 127;
	}
	return run_applet(a, argc, argv);
}

int tcvip_setup(struct cfg *c)
{
	if (cfg_load(c, cfg_path(tcvip.config)) < 0)
		return -1;
	log_open(c->log_file, tcvip.verbose);
	return state_dir_ensure(c->state_dir);
}
