/* t_state.c: atomic state writes under a concurrent reader, tolerant reads, the lock. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "state.h"

static char dir[] = "/tmp/tcvip-state-XXXXXX";

static void test_roundtrip(void)
{
	char buf[64], sub[300];
	struct stat st;

	check(state_write(dir, "state", "MASTER\n", 7, 0600) == 0);
	check(state_read(dir, "state", buf, sizeof buf) == 6 && !strcmp(buf, "MASTER"));
	check(state_read(dir, "missing", buf, sizeof buf) < 0);
	check(state_read_int(dir, "missing", 7) == 7);
	check(state_write(dir, "count", "garbage", 7, 0600) == 0);
	check(state_read_int(dir, "count", -1) == -1);
	check(state_write_int(dir, "count", 42) == 0 && state_read_int(dir, "count", 0) == 42);
	check(state_read(dir, "state", buf, 4) < 0);	/* too large is not truncated */
	snprintf(sub, sizeof sub, "%s/a/b", dir);
	check(state_dir_ensure(sub) == 0 && stat(sub, &st) == 0 && (st.st_mode & 0777) == 0700);
	rmdir(sub);
	snprintf(sub, sizeof sub, "%s/a", dir);
	rmdir(sub);
}

/* A writer flips the file between two values; the reader must only ever see one of them. */
static void test_concurrent_reader(void)
{
	const char *a = "MASTER\n", *b = "BACKUP-LONGER-VALUE\n";
	char buf[64];
	int i, bad = 0;
	pid_t pid = fork();

	if (pid == 0) {
		for (i = 0; i < 2000; i++)
			state_write(dir, "flip", i & 1 ? b : a, strlen(i & 1 ? b : a), 0600);
		_exit(0);
	}
	state_write(dir, "flip", a, strlen(a), 0600);
	for (i = 0; i < 20000; i++) {
		int n = state_read(dir, "flip", buf, sizeof buf);
		if (n < 0 || (strcmp(buf, "MASTER") && strcmp(buf, "BACKUP-LONGER-VALUE")))
			bad++;
	}
	waitpid(pid, NULL, 0);
	check(bad == 0);
}

static void test_lock(void)
{
	int fd = state_lock(dir, 0), st, p[2];
	pid_t pid;
	char c;

	check(fd >= 0);
	check(pipe(p) == 0);
	pid = fork();
	if (pid == 0) {	/* contender: must fail while we hold it */
		int r = state_lock(dir, 100);
		_exit(r >= 0 ? 1 : 0);
	}
	waitpid(pid, &st, 0);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	state_unlock(fd);
	check((fd = state_lock(dir, 0)) >= 0);
	state_unlock(fd);
	/* A holder that dies releases the lock (kernel). */
	pid = fork();
	if (pid == 0) {
		int l = state_lock(dir, 0);
		if (write(p[1], l >= 0 ? "y" : "n", 1) < 0)
			_exit(2);
		pause();
		_exit(0);
	}
	check(read(p[0], &c, 1) == 1 && c == 'y');
	check(state_lock(dir, 0) < 0);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	check((fd = state_lock(dir, 1000)) >= 0);
	state_unlock(fd);
	close(p[0]);
	close(p[1]);
}

/* issue 10: a symlinked state_dir is refused, not followed (nor its target chmodded). */
static void test_symlinked_dir(void)
{
	char real[300], link[300], buf[32];
	struct stat st;

	snprintf(real, sizeof real, "%s/real", dir);
	snprintf(link, sizeof link, "%s/link", dir);
	check(mkdir(real, 0755) == 0 && chmod(real, 0755) == 0 && symlink(real, link) == 0);
	check(state_dir_ensure(link) < 0);
	check(stat(real, &st) == 0 && (st.st_mode & 0777) == 0755);	/* not chmodded */
	check(state_write(real, "state", "MASTER\n", 7, 0600) == 0);
	check(state_write(link, "state", "BACKUP\n", 7, 0600) < 0);	/* nor written through */
	check(state_read(link, "state", buf, sizeof buf) < 0);
	check(state_read(real, "state", buf, sizeof buf) == 6 && !strcmp(buf, "MASTER"));
	check(state_lock(link, 0) < 0);
	unlink(link);
}

/* issue 10: a cache file is trusted only if ours and writable by us alone; a state_dir that
 * had to be made private loses its caches. */
static void test_cache_rules(void)
{
	char sub[300], file[400], buf[64];
	struct stat st;
	int fd;

	snprintf(sub, sizeof sub, "%s/caches", dir);
	check(state_dir_ensure(sub) == 0);
	check(state_write(sub, FILE_DISC_CACHE, "boot=x\n", 7, 0600) == 0);
	check(state_read_cache(sub, FILE_DISC_CACHE, buf, sizeof buf) == 6);
	snprintf(file, sizeof file, "%s/%s", sub, FILE_DISC_CACHE);
	check(chmod(file, 0620) == 0);
	check(state_read_cache(sub, FILE_DISC_CACHE, buf, sizeof buf) < 0);
	check(state_read(sub, FILE_DISC_CACHE, buf, sizeof buf) == 6);	/* plain reads: no rule */
	check(chmod(file, 0602) == 0 && state_read_cache(sub, FILE_DISC_CACHE, buf, sizeof buf) < 0);
	check(chmod(file, 0644) == 0 && state_read_cache(sub, FILE_DISC_CACHE, buf, sizeof buf) == 6);
	if (geteuid() == 0) {	/* owned by someone else */
		check(chown(file, 1, 1) == 0);
		check(state_read_cache(sub, FILE_DISC_CACHE, buf, sizeof buf) < 0);
		check((fd = state_open_cache(sub, FILE_DISC_CACHE)) < 0);
	}
	unlink(file);
	check(mkfifo(file, 0600) == 0);	/* a FIFO neither blocks nor counts */
	check(state_read_cache(sub, FILE_DISC_CACHE, buf, sizeof buf) < 0);
	unlink(file);
	/* A state_dir others could write: made 0700, every cache thrown away, other files kept. */
	check(state_write(sub, FILE_TA_CACHE, "x", 1, 0600) == 0);
	check(state_write(sub, FILE_ROLE_CACHE, "{}", 2, 0600) == 0);
	check(state_write(sub, FILE_DISC_CACHE, "boot=x\n", 7, 0600) == 0);
	check(state_write_int(sub, FILE_CLOCK_OFFSET, 5) == 0);
	check(state_write(sub, "state", "MASTER\n", 7, 0644) == 0);
	check(state_dir_ensure(sub) == 0);	/* already private: caches kept */
	check(state_read_cache(sub, FILE_ROLE_CACHE, buf, sizeof buf) == 2);
	check(chmod(sub, 0775) == 0);
	check(state_dir_ensure(sub) == 0 && stat(sub, &st) == 0 && (st.st_mode & 0777) == 0700);
	check(state_read(sub, FILE_TA_CACHE, buf, sizeof buf) < 0 && errno == ENOENT);
	check(state_read(sub, FILE_ROLE_CACHE, buf, sizeof buf) < 0);
	check(state_read(sub, FILE_DISC_CACHE, buf, sizeof buf) < 0);
	check(state_read(sub, FILE_CLOCK_OFFSET, buf, sizeof buf) < 0);
	check(state_read(sub, "state", buf, sizeof buf) == 6);
}

int main(void)
{
	char cmd[128];

	if (!mkdtemp(dir))
		return 2;
	test_roundtrip();
	test_concurrent_reader();
	test_lock();
	test_symlinked_dir();
	test_cache_rules();
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 2;
	return check_done();
}
