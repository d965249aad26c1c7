/*
 * Board support of the tinyml-himax runtime for the Himax WE-I Plus EVB (HX6537-A, ARC EM9D).
 *
 * Console: UART 0 of the core's Data Fusion Subsystem (DFSS), the "datafusion subsystem uart 0" of
 * Himax's hx_drv_uart.h and the port of the EVB's USB serial (115200 8N1, set up by Himax's boot
 * loader, which the runtime keeps). A 16550-style DesignWare UART reached through ARC auxiliary
 * registers (LR/SR), 4 apart: THR/RBR +0x00, IER +0x04, FCR/IIR +0x08, LCR +0x0C, LSR +0x14,
 * CLKEN +0xC0. Its base, HIMAX_UART_AUX_BASE, defaults to 0x80014000 (DFSS UART 0 as on Synopsys'
 * IoT Development Kit, the same subsystem); Himax's own register header for the chip is not public,
 * so override it with -DHIMAX_UART_AUX_BASE=... if a board says otherwise.
 */
#ifndef HIMAX_WE1_H
#define HIMAX_WE1_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef HIMAX_UART_AUX_BASE
#define HIMAX_UART_AUX_BASE 0x80014000u
#endif

/* Console UART: clock on, interrupts off (polled). Called by the start-up code before main(). */
void himax_uart_init(void);
/* Send n bytes ('\n' goes out as "\r\n" unless built with -DHIMAX_UART_RAW_NEWLINE); blocks. */
void himax_uart_write(const char *s, size_t n);
/* Wait until the UART has shifted out the last byte. */
void himax_uart_drain(void);
/* Stop the core (ARC `flag 1`); does not return. */
void himax_halt(void) __attribute__((noreturn));

#ifdef __cplusplus
}
#endif

#endif
