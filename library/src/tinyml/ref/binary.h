/*
 * Reference kernels of SUB, DIV, MAXIMUM, MINIMUM and SQUARED_DIFFERENCE: portable C, always compiled.
 * Included by ops/binary.h (after the params structs); rows are driven over the output by
 * TML_BINARY_DRIVE of ref/elementwise.h.
 */
#ifndef TINYML_REF_BINARY_H
#define TINYML_REF_BINARY_H

/* ------------------------------------------------------------ SUB */

static inline int32_t tml_sub_q_one(const tml_sub_s8_params *p, int32_t a, int32_t b)
{
    const int32_t x1 = (int32_t)((uint32_t)(a + p->input1_offset) << p->left_shift);
    const int32_t x2 = (int32_t)((uint32_t)(b + p->input2_offset) << p->left_shift);
    const int32_t s1 = tml_mul_by_quantized_mul(x1, p->input1_multiplier, p->input1_shift);
    const int32_t s2 = tml_mul_by_quantized_mul(x2, p->input2_multiplier, p->input2_shift);
    const int32_t r = tml_mul_by_quantized_mul(s1 - s2, p->output_multiplier, p->output_shift) + p->output_offset;
    return tml_clamp_i32(r, p->act_min, p->act_max);
}

static inline void tml_sub_s8_row(const tml_sub_s8_params *p, int32_t n, const int8_t *a, int32_t sa,
                                  const int8_t *b, int32_t sb, int8_t *out)
{
    int32_t i;
    for (i = 0; i < n; i++) {
        out[i] = (int8_t)tml_sub_q_one(p, a[i * sa], b[i * sb]);
    }
}

static inline void tml_sub_s16_row(const tml_sub_s16_params *p, int32_t n, const int16_t *a, int32_t sa,
                                   const int16_t *b, int32_t sb, int16_t *out)
{
    int32_t i;
    for (i = 0; i < n; i++) {
        out[i] = (int16_t)tml_sub_q_one(p, a[i * sa], b[i * sb]);
    }
}

static inline void tml_sub_f32_row(const tml_sub_f32_params *p, int32_t n, const float *a, int32_t sa,
                                   const float *b, int32_t sb, float *out)
{
    int32_t i;
    for (i = 0; i < n; i++) {
        out[i] = tml_clamp_f32(a[i * sa] - b[i * sb], p->act_min, p->act_max);
    }
}

static inline void tml_sub_i32_row(const tml_sub_i32_params *p, int32_t n, const int32_t *a, int32_t sa,
                                   const int32_t *b, int32_t sb, int32_t *out)
{
    int32_t i;
    for (i = 0; i < n; i++) {
        const int32_t v = (int32_t)((uint32_t)a[i * sa] - (uint32_t)b[i * sb]);
        out[i] = tml_clamp_i32(v, p->act_min, p->act_max);
    }
}

/* ------------------------------------------------------------ DIV */

/** gemmlowp's CountLeadingSignBits of an int32 (31 for 0). */
static inline int tml__cls32(int32_t x)
{
    return x == 0 ? 31 : tml_clz32((uint32_t)(x < 0 ? ~x : x)) - 1;
}

static inline int32_t tml_div_q_one(const tml_div_s8_params *p, int32_t a, int32_t b)
{
    int32_t v1 = a + p->input1_offset, v2 = b + p->input2_offset;
    int32_t inv, unscaled, r;
    int clz, headroom, total;
    if (v2 < 0) {
        v1 = -v1;
        v2 = -v2;
    }
    /* TFLM's GetReciprocal(v2, 31): v2 normalised to [1, 2), 1/v2 as 1/(1 + x), x in Q0.31 */
    clz = tml_clz32((uint32_t)v2);
    inv = tml_fx_one_over_one_plus_x((int32_t)((clz < 32 ? (uint32_t)v2 << clz : 0u) - 0x80000000u));
    headroom = tml__cls32(v1);
    unscaled = tml_sat_rounding_doubling_high_mul((int32_t)((uint32_t)v1 << headroom), inv);
    total = p->output_shift - (31 - clz) - headroom;  /* in (-64, 0] for output_shift in [-24, 21] */
    r = tml_sat_rounding_doubling_high_mul(unscaled, p->output_multiplier);
    /* a right shift of 32 or more: TFLM's rounding division on a Cortex-M (ASR fills with the sign bit,
     * the rounding mask is all ones) gives 1 for r >= 0 and -1 for r < 0 */
    r = total <= -32 ? (r < 0 ? -1 : 1) : tml_rounding_divide_by_pot(r, -total);
    return tml_clamp_i32(r + p->output_offset, p->act_min, p->act_max);
}

static inline void tml_div_s8_row(const tml_div_s8_params *p, int32_t n, const int8_t *a, int32_t sa,
                                  const int8_t *b, int32_t sb, int8_t *out)
{
    int32_t i;
    for (i = 0; i < n; i++) {
        out[i] = (int8_t)tml_div_q_one(p, a[i * sa], b[i * sb]);
    }
}

static inline void tml_div_f32_row(const tml_div_f32_params *p, int32_t n, const float *a, int32_t sa,
                                   const float *b, int32_t sb, float *out)
{
    int32_t i;
    for (i = 0; i < n; i++) {
        out[i] = tml_clamp_f32(a[i * sa] / b[i * sb], p->act_min, p->act_max);
    }
}

/** a / b truncated; x / 0 = 0 and INT32_MIN / -1 = INT32_MIN (Cortex-M SDIV; undefined in C). */
static inline int32_t tml__div_i32(int32_t a, int32_t b)
{
    if (b == 0) {
        return 0;
    }
    if (b == -1) {
        return (int32_t)(0u - (uint32_t)a);
    }
    return a / b;
}

static inline void tml_div_i32_row(const tml_div_i32_params *p, int32_t n, const int32_t *a, int32_t sa,
                                   const int32_t *b, int32_t sb, int32_t *out)
{
    int32_t i;
    for (i = 0; i < n; i++) {
        out[i] = tml_clamp_i32(tml__div_i32(a[i * sa], b[i * sb]), p->act_min, p->act_max);
    }
}

/* ------------------------------------------------------------ MAXIMUM, MINIMUM */

/* One row function per op and type: out = a CMP b ? a : b. */
#define TML__MINMAX_ROW(NAME, T, CMP)                                                                    \
    static inline void NAME(const tml_binary_shape_params *p, int32_t n, const T *a, int32_t sa,        \
                            const T *b, int32_t sb, T *out)                                              \
    {                                                                                                    \
        int32_t i;                                                                                       \
        (void)p;                                                                                         \
        for (i = 0; i < n; i++) {                                                                        \
            const T x = a[i * sa], y = b[i * sb];                                                        \
            out[i] = x CMP y ? x : y;                                                                    \
        }                                                                                                \
    }
TML__MINMAX_ROW(tml_maximum_s8_row, int8_t, >)
TML__MINMAX_ROW(tml_maximum_s16_row, int16_t, >)
TML__MINMAX_ROW(tml_maximum_i32_row, int32_t, >)
TML__MINMAX_ROW(tml_maximum_i64_row, int64_t, >)
TML__MINMAX_ROW(tml_maximum_f32_row, float, >)
TML__MINMAX_ROW(tml_minimum_s8_row, int8_t, <)
TML__MINMAX_ROW(tml_minimum_s16_row, int16_t, <)
TML__MINMAX_ROW(tml_minimum_i32_row, int32_t, <)
TML__MINMAX_ROW(tml_minimum_i64_row, int64_t, <)
TML__MINMAX_ROW(tml_minimum_f32_row, float, <)
#undef TML__MINMAX_ROW

/* ------------------------------------------------------------ SQUARED_DIFFERENCE */

static inline int32_t tml_squared_difference_q_one(const tml_squared_difference_s8_params *p, int32_t a,
                                                   int32_t b)
{
    const int32_t x1 = (int32_t)((uint32_t)(a + p->input1_offset) << p->left_shift);
    const int32_t x2 = (int32_t)((uint32_t)(b + p->input2_offset) << p->left_shift);
    const int32_t d = tml_mul_by_quantized_mul(x1, p->input1_multiplier, p->input1_shift) -
                      tml_mul_by_quantized_mul(x2, p->input2_multiplier, p->input2_shift);
    const int32_t sq = (int32_t)((uint32_t)d * (uint32_t)d);
    const int32_t r = tml_mul_by_quantized_mul(sq, p->output_multiplier, p->output_shift) + p->output_offset;
    return tml_clamp_i32(r, p->act_min, p->act_max);
}

static inline void tml_squared_difference_s8_row(const tml_squared_difference_s8_params *p, int32_t n,
                                                 const int8_t *a, int32_t sa, const int8_t *b, int32_t sb,
                                                 int8_t *out)
{
    int32_t i;
    for (i = 0; i < n; i++) {
        out[i] = (int8_t)tml_squared_difference_q_one(p, a[i * sa], b[i * sb]);
    }
}

static inline void tml_squared_difference_s16_row(const tml_squared_difference_s16_params *p, int32_t n,
                                                  const int16_t *a, int32_t sa, const int16_t *b,
                                                  int32_t sb, int16_t *out)
{
    int32_t i;
    for (i = 0; i < n; i++) {
        out[i] = (int16_t)tml_squared_difference_q_one(p, a[i * sa], b[i * sb]);
    }
}

static inline void tml_squared_difference_f32_row(const tml_binary_shape_params *p, int32_t n, const float *a,
                                                  int32_t sa, const float *b, int32_t sb, float *out)
{
    int32_t i;
    (void)p;
    for (i = 0; i < n; i++) {
        const float d = a[i * sa] - b[i * sb];
        out[i] = d * d;
    }
}

static inline void tml_squared_difference_i32_row(const tml_binary_shape_params *p, int32_t n,
                                                  const int32_t *a, int32_t sa, const int32_t *b, int32_t sb,
                                                  int32_t *out)
{
    int32_t i;
    (void)p;
    for (i = 0; i < n; i++) {
        const uint32_t d = (uint32_t)a[i * sa] - (uint32_t)b[i * sb];
        out[i] = (int32_t)(d * d);
    }
}

/* ------------------------------------------------------------ whole tensors */

#define TML__BINARY_REF(NAME, PTYPE, T)                                                        \
    static inline void NAME##_ref(const PTYPE *p, const T *in1, const T *in2, T *out)          \
    {                                                                                          \
        TML_BINARY_DRIVE(NAME##_row, p, in1, in2, out);                                        \
    }
TML__BINARY_REF(tml_sub_s8, tml_sub_s8_params, int8_t)
TML__BINARY_REF(tml_sub_s16, tml_sub_s16_params, int16_t)
TML__BINARY_REF(tml_sub_f32, tml_sub_f32_params, float)
TML__BINARY_REF(tml_sub_i32, tml_sub_i32_params, int32_t)
TML__BINARY_REF(tml_div_s8, tml_div_s8_params, int8_t)
TML__BINARY_REF(tml_div_f32, tml_div_f32_params, float)
TML__BINARY_REF(tml_div_i32, tml_div_i32_params, int32_t)
TML__BINARY_REF(tml_maximum_s8, tml_binary_shape_params, int8_t)
TML__BINARY_REF(tml_maximum_s16, tml_binary_shape_params, int16_t)
TML__BINARY_REF(tml_maximum_i32, tml_binary_shape_params, int32_t)
TML__BINARY_REF(tml_maximum_i64, tml_binary_shape_params, int64_t)
TML__BINARY_REF(tml_maximum_f32, tml_binary_shape_params, float)
TML__BINARY_REF(tml_minimum_s8, tml_binary_shape_params, int8_t)
TML__BINARY_REF(tml_minimum_s16, tml_binary_shape_params, int16_t)
TML__BINARY_REF(tml_minimum_i32, tml_binary_shape_params, int32_t)
TML__BINARY_REF(tml_minimum_i64, tml_binary_shape_params, int64_t)
TML__BINARY_REF(tml_minimum_f32, tml_binary_shape_params, float)
TML__BINARY_REF(tml_squared_difference_s8, tml_squared_difference_s8_params, int8_t)
TML__BINARY_REF(tml_squared_difference_s16, tml_squared_difference_s16_params, int16_t)
TML__BINARY_REF(tml_squared_difference_f32, tml_binary_shape_params, float)
TML__BINARY_REF(tml_squared_difference_i32, tml_binary_shape_params, int32_t)
#undef TML__BINARY_REF

#endif /* TINYML_REF_BINARY_H */
