/* katimers.h: the few VRRP timers tcvip reads from keepalived.conf (vip drill's table): advert_int, priority, the track script's interval. */
#ifndef KATIMERS_H
#define KATIMERS_H
#include <stddef.h>

struct katimers {
	char path[256];		/* the file read, "" if none could be */
	long long advert_ms;	/* advert_int; keepalived's default 1 s when not named */
	long long interval_ms;	/* the vrrp_script's interval; default 1 s */
	int priority;		/* this node's vrrp_instance priority; default 100 */
	int named;		/* KATIMERS_ bits: which of them the file named */
};
#define KATIMERS_ADVERT 1
#define KATIMERS_INTERVAL 2
#define KATIMERS_PRIORITY 4

/* Reads the first keepalived.conf of paths[0..n-1] that opens (words "advert_int N",
 * "interval N", "priority N", the first of each; '#' and '!' start comments); what it does
 * not name keeps keepalived's default. 0 if a file was read, -1 if none (all defaults). */
int katimers_read(struct katimers *k, const char *const *paths, int n);
/* VRRP (RFC 3768 / keepalived): a backup's skew, (256 - priority) / 256 x advert_int, and
 * its master-down interval, 3 x advert_int + skew. */
long long katimers_skew_ms(const struct katimers *k);
long long katimers_master_down_ms(const struct katimers *k);
#endif
