/* http.c: owns HTTP/1.1 exchanges: request framing, keep-alive reuse, the response parser, URL splitting. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "http.h"
#include "log.h"
#include "util.h"
#include "net.h"
#include "tls.h"

#define HTTP_CHUNK_LINE_MAX 4096	/* chunk-size line with extensions */
#define HTTP_EOF_UNCLEAN (-3)		/* xfer_read: TLS peer closed without close_notify */
#define HTTP_CLOSED (-4)		/* reused connection closed before any response byte */
#define STR_(x) #x
#define STR(x) STR_(x)

unsigned long http_stat_connects;
unsigned long http_stat_handshakes;
unsigned long http_stat_resumed;

/* ---- response parser ---- */

static int is_tchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* Field-value bytes: visible ASCII, SP, HTAB and obs-text; no other control byte. */
static int is_vbyte(unsigned char c)
{
	return c == '\t' || (c >= 0x20 && c != 0x7f);
}

/* Finds the CRLF that ends the line starting at pos: 1 (*eol = index of CR), 0 need
 * more, -1 for a bare CR or LF or a line reaching limit. */
static int line_end(const char *b, size_t len, size_t pos, size_t limit, size_t *eol)
{
	size_t i;

	for (i = pos; i < len && i < limit; i++) {
		if (b[i] == '\n')
			return -1;
		if (b[i] != '\r')
			continue;
		if (i + 1 == len)
			return 0;
		if (b[i + 1] != '\n')
			return -1;
		*eol = i;
		return 1;
	}
	return i >= limit ? -1 : 0;
}

/* Finds the end of the head (after the empty line): 1, 0 need more, -1 malformed (*why). */
static int find_head_end(const char *b, size_t len, size_t *end, const char **why)
{
	size_t pos = 0, eol = 0, lines = 0, i;
	int rc;

	for (;;) {
		rc = line_end(b, len, pos, HTTP_HEAD_MAX, &eol);
		if (rc < 0) {
			for (i = pos; i < len && i < HTTP_HEAD_MAX && b[i] != '\n' && b[i] != '\r'; i++)
				;
			*why = i >= HTTP_HEAD_MAX ? "head larger than " STR(HTTP_HEAD_MAX) " bytes" :
			    "bare CR or LF in the head";
		}
		if (rc <= 0)
			return rc;
		if (eol == pos) {
			*end = eol + 2;
			*why = "empty status line";
			return pos ? 1 : -1;
		}
		if (++lines > HTTP_HEADERS_MAX + 1) {
			*why = "more than " STR(HTTP_HEADERS_MAX) " header lines";
			return -1;
		}
		pos = eol + 2;
	}
}

/* "HTTP/1.x NNN reason": 0, or -1. Sets *minor. */
static int parse_status(const char *l, size_t n, struct http_resp *r, int *minor)
{
	size_t i;

	if (n < 12 || memcmp(l, "HTTP/1.", 7) != 0 || (l[7] != '0' && l[7] != '1') || l[8] != ' ')
		return -1;
	for (i = 9; i < 12; i++)
		if (l[i] < '0' || l[i] > '9')
			return -1;
	if (n > 12 && l[12] != ' ')
		return -1;
	for (i = 13; i < n; i++)
		if (!is_vbyte((unsigned char)l[i]))
			return -1;
	*minor = l[7] - '0';
	r->status = (l[9] - '0') * 100 + (l[10] - '0') * 10 + (l[11] - '0');
	return r->status >= 100 && r->status <= 599 ? 0 : -1;
}

/* Splits "name: value" (OWS trimmed): 0, or -1 (fold, space before colon, bad bytes). */
static int split_field(const char *l, size_t n, size_t *name_len, const char **val, size_t *val_len)
{
	size_t i = 0, e;

	while (i < n && is_tchar((unsigned char)l[i]))
		i++;
	if (i == 0 || i == n || l[i] != ':')
		return -1;
	*name_len = i;
	for (e = i + 1; e < n; e++)
		if (!is_vbyte((unsigned char)l[e]))
			return -1;
	for (i++; i < n && (l[i] == ' ' || l[i] == '\t'); i++)
		;
	while (n > i && (l[n - 1] == ' ' || l[n - 1] == '\t'))
		n--;
	*val = l + i;
	*val_len = n - i;
	return 0;
}

/* 1 if a and b (n bytes each, no NUL among them) are equal but for ASCII case: what
 * strncasecmp tells of field names, without linking it. */
static int same_ci(const char *a, const char *b, size_t n)
{
	unsigned char x, y;

	for (; n; n--) {
		x = (unsigned char)*a++, y = (unsigned char)*b++;
		if ((x >= 'A' && x <= 'Z' ? x + 32 : x) != (y >= 'A' && y <= 'Z' ? y + 32 : y))
			return 0;
	}
	return 1;
}

static int name_is(const char *l, size_t n, const char *name)
{
	return n == strlen(name) && same_ci(l, name, n);
}

static int parse_content_length(const char *v, size_t n, long long *out)
{
	long long x = 0;
	size_t i;

	if (n == 0 || n > 15)
		return -1;
	for (i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		x = x * 10 + (v[i] - '0');
	}
	if (x > HTTP_BODY_MAX || (*out >= 0 && *out != x))
		return -1;
	*out = x;
	return 0;
}

/* Connection: comma-separated tokens; sets bit 1 for close, bit 2 for keep-alive. */
static int connection_flags(const char *v, size_t n)
{
	size_t i = 0, s, e;
	int f = 0;

	while (i < n) {
		while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
			i++;
		s = i;
		while (i < n && v[i] != ',')
			i++;
		e = i;
		while (e > s && (v[e - 1] == ' ' || v[e - 1] == '\t'))
			e--;
		if (name_is(v + s, e - s, "close"))
			f |= 1;
		else if (name_is(v + s, e - s, "keep-alive"))
			f |= 2;
	}
	return f;
}

struct head_info {
	int minor;
	int conn;		/* connection_flags */
	int te;			/* Transfer-Encoding headers seen */
};

static int parse_field(const char *l, size_t n, struct http_resp *r, struct head_info *h)
{
	const char *v;
	size_t nl, vl;

	if (split_field(l, n, &nl, &v, &vl) < 0)
		return -1;
	if (name_is(l, nl, "content-length"))
		return parse_content_length(v, vl, &r->content_length);
	if (name_is(l, nl, "transfer-encoding")) {
		if (h->te++ || !name_is(v, vl, "chunked"))
			return -1;
		r->chunked = 1;
	} else if (name_is(l, nl, "connection")) {
		h->conn |= connection_flags(v, vl);
	} else if (name_is(l, nl, "date") && vl < sizeof r->date) {
		memcpy(r->date, v, vl);
		r->date[vl] = 0;
	}
	return 0;
}

/* Parses the head [0, end): status line and fields. 0, or -1 (*why). */
static int parse_head(const char *b, size_t end, struct http_resp *r, struct head_info *h,
    const char **why)
{
	size_t pos = 0, eol = 0;

	*why = "bad status line";
	if (line_end(b, end, 0, end, &eol) != 1 || parse_status(b, eol, r, &h->minor) < 0)
		return -1;
	*why = "malformed header field";
	for (pos = eol + 2; pos < end - 2; pos = eol + 2) {
		if (line_end(b, end, pos, end, &eol) != 1)
			return -1;
		if (b[pos] == ' ' || b[pos] == '\t')
			return -1;	/* obsolete line folding */
		if (parse_field(b + pos, eol - pos, r, h) < 0)
			return -1;
	}
	*why = "chunked with Content-Length, or from HTTP/1.0";
	if (r->chunked && (r->content_length >= 0 || h->minor == 0))
		return -1;	/* smuggling sign, or chunked to a 1.1 request from a 1.0 server */
	return 0;
}

/* Chunk-size line at p[*i]: 1 (*i past its CRLF), 0 need more, -1 malformed. */
static int chunk_size(const char *p, size_t n, size_t *i, size_t *size)
{
	size_t j = *i, eol = 0, digits = 0;
	int v, rc;

	*size = 0;
	while (j < n && (v = util_hexval(p[j])) >= 0) {
		if (++digits > 15)
			return -1;
		*size = *size * 16 + (size_t)v;
		j++;
	}
	if (j == n)
		return 0;
	if (!digits)
		return -1;
	rc = line_end(p, n, j, *i + HTTP_CHUNK_LINE_MAX, &eol);
	if (rc <= 0)
		return rc;
	/* After the size: nothing, or optional blanks then ";" extensions (ignored). */
	while (j < eol && (p[j] == ' ' || p[j] == '\t'))
		j++;
	if (j < eol && p[j] != ';')
		return -1;
	for (; j < eol; j++)
		if (!is_vbyte((unsigned char)p[j]))
			return -1;
	*i = eol + 2;
	return 1;
}

/* Trailer fields after the last chunk, up to the empty line: 1, 0, -1. */
static int trailers(const char *p, size_t n, size_t *i)
{
	size_t start = *i, eol = 0, nl, vl;
	const char *v;
	int rc;

	for (;;) {
		rc = line_end(p, n, *i, start + HTTP_HEAD_MAX, &eol);
		if (rc <= 0)
			return rc;
		if (eol == *i) {
			*i = eol + 2;
			return 1;
		}
		if (p[*i] == ' ' || p[*i] == '\t' || split_field(p + *i, eol - *i, &nl, &v, &vl) < 0)
			return -1;
		*i = eol + 2;
	}
}

/* Walks the chunked body p[0..n): 1 complete (*used framing bytes, *out decoded bytes),
 * 0 need more, -1 malformed. With decode, moves the data down in place. */
static int chunked(char *p, size_t n, int decode, size_t *used, size_t *out)
{
	size_t i = 0, o = 0, size;
	int rc;

	for (;;) {
		rc = chunk_size(p, n, &i, &size);
		if (rc <= 0)
			return rc;
		if (size == 0)
			break;
		if (size > n - i)
			return 0;
		if (decode)
			memmove(p + o, p + i, size);
		o += size;
		i += size;
		if (n - i < 2)
			return n - i == 1 && p[i] != '\r' ? -1 : 0;
		if (p[i] != '\r' || p[i + 1] != '\n')
			return -1;
		i += 2;
	}
	rc = trailers(p, n, &i);
	if (rc <= 0)
		return rc;
	*used = i;
	*out = o;
	return 1;
}

/* The body after a complete head: 1, 0, -1; sets body fields and keep_alive. */
static int parse_body(char *buf, size_t len, int eof, struct http_resp *r)
{
	size_t avail = len - r->head_len, used = 0, out = 0;
	int rc;

	r->body = buf + r->head_len;
	if (r->status < 200 || r->status == 204 || r->status == 304) {
		used = 0;
	} else if (r->chunked) {
		rc = chunked(r->body, avail, 0, &used, &out);
		if (rc == 0 && eof)
			rc = -1;
		if (rc <= 0)
			return rc;
		chunked(r->body, avail, 1, &used, &out);
		r->body_len = out;
	} else if (r->content_length >= 0) {
		if ((unsigned long long)r->content_length > avail)
			return eof ? -1 : 0;
		used = r->body_len = (size_t)r->content_length;
	} else {
		if (!eof)
			return 0;
		used = r->body_len = avail;
		r->keep_alive = 0;	/* close-delimited */
	}
	if (used != avail)
		r->keep_alive = 0;	/* bytes after the message: this connection is out of step */
	return 1;
}

int http_parse_response(char *buf, size_t len, int eof, struct http_resp *r)
{
	struct head_info h;
	const char *why = "end of stream in the head";
	size_t end = 0;
	int rc;

	memset(r, 0, sizeof *r);
	memset(&h, 0, sizeof h);
	r->content_length = -1;
	rc = find_head_end(buf, len, &end, &why);
	if (rc == 0 && eof)
		rc = -1;
	if (rc == 1 && parse_head(buf, end, r, &h, &why) < 0)
		rc = -1;
	if (rc == 1) {
		r->head_len = end;
		r->keep_alive = h.minor == 1 ? !(h.conn & 1) : (h.conn & 2) && !(h.conn & 1);
		rc = parse_body(buf, len, eof, r);
		why = r->chunked ? "bad chunked framing or end of stream in the body" :
		    "end of stream in the body";
	}
	if (rc < 0)
		r->error = why;
	return rc;
}

/* ---- requests ---- */

void http_init(struct http_conn *c, const char *host, int port, int use_tls,
    const struct anchors *ta, int timeout_ms)
{
	memset(c, 0, sizeof *c);
	c->fd = -1;
	c->use_tls = use_tls ? 1 : 0;
	c->port = port > 0 ? port : use_tls ? 443 : 80;
	c->timeout_ms = timeout_ms > 0 ? timeout_ms : 3000;
	c->ta = ta;
	if (host && strlen(host) < sizeof c->host)
		memcpy(c->host, host, strlen(host) + 1);
	else
		log_err("%.64s: host name too long", host ? host : "(null)");
}

/* Host names and IP literals: letters, digits, "-._" and, for IPv6, ":%". */
static int valid_host_n(const char *h, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)h[i];
		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch && strchr("-._:%", ch))))
			return 0;
	}
	return 1;
}

static int valid_path(const char *p)
{
	if (*p != '/')
		return 0;
	for (; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f || *p == '#')
			return 0;
	return 1;
}

/* "Name: value\r\n" lines; the fields http_request writes itself are refused. */
/* Extra header lines: each "Name: value\r\n", none of the framing headers, and no name
 * twice (a value smuggling a CRLF and a second X-TC-Action or Authorization shows here). */
static int valid_extra(const char *x)
{
	const char *eol, *v, *names[HTTP_MAX_EXTRA];
	size_t nl, vl, lens[HTTP_MAX_EXTRA];
	int n = 0, i;

	while (*x) {
		eol = strchr(x, '\r');	/* the first CR must start the CRLF that ends the line */
		if (!eol || eol[1] != '\n' || memchr(x, '\n', (size_t)(eol - x)) || n == HTTP_MAX_EXTRA)
			return 0;
		if (split_field(x, (size_t)(eol - x), &nl, &v, &vl) < 0 || name_is(x, nl, "host") ||
		    name_is(x, nl, "content-length") || name_is(x, nl, "connection") ||
		    name_is(x, nl, "transfer-encoding"))
			return 0;
		for (i = 0; i < n; i++)
			if (lens[i] == nl && same_ci(names[i], x, nl))
				return 0;
		names[n] = x;
		lens[n++] = nl;
		x = eol + 2;
	}
	return 1;
}

static int valid_request(const struct http_conn *c, const char *method, const char *path,
    const char *extra)
{
	size_t i, n = strlen(method);
	const char *what = NULL;

	for (i = 0; i < n; i++)
		if (method[i] < 'A' || method[i] > 'Z')
			break;
	if (!valid_host_n(c->host, strlen(c->host)))
		what = "invalid host name";
	else if (n == 0 || n > 15 || i < n || !strcmp(method, "HEAD"))
		what = "unsupported method";
	else if (!valid_path(path))
		what = "invalid request path";
	else if (extra && !valid_extra(extra))
		what = "malformed extra headers";
	else if (c->use_tls && !c->ta)
		what = "TLS without trust anchors";
	if (what)
		log_err("%s:%d: %s", c->host[0] ? c->host : "(no host)", c->port, what);
	return what ? -1 : 0;
}

static int build_head(const struct http_conn *c, const char *method, const char *path,
    const char *extra, size_t body_len, char *buf, size_t cap)
{
	char hostport[300], clen[40];
	const char *lb = strchr(c->host, ':') ? "[" : "", *rb = *lb ? "]" : "";
	int n;

	if (c->port == (c->use_tls ? 443 : 80))
		n = snprintf(hostport, sizeof hostport, "%s%s%s", lb, c->host, rb);
	else
		n = snprintf(hostport, sizeof hostport, "%s%s%s:%d", lb, c->host, rb, c->port);
	if (n < 0 || (size_t)n >= sizeof hostport)
		return -1;
	*clen = 0;
	if (strcmp(method, "GET") || body_len)
		snprintf(clen, sizeof clen, "Content-Length: %zu\r\n", body_len);
	n = snprintf(buf, cap, "%s %s HTTP/1.1\r\nHost: %s\r\n%sConnection: keep-alive\r\n%s\r\n",
	    method, path, hostport, clen, extra ? extra : "");
	if (n < 0 || (size_t)n >= cap) {
		log_err("%s:%d: %s %s: request head larger than the %zu-byte buffer", c->host, c->port,
		    method, path, cap);
		return -1;
	}
	return n;
}

static int conn_open(struct http_conn *c, long long deadline)
{
	int rc;

	c->fd = net_connect(c->host, c->port, deadline);
	if (c->fd < 0)
		return -1;
	http_stat_connects++;
	if (c->use_tls) {
		rc = tls_start(&c->tls, c->fd, c->host, c->port, c->ta, deadline);
		if (rc < 0) {
			close(c->fd);
			c->fd = -1;
			return -1;
		}
		http_stat_handshakes++;
		http_stat_resumed += (unsigned long)rc;
		c->new_session = rc == 0;
	}
	c->alive = 1;
	c->requests = 0;
	return 0;
}

static int xfer_write(struct http_conn *c, const void *p, size_t n, long long deadline)
{
	if (c->use_tls)
		return tls_write(&c->tls, p, n, deadline);
	return net_send_all(c->fd, p, n, deadline);
}

/* >0 bytes, 0 clean end of stream, HTTP_EOF_UNCLEAN, -1 error with errno. */
static long xfer_read(struct http_conn *c, void *buf, size_t cap, long long deadline)
{
	long n;

	if (!c->use_tls)
		return (long)net_recv(c->fd, buf, cap, deadline);
	n = tls_read(&c->tls, buf, cap, deadline);
	return n == TLS_EOF_UNCLEAN ? HTTP_EOF_UNCLEAN : n;
}

static void log_xfer(struct http_conn *c, const char *action)
{
	char why[160];
	int e = errno;

	if (e == ETIMEDOUT)
		log_err("%s:%d: %s: timed out after %d ms", c->host, c->port, action, c->timeout_ms);
	else if (c->use_tls)
		log_err("%s:%d: %s: TLS: %s", c->host, c->port, action, tls_error(&c->tls, why, sizeof why));
	else
		log_err("%s:%d: %s: %m", c->host, c->port, action);
}

/* The peer dropped the connection (as opposed to a timeout or a protocol error). */
static int dropped(int e)
{
	return e == EPIPE || e == ECONNRESET || e == ENOTCONN || e == ECONNABORTED;
}

/* 0 sent, HTTP_CLOSED (reused connection dropped, not logged), -1 logged. */
static int send_request(struct http_conn *c, char *buf, size_t head_len, size_t cap,
    const void *body, size_t body_len, long long deadline, int reused)
{
	int rc;

	if (body_len && head_len + body_len <= cap) {
		memcpy(buf + head_len, body, body_len);
		rc = xfer_write(c, buf, head_len + body_len, deadline);
	} else {
		rc = xfer_write(c, buf, head_len, deadline);
		if (!rc && body_len)
			rc = xfer_write(c, body, body_len, deadline);
	}
	if (!rc && c->use_tls)
		rc = tls_flush(&c->tls, deadline);
	if (rc < 0 && reused && dropped(errno))
		return HTTP_CLOSED;
	if (rc < 0)
		log_xfer(c, "send");
	return rc;
}

/* Interim (1xx) responses seen before the final one, and the bytes they took. */
struct interim {
	unsigned count;
	size_t bytes;
};

/* Final response after any 1xx interim ones: 1 complete, 0 need more, -1 malformed
 * (r->error). Interim heads are bounded: at most HTTP_INTERIM_MAX, and together with the
 * final head within HTTP_HEAD_MAX, so a peer cannot keep a request alive with them. */
static int parse_final(char *buf, size_t *len, int eof, struct interim *im, struct http_resp *r)
{
	int rc;

	for (;;) {
		rc = http_parse_response(buf, *len, eof, r);
		if (rc >= 0 && im->bytes && (r->head_len ? r->head_len : *len) + im->bytes > HTTP_HEAD_MAX) {
			r->error = "interim (1xx) and final heads larger than " STR(HTTP_HEAD_MAX) " bytes";
			return -1;
		}
		if (rc != 1 || r->status >= 200 || r->status == 101)
			return rc;
		if (++im->count > HTTP_INTERIM_MAX) {
			r->error = "more than " STR(HTTP_INTERIM_MAX) " interim (1xx) responses";
			return -1;
		}
		im->bytes += r->head_len;
		memmove(buf, buf + r->head_len, *len - r->head_len);
		*len -= r->head_len;
		if (*len == 0)
			return eof ? -1 : 0;
	}
}

/* Reads one response into buf: 0, HTTP_CLOSED (nothing arrived on a reused connection),
 * or -1 logged. */
static int read_response(struct http_conn *c, char *buf, size_t cap, long long deadline,
    int reused, struct http_resp *r)
{
	struct interim im = { 0, 0 };
	size_t len = 0;
	long n;
	int rc = 0;

	for (;;) {
		/* Every turn, whatever arrived: TLS may hand out buffered records without a
		 * socket read, and a peer may never let recv() block. */
		if (util_now_ms() >= deadline) {
			log_err("%s:%d: read: timed out after %d ms (%zu bytes received)", c->host, c->port,
			    c->timeout_ms, len + im.bytes);
			return -1;
		}
		if (len >= cap - 1) {
			log_err("%s:%d: response too large (more than %zu bytes)", c->host, c->port, cap - 1);
			return -1;
		}
		n = xfer_read(c, buf + len, cap - 1 - len, deadline);
		if (n > 0) {
			len += (size_t)n;
			rc = parse_final(buf, &len, 0, &im, r);
		} else if (n == 0 || n == HTTP_EOF_UNCLEAN) {
			if (len == 0 && reused)
				return HTTP_CLOSED;
			/* Without close_notify only a framed, complete body counts (truncation);
			 * such a body was already complete before the end of stream. */
			if (n == HTTP_EOF_UNCLEAN || len == 0 || (rc = parse_final(buf, &len, 1, &im, r)) != 1) {
				log_err("%s:%d: connection closed %sbefore the end of the response (%zu bytes)",
				    c->host, c->port, n ? "without TLS close_notify " : "", len);
				return -1;
			}
		} else {
			if (len == 0 && reused && dropped(errno))
				return HTTP_CLOSED;
			log_xfer(c, "read");
			return -1;
		}
		if (rc < 0) {
			log_err("%s:%d: malformed HTTP response: %s", c->host, c->port,
			    r->error ? r->error : "unparsable");
			return -1;
		}
		if (rc == 1 && r->status == 101) {
			log_err("%s:%d: unexpected 101 Switching Protocols", c->host, c->port);
			return -1;
		}
		if (rc == 1) {
			r->body[r->body_len] = 0;	/* inside buf: at most cap - 1 bytes were read */
			return 0;
		}
	}
}

int http_request(struct http_conn *c, const char *method, const char *path,
    const char *extra_headers, const void *body, size_t body_len, unsigned flags,
    char *buf, size_t cap, struct http_resp *r)
{
	long long deadline = util_now_ms() + c->timeout_ms;
	int head_len, reused, attempt, retried = 0, rc = -1;

	memset(r, 0, sizeof *r);
	r->content_length = -1;
	if (valid_request(c, method, path, extra_headers) < 0)
		return -1;
	if (c->fd >= 0 && (!c->alive || net_idle_broken(c->fd)))
		http_close(c);	/* the server closed it while idle: not worth a retry */
	for (attempt = 0; attempt < 2; attempt++) {
		head_len = build_head(c, method, path, extra_headers, body_len, buf, cap);
		if (head_len < 0)
			return -1;
		reused = c->fd >= 0;
		if (!reused && conn_open(c, deadline) < 0)
			return -1;
		rc = send_request(c, buf, (size_t)head_len, cap, body, body_len, deadline, reused);
		if (rc == 0)
			rc = read_response(c, buf, cap, deadline, reused, r);
		if (rc != HTTP_CLOSED)
			break;
		http_close(c);
		if (!(flags & HTTP_REPLAYABLE)) {
			/* The server may have acted on it: only the caller can find out. */
			log_err("%s:%d: %s %s: kept-alive connection closed before any answer; not resent "
			    "(not replayable), the server may or may not have acted on it", c->host, c->port,
			    method, path);
			return HTTP_UNANSWERED;
		}
		log_debug("%s:%d: kept-alive connection was closed, resending %s %s", c->host, c->port,
		    method, path);
		retried = 1;
	}
	r->retried = retried;	/* after the parser, which clears r */
	if (rc != 0) {
		http_close(c);
		return -1;
	}
	c->requests++;
	if (!r->keep_alive)
		http_close(c);
	log_debug("%s %s:%d%s: %d, %zu bytes%s", method, c->host, c->port, path, r->status,
	    r->body_len, r->retried ? " (resent)" : "");
	return 0;
}

int http_connect(struct http_conn *c)
{
	if (c->fd >= 0 && c->alive && !net_idle_broken(c->fd))
		return 0;
	http_close(c);
	return conn_open(c, util_now_ms() + c->timeout_ms);
}

void http_close(struct http_conn *c)
{
	if (c->fd >= 0) {
		if (c->use_tls)
			tls_close(&c->tls);
		close(c->fd);
	}
	c->fd = -1;
	c->alive = 0;
	c->requests = 0;
}

/* ---- URLs ---- */

static int url_error(const char *url, const char *why)
{
	char safe[128];

	log_sanitize(safe, sizeof safe, url, strlen(url));
	log_err("%s: bad URL: %s", safe, why);
	return -1;
}

int http_split_url(const char *url, int *use_tls, char *host, size_t host_cap, int *port,
    char *path, size_t path_cap)
{
	const char *p, *h, *he;
	long v = 0;
	size_t n;

	if (!strncmp(url, "http://", 7))
		*use_tls = 0, p = url + 7;
	else if (!strncmp(url, "https://", 8))
		*use_tls = 1, p = url + 8;
	else
		return url_error(url, "scheme must be http:// or https://");
	if (*p == '[') {
		h = p + 1;
		he = strchr(h, ']');
		if (!he || !memchr(h, ':', (size_t)(he - h)))
			return url_error(url, "bad IPv6 literal");
		p = he + 1;
	} else {
		h = p;
		p += strcspn(p, ":/");
		he = p;
		if (memchr(h, ':', (size_t)(he - h)))
			return url_error(url, "bad host");
	}
	if (!valid_host_n(h, (size_t)(he - h)))
		return url_error(url, "missing or bad host");
	*port = *use_tls ? 443 : 80;
	if (*p == ':') {
		for (p++, n = 0; *p >= '0' && *p <= '9' && n < 6; p++, n++)
			v = v * 10 + (*p - '0');
		if (n == 0 || v < 1 || v > 65535 || (*p && *p != '/'))
			return url_error(url, "bad port");
		*port = (int)v;
	}
	if (*p && !valid_path(p))
		return url_error(url, "bad path");
	n = (size_t)(he - h);
	if (n >= host_cap || strlen(*p ? p : "/") >= path_cap)
		return url_error(url, "too long");
	memcpy(host, h, n);
	host[n] = 0;
	memcpy(path, *p ? p : "/", strlen(*p ? p : "/") + 1);
	return 0;
}
