/* proc.c: starting children: own session, /dev/null, no inherited descriptors, no secrets, exec failures logged. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "proc.h"
#include "util.h"

/* Closes every descriptor from 3 up except keep. */
static void close_others(int keep)
{
	struct rlimit rl;
	struct dirent *e;
	DIR *dir;
	long fd, max = 65536;

#ifdef SYS_close_range
	if ((keep <= 3 || syscall(SYS_close_range, 3U, (unsigned)keep - 1, 0U) == 0) &&
	    syscall(SYS_close_range, (unsigned)(keep < 3 ? 3 : keep + 1), ~0U, 0U) == 0)
		return;
#endif
	dir = opendir("/proc/self/fd");
	if (dir) {
		int self = dirfd(dir);

		while ((e = readdir(dir)))
			if ((fd = strtol(e->d_name, NULL, 10)) > 2 && fd != self && fd != keep)
				close((int)fd);
		closedir(dir);
		return;
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && (long)rl.rlim_cur < max)
		max = (long)rl.rlim_cur;
	for (fd = 3; fd < max; fd++)
		if (fd != keep)
			close((int)fd);
}

static void child(int report, const char *path, char *const argv[], unsigned flags,
    const char *env_name, const char *env_value)
{
	int fd, e;

	setsid();
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, 0);	/* the copies lose FD_CLOEXEC */
		dup2(fd, 1);
		dup2(fd, 2);
	}
	close_others(report);
	if (flags & PROC_SCRUB) {
		unsetenv("TENCENTCLOUD_SECRET_ID");
		unsetenv("TENCENTCLOUD_SECRET_KEY");
		unsetenv("TENCENTCLOUD_SESSION_TOKEN");
	}
	if (env_name)
		setenv(env_name, env_value, 1);
	execv(path, argv);
	e = errno;
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

	if (pipe2(p, O_CLOEXEC) < 0) {
		log_err("%s: pipe: %s", what, strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid == 0)
		child(p[1], path, argv, flags, env_name, env_value);
	close(p[1]);
	if (pid < 0) {
		log_err("%s: fork failed: %s", what, strerror(errno));
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
