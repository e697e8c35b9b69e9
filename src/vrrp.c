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

/* Reads pid's parent and start time (clock ticks since boot) from /proc/PID/stat. 0 or -1. */
static int proc_stat(long pid, long *ppid, long long *start)
{
	char path[64], buf[1024], *p;
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
	p = strrchr(buf, ')');	/* the command name may hold spaces and parentheses */
	if (!p || strlen(p) < 4)
		return -1;
	/* fields 4..22 after "pid (comm) state": ppid is the 1st integer, starttime the 19th */
	if (util_parse_ints(p + 4, v, 19) != 19)
		return -1;
	*ppid = (long)v[0];
	*start = v[18];
	return 0;
}

/* 1 if the process pid is keepalived: its command name (keepalived, or keepalived_vrrp
 * with process_names) or, where readable, its executable's base name starts so. */
static int proc_is_keepalived(long pid)
{
	char path[64], buf[PATH_MAX];
	const char *base;
	ssize_t n = -1;
	int fd;

	if (util_fmt(path, sizeof path, "/proc/%ld/comm", pid) < 0)
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, buf, sizeof buf - 1);
		close(fd);
	}
	if (n > 0 && !strncmp(buf, "keepalived", 10))
		return 1;
	if (util_fmt(path, sizeof path, "/proc/%ld/exe", pid) < 0 ||
	    (n = readlink(path, buf, sizeof buf - 1)) <= 0)
		return 0;
	buf[n] = 0;
	base = strrchr(buf, '/');
	return !strncmp(base ? base + 1 : buf, "keepalived", 10);
}

int vrrp_parent_is_keepalived(void)
{
	return proc_is_keepalived((long)getppid());
}

/* The nearest keepalived above us, past any shell (keepalived < 1.4 runs scripts through
 * /bin/sh -c): pid 0 if there is none within VRRP_ANCESTORS generations. */
static void keepalived_ancestor(struct vrrp_proc *ka)
{
	long pid = (long)getppid(), ppid;
	long long start;
	int i;

	ka->pid = 0;
	ka->start = 0;
	for (i = 0; i < VRRP_ANCESTORS && pid > 1; i++, pid = ppid) {
		if (proc_stat(pid, &ppid, &start) < 0)
			return;
		if (proc_is_keepalived(pid)) {
			ka->pid = pid;
			ka->start = start;
			return;
		}
	}
}

static void boot_id(char *out, size_t cap)
{
	char buf[64];

	out[0] = 0;
	if (state_read("/proc/sys/kernel/random", "boot_id", buf, sizeof buf) > 0)
		util_copy(out, cap, buf);
}

int vrrp_self(struct vrrp_record *r)
{
	long ppid;

	memset(r, 0, sizeof *r);
	boot_id(r->boot, sizeof r->boot);
	keepalived_ancestor(&r->ka);
	r->ev.pid = (long)getpid();
	return proc_stat(r->ev.pid, &ppid, &r->ev.start);
}

int vrrp_record_read(const char *dir, struct vrrp_record *r)
{
	char buf[160], boot[64];
	long long v[4];
	size_t n;

	memset(r, 0, sizeof *r);
	if (state_read(dir, FILE_RECORD, buf, sizeof buf) <= 0)
		return -1;
	n = strcspn(buf, " ");
	if (!n || n >= sizeof boot || !buf[n])
		return -1;
	memcpy(boot, buf, n);
	boot[n] = 0;
	if (util_parse_ints(buf + n + 1, v, 4) != 4 || util_copy(r->boot, sizeof r->boot, boot) < 0)
		return -1;
	r->ka.pid = (long)v[0];
	r->ka.start = v[1];
	r->ev.start = v[2];
	r->ev.pid = (long)v[3];
	return 0;
}

int vrrp_record_write(const char *dir, const struct vrrp_record *r)
{
	char buf[160];
	int n = util_fmt(buf, sizeof buf, "%s %ld %lld %lld %ld\n", *r->boot ? r->boot : "-",
	    r->ka.pid, r->ka.start, r->ev.start, r->ev.pid);

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

int vrrp_state_stale(const char *dir)
{
	struct vrrp_record rec, me;

	vrrp_self(&me);
	if (!me.ka.pid)
		return 0;	/* not run by keepalived (an operator): nothing to compare */
	if (vrrp_record_read(dir, &rec) < 0)
		return 1;	/* no notify of any keepalived recorded it */
	if (!rec.ka.pid && !strcmp(rec.boot, me.boot))
		return 0;	/* an operator's notify_action, run by hand this boot: taken as said */
	return strcmp(rec.boot, me.boot) || rec.ka.pid != me.ka.pid || rec.ka.start != me.ka.start;
}

int vrrp_transition(const char *dir, const char *state, int ordered, char *prev, size_t cap)
{
	struct vrrp_record me, last;
	char line[VRRP_STATE_MAX + 1];
	int fd, n, rc = 1;

	fd = state_lock_file(dir, FILE_RECORD_LOCK, VRRP_LOCK_MS);
	if (fd < 0)
		log_warn("notify: %s/%s: not taken in %d ms; recording %s unordered", dir,
		    FILE_RECORD_LOCK, VRRP_LOCK_MS, state);
	vrrp_state_read(dir, prev, cap);
	vrrp_self(&me);
	n = util_fmt(line, sizeof line, "%s\n", state);
	if (!ordered && vrrp_record_read(dir, &last) == 0 && !vrrp_later(&me, &last))
		rc = 0;
	else if (n < 0 || state_replace(dir, FILE_STATE, line, (size_t)n, 0644) < 0 ||
	    vrrp_record_write(dir, &me) < 0) {
		log_err("notify: %s: cannot record state %s", dir, state);
		rc = -1;
	}
	state_unlock(fd);
	return rc;
}

int vrrp_master_reset(const char *dir)
{
	char path[4096];

	if (state_write_int(dir, FILE_FAILED, 0) < 0)
		return -1;
	if (util_fmt(path, sizeof path, "%s/%s", dir, FILE_QUERIED) >= 0)
		unlink(path);
	return 0;
}
