/* proc.h: starting children: own session, /dev/null, no inherited descriptors, no secrets, exec failures logged. */
#ifndef PROC_H
#define PROC_H
#include <stddef.h>
#include <sys/types.h>

/* Where a bare restart_command name is looked up (never the caller's PATH). */
#define PROC_PATH "/usr/sbin:/usr/bin:/sbin:/bin"
#define PROC_SCRUB 1u	/* remove TENCENTCLOUD_SECRET_* and TENCENTCLOUD_SESSION_TOKEN */

/* Forks and execs path with argv, detached: a new session, stdin/stdout/stderr on
 * /dev/null, every other descriptor closed (close_range, else /proc/self/fd, else up to
 * RLIMIT_NOFILE), env_name=env_value set if env_name, the cloud secrets removed from the
 * environment with PROC_SCRUB. Waits only until the exec: a failed exec is logged here
 * ("what: cannot run path: reason") and reaped. The pid, or -1 (logged). */
pid_t proc_spawn(const char *what, const char *path, char *const argv[], unsigned flags,
    const char *env_name, const char *env_value);
/* The program to exec for cmd: cmd itself if absolute, else the first executable
 * PROC_PATH/cmd. 0, or -1 (a relative path with a '/', or not found). */
int proc_resolve(const char *cmd, char *out, size_t cap);
#endif
