/* migrate.c: the outage path (make the cloud give every VIP to this ENI), the ownership query, the detached spawn. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cfg.h"
#include "cloud.h"
#include "disc.h"
#include "http.h"
#include "log.h"
#include "migrate.h"
#include "proc.h"
#include "state.h"
#include "tcvip.h"
#include "util.h"

#define BACKOFF_FIRST_MS 200
#define BACKOFF_MAX_MS 3000
/* A task is polled at once, then every POLL_EVERY_MS after each answer: the end is noticed
 * within POLL_EVERY_MS + one round trip, at most 1000 / POLL_EVERY_MS DescribeVpcTaskResult
 * calls a second (documented limit: 20 a second). */
#define POLL_EVERY_MS 60
#define TASK_FAILED_MAX 3	/* rounds in a row ending in a FAILED task before giving up */
#define HARD_SLACK_S 2		/* the process ends this long after migrate_timeout, stuck or not */

/* One cloud client per process: large buffers, kept out of the stack. MIGRATE_KEEP keeps it
 * set up between runs (cloud_ready). */
static struct cloud_mem cloud_mem;
static int cloud_ready;
/* Called before every look at state_dir/state (the FIFO consumer reads its events there). */
static void (*check_hook)(void *);
static void *check_arg;

struct run {
	const struct cfg *c;
	struct cloud *cl;
	struct node nd;
	int if_master;
	long long deadline;
	int backoff;			/* retries so far, for the exponential delay */
	int moved;			/* a move to this ENI succeeded in an earlier round */
	int taken_back;			/* ...and another ENI took a VIP back since: two masters */
};

static int still_master(const struct run *r)
{
	char st[32] = "";

	if (!r->if_master)
		return 1;
	if (check_hook)
		check_hook(check_arg);
	if (state_read(r->c->state_dir, FILE_STATE, st, sizeof st) >= 0 && !strcmp(st, "MASTER"))
		return 1;
	log_info("migrate: stopping, this node is no longer MASTER (state %s)", *st ? st : "none");
	return 0;
}

static int backoff_wait(struct run *r);

/* Region, VPC and this ENI: config, cache, or discovery (retried while the errors are transient). */
static int setup(struct run *r, long long deadline, int retry)
{
	r->cl = cloud_of(&cloud_mem);	/* cloud_init() done by the caller */
	cloud_set_deadline(r->cl, deadline);
	for (;;) {
		cloud_rc_clear(r->cl);
		if (disc_node(&r->nd, r->c, cloud_meta(r->cl), NULL, DISC_REGION | DISC_VPC) == 0) {
			cloud_set_region(r->cl, r->nd.region);
			if (disc_node(&r->nd, r->c, cloud_meta(r->cl), r->cl, DISC_ALL & ~DISC_IF) == 0)
				return 0;
		}
		if (!retry || cloud_last_rc(r->cl) == CLOUD_FATAL || !backoff_wait(r))
			return -1;
	}
}

/* Sleeps the next exponential, jittered delay; 0 if the deadline leaves no room. */
static int backoff_wait(struct run *r)
{
	long long d = BACKOFF_FIRST_MS << (r->backoff < 5 ? r->backoff : 5);

	if (d > BACKOFF_MAX_MS)
		d = BACKOFF_MAX_MS;
	d = d / 2 + random() % (d / 2 + 1);
	r->backoff++;
	if (util_now_ms() + d >= r->deadline)
		return 0;
	util_sleep_ms(d);
	return 1;
}

/* Outcome of one cloud change (poll_task, assign_free, migrate_held). */
enum change_rc {
	CHANGE_OK,		/* made (the task ended SUCCESS), or nothing to change */
	CHANGE_TASK_FAILED,	/* a task ended FAILED: the change was not made; look again */
	CHANGE_RACE,		/* the world moved under a call (CLOUD_RACE): back off, look again */
	CHANGE_RETRY,		/* transient error: back off, retry */
	CHANGE_STOP,		/* not MASTER any more, or out of time */
	CHANGE_FATAL,		/* retrying will not help */
};

/* Outcome of one round (round_once). */
enum round_rc {
	ROUND_DONE,		/* every VIP is on this ENI and settled */
	ROUND_CHANGED,		/* changes made: confirm with a describe at once */
	ROUND_TASK_FAILED,	/* a task ended FAILED: describe again at once */
	ROUND_WAIT,		/* a task runs, a holder raced or a transient error: back off */
	ROUND_STOP,		/* not MASTER any more, or out of time */
	ROUND_FATAL,		/* retrying will not help, or split brain */
};

static enum change_rc from_cloud(int rc)
{
	return rc == CLOUD_OK ? CHANGE_OK : rc == CLOUD_RACE ? CHANGE_RACE :
	    rc == CLOUD_FATAL ? CHANGE_FATAL : CHANGE_RETRY;
}

/* Polls a task to its end. A FAILED task is logged with its Output and not polled again. */
static enum change_rc poll_task(struct run *r, const char *what, const char *task)
{
	enum cloud_task_state st;
	char out[160];
	long long delay = 0;
	int rc;

	for (;;) {
		util_sleep_ms(delay);
		if (!still_master(r))
			return CHANGE_STOP;
		rc = cloud_task(r->cl, task, &st, out, sizeof out);
		if (rc == CLOUD_OK && st == CLOUD_TASK_SUCCESS)
			return CHANGE_OK;
		if (rc == CLOUD_OK && st == CLOUD_TASK_FAILED) {
			log_warn("migrate: %s: task %s FAILED: %s; looking again", what, task,
			    *out ? out : "(no output)");
			return CHANGE_TASK_FAILED;
		}
		if (rc == CLOUD_FATAL) {
			log_err("migrate: %s: task %s: %s", what, task, cloud_last_error(r->cl));
			return CHANGE_FATAL;
		}
		/* RUNNING, or a transient error reading it: poll again */
		delay = POLL_EVERY_MS;
		if (util_now_ms() + delay >= r->deadline)
			return CHANGE_STOP;
	}
}

static enum change_rc assign_free(struct run *r, const struct cloud_holder *h)
{
	uint32_t free_vips[CFG_MAX_VIPS];
	char task[CLOUD_ID_LEN], ips[16];
	int i, n = 0, rc;

	for (i = 0; i < r->c->nvip; i++)
		if (!*h[i].eni)
			free_vips[n++] = h[i].vip;
	if (!n)
		return CHANGE_OK;
	if (!still_master(r))
		return CHANGE_STOP;
	log_info("migrate: assigning %d unheld VIP(s) (%s...) to %s", n,
	    util_ipv4_str(free_vips[0], ips), r->nd.eni);
	rc = cloud_assign(r->cl, r->nd.vpc, r->nd.eni, free_vips, n, task);
	return rc == CLOUD_OK ? poll_task(r, "AssignPrivateIpAddresses", task) : from_cloud(rc);
}

/* Moves every VIP held by another ENI. A failed task or a race on one VIP does not stop the
 * others; the worst of those two is returned (a failed task first: it is looked at at once). */
static enum change_rc migrate_held(struct run *r, const struct cloud_holder *h)
{
	char task[CLOUD_ID_LEN], ip[16];
	enum change_rc rc, worst = CHANGE_OK;
	int i, crc;

	for (i = 0; i < r->c->nvip; i++) {
		if (!*h[i].eni || !strcmp(h[i].eni, r->nd.eni))
			continue;
		if (!still_master(r))
			return CHANGE_STOP;
		log_info("migrate: moving %s from %s to %s", util_ipv4_str(h[i].vip, ip), h[i].eni,
		    r->nd.eni);
		crc = cloud_migrate(r->cl, r->nd.vpc, h[i].vip, h[i].eni, r->nd.eni, task);
		rc = crc == CLOUD_OK ? poll_task(r, "MigratePrivateIpAddress", task) : from_cloud(crc);
		if (rc == CHANGE_TASK_FAILED)
			worst = rc;
		else if (rc == CHANGE_RACE) {
			if (worst == CHANGE_OK)
				worst = rc;
		} else if (rc != CHANGE_OK)
			return rc;
	}
	return worst;
}

/* 1 every VIP on our ENI and settled, 0 not yet; busy set if any VIP is in a running task. */
static int all_here(const struct run *r, const struct cloud_holder *h, int *busy)
{
	int i, here = 1;

	*busy = 0;
	for (i = 0; i < r->c->nvip; i++) {
		here &= !strcmp(h[i].eni, r->nd.eni) && !h[i].busy;	/* only AVAILABLE is held */
		*busy |= h[i].busy;
	}
	return here;
}

static void holders_init(const struct cfg *c, struct cloud_holder *h)
{
	int i;

	for (i = 0; i < c->nvip; i++)
		h[i].vip = c->vip[i];
}

static enum round_rc from_change(enum change_rc rc)
{
	switch (rc) {
	case CHANGE_OK:
		return ROUND_CHANGED;
	case CHANGE_TASK_FAILED:
		return ROUND_TASK_FAILED;
	case CHANGE_RACE:
	case CHANGE_RETRY:
		return ROUND_WAIT;
	case CHANGE_STOP:
		return ROUND_STOP;
	case CHANGE_FATAL:
	default:
		return ROUND_FATAL;
	}
}

/* One round: describe, then assign the unheld VIPs and move the held ones. */
static enum round_rc round_once(struct run *r, struct cloud_holder *h, char prev[][CLOUD_ID_LEN])
{
	enum change_rc rc;
	int crc, busy, i, changed = 0;

	if (!still_master(r))
		return ROUND_STOP;
	crc = cloud_holders(r->cl, r->nd.vpc, h, r->c->nvip);
	if (crc != CLOUD_OK)
		return crc == CLOUD_FATAL ? ROUND_FATAL : ROUND_WAIT;
	if (all_here(r, h, &busy))
		return ROUND_DONE;
	for (i = 0; i < r->c->nvip && r->moved; i++)
		if (*h[i].eni && strcmp(h[i].eni, r->nd.eni) && !h[i].busy) {
			log_warn("migrate: split brain suspected: %s took a VIP back right after "
			    "this node took it; not fighting over it", h[i].eni);
			r->taken_back = 1;
			return ROUND_FATAL;
		}
	for (i = 0; i < r->c->nvip; i++) {
		changed |= prev[i][0] && strcmp(prev[i], h[i].eni);
		util_copy(prev[i], CLOUD_ID_LEN, h[i].eni);
	}
	if (changed)
		log_warn("migrate: a VIP holder changed underneath; starting over");
	if (busy)
		return ROUND_WAIT;
	rc = assign_free(r, h);
	if (rc == CHANGE_OK || rc == CHANGE_TASK_FAILED || rc == CHANGE_RACE) {
		enum change_rc m = migrate_held(r, h);	/* the held VIPs too, whatever the assign did */

		if (m != CHANGE_OK && m != CHANGE_RACE && m != CHANGE_TASK_FAILED)
			rc = m;
		else if (rc == CHANGE_OK || m == CHANGE_TASK_FAILED)
			rc = m;
	}
	r->moved |= rc == CHANGE_OK;
	return from_change(rc);
}

static void record(const struct run *r, const char *result, long long t0)
{
	char line[160];
	int n = util_fmt(line, sizeof line, "time=%lld result=%s duration_ms=%lld calls=%u\n",
	    (long long)time(NULL), result, util_now_ms() - t0, r->cl ? cloud_calls(r->cl) : 0);

	if (n > 0)
		state_write(r->c->state_dir, FILE_LAST_MIGRATE, line, (size_t)n, 0600);
}

static int migrate_loop(struct run *r)
{
	static struct cloud_holder h[CFG_MAX_VIPS];
	static char prev[CFG_MAX_VIPS][CLOUD_ID_LEN];
	enum round_rc rc;
	int failed_tasks = 0;

	holders_init(r->c, h);
	for (;;) {
		rc = round_once(r, h, prev);
		if (rc == ROUND_DONE)
			return MIGRATE_DONE;
		if (!still_master(r))
			return MIGRATE_NOT_MASTER;
		if (rc == ROUND_FATAL || rc == ROUND_STOP || util_now_ms() >= r->deadline)
			return MIGRATE_FAILED;
		if (rc == ROUND_TASK_FAILED && ++failed_tasks >= TASK_FAILED_MAX) {
			log_err("migrate: %d rounds in a row ended in a FAILED task; giving up",
			    failed_tasks);
			return MIGRATE_FAILED;
		}
		if (rc != ROUND_TASK_FAILED)
			failed_tasks = 0;
		/* changes made or a task failed: describe at once; a task runs or errors: back off */
		if (rc == ROUND_WAIT && !backoff_wait(r))
			return MIGRATE_FAILED;
	}
}

/* The hard timer: whatever call the migrate is stuck in (DNS has no timeout), the process
 * ends, releasing the lock, HARD_SLACK_S after the soft deadline. */
static void hard_arm(const struct cfg *c)
{
	int s = c->migrate_timeout + HARD_SLACK_S;
	char msg[160];

	if (util_fmt(msg, sizeof msg, "migrate: hard deadline: still running %d s after taking "
	    "%s/lock (stuck in a call); exiting 1", s, c->state_dir) < 0)
		util_copy(msg, sizeof msg, "migrate: hard deadline: still running; exiting 1");
	if (log_deadline(s * 1000LL, MIGRATE_FAILED, msg) < 0)
		log_warn("migrate: cannot arm the hard deadline timer");
}

/* The kept client, else a new one; its call count restarts. 0, or -1 (logged). */
static int client_ready(const struct cfg *c)
{
	if (!cloud_ready) {
		if (cloud_init(cloud_of(&cloud_mem), c, "") < 0)
			return -1;
		cloud_ready = 1;
	}
	cloud_calls_reset(cloud_of(&cloud_mem));
	return 0;
}

int migrate_run(const struct cfg *c, unsigned flags)
{
	struct run r = { .c = c, .if_master = !!(flags & MIGRATE_IF_MASTER) };
	long long t0 = util_now_ms(), waited;
	unsigned long hs = http_stat_handshakes;
	int lock, rc;

	srandom((unsigned)(t0 ^ getpid()));
	lock = state_lock(c->state_dir, c->migrate_timeout * 1000LL);
	if (lock < 0) {
		/* nothing was done: nothing is recorded (last_migrate is evidence for check_self) */
		log_err("migrate: %s/lock: another migrate still running after %d s; this one "
		    "did nothing", c->state_dir, c->migrate_timeout);
		return MIGRATE_FAILED;
	}
	waited = util_now_ms() - t0;
	t0 += waited;	/* the budget starts once the lock is held */
	if (waited >= 1000)
		log_info("migrate: waited %lld ms for %s/lock", waited, c->state_dir);
	r.deadline = t0 + c->migrate_timeout * 1000LL;
	if (flags & MIGRATE_HARD_DEADLINE)
		hard_arm(c);
	if (!still_master(&r))
		rc = MIGRATE_NOT_MASTER;
	else if (client_ready(c) < 0)
		rc = MIGRATE_CONFIG;
	else if (setup(&r, r.deadline, 1) < 0)
		rc = MIGRATE_FAILED;
	else
		rc = migrate_loop(&r);
	if (rc == MIGRATE_DONE)
		log_info("migrate: every VIP is on %s (%lld ms, %u API calls, %lu TLS handshakes)",
		    r.nd.eni, util_now_ms() - t0, cloud_calls(r.cl), http_stat_handshakes - hs);
	else if (rc == MIGRATE_FAILED)
		log_err("migrate: failed after %lld ms: %s", util_now_ms() - t0,
		    r.cl && *cloud_error_code(r.cl) ? cloud_last_error(r.cl) : "see above");
	if (rc == MIGRATE_FAILED && r.cl && cloud_last_rc(r.cl) == CLOUD_FATAL)
		rc = MIGRATE_REFUSED;	/* auth, permission, parameters: retrying will not help */
	record(&r, rc == MIGRATE_DONE ? "done" : rc == MIGRATE_NOT_MASTER ? "not-master" :
	    r.taken_back ? "taken-back" : "failed", t0);
	if (!(flags & MIGRATE_KEEP) && cloud_ready) {
		cloud_close(cloud_of(&cloud_mem));
		cloud_ready = 0;
	}
	if (flags & MIGRATE_HARD_DEADLINE)
		log_deadline(0, 0, "");
	state_unlock(lock);
	return rc;
}

int migrate_prepare(const struct cfg *c)
{
	struct run r = { .c = c };
	int rc;

	if (client_ready(c) < 0)
		return -1;
	r.deadline = util_now_ms() + c->timeout * 1000LL;
	if (setup(&r, r.deadline, 0) < 0)
		return -1;
	rc = cloud_warm(cloud_of(&cloud_mem));
	if (rc != CLOUD_OK)
		log_warn("migrate: %s: cannot get ready (%s); a migrate will try again", cloud_host(cloud_of(&cloud_mem)),
		    rc == CLOUD_FATAL ? "credentials or trust anchors" : "not reachable");
	return rc == CLOUD_OK ? 0 : -1;
}

int migrate_conn_fd(void)
{
	return cloud_ready ? cloud_conn_fd(cloud_of(&cloud_mem)) : -1;
}

void migrate_conn_drop(void)
{
	if (cloud_ready)
		cloud_conn_drop(cloud_of(&cloud_mem));
}

void migrate_set_check_hook(void (*fn)(void *), void *arg)
{
	check_hook = fn;
	check_arg = arg;
}

int migrate_query(const struct cfg *c, long long deadline_ms, struct cloud_holder *out)
{
	static struct cloud_holder h[CFG_MAX_VIPS];
	struct run r = { .c = c, .deadline = deadline_ms };
	int rc = -1, busy, i;

	holders_init(c, h);
	if (cloud_init(cloud_of(&cloud_mem), c, "") == 0 && setup(&r, deadline_ms, 0) == 0 &&
	    cloud_holders(r.cl, r.nd.vpc, h, c->nvip) == CLOUD_OK)
		rc = all_here(&r, h, &busy);
	if (out)
		for (i = 0; i < c->nvip; i++)
			out[i] = h[i];
	if (r.cl)
		cloud_close(r.cl);
	return rc;
}

int migrate_spawn(const struct cfg *c)
{
	char *argv[6];
	int argc = 0;

	argv[argc++] = "vip";
	if (tcvip.verbose)
		argv[argc++] = "-v";
	argv[argc++] = "migrate";
	argv[argc++] = "--if-master";
	argv[argc] = NULL;
	/* The environment is kept: TENCENTCLOUD_SECRET_* may be the credentials it needs. */
	return proc_spawn("migrate", "/proc/self/exe", argv, 0, "TCVIP_CONFIG", c->path) < 0 ? -1 : 0;
}
