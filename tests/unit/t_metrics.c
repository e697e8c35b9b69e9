/* t_metrics.c: metrics_file's pieces: counter merge and gauges in the store, its strict parser, the Prometheus text, the atomic writer (0644, a symlink refused), the tally a process killed by its deadline leaves. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cfg.h"
#include "harness.h"
#include "log.h"
#include "metrics.h"
#include "state.h"
#include "util.h"

static struct metrics_store s, t;
static char text[32768];

static void t_apply(void)
{
	s.n = 0;
	check(metrics_apply(&s, METRICS_ADD, "tcvip_migrations_total{result=\"done\"}", 1) == 1);
	check(metrics_apply(&s, METRICS_ADD, "tcvip_migrations_total{result=\"done\"}", 2) == 1);
	check(metrics_apply(&s, METRICS_ADD, "tcvip_check_self_queries_total", 1) == 1);
	check(s.n == 2 && s.row[1].v == 3);		/* sorted: check_self before migrations */
	check(!strcmp(s.row[0].series, "tcvip_check_self_queries_total"));
	check(metrics_apply(&s, METRICS_SET, "tcvip_vip_held{vip=\"198.18.0.100\"}", 1) == 1);
	check(metrics_apply(&s, METRICS_SET, "tcvip_vip_held{vip=\"198.18.0.100\"}", 1) == 0);	/* same */
	check(metrics_apply(&s, METRICS_DEL, "tcvip_credentials_expiry_timestamp_seconds", 0) == 0);
	check(metrics_apply(&s, METRICS_SET, "tcvip_credentials_expiry_timestamp_seconds", 9) == 1);
	check(metrics_apply(&s, METRICS_DEL, "tcvip_credentials_expiry_timestamp_seconds", 0) == 1);
	check(metrics_apply(&s, METRICS_ADD, "tcvip_api_requests_total{action=\"X\",code=\"ok\"}", 0) == 0);
	/* not ours: unknown names, bad labels, the synthesized build_info */
	check(metrics_apply(&s, METRICS_ADD, "node_cpu_total", 1) < 0);
	check(metrics_apply(&s, METRICS_ADD, "tcvip_migrations_total{result=\"a b\"}", 1) < 0);
	check(metrics_apply(&s, METRICS_ADD, "tcvip_migrations_total{result=\"x\"", 1) < 0);
	check(metrics_apply(&s, METRICS_ADD, "tcvip_migrations_total{Result=\"x\"}", 1) < 0);
	check(metrics_apply(&s, METRICS_SET, "tcvip_build_info", 1) < 0);
	check(s.n == 3);
}

static void t_store(void)
{
	int n = metrics_store_text(&s, text, sizeof text);

	check(n > 0 && !strcmp(text, "tcvip_check_self_queries_total 1\n"
	    "tcvip_migrations_total{result=\"done\"} 3\ntcvip_vip_held{vip=\"198.18.0.100\"} 1\n"));
	check(metrics_store_parse(&t, text) == 0 && t.n == 3 && t.row[1].v == 3);
	text[strlen(text) - 1] = 0;	/* state_read trims the last newline */
	check(metrics_store_parse(&t, text) == 0 && t.n == 3);
	check(metrics_store_parse(&t, "") == 0 && t.n == 0);
	check(metrics_store_parse(&t, "tcvip_check_self_queries_total x\n") < 0 && t.n == 0);
	check(metrics_store_parse(&t, "tcvip_check_self_queries_total  1\n") < 0);
	check(metrics_store_parse(&t, "garbage\n") < 0);
	/* unsorted or repeated: not what we write */
	check(metrics_store_parse(&t, "tcvip_vip_held{vip=\"1\"} 1\ntcvip_check_self_queries_total 1\n") < 0);
	check(metrics_store_parse(&t, "tcvip_check_self_queries_total 1\ntcvip_check_self_queries_total 2\n") < 0);
}

static void t_render(void)
{
	s.n = 0;
	metrics_apply(&s, METRICS_SET, "tcvip_last_migration_phase_seconds{phase=\"accepted\"}", 40);
	metrics_apply(&s, METRICS_SET, "tcvip_last_migration_phase_seconds{phase=\"total\"}", 1234);
	metrics_apply(&s, METRICS_ADD, "tcvip_migrations_total{result=\"done\"}", 2);
	check(metrics_render(&s, "0.1-5-gabc", text, sizeof text) > 0);
	check(!strcmp(text,
	    "# HELP tcvip_migrations_total Migrates by result (done, failed, not-master, taken-back, deadline).\n"
	    "# TYPE tcvip_migrations_total counter\n"
	    "tcvip_migrations_total{result=\"done\"} 2\n"
	    "# HELP tcvip_last_migration_phase_seconds The last migrate's phases, seconds after its "
	    "event (the notify, the FIFO line).\n"
	    "# TYPE tcvip_last_migration_phase_seconds gauge\n"
	    "tcvip_last_migration_phase_seconds{phase=\"accepted\"} 0.040\n"
	    "tcvip_last_migration_phase_seconds{phase=\"total\"} 1.234\n"
	    "# HELP tcvip_build_info tcvip's version.\n# TYPE tcvip_build_info gauge\n"
	    "tcvip_build_info{version=\"0.1-5-gabc\"} 1\n"));
	check(metrics_render(&s, "v\"1\n", text, sizeof text) > 0 && strstr(text, "version=\"v_1_\"} 1\n"));
	check(metrics_render(&s, "v", text, 100) < 0);
}

static void t_write(void)
{
	char dir[] = "/tmp/t_metrics.XXXXXX", path[64], other[64], buf[16];
	struct stat st;
	int fd;
	mode_t old = umask(077);

	check(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/tcvip.prom", dir);
	snprintf(other, sizeof other, "%s/other", dir);
	check(metrics_write_file(path, "a 1\n", 4) == 0);
	check(stat(path, &st) == 0 && (st.st_mode & 0777) == 0644 && st.st_size == 4);	/* despite umask */
	check(metrics_write_file(path, "a 22\n", 5) == 0 && stat(path, &st) == 0 && st.st_size == 5);
	check(unlink(path) == 0);
	fd = open(other, O_WRONLY | O_CREAT, 0600);
	check(fd >= 0 && write(fd, "keep", 4) == 4 && close(fd) == 0);
	check(symlink(other, path) == 0);
	check(metrics_write_file(path, "a 1\n", 4) < 0);		/* never through the link */
	fd = open(other, O_RDONLY);
	check(fd >= 0 && read(fd, buf, sizeof buf) == 4 && close(fd) == 0);
	check(lstat(path, &st) == 0 && S_ISLNK(st.st_mode));
	check(metrics_write_file("relative.prom", "a 1\n", 4) < 0);
	check(metrics_write_file("/tmp/", "a 1\n", 4) < 0);
	unlink(path);
	unlink(other);
	check(rmdir(dir) == 0);		/* no temp file left */
	umask(old);
}

/* A child armed like a migrate or check_self (what < 0: log_deadline alone), killed by its timer. */
static void die_by_deadline(int what)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		if (what >= 0)
			metrics_deadline((enum metrics_deadline)what);
		log_deadline(20, 1, "t_metrics: deadline");
		for (;;)
			pause();
	}
	check(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 1);
}

static void t_deadline(void)
{
	static struct cfg c;
	char dir[] = "/tmp/t_metrics.XXXXXX";

	check(mkdtemp(dir) != NULL);
	cfg_defaults(&c);
	util_copy(c.state_dir, sizeof c.state_dir, dir);
	snprintf(c.metrics_file, sizeof c.metrics_file, "%s/tcvip.prom", dir);
	metrics_bind(&c);
	log_open(NULL, 0);
	die_by_deadline(METRICS_DEADLINE_MIGRATE);
	die_by_deadline(METRICS_DEADLINE_MIGRATE);
	die_by_deadline(METRICS_DEADLINE_CHECK_SELF);
	check(state_read(dir, FILE_METRICS_TALLY, text, sizeof text) == 3 && !strcmp(text, "ddw"));
	/* armed, disarmed, then a timer without metrics_deadline: it counts nothing */
	metrics_deadline(METRICS_DEADLINE_MIGRATE);
	check(log_deadline(0, 0, "") == 0);
	die_by_deadline(-1);
	check(state_read(dir, FILE_METRICS_TALLY, text, sizeof text) == 3);
	/* a flush with nothing of its own still merges the tally, and removes it */
	check(metrics_flush() == 0);
	check(state_mtime_ns(dir, FILE_METRICS_TALLY) < 0 && state_mtime_ns(dir, FILE_METRICS_TALLY_MERGING) < 0);
	check(state_read(dir, FILE_METRICS, text, sizeof text) > 0 &&
	    strstr(text, "tcvip_check_self_watchdog_total 1\n") &&
	    strstr(text, "tcvip_migrations_total{result=\"deadline\"} 2"));
	check(state_read(dir, "tcvip.prom", text, sizeof text) > 0 &&
	    strstr(text, "tcvip_migrations_total{result=\"deadline\"} 2\n"));
	check(metrics_flush() == 0);	/* nothing new: nothing read */
	unlink(c.metrics_file);
	state_remove(dir, FILE_METRICS);
	state_remove(dir, FILE_METRICS_LOCK);
	check(rmdir(dir) == 0);
}

int main(void)
{
	t_apply();
	t_store();
	t_render();
	t_write();
	t_deadline();
	return check_done();
}
