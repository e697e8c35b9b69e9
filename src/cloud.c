/* cloud.c: the VPC API (3.0 and legacy 2.0): signing a call, sending it, error classes, and the operations tcvip needs. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "cfg.h"
#include "cloud.h"
#include "creds.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "metrics.h"
#include "meta.h"
#include "sign.h"
#include "state.h"
#include "anchors.h"
#include "tls.h"
#include "util.h"

#define API3_VERSION "2017-03-12"
#define API2_PATH "/v2/index.php"
#define MAX_PARAMS (16 + 2 * 64)

struct cloud {
	const struct cfg *cfg;
	char host[256];
	int port;
	char region[64];
	long long clock_offset;		/* seconds to add to our clock (from the API's Date) */
	struct anchors ta;
	int ta_loaded;
	struct http_conn conn;
	struct meta meta;		/* metadata service, for role credentials */
	struct creds creds;
	int creds_loaded;
	char body[8192];		/* request body */
	char buf[CLOUD_RESP_MAX];	/* response, headers included */
	size_t buf_used;		/* high-water mark of buf, wiped by cloud_close */
	struct json_tok tok[CLOUD_TOKENS];
	struct json resp;		/* the parsed Response object of the last call */
	int resp_obj;			/* token index of "Response" (API 3) or root (API 2) */
	char code[96];			/* last error code ("" on success) */
	char msg[256];			/* last error message, sanitised */
	char request_id[80];		/* last RequestId */
	unsigned calls;			/* API calls made, for benchmarks */
	int last_rc;			/* class of the last call: CLOUD_OK, _RETRY, _FATAL */
	char date[40];			/* Date header of the last answer (doctor: clock skew) */
	long long deadline_ms;		/* absolute (util_now_ms), 0 = none: caps every exchange */
};

_Static_assert(sizeof(struct cloud) <= sizeof(struct cloud_mem), "raise CLOUD_MEM_SIZE");

struct cloud *cloud_of(struct cloud_mem *m)
{
	return (struct cloud *)(void *)m->u.bytes;
}

/* Internal call outcomes beyond enum cloud_rc. */
enum { CALL_EXPIRED = -10, CALL_TOKEN = -11 };

int cloud_endpoint(const struct cfg *c, char *host, int hostcap, int *port)
{
	static const char *const hosts[2][2] = {
		{ "vpc.api.qcloud.com", "vpc.api.tencentyun.com" },			/* API 2 */
		{ "vpc.tencentcloudapi.com", "vpc.internal.tencentcloudapi.com" },	/* API 3 */
	};
	const char *colon;
	long long p = 443;
	int internal = !strcmp(c->endpoint, "internal");

	*port = 443;
	if (internal || !strcmp(c->endpoint, "public"))
		return util_copy(host, (size_t)hostcap, hosts[c->api == 3][internal]);
	colon = strrchr(c->endpoint, ':');
	if (colon && util_parse_int(colon + 1, 1, 65535, &p) < 0)
		return -1;
	if (util_fmt(host, (size_t)hostcap, "%.*s", (int)(colon ? colon - c->endpoint :
	    (long)strlen(c->endpoint)), c->endpoint) < 0)
		return -1;
	*port = (int)p;
	return 0;
}

/* The clock offset learnt from a SignatureExpire, kept for the next process. */
static void load_clock_offset(struct cloud *cl)
{
	char text[32];

	cl->clock_offset = 0;
	if (state_read_cache(cl->cfg->state_dir, FILE_CLOCK_OFFSET, text, sizeof text) < 0 ||
	    util_parse_int(util_trim(text), -86400 * 365, 86400 * 365, &cl->clock_offset) < 0)
		cl->clock_offset = 0;
}

static int exchange_timeout(const struct cloud *cl);

int cloud_init(struct cloud *cl, const struct cfg *c, const char *region)
{
	cl->cfg = c;
	cl->ta_loaded = cl->creds_loaded = 0;
	cl->calls = 0;
	cl->buf_used = 0;
	cl->deadline_ms = 0;
	cl->code[0] = cl->msg[0] = cl->request_id[0] = 0;
	memset(&cl->meta, 0, sizeof cl->meta);
	if (cloud_endpoint(c, cl->host, sizeof cl->host, &cl->port) < 0 ||
	    util_copy(cl->region, sizeof cl->region, region) < 0) {
		log_err("%s: bad endpoint '%s' or region '%s'", c->path, c->endpoint, region);
		return -1;
	}
	load_clock_offset(cl);
	memset(&cl->conn, 0, sizeof cl->conn);
	http_init(&cl->conn, cl->host, cl->port, 1, &cl->ta, c->timeout * 1000);
	return meta_init(&cl->meta, c->metadata, c->timeout);
}

void cloud_close(struct cloud *cl)
{
	http_close(&cl->conn);
	meta_close(&cl->meta);
	if (cl->ta_loaded)
		anchors_free(&cl->ta);
	cl->ta_loaded = 0;
	creds_wipe(&cl->creds);
	cl->creds_loaded = 0;
	util_wipe(cl->buf, cl->buf_used);	/* the request head (Authorization, token) passed here */
	util_wipe(cl->body, sizeof cl->body);
	cl->buf_used = 0;
}

const char *cloud_last_error(const struct cloud *cl)
{
	static char text[512];

	if (util_fmt(text, sizeof text, "%s: %s (RequestId %s)", cl->code, cl->msg,
	    *cl->request_id ? cl->request_id : "none") < 0)
		return cl->code;
	return text;
}

const char *cloud_error_code(const struct cloud *cl)
{
	return cl->code;
}

enum cloud_rc cloud_last_rc(const struct cloud *cl)
{
	return cl->last_rc;
}

void cloud_rc_clear(struct cloud *cl)
{
	cl->last_rc = CLOUD_OK;
}

unsigned cloud_calls(const struct cloud *cl)
{
	return cl->calls;
}

void cloud_calls_reset(struct cloud *cl)
{
	cl->calls = 0;
}

const char *cloud_date(const struct cloud *cl)
{
	return cl->date;
}

void cloud_set_deadline(struct cloud *cl, long long deadline_ms)
{
	cl->deadline_ms = deadline_ms;
	if (deadline_ms && deadline_ms - util_now_ms() < cl->meta.conn.timeout_ms)
		cl->meta.conn.timeout_ms = (int)(deadline_ms - util_now_ms());
}

int cloud_set_region(struct cloud *cl, const char *region)
{
	return util_copy(cl->region, sizeof cl->region, region);
}

const char *cloud_host(const struct cloud *cl)
{
	return cl->host;
}

int cloud_port(const struct cloud *cl)
{
	return cl->port;
}

struct meta *cloud_meta(struct cloud *cl)
{
	return &cl->meta;
}

int cloud_creds_load(struct cloud *cl)
{
	cl->creds_loaded = creds_load(&cl->creds, cl->cfg, &cl->meta, 0) == 0;
	return cl->creds_loaded ? 0 : -1;
}

const char *cloud_creds_source(const struct cloud *cl)
{
	return cl->creds.source;
}

const struct anchors *cloud_anchors(struct cloud *cl)
{
	if (!cl->ta_loaded && anchors_load(&cl->ta, *cl->cfg->ca_file ? cl->cfg->ca_file : NULL) == 0)
		cl->ta_loaded = 1;
	return cl->ta_loaded ? &cl->ta : NULL;
}

/* ---- the API's TLS session, kept in state_dir: the next process resumes it ---- */
#define TLS_SESSION_CACHE FILE_TLS_SESSION

/* Offers the last process's session on the first connection; a server that does not resume
 * it answers with a full handshake, which is all it costs. */
static void session_load(struct cloud *cl)
{
	unsigned char rec[TLS_SESSION_SIZE + 1];
	const char *why = "corrupt";
	int fd = state_open_secret(cl->cfg->state_dir, TLS_SESSION_CACHE);
	ssize_t n;

	if (fd < 0)
		return;
	n = read(fd, rec, sizeof rec);
	close(fd);
	if (n == TLS_SESSION_SIZE)
		tls_session_load(&cl->conn.tls, cl->host, cl->port, &cl->ta, (long long)time(NULL), rec,
		    &why);
	util_wipe(rec, sizeof rec);
	if (n == TLS_SESSION_SIZE && !why)
		log_debug("%s: offering the TLS session of %s/" TLS_SESSION_CACHE, cl->host,
		    cl->cfg->state_dir);
	else if (!strcmp(why, "corrupt"))
		log_warn("%s/" TLS_SESSION_CACHE ": TLS session cache corrupt; ignoring it",
		    cl->cfg->state_dir);
	else
		log_debug("%s/" TLS_SESSION_CACHE ": not offered: %s", cl->cfg->state_dir, why);
}

/* Keeps the session of a full handshake for the next process (0600; no fsync: a lost one
 * costs one full handshake). */
static void session_store(struct cloud *cl)
{
	unsigned char rec[TLS_SESSION_SIZE];

	cl->conn.new_session = 0;
	if (access(cl->cfg->state_dir, W_OK | X_OK) == 0 &&
	    tls_session_save(&cl->conn.tls, (long long)time(NULL), rec) == 0)
		state_replace(cl->cfg->state_dir, TLS_SESSION_CACHE, rec, sizeof rec, 0600);
	util_wipe(rec, sizeof rec);
}

/* Trust anchors and credentials, loaded once, on the first call that needs them. */
static int ensure_ready(struct cloud *cl)
{
	if (!cl->ta_loaded) {
		if (anchors_load_cached(&cl->ta, *cl->cfg->ca_file ? cl->cfg->ca_file : NULL,
		    cl->cfg->state_dir) < 0)
			return CLOUD_FATAL;
		cl->ta_loaded = 1;
		session_load(cl);
	}
	if (cl->creds_loaded && cl->creds.expires && cl->creds.expires - time(NULL) < 300)
		cl->creds_loaded = 0;	/* a long-lived client: role credentials about to expire */
	if (!cl->creds_loaded) {
		int r;

		cl->meta.conn.timeout_ms = exchange_timeout(cl);
		r = creds_load(&cl->creds, cl->cfg, &cl->meta, 0);
		if (r < 0)
			return r == CREDS_RETRY ? CLOUD_RETRY : CLOUD_FATAL;
		cl->creds_loaded = 1;
		metrics_creds_expiry(cl->creds.expires);
	}
	return CLOUD_OK;
}

enum cloud_rc cloud_warm(struct cloud *cl)
{
	int rc = ensure_ready(cl);

	if (rc != CLOUD_OK)
		return rc;
	cl->deadline_ms = 0;
	cl->conn.timeout_ms = exchange_timeout(cl);
	if (http_connect(&cl->conn) < 0)
		return CLOUD_RETRY;
	if (cl->conn.new_session)
		session_store(cl);
	return CLOUD_OK;
}

int cloud_conn_fd(const struct cloud *cl)
{
	return cl->conn.fd;
}

void cloud_conn_drop(struct cloud *cl)
{
	http_close(&cl->conn);
}

/* SPEC §3: which error codes are worth another try, and how. Each entry: its class as '0'
 * minus the value ('1' CLOUD_RETRY, '2' CLOUD_FATAL, '3' CLOUD_RACE, ':' CALL_EXPIRED, ';'
 * CALL_TOKEN), then '=' (the whole code) or '^' (a prefix), then the code; first match wins. */
static int classify(const char *code)
{
	static const char tab[] = ":=AuthFailure.SignatureExpire\0;=AuthFailure.TokenFailure\0"
	    "1^RequestLimitExceeded\0" "1=LimitExceeded.ActionLimited\0" "1^InternalError\0"
	    "1=ServiceUnavailable\0" "1=UnsupportedOperation.MutexOperationTaskRunning\0"
	    /* Migrate from a holder that no longer holds it: look again */
	    "3=UnauthorizedOperation.AttachmentNotFound\0"
	    "2^AuthFailure\0" "2^UnauthorizedOperation\0" "2^InvalidParameter\0"
	    "2^MissingParameter\0" "2^UnknownParameter\0" "2^InvalidAction\0" "2=HTTP\0";
	const char *p;
	size_t n;

	for (p = tab; *p; p += n + 3) {
		n = strlen(p + 2);
		if (!strncmp(code, p + 2, n + (p[1] == '=')))
			return '0' - p[0];
	}
	return CLOUD_RACE;	/* ResourceNotFound, ResourceInUse, ...: re-describe and decide again */
}
_Static_assert('0' - '1' == CLOUD_RETRY && '0' - '2' == CLOUD_FATAL && '0' - '3' == CLOUD_RACE &&
    '0' - ':' == CALL_EXPIRED && '0' - ';' == CALL_TOKEN, "classify's table");

static void fix_clock(struct cloud *cl, const char *date)
{
	long long server = util_parse_http_date(date);

	if (server < 0) {
		log_warn("%s: SignatureExpire but no usable Date header", cl->host);
		return;
	}
	cl->clock_offset = server - (long long)time(NULL);
	log_warn("%s: clock differs from the API by %lld s; correcting", cl->host, cl->clock_offset);
	state_write_int(cl->cfg->state_dir, FILE_CLOCK_OFFSET, cl->clock_offset);
}

/* Time left for one exchange: cfg timeout capped by the caller's deadline. */
static int exchange_timeout(const struct cloud *cl)
{
	long long t = cl->cfg->timeout * 1000LL, left;

	if (cl->deadline_ms) {
		left = cl->deadline_ms - util_now_ms();
		if (left < t)
			t = left;
	}
	return t < 1 ? 1 : (int)t;
}

/* log_sanitize of the string s into d. */
static void clean(char *d, size_t cap, const char *s)
{
	log_sanitize(d, cap, s, strlen(s));
}

/* Code and Message come from the network: sanitised here, once, for every log line. */
static void set_error(struct cloud *cl, const char *code, const char *msg)
{
	clean(cl->code, sizeof cl->code, code);
	clean(cl->msg, sizeof cl->msg, msg);
}

/* HTTP status and JSON of an answer; on success the parsed JSON is in cl->resp. */
static int parse_answer(struct cloud *cl, const char *action, const struct http_resp *r)
{
	util_copy(cl->date, sizeof cl->date, r->date);
	if (r->status != 200) {
		char m[32];
		util_fmt(m, sizeof m, "HTTP %d", r->status);
		set_error(cl, "HTTP", m);
		log_warn("%s: %s: HTTP %d", cl->host, action, r->status);
		return r->status >= 500 || r->status == 429 ? CLOUD_RETRY : CLOUD_FATAL;
	}
	if (json_parse(&cl->resp, r->body, r->body_len, cl->tok, CLOUD_TOKENS) < 0) {
		set_error(cl, "malformed", "response is not valid JSON");
		log_warn("%s: %s: malformed response (%zu bytes)", cl->host, action, r->body_len);
		return CLOUD_RETRY;
	}
	return CLOUD_OK;
}

/* Sends one request; on success leaves the parsed JSON in cl->resp. */
static int exchange(struct cloud *cl, const char *action, const char *headers, const char *body,
    size_t len, struct http_resp *r)
{
	int hr;

	cl->code[0] = cl->msg[0] = cl->request_id[0] = 0;
	cl->conn.timeout_ms = exchange_timeout(cl);
	cl->calls++;
	if (cl->buf_used < strlen(headers) + 1024)
		cl->buf_used = strlen(headers) + 1024;
	/* Only reads may be resent by http.c; a change that went unanswered is looked at
	 * again (Describe) by the caller before it is tried again. */
	hr = http_request(&cl->conn, "POST", cl->cfg->api == 3 ? "/" : API2_PATH, headers, body,
	    len, !strncmp(action, "Describe", 8) ? HTTP_REPLAYABLE : 0, cl->buf, sizeof cl->buf, r);
	if (cl->conn.new_session && hr == 0)
		session_store(cl);
	if (hr < 0) {
		cl->buf_used = sizeof cl->buf;	/* unknown: wipe all of it */
		set_error(cl, "transport", hr == HTTP_UNANSWERED ? "connection closed before the answer; "
		    "not resent" : "no answer");
		log_warn("%s: %s: %s; will retry if time allows", cl->host, action, cl->msg);
		return CLOUD_RETRY;
	}
	if (cl->buf_used < r->head_len + r->body_len + 1)
		cl->buf_used = r->head_len + r->body_len + 1;
	return parse_answer(cl, action, r);
}

/* The error of a parsed answer: its code (key ck of obj; dflt if none) and message (key mk),
 * logged and classified. */
static int api_error(struct cloud *cl, const char *action, int obj, const char *ck,
    const char *mk, const char *dflt, const struct http_resp *r)
{
	char code[96], msg[256];
	int k;

	if (json_get_str(&cl->resp, obj, ck, code, sizeof code) < 1)
		util_copy(code, sizeof code, dflt);
	if (json_get_str(&cl->resp, obj, mk, msg, sizeof msg) < 0)
		msg[0] = 0;
	set_error(cl, code, msg);
	k = classify(cl->code);
	if (k == CALL_EXPIRED)
		fix_clock(cl, r->date);
	log_msg(k == CLOUD_FATAL ? LOG_ERR : LOG_WARNING, "%s: %s: %s", cl->host, action,
	    cloud_last_error(cl));
	return k;
}

/* API 3 answer: {"Response": {..., "Error": {"Code", "Message"}, "RequestId"}}. */
static int answer3(struct cloud *cl, const char *action, const struct http_resp *r)
{
	char rid[sizeof cl->request_id];
	int err;

	cl->resp_obj = json_get(&cl->resp, 0, "Response");
	if (cl->resp_obj < 0 || cl->resp.t[cl->resp_obj].type != JSON_OBJECT) {
		set_error(cl, "malformed", "no Response object");
		return CLOUD_RETRY;
	}
	if (json_get_str(&cl->resp, cl->resp_obj, "RequestId", rid, sizeof rid) > 0)
		clean(cl->request_id, sizeof cl->request_id, rid);
	err = json_get(&cl->resp, cl->resp_obj, "Error");
	if (err < 0)
		return CLOUD_OK;
	return api_error(cl, action, err, "Code", "Message", "UnknownError", r);
}

/* API 2 answer: {"code": 0, "message": "", "codeDesc": "Success", ...}. */
static int answer2(struct cloud *cl, const char *action, const struct http_resp *r)
{
	char dflt[32];
	long long codenum;
	int cv;

	cl->resp_obj = 0;
	cv = json_get(&cl->resp, 0, "code");
	if (cv < 0 || json_int(&cl->resp, cv, &codenum) < 0) {
		set_error(cl, "malformed", "no code in answer");
		return CLOUD_RETRY;
	}
	if (codenum == 0)
		return CLOUD_OK;
	util_fmt(dflt, sizeof dflt, "code %lld", codenum);
	return api_error(cl, action, 0, "codeDesc", "message", dflt, r);
}

static int send3(struct cloud *cl, const char *action, const char *body)
{
	char auth[512], headers[6144];
	struct http_resp r;
	size_t len = strlen(body);
	long long ts = (long long)time(NULL) + cl->clock_offset;
	int rc;
	const struct creds *k = &cl->creds;

	/* The host is signed without a port, as the official SDKs do. */
	if (sign_tc3(auth, sizeof auth, k->id, k->key, "vpc", cl->host, "application/json", NULL, ts,
	    body, len) < 0 ||
	    util_fmt(headers, sizeof headers, "Content-Type: application/json\r\n"
	    "X-TC-Action: %s\r\nX-TC-Timestamp: %lld\r\nX-TC-Version: " API3_VERSION "\r\n"
	    "X-TC-Region: %s\r\n%s%s%sAuthorization: %s\r\n", action, ts, cl->region,
	    *k->token ? "X-TC-Token: " : "", k->token, *k->token ? "\r\n" : "", auth) < 0) {
		log_err("%s: %s: cannot build the request", cl->host, action);
		return CLOUD_FATAL;
	}
	rc = exchange(cl, action, headers, body, len, &r);
	util_wipe(headers, sizeof headers);
	return rc == CLOUD_OK ? answer3(cl, action, &r) : rc;
}

/* Legacy region codes of API 2.0, from the API 3 region names. */
static const char *legacy_region(const char *region)
{
	/* pairs of NUL-terminated names, an empty name ends it (no table of pointers) */
	static const char map[] = "ap-beijing\0bj\0ap-guangzhou\0gz\0ap-shanghai\0sh\0"
	    "ap-chengdu\0cd\0ap-chongqing\0cq\0ap-hongkong\0hk\0ap-singapore\0sg\0"
	    "ap-shanghai-fsi\0shjr\0ap-shenzhen-fsi\0szjr\0ap-guangzhou-open\0gzopen\0"
	    "na-siliconvalley\0usw\0na-ashburn\0use\0na-toronto\0ca\0ap-seoul\0kr\0"
	    "ap-tokyo\0jp\0ap-mumbai\0in\0ap-bangkok\0th\0eu-frankfurt\0de\0"
	    "eu-moscow\0ru\0ap-nanjing\0nj\0";
	const char *p, *code;

	for (p = map; *p; p = code + strlen(code) + 1) {
		code = p + strlen(p) + 1;
		if (!strcmp(p, region))
			return code;
	}
	return region;
}

/* API 2.0: params holds the action's own parameters (n used, room for more). */
static int send2(struct cloud *cl, const char *action, struct sign_param *p, int n)
{
	char nonce[24], ts[24], sig[64];
	unsigned rnd;
	struct http_resp r;
	int rc, len;
	const struct creds *k = &cl->creds;
	const struct sign_param common[] = { { "Action", action }, { "Nonce", nonce },
		{ "Region", legacy_region(cl->region) }, { "SecretId", k->id },
		{ "SignatureMethod", "HmacSHA256" }, { "Timestamp", ts }, { "Token", k->token } };

	if (getrandom(&rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
		rnd = (unsigned)util_now_ms() ^ (unsigned)getpid();
	util_fmt(nonce, sizeof nonce, "%u", rnd % 2147483647u + 1);
	util_fmt(ts, sizeof ts, "%lld", (long long)time(NULL) + cl->clock_offset);
	memcpy(p + n, common, sizeof common);
	n += *k->token ? 7 : 6;	/* Token only with a token */
	if (sign_legacy(sig, sizeof sig, k->key, "POST", cl->host, API2_PATH, p, n, 1) < 0)
		return CLOUD_FATAL;
	p[n++] = (struct sign_param){ "Signature", sig };
	len = sign_form_encode(cl->body, sizeof cl->body, p, n);
	if (len < 0) {
		log_err("%s: %s: request too large", cl->host, action);
		return CLOUD_FATAL;
	}
	rc = exchange(cl, action, "Content-Type: application/x-www-form-urlencoded\r\n", cl->body,
	    (size_t)len, &r);
	util_wipe(cl->body, sizeof cl->body);
	return rc == CLOUD_OK ? answer2(cl, action, &r) : rc;
}

/* What goes into request headers (X-TC-Region, X-TC-Token, Authorization) must not hold a
 * line break: a CRLF in a value from metadata would add headers of its sender's choice.
 * CLOUD_OK, or CLOUD_FATAL (logged, naming the value, never its secret content). */
static int header_safe(const struct cloud *cl, const char *action)
{
	char safe[80];
	const char *what = NULL;

	if (!util_valid_region(cl->region)) {
		clean(safe, sizeof safe, cl->region);
		log_err("%s: %s: region \"%s\" is not a region name (a-z, 0-9, -); request not sent",
		    cl->host, action, safe);
		return CLOUD_FATAL;
	}
	if (!util_printable(cl->creds.id) || !util_printable(cl->creds.key))
		what = "secret id or key";
	else if (!util_printable(cl->creds.token))
		what = "session token";
	if (what)
		log_err("%s: %s: the %s from %s holds a control character or line break; "
		    "request not sent", cl->host, action, what, cl->creds.source);
	return what ? CLOUD_FATAL : CLOUD_OK;
}

/* One logical call: retried once after a clock correction, once after a token refresh. */
static int call(struct cloud *cl, const char *action, const char *body3, struct sign_param *p2,
    int n2)
{
	int rc, clock_fixed = 0, refreshed = 0;
	struct sign_param copy[MAX_PARAMS];

	rc = ensure_ready(cl);
	while (rc == CLOUD_OK && (rc = header_safe(cl, action)) == CLOUD_OK) {
		if (cl->cfg->api == 3)
			rc = send3(cl, action, body3);
		else {
			memcpy(copy, p2, sizeof(*p2) * (size_t)n2);
			rc = send2(cl, action, copy, n2);
		}
		metrics_api(action, cl->code);
		if (rc == CALL_EXPIRED && !clock_fixed++)
			rc = CLOUD_OK;
		else if (rc == CALL_TOKEN && creds_refreshable(&cl->creds) && !refreshed++)
			rc = creds_load(&cl->creds, cl->cfg, &cl->meta, 1) < 0 ? CLOUD_FATAL : CLOUD_OK;
		else
			break;
	}
	if (rc == CALL_EXPIRED || rc == CALL_TOKEN)
		rc = CLOUD_FATAL;
	cl->last_rc = rc;
	return rc;
}

/* ---- request bodies (API 3) ---- */

static void filter(struct json_w *w, const char *name, const char *const *values, int n)
{
	int i;

	json_w_obj(w);
	json_w_kstr(w, "Name", name);
	json_w_key(w, "Values");
	json_w_arr(w);
	for (i = 0; i < n; i++)
		json_w_str(w, values[i]);
	json_w_end_arr(w);
	json_w_end_obj(w);
}

/* A request body in cl->body: begun as an object; ended, 0 or -1 (logged: too large). */
static void body_begin(struct cloud *cl, struct json_w *w)
{
	json_w_init(w, cl->body, sizeof cl->body);
	json_w_obj(w);
}

/* body_begin, then the Filters array opened. */
static void filters_begin(struct cloud *cl, struct json_w *w)
{
	body_begin(cl, w);
	json_w_key(w, "Filters");
	json_w_arr(w);
}

static int body_end(struct cloud *cl, struct json_w *w)
{
	json_w_end_obj(w);
	if (json_w_finish(w) < 0) {
		log_err("%s: request body too large", cl->host);
		return -1;
	}
	return 0;
}

/* {key: s}, or {key: v} if s is NULL: the body of a call on one object. */
static int key_body(struct cloud *cl, const char *key, const char *s, long long v)
{
	struct json_w w;

	body_begin(cl, &w);
	json_w_key(&w, key);
	if (s)
		json_w_str(&w, s);
	else
		json_w_int(&w, v);
	return body_end(cl, &w);
}

/* set, if that token of the answer is an array; else -1 (logged: the answer to action has no
 * list of what). */
static int answer_list(struct cloud *cl, const char *action, int set, const char *what)
{
	char m[64];

	if (set >= 0 && cl->resp.t[set].type == JSON_ARRAY)
		return set;
	util_fmt(m, sizeof m, "no %s list in answer", what);
	set_error(cl, "malformed", m);
	log_warn("%s: %s: %s", cl->host, action, cl->msg);
	return -1;
}

/* Walks NetworkInterfaceSet (API 3) or data.data / data (API 2): calls fn per ENI object. */
typedef int (*eni_fn)(struct cloud *cl, int eni, void *arg);

static int eni_set(struct cloud *cl)
{
	const struct json *j = &cl->resp;
	int d;

	if (cl->cfg->api == 3)
		return json_get(j, cl->resp_obj, "NetworkInterfaceSet");
	d = json_get(j, 0, "data");
	if (d >= 0 && j->t[d].type == JSON_OBJECT)
		d = json_get(j, d, "data");
	return d;
}

static int each_eni(struct cloud *cl, eni_fn fn, void *arg)
{
	int set = eni_set(cl), i, e;

	if (answer_list(cl, "DescribeNetworkInterfaces", set, "network interface") < 0)
		return CLOUD_RETRY;
	for (i = 0; (e = json_elem(&cl->resp, set, i)) >= 0; i++)
		if (fn(cl, e, arg))
			break;
	return CLOUD_OK;
}

/* The id of key in object obj into id: 1, or 0 (id emptied) if absent or not an id. */
static int get_id(const struct json *j, int obj, const char *key, char id[CLOUD_ID_LEN])
{
	if (json_get_str(j, obj, key, id, CLOUD_ID_LEN) > 0 && util_valid_id(id))
		return 1;
	id[0] = 0;
	return 0;
}

static const char *k3(const struct cloud *cl, const char *api3, const char *api2)
{
	return cl->cfg->api == 3 ? api3 : api2;
}

struct find_eni {
	const char *mac;
	char *eni;
};

static int match_mac(struct cloud *cl, int e, void *arg)
{
	struct find_eni *f = arg;
	char mac[32];

	if (json_get_str(&cl->resp, e, k3(cl, "MacAddress", "macAddress"), mac,
	    sizeof mac) < 0 || strcasecmp(mac, f->mac))
		return 0;
	/* not an id: as good as none */
	return get_id(&cl->resp, e, k3(cl, "NetworkInterfaceId", "networkInterfaceId"), f->eni);
}

int cloud_find_eni(struct cloud *cl, const char *vpc, const char *instance, const char *mac,
    char eni[CLOUD_ID_LEN])
{
	struct sign_param p[] = { { "vpcId", vpc }, { "instanceId", instance },
		{ "limit", "50" } };
	struct find_eni f = { mac, eni };
	struct json_w w;
	int rc;

	eni[0] = 0;
	filters_begin(cl, &w);
	filter(&w, "attachment.instance-id", &instance, 1);
	if (*vpc)
		filter(&w, "vpc-id", &vpc, 1);
	json_w_end_arr(&w);
	json_w_kint(&w, "Limit", 100);
	if (body_end(cl, &w) < 0)
		return CLOUD_FATAL;
	rc = call(cl, "DescribeNetworkInterfaces", cl->body, p, *vpc ? 3 : 2);
	if (rc == CLOUD_OK)
		rc = each_eni(cl, match_mac, &f);
	if (rc == CLOUD_OK && !*eni) {
		log_err("%s: no ENI of instance %s has MAC %s; set 'eni' in the config", cl->host,
		    instance, mac);
		return CLOUD_FATAL;
	}
	return rc;
}

struct holders {
	struct cloud_holder *h;
	int n;
};

/* Marks every VIP found among this ENI's private IPs. */
static int note_holder(struct cloud *cl, int e, void *arg)
{
	struct holders *hs = arg;
	const struct json *j = &cl->resp;
	char eni[CLOUD_ID_LEN], ip[20], state[32];
	int set, i, a, v;
	uint32_t addr;

	if (!get_id(j, e, k3(cl, "NetworkInterfaceId", "networkInterfaceId"), eni))
		return 0;
	set = json_get(j, e, k3(cl, "PrivateIpAddressSet", "privateIpAddressesSet"));
	for (i = 0; (a = json_elem(j, set, i)) >= 0; i++) {
		if (json_get_str(j, a, k3(cl, "PrivateIpAddress", "privateIpAddress"), ip,
		    sizeof ip) < 0 || util_ipv4_parse(ip, &addr) < 0)
			continue;
		for (v = 0; v < hs->n; v++) {
			if (hs->h[v].vip != addr)
				continue;
			util_copy(hs->h[v].eni, sizeof hs->h[v].eni, eni);
			hs->h[v].busy = json_get_str(j, a, "State", state, sizeof state) > 0 &&
			    strcmp(state, "AVAILABLE") != 0;
			/* [MODELS] PrivateIpAddressSpecification.AddressId: the EIP bound to this IP */
			get_id(j, a, k3(cl, "AddressId", "eipId"), hs->h[v].eip);
		}
	}
	return 0;
}

/* TotalCount (API 3) or data.totalNum (API 2) of a describe answer; -1 if absent. */
static long long total_count(const struct cloud *cl)
{
	long long total = -1;
	int d;

	if (cl->cfg->api == 3)
		d = json_get(&cl->resp, cl->resp_obj, "TotalCount");
	else
		d = json_get(&cl->resp, json_get(&cl->resp, 0, "data"), "totalNum");
	return json_int(&cl->resp, d, &total) == 0 ? total : -1;
}

static int holders_body(struct cloud *cl, const char *vpc, const char *const *ips, int n,
    int offset)
{
	const char *exact = "true";
	struct json_w w;

	filters_begin(cl, &w);
	if (*vpc)
		filter(&w, "vpc-id", &vpc, 1);
	filter(&w, "address-ip", ips, n);
	if (n == 1)
		filter(&w, "ip-exact-match", &exact, 1);
	json_w_end_arr(&w);
	json_w_kint(&w, "Offset", offset);
	json_w_kint(&w, "Limit", 100);
	return body_end(cl, &w);
}

static int all_found(const struct cloud_holder *h, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!*h[i].eni)
			return 0;
	return 1;
}

#define MAX_PAGES 200

/* API 3 filters by address; API 2 cannot, so it pages through the VPC's ENIs. */
int cloud_holders(struct cloud *cl, const char *vpc, struct cloud_holder *h, int n)
{
	struct sign_param p[3];
	const char *ips[64];
	char text[64][16], off[16];
	struct holders hs = { h, n };
	int i, rc, offset = 0, page_size = cl->cfg->api == 3 ? 100 : 50, pages;

	if (n > 64)
		return CLOUD_FATAL;
	for (i = 0; i < n; i++) {
		h[i].eni[0] = h[i].eip[0] = 0;
		h[i].busy = 0;
		ips[i] = util_ipv4_str(h[i].vip, text[i]);
	}
	for (pages = 0; pages < MAX_PAGES; pages++, offset += page_size) {
		util_fmt(off, sizeof off, "%d", offset);
		p[0] = (struct sign_param){ "vpcId", vpc };
		p[1] = (struct sign_param){ "limit", "50" };
		p[2] = (struct sign_param){ "offset", off };
		if (holders_body(cl, vpc, ips, n, offset) < 0)
			return CLOUD_FATAL;
		rc = call(cl, "DescribeNetworkInterfaces", cl->body, p, 3);
		if (rc == CLOUD_OK)
			rc = each_eni(cl, note_holder, &hs);
		if (rc != CLOUD_OK || all_found(h, n) || total_count(cl) <= offset + page_size)
			return rc;
	}
	return CLOUD_OK;
}

/* A task's state word (API 3): SUCCESS, RUNNING; FAILED, or a word we do not know, failed. */
static enum cloud_task_state task_word(const char *w)
{
	if (!strcmp(w, "SUCCESS"))
		return CLOUD_TASK_SUCCESS;
	return strcmp(w, "RUNNING") ? CLOUD_TASK_FAILED : CLOUD_TASK_RUNNING;
}

/* ---- EIPs (API 3 only): [MODELS] DescribeAddresses, AssociateAddress, DisassociateAddress,
 * DescribeTaskResult; tests/sim/PROTOCOL.md "EIPs" ---- */

/* One Address object a of the answer into the entry of e[0..n-1] with its AddressId. */
static void read_address(struct cloud *cl, int a, struct cloud_eip *e, int n)
{
	const struct json *j = &cl->resp;
	char id[CLOUD_ID_LEN], pip[20];
	uint32_t addr;
	int i;

	if (json_get_str(j, a, "AddressId", id, sizeof id) < 1)
		return;
	for (i = 0; i < n; i++) {
		if (strcmp(e[i].id, id))
			continue;
		e[i].found = 1;
		/* from the network, logged and printed: an address or nothing, status sanitised */
		if (json_get_str(j, a, "AddressIp", e[i].ip, sizeof e[i].ip) < 1 ||
		    util_ipv4_parse(e[i].ip, &addr) < 0)
			e[i].ip[0] = 0;
		if (json_get_str(j, a, "AddressStatus", pip, sizeof pip) < 0)
			pip[0] = 0;
		clean(e[i].status, sizeof e[i].status, pip);
		/* unbound: NetworkInterfaceId and PrivateAddressIp are null ([MODELS] Address) */
		get_id(j, a, "NetworkInterfaceId", e[i].eni);
		if (json_get_str(j, a, "PrivateAddressIp", pip, sizeof pip) < 1 ||
		    util_ipv4_parse(pip, &e[i].private_ip) < 0)
			e[i].private_ip = 0;
	}
}

enum cloud_rc cloud_addresses(struct cloud *cl, struct cloud_eip *e, int n)
{
	struct json_w w;
	int i, set, a, rc;

	if (n < 1 || n > 64 || cl->cfg->api != 3)
		return CLOUD_FATAL;
	body_begin(cl, &w);
	json_w_key(&w, "AddressIds");
	json_w_arr(&w);
	for (i = 0; i < n; i++) {
		json_w_str(&w, e[i].id);
		e[i].found = 0;
		e[i].ip[0] = e[i].status[0] = e[i].eni[0] = 0;
		e[i].private_ip = 0;
	}
	json_w_end_arr(&w);
	json_w_kint(&w, "Limit", 100);
	if (body_end(cl, &w) < 0)
		return CLOUD_FATAL;
	rc = call(cl, "DescribeAddresses", cl->body, NULL, 0);
	if (rc != CLOUD_OK)
		return (enum cloud_rc)rc;
	set = json_get(&cl->resp, cl->resp_obj, "AddressSet");
	if (answer_list(cl, "DescribeAddresses", set, "address") < 0)
		return CLOUD_RETRY;
	for (i = 0; (a = json_elem(&cl->resp, set, i)) >= 0; i++)
		read_address(cl, a, e, n);
	return CLOUD_OK;
}

/* The task id at token t as text: a number, or a non-empty string (of digits, if digits).
 * CLOUD_OK, CLOUD_FATAL (it does not fit) or CLOUD_RETRY (none). */
static enum cloud_rc id_at(struct cloud *cl, int t, int digits, char task[CLOUD_ID_LEN])
{
	long long id;

	if (json_int(&cl->resp, t, &id) == 0)
		return util_fmt(task, CLOUD_ID_LEN, "%lld", id) < 0 ? CLOUD_FATAL : CLOUD_OK;
	if (json_str(&cl->resp, t, task, CLOUD_ID_LEN) > 0 &&
	    (!digits || util_parse_int(task, 0, LLONG_MAX, &id) == 0))
		return CLOUD_OK;
	return CLOUD_RETRY;
}

/* TaskId of a bind/unbind answer: a string of digits ([MODELS], [EXAMPLES] "50121411"). */
static enum cloud_rc eip_task_id(struct cloud *cl, char task[CLOUD_ID_LEN])
{
	enum cloud_rc rc = id_at(cl, json_get(&cl->resp, cl->resp_obj, "TaskId"), 1, task);

	if (rc == CLOUD_RETRY)
		set_error(cl, "malformed", "no TaskId in answer");
	return rc;
}

enum cloud_rc cloud_eip_bind(struct cloud *cl, const char *eip, const char *eni, uint32_t ip,
    char task[CLOUD_ID_LEN])
{
	struct json_w w;
	char text[16];
	int rc;

	body_begin(cl, &w);
	json_w_kstr(&w, "AddressId", eip);
	json_w_kstr(&w, "NetworkInterfaceId", eni);
	json_w_kstr(&w, "PrivateIpAddress", util_ipv4_str(ip, text));
	if (cl->cfg->api != 3 || body_end(cl, &w) < 0)
		return CLOUD_FATAL;
	rc = call(cl, "AssociateAddress", cl->body, NULL, 0);
	return rc == CLOUD_OK ? eip_task_id(cl, task) : (enum cloud_rc)rc;
}

enum cloud_rc cloud_eip_unbind(struct cloud *cl, const char *eip, char task[CLOUD_ID_LEN])
{
	int rc;

	if (cl->cfg->api != 3 || key_body(cl, "AddressId", eip, 0) < 0)
		return CLOUD_FATAL;
	rc = call(cl, "DisassociateAddress", cl->body, NULL, 0);
	return rc == CLOUD_OK ? eip_task_id(cl, task) : (enum cloud_rc)rc;
}

/* [MODELS] DescribeTaskResultRequest.TaskId is an integer, though the bind actions answer it
 * as a string; Result is SUCCESS, FAILED or RUNNING. */
enum cloud_rc cloud_eip_task(struct cloud *cl, const char *task, enum cloud_task_state *st)
{
	char result[32];
	long long id;
	int rc;

	*st = CLOUD_TASK_RUNNING;
	if (cl->cfg->api != 3 || util_parse_int(task, 0, LLONG_MAX, &id) < 0 ||
	    key_body(cl, "TaskId", NULL, id) < 0)
		return CLOUD_FATAL;
	rc = call(cl, "DescribeTaskResult", cl->body, NULL, 0);
	if (rc != CLOUD_OK)
		return (enum cloud_rc)rc;
	if (json_get_str(&cl->resp, cl->resp_obj, "Result", result,
	    sizeof result) < 1)
		return CLOUD_RETRY;
	if ((*st = task_word(result)) == CLOUD_TASK_FAILED)
		set_error(cl, "TaskFailed", result);
	return CLOUD_OK;
}

/* The task id of an asynchronous call: API 3 RequestId, API 2 taskId. */
static int task_id(struct cloud *cl, char task[CLOUD_ID_LEN])
{
	int t;

	if (cl->cfg->api == 3)
		return util_copy(task, CLOUD_ID_LEN, cl->request_id) == 0 && *task ? CLOUD_OK :
		    CLOUD_RETRY;
	t = json_get(&cl->resp, 0, "taskId");
	if (t < 0 && (t = json_get(&cl->resp, 0, "data")) >= 0)
		t = json_get(&cl->resp, t, "taskId");
	return id_at(cl, t, 0, task);
}

int cloud_migrate(struct cloud *cl, const char *vpc, uint32_t vip, const char *from,
    const char *to, char task[CLOUD_ID_LEN])
{
	char ip[16];
	struct sign_param p[] = { { "vpcId", vpc },
		{ "privateIpAddress", util_ipv4_str(vip, ip) },
		{ "oldNetworkInterfaceId", from }, { "newNetworkInterfaceId", to } };
	struct json_w w;
	int rc;

	body_begin(cl, &w);
	json_w_kstr(&w, "SourceNetworkInterfaceId", from);
	json_w_kstr(&w, "DestinationNetworkInterfaceId", to);
	json_w_kstr(&w, "PrivateIpAddress", ip);
	if (body_end(cl, &w) < 0)
		return CLOUD_FATAL;
	rc = call(cl, "MigratePrivateIpAddress", cl->body, p, 4);
	return rc == CLOUD_OK ? task_id(cl, task) : rc;
}

int cloud_assign(struct cloud *cl, const char *vpc, const char *eni, const uint32_t *vips, int n,
    char task[CLOUD_ID_LEN])
{
	struct sign_param p[2 + 64];
	char ip[64][16], key[64][32];
	struct json_w w;
	int i, np = 2, rc;

	if (n > 64)
		return CLOUD_FATAL;
	p[0] = (struct sign_param){ "vpcId", vpc };
	p[1] = (struct sign_param){ "networkInterfaceId", eni };
	body_begin(cl, &w);
	json_w_kstr(&w, "NetworkInterfaceId", eni);
	json_w_key(&w, "PrivateIpAddresses");
	json_w_arr(&w);
	for (i = 0; i < n; i++) {
		util_ipv4_str(vips[i], ip[i]);
		util_fmt(key[i], sizeof key[i], "privateIpAddressSet.%d", i);
		p[np++] = (struct sign_param){ key[i], ip[i] };
		json_w_obj(&w);
		json_w_kstr(&w, "PrivateIpAddress", ip[i]);
		json_w_end_obj(&w);
	}
	json_w_end_arr(&w);
	if (body_end(cl, &w) < 0)
		return CLOUD_FATAL;
	rc = call(cl, "AssignPrivateIpAddresses", cl->body, p, np);
	return rc == CLOUD_OK ? task_id(cl, task) : rc;
}

/* Copies the task's Output (API 3 Response.Output, API 2 data.output), sanitised, into out. */
static void task_output(struct cloud *cl, int obj, const char *key, char *out, size_t cap)
{
	char raw[512];
	int n;

	if (!cap)
		return;
	*out = 0;
	n = json_get_str(&cl->resp, obj, key, raw, sizeof raw);
	if (n > 0)
		log_sanitize(out, cap, raw, (size_t)n);
}

static enum cloud_rc task_status3(struct cloud *cl, enum cloud_task_state *st, char *out,
    size_t cap)
{
	char status[32];

	if (json_get_str(&cl->resp, cl->resp_obj, "Status", status,
	    sizeof status) < 1)
		return CLOUD_RETRY;
	if ((*st = task_word(status)) == CLOUD_TASK_FAILED) {
		task_output(cl, cl->resp_obj, "Output", out, cap);
		set_error(cl, "TaskFailed", cap && *out ? out : status);
	}
	return CLOUD_OK;
}

static enum cloud_rc task_status2(struct cloud *cl, enum cloud_task_state *st, char *out,
    size_t cap)
{
	long long v;
	int d = json_get(&cl->resp, 0, "data");

	if (json_int(&cl->resp, json_get(&cl->resp, d, "status"), &v) < 0)
		return CLOUD_RETRY;
	if (v == 0)
		*st = CLOUD_TASK_SUCCESS;
	else if (v == 2)
		*st = CLOUD_TASK_RUNNING;
	else {
		*st = CLOUD_TASK_FAILED;
		task_output(cl, d, "output", out, cap);
		set_error(cl, "TaskFailed", cap && *out ? out : "status 1");
	}
	return CLOUD_OK;
}

enum cloud_rc cloud_task(struct cloud *cl, const char *task, enum cloud_task_state *st,
    char *out, size_t cap)
{
	struct sign_param p[] = { { "taskId", task } };
	int rc;

	*st = CLOUD_TASK_RUNNING;
	if (cap)
		*out = 0;
	if (key_body(cl, "TaskId", task, 0) < 0)
		return CLOUD_FATAL;
	rc = call(cl, "DescribeVpcTaskResult", cl->body, p, 1);
	if (rc != CLOUD_OK)
		return (enum cloud_rc)rc;
	return cl->cfg->api == 3 ? task_status3(cl, st, out, cap) : task_status2(cl, st, out, cap);
}

/* ---- route tables (mode = route, API 3) ---- */

#define RTB_PAGE 100
#define RTB_MAX_PAGES 50

static int vip_of_cidr(const char *cidr, const uint32_t *vips, int nvip)
{
	char ip[20];
	size_t n = strlen(cidr);
	uint32_t a;
	int i;

	if (n < 4 || n >= sizeof ip || strcmp(cidr + n - 3, "/32"))
		return -1;
	memcpy(ip, cidr, n - 3);
	ip[n - 3] = 0;
	if (util_ipv4_parse(ip, &a) < 0)
		return -1;
	for (i = 0; i < nvip; i++)
		if (vips[i] == a)
			return i;
	return -1;
}

/* One Route object into r (its table is the caller's); 0, or -1 if a field is unusable. */
static int parse_route(const struct json *j, int o, struct cloud_route *r)
{
	int en = 1, d = json_get(j, o, "RouteDescription");

	r->desc[0] = 0;
	if (json_int(j, json_get(j, o, "RouteId"), &r->id) < 0 ||
	    json_get_str(j, o, "RouteItemId", r->item, sizeof r->item) < 0 ||
	    (*r->item && !util_valid_id(r->item)) ||
	    json_get_str(j, o, "GatewayType", r->type, sizeof r->type) < 1 ||
	    json_get_str(j, o, "GatewayId", r->gateway, sizeof r->gateway) < 0 ||
	    !util_printable(r->type) || !util_printable(r->gateway) ||
	    (d >= 0 && json_str(j, d, r->desc, sizeof r->desc) < 0))
		return -1;
	if (json_bool(j, json_get(j, o, "Enabled"), &en) == 0)
		r->enabled = en;
	else
		r->enabled = 1;	/* [MODELS] Route.Enabled: absent = enabled */
	return 0;
}

static int note_table_id(struct cloud *cl, struct cloud_rtbs *out, const char *id)
{
	int i;

	for (i = 0; i < out->ntable; i++)
		if (!strcmp(out->table[i], id))
			return 0;
	if (out->ntable >= CLOUD_MAX_RTB) {
		log_err("%s: DescribeRouteTables: more than %d route tables with a route to a VIP; "
		    "name them with route_table", cl->host, CLOUD_MAX_RTB);
		return -1;
	}
	return util_copy(out->table[out->ntable++], CLOUD_ID_LEN, id);
}

/* The routes to the VIPs of one RouteTable object; keep_all: the table even without one. */
static int note_table(struct cloud *cl, int t, const uint32_t *vips, int nvip, int keep_all,
    struct cloud_rtbs *out)
{
	const struct json *j = &cl->resp;
	char id[CLOUD_ID_LEN], cidr[48];
	int set = json_get(j, t, "RouteSet"), i, o, v, kept = 0;

	if (!get_id(j, t, "RouteTableId", id))
		return 0;	/* not an id: as good as no table */
	for (i = 0; (o = json_elem(j, set, i)) >= 0; i++) {
		struct cloud_route *r = &out->route[out->nroute];

		if (json_get_str(j, o, "DestinationCidrBlock", cidr, sizeof cidr) < 1 ||
		    (v = vip_of_cidr(cidr, vips, nvip)) < 0)
			continue;
		if (out->nroute >= CLOUD_MAX_ROUTES) {
			log_err("%s: DescribeRouteTables: more than %d routes to the VIPs", cl->host,
			    CLOUD_MAX_ROUTES);
			return -1;
		}
		if (parse_route(j, o, r) < 0)
			continue;
		util_copy(r->table, sizeof r->table, id);
		r->vip = vips[v];
		out->nroute++;
		kept = 1;
	}
	return (kept || keep_all) ? note_table_id(cl, out, id) : 0;
}

static int each_table(struct cloud *cl, const uint32_t *vips, int nvip, int keep_all,
    struct cloud_rtbs *out)
{
	int set = json_get(&cl->resp, cl->resp_obj, "RouteTableSet"), i, t;

	if (answer_list(cl, "DescribeRouteTables", set, "route table") < 0)
		return CLOUD_RETRY;
	for (i = 0; (t = json_elem(&cl->resp, set, i)) >= 0; i++)
		if (note_table(cl, t, vips, nvip, keep_all, out) < 0)
			return CLOUD_FATAL;
	return CLOUD_OK;
}

static int rtb_body(struct cloud *cl, const char *vpc, const char (*ids)[CLOUD_ID_LEN], int nid,
    int offset)
{
	const char *v[CLOUD_MAX_RTB];
	char off[16];
	struct json_w w;
	int i;

	for (i = 0; i < nid && i < CLOUD_MAX_RTB; i++)
		v[i] = ids[i];
	util_fmt(off, sizeof off, "%d", offset);
	filters_begin(cl, &w);
	filter(&w, "vpc-id", &vpc, 1);
	if (nid)
		filter(&w, "route-table-id", v, i);
	json_w_end_arr(&w);
	json_w_key(&w, "Offset");	/* [MODELS] DescribeRouteTablesRequest: Offset, Limit are strings */
	json_w_str(&w, off);
	json_w_kstr(&w, "Limit", "100");
	return body_end(cl, &w);
}

int cloud_route_tables(struct cloud *cl, const char *vpc, const char (*ids)[CLOUD_ID_LEN], int nid,
    const uint32_t *vips, int nvip, struct cloud_rtbs *out)
{
	int rc = CLOUD_OK, pages, offset = 0;

	out->ntable = out->nroute = 0;
	if (cl->cfg->api != 3 || nid > CLOUD_MAX_RTB) {
		log_err("%s: route tables: needs api = 3 and at most %d tables", cl->host, CLOUD_MAX_RTB);
		return cl->last_rc = CLOUD_FATAL;
	}
	for (pages = 0; pages < RTB_MAX_PAGES; pages++, offset += RTB_PAGE) {
		if (rtb_body(cl, vpc, ids, nid, offset) < 0)
			return cl->last_rc = CLOUD_FATAL;
		rc = call(cl, "DescribeRouteTables", cl->body, NULL, 0);
		if (rc == CLOUD_OK)
			rc = each_table(cl, vips, nvip, nid > 0, out);
		if (rc != CLOUD_OK || total_count(cl) <= offset + RTB_PAGE)
			break;
	}
	return cl->last_rc = rc;
}

/* {"RouteTableId": table, "Routes": [one route to vip/32 via NORMAL_CVM gateway]}; old: the
 * route replaced (its ids and description), or NULL for a new one. */
static int route_body(struct cloud *cl, const char *table, uint32_t vip, const char *gateway,
    const struct cloud_route *old)
{
	char ip[16], cidr[24];
	struct json_w w;

	util_fmt(cidr, sizeof cidr, "%s/32", util_ipv4_str(vip, ip));
	body_begin(cl, &w);
	json_w_kstr(&w, "RouteTableId", table);
	json_w_key(&w, "Routes");
	json_w_arr(&w);
	json_w_obj(&w);
	if (old) {
		json_w_kint(&w, "RouteId", old->id);
		if (*old->item) {
			json_w_kstr(&w, "RouteItemId", old->item);
		}
	}
	json_w_kstr(&w, "DestinationCidrBlock", cidr);
	json_w_kstr(&w, "GatewayType", "NORMAL_CVM");
	json_w_kstr(&w, "GatewayId", gateway);
	json_w_kstr(&w, "RouteDescription", old ? old->desc : "tcvip VIP");
	json_w_end_obj(&w);
	json_w_end_arr(&w);
	return body_end(cl, &w);
}

static int route_change(struct cloud *cl, const char *action, const char *table, uint32_t vip,
    const char *gateway, const struct cloud_route *old)
{
	if (cl->cfg->api != 3 || route_body(cl, table, vip, gateway, old) < 0)
		return cl->last_rc = CLOUD_FATAL;
	return call(cl, action, cl->body, NULL, 0);
}

int cloud_route_replace(struct cloud *cl, const struct cloud_route *old, const char *gateway)
{
	return route_change(cl, "ReplaceRoutes", old->table, old->vip, gateway, old);
}

int cloud_route_create(struct cloud *cl, const char *table, uint32_t vip, const char *gateway)
{
	return route_change(cl, "CreateRoutes", table, vip, gateway, NULL);
}
