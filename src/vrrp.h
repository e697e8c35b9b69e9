/* vrrp.h: what notify_action and check_self share: state names and files, who wrote them. */
#ifndef VRRP_H
#define VRRP_H
#include <stddef.h>

#include "files.h"


#define VRRP_STATE_MAX 32	/* longest state name + 1 */

/* 1 if s is a plain upper-case word (A-Z, then A-Z or '_'), as keepalived sends states. */
int vrrp_state_valid(const char *s);
/* 1 if s is a state or event keepalived sends (2.2/2.3 lib/notify.c, vrrp_notify.c): MASTER,
 * BACKUP, FAULT, STOP, DELETED, MASTER_RX_LOWER_PRI, MASTER_PRIORITY, BACKUP_PRIORITY. */
int vrrp_event_known(const char *s);
/* Reads state_dir/state into out: "" when missing, unreadable or not a valid state.
 * Returns the length (0 for ""). */
int vrrp_state_read(const char *dir, char *out, size_t cap);
/* Who wrote the state: state_dir/notify, "BOOT_ID KA_PID KA_START EV_START EV_PID WARNED\n",
 * written by every notify after the state file, under state_dir/notify.lock. WARNED is
 * check_self's mark (VRRP_WARNED_*): it said once why it does not act. */
#define VRRP_ANCESTORS 8	/* how far up a keepalived is looked for */
enum { VRRP_WARNED_NONE = 0, VRRP_WARNED_UNKNOWN = 1, VRRP_WARNED_STALE = 2 };

/* A process's place in time: start is in clock ticks since boot (/proc/PID/stat). */
struct vrrp_proc {
	long pid;
	long long start;
};

struct vrrp_record {
	char boot[40];		/* /proc/sys/kernel/random/boot_id */
	struct vrrp_proc ka;	/* keepalived's VRRP process the event came from; pid 0: none */
	struct vrrp_proc ev;	/* what that process forked for this event: forked in event order */
	int warned;		/* VRRP_WARNED_* */
};

/* This process: its boot, keepalived's VRRP process above it and the event's process (the
 * rule and each version's process chain: vrrp.c). 0 or -1. */
int vrrp_self(struct vrrp_record *r);
/* This boot's id (/proc/sys/kernel/random/boot_id), "" if unreadable. */
void vrrp_boot_id(char *out, size_t cap);
/* state_dir/notify: 0, or -1 if missing or garbage. */
int vrrp_record_read(const char *dir, struct vrrp_record *r);
int vrrp_record_write(const char *dir, const struct vrrp_record *r);
/* 1 if a's event came after b's: another boot, a later start, or the same tick and a higher pid. */
int vrrp_later(const struct vrrp_record *a, const struct vrrp_record *b);

/* What check_self needs each tick, from two reads of state_dir and our ancestors' stats. */
struct vrrp_view {
	char state[VRRP_STATE_MAX];	/* "" when missing, unreadable or not a valid state */
	int stale;	/* the state is not the view of the keepalived that runs us: the recorded
			 * notify came from another keepalived (it restarted, the host rebooted)
			 * or none is recorded. Process identities are compared, never clocks.
			 * 0 when no keepalived runs us, or when an operator ran the notify by
			 * hand this boot (no keepalived above it): that is taken as said. */
	int warned;	/* VRRP_WARNED_* from the record */
};
void vrrp_view_read(const char *dir, struct vrrp_view *v);
/* Sets the record's warned mark (a missing record becomes one of no keepalived's). 0 or -1. */
int vrrp_warned_set(const char *dir, int reason);
/* Records a transition to state: state_dir/state (seed format) and the record (its warned
 * mark carried over), under notify.lock. Unless ordered (the notify FIFO delivers events in order), a transition whose
 * notify started before the recorded one is dropped: keepalived forks notifies in event order
 * and they race. prev gets the state before. 1 recorded, 2 recorded and the first one of
 * the keepalived running us (it just started), 0 dropped, -1 error (logged). */
#define VRRP_LOCK_MS 2000	/* notify.lock is held for one read and two renames */
#define VRRP_WARN_LOCK_MS 200	/* check_self's wait for it, to set the warned flag */
int vrrp_transition(const char *dir, const char *state, int ordered, char *prev, size_t cap);
/* On becoming MASTER: check_self's failure count to 0 and its next cloud check due. 0 or -1. */
int vrrp_master_reset(const char *dir);
/* 1 if our parent process is keepalived, or a shell (sh -c) whose parent is: how a call under
 * the binary's own name with no arguments is known to be the track script. */
int vrrp_parent_is_keepalived(void);

#endif
