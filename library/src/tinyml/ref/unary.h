/*
 * Reference kernels of the unary math operators (EXP, LOG, SQRT, RSQRT, ABS, NEG,
 * L2_NORMALIZATION): portable C, bit-exact with TFLite Micro's reference kernels.
 * Included by ops/unary.h (after tml_common.h, ops/activations.h and the params structs).
 */
#ifndef TINYML_REF_UNARY_H
#define TINYML_REF_UNARY_H

/* ------------------------------------------------------------ float32 */

static inline void tml_exp_f32_ref(const tml_unary_params *p, const float *input, float *output)
{
    int32_t i;
    for (i = 0; i < p->size; i++) {
        output[i] = expf(input[i]);
    }
}

static inline void tml_log_f32_ref(const tml_unary_params *p, const float *input, float *output)
{
    int32_t i;
    for (i = 0; i < p->size; i++) {
        output[i] = logf(input[i]);
    }
}

static inline void tml_sqrt_f32_ref(const tml_unary_params *p, const float *input, float *output)
{
    int32_t i;
    for (i = 0; i < p->size; i++) {
        output[i] = sqrtf(input[i]);
    }
}

static inline void tml_rsqrt_f32_ref(const tml_unary_params *p, const float *input, float *output)
{
    int32_t i;
    for (i = 0; i < p->size; i++) {
        output[i] = 1.0f / sqrtf(input[i]);
    }
}

static inline void tml_abs_f32_ref(const tml_unary_params *p, const float *input, float *output)
{
    int32_t i;
    for (i = 0; i < p->size; i++) {
        output[i] = fabsf(input[i]);
    }
}

static inline void tml_neg_f32_ref(const tml_unary_params *p, const float *input, float *output)
{
    int32_t i;
    for (i = 0; i < p->size; i++) {
        output[i] = -input[i];
    }
}

/* ------------------------------------------------------------ integer */

/** |x| of a plain int16, wrapping at -32768. */
static inline void tml_abs_i16_ref(const tml_unary_params *p, const int16_t *input, int16_t *output)
{
    int32_t i;
    for (i = 0; i < p->size; i++) {
        const int32_t x = input[i];
        output[i] = (int16_t)(uint16_t)(uint32_t)(x < 0 ? -x : x);
    }
}

/** |q - input_offset| in the output's quantization, not yet saturated. */
static inline int32_t tml_abs_q_one(const tml_abs_q_params *p, int32_t q)
{
    int32_t v = q - p->input_offset;
    v = v < 0 ? -v : v;
    if (p->rescale) {
        v = tml_mul_by_quantized_mul(v, p->output_multiplier, (int)p->output_shift);
    }
    return (int32_t)((uint32_t)v + (uint32_t)p->output_offset);
}

static inline void tml_abs_s8_ref(const tml_abs_q_params *p, const int8_t *input, int8_t *output)
{
    int32_t i;
    for (i = 0; i < p->size; i++) {
        output[i] = (int8_t)tml_clamp_i32(tml_abs_q_one(p, input[i]), -128, 127);
    }
}

static inline void tml_abs_s16_ref(const tml_abs_q_params *p, const int16_t *input, int16_t *output)
{
    int32_t i;
    for (i = 0; i < p->size; i++) {
        output[i] = (int16_t)tml_clamp_i32(tml_abs_q_one(p, input[i]), -32768, 32767);
    }
}

/** 1/sqrt(x) as a multiplier and a (left) shift, TFLM's GetInvSqrtQuantizedMultiplierExp with
 *  kReverseShift: x normalized to [2^27, 2^29) by pairs of bits, five Newton-Raphson steps in Q3.28
 *  from 1, times sqrt(2)/2. x <= 1 gives (INT32_MAX, 0). */
static inline void tml_inv_sqrt_quantized(int32_t x, int32_t *multiplier, int32_t *shift)
{
    const int32_t half_three = (1 << 28) + (1 << 27);   /* 1.5 in Q3.28 */
    int32_t s = 11, half, v, pairs;
    int i;
    if (x <= 1) {
        *multiplier = INT32_MAX;
        *shift = 0;
        return;
    }
    while (x >= (1 << 29)) {
        x /= 4;
        s++;
    }
    pairs = (int32_t)(((uint32_t)tml_clz32((uint32_t)x) - 1u) / 2u - 1u);
    s -= pairs;
    x = (int32_t)((uint32_t)x << (2 * pairs));
    half = tml_rounding_divide_by_pot(x >> 1, 1);
    v = 1 << 28;
    for (i = 0; i < 5; i++) {
        const int32_t v3 = tml_fx_mul_pot(tml_fx_mul(tml_fx_mul(v, v), v), 6);
        v = tml_fx_mul_pot(tml_fx_sub(tml_fx_mul(half_three, v), tml_fx_mul(half, v3)), 3);
    }
    v = tml_fx_mul(v, 1518500250);   /* sqrt(2)/2 in Q0.31 */
    if (s < 0) {
        v = (int32_t)((uint32_t)v << -s);
        s = 0;
    }
    *multiplier = v;
    *shift = -s;
}

/** RSQRT of one quantized value, not yet saturated; `max` for an input at the zero point. */
static inline int32_t tml_rsqrt_q_one(const tml_rsqrt_q_params *p, int32_t q, int32_t max)
{
    const int32_t v = q - p->input_offset;
    int32_t m, s, root;
    if (v == 0) {
        return max;
    }
    tml_inv_sqrt_quantized(v, &m, &s);
    root = tml_mul_by_quantized_mul(1, m, (int)(s + 20));   /* 2^20 / sqrt(v) */
    root = tml_mul_by_quantized_mul(root, p->output_multiplier, (int)p->output_shift);
    return (int32_t)((uint32_t)root + (uint32_t)p->output_offset);
}

static inline void tml_rsqrt_s8_ref(const tml_rsqrt_q_params *p, const int8_t *input, int8_t *output)
{
    int32_t i;
    for (i = 0; i < p->size; i++) {
        output[i] = (int8_t)tml_clamp_i32(tml_rsqrt_q_one(p, input[i], 127), -128, 127);
    }
}

static inline void tml_rsqrt_s16_ref(const tml_rsqrt_q_params *p, const int16_t *input, int16_t *output)
{
    int32_t i;
    for (i = 0; i < p->size; i++) {
        output[i] = (int16_t)tml_clamp_i32(tml_rsqrt_q_one(p, input[i], 32767), -32768, 32767);
    }
}

/* ------------------------------------------------------------ L2_NORMALIZATION */

TML_FLOAT static inline void tml_l2norm_f32_ref(const tml_l2norm_f32_params *p, const float *input, float *output)
{
    TML_FP_EXACT
    int32_t i, c;
    for (i = 0; i < p->outer; i++) {
        const float *in = input + (size_t)i * (size_t)p->depth;
        float *out = output + (size_t)i * (size_t)p->depth;
        float sum = 0.0f, norm;
        for (c = 0; c < p->depth; c++) {
            const float v = in[c];
            const float sq = v * v;
            sum = sum + sq;
        }
        norm = sqrtf(sum);
        norm = norm < 1e-6f ? 1e-6f : norm;
        for (c = 0; c < p->depth; c++) {
            out[c] = in[c] / norm;
        }
    }
}

static inline void tml_l2norm_s8_ref(const tml_l2norm_s8_params *p, const int8_t *input, int8_t *output)
{
    int32_t i, c;
    for (i = 0; i < p->outer; i++) {
        const int8_t *in = input + (size_t)i * (size_t)p->depth;
        int8_t *out = output + (size_t)i * (size_t)p->depth;
        int32_t acc = 0, m, s;
        for (c = 0; c < p->depth; c++) {
            const int32_t d = in[c] - p->input_zero_point;
            acc += d * d;
        }
        tml_inv_sqrt_quantized(acc, &m, &s);
        for (c = 0; c < p->depth; c++) {
            const int32_t v = tml_mul_by_quantized_mul(in[c] - p->input_zero_point, m, (int)(s + 7));
            out[c] = (int8_t)tml_clamp_i32(v, -128, 127);
        }
    }
}

#endif /* TINYML_REF_UNARY_H */
