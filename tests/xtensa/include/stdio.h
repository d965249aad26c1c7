/* The <stdio.h> of the bare-metal Xtensa test programs: formatted output to the semihosting console. */
#ifndef XT_STDIO_H
#define XT_STDIO_H
#include <stdarg.h>
#include <stddef.h>

#define EOF (-1)

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));
int puts(const char *s);
int putchar(int c);
int fflush(void *stream); /* any stream: flushes standard output */

#endif
