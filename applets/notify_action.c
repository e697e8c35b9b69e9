/* notify_action: keepalived notify script: records the state, starts a detached migrate on MASTER. */
const char notify_action_usage[] =
"usage: notify_action.sh [-c FILE] [-v] STATE\n"
"       notify_action.sh [-c FILE] [-v] [ARGS...] INSTANCE|GROUP NAME STATE PRIORITY\n"
"\n"
"keepalived notify script (notify_master/backup/fault/stop, or a generic notify).\n"
"Writes STATE to state_dir/state atomically and, on MASTER, resets the failure\n"
"count and starts a detached 'vip migrate --if-master', returning at once.\n";

#include <stdio.h>
#include "tcvip.h"

int notify_action_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "notify_action: not implemented yet\n");
	return 1;
}
