/*
 * Single-kernel figures for benchmarks/kernels.py (m4sim measures each bench_* call): kernels whose
 * share of the shared models is too small to show in the model table. The parameters live in
 * writable memory, as a model with several layers of the kind has them (a single call with constant
 * parameters lets the compiler specialise the kernel, which the model table already shows).
 */
#include "tinyml.h"

static int8_t pool_in[48 * 48 * 8], pool_out[24 * 24 * 8];
static int8_t gap_in[6 * 6 * 256], gap_out[256];
static int8_t add_a[4096], add_b[4096], add_out[4096];
static int32_t add_table[256]; /* input2's scaled values, as the generator makes them for the Cortex-M4 */

/* MAX_POOL_2D 2x2 stride 2 on 48x48x8 (a CNN's first pool) */
tml_pool_s8_params max_pool_params = {1, 48, 48, 8, 24, 24, 2, 2, 2, 2, 0, 0, -128, 127};
/* AVERAGE_POOL_2D 6x6 over 6x6x256 (a global average pool, as at the end of a MobileNet) */
tml_pool_s8_params avg_pool_params = {1, 6, 6, 256, 1, 1, 6, 6, 1, 1, 0, 0, -128, 127};
/* ADD of two 4096-element tensors with TFLM's parameters for two different input scales */
tml_add_s8_params add_params = {4096, 0, 0, 5, -3, -7, 20, 1073741824, 0, 1518500250, -1, 1779033703, -19, -128, 127};

__attribute__((noinline)) void bench_max_pool(void) { tml_max_pool_s8(&max_pool_params, pool_in, pool_out); }
__attribute__((noinline)) void bench_average_pool(void) { tml_average_pool_s8(&avg_pool_params, gap_in, gap_out); }
__attribute__((noinline)) void bench_add(void) { tml_add_s8(&add_params, add_a, add_b, add_out); }

int main(void)
{
    uint32_t i, sum = 0;
    for (i = 0; i < sizeof pool_in; i++) pool_in[i] = (int8_t)(i * 37u);
    for (i = 0; i < sizeof gap_in; i++) gap_in[i] = (int8_t)(i * 91u);
    for (i = 0; i < sizeof add_a; i++) {
        add_a[i] = (int8_t)(i * 37u);
        add_b[i] = (int8_t)(i * 11u);
    }
#if defined(TML_ARCH_ARM_ASM)
    tml_add_s8_table_of(&add_params, 0, add_table);
    add_params.table = add_table;
#endif
    bench_max_pool();
    bench_average_pool();
    bench_add();
    for (i = 0; i < sizeof pool_out; i++) sum = sum * 31u + (uint8_t)pool_out[i];
    for (i = 0; i < sizeof gap_out; i++) sum = sum * 31u + (uint8_t)gap_out[i];
    for (i = 0; i < sizeof add_out; i++) sum = sum * 31u + (uint8_t)add_out[i];
    return (int)(sum & 0x7f); /* the same for both paths (the script checks it) */
}
