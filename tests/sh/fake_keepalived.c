/* fake_keepalived.c: lays keepalived's process chain around scripts, exactly as each version
 * forks them, for tests that cannot start a real keepalived (no VRRP, no namespace needed).
 *
 * usage: keepalived 1.3|2 [-s] SCRIPT...  (the binary must be named keepalived: its comm)
 *   -s  one after another: each SCRIPT forked when the one before has ended (a vrrp_script
 *       tick after a notify), not all at once (the notifies of a burst of transitions)
 *
 * The main process P forks the VRRP process V and waits for it (every version: 1.3.5
 * keepalived/vrrp/vrrp_daemon.c:463-490 start_vrrp_child; 2.2.7/2.3.3 the same). V forks one
 * child per SCRIPT at once, in argument order, without waiting in between (the notifies of
 * successive transitions: 1.3.5 keepalived/vrrp/vrrp_notify.c:177-219 -> notify_exec), then
 * reaps them all. Each child:
 *   1.3  (1.3.5 lib/notify.c:112-137 notify_exec for notifies, :140-175 system_call_script
 *        for vrrp_scripts, which also setpgid(0, 0)s at :165): stays a keepalived process,
 *        sets SIGCHLD back to default (system_call :83) and calls system(SCRIPT) (:85),
 *        which runs /bin/sh -c SCRIPT; then exits.
 *   2    (2.2.7 lib/notify.c:242-245 notify_exec -> :153-215 system_call_script; 2.3.3
 *        :250-253 -> :161-223): setpgid(0, 0) (2.2.7 :199, 2.3.3 :207) and, the script being
 *        executable (SC_EXECABLE), execve() of its first word with its words as argv (2.2.7
 *        :206, 2.3.3 :214): keepalived splits the command line itself.
 * P exits with V's status; V exits 0, or 1 if a script could not be started. */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_WORDS 32

extern char **environ;

/* 2.x: the script's words (spaces separate them; no quoting in our tests). */
static void exec_words(char *cmd)
{
	char *argv[MAX_WORDS + 1], *save = NULL, *w;
	int n = 0;

	for (w = strtok_r(cmd, " ", &save); w && n < MAX_WORDS; w = strtok_r(NULL, " ", &save))
		argv[n++] = w;
	argv[n] = NULL;
	if (n)
		execve(argv[0], argv, environ);
	perror("keepalived: execve");
	_exit(1);
}

static void run_script(const char *mode, char *cmd)
{
	int st;

	setpgid(0, 0);	/* 1.3.5: track scripts only; harmless for a notify here */
	if (!strcmp(mode, "2"))
		exec_words(cmd);
	signal(SIGCHLD, SIG_DFL);
	st = system(cmd);
	_exit(st < 0 || !WIFEXITED(st) ? 0 : WEXITSTATUS(st));
}

static int vrrp_process(const char *mode, int serial, int n, char **scripts)
{
	int i, bad = 0;
	pid_t pid;

	for (i = 0; i < n; i++) {
		pid = fork();
		if (pid < 0)
			bad = 1;
		else if (pid == 0)
			run_script(mode, scripts[i]);
		else if (serial)
			waitpid(pid, NULL, 0);
	}
	while (wait(NULL) > 0)
		;
	return bad;
}

int main(int argc, char **argv)
{
	pid_t v;
	int st, serial;

	if (argc < 2 || (strcmp(argv[1], "1.3") && strcmp(argv[1], "2"))) {
		fputs("usage: keepalived 1.3|2 [-s] SCRIPT...\n", stderr);
		return 2;
	}
	serial = argc > 2 && !strcmp(argv[2], "-s");
	v = fork();
	if (v < 0)
		return 1;
	if (v == 0)
		_exit(vrrp_process(argv[1], serial, argc - 2 - serial, argv + 2 + serial));
	if (waitpid(v, &st, 0) < 0 || !WIFEXITED(st))
		return 1;
	return WEXITSTATUS(st);
}
