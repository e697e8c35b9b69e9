/* tcvip.c: multicall dispatch (argv[0] or first argument), global options, --install. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg.h"
#include "fmt.h"
#include "log.h"
#include "metrics.h"
#include "state.h"
#include "tcvip.h"
#include "util.h"
#include "version.h"
#include "vrrp.h"

#ifndef TCVIP_VERSION
#define TCVIP_VERSION "0.0.0-dev"
#endif
#ifndef TCVIP_BEARSSL
#define TCVIP_BEARSSL "unknown"
#endif
#ifndef TCVIP_JSMN
#define TCVIP_JSMN "unknown"
#endif
#ifndef TCVIP_MUSL
#define TCVIP_MUSL "unknown"
#endif

struct tcvip_globals tcvip;

static const char tcvip_usage_text[] =
"usage: tcvip [--help|--list|--version] | tcvip --install [--force] [DIR]\n"
"       tcvip [-c FILE] [-v] APPLET [ARGS...]\n"
"\n"
"keepalived VIP failover for Tencent Cloud VPC. The applet is the name it is\n"
"called by (notify_action.sh, check_self.sh, notify_fifo.sh, vip), else the first\n"
"argument.\n"
"Called as tcvip (keepalived runs a symlinked script by its real path):\n"
"  tcvip STATE, or ... INSTANCE|GROUP NAME STATE PRIORITY   -> notify_action\n"
"  tcvip ... FIFO (the last argument is a FIFO)              -> notify_fifo\n"
"  tcvip with no arguments, started by keepalived           -> check_self\n"
"  tcvip with no arguments, started by anything else        -> this text, exit 2\n"
"\n"
"  -c FILE     config file (default $TCVIP_CONFIG, else /etc/keepalived/tcvip.conf)\n"
"  -v          debug log\n"
"  --install   symlink DIR/notify_action.sh, check_self.sh, notify_fifo.sh and vip\n"
"              to this binary (DIR defaults to /etc/keepalived, made if missing);\n"
"              replaces links, other files only with --force\n"
"  --list      list applets: NAME LINK [alias=NAME] [config: reads tcvip.conf]\n"
"  --version   version and build\n"
"\n"
"exit: 0 ok, 1 failed (transient), 2 usage or config error, 3 unknown (vip query),\n"
"      4 refused for good (vip migrate: auth, permission, parameters), 127 no applet;\n"
"      for check_self any non-zero exit makes keepalived go FAULT\n";

struct applet {
	const char *name;
	int (*main)(int, char **);
	const char *usage;
	const char *link;	/* laid by --install, "" = none */
	const char *alias;	/* "" = none */
	unsigned flags;
};

static const struct applet applets[] = {
#define APPLET(name, link, alias, flags) { #name, name##_main, name##_usage, link, alias, flags },
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

/* The applet an argv[0] base name means: its name, its link or its alias. */
static const struct applet *applet_by_base(const char *base)
{
	size_t i;

	for (i = 0; i < UTIL_ARRAY_LEN(applets); i++)
		if (!strcmp(applets[i].name, base) || !strcmp(applets[i].link, base) ||
		    (*applets[i].alias && !strcmp(applets[i].alias, base)))
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
	fmt_out("%s", text);
}

/* Parses -c FILE and -v; returns the index of the first other argument, -1 on error. */
static int parse_globals(int argc, char **argv, int i)
{
	for (; i < argc; i++) {
		if (!strcmp(argv[i], "-v"))
			tcvip.verbose = 1;
		else if (!strcmp(argv[i], "-c")) {
			if (++i >= argc) {
				fmt_err("tcvip: -c needs a FILE\n");
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
	int first, rc;

	log_set_speaker(a->name);
	first = parse_globals(argc, argv, 1);

	if (first < 0)
		return 2;
	if (first < argc && (!strcmp(argv[first], "--help") || !strcmp(argv[first], "-h"))) {
		tcvip_usage(a->usage);
		return 0;
	}
	/* The applet sees its own name then its own arguments. */
	argv[first - 1] = (char *)a->name;
	rc = a->main(argc - first + 1, argv + first - 1);
	metrics_flush();	/* what the run counted, if metrics_file is set */
	return rc;
}

/* A file --install may replace: any symlink, or a hard link to this binary. */
static int ours(const struct stat *st, const struct stat *target)
{
	return S_ISLNK(st->st_mode) || (st->st_dev == target->st_dev && st->st_ino == target->st_ino);
}

/* DIR/name -> target as a symlink, made beside it and renamed over the old entry. */
static int link_one(const char *dir, const char *name, const char *target,
    const struct stat *tst, int force)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	struct stat st;

	if (util_fmt(path, sizeof path, "%s/%s", dir, name) < 0 ||
	    util_fmt(tmp, sizeof tmp, "%s/.%s.tcvip-new", dir, name) < 0) {
		log_err("%s/%s: path too long", dir, name);
		return -1;
	}
	if (lstat(path, &st) == 0 && !force && !ours(&st, tst)) {
		log_err("%s: exists and is not a link to this binary; not replacing it "
		    "(the seed kit's script? use --force)", path);
		return -1;
	}
	unlink(tmp);
	if (symlink(target, tmp) < 0) {
		log_err("%s: cannot make a symlink: %m", tmp);
		return -1;
	}
	if (rename(tmp, path) < 0) {
		log_err("%s: cannot install: %m", path);
		unlink(tmp);
		return -1;
	}
	fmt_out("%s -> %s\n", path, target);
	return 0;
}

/* mkdir -p DIR (mode 0755 for what it makes). 0 or -1 (logged). */
static int make_dirs(const char *dir)
{
	char p[PATH_MAX];
	size_t i;
	struct stat st;

	if (util_copy(p, sizeof p, dir) < 0) {
		log_err("%s: path too long", dir);
		return -1;
	}
	for (i = 1; ; i++) {
		char c = p[i];
		if (c != '/' && c != 0)
			continue;
		p[i] = 0;
		if (mkdir(p, 0755) < 0 && errno != EEXIST) {
			log_err("%s: cannot create: %m", p);
			return -1;
		}
		p[i] = c;
		if (!c)
			break;
	}
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		log_err("%s: not a directory", dir);
		return -1;
	}
	return 0;
}

int tcvip_install(const char *dir, const char *target, int force)
{
	struct stat tst;
	size_t i;

	if (target[0] != '/' || stat(target, &tst) < 0 || !S_ISREG(tst.st_mode)) {
		log_err("%s: not a file given by its absolute path", target);
		return -1;
	}
	if (make_dirs(dir) < 0)
		return -1;
	for (i = 0; i < UTIL_ARRAY_LEN(applets); i++)
		if (*applets[i].link && link_one(dir, applets[i].link, target, &tst, force) < 0)
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
			fmt_err("tcvip: --install: unknown option %s\n", argv[i]);
			return 2;
		} else
			dir = argv[i];
	}
	n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0) {
		log_err("/proc/self/exe: cannot find this binary's path: %m");
		return 1;
	}
	self[n] = 0;
	return tcvip_install(dir, self, force) < 0;
}

/* The generic notify form: the last four arguments are INSTANCE|GROUP NAME STATE PRIORITY. */
static int notify_generic(int argc, char **argv)
{
	return argc >= 4 && (!strcmp(argv[argc - 4], "INSTANCE") || !strcmp(argv[argc - 4], "GROUP")) &&
	    vrrp_event_known(argv[argc - 2]);
}

/* Which applet a call under our own name means, with argv[0..argc) the arguments after the
 * global options: keepalived >= 1.4 may exec a symlinked script by its real path, so the
 * link's name is lost and only the arguments tell. NULL: none. */
static const struct applet *applet_by_args(int argc, char **argv)
{
	struct stat st;

	if (argc == 0)
		return vrrp_parent_is_keepalived() ? find_applet("check_self") : NULL;
	if ((argc == 1 && vrrp_event_known(argv[0])) || notify_generic(argc, argv))
		return find_applet("notify_action");
	if (stat(argv[argc - 1], &st) == 0 && S_ISFIFO(st.st_mode))
		return find_applet("notify_fifo");	/* keepalived appends the FIFO's path */
	return NULL;
}

/* Runs applet a on argv[first..argc), with argv[first - 1] as its name (a global option or
 * the binary's own name, overwritten). */
static int run_by_args(const struct applet *a, int argc, char **argv, int first)
{
	argv[first - 1] = (char *)a->name;
	return run_applet(a, argc - first + 1, argv + first - 1);
}

static int top_main(int argc, char **argv)
{
	const struct applet *a;
	size_t i;
	int first = parse_globals(argc, argv, 1);

	if (first < 0)
		return 2;
	if (first < argc && (!strcmp(argv[first], "--help") || !strcmp(argv[first], "-h"))) {
		tcvip_usage(tcvip_usage_text);
		return 0;
	}
	if (first < argc && !strcmp(argv[first], "--version")) {
		/* The second word is exactly git describe's; then the statically linked components,
		 * by their Debian source package versions. */
		fmt_out("tcvip %s (BearSSL %s, jsmn %s, musl %s)\n", TCVIP_VERSION, TCVIP_BEARSSL,
		    TCVIP_JSMN, TCVIP_MUSL);
		return 0;
	}
	if (first < argc && !strcmp(argv[first], "--list")) {
		for (i = 0; i < UTIL_ARRAY_LEN(applets); i++)
			fmt_out("%s %s%s%s%s\n", applets[i].name, *applets[i].link ? applets[i].link : "-",
			    *applets[i].alias ? " alias=" : "", applets[i].alias,
			    applets[i].flags & APPLET_CONFIG ? " config" : "");
		return 0;
	}
	if (first < argc && !strcmp(argv[first], "--install"))
		return install_main(argc - first + 1, argv + first - 1);
	if (first < argc && (a = find_applet(argv[first])))
		return run_applet(a, argc - first, argv + first);	/* tcvip APPLET ARGS */
	if ((a = applet_by_args(argc - first, argv + first)))
		return run_by_args(a, argc, argv, first);
	if (first >= argc) {
		fmt_err("%s", tcvip_usage_text);
		return 2;
	}
	fmt_err("%s: applet not found\n", argv[first]);
	return TCVIP_EXIT_NOAPPLET;
}

int tcvip_main(int argc, char **argv)
{
	char name[64];
	const char *base;
	const struct applet *a;

	if (argc < 1)
		return TCVIP_EXIT_NOAPPLET;
	/* no core dump or ptrace of a process holding keys (the syscall: musl's prctl is a
	 * varargs wrapper around it) */
	syscall(SYS_prctl, PR_SET_DUMPABLE, 0L, 0L, 0L, 0L);
	base = strrchr(argv[0], '/');
	base = base ? base + 1 : argv[0];
	if (!strncmp(base, "tcvip", 5))	/* tcvip, tcvip-1.2, ...: the binary's own name */
		return top_main(argc, argv);
	a = applet_by_base(base);
	if (!a) {
		fmt_err("%s: applet not found\n", tcvip_applet_name(argv[0], name, sizeof name));
		return TCVIP_EXIT_NOAPPLET;
	}
	return run_applet(a, argc, argv);
}

int tcvip_setup(struct cfg *c)
{
	if (cfg_load(c, cfg_path(tcvip.config)) < 0)
		return -1;
	log_open(c->log_file, tcvip.verbose);
	metrics_bind(c);
	return state_dir_ensure(c->state_dir);
}
