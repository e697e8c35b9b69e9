/* check_self: keepalived track script: keeps the NIC and the cloud in line with the VRRP state. */
const char check_self_usage[] =
"usage: check_self.sh [-c FILE] [-v]\n"
"\n"
"keepalived vrrp_script (finishes within 3 s). MASTER: puts a missing VIP on\n"
"the NIC, asks the cloud every query_interval s, migrates if needed (also to\n"
"retry a failed EIP re-bind, state_dir/eip_pending), exits 1\n"
"after fault_after failures, or on a spot reclaim notice (spot_handover).\n"
"A planned handover (vip drill) reports a fault until it ends or expires.\n"
"Else: removes a stray VIP, restarts keepalived.\n"
"A missing or unknown state, or one another keepalived wrote, is left alone.\n"
"exit: 0 healthy (also: config broken, logged: never FAULT both nodes for it),\n"
"      1 fault (keepalived hands over), 2 usage. Any non-zero exit means FAULT.\n";

#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cfg.h"
#include "cloud.h"
#include "disc.h"
#include "eip.h"
#include "fmt.h"
#include "handover.h"
#include "log.h"
#include "meta.h"
#include "metrics.h"
#include "migrate.h"
#include "nl.h"
#include "proc.h"
#include "state.h"
#include "tcvip.h"
#include "util.h"
#include "splitbrain.h"
#include "vrrp.h"

#define CS_BUDGET_MS 2500	/* the cloud query must end by then */
#define CS_QUERY_MIN_MS 500	/* less time left than this: no query this tick */
#define CS_WATCHDOG_MS 2900	/* whatever hangs, the run ends (exit 0) by then */
#define CS_META_TIMEOUT_S 1	/* first-tick interface discovery, before it is cached */
#define CS_MAX_ADDRS 256
#define CS_RESTART_MIN_S 60		/* at most one restart_command per this many seconds */
#define CS_SPOT_POLL_MS 5000		/* the spot reclaim notice: at most one GET per this */
#define CS_SPOT_HANDOVER_S 900		/* a reclaim notice holds the fault this long */
#define CS_SPOT_PATH "spot/termination-time"	/* [META] spot reclaim notice, 404 when none */

struct tick {
	struct cfg c;
	long long t0;			/* util_now_ms() at start */
	char state[VRRP_STATE_MAX];	/* "" = unknown */
	char ifname[16];
	struct nl nl;
	int ifindex;
	uint32_t addr[CS_MAX_ADDRS];	/* IPv4 addresses on the NIC */
	unsigned char plen[CS_MAX_ADDRS];
	int naddr;
};

/* check_self's log lines: "check_self: " and msg (the prefix kept once, not in every format). */
static void cs_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void cs_log(int level, const char *fmt, ...)
{
	char msg[1024];	/* log_msg's own bound: a longer line is cut at the same byte */
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (n >= 0)
		log_msg(level, "check_self: %s", msg);
}

#define cs_err(...) cs_log(LOG_ERR, __VA_ARGS__)
#define cs_warn(...) cs_log(LOG_WARNING, __VA_ARGS__)
#define cs_info(...) cs_log(LOG_INFO, __VA_ARGS__)
#define cs_debug(...) cs_log(LOG_DEBUG, __VA_ARGS__)

/* keepalived kills a script that overruns and counts it as a failure: never overrun. */
static void watchdog_arm(void)
{
	if (log_deadline(CS_WATCHDOG_MS, 0,
	    "check_self: watchdog: the run exceeded its time budget; exiting 0") < 0)
		cs_warn("cannot arm the watchdog timer");
}

/* Logs why check_self does not act, once per reason: the same reason on the next tick stays
 * quiet (the record's warned mark, read with the state, holds the last one). */
__attribute__((noinline)) static void warn_once(const struct tick *t, const struct vrrp_view *v, int reason, const char *msg)
{
	if (v->warned == reason)
		return;
	cs_warn("%s", msg);
	vrrp_warned_set(t->c.state_dir, reason);
}

/* Acting again after a warn_once: say so once. */
static void warn_clear(const struct tick *t, const struct vrrp_view *v)
{
	if (!v->warned)
		return;
	cs_info("state %s from keepalived's notify: acting on it again", t->state);
	vrrp_warned_set(t->c.state_dir, VRRP_WARNED_NONE);
}

/* The NIC: config `interface`, else the discovery cache, else metadata MAC -> netlink. */
static int find_interface(struct tick *t)
{
	struct node nd;
	struct meta m;
	int rc;

	if (*t->c.interface)
		return util_copy(t->ifname, sizeof t->ifname, t->c.interface);
	memset(&m, 0, sizeof m);
	if (meta_init(&m, t->c.metadata, CS_META_TIMEOUT_S) < 0)
		return -1;
	rc = disc_node(&nd, &t->c, &m, NULL, DISC_IF);
	meta_close(&m);
	if (rc < 0 || util_copy(t->ifname, sizeof t->ifname, nd.ifname) < 0 || !*t->ifname) {
		cs_err("cannot tell which NIC carries the VIP; set 'interface'");
		return -1;
	}
	return 0;
}

/* One address dump of the NIC into t->addr. 0 or -1 (logged). */
__attribute__((noinline)) static int nic_scan(struct tick *t)
{
	t->naddr = nl_addr_list(&t->nl, t->ifindex, t->addr, t->plen, CS_MAX_ADDRS);
	return t->naddr < 0 ? -1 : 0;
}

__attribute__((noinline)) static int on_nic(const struct tick *t, uint32_t vip)
{
	int i;

	for (i = 0; i < t->naddr; i++)
		if (t->addr[i] == vip)
			return 1;
	return 0;
}

static int nic_open(struct tick *t)
{
	if (find_interface(t) < 0 || nl_open(&t->nl) < 0)
		return -1;
	t->ifindex = nl_ifindex(&t->nl, t->ifname);
	return t->ifindex > 0 ? nic_scan(t) : -1;
}

/* The seed files hold "true"/"false"; rewritten only when the answer changes. */
static void write_result(const struct tick *t, const char *result)
{
	char old[16], line[16];
	int n = util_fmt(line, sizeof line, "%s\n", result);

	if (n < 0 || (state_read(t->c.state_dir, FILE_RESULT, old, sizeof old) >= 0 &&
	    !strcmp(old, result)))
		return;
	state_write(t->c.state_dir, FILE_RESULT, line, (size_t)n, 0644);
}

/* ms since the time (util_now_ms) state_dir/file holds, or -1: none, or in the future. */
static long long age_ms(const struct tick *t, const char *file, long long now)
{
	long long last = state_read_int(t->c.state_dir, file, -1);

	return last < 0 || last > now ? -1 : now - last;
}

static int query_due(const struct tick *t, long long now)
{
	long long age = age_ms(t, FILE_QUERIED, now);

	return age < 0 || age >= t->c.query_interval * 1000LL;	/* interval 0: always */
}

/* 1 if a migrate holds state_dir/lock (it is working on the VIPs right now). */
static int migrate_running(const struct tick *t)
{
	int fd = state_lock(t->c.state_dir, 0);

	if (fd < 0)
		return 1;
	state_unlock(fd);
	return 0;
}

/* Did a migrate make every VIP ours at or after wall time since? (state_dir/last_migrate) */
static int migrated_since(const struct tick *t, long long since)
{
	struct migrate_phases p;

	/* result done or taken-back: the VIP reached us */
	if (phases_load(t->c.state_dir, &p) < 0 ||
	    (strcmp(p.result, "done") && strcmp(p.result, "taken-back")))
		return 0;
	return p.time >= since;
}

/* Logs where each VIP that is not on this node is (ids in the mode's terms: ENI or next hop,
 * as the query just located this node). */
static void log_holders(const struct tick *t, const struct cloud_holder *h)
{
	const char *self = migrate_self();
	char ip[16];
	int i;

	for (i = 0; i < t->c.nvip; i++)
		if (!*self || strcmp(h[i].eni, self))
			cs_warn("cloud: VIP %s is on %s, not on this node (%s)",
			    util_ipv4_str(h[i].vip, ip), *h[i].eni ? h[i].eni : "nobody",
			    *self ? self : "not located");
}

static int any_busy(const struct tick *t, const struct cloud_holder *h)
{
	int i;

	for (i = 0; i < t->c.nvip; i++)
		if (h[i].busy)
			return 1;
	return 0;
}

/* The VIP is held elsewhere: take it over, back off (split brain), or fault. Exit code. */
static int held_elsewhere(struct tick *t, const struct cloud_holder *h)
{
	const char *dir = t->c.state_dir;
	long long now_ms = util_now_ms(), now = now_ms / 1000, wait, count;
	struct splitbrain hist;
	int fresh;

	log_holders(t, h);
	if (any_busy(t, h)) {
		cs_info("a cloud task is moving a VIP right now; checking again later");
		return 0;
	}
	splitbrain_load(dir, &hist, now);
	/* Our last take-over's migrate succeeded: the VIP was ours, then went away again.
	 * (last is monotonic, last_migrate wall-clock: 1 s slack for the two roundings.) */
	if (hist.last && hist.seen < hist.last &&
	    migrated_since(t, (long long)time(NULL) - (now - hist.last) - 1))
		hist.seen = now;
	if (splitbrain_decide(&hist, now, &wait, &fresh) == SPLITBRAIN_BACKOFF) {
		if (fresh)
			metrics_split_brain();
		if (fresh)
			cs_warn("split brain suspected: the VIP went back to another "
			    "node within %d s of our take-over; not re-migrating for %lld s (backoff %d)",
			    SPLITBRAIN_REPEAT_S, wait, hist.k);
		else
			cs_warn("split brain suspected: backing off, %lld s left "
			    "before the next take-over", wait);
		splitbrain_save(dir, &hist);
		return 0;
	}
	count = state_read_int(dir, FILE_FAILED, 0) + 1;
	if (count < 1)
		count = 1;
	state_write_int(dir, FILE_FAILED, count);
	splitbrain_save(dir, &hist);
	cs_warn("MASTER without the VIP in the cloud: starting a migrate "
	    "(failed check %lld of %d)", count, t->c.fault_after);
	migrate_spawn(&t->c, "check_self", t->t0);
	if (count >= t->c.fault_after) {
		cs_err("%lld failed take-overs in a row: exiting 1 so keepalived "
		    "hands over", count);
		return 1;
	}
	return 0;
}

/* The metrics' holder gauges, as the cloud answered (all here: r = 1); this node as the
 * query just located it, in the mode's terms (ENI or next hop): no file read. */
static void note_held(const struct tick *t, const struct cloud_holder *h, int r)
{
	const char *self = migrate_self();
	int i;

	for (i = 0; i < t->c.nvip; i++)
		metrics_vip_held(h[i].vip, r || (*self && !strcmp(h[i].eni, self) && !h[i].busy));
}

/* At most every query_interval: does the cloud give every VIP to this ENI? Exit code. */
static int cloud_check(struct tick *t)
{
	static struct cloud_holder h[CFG_MAX_VIPS];
	long long now = util_now_ms(), left = t->t0 + CS_BUDGET_MS - now;
	struct splitbrain hist;
	int r;

	if (!query_due(t, now))
		return 0;
	if (left < CS_QUERY_MIN_MS) {
		cs_debug("%lld ms left, cloud check deferred to the next run", left);
		return 0;
	}
	if (migrate_running(t)) {
		cs_debug("a migrate is running, cloud check deferred");
		return 0;
	}
	state_write_int(t->c.state_dir, FILE_QUERIED, now);
	r = migrate_query(&t->c, t->t0 + CS_BUDGET_MS, h);
	if (r < 0) {
		cs_warn("cloud ownership unknown (API unreachable or slow); "
		    "staying MASTER");
		return 0;
	}
	metrics_check_self_query();
	note_held(t, h, r);
	write_result(t, r ? "true" : "false");
	if (!r)
		return held_elsewhere(t, h);
	if (state_read_int(t->c.state_dir, FILE_FAILED, 0) != 0)
		state_write_int(t->c.state_dir, FILE_FAILED, 0);
	if (eip_retry_due(&t->c, util_now_ms())) {	/* a file read: no API call unless due */
		cs_warn("an EIP re-bind failed earlier (%s/%s): retrying it with a "
		    "migrate", t->c.state_dir, FILE_EIP_PENDING);
		migrate_spawn(&t->c, "check_self", t->t0);
	}
	splitbrain_load(t->c.state_dir, &hist, now / 1000);
	if (hist.last && hist.seen < hist.last) {
		hist.seen = now / 1000;
		splitbrain_save(t->c.state_dir, &hist);
	}
	return 0;
}

/* 1 if s is "YYYY-MM-DD hh:mm:ss", the documented form of the reclaim time. */
static int spot_time_valid(const char *s)
{
	static const char form[] = "dddd-dd-dd dd:dd:dd";
	size_t i;

	for (i = 0; form[i]; i++)
		if (form[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != form[i])
			return 0;
	return s[i] == 0;
}

/* A spot instance's reclaim notice (Tencent: "Querying the Reclamation Status of a Spot
 * Instance", product/213/32487): latest/meta-data/spot/termination-time answers the reclaim
 * time, 404 when there is none or the instance is not spot. Polled at most every 5 s, no API
 * call. On a notice: a planned handover, so keepalived moves the VIP while we are alive. */
static int spot_notice(struct tick *t)
{
	long long now = util_now_ms(), age;
	char when[64];
	struct meta m;
	int r;

	if (!t->c.spot_handover || t->t0 + CS_BUDGET_MS - now < CS_META_TIMEOUT_S * 1000LL)
		return 0;	/* off, or no time left for a metadata GET this tick */
	age = age_ms(t, FILE_SPOT_POLLED, now);
	if (age >= 0 && age < CS_SPOT_POLL_MS)
		return 0;
	state_write_int(t->c.state_dir, FILE_SPOT_POLLED, now);
	memset(&m, 0, sizeof m);
	if (meta_init(&m, t->c.metadata, CS_META_TIMEOUT_S) < 0)
		return 0;
	r = meta_get(&m, CS_SPOT_PATH, when, sizeof when);
	meta_close(&m);
	if (r != 0 || !spot_time_valid(when)) {
		if (r == 0)	/* an answer that is not a reclaim time: never fault on it */
			cs_warn("metadata %s: not a reclaim time; ignored", CS_SPOT_PATH);
		return 0;
	}
	cs_warn("spot instance reclaim notice (metadata %s: %s): handing over "
	    "while this node is alive", CS_SPOT_PATH, when);
	handover_request(t->c.state_dir, "spot", CS_SPOT_HANDOVER_S);
	return 1;
}

static int master(struct tick *t)
{
	char ip[16];
	int i, r, rc = 0;

	for (i = 0; i < t->c.nvip; i++) {
		if (on_nic(t, t->c.vip[i]))
			continue;
		r = nl_addr_ensure(&t->nl, t->ifindex, t->c.vip[i], 32, 1);
		util_ipv4_str(t->c.vip[i], ip);
		if (r > 0)
			cs_info("MASTER: added VIP %s/32 to %s", ip, t->ifname);
		else if (r < 0) {
			cs_err("MASTER: cannot add VIP %s to %s", ip, t->ifname);
			rc = 1;
		}
	}
	rc = cloud_check(t) || rc;
	return spot_notice(t) || rc;
}

/* Runs restart_command detached (own session, no shell, not waited for: it restarts our parent). */
static void restart(const struct tick *t)
{
	char buf[sizeof t->c.restart_command], path[512], *argv[CFG_MAX_ARGV];
	int argc = cfg_split_argv(t->c.restart_command, buf, sizeof buf, argv, CFG_MAX_ARGV);
	pid_t pid;

	long long now = util_now_ms(), age = age_ms(t, FILE_RESTARTED, now);

	if (argc <= 0) {
		cs_warn("no restart_command to run");
		return;
	}
	if (age >= 0 && age < CS_RESTART_MIN_S * 1000LL) {
		cs_warn("restart_command ran %lld s ago; not again before %d s",
		    age / 1000, CS_RESTART_MIN_S);
		return;
	}
	if (proc_resolve(argv[0], path, sizeof path) < 0) {
		cs_err("restart_command '%s': no executable %s in " PROC_PATH,
		    t->c.restart_command, argv[0]);
		return;
	}
	state_write_int(t->c.state_dir, FILE_RESTARTED, now);
	pid = proc_spawn("check_self: restart_command", path, argv, PROC_SCRUB, NULL, NULL);
	if (pid > 0)
		cs_warn("started restart_command '%s' (pid %d)", t->c.restart_command,
		    (int)pid);
}

/* First configured VIP on the NIC, or 0. */
static uint32_t stray_vip(const struct tick *t)
{
	int i;

	for (i = 0; i < t->c.nvip; i++)
		if (on_nic(t, t->c.vip[i]))
			return t->c.vip[i];
	return 0;
}

static int not_master(struct tick *t)
{
	const char *st = *t->state ? t->state : "unknown";
	uint32_t vip = stray_vip(t);
	char ip[16];
	int i;

	if (!vip)
		return 0;
	cs_warn("state %s but VIP %s is on %s; checking again in %d s", st,
	    util_ipv4_str(vip, ip), t->ifname, t->c.recheck_delay);
	util_sleep_ms(t->c.recheck_delay * 1000LL);
	vrrp_state_read(t->c.state_dir, t->state, sizeof t->state);
	if (!strcmp(t->state, "MASTER")) {
		cs_info("became MASTER meanwhile; keeping the VIP");
		return 0;
	}
	if (nic_scan(t) < 0)
		return 1;
	if (!stray_vip(t)) {
		cs_info("the VIP left %s meanwhile", t->ifname);
		return 0;
	}
	for (i = 0; i < t->c.nvip; i++)
		if (on_nic(t, t->c.vip[i]) &&
		    nl_addr_ensure(&t->nl, t->ifindex, t->c.vip[i], 32, 0) >= 0)
			cs_warn("state %s: removed stray VIP %s from %s", st,
			    util_ipv4_str(t->c.vip[i], ip), t->ifname);
	restart(t);
	return 1;
}

int check_self_main(int argc, char **argv)
{
	static struct tick t;
	struct vrrp_view view;
	char reason[HANDOVER_REASON_MAX];
	int rc, planned;

	t.t0 = util_now_ms();
	watchdog_arm();
	if (argc > 1) {
		fmt_err("%s", check_self_usage);
		return 2;
	}
	(void)argv;
	if (tcvip_setup(&t.c) < 0) {
		/* The same broken file on both nodes must not turn a working pair into an outage:
		 * exit 2 would put both in FAULT and take the VIP off both. Keep keepalived's view. */
		cs_err("the config is broken (see above): not acting, exit 0 so that "
		    "keepalived keeps its state; fix it (vip doctor)");
		return 0;
	}
	metrics_deadline(METRICS_DEADLINE_CHECK_SELF);	/* the watchdog, armed above, counts too */
	t.nl.fd = -1;
	vrrp_view_read(t.c.state_dir, &view);
	memcpy(t.state, view.state, sizeof t.state);
	if (!*t.state) {
		warn_once(&t, &view, VRRP_WARNED_UNKNOWN, "state_dir/state is missing or "
		    "unreadable: doing nothing until keepalived's next notify");
		return 0;
	}
	if (view.stale) {
		warn_once(&t, &view, VRRP_WARNED_STALE, "the state file was not written "
		    "by the keepalived running us (it restarted, or tcvip was upgraded): doing "
		    "nothing until its next notify");
		return 0;
	}
	warn_clear(&t, &view);
	planned = handover_active(t.c.state_dir, reason, sizeof reason);
	if (planned)
		cs_warn("planned handover (%s): reporting a fault so that keepalived "
		    "hands over", reason);
	if (planned && !strcmp(t.state, "MASTER"))
		rc = 1;		/* no cloud check, no migrate: the other node takes over */
	else if (nic_open(&t) < 0) {
		cs_err("state %s: cannot inspect the NIC", *t.state ? t.state : "unknown");
		rc = 1;
	} else if (!strcmp(t.state, "MASTER"))
		rc = master(&t);
	else
		rc = not_master(&t) || planned;	/* a stray VIP still goes, also meanwhile */
	nl_close(&t.nl);
	cfg_wipe_secrets(&t.c);
	if (rc)
		metrics_check_self_fault();
	return rc;
}
