/* check_self: keepalived track script: keeps the NIC and the cloud in line with the VRRP state. */
const char check_self_usage[] =
"usage: check_self.sh [-c FILE] [-v]\n"
"\n"
"keepalived vrrp_script, run every few seconds; finishes within 3 s.\n"
"MASTER: adds a missing VIP to the NIC; at most every query_interval s asks the\n"
"cloud and starts a detached migrate if another ENI holds the VIP; exits 1\n"
"after fault_after failed migrations in a row. Not MASTER: removes a stray VIP\n"
"from the NIC, runs restart_command and exits 1.\n";

#include <stdio.h>
#include "tcvip.h"

int check_self_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "check_self: not implemented yet\n");
	return 1;
}
