/* Start-up for QEMU mps2-an386 (Cortex-M4F): vector table, FPU enable, .data/.bss, main(), exit code. */
#include <stdint.h>
#include <stdlib.h>

#include "semihost.h"

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _estack;
extern void __libc_init_array(void);
extern int main(void);

#define CPACR (*(volatile uint32_t *)0xE000ED88u)
#define FAULT_EXIT_CODE 99

void Reset_Handler(void);

static void fault_handler(void)
{
    static const char msg[] = "tinyml-emulator: CPU fault, stopping\n";
    semihost_write(msg, (int)sizeof msg - 1);
    semihost_exit(FAULT_EXIT_CODE);
}

__attribute__((section(".isr_vector"), used)) static void (*const vectors[16])(void) = {
    (void (*)(void))(uintptr_t)&_estack,
    Reset_Handler,
    fault_handler, /* NMI */
    fault_handler, /* HardFault */
    fault_handler, /* MemManage */
    fault_handler, /* BusFault */
    fault_handler, /* UsageFault */
    0, 0, 0, 0,
    fault_handler, /* SVCall */
    fault_handler, /* DebugMonitor */
    0,
    fault_handler, /* PendSV */
    fault_handler, /* SysTick */
};

void Reset_Handler(void)
{
    uint32_t *src, *dst;
    /* Full access to CP10/CP11 before the first floating-point instruction. */
    CPACR |= 0xFu << 20;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
    for (src = &_sidata, dst = &_sdata; dst < &_edata;) *dst++ = *src++;
    for (dst = &_sbss; dst < &_ebss;) *dst++ = 0;
    __libc_init_array();
    exit(main());
}
