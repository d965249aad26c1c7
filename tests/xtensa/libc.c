/*
 * The little C library of the bare-metal Xtensa test programs: memory functions, printf to the
 * semihosting console (SYS_write to fd 1), exit (SYS_exit, the emulator's exit status), and the report
 * of an unexpected exception (from start.S). No heap, no files.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SYS_EXIT 1
#define SYS_WRITE 4

static int simcall(int nr, int a, int b, int c)
{
    register int a2 __asm__("a2") = nr;
    register int a3 __asm__("a3") = a;
    register int a4 __asm__("a4") = b;
    register int a5 __asm__("a5") = c;
    __asm__ volatile("simcall" : "+r"(a2), "+r"(a3) : "r"(a4), "r"(a5) : "memory");
    return a2;
}

/* ------------------------------------------------------------ memory
 * Byte loops, kept as loops: GCC would otherwise turn them back into calls of themselves. */
#define NO_LIBCALLS __attribute__((optimize("no-tree-loop-distribute-patterns")))

NO_LIBCALLS void *memcpy(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    while (n--) *d++ = *s++;
    return dst;
}

NO_LIBCALLS void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d < s) {
        while (n--) *d++ = *s++;
    } else {
        while (n--) d[n] = s[n];
    }
    return dst;
}

NO_LIBCALLS void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    while (n--) *d++ = (unsigned char)c;
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *p = a, *q = b;
    for (; n; n--, p++, q++) {
        if (*p != *q) return *p < *q ? -1 : 1;
    }
    return 0;
}

size_t strlen(const char *s)
{
    const char *e = s;
    while (*e) e++;
    return (size_t)(e - s);
}

int abs(int x) { return x < 0 ? -x : x; }
long labs(long x) { return x < 0 ? -x : x; }

/* ------------------------------------------------------------ output */
static char out_buf[256];
static size_t out_len;

int fflush(void *stream)
{
    size_t done = 0;
    (void)stream;
    while (done < out_len) {
        int n = simcall(SYS_WRITE, 1, (int)(uintptr_t)(out_buf + done), (int)(out_len - done));
        if (n <= 0) break;
        done += (size_t)n;
    }
    out_len = 0;
    return 0;
}

int putchar(int c)
{
    out_buf[out_len++] = (char)c;
    if (c == '\n' || out_len == sizeof out_buf) fflush(NULL);
    return (unsigned char)c;
}

int puts(const char *s)
{
    while (*s) putchar(*s++);
    putchar('\n');
    return 0;
}

/* A sink: the console (buf NULL) or a buffer of size bytes. */
typedef struct {
    char *buf;
    size_t size, len;
} sink;

static void emit(sink *o, char c)
{
    if (!o->buf) {
        putchar(c);
    } else if (o->len + 1 < o->size) {
        o->buf[o->len] = c;
    }
    o->len++;
}

static void pad(sink *o, char c, int n)
{
    while (n-- > 0) emit(o, c);
}

/* flags - 0 + space #, width and precision (also *), length hh h l ll z j t; conversions d i u x X o c s p % */
static int format(sink *o, const char *f, va_list ap)
{
    for (; *f; f++) {
        int left = 0, zero = 0, plus = 0, space = 0, alt = 0, width = 0, prec = -1, lng = 0, upper = 0;
        unsigned base = 10;
        int is_signed = 0, neg = 0;
        unsigned long long v = 0;
        char digits[24], prefix[3] = {0, 0, 0};
        int nd = 0, np = 0, zeros, total, i;
        if (*f != '%') {
            emit(o, *f);
            continue;
        }
        for (f++;; f++) {
            if (*f == '-') left = 1;
            else if (*f == '0') zero = 1;
            else if (*f == '+') plus = 1;
            else if (*f == ' ') space = 1;
            else if (*f == '#') alt = 1;
            else break;
        }
        if (*f == '*') {
            width = va_arg(ap, int);
            if (width < 0) left = 1, width = -width;
            f++;
        } else {
            while (*f >= '0' && *f <= '9') width = width * 10 + (*f++ - '0');
        }
        if (*f == '.') {
            f++;
            prec = 0;
            if (*f == '*') {
                prec = va_arg(ap, int);
                f++;
            } else {
                while (*f >= '0' && *f <= '9') prec = prec * 10 + (*f++ - '0');
            }
        }
        for (;; f++) { /* length: h and hh read an int (promoted); l 1, ll 2 */
            if (*f == 'h') continue;
            if (*f == 'l') lng++;
            else if (*f == 'z' || *f == 't') lng = sizeof(size_t) > sizeof(int) ? 1 : 0;
            else if (*f == 'j') lng = 2;
            else break;
        }
        switch (*f) {
        case 'd':
        case 'i': {
            long long s = lng >= 2 ? va_arg(ap, long long) : lng == 1 ? va_arg(ap, long) : va_arg(ap, int);
            is_signed = 1;
            neg = s < 0;
            v = neg ? 0ull - (unsigned long long)s : (unsigned long long)s;
            break;
        }
        case 'X':
            upper = 1;
            /* fall through */
        case 'x':
            base = 16;
            /* fall through */
        case 'o':
            if (*f == 'o') base = 8;
            /* fall through */
        case 'u':
            v = lng >= 2 ? va_arg(ap, unsigned long long) : lng == 1 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
            break;
        case 'p':
            v = (uintptr_t)va_arg(ap, void *);
            base = 16;
            alt = 1;
            break;
        case 'c': {
            char c = (char)va_arg(ap, int);
            if (!left) pad(o, ' ', width - 1);
            emit(o, c);
            if (left) pad(o, ' ', width - 1);
            continue;
        }
        case 's': {
            const char *s = va_arg(ap, const char *);
            int n = 0;
            if (!s) s = "(null)";
            while (s[n] && (prec < 0 || n < prec)) n++;
            if (!left) pad(o, ' ', width - n);
            for (i = 0; i < n; i++) emit(o, s[i]);
            if (left) pad(o, ' ', width - n);
            continue;
        }
        case '%':
            emit(o, '%');
            continue;
        default: /* unknown: print it as it stands */
            emit(o, '%');
            if (!*f) return (int)o->len;
            emit(o, *f);
            continue;
        }
        /* digits, least significant first; 32-bit arithmetic when the value fits */
        if (v >> 32) {
            while (v) {
                unsigned d = (unsigned)(v % base);
                digits[nd++] = (char)(d < 10 ? '0' + d : (upper ? 'A' : 'a') + d - 10);
                v /= base;
            }
        } else {
            uint32_t w = (uint32_t)v;
            while (w) {
                unsigned d = (unsigned)(w % base);
                digits[nd++] = (char)(d < 10 ? '0' + d : (upper ? 'A' : 'a') + d - 10);
                w /= base;
            }
        }
        if (is_signed) {
            if (neg) prefix[np++] = '-';
            else if (plus) prefix[np++] = '+';
            else if (space) prefix[np++] = ' ';
        }
        if (alt && base == 16 && nd) {
            prefix[np++] = '0';
            prefix[np++] = upper ? 'X' : 'x';
        }
        if (alt && base == 8 && (prec <= nd)) prec = nd + 1;
        if (prec < 0) prec = 1; /* at least one digit: "0" */
        else zero = 0;          /* a precision ignores the 0 flag */
        zeros = prec > nd ? prec - nd : 0;
        total = np + zeros + nd;
        if (zero && !left && width > total) {
            zeros += width - total;
            total = width;
        }
        if (!left) pad(o, ' ', width - total);
        for (i = 0; i < np; i++) emit(o, prefix[i]);
        pad(o, '0', zeros);
        for (i = nd; i > 0; i--) emit(o, digits[i - 1]);
        if (left) pad(o, ' ', width - total);
    }
    return (int)o->len;
}

int vprintf(const char *fmt, va_list ap)
{
    sink o = {NULL, 0, 0};
    return format(&o, fmt, ap);
}

int printf(const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    sink o;
    int n;
    o.buf = buf;
    o.size = size;
    o.len = 0;
    n = format(&o, fmt, ap);
    if (size) buf[o.len < size ? o.len : size - 1] = 0;
    return n;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

/* ------------------------------------------------------------ exit */
void exit(int status)
{
    fflush(NULL);
    simcall(SYS_EXIT, status, 0, 0);
    for (;;) {
    }
}

void abort(void)
{
    puts("abort");
    exit(134);
}

/* From start.S: an exception or interrupt nobody expects. Exit status 99. */
void xt_fault(int kind, uint32_t cause, uint32_t pc, uint32_t vaddr) __attribute__((noreturn));
void xt_fault(int kind, uint32_t cause, uint32_t pc, uint32_t vaddr)
{
    static const char *const kinds[] = {"exception", "double exception", "debug/level-2 interrupt",
                                        "NMI/level-3 interrupt"};
    printf("\nxtensa fault: %s, EXCCAUSE %lu at pc 0x%08lx, address 0x%08lx\n", kinds[kind & 3],
           (unsigned long)cause, (unsigned long)pc, (unsigned long)vaddr);
    exit(99);
}
