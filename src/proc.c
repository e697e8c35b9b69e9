/* proc.c: starting children: own session, /dev/null, no inherited descriptors, no secrets, exec failures logged. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "proc.h"
#include "util.h"

/* Closes what /proc/self/fd lists from 3 up except keep, read with getdents64 (opendir would
 * link malloc); -1 if it cannot be read. */
static int close_listed(int keep)
{
	char buf[2048];
	long n, off;
	long long fd;
	int dir = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (dir < 0)
		return -1;
	while ((n = syscall(SYS_getdents64, dir, buf, sizeof buf)) > 0)
		for (off = 0; off < n; off += *(unsigned short *)(buf + off + 16)) {
			const char *name = buf + off + 19;	/* struct linux_dirent64's d_name */

			if (util_parse_int(name, 3, INT_MAX, &fd) == 0 && fd != dir && fd != keep)
				close((int)fd);
		}
	close(dir);
	return 0;
}

/* Closes every descriptor from 3 up except keep. */
static void close_others(int keep)
{
	struct rlimit rl;
	long fd, max = 65536;

#ifdef SYS_close_range
	if ((keep <= 3 || syscall(SYS_close_range, 3U, (unsigned)keep - 1, 0U) == 0) &&
	    syscall(SYS_close_range, (unsigned)(keep < 3 ? 3 : keep + 1), ~0U, 0U) == 0)
		return;
#endif
	if (close_listed(keep) == 0)
		return;
	/* getrlimit by its syscall: musl's wrapper is 166 bytes for this fallback */
	if (syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    (long)rl.rlim_cur < max)
		max = (long)rl.rlim_cur;
	for (fd = 3; fd < max; fd++)
		if (fd != keep)
			close((int)fd);
}

/* 1 if the environment entry e is NAME=... for name. */
static int env_is(const char *e, const char *name)
{
	size_t n = strlen(name);

	return !strncmp(e, name, n) && e[n] == '=';
}

/* The child's environment: ours without the secrets (PROC_SCRUB) and with env_name=env_value
 * (set in one[]); 0, or -1 (E2BIG) if it does not fit. No setenv: it would link malloc. */
static int child_env(char **env, size_t cap, char *one, size_t one_cap, unsigned flags,
    const char *env_name, const char *env_value)
{
	static const char *const secret[] = { "TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY",
		"TENCENTCLOUD_SESSION_TOKEN" };
	size_t n = 0, i, k;

	for (i = 0; environ[i]; i++) {
		int drop = env_name && env_is(environ[i], env_name);

		for (k = 0; (flags & PROC_SCRUB) && k < UTIL_ARRAY_LEN(secret); k++)
			drop |= env_is(environ[i], secret[k]);
		if (drop)
			continue;
		if (n + 2 >= cap)
			return -1;
		env[n++] = environ[i];
	}
	if (env_name) {
		if (util_fmt(one, one_cap, "%s=%s", env_name, env_value) < 0)
			return -1;
		env[n++] = one;
	}
	env[n] = NULL;
	return 0;
}

static void child(int report, const char *path, char *const argv[], unsigned flags,
    const char *env_name, const char *env_value)
{
	static char *env[1024];
	static char one[4200];
	int fd, e = E2BIG;

	setsid();
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, 0);	/* the copies lose FD_CLOEXEC */
		dup2(fd, 1);
		dup2(fd, 2);
	}
	close_others(report);
	if (child_env(env, UTIL_ARRAY_LEN(env), one, sizeof one, flags, env_name, env_value) == 0) {
		execve(path, argv, env);
		e = errno;
	}
	if (write(report, &e, sizeof e) < 0)
		(void)0;
	_exit(127);
}

pid_t proc_spawn(const char *what, const char *path, char *const argv[], unsigned flags,
    const char *env_name, const char *env_value)
{
	int p[2], e = 0;
	ssize_t n;
	pid_t pid;

	if (syscall(SYS_pipe2, p, O_CLOEXEC) < 0) {	/* musl's pipe2 adds an old-kernel fallback */
		log_err("%s: pipe: %m", what);
		return -1;
	}
	pid = fork();
	if (pid == 0)
		child(p[1], path, argv, flags, env_name, env_value);
	close(p[1]);
	if (pid < 0) {
		log_err("%s: fork failed: %m", what);
		close(p[0]);
		return -1;
	}
	while ((n = read(p[0], &e, sizeof e)) < 0 && errno == EINTR)
		;
	close(p[0]);
	if (n == (ssize_t)sizeof e) {	/* else EOF: the exec closed the pipe */
		log_err("%s: cannot run %s: %s", what, path, strerror(e));
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		return -1;
	}
	return pid;
}

int proc_resolve(const char *cmd, char *out, size_t cap)
{
	const char *dir = PROC_PATH, *end;

	if (*cmd == '/')
		return util_copy(out, cap, cmd);
	if (!*cmd || strchr(cmd, '/'))
		return -1;
	for (; *dir; dir = *end ? end + 1 : end) {
		end = strchr(dir, ':');
		if (!end)
			end = dir + strlen(dir);
		if (util_fmt(out, cap, "%.*s/%s", (int)(end - dir), dir, cmd) >= 0 &&
		    access(out, X_OK) == 0)
			return 0;
	}
	*out = 0;
	return -1;
}
