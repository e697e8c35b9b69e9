/* fuzz_json.c: libFuzzer target for json.c: parse, then walk every token with every reader. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

#define NTOK 256

static void walk(const struct json *j)
{
	char small[8], big[512];
	long long v;
	int i, k, b;

	for (i = 0; i < j->n; i++) {
		int next = json_skip(j, i);

		if (next <= i || next > j->n)
			abort();
		if ((i == 0) != (j->t[i].parent == -1) || j->t[i].parent >= i)
			abort();
		if (json_str(j, i, big, sizeof(big)) >= 0 && strlen(big) >= sizeof(big))
			abort();
		if (json_str(j, i, small, sizeof(small)) >= 0 && strlen(small) >= sizeof(small))
			abort();
		/* a string that unescapes equals its own unescaped text */
		if (json_str(j, i, big, sizeof(big)) >= 0 && !json_eq(j, i, big))
			abort();
		(void)json_int(j, i, &v);
		(void)json_bool(j, i, &b);
		(void)json_null(j, i);
		if (j->t[i].type == JSON_ARRAY)
			for (k = 0; k <= j->t[i].size; k++)
				(void)json_elem(j, i, k);
		if (j->t[i].type == JSON_OBJECT) {
			(void)json_get(j, i, "Response");
			(void)json_get(j, i, "");
		}
	}
	(void)json_path(j, "Response.Error.Code");
	(void)json_path(j, "a.b.c.d");
}

/* Writes the unescaped strings back through the writer and reparses the result. */
static void roundtrip(const struct json *j)
{
	static struct json_tok t2[NTOK];
	char out[4096], s[512];
	struct json_w w;
	struct json j2;
	int i, n, k = 0;

	json_w_init(&w, out, sizeof(out));
	json_w_obj(&w);
	for (i = 0; i < j->n && k < 32; i++) {
		if (json_str(j, i, s, sizeof(s)) < 0)
			continue;
		json_w_key(&w, "k");
		json_w_str(&w, s);
		k++;
	}
	json_w_end_obj(&w);
	n = json_w_finish(&w);
	if (n < 0)
		return;
	if (json_parse(&j2, out, (size_t)n, t2, NTOK) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct json_tok toks[NTOK];
	struct json j;

	if (json_parse(&j, (const char *)data, size, toks, NTOK) != 0)
		return 0;
	if (j.n < 1 || j.t[0].type != JSON_OBJECT || json_skip(&j, 0) != j.n)
		abort();
	walk(&j);
	roundtrip(&j);
	return 0;
}
