/* tcvip.h: the multicall core: global options, applet table, dispatch. */
#ifndef TCVIP_H
#define TCVIP_H

/* Exit codes, one table for every applet (each usage text has an "exit:" line; man tcvip(8)).
 * keepalived treats any non-zero exit of a track script (check_self) as a failure: FAULT. */
enum tcvip_exit {
	TCVIP_EXIT_OK = 0,		/* done; check_self: healthy; vip query: true */
	TCVIP_EXIT_FAIL = 1,		/* failed, may succeed later (transient); check_self: fault,
					 * keepalived hands over; vip query: false */
	TCVIP_EXIT_USAGE = 2,		/* usage or config error */
	TCVIP_EXIT_UNKNOWN = 3,		/* vip query: the cloud could not be asked */
	TCVIP_EXIT_REFUSED = 4,		/* vip migrate: refused for good (auth, permission,
					 * parameters): retrying will not help */
	TCVIP_EXIT_NOAPPLET = 127,	/* no such applet */
};

/* Global options, parsed before the applet's own arguments. */
struct tcvip_globals {
	const char *config;	/* -c FILE, NULL = cfg_path() default */
	int verbose;		/* -v */
};
extern struct tcvip_globals tcvip;

#define APPLET_CONFIG 1u	/* the applet loads tcvip.conf */
#define APPLET(name, link, alias, flags) int name##_main(int argc, char **argv); \
	extern const char name##_usage[];
#include "applets.h"
#undef APPLET

/* Applet name for argv[0]: basename without a trailing ".sh" or ".py". */
const char *tcvip_applet_name(const char *argv0, char *buf, int cap);
/* 1 if name is an applet. */
int tcvip_is_applet(const char *name);
/* Prints an applet's usage text to stdout. */
void tcvip_usage(const char *text);
/* The whole program: dispatch by argv[0] or first argument. */
int tcvip_main(int argc, char **argv);
/* Makes DIR (and its parents) if missing, then DIR/notify_action.sh, DIR/check_self.sh and
 * DIR/vip as symlinks to target (an absolute path), replacing symlinks and hard links to
 * target, other files only with force. 0 or -1 (logged). */
int tcvip_install(const char *dir, const char *target, int force);

struct cfg;
/* Loads the config named by -c/$TCVIP_CONFIG/default, opens the log and makes
 * state_dir. 0, or -1 after logging why (the applet exits 2). */
int tcvip_setup(struct cfg *c);
#endif
