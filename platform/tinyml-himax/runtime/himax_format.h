/* The formatting engine behind the runtime's printf family (format.c). */
#ifndef HIMAX_FORMAT_H
#define HIMAX_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/* Receives the formatted text in pieces. */
typedef void (*himax_put_fn)(void *ctx, const char *s, size_t n);

/* C99 printf formatting of fmt and ap, handed to put; returns the number of characters.
 * Conversions d i u o x X c s p n % and f F e E g G (exact decimal conversion of the binary value,
 * rounded half to even like glibc), flags - + space # 0, width and precision (also *), lengths
 * hh h l ll j z t L. */
int himax_vformat(himax_put_fn put, void *ctx, const char *fmt, va_list ap);

#endif
