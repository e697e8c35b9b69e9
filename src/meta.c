/* meta.c: the CVM metadata service (plain HTTP): one GET of latest/meta-data/PATH at a time. */
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "meta.h"
#include "sign.h"
#include "util.h"

int meta_init(struct meta *m, const char *base_url, int timeout_s)
{
	char host[256], path[256];
	int tls, port;

	if (http_split_url(base_url, &tls, host, sizeof host, &port, path, sizeof path) < 0)
		return -1;	/* logged, naming the URL */
	if (tls) {
		log_err("metadata %s: only http:// is supported", base_url);
		return -1;
	}
	http_init(&m->conn, host, port, 0, NULL, timeout_s * 1000);
	m->ready = 1;
	return 0;
}

int meta_get(struct meta *m, const char *path, char *out, size_t cap)
{
	char url[512], text[8192];
	struct http_resp r;

	if (!m->ready || util_fmt(url, sizeof url, "/latest/meta-data/%s", path) < 0)
		return -1;
	if (http_request(&m->conn, "GET", url, "", NULL, 0, HTTP_REPLAYABLE, m->buf, sizeof m->buf, &r) < 0)
		return -1;	/* logged by http */
	if (r.status == 404)
		return 1;
	if (r.status != 200) {
		log_err("metadata %s%s: HTTP %d", m->conn.host, url, r.status);
		return -1;
	}
	if (r.body_len >= cap || r.body_len >= sizeof text) {
		log_err("metadata %s%s: answer too long (%zu bytes)", m->conn.host, url, r.body_len);
		return -1;
	}
	memcpy(text, r.body, r.body_len);
	text[r.body_len] = 0;
	r.status = util_copy(out, cap, util_trim(text));
	util_wipe(text, sizeof text);
	return r.status;
}

void meta_close(struct meta *m)
{
	if (m->ready) {
		http_close(&m->conn);
		util_wipe(m->buf, sizeof m->buf);	/* may hold role credentials */
	}
	m->ready = 0;
}
