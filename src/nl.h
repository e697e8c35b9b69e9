/* nl.h: raw rtnetlink (NETLINK_ROUTE): link lookup and IPv4 addresses, no libraries, no malloc. */
#ifndef NL_H
#define NL_H
#include <stddef.h>
#include <stdint.h>

#define NL_BUF_SIZE 32768	/* a reply larger than this is an error (MSG_TRUNC) */
#define NL_TIMEOUT_MS 2000	/* one request, all of its reply included */
#define NL_DUMP_TRIES 3		/* a dump interrupted by a concurrent change is retried */

/* Caller-owned; nothing outlives nl_close(). */
struct nl {
	int fd;
	unsigned seq;		/* last sequence number sent */
	unsigned pid;		/* our port id, learned after bind */
	unsigned char buf[NL_BUF_SIZE];
};

/* All return -1 on error, after logging it with the interface and address involved. */
int nl_open(struct nl *n);	/* socket+bind+getsockname, SOCK_CLOEXEC, receive timeout */
void nl_close(struct nl *n);	/* safe to call twice */

int nl_ifindex(struct nl *n, const char *ifname);	/* >0; a missing interface is an error */
/* 0 found (name filled), 1 no such interface (not logged), -1 error. */
int nl_ifname(struct nl *n, int ifindex, char name[16]);
int nl_ifname_by_mac(struct nl *n, const unsigned char mac[6], char name[16]);
int nl_ifname_by_addr(struct nl *n, uint32_t addr_be, char name[16]);

/* A missing ifindex is an error in all of these. */
int nl_addr_present(struct nl *n, int ifindex, uint32_t addr_be);	/* 1 yes (any prefix), 0 no */
/* Fills up to max IPv4 addresses and prefix lengths; returns the count, -1 if more than max. */
int nl_addr_list(struct nl *n, int ifindex, uint32_t *addrs, unsigned char *plen, int max);
/* present=1: adds addr/plen unless the address is already there with any prefix length.
 * present=0: deletes every instance of addr, each with the prefix length (and peer) it
 * has; plen is ignored. Returns 1 if something changed, 0 if it was already so, -1 on error. */
int nl_addr_ensure(struct nl *n, int ifindex, uint32_t addr_be, int plen, int present);
/* One RTM_NEWADDR (add=1, CREATE|EXCL) or RTM_DELADDR of exactly addr/plen, with ACK.
 * 1 changed, 0 already so (EEXIST on add, EADDRNOTAVAIL on delete), -1 error. */
int nl_addr_change(struct nl *n, int ifindex, uint32_t addr_be, int plen, int add);

/* "52:54:00:0a:0b:0c", either case, exactly six two-digit groups: 0, else -1. */
int nl_parse_mac(const char *text, unsigned char mac[6]);

/* Reply parsing, separate from the socket so it can be fed hostile bytes (tests/fuzz). */
typedef int (*nl_msg_fn)(unsigned type, const unsigned char *data, size_t len, void *arg);
struct nl_rx {
	unsigned seq, pid;	/* messages with another seq or port id are skipped */
	nl_msg_fn cb;		/* gets each data message's payload; <0 aborts the parse */
	void *arg;
	int done;		/* NLMSG_DONE or NLMSG_ERROR seen: the reply is complete */
	int err;		/* errno the kernel answered, 0 for success */
	int intr;		/* NLM_F_DUMP_INTR seen: the dump is inconsistent */
	char ext[128];		/* kernel extended-ack text, sanitised, "" if none */
};
/* Parses one received buffer (any alignment); messages after the end of the reply are
 * ignored. 0 ok (look at rx->done), -1 malformed or aborted by cb. */
int nl_rx_parse(struct nl_rx *rx, const void *buf, size_t len);

struct nl_link {
	int index;
	char name[16];
	unsigned char mac[6];
	int has_mac;		/* IFLA_ADDRESS was 6 bytes long */
};
/* RTM_NEWLINK payload: 0 ok, -1 malformed (or no name). */
int nl_link_parse(const unsigned char *data, size_t len, struct nl_link *l);

struct nl_ifaddr {
	int index;
	uint32_t addr;		/* IFA_LOCAL, else IFA_ADDRESS; network order */
	uint32_t peer;		/* IFA_ADDRESS (differs on point-to-point), else IFA_LOCAL */
	int plen;
};
/* RTM_NEWADDR payload: 0 IPv4 address, 1 not IPv4 or no address, -1 malformed. */
int nl_ifaddr_parse(const unsigned char *data, size_t len, struct nl_ifaddr *a);
#endif
