/* rusage.c: bench launcher: runs a command N times (each after an untimed prepare command) and prints wall, CPU and peak RSS per run. */
/* usage: rusage [-m] RUNS PREPARE|- CMD [ARGS...]
 * One line per run: "wall_us cpu_us maxrss_kib status start_epoch_us hwm_kib"
 *   cpu_us       user + system time of the command (wait4), microseconds
 *   maxrss_kib   the kernel's ru_maxrss: since Linux 6.2 per-CPU RSS counters make it lag by up
 *                to one counter batch (about 128 KiB here), so small programs under-report
 *   status       exit code, or 128 + signal
 *   start_epoch_us  CLOCK_REALTIME at the start, to match the simulator's request log
 *   hwm_kib      with -m: VmHWM of /proc/PID/status read at the ptrace exit stop (the address
 *                space is still whole there and the kernel sums the counters exactly); else 0
 * Static (musl): a child's peak RSS includes its pre-exec copy of the launcher, a few KiB here
 * but about 0.5 MiB under /usr/bin/time. The command's stdout goes to /dev/null. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct result {
	int status;
	long hwm_kib;
	struct rusage ru;
};

static long long now_us(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

/* VmHWM of a live process in KiB, 0 if unknown. */
static long read_hwm(pid_t pid)
{
	char path[64], line[256];
	long kib = 0;
	FILE *f;

	if (snprintf(path, sizeof path, "/proc/%d/status", (int)pid) >= (int)sizeof path)
		return 0;
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "VmHWM: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

static void child(char **argv, int trace)
{
	int fd = open("/dev/null", O_WRONLY);

	if (fd < 0 || dup2(fd, 1) < 0)	/* our stdout carries the figures */
		_exit(127);
	if (trace && ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
		_exit(127);
	execvp(argv[0], argv);
	perror(argv[0]);
	_exit(127);
}

/* Runs argv to its end; with trace, stops it at exit to read VmHWM. 0 or -1. */
static int run(char **argv, int trace, struct result *r)
{
	int st, sig;
	pid_t pid = fork();

	r->hwm_kib = 0;
	if (pid < 0) {
		perror("rusage: fork");
		return -1;
	}
	if (pid == 0)
		child(argv, trace);
	for (;;) {
		if (wait4(pid, &st, 0, &r->ru) != pid) {
			perror("rusage: wait4");
			return -1;
		}
		if (!WIFSTOPPED(st))
			break;
		sig = WSTOPSIG(st);
		if (sig == SIGTRAP && (st >> 16) == PTRACE_EVENT_EXIT) {
			r->hwm_kib = read_hwm(pid);
			sig = 0;
		} else if (sig == SIGTRAP && (st >> 16) == PTRACE_EVENT_EXEC) {
			sig = 0;	/* a wrapper (pyenv shim...) exec'd the real program */
		} else if (sig == SIGTRAP && !r->hwm_kib) {
			/* the stop after our execve: from now on, stop at exit and at exec */
			ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)(long)(PTRACE_O_TRACEEXIT |
			    PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL));
			sig = 0;
			r->hwm_kib = -1;
		}
		if (ptrace(PTRACE_CONT, pid, NULL, (void *)(long)sig) < 0) {
			perror("rusage: ptrace");
			return -1;
		}
	}
	if (r->hwm_kib < 0)
		r->hwm_kib = 0;
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return 0;
}

int main(int argc, char **argv)
{
	char *prep[] = { "/bin/sh", "-c", NULL, NULL };
	struct result r;
	long long t0, epoch, cpu;
	int i, n, trace = argc > 1 && !strcmp(argv[1], "-m");

	argv += trace;
	argc -= trace;
	if (argc == 3 && !strcmp(argv[1], "0"))
		return 0;	/* "rusage 0 -": a no-op, to measure the launcher's own floor */
	if (argc < 4 || (n = atoi(argv[1])) < 0 || n > 10000) {
		fputs("usage: rusage [-m] RUNS PREPARE|- CMD [ARGS...]\n", stderr);
		return 2;
	}
	prep[2] = argv[2];
	for (i = 0; i < n; i++) {
		if (strcmp(argv[2], "-")) {
			if (run(prep, 0, &r) < 0 || r.status != 0) {
				fprintf(stderr, "rusage: prepare command failed\n");
				return 1;
			}
		}
		epoch = now_us(CLOCK_REALTIME);
		t0 = now_us(CLOCK_MONOTONIC);
		if (run(argv + 3, trace, &r) < 0)
			return 1;
		cpu = (r.ru.ru_utime.tv_sec + r.ru.ru_stime.tv_sec) * 1000000LL +
		    r.ru.ru_utime.tv_usec + r.ru.ru_stime.tv_usec;
		printf("%lld %lld %ld %d %lld %ld\n", now_us(CLOCK_MONOTONIC) - t0, cpu,
		    r.ru.ru_maxrss, r.status, epoch, r.hwm_kib);
		fflush(stdout);
	}
	return 0;
}
