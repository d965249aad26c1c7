/* Arm semihosting calls and the newlib system calls built on them (stdout, exit, heap). */
#include <errno.h>
#include <stdint.h>
#include <sys/stat.h>

#include "semihost.h"

#define SYS_WRITE0 0x04
#define SYS_EXIT 0x18
#define SYS_EXIT_EXTENDED 0x20
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

static int semihost_call(int op, const void *arg)
{
    register int r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void semihost_write(const char *buf, int len)
{
    char chunk[129];
    while (len > 0) {
        int n = len < 128 ? len : 128, i;
        for (i = 0; i < n; i++) chunk[i] = buf[i];
        chunk[n] = '\0';
        semihost_call(SYS_WRITE0, chunk);
        buf += n;
        len -= n;
    }
}

void semihost_exit(int code)
{
    uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)code};
    semihost_call(SYS_EXIT_EXTENDED, block);
    /* Hosts without SYS_EXIT_EXTENDED: the reason alone (exit code 0 or 1). */
    semihost_call(SYS_EXIT, (const void *)(uintptr_t)(code == 0 ? ADP_STOPPED_APPLICATION_EXIT : 0x20023));
    for (;;) {
    }
}

/* ---- newlib system calls ---- */
extern char end;          /* first free byte after .bss (linker script) */
extern char _heap_limit;  /* bottom of the stack reserve */

void *_sbrk(ptrdiff_t incr)
{
    static char *brk = &end;
    char *prev = brk;
    if (brk + incr > &_heap_limit) {
        errno = ENOMEM;
        return (void *)-1;
    }
    brk += incr;
    return prev;
}

int _write(int fd, const char *buf, int len)
{
    if (fd != 1 && fd != 2) {
        errno = EBADF;
        return -1;
    }
    semihost_write(buf, len);
    return len;
}

int _read(int fd, char *buf, int len)
{
    (void)fd, (void)buf, (void)len;
    return 0;
}

int _close(int fd)
{
    (void)fd;
    return -1;
}

int _fstat(int fd, struct stat *st)
{
    (void)fd;
    st->st_mode = S_IFCHR;
    return 0;
}

int _isatty(int fd)
{
    return fd >= 0 && fd <= 2;
}

int _lseek(int fd, int offset, int whence)
{
    (void)fd, (void)offset, (void)whence;
    return 0;
}

int _getpid(void)
{
    return 1;
}

int _kill(int pid, int sig)
{
    (void)pid, (void)sig;
    errno = EINVAL;
    return -1;
}

void _exit(int code)
{
    semihost_exit(code);
}
