/*
 * Start-up of a bare-metal firmware on the Himax WE-I Plus (HX6537-A, ARC EM9D).
 *
 * Himax's boot loader copies the image's sections to their run addresses and jumps to the reset
 * entry (.ivt at ICCM1 + 4: the entry's address, then the code). The entry switches interrupts off,
 * sets the stack (bottom of the DCCM) and our vector table, then himax_start() clears .bss, runs the
 * constructors and main(), and exit() flushes the UART and halts. Any exception or interrupt prints
 * its cause registers on the UART and halts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "himax_we1.h"

#define AUX_ERET 0x400u
#define AUX_ECR 0x403u
#define AUX_EFA 0x404u
#define AUX_ICAUSE 0x40Au

extern uint32_t __bss_start[], __bss_end[];
extern void (*__init_array_start[])(void);
extern void (*__init_array_end[])(void);
extern int main(void);

void himax_start(void) __attribute__((noreturn, used));
void himax_trap(void) __attribute__((noreturn, used));
void _arc_reset(void);
void himax_trap_entry(void);

/* Reset entry and the trap stub (a fresh stack: the fault may be a stack overflow). */
__asm__(
    "\t.section .init_vector, \"a\"\n"
    "\t.long _arc_reset\n"
    "\t.section .init_bootstrap, \"ax\"\n"
    "\t.global _arc_reset\n"
    "\t.type _arc_reset, @function\n"
    "_arc_reset:\n"
    "\tclri\n"
    "\tmov sp, __stack_top\n"
    "\tmov fp, 0\n"
    "\tmov gp, __SDATA_BEGIN__\n"
    "\tsr himax_vectors, [0x25]\n" /* INT_VECTOR_BASE */
    "\tj himax_start\n"
    "\t.size _arc_reset, . - _arc_reset\n"
    "\t.text\n"
    "\t.global himax_trap_entry\n"
    "\t.type himax_trap_entry, @function\n"
    "himax_trap_entry:\n"
    "\tmov sp, __stack_top\n"
    "\tj himax_trap\n"
    "\t.size himax_trap_entry, . - himax_trap_entry\n");

/* ARCv2 vector table: the address of each handler; 0 reset, 1-15 exceptions, 16-255 interrupts. */
#define VECTOR_COUNT 256
typedef void (*vector_t)(void);
#define V4 himax_trap_entry, himax_trap_entry, himax_trap_entry, himax_trap_entry
#define V16 V4, V4, V4, V4
#define V64 V16, V16, V16, V16
__attribute__((section(".vector"), used, aligned(1024))) const vector_t himax_vectors[VECTOR_COUNT] = {
    _arc_reset, V4, V4, V4, himax_trap_entry, himax_trap_entry, himax_trap_entry, /* 0-15 */
    V16, V16, V16, V64, V64, V64,                                                  /* 16-255 */
};

void himax_start(void)
{
    volatile uint32_t *word;
    void (**ctor)(void);
    for (word = __bss_start; word < __bss_end; word++) *word = 0;
    himax_uart_init();
    for (ctor = __init_array_start; ctor < __init_array_end; ctor++) (*ctor)();
    exit(main());
}

/* Append label and v as 8 hex digits at out; returns the end. */
static char *put_hex(char *out, const char *label, uint32_t v)
{
    int i;
    while (*label) *out++ = *label++;
    for (i = 7; i >= 0; i--, v >>= 4) out[i] = "0123456789abcdef"[v & 15u];
    return out + 8;
}

void himax_trap(void)
{
    /* ECR: vector number (bits 23:16), cause and parameter; ERET: where it happened; EFA: the
     * faulting address; ICAUSE: the interrupt, for vectors 16 and up. Formatted by hand: the
     * state of stdio is unknown here. */
    char line[96], *end;
    end = put_hex(line, "\nhimax: CPU exception, ECR 0x", __builtin_arc_lr(AUX_ECR));
    end = put_hex(end, " at 0x", __builtin_arc_lr(AUX_ERET));
    end = put_hex(end, " address 0x", __builtin_arc_lr(AUX_EFA));
    end = put_hex(end, " icause 0x", __builtin_arc_lr(AUX_ICAUSE));
    *end++ = '\n';
    himax_uart_write(line, (size_t)(end - line));
    himax_uart_drain();
    himax_halt();
}

void exit(int status)
{
    fflush(stdout);
    if (status != 0) printf("\nhimax: exit status %d\n", status);
    fflush(stdout);
    himax_uart_drain();
    himax_halt();
}

void _Exit(int status)
{
    exit(status);
}

void abort(void)
{
    fflush(stdout);
    printf("\nhimax: abort\n");
    exit(134);
}

int abs(int x)
{
    return x < 0 ? -x : x;
}

long labs(long x)
{
    return x < 0 ? -x : x;
}

long long llabs(long long x)
{
    return x < 0 ? -x : x;
}
