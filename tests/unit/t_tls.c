/* t_tls.c: the trust-anchor cache: hit, identical anchors, staleness, corrupt or forged caches, unwritable dirs. */
#include <dirent.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <bearssl.h>

#include "harness.h"
#include "anchors.h"
#include "tls.h"

/* Mirrors struct ta_cache in src/tls.c, the header at the start of the cache image (the
 * arena, anchors at its end, pointers as offsets from its start): what forgeries need. */
struct ta_cache {
	uint32_t magic, layout;
	uint64_t id[7];
	char path[512];
	uint64_t sum;		/* FNV-1a of the image from count on */
	uint64_t count, skipped, size;
};
#define SUMMED offsetof(struct ta_cache, count)

static char dir[] = "/tmp/tcvip-tls-XXXXXX";
static char cdir[600], cache[700], bundle[600], bundle2[600], slink[600];
static struct anchors ref;	/* a plain decode of the system bundle */

static void path(char *out, size_t cap, const char *a, const char *b)
{
	if ((size_t)snprintf(out, cap, "%s/%s", a, b) >= cap)
		abort();
}

static int same_anchor(const br_x509_trust_anchor *a, const br_x509_trust_anchor *b)
{
	const br_x509_pkey *x = &a->pkey, *y = &b->pkey;

	if (a->dn.len != b->dn.len || memcmp(a->dn.data, b->dn.data, a->dn.len) ||
	    a->flags != b->flags || x->key_type != y->key_type)
		return 0;
	if (x->key_type == BR_KEYTYPE_RSA)
		return x->key.rsa.nlen == y->key.rsa.nlen && x->key.rsa.elen == y->key.rsa.elen &&
		    !memcmp(x->key.rsa.n, y->key.rsa.n, x->key.rsa.nlen) &&
		    !memcmp(x->key.rsa.e, y->key.rsa.e, x->key.rsa.elen);
	return x->key.ec.curve == y->key.ec.curve && x->key.ec.qlen == y->key.ec.qlen &&
	    !memcmp(x->key.ec.q, y->key.ec.q, x->key.ec.qlen);
}

/* Every anchor identical to ref's (names, flags, key type and key bytes), all inside the arena. */
static int same_as_ref(const struct anchors *ta)
{
	const br_x509_trust_anchor *a = ta->list, *b = ref.list;
	const unsigned char *lo = ta->arena, *hi = lo + ta->arena_size;
	size_t i;

	if (ta->count != ref.count || ta->skipped != ref.skipped || ta->arena_size != ref.arena_size ||
	    (const unsigned char *)a < lo || (const unsigned char *)(a + ta->count) != hi)
		return 0;
	for (i = 0; i < ta->count; i++)
		if (!same_anchor(&a[i], &b[i]) || a[i].dn.data < lo || a[i].dn.data + a[i].dn.len > hi)
			return 0;
	return 1;
}

/* A cached load of ca (NULL: the system bundle) with cache_dir cd: its result (1 cache,
 * 0 decoded), or -2 when the anchors differ from a plain decode, -1 when it failed. */
static int load(const char *ca, const char *cd)
{
	struct anchors ta;
	int rc = anchors_load_cached(&ta, ca, cd);

	if (rc < 0)
		return -1;
	if (!same_as_ref(&ta) || strcmp(ta.path, ca ? ca : ref.path))
		rc = -2;
	anchors_free(&ta);
	return rc;
}

static unsigned char *slurp(const char *file, size_t *len)
{
	struct stat st;
	unsigned char *buf = NULL;
	int fd = open(file, O_RDONLY);

	if (fd >= 0 && fstat(fd, &st) == 0 && (buf = malloc((size_t)st.st_size + 1)) &&
	    read(fd, buf, (size_t)st.st_size) != st.st_size) {
		free(buf);
		buf = NULL;
	}
	if (fd >= 0)
		close(fd);
	*len = buf ? (size_t)st.st_size : 0;
	return buf;
}

static int spill(const char *file, const void *buf, size_t len)
{
	int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600), ok;

	ok = fd >= 0 && write(fd, buf, len) == (ssize_t)len;
	if (fd >= 0)
		close(fd);
	return ok ? 0 : -1;
}

static uint64_t fnv(uint64_t h, const void *data, size_t n)
{
	const unsigned char *p = data;
	uint64_t w;

	for (; n >= 8; n -= 8, p += 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0x100000001b3u;
	}
	return h;
}

/* Writes buf (len bytes) as the cache, resealed (a correct sum) when reseal: a forgery
 * only the structural checks can catch. Then the cached load must decode (0), give the
 * right anchors, and have rewritten a cache that the next load uses (1). */
static int rejected(const unsigned char *buf, size_t len, int reseal)
{
	unsigned char *copy = malloc(len + 1);
	struct ta_cache h;
	int ok;

	if (!copy)
		return 0;
	memcpy(copy, buf, len);
	if (reseal && len >= sizeof h) {
		memcpy(&h, copy, sizeof h);
		h.sum = fnv(0xcbf29ce484222325u, copy + SUMMED, len - SUMMED);
		memcpy(copy, &h, sizeof h);
	}
	ok = spill(cache, copy, len) == 0 && load(bundle, cdir) == 0 && load(bundle, cdir) == 1;
	free(copy);
	return ok;
}

/* The anchor i of a cache image, and the header. */
static br_x509_trust_anchor *anchor(unsigned char *img, size_t i)
{
	struct ta_cache h;

	memcpy(&h, img, sizeof h);
	return (br_x509_trust_anchor *)(void *)(img + h.size - (h.count - i) * sizeof(br_x509_trust_anchor));
}

static void test_corrupt(void)
{
	size_t len, i, n, lim, pos[] = { 0, 1, sizeof(struct ta_cache) - 1, sizeof(struct ta_cache),
		sizeof(struct ta_cache) + 8 };
	unsigned char *good = slurp(cache, &len), *img;
	struct ta_cache h;
	br_x509_trust_anchor *a;

	check(good && len > sizeof h);
	if (!good || len <= sizeof h || !(img = malloc(len + 8)))
		return;
	memcpy(&h, good, sizeof h);
	n = (size_t)h.count;
	lim = (size_t)h.size - n * sizeof *a;
	check(n == ref.count && h.size == ref.arena_size && len == h.size);

	/* truncated, or longer than the header says */
	for (i = 0; i < sizeof pos / sizeof pos[0]; i++)
		check(rejected(good, pos[i], 0));
	check(rejected(good, len - 1, 0));
	check(rejected(good, len - 8, 1));
	memcpy(img, good, len);
	memset(img + len, 0, 8);
	check(rejected(img, len + 8, 1));

	/* one flipped byte anywhere: header fields, or the arena (the sum) */
	for (i = 0; i < 48; i++) {
		size_t at = i < 16 ? i * 41 % sizeof h : sizeof h + (len - sizeof h) / 32 * (i - 16);
		memcpy(img, good, len);
		img[at] ^= 0x10;
		check(rejected(img, len, 0));
	}
	memcpy(img, good, len);
	img[len - 1] ^= 1;
	check(rejected(img, len, 0));

	/* header counts: huge, too many for the arena, zero; a size that disagrees */
	{
		uint64_t counts[] = { UINT64_MAX, (uint64_t)1 << 60, h.size / sizeof *a + 1,
			(h.size - sizeof h) / sizeof *a + 1, (h.size - sizeof h) / sizeof *a, 0 };
		for (i = 0; i < sizeof counts / sizeof counts[0]; i++) {
			struct ta_cache f = h;
			memcpy(img, good, len);
			f.count = counts[i];
			memcpy(img, &f, sizeof f);
			check(rejected(img, len, 1));
		}
	}

	/* forged anchors with a correct sum: offsets and lengths out of the data part,
	 * unknown flags, key types and curves */
	for (i = 0; i < 12; i++) {
		size_t k = i % 3 == 0 ? 0 : i % 3 == 1 ? n / 2 : n - 1;
		memcpy(img, good, len);
		a = anchor(img, k);
		switch (i / 3) {
		case 0:
			a->dn.data = (unsigned char *)(uintptr_t)(lim - a->dn.len + 1);
			break;
		case 1:
			a->dn.len = SIZE_MAX - 2;
			break;
		case 2:
			if (a->pkey.key_type == BR_KEYTYPE_RSA)
				a->pkey.key.rsa.e = (unsigned char *)UINTPTR_MAX;
			else
				a->pkey.key.ec.q = (unsigned char *)(uintptr_t)lim;
			break;
		default:
			a->flags = i == 9 ? 2 : a->flags;
			a->pkey.key_type = i == 10 ? 7 : a->pkey.key_type;
			break;
		}
		if (i == 11) {
			for (k = 0; k < n && anchor(img, k)->pkey.key_type != BR_KEYTYPE_EC; k++)
				;
			if (k == n)
				continue;	/* no EC root in this bundle */
			anchor(img, k)->pkey.key.ec.curve = 99;
		}
		check(rejected(img, len, 1));
	}

	/* random garbage of the right size (resealed), then a symlink and a directory in its place */
	srand(7);
	memcpy(img, good, sizeof h);
	for (i = sizeof h; i < len; i++)
		img[i] = (unsigned char)rand();
	check(rejected(img, len, 1));
	{
		char other[700];
		path(other, sizeof other, dir, "good.cache");
		check(spill(other, good, len) == 0 && unlink(cache) == 0 && symlink(other, cache) == 0);
		check(load(bundle, cdir) == 0 && load(bundle, cdir) == 1);
		check(unlink(cache) == 0 && mkdir(cache, 0700) == 0);
		check(load(bundle, cdir) == 0 && load(bundle, cdir) == 0);
		check(rmdir(cache) == 0 && load(bundle, cdir) == 0 && load(bundle, cdir) == 1);
	}
	free(img);
	free(good);
}

/* Waits (at most 2.5 s) until file's ctime lies in a past second: only then is it cached. */
static void wait_settled(const char *file)
{
	struct stat st;
	struct timespec now, nap = { 0, 20 * 1000000 };
	int i;

	for (i = 0; i < 125; i++) {
		clock_gettime(CLOCK_REALTIME_COARSE, &now);
		if (stat(file, &st) < 0 || st.st_ctim.tv_sec < now.tv_sec)
			return;
		nanosleep(&nap, NULL);
	}
}

static int copy_file(const char *from, const char *to)
{
	size_t len;
	unsigned char *buf = slurp(from, &len);
	int rc = buf ? spill(to, buf, len) : -1;

	free(buf);
	return rc;
}

/* Only files of the cache itself in cdir: no temp file left behind. */
static int dir_entries(const char *d)
{
	DIR *dp = opendir(d);
	struct dirent *e;
	int n = 0;

	while (dp && (e = readdir(dp)))
		n += e->d_name[0] != '.' || (e->d_name[1] && strcmp(e->d_name, ".."));
	if (dp)
		closedir(dp);
	return n;
}

static void test_cache(void)
{
	struct stat st;
	struct timespec old[2] = { { 1000000000, 0 }, { 1000000000, 0 } };

	wait_settled(bundle);
	check(load(bundle, cdir) == 0);
	check(stat(cache, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0600);
	check(load(bundle, cdir) == 1);
	check(load(bundle, cdir) == 1);
	check(dir_entries(cdir) == 1);
	test_corrupt();

	/* stale: another path to the same file (a symlink), another inode, a new mtime */
	check(symlink(bundle, slink) == 0);
	check(load(slink, cdir) == 0 && load(slink, cdir) == 1);
	check(load(bundle, cdir) == 0 && load(bundle, cdir) == 1);
	check(load(bundle2, cdir) == 0 && load(bundle2, cdir) == 1);
	check(load(bundle, cdir) == 0 && load(bundle, cdir) == 1);
	check(rename(bundle2, bundle) == 0);
	check(load(bundle, cdir) == 0);
	check(utimensat(AT_FDCWD, bundle, old, 0) == 0);
	check(load(bundle, cdir) == 0);		/* not cached yet: its ctime is now */
	wait_settled(bundle);
	check(load(bundle, cdir) == 0 && load(bundle, cdir) == 1);
	check(dir_entries(cdir) == 1);

	/* the system bundle (ca_file NULL) */
	check(load(NULL, cdir) == 0 && load(NULL, cdir) == 1);
}

static void test_unwritable(void)
{
	char file[700], sub[700];

	path(file, sizeof file, dir, "plainfile");
	path(sub, sizeof sub, dir, "missing/dir");
	check(spill(file, "x", 1) == 0);
	check(load(bundle, NULL) == 0 && load(bundle, NULL) == 0);
	check(load(bundle, "") == 0);
	check(load(bundle, file) == 0 && load(bundle, file) == 0);	/* ENOTDIR, even for root */
	check(load(bundle, sub) == 0 && load(bundle, sub) == 0);
	if (geteuid() != 0) {	/* root ignores the mode */
		check(chmod(cdir, 0500) == 0 && unlink(cache) < 0);
		check(load(bundle, cdir) == 0 && load(bundle, cdir) == 0);
		check(chmod(cdir, 0700) == 0);
	}
	check(load(file, cdir) == -1);		/* not PEM */
	check(load("/nonexistent/bundle.pem", cdir) == -1);
}

int main(void)
{
	size_t len;
	unsigned char *buf;
	char cmd[64];

	if (!mkdtemp(dir) || anchors_load(&ref, NULL) < 0) {
		printf("SKIP: no system CA bundle\n");
		return check_done();
	}
	path(cdir, sizeof cdir, dir, "state");
	path(cache, sizeof cache, cdir, "anchors.cache");
	path(bundle, sizeof bundle, dir, "bundle.pem");
	path(bundle2, sizeof bundle2, dir, "bundle2.pem");
	path(slink, sizeof slink, dir, "link.pem");
	check(mkdir(cdir, 0700) == 0);
	check(copy_file(ref.path, bundle) == 0 && copy_file(ref.path, bundle2) == 0);
	buf = slurp(bundle, &len);
	check(buf && len > 0);
	free(buf);
	test_cache();
	test_unwritable();
	anchors_free(&ref);
	if ((size_t)snprintf(cmd, sizeof cmd, "rm -rf %s", dir) < sizeof cmd && system(cmd) != 0)
		printf("could not remove %s\n", dir);
	return check_done();
}
