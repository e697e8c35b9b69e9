/* drill.h: vip drill: a timed test failover of a healthy pair, started on its master. */
#ifndef DRILL_H
#define DRILL_H
#include "cfg.h"

#define DRILL_DEFAULT_TIMEOUT_S 60

/* Hands this node over through check_self (handover.h), watches keepalived, the NIC and the
 * cloud, prints the phases, and always clears the request. 0 the VIP moved, 1 it did not
 * (or refused: not master, not holder), 130 interrupted. */
int drill_run(const struct cfg *c, int timeout_s);
#endif
