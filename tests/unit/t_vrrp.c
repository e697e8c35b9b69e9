/* t_vrrp.c: unit tests for vrrp.c: state names and the state file. */
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

int main(void)
{
	char dir[] = "/tmp/t_vrrp.XXXXXX", cmd[64];

	if (!mkdtemp(dir)) {
		printf("FAIL mkdtemp\n");
		return 1;
	}
	t_state_valid();
	t_state_read(dir);
	if (snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir) < (int)sizeof cmd && system(cmd) != 0)
		printf("note: could not remove %s\n", dir);
	return check_done();
}
