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

int state_dir_ensure(const char *dir)
{
	char path[4096];
	struct stat st;

	if (stat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode)) {
			log_err("%s: state_dir is not a directory", dir);
			return -1;
		}
		if (st.st_uid != geteuid()) {
			log_err("%s: state_dir is owned by uid %u, not by this user; refusing it", dir,
			    (unsigned)st.st_uid);
			return -1;
		}
		if ((st.st_mode & 077) && chmod(dir, 0700) < 0) {
			log_err("%s: cannot make state_dir private: %s", dir, strerror(errno));
			return -1;
		}
		return 0;
	}
	if (util_copy(path, sizeof path, dir) < 0 || mkdir_parents(path) < 0 ||
	    (mkdir(dir, 0700) < 0 && errno != EEXIST)) {
		log_err("%s: cannot create state_dir: %s", dir, strerror(errno));
		return -1;
	}
	return 0;
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
	char path[4096], tmp[4096];
	int fd;

	if (util_fmt(path, sizeof path, "%s/%s", dir, name) < 0 ||
	    util_fmt(tmp, sizeof tmp, "%s/.%s.%d.tmp", dir, name, (int)getpid()) < 0) {
		log_err("%s/%s: path too long", dir, name);
		return -1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0 && errno == EEXIST && unlink(tmp) == 0)	/* left by a dead writer of our pid */
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0) {
		log_err("%s: cannot create: %s", tmp, strerror(errno));
		return -1;
	}
	if (write_all(fd, data, len) < 0 || (sync && fsync(fd) < 0)) {
		log_err("%s: write failed: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return -1;
	}
	close(fd);
	if (rename(tmp, path) < 0) {
		log_err("%s: rename failed: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

int state_write(const char *dir, const char *name, const void *data, size_t len, int mode)
{
	return write_file(dir, name, data, len, mode, 1);
}

int state_replace(const char *dir, const char *name, const void *data, size_t len, int mode)
{
	return write_file(dir, name, data, len, mode, 0);
}

int state_read(const char *dir, const char *name, char *buf, size_t cap)
{
	char path[4096];
	ssize_t n;
	size_t len = 0;
	int fd;

	if (cap < 2 || util_fmt(path, sizeof path, "%s/%s", dir, name) < 0)
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
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
	return state_lock_file(dir, "lock", timeout_ms);
}

int state_lock_file(const char *dir, const char *name, long long timeout_ms)
{
	char path[4096];
	long long deadline = util_now_ms() + timeout_ms;
	int fd;

	if (util_fmt(path, sizeof path, "%s/%s", dir, name) < 0)
		return -1;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		log_err("%s: cannot open lock: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return fd;
		if (errno != EWOULDBLOCK && errno != EINTR) {
			log_err("%s: flock: %s", path, strerror(errno));
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
