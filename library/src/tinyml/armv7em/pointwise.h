/*
 * LEAKY_RELU int8 and HARD_SWISH int8 on Armv7E-M (Cortex-M4/M7/M33 with the DSP extension), and the int8
 * table map (ELU). Included by ops/pointwise.h when TML_ARCH_ARM_DSP is defined.
 *
 * Both operators are functions of one int8 value. Up to TML_PW_TABLE_MIN elements the kernels run the
 * arithmetic per element, without the reference's branches; on larger tensors they first evaluate it on
 * the 256 possible inputs into a table on the stack (256 bytes), then map the tensor through it eight
 * bytes per step. Bit-exact with the reference (tests/kernels/diff_pointwise.c).
 *
 * Cycles (benchmarks/pointwise.c, -Os, the zero-wait-state estimator), reference -> this path:
 *                    64 elements      1024 elements       4096 elements
 *   LEAKY_RELU    3,910 -> 1,910   61,494 -> 12,039   245,622 -> 24,327
 *   HARD_SWISH    7,332 -> 2,597  116,374 -> 14,741   465,339 -> 27,029
 *   table (ELU)     856 ->   301   13,336 ->  4,141    53,272 -> 16,429
 */
#ifndef TINYML_ARMV7EM_POINTWISE_H
#define TINYML_ARMV7EM_POINTWISE_H

/* Above this many elements the kernels map through a table (built in 256 evaluations). */
#ifndef TML_PW_TABLE_MIN
#define TML_PW_TABLE_MIN 320
#endif

/** SMMULR: (a * b + 2^31) >> 32. */
TML_ALWAYS_INLINE int32_t tml__pw_smmulr(int32_t a, int32_t b)
{
    int32_t r;
    __asm__("smmulr %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    return r;
}

/** SSAT #16: x saturated to [-32768, 32767]. */
TML_ALWAYS_INLINE int32_t tml__pw_ssat16(int32_t x)
{
    int32_t r;
    __asm__("ssat %0, #16, %1" : "=r"(r) : "r"(x));
    return r;
}

/* out[i] = table[(uint8_t)in[i]]; out may be in (in place). Eight elements per step where the output is
 * word aligned: the sixteen byte loads in a row (each but the first pipelined with the one before), the
 * results packed into two words and stored with one STRD: about 4 cycles per element. */
TML_HOT TML_NOINLINE static void tml__pw_map_s8_dsp(const int8_t *table, int32_t n, const int8_t *in, int8_t *out)
{
    const uint8_t *t = (const uint8_t *)table;
    const uint8_t *x = (const uint8_t *)in;
#if defined(TML_ASM_14_REGS)
    int32_t steps = ((uintptr_t)out & 3u) == 0 ? n >> 3 : 0;
    if (steps > 0) {
        uint32_t a0, a1, a2, a3, a4, a5, a6, a7;
        n -= steps * 8;
        __asm__ volatile(
            "1:\n\t"
            "ldrb %[a0], [%[x]]\n\t"
            "ldrb %[a1], [%[x], #1]\n\t"
            "ldrb %[a2], [%[x], #2]\n\t"
            "ldrb %[a3], [%[x], #3]\n\t"
            "ldrb %[a4], [%[x], #4]\n\t"
            "ldrb %[a5], [%[x], #5]\n\t"
            "ldrb %[a6], [%[x], #6]\n\t"
            "ldrb %[a7], [%[x], #7]\n\t"
            "ldrb %[a0], [%[t], %[a0]]\n\t"
            "ldrb %[a1], [%[t], %[a1]]\n\t"
            "ldrb %[a2], [%[t], %[a2]]\n\t"
            "ldrb %[a3], [%[t], %[a3]]\n\t"
            "ldrb %[a4], [%[t], %[a4]]\n\t"
            "ldrb %[a5], [%[t], %[a5]]\n\t"
            "ldrb %[a6], [%[t], %[a6]]\n\t"
            "ldrb %[a7], [%[t], %[a7]]\n\t"
            "orr %[a0], %[a0], %[a1], lsl #8\n\t"
            "orr %[a0], %[a0], %[a2], lsl #16\n\t"
            "orr %[a0], %[a0], %[a3], lsl #24\n\t"
            "orr %[a4], %[a4], %[a5], lsl #8\n\t"
            "orr %[a4], %[a4], %[a6], lsl #16\n\t"
            "orr %[a4], %[a4], %[a7], lsl #24\n\t"
            "adds %[x], %[x], #8\n\t"
            "strd %[a0], %[a4], [%[o]], #8\n\t"
            "subs %[k], %[k], #1\n\t"
            "bne 1b\n\t"
            : [a0] "=&r"(a0), [a1] "=&r"(a1), [a2] "=&r"(a2), [a3] "=&r"(a3), [a4] "=&r"(a4), [a5] "=&r"(a5),
              [a6] "=&r"(a6), [a7] "=&r"(a7), [x] "+r"(x), [o] "+r"(out), [k] "+r"(steps)
            : [t] "r"(t)
            : "cc", "memory");
    }
#else
    if (((uintptr_t)out & 3u) == 0) {
        for (; n >= 4; n -= 4, x += 4, out += 4) {
            const uint32_t w = (uint32_t)t[x[0]] | (uint32_t)t[x[1]] << 8 | (uint32_t)t[x[2]] << 16 |
                               (uint32_t)t[x[3]] << 24;
            memcpy(out, &w, 4);
        }
    }
#endif
    for (; n > 0; n--) {
        *out++ = (int8_t)t[*x++];
    }
}

/** table[i] = (int8_t)i: the 256 inputs, in the order of a table indexed by the input's byte (a word at
 *  a time). */
TML_NOINLINE static void tml__pw_identity_table(int8_t *table)
{
    uint32_t w = 0x03020100u;
    int32_t i;
    for (i = 0; i < 64; i++, w += 0x04040404u) {
        memcpy(table + 4 * i, &w, 4);
    }
}

/* ------------------------------------------------------------ LEAKY_RELU int8 */

/* The per-element arithmetic: TFLM's doubling high multiply as one SMMULR of twice the (left-shifted) value,
 * the rounding right shift and the zero point as tml__rdbpot_r1 (the multiplier, shifts and right shift
 * minus one, or -1 for none, picked by the sign). Needs 255 << (left shift + 1) < 2^31 for both. */
static inline int tml__leaky_relu_s8_fast_ok(const tml_leaky_relu_q_params *p)
{
    return p->shift_identity <= 22 && p->shift_alpha <= 22;
}

TML_HOT TML_NOINLINE static void tml__leaky_relu_s8_fast(const tml_leaky_relu_q_params *p, int32_t n,
                                                        const int8_t *in, int8_t *out)
{
    const int32_t zp = p->input_zero_point, ozp = p->output_zero_point, off2 = 2 * ozp + 1;
    const int32_t mi = p->multiplier_identity, ma = p->multiplier_alpha;
    const int32_t li = (p->shift_identity > 0 ? p->shift_identity : 0) + 1;
    const int32_t la = (p->shift_alpha > 0 ? p->shift_alpha : 0) + 1;
    const int32_t ri = p->shift_identity < 0 ? -p->shift_identity - 1 : -1;
    const int32_t ra = p->shift_alpha < 0 ? -p->shift_alpha - 1 : -1;
    int32_t i;
    if (p->negate_alpha) {  /* a negative alpha: the alpha product negated, then the zero point */
        for (i = 0; i < n; i++) {
            const int32_t x = in[i] - zp;
            const int neg = x < 0;
            const int32_t r1 = neg ? ra : ri;
            int32_t v = tml__pw_smmulr((int32_t)((uint32_t)x << (neg ? la : li)), neg ? ma : mi);
            v = r1 >= 0 ? tml__rdbpot_r1(v, r1, 1) : v;
            out[i] = (int8_t)tml_ssat8((neg ? (int32_t)(0u - (uint32_t)v) : v) + ozp);
        }
        return;
    }
    for (i = 0; i < n; i++) {
        const int32_t x = in[i] - zp;
        const int neg = x < 0;
        const int32_t r1 = neg ? ra : ri;
        const int32_t v = tml__pw_smmulr((int32_t)((uint32_t)x << (neg ? la : li)), neg ? ma : mi);
        out[i] = (int8_t)tml_ssat8(r1 >= 0 ? tml__rdbpot_r1(v, r1, off2) : v + ozp);
    }
}

static inline void tml__leaky_relu_s8_dsp(const tml_leaky_relu_q_params *p, const int8_t *input, int8_t *output)
{
    if (!tml__leaky_relu_s8_fast_ok(p)) {
        tml_leaky_relu_s8_ref(p, input, output);
    } else if (p->size > TML_PW_TABLE_MIN) {
        int8_t table[256] TML_ALIGNED(4);
        tml__pw_identity_table(table);
        tml__leaky_relu_s8_fast(p, 256, table, table);
        tml__pw_map_s8_dsp(table, p->size, input, output);
    } else {
        tml__leaky_relu_s8_fast(p, p->size, input, output);
    }
}

/* ------------------------------------------------------------ HARD_SWISH int8 */

/* TFLM's int16 arithmetic on int32 registers: the rounding doubling high multiply of two int16 is
 * (a * b + 2^14) >> 15 (one SMLABB and a shift; the saturating case, both -32768, cannot occur), the
 * truncating one adds 2^15 - 1 to a negative product, the saturating left shifts are SSAT #16 (a shift of
 * 16 already saturates every non-zero value), the rounding right shifts are tml__rdbpot_r1. Needs both
 * right shifts at most 15 (beyond, TFLM's int16 masks wrap: the reference handles those). */
static inline int tml__hard_swish_s8_fast_ok(const tml_hard_swish_s8_params *p)
{
    return p->output_exponent <= 0 && p->output_exponent >= -15 && p->reluish_exponent >= -15;
}

TML_HOT TML_NOINLINE static void tml__hard_swish_s8_fast(const tml_hard_swish_s8_params *p, int32_t n,
                                                        const int8_t *in, int8_t *out)
{
    const int32_t zp = p->input_zero_point, ozp = p->output_zero_point;
    const int32_t om = p->output_multiplier, rm = p->reluish_multiplier;
    const int32_t re = p->reluish_exponent, oe = p->output_exponent;
    const int32_t pre_shift = re > 0 ? (re - 1 < 16 ? re - 1 : 16) : 0;
    const int32_t r_r1 = re < 0 ? -re - 1 : -1;
    const int32_t o_r1 = oe < 0 ? -oe - 1 : -1;
    int32_t i;
    for (i = 0; i < n; i++) {
        const int32_t hires = (in[i] - zp) * 128;
        const int32_t preshift = tml_smlabb(hires, om, 1 << 14) >> 15;
        int32_t r, v;
        if (re > 0) {
            r = tml_smlabb(tml__pw_ssat16(hires << pre_shift), rm, 1 << 14) >> 15;
            r = tml__pw_ssat16(r << 1);
        } else {
            r = tml_smlabb(hires, rm, 1 << 14) >> 15;
            if (r_r1 >= 0) {
                r = tml__rdbpot_r1(r, r_r1, 1);
            }
        }
        r = (r + 32768) >> 1;
        v = r * preshift;
        v = (v + ((v >> 31) & 32767)) >> 15;
        v = o_r1 >= 0 ? tml__rdbpot_r1(v, o_r1, 2 * ozp + 1) : v + ozp;
        out[i] = (int8_t)tml_ssat8(v);
    }
}

static inline void tml__hard_swish_s8_dsp(const tml_hard_swish_s8_params *p, const int8_t *input, int8_t *output)
{
    if (!tml__hard_swish_s8_fast_ok(p)) {
        tml_hard_swish_s8_ref(p, input, output);
    } else if (p->size > TML_PW_TABLE_MIN) {
        int8_t table[256] TML_ALIGNED(4);
        tml__pw_identity_table(table);
        tml__hard_swish_s8_fast(p, 256, table, table);
        tml__pw_map_s8_dsp(table, p->size, input, output);
    } else {
        tml__hard_swish_s8_fast(p, p->size, input, output);
    }
}

#endif /* TINYML_ARMV7EM_POINTWISE_H */
