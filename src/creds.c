/* creds.c: where the API key comes from: config, credentials_file, environment, CVM role (cached). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cfg.h"
#include "creds.h"
#include "json.h"
#include "log.h"
#include "meta.h"
#include "sign.h"
#include "state.h"
#include "util.h"

#define ROLE_CACHE FILE_ROLE_CACHE
#define ROLE_MARGIN 300		/* refresh this long before ExpiredTime */

void creds_wipe(struct creds *cr)
{
	util_wipe(cr, sizeof *cr);
}

int creds_refreshable(const struct creds *cr)
{
	return cr->expires != 0;
}

static int from_env(struct creds *cr)
{
	const char *id = util_getenv("TENCENTCLOUD_SECRET_ID");
	const char *key = util_getenv("TENCENTCLOUD_SECRET_KEY");
	const char *token = util_getenv("TENCENTCLOUD_SESSION_TOKEN");

	if (!id || !*id || !key || !*key)
		return 1;
	if (!util_printable(id) || !util_printable(key) || (token && !util_printable(token))) {
		log_err("environment: TENCENTCLOUD_SECRET_* or TENCENTCLOUD_SESSION_TOKEN holds a "
		    "control character or line break");
		return -1;
	}
	if (util_copy(cr->id, sizeof cr->id, id) < 0 || util_copy(cr->key, sizeof cr->key, key) < 0 ||
	    util_copy(cr->token, sizeof cr->token, token ? token : "") < 0) {
		log_err("environment: TENCENTCLOUD_SECRET_* too long");
		return -1;
	}
	strcpy(cr->source, "environment TENCENTCLOUD_SECRET_ID");
	return 0;
}

/* Parses the metadata role answer; 0, or -1 if it is not usable (*why says why). Each value
 * goes into a request header: printable ASCII only, no line break. */
static int parse_role_json(struct creds *cr, const char *text, size_t len, const char **why)
{
	struct json_tok tok[64];
	struct json j;
	long long exp;

	*why = "unusable credentials answer";
	if (json_parse(&j, text, len, tok, (int)UTIL_ARRAY_LEN(tok)) < 0 ||
	    json_str(&j, json_get(&j, 0, "TmpSecretId"), cr->id, sizeof cr->id) < 1 ||
	    json_str(&j, json_get(&j, 0, "TmpSecretKey"), cr->key, sizeof cr->key) < 1 ||
	    json_str(&j, json_get(&j, 0, "Token"), cr->token, sizeof cr->token) < 1 ||
	    json_int(&j, json_get(&j, 0, "ExpiredTime"), &exp) < 0)
		return -1;
	if (!util_printable(cr->id) || !util_printable(cr->key) || !util_printable(cr->token)) {
		*why = "TmpSecretId, TmpSecretKey or Token holds a control character or line break";
		creds_wipe(cr);
		return -1;
	}
	cr->expires = exp;
	return 0;
}

/* CAM role names: letters, digits and +=,.@_- (no path, no line break). */
static int valid_role(const char *v)
{
	if (!*v)
		return 0;
	for (; *v; v++)
		if (!((*v >= 'a' && *v <= 'z') || (*v >= 'A' && *v <= 'Z') || (*v >= '0' && *v <= '9') ||
		    strchr("+=,.@_-", *v)))
			return 0;
	return 1;
}

static int role_cached(struct creds *cr, const struct cfg *c)
{
	char text[8192];
	const char *why;
	int n = state_read_cache(c->state_dir, ROLE_CACHE, text, sizeof text), rc = 0;

	if (n <= 0 || parse_role_json(cr, text, (size_t)n, &why) < 0 ||
	    cr->expires - ROLE_MARGIN <= (long long)time(NULL))
		rc = 1;
	util_wipe(text, sizeof text);	/* TmpSecretKey and Token */
	return rc;
}

static int role_name(const struct cfg *c, struct meta *m, char *name, size_t cap)
{
	char safe[64];
	int r;

	if (strcmp(c->role, "auto") != 0) {
		if (!valid_role(c->role)) {
			log_err("%s: role '%s' is not a CAM role name", c->path, c->role);
			return -1;
		}
		return util_copy(name, cap, c->role);
	}
	r = meta_get(m, "cam/security-credentials/", name, cap);
	if (r == 1 || (r == 0 && !*name)) {
		log_err("no credentials: no secret_id in %s, no credentials_file, no "
		    "TENCENTCLOUD_SECRET_ID, and no CVM role bound to this instance", c->path);
		return -1;
	}
	if (r < 0)
		return CREDS_RETRY;
	name[strcspn(name, "\r\n")] = 0;	/* first role listed */
	if (!valid_role(name)) {
		log_sanitize(safe, sizeof safe, name, strlen(name));
		log_err("metadata %s/latest/meta-data/cam/security-credentials/: role name is not a "
		    "plain name: \"%s\"", m->conn.host, safe);
		return -1;
	}
	return 0;
}

static int role_fetch(struct creds *cr, const struct cfg *c, struct meta *m)
{
	char name[128], path[200], text[8192];
	const char *why;
	int r;

	r = role_name(c, m, name, sizeof name);
	if (r < 0)
		return r;
	if (util_fmt(path, sizeof path, "cam/security-credentials/%s", name) < 0)
		return -1;
	r = meta_get(m, path, text, sizeof text);
	if (r == 1)
		log_err("metadata: CVM role '%s' not found", name);
	if (r) {
		util_wipe(text, sizeof text);
		return r < 0 ? CREDS_RETRY : -1;
	}
	if (parse_role_json(cr, text, strlen(text), &why) < 0) {
		log_err("metadata: role '%s': %s", name, why);
		util_wipe(text, sizeof text);
		return -1;
	}
	if (state_write(c->state_dir, ROLE_CACHE, text, strlen(text), 0600) < 0)
		log_warn("%s/%s: role credentials not cached", c->state_dir, ROLE_CACHE);
	util_wipe(text, sizeof text);
	util_fmt(cr->source, sizeof cr->source, "CVM role %s", name);
	return 0;
}

static int from_role(struct creds *cr, const struct cfg *c, struct meta *m, int refresh)
{
	if (!refresh && role_cached(cr, c) == 0) {
		strcpy(cr->source, "CVM role (cached)");
		return 0;
	}
	creds_wipe(cr);
	return role_fetch(cr, c, m);
}

int creds_load(struct creds *cr, const struct cfg *c, struct meta *m, int refresh)
{
	int r;

	creds_wipe(cr);
	if (*c->secret_id) {
		if (util_copy(cr->id, sizeof cr->id, c->secret_id) < 0 ||
		    util_copy(cr->key, sizeof cr->key, c->secret_key) < 0)
			return -1;
		util_fmt(cr->source, sizeof cr->source, "config %s", c->path);
		return 0;
	}
	if (*c->credentials_file) {
		if (cfg_load_credentials(c->credentials_file, cr->id, sizeof cr->id, cr->key,
		    sizeof cr->key) < 0)
			return -1;
		util_fmt(cr->source, sizeof cr->source, "credentials_file %s", c->credentials_file);
		return 0;
	}
	r = from_env(cr);
	if (r <= 0)
		return r;
	return from_role(cr, c, m, refresh);
}
