/* metrics.h: metrics_file: Prometheus text for node_exporter's textfile collector; the counts behind it persist in state_dir/metrics across processes. */
#ifndef METRICS_H
#define METRICS_H
#include <stddef.h>
#include <stdint.h>

struct cfg;
struct migrate_phases;

/* The process's metrics go to c->metrics_file ("" = off: every call below does nothing).
 * Copies what it needs (tcvip_setup calls it). */
void metrics_bind(const struct cfg *c);
/* What this process saw, kept in memory until metrics_flush. */
void metrics_api(const char *action, const char *code);		/* code "" = no error */
void metrics_migration(const struct migrate_phases *p);		/* by result; phase gauges */
void metrics_follow_up(const struct migrate_phases *p);		/* its follow-up phase, run after */
void metrics_vip_held(uint32_t vip, int held);			/* as the cloud said just now */
void metrics_check_self_query(void);				/* a run that asked the cloud */
void metrics_check_self_fault(void);				/* a run that exits 1 */
void metrics_split_brain(void);
void metrics_creds_expiry(long long unix_time);			/* 0: static keys, no expiry */
/* Before arming log_deadline: if that timer ends the process, it appends one byte to
 * state_dir/metrics.tally, which the next flush (any process's) merges: the migrate as
 * tcvip_migrations_total{result="deadline"}, the check_self run as
 * tcvip_check_self_watchdog_total. Everything else the process saw is lost with it. */
enum metrics_deadline { METRICS_DEADLINE_MIGRATE, METRICS_DEADLINE_CHECK_SELF };
void metrics_deadline(enum metrics_deadline what);
/* Merges what this process saw into state_dir/metrics (under state_dir/metrics.lock) and,
 * if anything changed, rewrites metrics_file (temp + rename, 0644, never through a link).
 * Nothing seen: nothing read or written. 0, or -1 (logged). */
int metrics_flush(void);

/* ---- the pieces, for the tests ---- */
#define METRICS_SERIES_MAX 160
#define METRICS_ROWS 160
struct metrics_row {
	char series[METRICS_SERIES_MAX];	/* name{label="value",...} */
	long long v;				/* counters as counted; *_seconds with a phase: ms */
};
struct metrics_store {
	int n;
	struct metrics_row row[METRICS_ROWS];	/* sorted by series */
};
enum metrics_op { METRICS_ADD, METRICS_SET, METRICS_DEL };
/* Applies one change; 1 if the store changed, 0 not, -1 full (or a bad series). */
int metrics_apply(struct metrics_store *s, enum metrics_op op, const char *series, long long v);
/* The store's file form ("SERIES VALUE\n" lines) and its strict parser (0, or -1: garbage). */
int metrics_store_text(const struct metrics_store *s, char *out, size_t cap);
int metrics_store_parse(struct metrics_store *s, const char *text);
/* The Prometheus text form (HELP, TYPE, the series; tcvip_build_info{version}). Length or -1. */
int metrics_render(const struct metrics_store *s, const char *version, char *out, size_t cap);
/* Writes text to path atomically: a temp file in its directory, mode 0644, renamed over it;
 * refuses a path that is a symbolic link or not a regular file. 0, or -1 (logged). */
int metrics_write_file(const char *path, const char *text, size_t len);
/* series for name and one label ("" label: none) into out. 0 or -1. */
int metrics_series(char *out, size_t cap, const char *name, const char *label, const char *value);
#endif
