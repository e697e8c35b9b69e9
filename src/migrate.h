/* migrate.h: the outage path (make the cloud give every VIP to this ENI), the ownership query, the detached spawn. */
#ifndef MIGRATE_H
#define MIGRATE_H
struct cfg;
struct cloud_holder;

enum { MIGRATE_DONE = 0, MIGRATE_FAILED = 1, MIGRATE_CONFIG = 2, MIGRATE_NOT_MASTER = 3,
	MIGRATE_REFUSED = 4 };	/* REFUSED: failed on an error retrying will not help (auth, ...) */

/* migrate_run flags */
#define MIGRATE_IF_MASTER 1u		/* re-read state_dir/state before every cloud call */
#define MIGRATE_HARD_DEADLINE 2u	/* the caller lets the process _exit(1) if stuck */
#define MIGRATE_KEEP 4u		/* a long-lived caller: keep the cloud client (credentials,
				 * discovery, the open connection) for the next run */

/* Holder self: done; no holder: AssignPrivateIpAddresses; other: MigratePrivateIpAddress;
 * polls each task, confirms with a describe; retries per SPEC §3 within migrate_timeout,
 * counted from when state_dir/lock is held. MIGRATE_IF_MASTER: stops (MIGRATE_NOT_MASTER)
 * once state_dir/state is not MASTER. MIGRATE_HARD_DEADLINE: a SIGALRM timer ends the
 * process (exit 1, lock released) 2 s after migrate_timeout, even inside a stuck call.
 * Records state_dir/last_migrate, unless the lock was never obtained (nothing done). */
int migrate_run(const struct cfg *c, unsigned flags);
/* 1 the cloud assigns every VIP to this ENI, 0 it does not, -1 unknown (logged).
 * deadline_ms (util_now_ms clock, 0 = cfg timeouts only) bounds the whole query.
 * h (may be NULL) gets each VIP's holder, c->nvip entries. */
int migrate_query(const struct cfg *c, long long deadline_ms, struct cloud_holder *h);
/* For a long-lived caller (the notify FIFO consumer): discovery done, credentials and trust
 * anchors loaded, the API connection open, so the next MIGRATE_KEEP run sends at once.
 * 0, or -1 (logged: the run will try again). */
int migrate_prepare(const struct cfg *c);
/* The kept API connection's fd, -1 if none; migrate_conn_drop() closes it (the server did). */
int migrate_conn_fd(void);
void migrate_conn_drop(void);
/* fn(arg) runs before every look at state_dir/state during a MIGRATE_IF_MASTER run. */
void migrate_set_check_hook(void (*fn)(void *), void *arg);
/* Starts `vip migrate --if-master` detached: own session, fds on /dev/null, same config
 * path and verbosity; returns at once. 0 or -1 (logged). */
int migrate_spawn(const struct cfg *c);
#endif
