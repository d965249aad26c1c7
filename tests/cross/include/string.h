/* The few <string.h> declarations the kernel library uses, for cross-compile checks with a compiler
 * that ships no C library (Debian's xtensa-lx106-elf-gcc). Not used in firmware builds. */
#ifndef TINYML_CROSS_STRING_H
#define TINYML_CROSS_STRING_H
#include <stddef.h>
#ifdef __cplusplus
extern "C" {
#endif
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
#ifdef __cplusplus
}
#endif
#endif
