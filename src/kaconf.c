/* kaconf.c: vip keepalived-conf: this node's keepalived.conf from a shared template and metadata. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg.h"
#include "disc.h"
#include "fmt.h"
#include "kaconf.h"
#include "log.h"
#include "meta.h"
#include "nl.h"
#include "state.h"
#include "tcvip.h"
#include "util.h"

#define KACONF_MAX_FILE 65536	/* template and output, bytes */
#define KACONF_MAX_NAME 20	/* placeholder name, between the two '@' */

/* The output being written, bounded; a write past cap marks it full. */
struct out {
	char *p;
	size_t len, cap;
	int full;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->full || n >= o->cap - o->len) {
		o->full = 1;
		return;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = 0;
}

int kaconf_drop_self(struct kaconf *k, uint32_t self)
{
	int i, kept = 0, n = k->npeer;

	for (i = 0; i < n; i++)
		if (k->peer[i] != self)
			k->peer[kept++] = k->peer[i];
	k->npeer = kept;
	return n - kept;
}

/* Is line (len bytes) a whole-line comment? */
static int is_comment(const char *line, size_t len)
{
	size_t i = 0;

	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	return i < len && (line[i] == '!' || line[i] == '#');
}

/* The length of the placeholder name at s (after an '@': [A-Z_]+ then '@'), or 0. */
static size_t name_len(const char *s, const char *end)
{
	size_t n = 0;

	while (s + n < end && n <= KACONF_MAX_NAME && ((s[n] >= 'A' && s[n] <= 'Z') || s[n] == '_'))
		n++;
	return n > 0 && n <= KACONF_MAX_NAME && s + n < end && s[n] == '@' ? n : 0;
}

/* Does line hold placeholder @name@? */
static int has(const char *line, size_t len, const char *name)
{
	const char *p = line, *end = line + len;
	size_t n = strlen(name);

	while ((p = memchr(p, '@', (size_t)(end - p))) && p + 1 < end) {
		if (name_len(p + 1, end) == n && !memcmp(p + 1, name, n))
			return 1;
		p++;
	}
	return 0;
}

/* The value of @name@ on this line (rep: which peer or VIP), into buf; NULL if unknown or not
 * given (why says which). */
static const char *value(const struct kaconf *k, const char *name, int rep, char buf[16],
    const char **why)
{
	uint32_t self = 0;
	int master = k->master && util_ipv4_parse(k->self_ip, &self) == 0 && self == k->master;

	*why = "is not one vip keepalived-conf fills (SELF_IP INTERFACE ROUTER_ID PEER_IP VIP "
	    "AUTH_PASS STATE PRIORITY)";
	if (!strcmp(name, "SELF_IP"))
		return k->self_ip;
	if (!strcmp(name, "INTERFACE"))
		return k->ifname;
	if (!strcmp(name, "ROUTER_ID"))
		return k->router_id;
	if (!strcmp(name, "PEER_IP"))
		return util_ipv4_str(k->peer[rep], buf);
	if (!strcmp(name, "VIP"))
		return util_ipv4_str(k->vip[rep], buf);
	if (!strcmp(name, "AUTH_PASS")) {
		*why = "needs --auth-pass-file FILE (the same file on every node)";
		return *k->auth_pass ? k->auth_pass : NULL;
	}
	if (!strcmp(name, "STATE") || !strcmp(name, "PRIORITY")) {
		*why = "is preempt mode's: needs --master IP (the preferred node)";
		if (!k->master)
			return NULL;
		return name[0] == 'S' ? (master ? "MASTER" : "BACKUP") : (master ? "50" : "30");
	}
	return NULL;
}

/* Writes one line (len bytes, without its newline) with its placeholders filled, rep as for
 * value(). 0 or -1 (logged, naming the template's line lineno). */
static int fill_line(const struct kaconf *k, const char *line, size_t len, int rep, int lineno,
    struct out *o)
{
	const char *p = line, *end = line + len, *at, *v, *why;
	char name[KACONF_MAX_NAME + 1], buf[16];
	size_t n;

	while ((at = memchr(p, '@', (size_t)(end - p)))) {
		put(o, p, (size_t)(at - p));
		n = name_len(at + 1, end);
		if (!n) {	/* not a placeholder: an e-mail address, a 2.x "@host" line */
			put(o, at, 1);
			p = at + 1;
			continue;
		}
		memcpy(name, at + 1, n);
		name[n] = 0;
		if (!(v = value(k, name, rep, buf, &why))) {
			log_err("%s:%d: @%s@ %s", k->template_path, lineno, name, why);
			return -1;
		}
		put(o, v, strlen(v));
		p = at + n + 2;
	}
	put(o, p, (size_t)(end - p));
	put(o, "\n", 1);
	return 0;
}

/* One template line: copied if a comment, else written once, or once per peer or VIP. */
static int render_line(const struct kaconf *k, const char *line, size_t len, int lineno,
    struct out *o)
{
	int peers = has(line, len, "PEER_IP"), vips = has(line, len, "VIP"), reps = 1, r;

	if (is_comment(line, len)) {
		put(o, line, len);
		put(o, "\n", 1);
		return 0;
	}
	if (peers && vips) {
		log_err("%s:%d: @PEER_IP@ and @VIP@ on one line; put each on its own line",
		    k->template_path, lineno);
		return -1;
	}
	if (peers)
		reps = k->npeer;
	else if (vips)
		reps = k->nvip;
	for (r = 0; r < reps; r++)
		if (fill_line(k, line, len, r, lineno, o) < 0)
			return -1;
	return 0;
}

int kaconf_render(const struct kaconf *k, const char *tmpl, char *out, size_t cap)
{
	struct out o = { out, 0, cap, cap == 0 };
	const char *p = tmpl, *nl;
	char head[512];
	int lineno = 0, n;

	n = util_fmt(head, sizeof head, "! Written by `vip keepalived-conf` from %s for this node "
	    "(%s on %s): edit the template, not this file.\n", k->template_path, k->self_ip, k->ifname);
	if (n > 0)
		put(&o, head, (size_t)n);
	while (*p) {
		nl = strchr(p, '\n');
		lineno++;
		if (render_line(k, p, nl ? (size_t)(nl - p) : strlen(p), lineno, &o) < 0)
			return -1;
		if (!nl)
			break;
		p = nl + 1;
	}
	if (o.full) {
		log_err("%s: the keepalived.conf it makes is larger than %zu bytes", k->template_path, cap);
		return -1;
	}
	return (int)o.len;
}

/* Reads path into buf (NUL-terminated): its length, or -1 (logged, naming what the file is). */
static int read_file(const char *path, const char *what, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY), e;
	size_t len = 0;
	ssize_t n = 0;

	if (fd < 0) {
		log_err("%s %s: cannot open: %s", what, path, strerror(errno));
		return -1;
	}
	while (len < cap - 1 && (n = read(fd, buf + len, cap - 1 - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		len += (size_t)n;
	}
	e = errno;
	close(fd);
	buf[len] = 0;
	if (n < 0 || len == cap - 1 || memchr(buf, 0, len)) {
		log_err("%s %s: %s", what, path, n < 0 ? strerror(e) : len == cap - 1 ?
		    "too large" : "not a text file");
		return -1;
	}
	return (int)len;
}

/* The auth_pass from the first line of path: 1 to 8 printable characters, no blank. */
static int read_auth_pass(const char *path, char out[16])
{
	char buf[256];
	size_t n;

	if (read_file(path, "auth pass file", buf, sizeof buf) < 0)
		return -1;
	buf[strcspn(buf, "\r\n")] = 0;
	n = strlen(buf);
	if (n < 1 || n > 8 || !util_printable(buf) || buf[strcspn(buf, " \t")]) {
		log_err("auth pass file %s: the first line must be 1 to 8 printable characters "
		    "without blanks (keepalived's auth_pass)", path);
		util_wipe(buf, sizeof buf);
		return -1;
	}
	util_copy(out, 16, buf);
	util_wipe(buf, sizeof buf);
	return 0;
}

/* The command line: --template, --peer (repeated), --output, --auth-pass-file, --master. */
struct args {
	const char *template_path, *output, *auth_pass_file;
};

static int bad_arg(const char *what, const char *arg)
{
	fmt_err("vip: keepalived-conf: %s%s%s (see vip --help)\n", what, arg ? ": " : "",
	    arg ? arg : "");
	return -1;
}

static int parse_ip(const char *opt, const char *v, uint32_t *out)
{
	if (util_ipv4_parse(v, out) == 0 && *out != 0)
		return 0;
	fmt_err("vip: keepalived-conf: %s %s: not an IPv4 address\n", opt, v);
	return -1;
}

static int parse_args(int argc, char **argv, struct args *a, struct kaconf *k)
{
	int i;

	a->template_path = KACONF_DEFAULT_TEMPLATE;
	for (i = 2; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!v)
			return bad_arg("missing the value of", o);
		i++;
		if (!strcmp(o, "--template"))
			a->template_path = v;
		else if (!strcmp(o, "--output"))
			a->output = v;
		else if (!strcmp(o, "--auth-pass-file"))
			a->auth_pass_file = v;
		else if (!strcmp(o, "--master")) {
			if (parse_ip(o, v, &k->master) < 0)
				return -1;
		} else if (!strcmp(o, "--peer")) {
			if (k->npeer == KACONF_MAX_PEERS)
				return bad_arg("too many --peer (at most 8)", NULL);
			if (parse_ip(o, v, &k->peer[k->npeer++]) < 0)
				return -1;
		} else
			return bad_arg("unknown option", o);
	}
	if (!k->npeer)
		return bad_arg("at least one --peer IP is needed (list every node; this node's own "
		    "address is dropped)", NULL);
	k->template_path = a->template_path;
	return 0;
}

/* local-ipv4 or instance-id from metadata into out (cap bytes), checked by valid. 0 or -1
 * (logged, naming the metadata service). */
static int meta_value(struct meta *m, const struct cfg *c, const char *path, char *out,
    size_t cap, int (*valid)(const char *v))
{
	int r = meta_get(m, path, out, cap);

	if (r == 0 && valid(out))
		return 0;
	log_err("keepalived-conf: metadata %s: %s %s", c->metadata, path, r < 0 ?
	    "unreachable (is this a CVM? see the line above)" : r == 1 ? "not found" : "not valid");
	return -1;
}

static int valid_ipv4(const char *v)
{
	uint32_t a;

	return util_ipv4_parse(v, &a) == 0 && a != 0;
}

/* This node: local-ipv4 and instance-id from metadata, the NIC as check_self finds it
 * (tcvip.conf's interface, else metadata mac -> netlink). 0 or -1 (logged). */
static int learn_node(const struct cfg *c, struct kaconf *k, uint32_t *self)
{
	static struct meta m;	/* its 16 KiB buffer stays off the stack */
	struct node nd;
	char ip[64], id[64];
	int r = -1;

	if (meta_init(&m, c->metadata, c->timeout) < 0)
		return -1;
	if (meta_value(&m, c, "local-ipv4", ip, sizeof ip, valid_ipv4) == 0 &&
	    meta_value(&m, c, "instance-id", id, sizeof id, util_valid_id) == 0 &&
	    disc_node(&nd, c, &m, NULL, DISC_IF) == 0 && util_ipv4_parse(ip, self) == 0) {
		util_copy(k->self_ip, sizeof k->self_ip, ip);
		util_copy(k->router_id, sizeof k->router_id, id);
		util_copy(k->ifname, sizeof k->ifname, nd.ifname);
		r = 0;
	}
	meta_close(&m);
	return r;
}

/* keepalived binds unicast_src_ip: the address must be on the NIC. 0 or -1 (logged). */
static int check_on_nic(const struct kaconf *k, uint32_t self)
{
	static struct nl n;	/* its 32 KiB buffer stays off the stack */
	char ifname[16] = "";
	int r;

	if (nl_open(&n) < 0)
		return -1;
	r = nl_ifname_by_addr(&n, self, ifname);
	nl_close(&n);
	if (r == 0 && !strcmp(ifname, k->ifname))
		return 0;
	log_err("keepalived-conf: metadata local-ipv4 %s is not on %s (%s)", k->self_ip, k->ifname,
	    r == 0 ? ifname : "on no NIC");
	return -1;
}

/* --output FILE: written temp+rename in FILE's directory, mode 0644. 0 or -1 (logged). */
static int write_output(const char *path, const char *data, size_t len)
{
	char dir[256];
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
	struct stat st;

	if (util_copy(dir, sizeof dir, slash ? path : ".") < 0 || !*base) {
		log_err("keepalived-conf: --output %s: not a file name", path);
		return -1;
	}
	if (slash)
		dir[slash == path ? 1 : (size_t)(slash - path)] = 0;
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		log_err("keepalived-conf: --output %s: no directory %s", path, dir);
		return -1;
	}
	umask(022);
	return state_write(dir, base, data, len, 0644);
}

static int write_stdout(const char *data, size_t len)
{
	if (len > INT_MAX || fmt_out("%.*s", (int)len, data) != (int)len) {
		log_err("keepalived-conf: cannot write to stdout: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* The template's own mistakes (an unknown placeholder, a missing option), before any network. */
static int check_template(const struct kaconf *k, const char *tmpl, char *out, size_t cap)
{
	struct kaconf dry = *k;

	strcpy(dry.self_ip, "0.0.0.0");	/* constants that fit: no bound to check */
	strcpy(dry.ifname, "-");
	strcpy(dry.router_id, "-");
	return kaconf_render(&dry, tmpl, out, cap) < 0 ? -1 : 0;
}

/* Fills, renders and writes; the exit code. */
static int generate(const struct cfg *c, struct kaconf *k, const char *tmpl, const char *output)
{
	static char out[KACONF_MAX_FILE];
	uint32_t self;
	int len, dropped, rc;

	if (check_template(k, tmpl, out, sizeof out) < 0)
		return TCVIP_EXIT_USAGE;
	if (learn_node(c, k, &self) < 0 || check_on_nic(k, self) < 0)
		return TCVIP_EXIT_FAIL;
	dropped = kaconf_drop_self(k, self);
	if (!k->npeer) {
		log_err("keepalived-conf: no --peer left once this node's own address %s is dropped: "
		    "name the other node too", k->self_ip);
		return TCVIP_EXIT_USAGE;
	}
	if ((len = kaconf_render(k, tmpl, out, sizeof out)) < 0)
		return TCVIP_EXIT_USAGE;
	rc = output ? write_output(output, out, (size_t)len) : write_stdout(out, (size_t)len);
	util_wipe(out, sizeof out);	/* it may hold auth_pass */
	if (rc == 0 && output)
		log_info("keepalived-conf: wrote %s from %s: %s on %s, %d peer%s (own address %s)",
		    output, k->template_path, k->self_ip, k->ifname, k->npeer, k->npeer == 1 ? "" : "s",
		    dropped ? "dropped" : "not among them");
	return rc == 0 ? TCVIP_EXIT_OK : TCVIP_EXIT_FAIL;
}

int kaconf_main(const struct cfg *c, int argc, char **argv)
{
	static char tmpl[KACONF_MAX_FILE];
	static struct kaconf k;
	struct args a = { NULL, NULL, NULL };
	int rc;

	memset(&k, 0, sizeof k);
	if (parse_args(argc, argv, &a, &k) < 0)
		return TCVIP_EXIT_USAGE;
	if (read_file(a.template_path, "template", tmpl, sizeof tmpl) < 0 ||
	    (a.auth_pass_file && read_auth_pass(a.auth_pass_file, k.auth_pass) < 0))
		return TCVIP_EXIT_USAGE;
	k.vip = c->vip;
	k.nvip = c->nvip;
	rc = generate(c, &k, tmpl, a.output);
	util_wipe(k.auth_pass, sizeof k.auth_pass);
	return rc;
}
