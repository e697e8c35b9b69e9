/* dns.h: host names to addresses: literals, /etc/hosts, then A queries over UDP (resolv.conf). */
#ifndef DNS_H
#define DNS_H
#include <netinet/in.h>
#include <sys/socket.h>

#define DNS_MAX_ADDRS 8

struct dns_addr {
	union {
		struct sockaddr sa;
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
	} u;
	socklen_t len;
};

/* Why a lookup failed: each a negative return of dns_resolve. */
enum dns_err { DNS_NOTFOUND = -1, DNS_TIMEOUT = -2, DNS_FAIL = -3 };

/* Resolves host to at most max addresses with port (host order) filled in: an IPv4 or IPv6
 * literal, else every address /etc/hosts gives the name (first match wins over DNS), else the
 * A records the nameservers of /etc/resolv.conf answer (all asked at once, `attempts:` times
 * over `options timeout:` seconds in all, default 2 and 5 as musl; the interval is halved as
 * needed so that at least two sends fit before deadline_ms, which is never passed; a SERVFAIL
 * is asked again at once). No search domains, no TCP: a truncated reply without an A record
 * counts as a failure of that server. Returns how many (≥ 1) or an enum dns_err (DNS_FAIL:
 * every server failed or refused at the last attempt); logs nothing. */
int dns_resolve(const char *host, int port, struct dns_addr *out, int max, long long deadline_ms);
/* The text of an enum dns_err. */
const char *dns_strerror(int err);
/* The files it reads; tests point them elsewhere. */
extern const char *dns_hosts_path, *dns_resolv_path;
#endif
