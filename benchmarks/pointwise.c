/*
 * Cycle figures of the int8 LEAKY_RELU and HARD_SWISH kernels, reference vs Cortex-M4 path, for the
 * cycle estimator (m4sim): each bench_* function runs one kernel once on N elements; measure them with
 * --func. Built with the Cortex-M4 flags (TML_ARCH_ARM_DSP), so tml_*_ref is the reference and tml_*
 * the dispatched (optimized) kernel. Build with arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -mfloat-abi=hard
 * -mfpu=fpv4-sp-d16 -Os -I library/src and the estimator's target files (startup.c, syscalls.c, m4sim.ld,
 * -nostartfiles), then run the estimator with --func bench_leaky_relu_ref --func bench_leaky_relu_opt
 * --func bench_hard_swish_ref --func bench_hard_swish_opt --func bench_lut_ref --func bench_lut_opt (sizes 64,
 * 1024, 4096 in that order).
 */
#include <stdint.h>
#include <string.h>

#include "tinyml/tml_common.h"
#include "tinyml/tml_ops.h"

#ifndef N
#define N 4096
#endif

static int8_t in_buf[N], out_buf[N];
static tml_leaky_relu_q_params lr;
static tml_hard_swish_s8_params hs;
static tml_elu_s8_params lut;
static int8_t table[256];

#define BENCH(name, call)                                                                                   \
    __attribute__((noinline)) void name(int32_t n)                                                          \
    {                                                                                                       \
        lr.size = n;                                                                                        \
        hs.size = n;                                                                                        \
        lut.size = n;                                                                                       \
        call;                                                                                               \
    }

BENCH(bench_leaky_relu_ref, tml_leaky_relu_s8_ref(&lr, in_buf, out_buf))
BENCH(bench_leaky_relu_opt, tml_leaky_relu_s8(&lr, in_buf, out_buf))
BENCH(bench_hard_swish_ref, tml_hard_swish_s8_ref(&hs, in_buf, out_buf))
BENCH(bench_hard_swish_opt, tml_hard_swish_s8(&hs, in_buf, out_buf))
BENCH(bench_lut_ref, tml_elu_s8_ref(&lut, in_buf, out_buf))
BENCH(bench_lut_opt, tml_elu_s8(&lut, in_buf, out_buf))

int main(void)
{
    static const int32_t sizes[] = {64, 1024, N};
    uint32_t s = 1u;
    int32_t i;
    for (i = 0; i < N; i++) {
        s = s * 1664525u + 1013904223u;
        in_buf[i] = (int8_t)(s >> 24);
    }
    /* a MobileNet-like layer: scales 0.05 -> 0.03, alpha 0.1 / the hard-swish multipliers of 0.06 -> 0.05 */
    lr.input_zero_point = -3;
    lr.output_zero_point = 7;
    lr.multiplier_identity = 1789569773;
    lr.shift_identity = 1;
    lr.multiplier_alpha = 1431655840;
    lr.shift_alpha = -2;
    lr.negate_alpha = 0;
    hs.input_zero_point = -5;
    hs.output_zero_point = -40;
    hs.output_multiplier = 19661;
    hs.output_exponent = -6;
    hs.reluish_multiplier = 20972;
    hs.reluish_exponent = 3;
    for (i = 0; i < 256; i++) {
        table[i] = (int8_t)(i * 7 + 1);
    }
    lut.table = table;
    for (i = 0; i < 3; i++) {
        bench_leaky_relu_ref(sizes[i]);
        bench_leaky_relu_opt(sizes[i]);
        bench_hard_swish_ref(sizes[i]);
        bench_hard_swish_opt(sizes[i]);
        bench_lut_ref(sizes[i]);
        bench_lut_opt(sizes[i]);
    }
    return out_buf[0] == 99;
}
