/* json.c: owns JSON: a strict validator + jsmn tokens behind struct json, and the bounded writer. */
#include <assert.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define JSMN_STATIC
#define JSMN_STRICT
#define JSMN_PARENT_LINKS	/* closing a container is O(depth), not O(tokens) */
#include "jsmn.h"

#include "json.h"
#include "util.h"

static_assert(sizeof(struct json_tok) == sizeof(jsmntok_t), "json_tok layout");
static_assert(offsetof(struct json_tok, type) == offsetof(jsmntok_t, type), "json_tok.type");
static_assert(offsetof(struct json_tok, start) == offsetof(jsmntok_t, start), "json_tok.start");
static_assert(offsetof(struct json_tok, end) == offsetof(jsmntok_t, end), "json_tok.end");
static_assert(offsetof(struct json_tok, size) == offsetof(jsmntok_t, size), "json_tok.size");
static_assert(offsetof(struct json_tok, parent) == offsetof(jsmntok_t, parent), "json_tok.parent");
static_assert(sizeof(jsmntype_t) == sizeof(int), "jsmntype_t is an int");
static_assert((int)JSON_UNDEF == (int)JSMN_UNDEFINED && (int)JSON_OBJECT == (int)JSMN_OBJECT &&
	      (int)JSON_ARRAY == (int)JSMN_ARRAY && (int)JSON_STRING == (int)JSMN_STRING &&
	      (int)JSON_PRIMITIVE == (int)JSMN_PRIMITIVE, "token types");

/* ---- strict validation: jsmn alone accepts "[1 2]", "{\"a\":1,}" and raw control bytes ---- */

static void v_ws(const char *s, size_t len, size_t *i)
{
	while (*i < len && (s[*i] == ' ' || s[*i] == '\t' || s[*i] == '\n' || s[*i] == '\r'))
		(*i)++;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A string starting at the quote s[*i]. */
static int v_string(const char *s, size_t len, size_t *i)
{
	size_t k;

	if (*i >= len || s[*i] != '"')
		return -1;
	for ((*i)++; *i < len; (*i)++) {
		unsigned char c = (unsigned char)s[*i];

		if (c == '"') {
			(*i)++;
			return 0;
		}
		if (c < 0x20)
			return -1;
		if (c != '\\')
			continue;
		if (++*i >= len || !strchr("\"\\/bfnrtu", s[*i]))
			return -1;
		if (s[*i] != 'u')
			continue;
		for (k = 0; k < 4; k++)
			if (++*i >= len || util_hexval(s[*i]) < 0)
				return -1;
	}
	return -1;
}

static int v_digits(const char *s, size_t len, size_t *i)
{
	size_t from = *i;

	while (*i < len && is_digit(s[*i]))
		(*i)++;
	return *i > from ? 0 : -1;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int v_number(const char *s, size_t len, size_t *i)
{
	if (*i < len && s[*i] == '-')
		(*i)++;
	if (*i < len && s[*i] == '0')
		(*i)++;
	else if (v_digits(s, len, i))
		return -1;
	if (*i < len && s[*i] == '.') {
		(*i)++;
		if (v_digits(s, len, i))
			return -1;
	}
	if (*i < len && (s[*i] == 'e' || s[*i] == 'E')) {
		(*i)++;
		if (*i < len && (s[*i] == '+' || s[*i] == '-'))
			(*i)++;
		if (v_digits(s, len, i))
			return -1;
	}
	return 0;
}

static int v_word(const char *s, size_t len, size_t *i, const char *w)
{
	size_t n = strlen(w);

	if (len - *i < n || memcmp(s + *i, w, n) != 0)
		return -1;
	*i += n;
	return 0;
}

static int v_scalar(const char *s, size_t len, size_t *i)
{
	switch (s[*i]) {
	case '"':
		return v_string(s, len, i);
	case 't':
		return v_word(s, len, i, "true");
	case 'f':
		return v_word(s, len, i, "false");
	case 'n':
		return v_word(s, len, i, "null");
	default:
		return v_number(s, len, i);
	}
}

/* An object key and its colon. */
static int v_key(const char *s, size_t len, size_t *i)
{
	v_ws(s, len, i);
	if (v_string(s, len, i))
		return -1;
	v_ws(s, len, i);
	if (*i >= len || s[*i] != ':')
		return -1;
	(*i)++;
	return 0;
}

static char closer(char open)
{
	return open == '{' ? '}' : ']';
}

/* Iterative: every step consumes input or closes a level, so it ends. */
static int validate(const char *s, size_t len)
{
	char stack[JSON_MAX_DEPTH];
	int depth = 0, need_value = 1;
	size_t i = 0;

	v_ws(s, len, &i);
	if (i >= len || s[i] != '{')
		return -1;
	for (;;) {
		v_ws(s, len, &i);
		if (need_value) {
			if (i >= len)
				return -1;
			if (s[i] != '{' && s[i] != '[') {
				if (v_scalar(s, len, &i))
					return -1;
				need_value = 0;
				continue;
			}
			if (depth == JSON_MAX_DEPTH)
				return -1;
			stack[depth++] = s[i++];
			v_ws(s, len, &i);
			if (i < len && s[i] == closer(stack[depth - 1])) {
				depth--;
				i++;
				need_value = 0;
			} else if (stack[depth - 1] == '{' && v_key(s, len, &i)) {
				return -1;
			}
			continue;
		}
		if (depth == 0)
			return i == len ? 0 : -1;
		if (i >= len)
			return -1;
		if (s[i] == ',') {
			i++;
			if (stack[depth - 1] == '{' && v_key(s, len, &i))
				return -1;
			need_value = 1;
		} else if (s[i] == closer(stack[depth - 1])) {
			i++;
			depth--;
		} else {
			return -1;
		}
	}
}

/* ---- reading ---- */

static int tok_ok(const struct json *j, int i)
{
	return j && i >= 0 && i < j->n;
}

int json_skip(const struct json *j, int i)
{
	long pending = 1;

	if (!tok_ok(j, i))
		return -1;
	while (pending > 0) {
		if (i >= j->n || j->t[i].size < 0)
			return -1;
		pending += j->t[i].size - 1;
		i++;
	}
	return i;
}

int json_parse(struct json *j, const char *s, size_t len, struct json_tok *toks, int max)
{
	jsmn_parser p;
	int r;

	memset(j, 0, sizeof(*j));
	if (!s || !toks || max <= 0 || len >= INT_MAX || validate(s, len))
		return -1;
	jsmn_init(&p);
	r = jsmn_parse(&p, s, len, (jsmntok_t *)(void *)toks, (unsigned)max);
	if (r <= 0 || r > max || toks[0].type != JSON_OBJECT)
		return -1;
	j->s = s;
	j->len = len;
	j->t = toks;
	j->n = r;
	if (json_skip(j, 0) != r) {
		memset(j, 0, sizeof(*j));
		return -1;
	}
	return 0;
}

static int hex4(const char *p, const char *end, unsigned *v)
{
	int k;

	*v = 0;
	if (end - p < 4)
		return -1;
	for (k = 0; k < 4; k++) {
		int d = util_hexval(p[k]);

		if (d < 0)
			return -1;
		*v = *v << 4 | (unsigned)d;
	}
	return 0;
}

static int utf8(unsigned cp, unsigned char u[4])
{
	static const unsigned char lead[] = { 0, 0, 0xc0, 0xe0, 0xf0 };
	int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4, k;

	for (k = n - 1; k > 0; k--, cp >>= 6)
		u[k] = (unsigned char)(0x80 | (cp & 0x3f));
	u[0] = (unsigned char)(lead[n] | cp);
	return n;
}

/* \uXXXX at *pp (after the backslash-u), joining a surrogate pair; NUL refused. */
static int unesc_u(const char **pp, const char *end, unsigned char u[4])
{
	unsigned hi, lo;

	if (hex4(*pp, end, &hi))
		return -1;
	*pp += 4;
	if (hi == 0 || (hi >= 0xdc00 && hi <= 0xdfff))
		return -1;
	if (hi < 0xd800 || hi > 0xdbff)
		return utf8(hi, u);
	if (end - *pp < 6 || (*pp)[0] != '\\' || (*pp)[1] != 'u' || hex4(*pp + 2, end, &lo) ||
	    lo < 0xdc00 || lo > 0xdfff)
		return -1;
	*pp += 6;
	return utf8(0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00), u);
}

/* Decodes one character at *pp (< end) into u; its byte count, or -1. */
static int unesc(const char **pp, const char *end, unsigned char u[4])
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	unsigned char c = (unsigned char)*(*pp)++;
	const char *e;

	if (c < 0x20)
		return -1;
	if (c != '\\') {
		u[0] = c;
		return 1;
	}
	if (*pp >= end)
		return -1;
	c = (unsigned char)*(*pp)++;
	if (c == 'u')
		return unesc_u(pp, end, u);
	e = c ? strchr(from, c) : NULL;
	if (!e)
		return -1;
	u[0] = (unsigned char)to[e - from];
	return 1;
}

int json_str(const struct json *j, int i, char *out, size_t cap)
{
	const char *p, *end;
	unsigned char u[4];
	size_t len = 0;
	int n;

	if (cap)
		out[0] = '\0';
	if (!tok_ok(j, i) || j->t[i].type != JSON_STRING || !cap)
		return -1;
	p = j->s + j->t[i].start;
	end = j->s + j->t[i].end;
	while (p < end) {
		n = unesc(&p, end, u);
		if (n < 0 || (size_t)n >= cap - len) {
			out[0] = '\0';
			return -1;
		}
		memcpy(out + len, u, (size_t)n);
		len += (size_t)n;
	}
	out[len] = '\0';
	return len > INT_MAX ? -1 : (int)len;
}

int json_get_str(const struct json *j, int obj, const char *key, char *out, size_t cap)
{
	return json_str(j, json_get(j, obj, key), out, cap);
}

static int eq_n(const struct json *j, int i, const char *s, size_t slen)
{
	const char *p, *end;
	unsigned char u[4];
	size_t off = 0;
	int n;

	if (!tok_ok(j, i) || j->t[i].type != JSON_STRING || !s)
		return 0;
	p = j->s + j->t[i].start;
	end = j->s + j->t[i].end;
	while (p < end) {
		n = unesc(&p, end, u);
		if (n < 0 || (size_t)n > slen - off || memcmp(s + off, u, (size_t)n) != 0)
			return 0;
		off += (size_t)n;
	}
	return off == slen;
}

int json_eq(const struct json *j, int i, const char *s)
{
	return s ? eq_n(j, i, s, strlen(s)) : 0;
}

static int get_n(const struct json *j, int obj, const char *key, size_t klen)
{
	int c, k;

	if (!tok_ok(j, obj) || j->t[obj].type != JSON_OBJECT)
		return -1;
	k = obj + 1;
	for (c = 0; c < j->t[obj].size; c++) {
		if (k < 0 || k + 1 >= j->n)
			return -1;
		if (eq_n(j, k, key, klen))
			return k + 1;
		k = json_skip(j, k);
	}
	return -1;
}

int json_get(const struct json *j, int obj, const char *key)
{
	return key ? get_n(j, obj, key, strlen(key)) : -1;
}

int json_path(const struct json *j, const char *dotted)
{
	const char *dot;
	int i = 0;

	if (!dotted || !tok_ok(j, 0))
		return -1;
	while (*dotted) {
		dot = strchr(dotted, '.');
		if (!dot)
			dot = dotted + strlen(dotted);
		if (dot == dotted)
			return -1;
		i = get_n(j, i, dotted, (size_t)(dot - dotted));
		if (i < 0)
			return -1;
		dotted = *dot ? dot + 1 : dot;
		if (dot[0] == '.' && !*dotted)
			return -1;
	}
	return i;
}

int json_elem(const struct json *j, int arr, int k)
{
	int i;

	if (!tok_ok(j, arr) || j->t[arr].type != JSON_ARRAY || k < 0 || k >= j->t[arr].size)
		return -1;
	for (i = arr + 1; k > 0 && i >= 0; k--)
		i = json_skip(j, i);
	return tok_ok(j, i) ? i : -1;
}

int json_int(const struct json *j, int i, long long *v)
{
	const char *p, *end;
	long long x = 0;
	int neg = 0, d;

	if (!tok_ok(j, i) || j->t[i].type != JSON_PRIMITIVE)
		return -1;
	p = j->s + j->t[i].start;
	end = j->s + j->t[i].end;
	if (p < end && *p == '-') {
		neg = 1;
		p++;
	}
	if (p >= end)
		return -1;
	for (; p < end; p++) {
		if (!is_digit(*p))
			return -1;
		d = *p - '0';
		/* accumulate negatively so LLONG_MIN fits */
		if (x < (LLONG_MIN + d) / 10)
			return -1;
		x = x * 10 - d;
	}
	if (!neg && x == LLONG_MIN)
		return -1;
	*v = neg ? x : -x;
	return 0;
}

static int prim_is(const struct json *j, int i, const char *w)
{
	size_t n = strlen(w);

	return tok_ok(j, i) && j->t[i].type == JSON_PRIMITIVE &&
	       (size_t)(j->t[i].end - j->t[i].start) == n &&
	       memcmp(j->s + j->t[i].start, w, n) == 0;
}

int json_bool(const struct json *j, int i, int *v)
{
	if (prim_is(j, i, "true"))
		*v = 1;
	else if (prim_is(j, i, "false"))
		*v = 0;
	else
		return -1;
	return 0;
}

int json_null(const struct json *j, int i)
{
	return prim_is(j, i, "null");
}

/* ---- writing ---- */

static void w_put(struct json_w *w, const char *s, size_t n)
{
	if (w->err)
		return;
	if (n >= w->cap - w->len) {
		w->err = 1;
		return;
	}
	memcpy(w->p + w->len, s, n);
	w->len += n;
	w->p[w->len] = '\0';
}

void json_w_init(struct json_w *w, char *buf, size_t cap)
{
	memset(w, 0, sizeof(*w));
	w->p = buf;
	w->cap = cap;
	if (!buf || !cap)
		w->err = 1;
	else
		buf[0] = '\0';
}

/* Before any value: the comma, and the checks that a value may go here. */
static void w_value(struct json_w *w)
{
	if (w->depth == 0) {
		if (w->need_comma[0])
			w->err = 1;
	} else if (w->kind[w->depth] == '{') {
		if (!w->after_key)
			w->err = 1;
	} else if (w->need_comma[w->depth]) {
		w_put(w, ",", 1);
	}
	w->after_key = 0;
	w->need_comma[w->depth] = 1;
}

static void w_open(struct json_w *w, char c)
{
	w_value(w);
	if (w->depth == JSON_W_DEPTH) {
		w->err = 1;
		return;
	}
	w->depth++;
	w->kind[w->depth] = c;
	w->need_comma[w->depth] = 0;
	w_put(w, &c, 1);
}

static void w_close(struct json_w *w, char open)
{
	char c = closer(open);

	if (w->depth == 0 || w->kind[w->depth] != open || w->after_key) {
		w->err = 1;
		return;
	}
	w->depth--;
	w_put(w, &c, 1);
}

void json_w_obj(struct json_w *w)
{
	w_open(w, '{');
}

void json_w_end_obj(struct json_w *w)
{
	w_close(w, '{');
}

void json_w_arr(struct json_w *w)
{
	w_open(w, '[');
}

void json_w_end_arr(struct json_w *w)
{
	w_close(w, '[');
}

static void w_quoted(struct json_w *w, const char *s)
{
	static const char hexd[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	char e[6] = { '\\', 'u', '0', '0', 0, 0 };

	if (!s) {
		w->err = 1;
		return;
	}
	w_put(w, "\"", 1);
	for (; *p; p++) {
		if (*p == '"' || *p == '\\') {
			e[1] = (char)*p;
			w_put(w, e, 2);
			e[1] = 'u';
		} else if (*p < 0x20 || *p == 0x7f) {
			e[4] = hexd[*p >> 4];
			e[5] = hexd[*p & 15];
			w_put(w, e, 6);
		} else {
			w_put(w, (const char *)p, 1);
		}
	}
	w_put(w, "\"", 1);
}

void json_w_key(struct json_w *w, const char *k)
{
	if (w->depth == 0 || w->kind[w->depth] != '{' || w->after_key) {
		w->err = 1;
		return;
	}
	if (w->need_comma[w->depth])
		w_put(w, ",", 1);
	w->need_comma[w->depth] = 1;
	w_quoted(w, k);
	w_put(w, ":", 1);
	w->after_key = 1;
}

void json_w_str(struct json_w *w, const char *s)
{
	w_value(w);
	w_quoted(w, s);
}

void json_w_int(struct json_w *w, long long v)
{
	char b[24];
	int n = snprintf(b, sizeof(b), "%lld", v);

	w_value(w);
	if (n < 0 || (size_t)n >= sizeof(b))
		w->err = 1;
	else
		w_put(w, b, (size_t)n);
}

void json_w_kstr(struct json_w *w, const char *k, const char *s)
{
	json_w_key(w, k);
	json_w_str(w, s);
}

void json_w_kint(struct json_w *w, const char *k, long long v)
{
	json_w_key(w, k);
	json_w_int(w, v);
}

void json_w_bool(struct json_w *w, int v)
{
	w_value(w);
	w_put(w, v ? "true" : "false", v ? 4 : 5);
}

void json_w_null(struct json_w *w)
{
	w_value(w);
	w_put(w, "null", 4);
}

int json_w_finish(struct json_w *w)
{
	if (w->err || w->depth || w->after_key || !w->need_comma[0] || w->len > INT_MAX) {
		if (w->p && w->cap)
			w->p[0] = '\0';
		w->err = 1;
		return -1;
	}
	return (int)w->len;
}
