/* net.c: owns TCP client sockets: resolving, connecting with a deadline, bounded send/recv. */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "dns.h"
#include "log.h"
#include "net.h"
#include "util.h"

int net_wait(int fd, short events, long long deadline_ms)
{
	struct pollfd p;
	long long left;
	int n;

	for (;;) {
		left = deadline_ms - util_now_ms();
		if (left <= 0)
			return 0;
		p.fd = fd;
		p.events = events;
		p.revents = 0;
		n = poll(&p, 1, left > 60000 ? 60000 : (int)left);
		if (n > 0)
			return 1;
		if (n < 0 && errno != EINTR)
			return -1;
	}
}

/* One non-blocking connect to one address; returns the fd or -1 with *err set. */
static int connect_one(const struct dns_addr *ai, long long deadline_ms, int *err)
{
	socklen_t len = sizeof *err;
	int fd, one = 1, w;

	fd = util_socket(ai->u.sa.sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		*err = errno;
		return -1;
	}
	*err = 0;
	if (connect(fd, &ai->u.sa, ai->len) < 0) {
		if (errno != EINPROGRESS && errno != EINTR)
			*err = errno;
		else if ((w = net_wait(fd, POLLOUT, deadline_ms)) <= 0)
			*err = w == 0 ? ETIMEDOUT : errno;
		else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, err, &len) < 0)
			*err = errno;
	}
	if (!*err && setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0)
		*err = errno;
	if (*err) {
		close(fd);
		return -1;
	}
	return fd;
}

int net_connect(const char *host, int port, long long deadline_ms)
{
	struct dns_addr a[DNS_MAX_ADDRS];
	long long now;
	int fd = -1, err = ETIMEDOUT, n, i;

	if (port < 1 || port > 65535) {
		log_err("%s:%d: connect: bad port", host, port);
		return -1;
	}
	n = dns_resolve(host, port, a, DNS_MAX_ADDRS, deadline_ms);
	if (n < 0) {
		log_err("%s:%d: connect: %s", host, port, dns_strerror(n));
		return -1;
	}
	/* Each address gets an equal share of what is left, so a black-holed first
	 * address (say IPv6 without a route) cannot eat the whole deadline. */
	for (i = 0; i < n && fd < 0; i++) {
		now = util_now_ms();
		if (now >= deadline_ms) {
			err = ETIMEDOUT;
			break;
		}
		fd = connect_one(&a[i], now + (deadline_ms - now) / (n - i), &err);
	}
	if (fd < 0) {
		if (n > 1)
			log_err("%s:%d: connect: %s (%d addresses tried)", host, port, strerror(err), i);
		else
			log_err("%s:%d: connect: %s", host, port, strerror(err));
	}
	return fd;
}

int net_send_all(int fd, const void *buf, size_t len, long long deadline_ms)
{
	const char *p = buf;
	ssize_t n;
	int w;

	while (len > 0) {
		if (util_now_ms() >= deadline_ms) {	/* every turn: a peer that keeps up cannot extend it */
			errno = ETIMEDOUT;
			return -1;
		}
		n = send(fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n > 0) {
			p += n;
			len -= (size_t)n;
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if ((w = net_wait(fd, POLLOUT, deadline_ms)) <= 0) {
				if (w == 0)
					errno = ETIMEDOUT;
				return -1;
			}
		} else {
			if (n == 0)
				errno = EPIPE;
			return -1;
		}
	}
	return 0;
}

ssize_t net_recv(int fd, void *buf, size_t cap, long long deadline_ms)
{
	ssize_t n;
	int w;

	for (;;) {
		/* Checked before every recv(), not only when it would block: a peer that always
		 * has a byte ready (100 Continue forever) must not outlive the deadline. */
		if (util_now_ms() >= deadline_ms) {
			errno = ETIMEDOUT;
			return -1;
		}
		n = recv(fd, buf, cap, MSG_DONTWAIT);
		if (n >= 0)
			return n;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -1;
		if ((w = net_wait(fd, POLLIN, deadline_ms)) <= 0) {
			if (w == 0)
				errno = ETIMEDOUT;
			return -1;
		}
	}
}

int net_idle_broken(int fd)
{
	struct pollfd p;

	p.fd = fd;
	p.events = POLLIN | POLLRDHUP;
	p.revents = 0;
	return poll(&p, 1, 0) != 0;
}
