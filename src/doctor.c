/* doctor.c: `vip doctor`: one line per check of everything failover needs, with a fix hint. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cfg.h"
#include "cloud.h"
#include "disc.h"
#include "dns.h"
#include "doctor.h"
#include "eip.h"
#include "fmt.h"
#include "log.h"
#include "meta.h"
#include "mode_client.h"
#include "net.h"
#include "nl.h"
#include "state.h"
#include "anchors.h"
#include "tls.h"
#include "util.h"

/* The rows of src/modes.h, in its order: cfg.mode is one of them. */
enum {
#define MODE(n) MODE_##n,
#include "modes.h"
#undef MODE
};

#define SKEW_MAX 300	/* the API refuses signatures further off than this */

struct doc {
	int failed;
	int probe_write;	/* --probe-write: send the Migrate/Assign probes */
	struct cfg c;
	struct node nd;
	struct cloud *cl;	/* the process's one client storage (mode_client.c) */
	int creds_ok;
	struct tls_conn tls;
};

/* One line of the checklist: ok 1 PASS, 0 FAIL (counted), -1 SKIP (not checked, not counted). */
static void line(struct doc *d, int ok, const char *name, const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void line(struct doc *d, int ok, const char *name, const char *fix, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	if (vsnprintf(what, sizeof what, fmt, ap) < 0)
		what[0] = 0;
	va_end(ap);
	fmt_out("%s  %-20s %s%s%s\n", ok > 0 ? "PASS" : ok < 0 ? "SKIP" : "FAIL", name, what,
	    ok ? "" : " -- fix: ", ok ? "" : fix);
	d->failed += !ok;
}

static int check_config(struct doc *d, const char *path)
{
	struct stat st;
	char mode[16] = "";

	if (cfg_load(&d->c, path) < 0) {
		line(d, 0, "config", "correct the line named above", "%s does not load", path);
		return -1;
	}
	if (stat(path, &st) == 0)
		util_fmt(mode, sizeof mode, "mode %03o, ", (unsigned)(st.st_mode & 0777));
	line(d, 1, "config", "", "%s (%s%d VIP%s)", path, mode, d->c.nvip,
	    d->c.nvip > 1 ? "s" : "");
	line(d, state_dir_ensure(d->c.state_dir) == 0 && access(d->c.state_dir, W_OK) == 0,
	    "state_dir", "make it writable by root, or set state_dir", "%s", d->c.state_dir);
	return 0;
}

static void check_node(struct doc *d)
{
	struct meta *m = cloud_meta(d->cl);
	char id[64];
	struct nl n = { .fd = -1 };	/* nl_close of a never-opened nl must not close fd 0 */
	int ok;

	ok = meta_get(m, "instance-id", id, sizeof id) == 0;
	line(d, ok, "metadata", "the CVM must reach the metadata service (metadata key)",
	    "%s%s%s", d->c.metadata, ok ? ": instance " : ": no answer", ok ? id : "");
	ok = disc_node(&d->nd, &d->c, m, NULL, DISC_REGION | DISC_VPC) == 0;
	line(d, ok, "region/vpc", "set region and vpc in the config", "%s / %s",
	    *d->nd.region ? d->nd.region : "?", *d->nd.vpc ? d->nd.vpc : "?");
	ok = disc_node(&d->nd, &d->c, m, NULL, DISC_REGION | DISC_VPC | DISC_IF) == 0 &&
	    nl_open(&n) == 0 && nl_ifindex(&n, d->nd.ifname) > 0;
	nl_close(&n);
	line(d, ok, "interface", "set interface in the config", "%s",
	    *d->nd.ifname ? d->nd.ifname : "not found");
	cloud_set_region(d->cl, d->nd.region);
}

static void check_credentials(struct doc *d)
{
	int ok = cloud_creds_load(d->cl) == 0;

	d->creds_ok = ok;
	line(d, ok, "credentials", "bind a CVM role, or set credentials_file (mode 0600)", "%s",
	    ok ? cloud_creds_source(d->cl) : "none usable");
}

static int check_network(struct doc *d)
{
	struct dns_addr a[1];
	long long deadline = util_now_ms() + d->c.timeout * 1000LL;
	const char *host = cloud_host(d->cl);
	const struct anchors *ta;
	int ok, fd, n, r = -1;

	n = dns_resolve(host, cloud_port(d->cl), a, 1, deadline);
	ok = n > 0;
	line(d, ok, "dns", "resolvable API host: check /etc/resolv.conf or endpoint", "%s%s%s",
	    host, ok ? "" : ": ", ok ? "" : dns_strerror(n));
	if (!ok)
		return -1;
	fd = net_connect(host, cloud_port(d->cl), deadline);
	line(d, fd >= 0, "tcp", "allow outbound TCP to the API (security group, route)", "%s:%d",
	    host, cloud_port(d->cl));
	if (fd < 0)
		return -1;
	ta = cloud_anchors(d->cl);
	if (ta)
		r = tls_start(&d->tls, fd, host, cloud_port(d->cl), ta, deadline);
	line(d, r >= 0, "tls", "install ca-certificates or set ca_file; check the clock",
	    "%s: certificate verified against %s", host, ta ? ta->path : "?");
	if (r >= 0)
		tls_close(&d->tls);
	close(fd);
	return r < 0 ? -1 : 0;
}

static int auth_refused(const struct cloud *cl)
{
	const char *code = cloud_error_code(cl);

	return !strncmp(code, "AuthFailure", 11) || !strncmp(code, "UnauthorizedOperation", 21);
}

static void check_clock(struct doc *d)
{
	long long server = util_parse_http_date(cloud_date(d->cl)), skew = 0;

	if (server > 0)
		skew = server - (long long)time(NULL);
	line(d, server > 0 && llabs(skew) <= SKEW_MAX, "clock", "run NTP (chronyd)",
	    "%+lld s against the API's Date", skew);
}

/* An action's line: allowed if ok and the cloud did not refuse the permission, else why
 * (fix: grant it, then more). */
static void api_line(struct doc *d, const char *action, const char *more, int ok,
    const char *why)
{
	char fix[96];

	util_fmt(fix, sizeof fix, "grant vpc:%s%s", action, more);
	line(d, !auth_refused(d->cl) && ok, action, fix, "%s", ok ? "allowed" : why);
}

/* A probe's line: allowed unless the cloud refused the permission. */
static void probe_more(struct doc *d, const char *action, const char *more)
{
	api_line(d, action, more, !auth_refused(d->cl), cloud_error_code(d->cl));
}

static void probe_line(struct doc *d, const char *action)
{
	probe_more(d, action, "");
}

/* The two write probes' lines without --probe-write. */
static void not_probed(struct doc *d, const char *a, const char *b)
{
	line(d, -1, a, "", "not probed (a write; see vip doctor --probe-write)");
	line(d, -1, b, "", "not probed (a write; see vip doctor --probe-write)");
}

/* One line per VIP: the route tables that carry VIP/32 and their next hops. */
static void route_lines(struct doc *d, const struct cloud_rtbs *rt)
{
	char text[400], ip[16];
	size_t len;
	int i, k, n;

	for (i = 0; i < d->c.nvip; i++) {
		len = 0;
		text[0] = 0;
		for (k = n = 0; k < rt->nroute; k++) {
			const struct cloud_route *r = &rt->route[k];
			int w;

			if (r->vip != d->c.vip[i])
				continue;
			w = util_fmt(text + len, sizeof text - len, "%s%s -> %s%s", n++ ? ", " : "",
			    r->table, r->gateway, strcmp(r->type, "NORMAL_CVM") ? " (not a CVM)" : "");
			if (w < 0)
				break;
			len += (size_t)w;
		}
		line(d, n > 0, "vip route", "create VIP/32 -> this master's IP (NORMAL_CVM) in the "
		    "route table of every subnet that must reach the VIP", "%s/32: %s",
		    util_ipv4_str(d->c.vip[i], ip), n ? text : "no route table has a route to it");
	}
}

/* mode = route: DescribeRouteTables (a real call), and with --probe-write ReplaceRoutes and
 * CreateRoutes naming a table that does not exist (the permission is checked first). */
static void check_api_route(struct doc *d)
{
	static struct cloud_rtbs rt;
	static const struct cloud_route fake = { .table = "rtb-00000000", .id = 1,
		.type = "NORMAL_CVM" };
	int rc;

	rc = disc_node(&d->nd, &d->c, cloud_meta(d->cl), d->cl, DISC_REGION | DISC_VPC | DISC_IP);
	line(d, rc == 0, "primary ip", "the metadata service must answer local-ipv4", "%s (the "
	    "next hop of the VIP's routes on this node)", rc == 0 ? d->nd.ip : "unknown");
	if (rc == 0)
		rc = cloud_route_tables(d->cl, d->nd.vpc,
		    (const char (*)[CLOUD_ID_LEN])d->c.route_table, d->c.nroute_table, d->c.vip,
		    d->c.nvip, &rt);
	check_clock(d);
	api_line(d, "DescribeRouteTables", "", rc == 0, cloud_last_error(d->cl));
	if (rc == 0)
		route_lines(d, &rt);
	if (!d->probe_write) {
		not_probed(d, "ReplaceRoutes", "CreateRoutes");
		return;
	}
	cloud_route_replace(d->cl, &fake, "0.0.0.0");
	probe_line(d, "ReplaceRoutes");
	cloud_route_create(d->cl, fake.table, d->c.vip[0], "0.0.0.0");
	probe_line(d, "CreateRoutes");
}

static void check_api(struct doc *d)
{
	static const char *const fake_eni = "eni-00000000", *const fake_task = "0";
	char task[CLOUD_ID_LEN], out[64];
	enum cloud_task_state st;
	int rc;

	struct cloud_holder h = { .vip = d->c.vip[0] };

	rc = disc_node(&d->nd, &d->c, cloud_meta(d->cl), d->cl, DISC_ALL);
	if (rc == 0)	/* always one real call: proves the key, gives the API's Date */
		rc = cloud_holders(d->cl, d->nd.vpc, &h, 1);
	check_clock(d);
	line(d, rc == 0, "eni", "grant DescribeNetworkInterfaces, or set eni", "%s",
	    rc == 0 ? d->nd.eni : cloud_last_error(d->cl));
	api_line(d, "DescribeNetworkInterfaces", "", rc == 0, cloud_error_code(d->cl));
	/* Read-only: a task id that names no task. */
	cloud_task(d->cl, fake_task, &st, out, sizeof out);
	probe_line(d, "DescribeVpcTaskResult");
	if (!d->probe_write) {
		/* The VPC API has no dry run for these two: only a real call shows the permission. */
		not_probed(d, "MigratePrivateIpAddress", "AssignPrivateIpAddresses");
		return;
	}
	/* --probe-write: real calls naming an ENI that does not exist, eni-00000000, as both
	 * source and destination; the cloud checks the permission, then refuses the ENI. */
	cloud_migrate(d->cl, d->nd.vpc, d->c.vip[0], fake_eni, fake_eni, task);
	probe_line(d, "MigratePrivateIpAddress");
	cloud_assign(d->cl, d->nd.vpc, fake_eni, d->c.vip, 1, task);
	probe_line(d, "AssignPrivateIpAddresses");
}

/* The EIP actions: DescribeAddresses always (a read), the bind actions with --probe-write
 * (real calls naming an EIP that does not exist, eip-00000000: permission first, then the id). */
static void probe_eip_actions(struct doc *d, int configured)
{
	struct cloud_eip fake = { .id = "eip-00000000" };
	enum cloud_task_state st;
	char task[CLOUD_ID_LEN];

	cloud_addresses(d->cl, &fake, 1);
	probe_more(d, "DescribeAddresses", " (or set eip = none)");
	if (!configured)
		return;	/* eip = auto changes nothing: it needs no more */
	cloud_eip_task(d->cl, "0", &st);
	probe_line(d, "DescribeTaskResult");
	if (!d->probe_write) {
		not_probed(d, "AssociateAddress", "DisassociateAddress");
		return;
	}
	cloud_eip_bind(d->cl, fake.id, d->nd.eni, d->c.vip[0], task);
	probe_line(d, "AssociateAddress");
	cloud_eip_unbind(d->cl, fake.id, task);
	probe_line(d, "DisassociateAddress");
}

/* The EIP of each VIP: a configured one must exist; one seen on the VIP is shown. */
static void check_eip(struct doc *d)
{
	static struct cloud_holder h[CFG_MAX_VIPS];
	static struct cloud_eip e[CFG_MAX_VIPS];
	char ip[16], where[128];
	int i, seen, configured = d->c.eip_mode == CFG_EIP_IDS;

	if (d->c.eip_mode == CFG_EIP_NONE || d->c.api != 3) {
		line(d, -1, "eip", "", "%s", d->c.api != 3 ? "not checked (api = 2)" :
		    "not checked (eip = none)");	/* vip status's words */
		return;
	}
	for (i = 0, seen = 0; i < d->c.nvip; i++)
		h[i].vip = d->c.vip[i];
	if (cloud_holders(d->cl, d->nd.vpc, h, d->c.nvip) == CLOUD_OK)
		for (i = 0; i < d->c.nvip; i++)
			seen |= *h[i].eip != 0;
	if (!configured && !seen) {	/* eip = auto then makes no call: it needs nothing */
		line(d, -1, "DescribeAddresses", "", "not needed now (no EIP on any VIP; eip = auto)");
		return;
	}
	probe_eip_actions(d, configured);
	if (eip_describe(d->cl, &d->c, h, e) != CLOUD_OK) {
		line(d, 0, "eip", "see the permission lines above", "cannot describe: %s",
		    cloud_last_error(d->cl));
		return;
	}
	for (i = 0; i < d->c.nvip; i++) {
		util_ipv4_str(d->c.vip[i], ip);
		if (!*e[i].id)
			line(d, 1, "eip", "", "VIP %s: no EIP on it (eip = auto)", ip);
		else if (!e[i].found)
			line(d, 0, "eip", "check the EIP id and the region", "VIP %s: %s: no such "
			    "EIP in %s", ip, e[i].id, d->nd.region);
		else
			line(d, 1, "eip", "", "VIP %s: %s%s %s, bound %s", ip, e[i].id,
			    cfg_eip_of(&d->c, d->c.vip[i]) ? " (configured: re-bound after a move)" :
			    " (eip = auto: reported only)", e[i].ip, eip_where(&e[i], where,
			    sizeof where));
	}
}

/* Every VIP must lie in a subnet of the interface (the ENI's subnet as the kernel sees it). */
static void check_subnet(struct doc *d)
{
	struct nl n = { .fd = -1 };
	uint32_t addr[32];
	unsigned char plen[32];
	char ip[16];
	int i, k, cnt = -1, idx, in, route = d->c.mode == MODE_route;

	if (nl_open(&n) == 0 && (idx = nl_ifindex(&n, d->nd.ifname)) > 0)
		cnt = nl_addr_list(&n, idx, addr, plen, 32);
	nl_close(&n);
	for (i = 0; i < d->c.nvip; i++) {
		for (in = 0, k = 0; k < cnt && !in; k++) {
			uint32_t mask = plen[k] ? htonl(~0u << (32 - plen[k])) : 0;
			in = plen[k] < 32 && (addr[k] & mask) == (d->c.vip[i] & mask);
		}
		/* route mode: the route's destination must lie outside the VPC's CIDR */
		line(d, route ? !in : in, "vip subnet", route ? "in route mode the VIP is an "
		    "address no subnet owns (outside the VPC's CIDR)" : "the VIP must be a free IP "
		    "of the ENI's subnet", route ? "%s outside the subnets of %s" :
		    "%s in a subnet of %s", util_ipv4_str(d->c.vip[i], ip), d->nd.ifname);
	}
}

int doctor_run(const char *path, int probe_write)
{
	static struct doc d;

	d.probe_write = probe_write;
	log_set_stderr(0);
	if (check_config(&d, path) < 0)
		return 1;
	log_open(NULL, 0);	/* the probes' expected refusals stay out of keepalived.log */
	d.cl = mode_client_storage();
	if (cloud_init(d.cl, &d.c, "") < 0)
		return 1;
	check_node(&d);
	check_credentials(&d);
	if (check_network(&d) == 0 && d.creds_ok) {
		if (d.c.mode == MODE_route) {
			check_api_route(&d);
		} else {
			check_api(&d);
			check_eip(&d);
		}
	}
	check_subnet(&d);
	cloud_close(d.cl);
	cfg_wipe_secrets(&d.c);
	fmt_out("%s\n", d.failed ? "some checks failed" : "all checks passed");
	return d.failed ? 1 : 0;
}
