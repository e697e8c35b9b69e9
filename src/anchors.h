/* anchors.h: trust anchors: a PEM bundle decoded into one arena, and its cache in state_dir. */
#ifndef ANCHORS_H
#define ANCHORS_H
#include <stddef.h>

/* Trust anchors decoded from a PEM bundle. Everything (names, keys, then the anchor array)
 * lives in ONE mmap'd arena sized from the bundle's file size (decoded data is always
 * smaller than its PEM text); anchors_free() releases it. Must outlive every
 * connection that uses it. */
struct anchors {
	void *arena;
	size_t arena_size;	/* bytes in use: room for a cache header, names and keys, anchors */
	size_t arena_map;	/* bytes mapped (anchors_free unmaps them) */
	const void *list;	/* BearSSL trust anchors inside the arena */
	size_t count;
	size_t skipped;		/* certificates BearSSL could not decode */
	char path[512];		/* the bundle actually loaded */
};

/* Loads ca_file, or when NULL the first existing system bundle among
 * /etc/ssl/certs/ca-certificates.crt, /etc/pki/tls/certs/ca-bundle.crt,
 * /etc/ssl/ca-bundle.pem, /etc/ssl/cert.pem. 0, or -1 logged (naming the paths tried). */
int anchors_load(struct anchors *ta, const char *ca_file);
/* The same through a cache of the decoded arena, cache_dir/anchors.cache (0600, written
 * atomically), used only while the bundle keeps its path, device, inode, size, mtime and
 * ctime and the cache passes every check; else the bundle is decoded and the cache
 * rewritten. cache_dir NULL or "", or a cache that cannot be written: decoded every time
 * (logged at debug level only). 1 (from the cache), 0 (decoded), or -1 logged. */
int anchors_load_cached(struct anchors *ta, const char *ca_file, const char *cache_dir);
void anchors_free(struct anchors *ta);

#endif
