/* phases.c: the phases of one migrate, their log line, and state_dir/last_migrate (its only reader and writer). */
#include <string.h>

#include "log.h"
#include "phases.h"
#include "state.h"
#include "util.h"

static const char *const names[PHASE_COUNT] = {
	"event", "request", "accepted", "task_ended", "confirmed", "follow_up",
};
/* The log line's words for each phase after the event. */
static const char *const spoken[PHASE_COUNT] = {
	"event", "event→request", "accepted", "task ended", "confirmed", "follow-up checked",
};

const char *phases_name(enum migrate_phase ph)
{
	return ph >= 0 && ph < PHASE_COUNT ? names[ph] : "?";
}

void phases_start(struct migrate_phases *p, const char *event, long long event_at)
{
	int i;

	memset(p, 0, sizeof *p);
	if (util_copy(p->event, sizeof p->event, event && *event ? event : "manual") < 0)
		util_copy(p->event, sizeof p->event, "manual");
	p->event_at = event_at > 0 ? event_at : util_now_ms();
	for (i = 0; i < PHASE_COUNT; i++)
		p->ms[i] = -1;
	p->ms[PHASE_EVENT] = 0;
	p->total_ms = p->duration_ms = -1;
}

void phases_mark(struct migrate_phases *p, enum migrate_phase ph)
{
	long long at = util_now_ms() - p->event_at;

	if (ph <= PHASE_EVENT || ph >= PHASE_COUNT)
		return;
	if (at < 0)
		at = 0;	/* an event stamped by another process a hair later */
	if (ph >= PHASE_TASK_ENDED || p->ms[ph] < 0)
		p->ms[ph] = at;
}

void phases_end(struct migrate_phases *p, const char *result, long long duration_ms,
    unsigned calls, unsigned retries)
{
	p->total_ms = util_now_ms() - p->event_at;
	if (p->total_ms < 0)
		p->total_ms = 0;
	p->duration_ms = duration_ms;
	p->ended_ms = util_wall_ms();
	p->time = p->ended_ms / 1000;
	p->calls = calls;
	p->retries = retries;
	util_copy(p->result, sizeof p->result, result);
}

/* Appends fmt to out at *len; -1 once it does not fit. */
static int put(char *out, size_t cap, int *len, const char *text)
{
	int n;

	if (*len < 0)
		return -1;
	n = util_fmt(out + *len, cap - (size_t)*len, "%s", text);
	*len = n < 0 ? -1 : *len + n;
	return *len;
}

int phases_log_line(const struct migrate_phases *p, char *out, size_t cap)
{
	char part[96];
	int len = 0, i, first = 1;

	util_fmt(part, sizeof part, "%s in %lld ms (", p->result, p->total_ms);
	put(out, cap, &len, part);
	for (i = PHASE_REQUEST; i < PHASE_COUNT; i++) {
		if (p->ms[i] < 0)
			continue;
		util_fmt(part, sizeof part, "%s%s %lld ms", first ? "" : ", ", spoken[i], p->ms[i]);
		put(out, cap, &len, part);
		first = 0;
	}
	util_fmt(part, sizeof part, "%s), %u calls, %u retries", first ? "no request" : "",
	    p->calls, p->retries);
	put(out, cap, &len, part);
	if (*p->error && util_fmt(part, sizeof part, ", last error %s", p->error) > 0)
		put(out, cap, &len, part);
	return len;
}

int phases_record(const struct migrate_phases *p, char *out, size_t cap)
{
	char part[64];
	int len = util_fmt(out, cap, "time=%lld result=%s duration_ms=%lld calls=%u retries=%u "
	    "error=%s event=%s ended_ms=%lld total_ms=%lld", p->time, p->result, p->duration_ms,
	    p->calls, p->retries, *p->error ? p->error : "-", p->event, p->ended_ms, p->total_ms);
	int i;

	for (i = PHASE_REQUEST; i < PHASE_COUNT && len > 0; i++) {
		if (p->ms[i] < 0)
			util_fmt(part, sizeof part, " %s_ms=-", names[i]);
		else
			util_fmt(part, sizeof part, " %s_ms=%lld", names[i], p->ms[i]);
		put(out, cap, &len, part);
	}
	put(out, cap, &len, "\n");
	return len;
}

/* A value of the record: a number, or "-" (-1). 0 or -1. */
static int num(const char *v, long long *out)
{
	if (!strcmp(v, "-"))
		return *out = -1, 0;
	return util_parse_int(v, 0, 1LL << 53, out);
}

/* One word of the record ("-" = empty) into out. 0 or -1. */
static int word(const char *v, char *out, size_t cap)
{
	if (!util_printable(v) || util_copy(out, cap, strcmp(v, "-") ? v : "") < 0)
		return -1;
	return 0;
}

/* The number field key names in p, NULL if none. */
static long long *num_field(struct migrate_phases *p, const char *k)
{
	size_t n;
	int i;

	if (!strcmp(k, "time"))
		return &p->time;
	if (!strcmp(k, "duration_ms"))
		return &p->duration_ms;
	if (!strcmp(k, "total_ms"))
		return &p->total_ms;
	if (!strcmp(k, "ended_ms"))
		return &p->ended_ms;
	for (i = PHASE_REQUEST; i < PHASE_COUNT; i++) {
		n = strlen(names[i]);
		if (!strncmp(k, names[i], n) && !strcmp(k + n, "_ms"))
			return &p->ms[i];
	}
	return NULL;
}

/* One key=value of the record into p. 0 (also: a key this version does not know), or -1. */
static int field(struct migrate_phases *p, const char *k, const char *v)
{
	long long n, *to = num_field(p, k);

	if (!strcmp(k, "result"))
		return word(v, p->result, sizeof p->result);
	if (!strcmp(k, "error"))
		return word(v, p->error, sizeof p->error);
	if (!strcmp(k, "event"))
		return word(v, p->event, sizeof p->event);
	if (!strcmp(k, "calls") || !strcmp(k, "retries")) {
		if (util_parse_int(v, 0, 1000000, &n) < 0)
			return -1;
		*(k[0] == 'c' ? &p->calls : &p->retries) = (unsigned)n;
		return 0;
	}
	if (!to)
		return 0;	/* written by a newer tcvip: ignored */
	return num(v, to);
}

int phases_parse(const char *text, struct migrate_phases *p)
{
	char buf[PHASES_RECORD_MAX], *tok, *save = NULL, *eq;

	phases_start(p, "", 1);
	p->event[0] = 0;
	p->time = -1;
	if (util_copy(buf, sizeof buf, text) < 0 || strncmp(buf, "time=", 5))
		return -1;
	for (tok = strtok_r(buf, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save)) {
		eq = strchr(tok, '=');
		if (!eq || eq == tok)
			return -1;
		*eq = 0;
		if (field(p, tok, eq + 1) < 0)
			return -1;
	}
	return p->time >= 0 && *p->result ? 0 : -1;
}

int phases_save(const char *dir, const struct migrate_phases *p)
{
	char line[PHASES_RECORD_MAX];
	int n = phases_record(p, line, sizeof line);

	if (n < 0) {
		log_warn("migrate: %s/%s: record too long, not written", dir, FILE_LAST_MIGRATE);
		return -1;
	}
	return state_write(dir, FILE_LAST_MIGRATE, line, (size_t)n, 0600);
}

int phases_load(const char *dir, struct migrate_phases *p)
{
	char line[PHASES_RECORD_MAX];

	if (state_read(dir, FILE_LAST_MIGRATE, line, sizeof line) < 0)
		return -1;
	return phases_parse(line, p);
}
