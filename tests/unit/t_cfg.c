/* t_cfg.c: every config key, default and error of SPEC §2. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg.h"
#include "harness.h"
#include "util.h"

static char dir[] = "/tmp/tcvip-cfg-XXXXXX";
static char path[256];

static int load_text(struct cfg *c, const char *text, int mode)
{
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
	chmod(path, (mode_t)mode);
	return cfg_load(c, path);
}

static int vip_is(const struct cfg *c, int i, const char *s)
{
	uint32_t a;

	return util_ipv4_parse(s, &a) == 0 && c->vip[i] == a;
}

static void test_defaults(void)
{
	struct cfg c;

	check(load_text(&c, "vip = 198.18.0.100\n", 0644) == 0);
	check(c.nvip == 1 && vip_is(&c, 0, "198.18.0.100"));
	check(c.api == 3 && !strcmp(c.endpoint, "public") && c.timeout == 3);
	check(c.migrate_timeout == 30 && !strcmp(c.role, "auto"));
	check(!strcmp(c.metadata, "http://metadata.tencentyun.com"));
	check(!strcmp(c.state_dir, "/var/keepalived") && !strcmp(c.log_file, "/var/log/keepalived.log"));
	check(c.query_interval == 30 && c.fault_after == 3 && c.recheck_delay == 2);
	check(!strcmp(c.restart_command, "systemctl restart keepalived"));
	check(c.spot_handover == 1);
	check(!*c.interface && !*c.eni && !*c.peer_eni && !*c.vpc && !*c.region && !*c.ca_file);
}

static void test_every_key(void)
{
	struct cfg c;
	const char *text =
	    "# full config\n"
	    "vip = 198.18.0.100, 198.18.0.101\n"
	    "vip = 198.18.0.102   # third\n"
	    "\n"
	    "interface = eth1\n eni = eni-abc123\npeer_eni = eni-def456\nvpc = vpc-xyz\n"
	    "region = ap-shanghai\napi = 2\nendpoint = vpc.example.test:8443\n"
	    "ca_file = /etc/ca.pem\ntimeout = 5\nmigrate_timeout = 60\n"
	    "secret_id = AKIDtest\nsecret_key = keytest\ncredentials_file = /etc/creds\n"
	    "role = myrole\nmetadata = http://198.18.0.1:8080\nstate_dir = /run/tcvip\n"
	    "log_file =\nquery_interval = 0\nfault_after = 5\nrecheck_delay = 1\n"
	    "restart_command = /bin/true now\n";

	check(load_text(&c, text, 0600) == 0);
	check(c.nvip == 3 && vip_is(&c, 0, "198.18.0.100") && vip_is(&c, 2, "198.18.0.102"));
	check(!strcmp(c.interface, "eth1") && !strcmp(c.eni, "eni-abc123"));
	check(!strcmp(c.peer_eni, "eni-def456") && !strcmp(c.vpc, "vpc-xyz"));
	check(!strcmp(c.region, "ap-shanghai") && c.api == 2);
	check(!strcmp(c.endpoint, "vpc.example.test:8443") && !strcmp(c.ca_file, "/etc/ca.pem"));
	check(c.timeout == 5 && c.migrate_timeout == 60);
	check(!strcmp(c.secret_id, "AKIDtest") && !strcmp(c.secret_key, "keytest"));
	check(!strcmp(c.credentials_file, "/etc/creds") && !strcmp(c.role, "myrole"));
	check(!strcmp(c.metadata, "http://198.18.0.1:8080") && !strcmp(c.state_dir, "/run/tcvip"));
	check(!*c.log_file && c.query_interval == 0 && c.fault_after == 5 && c.recheck_delay == 1);
	check(!strcmp(c.restart_command, "/bin/true now"));
	check(load_text(&c, "vip=198.18.0.1\nendpoint=internal\n", 0644) == 0);
}

static void test_errors(void)
{
	struct cfg c;

	check(load_text(&c, "vip = 198.18.0.100\nfrobnicate = 1\n", 0600) < 0);
	check(load_text(&c, "vip = 198.18.0.300\n", 0600) < 0);
	check(load_text(&c, "vip = 198.18.0\n", 0600) < 0);
	check(load_text(&c, "vip = 198.18.0.01\n", 0600) < 0);
	check(load_text(&c, "vip = 224.0.0.1\n", 0600) < 0);
	check(load_text(&c, "vip = 198.18.0.1, 198.18.0.1\n", 0600) < 0);
	check(load_text(&c, "vip = 198.18.0.1\ntimeout = 0\n", 0600) < 0);
	check(load_text(&c, "vip = 198.18.0.1\ntimeout = 61\n", 0600) < 0);
	check(load_text(&c, "vip = 198.18.0.1\ntimeout = 3x\n", 0600) < 0);
	check(load_text(&c, "vip = 198.18.0.1\napi = 4\n", 0600) < 0);
	check(load_text(&c, "vip = 198.18.0.1\nspot_handover = maybe\n", 0600) < 0);
	check(load_text(&c, "vip = 198.18.0.1\nspot_handover = no\n", 0600) == 0 && !c.spot_handover);
	check(load_text(&c, "vip = 198.18.0.1\nspot_handover = yes\n", 0600) == 0 && c.spot_handover);
	check(load_text(&c, "vip = 198.18.0.1\n", 0600) == 0 && !*c.metrics_file);	/* off */
	check(load_text(&c, "vip = 198.18.0.1\nmetrics_file = /var/lib/node_exporter/tcvip.prom\n",
	    0600) == 0 && !strcmp(c.metrics_file, "/var/lib/node_exporter/tcvip.prom"));
	check(load_text(&c, "vip = 198.18.0.1\nmetrics_file = tcvip.prom\n", 0600) < 0);	/* relative */
	check(load_text(&c, "vip = 198.18.0.1\nendpoint = bad host\n", 0600) < 0);
	check(load_text(&c, "vip = 198.18.0.1\nendpoint = h:99999\n", 0600) < 0);
	check(load_text(&c, "vip = 198.18.0.1\nmetadata = https://x\n", 0600) < 0);
	check(load_text(&c, "vip = 198.18.0.1\neni = abc\n", 0600) < 0);
	check(load_text(&c, "vip = 198.18.0.1\nstate_dir = relative\n", 0600) < 0);
	check(load_text(&c, "vip = 198.18.0.1\njust a line\n", 0600) < 0);
	check(load_text(&c, "region = ap-guangzhou\n", 0600) < 0);	/* missing vip */
	check(load_text(&c, "vip = 198.18.0.1\nsecret_id = AKID\n", 0600) < 0);
	/* secrets in a group/world readable file are refused */
	check(load_text(&c, "vip = 198.18.0.1\nsecret_id = A\nsecret_key = B\n", 0644) < 0);
	check(load_text(&c, "vip = 198.18.0.1\nsecret_id = A\nsecret_key = B\n", 0640) < 0);
	check(load_text(&c, "vip = 198.18.0.1\nsecret_id = A\nsecret_key = B\n", 0600) == 0);
	check(cfg_load(&c, "/nonexistent/tcvip.conf") < 0);
}

/* eip: auto (default), none, a bare id for the one VIP, ID@VIP for several; errors. */
static void test_eip(void)
{
	struct cfg c;
	uint32_t a, b;

	util_ipv4_parse("198.18.0.1", &a);
	util_ipv4_parse("198.18.0.2", &b);
	check(load_text(&c, "vip = 198.18.0.1\n", 0600) == 0 && c.eip_mode == CFG_EIP_AUTO);
	check(!cfg_eip_of(&c, a));
	check(load_text(&c, "vip = 198.18.0.1\neip = none\n", 0600) == 0 && c.eip_mode == CFG_EIP_NONE);
	check(load_text(&c, "vip = 198.18.0.1\neip = auto\n", 0600) == 0 && c.eip_mode == CFG_EIP_AUTO);
	check(load_text(&c, "eip = eip-abc12345\nvip = 198.18.0.1\n", 0600) == 0);
	check(c.eip_mode == CFG_EIP_IDS && cfg_eip_of(&c, a) && !strcmp(cfg_eip_of(&c, a), "eip-abc12345"));
	check(c.neip == 1 && c.eip[0].line == 1 && c.eip[0].vip == a);
	check(load_text(&c, "vip = 198.18.0.1, 198.18.0.2\neip = eip-aaaaaaaa@198.18.0.2\n"
	    "eip = eip-bbbbbbbb @ 198.18.0.1\n", 0600) == 0);
	check(!strcmp(cfg_eip_of(&c, b), "eip-aaaaaaaa") && !strcmp(cfg_eip_of(&c, a), "eip-bbbbbbbb"));
	check(c.eip[1].line == 3);
	check(load_text(&c, "vip = 198.18.0.1, 198.18.0.2\n"
	    "eip = eip-aaaaaaaa@198.18.0.2, eip-bbbbbbbb@198.18.0.1\n", 0600) == 0 && c.neip == 2);
	check(load_text(&c, "vip = 198.18.0.1, 198.18.0.2\neip = eip-aaaaaaaa@198.18.0.2\n", 0600) == 0);
	check(!cfg_eip_of(&c, a));	/* a VIP without an id: checked as auto */
	/* errors */
	check(load_text(&c, "vip = 198.18.0.1, 198.18.0.2\neip = eip-aaaaaaaa\n", 0600) < 0);
	check(load_text(&c, "vip = 198.18.0.1\neip = eip-aaaaaaaa@198.18.0.9\n", 0600) < 0);
	check(load_text(&c, "vip = 198.18.0.1\neip = eip-aaaaaaaa@bogus\n", 0600) < 0);
	check(load_text(&c, "vip = 198.18.0.1\neip = eip-aaaaaaaa, eip-bbbbbbbb\n", 0600) < 0);
	check(load_text(&c, "vip = 198.18.0.1\neip = eip-aaaaaaaa\neip = eip-aaaaaaaa\n", 0600) < 0);
	check(load_text(&c, "vip = 198.18.0.1\neip = none\neip = eip-aaaaaaaa\n", 0600) < 0);
	check(load_text(&c, "vip = 198.18.0.1\neip = eip-aaaaaaaa\neip = auto\n", 0600) < 0);
	check(load_text(&c, "vip = 198.18.0.1\neip = ip-aaaaaaaa\n", 0600) < 0);
	check(load_text(&c, "vip = 198.18.0.1\neip = eip-\n", 0600) < 0);
	check(load_text(&c, "vip = 198.18.0.1\neip = sometimes\n", 0600) < 0);
	check(load_text(&c, "vip = 198.18.0.1\neip = eip-aaaaaaaa\napi = 2\n", 0600) < 0);
	check(load_text(&c, "vip = 198.18.0.1\neip = auto\napi = 2\n", 0600) == 0);
	/* an EIP id is ENI mode's: a route mode VIP is on no ENI */
	check(load_text(&c, "vip = 198.19.0.100\nmode = route\neip = eip-aaaaaaaa\n", 0600) < 0);
	check(load_text(&c, "vip = 198.19.0.100\nmode = route\neip = none\n", 0600) == 0);
}

/* mode = eni | route, route_table (issue 20 §1). */
static void test_mode(void)
{
	struct cfg c;
	char text[2048];
	int i, n;

	check(load_text(&c, "vip = 198.19.0.100\n", 0600) == 0);
	check(c.mode == 0 && !strcmp(cfg_mode_name(c.mode), "eni") && c.nroute_table == 0);
	check(load_text(&c, "vip = 198.19.0.100\nmode = eni\n", 0600) == 0 && c.mode == 0);
	check(load_text(&c, "vip = 198.19.0.100\nmode = route\n", 0600) == 0);
	check(!strcmp(cfg_mode_name(c.mode), "route") && c.nroute_table == 0);
	check(load_text(&c, "vip = 198.19.0.100\nmode = route\nroute_table = rtb-abc12345\n"
	    "route_table = rtb-def67890, rtb-0000000a\n", 0600) == 0);
	check(c.nroute_table == 3 && !strcmp(c.route_table[0], "rtb-abc12345"));
	check(!strcmp(c.route_table[2], "rtb-0000000a") && c.route_table_line == 3);
	/* route_table before mode is fine: the check is over the whole file */
	check(load_text(&c, "route_table = rtb-abc12345\nvip = 198.19.0.100\nmode = route\n",
	    0600) == 0);
	check(load_text(&c, "vip = 198.19.0.100\nmode = Route\n", 0600) < 0);
	check(load_text(&c, "vip = 198.19.0.100\nmode = \n", 0600) < 0);
	check(load_text(&c, "vip = 198.19.0.100\nmode = route\nroute_table = eni-abc12345\n", 0600) < 0);
	check(load_text(&c, "vip = 198.19.0.100\nmode = route\nroute_table = rtb-\n", 0600) < 0);
	check(load_text(&c, "vip = 198.19.0.100\nmode = route\nroute_table = rtb-a b\n", 0600) < 0);
	check(load_text(&c, "vip = 198.19.0.100\nmode = route\nroute_table = rtb-abc12345,"
	    "rtb-abc12345\n", 0600) < 0);
	/* route_table in eni mode (explicit or default), route mode with API 2 */
	check(load_text(&c, "vip = 198.19.0.100\nroute_table = rtb-abc12345\n", 0600) < 0);
	check(load_text(&c, "vip = 198.19.0.100\nmode = eni\nroute_table = rtb-abc12345\n", 0600) < 0);
	check(load_text(&c, "vip = 198.19.0.100\nmode = route\napi = 2\n", 0600) < 0);
	/* at most CFG_MAX_ROUTE_TABLES */
	n = snprintf(text, sizeof text, "vip = 198.19.0.100\nmode = route\n");
	for (i = 0; i < CFG_MAX_ROUTE_TABLES; i++)
		n += snprintf(text + n, sizeof text - (size_t)n, "route_table = rtb-%08d\n", i);
	check(load_text(&c, text, 0600) == 0 && c.nroute_table == CFG_MAX_ROUTE_TABLES);
	snprintf(text + n, sizeof text - (size_t)n, "route_table = rtb-99999999\n");
	check(load_text(&c, text, 0600) < 0);
	check(!strcmp(cfg_mode_name(7), "?") && !strcmp(cfg_mode_name(-1), "?"));
}

static void test_credentials_file(void)
{
	char p[300], id[64], key[64];
	FILE *f;

	snprintf(p, sizeof p, "%s/creds", dir);
	f = fopen(p, "w");
	fputs("secret_id = AKIDfile\nsecret_key = filekey\n", f);
	fclose(f);
	chmod(p, 0644);
	check(cfg_load_credentials(p, id, sizeof id, key, sizeof key) < 0);
	chmod(p, 0600);
	check(cfg_load_credentials(p, id, sizeof id, key, sizeof key) == 0);
	check(!strcmp(id, "AKIDfile") && !strcmp(key, "filekey"));
	f = fopen(p, "w");
	fputs("secret_id = AKIDfile\nvip = 198.18.0.1\n", f);
	fclose(f);
	check(cfg_load_credentials(p, id, sizeof id, key, sizeof key) < 0);
	unlink(p);
}

static void test_path_and_argv(void)
{
	char buf[128], *argv[CFG_MAX_ARGV];

	unsetenv("TCVIP_CONFIG");
	check(!strcmp(cfg_path(NULL), CFG_DEFAULT_PATH));
	setenv("TCVIP_CONFIG", "/env/tcvip.conf", 1);
	check(!strcmp(cfg_path(NULL), "/env/tcvip.conf"));
	check(!strcmp(cfg_path("/x.conf"), "/x.conf"));
	unsetenv("TCVIP_CONFIG");
	check(cfg_split_argv("systemctl  restart keepalived", buf, sizeof buf, argv, CFG_MAX_ARGV) == 3);
	check(!strcmp(argv[0], "systemctl") && !strcmp(argv[2], "keepalived") && !argv[3]);
	check(cfg_split_argv("", buf, sizeof buf, argv, CFG_MAX_ARGV) == 0);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 2;
	snprintf(path, sizeof path, "%s/tcvip.conf", dir);
	test_defaults();
	test_every_key();
	test_errors();
	test_eip();
	test_mode();
	test_credentials_file();
	test_path_and_argv();
	unlink(path);
	rmdir(dir);
	return check_done();
}
