/* status.h: `vip status`: what this node and the cloud say, as text or JSON. */
#ifndef STATUS_H
#define STATUS_H
struct cfg;
/* Prints the status; returns the exit code (0, or 1 if the cloud could not be asked). */
int status_run(const struct cfg *c, int json);
#endif
