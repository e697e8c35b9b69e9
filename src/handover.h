/* handover.h: a planned handover: the flag in state_dir that makes check_self report a fault. */
#ifndef HANDOVER_H
#define HANDOVER_H
#include <stddef.h>

#define HANDOVER_REASON_MAX 16

/* Asks check_self to report a fault for seconds from now, for reason ("drill", "spot").
 * Written by temp + rename. 0 or -1 (logged). */
int handover_request(const char *dir, const char *reason, int seconds);
/* 1 if a request of this boot holds now (reason copied out, may be NULL), else 0: none, of
 * another boot, or past its deadline (a drill that crashed cannot pin a node in FAULT). */
int handover_active(const char *dir, char *reason, size_t cap);
/* Removes the request. 0, or -1 if it could not be removed (logged). */
int handover_clear(const char *dir);
#endif
