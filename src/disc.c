/* disc.c: discovery of this node (instance, MAC, region, VPC, interface, ENI, primary IP), cached in state_dir for this boot. */
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "cloud.h"
#include "disc.h"
#include "log.h"
#include "meta.h"
#include "nl.h"
#include "state.h"
#include "util.h"

#define DISC_CACHE FILE_DISC_CACHE

/* What each value must look like, whether from metadata, the API or the cache: a value
 * from plain HTTP goes into request headers, metadata paths, logs and the cache. */
static int valid_mac(const char *v)
{
	unsigned char mac[6];

	return nl_parse_mac(v, mac) == 0;
}

static int valid_ipv4(const char *v)
{
	uint32_t a;

	return util_ipv4_parse(v, &a) == 0;
}

static int valid_ifname(const char *v)
{
	size_t n = strlen(v);

	return n > 0 && n < 16 && !strchr(v, '/') && util_printable(v) && !strchr(v, ' ');
}

struct field {	/* 24 bytes: the key inline, narrow offset and capacity */
	int (*valid)(const char *v);
	char key[9];
	unsigned char cap;
	unsigned short off;
};

#define F(name, fn) { fn, #name, sizeof(((struct node *)0)->name), offsetof(struct node, name) }
static const struct field fields[] = {
	F(instance, util_valid_id), F(mac, valid_mac), F(region, util_valid_region),
	F(vpc, util_valid_id), F(ifname, valid_ifname), F(eni, util_valid_id), F(ip, valid_ipv4),
};

/* The cache is only good for the boot that wrote it (an image cloned to a new CVM boots anew). */
static void boot_id(char out[64])
{
	int fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, out, 63);

	out[n > 0 ? n : 0] = 0;
	if (fd >= 0)
		close(fd);
	out[strcspn(out, "\n")] = 0;
}

static void cache_read(struct node *nd, const struct cfg *c, const char *boot)
{
	char text[1024], *line, *save = NULL;
	size_t i;

	if (state_read_cache(c->state_dir, DISC_CACHE, text, sizeof text) <= 0)
		return;
	line = strtok_r(text, "\n", &save);
	if (!line || strncmp(line, "boot=", 5) || strcmp(line + 5, boot))
		return;
	while ((line = strtok_r(NULL, "\n", &save))) {
		char *eq = strchr(line, '=');
		if (!eq)
			continue;
		*eq = 0;
		for (i = 0; i < UTIL_ARRAY_LEN(fields); i++) {
			char *dst = (char *)nd + fields[i].off;
			if (!strcmp(line, fields[i].key) && !*dst && fields[i].valid(eq + 1))
				util_copy(dst, fields[i].cap, eq + 1);
		}
	}
}

static void cache_write(const struct node *nd, const struct cfg *c, const char *boot)
{
	char text[1024];
	size_t i, len;
	int n = util_fmt(text, sizeof text, "boot=%s\n", boot);

	if (n < 0)
		return;
	len = (size_t)n;
	for (i = 0; i < UTIL_ARRAY_LEN(fields); i++) {
		const char *v = (const char *)nd + fields[i].off;
		if (!*v)
			continue;
		n = util_fmt(text + len, sizeof text - len, "%s=%s\n", fields[i].key, v);
		if (n < 0)
			return;
		len += (size_t)n;
	}
	state_write(c->state_dir, DISC_CACHE, text, len, 0600);
}

/* Fetches one metadata value into an empty field, if it passes valid(); 1 if it learned it,
 * 0 if it had it, -1 (logged: an HTML page from a captive portal or a value with a line
 * break is not a value). */
static int learn(struct meta *m, const char *path, char *dst, size_t cap, const char *what,
    int (*valid)(const char *v))
{
	char safe[48];
	int r;

	if (*dst)
		return 0;
	r = meta_get(m, path, dst, cap);
	if (r == 1)
		log_err("metadata: %s (%s) not found; set it in the config", what, path);
	if (r == 0 && *dst && !valid(dst)) {
		log_sanitize(safe, sizeof safe, dst, strlen(dst));
		log_err("metadata %s/latest/meta-data/%s: %s is not a plain value: \"%s\"", m->conn.host,
		    path, what, safe);
		*dst = 0;
		return -1;
	}
	return r == 0 && *dst ? 1 : -1;
}

static int learn_ifname(struct node *nd, struct meta *m)
{
	unsigned char mac[6];
	char ip[32] = "";
	uint32_t a;
	struct nl n;
	int r = -1;

	if (nl_open(&n) < 0)
		return -1;
	if (nl_parse_mac(nd->mac, mac) == 0)
		r = nl_ifname_by_mac(&n, mac, nd->ifname);
	if (r != 0 && learn(m, "local-ipv4", ip, sizeof ip, "local IPv4", valid_ipv4) > 0 &&
	    util_ipv4_parse(ip, &a) == 0)
		r = nl_ifname_by_addr(&n, a, nd->ifname);
	nl_close(&n);
	if (r != 0)
		log_err("interface: no NIC has MAC %s or address %s; set 'interface' in the config",
		    nd->mac, *ip ? ip : "(unknown)");
	return r == 0 ? 1 : -1;
}

static int learn_all(struct node *nd, struct meta *m, struct cloud *cl, int need)
{
	char path[128];
	int got = 0, r = 0;

	if ((need & DISC_REGION) && (r = learn(m, "placement/region", nd->region,
	    sizeof nd->region, "region", util_valid_region)) < 0)
		return -1;
	got |= r;
	if (((need & DISC_IF) && !*nd->ifname) || ((need & DISC_ENI) && !*nd->eni) ||
	    ((need & DISC_VPC) && !*nd->vpc)) {
		if ((r = learn(m, "mac", nd->mac, sizeof nd->mac, "MAC address", valid_mac)) < 0)
			return -1;
		got |= r;	/* kept as metadata spells it (upper case): it is also a metadata path */
	}
	if ((need & (DISC_VPC | DISC_ENI)) && !*nd->vpc) {
		if (util_fmt(path, sizeof path, "network/interfaces/macs/%s/vpc-id", nd->mac) < 0 ||
		    learn(m, path, nd->vpc, sizeof nd->vpc, "VPC id", util_valid_id) < 0)
			return -1;
		got = 1;
	}
	if ((need & DISC_IF) && !*nd->ifname) {
		if (learn_ifname(nd, m) < 0)
			return -1;
		got = 1;
	}
	if ((need & DISC_IP) && !*nd->ip) {
		if (learn(m, "local-ipv4", nd->ip, sizeof nd->ip, "local IPv4", valid_ipv4) < 0)
			return -1;
		got = 1;
	}
	if ((need & DISC_ENI) && !*nd->eni) {
		if (learn(m, "instance-id", nd->instance, sizeof nd->instance, "instance id",
		    util_valid_id) < 0 ||
		    !cl || cloud_find_eni(cl, nd->vpc, nd->instance, nd->mac, nd->eni) != CLOUD_OK)
			return -1;
		got = 1;
	}
	return got;
}

int disc_node(struct node *nd, const struct cfg *c, struct meta *m, struct cloud *cl, int need)
{
	char boot[64];
	int got;

	memset(nd, 0, sizeof *nd);
	util_copy(nd->region, sizeof nd->region, c->region);
	util_copy(nd->vpc, sizeof nd->vpc, c->vpc);
	util_copy(nd->ifname, sizeof nd->ifname, c->interface);
	util_copy(nd->eni, sizeof nd->eni, c->eni);
	boot_id(boot);
	cache_read(nd, c, boot);
	got = learn_all(nd, m, cl, need);
	if (got > 0)
		cache_write(nd, c, boot);
	return got < 0 ? -1 : 0;
}
