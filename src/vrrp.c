/* vrrp.c: what notify_action and check_self share: state names and files, the take-over history. */
#include <stdio.h>
#include <string.h>

#include "state.h"
#include "util.h"
#include "vrrp.h"

int vrrp_state_valid(const char *s)
{
	size_t i;

	if (!s || s[0] < 'A' || s[0] > 'Z')
		return 0;
	for (i = 1; s[i]; i++)
		if (i >= VRRP_STATE_MAX - 1 || !((s[i] >= 'A' && s[i] <= 'Z') || s[i] == '_'))
			return 0;
	return 1;
}

int vrrp_state_read(const char *dir, char *out, size_t cap)
{
	char buf[VRRP_STATE_MAX + 8];
	char *s;

	if (cap)
		out[0] = 0;
	if (state_read(dir, VRRP_STATE, buf, sizeof buf) < 0)
		return 0;
	s = util_trim(buf);
	if (!vrrp_state_valid(s) || util_copy(out, cap, s) < 0)
		return 0;
	return (int)strlen(out);
}

void vrrp_hist_load(const char *dir, struct vrrp_hist *h, long long now)
{
	char buf[128];
	long long v[4];
	int k;

	memset(h, 0, sizeof *h);
	if (state_read(dir, VRRP_HISTORY, buf, sizeof buf) < 0 || util_parse_ints(buf, v, 4) != 4) {
		memset(h, 0, sizeof *h);
		return;
	}
	h->last = v[0], h->seen = v[1], h->until = v[2];
	k = v[3] > 30 || v[3] < 0 ? -1 : (int)v[3];
	if (h->last < 0 || h->seen < 0 || h->until < 0 || k < 0 || k > 30 ||
	    h->last > now || h->seen > now || h->until > now + VRRP_BACKOFF_MAX_S) {
		memset(h, 0, sizeof *h);
		return;
	}
	h->k = k;
}

int vrrp_hist_save(const char *dir, const struct vrrp_hist *h)
{
	char buf[128];
	int n = util_fmt(buf, sizeof buf, "%lld %lld %lld %d\n", h->last, h->seen, h->until, h->k);

	return n < 0 ? -1 : state_write(dir, VRRP_HISTORY, buf, (size_t)n, 0600);
}

long long vrrp_backoff_s(int k)
{
	long long s = VRRP_BACKOFF_BASE_S;

	while (k-- > 0 && s < VRRP_BACKOFF_MAX_S)
		s *= 2;
	return s < VRRP_BACKOFF_MAX_S ? s : VRRP_BACKOFF_MAX_S;
}

int vrrp_hist_decide(struct vrrp_hist *h, long long now, long long *wait, int *fresh)
{
	*fresh = 0;
	*wait = 0;
	if (now < h->until) {
		*wait = h->until - now;
		return VRRP_BACKOFF;
	}
	if (h->last && h->seen >= h->last && now - h->last < VRRP_REPEAT_S) {
		if (h->k < 30)
			h->k++;
		*wait = vrrp_backoff_s(h->k);
		h->until = now + *wait;
		h->last = 0;	/* evidence used up: once the backoff ends, take over again */
		*fresh = 1;
		return VRRP_BACKOFF;
	}
	if (h->k && now - (h->until > h->last ? h->until : h->last) >= VRRP_QUIET_S)
		h->k = 0;
	h->last = now;
	return VRRP_TAKEOVER;
}
