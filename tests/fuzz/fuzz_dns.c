/* fuzz_dns.c: libFuzzer target: hostile DNS answers (take_answer) and hosts / resolv.conf files. */
#include "../../src/dns.c"	/* reaches take_answer, each_line, hosts_line, resolv_line; linked without dns.o */

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The answer parser on data as the reply to an A query for vpc.tencentcloudapi.com. */
static void fuzz_answer(const uint8_t *data, size_t size)
{
	struct dns_addr out[4];
	struct found f = { .port = 443, .max = 4, .out = out };
	unsigned char q[300], *r;
	int ql = build_query("vpc.tencentcloudapi.com", q, sizeof q), n, rc, i;

	if (ql < 0)
		abort();
	r = malloc(size ? size : 1);
	if (!r)
		return;
	memcpy(r, data, size);
	if (size >= 2)
		memcpy(q, data, 2);	/* the id check passes */
	if (size >= (size_t)ql && !(data[2] & 1))
		memcpy(r + 12, q + 12, (size_t)ql - 12);	/* the answer loop is reached */
	n = size > 512 ? 512 : (int)size;	/* as receive: a longer datagram is truncated */
	rc = take_answer(r, n, size > 512, q, ql, &f);
	if (rc < -1 || rc > 1 || f.n < 0 || f.n > f.max)
		abort();
	for (i = 0; i < f.n; i++)
		if (out[i].u.sa.sa_family != AF_INET || out[i].len != sizeof out[i].u.in ||
		    ntohs(out[i].u.in.sin_port) != 443)
			abort();
	free(r);
}

/* The hosts and resolv.conf line readers on data as the file. */
static void fuzz_files(const uint8_t *data, size_t size)
{
	struct dns_addr out[DNS_MAX_ADDRS];
	struct found f = { .host = "vpc.tencentcloudapi.com", .port = 443, .max = DNS_MAX_ADDRS,
	    .out = out };
	struct conf c = { .timeout = 5, .attempts = 2 };
	char path[64];
	int fd = memfd_create("fuzz_dns", MFD_CLOEXEC), i;

	if (fd < 0)
		return;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return;
	}
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	if (each_line(path, hosts_line, &f) != 0 || f.n < 0 || f.n > f.max)
		abort();
	for (i = 0; i < f.n; i++)
		if ((out[i].u.sa.sa_family != AF_INET || out[i].len != sizeof out[i].u.in) &&
		    (out[i].u.sa.sa_family != AF_INET6 || out[i].len != sizeof out[i].u.in6))
			abort();
	if (each_line(path, resolv_line, &c) != 0 || c.n < 0 || c.n > NS_MAX ||
	    c.timeout < 1 || c.timeout > 60 || c.attempts < 1 || c.attempts > 10)
		abort();
	for (i = 0; i < c.n; i++)
		if (ntohs(c.ns[i].u.in.sin_port) != 53)
			abort();
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_answer(data, size);
	fuzz_files(data, size);
	return 0;
}
