/*
 * ADD int8 on Armv7E-M (Cortex-M4/M7/M33 with the DSP extension): TFLM's requantizations as SMMULR and
 * shifts (the row is SUB's too: armv7em/binary.h). Included by ops/elementwise.h when TML_ARCH_ARM_DSP is defined.
 */
#ifndef TINYML_ARMV7EM_ELEMENTWISE_H
#define TINYML_ARMV7EM_ELEMENTWISE_H

/* Armv7E-M ADD int8: TFLM's three requantizations without their branches (the doubling high multiply
 * as one SMMULR, then tml__rdbpot_r1), the constants in registers for the row. Applies when every shift is a right shift,
 * except an input's shift of 0 with the multiplier 2^30 (the input of the larger scale: TFLM's 0.5),
 * where the doubling high multiply of (x << 20) is exactly a halving (no rounding happens). */
static inline int tml__add_s8_fast(const tml_add_s8_params *p)
{
    return (p->input1_shift <= -1 || (p->input1_shift == 0 && p->input1_multiplier == (1 << 30))) &&
           (p->input2_shift <= -1 || (p->input2_shift == 0 && p->input2_multiplier == (1 << 30))) &&
           p->output_shift <= -1 && p->left_shift >= 1 && p->left_shift <= 20;
}

/* tml__srdhm_up(x, m) for |x| < 2^30: SMMULR(2x, m) rounds 2xm / 2^32 half up, the same number. */
TML_ALWAYS_INLINE int32_t tml__srdhm_up_small(int32_t twice_x, int32_t multiplier)
{
    int32_t r;
    __asm__("smmulr %0, %1, %2" : "=r"(r) : "r"(twice_x), "r"(multiplier));
    return r;
}

/* The row of ADD (sub = 0) and of SUB (sub = 1, armv7em/binary.h): input2's scaled value added or
 * subtracted (|2 * (s1 -+ s2)| < 2^30 either way). */
TML_ALWAYS_INLINE void tml__addsub_s8_row(const tml_add_s8_params *p, int32_t n, const int8_t *a, int32_t sa,
                                          const int8_t *b, int32_t sb, int8_t *out, int sub)
{
    /* the inputs shifted one more to the left: twice the value for SMMULR (|(x + offset) << 22| < 2^30);
     * an input's shift of 0 (multiplier 2^30) as one more left shift again and a right shift of 1: the
     * halving of an even number either way */
    const int32_t off1 = p->input1_offset, ls1 = p->left_shift + 1 + (p->input1_shift == 0);
    const int32_t off2 = p->input2_offset, ls2 = p->left_shift + 1 + (p->input2_shift == 0);
    const int32_t m1 = p->input1_multiplier, r1 = p->input1_shift == 0 ? 0 : -p->input1_shift - 1;
    const int32_t m2 = p->input2_multiplier, r2 = p->input2_shift == 0 ? 0 : -p->input2_shift - 1;
    const int32_t mo = p->output_multiplier, ro = -p->output_shift - 1, oo = 2 * p->output_offset + 1;
    const int32_t lo = p->act_min, hi = p->act_max;
    const int8_t *const end = out + n;
    for (; out < end; a += sa, b += sb) {
        const int32_t s1 = tml__rdbpot_r1(tml__srdhm_up_small((int32_t)((uint32_t)(*a + off1) << ls1), m1), r1, 1);
        const int32_t s2 = tml__rdbpot_r1(tml__srdhm_up_small((int32_t)((uint32_t)(*b + off2) << ls2), m2), r2, 1);
        const int32_t s = sub ? s1 - s2 : s1 + s2;
        *out++ = (int8_t)tml_clamp_i32(tml__rdbpot_r1(tml__srdhm_up_small(2 * s, mo), ro, oo), lo, hi);
    }
}

TML_HOT TML_NOINLINE static void tml__add_s8_row_dsp(const tml_add_s8_params *p, int32_t n, const int8_t *a,
                                                     int32_t sa, const int8_t *b, int32_t sb, int8_t *out)
{
    tml__addsub_s8_row(p, n, a, sa, b, sb, out, 0);
}

/* tml_add_s8 where tml__add_s8_fast allows it: tml__add_s8_row_dsp over every row of the output. */
TML_ALWAYS_INLINE void tml__add_s8_dsp(const tml_add_s8_params *p, const int8_t *in1, const int8_t *in2, int8_t *out)
{
    TML_BINARY_DRIVE(tml__add_s8_row_dsp, p, in1, in2, out);
}

#endif /* TINYML_ARMV7EM_ELEMENTWISE_H */
