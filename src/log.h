/* log.h: one-line log records to log_file, syslog and (errors, or a terminal) stderr. */
#ifndef LOG_H
#define LOG_H
#include <stddef.h>
#include <syslog.h>

/* Where log lines go (log_file is opened on the first line; it must outlive the logging).
 * Before log_open() lines go to syslog and stderr only. */
void log_open(const char *log_file, int verbose);
void log_set_stderr(int on);
/* The applet whose name starts every stderr line ("vip: ..."); syslog's ident stays tcvip. */
void log_set_speaker(const char *name);	/* 1: every line to stderr; 0: errors only (default when not a tty) */
void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Formats "[YYYY-MM-DD HH:MM:SS] [pidN] msg\n" into out; returns its length or -1. */
int log_format(char *out, size_t cap, long long epoch, int pid, const char *msg);
/* Formats msg as a line stamped epoch (the second a signal handler will fire in), for
 * log_raw(). Returns the length or -1. */
int log_prepare(char *out, size_t cap, long long epoch, const char *msg);
/* Writes one ready line to log_file (opened if need be) and stderr: async-signal-safe, for a
 * signal handler's last word. */
void log_raw(const char *line, size_t len);
/* A process's time budget: after ms, msg goes to log_file and stderr (prepared now, stamped
 * with the second it fires in) and the process _exits with exit_code, whatever call it is
 * stuck in. SIGALRM is unblocked. ms = 0 disarms. 0 or -1. */
int log_deadline(long long ms, int exit_code, const char *msg);
/* When the deadline (armed now or later) fires, it also appends byte to the file path (created 0600,
 * never through a link): a count the process can no longer report itself. path must outlive
 * the timer; log_deadline(0, ...) forgets it. NULL: none. */
void log_deadline_tally(const char *path, char byte);
/* Copies src into dst replacing non-printable bytes by '?'; for text that came from the network. */
void log_sanitize(char *dst, size_t cap, const char *src, size_t len);

#define log_err(...) log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#endif
