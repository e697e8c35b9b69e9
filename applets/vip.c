/* vip: operator tool: migrate the VIPs here, query the cloud, show status, run the doctor's checklist, drill a failover, write keepalived.conf. */
/* The sub-commands, one row each: VIP_CMD(name, usage lines, flags); vip --help prints the
 * rows' usage lines in this order, dispatch reads the same rows (vip_NAME runs it; a '_' in
 * NAME is typed as '-': keepalived_conf is `vip keepalived-conf`).
 *   flags  VIP_SETUP: tcvip.conf loaded (tcvip_setup) before vip_NAME runs */
#define VIP_COMMANDS \
VIP_CMD(migrate, \
"  migrate [--if-master] [--event KIND:MS]\n" \
"                         make the cloud give every VIP to this node (its ENI;\n" \
"                         mode = route: its IP as the next hop of each route)\n" \
"                         (exit 0 done, 1 failed (transient), 2 usage/config\n" \
"                         error, 4 refused for good: auth, permission, parameters);\n" \
"                         --if-master stops once state_dir/state is not MASTER;\n" \
"                         --event KIND:MS (notify, check_self pass it) counts the\n" \
"                         phases from that event (monotonic ms)\n", VIP_SETUP) \
VIP_CMD(query, \
"  query                  print true if the cloud assigns every VIP here, else\n" \
"                         false (exit 0/1); unknown on error (exit 3)\n", VIP_SETUP) \
VIP_CMD(status, \
"  status [--json]        local state, mode, VIPs on the NIC, cloud holders, the EIP\n" \
"                         of each VIP, ENI or next hop, endpoint, credentials,\n" \
"                         last migrate\n", VIP_SETUP) \
VIP_CMD(doctor, \
"  doctor [--probe-write] checklist of everything failover needs, with fixes\n" \
"                         (exit 0 only if every check passes). API permissions\n" \
"                         are checked read-only (DescribeNetworkInterfaces,\n" \
"                         DescribeVpcTaskResult); --probe-write also sends\n" \
"                         MigratePrivateIpAddress (eni-00000000 to eni-00000000)\n" \
"                         and AssignPrivateIpAddresses (to eni-00000000) for\n" \
"                         the first VIP: real calls the cloud refuses for the\n" \
"                         ENI after it checked the permission. mode = route:\n" \
"                         DescribeRouteTables; --probe-write: ReplaceRoutes and\n" \
"                         CreateRoutes naming rtb-00000000\n", 0) \
VIP_CMD(drill, \
"  drill --yes [--timeout S]  on the master: a timed test failover. check_self\n" \
"                         reports a fault until the cloud gives the VIPs to the\n" \
"                         other node (at most S s, default 60), then the phases\n" \
"                         are printed; exit 0 moved, 1 not (or refused), 130 on\n" \
"                         a signal; the request is always cleared (in preempt\n" \
"                         mode the VIP then returns to this node)\n", VIP_SETUP) \
VIP_CMD(keepalived_conf, \
"  keepalived-conf --peer IP [--peer IP...] [--template FILE] [--output FILE]\n" \
"                  [--auth-pass-file FILE] [--master IP]\n" \
"                         this node's keepalived.conf from a template that is the\n" \
"                         same on every node (default " KACONF_DEFAULT_TEMPLATE "):\n" \
"                         @SELF_IP@ metadata local-ipv4, @INTERFACE@ its NIC,\n" \
"                         @ROUTER_ID@ instance-id, @PEER_IP@ one line per --peer\n" \
"                         but this node's own address, @VIP@ tcvip.conf's vip,\n" \
"                         @AUTH_PASS@ the file's first line, preempt mode's\n" \
"                         @STATE@/@PRIORITY@ MASTER/50 on the --master node, else\n" \
"                         BACKUP/30; to stdout, or FILE (temp+rename, mode 0644)\n", VIP_SETUP)

#define VIP_SETUP 1u

#include "fmt.h"
#include "kaconf.h"

const char vip_usage[] =
"usage: vip [-c FILE] [-v] COMMAND [OPTIONS]\n"
"\n"
#define VIP_CMD(name, usage, flags) usage
VIP_COMMANDS
#undef VIP_CMD
;

#include <stdio.h>
#include <string.h>

#include "cfg.h"
#include "cloud.h"
#include "doctor.h"
#include "drill.h"
#include "log.h"
#include "migrate.h"
#include "status.h"
#include "tcvip.h"
#include "util.h"

static int usage_error(const char *what)
{
	fmt_err("vip: %s (see vip --help)\n", what);
	return 2;
}

/* --event KIND:MS, what notify_action and check_self pass to the migrate they start: the
 * event's kind and its time on the monotonic clock (phases are counted from it). */
static int event_arg(const char *v)
{
	static char kind[PHASES_EVENT_MAX];
	const char *colon = strchr(v, ':');
	long long ms;
	size_t n = colon ? (size_t)(colon - v) : 0;
	size_t i;

	if (!n || n >= sizeof kind || util_parse_int(colon + 1, 1, 1LL << 53, &ms) < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') || v[i] == '_'))
			return -1;
	memcpy(kind, v, n);
	kind[n] = 0;
	migrate_event(kind, ms);
	return 0;
}

static int vip_migrate(const struct cfg *c, int argc, char **argv)
{
	int if_master = 0, i, rc;

	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--if-master"))
			if_master = 1;
		else if (!strcmp(argv[i], "--event") && i + 1 < argc) {
			if (event_arg(argv[++i]) < 0)
				return usage_error("migrate: --event KIND:MS (KIND a word, MS the "
				    "monotonic clock in ms)");
		} else if (!strcmp(argv[i], "--help")) {
			tcvip_usage(vip_usage);
			return 0;
		} else
			return usage_error("migrate: unknown option");
	}
	/* a process of its own: it may end itself at the hard deadline */
	rc = migrate_run(c, MIGRATE_HARD_DEADLINE | (if_master ? MIGRATE_IF_MASTER : 0u));
	return rc == MIGRATE_DONE ? TCVIP_EXIT_OK : rc == MIGRATE_CONFIG ? TCVIP_EXIT_USAGE :
	    rc == MIGRATE_REFUSED ? TCVIP_EXIT_REFUSED : TCVIP_EXIT_FAIL;
}

static int vip_drill(const struct cfg *c, int argc, char **argv)
{
	long long timeout = DRILL_DEFAULT_TIMEOUT_S;
	int yes = 0, i;

	for (i = 2; i < argc; i++)
		if (!strcmp(argv[i], "--yes"))
			yes = 1;
		else if (!strcmp(argv[i], "--timeout") && i + 1 < argc &&
		    util_parse_int(argv[i + 1], 5, 3600, &timeout) == 0)
			i++;
		else
			return usage_error("drill: --yes [--timeout 5..3600]");
	if (!yes)
		return usage_error("drill moves the VIP away from this node: add --yes");
	return drill_run(c, (int)timeout);
}

static int vip_query(const struct cfg *c, int argc, char **argv)
{
	int r;

	(void)argv;
	if (argc > 2)
		return usage_error("unexpected argument");
	r = migrate_query(c, 0, NULL);

	fmt_out("%s\n", r == 1 ? "true" : r == 0 ? "false" : "unknown");
	return r == 1 ? 0 : r == 0 ? 1 : 3;
}

static int vip_status(const struct cfg *c, int argc, char **argv)
{
	if (argc > 2 + !strcmp(argv[argc - 1], "--json"))
		return usage_error("unexpected argument");
	return status_run(c, argc > 2);
}

/* doctor loads the config itself: a config that does not load is its first failed check. */
static int vip_doctor(const struct cfg *c, int argc, char **argv)
{
	(void)c;
	if (argc > 3 || (argc == 3 && strcmp(argv[2], "--probe-write")))
		return usage_error("doctor takes only --probe-write");
	return doctor_run(cfg_path(tcvip.config), argc == 3);
}

static int vip_keepalived_conf(const struct cfg *c, int argc, char **argv)
{
	return kaconf_main(c, argc, argv);
}

static const struct vip_cmd {
	const char *name;
	int (*run)(const struct cfg *c, int argc, char **argv);
	unsigned flags;
} vip_cmds[] = {
#define VIP_CMD(name, usage, flags) { #name, vip_##name, flags },
VIP_COMMANDS
#undef VIP_CMD
};

/* Does the typed name match the row's (whose '_' is typed '-')? */
static int cmd_is(const char *row, const char *typed)
{
	for (; *row && (*row == *typed || (*row == '_' && *typed == '-')); row++, typed++)
		;
	return !*row && !*typed;
}

static const struct vip_cmd *vip_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof vip_cmds / sizeof vip_cmds[0]; i++)
		if (cmd_is(vip_cmds[i].name, name))
			return &vip_cmds[i];
	return NULL;
}

int vip_main(int argc, char **argv)
{
	static struct cfg c;
	const struct vip_cmd *cmd;
	int rc;

	if (argc < 2)
		return usage_error("missing COMMAND");
	cmd = vip_cmd(argv[1]);
	if (!cmd)
		return usage_error("unknown COMMAND");
	if (argc > 2 && !strcmp(argv[2], "--help")) {
		tcvip_usage(vip_usage);
		return 0;
	}
	if (!(cmd->flags & VIP_SETUP))
		return cmd->run(NULL, argc, argv);
	log_set_stderr(1);
	if (tcvip_setup(&c) < 0)
		return 2;
	rc = cmd->run(&c, argc, argv);
	cfg_wipe_secrets(&c);
	return rc;
}
