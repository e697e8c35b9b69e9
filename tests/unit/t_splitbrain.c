/* t_splitbrain.c: unit tests for splitbrain.c: the take-over history and its backoff. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "splitbrain.h"
#include "state.h"

static void t_backoff(void)
{
	check(splitbrain_backoff_s(0) == SPLITBRAIN_BACKOFF_BASE_S);
	check(splitbrain_backoff_s(1) == 2 * SPLITBRAIN_BACKOFF_BASE_S);
	check(splitbrain_backoff_s(2) == 4 * SPLITBRAIN_BACKOFF_BASE_S);
	check(splitbrain_backoff_s(3) == 8 * SPLITBRAIN_BACKOFF_BASE_S);
	check(splitbrain_backoff_s(5) == SPLITBRAIN_BACKOFF_MAX_S);
	check(splitbrain_backoff_s(30) == SPLITBRAIN_BACKOFF_MAX_S);
}

static void t_hist_file(const char *dir)
{
	struct splitbrain h = { 100, 120, 150, 2 }, g;

	splitbrain_load(dir, &g, 1000);
	check(g.last == 0 && g.seen == 0 && g.until == 0 && g.k == 0);	/* missing */
	check(splitbrain_save(dir, &h) == 0);
	splitbrain_load(dir, &g, 1000);
	check(g.last == 100 && g.seen == 120 && g.until == 150 && g.k == 2);
	splitbrain_load(dir, &g, 50);		/* from the future: a reboot reset the clock */
	check(g.last == 0 && g.k == 0);
	check(state_write(dir, FILE_HISTORY, "1 2 x 4\n", 8, 0600) == 0);
	splitbrain_load(dir, &g, 1000);
	check(g.last == 0 && g.k == 0);
	check(state_write(dir, FILE_HISTORY, "1 2 3 99\n", 9, 0600) == 0);
	splitbrain_load(dir, &g, 1000);
	check(g.k == 0 && g.last == 0);
}

static void t_decide(void)
{
	struct splitbrain h;
	long long wait;
	int fresh;

	memset(&h, 0, sizeof h);
	/* First take-over: go. */
	check(splitbrain_decide(&h, 1000, &wait, &fresh) == SPLITBRAIN_TAKEOVER && h.last == 1000);
	/* Found elsewhere again with no sign it ever came here: a failed migrate, go again. */
	check(splitbrain_decide(&h, 1030, &wait, &fresh) == SPLITBRAIN_TAKEOVER && h.last == 1030);
	/* It came here (seen), then went away within a minute: back off 2^1 * base. */
	h.seen = 1040;
	check(splitbrain_decide(&h, 1050, &wait, &fresh) == SPLITBRAIN_BACKOFF);
	check(fresh == 1 && h.k == 1 && wait == 2 * SPLITBRAIN_BACKOFF_BASE_S);
	check(h.until == 1050 + wait && h.last == 0);
	/* Still backing off: not fresh, time left. */
	check(splitbrain_decide(&h, 1060, &wait, &fresh) == SPLITBRAIN_BACKOFF);
	check(fresh == 0 && wait == h.until - 1060 && h.k == 1);
	/* Backoff over: take over again, exponent kept. */
	check(splitbrain_decide(&h, h.until, &wait, &fresh) == SPLITBRAIN_TAKEOVER && h.k == 1);
	/* Again here then away within a minute: the backoff doubles. */
	h.seen = h.last + 5;
	check(splitbrain_decide(&h, h.last + 20, &wait, &fresh) == SPLITBRAIN_BACKOFF);
	check(fresh && h.k == 2 && wait == 4 * SPLITBRAIN_BACKOFF_BASE_S);
	/* Away more than a minute after the take-over: not a repeat. */
	h.until = 0;
	h.last = 2000;
	h.seen = 2010;
	check(splitbrain_decide(&h, 2000 + SPLITBRAIN_REPEAT_S, &wait, &fresh) == SPLITBRAIN_TAKEOVER);
	check(h.k == 2);
	/* Quiet for long enough: the exponent resets. */
	check(splitbrain_decide(&h, 2060 + SPLITBRAIN_QUIET_S, &wait, &fresh) == SPLITBRAIN_TAKEOVER);
	check(h.k == 0);
	/* The cap holds however often it repeats. */
	memset(&h, 0, sizeof h);
	for (int i = 0; i < 40; i++) {
		long long now = 10000 + i * 1000;
		h.until = 0;
		h.last = now - 10;
		h.seen = now - 5;
		check(splitbrain_decide(&h, now, &wait, &fresh) == SPLITBRAIN_BACKOFF);
		check(wait <= SPLITBRAIN_BACKOFF_MAX_S && h.k <= 30);
	}
	check(wait == SPLITBRAIN_BACKOFF_MAX_S);
}

int main(void)
{
	char dir[] = "/tmp/t_splitbrain.XXXXXX", cmd[64];

	if (!mkdtemp(dir)) {
		printf("FAIL mkdtemp\n");
		return 1;
	}
	t_backoff();
	t_hist_file(dir);
	t_decide();
	if (snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir) < (int)sizeof cmd && system(cmd) != 0)
		printf("note: could not remove %s\n", dir);
	return check_done();
}
