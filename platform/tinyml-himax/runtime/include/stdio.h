/* <stdio.h> of the tinyml-himax runtime: formatted output to the board's UART (stdout and stderr
 * both), snprintf into memory. No files, no input. */
#ifndef HIMAX_STDIO_H
#define HIMAX_STDIO_H

#include <stdarg.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct himax_stream FILE;

extern FILE *stdout;
extern FILE *stderr;
#define stdout stdout
#define stderr stderr

#define EOF (-1)

#define HIMAX_PRINTF(f, a) __attribute__((format(printf, f, a)))

int printf(const char *fmt, ...) HIMAX_PRINTF(1, 2);
int fprintf(FILE *stream, const char *fmt, ...) HIMAX_PRINTF(2, 3);
int sprintf(char *buf, const char *fmt, ...) HIMAX_PRINTF(2, 3);
int snprintf(char *buf, size_t size, const char *fmt, ...) HIMAX_PRINTF(3, 4);
int vprintf(const char *fmt, va_list ap) HIMAX_PRINTF(1, 0);
int vfprintf(FILE *stream, const char *fmt, va_list ap) HIMAX_PRINTF(2, 0);
int vsprintf(char *buf, const char *fmt, va_list ap) HIMAX_PRINTF(2, 0);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap) HIMAX_PRINTF(3, 0);

int putchar(int c);
int fputc(int c, FILE *stream);
int putc(int c, FILE *stream);
int puts(const char *s);
int fputs(const char *s, FILE *stream);
size_t fwrite(const void *data, size_t size, size_t count, FILE *stream);
int fflush(FILE *stream); /* any stream (or NULL): sends what stdout holds to the UART */

#undef HIMAX_PRINTF

#ifdef __cplusplus
}
#endif

#endif
