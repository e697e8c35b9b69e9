/* tls_get.c: test client for test_tls.sh: HTTPS requests through http.c/tls.c, or a CA bundle load. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http.h"
#include "log.h"
#include "util.h"
#include "net.h"
#include "anchors.h"
#include "tls.h"

static const char usage[] =
    "usage: tls_get [-v] [-n COUNT] [-R] [-t MS] [-c CAFILE] HOST PORT PATH\n"
    "       tls_get [-v] -a [-c CAFILE]     load the bundle, print count and milliseconds\n"
    "  -n COUNT  requests on one connection (keep-alive); -R close it between requests\n";

static int load_only(const char *ca)
{
	struct anchors ta;
	long long t0 = util_now_ms();

	if (anchors_load(&ta, ca) < 0)
		return 1;
	printf("anchors=%zu skipped=%zu ms=%lld path=%s\n", ta.count, ta.skipped, util_now_ms() - t0, ta.path);
	anchors_free(&ta);
	return 0;
}

int main(int argc, char **argv)
{
	static struct http_conn c;
	static char buf[65536];
	struct anchors ta;
	struct http_resp r;
	const char *ca = NULL;
	int opt, n = 1, reconnect = 0, timeout = 3000, anchors = 0, i, rc = 0;

	while ((opt = getopt(argc, argv, "vn:Rt:c:a")) != -1) {
		switch (opt) {
		case 'v': log_open(NULL, 1); log_set_stderr(1); break;
		case 'n': n = atoi(optarg); break;
		case 'R': reconnect = 1; break;
		case 't': timeout = atoi(optarg); break;
		case 'c': ca = optarg; break;
		case 'a': anchors = 1; break;
		default: fputs(usage, stderr); return 2;
		}
	}
	if (anchors)
		return load_only(ca);
	if (argc - optind != 3) {
		fputs(usage, stderr);
		return 2;
	}
	if (anchors_load(&ta, ca) < 0)
		return 1;
	http_init(&c, argv[optind], atoi(argv[optind + 1]), 1, &ta, timeout);
	for (i = 0; i < n && rc == 0; i++) {
		if (http_request(&c, "GET", argv[optind + 2], "Accept: */*\r\n", NULL, 0, HTTP_REPLAYABLE, buf,
		    sizeof buf, &r) < 0) {
			rc = 1;
			break;
		}
		printf("status=%d body_len=%zu retried=%d keep_alive=%d body=%s", r.status, r.body_len,
		    r.retried, r.keep_alive, r.body);
		if (reconnect)
			http_close(&c);
	}
	http_close(&c);
	printf("handshakes=%lu resumed=%lu connects=%lu\n", http_stat_handshakes, http_stat_resumed,
	    http_stat_connects);
	anchors_free(&ta);
	return rc;
}
