/* drill.c: vip drill: a timed test failover of a healthy pair, started on its master. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cloud.h"
#include "drill.h"
#include "handover.h"
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
	long long t0, fault, nic_off, moved, backup;
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

/* 1 if every VIP is on this node in the cloud, 0 if not (holder copied), -1 unknown. */
static int cloud_here(struct drill *d, long long budget_ms)
{
	static struct cloud_holder h[CFG_MAX_VIPS];
	int r = migrate_query(d->c, util_now_ms() + budget_ms, h), i;

	if (r != 0)
		return r;
	for (i = 0; i < d->c->nvip; i++)
		if (h[i].busy || !*h[i].eni || !strcmp(h[i].eni, d->eni))
			return -1;	/* still moving, or only partly moved */
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
		fprintf(stderr, "vip drill: this node is %s, not MASTER: run the drill on the master\n",
		    *state ? state : "in no known state");
		return 1;
	}
	d->eni[0] = 0;	/* cloud_here's query locates this node (ENI, or route mode's next hop) */
	r = cloud_here(d, 5000);
	util_copy(d->eni, sizeof d->eni, migrate_self());
	if (!*d->eni) {
		fprintf(stderr, "vip drill: cannot tell this node's id in the cloud (vip doctor)\n");
		return 1;
	}
	if (r != 1) {
		fprintf(stderr, "vip drill: the cloud does not give every VIP to this node (%s): "
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
		if (cloud_here(d, DRILL_CLOUD_EVERY_MS * 2) == 0)
			d->moved = util_now_ms() - d->t0;
	}
	if (d->moved >= 0 && d->backup < 0 && !strcmp(state, "BACKUP"))
		d->backup = at;
}

static void row(const char *what, long long ms)
{
	if (ms < 0)
		printf("  %-40s %10s\n", what, "not seen");
	else
		printf("  %-40s %8lld.%03lld s\n", what, ms / 1000, ms % 1000);
}

static void report(const struct drill *d)
{
	char moved[96];

	util_fmt(moved, sizeof moved, "cloud: VIP on %s", *d->holder ? d->holder : "another node");
	printf("vip drill: planned handover from %s\n", d->eni);
	row("check_self reports a fault (request set)", 0);
	row("keepalived: this node leaves MASTER", d->fault);
	row("VIP off this node's NIC", d->nic_off);
	row(moved, d->moved);
	row("this node BACKUP (request cleared)", d->backup);
	fflush(stdout);
}

int drill_run(const struct cfg *c, int timeout_s)
{
	static struct drill d;
	long long end;

	memset(&d, 0, sizeof d);
	d.c = c;
	d.fault = d.nic_off = d.moved = d.backup = -1;
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
	for (end = d.t0 + timeout_s * 1000LL; !drill_stop && util_now_ms() < end && d.moved < 0;)
		watch_once(&d), util_sleep_ms(DRILL_TICK_MS);
	if (handover_clear(c->state_dir) < 0) {
		fprintf(stderr, "vip drill: cannot remove %s/handover: check_self reports a fault "
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
