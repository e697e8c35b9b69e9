/* dns.c: owns name resolution: literals, /etc/hosts, A queries to the resolv.conf nameservers. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <unistd.h>

#include "dns.h"
#include "util.h"

#define NS_MAX 3

const char *dns_hosts_path = "/etc/hosts", *dns_resolv_path = "/etc/resolv.conf";

struct found {
	const char *host;
	int port, n, max;
	struct dns_addr *out;
};

struct conf {
	struct dns_addr ns[NS_MAX];
	int n, timeout, attempts;
};

/* Appends the literal s (IPv4 or IPv6) to f; 0 if it is one, else -1. */
static int add_literal(struct found *f, const char *s)
{
	struct dns_addr *a = &f->out[f->n];

	if (f->n >= f->max)
		return 0;
	memset(a, 0, sizeof *a);
	if (inet_pton(AF_INET, s, &a->u.in.sin_addr) == 1) {
		a->u.in.sin_family = AF_INET;
		a->u.in.sin_port = htons((uint16_t)f->port);
		a->len = sizeof a->u.in;
	} else if (inet_pton(AF_INET6, s, &a->u.in6.sin6_addr) == 1) {
		a->u.in6.sin6_family = AF_INET6;
		a->u.in6.sin6_port = htons((uint16_t)f->port);
		a->len = sizeof a->u.in6;
	} else {
		return -1;
	}
	f->n++;
	return 0;
}

/* Calls fn on each line of path (a line longer than the buffer is skipped) until it returns
 * non-zero; -1 if the file cannot be read. */
static int each_line(const char *path, void (*fn)(char *line, void *ctx), void *ctx)
{
	char buf[2048], *p, *nl;
	size_t have = 0;
	ssize_t n;
	int fd, skip = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	for (;;) {
		n = read(fd, buf + have, sizeof buf - 1 - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		have += (size_t)n;
		for (p = buf; (nl = memchr(p, '\n', have - (size_t)(p - buf))); p = nl + 1, skip = 0) {
			*nl = 0;
			if (!skip)
				fn(p, ctx);
		}
		have -= (size_t)(p - buf);
		memmove(buf, p, have);
		if (have == sizeof buf - 1)
			skip = 1, have = 0;
	}
	buf[have] = 0;
	if (have && !skip)
		fn(buf, ctx);
	close(fd);
	return 0;
}

/* The next blank-separated word of *line, which ends at '#'; NULL at the end. */
static char *word(char **line)
{
	char *p = *line + strspn(*line, " \t\r"), *e;

	if (!*p || *p == '#')
		return NULL;
	e = p + strcspn(p, " \t\r#");
	*line = *e == ' ' || *e == '\t' || *e == '\r' ? e + 1 : e;
	*e = 0;
	return p;
}

static void hosts_line(char *line, void *ctx)
{
	struct found *f = ctx;
	char *addr = word(&line), *name;

	while (addr && (name = word(&line)))
		if (!strcasecmp(name, f->host)) {
			add_literal(f, addr);
			return;
		}
}

static void resolv_line(char *line, void *ctx)
{
	struct conf *c = ctx;
	char *k = word(&line), *v;
	struct found f = { .port = 53, .max = NS_MAX, .out = c->ns, .n = c->n };
	long long x;

	if (!k)
		return;
	if (!strcmp(k, "nameserver") && (v = word(&line))) {
		add_literal(&f, v);
		c->n = f.n;
	} else if (!strcmp(k, "options")) {
		while ((v = word(&line)))
			if (!strncmp(v, "timeout:", 8) && util_parse_int(v + 8, 1, 60, &x) == 0)
				c->timeout = (int)x;
			else if (!strncmp(v, "attempts:", 9) && util_parse_int(v + 9, 1, 10, &x) == 0)
				c->attempts = (int)x;
	}
}

/* The query for host's A records into q (id in q[0..1]); its length, or -1 for a bad name. */
static int build_query(const char *host, unsigned char *q, size_t cap)
{
	size_t n = 12, l;
	const char *p = host;

	memset(q, 0, 12);
	q[2] = 1;	/* RD */
	q[5] = 1;	/* QDCOUNT */
	while (*p) {
		l = strcspn(p, ".");
		if (l == 0 || l > 63 || n + l + 1 + 5 > cap)
			return -1;
		q[n++] = (unsigned char)l;
		memcpy(q + n, p, l);
		n += l;
		p += l + (p[l] == '.');
	}
	if (n == 12)
		return -1;
	memcpy(q + n, "\0\0\1\0\1", 5);	/* root, QTYPE A, QCLASS IN */
	return (int)(n + 5);
}

/* Skips a (possibly compressed) name at r[i]; the index after it, or -1. */
static int skip_name(const unsigned char *r, int n, int i)
{
	while (i < n) {
		if ((r[i] & 0xc0) == 0xc0)
			return i + 2 <= n ? i + 2 : -1;
		if (r[i] & 0xc0)
			return -1;
		if (r[i] == 0)
			return i + 1;
		i += r[i] + 1;
	}
	return -1;
}

/* An answer r (n bytes) to query q (ql bytes): 1 done (addresses in f, or f->n == 0 for a
 * name that does not exist or has no A record), 0 not ours, -1 this server failed. */
static int take_answer(const unsigned char *r, int n, const unsigned char *q, int ql,
    struct found *f)
{
	int i, an, rd, rc;

	if (n < ql || r[0] != q[0] || r[1] != q[1] || !(r[2] & 0x80) || r[5] != 1 || r[4] ||
	    strncasecmp((const char *)r + 12, (const char *)q + 12, (size_t)(ql - 12)))
		return 0;
	rc = r[3] & 15;
	if (rc == 3)
		return 1;	/* NXDOMAIN */
	if (rc != 0)
		return -1;
	an = r[6] << 8 | r[7];
	for (i = ql; an-- > 0 && f->n < f->max; i += 10 + rd) {
		i = skip_name(r, n, i);
		if (i < 0 || i + 10 > n)
			break;
		rd = r[i + 8] << 8 | r[i + 9];
		if (i + 10 + rd > n)
			break;
		if (r[i] == 0 && r[i + 1] == 1 && r[i + 2] == 0 && r[i + 3] == 1 && rd == 4) {
			struct dns_addr *a = &f->out[f->n++];

			memset(a, 0, sizeof *a);
			a->u.in.sin_family = AF_INET;
			a->u.in.sin_port = htons((uint16_t)f->port);
			memcpy(&a->u.in.sin_addr, r + i + 10, 4);
			a->len = sizeof a->u.in;
		}
	}
	return 1;
}

/* Reads what is ready on fd: the result of take_answer, or -1 if the server refused. */
static int receive(int fd, const unsigned char *q, int ql, struct found *f)
{
	unsigned char r[512];
	ssize_t n = recv(fd, r, sizeof r, MSG_DONTWAIT);

	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	return take_answer(r, (int)n, q, ql, f);
}

/* Asks every nameserver of c at once, again after each timeout: as dns_resolve. */
static int ask(const struct conf *c, const unsigned char *q, int ql, struct found *f,
    long long deadline_ms)
{
	struct pollfd p[NS_MAX];
	long long until, now;
	int i, live = 0, attempt, rc = DNS_TIMEOUT;

	for (i = 0; i < c->n; i++) {
		p[i].fd = socket(c->ns[i].u.sa.sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (p[i].fd >= 0 && connect(p[i].fd, &c->ns[i].u.sa, c->ns[i].len) < 0)
			close(p[i].fd), p[i].fd = -1;
		p[i].events = POLLIN;
		live += p[i].fd >= 0;
	}
	for (attempt = 0; attempt < c->attempts && live && rc == DNS_TIMEOUT &&
	    util_now_ms() < deadline_ms; attempt++) {
		for (i = 0; i < c->n; i++)
			if (p[i].fd >= 0)
				(void)send(p[i].fd, q, (size_t)ql, MSG_NOSIGNAL);
		until = util_now_ms() + c->timeout * 1000LL;
		if (until > deadline_ms)
			until = deadline_ms;
		while (live && rc == DNS_TIMEOUT && (now = util_now_ms()) < until) {
			if (poll(p, (nfds_t)c->n, (int)(until - now)) <= 0)
				continue;
			for (i = 0; i < c->n && rc == DNS_TIMEOUT; i++) {
				int r = p[i].fd >= 0 && p[i].revents ? receive(p[i].fd, q, ql, f) : 0;

				if (r > 0)
					rc = f->n > 0 ? f->n : DNS_NOTFOUND;
				else if (r < 0)
					close(p[i].fd), p[i].fd = -1, live--;
			}
		}
	}
	for (i = 0; i < c->n; i++)
		if (p[i].fd >= 0)
			close(p[i].fd);
	return rc == DNS_TIMEOUT && !live ? DNS_FAIL : rc;
}

int dns_resolve(const char *host, int port, struct dns_addr *out, int max, long long deadline_ms)
{
	struct found f = { .host = host, .port = port, .max = max, .out = out };
	struct conf c = { .timeout = 5, .attempts = 2 };
	unsigned char q[300];
	int ql;

	if (max < 1 || add_literal(&f, host) == 0)
		return f.n > 0 ? f.n : DNS_FAIL;
	(void)each_line(dns_hosts_path, hosts_line, &f);
	if (f.n > 0)
		return f.n;
	ql = build_query(host, q, sizeof q);
	if (ql < 0)
		return DNS_NOTFOUND;
	if (getrandom(q, 2, GRND_NONBLOCK) != 2) {
		long long t = util_now_ms();

		memcpy(q, &t, 2);
	}
	(void)each_line(dns_resolv_path, resolv_line, &c);
	if (c.n == 0) {	/* none configured: the local resolver, as musl and glibc do */
		struct found d = { .port = 53, .max = 1, .out = c.ns };

		add_literal(&d, "127.0.0.1");
		c.n = 1;
	}
	return ask(&c, q, ql, &f, deadline_ms);
}

const char *dns_strerror(int err)
{
	return err == DNS_NOTFOUND ? "name does not resolve"
	    : err == DNS_TIMEOUT ? "name server timed out"
	    : "name resolution failed";
}
