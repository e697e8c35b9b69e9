/* t_kaconf.c: unit tests for kaconf.c: template filling, the own address dropped, template errors. */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "kaconf.h"
#include "log.h"
#include "util.h"

static uint32_t ip(const char *s)
{
	uint32_t a = 0;

	util_ipv4_parse(s, &a);
	return a;
}

static uint32_t vips[2];

/* A node 198.18.0.11 on eth0 with peers .11 .12 .13 (its own among them). */
static void node(struct kaconf *k)
{
	memset(k, 0, sizeof *k);
	k->template_path = "T";
	util_copy(k->self_ip, sizeof k->self_ip, "198.18.0.11");
	util_copy(k->ifname, sizeof k->ifname, "eth0");
	util_copy(k->router_id, sizeof k->router_id, "ins-a");
	k->peer[0] = ip("198.18.0.11");
	k->peer[1] = ip("198.18.0.12");
	k->peer[2] = ip("198.18.0.13");
	k->npeer = 3;
	vips[0] = ip("198.18.0.100");
	vips[1] = ip("198.18.0.101");
	k->vip = vips;
	k->nvip = 1;
}

static void t_drop_self(void)
{
	struct kaconf k;

	node(&k);
	check(kaconf_drop_self(&k, ip("198.18.0.11")) == 1);
	check(k.npeer == 2 && k.peer[0] == ip("198.18.0.12") && k.peer[1] == ip("198.18.0.13"));
	check(kaconf_drop_self(&k, ip("198.18.0.11")) == 0 && k.npeer == 2);
	k.peer[2] = ip("198.18.0.12");	/* listed twice: both go */
	k.npeer = 3;
	check(kaconf_drop_self(&k, ip("198.18.0.12")) == 2);
	check(k.npeer == 1 && k.peer[0] == ip("198.18.0.13"));
	check(kaconf_drop_self(&k, ip("198.18.0.13")) == 1 && k.npeer == 0);
}

/* The body after the header line the renderer writes first. */
static const char *body(const char *out)
{
	const char *nl = strchr(out, '\n');

	return nl ? nl + 1 : "";
}

static void t_fill(void)
{
	static char out[4096];
	struct kaconf k;
	int n;

	node(&k);
	kaconf_drop_self(&k, ip(k.self_ip));
	n = kaconf_render(&k, "router_id @ROUTER_ID@\n  interface @INTERFACE@\n"
	    "  unicast_src_ip @SELF_IP@\n  unicast_peer {\n      @PEER_IP@\n  }\n"
	    "  virtual_ipaddress {\n    @VIP@ dev @INTERFACE@\n  }\n", out, sizeof out);
	check(n > 0 && (size_t)n == strlen(out));
	check(!strncmp(out, "! Written by `vip keepalived-conf` from T for this node (198.18.0.11 on eth0)", 76));
	check(!strcmp(body(out), "router_id ins-a\n  interface eth0\n  unicast_src_ip 198.18.0.11\n"
	    "  unicast_peer {\n      198.18.0.12\n      198.18.0.13\n  }\n"
	    "  virtual_ipaddress {\n    198.18.0.100 dev eth0\n  }\n"));
	k.nvip = 2;	/* one line per VIP; a last line without its newline gets one */
	check(kaconf_render(&k, "@VIP@", out, sizeof out) > 0);
	check(!strcmp(body(out), "198.18.0.100\n198.18.0.101\n"));
}

static void t_verbatim(void)
{
	static char out[4096];
	struct kaconf k;

	node(&k);
	/* comments (even with placeholders), e-mail addresses, 2.x "@host" lines, a lone '@' */
	check(kaconf_render(&k, "! @SELF_IP@ and @PEER_IP@ here\n  # @NOPE@\n"
	    "notification_email { root@localhost }\n@nodea unicast_src_ip @SELF_IP@\na @ b @@ c@\n",
	    out, sizeof out) > 0);
	check(!strcmp(body(out), "! @SELF_IP@ and @PEER_IP@ here\n  # @NOPE@\n"
	    "notification_email { root@localhost }\n@nodea unicast_src_ip 198.18.0.11\na @ b @@ c@\n"));
	check(kaconf_render(&k, "", out, sizeof out) > 0 && !strcmp(body(out), ""));
}

static void t_auth_and_preempt(void)
{
	static char out[4096];
	struct kaconf k;

	node(&k);
	check(kaconf_render(&k, "auth_pass @AUTH_PASS@\n", out, sizeof out) < 0);	/* not given */
	util_copy(k.auth_pass, sizeof k.auth_pass, "s3cret");
	check(kaconf_render(&k, "auth_pass @AUTH_PASS@\n", out, sizeof out) > 0);
	check(!strcmp(body(out), "auth_pass s3cret\n"));
	check(kaconf_render(&k, "state @STATE@\n", out, sizeof out) < 0);	/* no --master */
	k.master = ip("198.18.0.11");
	check(kaconf_render(&k, "state @STATE@\npriority @PRIORITY@\n", out, sizeof out) > 0);
	check(!strcmp(body(out), "state MASTER\npriority 50\n"));
	k.master = ip("198.18.0.12");
	check(kaconf_render(&k, "state @STATE@\npriority @PRIORITY@\n", out, sizeof out) > 0);
	check(!strcmp(body(out), "state BACKUP\npriority 30\n"));
}

static void t_errors(void)
{
	static char out[4096];
	char small[200];
	struct kaconf k;

	node(&k);
	check(kaconf_render(&k, "ok\n  foo @UNKNOWN@\n", out, sizeof out) < 0);
	check(kaconf_render(&k, "@PEER_IP@ @VIP@\n", out, sizeof out) < 0);
	check(kaconf_render(&k, "@SELF_IP@\n@PEER_IP@\n@PEER_IP@\n@PEER_IP@\n@PEER_IP@\n", small,
	    sizeof small) < 0);	/* does not fit */
	check(kaconf_render(&k, "x\n", out, 0) < 0);
	check(kaconf_render(&k, "x\n", small, sizeof small) > 0);	/* fits */
}

int main(void)
{
	log_set_stderr(0);
	t_drop_self();
	t_fill();
	t_verbatim();
	t_auth_and_preempt();
	t_errors();
	return check_done();
}
