/* fmt.h: formatted output to standard output or standard error, one write(2) per call (per KiB); snprintf is fmt.c's too. */
#ifndef FMT_H
#define FMT_H
#include <stdarg.h>

/* printf's formats without floating point (fmt.c); the count written, -1 on an error. */
int fmt_out(const char *f, ...) __attribute__((format(printf, 1, 2)));
int fmt_err(const char *f, ...) __attribute__((format(printf, 1, 2)));
int fmt_vfd(int fd, const char *f, va_list ap);
#endif
