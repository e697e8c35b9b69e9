/* util.h: small helpers shared by every module: bounded strings, clocks, IPv4 text. */
#ifndef UTIL_H
#define UTIL_H
#include <stddef.h>
#include <stdint.h>

#define UTIL_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* snprintf that returns -1 on error or truncation, else the length. */
int util_fmt(char *out, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Copies src into dst; -1 (dst emptied) if it does not fit. */
int util_copy(char *dst, size_t cap, const char *src);
long long util_now_ms(void);		/* CLOCK_MONOTONIC, milliseconds */
long long util_wall_ms(void);		/* CLOCK_REALTIME, milliseconds */
void util_sleep_ms(long long ms);
/* Strict dotted-quad IPv4 to network order; -1 on anything else. */
int util_ipv4_parse(const char *s, uint32_t *addr_be);
/* Formats a network-order IPv4 into out (16 bytes). */
const char *util_ipv4_str(uint32_t addr_be, char out[16]);
/* Strict decimal integer in [min, max]; -1 otherwise. */
int util_parse_int(const char *s, long long min, long long max, long long *out);
/* Reads up to n space-separated decimal integers from s into out; returns how many it read. */
int util_parse_ints(const char *s, long long *out, int n);
/* HTTP date ("Sun, 06 Nov 1994 08:49:37 GMT") to unix time; -1 if unreadable. */
long long util_parse_http_date(const char *s);
/* Unix time as "YYYY-MM-DD HH:MM:SS" (UTC) into out; "?" if the year is out of range. No strftime: it
 * links musl's locale code (4 KB). Returns out. */
char *util_utc_str(long long epoch, char out[20]);
/* Value of one hex digit, either case; -1 if c is not one. */
int util_hexval(int c);
/* Values from the network (metadata, API), checked before use: an id such as ins-1a2b3c4d
 * ([a-z]+-[0-9a-z]+), a region ([a-z0-9-]+), printable ASCII without controls (a token).
 * 1 if valid, else 0. */
int util_valid_id(const char *v);
int util_valid_region(const char *v);
int util_printable(const char *v);
/* Zeroes n bytes at p in a way the compiler cannot drop (secrets after use). */
void util_wipe(void *p, size_t n);
/* Splits s in place at blanks (space, tab) into at most max words w[]: how many, or -1 if
 * there are more (no sscanf: it links musl's float scanner, 10 KB). */
int util_words(char *s, char **w, int max);
/* Trims ASCII white space at both ends, in place; returns s. */
char *util_trim(char *s);
/* socket(2) by its syscall: musl's wrapper only adds a fallback for kernels older than
 * SOCK_CLOEXEC (2.6.27). */
int util_socket(int domain, int type, int protocol);
/* getenv for a name without '=': the same answer, read from environ. */
char *util_getenv(const char *name);
#endif
