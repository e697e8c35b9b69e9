/* kaconf.h: vip keepalived-conf: this node's keepalived.conf from a shared template and metadata. */
#ifndef KACONF_H
#define KACONF_H
#include <stddef.h>
#include <stdint.h>

struct cfg;

#define KACONF_MAX_PEERS 8
#define KACONF_DEFAULT_TEMPLATE "/usr/share/doc/tcvip/examples/keepalived.stable.conf"

/* What fills a template's placeholders on one node. */
struct kaconf {
	const char *template_path;	/* named in error messages */
	char self_ip[16];		/* @SELF_IP@: metadata local-ipv4 */
	char ifname[16];		/* @INTERFACE@: the NIC with metadata mac */
	char router_id[64];		/* @ROUTER_ID@: metadata instance-id */
	char auth_pass[16];		/* @AUTH_PASS@ (--auth-pass-file); "" = not given */
	uint32_t master;		/* --master IP (network order); 0 = not given */
	uint32_t peer[KACONF_MAX_PEERS];	/* @PEER_IP@, one line each (network order) */
	int npeer;
	const uint32_t *vip;		/* @VIP@, one line each: tcvip.conf's vip */
	int nvip;
};

/* Removes self from k->peer (every copy); returns how many were removed. */
int kaconf_drop_self(struct kaconf *k, uint32_t self);
/* Writes the template tmpl (NUL-terminated) with every placeholder filled into out, after one
 * comment line naming the template. A line holding @PEER_IP@ (@VIP@) is written once per peer
 * (VIP); whole-line comments ('!' or '#') are copied as they are. @STATE@/@PRIORITY@ (preempt
 * mode) are MASTER/50 on the --master node, BACKUP/30 on the others. Returns the length, or
 * -1 (logged as "TEMPLATE:LINE: ...": an unknown placeholder, one not given, no room). */
int kaconf_render(const struct kaconf *k, const char *tmpl, char *out, size_t cap);
/* vip keepalived-conf ARGS (argv[1] is "keepalived-conf"): 0, 1 (metadata, NIC or write
 * failed), 2 (usage, template, peer). */
int kaconf_main(const struct cfg *c, int argc, char **argv);
#endif
