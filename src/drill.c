/* drill.c: vip drill: a timed test failover of a healthy pair, started on its master. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cloud.h"
#include "drill.h"
#include "fmt.h"
#include "handover.h"
#include "katimers.h"
#include "log.h"
#include "migrate.h"
#include "nl.h"
#include "util.h"
#include "vrrp.h"

#define DRILL_TICK_MS 100
#define DRILL_CLOUD_EVERY_MS 500	/* one describe per this, at most */
#define DRILL_SETTLE_S 30		/* after the move: how long to wait for BACKUP */

/* Phases, in ms after the request; -1 = not seen. */
struct drill {
	const struct cfg *c;
	char eni[64], holder[CLOUD_ID_LEN];
	long long t0, wall0, fault, nic_off, task, moved, backup;
	long long next_cloud;
	struct nl nl;
};

static volatile sig_atomic_t drill_stop;

static void on_signal(int sig)
{
	drill_stop = sig;
}

static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/* 1 if every VIP is on this node's ENI in the cloud, 0 if not (holder copied), 2 a task is
 * moving one, -1 unknown or only partly moved. */
static int cloud_here(struct drill *d, long long budget_ms)
{
	static struct cloud_holder h[CFG_MAX_VIPS];
	int r = migrate_query(d->c, util_now_ms() + budget_ms, h), i;

	if (r != 0)
		return r;
	for (i = 0; i < d->c->nvip; i++)
		if (h[i].busy)
			return 2;
	for (i = 0; i < d->c->nvip; i++)
		if (!*h[i].eni || !strcmp(h[i].eni, d->eni))
			return -1;	/* only partly moved */
	util_copy(d->holder, sizeof d->holder, h[0].eni);
	return 0;
}

static int vips_on_nic(struct drill *d)
{
	char ifname[16];
	int i;

	for (i = 0; i < d->c->nvip; i++)
		if (nl_ifname_by_addr(&d->nl, d->c->vip[i], ifname) == 0)
			return 1;
	return 0;
}

/* Refuses unless this node is master and holder. 0 or 1 (said why). */
static int preflight(struct drill *d)
{
	char state[VRRP_STATE_MAX];
	int r;

	vrrp_state_read(d->c->state_dir, state, sizeof state);
	if (strcmp(state, "MASTER")) {
		fmt_err("vip drill: this node is %s, not MASTER: run the drill on the master\n",
		    *state ? state : "in no known state");
		return 1;
	}
	d->eni[0] = 0;	/* cloud_here's query locates this node (ENI, or route mode's next hop) */
	r = cloud_here(d, 5000);
	util_copy(d->eni, sizeof d->eni, migrate_self());
	if (!*d->eni) {
		fmt_err("vip drill: cannot tell this node's id in the cloud (vip doctor)\n");
		return 1;
	}
	if (r != 1) {
		fmt_err("vip drill: the cloud does not give every VIP to this node (%s): "
		    "not a healthy master, no drill\n", d->eni);
		return 1;
	}
	return 0;
}

/* One look at keepalived's state, the NIC and (every 500 ms) the cloud. */
static void watch_once(struct drill *d)
{
	long long now = util_now_ms(), at = now - d->t0;
	char state[VRRP_STATE_MAX];

	vrrp_state_read(d->c->state_dir, state, sizeof state);
	if (d->fault < 0 && strcmp(state, "MASTER"))
		d->fault = at;
	if (d->nic_off < 0 && !vips_on_nic(d))
		d->nic_off = at;
	if (d->moved < 0 && now >= d->next_cloud) {
		d->next_cloud = now + DRILL_CLOUD_EVERY_MS;
		switch (cloud_here(d, DRILL_CLOUD_EVERY_MS * 2)) {
		case 2:
			if (d->task < 0)	/* the describe's send: when the task was seen */
				d->task = at;
			break;
		case 0:
			d->moved = util_now_ms() - d->t0;
			break;
		default:
			break;
		}
	}
	if (d->moved >= 0 && d->backup < 0 && !strcmp(state, "BACKUP"))
		d->backup = at;
}

/* "1.000 s" and then tail, into buf (64 bytes). */
static const char *secs(char *buf, long long ms, const char *tail)
{
	util_fmt(buf, 64, "%lld.%03lld s%s", ms / 1000, ms % 1000, tail);
	return buf;
}

/* One phase: its time after the request and what bounds it ("" none). */
static void row(const char *what, long long ms, const char *bound)
{
	char at[64];

	fmt_out("  %-44s %12s%s%s\n", what, ms < 0 ? "not seen" : secs(at, ms, ""),
	    *bound ? "    " : "", bound);
}

/* "1.000 s" (named in keepalived.conf) or "1.000 s (keepalived's default)". */
static const char *timer(char *buf, long long ms, int named)
{
	return secs(buf, ms, named ? "" : " (not named: keepalived's default)");
}

/* The VRRP timers the phases are held against, from keepalived.conf beside tcvip.conf. */
static void timers(const struct drill *d, struct katimers *k)
{
	char beside[300], adv[64], iv[64];
	const char *paths[2] = { beside, "/etc/keepalived/keepalived.conf" };
	const char *slash = strrchr(d->c->path, '/');

	if (!slash || util_fmt(beside, sizeof beside, "%.*s/keepalived.conf",
	    (int)(slash - d->c->path), d->c->path) < 0)
		util_copy(beside, sizeof beside, paths[1]);
	if (katimers_read(k, paths, 2) < 0)
		fmt_out("VRRP timers: no keepalived.conf at %s: keepalived's defaults assumed\n", beside);
	else
		fmt_out("VRRP timers from %s:\n", k->path);
	fmt_out("  advert_int %s, priority %d%s, check_self every %s\n",
	    timer(adv, k->advert_ms, k->named & KATIMERS_ADVERT), k->priority,
	    k->named & KATIMERS_PRIORITY ? "" : " (not named: keepalived's default)",
	    timer(iv, k->interval_ms, k->named & KATIMERS_INTERVAL));
}

static void report(const struct drill *d)
{
	char moved[96], b1[160], b2[200], b3[160], when[40], s1[64], s2[64];
	struct katimers k;

	util_utc_str(d->wall0 / 1000, when);
	fmt_out("vip drill: planned handover from %s, started %s.%03lld UTC (unix %lld.%03lld)\n",
	    d->eni, when, d->wall0 % 1000, d->wall0 / 1000, d->wall0 % 1000);
	timers(d, &k);
	util_fmt(moved, sizeof moved, "cloud: VIP on %s", *d->holder ? d->holder : "another node");
	util_fmt(b1, sizeof b1, "<= %s: check_self's next run (interval)",
	    secs(s1, k.interval_ms, ""));
	util_fmt(b2, sizeof b2, "peer MASTER %s after our priority-0 advert (skew), "
	    "%s if adverts just stop (3 x advert_int + skew); then its migrate",
	    secs(s1, katimers_skew_ms(&k), ""), secs(s2, katimers_master_down_ms(&k), ""));
	if (d->task >= 0 && d->moved >= d->task)
		util_fmt(b3, sizeof b3, "the task: %s from first seen (the cloud is looked "
		    "at every %d ms)", secs(s1, d->moved - d->task, ""), DRILL_CLOUD_EVERY_MS);
	else
		util_fmt(b3, sizeof b3, "the task ended between two looks (every %d ms)",
		    DRILL_CLOUD_EVERY_MS);
	fmt_out("  %-44s %10s      %s\n", "phase", "at", "bounded by");
	row("check_self reports a fault (request set)", 0, "");
	row("keepalived: this node leaves MASTER", d->fault, b1);
	row("VIP off this node's NIC", d->nic_off, "keepalived removes it as it leaves MASTER");
	row("cloud: a task moves the VIP (first seen)", d->task, b2);
	row(moved, d->moved, d->moved >= 0 ? b3 : "");
	row("this node BACKUP (request cleared)", d->backup, "");
}

int drill_run(const struct cfg *c, int timeout_s)
{
	static struct drill d;
	long long end;

	memset(&d, 0, sizeof d);
	d.c = c;
	d.fault = d.nic_off = d.task = d.moved = d.backup = -1;
	d.nl.fd = -1;
	if (nl_open(&d.nl) < 0 || preflight(&d)) {
		nl_close(&d.nl);
		return 1;
	}
	catch_signals();
	if (handover_request(c->state_dir, "drill", timeout_s + 5) < 0)
		return nl_close(&d.nl), 1;
	log_info("vip drill: handing over from %s (at most %d s)", d.eni, timeout_s);
	d.t0 = util_now_ms();
	d.wall0 = util_wall_ms();
	for (end = d.t0 + timeout_s * 1000LL; !drill_stop && util_now_ms() < end && d.moved < 0;)
		watch_once(&d), util_sleep_ms(DRILL_TICK_MS);
	if (handover_clear(c->state_dir) < 0) {
		fmt_err("vip drill: cannot remove %s/handover: check_self reports a fault "
		    "until its deadline (%d s); remove it by hand\n", c->state_dir, timeout_s + 5);
		nl_close(&d.nl);
		return 1;
	}
	for (end = util_now_ms() + DRILL_SETTLE_S * 1000LL;
	    !drill_stop && d.moved >= 0 && d.backup < 0 && util_now_ms() < end;)
		watch_once(&d), util_sleep_ms(DRILL_TICK_MS);
	nl_close(&d.nl);
	report(&d);
	log_info("vip drill: %s (moved at %lld ms, BACKUP at %lld ms)",
	    drill_stop ? "interrupted" : d.moved >= 0 ? "the VIP moved" : "the VIP did not move",
	    d.moved, d.backup);
	return drill_stop ? 130 : d.moved >= 0 ? 0 : 1;
}
