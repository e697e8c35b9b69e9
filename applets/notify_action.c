/* notify_action: keepalived notify script: records the state, starts a detached migrate on MASTER. */
const char notify_action_usage[] =
"usage: notify_action.sh [-c FILE] [-v] STATE\n"
"       notify_action.sh [-c FILE] [-v] [ARGS...] INSTANCE|GROUP NAME STATE PRIORITY\n"
"\n"
"keepalived notify script: writes STATE to state_dir/state unless keepalived\n"
"forked a later notify already (notifies race: their start order is the event\n"
"order); on MASTER starts a detached 'vip migrate --if-master' and returns at\n"
"once. MASTER_RX_LOWER_PRI (a lower-priority advert reached the master) starts\n"
"that migrate, an immediate ownership check, without recording a transition.\n"
"exit: 0 recorded (or superseded), 1 state not recorded or migrate not started,\n"
"      2 usage or config error (keepalived ignores a notify's exit)\n";

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "fmt.h"
#include "log.h"
#include "migrate.h"
#include "state.h"
#include "tcvip.h"
#include "util.h"
#include "vipnic.h"
#include "vrrp.h"

struct notify_args {
	const char *state;
	const char *name;	/* instance or group name, "" in the seed form */
};

/* Seed form: STATE. Generic form: keepalived appends INSTANCE|GROUP NAME STATE PRIORITY
 * after any configured arguments, so it is parsed from the end. 0 or -1. */
static int parse_args(int argc, char **argv, struct notify_args *a)
{
	a->name = "";
	if (argc == 2)
		a->state = argv[1];
	else if (argc >= 5 && (!strcmp(argv[argc - 4], "INSTANCE") ||
	    !strcmp(argv[argc - 4], "GROUP"))) {
		a->name = argv[argc - 3];
		a->state = argv[argc - 2];
	} else
		return -1;
	return vrrp_event_known(a->state) ? 0 : -1;
}

/* Logs a refused call where the operator will look: keepalived throws our stderr away. */
static void log_bad_args(int argc, char **argv)
{
	char shown[256], clean[256];
	int i, len = 0, n;

	shown[0] = 0;
	for (i = 1; i < argc; i++) {
		n = snprintf(shown + len, sizeof shown - (size_t)len, "%s%s", i > 1 ? " " : "", argv[i]);
		if (n < 0 || (size_t)n >= sizeof shown - (size_t)len)
			break;	/* long argument lists are shown cut short */
		len += n;
	}
	log_sanitize(clean, sizeof clean, shown, sizeof shown);
	log_err("notify: bad arguments '%s': want STATE or ... INSTANCE|GROUP NAME STATE PRIORITY", clean);
}

/* keepalived's notify_master_rx_lower_pri: the master heard a lower priority, so another node
 * was master for a moment and may have taken the VIP in the cloud. name: " (NAME)" or "". */
static int rx_lower_pri(const struct cfg *c, const char *name, long long t0)
{
	char st[VRRP_STATE_MAX];

	vrrp_state_read(c->state_dir, st, sizeof st);
	if (strcmp(st, "MASTER")) {
		log_info("notify: MASTER_RX_LOWER_PRI%s while the state is %s: nothing to do",
		    name, *st ? st : "unknown");
		return 0;
	}
	log_info("notify: MASTER_RX_LOWER_PRI%s: another node was master; checking the cloud",
	    name);
	return migrate_spawn(c, "notify", t0) < 0;
}

int notify_action_main(int argc, char **argv)
{
	long long t0 = util_now_ms();	/* the event: keepalived forked us just now */
	struct notify_args a;
	struct cfg c;
	char prev[VRRP_STATE_MAX], clean[128], name[sizeof clean + 3];
	int r, bad = parse_args(argc, argv, &a) < 0;

	if (bad)
		fmt_err("%s", notify_action_usage);
	if (tcvip_setup(&c) < 0)
		return 2;
	if (bad) {
		log_bad_args(argc, argv);
		return 2;
	}
	cfg_wipe_secrets(&c);	/* the migrate it spawns reads the config itself */
	log_sanitize(clean, sizeof clean, a.name, strlen(a.name));
	util_fmt(name, sizeof name, *clean ? " (%s)" : "", clean);
	if (!strcmp(a.state, "MASTER_RX_LOWER_PRI"))
		return rx_lower_pri(&c, name, t0);
	r = vrrp_transition(c.state_dir, a.state, 0, prev, sizeof prev);
	if (r < 0)
		return 1;
	if (r == 0) {
		log_info("notify: %s%s ignored: keepalived sent a later transition (state %s)",
		    a.state, name, *prev ? prev : "(none)");
		return 0;
	}
	log_info("notify: %s -> %s%s", *prev ? prev : "(none)", a.state, name);
	/* keepalived 1.x leaves the VIPs of its last life on the NIC when it starts (2.x removes
	 * them): only its first transition removes them, so a BACKUP notify that loses a race
	 * with the next MASTER never takes the new master's VIP off. */
	if (r == 2 && vipnic_state_drops(a.state))
		vipnic_drop(&c, a.state);	/* failure logged; check_self removes it later */
	if (!strcmp(a.state, "MASTER") && (vrrp_master_reset(c.state_dir) < 0 ||
	    migrate_spawn(&c, "notify", t0) < 0)) {
		log_err("notify: MASTER: could not start the migrate; check_self will retry");
		return 1;
	}
	return 0;
}
