/* t_vrrp.c: unit tests for vrrp.c: state names, the state file, take-over history and backoff. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "state.h"
#include "vrrp.h"

static void t_state_valid(void)
{
	check(vrrp_state_valid("MASTER"));
	check(vrrp_state_valid("BACKUP"));
	check(vrrp_state_valid("FAULT"));
	check(vrrp_state_valid("STOP"));
	check(vrrp_state_valid("DELETED"));
	check(vrrp_state_valid("MASTER_RX_LOWER_PRI"));
	check(vrrp_state_valid("X"));
	check(!vrrp_state_valid(NULL));
	check(!vrrp_state_valid(""));
	check(!vrrp_state_valid("master"));
	check(!vrrp_state_valid("Master"));
	check(!vrrp_state_valid("MASTER1"));
	check(!vrrp_state_valid("_MASTER"));
	check(!vrrp_state_valid("MA STER"));
	check(!vrrp_state_valid("MASTER\n"));
	check(!vrrp_state_valid("-MASTER"));
	check(vrrp_state_valid("ABCDEFGHIJKLMNOPQRSTUVWXYZABCDE"));	/* 31 chars */
	check(!vrrp_state_valid("ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEF"));	/* 32 */
	check(vrrp_event_known("MASTER") && vrrp_event_known("MASTER_RX_LOWER_PRI"));
	check(vrrp_event_known("DELETED") && vrrp_event_known("BACKUP_PRIORITY"));
	check(!vrrp_event_known("FOO") && !vrrp_event_known("X") && !vrrp_event_known(NULL));
	check(!vrrp_event_known("master") && !vrrp_event_known("MASTER "));
}

static void t_state_read(const char *dir)
{
	char st[VRRP_STATE_MAX];

	check(vrrp_state_read(dir, st, sizeof st) == 0 && st[0] == 0);	/* missing */
	check(state_write(dir, FILE_STATE, "MASTER\n", 7, 0644) == 0);
	check(vrrp_state_read(dir, st, sizeof st) == 6 && !strcmp(st, "MASTER"));
	check(state_write(dir, FILE_STATE, "  BACKUP \r\n", 11, 0644) == 0);	/* seed: echo adds \n */
	check(vrrp_state_read(dir, st, sizeof st) == 6 && !strcmp(st, "BACKUP"));
	check(state_write(dir, FILE_STATE, "garbage state\n", 14, 0644) == 0);
	check(vrrp_state_read(dir, st, sizeof st) == 0 && st[0] == 0);
	check(state_write(dir, FILE_STATE, "", 0, 0644) == 0);
	check(vrrp_state_read(dir, st, sizeof st) == 0 && st[0] == 0);
	check(state_write(dir, FILE_STATE, "FAULT\n", 6, 0644) == 0);
	check(vrrp_state_read(dir, st, 4) == 0 && st[0] == 0);		/* does not fit */
}

static void t_backoff(void)
{
	check(vrrp_backoff_s(0) == VRRP_BACKOFF_BASE_S);
	check(vrrp_backoff_s(1) == 2 * VRRP_BACKOFF_BASE_S);
	check(vrrp_backoff_s(2) == 4 * VRRP_BACKOFF_BASE_S);
	check(vrrp_backoff_s(3) == 8 * VRRP_BACKOFF_BASE_S);
	check(vrrp_backoff_s(5) == VRRP_BACKOFF_MAX_S);
	check(vrrp_backoff_s(30) == VRRP_BACKOFF_MAX_S);
}

static void t_hist_file(const char *dir)
{
	struct vrrp_hist h = { 100, 120, 150, 2 }, g;

	vrrp_hist_load(dir, &g, 1000);
	check(g.last == 0 && g.seen == 0 && g.until == 0 && g.k == 0);	/* missing */
	check(vrrp_hist_save(dir, &h) == 0);
	vrrp_hist_load(dir, &g, 1000);
	check(g.last == 100 && g.seen == 120 && g.until == 150 && g.k == 2);
	vrrp_hist_load(dir, &g, 50);		/* from the future: a reboot reset the clock */
	check(g.last == 0 && g.k == 0);
	check(state_write(dir, FILE_HISTORY, "1 2 x 4\n", 8, 0600) == 0);
	vrrp_hist_load(dir, &g, 1000);
	check(g.last == 0 && g.k == 0);
	check(state_write(dir, FILE_HISTORY, "1 2 3 99\n", 9, 0600) == 0);
	vrrp_hist_load(dir, &g, 1000);
	check(g.k == 0 && g.last == 0);
}

static void t_decide(void)
{
	struct vrrp_hist h;
	long long wait;
	int fresh;

	memset(&h, 0, sizeof h);
	/* First take-over: go. */
	check(vrrp_hist_decide(&h, 1000, &wait, &fresh) == VRRP_TAKEOVER && h.last == 1000);
	/* Found elsewhere again with no sign it ever came here: a failed migrate, go again. */
	check(vrrp_hist_decide(&h, 1030, &wait, &fresh) == VRRP_TAKEOVER && h.last == 1030);
	/* It came here (seen), then went away within a minute: back off 2^1 * base. */
	h.seen = 1040;
	check(vrrp_hist_decide(&h, 1050, &wait, &fresh) == VRRP_BACKOFF);
	check(fresh == 1 && h.k == 1 && wait == 2 * VRRP_BACKOFF_BASE_S);
	check(h.until == 1050 + wait && h.last == 0);
	/* Still backing off: not fresh, time left. */
	check(vrrp_hist_decide(&h, 1060, &wait, &fresh) == VRRP_BACKOFF);
	check(fresh == 0 && wait == h.until - 1060 && h.k == 1);
	/* Backoff over: take over again, exponent kept. */
	check(vrrp_hist_decide(&h, h.until, &wait, &fresh) == VRRP_TAKEOVER && h.k == 1);
	/* Again here then away within a minute: the backoff doubles. */
	h.seen = h.last + 5;
	check(vrrp_hist_decide(&h, h.last + 20, &wait, &fresh) == VRRP_BACKOFF);
	check(fresh && h.k == 2 && wait == 4 * VRRP_BACKOFF_BASE_S);
	/* Away more than a minute after the take-over: not a repeat. */
	h.until = 0;
	h.last = 2000;
	h.seen = 2010;
	check(vrrp_hist_decide(&h, 2000 + VRRP_REPEAT_S, &wait, &fresh) == VRRP_TAKEOVER);
	check(h.k == 2);
	/* Quiet for long enough: the exponent resets. */
	check(vrrp_hist_decide(&h, 2060 + VRRP_QUIET_S, &wait, &fresh) == VRRP_TAKEOVER);
	check(h.k == 0);
	/* The cap holds however often it repeats. */
	memset(&h, 0, sizeof h);
	for (int i = 0; i < 40; i++) {
		long long now = 10000 + i * 1000;
		h.until = 0;
		h.last = now - 10;
		h.seen = now - 5;
		check(vrrp_hist_decide(&h, now, &wait, &fresh) == VRRP_BACKOFF);
		check(wait <= VRRP_BACKOFF_MAX_S && h.k <= 30);
	}
	check(wait == VRRP_BACKOFF_MAX_S);
}

int main(void)
{
	char dir[] = "/tmp/t_vrrp.XXXXXX", cmd[64];

	if (!mkdtemp(dir)) {
		printf("FAIL mkdtemp\n");
		return 1;
	}
	t_state_valid();
	t_state_read(dir);
	t_backoff();
	t_hist_file(dir);
	t_decide();
	if (snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir) < (int)sizeof cmd && system(cmd) != 0)
		printf("note: could not remove %s\n", dir);
	return check_done();
}
