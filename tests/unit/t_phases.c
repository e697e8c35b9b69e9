/* t_phases.c: a migrate's phases: marks, the final log line, the last_migrate record and its parser (also the old four-key form). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "phases.h"
#include "util.h"

/* A run whose phases are at the given ms after the event (-1: not reached). */
static void fake(struct migrate_phases *p, long long req, long long acc, long long end,
    long long conf, long long total)
{
	phases_start(p, "notify", 1000);
	p->ms[PHASE_REQUEST] = req;
	p->ms[PHASE_ACCEPTED] = acc;
	p->ms[PHASE_TASK_ENDED] = end;
	p->ms[PHASE_CONFIRMED] = conf;
	p->total_ms = total;
	p->duration_ms = total - 2;
	p->time = 1765000000;
	p->calls = 5;
	util_copy(p->result, sizeof p->result, "done");
}

static void t_line(void)
{
	struct migrate_phases p;
	char line[PHASES_RECORD_MAX];

	fake(&p, 3, 40, 1040, 1100, 1234);
	check(phases_log_line(&p, line, sizeof line) > 0);
	check(!strcmp(line, "done in 1234 ms (event→request 3 ms, accepted 40 ms, task ended 1040 ms, "
	    "confirmed 1100 ms), 5 calls, 0 retries"));
	p.ms[PHASE_FOLLOW_UP] = 1300;
	p.retries = 2;
	util_copy(p.error, sizeof p.error, "RequestLimitExceeded");
	check(phases_log_line(&p, line, sizeof line) > 0);
	check(strstr(line, ", follow-up checked 1300 ms), 5 calls, 2 retries, last error "
	    "RequestLimitExceeded") != NULL);
	fake(&p, -1, -1, -1, -1, 7);
	util_copy(p.result, sizeof p.result, "not-master");
	check(phases_log_line(&p, line, sizeof line) > 0);
	check(!strcmp(line, "not-master in 7 ms (no request), 5 calls, 0 retries"));
	check(phases_log_line(&p, line, 20) < 0);	/* too small: an error, not a cut line */
}

static void t_record(void)
{
	struct migrate_phases p, q;
	char rec[PHASES_RECORD_MAX];

	fake(&p, 3, 40, -1, 1100, 1234);
	check(phases_record(&p, rec, sizeof rec) > 0);
	check(!strcmp(rec, "time=1765000000 result=done duration_ms=1232 calls=5 retries=0 error=- "
	    "event=notify ended_ms=0 total_ms=1234 request_ms=3 accepted_ms=40 task_ended_ms=- "
	    "confirmed_ms=1100 follow_up_ms=-\n"));
	check(phases_parse(rec, &q) == 0);
	check(q.time == p.time && !strcmp(q.result, "done") && q.duration_ms == 1232 && q.calls == 5);
	check(q.ms[PHASE_REQUEST] == 3 && q.ms[PHASE_ACCEPTED] == 40 && q.ms[PHASE_TASK_ENDED] == -1);
	check(q.ms[PHASE_CONFIRMED] == 1100 && q.ms[PHASE_FOLLOW_UP] == -1 && q.total_ms == 1234);
	check(!strcmp(q.event, "notify") && !*q.error);
	/* the old form: the rest unknown */
	check(phases_parse("time=1700000000 result=done duration_ms=812 calls=4", &q) == 0);
	check(q.duration_ms == 812 && q.calls == 4 && q.total_ms == -1 && q.ms[PHASE_ACCEPTED] == -1);
	check(!*q.event);
	/* a newer version's key is ignored; garbage is not a record */
	check(phases_parse("time=1 result=done calls=1 newkey=whatever", &q) == 0);
	check(phases_parse("result=done time=1", &q) < 0);
	check(phases_parse("time=x result=done", &q) < 0);
	check(phases_parse("time=1 calls=1", &q) < 0);		/* no result */
	check(phases_parse("time=1 result=done accepted_ms=-5", &q) < 0);
	check(phases_parse("time=1 result=done junk", &q) < 0);
	check(phases_parse("time=1 result=done calls=99999999999", &q) < 0);
}

static void t_marks(void)
{
	struct migrate_phases p;

	phases_start(&p, NULL, 0);
	check(!strcmp(p.event, "manual") && p.ms[PHASE_EVENT] == 0 && p.ms[PHASE_REQUEST] == -1);
	phases_mark(&p, PHASE_ACCEPTED);
	p.ms[PHASE_ACCEPTED] = 5;
	phases_mark(&p, PHASE_ACCEPTED);		/* the first acceptance stays */
	check(p.ms[PHASE_ACCEPTED] == 5);
	p.ms[PHASE_TASK_ENDED] = -2;
	phases_mark(&p, PHASE_TASK_ENDED);		/* the last task's end wins */
	check(p.ms[PHASE_TASK_ENDED] >= 0);
	phases_start(&p, "fifo", util_now_ms() + 50);	/* stamped a hair after our clock read */
	phases_mark(&p, PHASE_REQUEST);
	check(p.ms[PHASE_REQUEST] == 0);
	phases_end(&p, "done", 3, 4, 1);
	check(p.total_ms == 0 && p.calls == 4 && p.retries == 1 && !strcmp(p.result, "done"));
}

static void t_file(void)
{
	char dir[] = "/tmp/t_phases.XXXXXX";
	struct migrate_phases p, q;

	check(mkdtemp(dir) != NULL);
	check(phases_load(dir, &q) < 0);	/* none yet */
	fake(&p, 3, 40, 1040, 1100, 1234);
	check(phases_save(dir, &p) == 0);
	check(phases_load(dir, &q) == 0 && q.ms[PHASE_TASK_ENDED] == 1040 && !strcmp(q.event, "notify"));
	check(chdir(dir) == 0 && unlink("last_migrate") == 0 && chdir("/") == 0 && rmdir(dir) == 0);
}

int main(void)
{
	t_line();
	t_record();
	t_marks();
	t_file();
	return check_done();
}
