/* vrrp.c: what notify_action and check_self share: state names and files, the take-over history. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <time.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <limits.h>

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

int vrrp_state_read(const char *dir, char *out, size_t cap)
{
	char buf[VRRP_STATE_MAX + 8];
	char *s;

	if (cap)
		out[0] = 0;
	if (state_read(dir, VRRP_STATE, buf, sizeof buf) < 0)
		return 0;
	s = util_trim(buf);
	if (!vrrp_state_valid(s) || util_copy(out, cap, s) < 0)
		return 0;
	return (int)strlen(out);
}

void vrrp_hist_load(const char *dir, struct vrrp_hist *h, long long now)
{
	char buf[128];
	long long v[4];
	int k;

	memset(h, 0, sizeof *h);
	if (state_read(dir, VRRP_HISTORY, buf, sizeof buf) < 0 || util_parse_ints(buf, v, 4) != 4) {
		memset(h, 0, sizeof *h);
		return;
	}
	h->last = v[0], h->seen = v[1], h->until = v[2];
	k = v[3] > 30 || v[3] < 0 ? -1 : (int)v[3];
	if (h->last < 0 || h->seen < 0 || h->until < 0 || k < 0 || k > 30 ||
	    h->last > now || h->seen > now || h->until > now + VRRP_BACKOFF_MAX_S) {
		memset(h, 0, sizeof *h);
		return;
	}
	h->k = k;
}

int vrrp_hist_save(const char *dir, const struct vrrp_hist *h)
{
	char buf[128];
	int n = util_fmt(buf, sizeof buf, "%lld %lld %lld %d\n", h->last, h->seen, h->until, h->k);

	return n < 0 ? -1 : state_write(dir, VRRP_HISTORY, buf, (size_t)n, 0600);
}

long long vrrp_backoff_s(int k)
{
	long long s = VRRP_BACKOFF_BASE_S;

	while (k-- > 0 && s < VRRP_BACKOFF_MAX_S)
		s *= 2;
	return s < VRRP_BACKOFF_MAX_S ? s : VRRP_BACKOFF_MAX_S;
}

int vrrp_hist_decide(struct vrrp_hist *h, long long now, long long *wait, int *fresh)
{
	*fresh = 0;
	*wait = 0;
	if (now < h->until) {
		*wait = h->until - now;
		return VRRP_BACKOFF;
	}
	if (h->last && h->seen >= h->last && now - h->last < VRRP_REPEAT_S) {
		if (h->k < 30)
			h->k++;
		*wait = vrrp_backoff_s(h->k);
		h->until = now + *wait;
		h->last = 0;	/* evidence used up: once the backoff ends, take over again */
		*fresh = 1;
		return VRRP_BACKOFF;
	}
	if (h->k && now - (h->until > h->last ? h->until : h->last) >= VRRP_QUIET_S)
		h->k = 0;
	h->last = now;
	return VRRP_TAKEOVER;
}

/* Start of our parent process (keepalived, for a track script) on the wall clock, in ms. */
static long long parent_start_ms(void)
{
	char path[64], buf[1024], *p;
	long long v[20];
	struct timespec rt, bt;
	ssize_t n;
	int fd;

	if (util_fmt(path, sizeof path, "/proc/%d/stat", (int)getppid()) < 0 ||
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
	/* fields 4..22 after "pid (comm) state": starttime is the 19th integer */
	if (util_parse_ints(p + 4, v, 19) != 19)
		return -1;
	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_BOOTTIME, &bt);
	return ((long long)rt.tv_sec - bt.tv_sec) * 1000 + (rt.tv_nsec - bt.tv_nsec) / 1000000 +
	    v[18] * 1000 / sysconf(_SC_CLK_TCK);
}

int vrrp_state_stale(const char *dir)
{
	char path[4096];
	struct stat st;
	long long start;

	if (util_fmt(path, sizeof path, "%s/%s", dir, VRRP_STATE) < 0 || stat(path, &st) < 0)
		return 0;
	start = parent_start_ms();
	return start > 0 && (long long)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000 +
	    1000 < start;
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
