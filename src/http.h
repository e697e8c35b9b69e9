/* http.h: HTTP/1.1 client over plain TCP or TLS with keep-alive, and its strict response parser. */
#ifndef HTTP_H
#define HTTP_H
#include <stddef.h>

#include "tls.h"

#define HTTP_HEAD_MAX 16384		/* status line + headers; also chunked trailers */
#define HTTP_HEADERS_MAX 100
#define HTTP_BODY_MAX (1LL << 30)	/* a larger Content-Length is malformed */
#define HTTP_INTERIM_MAX 8		/* 1xx responses before the final one */
#define HTTP_MAX_EXTRA 16		/* extra request header lines (distinct names) */

/* http_request flags. */
#define HTTP_REPLAYABLE 1u	/* idempotent (a GET, a Describe*): may be resent once if a
				 * reused connection closes before the first response byte */

/* http_request's result when a request that is not HTTP_REPLAYABLE went out on a reused
 * connection that closed before any response byte: not resent, and whether the server
 * acted on it is unknown (look before trying again). */
#define HTTP_UNANSWERED (-2)

/* One connection to one host; caller-owned, about 29 KiB. Do not copy it after the first request. */
struct http_conn {
	int fd;			/* -1 when not connected */
	int use_tls;
	char host[256];
	int port;
	int timeout_ms;		/* for one whole exchange: connect, handshake, request, response */
	const struct anchors *ta;
	int alive;		/* the open connection may carry another request */
	unsigned requests;	/* requests sent on the open connection */
	int new_session;	/* a full TLS handshake made a new session (the owner may keep
				 * it: tls_session_save) and clears this */
	struct tls_conn tls;
};

struct http_resp {
	int status;
	char date[40];		/* Date header, "" when absent or longer than 39 bytes */
	long long content_length;	/* -1 when absent (chunked or close-delimited) */
	char *body;		/* inside the caller's buffer; http_request NUL-terminates it */
	size_t body_len;
	size_t head_len;	/* status line and headers, final CRLF included */
	int keep_alive;		/* the connection may carry another request */
	int chunked;
	int retried;		/* the reused connection was closed: reconnected and resent once */
	const char *error;	/* why http_parse_response returned -1 (static text), else NULL */
};

/* Process-wide counters for benchmarks and doctor. */
extern unsigned long http_stat_connects;	/* TCP connections opened */
extern unsigned long http_stat_handshakes;	/* TLS handshakes, resumed ones included */
extern unsigned long http_stat_resumed;		/* TLS handshakes that resumed a session */

/* port <= 0 means 80 or 443. ta is required when use_tls and must outlive c. */
void http_init(struct http_conn *c, const char *host, int port, int use_tls,
    const struct anchors *ta, int timeout_ms);

/* Sends METHOD path with Host (":port" when not the default), Content-Length (unless a
 * body-less GET), Connection: keep-alive and extra_headers ("K: V\r\n..." or NULL), then
 * the body; reads the response into buf (headers and body; at most cap - 1 bytes, a
 * larger response is an error). Reuses the open connection when it can; connects (and
 * handshakes) when needed. If a reused connection turns out closed before any response
 * byte, a request with flags & HTTP_REPLAYABLE is resent once on a new connection
 * (r->retried); any other is not, and the result is HTTP_UNANSWERED. timeout_ms bounds
 * the whole exchange whatever the peer sends (the clock is read on every turn; at most
 * HTTP_INTERIM_MAX 1xx responses, counted in HTTP_HEAD_MAX). Returns 0 with r filled
 * (any HTTP status), HTTP_UNANSWERED (logged), or -1 logged naming the host. HEAD is
 * not supported. Header values are never logged. */
int http_request(struct http_conn *c, const char *method, const char *path,
    const char *extra_headers, const void *body, size_t body_len, unsigned flags,
    char *buf, size_t cap, struct http_resp *r);

/* Opens (and handshakes) the connection now unless an open one is still good: so that the
 * next request goes out without a handshake. 0, or -1 logged naming the host. */
int http_connect(struct http_conn *c);
void http_close(struct http_conn *c);

/* Pure parser of the len bytes received so far; eof: no more bytes will come.
 * Returns 1 complete (r filled; a chunked body is decoded in place, so call it no more
 * on this buffer), 0 need more, -1 malformed (r->error says which): bare CR or LF, folded or malformed header,
 * head over HTTP_HEAD_MAX or HTTP_HEADERS_MAX lines, bad or absurd Content-Length,
 * Transfer-Encoding other than chunked or with Content-Length, bad chunk framing, or
 * eof before the end of a framed body. A body without framing ends at eof. */
int http_parse_response(char *buf, size_t len, int eof, struct http_resp *r);

/* Splits "http://host[:port][/path]" (or https://, "[v6]" hosts) into its parts; path
 * defaults to "/", port to 80/443. 0, or -1 logged naming the URL. */
int http_split_url(const char *url, int *use_tls, char *host, size_t host_cap, int *port,
    char *path, size_t path_cap);
#endif
