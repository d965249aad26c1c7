/* Polled console output on the WE-I Plus' DFSS UART 0 (registers and base: himax_we1.h). */
#include <stdint.h>

#include "himax_we1.h"

#define REG_THR 0x00u
#define REG_IER 0x04u
#define REG_LSR 0x14u
#define REG_CLKEN 0xC0u
#define LSR_THR_EMPTY 0x20u /* holding register / FIFO empty (IER bit 7, PTIME, kept clear) */
#define LSR_TX_IDLE 0x40u   /* ... and the shift register too */

static inline uint32_t uart_get(uint32_t reg)
{
    return __builtin_arc_lr(HIMAX_UART_AUX_BASE + reg);
}

static inline void uart_set(uint32_t reg, uint32_t value)
{
    __builtin_arc_sr(value, HIMAX_UART_AUX_BASE + reg);
}

void himax_uart_init(void)
{
    uart_set(REG_CLKEN, 1u); /* the boot loader leaves it on; harmless if so */
    uart_set(REG_IER, 0u);   /* no interrupts, and LSR bit 5 keeps its "empty" meaning */
}

static void uart_put(uint8_t byte)
{
    while ((uart_get(REG_LSR) & LSR_THR_EMPTY) == 0u) {
    }
    uart_set(REG_THR, byte);
}

void himax_uart_write(const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
#ifndef HIMAX_UART_RAW_NEWLINE
        if (s[i] == '\n') uart_put('\r'); /* serial terminals want CR LF */
#endif
        uart_put((uint8_t)s[i]);
    }
}

void himax_uart_drain(void)
{
    while ((uart_get(REG_LSR) & LSR_TX_IDLE) == 0u) {
    }
}

void himax_halt(void)
{
    for (;;) {
        __builtin_arc_flag(1); /* H bit: the core stops; a debugger may resume it */
    }
}
