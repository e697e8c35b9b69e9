/* mode_client.h: the half of a mode's table that every mode shares: the process's one cloud client (its static storage), where this node is, the call count, warm-up, the kept connection, the last error. */
#ifndef MODE_CLIENT_H
#define MODE_CLIENT_H
#include "cfg.h"
#include "cloud.h"
#include "disc.h"

/* The first member of every mode's state (the ctx of its struct migrate_ops): the config, the
 * client (the one storage of the process: one mode is open at a time) and this node. */
struct mode_client {
	const struct cfg *c;
	struct cloud *cl;
	struct node nd;
};

/* Region and VPC (and what else `what` asks, DISC_*) from config, cache or metadata, every
 * exchange bounded by deadline (0: none); the client's region set. 0, or -1 (the class in
 * cloud_last_rc). */
int mode_client_node(struct mode_client *m, long long deadline, int what);

/* The process's one client storage itself, for calls of a caller's own once no mode has it
 * open (vip status's DescribeAddresses after the holders query closed its client). */
struct cloud *mode_client_storage(void);

/* struct migrate_ops entries, ctx being the mode's state. */
int mode_client_open(void *ctx, const struct cfg *c);
void mode_client_close(void *ctx);
void mode_client_calls_reset(void *ctx);
unsigned mode_client_calls(void *ctx);
const char *mode_client_last_error(void *ctx);
enum cloud_rc mode_client_warm(void *ctx);
int mode_client_conn_fd(void *ctx);
void mode_client_conn_drop(void *ctx);

/* Those entries in a mode's struct migrate_ops initialiser. */
#define MODE_CLIENT_OPS \
	.open = mode_client_open, .close = mode_client_close, \
	.calls_reset = mode_client_calls_reset, .calls = mode_client_calls, \
	.last_error = mode_client_last_error, .warm = mode_client_warm, \
	.conn_fd = mode_client_conn_fd, .conn_drop = mode_client_conn_drop
#endif
