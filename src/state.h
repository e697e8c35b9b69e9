/* state.h: files in state_dir: atomic writes, tolerant reads, the migrate lock. */
#ifndef STATE_H
#define STATE_H
#include <stddef.h>

#include "files.h"

/* The caches in state_dir (each owned by the module named): only trusted when owned by us
 * and writable by nobody else, and discarded whenever state_dir had to be made private. */

/* Creates dir with mode 0700 if missing (parents too). Refuses a symbolic link, a dir not
 * owned by us; makes it 0700 (discarding the caches) if group or others had access.
 * 0 or -1 (logged). Every function below opens files relative to dir, never through a link. */
int state_dir_ensure(const char *dir);
/* Writes dir/name atomically: temp file, fsync, rename. mode e.g. 0600. */
int state_write(const char *dir, const char *name, const void *data, size_t len, int mode);
/* The same without fsync: atomic for readers, not durable across a power cut. For the
 * VRRP state and counters, which keepalived rewrites after a reboot anyway (hot path). */
int state_replace(const char *dir, const char *name, const void *data, size_t len, int mode);
/* Reads dir/name into buf (NUL-terminated, trailing white space trimmed).
 * Returns the length, or -1 if missing, unreadable or larger than cap-1. */
int state_read(const char *dir, const char *name, char *buf, size_t cap);
/* Opens a cache file for reading: -1 if missing, or not a regular file owned by us and
 * writable by us alone (logged once per name). The fd (O_NONBLOCK) for the caller to close. */
int state_open_cache(const char *dir, const char *name);
/* The same for a cache that holds a secret: also refused when group or others may read it. */
int state_open_secret(const char *dir, const char *name);
/* state_read of a cache file, with the checks of state_open_cache. */
int state_read_cache(const char *dir, const char *name, char *buf, size_t cap);
/* dir/name's modification time in ns (never through a link), -1 if missing or not a file. */
long long state_mtime_ns(const char *dir, const char *name);
/* Removes dir/name (never through a link); a missing file is fine. 0 or -1 (errno). */
int state_remove(const char *dir, const char *name);
/* Integer file helpers (state_replace: counters): a missing or garbage file reads as def. */
long long state_read_int(const char *dir, const char *name, long long def);
int state_write_int(const char *dir, const char *name, long long v);
/* Takes the exclusive lock dir/lock, waiting at most timeout_ms (0: try once).
 * Returns the lock fd (release: state_unlock, or process exit), -1 busy/error. */
int state_lock(const char *dir, long long timeout_ms);
/* The same for another lock file in dir (notify.lock: the notifies' short critical section). */
int state_lock_file(const char *dir, const char *name, long long timeout_ms);
void state_unlock(int fd);
#endif
