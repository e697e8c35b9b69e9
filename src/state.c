/* state.c: files in state_dir: atomic writes, tolerant reads, the migrate lock. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "state.h"
#include "util.h"

static int mkdir_parents(char *path)
{
	char *p;

	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(path, 0755) < 0 && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return 0;
}

/* Opens dir itself, never through a symbolic link. The fd, or -1 (errno set). */
static int dir_open(const char *dir)
{
	return open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* Logs why dir_open(dir) failed (errno). */
static void dir_error(const char *dir)
{
	struct stat st;
	int e = errno;

	if (e == ELOOP || (lstat(dir, &st) == 0 && S_ISLNK(st.st_mode)))
		log_err("%s: state_dir is a symbolic link; refusing it", dir);
	else if (e == ENOTDIR)
		log_err("%s: state_dir is not a directory", dir);
	else
		log_err("%s: cannot open state_dir: %s", dir, strerror(e));
}

static const char *const caches[] = {
	FILE_TA_CACHE, FILE_ROLE_CACHE, FILE_DISC_CACHE, FILE_CLOCK_OFFSET, FILE_TLS_SESSION, FILE_HOLDERS,
};

int state_dir_ensure(const char *dir)
{
	char path[4096];
	struct stat st;
	size_t i;
	int fd = dir_open(dir), rc = -1;

	if (fd < 0 && errno == ENOENT) {
		if (util_copy(path, sizeof path, dir) < 0 || mkdir_parents(path) < 0 ||
		    (mkdir(dir, 0700) < 0 && errno != EEXIST)) {
			log_err("%s: cannot create state_dir: %m", dir);
			return -1;
		}
		fd = dir_open(dir);
	}
	if (fd < 0) {
		dir_error(dir);
		return -1;
	}
	if (fstat(fd, &st) < 0)
		log_err("%s: state_dir: %m", dir);
	else if (st.st_uid != geteuid())
		log_err("%s: state_dir is owned by uid %u, not by this user; refusing it", dir,
		    (unsigned)st.st_uid);
	else if ((st.st_mode & 077) && fchmod(fd, 0700) < 0)
		log_err("%s: cannot make state_dir private: %m", dir);
	else
		rc = 0;
	if (rc == 0 && (st.st_mode & 077)) {
		/* Others could write here: what the caches say may be theirs, not ours. */
		for (i = 0; i < UTIL_ARRAY_LEN(caches); i++)
			unlinkat(fd, caches[i], 0);
		log_warn("%s: state_dir was accessible by group or others (mode %03o): made it 0700 "
		    "and discarded its caches", dir, (unsigned)(st.st_mode & 0777));
	}
	close(fd);
	return rc;
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int write_file(const char *dir, const char *name, const void *data, size_t len, int mode,
    int sync)
{
	char tmp[300];
	int dfd, fd, rc = -1;

	if (util_fmt(tmp, sizeof tmp, ".%s.%d.tmp", name, (int)getpid()) < 0) {
		log_err("%s/%s: name too long", dir, name);
		return -1;
	}
	dfd = dir_open(dir);
	if (dfd < 0) {
		dir_error(dir);
		return -1;
	}
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0 && errno == EEXIST && unlinkat(dfd, tmp, 0) == 0)	/* left by a dead writer of our pid */
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		log_err("%s/%s: cannot create: %m", dir, tmp);
	else if (write_all(fd, data, len) < 0 || (sync && fsync(fd) < 0))
		log_err("%s/%s: write failed: %m", dir, tmp);
	else {
		int closed = close(fd);

		fd = -1;
		if (closed < 0 || renameat(dfd, tmp, dfd, name) < 0)
			log_err("%s/%s: rename failed: %m", dir, name);
		else
			rc = 0;
	}
	if (rc < 0 && fd >= 0)
		close(fd);
	if (rc < 0)
		unlinkat(dfd, tmp, 0);
	close(dfd);
	return rc;
}

int state_write(const char *dir, const char *name, const void *data, size_t len, int mode)
{
	return write_file(dir, name, data, len, mode, 1);
}

int state_replace(const char *dir, const char *name, const void *data, size_t len, int mode)
{
	return write_file(dir, name, data, len, mode, 0);
}

/* Reads the open file fd into buf (see state_read); closes fd. */
static int read_fd(int fd, char *buf, size_t cap)
{
	ssize_t n;
	size_t len = 0;

	while ((n = read(fd, buf + len, cap - len)) > 0 && (len += (size_t)n) < cap)
		;
	close(fd);
	if (n < 0 || len >= cap)
		return -1;
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' ' || buf[len - 1] == '\r'))
		len--;
	buf[len] = 0;
	return (int)len;
}

/* Opens dir/name for reading, neither through a link in dir nor its last component. */
static int open_in(const char *dir, const char *name)
{
	int dfd = dir_open(dir), fd;

	if (dfd < 0)
		return -1;
	fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	close(dfd);
	return fd;
}

int state_read(const char *dir, const char *name, char *buf, size_t cap)
{
	int fd;

	if (cap < 2 || (fd = open_in(dir, name)) < 0)
		return -1;
	return read_fd(fd, buf, cap);
}

/* state_open_cache, refusing also the mode bits in deny (022, or 077 for a secret). */
static int open_checked(const char *dir, const char *name, unsigned deny)
{
	static const char *warned[8];
	struct stat st;
	const char *why = NULL;
	size_t i;
	int fd = open_in(dir, name);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		why = "not a regular file";
	else if (st.st_uid != geteuid())
		why = "not owned by this user";
	else if (st.st_mode & 022)
		why = "writable by group or others";
	else if (st.st_mode & deny)
		why = "readable by group or others (it holds a secret)";
	if (!why)
		return fd;
	close(fd);
	for (i = 0; i < UTIL_ARRAY_LEN(warned) && warned[i] && strcmp(warned[i], name); i++)
		;
	if (i < UTIL_ARRAY_LEN(warned) && !warned[i]) {
		warned[i] = name;
		log_warn("%s/%s: cache %s; ignoring it", dir, name, why);
	}
	return -1;
}

int state_open_cache(const char *dir, const char *name)
{
	return open_checked(dir, name, 022);
}

int state_open_secret(const char *dir, const char *name)
{
	return open_checked(dir, name, 077);
}

int state_read_cache(const char *dir, const char *name, char *buf, size_t cap)
{
	int fd;

	if (cap < 2 || (fd = state_open_cache(dir, name)) < 0)
		return -1;
	return read_fd(fd, buf, cap);
}

long long state_read_int(const char *dir, const char *name, long long def)
{
	char buf[32];
	long long v;

	if (state_read(dir, name, buf, sizeof buf) < 0 ||
	    util_parse_int(util_trim(buf), -(1LL << 62), 1LL << 62, &v) < 0)
		return def;
	return v;
}

int state_write_int(const char *dir, const char *name, long long v)
{
	char buf[32];
	int n = util_fmt(buf, sizeof buf, "%lld\n", v);

	return n < 0 ? -1 : state_replace(dir, name, buf, (size_t)n, 0600);
}

int state_lock(const char *dir, long long timeout_ms)
{
	return state_lock_file(dir, FILE_LOCK, timeout_ms);
}

int state_lock_file(const char *dir, const char *name, long long timeout_ms)
{
	char path[4096];
	long long deadline = util_now_ms() + timeout_ms;
	int fd, dfd;

	if (util_fmt(path, sizeof path, "%s/%s", dir, name) < 0)
		return -1;
	dfd = dir_open(dir);
	if (dfd < 0) {
		dir_error(dir);
		return -1;
	}
	fd = openat(dfd, name, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	close(dfd);
	if (fd < 0) {
		log_err("%s: cannot open lock: %m", path);
		return -1;
	}
	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return fd;
		if (errno != EWOULDBLOCK && errno != EINTR) {
			log_err("%s: flock: %m", path);
			break;
		}
		if (util_now_ms() >= deadline)
			break;
		util_sleep_ms(20);
	}
	close(fd);
	return -1;
}

void state_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}

long long state_mtime_ns(const char *dir, const char *name)
{
	struct stat st;
	int dfd = dir_open(dir), rc;

	if (dfd < 0)
		return -1;
	rc = fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW);
	close(dfd);
	if (rc < 0 || !S_ISREG(st.st_mode))
		return -1;
	return st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
}

int state_remove(const char *dir, const char *name)
{
	int dfd = dir_open(dir), rc;

	if (dfd < 0)
		return errno == ENOENT ? 0 : -1;
	rc = unlinkat(dfd, name, 0) < 0 && errno != ENOENT ? -1 : 0;
	close(dfd);
	return rc;
}
