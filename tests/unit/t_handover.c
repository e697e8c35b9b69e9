/* t_handover.c: unit tests for handover.c: the planned-handover request and its deadline. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "handover.h"
#include "harness.h"
#include "state.h"
#include "util.h"
#include "vrrp.h"

static void t_request(const char *dir)
{
	char reason[HANDOVER_REASON_MAX];

	check(handover_active(dir, reason, sizeof reason) == 0);	/* none */
	check(handover_request(dir, "drill", 60) == 0);
	check(handover_active(dir, reason, sizeof reason) == 1);
	check(!strcmp(reason, "drill"));
	check(handover_active(dir, NULL, 0) == 1);
	check(handover_clear(dir) == 0);
	check(handover_active(dir, reason, sizeof reason) == 0);
	check(handover_clear(dir) == 0);	/* already gone: fine */
}

static void t_deadline(const char *dir)
{
	char boot[40], line[128];
	int n;

	vrrp_boot_id(boot, sizeof boot);
	check(*boot != 0);
	n = snprintf(line, sizeof line, "%s %lld spot\n", boot, util_now_ms() - 1);
	check(state_write(dir, FILE_HANDOVER, line, (size_t)n, 0600) == 0);
	check(handover_active(dir, NULL, 0) == 0);	/* past its deadline: a crashed drill */
	n = snprintf(line, sizeof line, "%s %lld spot\n", boot, util_now_ms() + 60000);
	check(state_write(dir, FILE_HANDOVER, line, (size_t)n, 0600) == 0);
	check(handover_active(dir, NULL, 0) == 1);
	n = snprintf(line, sizeof line, "another-boot %lld spot\n", util_now_ms() + 60000);
	check(state_write(dir, FILE_HANDOVER, line, (size_t)n, 0600) == 0);
	check(handover_active(dir, NULL, 0) == 0);	/* another boot's clock */
	check(state_write(dir, FILE_HANDOVER, "garbage\n", 8, 0600) == 0);
	check(handover_active(dir, NULL, 0) == 0);
}

int main(void)
{
	char dir[] = "/tmp/t_handover.XXXXXX", cmd[64];

	if (!mkdtemp(dir)) {
		printf("FAIL mkdtemp\n");
		return 1;
	}
	t_request(dir);
	t_deadline(dir);
	if (snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir) < (int)sizeof cmd && system(cmd) != 0)
		printf("note: could not remove %s\n", dir);
	return check_done();
}
