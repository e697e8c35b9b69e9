/* ca_load.c: bench probe: how long anchors_load() takes for a PEM bundle (median of N loads). */
/* usage: ca_load FILE [RUNS]    prints "median_us anchors skipped bytes"; linked with tcvip's objects. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "anchors.h"
#include "tls.h"

#define MAX_RUNS 1000

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	static long long ns[MAX_RUNS];
	struct anchors ta;
	int i, n = argc > 2 ? atoi(argv[2]) : 50;

	if (argc < 2 || n < 1 || n > MAX_RUNS) {
		fputs("usage: ca_load FILE [RUNS]\n", stderr);
		return 2;
	}
	for (i = 0; i < n; i++) {
		long long t0 = now_ns();

		if (anchors_load(&ta, argv[1]) < 0)
			return 1;
		ns[i] = now_ns() - t0;
		if (i + 1 < n)
			anchors_free(&ta);
	}
	qsort(ns, (size_t)n, sizeof ns[0], cmp_ll);
	printf("%lld %zu %zu %zu\n", ns[n / 2] / 1000, ta.count, ta.skipped, ta.arena_size);
	anchors_free(&ta);
	return 0;
}
