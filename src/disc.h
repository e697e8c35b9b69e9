/* disc.h: discovery of this node (instance, MAC, region, VPC, interface, ENI, primary IP), cached in state_dir. */
#ifndef DISC_H
#define DISC_H
#include <stdint.h>
struct cfg;
struct cloud;
struct meta;

struct node {
	char instance[64];
	char mac[32];		/* lower case "52:54:00:..." */
	char region[64];
	char vpc[64];
	char ifname[16];
	char eni[64];
	char ip[16];		/* primary private IPv4 (metadata local-ipv4): route mode's next hop */
};

/* DISC_ALL: what ENI mode needs; DISC_IP (route mode) is asked for by name. */
enum { DISC_REGION = 1, DISC_VPC = 2, DISC_IF = 4, DISC_ENI = 8, DISC_ALL = 15, DISC_IP = 16 };

/* Fills what `need` asks for: config values first, then the cache (state_dir/discovered,
 * valid for this boot), then metadata/netlink (and the cloud for the ENI: cl may be NULL
 * when DISC_ENI is not needed). Writes the cache when it learned something.
 * 0 or -1 (logged, naming what could not be discovered). */
int disc_node(struct node *nd, const struct cfg *c, struct meta *m, struct cloud *cl, int need);
#endif
