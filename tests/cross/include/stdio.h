/* The few <stdio.h> declarations the examples use, for cross-compile checks with a compiler that
 * ships no C library (Debian's xtensa-lx106-elf-gcc). Not used in firmware builds. */
#ifndef TINYML_CROSS_STDIO_H
#define TINYML_CROSS_STDIO_H
#include <stdarg.h>
#include <stddef.h>
#ifdef __cplusplus
extern "C" {
#endif
typedef struct tinyml_cross_file FILE;
extern FILE *stdout;
int fputs(const char *s, FILE *f);
int puts(const char *s);
int fflush(FILE *f);
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int snprintf(char *s, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
#ifdef __cplusplus
}
#endif
#endif
