/* vipnic.c: a node keepalived does not make master carries none of the VIPs on its NICs. */
#include <string.h>

#include "cfg.h"
#include "log.h"
#include "nl.h"
#include "util.h"
#include "vipnic.h"

#define VIPNIC_MAX_IFS 4	/* interfaces one VIP is looked for on, per call */

int vipnic_state_drops(const char *state)
{
	return !strcmp(state, "BACKUP") || !strcmp(state, "FAULT") || !strcmp(state, "STOP");
}

/* Removes vip from every interface that has it: the count, or -1. */
static int drop_one(struct nl *n, uint32_t vip, const char *state)
{
	char ifname[16], ip[16];
	int i, ifindex, rc, removed = 0;

	for (i = 0; i < VIPNIC_MAX_IFS; i++) {
		rc = nl_ifname_by_addr(n, vip, ifname);
		if (rc == 1)
			return removed;
		if (rc < 0 || (ifindex = nl_ifindex(n, ifname)) <= 0 ||
		    (rc = nl_addr_ensure(n, ifindex, vip, 32, 0)) < 0)
			return -1;
		if (rc == 0)
			return removed;	/* there, but not as keepalived's /32: not ours to remove */
		log_warn("notify: %s: removed VIP %s from %s (keepalived left it there)", state,
		    util_ipv4_str(vip, ip), ifname);
		removed++;
	}
	return removed;
}

int vipnic_drop(const struct cfg *c, const char *state)
{
	static struct nl n;	/* its 32 KiB buffer stays off the stack */
	int i, rc, total = 0;

	if (nl_open(&n) < 0) {
		log_err("notify: %s: cannot open netlink to check the NICs for the VIP", state);
		return -1;
	}
	for (i = 0; i < c->nvip && total >= 0; i++) {
		rc = drop_one(&n, c->vip[i], state);
		total = rc < 0 ? -1 : total + rc;
	}
	nl_close(&n);
	if (total < 0)
		log_err("notify: %s: could not remove the VIP from this node's NICs; check_self "
		    "will retry", state);
	return total;
}
