/* sign.h: Tencent Cloud request signing: TC3-HMAC-SHA256 (API 3.0) and legacy HmacSHA1/256 (API 2.0). */
#ifndef SIGN_H
#define SIGN_H
#include <stddef.h>

#define SIGN_SHA256_HEX 65	/* 64 hex digits + NUL */

/* Lower-case hex SHA-256 of p[0..n) into out (65 bytes). */
void sign_sha256_hex(const void *p, size_t n, char out[SIGN_SHA256_HEX]);

/* What goes into one TC3 signature. action NULL: signed headers "content-type;host";
 * else also "x-tc-action" with the value lower-cased. */
struct sign_tc3_req {
	const char *secret_id, *secret_key;
	const char *service;		/* "vpc" */
	const char *host;		/* "vpc.tencentcloudapi.com" */
	const char *content_type;	/* exactly the Content-Type header sent */
	const char *action;		/* NULL or "DescribeNetworkInterfaces" */
	long long timestamp;		/* X-TC-Timestamp; the scope date is its UTC date */
	const void *payload;		/* the exact body bytes */
	size_t len;
};

/* Every intermediate value, for the published vectors. Holds derived keys: util_wipe() it. */
struct sign_tc3_detail {
	char date[11];				/* "2019-02-25" */
	char payload_hash[SIGN_SHA256_HEX];
	char canonical_hash[SIGN_SHA256_HEX];
	unsigned char secret_date[32], secret_service[32], secret_signing[32];
	char signature[SIGN_SHA256_HEX];
};

/* Computes d from r; 0, or -1 (logged) on a bad input. */
int sign_tc3_compute(struct sign_tc3_detail *d, const struct sign_tc3_req *r);

/* TC3-HMAC-SHA256, API 3.0. Writes the full Authorization header value into out;
 * returns its length, or -1 (logged) on bad input or if out is too small. */
int sign_tc3(char *out, size_t cap, const char *secret_id, const char *secret_key,
	     const char *service, const char *host, const char *content_type,
	     const char *action, long long timestamp, const void *payload, size_t len);

/* Legacy API 2.0 parameter. */
struct sign_param {
	const char *key, *value;
};

/* String to sign: METHOD + host + path + "?" + k=v&... with params sorted in place by key
 * (byte order, duplicates rejected), '_' in keys written as '.', raw values.
 * Returns its length, or -1 (logged). */
int sign_legacy_string(char *out, size_t cap, const char *method, const char *host,
		       const char *path, struct sign_param *params, int n);

/* base64(HMAC-SHA1 or, sha256 != 0, HMAC-SHA256 of the string above) into out_b64.
 * A SignatureMethod parameter, if present, must agree with sha256.
 * Sorts params in place. Returns the length, or -1 (logged). */
int sign_legacy(char *out_b64, size_t cap, const char *secret_key, const char *method,
		const char *host, const char *path, struct sign_param *params, int n, int sha256);

/* application/x-www-form-urlencoded body "k=v&..." in the given order; everything but the
 * RFC 3986 unreserved characters percent-encoded (%XX upper case). Length, or -1. */
int sign_form_encode(char *out, size_t cap, const struct sign_param *params, int n);

#endif
