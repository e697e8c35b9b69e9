/* splitbrain.h: the split-brain rule: when a take-over is repeated too soon, back off. */
#ifndef SPLITBRAIN_H
#define SPLITBRAIN_H
#include "files.h"

/* Split-brain damping. A take-over is check_self finding a VIP elsewhere and starting a
 * migrate. When the VIP came to us after a take-over (seen) and was found elsewhere again
 * within SPLITBRAIN_REPEAT_S of it, two masters are suspected: re-migrating is skipped for
 * 2^k * SPLITBRAIN_BACKOFF_BASE_S (at most SPLITBRAIN_BACKOFF_MAX_S), k growing with every repeat and
 * reset after SPLITBRAIN_QUIET_S without one; when a backoff ends the next take-over goes ahead.
 * All times are seconds on one clock (monotonic). */
#define SPLITBRAIN_REPEAT_S 60
#define SPLITBRAIN_BACKOFF_BASE_S 15
#define SPLITBRAIN_BACKOFF_MAX_S 300
#define SPLITBRAIN_QUIET_S 600

struct splitbrain {
	long long last;		/* last take-over, 0 = none (or used up by a backoff) */
	long long seen;		/* the VIP was last seen here (ours), 0 = never */
	long long until;	/* no take-over before this */
	int k;			/* backoff exponent of the last backoff */
};

enum { SPLITBRAIN_TAKEOVER = 0, SPLITBRAIN_BACKOFF = 1 };

/* Missing or garbage history, or one from the future (a reboot reset the clock), reads as empty. */
void splitbrain_load(const char *dir, struct splitbrain *h, long long now);
int splitbrain_save(const char *dir, const struct splitbrain *h);
/* The VIP is elsewhere at now: SPLITBRAIN_TAKEOVER (h->last = now; go migrate) or SPLITBRAIN_BACKOFF
 * (skip; *wait = seconds left; *fresh = 1 if this call started the backoff). Updates h. */
int splitbrain_decide(struct splitbrain *h, long long now, long long *wait, int *fresh);
/* Backoff length for exponent k, in seconds. */
long long splitbrain_backoff_s(int k);
#endif
