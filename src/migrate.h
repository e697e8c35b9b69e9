/* migrate.h: the outage path (make the cloud give every VIP to this node) over one mode's table of cloud calls, the ownership query, the detached spawn. */
#ifndef MIGRATE_H
#define MIGRATE_H
#include <stddef.h>
#include <stdint.h>
#include "cfg.h"
#include "cloud.h"
#include "phases.h"

enum { MIGRATE_DONE = 0, MIGRATE_FAILED = 1, MIGRATE_CONFIG = 2, MIGRATE_NOT_MASTER = 3,
	MIGRATE_REFUSED = 4 };	/* REFUSED: failed on an error retrying will not help (auth, ...) */

/* migrate_run flags */
#define MIGRATE_IF_MASTER 1u		/* re-read state_dir/state before every cloud call */
#define MIGRATE_HARD_DEADLINE 2u	/* the caller lets the process _exit(1) if stuck */
#define MIGRATE_KEEP 4u		/* a long-lived caller: keep the cloud client (credentials,
				 * discovery, the open connection) for the next run */

/* One mode's cloud calls (ENI mode: migrate_eni.c; src/modes.h lists the modes). ctx is the
 * mode's own state. Every call returns CLOUD_OK or the error class of what failed. A task
 * names an asynchronous change, polled with poll. */
struct migrate_ops {
	const char *mode;
	/* 1: move() needs nothing but the holder's id, so a first move may go out on the last
	 * known holder without a describe (ENI mode); 0: move() acts on what find_holders read
	 * (route mode: the route's ids), so every round describes first. */
	int guess_ok;
	/* The client: 0, or -1 (logged; a config error). close undoes open. */
	int (*open)(void *ctx, const struct cfg *c);
	void (*close)(void *ctx);
	/* Restarts the call count (calls) for a new run. */
	void (*calls_reset)(void *ctx);
	unsigned (*calls)(void *ctx);
	/* This node's holder id (discovery), every exchange bounded by deadline (0: none). */
	enum cloud_rc (*locate)(void *ctx, long long deadline, char self[CLOUD_ID_LEN]);
	/* Holders of h[0..n-1].vip, one describe. */
	enum cloud_rc (*find_holders)(void *ctx, struct cloud_holder *h, int n);
	enum cloud_rc (*move)(void *ctx, uint32_t vip, const char *from, const char *to,
	    char task[CLOUD_ID_LEN]);
	enum cloud_rc (*assign)(void *ctx, const uint32_t *vips, int n, const char *to,
	    char task[CLOUD_ID_LEN]);
	enum cloud_rc (*poll)(void *ctx, const char *task, enum cloud_task_state *st, char *out,
	    size_t cap);
	/* Optional: go_on(arg) says whether a change may still be made (0: this node is no longer
	 * MASTER); a mode whose move is several calls asks it before each call after the first. */
	void (*set_guard)(void *ctx, int (*go_on)(void *arg), void *arg);
	/* 1 if h is settled on self (held and not in a running task), else 0. */
	int (*confirm)(void *ctx, const struct cloud_holder *h, const char *self);
	/* Optional (NULL: nothing): after every VIP h[0..n-1] is confirmed on self, lock held,
	 * still MASTER; what else must follow the VIPs (ENI mode: their EIPs). Its result never
	 * changes the migrate's (the VIPs are here); it logs and records its own failures. */
	enum cloud_rc (*follow_up)(void *ctx, const struct cloud_holder *h, int n, const char *self);
	/* The last cloud error as one line, "" if the last call gave none. */
	const char *(*last_error)(void *ctx);
	/* A long-lived caller's connection: warm (CLOUD_OK or class, logged), its fd or -1, drop. */
	enum cloud_rc (*warm)(void *ctx);
	int (*conn_fd)(void *ctx);
	void (*conn_drop)(void *ctx);
};

/* A migrate: the caller owns it and its table. Zero it, set c, ops and ctx (and the check
 * hook: fn(arg) runs before every look at state_dir/state of a MIGRATE_IF_MASTER run; and
 * the event: what started the next run and when, util_now_ms; unset: the run's start). */
struct migrate {
	const struct cfg *c;
	const struct migrate_ops *ops;
	void *ctx;
	void (*check_hook)(void *);
	void *check_arg;
	const char *event;		/* "notify", "fifo", "check_self"; NULL = "manual" */
	long long event_at;		/* 0 = when migrate_exec starts; both reset after a run */
	int open;			/* ops->open done (MIGRATE_KEEP keeps it between runs) */
	/* one run's state */
	int if_master, backoff, moved, taken_back, used;
	unsigned retries;		/* back-offs and FAILED-task rounds */
	struct migrate_phases ph;	/* this run's phases (the last run's, once it ended) */
	long long deadline;
	enum cloud_rc last_rc;		/* class of the last cloud call */
	char self[CLOUD_ID_LEN];
	struct cloud_holder h[CFG_MAX_VIPS];
	char prev[CFG_MAX_VIPS][CLOUD_ID_LEN];
	/* What the last describe or move taught (state_dir/holders): each VIP's holder and the
	 * last holder that was not this node; the first round migrates from them at once. */
	char known[CFG_MAX_VIPS][CLOUD_ID_LEN], peer[CFG_MAX_VIPS][CLOUD_ID_LEN];
	int left_since;		/* a VRRP transition came after the cache: "here" may be gone */
};

/* Holder self: done; no holder: assign; other: move; polls each task, confirms with a
 * describe. When state_dir/holders names a holder other than this node for every VIP (the
 * last one described; or, when that was this node and state_dir/state changed since, the last
 * other holder seen), the first round sends the moves from it at once, without a describe; a refused guess (the source does not hold it,
 * whatever the error) is described and decided again, never re-sent as it was; retries per SPEC §3 within migrate_timeout, counted from when state_dir/lock is
 * held. MIGRATE_IF_MASTER: stops (MIGRATE_NOT_MASTER) once state_dir/state is not MASTER.
 * MIGRATE_HARD_DEADLINE: a SIGALRM timer ends the process (exit 1, lock released) 2 s after
 * migrate_timeout, even inside a stuck call. Records state_dir/last_migrate, unless the lock
 * was never obtained (nothing done). */
int migrate_exec(struct migrate *m, unsigned flags);
/* Marks a phase of the running migrate (migrate.c marks all but PHASE_FOLLOW_UP, which a
 * mode's follow-up marks when its check is done). */
void migrate_mark(struct migrate *m, enum migrate_phase ph);
/* 1 every VIP is settled on this node, 0 not, -1 unknown (logged); h (may be NULL) gets each
 * VIP's holder, c->nvip entries. deadline_ms (util_now_ms, 0 = cfg timeouts only). */
int migrate_holders(struct migrate *m, long long deadline_ms, struct cloud_holder *h);
/* Client open, discovery done, connection warm. 0, or -1 (logged: the run will try again). */
int migrate_ready(struct migrate *m);

/* The process's migrate, over the configured mode's table (what vip, the notify FIFO
 * consumer, check_self, status and drill call). */
int migrate_run(const struct cfg *c, unsigned flags);
int migrate_query(const struct cfg *c, long long deadline_ms, struct cloud_holder *h);
int migrate_prepare(const struct cfg *c);
/* This node's id in its mode's terms (the ENI id; route mode: the next-hop IP) as the last
 * migrate_run/query/prepare located it; "" if none did. */
const char *migrate_self(void);
/* The kept API connection's fd, -1 if none; migrate_conn_drop() closes it (the server did). */
int migrate_conn_fd(void);
void migrate_conn_drop(void);
void migrate_set_check_hook(void (*fn)(void *), void *arg);
/* The event behind the process's next migrate_run: kind ("notify", "fifo", "check_self")
 * and when (util_now_ms; the monotonic clock is the machine's, so another process may
 * stamp it). */
void migrate_event(const char *kind, long long at_ms);
/* Starts `vip migrate --if-master --event KIND:MS` detached (the event: kind, at_ms as for
 * migrate_event): own session, fds on /dev/null, same config path and verbosity; returns at
 * once. 0 or -1 (logged). */
int migrate_spawn(const struct cfg *c, const char *kind, long long at_ms);
#endif
