/* dns.c: owns name resolution: literals, /etc/hosts, A queries to the resolv.conf nameservers. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>
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

/* The IPv6 literal s into a (16 bytes): 1, else 0 (musl's inet_pton compiled here at -Oz;
 * its dotted quad is util_ipv4_parse's, which takes and refuses the same strings). */
static int pton6(const char *s, unsigned char *a)
{
	uint16_t ip[8];
	uint32_t v4;
	int i, j, v, d, brk = -1, need_v4 = 0;

	if (*s == ':' && *++s != ':')
		return 0;
	for (i = 0;; i++) {
		if (s[0] == ':' && brk < 0) {
			brk = i;
			ip[i & 7] = 0;
			if (!*++s)
				break;
			if (i == 7)
				return 0;
			continue;
		}
		for (v = j = 0; j < 4 && (d = util_hexval((unsigned char)s[j])) >= 0; j++)
			v = 16 * v + d;
		if (j == 0)
			return 0;
		ip[i & 7] = (uint16_t)v;
		if (!s[j] && (brk >= 0 || i == 7))
			break;
		if (i == 7)
			return 0;
		if (s[j] != ':') {
			if (s[j] != '.' || (i < 6 && brk < 0))
				return 0;
			need_v4 = 1;
			ip[++i & 7] = 0;
			break;
		}
		s += j + 1;
	}
	if (brk >= 0) {
		memmove(ip + brk + 7 - i, ip + brk, 2 * (size_t)(i + 1 - brk));
		for (j = 0; j < 7 - i; j++)
			ip[brk + j] = 0;
	}
	for (j = 0; j < 8; j++) {
		*a++ = (unsigned char)(ip[j] >> 8);
		*a++ = (unsigned char)ip[j];
	}
	if (!need_v4)
		return 1;
	if (util_ipv4_parse(s, &v4) < 0)
		return 0;
	memcpy(a - 4, &v4, 4);
	return 1;
}

/* Appends the literal s (IPv4 or IPv6) to f; 0 if it is one, else -1. */
static int add_literal(struct found *f, const char *s)
{
	struct dns_addr *a = &f->out[f->n];
	unsigned char b[16];

	if (f->n >= f->max)
		return 0;
	memset(a, 0, sizeof *a);
	if (util_ipv4_parse(s, &a->u.in.sin_addr.s_addr) == 0) {
		a->u.in.sin_family = AF_INET;
		a->u.in.sin_port = htons((uint16_t)f->port);
		a->len = sizeof a->u.in;
	} else if (pton6(s, b)) {
		a->u.in6.sin6_family = AF_INET6;
		a->u.in6.sin6_port = htons((uint16_t)f->port);
		memcpy(&a->u.in6.sin6_addr, b, 16);
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

/* 1 if the question r echoes (at 12, ql - 12 bytes) is q's: the name's labels in any case,
 * then QTYPE and QCLASS exactly. */
static int same_question(const unsigned char *r, const unsigned char *q, int ql)
{
	int i;

	for (i = 12; i < ql - 4; i++)
		if (r[i] != q[i] && !(r[i] >= 'A' && r[i] <= 'Z' && r[i] + 32 == q[i]) &&
		    !(q[i] >= 'A' && q[i] <= 'Z' && q[i] + 32 == r[i]))
			return 0;
	return !memcmp(r + ql - 4, q + ql - 4, 4);
}

/* An answer r (n bytes; tc if the datagram was longer) to query q (ql bytes): 1 done
 * (addresses in f, or f->n == 0 for a name that does not exist or has no A record), 0 not
 * ours, -1 this server failed this time (an error rcode, or truncated with no A record:
 * no TCP fallback, another server or the next attempt is asked). */
static int take_answer(const unsigned char *r, int n, int tc, const unsigned char *q, int ql,
    struct found *f)
{
	int i, an, rd, rc;

	if (n < ql || r[0] != q[0] || r[1] != q[1] || (r[2] & 0xf8) != 0x80 || r[5] != 1 ||
	    r[4] || !same_question(r, q, ql))
		return 0;
	rc = r[3] & 15;
	tc |= r[2] & 2;
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
	return tc && f->n == 0 ? -1 : 1;
}

enum { GOT_NONE, GOT_DONE, GOT_FAIL, GOT_SERVFAIL };

/* Reads what is ready on fd: GOT_DONE (see take_answer), GOT_NONE (nothing of ours),
 * GOT_SERVFAIL, or GOT_FAIL (another error rcode, a truncated reply, or refused). */
static int receive(int fd, const unsigned char *q, int ql, struct found *f)
{
	unsigned char r[512];
	ssize_t n = recv(fd, r, sizeof r, MSG_DONTWAIT | MSG_TRUNC);
	int rc;

	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? GOT_NONE : GOT_FAIL;
	rc = take_answer(r, n > (ssize_t)sizeof r ? (int)sizeof r : (int)n,
	    n > (ssize_t)sizeof r, q, ql, f);
	return rc > 0 ? GOT_DONE : rc == 0 ? GOT_NONE : (r[3] & 15) == 2 ? GOT_SERVFAIL : GOT_FAIL;
}

/* The sockets to c's nameservers, one per server, and what each did since the last send. */
struct ask {
	struct pollfd p[NS_MAX];
	int n, live, failed[NS_MAX], servfail_retry[NS_MAX];
};

static void ask_open(struct ask *s, const struct conf *c)
{
	int i;

	s->n = c->n;
	s->live = 0;
	for (i = 0; i < c->n; i++) {
		s->p[i].fd = util_socket(c->ns[i].u.sa.sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (s->p[i].fd >= 0 && connect(s->p[i].fd, &c->ns[i].u.sa, c->ns[i].len) < 0)
			close(s->p[i].fd), s->p[i].fd = -1;
		s->p[i].events = POLLIN;
		s->failed[i] = s->p[i].fd < 0;
		s->servfail_retry[i] = 1;
		s->live += s->p[i].fd >= 0;
	}
}

/* 1 if every server failed since the last send (or could not be asked at all). */
static int all_failed(const struct ask *s)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (!s->failed[i])
			return 0;
	return 1;
}

static void send_all(struct ask *s, const unsigned char *q, int ql)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (s->p[i].fd >= 0) {
			s->failed[i] = 0;
			(void)send(s->p[i].fd, q, (size_t)ql, MSG_NOSIGNAL);
		}
}

/* Reads every ready server: the count or DNS_NOTFOUND once one answered, else DNS_TIMEOUT.
 * A SERVFAIL is asked again at once, once per server; any other failure waits for the next
 * send. */
static int collect(struct ask *s, const unsigned char *q, int ql, struct found *f)
{
	int i, got;

	for (i = 0; i < s->n; i++) {
		if (s->p[i].fd < 0 || !s->p[i].revents)
			continue;
		got = receive(s->p[i].fd, q, ql, f);
		if (got == GOT_DONE)
			return f->n > 0 ? f->n : DNS_NOTFOUND;
		if (got == GOT_SERVFAIL && s->servfail_retry[i]-- > 0)
			(void)send(s->p[i].fd, q, (size_t)ql, MSG_NOSIGNAL);
		else if (got != GOT_NONE)
			s->failed[i] = 1;
	}
	return DNS_TIMEOUT;
}

/* Asks every nameserver of c at once, `attempts` times spread over `timeout` seconds (as
 * musl), at least twice before deadline_ms: as dns_resolve. */
static int ask(const struct conf *c, const unsigned char *q, int ql, struct found *f,
    long long deadline_ms)
{
	struct ask s;
	long long now = util_now_ms(), end = now + c->timeout * 1000LL, next = now, iv, t;
	int i, sent = 0, rc = DNS_TIMEOUT;

	if (end > deadline_ms)
		end = deadline_ms;
	iv = c->timeout * 1000LL / c->attempts;
	if (iv > (end - now) / 2)
		iv = (end - now) / 2;
	if (iv < 1)
		iv = 1;
	ask_open(&s, c);
	while (s.live && rc == DNS_TIMEOUT && (now = util_now_ms()) < end) {
		if (sent < c->attempts && now >= next) {
			send_all(&s, q, ql);
			sent++;
			next = now + iv;
		} else if (sent == c->attempts && all_failed(&s)) {
			break;
		}
		t = (sent < c->attempts && next < end ? next : end) - now;
		if (poll(s.p, (nfds_t)s.n, (int)t) > 0)
			rc = collect(&s, q, ql, f);
	}
	for (i = 0; i < s.n; i++)
		if (s.p[i].fd >= 0)
			close(s.p[i].fd);
	return rc == DNS_TIMEOUT && all_failed(&s) ? DNS_FAIL : rc;
}

/* A query id: getrandom, else the clocks and the pid mixed. */
static void query_id(unsigned char *q)
{
	struct timespec ts;
	uint32_t x;

	if (getrandom(q, 2, GRND_NONBLOCK) == 2)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	x = (uint32_t)ts.tv_nsec ^ (uint32_t)ts.tv_sec * 2654435761u ^ (uint32_t)getpid() * 40503u;
	clock_gettime(CLOCK_REALTIME, &ts);
	x ^= (uint32_t)ts.tv_nsec * 2246822519u;
	x ^= x >> 16;
	memcpy(q, &x, 2);
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
	query_id(q);
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
