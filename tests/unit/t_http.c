/* t_http.c: unit tests of the HTTP response parser, URL splitter and plain-HTTP exchanges on loopback. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "harness.h"
#include "util.h"
#include "http.h"
#include "net.h"

static char pbuf[65536];

/* Parses a copy of s (without its NUL) of length n. */
static int parse_n(const char *s, size_t n, int eof, struct http_resp *r)
{
	memcpy(pbuf, s, n);
	return http_parse_response(pbuf, n, eof, r);
}

static int parse(const char *s, int eof, struct http_resp *r)
{
	return parse_n(s, strlen(s), eof, r);
}

static int body_is(const struct http_resp *r, const char *want)
{
	return r->body_len == strlen(want) && memcmp(r->body, want, r->body_len) == 0;
}

/* Every proper prefix must ask for more (and with eof be refused), unchanged. */
static int prefixes_incomplete(const char *s)
{
	struct http_resp r;
	size_t i, n = strlen(s);

	for (i = 0; i < n; i++) {
		if (parse_n(s, i, 0, &r) != 0 || memcmp(pbuf, s, i) != 0)
			return 0;
		if (parse_n(s, i, 1, &r) != -1)
			return 0;
	}
	return 1;
}

static void test_content_length(void)
{
	const char *s = "HTTP/1.1 200 OK\r\nDate: Mon, 01 Jan 2024 00:00:00 GMT\r\n"
	    "Content-Type: application/json\r\nContent-Length: 5\r\n\r\nhello";
	struct http_resp r;

	check(parse(s, 0, &r) == 1);
	check(r.status == 200);
	check(body_is(&r, "hello"));
	check(r.content_length == 5);
	check(r.keep_alive == 1);
	check(!strcmp(r.date, "Mon, 01 Jan 2024 00:00:00 GMT"));
	check(r.head_len == strlen(s) - 5);
	check(prefixes_incomplete(s));
	/* reason phrase may be empty or absent; HTTP/1.0 closes unless asked */
	check(parse("HTTP/1.1 404 \r\nContent-Length: 0\r\n\r\n", 0, &r) == 1 && r.status == 404);
	check(parse("HTTP/1.1 500\r\nContent-Length: 0\r\n\r\n", 0, &r) == 1 && r.status == 500);
	check(parse("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", 0, &r) == 1 && !r.keep_alive);
	check(parse("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n", 0, &r) == 1 &&
	    r.keep_alive);
	check(parse("HTTP/1.1 200 OK\r\nConnection: foo, close\r\nContent-Length: 0\r\n\r\n", 0, &r) == 1 &&
	    !r.keep_alive);
	/* the same length twice is fine, two different ones are not */
	check(parse("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok", 0, &r) == 1);
	check(parse("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok", 0, &r) == -1);
	/* bytes after the body: complete, but the connection is out of step */
	check(parse("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA", 0, &r) == 1 && body_is(&r, "ok") &&
	    !r.keep_alive);
	/* no body for 204, 304 and 1xx whatever the headers say */
	check(parse("HTTP/1.1 204 No Content\r\n\r\n", 0, &r) == 1 && r.body_len == 0 && r.keep_alive);
	check(parse("HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n", 0, &r) == 1 && r.body_len == 0);
	check(parse("HTTP/1.1 100 Continue\r\n\r\n", 0, &r) == 1 && r.status == 100);
}

static void test_chunked(void)
{
	const char *s = "HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n"
	    "5;name=val\r\nhello\r\n6 ; x=\"y\"\r\n world\r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n";
	struct http_resp r;

	check(prefixes_incomplete(s));	/* the same as arriving split across reads */
	check(parse(s, 0, &r) == 1);
	check(r.chunked && r.content_length == -1);
	check(body_is(&r, "hello world0123456789"));
	check(r.keep_alive);
	check(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 0, &r) == 1 &&
	    r.body_len == 0);
	/* framing errors */
	check(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloX\r\n0\r\n\r\n", 0, &r) == -1);
	check(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\ng\r\n", 0, &r) == -1);
	check(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", 0, &r) == -1);
	check(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5x\r\nhello\r\n0\r\n\r\n", 0, &r) == -1);
	check(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n", 0, &r) == -1);
	check(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1234567890abcdef\r\n", 0, &r) == -1);
	check(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nbad trailer\r\n\r\n", 0, &r) == -1);
	/* only "chunked", never with Content-Length, never from HTTP/1.0 */
	check(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 0, &r) == -1);
	check(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n", 0, &r) == -1);
	check(parse("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 0, &r) == -1);
}

static void test_close_delimited(void)
{
	struct http_resp r;
	const char *s = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nabc";

	check(parse(s, 0, &r) == 0);	/* no framing: only the end of stream ends it */
	check(parse(s, 1, &r) == 1 && body_is(&r, "abc") && !r.keep_alive && r.content_length == -1);
	/* early close of framed bodies is an error */
	check(parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello", 0, &r) == 0);
	check(parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello", 1, &r) == -1);
	check(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", 1, &r) == -1);
	check(parse("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n", 1, &r) == -1);
	check(parse("", 0, &r) == 0);
	check(parse("", 1, &r) == -1);
}

static void test_malformed(void)
{
	static char huge[HTTP_HEAD_MAX + 200];
	struct http_resp r;
	size_t n;
	int i;

	check(parse("HTTP/2 200 OK\r\n\r\n", 0, &r) == -1);
	check(parse("HTTP/1.2 200 OK\r\n\r\n", 0, &r) == -1);
	check(parse("HTTP/1.1 20 OK\r\n\r\n", 0, &r) == -1);
	check(parse("HTTP/1.1 200OK\r\n\r\n", 0, &r) == -1);
	check(parse("HTTP/1.1 999 Nope\r\n\r\n", 0, &r) == -1);
	check(parse("http/1.1 200 OK\r\n\r\n", 0, &r) == -1);
	check(parse("SSH-2.0-OpenSSH\r\n\r\n", 0, &r) == -1);
	check(parse("\r\nHTTP/1.1 200 OK\r\n\r\n", 0, &r) == -1);
	/* CR/LF strictness: a bare LF or CR is refused at once, not waited upon */
	check(parse("HTTP/1.1 200 OK\n", 0, &r) == -1);
	check(parse("HTTP/1.1 200 OK\r\nContent-Length: 0\n\r\n", 0, &r) == -1);
	check(parse("HTTP/1.1 200 OK\rX\r\n\r\n", 0, &r) == -1);
	check(parse("HTTP/1.1 200 OK\r", 0, &r) == 0);
	/* header syntax */
	check(parse("HTTP/1.1 200 OK\r\nX-A: a\r\n  folded\r\nContent-Length: 0\r\n\r\n", 0, &r) == -1);
	check(parse("HTTP/1.1 200 OK\r\nContent-Length : 0\r\n\r\n", 0, &r) == -1);
	check(parse("HTTP/1.1 200 OK\r\nNo colon\r\n\r\n", 0, &r) == -1);
	check(parse("HTTP/1.1 200 OK\r\n: empty name\r\n\r\n", 0, &r) == -1);
	check(parse_n("HTTP/1.1 200 OK\r\nX: a\0b\r\nContent-Length: 0\r\n\r\n", 46, 0, &r) == -1);
	/* absurd or bad lengths */
	check(parse("HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n", 0, &r) == -1);
	check(parse("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n", 0, &r) == -1);
	check(parse("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", 0, &r) == -1);
	check(parse("HTTP/1.1 200 OK\r\nContent-Length: 1e3\r\n\r\n", 0, &r) == -1);
	check(parse("HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n", 0, &r) == -1);
	check(parse("HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\n", 0, &r) == -1);
	/* huge header line: refused as soon as the limit is passed, even without eof */
	n = (size_t)snprintf(huge, sizeof huge, "HTTP/1.1 200 OK\r\nX-Big: ");
	memset(huge + n, 'a', sizeof huge - n - 1);
	check(parse_n(huge, sizeof huge - 1, 0, &r) == -1 && !strcmp(r.error, "head larger than 16384 bytes"));
	check(parse_n(huge, HTTP_HEAD_MAX / 2, 0, &r) == 0);
	/* too many header lines */
	n = (size_t)snprintf(huge, sizeof huge, "HTTP/1.1 200 OK\r\n");
	for (i = 0; i < HTTP_HEADERS_MAX + 5; i++)
		n += (size_t)snprintf(huge + n, sizeof huge - n, "X-%d: v\r\n", i);
	n += (size_t)snprintf(huge + n, sizeof huge - n, "Content-Length: 0\r\n\r\n");
	check(parse_n(huge, n, 0, &r) == -1 && !strcmp(r.error, "more than 100 header lines"));
}

static void test_split_url(void)
{
	char host[64], path[64];
	int tls = -1, port = 0;

	check(http_split_url("http://metadata.tencentyun.com", &tls, host, sizeof host, &port, path, sizeof path) == 0);
	check(tls == 0 && port == 80 && !strcmp(host, "metadata.tencentyun.com") && !strcmp(path, "/"));
	check(http_split_url("http://198.18.0.1:8080/latest/meta-data/", &tls, host, sizeof host, &port, path,
	    sizeof path) == 0);
	check(tls == 0 && port == 8080 && !strcmp(host, "198.18.0.1") && !strcmp(path, "/latest/meta-data/"));
	check(http_split_url("https://[::1]:8443/x?y=1", &tls, host, sizeof host, &port, path, sizeof path) == 0);
	check(tls == 1 && port == 8443 && !strcmp(host, "::1") && !strcmp(path, "/x?y=1"));
	check(http_split_url("https://h.example", &tls, host, sizeof host, &port, path, sizeof path) == 0 &&
	    port == 443);
	check(http_split_url("ftp://h/", &tls, host, sizeof host, &port, path, sizeof path) == -1);
	check(http_split_url("http://", &tls, host, sizeof host, &port, path, sizeof path) == -1);
	check(http_split_url("http://h:0/", &tls, host, sizeof host, &port, path, sizeof path) == -1);
	check(http_split_url("http://h:99999/", &tls, host, sizeof host, &port, path, sizeof path) == -1);
	check(http_split_url("http://h:80x/", &tls, host, sizeof host, &port, path, sizeof path) == -1);
	check(http_split_url("http://user@h/", &tls, host, sizeof host, &port, path, sizeof path) == -1);
	check(http_split_url("http://h/a b", &tls, host, sizeof host, &port, path, sizeof path) == -1);
	check(http_split_url("http://h/a#frag", &tls, host, sizeof host, &port, path, sizeof path) == -1);
	check(http_split_url("http://a-very-long-host-name-that-does-not-fit.example/", &tls, host, 16, &port,
	    path, sizeof path) == -1);
}

/* ---- a scripted HTTP server thread on 127.0.0.1 ---- */

enum scenario { KEEP, SLOW_CHUNKED, IDLE_CLOSE, DROP_SECOND, SILENT, BIG, SHORT, CLOSE_DELIM, CONTINUE,
	CONTINUE_FOREVER, CONTINUE_MANY };

struct srv {
	enum scenario sc;
	int lfd, port, max_conns;
	int accepts, requests;
	char first[2048];	/* the first request received, NUL-terminated */
	pthread_t th;
};

static int wait_in(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1;
}

/* Reads one request (head + Content-Length body); its length, or -1 at EOF or after 3 s. */
static int read_request(int fd, char *buf, size_t cap)
{
	size_t len = 0, need = 0;
	const char *end, *cl;
	ssize_t n;

	for (;;) {
		if (len + 1 >= cap || !wait_in(fd, 3000))
			return -1;
		n = read(fd, buf + len, cap - 1 - len);
		if (n <= 0)
			return -1;
		len += (size_t)n;
		buf[len] = 0;
		end = strstr(buf, "\r\n\r\n");
		if (!end)
			continue;
		cl = strcasestr(buf, "\r\nContent-Length: ");
		need = (size_t)(end + 4 - buf) + (cl && cl < end ? (size_t)atoi(cl + 18) : 0);
		if (len >= need)
			return (int)len;
	}
}

static void put(int fd, const char *s)
{
	if (write(fd, s, strlen(s)) < 0)
		(void)0;
}

static void msleep(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* "100 Continue" heads back to back, in writes large enough to keep the socket full,
 * for at most 5 s (or until the client goes): a client must not wait for it to block. */
static void continue_forever(int fd)
{
	static const char one[] = "HTTP/1.1 100 Continue\r\n\r\n";
	static char many[(sizeof one - 1) * 1024];
	long long end = util_now_ms() + 5000;
	size_t i;

	for (i = 0; i < 1024; i++)
		memcpy(many + i * (sizeof one - 1), one, sizeof one - 1);
	while (util_now_ms() < end && send(fd, many, sizeof many, MSG_NOSIGNAL) > 0)
		;
}

/* Answers request number j of connection conn: 0 keep the connection, 1 close it. */
static int respond(struct srv *s, int fd, int conn, int j)
{
	static char big[1200];
	int i;

	switch (s->sc) {
	case KEEP:
		put(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
		return 0;
	case SLOW_CHUNKED:
		put(fd, "HTTP/1.1 200 OK\r\nTransfer-");
		msleep(20);
		put(fd, "Encoding: chunked\r\n\r\n5;ext=1\r\nhel");
		msleep(20);
		put(fd, "lo\r\n6\r\n world\r");
		msleep(20);
		put(fd, "\n0\r\n\r\n");
		return 0;
	case IDLE_CLOSE:
		put(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
		return 1;
	case DROP_SECOND:
		if (conn == 0 && j == 1)
			return 1;
		put(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
		return 0;
	case SILENT:
		wait_in(fd, 3000);
		return 1;
	case BIG:
		memset(big, 'x', sizeof big);
		memcpy(big, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", 41);
		if (write(fd, big, sizeof big) < 0)
			(void)0;
		return 1;
	case SHORT:
		put(fd, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello");
		return 1;
	case CLOSE_DELIM:
		put(fd, "HTTP/1.1 200 OK\r\n\r\nabc");
		return 1;
	case CONTINUE:
		put(fd, "HTTP/1.1 100 Continue\r\n\r\n");
		msleep(10);
		put(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
		return 0;
	case CONTINUE_FOREVER:
		continue_forever(fd);
		return 1;
	case CONTINUE_MANY:
		for (i = 0; i < HTTP_INTERIM_MAX + 1; i++)
			put(fd, "HTTP/1.1 100 Continue\r\n\r\n");
		put(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
		return 0;
	}
	return 1;
}

static void *serve(void *arg)
{
	struct srv *s = arg;
	char req[4096];
	int conn, j, fd;

	for (conn = 0; conn < s->max_conns; conn++) {
		if (!wait_in(s->lfd, 3000))
			break;
		fd = accept(s->lfd, NULL, NULL);
		if (fd < 0)
			break;
		s->accepts++;
		for (j = 0; read_request(fd, req, sizeof req) > 0; j++) {
			if (s->requests++ == 0)
				memcpy(s->first, req, strlen(req) + 1);
			if (respond(s, fd, conn, j))
				break;
		}
		close(fd);
	}
	return NULL;
}

static int srv_start(struct srv *s, enum scenario sc, int max_conns)
{
	struct sockaddr_in a;
	socklen_t alen = sizeof a;

	memset(s, 0, sizeof *s);
	s->sc = sc;
	s->max_conns = max_conns;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s->lfd < 0 || bind(s->lfd, (struct sockaddr *)&a, sizeof a) < 0 || listen(s->lfd, 8) < 0 ||
	    getsockname(s->lfd, (struct sockaddr *)&a, &alen) < 0)
		return -1;
	s->port = ntohs(a.sin_port);
	return pthread_create(&s->th, NULL, serve, s) == 0 ? 0 : -1;
}

static void srv_stop(struct srv *s)
{
	pthread_join(s->th, NULL);
	close(s->lfd);
}

static char rbuf[8192];

static void test_keep_alive(void)
{
	struct http_conn c;
	struct http_resp r;
	struct srv s;
	char want[128];
	unsigned long conns = http_stat_connects;

	if (srv_start(&s, KEEP, 2) < 0) {
		check(!"server start");
		return;
	}
	http_init(&c, "127.0.0.1", s.port, 0, NULL, 2000);
	check(http_request(&c, "GET", "/a?b=1", "X-Test: 1\r\n", NULL, 0, HTTP_REPLAYABLE, rbuf, sizeof rbuf, &r) == 0);
	check(r.status == 200 && body_is(&r, "ok") && r.body[2] == 0 && !r.retried);
	check(c.fd >= 0 && c.alive);
	check(http_request(&c, "POST", "/p", "Content-Type: application/json\r\n", "{\"k\":1}", 7,
	    HTTP_REPLAYABLE, rbuf, sizeof rbuf, &r) == 0);
	check(r.status == 200 && body_is(&r, "ok") && !r.retried);
	check(c.requests == 2);
	http_close(&c);
	srv_stop(&s);
	check(s.accepts == 1 && s.requests == 2);
	check(http_stat_connects == conns + 1);
	snprintf(want, sizeof want, "GET /a?b=1 HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: keep-alive\r\n"
	    "X-Test: 1\r\n\r\n", s.port);
	check(!strcmp(s.first, want));
	/* refused before anything is sent: header injection, bad method, bad path, no host */
	http_init(&c, "127.0.0.1", s.port, 0, NULL, 500);
	check(http_request(&c, "GET", "/", "X: a\r\nInjected\r\n", NULL, 0, HTTP_REPLAYABLE, rbuf, sizeof rbuf, &r) == -1);
	check(http_request(&c, "GET", "/", "X: a\r\n\r\nGET / HTTP/1.1\r\n", NULL, 0, HTTP_REPLAYABLE, rbuf,
	    sizeof rbuf, &r) == -1);
	check(http_request(&c, "GET", "/", "Content-Length: 3\r\n", NULL, 0, HTTP_REPLAYABLE, rbuf, sizeof rbuf, &r) == -1);
	check(http_request(&c, "GET", "/", "X: a", NULL, 0, HTTP_REPLAYABLE, rbuf, sizeof rbuf, &r) == -1);
	/* issue 10: a value carrying a CRLF and a header already there (X-TC-Region: r\r\nX-TC-Action: ...) */
	check(http_request(&c, "GET", "/", "X-TC-Action: Describe\r\nX-TC-Region: r\r\nx-tc-action: Migrate\r\n",
	    NULL, 0, HTTP_REPLAYABLE, rbuf, sizeof rbuf, &r) == -1);
	check(http_request(&c, "GET", "/a b", NULL, NULL, 0, HTTP_REPLAYABLE, rbuf, sizeof rbuf, &r) == -1);
	check(http_request(&c, "GET", "x", NULL, NULL, 0, HTTP_REPLAYABLE, rbuf, sizeof rbuf, &r) == -1);
	check(http_request(&c, "HEAD", "/", NULL, NULL, 0, HTTP_REPLAYABLE, rbuf, sizeof rbuf, &r) == -1);
	check(http_request(&c, "get", "/", NULL, NULL, 0, HTTP_REPLAYABLE, rbuf, sizeof rbuf, &r) == -1);
	check(http_request(&c, "GET", "/", NULL, NULL, 0, HTTP_REPLAYABLE, rbuf, 20, &r) == -1);	/* head does not fit */
	http_init(&c, "bad host", 80, 0, NULL, 500);
	check(http_request(&c, "GET", "/", NULL, NULL, 0, HTTP_REPLAYABLE, rbuf, sizeof rbuf, &r) == -1);
}

/* One request against a fresh server running scenario sc; returns http_request's result. */
static int one(enum scenario sc, int timeout_ms, size_t cap, struct http_resp *r, struct srv *s)
{
	struct http_conn c;
	int rc;

	if (srv_start(s, sc, 1) < 0)
		return -2;
	http_init(&c, "127.0.0.1", s->port, 0, NULL, timeout_ms);
	rc = http_request(&c, "GET", "/", NULL, NULL, 0, HTTP_REPLAYABLE, rbuf, cap, r);
	if (rc == 0)
		check(r->keep_alive ? c.fd >= 0 : c.fd < 0);
	http_close(&c);
	srv_stop(s);
	return rc;
}

static void test_exchanges(void)
{
	struct http_resp r;
	struct srv s;
	long long t0;

	check(one(SLOW_CHUNKED, 2000, sizeof rbuf, &r, &s) == 0);
	check(r.status == 200 && r.chunked && body_is(&r, "hello world") && r.body[r.body_len] == 0);
	check(one(CONTINUE, 2000, sizeof rbuf, &r, &s) == 0);
	check(r.status == 200 && body_is(&r, "ok"));
	check(one(CLOSE_DELIM, 2000, sizeof rbuf, &r, &s) == 0);
	check(r.status == 200 && body_is(&r, "abc") && !r.keep_alive);
	check(one(SHORT, 2000, sizeof rbuf, &r, &s) == -1);
	check(one(BIG, 2000, 256, &r, &s) == -1);	/* response too large */
	check(one(BIG, 2000, sizeof rbuf, &r, &s) == 0 && r.body_len == 1000);
	t0 = util_now_ms();
	check(one(SILENT, 300, sizeof rbuf, &r, &s) == -1);	/* timed out */
	check(util_now_ms() - t0 < 2000);
}

/* A peer that never lets recv() block still cannot outlive the deadline; 1xx are bounded. */
static void test_hostile(void)
{
	struct http_conn c;
	struct http_resp r;
	struct srv s;
	long long t0, ms;
	char b[8];
	int sv[2];

	/* net_recv/net_send_all look at the clock even when the socket is ready */
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
		check(!"socketpair");
		return;
	}
	check(write(sv[1], "data", 4) == 4);
	errno = 0;
	check(net_recv(sv[0], b, sizeof b, util_now_ms() - 1) == -1 && errno == ETIMEDOUT);
	check(net_recv(sv[0], b, sizeof b, util_now_ms() + 1000) == 4);
	errno = 0;
	check(net_send_all(sv[0], "x", 1, util_now_ms() - 1) == -1 && errno == ETIMEDOUT);
	close(sv[0]);
	close(sv[1]);

	if (srv_start(&s, CONTINUE_FOREVER, 1) < 0) {
		check(!"server start");
		return;
	}
	http_init(&c, "127.0.0.1", s.port, 0, NULL, 500);
	t0 = util_now_ms();
	check(http_request(&c, "GET", "/", NULL, NULL, 0, HTTP_REPLAYABLE, rbuf, sizeof rbuf, &r) == -1);
	ms = util_now_ms() - t0;
	check(ms < 1500);
	if (ms >= 1500)
		fprintf(stderr, "endless 100 Continue: http_request took %lld ms (timeout 500)\n", ms);
	http_close(&c);
	srv_stop(&s);
	/* HTTP_INTERIM_MAX 1xx heads are fine (CONTINUE sends one), one more is refused at once */
	t0 = util_now_ms();
	check(one(CONTINUE_MANY, 2000, sizeof rbuf, &r, &s) == -1);
	check(util_now_ms() - t0 < 1000);
	check(r.error && strstr(r.error, "interim"));
	/* parse errors say what was wrong */
	check(parse("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n", 0, &r) == -1 &&
	    !strcmp(r.error, "malformed header field"));
	check(parse("HTTP/1.1 200 OK\n", 0, &r) == -1 && !strcmp(r.error, "bare CR or LF in the head"));
	check(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 0, &r) == -1 &&
	    strstr(r.error, "chunked"));
	check(parse("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0, &r) == 1 && !r.error);
}

static void test_reconnect(void)
{
	struct http_conn c;
	struct http_resp r;
	struct srv s;

	/* The server closes the idle connection: noticed before sending, no resend needed. */
	if (srv_start(&s, IDLE_CLOSE, 2) < 0) {
		check(!"server start");
		return;
	}
	http_init(&c, "127.0.0.1", s.port, 0, NULL, 2000);
	check(http_request(&c, "GET", "/1", NULL, NULL, 0, HTTP_REPLAYABLE, rbuf, sizeof rbuf, &r) == 0 && r.keep_alive);
	msleep(100);
	check(http_request(&c, "GET", "/2", NULL, NULL, 0, HTTP_REPLAYABLE, rbuf, sizeof rbuf, &r) == 0 && !r.retried);
	http_close(&c);
	srv_stop(&s);
	check(s.accepts == 2 && s.requests == 2);

	/* The server drops the connection after reading the second request: resent once. */
	if (srv_start(&s, DROP_SECOND, 2) < 0) {
		check(!"server start");
		return;
	}
	http_init(&c, "127.0.0.1", s.port, 0, NULL, 2000);
	check(http_request(&c, "POST", "/1", NULL, "a", 1, HTTP_REPLAYABLE, rbuf, sizeof rbuf, &r) == 0 && !r.retried);
	check(http_request(&c, "POST", "/2", NULL, "b", 1, HTTP_REPLAYABLE, rbuf, sizeof rbuf, &r) == 0);
	check(r.retried && r.status == 200 && body_is(&r, "ok"));
	http_close(&c);
	srv_stop(&s);
	check(s.accepts == 2 && s.requests == 3);

	/* The same drop for a request not marked replayable (a Migrate): not resent. The next
	 * request opens the second connection: the server saw /2 once, on the first. */
	if (srv_start(&s, DROP_SECOND, 2) < 0) {
		check(!"server start");
		return;
	}
	http_init(&c, "127.0.0.1", s.port, 0, NULL, 2000);
	check(http_request(&c, "POST", "/1", NULL, "a", 1, 0, rbuf, sizeof rbuf, &r) == 0 && !r.retried);
	check(http_request(&c, "POST", "/2", NULL, "b", 1, 0, rbuf, sizeof rbuf, &r) == HTTP_UNANSWERED);
	check(c.fd < 0);
	check(http_request(&c, "GET", "/3", NULL, NULL, 0, HTTP_REPLAYABLE, rbuf, sizeof rbuf, &r) == 0 &&
	    !r.retried);
	http_close(&c);
	srv_stop(&s);
	check(s.accepts == 2 && s.requests == 3);
}

static void test_connect_errors(void)
{
	struct http_conn c;
	struct http_resp r;
	struct srv s;
	long long t0 = util_now_ms();
	int port;

	/* a port nobody listens on: refused quickly */
	if (srv_start(&s, KEEP, 0) < 0) {
		check(!"server start");
		return;
	}
	port = s.port;
	srv_stop(&s);
	http_init(&c, "127.0.0.1", port, 0, NULL, 1000);
	check(http_request(&c, "GET", "/", NULL, NULL, 0, HTTP_REPLAYABLE, rbuf, sizeof rbuf, &r) == -1);
	check(c.fd < 0);
	check(net_connect("127.0.0.1", 0, util_now_ms() + 100) == -1);
	check(net_connect("name.invalid", 80, util_now_ms() + 100) == -1);
	check(util_now_ms() - t0 < 5000);
}

int main(void)
{
	test_content_length();
	test_chunked();
	test_close_delimited();
	test_malformed();
	test_split_url();
	test_keep_alive();
	test_exchanges();
	test_hostile();
	test_reconnect();
	test_connect_errors();
	return check_done();
}
