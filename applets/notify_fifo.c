/* notify_fifo: keepalived's vrrp_notify_fifo_script: reads transitions in order from the FIFO and migrates in process, warm. */
const char notify_fifo_usage[] =
"usage: notify_fifo.sh [-c FILE] [-v] [ARGS...] FIFO\n"
"\n"
"keepalived vrrp_notify_fifo_script (keepalived starts it with the FIFO as last\n"
"argument). Reads lines INSTANCE|GROUP \"NAME\" STATE PRIORITY in order, records\n"
"each transition like notify_action (state_dir/state), and on MASTER (or\n"
"MASTER_RX_LOWER_PRI while MASTER) runs the migrate itself, with discovery,\n"
"credentials and the API connection kept ready between events. Garbage lines are\n"
"logged and skipped; a recreated FIFO is reopened; it ends with keepalived.\n"
"exit: 0 stopped by keepalived (SIGTERM), 2 usage or config error\n";

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg.h"
#include "fmt.h"
#include "log.h"
#include "migrate.h"
#include "state.h"
#include "tcvip.h"
#include "util.h"
#include "vrrp.h"

#define FIFO_LINE_MAX 256	/* keepalived's lines are short: type, name, state, priority */
#define FIFO_TICK_MS 1000	/* how often the FIFO's identity and our parent are checked */

struct fifo {
	const struct cfg *c;
	const char *path;
	int fd;
	dev_t dev;
	ino_t ino;
	char line[FIFO_LINE_MAX];
	size_t len;
	int overlong;		/* the current line overflowed: skip to its end */
	int want_migrate;	/* an event asked for a migrate (MASTER, or RX_LOWER_PRI as MASTER) */
	long long read_at;	/* util_now_ms when the bytes being applied were read */
	long long event_at;	/* the arrival of the line that asked for the migrate */
	int warned_open;	/* the FIFO could not be opened: said once */
	long parent;		/* keepalived: when it goes, so do we */
};

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* Opens the FIFO read-write (so that no writer closing makes it hit EOF and spin), never
 * following a symlink, and only if it is a FIFO. 0, or -1 (logged once per outage). */
static int fifo_open(struct fifo *f)
{
	struct stat st;
	int fd = open(f->path, O_RDWR | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);

	if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISFIFO(st.st_mode))) {
		close(fd);
		fd = -1;
		errno = EINVAL;
	}
	if (fd < 0) {
		if (!f->warned_open++)
			log_err("notify_fifo: %s: cannot open as a FIFO: %s; trying every second",
			    f->path, errno == EINVAL ? "not a FIFO" : strerror(errno));
		return -1;
	}
	if (f->warned_open)
		log_info("notify_fifo: %s: open again", f->path);
	f->fd = fd;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->len = 0;
	f->overlong = 0;
	f->warned_open = 0;
	return 0;
}

/* keepalived recreates the FIFO when it restarts: 1 if the path is no longer our FIFO. */
static int fifo_replaced(const struct fifo *f)
{
	struct stat st;

	return lstat(f->path, &st) < 0 || st.st_dev != f->dev || st.st_ino != f->ino;
}

static void fifo_close(struct fifo *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

/* `INSTANCE "VI_1" MASTER 100` (or GROUP): name and state into the caller's buffers. 0 or -1. */
static int parse_line(const char *l, char *name, size_t name_cap, char *state, size_t state_cap)
{
	const char *q, *e;
	long long prio;
	size_t n;

	if (!strncmp(l, "INSTANCE \"", 10))
		q = l + 10;
	else if (!strncmp(l, "GROUP \"", 7))
		q = l + 7;
	else
		return -1;
	for (e = q; *e > ' ' && *e < 0x7f && *e != '"'; e++)
		;	/* a keepalived name is one printable word */
	if (*e != '"' || e == q || (size_t)(e - q) >= name_cap || e[1] != ' ')
		return -1;
	memcpy(name, q, (size_t)(e - q));
	name[e - q] = 0;
	q = e + 2;
	n = strcspn(q, " ");
	if (!n || n >= state_cap || q[n] != ' ')
		return -1;
	memcpy(state, q, n);
	state[n] = 0;
	return vrrp_event_known(state) && util_parse_int(q + n + 1, -1, 1000, &prio) == 0 ? 0 : -1;
}

/* One event, in order: a transition is recorded at once; a migrate waits for the batch. */
static void apply(struct fifo *f, const char *l)
{
	char name[96], state[VRRP_STATE_MAX], prev[VRRP_STATE_MAX], shown[FIFO_LINE_MAX];

	if (parse_line(l, name, sizeof name, state, sizeof state) < 0) {
		log_sanitize(shown, sizeof shown, l, strlen(l));
		log_warn("notify_fifo: %s: not a keepalived event, skipped: '%s'", f->path, shown);
		return;
	}
	log_sanitize(shown, sizeof shown, name, strlen(name));
	if (!strcmp(state, "MASTER_PRIORITY") || !strcmp(state, "BACKUP_PRIORITY")) {
		log_debug("notify_fifo: %s (%s): priority change, nothing to do", state, shown);
		return;
	}
	if (!strcmp(state, "MASTER_RX_LOWER_PRI")) {
		vrrp_state_read(f->c->state_dir, prev, sizeof prev);
		log_info("notify: MASTER_RX_LOWER_PRI (%s)%s", shown, strcmp(prev, "MASTER") ?
		    ": not MASTER, nothing to do" : ": another node was master; checking the cloud");
		if (!strcmp(prev, "MASTER") && !f->want_migrate)
			f->event_at = f->read_at;
		f->want_migrate |= !strcmp(prev, "MASTER");
		return;
	}
	if (vrrp_transition(f->c->state_dir, state, 1, prev, sizeof prev) < 0)
		return;
	log_info("notify: %s -> %s (%s)", *prev ? prev : "(none)", state, shown);
	f->want_migrate = !strcmp(state, "MASTER");
	f->event_at = f->read_at;
	if (f->want_migrate && vrrp_master_reset(f->c->state_dir) < 0)
		log_warn("notify_fifo: %s: cannot reset the failure count", f->c->state_dir);
}

/* Reads what the FIFO holds now and applies every complete line. 0, or -1 (FIFO closed). */
static int drain(struct fifo *f)
{
	char buf[4096];
	ssize_t n, i;

	while ((n = read(f->fd, buf, sizeof buf)) > 0) {
		f->read_at = util_now_ms();
		for (i = 0; i < n; i++) {
			if (buf[i] != '\n') {
				if (f->len + 1 < sizeof f->line)
					f->line[f->len++] = buf[i];
				else
					f->overlong = 1;
				continue;
			}
			f->line[f->len] = 0;
			if (f->overlong)
				log_warn("notify_fifo: %s: line over %d bytes, skipped", f->path,
				    FIFO_LINE_MAX - 1);
			else if (f->len)
				apply(f, f->line);
			f->len = 0;
			f->overlong = 0;
		}
	}
	if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
		log_warn("notify_fifo: %s: read: %s; reopening", f->path, n ? strerror(errno) : "EOF");
		fifo_close(f);
		return -1;
	}
	return 0;
}

/* The migrate's hook: events that arrive during a migrate are recorded before it looks at the
 * state again, so a BACKUP stops it at once. */
static void drain_hook(void *arg)
{
	struct fifo *f = arg;

	if (f->fd >= 0)
		drain(f);
}

static void run_migrates(struct fifo *f)
{
	while (f->want_migrate && !stop_requested) {
		f->want_migrate = 0;
		migrate_event("fifo", f->event_at);
		migrate_run(f->c, MIGRATE_IF_MASTER | MIGRATE_KEEP);
	}
	migrate_prepare(f->c);	/* warm again for the next event */
}

/* One turn: wait for the FIFO or the kept connection, at most FIFO_TICK_MS. */
static void turn(struct fifo *f)
{
	struct pollfd p[2] = { { f->fd, POLLIN, 0 }, { migrate_conn_fd(), POLLIN, 0 } };

	if (poll(p, p[1].fd >= 0 ? 2 : 1, FIFO_TICK_MS) < 0)
		return;
	if (p[1].revents)	/* idle: readable means the server closed it, or will */
		migrate_conn_drop();
	if (p[0].revents && drain(f) == 0 && f->want_migrate)
		run_migrates(f);
}

static int setup_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	signal(SIGPIPE, SIG_IGN);
	return sigaction(SIGTERM, &sa, NULL) | sigaction(SIGINT, &sa, NULL) |
	    sigaction(SIGHUP, &sa, NULL);
}

int notify_fifo_main(int argc, char **argv)
{
	static struct fifo f;
	struct cfg c;

	if (argc < 2 || argv[argc - 1][0] == '-') {
		fmt_err("%s", notify_fifo_usage);
		return 2;
	}
	if (tcvip_setup(&c) < 0)
		return 2;
	f.c = &c;
	f.path = argv[argc - 1];
	f.fd = -1;
	f.parent = (long)getppid();
	setup_signals();
	migrate_set_check_hook(drain_hook, &f);
	log_info("notify_fifo: reading %s", f.path);
	if (migrate_prepare(&c) == 0)
		cfg_wipe_secrets(&c);	/* the kept client holds its credentials from now on */
	while (!stop_requested && (long)getppid() == f.parent) {
		if (f.fd >= 0 && fifo_replaced(&f)) {
			log_info("notify_fifo: %s was recreated (keepalived restarted?); reopening", f.path);
			drain(&f);
			fifo_close(&f);
		}
		if (f.fd < 0 && fifo_open(&f) < 0) {
			util_sleep_ms(FIFO_TICK_MS);
			continue;
		}
		turn(&f);
	}
	log_info("notify_fifo: %s: stopping (%s)", f.path, stop_requested ? "signal" : "keepalived is gone");
	return 0;
}
