/*
 * SUB int8 and MAXIMUM/MINIMUM int8 on Armv7E-M (Cortex-M4/M7/M33 with the DSP extension). Included by
 * ops/binary.h when TML_ARCH_ARM_DSP is defined; bit-exact with ref/binary.h.
 */
#ifndef TINYML_ARMV7EM_BINARY_H
#define TINYML_ARMV7EM_BINARY_H

/* SUB int8: ADD's Armv7E-M row (tml__addsub_s8_row of armv7em/elementwise.h) with input2's scaled value
 * subtracted; it applies where tml__add_s8_fast(p) holds (the same params struct, the same argument for
 * exactness). */
TML_HOT TML_NOINLINE static void tml__sub_s8_row_dsp(const tml_sub_s8_params *p, int32_t n, const int8_t *a,
                                                     int32_t sa, const int8_t *b, int32_t sb, int8_t *out)
{
    tml__addsub_s8_row(p, n, a, sa, b, sb, out, 1);
}

/* tml_sub_s8 where tml__add_s8_fast allows it. */
TML_ALWAYS_INLINE void tml__sub_s8_dsp(const tml_sub_s8_params *p, const int8_t *in1, const int8_t *in2, int8_t *out)
{
    TML_BINARY_DRIVE(tml__sub_s8_row_dsp, p, in1, in2, out);
}

#if defined(TML_ARCH_ARM_ASM)
/* SUB int8 by the generator's table (p->table, made with sub = 1; armv7em/elementwise.h): ADD's table
 * row with the direct input's term subtracted when it is input2. */
TML_HOT TML_NOINLINE static void tml__sub_s8_table_row(const tml_sub_s8_params *p, int32_t n, const int8_t *a,
                                                       int32_t sa, const int8_t *b, int32_t sb, int8_t *out)
{
    tml__addsub_s8_table_row(p, n, a, sa, b, sb, out, 1);
}

/* tml_sub_s8 where tml__add_s8_table_ok allows it. */
TML_ALWAYS_INLINE void tml__sub_s8_table(const tml_sub_s8_params *p, const int8_t *in1, const int8_t *in2,
                                         int8_t *out)
{
    TML_BINARY_DRIVE(tml__sub_s8_table_row, p, in1, in2, out);
    tml__add_s8_clamp(p, out);
}
#endif

/* MAXIMUM/MINIMUM int8: four bytes per step with MAX_POOL_2D's SSUB8 + SEL (tml__max_s8x4 and
 * tml__min_s8x4 of armv7em/pool.h): SSUB8 sets the GE flag of each byte lane where a >= b, SEL takes a's
 * byte there (max) or b's (min); for equal bytes both are the same value. */

/* One row: the innermost strides are 1, or 0 for a broadcast input (one byte repeated in all lanes). */
TML_ALWAYS_INLINE void tml__minmax_s8_row(int is_min, int32_t n, const int8_t *a, int32_t sa, const int8_t *b,
                                          int32_t sb, int8_t *out)
{
    const int32_t rep_a = tml__bytes4(a[0]), rep_b = tml__bytes4(b[0]);
    int32_t i = 0;
    for (; i + 4 <= n; i += 4) {
        int32_t x = rep_a, y = rep_b, r;
        if (sa) {
            memcpy(&x, a + i, 4);
        }
        if (sb) {
            memcpy(&y, b + i, 4);
        }
        r = is_min ? tml__min_s8x4(x, y) : tml__max_s8x4(x, y);
        memcpy(out + i, &r, 4);
    }
    for (; i < n; i++) {
        const int8_t x = a[i * sa], y = b[i * sb];
        out[i] = is_min ? (x < y ? x : y) : (x > y ? x : y);
    }
}

TML_HOT TML_NOINLINE static void tml__maximum_s8_row_dsp(const tml_binary_shape_params *p, int32_t n,
                                                         const int8_t *a, int32_t sa, const int8_t *b,
                                                         int32_t sb, int8_t *out)
{
    (void)p;
    if (sa && sb) {
        tml__minmax_s8_row(0, n, a, 1, b, 1, out);
    } else if (sb) {
        tml__minmax_s8_row(0, n, a, 0, b, 1, out);
    } else {
        tml__minmax_s8_row(0, n, a, 1, b, 0, out);
    }
}

TML_HOT TML_NOINLINE static void tml__minimum_s8_row_dsp(const tml_binary_shape_params *p, int32_t n,
                                                         const int8_t *a, int32_t sa, const int8_t *b,
                                                         int32_t sb, int8_t *out)
{
    (void)p;
    if (sa && sb) {
        tml__minmax_s8_row(1, n, a, 1, b, 1, out);
    } else if (sb) {
        tml__minmax_s8_row(1, n, a, 0, b, 1, out);
    } else {
        tml__minmax_s8_row(1, n, a, 1, b, 0, out);
    }
}

TML_ALWAYS_INLINE void tml__maximum_s8_dsp(const tml_binary_shape_params *p, const int8_t *in1,
                                           const int8_t *in2, int8_t *out)
{
    TML_BINARY_DRIVE(tml__maximum_s8_row_dsp, p, in1, in2, out);
}

TML_ALWAYS_INLINE void tml__minimum_s8_dsp(const tml_binary_shape_params *p, const int8_t *in1,
                                           const int8_t *in2, int8_t *out)
{
    TML_BINARY_DRIVE(tml__minimum_s8_row_dsp, p, in1, in2, out);
}

#endif /* TINYML_ARMV7EM_BINARY_H */
