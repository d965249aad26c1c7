/*
 * Reference kernels of the activations (SOFTMAX, LOGISTIC, TANH, RELU, RELU6) and the gemmlowp
 * fixed-point helpers they use: portable C, bit-exact with TFLite Micro's reference kernels.
 * Included by ops/activations.h (after tml_common.h and the params structs).
 */
#ifndef TINYML_REF_ACTIVATIONS_H
#define TINYML_REF_ACTIVATIONS_H

/* ------------------------------------------------------------ gemmlowp fixed point */

/** SaturatingRoundingMultiplyByPOT: saturating left shift (exponent > 0) or rounding right shift. */
static inline int32_t tml_fx_mul_pot(int32_t x, int exponent)
{
    if (exponent > 0) {
        const int32_t threshold = (int32_t)((1u << (31 - exponent)) - 1u);
        if (x > threshold) {
            return INT32_MAX;
        }
        if (x < -threshold) {
            return INT32_MIN;
        }
        return (int32_t)((uint32_t)x << exponent);
    }
    if (exponent < 0) {
        return tml_rounding_divide_by_pot(x, -exponent);
    }
    return x;
}

static inline int32_t tml_fx_mul(int32_t a, int32_t b)
{
    return tml_sat_rounding_doubling_high_mul(a, b);
}

static inline int32_t tml_fx_add(int32_t a, int32_t b)
{
    return (int32_t)((uint32_t)a + (uint32_t)b);
}

static inline int32_t tml_fx_sub(int32_t a, int32_t b)
{
    return (int32_t)((uint32_t)a - (uint32_t)b);
}

/** exp(a) for a in [-1/4, 0), Q0.31 in and out. */
static inline int32_t tml_fx_exp_quarter(int32_t a)
{
    const int32_t constant_term = 1895147668;   /* exp(-1/8) */
    const int32_t one_third = 715827883;
    const int32_t x = tml_fx_add(a, 1 << 28);   /* a + 1/8 */
    const int32_t x2 = tml_fx_mul(x, x);
    const int32_t x3 = tml_fx_mul(x2, x);
    const int32_t x4 = tml_fx_mul(x2, x2);
    const int32_t x4_over_4 = tml_rounding_divide_by_pot(x4, 2);
    const int32_t poly = tml_rounding_divide_by_pot(
        tml_fx_add(tml_fx_mul(tml_fx_add(x4_over_4, x3), one_third), x2), 1);
    return tml_fx_add(constant_term, tml_fx_mul(constant_term, tml_fx_add(x, poly)));
}

/** exp(a) for a <= 0 given with `integer_bits` integer bits; result in Q0.31. */
static inline int32_t tml_fx_exp_on_negative_values(int32_t a, int integer_bits)
{
    static const int32_t multipliers[7] = {1672461947, 1302514674, 790015084, 290630308,
                                           39332535, 720401, 242};
    const int fractional_bits = 31 - integer_bits;
    const int32_t one_quarter = (int32_t)1 << (fractional_bits - 2);
    const int32_t mask = one_quarter - 1;
    const int32_t a_mod_quarter_minus_one_quarter = tml_fx_sub(a & mask, one_quarter);
    int32_t result = tml_fx_exp_quarter(tml_fx_mul_pot(a_mod_quarter_minus_one_quarter, integer_bits));
    const int32_t remainder = tml_fx_sub(a_mod_quarter_minus_one_quarter, a);
    int e;
    for (e = -2; e <= 4; e++) {
        if (integer_bits > e) {
            const int shift = fractional_bits + e;
            if ((uint32_t)remainder & ((uint32_t)1 << shift)) {
                result = tml_fx_mul(result, multipliers[e + 2]);
            }
        }
    }
    if (integer_bits > 5) {
        const int32_t clamp = -((int32_t)1 << (36 - integer_bits));  /* -32.0 */
        if (a < clamp) {
            result = 0;
        }
    }
    if (a == 0) {
        result = INT32_MAX;
    }
    return result;
}

/* Newton-Raphson for 1/(1 + a), a in [0, 1): returns x in Q2.29, half_denominator in Q0.31. */
static inline int32_t tml_fx_newton_reciprocal(int32_t half_denominator)
{
    const int32_t constant_48_over_17 = 1515870810;
    const int32_t constant_neg_32_over_17 = -1010580540;
    int32_t x = tml_fx_add(constant_48_over_17, tml_fx_mul(half_denominator, constant_neg_32_over_17));
    int i;
    for (i = 0; i < 3; i++) {
        const int32_t half_denominator_times_x = tml_fx_mul(half_denominator, x);
        const int32_t one_minus = tml_fx_sub((int32_t)1 << 29, half_denominator_times_x);
        x = tml_fx_add(x, tml_fx_mul_pot(tml_fx_mul(x, one_minus), 2));
    }
    return x;
}

static inline int32_t tml_fx_rounding_half_sum(int32_t a, int32_t b)
{
    const int64_t sum = (int64_t)a + (int64_t)b;
    const int64_t sign = sum >= 0 ? 1 : -1;
    return (int32_t)((sum + sign) / 2);
}

/** 1/(1 + a) for a in [0, 1), Q0.31 in and out. */
static inline int32_t tml_fx_one_over_one_plus_x(int32_t a)
{
    const int32_t x = tml_fx_newton_reciprocal(tml_fx_rounding_half_sum(a, INT32_MAX));
    return tml_fx_mul_pot(x, 1);
}

/** (1 - a)/(1 + a) for a in [0, 1), Q0.31 in and out. */
static inline int32_t tml_fx_one_minus_x_over_one_plus_x(int32_t a)
{
    const int32_t x = tml_fx_newton_reciprocal(tml_fx_rounding_half_sum(a, INT32_MAX));
    return tml_fx_mul_pot(tml_fx_sub(x, (int32_t)1 << 29), 2);
}

/** logistic(a), a with `integer_bits` integer bits, result Q0.31. */
static inline int32_t tml_fx_logistic(int32_t a, int integer_bits)
{
    int32_t abs_a, pos;
    if (a == 0) {
        return (int32_t)1 << 30;
    }
    abs_a = a > 0 ? a : tml_fx_sub(0, a);
    pos = tml_fx_one_over_one_plus_x(tml_fx_exp_on_negative_values(tml_fx_sub(0, abs_a), integer_bits));
    return a > 0 ? pos : tml_fx_sub(INT32_MAX, pos);
}

/** tanh(a), a with `integer_bits` integer bits, result Q0.31. */
static inline int32_t tml_fx_tanh(int32_t a, int integer_bits)
{
    int32_t n, t;
    if (a == 0) {
        return 0;
    }
    n = a < 0 ? a : tml_fx_sub(0, a);
    /* exp(2n): same raw value read with one more integer bit */
    t = tml_fx_one_minus_x_over_one_plus_x(tml_fx_exp_on_negative_values(n, integer_bits + 1));
    return a < 0 ? tml_fx_sub(0, t) : t;
}

/** Count leading zero bits of a 32-bit value (32 for 0). */
static inline int tml_clz32(uint32_t x)
{
    int n = 0;
    if (x == 0) {
        return 32;
    }
    while (!(x & 0x80000000u)) {
        x <<= 1;
        n++;
    }
    return n;
}

/** TFLite's int16 LUT lookup with interpolation (513-entry table). */
static inline int16_t tml_lut_lookup_s16(int32_t value, const int16_t *lut)
{
    const int32_t index = (value + 32768) >> 7;
    const int32_t offset = (value + 32768) & 0x7f;
    const int32_t base = lut[index];
    const int32_t slope = (int16_t)(lut[index + 1] - lut[index]);  /* int16 as in TFLM */
    const int32_t delta = (slope * offset + 64) >> 7;
    return (int16_t)(base + delta);
}

/* ------------------------------------------------------------ SOFTMAX */

static inline void tml_softmax_f32_ref(const tml_softmax_f32_params *p, const float *input, float *output)
{
    int32_t i, c;
    for (i = 0; i < p->outer; i++) {
        const float *in = input + i * p->depth;
        float *out = output + i * p->depth;
        float max = in[0];
        float sum = 0.0f;
        for (c = 1; c < p->depth; c++) {
            max = in[c] > max ? in[c] : max;
        }
        for (c = 0; c < p->depth; c++) {
            const float e = expf((in[c] - max) * p->beta);
            out[c] = e;
            sum += e;
        }
        for (c = 0; c < p->depth; c++) {
            out[c] = out[c] / sum;
        }
    }
}

/* Shared by int8 -> int8 and int8 -> int16: writes int32 values already clamped to the
 * output range through the `store` switch (out_bits 8 or 16). */
static inline void tml_softmax_s8_any_ref(const tml_softmax_s8_params *p, const int8_t *input, void *output,
                                          int out_bits)
{
    const int32_t out_min = out_bits == 8 ? -128 : -32768;
    const int32_t out_max = out_bits == 8 ? 127 : 32767;
    int32_t i, c;
    for (i = 0; i < p->outer; i++) {
        const int8_t *in = input + i * p->depth;
        int32_t max = -128;
        int32_t sum_of_exps = 0;   /* Q12.19 */
        int headroom_plus_one, num_bits_over_unit, exponent;
        int32_t shifted_scale;
        for (c = 0; c < p->depth; c++) {
            max = in[c] > max ? in[c] : max;
        }
        for (c = 0; c < p->depth; c++) {
            const int32_t diff = (int32_t)in[c] - max;
            if (diff >= p->diff_min) {
                const int32_t rescaled = tml_sat_rounding_doubling_high_mul(
                    (int32_t)((uint32_t)diff << p->input_left_shift), p->input_multiplier);
                sum_of_exps = tml_fx_add(sum_of_exps,
                    tml_rounding_divide_by_pot(tml_fx_exp_on_negative_values(rescaled, 5), 12));
            }
        }
        headroom_plus_one = tml_clz32((uint32_t)sum_of_exps);
        num_bits_over_unit = 12 - headroom_plus_one;
        shifted_scale = tml_fx_one_over_one_plus_x(
            (int32_t)(((uint32_t)sum_of_exps << headroom_plus_one) - ((uint32_t)1 << 31)));
        exponent = num_bits_over_unit + 31 - out_bits;
        for (c = 0; c < p->depth; c++) {
            const int32_t diff = (int32_t)in[c] - max;
            int32_t v = out_min;
            if (diff >= p->diff_min) {
                const int32_t rescaled = tml_sat_rounding_doubling_high_mul(
                    (int32_t)((uint32_t)diff << p->input_left_shift), p->input_multiplier);
                const int32_t e = tml_fx_exp_on_negative_values(rescaled, 5);
                v = tml_rounding_divide_by_pot(tml_fx_mul(shifted_scale, e), exponent) + out_min;
                v = tml_clamp_i32(v, out_min, out_max);
            }
            if (out_bits == 8) {
                ((int8_t *)output)[i * p->depth + c] = (int8_t)v;
            } else {
                ((int16_t *)output)[i * p->depth + c] = (int16_t)v;
            }
        }
    }
}

static inline void tml_softmax_s8_ref(const tml_softmax_s8_params *p, const int8_t *input, int8_t *output)
{
    tml_softmax_s8_any_ref(p, input, output, 8);
}

static inline void tml_softmax_s8_s16_ref(const tml_softmax_s8_params *p, const int8_t *input, int16_t *output)
{
    tml_softmax_s8_any_ref(p, input, output, 16);
}

static inline void tml_softmax_s16_ref(const tml_softmax_s16_params *p, const int16_t *input, int16_t *output)
{
    int32_t i, c;
    for (i = 0; i < p->outer; i++) {
        const int16_t *in = input + i * p->depth;
        int16_t *out = output + i * p->depth;
        int32_t max = -32768;
        int32_t sum_of_exps = 0;   /* Q16.15 */
        int headroom_plus_one, right_shift;
        int32_t shifted_sum;
        int16_t reciprocal;
        int64_t round;
        for (c = 0; c < p->depth; c++) {
            max = in[c] > max ? in[c] : max;
        }
        for (c = 0; c < p->depth; c++) {
            const int32_t diff = (int32_t)in[c] - max;
            const int32_t scaled = tml_mul_by_quantized_mul(diff, p->input_multiplier, p->input_left_shift);
            out[c] = tml_lut_lookup_s16(tml_clamp_i32(scaled + 32767, -32768, 32767), p->exp_lut);
            sum_of_exps += out[c];
        }
        headroom_plus_one = tml_clz32((uint32_t)sum_of_exps);
        shifted_sum = (int32_t)((((int64_t)sum_of_exps << (headroom_plus_one - 1)) + (1 << 13)) >> 14);
        reciprocal = tml_lut_lookup_s16(tml_clamp_i32(shifted_sum - ((1 << 15) + (1 << 16)), -32768, 32767),
                                        p->one_over_one_plus_x_lut);
        right_shift = 31 - headroom_plus_one;
        round = (int64_t)1 << (right_shift - 1);
        for (c = 0; c < p->depth; c++) {
            const int32_t r = (int32_t)(((int64_t)out[c] * (int64_t)reciprocal + round) >> right_shift);
            out[c] = (int16_t)tml_clamp_i32(r, 0, 32767);
        }
    }
}

/* ------------------------------------------------------------ LOGISTIC, TANH */

static inline void tml_logistic_f32_ref(const tml_activation_f32_params *p, const float *input, float *output)
{
    int32_t i;
    for (i = 0; i < p->size; i++) {
        const float v = input[i];
        float r;
        if (v > 16.619047164916992188f) {
            r = 1.0f;
        } else if (v < -9.0f) {
            r = expf(v);
        } else {
            r = 1.0f / (1.0f + expf(-v));
        }
        output[i] = r;
    }
}

static inline void tml_tanh_f32_ref(const tml_activation_f32_params *p, const float *input, float *output)
{
    int32_t i;
    for (i = 0; i < p->size; i++) {
        output[i] = tanhf(input[i]);
    }
}

static inline void tml_logistic_s8_ref(const tml_sigmoid_s8_params *p, const int8_t *input, int8_t *output)
{
    int32_t i;
    for (i = 0; i < p->size; i++) {
        const int32_t x = (int32_t)input[i] - p->input_zero_point;
        if (x <= -p->input_range_radius) {
            output[i] = -128;
        } else if (x >= p->input_range_radius) {
            output[i] = 127;
        } else {
            const int32_t q4 = tml_mul_by_quantized_mul(x, p->input_multiplier, p->input_left_shift);
            const int32_t q0 = tml_fx_logistic(q4, 4);
            output[i] = (int8_t)tml_clamp_i32(tml_rounding_divide_by_pot(q0, 23) - 128, -128, 127);
        }
    }
}

static inline void tml_tanh_s8_ref(const tml_sigmoid_s8_params *p, const int8_t *input, int8_t *output)
{
    int32_t i;
    for (i = 0; i < p->size; i++) {
        const int32_t x = (int32_t)input[i] - p->input_zero_point;
        if (x <= -p->input_range_radius) {
            output[i] = -128;
        } else if (x >= p->input_range_radius) {
            output[i] = 127;
        } else {
            const int32_t q4 = tml_mul_by_quantized_mul(x, p->input_multiplier, p->input_left_shift);
            const int32_t q0 = tml_fx_tanh(q4, 4);
            output[i] = (int8_t)tml_clamp_i32(tml_rounding_divide_by_pot(q0, 24), -128, 127);
        }
    }
}

static inline void tml_logistic_s16_ref(const tml_sigmoid_s16_params *p, const int16_t *input, int16_t *output)
{
    const int32_t round = p->input_left_shift > 0 ? (int32_t)1 << (p->input_left_shift - 1) : 0;
    int32_t i;
    for (i = 0; i < p->size; i++) {
        const int32_t x = ((int32_t)input[i] * p->input_multiplier + round) >> p->input_left_shift;
        const uint32_t abs_x = (uint32_t)(x < 0 ? -x : x);
        const uint32_t uh = abs_x >> 9;
        uint32_t result;
        if (uh >= 255) {
            result = (uint32_t)0x7FFF << 10;
        } else {
            const uint32_t ua = p->sigmoid_table[uh];
            const uint32_t ub = p->sigmoid_table[uh + 1];
            result = (ua << 9) + (abs_x & 0x1ff) * (ub - ua);
        }
        result = x >= 0 ? result + (1u << 9) : ((1u << 25) - result + (1u << 9) - 1u);
        output[i] = (int16_t)(result >> 10);
    }
}

static inline void tml_tanh_s16_ref(const tml_sigmoid_s16_params *p, const int16_t *input, int16_t *output)
{
    const int32_t round = p->input_left_shift > 0 ? (int32_t)1 << (p->input_left_shift - 1) : 0;
    int32_t i;
    for (i = 0; i < p->size; i++) {
        const int32_t x = ((int32_t)input[i] * p->input_multiplier + round) >> p->input_left_shift;
        const uint32_t abs_x = (uint32_t)(x < 0 ? -x : x);
        const uint32_t uh = abs_x >> 8;
        int32_t result;
        if (uh >= 255) {
            result = 0xFFFF << 8;
        } else {
            const uint32_t ua = p->sigmoid_table[uh];
            const uint32_t ub = p->sigmoid_table[uh + 1];
            result = (int32_t)((ua << 8) + (abs_x & 0xff) * (ub - ua));
        }
        result = x >= 0 ? (result - (1 << 23) + (1 << 7)) : (-result + (1 << 23) + (1 << 7) - 1);
        output[i] = (int16_t)(result >> 8);
    }
}

/* ------------------------------------------------------------ RELU, RELU6 */

static inline void tml_relu_f32_ref(const tml_activation_f32_params *p, const float *input, float *output)
{
    int32_t i;
    for (i = 0; i < p->size; i++) {
        output[i] = input[i] < 0.0f ? 0.0f : input[i];
    }
}

static inline void tml_relu6_f32_ref(const tml_activation_f32_params *p, const float *input, float *output)
{
    int32_t i;
    for (i = 0; i < p->size; i++) {
        const float v = input[i];
        output[i] = v > 6.0f ? 6.0f : (v < 0.0f ? 0.0f : v);
    }
}

static inline int32_t tml_relu_q_one(const tml_relu_q_params *p, int32_t v)
{
    v = p->output_offset + tml_mul_by_quantized_mul(v - p->input_offset, p->output_multiplier, p->output_shift);
    return tml_clamp_i32(v, p->act_min, p->act_max);
}

static inline void tml_relu_s8_ref(const tml_relu_q_params *p, const int8_t *input, int8_t *output)
{
    int32_t i;
    for (i = 0; i < p->size; i++) {
        output[i] = (int8_t)tml_relu_q_one(p, input[i]);
    }
}

static inline void tml_relu_s16_ref(const tml_relu_q_params *p, const int16_t *input, int16_t *output)
{
    int32_t i;
    for (i = 0; i < p->size; i++) {
        output[i] = (int16_t)tml_relu_q_one(p, input[i]);
    }
}

static inline void tml_relu6_s8_ref(const tml_relu6_q_params *p, const int8_t *input, int8_t *output)
{
    int32_t i;
    for (i = 0; i < p->size; i++) {
        output[i] = (int8_t)tml_clamp_i32(input[i], p->lower, p->upper);
    }
}

static inline void tml_relu6_s16_ref(const tml_relu6_q_params *p, const int16_t *input, int16_t *output)
{
    int32_t i;
    for (i = 0; i < p->size; i++) {
        output[i] = (int16_t)tml_clamp_i32(input[i], p->lower, p->upper);
    }
}

#endif /* TINYML_REF_ACTIVATIONS_H */
