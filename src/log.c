/* log.c: owns the log line format and where lines go (log_file, syslog, stderr). */
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/un.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "tz.h"
#include "util.h"

static int log_fd = -1;
static const char *log_path;	/* opened on the first line: an idle check_self writes none */
static int log_verbose;
static int log_stderr = -1;	/* -1: decide by isatty(2) on first use */
static int log_syslog_fd = -1;
static const char *log_speaker = "tcvip";	/* the applet, first on a terminal line */

void log_open(const char *log_file, int verbose)
{
	log_verbose = verbose;
	if (log_fd >= 0)
		close(log_fd);
	log_fd = -1;
	log_path = log_file && *log_file ? log_file : NULL;
}

/* Opens log_file for appending, never following a symlink and never blocking on a FIFO:
 * only a regular file is written. Async-signal-safe. The fd, or -1 with *why set. */
static int open_regular(const char *path, const char **why)
{
	struct stat st;
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK |
	    O_NOCTTY, 0640);

	*why = NULL;
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		*why = "not a regular file";
		return -1;
	}
	syscall(SYS_fcntl, fd, F_SETFL, O_APPEND);	/* back to blocking writes (musl's fcntl: 423 bytes) */
	return fd;
}

static void open_log_file(void)
{
	const char *path = log_path, *why;

	log_path = NULL;	/* one try: the warning below must not recurse */
	log_fd = open_regular(path, &why);
	if (log_fd < 0)
		log_warn("%s: cannot open log file: %s; logging to syslog only", path,
		    why ? why : strerror(errno));
}

void log_raw(const char *line, size_t len)
{
	const char *why;

	if (log_fd < 0 && log_path) {
		log_fd = open_regular(log_path, &why);
		log_path = NULL;
	}
	if (log_fd >= 0 && write(log_fd, line, len) < 0)
		return;
	if (write(2, line, len) < 0)
		return;
}

static char deadline_line[256];
static size_t deadline_len;
static int deadline_code;
static const char *tally_path;	/* log_deadline_tally's */
static char tally_byte;

static void deadline_fire(int sig)
{
	int fd;

	(void)sig;
	log_raw(deadline_line, deadline_len);
	if (tally_path && (fd = open(tally_path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW |
	    O_CLOEXEC | O_NONBLOCK | O_NOCTTY, 0600)) >= 0) {
		if (write(fd, &tally_byte, 1) < 0)
			(void)0;	/* the count is lost; the log line above has it */
		close(fd);
	}
	_exit(deadline_code);
}

void log_deadline_tally(const char *path, char byte)
{
	tally_path = path;
	tally_byte = byte;
}

int log_deadline(long long ms, int exit_code, const char *msg)
{
	struct itimerval it = { { 0, 0 }, { (time_t)(ms / 1000), (suseconds_t)(ms % 1000) * 1000 } };
	struct sigaction sa;
	sigset_t set;
	int n;

	if (ms <= 0)
		tally_path = NULL;	/* disarmed: a later timer counts nothing unless told */
	if (ms > 0) {
		n = log_prepare(deadline_line, sizeof deadline_line,
		    (long long)time(NULL) + (ms + 999) / 1000, msg);
		deadline_len = n > 0 ? (size_t)n : 0;
		deadline_code = exit_code;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = deadline_fire;
		sigemptyset(&sa.sa_mask);
		sigemptyset(&set);
		sigaddset(&set, SIGALRM);
		/* a parent may have blocked SIGALRM, and a blocked alarm never fires */
		if (sigaction(SIGALRM, &sa, NULL) < 0 || sigprocmask(SIG_UNBLOCK, &set, NULL) < 0)
			return -1;
	}
	return setitimer(ITIMER_REAL, &it, NULL);
}

void log_set_speaker(const char *name)
{
	log_speaker = name;
}

void log_set_stderr(int on)
{
	log_stderr = on;
}

int log_format(char *out, size_t cap, long long epoch, int pid, const char *msg)
{
	struct tm tm;
	int n;

	if (tz_localtime(epoch, &tm) < 0)
		return -1;
	n = snprintf(out, cap, "[%04d-%02d-%02d %02d:%02d:%02d] [pid%d] %s\n",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
	    tm.tm_sec, pid, msg);
	if (n < 0 || (size_t)n >= cap)
		return -1;
	return n;
}

void log_sanitize(char *dst, size_t cap, const char *src, size_t len)
{
	size_t i;

	if (!cap)
		return;
	for (i = 0; i < len && i + 1 < cap && src[i]; i++) {
		unsigned char c = (unsigned char)src[i];
		dst[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	dst[i] = 0;
}

int log_prepare(char *out, size_t cap, long long epoch, const char *msg)
{
	return log_format(out, cap, epoch, (int)getpid(), msg);
}

/* One RFC 3164 line to /dev/log ("<PRI>Mmm dd hh:mm:ss tcvip[PID]: msg"), what musl's
 * syslog() sends, without its strftime and locale code (5 KB). Never blocks: a syslogd that
 * does not keep up loses the line, not check_self's time budget. Reconnects once (syslogd
 * restarted). */
static void syslog_line(int level, const char *msg)
{
	static const char mon[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	struct sockaddr_un sa = { .sun_family = AF_UNIX, .sun_path = "/dev/log" };
	char buf[1200];
	struct tm tm;
	int n, tries;

	if (tz_localtime((long long)time(NULL), &tm) < 0)
		return;
	n = snprintf(buf, sizeof buf, "<%d>%.3s %2d %02d:%02d:%02d tcvip[%d]: %s", LOG_DAEMON | level,
	    mon + 3 * tm.tm_mon, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)getpid(), msg);
	if (n < 0)
		return;
	n = (size_t)n >= sizeof buf ? (int)sizeof buf - 1 : n;
	for (tries = 0; tries < 2; tries++) {
		if (log_syslog_fd < 0) {
			log_syslog_fd = util_socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
			if (log_syslog_fd >= 0 && connect(log_syslog_fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
				close(log_syslog_fd);
				log_syslog_fd = -1;
			}
			if (log_syslog_fd < 0)
				return;
		}
		if (send(log_syslog_fd, buf, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) >= 0 || errno == EAGAIN)
			return;
		close(log_syslog_fd);
		log_syslog_fd = -1;
	}
}

/* isatty by its ioctl: musl's wrapper is that call and an errno rewrite (ENOTTY either way). */
static int is_tty(int fd)
{
	struct winsize ws;

	return syscall(SYS_ioctl, fd, TIOCGWINSZ, &ws) == 0;
}

/* Truncates an over-long message visibly rather than dropping it. */
static void mark_truncated(char *msg, size_t cap)
{
	memcpy(msg + cap - 4, "...", 4);
}

void log_msg(int level, const char *fmt, ...)
{
	char msg[1024], line[1200];
	va_list ap;
	int n;

	if (level == LOG_DEBUG && !log_verbose)
		return;
	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof msg)
		mark_truncated(msg, sizeof msg);
	syslog_line(level, msg);
	n = log_format(line, sizeof line, (long long)time(NULL), (int)getpid(), msg);
	if (n < 0)
		return;
	if (log_fd < 0 && log_path)
		open_log_file();
	if (log_fd >= 0 && write(log_fd, line, (size_t)n) < 0)
		(void)0;	/* nowhere left to report it; syslog has the line */
	if (log_stderr < 0)
		log_stderr = is_tty(2);
	if (log_stderr || level <= LOG_ERR) {
		n = snprintf(line, sizeof line, "%s: %s\n", log_speaker, msg);
		if (n > 0 && write(2, line, (size_t)n) < 0)
			(void)0;
	}
}
