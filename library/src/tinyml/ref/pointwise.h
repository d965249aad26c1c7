/*
 * Reference kernels of LEAKY_RELU, PRELU, HARD_SWISH, ELU (its int8 table) and LOG_SOFTMAX: portable C,
 * bit-exact with TFLite Micro's reference kernels. Included by ops/pointwise.h (after tml_common.h, the
 * gemmlowp helpers of ref/activations.h, the broadcast iteration of ref/elementwise.h and the params).
 */
#ifndef TINYML_REF_POINTWISE_H
#define TINYML_REF_POINTWISE_H

/* ------------------------------------------------------------ LEAKY_RELU */

static inline void tml_leaky_relu_f32_ref(const tml_leaky_relu_f32_params *p, const float *input, float *output)
{
    const float alpha = p->alpha;
    int32_t i;
    for (i = 0; i < p->size; i++) {
        const float v = input[i];
        output[i] = v > 0.0f ? v : v * alpha;
    }
}

/** One element: x is the input minus its zero point; the result is not yet saturated. */
TML_ALWAYS_INLINE int32_t tml__leaky_relu_q_one(const tml_leaky_relu_q_params *p, int32_t x)
{
    int32_t v;
    if (x >= 0) {
        return p->output_zero_point + tml_mul_by_quantized_mul(x, p->multiplier_identity, p->shift_identity);
    }
    v = tml_mul_by_quantized_mul(x, p->multiplier_alpha, p->shift_alpha);
    return p->output_zero_point + (p->negate_alpha ? (int32_t)(0u - (uint32_t)v) : v);
}

static inline void tml_leaky_relu_s8_ref(const tml_leaky_relu_q_params *p, const int8_t *input, int8_t *output)
{
    int32_t i;
    for (i = 0; i < p->size; i++) {
        output[i] = (int8_t)tml_clamp_i32(tml__leaky_relu_q_one(p, input[i] - p->input_zero_point), -128, 127);
    }
}

static inline void tml_leaky_relu_s16_ref(const tml_leaky_relu_q_params *p, const int16_t *input, int16_t *output)
{
    int32_t i;
    for (i = 0; i < p->size; i++) {
        output[i] = (int16_t)tml_clamp_i32(tml__leaky_relu_q_one(p, input[i] - p->input_zero_point), -32768, 32767);
    }
}

/* ------------------------------------------------------------ PRELU */

static inline void tml__prelu_f32_row(const tml_prelu_f32_params *p, int32_t n, const float *in, int32_t si,
                                      const float *alpha, int32_t sa, float *out)
{
    int32_t k;
    (void)p;
    for (k = 0; k < n; k++) {
        const float v = in[k * si];
        out[k] = v >= 0.0f ? v : v * alpha[k * sa];
    }
}

static inline void tml_prelu_f32_ref(const tml_prelu_f32_params *p, const float *input, const float *alpha,
                                     float *output)
{
    if (p->size > 0) {
        TML_BINARY_DRIVE(tml__prelu_f32_row, p, input, alpha, output);
    }
}

/** One element: x the input plus its offset, a the alpha plus its offset; not yet saturated. */
TML_ALWAYS_INLINE int32_t tml__prelu_q_one(const tml_prelu_s8_params *p, int32_t x, int32_t a)
{
    return p->output_offset + (x >= 0 ? tml_mul_by_quantized_mul(x, p->output_multiplier_1, p->output_shift_1)
                                      : tml_mul_by_quantized_mul(x * a, p->output_multiplier_2, p->output_shift_2));
}

static inline void tml__prelu_s8_row(const tml_prelu_s8_params *p, int32_t n, const int8_t *in, int32_t si,
                                     const int8_t *alpha, int32_t sa, int8_t *out)
{
    int32_t k;
    for (k = 0; k < n; k++) {
        const int32_t v = tml__prelu_q_one(p, in[k * si] + p->input_offset, alpha[k * sa] + p->alpha_offset);
        out[k] = (int8_t)tml_clamp_i32(v, -128, 127);
    }
}

static inline void tml__prelu_s16_row(const tml_prelu_s16_params *p, int32_t n, const int16_t *in, int32_t si,
                                      const int8_t *alpha, int32_t sa, int16_t *out)
{
    int32_t k;
    for (k = 0; k < n; k++) {
        const int32_t v = tml__prelu_q_one(p, in[k * si] + p->input_offset, alpha[k * sa] + p->alpha_offset);
        out[k] = (int16_t)tml_clamp_i32(v, -32768, 32767);
    }
}

static inline void tml_prelu_s8_ref(const tml_prelu_s8_params *p, const int8_t *input, const int8_t *alpha,
                                    int8_t *output)
{
    if (p->size > 0) {
        TML_BINARY_DRIVE(tml__prelu_s8_row, p, input, alpha, output);
    }
}

static inline void tml_prelu_s16_ref(const tml_prelu_s16_params *p, const int16_t *input, const int8_t *alpha,
                                     int16_t *output)
{
    if (p->size > 0) {
        TML_BINARY_DRIVE(tml__prelu_s16_row, p, input, alpha, output);
    }
}

/* ------------------------------------------------------------ HARD_SWISH */

static inline void tml_hard_swish_f32_ref(const tml_pointwise_f32_params *p, const float *input, float *output)
{
    int32_t i;
    for (i = 0; i < p->size; i++) {
        const float v = input[i];
        const float s = v + 3.0f;
        const float lo = 0.0f < s ? s : 0.0f;      /* std::max(0, v + 3) */
        const float c = lo < 6.0f ? lo : 6.0f;     /* std::min(6, ...) */
        output[i] = v * c / 6.0f;
    }
}

/* gemmlowp's int16 primitives, with their int16 wrap-arounds. */

/** SaturatingRoundingDoublingHighMul on int16. */
TML_ALWAYS_INLINE int16_t tml__pw_srdhm16(int16_t a, int16_t b)
{
    const int32_t ab = (int32_t)a * (int32_t)b;
    if (a == INT16_MIN && b == INT16_MIN) {
        return INT16_MAX;
    }
    return (int16_t)((ab + (ab >= 0 ? (1 << 14) : 1 - (1 << 14))) / (1 << 15));
}

/** SaturatingDoublingHighMul: the same, truncated toward zero. */
TML_ALWAYS_INLINE int16_t tml__pw_sdhm16(int16_t a, int16_t b)
{
    if (a == INT16_MIN && b == INT16_MIN) {
        return INT16_MAX;
    }
    return (int16_t)(((int32_t)a * (int32_t)b) / (1 << 15));
}

/** RoundingDivideByPOT on int16, exponent 0..31 (the mask is the low 16 bits of 2^exponent - 1). */
TML_ALWAYS_INLINE int16_t tml__pw_rdbpot16(int16_t x, int exponent)
{
    const int16_t mask = (int16_t)(uint16_t)(((uint64_t)1 << exponent) - 1u);
    const int16_t remainder = (int16_t)(x & mask);
    const int16_t threshold = (int16_t)((mask >> 1) + (x < 0 ? 1 : 0));
    return (int16_t)((x >> exponent) + (remainder > threshold ? 1 : 0));
}

/** SaturatingLeftShift on int16, amount 0..30. */
TML_ALWAYS_INLINE int16_t tml__pw_sat_shl16(int16_t x, int amount)
{
    const int64_t v = (int64_t)x * ((int64_t)1 << amount);
    return (int16_t)(v > INT16_MAX ? INT16_MAX : (v < INT16_MIN ? INT16_MIN : v));
}

/** One element of the int8 HARD_SWISH (TFLM's reference_ops::HardSwish). */
TML_ALWAYS_INLINE int8_t tml__hard_swish_s8_one(const tml_hard_swish_s8_params *p, int32_t in)
{
    const int16_t hires = (int16_t)((in - p->input_zero_point) * 128);
    const int16_t preshift = tml__pw_srdhm16(hires, (int16_t)p->output_multiplier);
    const int re = (int)p->reluish_exponent;
    int16_t reluish = hires;
    int16_t out;
    if (re > 0) {
        reluish = tml__pw_sat_shl16(reluish, re - 1);
    }
    reluish = tml__pw_srdhm16(reluish, (int16_t)p->reluish_multiplier);
    if (re > 0) {
        reluish = tml__pw_sat_shl16(reluish, 1);
    }
    if (re < 0) {
        reluish = tml__pw_rdbpot16(reluish, -re);
    }
    reluish = (int16_t)((reluish + (1 << 15)) >> 1);
    out = tml__pw_rdbpot16(tml__pw_sdhm16(reluish, preshift), -(int)p->output_exponent);
    out = (int16_t)(out + p->output_zero_point);
    return (int8_t)(out > 127 ? 127 : (out < -128 ? -128 : out));
}

static inline void tml_hard_swish_s8_ref(const tml_hard_swish_s8_params *p, const int8_t *input, int8_t *output)
{
    int32_t i;
    for (i = 0; i < p->size; i++) {
        output[i] = tml__hard_swish_s8_one(p, input[i]);
    }
}

/* ------------------------------------------------------------ ELU (and any int8 table) */

static inline void tml_elu_f32_ref(const tml_pointwise_f32_params *p, const float *input, float *output)
{
    int32_t i;
    for (i = 0; i < p->size; i++) {
        const float v = input[i];
        output[i] = v < 0.0f ? expm1f(v) : v;
    }
}

static inline void tml_elu_s8_ref(const tml_elu_s8_params *p, const int8_t *input, int8_t *output)
{
    int32_t i;
    for (i = 0; i < p->size; i++) {
        output[i] = p->table[(uint8_t)input[i]];
    }
}

/* ------------------------------------------------------------ LOG_SOFTMAX */

static inline void tml_log_softmax_f32_ref(const tml_log_softmax_f32_params *p, const float *input, float *output)
{
    int32_t i, c;
    for (i = 0; i < p->outer; i++) {
        const float *in = input + i * p->depth;
        float *out = output + i * p->depth;
        float max = -3.40282347e+38f;
        float sum = 0.0f, log_sum;
        for (c = 0; c < p->depth; c++) {
            max = max < in[c] ? in[c] : max;   /* std::max(max, x) */
        }
        for (c = 0; c < p->depth; c++) {
            sum += expf(in[c] - max);
        }
        log_sum = logf(sum);
        for (c = 0; c < p->depth; c++) {
            out[c] = in[c] - max - log_sum;
        }
    }
}

TML_ALWAYS_INLINE int32_t tml__pw_sat_add(int32_t a, int32_t b)
{
    const int64_t s = (int64_t)a + b;
    return (int32_t)(s > INT32_MAX ? INT32_MAX : (s < INT32_MIN ? INT32_MIN : s));
}

TML_ALWAYS_INLINE int32_t tml__pw_sat_sub(int32_t a, int32_t b)
{
    const int64_t s = (int64_t)a - b;
    return (int32_t)(s > INT32_MAX ? INT32_MAX : (s < INT32_MIN ? INT32_MIN : s));
}

/** TFLM's log_x_for_x_greater_than_or_equal_to_1<5>(x) for x in Q12.19: log(x) in Q5.26 (accumulated
 *  in Q6.25). */
static inline int32_t tml__pw_log_q12_to_q5(int32_t x)
{
    const int32_t log_2 = 1488522236, sqrt_sqrt_half = 1805811301, sqrt_half = 1518500250;
    const int32_t alpha_n = 117049297, alpha_d = 127690142, alpha_i = 1057819769, alpha_f = 638450708;
    const int32_t shifted_quarter = tml_rounding_divide_by_pot(536870912, 6); /* 1/4 in Q6.25 */
    const int za_headroom_plus_1 = tml_clz32((uint32_t)x);
    const int32_t r_a_tmp = tml_fx_mul_pot(x, za_headroom_plus_1 - 1);
    const int32_t r_a = tml_fx_mul_pot(tml_fx_mul(r_a_tmp, sqrt_half), 1);
    const int32_t za_adj = tml__pw_sat_add(tml_fx_mul_pot(12 - za_headroom_plus_1, 25), shifted_quarter);
    const int32_t z_b = tml_fx_mul(x, sqrt_half);
    const int zb_headroom = tml_clz32((uint32_t)z_b) - 1;
    const int32_t r_b = tml_fx_mul_pot(x, zb_headroom);
    const int32_t zb_adj = tml__pw_sat_sub(tml_fx_mul_pot(12 - zb_headroom, 25), shifted_quarter);
    const int32_t r = r_a < r_b ? r_a : r_b;
    const int32_t z_adj = za_adj > zb_adj ? za_adj : zb_adj;
    const int32_t pp = tml_fx_rounding_half_sum(r, sqrt_sqrt_half);
    int32_t q = tml_fx_sub(r, sqrt_sqrt_half);
    int32_t common_sq, num, denom, recip;
    q = tml_fx_add(q, q);
    common_sq = tml_fx_mul(q, q);
    num = tml_fx_add(tml_fx_mul(q, r), tml_fx_mul(tml_fx_mul(q, common_sq), alpha_n));
    denom = tml_fx_add(tml_fx_mul(pp, tml_fx_add(tml_fx_add(alpha_i, q), tml_fx_mul(alpha_d, common_sq))),
                       tml_fx_mul(alpha_f, q));
    recip = tml_fx_one_over_one_plus_x(denom);
    return tml_fx_mul_pot(tml_fx_add(tml_fx_mul(z_adj, log_2),
                                     tml_fx_mul(tml_rounding_divide_by_pot(num, 6), recip)), 1);
}

static inline void tml_log_softmax_s8_ref(const tml_log_softmax_s8_params *p, const int8_t *input, int8_t *output)
{
    int32_t i, c;
    for (i = 0; i < p->outer; i++) {
        const int8_t *in = input + i * p->depth;
        int8_t *out = output + i * p->depth;
        int32_t max = -128, sum = 0, log_sum, adjusted_diff_min, back;
        for (c = 0; c < p->depth; c++) {
            max = in[c] > max ? in[c] : max;
        }
        for (c = 0; c < p->depth; c++) {
            const int32_t diff = (int32_t)in[c] - max;
            if (diff >= p->diff_min) {
                const int32_t d5 = tml_mul_by_quantized_mul(diff, p->input_multiplier, p->input_left_shift);
                sum = tml_fx_add(sum, tml_rounding_divide_by_pot(tml_fx_exp_on_negative_values(d5, 5), 12));
            }
        }
        log_sum = tml__pw_log_q12_to_q5(sum);
        back = tml_mul_by_quantized_mul(tml_fx_add(log_sum, INT32_MIN), p->reverse_scaling_divisor,
                                        -p->reverse_scaling_right_shift);
        adjusted_diff_min = p->diff_min - 1 > back ? p->diff_min - 1 : back;
        for (c = 0; c < p->depth; c++) {
            const int32_t diff = (int32_t)in[c] - max;
            int32_t v = -128;
            if (diff > adjusted_diff_min) {
                const int32_t d5 = tml_mul_by_quantized_mul(diff, p->input_multiplier, p->input_left_shift);
                v = tml_clamp_i32(tml_rounding_divide_by_pot(tml_fx_sub(d5, log_sum), 22) + 127, -128, 127);
            }
            out[c] = (int8_t)v;
        }
    }
}

#endif /* TINYML_REF_POINTWISE_H */
