/*
 * Differential test of the optimized int8 LEAKY_RELU, HARD_SWISH and table kernels (armv7em/pointwise.h)
 * against the reference kernels, on random parameters (multipliers of both signs, shifts across and beyond
 * the fast paths' limits, zero points), sizes on both sides of the table threshold, misaligned and in-place
 * buffers. Inputs of the table-sized cases hold all 256 values, so a wrong table entry shows. Every output
 * byte must be equal. Prints one summary line per kernel; exits 1 on any mismatch.
 */
#include <stdio.h>
#include <string.h>

#include "tinyml.h"

#ifndef CASES
#define CASES 400
#endif

#define TEST_RNG_SEED 4242u
#include "test_rng.h"

#ifndef TML_PW_TABLE_MIN
#define TML_PW_TABLE_MIN 320 /* the reference build: the same sizes */
#endif

#define MAXN 1300
static int8_t in_buf[MAXN + 8], ref_buf[MAXN + 8], opt_buf[MAXN + 8];

/* A random size, input and output placement; returns the size. inplace: the output is the input. */
static int32_t setup(int8_t **in, int8_t **out, int *inplace)
{
    const int32_t n = rnd() % 3 ? between(0, 2 * TML_PW_TABLE_MIN) : between(0, MAXN);
    int32_t i;
    *in = in_buf + between(0, 3);
    *inplace = (int)(rnd() % 4 == 0);
    *out = *inplace ? *in : opt_buf + between(0, 3);
    for (i = 0; i < n; i++) {
        (*in)[i] = (int8_t)(n >= 256 && i < 256 ? i * 167 + 11 : between(-128, 127)); /* a permutation first */
    }
    return n;
}

static int compare(const char *what, int c, const int8_t *ref, const int8_t *opt, int32_t n)
{
    int32_t i;
    for (i = 0; i < n; i++) {
        if (ref[i] != opt[i]) {
            printf("%s case %d: n %ld, element %ld: reference %d, optimized %d\n", what, c, (long)n, (long)i,
                   ref[i], opt[i]);
            return 1;
        }
    }
    return 0;
}

static int32_t random_multiplier(void)
{
    switch (rnd() % 8) {
    case 0: return 0;
    case 1: return between(-0x7fffffff, -(1 << 30)) - (int32_t)(rnd() % 2); /* down to INT32_MIN */
    case 2: return 1 << 30;
    default: return rnd() % 2 ? between(1 << 30, 0x7fffffff) : between(-0x7fffffff, -(1 << 30));
    }
}

static int test_leaky_relu(void)
{
    int c, bad = 0;
    for (c = 0; c < CASES; c++) {
        tml_leaky_relu_q_params p;
        int8_t *in, *out;
        int inplace;
        p.size = setup(&in, &out, &inplace);
        p.input_zero_point = between(-128, 127);
        p.output_zero_point = between(-128, 127);
        p.multiplier_identity = between(1 << 30, 0x7fffffff);
        p.multiplier_alpha = random_multiplier();
        p.negate_alpha = (int32_t)(rnd() % 2);
        if (p.negate_alpha && p.multiplier_alpha < 0 && p.multiplier_alpha != INT32_MIN) {
            p.multiplier_alpha = -p.multiplier_alpha; /* as the generator makes them: |m|, or INT32_MIN */
        }
        p.shift_identity = rnd() % 8 ? between(-8, 3) : between(-31, 30);
        p.shift_alpha = rnd() % 8 ? between(-12, 2) : between(-31, 30);
        tml_leaky_relu_s8_ref(&p, in, ref_buf);
        tml_leaky_relu_s8(&p, in, out);
        bad += compare("leaky_relu_s8", c, ref_buf, out, p.size);
    }
    printf("leaky_relu_s8: %d cases, %d differ\n", CASES, bad);
    return bad;
}

static int test_hard_swish(void)
{
    int c, bad = 0;
    for (c = 0; c < CASES; c++) {
        tml_hard_swish_s8_params p;
        int8_t *in, *out;
        int inplace;
        p.size = setup(&in, &out, &inplace);
        p.input_zero_point = between(-128, 127);
        p.output_zero_point = between(-128, 127);
        p.output_multiplier = rnd() % 8 ? between(16384, 32767) : 32767;
        p.output_exponent = rnd() % 8 ? between(-10, 0) : between(-31, 0);
        p.reluish_multiplier = rnd() % 8 ? between(16384, 32767) : 32767;
        p.reluish_exponent = rnd() % 8 ? between(-8, 8) : between(-31, 31);
        tml_hard_swish_s8_ref(&p, in, ref_buf);
        tml_hard_swish_s8(&p, in, out);
        bad += compare("hard_swish_s8", c, ref_buf, out, p.size);
    }
    printf("hard_swish_s8: %d cases, %d differ\n", CASES, bad);
    return bad;
}

static int test_elu(void)
{
    static int8_t table[256];
    int c, bad = 0;
    for (c = 0; c < CASES; c++) {
        tml_elu_s8_params p;
        int8_t *in, *out;
        int inplace, i;
        for (i = 0; i < 256; i++) {
            table[i] = (int8_t)between(-128, 127);
        }
        p.size = setup(&in, &out, &inplace);
        p.table = table;
        tml_elu_s8_ref(&p, in, ref_buf);
        tml_elu_s8(&p, in, out);
        bad += compare("elu_s8", c, ref_buf, out, p.size);
    }
    printf("elu_s8 (table): %d cases, %d differ\n", CASES, bad);
    return bad;
}

int main(void)
{
    int bad;
#if defined(TML_ARCH_ARM_DSP)
    printf("path: arm-dsp\n");
#else
    printf("path: reference\n");
#endif
    bad = test_leaky_relu() + test_hard_swish() + test_elu();
    return bad ? 1 : 0;
}
