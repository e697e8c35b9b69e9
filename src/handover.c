/* handover.c: a planned handover: the flag in state_dir that makes check_self report a fault. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "handover.h"
#include "log.h"
#include "state.h"
#include "util.h"
#include "vrrp.h"

int handover_request(const char *dir, const char *reason, int seconds)
{
	char boot[40], line[128];
	int n;

	vrrp_boot_id(boot, sizeof boot);
	n = util_fmt(line, sizeof line, "%s %lld %s\n", *boot ? boot : "-",
	    util_now_ms() + seconds * 1000LL, reason);
	if (n < 0 || state_write(dir, FILE_HANDOVER, line, (size_t)n, 0600) < 0) {
		log_err("handover: cannot write %s/%s", dir, FILE_HANDOVER);
		return -1;
	}
	return 0;
}

int handover_active(const char *dir, char *reason, size_t cap)
{
	char buf[128], boot[40], *w[3];
	long long until;

	if (state_read(dir, FILE_HANDOVER, buf, sizeof buf) < 0)
		return 0;
	if (util_words(buf, w, 3) != 3 || util_parse_int(w[1], -(1LL << 62), 1LL << 62, &until) < 0 ||
	    strlen(w[2]) >= HANDOVER_REASON_MAX)
		return 0;
	vrrp_boot_id(boot, sizeof boot);
	if (strcmp(*boot ? boot : "-", w[0]) || util_now_ms() >= until)
		return 0;
	if (reason)
		util_copy(reason, cap, w[2]);
	return 1;
}

int handover_clear(const char *dir)
{
	if (state_remove(dir, FILE_HANDOVER) < 0) {
		log_err("handover: cannot remove %s/%s: %s", dir, FILE_HANDOVER, strerror(errno));
		return -1;
	}
	return 0;
}
