/* The <stdlib.h> of the bare-metal Xtensa test programs. */
#ifndef XT_STDLIB_H
#define XT_STDLIB_H
#include <stddef.h>

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1

void exit(int status) __attribute__((noreturn));
void abort(void) __attribute__((noreturn));
int abs(int x);
long labs(long x);

#endif
