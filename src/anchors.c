/* anchors.c: trust anchors: a PEM bundle decoded (BearSSL's X.509 decoder) into one arena, and its cache in state_dir. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <bearssl.h>

#include "anchors.h"
#include "cfg.h"
#include "log.h"
#include "state.h"
#include "tls.h"

#define ANCHORS_BUNDLE_MAX (64 << 20)
#define TA_ALIGN 8	/* of the anchors in the arena, and of its size */

_Static_assert(TA_ALIGN % _Alignof(br_x509_trust_anchor) == 0 && sizeof(br_x509_trust_anchor) % TA_ALIGN == 0,
    "TA_ALIGN does not suit br_x509_trust_anchor");

/* n bytes of zeroed memory for ta's arena, mapped (malloc would link 8 KB of musl for this one
 * caller); NULL if there is none. */
static void *arena_alloc(struct anchors *ta, size_t n)
{
	/* the syscall: musl's mmap only adds checks for MAP_FIXED and offsets, unused here */
	void *p = (void *)syscall(SYS_mmap, NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1L, 0L);

	if (p == MAP_FAILED)
		return NULL;
	ta->arena_map = n;
	return p;
}

/* ---- trust anchors: PEM text -> base64 -> X.509 decoder -> one arena ----
 * The arena holds the decoded names and keys growing up from its start and the anchor
 * array growing down from its end. Per certificate, name + key <= DER size = 3/4 of its
 * base64 text, so data plus a 64-byte anchor always fits in the PEM text's own size.
 * Once decoded, the anchors move down next to the data: the arena is [room for the cache
 * header | data | pad | anchors] and arena_size covers just that: the image the cache stores.
 * The PEM layer is a hand-written byte loop over read() chunks (BearSSL's byte-code PEM
 * decoder took 3/4 of the load time; mmap would turn a bundle rewritten in place into SIGBUS). */

/* The anchors cache, cache_dir/anchors.cache, is the arena with this header at its start and
 * every pointer stored as an offset from that start. Made by this very binary, it is still
 * checked like foreign input: the header must match this build's layout and the bundle's
 * identity, an FNV-1a sum must match, and every name and key must lie inside the data. */
struct ta_cache {
	uint32_t magic, layout;
	uint64_t id[7];		/* the bundle's st_dev, st_ino, st_size, st_mtim and st_ctim */
	char path[512];		/* the bundle, as resolved */
	uint64_t sum;		/* FNV-1a of the rest of the image, from count on */
	uint64_t count, skipped, size;	/* anchors, bundle certificates skipped, image bytes */
};

struct ta_loader {
	unsigned char *base;
	br_x509_trust_anchor *end;	/* anchors occupy [end - count, end) */
	size_t used;		/* data bytes from base */
	size_t count, skipped, index;
	size_t cert_start;
	int overflow;
	const char *path;
	int in_obj, in_cert;
	int marker;		/* this line starts with '-' or lies outside objects: kept in head */
	size_t line_pos, hlen;
	int overlong;		/* the line did not fit head */
	char head[48];
	unsigned b64_acc, b64_n, b64_pad;	/* pending sextets, and '=' seen */
	size_t olen;
	unsigned char out[768];	/* decoded DER on its way to the X.509 decoder */
	br_x509_decoder_context xd;
};

static unsigned char *arena_put(struct ta_loader *l, const void *src, size_t len)
{
	size_t room = (size_t)((unsigned char *)(l->end - l->count) - l->base);
	unsigned char *dst;

	if (l->overflow || len > room || room - len < l->used + sizeof(br_x509_trust_anchor)) {
		l->overflow = 1;
		return NULL;
	}
	dst = l->base + l->used;
	if (len)
		memcpy(dst, src, len);
	l->used += len;
	return dst;
}

static void append_dn(void *ctx, const void *buf, size_t len)
{
	arena_put(ctx, buf, len);
}

/* Copies the decoded key into the arena; 0, or -1 for a key type BearSSL cannot use. */
static int copy_key(struct ta_loader *l, br_x509_pkey *dst, const br_x509_pkey *pk)
{
	dst->key_type = pk->key_type;
	if (pk->key_type == BR_KEYTYPE_RSA) {
		dst->key.rsa.n = arena_put(l, pk->key.rsa.n, pk->key.rsa.nlen);
		dst->key.rsa.nlen = pk->key.rsa.nlen;
		dst->key.rsa.e = arena_put(l, pk->key.rsa.e, pk->key.rsa.elen);
		dst->key.rsa.elen = pk->key.rsa.elen;
		return 0;
	}
	if (pk->key_type == BR_KEYTYPE_EC) {
		dst->key.ec.curve = pk->key.ec.curve;
		dst->key.ec.q = arena_put(l, pk->key.ec.q, pk->key.ec.qlen);
		dst->key.ec.qlen = pk->key.ec.qlen;
		return 0;
	}
	return -1;
}

static void add_anchor(struct ta_loader *l)
{
	br_x509_trust_anchor ta;
	const br_x509_pkey *pk = br_x509_decoder_get_pkey(&l->xd);
	int err = br_x509_decoder_last_error(&l->xd);

	if (l->overflow)
		return;
	memset(&ta, 0, sizeof ta);
	ta.dn.data = l->base + l->cert_start;
	ta.dn.len = l->used - l->cert_start;
	if (err || !pk || copy_key(l, &ta.pkey, pk) < 0) {
		l->used = l->cert_start;
		l->skipped++;
		log_debug("%s: certificate #%zu skipped: %s", l->path, l->index + 1,
		    err ? tls_strerror(err) : "unsupported key type");
		return;
	}
	if (l->overflow)
		return;
	ta.flags = br_x509_decoder_isCA(&l->xd) ? BR_X509_TA_CA : 0;
	l->count++;
	*(l->end - l->count) = ta;
}

static int b64val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

static void der_flush(struct ta_loader *l)
{
	br_x509_decoder_push(&l->xd, l->out, l->olen);
	l->olen = 0;
}

/* One byte of a certificate's base64: 0, or -1 if it is not base64. */
static int b64_byte(struct ta_loader *l, unsigned char c)
{
	int v;

	if (c == ' ' || c == '\t' || c == '\r')
		return 0;
	if (c == '=') {
		l->b64_pad++;
		return 0;
	}
	if ((v = b64val(c)) < 0 || l->b64_pad)
		return -1;
	l->b64_acc = (l->b64_acc << 6) | (unsigned)v;
	if (++l->b64_n == 4) {
		l->out[l->olen++] = (unsigned char)(l->b64_acc >> 16);
		l->out[l->olen++] = (unsigned char)(l->b64_acc >> 8);
		l->out[l->olen++] = (unsigned char)l->b64_acc;
		l->b64_acc = l->b64_n = 0;
		if (l->olen > sizeof l->out - 3)
			der_flush(l);
	}
	return 0;
}

/* End of a certificate's base64: the last group must match its padding. 0 or -1. */
static int b64_end(struct ta_loader *l)
{
	if (l->b64_n == 2 && l->b64_pad == 2)
		l->out[l->olen++] = (unsigned char)(l->b64_acc >> 4);
	else if (l->b64_n == 3 && l->b64_pad == 1) {
		l->out[l->olen++] = (unsigned char)(l->b64_acc >> 10);
		l->out[l->olen++] = (unsigned char)(l->b64_acc >> 2);
	} else if (l->b64_n != 0 || l->b64_pad != 0)
		return -1;
	der_flush(l);
	return 0;
}

static int has_prefix(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);

	return n >= k && memcmp(s, p, k) == 0;
}

static int is_line(const struct ta_loader *l, size_t n, const char *want)
{
	return !l->overlong && n == strlen(want) && memcmp(l->head, want, n) == 0;
}

static void begin_object(struct ta_loader *l, size_t n)
{
	l->in_obj = 1;
	l->in_cert = is_line(l, n, "-----BEGIN CERTIFICATE-----") ||
	    is_line(l, n, "-----BEGIN X509 CERTIFICATE-----");
	if (!l->in_cert)
		return;
	l->cert_start = l->used;
	l->b64_acc = l->b64_n = l->b64_pad = 0;
	l->olen = 0;
	br_x509_decoder_init(&l->xd, append_dn, l);
}

/* Acts on a kept line (BEGIN/END markers): 0, or -1 for a certificate's malformed text. */
static int end_line(struct ta_loader *l)
{
	size_t n = l->hlen;
	int kept = l->marker && l->line_pos > 0;

	l->line_pos = l->hlen = 0;
	l->marker = 0;
	if (!kept)
		return 0;
	while (n > 0 && (l->head[n - 1] == '\r' || l->head[n - 1] == ' ' || l->head[n - 1] == '\t'))
		n--;
	if (!l->in_obj) {
		if (has_prefix(l->head, n, "-----BEGIN "))
			begin_object(l, n);
		l->overlong = 0;
		return 0;
	}
	l->overlong = 0;
	if (!has_prefix(l->head, n, "-----END "))
		return l->in_cert ? -1 : 0;
	if (l->in_cert) {
		if (b64_end(l) < 0)
			return -1;
		add_anchor(l);
	}
	l->in_obj = l->in_cert = 0;
	l->index++;
	return 0;
}

/* Feeds bundle text: lines outside objects and marker lines are kept (their start) in
 * head, certificate lines go through base64 byte by byte. 0, or -1 logged. */
static int pem_feed(struct ta_loader *l, const unsigned char *buf, size_t len)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < len && rc == 0; i++) {
		unsigned char c = buf[i];
		if (c == '\n') {
			rc = end_line(l);
			continue;
		}
		if (l->line_pos++ == 0)
			l->marker = c == '-' || !l->in_obj;
		if (l->marker) {
			if (l->hlen < sizeof l->head)
				l->head[l->hlen++] = (char)c;
			else
				l->overlong = 1;
		} else if (l->in_cert) {
			rc = b64_byte(l, c);
		}
	}
	if (rc < 0)
		log_err("%s: malformed PEM in object #%zu", l->path, l->index + 1);
	else if (l->overflow)
		log_err("%s: trust anchors do not fit the arena", l->path);
	return rc < 0 || l->overflow ? -1 : 0;
}

/* Streams the bundle through the decoders; 0, or -1 logged. */
static int decode_bundle(struct ta_loader *l, int fd)
{
	unsigned char chunk[16384];
	ssize_t n;

	for (;;) {
		n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			log_err("%s: read: %m", l->path);
			return -1;
		}
		if (n == 0)
			break;
		if (pem_feed(l, chunk, (size_t)n) < 0)
			return -1;
	}
	/* A final line without its newline still counts. */
	if (pem_feed(l, (const unsigned char *)"\n", 1) < 0)
		return -1;
	if (l->in_obj) {
		log_err("%s: truncated PEM object #%zu", l->path, l->index + 1);
		return -1;
	}
	return 0;
}

/* Loads one bundle into st (its fstat, taken before reading it); -1 with errno when it
 * cannot be opened (nothing logged), -2 logged. */
static int load_file(struct anchors *ta, const char *path, struct stat *st)
{
	struct ta_loader l;
	uintptr_t end;
	size_t off;
	int fd, rc = -2;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	memset(&l, 0, sizeof l);
	l.path = path;
	if (fstat(fd, st) < 0)
		log_err("%s: stat: %m", path);
	else if (!S_ISREG(st->st_mode))
		log_err("%s: CA bundle is not a regular file", path);
	else if (cfg_check_owner_st(path, st) < 0)	/* whoever writes it can read our API traffic */
		;
	else if (st->st_size == 0)
		log_err("%s: CA bundle is empty", path);
	else if (st->st_size > ANCHORS_BUNDLE_MAX)
		log_err("%s: CA bundle larger than %d bytes", path, ANCHORS_BUNDLE_MAX);
	else if (!(ta->arena = arena_alloc(ta, (size_t)st->st_size + 64 + sizeof(struct ta_cache))))
		log_err("%s: out of memory for %lld bytes of trust anchors", path, (long long)st->st_size);
	else
		rc = 0;
	if (rc == 0) {
		l.base = ta->arena;
		l.used = sizeof(struct ta_cache);	/* room for the cache header */
		end = (uintptr_t)l.base + (size_t)st->st_size + 64 + sizeof(struct ta_cache);
		end &= ~(uintptr_t)(TA_ALIGN - 1);
		l.end = (br_x509_trust_anchor *)end;
		if (decode_bundle(&l, fd) < 0)
			rc = -2;
		else if (l.count == 0) {
			log_err("%s: no usable certificate in CA bundle (%zu skipped)", path, l.skipped);
			rc = -2;
		}
	}
	close(fd);
	if (rc < 0) {
		anchors_free(ta);
		return rc;
	}
	off = (l.used + TA_ALIGN - 1) & ~(size_t)(TA_ALIGN - 1);
	memset(l.base + l.used, 0, off - l.used);
	memmove(l.base + off, l.end - l.count, l.count * sizeof *l.end);
	ta->list = l.base + off;
	ta->arena_size = off + l.count * sizeof *l.end;
	ta->count = l.count;
	ta->skipped = l.skipped;
	log_debug("%s: %zu trust anchors loaded (%zu skipped)", path, l.count, l.skipped);
	return 0;
}

static const char *const sys_bundles[] = {
	"/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt",
	"/etc/ssl/ca-bundle.pem", "/etc/ssl/cert.pem",
};
#define SYS_BUNDLES (sizeof sys_bundles / sizeof sys_bundles[0])

/* anchors_load(), also giving the fstat of the bundle it read. */
static int load_any(struct anchors *ta, const char *ca_file, struct stat *st)
{
	const char *const *sys = sys_bundles;
	size_t i;
	int rc;

	memset(ta, 0, sizeof *ta);
	if (ca_file) {
		if (strlen(ca_file) >= sizeof ta->path) {
			log_err("%.64s...: CA bundle path too long", ca_file);
			return -1;
		}
		rc = load_file(ta, ca_file, st);
		if (rc == -1)
			log_err("%s: cannot open CA bundle: %m", ca_file);
		if (rc < 0)
			return -1;
		memcpy(ta->path, ca_file, strlen(ca_file) + 1);
		return 0;
	}
	for (i = 0; i < SYS_BUNDLES; i++) {
		rc = load_file(ta, sys[i], st);
		if (rc == -1 && errno == ENOENT)
			continue;
		if (rc == -1)
			log_err("%s: cannot open CA bundle: %m", sys[i]);
		if (rc < 0)
			break;
		memcpy(ta->path, sys[i], strlen(sys[i]) + 1);
		return 0;
	}
	log_err("no usable CA bundle (tried %s, %s, %s, %s; set ca_file)", sys[0], sys[1], sys[2], sys[3]);
	return -1;
}

int anchors_load(struct anchors *ta, const char *ca_file)
{
	struct stat st;

	return load_any(ta, ca_file, &st);
}

void anchors_free(struct anchors *ta)
{
	if (ta->arena)
		munmap(ta->arena, ta->arena_map);
	ta->arena = NULL;
	ta->arena_map = 0;
	ta->arena_size = 0;
	ta->list = NULL;
	ta->count = 0;
}

/* ---- the anchors cache ---- */
#define TA_CACHE FILE_TA_CACHE
#define TA_MAGIC 0x31434154u	/* "TAC1" little-endian: a byte-swapped file fails too */
#define TA_LAYOUT (1u << 24 | (unsigned)sizeof(void *) << 16 | \
	(unsigned)sizeof(br_x509_trust_anchor) << 8 | (unsigned)offsetof(br_x509_trust_anchor, pkey))
#define TA_SUMMED offsetof(struct ta_cache, count)

/* Fills the header h for the image ta of the bundle (path, st): the fields that identify
 * the bundle and this build, the arena's counts, and its sum (taken after the counts). */
static void cache_seal(struct ta_cache *h, const struct anchors *ta, const char *path,
    const struct stat *st)
{
	const unsigned char *p = (const unsigned char *)ta->arena + TA_SUMMED;
	size_t n = ta->arena_size - TA_SUMMED;
	uint64_t sum = 0xcbf29ce484222325u, w;

	memset(h, 0, sizeof *h);
	h->magic = TA_MAGIC;
	h->layout = TA_LAYOUT;
	h->id[0] = st->st_dev;
	h->id[1] = st->st_ino;
	h->id[2] = (uint64_t)st->st_size;
	h->id[3] = (uint64_t)st->st_mtim.tv_sec;
	h->id[4] = (uint64_t)st->st_mtim.tv_nsec;
	h->id[5] = (uint64_t)st->st_ctim.tv_sec;
	h->id[6] = (uint64_t)st->st_ctim.tv_nsec;
	strcpy(h->path, path);	/* fits: callers checked it against ta->path */
	h->count = ta->count;
	h->skipped = ta->skipped;
	h->size = ta->arena_size;
	/* FNV-1a over 64-bit words: any change within one word shows */
	for (; n >= 8; n -= 8, p += 8) {
		memcpy(&w, p, 8);
		sum = (sum ^ w) * 0x100000001b3u;
	}
	h->sum = sum;
}

/* Turns a pointer field into its offset from base, or back (to_ptr), once its len bytes
 * were found inside [0, lim). 0 or -1 (never for a freshly decoded arena). */
static int rebase(unsigned char **f, size_t len, unsigned char *base, size_t lim, int to_ptr)
{
	uintptr_t off = to_ptr ? (uintptr_t)*f : (uintptr_t)(*f - base);

	if (off > lim || len > lim - off)
		return -1;
	*f = to_ptr ? base + off : (unsigned char *)off;
	return 0;
}

/* Turns every pointer of the anchors (the last count * 64 bytes of the arena) into
 * offsets, or back after checking every anchor (to_ptr). 0, or -1 for a bad anchor. */
static int rebase_all(struct anchors *ta, int to_ptr)
{
	unsigned char *base = ta->arena;
	size_t lim = ta->arena_size - ta->count * sizeof(br_x509_trust_anchor), i;
	br_x509_trust_anchor *a = (br_x509_trust_anchor *)(void *)(base + lim);
	int bad = 0;

	ta->list = a;
	for (i = 0; i < ta->count && !bad; i++, a++) {
		br_x509_pkey *k = &a->pkey;

		bad = (a->flags & ~(unsigned)BR_X509_TA_CA) | rebase(&a->dn.data, a->dn.len, base, lim, to_ptr);
		if (k->key_type == BR_KEYTYPE_RSA)
			bad |= rebase(&k->key.rsa.n, k->key.rsa.nlen, base, lim, to_ptr) |
			    rebase(&k->key.rsa.e, k->key.rsa.elen, base, lim, to_ptr);
		else if (k->key_type == BR_KEYTYPE_EC && k->key.ec.curve - 23u < 3)
			bad |= rebase(&k->key.ec.q, k->key.ec.qlen, base, lim, to_ptr);
		else
			bad = 1;
	}
	return bad ? -1 : 0;
}

/* Loads ta from file when it holds the anchors of this very bundle (path, st): one read,
 * then checks. 0, or -1 with nothing loaded (a cache failing a check: logged at debug). */
static int cache_read(struct anchors *ta, const char *path, const struct stat *st,
    const char *dir, const char *file)
{
	struct ta_cache want, *h;
	struct stat cs;
	int ok = 0, fd = state_open_cache(dir, TA_CACHE);

	if (fd < 0)
		return -1;
	if (fstat(fd, &cs) == 0 && S_ISREG(cs.st_mode) && cs.st_size > (off_t)sizeof want &&
	    cs.st_size <= ANCHORS_BUNDLE_MAX && (h = ta->arena = arena_alloc(ta, (size_t)cs.st_size)) &&
	    read(fd, h, (size_t)cs.st_size) == cs.st_size) {
		ta->arena_size = (size_t)cs.st_size;
		ta->count = h->count;
		ta->skipped = h->skipped;
		cache_seal(&want, ta, path, st);
		ok = !memcmp(h, &want, sizeof want) && ta->arena_size % TA_ALIGN == 0 && ta->count > 0 &&
		    ta->count <= (ta->arena_size - sizeof want) / sizeof(br_x509_trust_anchor);
	}
	close(fd);
	if (!ok || rebase_all(ta, 1) < 0) {
		log_debug("%s: stale or invalid, rebuilt from %s", file, path);
		anchors_free(ta);
		return -1;
	}
	strcpy(ta->path, path);
	return 0;
}

/* Writes ta, decoded from a bundle whose fstat is st, to dir/anchors.cache (state_write:
 * O_EXCL temp file, fsync, rename). A dir this process cannot write to just means no cache,
 * logged at debug level; state_write logs rarer failures (disk full...) as errors. */
static void cache_write(struct anchors *ta, const struct stat *st, const char *dir)
{
	rebase_all(ta, 0);
	cache_seal(ta->arena, ta, ta->path, st);
	if (access(dir, W_OK | X_OK) == 0)	/* what creating a file takes; not a plain file */
		state_write(dir, TA_CACHE, ta->arena, ta->arena_size, 0600);
	else
		log_debug("%s: no trust-anchor cache: %m", dir);
	rebase_all(ta, 1);
}

int anchors_load_cached(struct anchors *ta, const char *ca_file, const char *cache_dir)
{
	const char *path = ca_file;
	char file[sizeof ta->path];
	struct timespec now = { 0, 0 };	/* stays 0 (never cached) if the clock fails */
	struct stat st;
	size_t i;

	/* Taken before the bundle's fstat: a bundle changed within this second may change
	 * again without a new timestamp (coarse or 1 s file times), so it is not cached yet. */
	clock_gettime(CLOCK_REALTIME_COARSE, &now);
	memset(ta, 0, sizeof *ta);
	for (i = 0; !path && i < SYS_BUNDLES; i++)
		if (stat(sys_bundles[i], &st) == 0 || errno != ENOENT)
			path = sys_bundles[i];
	if (!cache_dir || !*cache_dir || !path || strlen(path) >= sizeof ta->path ||
	    (size_t)snprintf(file, sizeof file, "%s/" TA_CACHE, cache_dir) >= sizeof file)
		cache_dir = NULL;
	if (cache_dir && stat(path, &st) == 0 && S_ISREG(st.st_mode) && cfg_check_owner_st(path, &st) == 0 &&
	    cache_read(ta, path, &st, cache_dir, file) == 0)
		return 1;
	if (load_any(ta, ca_file, &st) < 0)
		return -1;
	if (cache_dir && st.st_ctim.tv_sec < now.tv_sec)
		cache_write(ta, &st, cache_dir);
	return 0;
}
