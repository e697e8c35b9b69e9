/* mode_client.c: the half of a mode's table that every mode shares: the process's one cloud client (its static storage), where this node is, the call count, warm-up, the kept connection, the last error. */
#include "log.h"
#include "mode_client.h"

/* One cloud client per process, whatever the mode: large, kept out of the stack. */
static struct cloud_mem mem;

struct cloud *mode_client_storage(void)
{
	return cloud_of(&mem);
}

int mode_client_open(void *ctx, const struct cfg *c)
{
	struct mode_client *m = ctx;

	m->c = c;
	m->cl = mode_client_storage();
	return cloud_init(m->cl, c, "");
}

void mode_client_close(void *ctx)
{
	cloud_close(((struct mode_client *)ctx)->cl);
}

int mode_client_node(struct mode_client *m, long long deadline, int what)
{
	cloud_set_deadline(m->cl, deadline);
	cloud_rc_clear(m->cl);
	if (disc_node(&m->nd, m->c, cloud_meta(m->cl), NULL, what) < 0)
		return -1;
	cloud_set_region(m->cl, m->nd.region);
	return 0;
}

void mode_client_calls_reset(void *ctx)
{
	cloud_calls_reset(((struct mode_client *)ctx)->cl);
}

unsigned mode_client_calls(void *ctx)
{
	return cloud_calls(((struct mode_client *)ctx)->cl);
}

const char *mode_client_last_error(void *ctx)
{
	struct mode_client *m = ctx;

	return *cloud_error_code(m->cl) ? cloud_last_error(m->cl) : "";
}

enum cloud_rc mode_client_warm(void *ctx)
{
	struct mode_client *m = ctx;
	enum cloud_rc rc = cloud_warm(m->cl);

	if (rc != CLOUD_OK)
		log_warn("migrate: %s: cannot get ready (%s); a migrate will try again",
		    cloud_host(m->cl), rc == CLOUD_FATAL ? "credentials or trust anchors" :
		    "not reachable");
	return rc;
}

int mode_client_conn_fd(void *ctx)
{
	return cloud_conn_fd(((struct mode_client *)ctx)->cl);
}

void mode_client_conn_drop(void *ctx)
{
	cloud_conn_drop(((struct mode_client *)ctx)->cl);
}
