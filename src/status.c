/* status.c: `vip status`: local state, VIPs on the NIC, cloud holders, ENI, endpoint, credentials source, last migrate and its phases; the --json schema (README "vip status --json"). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cfg.h"
#include "cloud.h"
#include "creds.h"
#include "disc.h"
#include "eip.h"
#include "fmt.h"
#include "json.h"
#include "log.h"
#include "meta.h"
#include "migrate.h"
#include "mode_client.h"
#include "nl.h"
#include "phases.h"
#include "state.h"
#include "status.h"
#include "util.h"

/* The rows of src/modes.h, in its order: cfg.mode is one of them. */
enum {
#define MODE(n) MODE_##n,
#include "modes.h"
#undef MODE
};

#define STATUS_SCHEMA 1	/* --json "schema": raised only when a key changes meaning or goes */

struct status {
	char state[32], endpoint[300], creds[192];
	struct migrate_phases last;
	int have_last;
	struct node nd;
	struct cloud_holder h[CFG_MAX_VIPS];
	int on_nic[CFG_MAX_VIPS];
	struct cloud_eip eip[CFG_MAX_VIPS];	/* each VIP's EIP (id "" = none to show) */
	int eip_ok;				/* 1: described, 0: not asked or failed */
	char eip_pending[512];			/* failed re-binds check_self retries, "" */
	int cloud_ok;
	long long failed;
};

static void nic_vips(struct status *s, const struct cfg *c)
{
	static struct nl n;
	int i, idx;

	for (i = 0; i < c->nvip; i++)
		s->on_nic[i] = -1;
	if (!*s->nd.ifname || nl_open(&n) < 0)
		return;
	idx = nl_ifindex(&n, s->nd.ifname);
	for (i = 0; idx > 0 && i < c->nvip; i++)
		s->on_nic[i] = nl_addr_present(&n, idx, c->vip[i]);
	nl_close(&n);
}

static int is_route(const struct cfg *c)
{
	return c->mode == MODE_route;
}

/* What the cloud names this node by: its ENI, or (route mode) its primary IP. */
static const char *self_id(const struct status *s, const struct cfg *c)
{
	return is_route(c) ? s->nd.ip : s->nd.eni;
}

/* The EIP of each VIP (configured, or the AddressId its holder shows): one DescribeAddresses
 * over the process's client storage (the holders query closed its client). */
static void gather_eips(struct status *s, const struct cfg *c)
{
	struct cloud *cl = mode_client_storage();

	eip_pending_read(c, s->eip_pending, sizeof s->eip_pending);
	if (!s->cloud_ok || is_route(c) || c->eip_mode == CFG_EIP_NONE || c->api != 3 ||
	    cloud_init(cl, c, s->nd.region) < 0)
		return;
	s->eip_ok = eip_describe(cl, c, s->h, s->eip) == CLOUD_OK;
	cloud_close(cl);
}

static void gather(struct status *s, const struct cfg *c)
{
	static struct meta m;
	static struct creds cr;
	char host[256];
	int port;

	if (state_read(c->state_dir, FILE_STATE, s->state, sizeof s->state) < 0)
		strcpy(s->state, "unknown");
	s->failed = state_read_int(c->state_dir, "vip_check_failed_count", 0);
	s->have_last = phases_load(c->state_dir, &s->last) == 0;
	if (cloud_endpoint(c, host, sizeof host, &port) == 0)
		util_fmt(s->endpoint, sizeof s->endpoint, "%s:%d (API %d)", host, port, c->api);
	meta_init(&m, c->metadata, c->timeout);
	s->cloud_ok = migrate_query(c, 0, s->h) >= 0;
	/* route mode's holder is a next hop: this node's primary IP (cached by the query) */
	disc_node(&s->nd, c, &m, NULL, DISC_IF | DISC_REGION | (is_route(c) ? DISC_IP : 0));
	if (creds_load(&cr, c, &m, 0) == 0)
		util_copy(s->creds, sizeof s->creds, cr.source);
	else
		strcpy(s->creds, "none found");
	creds_wipe(&cr);
	meta_close(&m);
	nic_vips(s, c);
	gather_eips(s, c);
}

/* "eip-x 198.19.255.1 on eni-y/198.18.0.100 (BIND) [configured]", or why there is none. */
static const char *eip_text(const struct status *s, const struct cfg *c, int i, char *buf,
    size_t cap)
{
	const struct cloud_eip *e = &s->eip[i];
	char where[128];

	if (c->eip_mode == CFG_EIP_NONE || c->api != 3)
		return c->api != 3 ? "not checked (api = 2)" : "not checked (eip = none)";
	if (!s->eip_ok)
		return "unknown (not described)";
	if (!*e->id)
		return "none on it";
	if (!e->found)
		util_fmt(buf, cap, "%s: no such EIP", e->id);
	else
		util_fmt(buf, cap, "%s %s bound %s%s", e->id, e->ip, eip_where(e, where,
		    sizeof where), cfg_eip_of(c, c->vip[i]) ? " [configured]" : " [auto]");
	return buf;
}

static const char *holder_text(const struct status *s, const struct cfg *c, int i, char *buf,
    size_t cap)
{
	if (!s->cloud_ok)
		return "unknown (cloud not reachable)";
	if (!*s->h[i].eni)
		return "none";
	util_fmt(buf, cap, "%s%s%s", s->h[i].eni, !strcmp(s->h[i].eni, self_id(s, c)) ?
	    " (this node)" : "", s->h[i].busy ? " [task running]" : "");
	return buf;
}

static void print_last(const struct status *s)
{
	char line[PHASES_RECORD_MAX], when[32];

	if (!s->have_last) {
		fmt_out("last migrate: never\n");
		return;
	}
	if (strcmp(util_utc_str(s->last.time, when), "?"))
		memcpy(when + strlen(when), " UTC", 5);	/* "YYYY-MM-DD hh:mm:ss" fits 32 with it */
	if (s->last.total_ms < 0)	/* an older tcvip's record: no phases */
		fmt_out("last migrate: %s, %s, %lld ms, %u calls\n", when, s->last.result,
		    s->last.duration_ms, s->last.calls);
	else if (phases_log_line(&s->last, line, sizeof line) > 0)
		fmt_out("last migrate: %s, after the %s: %s\n", when, s->last.event, line);
}

static const char *or_unknown(const char *v)
{
	return *v ? v : "unknown";
}

static void print_text(const struct status *s, const struct cfg *c)
{
	char ip[16], buf[128], buf2[256];
	int i;

	fmt_out("state:        %s\ninterface:    %s\nmode:         %s\n%s%s\n"
	    "vpc/region:   %s / %s\n", s->state, or_unknown(s->nd.ifname), cfg_mode_name(c->mode),
	    is_route(c) ? "next hop:     " : "eni:          ", or_unknown(self_id(s, c)),
	    or_unknown(s->nd.vpc), or_unknown(s->nd.region));
	for (i = 0; i < c->nvip; i++)
		fmt_out("vip %-15s on NIC: %s; cloud holder: %s\n", util_ipv4_str(c->vip[i], ip),
		    s->on_nic[i] == 1 ? "yes" : s->on_nic[i] == 0 ? "no" : "unknown",
		    holder_text(s, c, i, buf, sizeof buf));
	for (i = 0; !is_route(c) && i < c->nvip; i++)
		fmt_out("eip of %-15s %s\n", util_ipv4_str(c->vip[i], ip), eip_text(s, c, i, buf2,
		    sizeof buf2));
	if (*s->eip_pending)
		fmt_out("eip pending:  %s (check_self retries)\n", s->eip_pending);
	fmt_out("endpoint:     %s\ncredentials:  %s\n", s->endpoint, s->creds);
	print_last(s);
	fmt_out("failed count: %lld (faults at %d)\n", s->failed, c->fault_after);
}

/* "key": value pairs. */
static void kstr(struct json_w *w, const char *key, const char *v)
{
	json_w_key(w, key);
	json_w_str(w, v);
}

static void kint(struct json_w *w, const char *key, long long v)
{
	json_w_key(w, key);
	json_w_int(w, v);
}

static void kbool(struct json_w *w, const char *key, int v)
{
	json_w_key(w, key);
	json_w_bool(w, v);
}

/* "eip": null (none, not asked) or {"id", "found", "ip", "status", "eni", "private_ip",
 * "configured"}. */
static void json_eip(struct json_w *w, const struct status *s, const struct cfg *c, int i)
{
	const struct cloud_eip *e = &s->eip[i];
	char ip[16];

	json_w_key(w, "eip");
	if (!s->eip_ok || !*e->id) {
		json_w_null(w);
		return;
	}
	json_w_obj(w);
	kstr(w, "id", e->id);
	kbool(w, "found", e->found);
	kstr(w, "ip", e->ip);
	kstr(w, "status", e->status);
	kstr(w, "eni", e->eni);
	kstr(w, "private_ip", e->private_ip ? util_ipv4_str(e->private_ip, ip) : "");
	kbool(w, "configured", cfg_eip_of(c, c->vip[i]) != NULL);
	json_w_end_obj(w);
}

/* A number, or null when not known (-1). */
static void json_ms(struct json_w *w, const char *key, long long v)
{
	json_w_key(w, key);
	if (v < 0)
		json_w_null(w);
	else
		json_w_int(w, v);
}

/* A string, or null (v NULL). */
static void json_str_or_null(struct json_w *w, const char *key, const char *v)
{
	json_w_key(w, key);
	if (v)
		json_w_str(w, v);
	else
		json_w_null(w);
}

/* "last_migrate": null, or the record with its phases (ms from the event, null: not reached). */
static void json_last(struct json_w *w, const struct status *s)
{
	const struct migrate_phases *p = &s->last;
	int i;

	if (!s->have_last) {
		json_w_null(w);
		return;
	}
	json_w_obj(w);
	kint(w, "time", p->time);
	kstr(w, "result", p->result);
	json_str_or_null(w, "event", *p->event ? p->event : NULL);
	json_ms(w, "ended_ms", p->ended_ms > 0 ? p->ended_ms : -1);
	json_ms(w, "duration_ms", p->duration_ms);
	json_ms(w, "total_ms", p->total_ms);
	kint(w, "calls", p->calls);
	kint(w, "retries", p->retries);
	json_str_or_null(w, "error", *p->error ? p->error : NULL);
	json_w_key(w, "phases_ms");
	json_w_obj(w);
	for (i = PHASE_REQUEST; i < PHASE_COUNT; i++)
		json_ms(w, phases_name(i), p->total_ms < 0 ? -1 : p->ms[i]);
	json_w_end_obj(w);
	json_w_end_obj(w);
}

static void print_json(const struct status *s, const struct cfg *c)
{
	static char out[16384];
	struct json_w w;
	char ip[16];
	int i;

	json_w_init(&w, out, sizeof out);
	json_w_obj(&w);
	kint(&w, "schema", STATUS_SCHEMA);
	kstr(&w, "state", s->state);
	kstr(&w, "interface", s->nd.ifname);
	kstr(&w, "mode", cfg_mode_name(c->mode));
	kstr(&w, "eni", s->nd.eni);
	kstr(&w, "next_hop", s->nd.ip);
	kstr(&w, "vpc", s->nd.vpc);
	kstr(&w, "region", s->nd.region);
	kbool(&w, "cloud_reachable", s->cloud_ok);
	json_w_key(&w, "vips");
	json_w_arr(&w);
	for (i = 0; i < c->nvip; i++) {
		json_w_obj(&w);
		kstr(&w, "vip", util_ipv4_str(c->vip[i], ip));
		json_w_key(&w, "on_nic");
		if (s->on_nic[i] < 0)
			json_w_null(&w);
		else
			json_w_bool(&w, s->on_nic[i]);
		json_str_or_null(&w, "holder", s->cloud_ok ? s->h[i].eni : NULL);
		json_eip(&w, s, c, i);
		json_w_end_obj(&w);
	}
	json_w_end_arr(&w);
	kstr(&w, "endpoint", s->endpoint);
	kstr(&w, "credentials", s->creds);
	json_w_key(&w, "last_migrate");
	json_last(&w, s);
	kint(&w, "failed_count", s->failed);
	kstr(&w, "eip_pending", s->eip_pending);
	json_w_end_obj(&w);
	if (json_w_finish(&w) < 0)
		log_err("status: JSON output too large");
	else
		fmt_out("%s\n", out);
}

int status_run(const struct cfg *c, int json)
{
	static struct status s;

	gather(&s, c);
	if (json)
		print_json(&s, c);
	else
		print_text(&s, c);
	return s.cloud_ok ? 0 : 1;
}
