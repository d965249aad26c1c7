/* <string.h> functions of the tinyml-himax runtime. The loops must stay loops: GCC would otherwise
 * recognise them and call the very function being defined. */
#include <stdint.h>
#include <string.h>

#define PLAIN_LOOPS __attribute__((optimize("no-tree-loop-distribute-patterns")))

typedef uint32_t __attribute__((may_alias)) word_t; /* words over bytes of any type */

PLAIN_LOOPS void *memcpy(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if ((((uintptr_t)d | (uintptr_t)s) & 3u) == 0u) { /* both word aligned: words first */
        word_t *dw = (word_t *)dst;
        const word_t *sw = (const word_t *)src;
        for (; n >= 4; n -= 4) *dw++ = *sw++;
        d = (unsigned char *)dw;
        s = (const unsigned char *)sw;
    }
    while (n--) *d++ = *s++;
    return dst;
}

PLAIN_LOOPS void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d <= s || d >= s + n) return memcpy(dst, src, n); /* forward copy is safe */
    while (n--) d[n] = s[n];
    return dst;
}

PLAIN_LOOPS void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    const unsigned char byte = (unsigned char)c;
    if (((uintptr_t)d & 3u) == 0u) {
        word_t *dw = (word_t *)dst;
        const uint32_t word = byte * 0x01010101u;
        for (; n >= 4; n -= 4) *dw++ = word;
        d = (unsigned char *)dw;
    }
    while (n--) *d++ = byte;
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    size_t i;
    for (i = 0; i < n; i++) {
        const int d = (int)x[i] - (int)y[i];
        if (d != 0) return d;
    }
    return 0;
}

void *memchr(const void *s, int c, size_t n)
{
    const unsigned char *p = s;
    size_t i;
    for (i = 0; i < n; i++) {
        if (p[i] == (unsigned char)c) return (void *)(p + i);
    }
    return NULL;
}

PLAIN_LOOPS size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n] != '\0') n++;
    return n;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n]) n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b) a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b || !*a) return (unsigned char)*a - (unsigned char)*b;
    }
    return 0;
}

PLAIN_LOOPS char *strcpy(char *dst, const char *src)
{
    char *d = dst;
    while ((*d++ = *src++) != '\0') {
    }
    return dst;
}

PLAIN_LOOPS char *strncpy(char *dst, const char *src, size_t n)
{
    size_t i = 0;
    for (; i < n && src[i]; i++) dst[i] = src[i];
    for (; i < n; i++) dst[i] = '\0';
    return dst;
}

char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c) return (char *)s;
        if (!*s) return NULL;
    }
}

char *strrchr(const char *s, int c)
{
    const char *last = NULL;
    for (;; s++) {
        if (*s == (char)c) last = s;
        if (!*s) return (char *)last;
    }
}
