/* json.h: strict JSON reading over caller-owned tokens (jsmn inside) and a bounded JSON writer. */
#ifndef JSON_H
#define JSON_H
#include <stddef.h>

/* Same layout and values as jsmn's (checked by static_assert in json.c). */
enum { JSON_UNDEF, JSON_OBJECT, JSON_ARRAY, JSON_STRING, JSON_PRIMITIVE };
struct json_tok {
	int type, start, end, size;	/* [start, end) in the text; size: children (keys: 1) */
	int parent;			/* enclosing token (a value's is its key), -1 for the root */
};

#define JSON_MAX_DEPTH 64	/* deeper nesting is rejected by json_parse */

struct json {
	const char *s;
	size_t len;
	struct json_tok *t;
	int n;			/* tokens in use */
};

/* Parses s[0..len) (strict RFC 8259; NUL bytes rejected) into toks[0..max). The root must be
 * an object spanning every token and all input but trailing white space. 0, or -1 when
 * invalid or when it needs more than max tokens (j is then empty). s must outlive j. */
int json_parse(struct json *j, const char *s, size_t len, struct json_tok *toks, int max);
/* Index of the token after the subtree at i (a key's subtree includes its value); -1 if bad i. */
int json_skip(const struct json *j, int i);
/* Value token of key in object obj (direct children only, whole key compared after
 * unescaping); -1 if absent or obj is not an object. First of duplicate keys wins. */
int json_get(const struct json *j, int obj, const char *key);
/* Follows "Response.Error.Code" from the root object; -1 if any step is missing. */
int json_path(const struct json *j, const char *dotted);
/* k-th element (from 0) of array arr; -1 if out of range or arr is not an array. */
int json_elem(const struct json *j, int arr, int k);
/* Unescapes string token i into out as UTF-8 (\uXXXX surrogate pairs joined), NUL-terminated;
 * its length, or -1 (out emptied) if i is not a string, an escape is bad, it holds \u0000,
 * or it does not fit. */
int json_str(const struct json *j, int i, char *out, size_t cap);
/* json_str of the value of key in object obj. */
int json_get_str(const struct json *j, int obj, const char *key, char *out, size_t cap);
/* 1 if token i is a string equal to s after unescaping, else 0. */
int json_eq(const struct json *j, int i, const char *s);
/* Primitive integer token (no fraction/exponent) in long long range; 0 or -1. */
int json_int(const struct json *j, int i, long long *v);
/* Primitive true/false; 0 or -1. */
int json_bool(const struct json *j, int i, int *v);
/* 1 if token i is the primitive null, else 0. */
int json_null(const struct json *j, int i);

/* Bounded writer. Any misuse (value without key in an object, key outside an object, nesting
 * deeper than JSON_W_DEPTH, unbalanced end, overflow) sets err; json_w_finish reports it. */
#define JSON_W_DEPTH 16
struct json_w {
	char *p;
	size_t cap, len;
	int err;
	int depth;
	int after_key;
	int need_comma[JSON_W_DEPTH + 1];	/* [0]: the root value was written */
	char kind[JSON_W_DEPTH + 1];		/* '{' or '[' per open level */
};

void json_w_init(struct json_w *w, char *buf, size_t cap);
void json_w_obj(struct json_w *w);
void json_w_end_obj(struct json_w *w);
void json_w_arr(struct json_w *w);
void json_w_end_arr(struct json_w *w);
void json_w_key(struct json_w *w, const char *k);
/* Escapes '"', '\\' and every control character (< 0x20 and 0x7f as \u00XX). */
void json_w_str(struct json_w *w, const char *s);
void json_w_int(struct json_w *w, long long v);
void json_w_bool(struct json_w *w, int v);
void json_w_null(struct json_w *w);
/* json_w_key(k) then json_w_str(s) / json_w_int(v). */
void json_w_kstr(struct json_w *w, const char *k, const char *s);
void json_w_kint(struct json_w *w, const char *k, long long v);
/* Length of the NUL-terminated document, or -1 (buffer emptied) if anything overflowed, was
 * misused, is unbalanced, or nothing was written. */
int json_w_finish(struct json_w *w);
#endif
