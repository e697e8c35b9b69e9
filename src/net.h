/* net.h: TCP client connections with a deadline (util_now_ms clock). */
#ifndef NET_H
#define NET_H
#include <stddef.h>
#include <sys/types.h>

/* Resolves host (IPv4 and IPv6) and connects to each address in turn until one answers,
 * all before deadline_ms. Returns a non-blocking, close-on-exec TCP_NODELAY socket, or -1
 * after logging "HOST:PORT: connect: REASON". Resolution (dns.c) ends by the deadline too. */
int net_connect(const char *host, int port, long long deadline_ms);

/* Waits for events (POLLIN/POLLOUT) on fd until deadline_ms: 1 ready, 0 timed out, -1 error. */
int net_wait(int fd, short events, long long deadline_ms);

/* Sends all of buf (MSG_NOSIGNAL) before deadline_ms: 0, or -1 with errno (ETIMEDOUT).
 * Like net_recv, it looks at the clock on every turn, whether or not the socket is ready. */
int net_send_all(int fd, const void *buf, size_t len, long long deadline_ms);

/* Receives up to cap bytes before deadline_ms: bytes read, 0 at end of stream, or -1 with
 * errno (ETIMEDOUT, also when data is ready but the deadline has passed, so a loop over
 * net_recv ends whatever the peer sends). Nothing is logged: the caller names the peer. */
ssize_t net_recv(int fd, void *buf, size_t cap, long long deadline_ms);

/* 1 if an idle connection has data or a hang-up pending (so it must not be reused), else 0. */
int net_idle_broken(int fd);
#endif
