/* phases.h: the phases of one migrate (event, request, accepted, task ended, confirmed, follow-up), their one-line log form and state_dir/last_migrate. */
#ifndef PHASES_H
#define PHASES_H
#include <stddef.h>

/* In order. EVENT is keepalived's notify (its start) or the FIFO line's arrival, or the
 * start of a migrate run by hand: every other phase is counted in ms from it. */
enum migrate_phase {
	PHASE_EVENT,		/* the caller passes it in (migrate_event) */
	PHASE_REQUEST,		/* the run's first describe sent */
	PHASE_ACCEPTED,		/* the first Migrate/Assign (or ReplaceRoutes) the cloud accepted */
	PHASE_TASK_ENDED,	/* the last change's task ended (SUCCESS or FAILED) */
	PHASE_CONFIRMED,	/* a describe found every VIP settled on this node */
	PHASE_FOLLOW_UP,	/* a mode's follow-up check done (EIP); only when done */
	PHASE_COUNT
};

#define PHASES_EVENT_MAX 16
#define PHASES_RESULT_MAX 16
#define PHASES_ERROR_MAX 64
#define PHASES_RECORD_MAX 400	/* one last_migrate line */

struct migrate_phases {
	char event[PHASES_EVENT_MAX];	/* notify, fifo, check_self, manual */
	long long event_at;		/* util_now_ms of the event (not recorded) */
	long long ms[PHASE_COUNT];	/* ms after the event, -1 = not reached; ms[EVENT] = 0 */
	long long total_ms;		/* event to the end of the run, -1 = not ended */
	long long duration_ms;		/* lock held to the end (last_migrate's duration_ms) */
	long long time;			/* unix time of the end */
	long long ended_ms;		/* the same in ms (the event: ended_ms - total_ms) */
	unsigned calls, retries;	/* API calls; back-offs and FAILED-task rounds */
	char result[PHASES_RESULT_MAX];	/* done, failed, not-master, taken-back */
	char error[PHASES_ERROR_MAX];	/* the run's last cloud error code, "" = none */
};

/* A new run: phases cleared, the event (kind, when: util_now_ms; 0 = now). */
void phases_start(struct migrate_phases *p, const char *event, long long event_at);
/* The phase reached now. EVENT, REQUEST and ACCEPTED keep their first time; TASK_ENDED,
 * CONFIRMED and FOLLOW_UP their latest (the last task, the final confirmation). */
void phases_mark(struct migrate_phases *p, enum migrate_phase ph);
/* The run ended now with result; duration_ms counted from the lock. */
void phases_end(struct migrate_phases *p, const char *result, long long duration_ms,
    unsigned calls, unsigned retries);
/* "request", "accepted", "task_ended", "confirmed", "follow_up" ("event" for EVENT). */
const char *phases_name(enum migrate_phase ph);
/* The final log line: "done in 1234 ms (event→request 3 ms, accepted 40 ms, task ended
 * 1040 ms, confirmed 1100 ms), 5 calls, 0 retries[, last error CODE]". Length or -1. */
int phases_log_line(const struct migrate_phases *p, char *out, size_t cap);
/* The last_migrate line: "time=N result=R duration_ms=N calls=N retries=N error=CODE|-
 * event=KIND ended_ms=UNIX_MS total_ms=N request_ms=N|- accepted_ms=... follow_up_ms=...\n" (the first four
 * keys as before: older readers still parse it). Length or -1. */
int phases_record(const struct migrate_phases *p, char *out, size_t cap);
/* Parses a last_migrate line, also the old four-key form (the rest then reads as not
 * reached / unknown). 0, or -1 if it is not one. */
int phases_parse(const char *text, struct migrate_phases *p);
/* state_dir/last_migrate (this file's alone): 0 or -1 (logged / missing or garbage). */
int phases_save(const char *dir, const struct migrate_phases *p);
int phases_load(const char *dir, struct migrate_phases *p);
#endif
