/* vipnic.h: a node keepalived does not make master carries none of the VIPs on its NICs. */
#ifndef VIPNIC_H
#define VIPNIC_H

struct cfg;

/* 1 if a notify of this state means the node is not master: BACKUP, FAULT or STOP. */
int vipnic_state_drops(const char *state);
/* Removes every configured VIP from whichever interface carries it, logging each removal
 * with the state, the VIP and the interface. keepalived 2.x removes its VIPs itself when it
 * starts or leaves MASTER; 1.3.5 does not at start, so a node returning after a crash would
 * carry the VIP until check_self's next tick. Returns how many were removed, -1 on error
 * (logged). */
int vipnic_drop(const struct cfg *c, const char *state);
#endif
