/* nl.c: owns the rtnetlink socket, its requests and the bounds-checked parsing of replies. */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "nl.h"
#include "util.h"

/* Kernel ABI from uapi linux/netlink.h, rtnetlink.h, if_link.h, if_addr.h. musl ships no
 * linux/ headers, so the few pieces used are restated here under local names. */
struct k_sockaddr {
	unsigned short family, pad;
	uint32_t pid, groups;
};
struct k_hdr {
	uint32_t len;
	uint16_t type, flags;
	uint32_t seq, pid;
};
struct k_ifinfo {
	unsigned char family, pad;
	unsigned short type;
	int index;
	unsigned flags, change;
};
struct k_ifaddr {
	unsigned char family, plen, flags, scope;
	uint32_t index;
};
struct k_attr {
	unsigned short len, type;
};
_Static_assert(sizeof(struct k_sockaddr) == 12, "sockaddr_nl");
_Static_assert(sizeof(struct k_hdr) == 16, "nlmsghdr");
_Static_assert(sizeof(struct k_ifinfo) == 16, "ifinfomsg");
_Static_assert(sizeof(struct k_ifaddr) == 8, "ifaddrmsg");
_Static_assert(sizeof(struct k_attr) == 4, "rtattr");

enum {
	K_ROUTE = 0,
	K_NOOP = 1, K_ERROR = 2, K_DONE = 3, K_OVERRUN = 4, K_MIN_TYPE = 16,
	K_F_REQUEST = 0x1, K_F_ACK = 0x4, K_F_DUMP_INTR = 0x10, K_F_DUMP = 0x300,
	K_F_CAPPED = 0x100, K_F_ACK_TLVS = 0x200,	/* on NLMSG_ERROR */
	K_F_EXCL = 0x200, K_F_CREATE = 0x400,		/* on RTM_NEWADDR */
	K_NEWLINK = 16, K_GETLINK = 18, K_NEWADDR = 20, K_DELADDR = 21, K_GETADDR = 22,
	K_IFLA_ADDRESS = 1, K_IFLA_IFNAME = 3,
	K_IFA_ADDRESS = 1, K_IFA_LOCAL = 2, K_IFA_BROADCAST = 4,
	K_ERRATTR_MSG = 1, K_ATTR_TYPE_MASK = 0x3fff,
	K_SOL_NETLINK = 270, K_CAP_ACK = 10, K_EXT_ACK = 11,
	K_ERRMSG_SIZE = 4 + 16,				/* struct nlmsgerr */
};

#define K_ALIGN(x) (((size_t)(x) + 3) & ~(size_t)3)
#define NL_MAX_RECV 4096	/* recvmsg calls per request (with the deadline, bounds the loop) */
#define NL_MAX_DELETES 8	/* instances of one address removed by nl_addr_ensure */

/* ---- parsing ---------------------------------------------------------------------- */

/* Next attribute at *off in d[0..n): 1 with type/value, 0 at the end, -1 malformed. */
static int attr_next(const unsigned char *d, size_t n, size_t *off, unsigned *type,
    const unsigned char **val, size_t *vlen)
{
	struct k_attr a;
	size_t left;

	if (*off >= n)
		return 0;
	left = n - *off;
	if (left < sizeof a)
		return -1;
	memcpy(&a, d + *off, sizeof a);
	if (a.len < sizeof a || a.len > left)
		return -1;
	*type = a.type & K_ATTR_TYPE_MASK;
	*val = d + *off + sizeof a;
	*vlen = a.len - sizeof a;
	*off += K_ALIGN(a.len) < left ? K_ALIGN(a.len) : left;
	return 1;
}

int nl_link_parse(const unsigned char *data, size_t len, struct nl_link *l)
{
	struct k_ifinfo ifi;
	const unsigned char *v;
	size_t off = sizeof ifi, vlen, nlen;
	unsigned type;
	int r;

	memset(l, 0, sizeof *l);
	if (len < sizeof ifi)
		return -1;
	memcpy(&ifi, data, sizeof ifi);
	if (ifi.index <= 0)
		return -1;
	l->index = ifi.index;
	while ((r = attr_next(data, len, &off, &type, &v, &vlen)) > 0) {
		if (type == K_IFLA_IFNAME) {
			nlen = strnlen((const char *)v, vlen);
			if (nlen == vlen || nlen == 0 || nlen >= sizeof l->name)
				return -1;
			memcpy(l->name, v, nlen + 1);
		} else if (type == K_IFLA_ADDRESS && vlen == sizeof l->mac) {
			memcpy(l->mac, v, sizeof l->mac);
			l->has_mac = 1;
		}
	}
	return r < 0 || !l->name[0] ? -1 : 0;
}

int nl_ifaddr_parse(const unsigned char *data, size_t len, struct nl_ifaddr *a)
{
	struct k_ifaddr ifa;
	const unsigned char *v;
	size_t off = sizeof ifa, vlen;
	unsigned type;
	int r, local = 0, peer = 0;

	memset(a, 0, sizeof *a);
	if (len < sizeof ifa)
		return -1;
	memcpy(&ifa, data, sizeof ifa);
	if (ifa.family != AF_INET)
		return 1;
	if (ifa.plen > 32 || ifa.index == 0 || ifa.index > INT_MAX)
		return -1;
	a->index = (int)ifa.index;
	a->plen = ifa.plen;
	while ((r = attr_next(data, len, &off, &type, &v, &vlen)) > 0) {
		if (type != K_IFA_LOCAL && type != K_IFA_ADDRESS)
			continue;
		if (vlen != sizeof a->addr)
			return -1;
		if (type == K_IFA_LOCAL) {
			memcpy(&a->addr, v, sizeof a->addr);
			local = 1;
		} else {
			memcpy(&a->peer, v, sizeof a->peer);
			peer = 1;
		}
	}
	if (r < 0 || !(local || peer))
		return r < 0 ? -1 : 1;
	if (!local)
		a->addr = a->peer;
	if (!peer)
		a->peer = a->addr;
	return 0;
}

/* Copies the NLMSGERR_ATTR_MSG text of an extended ack, if well formed. */
static void rx_ext(struct nl_rx *rx, const unsigned char *d, size_t n)
{
	const unsigned char *v;
	size_t off = 0, vlen;
	unsigned type;

	while (attr_next(d, n, &off, &type, &v, &vlen) > 0)
		if (type == K_ERRATTR_MSG)
			log_sanitize(rx->ext, sizeof rx->ext, (const char *)v, vlen);
}

/* Reads an errno payload (<= 0 from the kernel); -1 if it is not one. */
static int rx_errno(const unsigned char *d, size_t n, int *err)
{
	int e;

	if (n < sizeof e)
		return -1;
	memcpy(&e, d, sizeof e);
	if (e > 0 || e == INT_MIN)
		return -1;
	*err = -e;
	return 0;
}

/* NLMSG_ERROR: the ack (error 0) or the refusal of our request; ends the reply. */
static int rx_error(struct nl_rx *rx, const struct k_hdr *h, const unsigned char *d, size_t n)
{
	struct k_hdr orig;
	size_t tlv;

	if (n < K_ERRMSG_SIZE || rx_errno(d, n, &rx->err) < 0)
		return -1;
	rx->done = 1;
	if (!(h->flags & K_F_ACK_TLVS))
		return 0;
	memcpy(&orig, d + 4, sizeof orig);
	tlv = K_ERRMSG_SIZE;
	if (!(h->flags & K_F_CAPPED) && orig.len > sizeof orig)
		tlv = 4 + K_ALIGN(orig.len);
	if (tlv < n)
		rx_ext(rx, d + tlv, n - tlv);
	return 0;
}

/* NLMSG_DONE: ends a dump; may carry the dump's errno and an extended ack. */
static int rx_done(struct nl_rx *rx, const struct k_hdr *h, const unsigned char *d, size_t n)
{
	rx->done = 1;
	if (n == 0)
		return 0;
	if (rx_errno(d, n, &rx->err) < 0)
		return -1;
	if ((h->flags & K_F_ACK_TLVS) && n > 4)
		rx_ext(rx, d + 4, n - 4);
	return 0;
}

static int rx_msg(struct nl_rx *rx, const struct k_hdr *h, const unsigned char *d, size_t n)
{
	if (h->flags & K_F_DUMP_INTR)
		rx->intr = 1;
	switch (h->type) {
	case K_ERROR:
		return rx_error(rx, h, d, n);
	case K_DONE:
		return rx_done(rx, h, d, n);
	case K_OVERRUN:
		return -1;
	default:
		if (h->type < K_MIN_TYPE || !rx->cb)
			return 0;	/* NLMSG_NOOP and unknown control messages */
		return rx->cb(h->type, d, n, rx->arg) < 0 ? -1 : 0;
	}
}

int nl_rx_parse(struct nl_rx *rx, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	size_t off = 0, step;
	struct k_hdr h;

	while (!rx->done && off < len) {
		if (len - off < sizeof h)
			return -1;
		memcpy(&h, p + off, sizeof h);
		if (h.len < sizeof h || h.len > len - off)
			return -1;
		step = K_ALIGN(h.len) < len - off ? K_ALIGN(h.len) : len - off;
		if (h.seq == rx->seq && h.pid == rx->pid &&
		    rx_msg(rx, &h, p + off + sizeof h, h.len - sizeof h) < 0)
			return -1;
		off += step;	/* foreign messages too: never continue without advancing */
	}
	return 0;
}

/* ---- what a request looks for ----------------------------------------------------- */

struct nl_q {
	int index;			/* only this ifindex, 0 = any */
	const unsigned char *mac;	/* only the link with this MAC */
	uint32_t addr;			/* only this address, if by_addr */
	int by_addr;
	int list;			/* nl_addr_list: store into addrs/plens, max entries */
	uint32_t *addrs;
	unsigned char *plens;
	int max;
	int found, count, overflow;	/* results, reset before each attempt */
	struct nl_link link;		/* first matching link */
	struct nl_ifaddr ifa;		/* first matching address */
	char ext[128];			/* kernel's extended-ack text */
};

static void q_link(struct nl_q *q, const struct nl_link *l)
{
	if (q->index && l->index != q->index)
		return;
	if (q->mac && (!l->has_mac || memcmp(l->mac, q->mac, sizeof l->mac)))
		return;
	if (!q->found++)
		q->link = *l;
}

static void q_addr(struct nl_q *q, const struct nl_ifaddr *a)
{
	if ((q->index && a->index != q->index) || (q->by_addr && a->addr != q->addr))
		return;
	if (!q->found++)
		q->ifa = *a;
	if (!q->list)
		return;
	if (q->count >= q->max) {
		q->overflow = 1;
		return;
	}
	q->addrs[q->count] = a->addr;
	q->plens[q->count++] = (unsigned char)a->plen;
}

static int q_msg(unsigned type, const unsigned char *d, size_t n, void *arg)
{
	struct nl_q *q = arg;
	struct nl_link l;
	struct nl_ifaddr a;
	int r;

	if (type == K_NEWLINK) {
		if (nl_link_parse(d, n, &l) < 0)
			return -1;
		q_link(q, &l);
	} else if (type == K_NEWADDR) {
		if ((r = nl_ifaddr_parse(d, n, &a)) < 0)
			return -1;
		if (r == 0)
			q_addr(q, &a);
	}
	return 0;
}

/* ---- requests ------------------------------------------------------------------- */

struct req {
	unsigned type, flags;
	size_t len;
	unsigned char b[128];	/* header, body, attributes */
};

static void req_init(struct req *r, unsigned type, unsigned flags, const void *body, size_t n)
{
	r->type = type;
	r->flags = flags;
	memset(r->b, 0, sizeof r->b);
	memcpy(r->b + sizeof(struct k_hdr), body, n);
	r->len = sizeof(struct k_hdr) + K_ALIGN(n);
}

static int req_attr(struct req *r, unsigned type, const void *val, size_t n)
{
	struct k_attr a = { (unsigned short)(sizeof a + n), (unsigned short)type };

	if (n > sizeof r->b || r->len + sizeof a + K_ALIGN(n) > sizeof r->b) {
		log_err("netlink: request attribute %u does not fit", type);
		return -1;
	}
	memcpy(r->b + r->len, &a, sizeof a);
	memcpy(r->b + r->len + sizeof a, val, n);
	r->len += sizeof a + K_ALIGN(n);
	return 0;
}

static int req_send(struct nl *n, struct req *r, const char *obj, const char *what)
{
	struct k_sockaddr kernel = { .family = AF_NETLINK };
	struct k_hdr h = { (uint32_t)r->len, (uint16_t)r->type, (uint16_t)r->flags, ++n->seq, 0 };
	ssize_t w;
	int i;

	memcpy(r->b, &h, sizeof h);
	for (i = 0; i < 3; i++) {
		w = sendto(n->fd, r->b, r->len, 0, (const struct sockaddr *)&kernel, sizeof kernel);
		if (w >= 0 || errno != EINTR)
			break;
	}
	if (w < 0 || (size_t)w != r->len) {
		log_err("%s: %s: netlink send: %s", obj, what, w < 0 ? strerror(errno) : "short write");
		return -1;
	}
	return 0;
}

/* Reads until rx is done, within NL_TIMEOUT_MS. */
static int rx_run(struct nl *n, struct nl_rx *rx, const char *obj, const char *what)
{
	long long deadline = util_now_ms() + NL_TIMEOUT_MS, left;
	struct pollfd pfd = { .fd = n->fd, .events = POLLIN };
	struct k_sockaddr from;
	struct iovec iov = { n->buf, sizeof n->buf };
	struct msghdr m;
	ssize_t r;
	int i;

	for (i = 0; i < NL_MAX_RECV && !rx->done; i++) {
		left = deadline - util_now_ms();
		if (left <= 0 || (r = poll(&pfd, 1, (int)left)) == 0) {
			log_err("%s: %s: no netlink reply within %d ms", obj, what, NL_TIMEOUT_MS);
			return -1;
		}
		memset(&m, 0, sizeof m);
		m.msg_name = &from;
		m.msg_namelen = sizeof from;
		m.msg_iov = &iov;
		m.msg_iovlen = 1;
		if (r > 0)
			r = syscall(SYS_recvmsg, n->fd, &m, 0);	/* m zeroed, padding too */
		if (r < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
			continue;
		if (r < 0) {
			log_err("%s: %s: netlink receive: %m", obj, what);
			return -1;
		}
		if (m.msg_flags & MSG_TRUNC) {
			log_err("%s: %s: netlink reply larger than %zu bytes", obj, what, sizeof n->buf);
			return -1;
		}
		if (m.msg_namelen != sizeof from || from.pid != 0)
			continue;	/* not from the kernel */
		if (nl_rx_parse(rx, n->buf, (size_t)r) < 0) {
			log_err("%s: %s: malformed netlink reply", obj, what);
			return -1;
		}
	}
	if (!rx->done) {
		log_err("%s: %s: netlink reply never ended", obj, what);
		return -1;
	}
	return 0;
}

/* Sends r and feeds its reply to q; retries an interrupted dump. 0 success, the kernel's
 * errno (>0, not logged, text in q->ext), or -1 on a local failure (logged). */
static int talk(struct nl *n, struct req *r, struct nl_q *q, const char *obj, const char *what)
{
	int dump = (r->flags & K_F_DUMP) == K_F_DUMP;
	int i, tries = dump ? NL_DUMP_TRIES : 1;
	struct nl_rx rx;

	for (i = 0; i < tries; i++) {
		q->found = q->count = q->overflow = 0;
		memset(&rx, 0, sizeof rx);
		rx.cb = q_msg;
		rx.arg = q;
		if (req_send(n, r, obj, what) < 0)
			return -1;
		rx.seq = n->seq;
		rx.pid = n->pid;
		if (rx_run(n, &rx, obj, what) < 0)
			return -1;
		memcpy(q->ext, rx.ext, sizeof q->ext);
		if (rx.err || !dump || !rx.intr)
			return rx.err;
		log_debug("%s: %s: dump interrupted by a concurrent change, retrying", obj, what);
	}
	log_err("%s: %s: dump still inconsistent after %d tries", obj, what, tries);
	return -1;
}

/* Logs a refusal by the kernel: "tv0: add 198.18.0.100/32: Operation not permitted". */
static void kernel_err(const char *obj, const char *what, int err, const struct nl_q *q)
{
	if (q->ext[0])
		log_err("%s: %s: %s (%s)", obj, what, strerror(err), q->ext);
	else
		log_err("%s: %s: %s", obj, what, strerror(err));
}

static int dump(struct nl *n, unsigned type, struct nl_q *q)
{
	struct k_ifinfo ifi = { .family = AF_UNSPEC };
	struct k_ifaddr ifa = { .family = AF_INET };
	const char *what = type == K_GETLINK ? "dump links" : "dump IPv4 addresses";
	struct req r;
	int rc;

	if (type == K_GETLINK)
		req_init(&r, type, K_F_REQUEST | K_F_DUMP, &ifi, sizeof ifi);
	else
		req_init(&r, type, K_F_REQUEST | K_F_DUMP, &ifa, sizeof ifa);
	rc = talk(n, &r, q, "netlink", what);
	if (rc > 0)
		kernel_err("netlink", what, rc, q);
	return rc ? -1 : 0;
}

/* ---- public API ------------------------------------------------------------------- */

int nl_open(struct nl *n)
{
	struct k_sockaddr sa = { .family = AF_NETLINK };
	socklen_t sl = sizeof sa;
	struct timeval tv = { NL_TIMEOUT_MS / 1000, NL_TIMEOUT_MS % 1000 * 1000 };
	const char *step = NULL;
	int one = 1;

	n->seq = (unsigned)time(NULL);
	n->pid = 0;
	n->fd = util_socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, K_ROUTE);
	if (n->fd < 0)
		step = "socket";
	else if (setsockopt(n->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0)
		step = "SO_RCVTIMEO";	/* backstop: rx_run polls with a deadline */
	else if (bind(n->fd, (struct sockaddr *)&sa, sizeof sa) < 0)
		step = "bind";
	else if (getsockname(n->fd, (struct sockaddr *)&sa, &sl) < 0)
		step = "getsockname";
	else if (sl != sizeof sa || sa.family != AF_NETLINK) {
		errno = EAFNOSUPPORT;
		step = "getsockname";
	}
	if (step) {
		log_err("netlink: %s: %m", step);
		nl_close(n);
		return -1;
	}
	n->pid = sa.pid;
	/* Best effort (older kernels): the kernel's reason text in errors, and acks that do
	 * not echo the request back. */
	(void)setsockopt(n->fd, K_SOL_NETLINK, K_EXT_ACK, &one, sizeof one);
	(void)setsockopt(n->fd, K_SOL_NETLINK, K_CAP_ACK, &one, sizeof one);
	return 0;
}

void nl_close(struct nl *n)
{
	if (n->fd >= 0)
		close(n->fd);
	n->fd = -1;
}

int nl_ifindex(struct nl *n, const char *ifname)
{
	struct k_ifinfo ifi = { .family = AF_UNSPEC };
	struct nl_q q = { 0 };
	size_t len = strlen(ifname);
	struct req r;
	int rc;

	if (len == 0 || len >= sizeof q.link.name) {
		log_err("%s: bad interface name", ifname);
		return -1;
	}
	req_init(&r, K_GETLINK, K_F_REQUEST | K_F_ACK, &ifi, sizeof ifi);
	if (req_attr(&r, K_IFLA_IFNAME, ifname, len + 1) < 0)
		return -1;
	rc = talk(n, &r, &q, ifname, "get link");
	if (rc == ENODEV)
		log_err("%s: no such interface", ifname);
	else if (rc > 0)
		kernel_err(ifname, "get link", rc, &q);
	else if (rc == 0 && (!q.found || strcmp(q.link.name, ifname)))
		log_err("%s: get link: kernel answered without this interface", ifname);
	else if (rc == 0)
		return q.link.index;
	return -1;
}

int nl_ifname(struct nl *n, int ifindex, char name[16])
{
	struct k_ifinfo ifi = { .family = AF_UNSPEC, .index = ifindex };
	struct nl_q q = { .index = ifindex };
	char obj[32];
	struct req r;
	int rc;

	if (util_fmt(obj, sizeof obj, "ifindex %d", ifindex) < 0)
		return -1;
	if (ifindex <= 0) {
		log_err("%s: invalid interface index", obj);
		return -1;
	}
	req_init(&r, K_GETLINK, K_F_REQUEST | K_F_ACK, &ifi, sizeof ifi);
	rc = talk(n, &r, &q, obj, "get link");
	if (rc == ENODEV || (rc == 0 && !q.found))
		return 1;
	if (rc > 0)
		kernel_err(obj, "get link", rc, &q);
	if (rc)
		return -1;
	memcpy(name, q.link.name, sizeof q.link.name);
	return 0;
}

int nl_ifname_by_mac(struct nl *n, const unsigned char mac[6], char name[16])
{
	struct nl_q q = { .mac = mac };

	if (dump(n, K_GETLINK, &q) < 0)
		return -1;
	if (!q.found)
		return 1;
	if (q.found > 1)
		log_debug("%s: first of %d interfaces with MAC %02x:%02x:%02x:%02x:%02x:%02x",
		    q.link.name, q.found, mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	memcpy(name, q.link.name, sizeof q.link.name);
	return 0;
}

int nl_ifname_by_addr(struct nl *n, uint32_t addr_be, char name[16])
{
	struct nl_q q = { .addr = addr_be, .by_addr = 1 };

	if (dump(n, K_GETADDR, &q) < 0)
		return -1;
	if (!q.found)
		return 1;
	return nl_ifname(n, q.ifa.index, name);
}

/* Names ifindex for log lines; "ifindex N" if it has no name. */
static const char *if_desc(struct nl *n, int ifindex, char out[32])
{
	char name[16];

	if (ifindex > 0 && nl_ifname(n, ifindex, name) == 0)
		memcpy(out, name, sizeof name);
	else if (util_fmt(out, 32, "ifindex %d", ifindex) < 0)
		out[0] = 0;
	return out;
}

/* -1 (logged) unless ifindex names an existing interface. */
static int if_exists(struct nl *n, int ifindex)
{
	char name[16];
	int rc = ifindex > 0 ? nl_ifname(n, ifindex, name) : 1;

	if (rc == 1)
		log_err("ifindex %d: no such interface", ifindex);
	return rc ? -1 : 0;
}

/* Looks addr up on ifindex: 1 found (q->ifa), 0 not there, -1 error. */
static int addr_find(struct nl *n, int ifindex, uint32_t addr_be, struct nl_q *q)
{
	memset(q, 0, sizeof *q);
	q->index = ifindex;
	q->addr = addr_be;
	q->by_addr = 1;
	if (ifindex <= 0)
		return if_exists(n, ifindex);
	if (dump(n, K_GETADDR, q) < 0)
		return -1;
	return q->found ? 1 : 0;
}

int nl_addr_present(struct nl *n, int ifindex, uint32_t addr_be)
{
	struct nl_q q;
	int rc = addr_find(n, ifindex, addr_be, &q);

	if (rc == 0 && if_exists(n, ifindex) < 0)
		return -1;
	return rc;
}

int nl_addr_list(struct nl *n, int ifindex, uint32_t *addrs, unsigned char *plen, int max)
{
	struct nl_q q = { .index = ifindex, .list = 1, .addrs = addrs, .plens = plen, .max = max };
	char obj[32];

	if (max < 0) {
		log_err("ifindex %d: list addresses: negative maximum %d", ifindex, max);
		return -1;
	}
	if (ifindex <= 0)
		return if_exists(n, ifindex);
	if (dump(n, K_GETADDR, &q) < 0)
		return -1;
	if (q.overflow) {
		log_err("%s: more than %d IPv4 addresses", if_desc(n, ifindex, obj), max);
		return -1;
	}
	if (q.count == 0 && if_exists(n, ifindex) < 0)
		return -1;
	return q.count;
}

/* RTM_NEWADDR/RTM_DELADDR of a->addr (IFA_LOCAL), a->peer (IFA_ADDRESS), a->plen on
 * a->index: the kernel's delete matches all three. 1 changed, 0 already so, -1 error. */
static int addr_req(struct nl *n, const struct nl_ifaddr *a, int add)
{
	struct k_ifaddr ifa = { .family = AF_INET, .index = (uint32_t)a->index };
	uint32_t mask, brd;
	char what[48], ip[16], obj[32];
	struct nl_q q = { 0 };
	struct req r;
	int rc;

	if (util_fmt(what, sizeof what, "%s %s/%d", add ? "add" : "delete",
	    util_ipv4_str(a->addr, ip), a->plen) < 0 ||
	    util_fmt(obj, sizeof obj, "ifindex %d", a->index) < 0)
		return -1;
	if (a->index <= 0 || a->plen < 0 || a->plen > 32) {
		log_err("%s: %s: invalid interface or prefix length", obj, what);
		return -1;
	}
	ifa.plen = (unsigned char)a->plen;
	req_init(&r, add ? K_NEWADDR : K_DELADDR,
	    K_F_REQUEST | K_F_ACK | (add ? K_F_CREATE | K_F_EXCL : 0), &ifa, sizeof ifa);
	if (req_attr(&r, K_IFA_LOCAL, &a->addr, sizeof a->addr) < 0 ||
	    req_attr(&r, K_IFA_ADDRESS, &a->peer, sizeof a->peer) < 0)
		return -1;
	if (add && a->plen <= 30) {	/* none for /31 (RFC 3021) and /32 */
		mask = htonl((uint32_t)(0xffffffffull << (32 - a->plen)));
		brd = a->addr | ~mask;
		if (req_attr(&r, K_IFA_BROADCAST, &brd, sizeof brd) < 0)
			return -1;
	}
	rc = talk(n, &r, &q, obj, what);
	if (rc < 0)
		return -1;
	if (rc == 0 || rc == (add ? EEXIST : EADDRNOTAVAIL)) {
		log_debug("%s: %s: %s", obj, what, rc ? strerror(rc) : "done");
		return rc == 0;
	}
	kernel_err(if_desc(n, a->index, obj), what, rc, &q);
	return -1;
}

int nl_addr_change(struct nl *n, int ifindex, uint32_t addr_be, int plen, int add)
{
	struct nl_ifaddr a = { .index = ifindex, .addr = addr_be, .peer = addr_be, .plen = plen };

	return addr_req(n, &a, add);
}

int nl_addr_ensure(struct nl *n, int ifindex, uint32_t addr_be, int plen, int present)
{
	struct nl_q q;
	char ip[16], obj[32];
	int i, rc, changed = 0;

	if (present) {
		if (plen < 0 || plen > 32) {
			log_err("ifindex %d: add %s/%d: invalid prefix length", ifindex,
			    util_ipv4_str(addr_be, ip), plen);
			return -1;
		}
		rc = addr_find(n, ifindex, addr_be, &q);
		if (rc != 0)
			return rc > 0 ? 0 : -1;
		return nl_addr_change(n, ifindex, addr_be, plen, 1);
	}
	for (i = 0; i < NL_MAX_DELETES; i++) {
		rc = addr_find(n, ifindex, addr_be, &q);
		if (rc < 0)
			return -1;
		if (rc == 0)
			return changed ? 1 : (if_exists(n, ifindex) < 0 ? -1 : 0);
		rc = addr_req(n, &q.ifa, 0);	/* as it is: prefix length, peer */
		if (rc < 0)
			return -1;
		changed |= rc;
	}
	log_err("%s: delete %s: still present after %d deletes", if_desc(n, ifindex, obj),
	    util_ipv4_str(addr_be, ip), NL_MAX_DELETES);
	return -1;
}

int nl_parse_mac(const char *text, unsigned char mac[6])
{
	unsigned char out[6];
	int i, hi, lo;

	for (i = 0; i < 6; i++, text += 3) {
		hi = util_hexval((unsigned char)text[0]);
		lo = hi < 0 ? -1 : util_hexval((unsigned char)text[1]);
		if (lo < 0 || text[2] != (i < 5 ? ':' : '\0'))
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	memcpy(mac, out, sizeof out);
	return 0;
}
