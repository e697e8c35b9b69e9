/* vip: operator tool: migrate the VIPs here, query, status and doctor. */
const char vip_usage[] =
"usage: vip [-c FILE] [-v] COMMAND [OPTIONS]\n"
"\n"
"  migrate [--if-master]  make the cloud assign every VIP to this node's ENI\n"
"                         (exit 0 done, 1 failed, 2 usage/config error)\n"
"  query                  print true if the cloud assigns every VIP here, else\n"
"                         false (exit 0/1); unknown on error (exit 3)\n"
"  status [--json]        local state, VIPs on the NIC, cloud holders, ENI,\n"
"                         endpoint, credentials source, last migrate\n"
"  doctor                 checklist of everything failover needs, with fixes\n";

#include <stdio.h>
#include "tcvip.h"

int vip_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "vip: not implemented yet\n");
	return 1;
}
