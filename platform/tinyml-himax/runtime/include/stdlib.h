/* <stdlib.h> of the tinyml-himax runtime. No heap: malloc and friends are not provided. */
#ifndef HIMAX_STDLIB_H
#define HIMAX_STDLIB_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1

/* Flush stdout, wait until the UART has sent it, halt the core (non-zero status: reported first). */
void exit(int status) __attribute__((noreturn));
void _Exit(int status) __attribute__((noreturn));
void abort(void) __attribute__((noreturn));

int abs(int x);
long labs(long x);
long long llabs(long long x);

#ifdef __cplusplus
}
#endif

#endif
