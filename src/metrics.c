/* metrics.c: metrics_file (Prometheus text for node_exporter's textfile collector) and state_dir/metrics, the counts behind it, merged across processes. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg.h"
#include "log.h"
#include "metrics.h"
#include "phases.h"
#include "state.h"
#include "util.h"
#include "version.h"

#define METRICS_PENDING 64	/* changes one process keeps before its flush */
#define METRICS_LOCK_MS 200	/* another process's merge (well under 1 ms) waited for at most this: check_self's 3 s budget */
#define METRICS_TEXT_MAX 32768

/* Every metric, in the file's order. DEF_MILLI's: the store keeps ms, the file shows seconds. */
static const struct metric_def {
	const char *name, *type, *help;
} defs[] = {
	{ "tcvip_migrations_total", "counter",
	  "Migrates by result (done, failed, not-master, taken-back, deadline)." },
	{ "tcvip_last_migration_phase_seconds", "gauge",
	  "The last migrate's phases, seconds after its event (the notify, the FIFO line)." },
	{ "tcvip_last_migration_timestamp_seconds", "gauge",
	  "When the last migrate ended (unix time)." },
	{ "tcvip_api_requests_total", "counter",
	  "VPC API requests by action and error code (ok: none)." },
	{ "tcvip_check_self_queries_total", "counter",
	  "check_self runs that asked the cloud who holds the VIPs." },
	{ "tcvip_check_self_faults_total", "counter",
	  "check_self runs that reported a fault to keepalived (exit 1)." },
	{ "tcvip_check_self_watchdog_total", "counter",
	  "check_self runs ended by their watchdog (exit 0: no fault to keepalived)." },
	{ "tcvip_split_brain_suspected_total", "counter",
	  "Times a VIP went back to another ENI right after this node took it." },
	{ "tcvip_vip_held", "gauge",
	  "1 if the cloud gave the VIP to this node's ENI when last asked, else 0." },
	{ "tcvip_credentials_expiry_timestamp_seconds", "gauge",
	  "When the CVM role credentials in use expire (unix time; absent for static keys)." },
	{ "tcvip_build_info", "gauge", "tcvip's version." },
};

#define DEF_MILLI (&defs[1])	/* tcvip_last_migration_phase_seconds */

/* What a byte in state_dir/metrics.tally counts (metrics_deadline's, by enum metrics_deadline). */
static const struct { char byte; const char *series; } tallies[] = {
	{ 'd', "tcvip_migrations_total{result=\"deadline\"}" },
	{ 'w', "tcvip_check_self_watchdog_total" },
};

static struct {
	char file[256], state_dir[256], tally[300];	/* tally: state_dir/metrics.tally */
	int n, overflow;
	struct { char series[METRICS_SERIES_MAX]; long long v; enum metrics_op op; } op[METRICS_PENDING];
} pending;

void metrics_bind(const struct cfg *c)
{
	memset(&pending, 0, sizeof pending);
	if (!*c->metrics_file || util_copy(pending.file, sizeof pending.file, c->metrics_file) < 0 ||
	    util_copy(pending.state_dir, sizeof pending.state_dir, c->state_dir) < 0 ||
	    util_fmt(pending.tally, sizeof pending.tally, "%s/%s", c->state_dir,
	    FILE_METRICS_TALLY) < 0)
		pending.file[0] = 0;
}

/* A label value as the file may hold it: [A-Za-z0-9._:-], anything else '_'. */
static void label_clean(char *out, size_t cap, const char *v)
{
	size_t i;

	for (i = 0; v[i] && i + 1 < cap; i++)
		out[i] = (v[i] >= 'a' && v[i] <= 'z') || (v[i] >= 'A' && v[i] <= 'Z') ||
		    (v[i] >= '0' && v[i] <= '9') || strchr("._:-", v[i]) ? v[i] : '_';
	out[i] = 0;
}

int metrics_series(char *out, size_t cap, const char *name, const char *label, const char *value)
{
	char clean[96];

	if (!*label)
		return util_copy(out, cap, name);
	label_clean(clean, sizeof clean, value);
	return util_fmt(out, cap, "%s{%s=\"%s\"}", name, label, clean) < 0 ? -1 : 0;
}

static void queue(enum metrics_op op, const char *series, long long v)
{
	if (!*pending.file)
		return;
	if (pending.n >= METRICS_PENDING) {
		pending.overflow = 1;
		return;
	}
	if (util_copy(pending.op[pending.n].series, METRICS_SERIES_MAX, series) < 0)
		return;
	pending.op[pending.n].op = op;
	pending.op[pending.n++].v = v;
}

/* Adds to a counter already queued for the same series, else queues it. */
static void count(const char *series)
{
	int i;

	if (!*pending.file)
		return;
	for (i = 0; i < pending.n; i++)
		if (pending.op[i].op == METRICS_ADD && !strcmp(pending.op[i].series, series)) {
			pending.op[i].v++;
			return;
		}
	queue(METRICS_ADD, series, 1);
}

void metrics_api(const char *action, const char *code)
{
	char a[64], k[64], series[METRICS_SERIES_MAX];

	if (!*pending.file)
		return;
	label_clean(a, sizeof a, action);
	label_clean(k, sizeof k, *code ? code : "ok");
	if (util_fmt(series, sizeof series, "tcvip_api_requests_total{action=\"%s\",code=\"%s\"}",
	    a, k) > 0)
		count(series);
}

void metrics_migration(const struct migrate_phases *p)
{
	char series[METRICS_SERIES_MAX];
	int i;

	if (!*pending.file)
		return;
	if (metrics_series(series, sizeof series, "tcvip_migrations_total", "result", p->result) == 0)
		count(series);
	for (i = PHASE_REQUEST; i < PHASE_COUNT; i++)
		if (metrics_series(series, sizeof series, "tcvip_last_migration_phase_seconds",
		    "phase", phases_name(i)) == 0)
			queue(p->ms[i] < 0 ? METRICS_DEL : METRICS_SET, series, p->ms[i]);
	if (metrics_series(series, sizeof series, "tcvip_last_migration_phase_seconds", "phase",
	    "total") == 0)
		queue(METRICS_SET, series, p->total_ms);
	queue(METRICS_SET, "tcvip_last_migration_timestamp_seconds", p->time);
}

void metrics_follow_up(const struct migrate_phases *p)
{
	char series[METRICS_SERIES_MAX];

	if (*pending.file && p->ms[PHASE_FOLLOW_UP] >= 0 &&
	    metrics_series(series, sizeof series, "tcvip_last_migration_phase_seconds", "phase",
	    phases_name(PHASE_FOLLOW_UP)) == 0)
		queue(METRICS_SET, series, p->ms[PHASE_FOLLOW_UP]);
}

void metrics_vip_held(uint32_t vip, int held)
{
	char ip[16], series[METRICS_SERIES_MAX];

	if (*pending.file && metrics_series(series, sizeof series, "tcvip_vip_held", "vip",
	    util_ipv4_str(vip, ip)) == 0)
		queue(METRICS_SET, series, !!held);
}

void metrics_check_self_query(void)
{
	count("tcvip_check_self_queries_total");
}

void metrics_check_self_fault(void)
{
	count("tcvip_check_self_faults_total");
}

void metrics_split_brain(void)
{
	count("tcvip_split_brain_suspected_total");
}

void metrics_creds_expiry(long long unix_time)
{
	queue(unix_time > 0 ? METRICS_SET : METRICS_DEL,
	    "tcvip_credentials_expiry_timestamp_seconds", unix_time);
}

void metrics_deadline(enum metrics_deadline what)
{
	if (*pending.file && (size_t)what < UTIL_ARRAY_LEN(tallies))
		log_deadline_tally(pending.tally, tallies[what].byte);
	else
		log_deadline_tally(NULL, 0);
}

/* ---- the store ---- */

/* The def of series (its name up to '{'), NULL if none. */
static const struct metric_def *def_of(const char *series)
{
	size_t n = strcspn(series, "{"), i;

	for (i = 0; i < UTIL_ARRAY_LEN(defs); i++)
		if (strlen(defs[i].name) == n && !strncmp(defs[i].name, series, n))
			return &defs[i];
	return NULL;
}

/* 1 if s is NAME or NAME{k="v"[,k="v"]} with clean keys and values. */
static int series_valid(const char *s)
{
	const char *p = s + strcspn(s, "{");

	if (!def_of(s) || !strcmp(s, "tcvip_build_info"))
		return 0;
	if (!*p)
		return 1;
	for (p++;;) {
		if (!(*p >= 'a' && *p <= 'z'))
			return 0;
		while ((*p >= 'a' && *p <= 'z') || *p == '_')
			p++;
		if (*p++ != '=' || *p++ != '"')
			return 0;
		while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || (*p && strchr("._:-", *p)))
			p++;
		if (*p++ != '"')
			return 0;
		if (*p == '}')
			return p[1] == 0;
		if (*p++ != ',')
			return 0;
	}
}

/* Index of series in s, or -(insertion point + 1). */
static int find(const struct metrics_store *s, const char *series)
{
	int lo = 0, hi = s->n - 1, mid, c;

	while (lo <= hi) {
		mid = (lo + hi) / 2;
		c = strcmp(s->row[mid].series, series);
		if (!c)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -(lo + 1);
}

int metrics_apply(struct metrics_store *s, enum metrics_op op, const char *series, long long v)
{
	int i = find(s, series);

	if (!series_valid(series) || strlen(series) >= METRICS_SERIES_MAX)
		return -1;
	if (i >= 0) {
		long long nv = op == METRICS_ADD ? s->row[i].v + v : v;

		if (op == METRICS_DEL) {
			memmove(&s->row[i], &s->row[i + 1], sizeof s->row[0] * (size_t)(s->n - i - 1));
			return s->n--, 1;
		}
		if (nv == s->row[i].v)
			return 0;
		return s->row[i].v = nv, 1;
	}
	if (op == METRICS_DEL || (op == METRICS_ADD && v == 0))
		return 0;
	if (s->n >= METRICS_ROWS)
		return -1;
	i = -i - 1;
	memmove(&s->row[i + 1], &s->row[i], sizeof s->row[0] * (size_t)(s->n - i));
	util_copy(s->row[i].series, METRICS_SERIES_MAX, series);
	s->row[i].v = v;
	s->n++;
	return 1;
}

int metrics_store_text(const struct metrics_store *s, char *out, size_t cap)
{
	size_t len = 0;
	int i, n;

	out[0] = 0;
	for (i = 0; i < s->n; i++) {
		n = util_fmt(out + len, cap - len, "%s %lld\n", s->row[i].series, s->row[i].v);
		if (n < 0)
			return -1;
		len += (size_t)n;
	}
	return (int)len;
}

int metrics_store_parse(struct metrics_store *s, const char *text)
{
	char series[METRICS_SERIES_MAX];
	const char *p = text, *sp, *nl;
	long long v;
	char num[32];

	s->n = 0;
	for (; *p; p = *nl ? nl + 1 : nl) {
		sp = strchr(p, ' ');
		nl = p + strcspn(p, "\n");	/* state_read trims the last newline */
		if (!sp || sp > nl || (size_t)(sp - p) >= sizeof series ||
		    (size_t)(nl - sp - 1) >= sizeof num)
			return s->n = 0, -1;
		memcpy(series, p, (size_t)(sp - p));
		series[sp - p] = 0;
		memcpy(num, sp + 1, (size_t)(nl - sp - 1));
		num[nl - sp - 1] = 0;
		/* sorted and unique, as written: anything else is not our file */
		if (util_parse_int(num, -(1LL << 53), 1LL << 53, &v) < 0 ||
		    (s->n && strcmp(s->row[s->n - 1].series, series) >= 0) ||
		    metrics_apply(s, METRICS_SET, series, v) != 1)
			return s->n = 0, -1;
	}
	return 0;
}

/* ---- the file ---- */

/* The rows of def d, in the file's form; len advanced. -1 when out is full. */
static int render_def(const struct metrics_store *s, const struct metric_def *d, char *out,
    size_t cap, size_t *len)
{
	int i, n, header = 0;
	long long v;

	for (i = 0; i < s->n; i++) {
		if (def_of(s->row[i].series) != d)
			continue;
		if (!header++) {
			n = util_fmt(out + *len, cap - *len, "# HELP %s %s\n# TYPE %s %s\n", d->name,
			    d->help, d->name, d->type);
			if (n < 0)
				return -1;
			*len += (size_t)n;
		}
		v = s->row[i].v;
		if (d == DEF_MILLI)
			n = util_fmt(out + *len, cap - *len, "%s %s%lld.%03lld\n", s->row[i].series,
			    v < 0 ? "-" : "", (v < 0 ? -v : v) / 1000, (v < 0 ? -v : v) % 1000);
		else
			n = util_fmt(out + *len, cap - *len, "%s %lld\n", s->row[i].series, v);
		if (n < 0)
			return -1;
		*len += (size_t)n;
	}
	return 0;
}

int metrics_render(const struct metrics_store *s, const char *version, char *out, size_t cap)
{
	const struct metric_def *bi = &defs[UTIL_ARRAY_LEN(defs) - 1];
	char v[64];
	size_t len = 0, i;
	int n;

	out[0] = 0;
	for (i = 0; i + 1 < UTIL_ARRAY_LEN(defs); i++)
		if (render_def(s, &defs[i], out, cap, &len) < 0)
			return -1;
	label_clean(v, sizeof v, version);
	n = util_fmt(out + len, cap - len, "# HELP %s %s\n# TYPE %s %s\n%s{version=\"%s\"} 1\n",
	    bi->name, bi->help, bi->name, bi->type, bi->name, v);
	return n < 0 ? -1 : (int)(len + (size_t)n);
}

/* The directory part of path ("/" for "/x") into dir, the rest into *base. 0 or -1. */
static int split_path(const char *path, char *dir, size_t cap, const char **base)
{
	const char *slash = strrchr(path, '/');
	size_t n;

	if (path[0] != '/' || !slash || !slash[1])
		return -1;
	n = slash == path ? 1 : (size_t)(slash - path);
	if (n >= cap)
		return -1;
	memcpy(dir, path, n);
	dir[n] = 0;
	*base = slash + 1;
	return 0;
}

/* The temp file, written in full, in dfd: 0 or -1 (errno). */
static int write_temp(int dfd, const char *tmp, const char *text, size_t len)
{
	int fd, rc = 0;
	ssize_t w;
	size_t off = 0;

	unlinkat(dfd, tmp, 0);	/* one left by a process that died (we hold the lock) */
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	if (fchmod(fd, 0644) < 0)
		rc = -1;
	while (rc == 0 && off < len) {
		w = write(fd, text + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			rc = -1;
		else
			off += (size_t)w;
	}
	if (close(fd) < 0)
		rc = -1;
	if (rc < 0)
		unlinkat(dfd, tmp, 0);
	return rc;
}

int metrics_write_file(const char *path, const char *text, size_t len)
{
	char dir[256], tmp[300];
	const char *base, *why = NULL;
	struct stat st;
	int dfd, rc = -1;

	if (split_path(path, dir, sizeof dir, &base) < 0 ||
	    util_fmt(tmp, sizeof tmp, ".%s.tmp", base) < 0) {
		log_err("metrics_file %s: not an absolute path to a file", path);
		return -1;
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		why = strerror(errno);
	else if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(st.st_mode))
		why = S_ISLNK(st.st_mode) ? "is a symbolic link (never written through a link): "
		    "remove it" : "is not a regular file";
	else if (write_temp(dfd, tmp, text, len) < 0 || renameat(dfd, tmp, dfd, base) < 0)
		why = strerror(errno);
	else
		rc = 0;
	if (why)
		log_err("metrics_file %s: %s; metrics not written", path, why);
	if (dfd >= 0)
		close(dfd);
	return rc;
}

/* This process's changes applied to s: 1 if any changed it. */
static int apply_pending(struct metrics_store *s)
{
	int i, changed = 0;

	if (pending.overflow)
		log_warn("metrics: more than %d changes in one process; some not counted",
		    METRICS_PENDING);
	for (i = 0; i < pending.n; i++)
		if (metrics_apply(s, pending.op[i].op, pending.op[i].series, pending.op[i].v) > 0)
			changed = 1;
	pending.n = pending.overflow = 0;
	return changed;
}

/* The tally dying processes left (lock held): renamed aside (a byte written from now on
 * starts a new one), counted into s, removed. 1 if it changed s. */
static int tally_merge(struct metrics_store *s)
{
	char merging[300], buf[4096];
	const char *dir = pending.state_dir;
	int n, i, changed = 0;
	size_t k;

	if (util_fmt(merging, sizeof merging, "%s/%s", dir, FILE_METRICS_TALLY_MERGING) < 0 ||
	    rename(pending.tally, merging) < 0)
		return 0;	/* none (ENOENT): the usual case */
	n = state_read(dir, FILE_METRICS_TALLY_MERGING, buf, sizeof buf);
	if (n < 0)
		log_warn("metrics: %s: unreadable or over %zu bytes; its counts are lost", merging,
		    sizeof buf - 1);
	for (i = 0; i < n; i++)
		for (k = 0; k < UTIL_ARRAY_LEN(tallies); k++)
			if (buf[i] == tallies[k].byte &&
			    metrics_apply(s, METRICS_ADD, tallies[k].series, 1) > 0)
				changed = 1;
	state_remove(dir, FILE_METRICS_TALLY_MERGING);
	return changed;
}

/* Merged under the lock: the store read, changed, written back, and metrics_file. */
static int merge(struct metrics_store *s, char *text, size_t cap)
{
	const char *dir = pending.state_dir;
	struct stat st;
	int n = state_read(dir, FILE_METRICS, text, cap), changed = 0;

	s->n = 0;
	if (n >= 0 && metrics_store_parse(s, text) < 0) {
		log_warn("metrics: %s/%s is not what tcvip writes; counting from 0 again", dir,
		    FILE_METRICS);
		changed = 1;
	}
	changed |= tally_merge(s);
	changed |= apply_pending(s);
	if (!changed && lstat(pending.file, &st) == 0)
		return 0;	/* nothing new, and the file is there: no write */
	n = metrics_store_text(s, text, cap);
	if (n < 0 || state_replace(dir, FILE_METRICS, text, (size_t)n, 0600) < 0) {
		log_warn("metrics: %s/%s: cannot write the counts", dir, FILE_METRICS);
		return -1;
	}
	n = metrics_render(s, TCVIP_VERSION, text, cap);
	if (n < 0) {
		log_err("metrics_file %s: over %zu bytes; not written", pending.file, cap);
		return -1;
	}
	return metrics_write_file(pending.file, text, (size_t)n);
}

int metrics_flush(void)
{
	static struct metrics_store s;
	static char text[METRICS_TEXT_MAX];
	int lock, rc;

	if (!*pending.file || (!pending.n && !pending.overflow &&
	    state_mtime_ns(pending.state_dir, FILE_METRICS_TALLY) < 0))
		return 0;	/* one fstatat: nothing seen here, and no process left a tally */
	lock = state_lock_file(pending.state_dir, FILE_METRICS_LOCK, METRICS_LOCK_MS);
	if (lock < 0) {
		log_warn("metrics: %s/%s busy for %d ms; this process's counts are lost",
		    pending.state_dir, FILE_METRICS_LOCK, METRICS_LOCK_MS);
		pending.n = pending.overflow = 0;
		return -1;
	}
	rc = merge(&s, text, sizeof text);
	state_unlock(lock);
	return rc;
}
