/* <stdio.h> of the tinyml-himax runtime: stdout and stderr are the board's UART, line-buffered
 * (a line goes out when it ends, when the buffer is full, or at fflush/exit). */
#include <stdio.h>
#include <string.h>

#include "himax_format.h"
#include "himax_we1.h"

/* The body of a variadic function: `call` with the va_list ap of the arguments after `last`. */
#define FORWARD_ARGS(last, call) \
    va_list ap;                  \
    int n;                       \
    va_start(ap, last);          \
    n = (call);                  \
    va_end(ap);                  \
    return n

struct himax_stream {
    int fd;
};

static struct himax_stream console_out = {1}, console_err = {2};
FILE *stdout = &console_out;
FILE *stderr = &console_err;

static char pending[128];
static size_t pending_len;

int fflush(FILE *stream)
{
    (void)stream;
    himax_uart_write(pending, pending_len);
    pending_len = 0;
    return 0;
}

static void console_put(void *ctx, const char *s, size_t n)
{
    size_t i;
    (void)ctx;
    for (i = 0; i < n; i++) {
        pending[pending_len++] = s[i];
        if (s[i] == '\n' || pending_len == sizeof pending) fflush(NULL);
    }
}

int vfprintf(FILE *stream, const char *fmt, va_list ap)
{
    (void)stream;
    return himax_vformat(console_put, NULL, fmt, ap);
}

int vprintf(const char *fmt, va_list ap)
{
    return himax_vformat(console_put, NULL, fmt, ap);
}

int printf(const char *fmt, ...)
{
    FORWARD_ARGS(fmt, himax_vformat(console_put, NULL, fmt, ap));
}

int fprintf(FILE *stream, const char *fmt, ...)
{
    FORWARD_ARGS(fmt, vfprintf(stream, fmt, ap));
}

/* ---- into memory: at most size - 1 characters and a terminating NUL; returns the full length */
typedef struct {
    char *buf;
    size_t size, len;
} buffer_t;

static void buffer_put(void *ctx, const char *s, size_t n)
{
    buffer_t *b = ctx;
    if (b->len + 1 < b->size) {
        const size_t room = b->size - 1 - b->len;
        memcpy(b->buf + b->len, s, n < room ? n : room);
    }
    b->len += n;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    buffer_t b = {buf, size, 0};
    const int full_length = himax_vformat(buffer_put, &b, fmt, ap);
    if (size > 0) buf[b.len + 1 < size ? b.len : size - 1] = '\0';
    return full_length;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    FORWARD_ARGS(fmt, vsnprintf(buf, size, fmt, ap));
}

int vsprintf(char *buf, const char *fmt, va_list ap)
{
    return vsnprintf(buf, (size_t)-1 / 2, fmt, ap);
}

int sprintf(char *buf, const char *fmt, ...)
{
    FORWARD_ARGS(fmt, vsprintf(buf, fmt, ap));
}

/* ---- characters and strings */
int fputc(int c, FILE *stream)
{
    const char ch = (char)c;
    (void)stream;
    console_put(NULL, &ch, 1);
    return (unsigned char)c;
}

int putc(int c, FILE *stream)
{
    return fputc(c, stream);
}

int putchar(int c)
{
    return fputc(c, stdout);
}

int fputs(const char *s, FILE *stream)
{
    (void)stream;
    console_put(NULL, s, strlen(s));
    return 0;
}

int puts(const char *s)
{
    console_put(NULL, s, strlen(s));
    console_put(NULL, "\n", 1);
    return 0;
}

size_t fwrite(const void *data, size_t size, size_t count, FILE *stream)
{
    (void)stream;
    console_put(NULL, data, size * count);
    return count;
}
