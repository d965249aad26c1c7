/*
 * Single-kernel figures of the binary family for benchmarks/kernels.py (group binary): SUB int8 and MAXIMUM/MINIMUM
 * int8, each measured as one bench_* call (parameters in writable memory, as in benchmarks/kernels.c).
 */
#include "tinyml.h"

static int8_t a[4096], b[4096], out[4096], row[64];
static int32_t sub_table[256]; /* input2's scaled values, as the generator makes them for the Cortex-M4 */

/* SUB of two 4096-element tensors, TFLM's parameters for two different input scales */
tml_sub_s8_params sub_params = {4096, 0, 0, 5, -3, -7, 20, 1073741824, 0, 1518500250, -1, 1779033703, -19, -128, 127};
/* SUB of a [64] row from a [64, 64] tensor (broadcast along the outer dim) */
int32_t sub_bcast_desc[6] = {64, 64, 64, 0, 1, 1};
tml_sub_s8_params sub_bcast_params = {4096, 2, sub_bcast_desc, 5, -3, -7, 20, 1073741824, 0, 1518500250, -1,
                                      1779033703, -19, -128, 127};
tml_binary_shape_params same_params = {4096, 0, 0};
/* x against one scalar (a clamp as MINIMUM(x, 127-like constant)) */
int32_t scalar_desc[3] = {4096, 1, 0};
tml_binary_shape_params scalar_params = {4096, 1, scalar_desc};

__attribute__((noinline)) void bench_sub(void) { tml_sub_s8(&sub_params, a, b, out); }
__attribute__((noinline)) void bench_sub_bcast(void) { tml_sub_s8(&sub_bcast_params, a, row, out); }
__attribute__((noinline)) void bench_maximum(void) { tml_maximum_s8(&same_params, a, b, out); }
__attribute__((noinline)) void bench_minimum_scalar(void) { tml_minimum_s8(&scalar_params, a, row, out); }

static uint32_t sum;

static void fold(void)
{
    uint32_t i;
    for (i = 0; i < sizeof out; i++) sum = sum * 31u + (uint8_t)out[i];
}

int main(void)
{
    uint32_t i;
    for (i = 0; i < sizeof a; i++) {
        a[i] = (int8_t)(i * 37u);
        b[i] = (int8_t)(i * 11u);
    }
    for (i = 0; i < sizeof row; i++) row[i] = (int8_t)(i * 5u);
#if defined(TML_ARCH_ARM_ASM)
    tml_add_s8_table_of(&sub_params, 1, sub_table);
    sub_params.table = sub_bcast_params.table = sub_table;
#endif
    bench_sub();
    fold();
    bench_sub_bcast();
    fold();
    bench_maximum();
    fold();
    bench_minimum_scalar();
    fold();
    return (int)(sum & 0x7f); /* the same for both paths (the script checks it) */
}
