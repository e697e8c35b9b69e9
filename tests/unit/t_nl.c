/* t_nl.c: unit tests for nl.c: hostile reply parsing always; live rtnetlink in a private netns as root. */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"
#include "nl.h"

#define SEQ 7
#define PID 99

/* ---- building replies by hand (kernel layout, no linux/ headers under musl) ---------- */

struct buf {
	unsigned char b[4096];
	size_t len;
};

static void put(struct buf *m, const void *p, size_t n)
{
	if (m->len + n > sizeof m->b)
		abort();
	if (n)
		memcpy(m->b + m->len, p, n);
	m->len += n;
}

static void pad(struct buf *m)
{
	static const unsigned char z[4];

	put(m, z, (4 - m->len % 4) % 4);
}

/* Appends a header with nlmsg_len = 16 + plen + extra (extra lies about the length). */
static void msg(struct buf *m, uint16_t type, uint16_t flags, uint32_t seq, const void *p,
    size_t plen, int extra)
{
	uint32_t h[4] = { (uint32_t)((long)(16 + plen) + extra), 0, seq, PID };
	uint16_t tf[2] = { type, flags };

	memcpy(&h[1], tf, sizeof tf);
	pad(m);
	put(m, h, sizeof h);
	put(m, p, plen);
}

/* Attribute into a payload buffer: rta_len = 4 + n + extra. */
static void attr(struct buf *p, uint16_t type, const void *v, size_t n, int extra)
{
	uint16_t a[2] = { (uint16_t)((long)(4 + n) + extra), type };

	pad(p);
	put(p, a, sizeof a);
	put(p, v, n);
}

static void errmsg(struct buf *m, int err, uint16_t flags, const void *tlv, size_t tlen)
{
	struct buf p = { .len = 0 };
	uint32_t orig[4] = { 20, 0, SEQ, 0 };

	put(&p, &err, sizeof err);
	put(&p, orig, sizeof orig);
	put(&p, tlv, tlen);
	msg(m, 2, flags, SEQ, p.b, p.len, 0);
}

static void link_payload(struct buf *p, int index, const char *name, const unsigned char *mac)
{
	unsigned char ifi[16] = { 0 };

	memcpy(ifi + 4, &index, sizeof index);
	put(p, ifi, sizeof ifi);
	if (name)
		attr(p, 3, name, strlen(name) + 1, 0);
	if (mac)
		attr(p, 1, mac, 6, 0);
}

static void addr_payload(struct buf *p, int family, int plen, uint32_t index)
{
	unsigned char ifa[8] = { (unsigned char)family, (unsigned char)plen, 0, 0 };

	memcpy(ifa + 4, &index, sizeof index);
	put(p, ifa, sizeof ifa);
}

/* ---- parser tests ------------------------------------------------------------------- */

struct seen {
	int links, addrs, bad;
	struct nl_link link;
	struct nl_ifaddr ifa;
};

static int on_msg(unsigned type, const unsigned char *d, size_t n, void *arg)
{
	struct seen *s = arg;

	if (type == 16 && nl_link_parse(d, n, &s->link) == 0)
		s->links++;
	else if (type == 20 && nl_ifaddr_parse(d, n, &s->ifa) == 0)
		s->addrs++;
	else
		s->bad++;
	return 0;
}

/* Parses m from an exact-size heap copy at an odd address so ASan/UBSan see every stray read. */
static int parse(struct nl_rx *rx, struct seen *s, const struct buf *m)
{
	unsigned char *copy = malloc(m->len + 1);
	int r;

	if (!copy)
		abort();
	memcpy(copy + 1, m->b, m->len);
	memset(rx, 0, sizeof *rx);
	memset(s, 0, sizeof *s);
	rx->seq = SEQ;
	rx->pid = PID;
	rx->cb = on_msg;
	rx->arg = s;
	r = nl_rx_parse(rx, copy + 1, m->len);
	free(copy);
	return r;
}

static void test_control(void)
{
	struct nl_rx rx;
	struct seen s;
	struct buf m = { .len = 0 };
	int e = 0;

	errmsg(&m, 0, 0, NULL, 0);
	check(parse(&rx, &s, &m) == 0 && rx.done && rx.err == 0);

	m.len = 0;
	errmsg(&m, -EEXIST, 0, NULL, 0);
	check(parse(&rx, &s, &m) == 0 && rx.done && rx.err == EEXIST);

	m.len = 0;
	check(parse(&rx, &s, &m) == 0 && !rx.done);

	m.len = 0;	/* DONE: empty, 0, an errno */
	msg(&m, 3, 2, SEQ, NULL, 0, 0);
	check(parse(&rx, &s, &m) == 0 && rx.done && rx.err == 0);
	m.len = 0;
	msg(&m, 3, 2, SEQ, &e, sizeof e, 0);
	check(parse(&rx, &s, &m) == 0 && rx.done && rx.err == 0);
	m.len = 0;
	e = -EINTR;
	msg(&m, 3, 2, SEQ, &e, sizeof e, 0);
	check(parse(&rx, &s, &m) == 0 && rx.done && rx.err == EINTR);
	m.len = 0;
	msg(&m, 3, 2, SEQ, &e, 2, 0);
	check(parse(&rx, &s, &m) == -1);

	m.len = 0;	/* NOOP skipped, OVERRUN refused */
	msg(&m, 1, 0, SEQ, NULL, 0, 0);
	errmsg(&m, 0, 0, NULL, 0);
	check(parse(&rx, &s, &m) == 0 && rx.done);
	m.len = 0;
	msg(&m, 4, 0, SEQ, NULL, 0, 0);
	check(parse(&rx, &s, &m) == -1);

	m.len = 0;	/* an error payload must be a whole nlmsgerr, errno <= 0 */
	e = 0;
	msg(&m, 2, 0, SEQ, &e, sizeof e, 0);
	check(parse(&rx, &s, &m) == -1);
	m.len = 0;
	errmsg(&m, 5, 0, NULL, 0);
	check(parse(&rx, &s, &m) == -1);
	m.len = 0;
	errmsg(&m, INT_MIN, 0, NULL, 0);
	check(parse(&rx, &s, &m) == -1);

	m.len = 0;	/* what follows the end of the reply is not looked at */
	errmsg(&m, 0, 0, NULL, 0);
	put(&m, "\xff\xff\xff", 3);
	check(parse(&rx, &s, &m) == 0 && rx.done);
}

static void test_framing(void)
{
	struct nl_rx rx;
	struct seen s;
	struct buf m = { .len = 0 }, p = { .len = 0 };
	static const unsigned char mac[6] = { 0x52, 0x54, 0, 0x0a, 0x0b, 0x0c };

	link_payload(&p, 3, "tv0", mac);

	msg(&m, 16, 2, SEQ - 1, p.b, p.len, 0);	/* stale seq */
	msg(&m, 16, 2, SEQ, p.b, p.len, 0);
	msg(&m, 3, 2, SEQ, NULL, 0, 0);
	check(parse(&rx, &s, &m) == 0 && rx.done && s.links == 1 && !s.bad);

	m.len = 0;	/* foreign port id */
	msg(&m, 16, 2, SEQ, p.b, p.len, 0);
	memset(m.b + 12, 0x55, 4);
	check(parse(&rx, &s, &m) == 0 && !rx.done && s.links == 0);

	m.len = 0;
	msg(&m, 16, 2 | 0x10, SEQ, p.b, p.len, 0);	/* NLM_F_DUMP_INTR */
	check(parse(&rx, &s, &m) == 0 && rx.intr && s.links == 1);

	m.len = 0;	/* lying lengths: 0, shorter than a header, past the buffer */
	msg(&m, 16, 2, SEQ, p.b, p.len, -(int)(16 + p.len));
	check(parse(&rx, &s, &m) == -1);
	m.len = 0;
	msg(&m, 16, 2, SEQ, p.b, p.len, -(int)(1 + p.len));
	check(parse(&rx, &s, &m) == -1);
	m.len = 0;
	msg(&m, 16, 2, SEQ, p.b, p.len, 1);
	check(parse(&rx, &s, &m) == -1);
	m.len = 0;
	put(&m, "\x20\0\0\0\x10\0\0\0\x07", 9);	/* half a header */
	check(parse(&rx, &s, &m) == -1);

	m.len = 0;	/* a stale message with a bad length still fails: framing is lost */
	msg(&m, 16, 2, SEQ - 1, p.b, p.len, 1);
	check(parse(&rx, &s, &m) == -1);
}

static void test_truncations(void)
{
	struct buf m = { .len = 0 }, p = { .len = 0 }, cut;
	static const unsigned char mac[6] = { 0x52, 0x54, 0, 0x0a, 0x0b, 0x0c };
	uint32_t a = htonl(0xc6120064);
	struct nl_rx rx;
	struct seen s;
	size_t i;
	int ok = 1;

	link_payload(&p, 3, "tv0", mac);
	msg(&m, 16, 2, SEQ, p.b, p.len, 0);
	p.len = 0;
	addr_payload(&p, AF_INET, 32, 3);
	attr(&p, 2, &a, 4, 0);
	msg(&m, 20, 2, SEQ, p.b, p.len, 0);
	msg(&m, 3, 2, SEQ, "\0\0\0\0", 4, 0);
	check(parse(&rx, &s, &m) == 0 && rx.done && s.links == 1 && s.addrs == 1);
	for (i = 0; i < m.len; i++) {	/* every prefix: never a read out of bounds, never done */
		memcpy(cut.b, m.b, i);
		cut.len = i;
		if (parse(&rx, &s, &cut) == 0 && rx.done)
			ok = 0;
	}
	check(ok);
}

static void test_ext_ack(void)
{
	struct buf m = { .len = 0 }, t = { .len = 0 };
	struct nl_rx rx;
	struct seen s;
	uint32_t orig[6] = { 24, 0, SEQ, 0, 0xdeadbeef, 0xdeadbeef };
	int e = -EPERM;

	attr(&t, 1, "no\x01way", 7, 0);
	errmsg(&m, -EPERM, 0x100 | 0x200, t.b, t.len);	/* capped, with TLVs */
	check(parse(&rx, &s, &m) == 0 && rx.err == EPERM && strcmp(rx.ext, "no?way") == 0);

	m.len = 0;	/* not capped: the request is echoed before the TLVs */
	{
		struct buf p = { .len = 0 };

		put(&p, &e, sizeof e);
		put(&p, orig, sizeof orig);
		put(&p, t.b, t.len);
		msg(&m, 2, 0x200, SEQ, p.b, p.len, 0);
	}
	check(parse(&rx, &s, &m) == 0 && rx.err == EPERM && strcmp(rx.ext, "no?way") == 0);

	m.len = 0;	/* a broken TLV loses the text, not the answer */
	t.len = 0;
	attr(&t, 1, "no", 2, 40);
	errmsg(&m, -EPERM, 0x100 | 0x200, t.b, t.len);
	check(parse(&rx, &s, &m) == 0 && rx.err == EPERM && rx.ext[0] == 0);
}

static void test_link_parse(void)
{
	static const unsigned char mac[6] = { 0x52, 0x54, 0, 0x0a, 0x0b, 0x0c };
	struct buf p = { .len = 0 };
	struct nl_link l;

	link_payload(&p, 3, "tv0", mac);
	check(nl_link_parse(p.b, p.len, &l) == 0 && l.index == 3 && strcmp(l.name, "tv0") == 0 &&
	    l.has_mac && memcmp(l.mac, mac, 6) == 0);
	check(nl_link_parse(p.b, 15, &l) == -1);
	check(nl_link_parse(p.b, p.len - 1, &l) == -1);	/* cut inside the MAC attribute */

	p.len = 0;
	link_payload(&p, 3, "tv0", NULL);
	attr(&p, 1, mac, 0, 0);	/* no hardware address */
	check(nl_link_parse(p.b, p.len, &l) == 0 && !l.has_mac);

	p.len = 0;
	link_payload(&p, 0, "tv0", mac);
	check(nl_link_parse(p.b, p.len, &l) == -1);
	p.len = 0;
	link_payload(&p, 3, NULL, mac);
	check(nl_link_parse(p.b, p.len, &l) == -1);
	p.len = 0;
	link_payload(&p, 3, "0123456789abcdef", mac);	/* 16 chars: too long */
	check(nl_link_parse(p.b, p.len, &l) == -1);
	p.len = 0;
	link_payload(&p, 3, NULL, NULL);
	attr(&p, 3, "tv0x", 4, 0);	/* no NUL */
	check(nl_link_parse(p.b, p.len, &l) == -1);
	p.len = 0;
	link_payload(&p, 3, NULL, NULL);
	attr(&p, 3, "", 1, 0);
	check(nl_link_parse(p.b, p.len, &l) == -1);
	p.len = 0;
	link_payload(&p, 3, "tv0", NULL);
	attr(&p, 1, mac, 6, -8);	/* rta_len shorter than its header */
	check(nl_link_parse(p.b, p.len, &l) == -1);
	p.len = 0;
	link_payload(&p, 3, "tv0", NULL);
	attr(&p, 1, mac, 6, 1);	/* rta_len past the payload */
	check(nl_link_parse(p.b, p.len, &l) == -1);
}

static void test_addr_parse(void)
{
	struct buf p = { .len = 0 };
	struct nl_ifaddr a;
	uint32_t local = htonl(0xc6120064), peer = htonl(0xc6120001);

	addr_payload(&p, AF_INET, 24, 2);
	attr(&p, 1, &peer, 4, 0);
	attr(&p, 2, &local, 4, 0);
	check(nl_ifaddr_parse(p.b, p.len, &a) == 0 && a.index == 2 && a.plen == 24 &&
	    a.addr == local && a.peer == peer);
	p.len = 0;
	addr_payload(&p, AF_INET, 32, 2);
	attr(&p, 2, &local, 4, 0);
	attr(&p, 1, &peer, 4, 0);
	check(nl_ifaddr_parse(p.b, p.len, &a) == 0 && a.addr == local);
	p.len = 0;
	addr_payload(&p, AF_INET, 32, 2);
	attr(&p, 1, &peer, 4, 0);
	check(nl_ifaddr_parse(p.b, p.len, &a) == 0 && a.addr == peer && a.peer == peer);
	p.len = 0;
	addr_payload(&p, AF_INET, 32, 2);
	attr(&p, 2, &local, 4, 0);
	check(nl_ifaddr_parse(p.b, p.len, &a) == 0 && a.addr == local && a.peer == local);

	p.len = 0;
	addr_payload(&p, AF_INET, 32, 2);
	check(nl_ifaddr_parse(p.b, p.len, &a) == 1);
	check(nl_ifaddr_parse(p.b, 7, &a) == -1);
	p.len = 0;
	addr_payload(&p, AF_INET6, 64, 2);
	attr(&p, 1, "0123456789abcdef", 16, 0);
	check(nl_ifaddr_parse(p.b, p.len, &a) == 1);
	p.len = 0;
	addr_payload(&p, AF_INET, 33, 2);
	attr(&p, 2, &local, 4, 0);
	check(nl_ifaddr_parse(p.b, p.len, &a) == -1);
	p.len = 0;
	addr_payload(&p, AF_INET, 32, 0);
	attr(&p, 2, &local, 4, 0);
	check(nl_ifaddr_parse(p.b, p.len, &a) == -1);
	p.len = 0;
	addr_payload(&p, AF_INET, 32, 2);
	attr(&p, 2, &local, 3, 0);
	check(nl_ifaddr_parse(p.b, p.len, &a) == -1);
}

static void test_parse_mac(void)
{
	unsigned char mac[6] = { 0 };
	static const unsigned char want[6] = { 0x52, 0x54, 0, 0x0a, 0x0b, 0x0c };

	check(nl_parse_mac("52:54:00:0a:0b:0c", mac) == 0 && memcmp(mac, want, 6) == 0);
	memset(mac, 0, sizeof mac);
	check(nl_parse_mac("52:54:00:0A:0B:0C", mac) == 0 && memcmp(mac, want, 6) == 0);
	check(nl_parse_mac("FF:ff:00:00:00:01", mac) == 0 && mac[0] == 0xff && mac[5] == 1);
	check(nl_parse_mac("", mac) == -1);
	check(nl_parse_mac("52:54:00:0a:0b", mac) == -1);
	check(nl_parse_mac("52:54:00:0a:0b:", mac) == -1);
	check(nl_parse_mac("52:54:00:0a:0b:0c:", mac) == -1);
	check(nl_parse_mac("52:54:00:0a:0b:0c:0d", mac) == -1);
	check(nl_parse_mac("52-54-00-0a-0b-0c", mac) == -1);
	check(nl_parse_mac("5:54:00:0a:0b:0c", mac) == -1);
	check(nl_parse_mac("52:54:00:0a:0b:0g", mac) == -1);
	check(nl_parse_mac("52:54:00:0a:0b:0c ", mac) == -1);
	check(nl_parse_mac(" 52:54:00:0a:0b:0c", mac) == -1);
	check(nl_parse_mac("525400:0a:0b:0c", mac) == -1);
	check(memcmp(mac, "\xff\xff\0\0\0\x01", 6) == 0);	/* untouched on failure */
}

/* ---- live tests in a private network namespace ---------------------------------------- */

static int sh(const char *cmd)
{
	return system(cmd) == 0;
}

/* Private netns with lo up and tv0 (dummy, else veth, else bridge) at MAC 52:54:00:0a:0b:0c. */
static int netns_setup(void)
{
	if (geteuid() != 0) {
		puts("SKIP: live netlink tests need root (private network namespace)");
		return -1;
	}
	if (unshare(CLONE_NEWNET) < 0) {
		printf("SKIP: unshare(CLONE_NEWNET): %s\n", strerror(errno));
		return -1;
	}
	if (!sh("ip link set lo up") ||
	    !sh("ip link add tv0 type dummy 2>/dev/null ||"
		" ip link add tv0 type veth peer name tv1 2>/dev/null ||"
		" ip link add tv0 type bridge") ||
	    !sh("ip link set tv0 address 52:54:00:0a:0b:0c && ip link set tv0 up")) {
		puts("SKIP: cannot set up tv0 with ip(8) in the namespace");
		return -1;
	}
	return 0;
}

static uint32_t ip4(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		abort();
	return a.s_addr;
}

static void test_links(struct nl *n, int idx)
{
	static const unsigned char mac[6] = { 0x52, 0x54, 0, 0x0a, 0x0b, 0x0c };
	static const unsigned char other[6] = { 0x52, 0x54, 0, 0xff, 0xff, 0xff };
	char name[16];

	check(idx > 1);
	check(nl_ifindex(n, "lo") == 1);
	check(nl_ifindex(n, "nosuch0") == -1);
	check(nl_ifindex(n, "") == -1);
	check(nl_ifindex(n, "0123456789abcdef") == -1);
	check(nl_ifname(n, idx, name) == 0 && strcmp(name, "tv0") == 0);
	check(nl_ifname(n, 9999, name) == 1);
	check(nl_ifname(n, 0, name) == -1);
	memset(name, 0, sizeof name);
	check(nl_ifname_by_mac(n, mac, name) == 0 && strcmp(name, "tv0") == 0);
	check(nl_ifname_by_mac(n, other, name) == 1);
}

static void test_addrs(struct nl *n, int idx)
{
	uint32_t vip = ip4("198.18.0.100"), net = ip4("198.18.1.5"), addrs[4];
	unsigned char plen[4];
	char name[16];
	int c;

	check(nl_addr_present(n, idx, vip) == 0);
	check(nl_addr_ensure(n, idx, vip, 32, 1) == 1);
	check(sh("ip -4 -o addr show dev tv0 | grep -q ' 198.18.0.100/32 '"));
	check(sh("! ip -4 -o addr show dev tv0 | grep -q 'brd'"));	/* no broadcast on /32 */
	check(nl_addr_ensure(n, idx, vip, 32, 1) == 0);
	check(nl_addr_change(n, idx, vip, 32, 1) == 0);		/* EEXIST is success */
	check(nl_addr_ensure(n, idx, vip, 24, 1) == 0);		/* present, any prefix */
	check(nl_addr_present(n, idx, vip) == 1);
	check(nl_addr_present(n, 1, vip) == 0);
	check(nl_addr_present(n, idx, ip4("198.18.0.101")) == 0);
	check(nl_ifname_by_addr(n, vip, name) == 0 && strcmp(name, "tv0") == 0);
	check(nl_ifname_by_addr(n, ip4("198.18.0.101"), name) == 1);

	check(nl_addr_ensure(n, idx, net, 24, 1) == 1);
	check(sh("ip -4 -o addr show dev tv0 | grep -q ' 198.18.1.5/24 brd 198.18.1.255 '"));
	c = nl_addr_list(n, idx, addrs, plen, 4);
	check(c == 2);
	check(c == 2 && ((addrs[0] == vip && plen[0] == 32 && addrs[1] == net && plen[1] == 24) ||
	    (addrs[1] == vip && plen[1] == 32 && addrs[0] == net && plen[0] == 24)));
	check(nl_addr_list(n, idx, addrs, plen, 1) == -1);	/* more than max */
	check(nl_addr_list(n, 1, addrs, plen, 4) == 1);		/* lo: 127.0.0.1/8 */

	check(nl_addr_change(n, idx, net, 32, 0) == 0);	/* wrong prefix: kernel finds nothing */
	check(nl_addr_present(n, idx, net) == 1);
	check(nl_addr_ensure(n, idx, net, 32, 0) == 1);	/* uses the /24 it really has */
	check(nl_addr_present(n, idx, net) == 0);
	check(sh("! ip -4 -o addr show dev tv0 | grep -q ' 198.18.1.5/'"));
	check(nl_addr_ensure(n, idx, net, 32, 0) == 0);

	check(sh("ip addr add 198.18.2.7/24 dev tv0"));	/* placed by someone else */
	check(nl_addr_change(n, idx, ip4("198.18.2.7"), 22, 1) == 1);	/* a second instance */
	check(nl_addr_ensure(n, idx, ip4("198.18.2.7"), 32, 0) == 1);	/* both go */
	check(sh("! ip -4 -o addr show dev tv0 | grep -q ' 198.18.2.7/'"));

	check(sh("ip addr add 198.18.3.1 peer 198.18.3.2/32 dev tv0"));	/* point-to-point */
	check(nl_addr_present(n, idx, ip4("198.18.3.1")) == 1);
	check(nl_addr_present(n, idx, ip4("198.18.3.2")) == 0);
	check(nl_addr_ensure(n, idx, ip4("198.18.3.1"), 32, 0) == 1);
	check(sh("! ip -4 -o addr show dev tv0 | grep -q ' 198.18.3.1 '"));

	check(nl_addr_ensure(n, idx, vip, 32, 0) == 1);
	check(nl_addr_list(n, idx, addrs, plen, 4) == 0);
}

static void test_bad_ifindex(struct nl *n, int idx)
{
	uint32_t vip = ip4("198.18.0.100"), addrs[2];
	unsigned char plen[2];

	puts("(errors about ifindex 9999 and invalid arguments below are expected)");
	fflush(stdout);
	check(nl_addr_ensure(n, 9999, vip, 32, 1) == -1);
	check(nl_addr_ensure(n, 9999, vip, 32, 0) == -1);
	check(nl_addr_ensure(n, -1, vip, 32, 0) == -1);
	check(nl_addr_present(n, 9999, vip) == -1);
	check(nl_addr_list(n, 9999, addrs, plen, 2) == -1);
	check(nl_addr_change(n, 9999, vip, 32, 1) == -1);
	check(nl_addr_ensure(n, idx, vip, 33, 1) == -1);
	check(nl_addr_ensure(n, idx, vip, -1, 1) == -1);
	check(nl_addr_list(n, idx, addrs, plen, -1) == -1);
	check(nl_addr_present(n, idx, vip) == 0);	/* none of that added anything */
}

/* Hundreds of addresses: the dump spans several recvmsg() calls. */
static void test_big_dump(struct nl *n, int idx)
{
	static uint32_t addrs[1024];
	static unsigned char plen[1024];
	int i, ok = 1;

	for (i = 0; i < 600 && ok; i++)
		ok = nl_addr_change(n, idx, htonl(0xc6120401u + (uint32_t)i), 32, 1) == 1;
	check(ok);
	check(nl_addr_list(n, idx, addrs, plen, 1024) == 600);
	check(nl_addr_present(n, idx, htonl(0xc6120401u + 599)) == 1);
	check(nl_addr_list(n, idx, addrs, plen, 599) == -1);
}

static void test_live(void)
{
	struct nl n;
	int idx;

	if (netns_setup() < 0)
		return;
	check(nl_open(&n) == 0);
	if (n.fd < 0)
		return;
	check(n.pid != 0);
	idx = nl_ifindex(&n, "tv0");
	test_links(&n, idx);
	test_addrs(&n, idx);
	test_bad_ifindex(&n, idx);
	test_big_dump(&n, idx);
	nl_close(&n);
	check(n.fd == -1);
	nl_close(&n);
}

int main(void)
{
	test_control();
	test_framing();
	test_truncations();
	test_ext_ack();
	test_link_parse();
	test_addr_parse();
	test_parse_mac();
	test_live();
	return check_done();
}
