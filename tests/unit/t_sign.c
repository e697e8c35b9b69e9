/* t_sign.c: sign.c against the published Tencent Cloud vectors (vectors/signatures.md) and its edges. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "util.h"
#include "sign.h"

#define ID "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"
#define KEY "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"
#define HOST "cvm.tencentcloudapi.com"
#define CT "application/json; charset=utf-8"
#define TS 1551113065LL
#define DAY_END 1551139199LL	/* 2019-02-25 23:59:59 UTC */

static const char payload[] =
	"{\"Limit\": 1, \"Filters\": [{\"Values\": [\"\\u672a\\u547d\\u540d\"], "
	"\"Name\": \"instance-name\"}]}";

static void hexs(char *out, const unsigned char *p, size_t n)
{
	static const char d[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = d[p[i] >> 4];
		out[2 * i + 1] = d[p[i] & 15];
	}
	out[2 * n] = '\0';
}

static struct sign_tc3_req req(const char *key, const char *action, long long ts)
{
	struct sign_tc3_req r = {
		.secret_id = ID, .secret_key = key, .service = "cvm", .host = HOST,
		.content_type = CT, .action = action, .timestamp = ts,
		.payload = payload, .len = sizeof(payload) - 1,
	};
	return r;
}

static void t_sha256(void)
{
	char h[SIGN_SHA256_HEX];

	check(sizeof(payload) - 1 == 86);
	sign_sha256_hex(payload, sizeof(payload) - 1, h);
	check(strcmp(h, "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064") == 0);
	sign_sha256_hex("", 0, h);
	check(strcmp(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855") == 0);
}

static void t_t1(void)
{
	struct sign_tc3_req r = req(KEY, NULL, TS);
	struct sign_tc3_detail d;
	char auth[256];
	int n;

	check(sign_tc3_compute(&d, &r) == 0);
	check(strcmp(d.date, "2019-02-25") == 0);
	check(strcmp(d.payload_hash,
		     "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064") == 0);
	check(strcmp(d.canonical_hash,
		     "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031") == 0);
	util_wipe(&d, sizeof(d));
	n = sign_tc3(auth, sizeof(auth), ID, KEY, "cvm", HOST, CT, NULL, TS,
		     payload, sizeof(payload) - 1);
	check(n > 0 && (size_t)n == strlen(auth));
	check(strcmp(auth, "TC3-HMAC-SHA256 Credential=" ID "/2019-02-25/cvm/tc3_request, "
		     "SignedHeaders=content-type;host, Signature="
		     "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168") == 0);
}

static void t_t2(void)
{
	struct sign_tc3_req r = req(KEY, "DescribeInstances", TS);
	struct sign_tc3_detail d;
	char auth[256];

	check(sign_tc3_compute(&d, &r) == 0);
	check(strcmp(d.canonical_hash,
		     "7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84") == 0);
	check(strcmp(d.signature,
		     "644be983de9a8a3f00db8eadaba61467c3b429e2215758ba897b738ca469fd26") == 0);
	check(sign_tc3(auth, sizeof(auth), ID, KEY, "cvm", HOST, CT, "DescribeInstances", TS,
		       payload, sizeof(payload) - 1) > 0);
	check(strcmp(auth, "TC3-HMAC-SHA256 Credential=" ID "/2019-02-25/cvm/tc3_request, "
		     "SignedHeaders=content-type;host;x-tc-action, Signature="
		     "644be983de9a8a3f00db8eadaba61467c3b429e2215758ba897b738ca469fd26") == 0);
	/* the action value is lower-cased in the canonical request: any case signs the same */
	r.action = "describeINSTANCES";
	check(sign_tc3_compute(&d, &r) == 0);
	check(strcmp(d.signature,
		     "644be983de9a8a3f00db8eadaba61467c3b429e2215758ba897b738ca469fd26") == 0);
	util_wipe(&d, sizeof(d));
}

static void t_t3(void)
{
	struct sign_tc3_req r = req("********************************", "DescribeInstances", TS);
	struct sign_tc3_detail d;
	char h[65];

	check(sign_tc3_compute(&d, &r) == 0);
	hexs(h, d.secret_date, 32);
	check(strcmp(h, "da98fb70dcf6b112dc21038d1eeeb3a95c74b4dcb12c1131f864f6066bd02be0") == 0);
	hexs(h, d.secret_service, 32);
	check(strcmp(h, "8d70cbefb03939f929db64d32dc2ba89b1095620119fe3e050e2b18c5bd2752f") == 0);
	hexs(h, d.secret_signing, 32);
	check(strcmp(h, "b596b923aad85185e2d1f6659d2a062e0a86731226e021e61bfe06f7ed05f5af") == 0);
	check(strcmp(d.signature,
		     "10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f") == 0);
	util_wipe(&d, sizeof(d));
	check(d.secret_signing[0] == 0 && d.secret_signing[31] == 0 && d.signature[0] == 0);
}

/* A key longer than one SHA-256 block goes through the hashed-key path: it must still be HMAC. */
static void t_long_key(void)
{
	char key[200];
	struct sign_tc3_req r;
	struct sign_tc3_detail a, b;

	memset(key, 'k', sizeof(key) - 1);
	key[sizeof(key) - 1] = '\0';
	r = req(key, NULL, TS);
	check(sign_tc3_compute(&a, &r) == 0);
	key[100] = 'j';
	check(sign_tc3_compute(&b, &r) == 0);
	check(memcmp(a.secret_date, b.secret_date, 32) != 0);
	key[100] = 'k';
	check(sign_tc3_compute(&b, &r) == 0);
	check(strcmp(a.signature, b.signature) == 0);
}

static void t_rollover(void)
{
	struct sign_tc3_req r = req(KEY, NULL, DAY_END);
	struct sign_tc3_detail d;
	char auth[256], sig1[65];

	/* a local time zone east of UTC must not move the scope date */
	setenv("TZ", "CST-8", 1);
	tzset();
	check(sign_tc3_compute(&d, &r) == 0);
	check(strcmp(d.date, "2019-02-25") == 0);
	memcpy(sig1, d.signature, sizeof(sig1));
	r.timestamp = DAY_END + 1;
	check(sign_tc3_compute(&d, &r) == 0);
	check(strcmp(d.date, "2019-02-26") == 0);
	check(strcmp(sig1, d.signature) != 0);
	check(sign_tc3(auth, sizeof(auth), ID, KEY, "cvm", HOST, CT, NULL, DAY_END + 1,
		       payload, sizeof(payload) - 1) > 0);
	check(strstr(auth, "Credential=" ID "/2019-02-26/cvm/tc3_request,") != NULL);
	check(sign_tc3(auth, sizeof(auth), ID, KEY, "cvm", HOST, CT, NULL, 0, "", 0) > 0);
	check(strstr(auth, "/1970-01-01/cvm/") != NULL);
	unsetenv("TZ");
	tzset();
	util_wipe(&d, sizeof(d));
}

static void t_tc3_errors(void)
{
	char auth[256];
	int n;

	n = sign_tc3(auth, sizeof(auth), ID, KEY, "cvm", HOST, CT, NULL, TS, payload, 86);
	check(n > 0);
	check(sign_tc3(auth, (size_t)n, ID, KEY, "cvm", HOST, CT, NULL, TS, payload, 86) == -1);
	check(auth[0] == '\0');
	check(sign_tc3(auth, (size_t)n + 1, ID, KEY, "cvm", HOST, CT, NULL, TS, payload, 86) == n);
	check(sign_tc3(auth, 0, ID, KEY, "cvm", HOST, CT, NULL, TS, payload, 86) == -1);
	check(sign_tc3(auth, sizeof(auth), ID, "", "cvm", HOST, CT, NULL, TS, payload, 86) == -1);
	check(sign_tc3(auth, sizeof(auth), NULL, KEY, "cvm", HOST, CT, NULL, TS, payload, 86) == -1);
	check(sign_tc3(auth, sizeof(auth), ID, KEY, "cvm", "h\r\nX: y", CT, NULL, TS, payload,
		       86) == -1);
	check(sign_tc3(auth, sizeof(auth), ID, KEY, "cvm", HOST, CT, "A\nB", TS, payload, 86) == -1);
	check(sign_tc3(auth, sizeof(auth), ID, KEY, "cvm", HOST, CT, NULL, -1, payload, 86) == -1);
	check(sign_tc3(auth, sizeof(auth), ID, KEY, "cvm", HOST, CT, NULL, TS, NULL, 5) == -1);
}

#define NPARAM 7
static void legacy_params(struct sign_param *p, const char *method)
{
	/* deliberately unsorted */
	static const struct sign_param base[NPARAM] = {
		{ "Version", "2017-03-12" }, { "Timestamp", "1512393162" },
		{ "SecretId", "secretIdFoo" }, { "Action", "DescribeInstances" },
		{ "SignatureMethod", "HmacSHA1" }, { "Region", "ap-guangzhou" },
		{ "Nonce", "1290303896666895346" },
	};
	int i;

	for (i = 0; i < NPARAM; i++)
		p[i] = base[i];
	if (method)
		p[4].value = method;
}

static void t_legacy(void)
{
	struct sign_param p[NPARAM];
	char s[512], b[64];
	int n;

	legacy_params(p, NULL);
	n = sign_legacy_string(s, sizeof(s), "POST", "cvm.api.qcloud.com", "/v2/index.php", p,
			       NPARAM);
	check(n > 0 && (size_t)n == strlen(s));
	check(strcmp(s, "POSTcvm.api.qcloud.com/v2/index.php?Action=DescribeInstances"
		     "&Nonce=1290303896666895346&Region=ap-guangzhou&SecretId=secretIdFoo"
		     "&SignatureMethod=HmacSHA1&Timestamp=1512393162&Version=2017-03-12") == 0);
	check(strcmp(p[0].key, "Action") == 0 && strcmp(p[6].key, "Version") == 0);

	/* L1 */
	legacy_params(p, NULL);
	check(sign_legacy(b, sizeof(b), "secretKeyBar", "POST", "cvm.api.qcloud.com",
			  "/v2/index.php", p, NPARAM, 0) == 28);
	check(strcmp(b, "p3n+pxBqF5JGZtDSxoVn5tGngf0=") == 0);
	/* L2 */
	legacy_params(p, NULL);
	check(sign_legacy(b, sizeof(b), "secretKeyBar", "GET", "cvm.api.qcloud.com",
			  "/v2/index.php", p, NPARAM, 0) == 28);
	check(strcmp(b, "5HAq1BOKNLEE2/uauWnp6Zv9Z3c=") == 0);
	/* L3 */
	legacy_params(p, "HmacSHA256");
	check(sign_legacy(b, sizeof(b), "secretKeyBar", "POST", "cvm.api.qcloud.com",
			  "/v2/index.php", p, NPARAM, 1) == 44);
	check(strcmp(b, "B2T37FRSP6Fk0/q/cdfrTE0p3zX5ooB/2BPWZUFpsj4=") == 0);
	/* SignatureMethod disagreeing with the hash is refused */
	legacy_params(p, "HmacSHA256");
	check(sign_legacy(b, sizeof(b), "secretKeyBar", "POST", "cvm.api.qcloud.com",
			  "/v2/index.php", p, NPARAM, 0) == -1);
	/* output too small: 28 characters need 29 bytes */
	legacy_params(p, NULL);
	check(sign_legacy(b, 28, "secretKeyBar", "POST", "cvm.api.qcloud.com",
			  "/v2/index.php", p, NPARAM, 0) == -1);
	check(sign_legacy(b, 29, "secretKeyBar", "POST", "cvm.api.qcloud.com",
			  "/v2/index.php", p, NPARAM, 0) == 28);
	check(sign_legacy_string(s, (size_t)n, "POST", "cvm.api.qcloud.com", "/v2/index.php",
				 p, NPARAM) == -1);
	check(s[0] == '\0');
	check(sign_legacy_string(s, (size_t)n + 1, "POST", "cvm.api.qcloud.com",
				 "/v2/index.php", p, NPARAM) == n);
	/* duplicate key */
	p[1].key = "Action";
	check(sign_legacy_string(s, sizeof(s), "POST", "h", "/", p, NPARAM) == -1);
}

static void t_l4(void)
{
	struct sign_param p[] = {
		{ "Version", "2017-03-12" }, { "Offset", "0" }, { "Limit", "20" },
		{ "Region", "ap-guangzhou" }, { "SecretId", ID }, { "Timestamp", "1465185768" },
		{ "Action", "DescribeInstances" }, { "Nonce", "11886" },
		{ "InstanceIds_0", "ins-09dx96dg" },
	};
	const int n = (int)(sizeof(p) / sizeof(p[0]));
	char s[512], b[64];

	check(sign_legacy_string(s, sizeof(s), "GET", HOST, "/", p, n) > 0);
	check(strcmp(s, "GETcvm.tencentcloudapi.com/?Action=DescribeInstances&InstanceIds.0="
		     "ins-09dx96dg&Limit=20&Nonce=11886&Offset=0&Region=ap-guangzhou&SecretId="
		     ID "&Timestamp=1465185768&Version=2017-03-12") == 0);
	check(sign_legacy(b, sizeof(b), KEY, "GET", HOST, "/", p, n, 0) == 28);
	check(strcmp(b, "EliP9YW3pW28FpsEdkXt/+WcGeI=") == 0);
	/* the key as the caller spelt it is kept for the body */
	check(strcmp(p[1].key, "InstanceIds_0") == 0);
}

static void t_form(void)
{
	const struct sign_param p[] = {
		{ "a b", "x y" }, { "Signature", "p3n+pxBq/5J=" }, { "k", "-._~09AZaz" },
		{ "u", "\xe6\x9c\xaa" }, { "e", "" },
	};
	char s[128];
	int n;

	n = sign_form_encode(s, sizeof(s), p, 5);
	check(n > 0 && (size_t)n == strlen(s));
	check(strcmp(s, "a%20b=x%20y&Signature=p3n%2BpxBq%2F5J%3D&k=-._~09AZaz&u=%E6%9C%AA&e=")
	      == 0);
	check(sign_form_encode(s, (size_t)n, p, 5) == -1);
	check(s[0] == '\0');
	check(sign_form_encode(s, (size_t)n + 1, p, 5) == n);
	check(sign_form_encode(s, sizeof(s), p, 0) == 0 && s[0] == '\0');
}

static void t_wipe(void)
{
	unsigned char b[33];
	size_t i, nz = 0;

	memset(b, 0xa5, sizeof(b));
	util_wipe(b, sizeof(b));
	for (i = 0; i < sizeof(b); i++)
		nz += b[i] != 0;
	check(nz == 0);
	util_wipe(b, 0);
}

int main(void)
{
	t_sha256();
	t_t1();
	t_t2();
	t_t3();
	t_long_key();
	t_rollover();
	t_tc3_errors();
	t_legacy();
	t_l4();
	t_form();
	t_wipe();
	return check_done();
}
