/* fmt.c: owns formatted output: snprintf and vsnprintf without floating point, and fmt_out/fmt_err to a descriptor. */
/*
 * snprintf and vsnprintf replace libc's own at link time (the static link takes ours first, so
 * musl's vfprintf.o, 10 KB of which 5 KB format floats, is never linked); tcvip's output goes
 * through fmt_out/fmt_err, straight to write(2), so no stdio (FILE, its buffers, its exit
 * flush: 3 KB) is linked either. What tcvip formats:
 * flags - 0 + space, a width and a precision (digits or *), the lengths hh h l ll z j t,
 * and d i u x X o c s p m %. No floating point: %f, %e, %g, %a and anything else unknown make
 * the call fail (-1, EINVAL), as a malformed format does in musl.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fmt.h"

#define FMT_CHUNK 1024

struct out {
	char *buf;	/* snprintf's destination (cap bytes; NULL if cap is 0) */
	size_t cap, len;
	int fd;
	char *chunk;	/* what goes to fd in one write(2) (so a line is one write); NULL for snprintf */
	size_t used;
	int err;
};

static void flush(struct out *o)
{
	const char *p = o->chunk;
	size_t n = o->used;
	ssize_t w;

	while (n && !o->err) {
		w = write(o->fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			o->err = 1;
		else
			p += w, n -= (size_t)w;
	}
	o->used = 0;
}

static void put(struct out *o, const char *s, size_t n)
{
	size_t k;

	o->len += n;
	if (!o->chunk) {
		k = o->len - n < o->cap ? o->cap - (o->len - n) : 0;
		if (k)
			memcpy(o->buf + (o->len - n), s, n < k ? n : k);
		return;
	}
	while (n) {
		if (o->used == FMT_CHUNK)
			flush(o);
		k = FMT_CHUNK - o->used;
		k = n < k ? n : k;
		memcpy(o->chunk + o->used, s, k);
		o->used += k, s += k, n -= k;
	}
}

static void pad(struct out *o, char c, long n)
{
	for (; n > 0; n--)
		put(o, &c, 1);
}

enum { LEFT = 1, ZERO = 2, PLUS = 4, SPACE = 8 };	/* the flags "-0+ ", in that order */

struct spec {
	int flags, width, prec;
};

/* One integer: v's digits in base, with sign, precision and width as s says. */
static void integer(struct out *o, const struct spec *s, uintmax_t v, int neg, unsigned base, int upper)
{
	const char *dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[3 * sizeof v], sign = neg ? '-' : s->flags & PLUS ? '+' : s->flags & SPACE ? ' ' : 0;
	int nd = 0;
	long zeros, total;

	for (; v; v /= base)
		tmp[sizeof tmp - 1 - nd++] = dig[v % base];
	if (nd == 0 && s->prec != 0)
		tmp[sizeof tmp - 1 - nd++] = '0';
	zeros = s->prec > nd ? s->prec - nd : 0;
	total = (sign != 0) + zeros + nd;
	if ((s->flags & (ZERO | LEFT)) == ZERO && s->prec < 0 && s->width > total)
		zeros += s->width - total, total = s->width;
	if (!(s->flags & LEFT))
		pad(o, ' ', s->width - total);
	if (sign)
		put(o, &sign, 1);
	pad(o, '0', zeros);
	put(o, tmp + sizeof tmp - nd, (size_t)nd);
	if (s->flags & LEFT)
		pad(o, ' ', s->width - total);
}

/* n bytes at str, padded to the width. */
static void field(struct out *o, const struct spec *s, const char *str, size_t n)
{
	if (!(s->flags & LEFT))
		pad(o, ' ', s->width - (long)n);
	put(o, str, n);
	if (s->flags & LEFT)
		pad(o, ' ', s->width - (long)n);
}

static void string(struct out *o, const struct spec *s, const char *str)
{
	if (!str)
		str = "(null)";
	field(o, s, str, s->prec >= 0 ? strnlen(str, (size_t)s->prec) : strlen(str));
}

/* Reads flags, width and precision at *f into s. */
static void parse_spec(const char **f, struct spec *s, va_list *ap)
{
	static const char flags[] = "-0+ ";
	const char *p = *f, *q;

	memset(s, 0, sizeof *s);
	s->prec = -1;
	for (; *p && (q = strchr(flags, *p)); p++)
		s->flags |= 1 << (q - flags);
	if (*p == '*') {
		s->width = va_arg(*ap, int), p++;
		if (s->width < 0)
			s->flags |= LEFT, s->width = s->width == INT_MIN ? INT_MAX : -s->width;
	}
	for (; *p >= '0' && *p <= '9'; p++)
		s->width = s->width > (INT_MAX - 9) / 10 ? INT_MAX : s->width * 10 + (*p - '0');
	if (*p == '.') {
		s->prec = 0;
		if (*++p == '*')
			s->prec = va_arg(*ap, int), p++;
		for (; *p >= '0' && *p <= '9'; p++)
			s->prec = s->prec > (INT_MAX - 9) / 10 ? INT_MAX : s->prec * 10 + (*p - '0');
		if (s->prec < 0)
			s->prec = -1;
	}
	*f = p;
}

/* The argument of an integer conversion of length len ('H' hh, 'h', 'l', 'L' ll, 'z', 'j',
 * 't', 0 none), as signed (sgn) or unsigned; *neg set for a negative one. */
static uintmax_t int_arg(va_list *ap, int len, int sgn, int *neg)
{
	intmax_t v;

	*neg = 0;
	if (!sgn) {
		uintmax_t u = len == 'L' || len == 'j' ? va_arg(*ap, unsigned long long)
		    : len == 'l' || len == 'z' || len == 't' ? va_arg(*ap, unsigned long)
		    : va_arg(*ap, unsigned);

		return len == 'H' ? (unsigned char)u : len == 'h' ? (unsigned short)u : u;
	}
	v = len == 'L' || len == 'j' ? va_arg(*ap, long long)
	    : len == 'l' || len == 'z' || len == 't' ? va_arg(*ap, long) : va_arg(*ap, int);
	v = len == 'H' ? (signed char)v : len == 'h' ? (short)v : v;
	*neg = v < 0;
	return *neg ? (uintmax_t)0 - (uintmax_t)v : (uintmax_t)v;
}

/* One conversion at *f (after its spec); 0, or -1 for one it does not know. */
static int convert(struct out *o, const char **f, const struct spec *s, va_list *ap, int err)
{
	const char *p = *f;
	int len = 0, neg;
	uintmax_t v;
	char c;

	if (*p == 'h' || *p == 'l')
		len = p[1] == *p ? (*p == 'h' ? 'H' : 'L') : *p, p += 1 + (p[1] == *p);
	else if (*p == 'z' || *p == 'j' || *p == 't')
		len = *p++;
	switch (*p) {
	case 'd': case 'i':
		v = int_arg(ap, len, 1, &neg);
		integer(o, s, v, neg, 10U, 0);
		break;
	case 'u': case 'x': case 'X': case 'o':
		v = int_arg(ap, len, 0, &neg);
		integer(o, s, v, 0, *p == 'u' ? 10U : *p == 'o' ? 8U : 16U, *p == 'X');
		break;
	case 'p':
		put(o, "0x", 2);
		integer(o, s, (uintptr_t)va_arg(*ap, void *), 0, 16U, 0);
		break;
	case 'c':
		c = (char)va_arg(*ap, int);
		field(o, s, &c, 1);
		break;
	case 's':
		string(o, s, va_arg(*ap, const char *));
		break;
	case 'm':
		string(o, s, strerror(err));
		break;
	case '%':
		put(o, "%", 1);
		break;
	default:
		return -1;
	}
	*f = p + 1;
	return 0;
}

static int format(struct out *o, const char *f, va_list ap)
{
	int err = errno;
	struct spec s;
	const char *q;
	va_list a;

	va_copy(a, ap);
	while (*f) {
		for (q = f; *q && *q != '%'; q++)
			;
		put(o, f, (size_t)(q - f));
		if (!*q)
			break;
		f = q + 1;
		parse_spec(&f, &s, &a);
		if (convert(o, &f, &s, &a, err) < 0) {
			o->err = 1;
			errno = EINVAL;
			break;
		}
	}
	va_end(a);
	if (o->chunk)
		flush(o);
	if (o->err || o->len > INT_MAX)
		return -1;
	errno = err;
	return (int)o->len;
}

int vsnprintf(char *restrict buf, size_t cap, const char *restrict f, va_list ap)
{
	struct out o = { .buf = buf, .cap = cap };
	int n = format(&o, f, ap);

	if (cap)
		buf[o.len < cap ? o.len : cap - 1] = 0;
	return n;
}

int snprintf(char *restrict buf, size_t cap, const char *restrict f, ...)
{
	va_list ap;
	int n;

	va_start(ap, f);
	n = vsnprintf(buf, cap, f, ap);
	va_end(ap);
	return n;
}

int fmt_vfd(int fd, const char *f, va_list ap)
{
	char chunk[FMT_CHUNK];
	struct out o = { .fd = fd, .chunk = chunk };

	return format(&o, f, ap);
}

int fmt_fd(int fd, const char *f, ...)
{
	va_list ap;
	int n;

	va_start(ap, f);
	n = fmt_vfd(fd, f, ap);
	va_end(ap);
	return n;
}
