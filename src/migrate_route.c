/* migrate_route.c: route mode's table of cloud calls: a VIP is a /32 route whose next hop (NORMAL_CVM, the master's primary IP) is moved in every applicable route table (DescribeRouteTables, ReplaceRoutes, CreateRoutes). */
#include <string.h>

#include "cfg.h"
#include "cloud.h"
#include "disc.h"
#include "log.h"
#include "migrate.h"
#include "mode_client.h"
#include "util.h"

_Static_assert(CFG_MAX_ROUTE_TABLES <= CLOUD_MAX_RTB, "route_table lines must fit a describe");
_Static_assert(sizeof(((struct cfg *)0)->route_table[0]) == CLOUD_ID_LEN, "route_table ids");

struct route_state {
	struct mode_client mc;	/* first: the shared half of the table works on it */
	struct cloud_rtbs rt;	/* the last describe: the ids a replace keeps */
	int (*go_on)(void *arg);	/* the shared path's "still MASTER?" (set_guard) */
	void *go_arg;
};

static struct route_state rst;

void *migrate_route_state(void);
void *migrate_route_state(void)
{
	return &rst;
}

/* Region, VPC and this node's primary private IP (the next hop): config, cache, metadata. */
static enum cloud_rc route_locate(void *ctx, long long deadline, char self[CLOUD_ID_LEN])
{
	struct mode_client *m = &((struct route_state *)ctx)->mc;

	if (mode_client_node(m, deadline, DISC_REGION | DISC_VPC | DISC_IP) == 0)
		return util_copy(self, CLOUD_ID_LEN, m->nd.ip) < 0 ? CLOUD_FATAL : CLOUD_OK;
	return CLOUD_RETRY;	/* metadata did not answer: the run tries again */
}

/* The route of table t to vip in the last describe: the one route, NULL if none; *count
 * gets how many there are (more than one: ECMP). */
static const struct cloud_route *route_in(const struct route_state *s, const char *t,
    uint32_t vip, int *count)
{
	const struct cloud_route *found = NULL;
	int i;

	*count = 0;
	for (i = 0; i < s->rt.nroute; i++)
		if (s->rt.route[i].vip == vip && !strcmp(s->rt.route[i].table, t)) {
			found = found ? found : &s->rt.route[i];
			++*count;
		}
	return found;
}

/* Table k (0..) of those that apply to vip: every configured table, or (discovered) every
 * table with a route to vip. NULL past the last. */
static const char *table_of(const struct route_state *s, uint32_t vip, int k)
{
	int i, n;

	for (i = 0; i < s->rt.ntable; i++)
		if ((s->mc.c->nroute_table || route_in(s, s->rt.table[i], vip, &n)) && k-- == 0)
			return s->rt.table[i];
	return NULL;
}

/* The holder a route names: its NORMAL_CVM next hop, else TYPE:ID, "disabled:" if so. */
static void holder_of(const struct cloud_route *r, char out[CLOUD_ID_LEN])
{
	if (util_fmt(out, CLOUD_ID_LEN, "%s%s%s%s", r->enabled ? "" : "disabled:",
	    strcmp(r->type, "NORMAL_CVM") ? r->type : "", strcmp(r->type, "NORMAL_CVM") ? ":" : "",
	    r->gateway) < 0)
		util_copy(out, CLOUD_ID_LEN, "?");
}

/* Holder of h->vip over its tables: "" if a table lacks the route, else the first next hop
 * that is not self, else self. CLOUD_FATAL (logged) when no table applies or a table
 * holds ECMP routes to it. */
static enum cloud_rc holder_over_tables(struct route_state *s, struct cloud_holder *h)
{
	const struct cloud_route *r;
	char ip[16], who[CLOUD_ID_LEN], other[CLOUD_ID_LEN] = "";
	const char *t;
	int k, n, missing = 0;

	for (k = 0; (t = table_of(s, h->vip, k)); k++) {
		r = route_in(s, t, h->vip, &n);
		if (n > 1) {
			log_err("route mode: %s has %d routes to %s/32 (ECMP): delete all but one; "
			    "tcvip moves one route, never adds one beside another", t, n,
			    util_ipv4_str(h->vip, ip));
			return CLOUD_FATAL;
		}
		if (!r) {
			missing = 1;
			continue;
		}
		holder_of(r, who);
		if (strcmp(who, s->mc.nd.ip) && !*other)
			util_copy(other, sizeof other, who);
	}
	if (k == 0) {
		log_err("route mode: no route table of %s has a route to %s/32: create one (next hop "
		    "this master's IP) or name the tables with route_table", s->mc.nd.vpc,
		    util_ipv4_str(h->vip, ip));
		return CLOUD_FATAL;
	}
	util_copy(h->eni, sizeof h->eni, missing ? "" : *other ? other : s->mc.nd.ip);
	h->busy = 0;	/* ReplaceRoutes/CreateRoutes are synchronous: nothing is ever in flight */
	return CLOUD_OK;
}

/* A configured table the VPC does not have is a config error. */
static enum cloud_rc tables_present(const struct route_state *s)
{
	int i, k;

	for (i = 0; i < s->mc.c->nroute_table; i++) {
		for (k = 0; k < s->rt.ntable && strcmp(s->rt.table[k], s->mc.c->route_table[i]); k++)
			;
		if (k == s->rt.ntable) {
			log_err("%s: route_table %s: not a route table of %s (DescribeRouteTables)",
			    s->mc.c->path, s->mc.c->route_table[i], s->mc.nd.vpc);
			return CLOUD_FATAL;
		}
	}
	return CLOUD_OK;
}

static enum cloud_rc route_find_holders(void *ctx, struct cloud_holder *h, int n)
{
	struct route_state *s = ctx;
	uint32_t vips[CFG_MAX_VIPS];
	int i, rc;

	for (i = 0; i < n && i < CFG_MAX_VIPS; i++) {
		vips[i] = h[i].vip;
		h[i].eni[0] = 0;
		h[i].busy = 0;
	}
	rc = cloud_route_tables(s->mc.cl, s->mc.nd.vpc,
	    (const char (*)[CLOUD_ID_LEN])s->mc.c->route_table, s->mc.c->nroute_table, vips, i,
	    &s->rt);
	if (rc == CLOUD_OK)
		rc = tables_present(s);
	for (i = 0; rc == CLOUD_OK && i < n; i++)
		rc = holder_over_tables(s, &h[i]);
	return (enum cloud_rc)rc;
}

/* Every table of vip points at self: ReplaceRoutes where a route names another next hop
 * (its ids kept), CreateRoutes where a table has none. Before each change after the first it
 * asks the shared path whether this node is still MASTER (the shared path asked before the
 * first). Stops at the first failed call: the shared path describes again before any other
 * change, never resending one blindly. */
static enum cloud_rc route_ensure(struct route_state *s, uint32_t vip, const char *self,
    int *changes)
{
	const struct cloud_route *r;
	char ip[16], was[CLOUD_ID_LEN];
	const char *t;
	int k, n, rc;

	for (k = 0; (t = table_of(s, vip, k)); k++) {
		r = route_in(s, t, vip, &n);
		if (r && r->enabled && !strcmp(r->type, "NORMAL_CVM") && !strcmp(r->gateway, self))
			continue;
		if ((*changes)++ && s->go_on && !s->go_on(s->go_arg))
			return CLOUD_RETRY;	/* not MASTER any more: the shared path stops */
		if (r)
			holder_of(r, was);
		log_info("migrate: %s: %s/32 -> %s (%s%s)", t, util_ipv4_str(vip, ip), self,
		    r ? "ReplaceRoutes, was " : "CreateRoutes", r ? was : "");
		rc = r ? cloud_route_replace(s->mc.cl, r, self) :
		    cloud_route_create(s->mc.cl, t, vip, self);
		if (rc != CLOUD_OK) {
			log_warn("migrate: %s: %s", t, cloud_last_error(s->mc.cl));
			return (enum cloud_rc)rc;
		}
	}
	return CLOUD_OK;
}

static enum cloud_rc route_move(void *ctx, uint32_t vip, const char *from, const char *to,
    char task[CLOUD_ID_LEN])
{
	int changes = 0;

	(void)from;
	task[0] = 0;	/* synchronous: no task to poll */
	return route_ensure(ctx, vip, to, &changes);
}

static enum cloud_rc route_assign(void *ctx, const uint32_t *vips, int n, const char *to,
    char task[CLOUD_ID_LEN])
{
	enum cloud_rc rc = CLOUD_OK;
	int i, changes = 0;

	task[0] = 0;
	for (i = 0; i < n && rc == CLOUD_OK; i++)
		rc = route_ensure(ctx, vips[i], to, &changes);
	return rc;
}

/* ReplaceRoutes and CreateRoutes answer with the routes as they now are ([MODELS]
 * NewRouteSet, RouteTableSet): the change is made when the call returns. */
static enum cloud_rc route_poll(void *ctx, const char *task, enum cloud_task_state *st, char *out,
    size_t cap)
{
	(void)ctx;
	(void)task;
	*st = CLOUD_TASK_SUCCESS;
	if (cap)
		*out = 0;
	return CLOUD_OK;
}

static void route_set_guard(void *ctx, int (*go_on)(void *arg), void *arg)
{
	struct route_state *s = ctx;

	s->go_on = go_on;
	s->go_arg = arg;
}

static int route_confirm(void *ctx, const struct cloud_holder *h, const char *self)
{
	(void)ctx;
	return !strcmp(h->eni, self);
}

extern const struct migrate_ops migrate_route_ops;
const struct migrate_ops migrate_route_ops = {
	.mode = "route",
	MODE_CLIENT_OPS,
	.locate = route_locate,
	.find_holders = route_find_holders,
	.move = route_move,
	.assign = route_assign,
	.poll = route_poll,
	.set_guard = route_set_guard,
	.confirm = route_confirm,
};
