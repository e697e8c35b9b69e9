/* vrrp.c: what notify_action and check_self share: state names and files, who wrote them. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <limits.h>

#include "log.h"
#include "state.h"
#include "util.h"
#include "vrrp.h"

int vrrp_state_valid(const char *s)
{
	size_t i;

	if (!s || s[0] < 'A' || s[0] > 'Z')
		return 0;
	for (i = 1; s[i]; i++)
		if (i >= VRRP_STATE_MAX - 1 || !((s[i] >= 'A' && s[i] <= 'Z') || s[i] == '_'))
			return 0;
	return 1;
}

int vrrp_event_known(const char *s)
{
	static const char *const known[] = { "MASTER", "BACKUP", "FAULT", "STOP", "DELETED",
	    "MASTER_RX_LOWER_PRI", "MASTER_PRIORITY", "BACKUP_PRIORITY" };
	size_t i;

	for (i = 0; s && i < UTIL_ARRAY_LEN(known); i++)
		if (!strcmp(s, known[i]))
			return 1;
	return 0;
}

int vrrp_state_read(const char *dir, char *out, size_t cap)
{
	char buf[VRRP_STATE_MAX + 8];
	char *s;

	if (cap)
		out[0] = 0;
	if (state_read(dir, FILE_STATE, buf, sizeof buf) < 0)
		return 0;
	s = util_trim(buf);
	if (!vrrp_state_valid(s) || util_copy(out, cap, s) < 0)
		return 0;
	return (int)strlen(out);
}

/* Whose process is whose, as each keepalived runs a script (acassen/keepalived sources):
 *
 * - Every version forks a VRRP process V off the main process P (1.3.5
 *   keepalived/vrrp/vrrp_daemon.c:463-490 start_vrrp_child, skipped only in _DEBUG_ builds;
 *   2.x the same, skipped only in _ONE_PROCESS_DEBUG_ builds), also when run with -P/--vrrp
 *   (2.x; 1.3.5 has no -P): V owns the VRRP state, runs notifies and vrrp_scripts, and
 *   lives until keepalived stops or P respawns it. P may be pid 1 (a container).
 * - 1.3.x-1.4.x: V forks a child K for each script (1.3.5 lib/notify.c:110-135 notify_exec,
 *   :137-175 system_call_script); K, still named keepalived, calls system() (:85), which
 *   runs /bin/sh -c "SCRIPT ARGS": the chain is tcvip <- [sh] <- K <- V <- P (bash execs a
 *   lone command, dash may fork it). No version before 2.0 execs a script itself (1.4.0
 *   lib/notify.c:175 system() too).
 * - 2.x: V forks, the child setpgid()s and execve()s the script when it is executable (2.0.0
 *   lib/notify.c:137-144 and :257-263, 2.2.7 :166-206, 2.3.3 :174-214): tcvip <- V <- P.
 *   A script that is not executable
 *   goes through system() as in 1.x: tcvip <- sh <- K <- V <- P.
 *
 * So keepalived's identity is V: in the run of keepalived-named ancestors nearest to us, the
 * one below the topmost (the only one, in a one-process debug build). The event's order is
 * the start of V's child on our chain (K, or tcvip itself): V forks them in event order,
 * while what K forks races. */

#define PROC_COMM_MAX 16	/* TASK_COMM_LEN */

struct proc_info {
	long pid, ppid;
	long long start;	/* clock ticks since boot */
	char comm[PROC_COMM_MAX];
};

/* Reads pid's command name, parent and start time from /proc/PID/stat. 0 or -1. */
static int proc_stat(long pid, struct proc_info *p)
{
	char path[64], buf[1024], *open_paren, *close_paren;
	long long v[20];
	ssize_t n;
	int fd;

	if (util_fmt(path, sizeof path, "/proc/%ld/stat", pid) < 0 ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	open_paren = strchr(buf, '(');
	close_paren = strrchr(buf, ')');	/* the name may hold spaces and parentheses */
	if (!open_paren || !close_paren || close_paren < open_paren || strlen(close_paren) < 4)
		return -1;
	*close_paren = 0;
	util_copy(p->comm, sizeof p->comm, open_paren + 1);
	/* fields 4..22 after "pid (comm) state": ppid is the 1st integer, starttime the 19th */
	if (util_parse_ints(close_paren + 4, v, 19) != 19)
		return -1;
	p->pid = pid;
	p->ppid = (long)v[0];
	p->start = v[18];
	return 0;
}

/* 1 if name is keepalived's: "keepalived", or "keepalived_..." (2.x process_names:
 * keepalived_vrrp, ...). Not "keepalived.sh" or "keepalived-wrapper": a wrapper that starts
 * keepalived without exec would otherwise join the run and shift who is who. */
static int name_is_keepalived(const char *name)
{
	return !strcmp(name, "keepalived") || !strncmp(name, "keepalived_", 11);
}

/* 1 if p is keepalived: by its command name or, where readable, its executable's name. */
static int proc_is_keepalived(const struct proc_info *p)
{
	char path[64], buf[PATH_MAX];
	const char *base;
	ssize_t n;

	if (name_is_keepalived(p->comm))
		return 1;
	if (util_fmt(path, sizeof path, "/proc/%ld/exe", p->pid) < 0 ||
	    (n = readlink(path, buf, sizeof buf - 1)) <= 0)
		return 0;
	buf[n] = 0;
	base = strrchr(buf, '/');
	return !strcmp(base ? base + 1 : buf, "keepalived");
}

static int proc_is_shell(const struct proc_info *p)
{
	return !strcmp(p->comm, "sh") || !strcmp(p->comm, "dash") || !strcmp(p->comm, "bash") ||
	    !strcmp(p->comm, "ash") || !strcmp(p->comm, "busybox");
}

int vrrp_parent_is_keepalived(void)
{
	struct proc_info p;

	if (proc_stat((long)getppid(), &p) < 0)
		return 0;
	if (proc_is_keepalived(&p))
		return 1;
	/* keepalived < 2.0 (and 2.x for a script that is not executable): sh -c in between */
	return proc_is_shell(&p) && proc_stat(p.ppid, &p) == 0 && proc_is_keepalived(&p);
}

/* Our ancestors up to the end of the first run of keepalived processes: chain[0] is our
 * parent. Returns how many were read; *first and *run locate the run (run 0: none). */
static int read_ancestors(struct proc_info *chain, int *first, int *run)
{
	long pid = (long)getppid();
	int n;

	*first = -1;
	*run = 0;
	for (n = 0; n < VRRP_ANCESTORS && pid > 0; n++, pid = chain[n - 1].ppid) {
		if (proc_stat(pid, &chain[n]) < 0)
			break;
		if (!proc_is_keepalived(&chain[n])) {
			if (*run)
				break;	/* the run ended: above it is what started keepalived */
			continue;
		}
		if (!*run)
			*first = n;
		(*run)++;
	}
	return n;
}

/* keepalived's VRRP process above us (pid 0 if none) and, if ev is given, the event's
 * process: V's child on our chain (K, or this process). 0 or -1. */
static int keepalived_above(struct vrrp_proc *ka, struct vrrp_proc *ev)
{
	struct proc_info chain[VRRP_ANCESTORS], self;
	int first, run, v;

	ka->pid = 0;
	ka->start = 0;
	read_ancestors(chain, &first, &run);
	v = run >= 2 ? first + run - 2 : first;	/* the one below the topmost */
	if (run) {
		ka->pid = chain[v].pid;
		ka->start = chain[v].start;
	}
	if (!ev)
		return 0;
	/* V's child is K only if K is in the run (1.3.5's keepalived fork); otherwise, whatever
	 * sits between (a VRRP process we could not name), the event is this process. */
	if (run && v > first) {
		ev->pid = chain[v - 1].pid;
		ev->start = chain[v - 1].start;
		return 0;
	}
	if (proc_stat((long)getpid(), &self) < 0)
		return -1;
	ev->pid = self.pid;
	ev->start = self.start;
	return 0;
}

void vrrp_boot_id(char *out, size_t cap)
{
	char buf[64];

	out[0] = 0;
	if (state_read("/proc/sys/kernel/random", "boot_id", buf, sizeof buf) > 0)
		util_copy(out, cap, buf);
}

int vrrp_self(struct vrrp_record *r)
{
	memset(r, 0, sizeof *r);
	vrrp_boot_id(r->boot, sizeof r->boot);
	return keepalived_above(&r->ka, &r->ev);
}

int vrrp_record_read(const char *dir, struct vrrp_record *r)
{
	char buf[160], boot[64];
	long long v[5];
	size_t n;
	int got;

	memset(r, 0, sizeof *r);
	if (state_read(dir, FILE_RECORD, buf, sizeof buf) <= 0)
		return -1;
	n = strcspn(buf, " ");
	if (!n || n >= sizeof boot || !buf[n])
		return -1;
	memcpy(boot, buf, n);
	boot[n] = 0;
	got = util_parse_ints(buf + n + 1, v, 5);	/* the warned mark is newer: optional */
	if (got < 4 || util_copy(r->boot, sizeof r->boot, boot) < 0)
		return -1;
	r->ka.pid = (long)v[0];
	r->ka.start = v[1];
	r->ev.start = v[2];
	r->ev.pid = (long)v[3];
	r->warned = got == 5 && v[4] > 0 && v[4] <= VRRP_WARNED_STALE ? (int)v[4] : 0;
	return 0;
}

int vrrp_record_write(const char *dir, const struct vrrp_record *r)
{
	char buf[160];
	int n = util_fmt(buf, sizeof buf, "%s %ld %lld %lld %ld %d\n", *r->boot ? r->boot : "-",
	    r->ka.pid, r->ka.start, r->ev.start, r->ev.pid, r->warned);

	return n < 0 ? -1 : state_replace(dir, FILE_RECORD, buf, (size_t)n, 0600);
}

int vrrp_later(const struct vrrp_record *a, const struct vrrp_record *b)
{
	if (strcmp(a->boot, b->boot))
		return 1;	/* another boot: clock ticks restarted */
	if (a->ev.start != b->ev.start)
		return a->ev.start > b->ev.start;
	return a->ev.pid > b->ev.pid;
}

/* 1 if rec is not the view of the keepalived me.ka (see vrrp_view_read). */
static int record_stale(const struct vrrp_record *rec, int have_rec, const struct vrrp_record *me)
{
	if (!me->ka.pid)
		return 0;	/* not run by keepalived (an operator): nothing to compare */
	if (!have_rec)
		return 1;	/* no notify of any keepalived recorded it */
	if (!rec->ka.pid && !strcmp(rec->boot, me->boot))
		return 0;	/* an operator's notify_action, run by hand this boot: taken as said */
	return strcmp(rec->boot, me->boot) || rec->ka.pid != me->ka.pid ||
	    rec->ka.start != me->ka.start;
}

void vrrp_view_read(const char *dir, struct vrrp_view *v)
{
	struct vrrp_record rec, me;
	int have_rec;

	memset(v, 0, sizeof *v);
	vrrp_state_read(dir, v->state, sizeof v->state);
	have_rec = vrrp_record_read(dir, &rec) == 0;
	v->warned = have_rec ? rec.warned : 0;
	if (!*v->state)
		return;
	memset(&me, 0, sizeof me);
	vrrp_boot_id(me.boot, sizeof me.boot);
	keepalived_above(&me.ka, NULL);	/* who runs us, not when: no stat of our own */
	v->stale = record_stale(&rec, have_rec, &me);
}

int vrrp_warned_set(const char *dir, int reason)
{
	struct vrrp_record rec;
	int fd, rc;

	/* check_self's budget is 3 s: a short wait; without the lock, no write (a notify's
	 * record must never be overwritten by a stale copy) */
	fd = state_lock_file(dir, FILE_RECORD_LOCK, VRRP_WARN_LOCK_MS);
	if (fd < 0)
		return -1;
	if (vrrp_record_read(dir, &rec) < 0) {
		memset(&rec, 0, sizeof rec);	/* boot "-": no keepalived's view */
	}
	rec.warned = reason;
	rc = vrrp_record_write(dir, &rec);
	state_unlock(fd);
	return rc;
}

int vrrp_transition(const char *dir, const char *state, int ordered, char *prev, size_t cap)
{
	struct vrrp_record me, last;
	char line[VRRP_STATE_MAX + 1];
	int fd, n, have_last, rc = 1;

	fd = state_lock_file(dir, FILE_RECORD_LOCK, VRRP_LOCK_MS);
	if (fd < 0)
		log_warn("notify: %s/%s: not taken in %d ms; recording %s unordered", dir,
		    FILE_RECORD_LOCK, VRRP_LOCK_MS, state);
	vrrp_state_read(dir, prev, cap);
	vrrp_self(&me);
	have_last = vrrp_record_read(dir, &last) == 0;
	me.warned = have_last ? last.warned : 0;	/* check_self says "acting again" once */
	n = util_fmt(line, sizeof line, "%s\n", state);
	if (!ordered && have_last && !vrrp_later(&me, &last))
		rc = 0;
	else if (n < 0 || state_replace(dir, FILE_STATE, line, (size_t)n, 0644) < 0 ||
	    vrrp_record_write(dir, &me) < 0) {
		log_err("notify: %s: cannot record state %s", dir, state);
		rc = -1;
	} else if (me.ka.pid && (!have_last || record_stale(&last, 1, &me)))
		rc = 2;	/* the first transition this keepalived recorded */
	state_unlock(fd);
	return rc;
}

int vrrp_master_reset(const char *dir)
{
	if (state_write_int(dir, FILE_FAILED, 0) < 0)
		return -1;
	state_remove(dir, FILE_QUERIED);
	return 0;
}
