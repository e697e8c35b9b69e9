/* t_migrate.c: unit tests for migrate.c: the real migrate_exec over a fake table of cloud calls (every result channel, mixed VIPs, the lock). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cfg.h"
#include "files.h"
#include "harness.h"
#include "log.h"
#include "migrate.h"
#include "state.h"
#include "util.h"

#define SELF "eni-self"
#define OTHER "eni-other"
#define NV 4

/* The fake cloud: who holds each VIP, and what the next calls answer. */
struct fake {
	char holder[NV][CLOUD_ID_LEN];
	int busy_rounds[NV];		/* describes that still show the VIP in a running task */
	enum cloud_rc locate_rc, move_rc, assign_rc;
	int find_retries;		/* describes answering CLOUD_RETRY first (-1: always) */
	int failed_tasks;		/* tasks that end FAILED first (-1: always) */
	int running_polls;		/* polls that see RUNNING before the end of each task */
	int take_back;			/* after a move, OTHER takes the VIP back */
	int pending[NV], pending_assign;	/* the task's change, applied on SUCCESS */
	int polls_left;
	int opens, closes, finds, moves, assigns, polls, assigned_n;
	int follow_ups, follow_n, follow_all_self;	/* the follow_up hook's calls and what it saw */
	enum cloud_rc follow_rc;
	int wrong_source;		/* moves from an ENI that did not hold the VIP (refused) */
	int lose_answer;		/* the next accepted move's answer is lost (CLOUD_RETRY) */
	int moves_of[NV];		/* accepted moves per VIP */
	int bad_args;			/* calls given what migrate must never pass (checked once per run) */
	unsigned calls;
};

static struct fake fk;
static struct cfg cfg;

static int f_open(void *ctx, const struct cfg *c)
{
	(void)c;
	((struct fake *)ctx)->opens++;
	return 0;
}

static void f_close(void *ctx)
{
	((struct fake *)ctx)->closes++;
}

static void f_calls_reset(void *ctx)
{
	((struct fake *)ctx)->calls = 0;
}

static unsigned f_calls(void *ctx)
{
	return ((struct fake *)ctx)->calls;
}

static enum cloud_rc f_locate(void *ctx, long long deadline, char self[CLOUD_ID_LEN])
{
	struct fake *f = ctx;

	(void)deadline;
	util_copy(self, CLOUD_ID_LEN, SELF);
	return f->locate_rc;
}

static enum cloud_rc f_find(void *ctx, struct cloud_holder *h, int n)
{
	struct fake *f = ctx;
	int i;

	f->finds++;
	f->calls++;
	if (f->find_retries && f->find_retries-- != 0)
		return CLOUD_RETRY;
	for (i = 0; i < n; i++) {
		util_copy(h[i].eni, CLOUD_ID_LEN, f->holder[i]);
		h[i].busy = f->busy_rounds[i] > 0;
		f->busy_rounds[i] -= f->busy_rounds[i] > 0;
	}
	return CLOUD_OK;
}

static int vip_index(uint32_t vip)
{
	int i;

	for (i = 0; i < cfg.nvip; i++)
		if (cfg.vip[i] == vip)
			return i;
	return -1;
}

static enum cloud_rc f_move(void *ctx, uint32_t vip, const char *from, const char *to,
    char task[CLOUD_ID_LEN])
{
	struct fake *f = ctx;
	int i = vip_index(vip);

	f->moves++;
	f->calls++;
	f->bad_args += i < 0 || strcmp(to, SELF) != 0;
	if (i >= 0 && strcmp(from, f->holder[i])) {
		f->wrong_source++;	/* the cloud: UnauthorizedOperation.AttachmentNotFound */
		return CLOUD_RACE;
	}
	if (f->move_rc != CLOUD_OK)
		return f->move_rc;
	f->moves_of[i]++;
	if (f->lose_answer) {	/* accepted and done at once, but the answer never came */
		f->lose_answer = 0;
		util_copy(f->holder[i], CLOUD_ID_LEN, SELF);
		return CLOUD_RETRY;
	}
	f->pending[i] = 1;
	f->polls_left = f->running_polls;
	util_copy(task, CLOUD_ID_LEN, "task-move");
	return CLOUD_OK;
}

static enum cloud_rc f_assign(void *ctx, const uint32_t *vips, int n, const char *to,
    char task[CLOUD_ID_LEN])
{
	struct fake *f = ctx;
	int k;

	f->assigns++;
	f->calls++;
	f->assigned_n += n;
	f->bad_args += strcmp(to, SELF) != 0;
	if (f->assign_rc != CLOUD_OK)
		return f->assign_rc;
	for (k = 0; k < n; k++) {
		if (vip_index(vips[k]) < 0 || *f->holder[vip_index(vips[k])]) {
			f->bad_args++;	/* an Assign of a VIP somebody holds is fatal in the cloud */
			continue;
		}
		f->pending[vip_index(vips[k])] = 1;
	}
	f->polls_left = f->running_polls;
	util_copy(task, CLOUD_ID_LEN, "task-assign");
	return CLOUD_OK;
}

/* Ends the task: its changes made (SUCCESS) or dropped (FAILED). */
static void f_task_end(struct fake *f, int success)
{
	int i;

	for (i = 0; i < NV; i++) {
		if (f->pending[i] && success)
			util_copy(f->holder[i], CLOUD_ID_LEN, f->take_back ? OTHER : SELF);
		f->pending[i] = 0;
	}
}

static enum cloud_rc f_poll(void *ctx, const char *task, enum cloud_task_state *st, char *out,
    size_t cap)
{
	struct fake *f = ctx;

	f->polls++;
	f->calls++;
	f->bad_args += strncmp(task, "task-", 5) != 0;
	util_copy(out, cap, "");
	if (f->polls_left > 0) {
		f->polls_left--;
		*st = CLOUD_TASK_RUNNING;
	} else if (f->failed_tasks) {
		f->failed_tasks -= f->failed_tasks > 0;
		util_copy(out, cap, "fake: not done");
		*st = CLOUD_TASK_FAILED;
		f_task_end(f, 0);
	} else {
		*st = CLOUD_TASK_SUCCESS;
		f_task_end(f, 1);
	}
	return CLOUD_OK;
}

static int f_confirm(void *ctx, const struct cloud_holder *h, const char *self)
{
	(void)ctx;
	return !strcmp(h->eni, self) && !h->busy;
}

static const char *f_last_error(void *ctx)
{
	(void)ctx;
	return "";
}

static const struct migrate_ops fake_ops = {
	.mode = "fake",
	.guess_ok = 1,
	.open = f_open, .close = f_close, .calls_reset = f_calls_reset, .calls = f_calls,
	.locate = f_locate, .find_holders = f_find, .move = f_move, .assign = f_assign,
	.poll = f_poll, .confirm = f_confirm, .last_error = f_last_error,
};

/* The optional hook: counts its calls; every h it is given must be settled on self. */
static enum cloud_rc f_follow_up(void *ctx, const struct cloud_holder *h, int n, const char *self)
{
	struct fake *f = ctx;
	int i;

	f->follow_ups++;
	f->follow_n = n;
	f->follow_all_self = 1;
	for (i = 0; i < n; i++)
		f->follow_all_self &= !strcmp(h[i].eni, self) && !h[i].busy &&
		    h[i].vip == cfg.vip[i];
	return f->follow_rc;
}

static struct migrate_ops follow_ops;

/* A fresh world: nv VIPs, each held as holders[i] says ("" = nobody); no last_migrate. */
static void world(int nv, const char *const *holders, int migrate_timeout)
{
	char path[300];
	int i;

	memset(&fk, 0, sizeof fk);
	cfg.nvip = nv;
	cfg.migrate_timeout = migrate_timeout;
	for (i = 0; i < nv; i++) {
		cfg.vip[i] = htonl(0xc6120001u + (uint32_t)i);	/* 198.18.0.1 ... */
		util_copy(fk.holder[i], CLOUD_ID_LEN, holders[i]);
	}
	if (snprintf(path, sizeof path, "%s/%s", cfg.state_dir, FILE_LAST_MIGRATE) < (int)sizeof path)
		unlink(path);
	state_remove(cfg.state_dir, FILE_HOLDERS);
}

static struct migrate_phases last_ph;	/* the last run's phases */

/* Runs the real migrate over the fake table; the client is opened and closed once. */
static int run(unsigned flags)
{
	struct migrate m = { .c = &cfg, .ops = &fake_ops, .ctx = &fk };
	int rc = migrate_exec(&m, flags);

	check(fk.opens == fk.closes && m.open == 0 && fk.bad_args == 0);
	last_ph = m.ph;
	return rc;
}

/* state_dir/last_migrate says result=want ("" = no file). */
static int recorded(const char *want)
{
	char line[200], key[40];

	if (state_read(cfg.state_dir, FILE_LAST_MIGRATE, line, sizeof line) < 0)
		return !*want;
	if (snprintf(key, sizeof key, " result=%s ", want) >= (int)sizeof key)
		return 0;
	return *want && strstr(line, key) != NULL;
}

static void t_done(void)
{
	static const char *const h[] = { SELF, SELF };

	world(2, h, 5);
	check(run(0) == MIGRATE_DONE);
	check(fk.finds == 1 && fk.moves == 0 && fk.assigns == 0);
	check(recorded("done"));
}

static void t_moved(void)
{
	static const char *const h[] = { OTHER };

	world(1, h, 5);
	fk.running_polls = 2;
	check(run(0) == MIGRATE_DONE);
	check(!strcmp(fk.holder[0], SELF));
	check(fk.moves == 1 && fk.polls == 3 && fk.finds == 2);	/* the second describe confirms */
	check(recorded("done"));
	/* every phase of a move reached, in order; no follow-up in this mode */
	check(last_ph.ms[PHASE_REQUEST] >= 0 && last_ph.ms[PHASE_ACCEPTED] >= last_ph.ms[PHASE_REQUEST]);
	check(last_ph.ms[PHASE_TASK_ENDED] >= last_ph.ms[PHASE_ACCEPTED]);
	check(last_ph.ms[PHASE_CONFIRMED] >= last_ph.ms[PHASE_TASK_ENDED]);
	check(last_ph.ms[PHASE_FOLLOW_UP] == -1 && last_ph.retries == 0 && !strcmp(last_ph.event, "manual"));
}

static void t_assigned(void)
{
	static const char *const h[] = { "", "" };

	world(2, h, 5);
	check(run(0) == MIGRATE_DONE);
	check(fk.assigns == 1 && fk.assigned_n == 2 && fk.moves == 0);	/* one call for both */
	check(!strcmp(fk.holder[0], SELF) && !strcmp(fk.holder[1], SELF));
}

static void t_task_failed(void)
{
	static const char *const h[] = { OTHER };

	world(1, h, 10);
	fk.failed_tasks = 1;	/* once: described again at once and moved */
	check(run(0) == MIGRATE_DONE);
	check(fk.moves == 2 && !strcmp(fk.holder[0], SELF));
	world(1, h, 10);
	fk.failed_tasks = -1;	/* always: three rounds, then it gives up */
	check(run(0) == MIGRATE_FAILED);
	check(fk.moves == 3 && !strcmp(fk.holder[0], OTHER));
	check(recorded("failed"));
}

static void t_refused(void)
{
	static const char *const h[] = { OTHER };

	world(1, h, 10);
	fk.move_rc = CLOUD_FATAL;
	check(run(0) == MIGRATE_REFUSED);
	check(fk.moves == 1 && fk.finds == 1);	/* not retried */
	check(recorded("failed"));
	world(1, h, 10);
	fk.locate_rc = CLOUD_FATAL;	/* discovery refused: no describe at all */
	check(run(0) == MIGRATE_REFUSED);
	check(fk.finds == 0 && fk.moves == 0);
}

static void t_retry(void)
{
	static const char *const h[] = { OTHER };

	world(1, h, 10);
	fk.find_retries = 2;
	check(run(0) == MIGRATE_DONE);
	check(fk.finds == 4 && fk.moves == 1);	/* 2 retried, 1 to move, 1 to confirm */
	world(1, h, 1);
	fk.move_rc = CLOUD_RACE;	/* the world moved: back off and look again, not refused */
	check(run(0) == MIGRATE_FAILED);
	check(fk.moves >= 2 && fk.finds == fk.moves);
}

static void t_deadline(void)
{
	static const char *const h[] = { OTHER };

	world(1, h, 1);
	fk.find_retries = -1;
	check(run(0) == MIGRATE_FAILED);
	check(fk.finds >= 1 && fk.finds < 20 && fk.moves == 0);
	check(recorded("failed"));
}

static void t_mixed(void)
{
	static const char *const h[] = { SELF, OTHER, "", OTHER };

	world(4, h, 10);
	fk.busy_rounds[3] = 1;	/* VIP 3 first shows in a running task: wait, then move */
	check(run(0) == MIGRATE_DONE);
	check(fk.assigns == 1 && fk.assigned_n == 1 && fk.moves == 2);
	check(!strcmp(fk.holder[0], SELF) && !strcmp(fk.holder[1], SELF) &&
	    !strcmp(fk.holder[2], SELF) && !strcmp(fk.holder[3], SELF));
}

static void t_taken_back(void)
{
	static const char *const h[] = { OTHER };

	world(1, h, 10);
	fk.take_back = 1;	/* the task succeeds, then the other node has it again */
	check(run(0) == MIGRATE_FAILED);
	check(fk.moves == 1);	/* not fought over */
	check(recorded("taken-back"));
}

static void t_not_master(void)
{
	static const char *const h[] = { OTHER };

	world(1, h, 10);
	check(state_write(cfg.state_dir, FILE_STATE, "BACKUP\n", 7, 0600) == 0);
	check(run(MIGRATE_IF_MASTER) == MIGRATE_NOT_MASTER);
	check(fk.finds == 0 && fk.moves == 0);
	check(recorded("not-master"));
	check(state_write(cfg.state_dir, FILE_STATE, "MASTER\n", 7, 0600) == 0);
	check(run(MIGRATE_IF_MASTER) == MIGRATE_DONE);
}

/* follow_up: once after a run that brought every VIP here, never after any other; what it
 * returns does not change the run's result. */
static void t_follow_up(void)
{
	static const char *const h[] = { OTHER, "", SELF };
	struct migrate m = { .c = &cfg, .ops = &follow_ops, .ctx = &fk };

	follow_ops = fake_ops;
	follow_ops.follow_up = f_follow_up;
	world(3, h, 10);
	fk.follow_rc = CLOUD_FATAL;
	check(migrate_exec(&m, 0) == MIGRATE_DONE && fk.bad_args == 0);
	check(fk.follow_ups == 1 && fk.follow_n == 3 && fk.follow_all_self);
	check(recorded("done"));
	world(3, h, 10);
	fk.move_rc = CLOUD_FATAL;
	check(migrate_exec(&m, 0) == MIGRATE_REFUSED && fk.follow_ups == 0 && fk.bad_args == 0);
	world(3, h, 10);
	check(state_write(cfg.state_dir, FILE_STATE, "BACKUP\n", 7, 0600) == 0);
	check(migrate_exec(&m, MIGRATE_IF_MASTER) == MIGRATE_NOT_MASTER && fk.follow_ups == 0);
	check(state_write(cfg.state_dir, FILE_STATE, "MASTER\n", 7, 0600) == 0);
	world(1, h + 2, 10);	/* already here: still looked at (vip migrate retries an EIP) */
	check(migrate_exec(&m, MIGRATE_IF_MASTER) == MIGRATE_DONE && fk.follow_ups == 1);
	check(run(0) == MIGRATE_DONE && fk.follow_ups == 1);	/* NULL hook: nothing */
}

static void t_lock(void)
{
	static const char *const h[] = { OTHER };
	int lock;

	world(1, h, 1);
	lock = state_lock(cfg.state_dir, 0);
	check(lock >= 0);
	check(run(0) == MIGRATE_FAILED);	/* waited migrate_timeout for the lock */
	check(fk.opens == 0 && fk.finds == 0);	/* did nothing... */
	check(recorded(""));			/* ...and recorded nothing */
	state_unlock(lock);
	check(run(0) == MIGRATE_DONE);
}

/* Makes state_dir/holders a minute older (file times are coarser than these tests). */
static void age_holders(void)
{
	char path[300];
	struct timespec t[2];

	check(snprintf(path, sizeof path, "%s/%s", cfg.state_dir, FILE_HOLDERS) < (int)sizeof path);
	clock_gettime(CLOCK_REALTIME, &t[0]);
	t[0].tv_sec -= 60;
	t[1] = t[0];
	check(utimensat(AT_FDCWD, path, t, 0) == 0);
}

/* The holders cache says VIP i is held by held[i], the last other holder peer[i]. */
static void known(const char *const *held, const char *const *peer)
{
	char text[600], ip[16];
	size_t len = 0;
	int i, n;

	for (i = 0; i < cfg.nvip; i++) {
		n = snprintf(text + len, sizeof text - len, "%s %s %s\n", util_ipv4_str(cfg.vip[i], ip),
		    held[i], peer[i]);
		check(n > 0 && (size_t)n < sizeof text - len);
		len += (size_t)n;
	}
	check(state_write(cfg.state_dir, FILE_HOLDERS, text, len, 0600) == 0);
}

/* The holder learnt last: the move goes out first, without a describe; the next run learns. */
static void t_optimistic(void)
{
	static const char *const h[] = { OTHER, OTHER }, *const self[] = { SELF, SELF },
	    *const other[] = { OTHER, OTHER }, *const none[] = { "-", "-" };
	char text[300];

	world(2, h, 5);
	known(other, none);
	check(run(0) == MIGRATE_DONE);
	check(fk.moves == 2 && fk.wrong_source == 0 && fk.finds == 1);	/* the one describe confirms */
	check(fk.calls == 5 && !strcmp(fk.holder[0], SELF) && !strcmp(fk.holder[1], SELF));
	check(state_read(cfg.state_dir, FILE_HOLDERS, text, sizeof text) > 0 &&
	    strstr(text, "198.18.0.1 " SELF " " OTHER "\n"));	/* learnt: here now, came from OTHER */
	/* The peer took them back (keepalived moved the VIP away): the cache says SELF, but the
	 * last other holder is where it went. */
	util_copy(fk.holder[0], CLOUD_ID_LEN, OTHER);
	util_copy(fk.holder[1], CLOUD_ID_LEN, OTHER);
	fk.moves = fk.finds = 0;
	check(run(0) == MIGRATE_DONE);	/* no transition since: "here" is believed, described */
	check(fk.finds == 2 && fk.moves == 2 && fk.wrong_source == 0);
	util_copy(fk.holder[0], CLOUD_ID_LEN, OTHER);
	util_copy(fk.holder[1], CLOUD_ID_LEN, OTHER);
	age_holders();	/* file times are coarse: the cache was written before the transition */
	check(state_write(cfg.state_dir, FILE_STATE, "MASTER\n", 7, 0600) == 0);	/* keepalived moved */
	fk.moves = fk.finds = 0;
	check(run(0) == MIGRATE_DONE);
	check(fk.moves == 2 && fk.wrong_source == 0 && fk.finds == 1);
	fk.moves = fk.finds = 0;
	check(run(0) == MIGRATE_DONE);	/* already here, no transition: one describe, no move */
	check(fk.finds == 1 && fk.moves == 0);
	world(2, h, 5);
	known(self, none);	/* nothing to guess from: describe first, as ever */
	age_holders();
	check(state_write(cfg.state_dir, FILE_STATE, "MASTER\n", 7, 0600) == 0);
	check(run(0) == MIGRATE_DONE);
	check(fk.finds == 2 && fk.moves == 2);
}

/* A wrong guess is refused by the cloud: described at once and moved from the real holder;
 * a third ENI, a free VIP (assigned), one already here. Never two accepted moves of a VIP. */
static void t_optimistic_wrong(void)
{
	static const char *const h[] = { "eni-third", "", SELF }, *const other[] = { OTHER, OTHER, OTHER },
	    *const none[] = { "-", "-", "-" };

	world(3, h, 5);
	known(other, none);
	check(run(0) == MIGRATE_DONE);
	check(fk.wrong_source == 3 && fk.finds == 2 && fk.assigns == 1 && fk.moves == 4);
	check(fk.moves_of[0] == 1 && fk.moves_of[1] == 0 && fk.moves_of[2] == 0);
	check(!strcmp(fk.holder[0], SELF) && !strcmp(fk.holder[1], SELF) && !strcmp(fk.holder[2], SELF));
	/* An error the guess may have caused (API 2 may spell it otherwise) is looked at, not final. */
	world(1, h, 5);
	known(other, none);
	fk.move_rc = CLOUD_FATAL;
	util_copy(fk.holder[0], CLOUD_ID_LEN, OTHER);
	check(run(0) == MIGRATE_REFUSED);	/* the describe confirms OTHER: refused for real */
	check(fk.moves == 2 && fk.finds == 1);
}

/* The optimistic move was accepted but its answer lost: the next round describes, it is never
 * sent again. */
static void t_optimistic_lost(void)
{
	static const char *const h[] = { OTHER }, *const other[] = { OTHER }, *const none[] = { "-" };

	world(1, h, 5);
	known(other, none);
	fk.lose_answer = 1;
	check(run(0) == MIGRATE_DONE);
	check(fk.moves == 1 && fk.moves_of[0] == 1 && fk.finds == 1 && !strcmp(fk.holder[0], SELF));
}

int main(void)
{
	char dir[] = "/tmp/t_migrate.XXXXXX", cmd[64];

	if (!mkdtemp(dir)) {
		printf("FAIL mkdtemp\n");
		return 1;
	}
	log_set_stderr(0);
	cfg_defaults(&cfg);
	util_copy(cfg.state_dir, sizeof cfg.state_dir, dir);
	t_done();
	t_moved();
	t_assigned();
	t_task_failed();
	t_refused();
	t_retry();
	t_deadline();
	t_mixed();
	t_taken_back();
	t_not_master();
	t_follow_up();
	t_lock();
	t_optimistic();
	t_optimistic_wrong();
	t_optimistic_lost();
	if (snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir) < (int)sizeof cmd && system(cmd) != 0)
		printf("note: could not remove %s\n", dir);
	return check_done();
}
