/* migrate_eni.c: ENI mode's table of cloud calls: a VIP is a secondary private IP, moved between ENIs (MigratePrivateIpAddress, AssignPrivateIpAddresses). */
#include <string.h>

#include "cfg.h"
#include "cloud.h"
#include "disc.h"
#include "eip.h"
#include "migrate.h"
#include "mode_client.h"
#include "util.h"

struct eni_state {
	struct mode_client mc;	/* first: the shared half of the table works on it */
	long long deadline;		/* the run's, from locate: the EIP step ends by it too */
	/* The EIP each VIP had on its holder in this run's describes (before a move): what
	 * eip = auto checks afterwards. */
	struct cloud_holder seen[CFG_MAX_VIPS];
};

static struct eni_state eni;

void *migrate_eni_state(void);
void *migrate_eni_state(void)
{
	return &eni;
}

/* Region, VPC and this ENI: config, cache, or discovery. */
static enum cloud_rc eni_locate(void *ctx, long long deadline, char self[CLOUD_ID_LEN])
{
	struct eni_state *e = ctx;
	struct mode_client *m = &e->mc;

	e->deadline = deadline;
	if (mode_client_node(m, deadline, DISC_REGION | DISC_VPC) == 0 &&
	    disc_node(&m->nd, m->c, cloud_meta(m->cl), m->cl, DISC_ALL & ~DISC_IF) == 0)
		return util_copy(self, CLOUD_ID_LEN, m->nd.eni) < 0 ? CLOUD_FATAL : CLOUD_OK;
	return cloud_last_rc(m->cl) == CLOUD_FATAL ? CLOUD_FATAL : CLOUD_RETRY;
}

/* Remembers the EIP a VIP showed on its holder (eni_follow_up checks it after the move). */
static void note_eips(struct eni_state *e, const struct cloud_holder *h, int n)
{
	int i, k;

	for (i = 0; i < n; i++) {
		if (!*h[i].eip)
			continue;
		for (k = 0; k < CFG_MAX_VIPS - 1 && e->seen[k].vip && e->seen[k].vip != h[i].vip; k++)
			;
		e->seen[k].vip = h[i].vip;
		util_copy(e->seen[k].eip, sizeof e->seen[k].eip, h[i].eip);
	}
}

static enum cloud_rc eni_find_holders(void *ctx, struct cloud_holder *h, int n)
{
	struct eni_state *e = ctx;
	enum cloud_rc rc = cloud_holders(e->mc.cl, e->mc.nd.vpc, h, n);

	if (rc == CLOUD_OK)
		note_eips(e, h, n);
	return rc;
}

/* The EIPs follow the VIPs (src/eip.c); what was seen is forgotten once looked at. */
static enum cloud_rc eni_follow_up(void *ctx, const struct cloud_holder *h, int n,
    const char *self)
{
	struct eni_state *e = ctx;
	enum cloud_rc rc = eip_follow(e->mc.cl, e->mc.c, e->deadline, h, n, self, e->seen,
	    CFG_MAX_VIPS);

	memset(e->seen, 0, sizeof e->seen);
	return rc;
}

static enum cloud_rc eni_move(void *ctx, uint32_t vip, const char *from, const char *to,
    char task[CLOUD_ID_LEN])
{
	struct eni_state *e = ctx;

	return cloud_migrate(e->mc.cl, e->mc.nd.vpc, vip, from, to, task);
}

static enum cloud_rc eni_assign(void *ctx, const uint32_t *vips, int n, const char *to,
    char task[CLOUD_ID_LEN])
{
	struct eni_state *e = ctx;

	return cloud_assign(e->mc.cl, e->mc.nd.vpc, to, vips, n, task);
}

static enum cloud_rc eni_poll(void *ctx, const char *task, enum cloud_task_state *st, char *out,
    size_t cap)
{
	return cloud_task(((struct eni_state *)ctx)->mc.cl, task, st, out, cap);
}

/* Only AVAILABLE is held: an IP in a running task (MIGRATING/PENDING) is not here yet. */
static int eni_confirm(void *ctx, const struct cloud_holder *h, const char *self)
{
	(void)ctx;
	return !strcmp(h->eni, self) && !h->busy;
}

extern const struct migrate_ops migrate_eni_ops;
const struct migrate_ops migrate_eni_ops = {
	.mode = "eni",
	.guess_ok = 1,
	MODE_CLIENT_OPS,
	.locate = eni_locate,
	.find_holders = eni_find_holders,
	.move = eni_move,
	.assign = eni_assign,
	.poll = eni_poll,
	.confirm = eni_confirm,
	.follow_up = eni_follow_up,
};
