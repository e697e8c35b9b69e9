/* meta.h: the CVM metadata service (plain HTTP): one GET of latest/meta-data/PATH at a time. */
#ifndef META_H
#define META_H
#include <stddef.h>
#include "http.h"

struct meta {
	struct http_conn conn;
	char buf[16384];	/* one response, headers included */
	int ready;
};

/* Parses cfg `metadata` (http://HOST[:PORT]); 0 or -1 (logged). */
int meta_init(struct meta *m, const char *base_url, int timeout_s);
/* GET latest/meta-data/PATH into out (trimmed, NUL-terminated).
 * 0 ok, 1 not there (404), -1 error (logged with the URL). */
int meta_get(struct meta *m, const char *path, char *out, size_t cap);
void meta_close(struct meta *m);
#endif
