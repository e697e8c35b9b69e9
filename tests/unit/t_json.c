/* t_json.c: json.c reader (strictness, lookups, unescaping, integers) and bounded writer. */
#include <limits.h>
#include <string.h>

#include "harness.h"
#include "json.h"

#define NTOK 64
static struct json_tok toks[NTOK];

static int parse(struct json *j, const char *s)
{
	return json_parse(j, s, strlen(s), toks, NTOK);
}

static int parse_ok(const char *s)
{
	struct json j;

	return parse(&j, s) == 0;
}

static void t_strict(void)
{
	static const char *good[] = {
		"{}", " {} \n\t\r", "{\"a\":1}", "{\"a\":[1,2,{\"b\":null}],\"c\":true}",
		"{\"a\":-0.5e+10,\"b\":0,\"c\":1E3,\"d\":\"\\u00e9\\n\"}", "{\"\":\"\"}",
		"{\"a\":[],\"b\":{}}", "{\"a\":\"\xe6\x9c\xaa\"}",
	};
	static const char *bad[] = {
		"", "   ", "[]", "[1]", "\"s\"", "1", "null", "{", "}", "{\"a\"}", "{\"a\":}",
		"{\"a\" 1}", "{\"a\":1,}", "{\"a\":1 \"b\":2}", "{\"a\":[1 2]}", "{\"a\":[1,]}",
		"{\"a\":[,1]}", "{,}", "{1:2}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}",
		"{\"a\":+1}", "{\"a\":1e}", "{\"a\":-}", "{\"a\":tru}", "{\"a\":truex}",
		"{\"a\":nul}", "{\"a\":True}", "{\"a\":'x'}", "{\"a\":\"x}", "{\"a\":\"\\x\"}",
		"{\"a\":\"\\u12\"}", "{\"a\":\"\\u12G4\"}", "{\"a\":\"tab\there\"}",
		"{\"a\":\"nl\nhere\"}", "{\"a\":[1}", "{\"a\":{]}", "{\"a\":1]}", "{}}", "{}{}",
		"{} x", "{}\x0b", "{\"a\":1}garbage", "{\"a\":1}\"", "{\"a\":[[[",
		"{\"a\":{\"b\":", "{\"a\":\"", "{\"a\":1,\"b\"", "{\"a\":{\"b\":1}",
		"{\"a\" : [ 1 , 2 ] , }", "\xef\xbb\xbf{}", "{\"a\":1,,\"b\":2}",
	};
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (!parse_ok(good[i]))
			printf("should parse: %s\n", good[i]);
		check(parse_ok(good[i]));
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse_ok(bad[i]))
			printf("should not parse: %s\n", bad[i]);
		check(!parse_ok(bad[i]));
	}
}

static void t_nul_and_truncation(void)
{
	static const char doc[] = "{\"Response\":{\"RequestId\":\"r-1\",\"N\":[1,2,3]}}";
	static const char nul[] = "{\"a\":\"x\0y\"}";
	static const char nul_after[] = "{\"a\":1}\0";
	struct json j;
	size_t n;

	/* every proper prefix is invalid, the whole is valid */
	for (n = 0; n < sizeof(doc) - 1; n++)
		check(json_parse(&j, doc, n, toks, NTOK) == -1);
	check(json_parse(&j, doc, sizeof(doc) - 1, toks, NTOK) == 0);
	/* a NUL byte is never accepted, inside a string or after the root */
	check(json_parse(&j, nul, sizeof(nul) - 1, toks, NTOK) == -1);
	check(json_parse(&j, nul_after, sizeof(nul_after) - 1, toks, NTOK) == -1);
	check(json_parse(&j, nul_after, sizeof(nul_after) - 2, toks, NTOK) == 0);
	check(json_parse(&j, NULL, 0, toks, NTOK) == -1);
	check(json_parse(&j, doc, sizeof(doc) - 1, NULL, NTOK) == -1);
	check(json_parse(&j, doc, sizeof(doc) - 1, toks, 0) == -1);
}

static void t_too_many_tokens(void)
{
	static const char doc[] = "{\"a\":[1,2,3,4,5,6,7,8,9,10]}";	/* 13 tokens */
	struct json_tok few[13];
	struct json j;
	int m;

	for (m = 1; m < 13; m++) {
		check(json_parse(&j, doc, sizeof(doc) - 1, few, m) == -1);
		check(j.n == 0 && json_get(&j, 0, "a") == -1 && json_skip(&j, 0) == -1);
	}
	check(json_parse(&j, doc, sizeof(doc) - 1, few, 13) == 0);
	check(j.n == 13);
}

/* {"a": then levels-1 arrays: levels of nesting in all */
static size_t make_deep(char *out, int levels)
{
	size_t o = 0;
	int k;

	memcpy(out, "{\"a\":", 5);
	o = 5;
	for (k = 0; k < levels - 1; k++)
		out[o++] = '[';
	for (k = 0; k < levels - 1; k++)
		out[o++] = ']';
	out[o++] = '}';
	out[o] = '\0';
	return o;
}

static void t_depth(void)
{
	static struct json_tok many[2 * JSON_MAX_DEPTH];
	char deep[2 * JSON_MAX_DEPTH + 16];
	struct json j;
	size_t n;

	n = make_deep(deep, JSON_MAX_DEPTH);
	check(json_parse(&j, deep, n, many, 2 * JSON_MAX_DEPTH) == 0);
	check(j.n == JSON_MAX_DEPTH + 1);
	n = make_deep(deep, JSON_MAX_DEPTH + 1);
	check(json_parse(&j, deep, n, many, 2 * JSON_MAX_DEPTH) == -1);
}

static const char resp[] =
	"{\"Response\":{"
	"\"Error\":{\"Code\":\"AuthFailure.SignatureExpire\",\"Message\":\"m\"},"
	"\"Inner\":{\"RequestId\":\"wrong-level\",\"Code\":\"nested\"},"
	"\"RequestIdX\":\"prefix-longer\",\"Request\":\"prefix-shorter\","
	"\"RequestId\":\"6e4f-1\","
	"\"List\":[{\"Id\":\"eni-1\",\"N\":1},{\"Id\":\"eni-2\",\"N\":2},[],\"s\",7],"
	"\"Esc\\u0061ped\":\"k\""
	"},\"Code\":\"top\"}";

static void t_lookup(void)
{
	struct json j;
	char b[64];
	int r, i, e;

	check(parse(&j, resp) == 0);
	r = json_get(&j, 0, "Response");
	check(r > 0 && j.t[r].type == JSON_OBJECT);
	/* same key at the wrong level is not matched */
	i = json_get(&j, 0, "RequestId");
	check(i == -1);
	i = json_get(&j, r, "RequestId");
	check(i > 0 && json_eq(&j, i, "6e4f-1"));
	check(json_eq(&j, json_get(&j, 0, "Code"), "top"));
	check(json_get(&j, r, "Code") == -1);
	check(json_eq(&j, json_path(&j, "Response.Error.Code"), "AuthFailure.SignatureExpire"));
	check(json_str(&j, json_path(&j, "Response.Error.Code"), b, sizeof(b)) == 27);
	check(strcmp(b, "AuthFailure.SignatureExpire") == 0);
	/* a key that is a prefix of another, and one the other is a prefix of */
	check(json_eq(&j, json_get(&j, r, "Request"), "prefix-shorter"));
	check(json_eq(&j, json_get(&j, r, "RequestIdX"), "prefix-longer"));
	check(json_get(&j, r, "Requ") == -1);
	check(json_get(&j, r, "RequestIdXY") == -1);
	/* escaped keys compare after unescaping */
	check(json_eq(&j, json_get(&j, r, "Escaped"), "k"));
	/* values are never taken for keys */
	check(json_get(&j, r, "wrong-level") == -1);
	check(json_get(&j, json_get(&j, r, "RequestId"), "x") == -1);
	/* path misses */
	check(json_path(&j, "Response.Error.Nope") == -1);
	check(json_path(&j, "Response..Code") == -1);
	check(json_path(&j, "Response.") == -1);
	check(json_path(&j, ".Response") == -1);
	check(json_path(&j, "Response.RequestId.X") == -1);
	check(json_path(&j, "") == 0);
	/* arrays */
	i = json_get(&j, r, "List");
	check(i > 0 && j.t[i].type == JSON_ARRAY && j.t[i].size == 5);
	check(json_get(&j, i, "Id") == -1);
	e = json_elem(&j, i, 1);
	check(json_eq(&j, json_get(&j, e, "Id"), "eni-2"));
	check(j.t[json_elem(&j, i, 2)].type == JSON_ARRAY);
	check(json_eq(&j, json_elem(&j, i, 3), "s"));
	{
		long long v = 0;

		check(json_int(&j, json_elem(&j, i, 4), &v) == 0 && v == 7);
		check(json_int(&j, json_get(&j, json_elem(&j, i, 0), "N"), &v) == 0 && v == 1);
	}
	check(json_elem(&j, i, 5) == -1);
	check(json_elem(&j, i, -1) == -1);
	check(json_elem(&j, r, 0) == -1);
	/* skip walks whole subtrees */
	check(json_skip(&j, 0) == j.n);
	check(json_skip(&j, i) == json_get(&j, r, "Escaped") - 1);
	check(json_skip(&j, -1) == -1 && json_skip(&j, j.n) == -1);
	/* parent links: root -1, a key's parent its object, a value's parent its key */
	check(j.t[0].parent == -1 && j.t[1].parent == 0 && j.t[r].parent == 1);
	check(j.t[e].parent == i && j.t[json_get(&j, e, "Id")].parent == json_get(&j, e, "Id") - 1);
	check(json_get(&j, -1, "a") == -1 && json_get(&j, j.n, "a") == -1);
	check(json_get(&j, 0, NULL) == -1);
}

static void t_strings(void)
{
	static const char doc[] =
		"{\"e\":\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t\","
		"\"u\":\"\\u00e9\\u672A\\u0041\","
		"\"pair\":\"\\ud83d\\ude00\","
		"\"lone_hi\":\"\\ud83d\","
		"\"hi_then_x\":\"\\ud83dx\","
		"\"hi_hi\":\"\\ud83d\\ud83d\","
		"\"lone_lo\":\"\\ude00\","
		"\"nul\":\"a\\u0000b\","
		"\"raw\":\"\xe6\x9c\xaa\","
		"\"n\":5,\"empty\":\"\"}";
	struct json j;
	char b[64];

	check(parse(&j, doc) == 0);
	check(json_str(&j, json_get(&j, 0, "e"), b, sizeof(b)) == 14);
	check(strcmp(b, "q\" b\\ s/ \b\f\n\r\t") == 0);
	check(json_str(&j, json_get(&j, 0, "u"), b, sizeof(b)) == 6);
	check(strcmp(b, "\xc3\xa9\xe6\x9c\xaa" "A") == 0);
	check(json_str(&j, json_get(&j, 0, "pair"), b, sizeof(b)) == 4);
	check(strcmp(b, "\xf0\x9f\x98\x80") == 0);
	check(json_eq(&j, json_get(&j, 0, "pair"), "\xf0\x9f\x98\x80"));
	check(json_str(&j, json_get(&j, 0, "lone_hi"), b, sizeof(b)) == -1 && b[0] == '\0');
	check(json_str(&j, json_get(&j, 0, "hi_then_x"), b, sizeof(b)) == -1);
	check(json_str(&j, json_get(&j, 0, "hi_hi"), b, sizeof(b)) == -1);
	check(json_str(&j, json_get(&j, 0, "lone_lo"), b, sizeof(b)) == -1);
	check(json_str(&j, json_get(&j, 0, "nul"), b, sizeof(b)) == -1);
	check(!json_eq(&j, json_get(&j, 0, "nul"), "a"));
	check(json_str(&j, json_get(&j, 0, "raw"), b, sizeof(b)) == 3);
	check(json_str(&j, json_get(&j, 0, "n"), b, sizeof(b)) == -1);
	check(!json_eq(&j, json_get(&j, 0, "n"), "5"));
	check(json_str(&j, json_get(&j, 0, "empty"), b, sizeof(b)) == 0 && b[0] == '\0');
	check(json_eq(&j, json_get(&j, 0, "empty"), ""));
	/* fits exactly, and one byte short */
	check(json_str(&j, json_get(&j, 0, "pair"), b, 5) == 4);
	check(json_str(&j, json_get(&j, 0, "pair"), b, 4) == -1 && b[0] == '\0');
	check(json_str(&j, json_get(&j, 0, "empty"), b, 1) == 0);
	check(json_str(&j, json_get(&j, 0, "empty"), b, 0) == -1);
	/* json_eq compares the whole string */
	check(!json_eq(&j, json_get(&j, 0, "u"), "\xc3\xa9"));
	check(!json_eq(&j, json_get(&j, 0, "u"), "\xc3\xa9\xe6\x9c\xaa" "AB"));
	check(!json_eq(&j, json_get(&j, 0, "u"), NULL));
}

static void t_numbers(void)
{
	static const char doc[] =
		"{\"max\":9223372036854775807,\"min\":-9223372036854775808,"
		"\"over\":9223372036854775808,\"under\":-9223372036854775809,"
		"\"big\":123456789012345678901234567890,\"frac\":1.5,\"exp\":1e3,"
		"\"zero\":0,\"negzero\":-0,\"str\":\"12\",\"t\":true,\"f\":false,\"nl\":null}";
	struct json j;
	long long v = 42;
	int b = 7;

	check(parse(&j, doc) == 0);
	check(json_int(&j, json_get(&j, 0, "max"), &v) == 0 && v == LLONG_MAX);
	check(json_int(&j, json_get(&j, 0, "min"), &v) == 0 && v == LLONG_MIN);
	v = 42;
	check(json_int(&j, json_get(&j, 0, "over"), &v) == -1 && v == 42);
	check(json_int(&j, json_get(&j, 0, "under"), &v) == -1);
	check(json_int(&j, json_get(&j, 0, "big"), &v) == -1);
	check(json_int(&j, json_get(&j, 0, "frac"), &v) == -1);
	check(json_int(&j, json_get(&j, 0, "exp"), &v) == -1);
	check(json_int(&j, json_get(&j, 0, "zero"), &v) == 0 && v == 0);
	check(json_int(&j, json_get(&j, 0, "negzero"), &v) == 0 && v == 0);
	check(json_int(&j, json_get(&j, 0, "str"), &v) == -1);
	check(json_int(&j, json_get(&j, 0, "t"), &v) == -1);
	check(json_int(&j, json_get(&j, 0, "absent"), &v) == -1);
	check(json_bool(&j, json_get(&j, 0, "t"), &b) == 0 && b == 1);
	check(json_bool(&j, json_get(&j, 0, "f"), &b) == 0 && b == 0);
	check(json_bool(&j, json_get(&j, 0, "nl"), &b) == -1);
	check(json_bool(&j, json_get(&j, 0, "zero"), &b) == -1);
	check(json_null(&j, json_get(&j, 0, "nl")) && !json_null(&j, json_get(&j, 0, "f")));
}

static void t_writer(void)
{
	struct json_w w;
	struct json j;
	char b[256], s[64];
	int n;

	json_w_init(&w, b, sizeof(b));
	json_w_obj(&w);
	json_w_key(&w, "PrivateIpAddresses");
	json_w_arr(&w);
	json_w_obj(&w);
	json_w_key(&w, "PrivateIpAddress");
	json_w_str(&w, "198.18.0.10");
	json_w_end_obj(&w);
	json_w_end_arr(&w);
	json_w_key(&w, "Limit");
	json_w_int(&w, -9223372036854775807LL - 1);
	json_w_key(&w, "Ok");
	json_w_bool(&w, 1);
	json_w_key(&w, "No");
	json_w_bool(&w, 0);
	json_w_key(&w, "Nil");
	json_w_null(&w);
	json_w_key(&w, "E");
	json_w_arr(&w);
	json_w_end_arr(&w);
	json_w_key(&w, "Esc\"");
	json_w_str(&w, "q\" b\\ nl\n cr\r \x01\x1f\x7f \xe6\x9c\xaa /");
	json_w_end_obj(&w);
	n = json_w_finish(&w);
	check(n > 0 && (size_t)n == strlen(b));
	check(strcmp(b, "{\"PrivateIpAddresses\":[{\"PrivateIpAddress\":\"198.18.0.10\"}],"
		     "\"Limit\":-9223372036854775808,\"Ok\":true,\"No\":false,\"Nil\":null,"
		     "\"E\":[],\"Esc\\\"\":\"q\\\" b\\\\ nl\\u000a cr\\u000d \\u0001\\u001f"
		     "\\u007f \xe6\x9c\xaa /\"}") == 0);
	/* what it writes reads back */
	check(parse(&j, b) == 0);
	check(json_str(&j, json_get(&j, 0, "Esc\""), s, sizeof(s)) > 0);
	check(strcmp(s, "q\" b\\ nl\n cr\r \x01\x1f\x7f \xe6\x9c\xaa /") == 0);

	/* overflow at every size below the full length, success at the full length + 1 */
	{
		size_t cap;
		char small[256];

		for (cap = 0; cap <= (size_t)n + 1; cap++) {
			json_w_init(&w, small, cap);
			json_w_obj(&w);
			json_w_key(&w, "PrivateIpAddresses");
			json_w_arr(&w);
			json_w_obj(&w);
			json_w_key(&w, "PrivateIpAddress");
			json_w_str(&w, "198.18.0.10");
			json_w_end_obj(&w);
			json_w_end_arr(&w);
			json_w_key(&w, "Limit");
			json_w_int(&w, -9223372036854775807LL - 1);
			json_w_key(&w, "Ok");
			json_w_bool(&w, 1);
			json_w_key(&w, "No");
			json_w_bool(&w, 0);
			json_w_key(&w, "Nil");
			json_w_null(&w);
			json_w_key(&w, "E");
			json_w_arr(&w);
			json_w_end_arr(&w);
			json_w_key(&w, "Esc\"");
			json_w_str(&w, "q\" b\\ nl\n cr\r \x01\x1f\x7f \xe6\x9c\xaa /");
			json_w_end_obj(&w);
			if (cap <= (size_t)n) {
				check(json_w_finish(&w) == -1);
				check(cap == 0 || small[0] == '\0');
			} else {
				check(json_w_finish(&w) == n && strcmp(small, b) == 0);
			}
		}
	}
}

static void t_writer_misuse(void)
{
	struct json_w w;
	char b[128];
	int k;

	json_w_init(&w, b, sizeof(b));	/* nothing written */
	check(json_w_finish(&w) == -1);
	json_w_init(&w, b, sizeof(b));	/* unbalanced */
	json_w_obj(&w);
	check(json_w_finish(&w) == -1 && b[0] == '\0');
	json_w_init(&w, b, sizeof(b));	/* wrong closer */
	json_w_obj(&w);
	json_w_end_arr(&w);
	check(json_w_finish(&w) == -1);
	json_w_init(&w, b, sizeof(b));	/* value without key */
	json_w_obj(&w);
	json_w_int(&w, 1);
	json_w_end_obj(&w);
	check(json_w_finish(&w) == -1);
	json_w_init(&w, b, sizeof(b));	/* key without value */
	json_w_obj(&w);
	json_w_key(&w, "a");
	json_w_end_obj(&w);
	check(json_w_finish(&w) == -1);
	json_w_init(&w, b, sizeof(b));	/* key in an array */
	json_w_arr(&w);
	json_w_key(&w, "a");
	check(json_w_finish(&w) == -1);
	json_w_init(&w, b, sizeof(b));	/* two roots */
	json_w_obj(&w);
	json_w_end_obj(&w);
	json_w_obj(&w);
	json_w_end_obj(&w);
	check(json_w_finish(&w) == -1);
	json_w_init(&w, b, sizeof(b));	/* extra close */
	json_w_obj(&w);
	json_w_end_obj(&w);
	json_w_end_obj(&w);
	check(json_w_finish(&w) == -1);
	json_w_init(&w, b, sizeof(b));	/* NULL string */
	json_w_arr(&w);
	json_w_str(&w, NULL);
	json_w_end_arr(&w);
	check(json_w_finish(&w) == -1);
	json_w_init(&w, b, sizeof(b));	/* too deep */
	for (k = 0; k <= JSON_W_DEPTH; k++)
		json_w_arr(&w);
	for (k = 0; k <= JSON_W_DEPTH; k++)
		json_w_end_arr(&w);
	check(json_w_finish(&w) == -1);
	json_w_init(&w, b, sizeof(b));	/* exactly deep enough */
	for (k = 0; k < JSON_W_DEPTH; k++)
		json_w_arr(&w);
	for (k = 0; k < JSON_W_DEPTH; k++)
		json_w_end_arr(&w);
	check(json_w_finish(&w) == 2 * JSON_W_DEPTH);
	json_w_init(&w, b, sizeof(b));	/* array commas */
	json_w_arr(&w);
	json_w_int(&w, 1);
	json_w_str(&w, "");
	json_w_arr(&w);
	json_w_end_arr(&w);
	json_w_null(&w);
	json_w_end_arr(&w);
	check(json_w_finish(&w) == 14 && strcmp(b, "[1,\"\",[],null]") == 0);
	json_w_init(&w, NULL, 10);
	json_w_obj(&w);
	json_w_end_obj(&w);
	check(json_w_finish(&w) == -1);
}

int main(void)
{
	t_strict();
	t_nul_and_truncation();
	t_too_many_tokens();
	t_depth();
	t_lookup();
	t_strings();
	t_numbers();
	t_writer();
	t_writer_misuse();
	return check_done();
}
