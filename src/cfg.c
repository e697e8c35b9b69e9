/* cfg.c: tcvip.conf: keys, defaults, validation, and the secrets-file permission rule. */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg.h"
#include "log.h"
#include "proc.h"
#include "util.h"

enum kind { K_STR, K_INT, K_BOOL, K_VIP, K_API, K_ENDPOINT, K_METADATA, K_ID, K_PATH, K_CMD,
	K_EIP, K_MODE, K_RTB };

/* The modes, in src/modes.h's order: cfg.mode is an index into this. */
static const char *const mode_names[] = {
#define MODE(n) #n,
#include "modes.h"
#undef MODE
};

/* Packed (32 bytes a key): the names inline, small fields narrow. */
struct key {
	char name[17];
	char prefix[5];		/* K_ID: required id prefix, "" for any */
	unsigned char kind;	/* enum kind */
	unsigned char min;	/* K_INT range */
	unsigned short off;	/* offset of the field in struct cfg */
	unsigned short cap;	/* string capacity */
	int max;
};

_Static_assert(sizeof(struct cfg) <= 65535, "struct key's off is an unsigned short");

#define S(f, k) { #f, "", k, 0, offsetof(struct cfg, f), sizeof(((struct cfg *)0)->f), 0 }
#define I(f, lo, hi) { #f, "", K_INT, lo, offsetof(struct cfg, f), 0, hi }
#define B(f) { #f, "", K_BOOL, 0, offsetof(struct cfg, f), 0, 1 }
#define ID(f, pfx) { #f, pfx, K_ID, 0, offsetof(struct cfg, f), sizeof(((struct cfg *)0)->f), 0 }

static const struct key keys[] = {
	{ "vip", "", K_VIP, 0, 0, 0, 0 },
	S(interface, K_STR),
	ID(eni, "eni-"),
	ID(peer_eni, "eni-"),
	ID(vpc, "vpc-"),
	ID(region, ""),
	{ "api", "", K_API, 2, offsetof(struct cfg, api), 0, 3 },
	S(endpoint, K_ENDPOINT),
	S(ca_file, K_PATH),
	I(timeout, 1, 60),
	I(migrate_timeout, 1, 3600),
	S(secret_id, K_STR),
	S(secret_key, K_STR),
	S(credentials_file, K_PATH),
	S(role, K_STR),
	S(metadata, K_METADATA),
	S(state_dir, K_PATH),
	S(log_file, K_PATH),
	I(query_interval, 0, 86400),
	I(fault_after, 1, 1000),
	I(recheck_delay, 0, 2),
	B(spot_handover),
	{ "eip", "", K_EIP, 0, 0, 0, 0 },
	{ "mode", "", K_MODE, 0, 0, 0, 0 },
	{ "route_table", "rtb-", K_RTB, 0, 0, 0, 0 },
	S(metrics_file, K_PATH),
	S(restart_command, K_CMD),
};

const char *cfg_mode_name(int m)
{
	return m >= 0 && (size_t)m < UTIL_ARRAY_LEN(mode_names) ? mode_names[m] : "?";
}

const char *cfg_path(const char *explicit_path)
{
	const char *env = util_getenv("TCVIP_CONFIG");

	if (explicit_path && *explicit_path)
		return explicit_path;
	if (env && *env)
		return env;
	return CFG_DEFAULT_PATH;
}

void cfg_defaults(struct cfg *c)
{
	memset(c, 0, sizeof *c);
	c->api = 3;
	strcpy(c->endpoint, "public");
	c->timeout = 3;
	c->migrate_timeout = 30;
	strcpy(c->role, "auto");
	strcpy(c->metadata, "http://metadata.tencentyun.com");
	strcpy(c->state_dir, "/var/keepalived");
	strcpy(c->log_file, "/var/log/keepalived.log");
	c->query_interval = 30;
	c->fault_after = 3;
	c->recheck_delay = 2;
	strcpy(c->restart_command, "systemctl restart keepalived");
	c->spot_handover = 1;
}

/* fn(c, item, why, whylen) on each comma-separated item of value, trimmed. 0, or -1 (why
 * set). */
static int each_item(struct cfg *c, const char *value,
    int (*fn)(struct cfg *c, char *item, char *why, int whylen), char *why, int whylen)
{
	char buf[1024], *tok, *save = NULL;

	if (util_copy(buf, sizeof buf, value) < 0)
		return util_fmt(why, (size_t)whylen, "value too long"), -1;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (fn(c, util_trim(tok), why, whylen) < 0)
			return -1;
	return 0;
}

/* One address of a vip line, appended to c->vip. */
static int add_vip(struct cfg *c, char *tok, char *why, int whylen)
{
	uint32_t a = 0;
	unsigned first = util_ipv4_parse(tok, &a) < 0 ? 0 : ntohl(a) >> 24;
	int i;

	if (first == 0 || first >= 224 || first == 127)
		return util_fmt(why, (size_t)whylen, "'%s' is not a unicast IPv4 address", tok), -1;
	for (i = 0; i < c->nvip; i++)
		if (c->vip[i] == a)
			return util_fmt(why, (size_t)whylen, "vip %s listed twice", tok), -1;
	if (c->nvip >= CFG_MAX_VIPS)
		return util_fmt(why, (size_t)whylen, "more than %d VIPs", CFG_MAX_VIPS), -1;
	c->vip[c->nvip++] = a;
	return 0;
}

static int set_vips(struct cfg *c, const char *value, char *why, int whylen)
{
	if (each_item(c, value, add_vip, why, whylen) < 0)
		return -1;
	if (!c->nvip)
		return util_fmt(why, (size_t)whylen, "empty vip"), -1;
	return 0;
}

static int valid_id(const char *v, const char *prefix);

/* One EIP of an eip line: ID or ID@VIP, appended to c->eip. */
static int add_eip(struct cfg *c, char *tok, char *why, int whylen)
{
	char *at = strchr(tok, '@');
	struct cfg_eip *e;
	uint32_t vip = 0;
	int i;

	if (at) {
		*at = 0;
		if (util_ipv4_parse(util_trim(at + 1), &vip) < 0)
			return util_fmt(why, (size_t)whylen, "eip: '%s' after @ is not an IPv4 "
			    "address (eip = ID@VIP)", util_trim(at + 1)), -1;
	}
	tok = util_trim(tok);
	if (!valid_id(tok, "eip-") || strlen(tok) >= CFG_EIP_ID_LEN)
		return util_fmt(why, (size_t)whylen, "eip: '%s' is not auto, none, or an EIP id "
		    "(eip-xxxxxxxx, or eip-xxxxxxxx@VIP)", tok), -1;
	for (i = 0; i < c->neip; i++)
		if (!strcmp(c->eip[i].id, tok))
			return util_fmt(why, (size_t)whylen, "eip: %s listed twice", tok), -1;
	if (c->neip >= CFG_MAX_VIPS)
		return util_fmt(why, (size_t)whylen, "eip: more than %d EIPs", CFG_MAX_VIPS), -1;
	e = &c->eip[c->neip++];
	util_copy(e->id, sizeof e->id, tok);
	e->vip = vip;
	e->line = 0;
	return 0;
}

/* eip = auto | none | ID[@VIP][, ...] (repeatable for ids). */
static int set_eips(struct cfg *c, const char *value, char *why, int whylen)
{
	if (!strcmp(value, "auto") || !strcmp(value, "none")) {
		if (c->neip)
			return util_fmt(why, (size_t)whylen, "eip = %s cannot be combined with the "
			    "EIP ids of another eip line", value), -1;
		c->eip_mode = !strcmp(value, "auto") ? CFG_EIP_AUTO : CFG_EIP_NONE;
		c->eip_word = 1;
		return 0;
	}
	if (c->eip_word)
		return util_fmt(why, (size_t)whylen, "eip ids cannot be combined with an earlier "
		    "eip = %s", c->eip_mode == CFG_EIP_NONE ? "none" : "auto"), -1;
	if (each_item(c, value, add_eip, why, whylen) < 0)
		return -1;
	c->eip_mode = CFG_EIP_IDS;
	return 0;
}

const char *cfg_eip_of(const struct cfg *c, uint32_t vip)
{
	int i;

	for (i = 0; c->eip_mode == CFG_EIP_IDS && i < c->neip; i++)
		if (c->eip[i].vip == vip)
			return c->eip[i].id;
	return NULL;
}

static int set_mode(struct cfg *c, const char *value, char *why, int whylen)
{
	size_t i;

	for (i = 0; i < UTIL_ARRAY_LEN(mode_names); i++)
		if (!strcmp(value, mode_names[i])) {
			c->mode = (int)i;
			return 0;
		}
	return util_fmt(why, (size_t)whylen, "mode must be eni or route, not '%s'", value), -1;
}

/* One id of a route_table line, appended to c->route_table. */
static int add_route_table(struct cfg *c, char *tok, char *why, int whylen)
{
	int i;

	if (!valid_id(tok, "rtb-") || strlen(tok) >= sizeof c->route_table[0])
		return util_fmt(why, (size_t)whylen, "'%s' is not a valid route_table id "
		    "(rtb-xxxxxxxx)", tok), -1;
	for (i = 0; i < c->nroute_table; i++)
		if (!strcmp(c->route_table[i], tok))
			return util_fmt(why, (size_t)whylen, "route_table %s listed twice", tok), -1;
	if (c->nroute_table >= CFG_MAX_ROUTE_TABLES)
		return util_fmt(why, (size_t)whylen, "more than %d route tables",
		    CFG_MAX_ROUTE_TABLES), -1;
	util_copy(c->route_table[c->nroute_table++], sizeof c->route_table[0], tok);
	return 0;
}

/* route_table = rtb-xxxxxxxx (repeat the key, or comma-separate). */
static int set_route_tables(struct cfg *c, const char *value, char *why, int whylen)
{
	if (each_item(c, value, add_route_table, why, whylen) < 0)
		return -1;
	if (!c->nroute_table)
		return util_fmt(why, (size_t)whylen, "empty route_table"), -1;
	return 0;
}

/* HOST[:PORT] with a plausible host name and a port in range. */
static int valid_hostport(const char *v)
{
	const char *colon = strrchr(v, ':');
	size_t hostlen = colon ? (size_t)(colon - v) : strlen(v);
	long long port;
	size_t i;

	if (!hostlen || hostlen > 253)
		return 0;
	for (i = 0; i < hostlen; i++)
		if (!(v[i] == '.' || v[i] == '-' || (v[i] >= '0' && v[i] <= '9') ||
		      (v[i] >= 'a' && v[i] <= 'z') || (v[i] >= 'A' && v[i] <= 'Z')))
			return 0;
	return !colon || util_parse_int(colon + 1, 1, 65535, &port) == 0;
}

static int valid_metadata_url(const char *v)
{
	char host[300];
	size_t n;

	if (strncmp(v, "http://", 7))
		return 0;
	v += 7;
	n = strcspn(v, "/");
	if (n >= sizeof host || (v[n] && v[n + 1]))
		return 0;
	memcpy(host, v, n);
	host[n] = 0;
	return valid_hostport(host);
}

static int valid_id(const char *v, const char *prefix)
{
	size_t i;

	if (strncmp(v, prefix, strlen(prefix)) != 0 || strlen(v) <= strlen(prefix))
		return 0;
	for (i = 0; v[i]; i++)
		if (!(v[i] == '-' || v[i] == '_' || (v[i] >= '0' && v[i] <= '9') ||
		      (v[i] >= 'a' && v[i] <= 'z') || (v[i] >= 'A' && v[i] <= 'Z')))
			return 0;
	return 1;
}

static int set_value(struct cfg *c, const struct key *k, const char *v, char *why, int whylen)
{
	char *field = (char *)c + k->off;
	long long n;

	switch (k->kind) {
	case K_VIP:
		return set_vips(c, v, why, whylen);
	case K_EIP:
		return set_eips(c, v, why, whylen);
	case K_MODE:
		return set_mode(c, v, why, whylen);
	case K_RTB:
		return set_route_tables(c, v, why, whylen);
	case K_INT:
	case K_API:
		if (util_parse_int(v, k->min, k->max, &n) < 0)
			return util_fmt(why, (size_t)whylen, "%s must be an integer from %d to %d",
			    k->name, k->min, k->max), -1;
		*(int *)(void *)field = (int)n;
		return 0;
	case K_BOOL:
		if (!strcmp(v, "yes") || !strcmp(v, "no")) {
			*(int *)(void *)field = !strcmp(v, "yes");
			return 0;
		}
		return util_fmt(why, (size_t)whylen, "%s must be yes or no", k->name), -1;
	case K_ENDPOINT:
		if (strcmp(v, "public") && strcmp(v, "internal") && !valid_hostport(v))
			return util_fmt(why, (size_t)whylen,
			    "endpoint must be public, internal or HOST[:PORT]"), -1;
		break;
	case K_METADATA:
		if (!valid_metadata_url(v))
			return util_fmt(why, (size_t)whylen,
			    "metadata must be http://HOST[:PORT] (plain HTTP, metadata only)"), -1;
		break;
	case K_ID:
		if (!valid_id(v, k->prefix))
			return util_fmt(why, (size_t)whylen, "'%s' is not a valid %s%s", v,
			    k->name, *k->prefix ? " id" : ""), -1;
		break;
	case K_PATH:
		if (*v && *v != '/')
			return util_fmt(why, (size_t)whylen, "%s must be an absolute path", k->name), -1;
		break;
	case K_CMD:	/* run as root: an absolute path, or a bare name looked up in PROC_PATH */
		n = (long long)strcspn(v, " \t");
		if (*v != '/' && memchr(v, '/', (size_t)n))
			return util_fmt(why, (size_t)whylen, "%s must start with an absolute path or a "
			    "bare command name (looked up in " PROC_PATH ")", k->name), -1;
		break;
	case K_STR:
		break;
	}
	if (util_copy(field, k->cap, v) < 0)
		return util_fmt(why, (size_t)whylen, "%s is longer than %zu bytes", k->name,
		    (size_t)k->cap - 1), -1;
	return 0;
}

int cfg_set(struct cfg *c, const char *key, const char *value, char *why, int whylen)
{
	size_t i;

	for (i = 0; i < UTIL_ARRAY_LEN(keys); i++)
		if (!strcmp(keys[i].name, key))
			return set_value(c, &keys[i], value, why, whylen);
	util_fmt(why, (size_t)whylen, "unknown key '%s'", key);
	return -1;
}

int cfg_check_private(const char *path, int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0) {
		log_err("%s: %m", path);
		return -1;
	}
	if (st.st_mode & 077) {
		log_err("%s: holds secrets but is accessible by group or others (mode %03o); "
		    "run: chmod 600 %s", path, (unsigned)(st.st_mode & 0777), path);
		return -1;
	}
	return 0;
}

int cfg_check_owner_st(const char *path, const struct stat *st)
{
	if (st->st_uid != geteuid() && st->st_uid != 0) {
		log_err("%s: owned by uid %u, not by this user or root; refusing it", path,
		    (unsigned)st->st_uid);
		return -1;
	}
	if (st->st_mode & 022) {
		log_err("%s: writable by group or others (mode %03o); run: chmod go-w %s", path,
		    (unsigned)(st->st_mode & 0777), path);
		return -1;
	}
	return 0;
}

/* The config names a command run as root: only its owner may write it. */
int cfg_check_owner(const char *path, int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0) {
		log_err("%s: %m", path);
		return -1;
	}
	return cfg_check_owner_st(path, &st);
}

/* Strips a comment: '#' at the start or after white space. */
static void strip_comment(char *line)
{
	char *p;

	for (p = line; *p; p++)
		if (*p == '#' && (p == line || p[-1] == ' ' || p[-1] == '\t')) {
			*p = 0;
			return;
		}
}

/* Splits "key = value"; returns 0 blank, 1 pair, -1 malformed. */
static int split_line(char *line, char **key, char **value)
{
	char *eq;

	strip_comment(line);
	line = util_trim(line);
	if (!*line)
		return 0;
	eq = strchr(line, '=');
	if (!eq)
		return -1;
	*eq = 0;
	*key = util_trim(line);
	*value = util_trim(eq + 1);
	return **key ? 1 : -1;
}

typedef int (*line_fn)(void *ctx, int lineno, const char *key, const char *value, char *why,
    int whylen);

#define CFG_MAX_BYTES 65536	/* a config (or credentials file) larger than this is an error */

/* Reads all of fd with read() into text (no stdio buffer keeps a copy of a secret): the
 * length, or -1 (logged). */
static int read_all(const char *path, int fd, char *text, size_t cap)
{
	size_t len = 0;
	ssize_t n;

	while ((n = read(fd, text + len, cap - len)) > 0 && (len += (size_t)n) < cap)
		;
	if (n < 0) {
		log_err("%s: %m", path);
		return -1;
	}
	if (len >= cap) {
		log_err("%s: larger than %zu bytes", path, cap - 1);
		return -1;
	}
	text[len] = 0;
	return (int)len;
}

/* Reads fd (path) line by line; on error logs "path:line: why". Every copy of the text
 * (secret_key may be in it) is wiped before returning. */
static int parse_file(const char *path, int fd, line_fn fn, void *ctx)
{
	char text[CFG_MAX_BYTES], line[1024], why[256], *key, *value, *p, *nl;
	int lineno = 0, r = 0;
	size_t n, used;

	r = read_all(path, fd, text, sizeof text);
	used = r >= 0 ? (size_t)r + 1 : sizeof text;	/* what read() may have written */
	if (r >= 0 && strlen(text) != (size_t)r) {
		log_err("%s: holds a NUL byte", path);
		r = -1;
	}
	r = r < 0 ? -1 : 0;
	for (p = text; r == 0 && *p; p = nl ? nl + 1 : p + n) {
		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		lineno++;
		if (n >= sizeof line) {
			log_err("%s:%d: line too long", path, lineno);
			r = -1;
			break;
		}
		memcpy(line, p, n);
		line[n] = 0;
		r = split_line(line, &key, &value);
		if (r < 0) {
			log_err("%s:%d: expected 'key = value'", path, lineno);
			break;
		}
		if (r && fn(ctx, lineno, key, value, why, sizeof why) < 0) {
			log_err("%s:%d: %s", path, lineno, why);
			r = -1;
			break;
		}
		r = 0;
	}
	util_wipe(text, used);	/* not all 64 KiB: a third of the instructions before the Migrate */
	util_wipe(line, sizeof line);
	util_wipe(why, sizeof why);
	return r < 0 ? -1 : 0;
}

static int cfg_line(void *ctx, int lineno, const char *key, const char *value, char *why,
    int whylen)
{
	struct cfg *c = ctx;
	int i, before = c->neip;

	if (!strcmp(key, "mode"))
		c->mode_line = lineno;
	else if (!strcmp(key, "route_table") && !c->route_table_line)
		c->route_table_line = lineno;
	if (cfg_set(c, key, value, why, whylen) < 0)
		return -1;
	for (i = before; i < c->neip; i++)
		c->eip[i].line = lineno;
	return 0;
}

static int open_config(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st;

	if (fd < 0) {
		log_err("%s: cannot read config: %m", path);
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		log_err("%s: not a regular file", path);
		close(fd);
		return -1;
	}
	return fd;
}

/* Each EIP names one configured VIP (a bare id: the only one), each VIP at most one EIP. */
static int check_eips(struct cfg *c, const char *path)
{
	struct cfg_eip *e;
	char ip[16];
	int i, k;

	for (i = 0; i < c->neip; i++) {
		e = &c->eip[i];
		if (c->api != 3)
			return log_err("%s:%d: eip: %s needs api = 3 (the EIP actions are API 3.0 "
			    "only)", path, e->line, e->id), -1;
		if (!e->vip && c->nvip != 1)
			return log_err("%s:%d: eip: %s names no VIP and %d are configured; write "
			    "eip = %s@VIP", path, e->line, e->id, c->nvip, e->id), -1;
		if (!e->vip)
			e->vip = c->vip[0];
		for (k = 0; k < c->nvip && c->vip[k] != e->vip; k++)
			;
		if (k == c->nvip)
			return log_err("%s:%d: eip: %s@%s: %s is not a configured vip", path, e->line,
			    e->id, util_ipv4_str(e->vip, ip), ip), -1;
		for (k = 0; k < i; k++)
			if (c->eip[k].vip == e->vip)
				return log_err("%s:%d: eip: %s and %s both name vip %s; one EIP per "
				    "VIP", path, e->line, c->eip[k].id, e->id,
				    util_ipv4_str(e->vip, ip)), -1;
	}
	return 0;
}

/* The keys of one mode given in a file of another, or a mode its api cannot serve. */
static int check_mode(const struct cfg *c, const char *path)
{
	int route = !strcmp(cfg_mode_name(c->mode), "route");

	if (!route && c->nroute_table) {
		log_err("%s:%d: route_table is a key of mode = route (this file's mode is %s)", path,
		    c->route_table_line, cfg_mode_name(c->mode));
		return -1;
	}
	if (route && c->api != 3) {
		log_err("%s:%d: mode = route needs api = 3 (route tables are API 3.0 actions)", path,
		    c->mode_line);
		return -1;
	}
	if (route && c->neip) {
		log_err("%s:%d: eip = %s is a key of mode = eni (an EIP is bound to an ENI's private "
		    "IP; a route mode VIP is on no ENI)", path, c->eip[0].line, c->eip[0].id);
		return -1;
	}
	return 0;
}

static int check_complete(struct cfg *c, const char *path)
{
	if (!c->nvip) {
		log_err("%s: missing required key 'vip'", path);
		return -1;
	}
	if (!*c->secret_id != !*c->secret_key) {
		log_err("%s: secret_id and secret_key must be given together", path);
		return -1;
	}
	if (check_mode(c, path) < 0)
		return -1;
	return check_eips(c, path);
}

void cfg_wipe_secrets(struct cfg *c)
{
	util_wipe(c->secret_key, sizeof c->secret_key);
}

int cfg_load(struct cfg *c, const char *path)
{
	int fd, rc;

	cfg_defaults(c);
	if (util_copy(c->path, sizeof c->path, path) < 0) {
		log_err("%s: config path too long", path);
		return -1;
	}
	fd = open_config(path);
	if (fd < 0)
		return -1;
	rc = cfg_check_owner(path, fd);
	if (rc == 0)
		rc = parse_file(path, fd, cfg_line, c);
	if (rc == 0)
		rc = check_complete(c, path);
	if (rc == 0 && *c->secret_key)
		rc = cfg_check_private(path, fd);
	close(fd);
	if (rc < 0)
		cfg_wipe_secrets(c);
	return rc;
}

struct creds_ctx {
	char *id, *key;
	int idcap, keycap;
};

static int creds_line(void *ctx, int lineno, const char *key, const char *value, char *why,
    int whylen)
{
	struct creds_ctx *cc = ctx;
	char *dst = NULL;
	int cap = 0;

	(void)lineno;
	if (!strcmp(key, "secret_id"))
		dst = cc->id, cap = cc->idcap;
	else if (!strcmp(key, "secret_key"))
		dst = cc->key, cap = cc->keycap;
	if (!dst)
		return util_fmt(why, (size_t)whylen, "unknown key '%s' (only secret_id, secret_key)", key), -1;
	if (util_copy(dst, (size_t)cap, value) < 0)
		return util_fmt(why, (size_t)whylen, "%s too long", key), -1;
	return 0;
}

int cfg_load_credentials(const char *path, char *id, int idcap, char *key, int keycap)
{
	struct creds_ctx cc = { id, key, idcap, keycap };
	int fd, rc;

	*id = *key = 0;
	fd = open_config(path);
	if (fd < 0)
		return -1;
	rc = cfg_check_owner(path, fd);
	if (rc == 0)
		rc = cfg_check_private(path, fd);
	if (rc == 0)
		rc = parse_file(path, fd, creds_line, &cc);
	close(fd);
	if (rc == 0 && (!*id || !*key)) {
		log_err("%s: needs both secret_id and secret_key", path);
		rc = -1;
	}
	return rc;
}

int cfg_split_argv(const char *cmd, char *buf, int bufcap, char **argv, int max)
{
	char *tok, *save = NULL;
	int argc = 0;

	if (util_copy(buf, (size_t)bufcap, cmd) < 0)
		return -1;
	for (tok = strtok_r(buf, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		if (argc >= max - 1)
			return -1;
		argv[argc++] = tok;
	}
	argv[argc] = NULL;
	return argc;
}
