/* eip.c: the EIP of a VIP after a move: where it is bound (DescribeAddresses), a configured one re-bound to this node (AssociateAddress), a failed re-bind recorded in state_dir/eip_pending for check_self. */
#include <stdio.h>
#include <string.h>

#include "cfg.h"
#include "cloud.h"
#include "eip.h"
#include "log.h"
#include "state.h"
#include "util.h"

#define EIP_ROUNDS 6		/* describe-and-change rounds per EIP before giving up */
#define EIP_POLL_MS 100		/* DescribeTaskResult every this while a bind task runs */
#define EIP_WAIT_MS 500		/* someone's task on the EIP, or a transient error: look again */
#define EIP_MIN_LEFT_MS 500	/* less time left than this: not started (recorded) */
#define EIP_RETRY_MIN_MS 5000	/* check_self starts a retry at most this often */

/* One VIP's EIP in one run. */
struct eip_job {
	uint32_t vip;
	int fixed;		/* a configured id: re-bound to self */
	int failed;
	char action[24];	/* the call that failed */
	char code[96];		/* and its error code */
};

struct eip_run {
	struct cloud *cl;
	const struct cfg *c;
	long long deadline;
	const char *self;
	int n;
	struct eip_job job[CFG_MAX_VIPS];
	struct cloud_eip e[CFG_MAX_VIPS];	/* e[i] is job[i]'s EIP (one DescribeAddresses) */
};

static int bound(const struct cloud_eip *e)
{
	return !strcmp(e->status, "BIND") || !strcmp(e->status, "BIND_ENI");
}

/* [MODELS] Address: bound (BIND) to this ENI and this private IP. */
static int here(const struct cloud_eip *e, const char *self, uint32_t vip)
{
	return e->found && bound(e) && !strcmp(e->eni, self) && e->private_ip == vip;
}

const char *eip_where(const struct cloud_eip *e, char *buf, size_t cap)
{
	char ip[16];

	if (!e->found)
		util_copy(buf, cap, "no such EIP");
	else if (!*e->eni)
		util_fmt(buf, cap, "nowhere (%s)", *e->status ? e->status : "no status");
	else
		util_fmt(buf, cap, "%s/%s (%s)", e->eni, e->private_ip ?
		    util_ipv4_str(e->private_ip, ip) : "?", e->status);
	return buf;
}

/* The EIP to look at for VIP h: configured, else the one seen on it now or before the move. */
static const char *eip_for(const struct cfg *c, const struct cloud_holder *h,
    const struct cloud_holder *seen, int nseen, int *fixed)
{
	const char *id = cfg_eip_of(c, h->vip);
	int i;

	*fixed = id != NULL;
	if (id || c->eip_mode == CFG_EIP_NONE || c->api != 3)
		return id;
	if (*h->eip)
		return h->eip;
	for (i = 0; i < nseen; i++)
		if (seen[i].vip == h->vip && *seen[i].eip)
			return seen[i].eip;
	return NULL;
}

static void jobs_build(struct eip_run *r, const struct cloud_holder *h, int n,
    const struct cloud_holder *seen, int nseen)
{
	const char *id;
	int i, fixed;

	r->n = 0;
	for (i = 0; i < n && r->n < CFG_MAX_VIPS; i++) {
		id = eip_for(r->c, &h[i], seen, nseen, &fixed);
		if (!id)
			continue;
		memset(&r->job[r->n], 0, sizeof r->job[r->n]);
		memset(&r->e[r->n], 0, sizeof r->e[r->n]);
		r->job[r->n].vip = h[i].vip;
		r->job[r->n].fixed = fixed;
		util_copy(r->e[r->n].id, sizeof r->e[r->n].id, id);
		r->n++;
	}
}

/* eip = auto: says where the EIP is; changes nothing. */
static void report(const struct eip_run *r, int i)
{
	const struct cloud_eip *e = &r->e[i];
	char ip[16], where[128];

	util_ipv4_str(r->job[i].vip, ip);
	if (here(e, r->self, r->job[i].vip))
		log_info("eip: %s (%s) is bound to %s/%s", e->id, e->ip, r->self, ip);
	else
		log_warn("eip: %s (%s), the EIP of VIP %s, is bound %s, not to %s/%s; eip = auto "
		    "changes nothing (eip = %s makes tcvip re-bind it)", e->id, *e->ip ? e->ip : "?",
		    ip, eip_where(e, where, sizeof where), r->self, ip, e->id);
}

static void job_fail(struct eip_job *j, const char *action, const char *code)
{
	j->failed = 1;
	util_copy(j->action, sizeof j->action, action);
	util_copy(j->code, sizeof j->code, *code ? code : "unknown");
}

/* The job's error code: the last call's. */
static void job_code(const struct eip_run *r, struct eip_job *j)
{
	util_copy(j->code, sizeof j->code, cloud_error_code(r->cl));
}

static int time_left(const struct eip_run *r)
{
	return r->deadline - util_now_ms() >= EIP_MIN_LEFT_MS;
}

/* Polls an EIP task to its end: CLOUD_OK (SUCCESS), CLOUD_RACE (FAILED: look again),
 * CLOUD_RETRY (out of time or transient), CLOUD_FATAL. */
static enum cloud_rc task_wait(struct eip_run *r, struct eip_job *j, const char *task)
{
	enum cloud_task_state st;
	enum cloud_rc rc;

	for (;;) {
		rc = cloud_eip_task(r->cl, task, &st);
		if (rc == CLOUD_OK && st == CLOUD_TASK_SUCCESS)
			return CLOUD_OK;
		if (rc == CLOUD_OK && st == CLOUD_TASK_FAILED) {
			log_warn("eip: %s: %s task %s FAILED; looking again", r->e[j - r->job].id,
			    j->action, task);
			util_copy(j->code, sizeof j->code, "TaskFailed");
			return CLOUD_RACE;
		}
		if (rc == CLOUD_FATAL)
			return rc;
		if (!time_left(r))
			return CLOUD_RETRY;
		util_sleep_ms(EIP_POLL_MS);
	}
}

/* Another node bound it between our look and our call: look again, not a refusal. */
static int race_code(const char *code)
{
	return !strcmp(code, "InvalidParameterValue.NetworkInterfaceIdNotMatch") ||
	    !strcmp(code, "InvalidParameterValue.PrivateIpAddressNotMatch");
}

/* One change towards self/VIP: unbind it from elsewhere ([EIPAPI]: only an UNBIND EIP can be
 * bound), or bind it here; its task polled to the end. */
static enum cloud_rc step(struct eip_run *r, struct eip_job *j)
{
	struct cloud_eip *e = &r->e[j - r->job];
	char task[CLOUD_ID_LEN], ip[16], where[128];
	int unbind = bound(e);
	enum cloud_rc rc;

	util_ipv4_str(j->vip, ip);
	util_copy(j->action, sizeof j->action, unbind ? "DisassociateAddress" : "AssociateAddress");
	if (unbind) {
		log_info("eip: %s (%s) is bound %s, not to %s/%s: unbinding it first", e->id, e->ip,
		    eip_where(e, where, sizeof where), r->self, ip);
		rc = cloud_eip_unbind(r->cl, e->id, task);
	} else {
		log_info("eip: %s (%s) is %s: binding it to %s/%s", e->id, e->ip, e->status,
		    r->self, ip);
		rc = cloud_eip_bind(r->cl, e->id, r->self, j->vip, task);
	}
	job_code(r, j);
	if (rc == CLOUD_FATAL && race_code(j->code))
		rc = CLOUD_RACE;
	return rc == CLOUD_OK ? task_wait(r, j, task) : rc;
}

/* eip = ID: makes the EIP bound to self/VIP, round by round, each round confirmed by a
 * describe. Ends done, or failed (job_fail). */
static void rebind(struct eip_run *r, struct eip_job *j, enum cloud_rc rc)
{
	struct cloud_eip *e = &r->e[j - r->job];
	char ip[16];
	int round;

	util_copy(j->action, sizeof j->action, "DescribeAddresses");
	j->code[0] = 0;
	if (rc != CLOUD_OK)
		job_code(r, j);
	for (round = 0;; round++) {
		if (round && time_left(r)) {
			rc = cloud_addresses(r->cl, e, 1);
			if (rc != CLOUD_OK)
				job_code(r, j);
		}
		if (rc == CLOUD_OK && here(e, r->self, j->vip)) {
			log_info("eip: %s (%s) is bound to %s/%s%s", e->id, e->ip, r->self,
			    util_ipv4_str(j->vip, ip), round ? " (re-bound)" : "");
			return;
		}
		if (rc == CLOUD_FATAL || round >= EIP_ROUNDS || !time_left(r)) {
			job_fail(j, j->action, *j->code ? j->code : "out of time");
			return;
		}
		if (rc == CLOUD_OK && !e->found) {
			job_fail(j, "DescribeAddresses", "InvalidAddressId.NotFound");
			return;
		}
		if (rc == CLOUD_OK && strcmp(e->status, "BINDING") && strcmp(e->status, "UNBINDING"))
			rc = step(r, j);	/* else someone's task runs on it: wait, look again */
		if (rc == CLOUD_FATAL) {
			job_fail(j, j->action, j->code);
			return;
		}
		if (rc != CLOUD_OK)
			util_sleep_ms(EIP_WAIT_MS);
	}
}

/* state_dir/eip_pending: "at=MONOTONIC_MS\n" then "EIP VIP ACTION CODE\n" per failed
 * re-bind; removed by a run where every configured EIP is bound here. */
static void record(const struct eip_run *r)
{
	char text[CFG_MAX_VIPS * 200 + 32], ip[16], where[128];
	size_t len;
	int i, k, nfail = 0;

	k = util_fmt(text, sizeof text, "at=%lld\n", util_now_ms());
	len = k > 0 ? (size_t)k : 0;
	for (i = 0; i < r->n; i++) {
		const struct eip_job *j = &r->job[i];

		if (!j->failed)
			continue;
		nfail++;
		util_ipv4_str(j->vip, ip);
		log_err("eip: %s: %s %s %s/%s failed: %s; the VIP stays here, check_self retries "
		    "(%s/%s; now %s)", r->e[i].id, j->action, !strcmp(j->action,
		    "DisassociateAddress") ? "from" : "to", r->self, ip, j->code, r->c->state_dir,
		    FILE_EIP_PENDING, eip_where(&r->e[i], where, sizeof where));
		k = util_fmt(text + len, sizeof text - len, "%s %s %s %s\n", r->e[i].id, ip,
		    j->action, j->code);
		if (k > 0)
			len += (size_t)k;
	}
	if (nfail)
		state_write(r->c->state_dir, FILE_EIP_PENDING, text, len, 0600);
	else
		state_remove(r->c->state_dir, FILE_EIP_PENDING);
}

/* CLOUD_RETRY if a re-bind failed (recorded: check_self retries), else CLOUD_OK. */
static enum cloud_rc worst(const struct eip_run *r)
{
	int i;

	for (i = 0; i < r->n; i++)
		if (r->job[i].failed)
			return CLOUD_RETRY;
	return CLOUD_OK;
}

enum cloud_rc eip_follow(struct cloud *cl, const struct cfg *c, long long deadline,
    const struct cloud_holder *h, int n, const char *self, const struct cloud_holder *seen,
    int nseen)
{
	static struct eip_run r;
	enum cloud_rc rc;
	int i;

	r.cl = cl;
	r.c = c;
	r.deadline = deadline;
	r.self = self;
	jobs_build(&r, h, n, seen, nseen);
	if (!r.n) {
		if (c->eip_mode != CFG_EIP_IDS)
			state_remove(c->state_dir, FILE_EIP_PENDING);
		return CLOUD_OK;
	}
	cloud_set_deadline(cl, deadline);
	rc = time_left(&r) ? cloud_addresses(cl, r.e, r.n) : CLOUD_RETRY;
	for (i = 0; i < r.n; i++) {
		if (r.job[i].fixed)
			rebind(&r, &r.job[i], rc);
		else if (rc == CLOUD_OK)
			report(&r, i);
		else
			log_warn("eip: %s: cannot tell where it is bound (%s)", r.e[i].id,
			    *cloud_error_code(cl) ? cloud_error_code(cl) : "out of time");
	}
	if (c->eip_mode == CFG_EIP_IDS)
		record(&r);
	return worst(&r);
}

int eip_retry_due(const struct cfg *c, long long now_ms)
{
	static char text[CFG_MAX_VIPS * 200 + 32];
	long long at;

	if (state_read(c->state_dir, FILE_EIP_PENDING, text, sizeof text) < 0)
		return 0;
	if (strncmp(text, "at=", 3) || util_parse_ints(text + 3, &at, 1) != 1)
		return 1;
	return at > now_ms || now_ms - at >= EIP_RETRY_MIN_MS;
}

void eip_pending_read(const struct cfg *c, char *buf, size_t cap)
{
	static char text[CFG_MAX_VIPS * 200 + 32];
	const char *p = text;
	size_t len = 0, n;

	*buf = 0;
	if (state_read(c->state_dir, FILE_EIP_PENDING, text, sizeof text) < 0)
		return;
	if (!strncmp(p, "at=", 3))
		p += strcspn(p, "\n");
	for (p += *p == '\n'; *p && len + 3 < cap; p += n + (p[n] == '\n')) {
		n = strcspn(p, "\n");
		if (len && util_fmt(buf + len, cap - len, "; ") > 0)
			len += 2;
		if (util_fmt(buf + len, cap - len, "%.*s", (int)n, p) < 0)
			break;
		len += strlen(buf + len);
	}
}

enum cloud_rc eip_describe(struct cloud *cl, const struct cfg *c, const struct cloud_holder *h,
    struct cloud_eip *out)
{
	struct cloud_eip e[CFG_MAX_VIPS];
	int i, n = 0, fixed, at[CFG_MAX_VIPS];
	const char *id;
	enum cloud_rc rc;

	for (i = 0; i < c->nvip; i++) {
		memset(&out[i], 0, sizeof out[i]);
		id = eip_for(c, &h[i], NULL, 0, &fixed);
		at[i] = id ? n : -1;	/* e[at[i]] is VIP i's */
		if (id)
			util_copy(e[n++].id, sizeof e[0].id, id);
	}
	if (!n)
		return CLOUD_OK;
	rc = cloud_addresses(cl, e, n);
	for (i = 0; rc == CLOUD_OK && i < c->nvip; i++)
		if (at[i] >= 0)
			out[i] = e[at[i]];
	return rc;
}
