/* t_dns.c: dns_resolve: literals, /etc/hosts, loopback name servers that answer, fail, drop, refuse, or never answer. */
#include <arpa/inet.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dns.h"
#include "harness.h"
#include "util.h"

static char dir[] = "/tmp/tcvip-dns-XXXXXX";
static char hosts[256], resolv[256];

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
}

static int is_v4(const struct dns_addr *a, const char *ip, int port)
{
	char s[16];

	return a->u.sa.sa_family == AF_INET && a->len == sizeof a->u.in &&
	    ntohs(a->u.in.sin_port) == port &&
	    !strcmp(inet_ntop(AF_INET, &a->u.in.sin_addr, s, sizeof s), ip);
}

static long long in(long long ms)
{
	return util_now_ms() + ms;
}

static void test_literals_and_hosts(void)
{
	struct dns_addr a[4];

	put(hosts, "# comment\n127.0.0.1 localhost\n198.18.0.9\tvpc.tencentcloudapi.com api # x\n"
	    "::1 ip6-localhost\n198.18.0.10 API.example.test\n198.18.0.11 api.example.test\n");
	put(resolv, "nameserver 127.0.0.1\n");
	check(dns_resolve("198.18.0.1", 443, a, 4, in(1000)) == 1 && is_v4(&a[0], "198.18.0.1", 443));
	check(dns_resolve("::1", 80, a, 4, in(1000)) == 1 && a[0].u.sa.sa_family == AF_INET6 &&
	    ntohs(a[0].u.in6.sin6_port) == 80);
	check(dns_resolve("vpc.tencentcloudapi.com", 443, a, 4, in(1000)) == 1 &&
	    is_v4(&a[0], "198.18.0.9", 443));
	check(dns_resolve("api", 1, a, 4, in(1000)) == 1 && is_v4(&a[0], "198.18.0.9", 1));
	check(dns_resolve("x", 1, a, 4, in(1000)) < 0);	/* in the comment only */
	check(dns_resolve("ip6-localhost", 1, a, 4, in(1000)) == 1 && a[0].u.sa.sa_family == AF_INET6);
	/* every line naming it, either case; no more than max */
	check(dns_resolve("api.example.test", 1, a, 4, in(1000)) == 2 &&
	    is_v4(&a[0], "198.18.0.10", 1) && is_v4(&a[1], "198.18.0.11", 1));
	check(dns_resolve("api.example.test", 1, a, 1, in(1000)) == 1);
	check(dns_resolve("bad..name", 1, a, 4, in(1000)) == DNS_NOTFOUND);
}

/* Answers query q (n bytes, room for the answer) from fd as mode says: 'a' two A records
 * after a CNAME, 'n' NXDOMAIN, 's' SERVFAIL, 'w' a wrong id then the answer, 't' truncated
 * with no answer, 'q' the answer with QTYPE AAAA echoed, '-' nothing. */
static void reply(int fd, unsigned char *q, ssize_t n, char mode, struct sockaddr_in *from)
{
	static const unsigned char ans[] = {
		0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 2, 0xc0, 12,	/* CNAME to itself */
		0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 198, 18, 0, 7,
		0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 198, 18, 0, 8 };

	if (mode == '-')
		return;
	q[2] |= 0x80 | (mode == 't' ? 2 : 0);
	q[3] = mode == 'n' ? 3 : mode == 's' ? 2 : 0;
	if (mode == 'q')
		q[n - 3] = 28;
	if (mode == 'a' || mode == 'w' || mode == 'q') {
		memcpy(q + n, ans, sizeof ans);
		q[7] = 3;
		n += (ssize_t)sizeof ans;
	}
	if (mode == 'w') {
		q[0] ^= 0xff;
		sendto(fd, q, (size_t)n, 0, (struct sockaddr *)from, sizeof *from);
		q[0] ^= 0xff;
	}
	sendto(fd, q, (size_t)n, 0, (struct sockaddr *)from, sizeof *from);
}

/* A name server on ip:53 until stopped, started after wait_ms (then it cannot fail: -2 if it
 * could not bind). Its first query is answered as first says (0: nothing, 'x': as mode), the
 * others as mode (see reply). -1 if ip:53 cannot be bound. */
static pid_t server_at(const char *ip, char first, char mode, int wait_ms)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0), one = 1, k;
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(53) };
	pid_t pid;

	inet_pton(AF_INET, ip, &sa.sin_addr);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (!wait_ms && bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		close(fd);
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		usleep((useconds_t)wait_ms * 1000);
		if (wait_ms && bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
			_exit(1);
		for (k = 0;; k++) {
			unsigned char q[512];
			struct sockaddr_in from;
			socklen_t fl = sizeof from;
			ssize_t n = recvfrom(fd, q, sizeof q - 64, 0, (struct sockaddr *)&from, &fl);

			if (n >= 17)
				reply(fd, q, n, k == 0 && first != 'x' ? (first ? first : '-') : mode, &from);
		}
	}
	close(fd);
	return pid;
}

static pid_t server(char mode)
{
	return server_at("127.0.0.1", 'x', mode, 0);
}

static void stop(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static void test_server(void)
{
	struct dns_addr a[4];
	long long t0;
	pid_t pid;

	put(hosts, "127.0.0.1 localhost\n");
	put(resolv, "search example.test\nnameserver 127.0.0.1 # local\noptions ndots:1 timeout:1 attempts:2\n");
	pid = server('a');
	if (pid < 0) {
		printf("SKIP: the name server cases need to bind 127.0.0.1:53 (root)\n");
		return;
	}
	check(dns_resolve("vpc.tencentcloudapi.com", 443, a, 4, in(3000)) == 2 &&
	    is_v4(&a[0], "198.18.0.7", 443) && is_v4(&a[1], "198.18.0.8", 443));
	stop(pid);
	pid = server('w');
	check(dns_resolve("vpc.tencentcloudapi.com", 443, a, 4, in(3000)) == 2);
	stop(pid);
	pid = server('n');
	check(dns_resolve("nx.example.test", 443, a, 4, in(3000)) == DNS_NOTFOUND);
	stop(pid);
	pid = server('s');
	check(dns_resolve("sf.example.test", 443, a, 4, in(3000)) == DNS_FAIL);
	stop(pid);
	/* a QTYPE other than A echoed: not our answer */
	pid = server('q');
	put(resolv, "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n");
	check(dns_resolve("vpc.tencentcloudapi.com", 443, a, 4, in(3000)) == DNS_TIMEOUT);
	stop(pid);
	/* never answers: the deadline ends it; 3x the deadline, the stuck alternative is 30 s */
	pid = server('-');
	put(resolv, "nameserver 127.0.0.1\noptions timeout:30 attempts:10\n");
	t0 = util_now_ms();
	check(dns_resolve("slow.example.test", 443, a, 4, in(300)) == DNS_TIMEOUT);
	check(util_now_ms() - t0 < 900);
	/* ... and with a far deadline, the timeout ends it (1 s in all) */
	put(resolv, "nameserver 127.0.0.1\noptions timeout:1 attempts:2\n");
	check(dns_resolve("slow.example.test", 443, a, 4, in(600000)) == DNS_TIMEOUT);
	stop(pid);
	check(!strcmp(dns_strerror(DNS_TIMEOUT), "name server timed out"));
}

/* Lost datagrams, failures and refusals that a resend or another server gets past. */
static void test_retries(void)
{
	struct dns_addr a[4];
	pid_t pid, pid2;

	/* the first datagram dropped: the defaults (5 s, 2 attempts) resend within 3 s */
	put(resolv, "nameserver 127.0.0.1\n");
	pid = server_at("127.0.0.1", 0, 'a', 0);
	if (pid < 0)
		return;
	check(dns_resolve("vpc.tencentcloudapi.com", 443, a, 4, in(3000)) == 2);
	stop(pid);
	/* SERVFAIL once, then the answer: asked again at once, even with one attempt */
	put(resolv, "nameserver 127.0.0.1\noptions timeout:30 attempts:1\n");
	pid = server_at("127.0.0.1", 's', 'a', 0);
	check(dns_resolve("vpc.tencentcloudapi.com", 443, a, 4, in(3000)) == 2);
	stop(pid);
	/* truncated with no answer: the second server (which drops its first query) is waited for */
	put(resolv, "nameserver 127.0.0.1\nnameserver 127.0.0.2\noptions timeout:2 attempts:2\n");
	pid = server_at("127.0.0.1", 'x', 't', 0);
	pid2 = server_at("127.0.0.2", 0, 'a', 0);
	check(dns_resolve("vpc.tencentcloudapi.com", 443, a, 4, in(3000)) == 2 &&
	    is_v4(&a[0], "198.18.0.7", 443));
	stop(pid);
	/* refused (nothing on 127.0.0.3:53), then the second name server */
	put(resolv, "nameserver 127.0.0.3\nnameserver 127.0.0.2\noptions timeout:2 attempts:2\n");
	check(dns_resolve("vpc.tencentcloudapi.com", 443, a, 4, in(3000)) == 2);
	stop(pid2);
	/* a local resolver restarting: refused first, it answers a later attempt */
	put(resolv, "nameserver 127.0.0.1\noptions timeout:5 attempts:5\n");
	pid = server_at("127.0.0.1", 'x', 'a', 200);
	check(dns_resolve("vpc.tencentcloudapi.com", 443, a, 4, in(10000)) == 2);
	stop(pid);
	/* refused at every attempt: DNS_FAIL */
	put(resolv, "nameserver 127.0.0.3\noptions timeout:1 attempts:2\n");
	check(dns_resolve("vpc.tencentcloudapi.com", 443, a, 4, in(3000)) == DNS_FAIL);
}

/* A private network namespace with lo up, so that 127.0.0.1:53 is free (as root). */
static void own_netns(void)
{
	struct ifreq r = { 0 };
	int fd;

	if (geteuid() != 0 || unshare(CLONE_NEWNET) < 0)
		return;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	strcpy(r.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &r) == 0) {
		r.ifr_flags |= IFF_UP;
		(void)ioctl(fd, SIOCSIFFLAGS, &r);
	}
	close(fd);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	snprintf(hosts, sizeof hosts, "%s/hosts", dir);
	snprintf(resolv, sizeof resolv, "%s/resolv.conf", dir);
	dns_hosts_path = hosts;
	dns_resolv_path = resolv;
	test_literals_and_hosts();
	own_netns();
	test_server();
	test_retries();
	unlink(hosts);
	unlink(resolv);
	rmdir(dir);
	return check_done();
}
