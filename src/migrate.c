/* migrate.c: the outage path over a mode's table of cloud calls (struct migrate_ops), the ownership query, the detached spawn. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cfg.h"
#include "http.h"
#include "log.h"
#include "metrics.h"
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

/* The call's class, remembered: a run that fails on CLOUD_FATAL is REFUSED; and its error
 * code ("Code: message (RequestId ...)" up to the colon) for the phases record. */
static enum cloud_rc note(struct migrate *r, enum cloud_rc rc)
{
	const char *e;
	size_t n;

	r->last_rc = rc;
	if (rc != CLOUD_OK && *(e = r->ops->last_error(r->ctx))) {
		n = strcspn(e, ": ");
		if (n >= sizeof r->ph.error)
			n = sizeof r->ph.error - 1;
		memcpy(r->ph.error, e, n);
		r->ph.error[n] = 0;
	}
	return rc;
}

void migrate_mark(struct migrate *r, enum migrate_phase ph)
{
	phases_mark(&r->ph, ph);
}

static int still_master(const struct migrate *r)
{
	char st[32] = "";

	if (!r->if_master)
		return 1;
	if (r->check_hook)
		r->check_hook(r->check_arg);
	if (state_read(r->c->state_dir, FILE_STATE, st, sizeof st) >= 0 && !strcmp(st, "MASTER"))
		return 1;
	log_info("migrate: stopping, this node is no longer MASTER (state %s)", *st ? st : "none");
	return 0;
}

/* The guard a mode's multi-call move asks before each further change (ops->set_guard). */
static int go_on(void *arg)
{
	return still_master(arg);
}

/* The backoff's jitter: xorshift32, seeded per migrate (not libc's random(): its lock and state). */
static unsigned jitter_state = 1;

static unsigned jitter(void)
{
	unsigned x = jitter_state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return jitter_state = x;
}

/* Sleeps the next exponential, jittered delay; 0 if the deadline leaves no room. */
static int backoff_wait(struct migrate *r)
{
	long long d = BACKOFF_FIRST_MS << (r->backoff < 5 ? r->backoff : 5);

	if (d > BACKOFF_MAX_MS)
		d = BACKOFF_MAX_MS;
	d = d / 2 + (long long)(jitter() % (unsigned)(d / 2 + 1));
	r->backoff++;
	if (util_now_ms() + d >= r->deadline)
		return 0;
	r->retries++;
	util_sleep_ms(d);
	return 1;
}

/* This node's holder id (retried while the errors are transient, if retry). 0 or -1. */
static int locate(struct migrate *r, int retry)
{
	for (;;) {
		if (note(r, r->ops->locate(r->ctx, r->deadline, r->self)) == CLOUD_OK)
			return 0;
		if (!retry || r->last_rc == CLOUD_FATAL || !backoff_wait(r))
			return -1;
	}
}

/* The client opened if not yet (kept by MIGRATE_KEEP); its call count restarts. 0 or -1. */
static int client_ready(struct migrate *r)
{
	if (!r->open) {
		if (r->ops->open(r->ctx, r->c) < 0)
			return -1;
		r->open = 1;
	}
	if (r->ops->set_guard)
		r->ops->set_guard(r->ctx, go_on, r);
	r->ops->calls_reset(r->ctx);
	r->used = 1;
	return 0;
}

static void client_done(struct migrate *r)
{
	if (r->open)
		r->ops->close(r->ctx);
	r->open = 0;
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
	ROUND_DONE,		/* every VIP is on this node and settled */
	ROUND_CHANGED,		/* changes made: confirm with a describe at once */
	ROUND_TASK_FAILED,	/* a task ended FAILED: describe again at once */
	ROUND_WAIT,		/* a task runs, a holder raced or a transient error: back off */
	ROUND_STOP,		/* not MASTER any more, or out of time */
	ROUND_FATAL,		/* retrying will not help, or split brain */
	ROUND_LOOK,		/* a guessed holder was wrong: describe at once */
	ROUND_SKIP,		/* nothing known to guess from: a normal round */
};

static enum change_rc from_cloud(int rc)
{
	return rc == CLOUD_OK ? CHANGE_OK : rc == CLOUD_RACE ? CHANGE_RACE :
	    rc == CLOUD_FATAL ? CHANGE_FATAL : CHANGE_RETRY;
}

/* ---- the holders last learnt (state_dir/holders): where the first move starts ---- */
#define HOLDERS_CACHE FILE_HOLDERS

/* Reads r->known and r->peer for the configured VIPs ("" where the cache says nothing). */
static void known_load(struct migrate *r)
{
	char text[CFG_MAX_VIPS * (20 + 2 * CLOUD_ID_LEN)], *line, *save = NULL, *w[3];
	uint32_t a;
	int i;

	memset(r->known, 0, sizeof r->known);
	memset(r->peer, 0, sizeof r->peer);
	r->left_since = state_mtime_ns(r->c->state_dir, FILE_STATE) >
	    state_mtime_ns(r->c->state_dir, HOLDERS_CACHE);
	if (state_read_cache(r->c->state_dir, HOLDERS_CACHE, text, sizeof text) < 0)
		return;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (util_words(line, w, 3) != 3 || util_ipv4_parse(w[0], &a) < 0)
			continue;
		for (i = 0; i < r->c->nvip; i++)
			if (r->c->vip[i] == a) {
				util_copy(r->known[i], CLOUD_ID_LEN, strcmp(w[1], "-") ? w[1] : "");
				util_copy(r->peer[i], CLOUD_ID_LEN, strcmp(w[2], "-") ? w[2] : "");
			}
	}
}

/* Writes r->known and r->peer. Rewritten after every describe even when unchanged: its
 * mtime is when "held here" was last seen, compared with state_dir/state's (known_load). */
static void known_store(const struct migrate *r, int changed)
{
	char text[CFG_MAX_VIPS * (20 + 2 * CLOUD_ID_LEN)], ip[16];
	size_t len = 0;
	int i, n;

	for (i = 0; i < r->c->nvip && changed; i++) {
		n = util_fmt(text + len, sizeof text - len, "%s %s %s\n", util_ipv4_str(r->c->vip[i], ip),
		    *r->known[i] ? r->known[i] : "-", *r->peer[i] ? r->peer[i] : "-");
		if (n < 0)
			return;
		len += (size_t)n;
	}
	if (changed)
		state_replace(r->c->state_dir, HOLDERS_CACHE, text, len, 0600);
}

/* VIP i is held by eni ("" nobody) as far as we know now; 1 if that is news. */
static int known_set(struct migrate *r, int i, const char *eni)
{
	int news = strcmp(r->known[i], eni) != 0;

	util_copy(r->known[i], CLOUD_ID_LEN, eni);
	if (*eni && strcmp(eni, r->self) && strcmp(r->peer[i], eni)) {
		util_copy(r->peer[i], CLOUD_ID_LEN, eni);
		news = 1;
	}
	return news;
}

/* After a describe: every VIP's holder learnt. */
static void known_note(struct migrate *r)
{
	int i, changed = 0;

	for (i = 0; i < r->c->nvip; i++)
		changed |= known_set(r, i, r->h[i].eni);
	known_store(r, changed | 1);
}

/* Polls a task to its end. A FAILED task is logged with its Output and not polled again. */
static enum change_rc poll_task(struct migrate *r, const char *what, const char *task)
{
	enum cloud_task_state st;
	char out[160];
	long long delay = 0;
	int rc;

	for (;;) {
		util_sleep_ms(delay);
		if (!still_master(r))
			return CHANGE_STOP;
		rc = note(r, r->ops->poll(r->ctx, task, &st, out, sizeof out));
		if (rc == CLOUD_OK && st != CLOUD_TASK_RUNNING)
			migrate_mark(r, PHASE_TASK_ENDED);
		if (rc == CLOUD_OK && st == CLOUD_TASK_SUCCESS)
			return CHANGE_OK;
		if (rc == CLOUD_OK && st == CLOUD_TASK_FAILED) {
			log_warn("migrate: %s: task %s FAILED: %s; looking again", what, task,
			    *out ? out : "(no output)");
			return CHANGE_TASK_FAILED;
		}
		if (rc == CLOUD_FATAL) {
			log_err("migrate: %s: task %s: %s", what, task, r->ops->last_error(r->ctx));
			return CHANGE_FATAL;
		}
		/* RUNNING, or a transient error reading it: poll again */
		delay = POLL_EVERY_MS;
		if (util_now_ms() + delay >= r->deadline)
			return CHANGE_STOP;
	}
}

static enum change_rc assign_free(struct migrate *r)
{
	uint32_t free_vips[CFG_MAX_VIPS];
	char task[CLOUD_ID_LEN], ips[16];
	int i, n = 0, rc;

	for (i = 0; i < r->c->nvip; i++)
		if (!*r->h[i].eni)
			free_vips[n++] = r->h[i].vip;
	if (!n)
		return CHANGE_OK;
	if (!still_master(r))
		return CHANGE_STOP;
	log_info("migrate: assigning %d unheld VIP(s) (%s...) to %s", n,
	    util_ipv4_str(free_vips[0], ips), r->self);
	rc = note(r, r->ops->assign(r->ctx, free_vips, n, r->self, task));
	if (rc == CLOUD_OK)
		migrate_mark(r, PHASE_ACCEPTED);
	return rc == CLOUD_OK ? poll_task(r, "assign", task) : from_cloud(rc);
}

/* Moves every VIP held by another node. A failed task or a race on one VIP does not stop the
 * others; the worst of those two is returned (a failed task first: it is looked at at once). */
static enum change_rc migrate_held(struct migrate *r)
{
	const struct cloud_holder *h = r->h;
	char task[CLOUD_ID_LEN], ip[16];
	enum change_rc rc, worst = CHANGE_OK;
	int i, crc;

	for (i = 0; i < r->c->nvip; i++) {
		if (!*h[i].eni || !strcmp(h[i].eni, r->self))
			continue;
		if (!still_master(r))
			return CHANGE_STOP;
		log_info("migrate: moving %s from %s to %s", util_ipv4_str(h[i].vip, ip), h[i].eni,
		    r->self);
		crc = note(r, r->ops->move(r->ctx, h[i].vip, h[i].eni, r->self, task));
		if (crc == CLOUD_OK)
			migrate_mark(r, PHASE_ACCEPTED);
		rc = crc == CLOUD_OK ? poll_task(r, "move", task) : from_cloud(crc);
		if (rc == CHANGE_OK)
			known_store(r, known_set(r, i, h[i].eni) | known_set(r, i, r->self));
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

/* 1 every VIP settled on this node, 0 not yet; busy set if any VIP is in a running task. */
static int all_here(const struct migrate *r, int *busy)
{
	int i, here = 1;

	*busy = 0;
	for (i = 0; i < r->c->nvip; i++) {
		here &= r->ops->confirm(r->ctx, &r->h[i], r->self);
		*busy |= r->h[i].busy;
	}
	return here;
}

static void holders_init(struct migrate *r)
{
	int i;

	memset(r->h, 0, sizeof r->h);
	memset(r->prev, 0, sizeof r->prev);
	for (i = 0; i < r->c->nvip; i++)
		r->h[i].vip = r->c->vip[i];
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

/* After a move succeeded, another node taking a VIP back is a second master: 1 if so. */
static int taken_back(struct migrate *r)
{
	int i;

	for (i = 0; i < r->c->nvip && r->moved; i++)
		if (*r->h[i].eni && strcmp(r->h[i].eni, r->self) && !r->h[i].busy) {
			log_warn("migrate: split brain suspected: %s took a VIP back right after "
			    "this node took it; not fighting over it", r->h[i].eni);
			r->taken_back = 1;
			return 1;
		}
	return 0;
}

static void note_changed_holders(struct migrate *r)
{
	int i, changed = 0;

	for (i = 0; i < r->c->nvip; i++) {
		changed |= r->prev[i][0] && strcmp(r->prev[i], r->h[i].eni);
		util_copy(r->prev[i], CLOUD_ID_LEN, r->h[i].eni);
	}
	if (changed)
		log_warn("migrate: a VIP holder changed underneath; starting over");
}

/* One round: describe, then assign the unheld VIPs and move the held ones. */
static enum round_rc round_once(struct migrate *r)
{
	enum change_rc rc;
	int crc, busy;

	if (!still_master(r))
		return ROUND_STOP;
	migrate_mark(r, PHASE_REQUEST);
	crc = note(r, r->ops->find_holders(r->ctx, r->h, r->c->nvip));
	if (crc != CLOUD_OK)
		return crc == CLOUD_FATAL ? ROUND_FATAL : ROUND_WAIT;
	known_note(r);
	if (all_here(r, &busy)) {
		migrate_mark(r, PHASE_CONFIRMED);
		return ROUND_DONE;
	}
	if (taken_back(r))
		return ROUND_FATAL;
	note_changed_holders(r);
	if (busy)
		return ROUND_WAIT;
	rc = assign_free(r);
	if (rc == CHANGE_OK || rc == CHANGE_TASK_FAILED || rc == CHANGE_RACE) {
		enum change_rc m = migrate_held(r);	/* the held VIPs too, whatever the assign did */

		if (m != CHANGE_OK && m != CHANGE_RACE && m != CHANGE_TASK_FAILED)
			rc = m;
		else if (rc == CHANGE_OK || m == CHANGE_TASK_FAILED)
			rc = m;
	}
	r->moved |= rc == CHANGE_OK;
	return from_change(rc);
}

/* The first round, when every VIP has a likely holder other than this node: the moves go out
 * at once, without a describe. Any refusal may be the guess's fault (the source no longer
 * holds it: AttachmentNotFound, ResourceNotFound, or a code API 2 spells otherwise), so it is
 * looked at (ROUND_LOOK) and decided again, never re-sent as it was. */
static enum round_rc round_optimistic(struct migrate *r)
{
	enum change_rc rc;
	const char *guess;
	int i;

	if (!r->ops->guess_ok)
		return ROUND_SKIP;
	for (i = 0; i < r->c->nvip; i++) {
		/* held here when last seen: gone only if keepalived moved us since (the peer took it) */
		guess = strcmp(r->known[i], r->self) ? r->known[i] : r->left_since ? r->peer[i] : "";
		if (!*guess || !strcmp(guess, r->self))
			return ROUND_SKIP;
		util_copy(r->h[i].eni, CLOUD_ID_LEN, guess);
		r->h[i].busy = 0;
	}
	if (!still_master(r))
		return ROUND_STOP;
	log_debug("migrate: moving from the last known holders, no describe first");
	migrate_mark(r, PHASE_REQUEST);
	rc = migrate_held(r);
	r->moved |= rc == CHANGE_OK;
	return rc == CHANGE_RACE || rc == CHANGE_FATAL ? ROUND_LOOK : from_change(rc);
}

/* The run's end: state_dir/last_migrate, the final log line, the metrics. */
static void record(struct migrate *r, const char *result, long long t0)
{
	char line[PHASES_RECORD_MAX];
	int i;

	phases_end(&r->ph, result, util_now_ms() - t0, r->used ? r->ops->calls(r->ctx) : 0,
	    r->retries);
	phases_save(r->c->state_dir, &r->ph);
	if (phases_log_line(&r->ph, line, sizeof line) > 0)
		log_msg(strcmp(result, "done") && strcmp(result, "not-master") ? LOG_ERR : LOG_INFO,
		    "migrate: %s", line);
	metrics_migration(&r->ph);
	for (i = 0; !strcmp(result, "done") && i < r->c->nvip; i++)
		metrics_vip_held(r->c->vip[i], 1);
	if (r->taken_back)
		metrics_split_brain();
	metrics_flush();
}

static int migrate_loop(struct migrate *r)
{
	enum round_rc rc;
	int failed_tasks = 0;

	holders_init(r);
	known_load(r);
	rc = round_optimistic(r);
	for (;;) {
		if (rc == ROUND_SKIP || rc == ROUND_LOOK)
			rc = round_once(r);
		if (rc == ROUND_DONE)
			return MIGRATE_DONE;
		if (!still_master(r))
			return MIGRATE_NOT_MASTER;
		if (rc == ROUND_FATAL || rc == ROUND_STOP || util_now_ms() >= r->deadline)
			return MIGRATE_FAILED;
		if (rc == ROUND_TASK_FAILED)
			r->retries++;
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
		rc = ROUND_SKIP;
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
	metrics_deadline(METRICS_DEADLINE_MIGRATE);	/* counted as result="deadline" if it fires */
	if (log_deadline(s * 1000LL, MIGRATE_FAILED, msg) < 0)
		log_warn("migrate: cannot arm the hard deadline timer");
}

/* The lock, waited for within migrate_timeout; the run's budget starts once it is held.
 * Sets *t0 to that moment. The lock fd, or -1 (logged). */
static int take_lock(const struct cfg *c, long long *t0)
{
	long long waited;
	int lock = state_lock(c->state_dir, c->migrate_timeout * 1000LL);

	if (lock < 0) {
		/* nothing was done: nothing is recorded (last_migrate is evidence for check_self) */
		log_err("migrate: %s/lock: another migrate still running after %d s; this one "
		    "did nothing", c->state_dir, c->migrate_timeout);
		return -1;
	}
	waited = util_now_ms() - *t0;
	*t0 += waited;
	if (waited >= 1000)
		log_info("migrate: waited %lld ms for %s/lock", waited, c->state_dir);
	return lock;
}

/* The run itself, lock held: a MIGRATE_ code. */
static int run_locked(struct migrate *r, long long t0)
{
	unsigned long hs = http_stat_handshakes;
	const char *err;
	int rc;

	if (!still_master(r))
		rc = MIGRATE_NOT_MASTER;
	else if (client_ready(r) < 0)
		rc = MIGRATE_CONFIG;
	else if (locate(r, 1) < 0)
		rc = MIGRATE_FAILED;
	else
		rc = migrate_loop(r);
	if (rc == MIGRATE_DONE)
		log_info("migrate: every VIP is on %s (%lld ms, %u API calls, %lu TLS handshakes)",
		    r->self, util_now_ms() - t0, r->ops->calls(r->ctx), http_stat_handshakes - hs);
	else if (rc == MIGRATE_FAILED) {
		err = r->used ? r->ops->last_error(r->ctx) : "";
		log_err("migrate: failed after %lld ms: %s", util_now_ms() - t0,
		    *err ? err : "see above");
	}
	if (rc == MIGRATE_FAILED && r->used && r->last_rc == CLOUD_FATAL)
		rc = MIGRATE_REFUSED;	/* auth, permission, parameters: retrying will not help */
	return rc;
}

static void run_reset(struct migrate *r, unsigned flags)
{
	r->if_master = !!(flags & MIGRATE_IF_MASTER);
	r->backoff = r->moved = r->taken_back = r->used = 0;
	r->retries = 0;
	r->last_rc = CLOUD_OK;
	r->self[0] = 0;
}

int migrate_exec(struct migrate *r, unsigned flags)
{
	long long t0 = util_now_ms();
	int lock, rc;

	run_reset(r, flags);
	phases_start(&r->ph, r->event, r->event_at);
	r->event = NULL;
	r->event_at = 0;
	jitter_state = (unsigned)(t0 ^ getpid()) | 1;
	lock = take_lock(r->c, &t0);
	if (lock < 0)
		return MIGRATE_FAILED;
	r->deadline = t0 + r->c->migrate_timeout * 1000LL;
	if (flags & MIGRATE_HARD_DEADLINE)
		hard_arm(r->c);
	rc = run_locked(r, t0);
	record(r, rc == MIGRATE_DONE ? "done" : rc == MIGRATE_NOT_MASTER ? "not-master" :
	    r->taken_back ? "taken-back" : "failed", t0);
	if (rc == MIGRATE_DONE && r->ops->follow_up && still_master(r)) {
		/* after the record: a stuck follow-up cannot cost the VIP's; then its phase too */
		r->ops->follow_up(r->ctx, r->h, r->c->nvip, r->self);
		migrate_mark(r, PHASE_FOLLOW_UP);
		phases_save(r->c->state_dir, &r->ph);
		metrics_follow_up(&r->ph);
		metrics_flush();
	}
	if (!(flags & MIGRATE_KEEP))
		client_done(r);
	if (flags & MIGRATE_HARD_DEADLINE)
		log_deadline(0, 0, "");
	state_unlock(lock);
	return rc;
}

int migrate_ready(struct migrate *r)
{
	int rc;

	run_reset(r, 0);
	if (client_ready(r) < 0)
		return -1;
	r->deadline = util_now_ms() + r->c->timeout * 1000LL;
	if (locate(r, 0) < 0)
		return -1;
	rc = r->ops->warm ? r->ops->warm(r->ctx) : CLOUD_OK;
	return rc == CLOUD_OK ? 0 : -1;
}

int migrate_holders(struct migrate *r, long long deadline_ms, struct cloud_holder *out)
{
	int rc = -1, busy, i;

	run_reset(r, 0);
	holders_init(r);
	r->deadline = deadline_ms;
	if (client_ready(r) == 0 && locate(r, 0) == 0 &&
	    r->ops->find_holders(r->ctx, r->h, r->c->nvip) == CLOUD_OK) {
		known_load(r);
		known_note(r);
		rc = all_here(r, &busy);
	}
	if (out)
		for (i = 0; i < r->c->nvip; i++)
			out[i] = r->h[i];
	client_done(r);
	return rc;
}

/* ---- the process's migrate, over the configured mode's table ---- */

#define MODE(n) extern const struct migrate_ops migrate_##n##_ops; void *migrate_##n##_state(void);
#include "modes.h"
#undef MODE

static const struct mode_row {
	const struct migrate_ops *ops;
	void *(*state)(void);
} modes[] = {
#define MODE(n) { &migrate_##n##_ops, migrate_##n##_state },
#include "modes.h"
#undef MODE
};

static struct migrate proc_migrate;

/* The process's migrate for c, over the table of c's mode (cfg `mode`, a row of modes.h):
 * the one place a mode is chosen. */
static struct migrate *proc(const struct cfg *c)
{
	int m = c->mode >= 0 && (size_t)c->mode < UTIL_ARRAY_LEN(modes) ? c->mode : 0;

	proc_migrate.c = c;
	if (proc_migrate.ops != modes[m].ops) {
		if (proc_migrate.open)
			proc_migrate.ops->close(proc_migrate.ctx);
		proc_migrate.open = 0;
		proc_migrate.ops = modes[m].ops;
		proc_migrate.ctx = modes[m].state();
	}
	return &proc_migrate;
}

int migrate_run(const struct cfg *c, unsigned flags)
{
	return migrate_exec(proc(c), flags);
}

int migrate_query(const struct cfg *c, long long deadline_ms, struct cloud_holder *h)
{
	return migrate_holders(proc(c), deadline_ms, h);
}

int migrate_prepare(const struct cfg *c)
{
	return migrate_ready(proc(c));
}

const char *migrate_self(void)
{
	return proc_migrate.self;
}

int migrate_conn_fd(void)
{
	struct migrate *r = &proc_migrate;

	return r->open && r->ops->conn_fd ? r->ops->conn_fd(r->ctx) : -1;
}

void migrate_conn_drop(void)
{
	struct migrate *r = &proc_migrate;

	if (r->open && r->ops->conn_drop)
		r->ops->conn_drop(r->ctx);
}

void migrate_event(const char *kind, long long at_ms)
{
	proc_migrate.event = kind;
	proc_migrate.event_at = at_ms;
}

void migrate_set_check_hook(void (*fn)(void *), void *arg)
{
	proc_migrate.check_hook = fn;
	proc_migrate.check_arg = arg;
}

int migrate_spawn(const struct cfg *c, const char *kind, long long at_ms)
{
	char *argv[8], event[64];
	int argc = 0;

	argv[argc++] = "vip";
	if (tcvip.verbose)
		argv[argc++] = "-v";
	argv[argc++] = "migrate";
	argv[argc++] = "--if-master";
	if (util_fmt(event, sizeof event, "%s:%lld", kind, at_ms) > 0) {
		argv[argc++] = "--event";
		argv[argc++] = event;
	}
	argv[argc] = NULL;
	/* The environment is kept: TENCENTCLOUD_SECRET_* may be the credentials it needs. */
	return proc_spawn("migrate", "/proc/self/exe", argv, 0, "TCVIP_CONFIG", c->path) < 0 ? -1 : 0;
}
