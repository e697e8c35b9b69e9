/* fuzz_http.c: libFuzzer target for http_parse_response, checking its answers with and without end of stream agree. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

/* Parses a private, exactly-sized copy so ASan sees any read past the end. */
static int parse_copy(const uint8_t *data, size_t size, int eof, struct http_resp *r, char **out)
{
	char *buf = malloc(size ? size : 1);
	int rc;

	if (!buf)
		abort();
	if (size)
		memcpy(buf, data, size);
	rc = http_parse_response(buf, size, eof, r);
	if (rc < -1 || rc > 1)
		abort();
	if (rc == 1 && (r->head_len > size || r->body < buf || r->body_len > size ||
	    r->body + r->body_len > buf + size || r->status < 100 || r->status > 599 ||
	    r->date[sizeof r->date - 1] != 0))
		abort();
	*out = buf;
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_resp open_r, eof_r;
	char *open_b, *eof_b;
	int x, y;

	/* x: more bytes may come; y: the stream ended there. */
	x = parse_copy(data, size, 0, &open_r, &open_b);
	y = parse_copy(data, size, 1, &eof_r, &eof_b);
	if (y == 0)
		abort();	/* at end of stream there is no "need more" */
	if (x == -1 && y != -1)
		abort();	/* the end of stream never rescues garbage */
	if (x == 1 && (y != 1 || eof_r.body_len != open_r.body_len || eof_r.status != open_r.status))
		abort();	/* nor changes a complete message */
	free(open_b);
	free(eof_b);
	return 0;
}
