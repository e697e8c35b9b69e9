/* splitbrain.c: the split-brain rule: when a take-over is repeated too soon, back off. */
#include <string.h>

#include "state.h"
#include "splitbrain.h"
#include "util.h"

void splitbrain_load(const char *dir, struct splitbrain *h, long long now)
{
	char buf[128];
	long long v[4];
	int k;

	memset(h, 0, sizeof *h);
	if (state_read(dir, FILE_HISTORY, buf, sizeof buf) < 0 || util_parse_ints(buf, v, 4) != 4) {
		memset(h, 0, sizeof *h);
		return;
	}
	h->last = v[0], h->seen = v[1], h->until = v[2];
	k = v[3] > 30 || v[3] < 0 ? -1 : (int)v[3];
	if (h->last < 0 || h->seen < 0 || h->until < 0 || k < 0 || k > 30 ||
	    h->last > now || h->seen > now || h->until > now + SPLITBRAIN_BACKOFF_MAX_S) {
		memset(h, 0, sizeof *h);
		return;
	}
	h->k = k;
}

int splitbrain_save(const char *dir, const struct splitbrain *h)
{
	char buf[128];
	int n = util_fmt(buf, sizeof buf, "%lld %lld %lld %d\n", h->last, h->seen, h->until, h->k);

	return n < 0 ? -1 : state_write(dir, FILE_HISTORY, buf, (size_t)n, 0600);
}

long long splitbrain_backoff_s(int k)
{
	long long s = SPLITBRAIN_BACKOFF_BASE_S;

	while (k-- > 0 && s < SPLITBRAIN_BACKOFF_MAX_S)
		s *= 2;
	return s < SPLITBRAIN_BACKOFF_MAX_S ? s : SPLITBRAIN_BACKOFF_MAX_S;
}

int splitbrain_decide(struct splitbrain *h, long long now, long long *wait, int *fresh)
{
	*fresh = 0;
	*wait = 0;
	if (now < h->until) {
		*wait = h->until - now;
		return SPLITBRAIN_BACKOFF;
	}
	if (h->last && h->seen >= h->last && now - h->last < SPLITBRAIN_REPEAT_S) {
		if (h->k < 30)
			h->k++;
		*wait = splitbrain_backoff_s(h->k);
		h->until = now + *wait;
		h->last = 0;	/* evidence used up: once the backoff ends, take over again */
		*fresh = 1;
		return SPLITBRAIN_BACKOFF;
	}
	if (h->k && now - (h->until > h->last ? h->until : h->last) >= SPLITBRAIN_QUIET_S)
		h->k = 0;
	h->last = now;
	return SPLITBRAIN_TAKEOVER;
}
