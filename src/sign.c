/* sign.c: owns request signing: TC3-HMAC-SHA256 (API 3.0), legacy HmacSHA1/256 (API 2.0), form bodies. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bearssl.h"
#include "log.h"
#include "sign.h"
#include "tz.h"
#include "util.h"

#define TC3_ALGO "TC3-HMAC-SHA256"
#define YEAR_10000 253402300800LL	/* keeps the scope date at 10 characters */

/* Where signed text goes: a bounded buffer, a running hash, a running HMAC, or several. */
struct sink {
	char *buf;
	size_t cap, len;
	br_sha256_context *sha;
	br_hmac_context *hmac;
	int err;
};

static void put(struct sink *s, const void *p, size_t n)
{
	if (s->sha)
		br_sha256_update(s->sha, p, n);
	if (s->hmac)
		br_hmac_update(s->hmac, p, n);
	if (!s->buf)
		return;
	if (s->err || s->cap - s->len <= n) {
		s->err = 1;
		return;
	}
	memcpy(s->buf + s->len, p, n);
	s->len += n;
	s->buf[s->len] = '\0';
}

static void put_str(struct sink *s, const char *str)
{
	put(s, str, strlen(str));
}

static void put_ch(struct sink *s, char c)
{
	put(s, &c, 1);
}

static void sink_buf(struct sink *s, char *buf, size_t cap)
{
	memset(s, 0, sizeof(*s));
	s->buf = buf;
	s->cap = cap;
	if (cap)
		buf[0] = '\0';
	else
		s->err = 1;
}

static void hex(char *out, const unsigned char *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

void sign_sha256_hex(const void *p, size_t n, char out[SIGN_SHA256_HEX])
{
	br_sha256_context c;
	unsigned char h[32];

	br_sha256_init(&c);
	br_sha256_update(&c, p, n);
	br_sha256_out(&c, h);
	hex(out, h, sizeof(h));
}

/* One-shot HMAC; out receives the digest (20 or 32 bytes). Wipes the key schedule. */
static void hmac(const br_hash_class *h, const void *key, size_t klen,
		 const void *msg, size_t mlen, void *out)
{
	br_hmac_key_context kc;
	br_hmac_context hc;

	br_hmac_key_init(&kc, h, key, klen);
	br_hmac_init(&hc, &kc, 0);
	br_hmac_update(&hc, msg, mlen);
	br_hmac_out(&hc, out);
	util_wipe(&kc, sizeof(kc));
	util_wipe(&hc, sizeof(hc));
}

/* Header-safe text: present, non-empty, printable ASCII or UTF-8, no control bytes. */
static int text_ok(const char *what, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!s || !*s) {
		log_err("sign: %s is empty", what);
		return -1;
	}
	for (; *p; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			log_err("sign: %s contains a control character", what);
			return -1;
		}
	}
	return 0;
}

static int utc_date(char out[11], long long ts)
{
	struct tm tm;

	if (ts < 0 || ts >= YEAR_10000 || tz_utc(ts, &tm) < 0) {
		log_err("sign: timestamp %lld out of range", ts);
		return -1;
	}
	if (util_fmt(out, 11, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) != 10) {
		log_err("sign: cannot format the date of timestamp %lld", ts);
		return -1;
	}
	return 0;
}

static int tc3_check(const struct sign_tc3_req *r)
{
	if (text_ok("secret_id", r->secret_id) || text_ok("secret_key", r->secret_key) ||
	    text_ok("service", r->service) || text_ok("host", r->host) ||
	    text_ok("content_type", r->content_type) ||
	    (r->action && text_ok("action", r->action)))
		return -1;
	if (!r->payload && r->len) {
		log_err("sign: %s: no payload", r->host);
		return -1;
	}
	return 0;
}

static const char *tc3_signed_headers(const struct sign_tc3_req *r)
{
	return r->action ? "content-type;host;x-tc-action" : "content-type;host";
}

/* SHA-256 of the canonical request (POST, URI "/", empty query). */
static void tc3_canonical(struct sign_tc3_detail *d, const struct sign_tc3_req *r)
{
	br_sha256_context c;
	struct sink s = { .sha = &c };
	unsigned char h[32];
	const char *p;

	br_sha256_init(&c);
	put_str(&s, "POST\n/\n\ncontent-type:");
	put_str(&s, r->content_type);
	put_str(&s, "\nhost:");
	put_str(&s, r->host);
	put_ch(&s, '\n');
	if (r->action) {
		put_str(&s, "x-tc-action:");
		for (p = r->action; *p; p++)
			put_ch(&s, (char)(*p >= 'A' && *p <= 'Z' ? *p + ('a' - 'A') : *p));
		put_ch(&s, '\n');
	}
	put_ch(&s, '\n');
	put_str(&s, tc3_signed_headers(r));
	put_ch(&s, '\n');
	put_str(&s, d->payload_hash);
	br_sha256_out(&c, h);
	hex(d->canonical_hash, h, sizeof(h));
}

/* SecretDate = HMAC("TC3" + key, date); a key longer than a block is hashed first, as HMAC does. */
static void tc3_secret_date(struct sign_tc3_detail *d, const char *key)
{
	unsigned char k[64];
	size_t klen = strlen(key);
	br_sha256_context c;

	if (klen <= sizeof(k) - 3) {
		memcpy(k, "TC3", 3);
		memcpy(k + 3, key, klen);
		klen += 3;
	} else {
		br_sha256_init(&c);
		br_sha256_update(&c, "TC3", 3);
		br_sha256_update(&c, key, klen);
		br_sha256_out(&c, k);
		klen = 32;
		util_wipe(&c, sizeof(c));
	}
	hmac(&br_sha256_vtable, k, klen, d->date, strlen(d->date), d->secret_date);
	util_wipe(k, sizeof(k));
}

static void tc3_signature(struct sign_tc3_detail *d, const struct sign_tc3_req *r)
{
	br_hmac_key_context kc;
	br_hmac_context hc;
	struct sink s = { .hmac = &hc };
	char ts[24];
	unsigned char sig[32];

	snprintf(ts, sizeof(ts), "%lld", r->timestamp);	/* 0 <= ts < YEAR_10000: fits */
	br_hmac_key_init(&kc, &br_sha256_vtable, d->secret_signing, sizeof(d->secret_signing));
	br_hmac_init(&hc, &kc, 0);
	put_str(&s, TC3_ALGO "\n");
	put_str(&s, ts);
	put_ch(&s, '\n');
	put_str(&s, d->date);
	put_ch(&s, '/');
	put_str(&s, r->service);
	put_str(&s, "/tc3_request\n");
	put_str(&s, d->canonical_hash);
	br_hmac_out(&hc, sig);
	hex(d->signature, sig, sizeof(sig));
	util_wipe(&kc, sizeof(kc));
	util_wipe(&hc, sizeof(hc));
}

int sign_tc3_compute(struct sign_tc3_detail *d, const struct sign_tc3_req *r)
{
	memset(d, 0, sizeof(*d));
	if (tc3_check(r) || utc_date(d->date, r->timestamp))
		return -1;
	sign_sha256_hex(r->payload ? r->payload : "", r->len, d->payload_hash);
	tc3_canonical(d, r);
	tc3_secret_date(d, r->secret_key);
	hmac(&br_sha256_vtable, d->secret_date, 32, r->service, strlen(r->service),
	     d->secret_service);
	hmac(&br_sha256_vtable, d->secret_service, 32, "tc3_request", 11, d->secret_signing);
	tc3_signature(d, r);
	return 0;
}

int sign_tc3(char *out, size_t cap, const char *secret_id, const char *secret_key,
	     const char *service, const char *host, const char *content_type,
	     const char *action, long long timestamp, const void *payload, size_t len)
{
	struct sign_tc3_req r = {
		.secret_id = secret_id, .secret_key = secret_key, .service = service,
		.host = host, .content_type = content_type, .action = action,
		.timestamp = timestamp, .payload = payload, .len = len,
	};
	struct sign_tc3_detail d;
	int n = -1;

	if (cap)
		out[0] = '\0';
	if (sign_tc3_compute(&d, &r) == 0) {
		n = snprintf(out, cap, TC3_ALGO " Credential=%s/%s/%s/tc3_request, "
			     "SignedHeaders=%s, Signature=%s", secret_id, d.date, service,
			     tc3_signed_headers(&r), d.signature);
		if (n < 0 || (size_t)n >= cap) {
			log_err("sign: %s: Authorization does not fit in %zu bytes", host, cap);
			if (cap)
				out[0] = '\0';
			n = -1;
		}
	}
	util_wipe(&d, sizeof(d));
	return n;
}

/* Sorts params by key, byte order (insertion sort: n is small, and it is stable). */
static int legacy_sort(struct sign_param *p, int n)
{
	int i, j;

	for (i = 0; i < n; i++) {
		if (!p[i].key || !*p[i].key || !p[i].value) {
			log_err("sign: legacy parameter %d has no key or value", i);
			return -1;
		}
	}
	for (i = 1; i < n; i++) {
		struct sign_param x = p[i];

		for (j = i; j > 0 && strcmp(p[j - 1].key, x.key) > 0; j--)
			p[j] = p[j - 1];
		p[j] = x;
	}
	for (i = 1; i < n; i++) {
		if (strcmp(p[i - 1].key, p[i].key) == 0) {
			log_err("sign: legacy parameter %s given twice", p[i].key);
			return -1;
		}
	}
	return 0;
}

static int legacy_emit(struct sink *s, const char *method, const char *host, const char *path,
		       struct sign_param *params, int n)
{
	const char *k;
	int i;

	if (text_ok("method", method) || text_ok("host", host) || text_ok("path", path))
		return -1;
	if (n < 0 || (n > 0 && !params)) {
		log_err("sign: %s: bad legacy parameter list", host);
		return -1;
	}
	if (legacy_sort(params, n))
		return -1;
	put_str(s, method);
	put_str(s, host);
	put_str(s, path);
	put_ch(s, '?');
	for (i = 0; i < n; i++) {
		if (i)
			put_ch(s, '&');
		for (k = params[i].key; *k; k++)
			put_ch(s, *k == '_' ? '.' : *k);
		put_ch(s, '=');
		put_str(s, params[i].value);
	}
	return 0;
}

int sign_legacy_string(char *out, size_t cap, const char *method, const char *host,
		       const char *path, struct sign_param *params, int n)
{
	struct sink s;

	sink_buf(&s, out, cap);
	if (legacy_emit(&s, method, host, path, params, n))
		return -1;
	if (s.err) {
		log_err("sign: %s: legacy string to sign does not fit in %zu bytes", host, cap);
		if (cap)
			out[0] = '\0';
		return -1;
	}
	return (int)s.len;
}

static int b64(char *out, size_t cap, const unsigned char *p, size_t n)
{
	static const char a[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, o = 0;

	if (cap < 4 * ((n + 2) / 3) + 1)
		return -1;
	for (i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16;

		if (i + 1 < n)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		out[o++] = a[v >> 18 & 63];
		out[o++] = a[v >> 12 & 63];
		out[o++] = i + 1 < n ? a[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? a[v & 63] : '=';
	}
	out[o] = '\0';
	return (int)o;
}

/* A SignatureMethod parameter, when given, must name the hash in use. */
static int legacy_method_ok(const struct sign_param *params, int n, int sha256)
{
	const char *want = sha256 ? "HmacSHA256" : "HmacSHA1";
	int i;

	for (i = 0; i < n; i++) {
		if (params[i].key && strcmp(params[i].key, "SignatureMethod") == 0 &&
		    (!params[i].value || strcmp(params[i].value, want) != 0)) {
			log_err("sign: SignatureMethod parameter disagrees with %s", want);
			return -1;
		}
	}
	return 0;
}

int sign_legacy(char *out_b64, size_t cap, const char *secret_key, const char *method,
		const char *host, const char *path, struct sign_param *params, int n, int sha256)
{
	const br_hash_class *h = sha256 ? &br_sha256_vtable : &br_sha1_vtable;
	br_hmac_key_context kc;
	br_hmac_context hc;
	struct sink s = { .hmac = &hc };
	unsigned char mac[32];
	int rc = -1;

	if (cap)
		out_b64[0] = '\0';
	if (text_ok("secret_key", secret_key) || (n > 0 && !params) ||
	    legacy_method_ok(params, n, sha256))
		return -1;
	br_hmac_key_init(&kc, h, secret_key, strlen(secret_key));
	br_hmac_init(&hc, &kc, 0);
	if (legacy_emit(&s, method, host, path, params, n) == 0) {
		br_hmac_out(&hc, mac);
		rc = b64(out_b64, cap, mac, br_hmac_size(&hc));
		if (rc < 0)
			log_err("sign: %s: legacy signature does not fit in %zu bytes", host, cap);
	}
	util_wipe(&kc, sizeof(kc));
	util_wipe(&hc, sizeof(hc));
	util_wipe(mac, sizeof(mac));
	return rc;
}

static void put_pct(struct sink *s, const char *str)
{
	static const char digits[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)str;
	char e[3] = { '%', 0, 0 };

	for (; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' || *p == '~') {
			put_ch(s, (char)*p);
		} else {
			e[1] = digits[*p >> 4];
			e[2] = digits[*p & 15];
			put(s, e, 3);
		}
	}
}

int sign_form_encode(char *out, size_t cap, const struct sign_param *params, int n)
{
	struct sink s;
	int i;

	sink_buf(&s, out, cap);
	if (n < 0 || (n > 0 && !params)) {
		log_err("sign: bad form parameter list");
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (!params[i].key || !*params[i].key || !params[i].value) {
			log_err("sign: form parameter %d has no key or value", i);
			return -1;
		}
		if (i)
			put_ch(&s, '&');
		put_pct(&s, params[i].key);
		put_ch(&s, '=');
		put_pct(&s, params[i].value);
	}
	if (s.err) {
		log_err("sign: form body does not fit in %zu bytes", cap);
		if (cap)
			out[0] = '\0';
		return -1;
	}
	return (int)s.len;
}
