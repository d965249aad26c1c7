/*
 * What the emulated Xtensa programs do when things go wrong: with -DMODE=1 an unaligned 32-bit load
 * (an exception on the lx106, as on the ESP32), with -DMODE=2 a jump to empty memory; both end in
 * "xtensa fault: ..." and exit status 99. Otherwise main's return value (3) is the exit status.
 */
#include <stdint.h>
#include <stdio.h>

#ifndef MODE
#define MODE 0
#endif

static uint8_t bytes[8] = {1, 2, 3, 4, 5, 6, 7, 8};
volatile uintptr_t offset = 1, nowhere = 0x40000000u; /* opaque to the compiler */

int main(void)
{
    printf("mode %d\n", MODE);
    if (MODE == 1) {
        return (int)*(volatile const uint32_t *)((uintptr_t)bytes + offset);
    }
    if (MODE == 2) {
        ((void (*)(void))nowhere)();
    }
    return 3;
}
