/* harness.h: the tiny unit-test harness: check(cond) and check_done(). */
#ifndef HARNESS_H
#define HARNESS_H
#include <stdio.h>

static int harness_pass, harness_fail;

static inline void harness_check(int ok, const char *expr, const char *file, int line)
{
	if (ok) {
		harness_pass++;
		return;
	}
	harness_fail++;
	printf("FAIL %s:%d: %s\n", file, line, expr);
	fflush(stdout);
}

#define check(cond) harness_check(!!(cond), #cond, __FILE__, __LINE__)

/* Prints the closing line the test runner reads and returns the exit code. */
static inline int check_done(void)
{
	printf("%d passed, %d failed\n", harness_pass, harness_fail);
	return harness_fail != 0;
}
#endif
