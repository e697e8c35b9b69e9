/* fmt.h: formatted output to standard output or standard error, one write(2) per call (per KiB); snprintf is fmt.c's too. */
#ifndef FMT_H
#define FMT_H
#include <stdarg.h>

/* printf's formats without floating point (fmt.c) to descriptor fd; the count written, -1 on
 * an error. */
int fmt_fd(int fd, const char *f, ...) __attribute__((format(printf, 2, 3)));
int fmt_vfd(int fd, const char *f, va_list ap);
#define fmt_out(...) fmt_fd(1, __VA_ARGS__)
#define fmt_err(...) fmt_fd(2, __VA_ARGS__)
#endif
