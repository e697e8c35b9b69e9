/* t_log.c: the seed-compatible log line format, one write per line, sanitising. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "log.h"

static void test_format(void)
{
	char line[128];
	int n;

	setenv("TZ", "UTC", 1);
	tzset();
	n = log_format(line, sizeof line, 1551113065, 1234, "hello");
	check(n > 0 && !strcmp(line, "[2019-02-25 16:44:25] [pid1234] hello\n"));
	check(log_format(line, 10, 1551113065, 1, "hello") < 0);
}

static void test_sanitize(void)
{
	char out[16];

	log_sanitize(out, sizeof out, "a\nb\x01" "c\x7f", 6);
	check(!strcmp(out, "a?b?c?"));
	log_sanitize(out, 4, "abcdef", 6);
	check(!strcmp(out, "abc"));
}

/* Many processes logging at once: every line whole. */
static void test_concurrent_lines(void)
{
	char path[] = "/tmp/tcvip-log-XXXXXX", buf[65536], *p, *save = NULL;
	int fd = mkstemp(path), i, lines = 0, bad = 0;
	ssize_t n;

	close(fd);
	for (i = 0; i < 8; i++) {
		if (fork() == 0) {
			int k;
			log_set_stderr(0);
			log_open(path, 0);
			for (k = 0; k < 50; k++)
				log_info("writer %d line %d %s", i, k, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
			_exit(0);
		}
	}
	for (i = 0; i < 8; i++)
		wait(NULL);
	fd = open(path, O_RDONLY);
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	unlink(path);
	buf[n > 0 ? n : 0] = 0;
	for (p = strtok_r(buf, "\n", &save); p; p = strtok_r(NULL, "\n", &save)) {
		lines++;
		if (p[0] != '[' || !strstr(p, "] [pid") || !strstr(p, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"))
			bad++;
	}
	check(lines == 400 && bad == 0);
}

int main(void)
{
	test_format();
	test_sanitize();
	test_concurrent_lines();
	return check_done();
}
