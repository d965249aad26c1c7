/*
 * Differential test of the optimized SUB int8 and MAXIMUM/MINIMUM int8 kernels against the reference
 * kernels: random sizes, broadcasts (either input, both, scalar), unaligned buffers, in place; for SUB
 * the parameters TFLM's Prepare makes from random scales and random ones (some outside the fast path),
 * random zero points and activation ranges. Every output byte must be equal, and nothing written past
 * the output. Also the reference DIV int8 against TFLM's arithmetic as written in its source and compiled
 * for this CPU, on every pair of inputs: TFLM's last rounding shift, undefined in C from 32 on, gives
 * what a Cortex-M computes there, and the kernel has to give the same. Built for the target
 * (tests/test_kernels_binary.py runs it under QEMU for the Cortex-M4); prints one summary line per
 * kernel and exits 1 on any mismatch.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tinyml.h"

#ifndef CASES
#define CASES 800
#endif

#define TEST_RNG_SEED 4242u
#include "test_rng.h"

static int8_t a_buf[1100], b_buf[1100], out_ref[1100], out_opt[1100];
static int32_t bcast[3 * 4];

static void quantize_multiplier(double real, int32_t *m, int32_t *shift)
{
    int e;
    double q = frexp(real, &e);
    int64_t v = (int64_t)llround(q * 2147483648.0);
    if (v == ((int64_t)1 << 31)) {
        v /= 2;
        e++;
    }
    *m = (int32_t)v;
    *shift = e;
}

static void fill(int8_t *buf, int32_t n)
{
    int32_t i;
    for (i = 0; i < n; i++) buf[i] = (int8_t)between(-128, 127);
    if (rnd() % 4 == 0) { /* runs of the extremes and of equal values */
        const int8_t edge = (int8_t)(rnd() % 3 == 0 ? -128 : rnd() % 2 ? 127 : 0);
        for (i = 0; i < n; i += 1 + (int32_t)(rnd() % 3)) buf[i] = edge;
    }
}

/* A random shape: *rank = 0 (same shapes) or a broadcast description of rank 1..4 (dims outermost
 * first, then each input's strides, 0 where it is broadcast; never both along one dim). Returns the
 * number of output elements and each input's element count. */
static int32_t random_shape(int32_t *rank, int32_t *n1, int32_t *n2)
{
    int32_t r, d, size = 1, st1 = 1, st2 = 1;
    if (rnd() % 4 == 0) {
        *rank = 0;
        *n1 = *n2 = between(1, 1000);
        return *n1;
    }
    r = between(1, 4);
    for (d = r - 1; d >= 0; d--) {
        const int32_t dim = d == r - 1 ? between(1, 40) : between(1, 3); /* at most 1,080 elements */
        const uint32_t kind = rnd() % 3; /* 0 none, 1 input1 broadcast, 2 input2 broadcast */
        bcast[d] = dim;
        bcast[r + d] = kind == 1 ? 0 : st1;
        bcast[2 * r + d] = kind == 2 ? 0 : st2;
        if (kind != 1) st1 *= dim;
        if (kind != 2) st2 *= dim;
        size *= dim;
    }
    *rank = r;
    *n1 = st1;
    *n2 = st2;
    return size;
}

static int check(const char *what, int c, int32_t size, int bad)
{
    if (memcmp(out_ref, out_opt, (size_t)size) != 0 || out_opt[size] != 0x55) {
        if (bad < 5) printf("%s case %d differs (size %ld)\n", what, c, (long)size);
        return 1;
    }
    return 0;
}

#if defined(TML_ARCH_ARM_ASM)
static int32_t sub_table[256];
#endif

static int test_sub(void)
{
    int c, bad = 0, fast = 0, by_table = 0;
    for (c = 0; c < CASES; c++) {
        tml_sub_s8_params p;
        double s1 = ldexp(1.0 + (rnd() % 1000) / 1000.0, between(-10, -4)), s2, so, tm;
        int32_t n1, n2, off = (int32_t)(rnd() % 4);
        memset(&p, 0, sizeof p);
        s2 = rnd() % 3 == 0 ? s1 : ldexp(1.0 + (rnd() % 1000) / 1000.0, between(-10, -4));
        so = ldexp(1.0 + (rnd() % 1000) / 1000.0, between(-10, -3));
        tm = 2 * (s1 > s2 ? s1 : s2);
        p.size = random_shape(&p.bcast_rank, &n1, &n2);
        p.bcast = p.bcast_rank ? bcast : NULL;
        p.left_shift = 20;
        p.input1_offset = between(-127, 128);
        p.input2_offset = between(-127, 128);
        p.output_offset = between(-128, 127);
        quantize_multiplier(s1 / tm, &p.input1_multiplier, &p.input1_shift);
        quantize_multiplier(s2 / tm, &p.input2_multiplier, &p.input2_shift);
        quantize_multiplier(tm / (ldexp(1.0, 20) * so), &p.output_multiplier, &p.output_shift);
        if (rnd() % 4 == 0) { /* any multipliers and shifts, some outside the fast path */
            p.input1_multiplier = between(1 << 30, 0x7fffffff);
            p.input2_multiplier = between(1 << 30, 0x7fffffff);
            p.output_multiplier = between(1 << 30, 0x7fffffff);
            p.input1_shift = rnd() % 4 == 0 ? 0 : between(-8, -1);
            p.input2_shift = between(-8, 0);
            p.output_shift = between(-22, -1);
        }
        p.act_min = rnd() % 2 ? -128 : between(-128, 0);
        p.act_max = rnd() % 2 ? 127 : between(p.act_min, 127);
        fill(a_buf + off, n1);
        fill(b_buf, n2);
#if defined(TML_ARCH_ARM_ASM) /* the generator's table (armv7em/elementwise.h), mostly */
        p.table = sub_table;
        if (tml__add_s8_table_ok(&p) && rnd() % 8) {
            tml_add_s8_table_of(&p, 1, sub_table);
            by_table++;
        } else {
            p.table = NULL;
        }
#endif
#if defined(TML_ARCH_ARM_DSP)
        fast += tml__add_s8_fast(&p) || p.table != NULL;
#endif
        tml_sub_s8_ref(&p, a_buf + off, b_buf, out_ref);
        memset(out_opt, 0x55, sizeof out_opt);
        tml_sub_s8(&p, a_buf + off, b_buf, out_opt);
        bad += check("sub_s8", c, p.size, bad);
        if (p.bcast_rank == 0 && rnd() % 2) { /* in place over input1 */
            memcpy(out_opt, a_buf + off, (size_t)p.size);
            out_opt[p.size] = 0x55;
            tml_sub_s8(&p, out_opt, b_buf, out_opt);
            bad += check("sub_s8 in place", c, p.size, bad);
        }
    }
    printf("sub_s8: %d cases, %d on the fast path, %d by the table, %d differ\n", CASES, fast, by_table, bad);
    return bad;
}

static int test_minmax(int is_min)
{
    const char *name = is_min ? "minimum_s8" : "maximum_s8";
    int c, bad = 0;
    for (c = 0; c < CASES; c++) {
        tml_binary_shape_params p;
        int32_t n1, n2, off1 = (int32_t)(rnd() % 4), off2 = (int32_t)(rnd() % 4), offo = (int32_t)(rnd() % 4);
        p.size = random_shape(&p.bcast_rank, &n1, &n2);
        p.bcast = p.bcast_rank ? bcast : NULL;
        fill(a_buf + off1, n1);
        fill(b_buf + off2, n2);
        if (rnd() % 4 == 0) memcpy(b_buf + off2, a_buf + off1, (size_t)(n1 < n2 ? n1 : n2)); /* ties */
        memset(out_ref, 0x55, sizeof out_ref);
        (is_min ? tml_minimum_s8_ref : tml_maximum_s8_ref)(&p, a_buf + off1, b_buf + off2, out_ref + offo);
        memset(out_opt, 0x55, sizeof out_opt);
        (is_min ? tml_minimum_s8 : tml_maximum_s8)(&p, a_buf + off1, b_buf + off2, out_opt + offo);
        if (memcmp(out_ref, out_opt, sizeof out_ref) != 0) {
            if (bad++ < 5) printf("%s case %d differs (size %ld)\n", name, c, (long)p.size);
        }
        if (p.bcast_rank == 0 && rnd() % 2) { /* in place over input2 */
            memcpy(out_opt, b_buf + off2, (size_t)p.size);
            out_opt[p.size] = 0x55;
            (is_min ? tml_minimum_s8 : tml_maximum_s8)(&p, a_buf + off1, out_opt, out_opt);
            memmove(out_ref, out_ref + offo, (size_t)p.size);
            out_ref[p.size] = 0x55;
            bad += check(name, c, p.size, bad);
        }
    }
    printf("%s: %d cases, %d differ\n", name, CASES, bad);
    return bad;
}

/* TFLM's int8 DIV element as its source expands (gemmlowp's definitions), shifts by 32 or more left to
 * the CPU: kept out of line so that the compiler cannot see the shift amounts. */
__attribute__((noinline)) static int32_t cpu_shl(uint32_t x, int n) { return (int32_t)(x << n); }

__attribute__((noinline)) static int32_t gemmlowp_rdbpot(int32_t x, int exponent)
{
    const int32_t mask = (int32_t)((1ll << exponent) - 1);
    const int32_t remainder = x & mask;
    const int32_t threshold = (mask >> 1) + ((x < 0 ? ~0 : 0) & 1);
    return (x >> exponent) + ((remainder > threshold ? ~0 : 0) & 1);
}

static int32_t gemmlowp_srdhm(int32_t a, int32_t b)
{
    const int64_t ab = (int64_t)a * b;
    const int32_t nudge = ab >= 0 ? (1 << 30) : (1 - (1 << 30));
    if (a == b && a == INT32_MIN) return INT32_MAX;
    return (int32_t)((ab + nudge) / (1ll << 31));
}

static int8_t tflm_div_s8(const tml_div_s8_params *p, int8_t a, int8_t b)
{
    int32_t v1 = p->input1_offset + a, v2 = p->input2_offset + b, inv, unscaled, r;
    int hp1, headroom, total;
    if (v2 < 0) {
        v1 = -v1;
        v2 = -v2;
    }
    hp1 = v2 ? __builtin_clz((uint32_t)v2) : 32;
    inv = tml_fx_one_over_one_plus_x((int32_t)((uint32_t)cpu_shl((uint32_t)v2, hp1) - (1u << 31)));
    headroom = v1 ? __builtin_clrsb(v1) : 31;
    unscaled = gemmlowp_srdhm(cpu_shl((uint32_t)v1, headroom), inv);
    total = p->output_shift - (31 - hp1) - headroom;
    r = gemmlowp_rdbpot(gemmlowp_srdhm(unscaled, p->output_multiplier), -total) + p->output_offset;
    return (int8_t)(r < p->act_min ? p->act_min : r > p->act_max ? p->act_max : r);
}

static int test_div_every_pair(void)
{
    int c, bad = 0, zone = 0;
    for (c = 0; c < 24; c++) {
        tml_div_s8_params p;
        int32_t i;
        memset(&p, 0, sizeof p);
        p.size = 256;
        p.input1_offset = between(-127, 128);
        p.input2_offset = between(-127, 128);
        p.output_offset = between(-128, 127);
        p.output_multiplier = between(1 << 30, 0x7fffffff);
        p.output_shift = c < 8 ? between(-24, 5) : between(-3, 21); /* the first ones reach shifts of 32+ */
        p.act_min = rnd() % 2 ? -128 : between(-128, 0);
        p.act_max = rnd() % 2 ? 127 : between(p.act_min, 127);
        for (i = 0; i < 256; i++) b_buf[i] = (int8_t)(i - 128);
        for (i = 0; i < 256; i++) {
            int32_t k;
            memset(a_buf, (int8_t)(i - 128), 256);
            tml_div_s8_ref(&p, a_buf, b_buf, out_opt);
            for (k = 0; k < 256; k++) {
                const int8_t want = tflm_div_s8(&p, a_buf[k], b_buf[k]);
                int32_t v1 = p.input1_offset + a_buf[k], v2 = p.input2_offset + b_buf[k];
                if (v2 < 0) v1 = -v1, v2 = -v2;
                zone += v1 != 0 && p.output_shift - (v2 ? 31 - __builtin_clz((uint32_t)v2) : -1) -
                                           __builtin_clrsb(v1) <= -32;
                if (out_opt[k] != want && bad++ < 5)
                    printf("div_s8 differs: a %d b %d params %ld %ld %ld %ld %ld: %d, TFLM's arithmetic %d\n",
                           a_buf[k], b_buf[k], (long)p.input1_offset, (long)p.input2_offset,
                           (long)p.output_offset, (long)p.output_multiplier, (long)p.output_shift, out_opt[k],
                           want);
            }
        }
    }
    printf("div_s8 every pair: 24 cases, %d pairs shifted by 32 or more, %d differ\n", zone, bad);
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
    bad = test_sub() + test_minmax(0) + test_minmax(1) + test_div_every_pair();
    return bad ? 1 : 0;
}
