/*
 * Reference kernels of the reductions (MEAN, SUM, REDUCE_MAX, ARG_MAX, ARG_MIN): portable C.
 * Included by ops/reduce.h (after tml_common.h and the params structs).
 */
#ifndef TINYML_REF_REDUCE_H
#define TINYML_REF_REDUCE_H

/* Runs STEP once per input element in row-major order, with `o` the output index it reduces into
 * and `n` the input index (p is the params: in_dims, out_stride). */
#define TML_REDUCE_WALK_(p, STEP)                                                                            \
    do {                                                                                                     \
        const int32_t *d_ = (p)->in_dims, *s_ = (p)->out_stride;                                             \
        int32_t i0_, i1_, i2_, i3_, i4_, n = 0;                                                              \
        for (i0_ = 0; i0_ < d_[0]; i0_++) {                                                                  \
            for (i1_ = 0; i1_ < d_[1]; i1_++) {                                                              \
                for (i2_ = 0; i2_ < d_[2]; i2_++) {                                                          \
                    for (i3_ = 0; i3_ < d_[3]; i3_++) {                                                      \
                        const int32_t base_ = i0_ * s_[0] + i1_ * s_[1] + i2_ * s_[2] + i3_ * s_[3];         \
                        for (i4_ = 0; i4_ < d_[4]; i4_++, n++) {                                             \
                            const int32_t o = base_ + i4_ * s_[4];                                           \
                            STEP;                                                                            \
                        }                                                                                    \
                    }                                                                                        \
                }                                                                                            \
            }                                                                                                \
        }                                                                                                    \
    } while (0)

static inline void tml_sum_f32_ref(const tml_sum_f32_params *p, const float *input, float *output)
{
    int32_t k;
    for (k = 0; k < p->out_count; k++) {
        output[k] = 0.0f;
    }
    TML_REDUCE_WALK_(p, output[o] += input[n]);
}

static inline void tml_mean_f32_ref(const tml_mean_f32_params *p, const float *input, float *output)
{
    int32_t k;
    tml_sum_f32_ref(p, input, output);
    if (p->reduce_count > 0) {
        const float n = (float)p->reduce_count;
        for (k = 0; k < p->out_count; k++) {
            output[k] = output[k] / n;
        }
    }
}

/** Integer sums over the reduced dimensions (one of in8 / in16 is NULL). */
static inline void tml_mean_sum_(const tml_mean_q_params *p, const int8_t *in8, const int16_t *in16, int32_t *sum)
{
    int32_t k;
    for (k = 0; k < p->out_count; k++) {
        sum[k] = 0;
    }
    if (in8) {
        TML_REDUCE_WALK_(p, sum[o] += (int32_t)in8[n]);
    } else {
        TML_REDUCE_WALK_(p, sum[o] += (int32_t)in16[n]);
    }
}

/** Final step of the quantized mean for one output: see the header comment of ops/reduce.h. */
static inline int32_t tml_mean_q_finish_(const tml_mean_q_params *p, int32_t sum, int32_t lo, int32_t hi)
{
    const int32_t shifted = (int32_t)((int64_t)sum - (int64_t)p->zero_point_sum);
    const int32_t v = tml_mul_by_quantized_mul(shifted, p->output_multiplier, p->output_shift);
    return tml_clamp_i32(v + p->output_zero_point, lo, hi);
}

static inline void tml_mean_s8_ref(const tml_mean_s8_params *p, const int8_t *input, int8_t *output,
                                   void *scratch)
{
    int32_t *sum = (int32_t *)scratch;
    int32_t k;
    tml_mean_sum_(p, input, NULL, sum);
    for (k = 0; k < p->out_count; k++) {
        output[k] = (int8_t)tml_mean_q_finish_(p, sum[k], -128, 127);
    }
}

static inline void tml_mean_s16_ref(const tml_mean_s16_params *p, const int16_t *input, int16_t *output,
                                    void *scratch)
{
    int32_t *sum = (int32_t *)scratch;
    int32_t k;
    tml_mean_sum_(p, NULL, input, sum);
    for (k = 0; k < p->out_count; k++) {
        output[k] = (int16_t)tml_mean_q_finish_(p, sum[k], -32768, 32767);
    }
}

static inline void tml_reduce_max_f32_ref(const tml_reduce_max_params *p, const float *input, float *output)
{
    int32_t k;
    for (k = 0; k < p->out_count; k++) {
        output[k] = -3.40282347e+38f; /* -FLT_MAX, the lowest float */
    }
    TML_REDUCE_WALK_(p, if (input[n] > output[o]) output[o] = input[n]);
}

static inline void tml_reduce_max_s8_ref(const tml_reduce_max_params *p, const int8_t *input, int8_t *output)
{
    int32_t k;
    for (k = 0; k < p->out_count; k++) {
        output[k] = INT8_MIN;
    }
    TML_REDUCE_WALK_(p, if (input[n] > output[o]) output[o] = input[n]);
}

/** ARG_MAX (is_max) / ARG_MIN over float32: plain > / < as TFLM's kernel (a NaN neither wins nor loses). */
static inline void tml_arg_min_max_f32_ref(const tml_arg_min_max_params *p, const float *input, int32_t *output,
                                           int is_max)
{
    int32_t o, i, k;
    for (o = 0; o < p->outer; o++) {
        const float *x = input + (size_t)o * (size_t)p->axis_size * (size_t)p->inner;
        for (i = 0; i < p->inner; i++) {
            float best = x[i];
            int32_t at = 0;
            for (k = 1; k < p->axis_size; k++) {
                const float v = x[(size_t)k * (size_t)p->inner + (size_t)i];
                if (is_max ? v > best : v < best) {
                    best = v;
                    at = k;
                }
            }
            *output++ = at;
        }
    }
}

static inline void tml_arg_min_max_s8_ref(const tml_arg_min_max_params *p, const int8_t *input, int32_t *output,
                                          int is_max)
{
    int32_t o, i, k;
    for (o = 0; o < p->outer; o++) {
        const int8_t *x = input + (size_t)o * (size_t)p->axis_size * (size_t)p->inner;
        for (i = 0; i < p->inner; i++) {
            int32_t best = x[i], at = 0;
            for (k = 1; k < p->axis_size; k++) {
                const int32_t v = x[(size_t)k * (size_t)p->inner + (size_t)i];
                if (is_max ? v > best : v < best) {
                    best = v;
                    at = k;
                }
            }
            *output++ = at;
        }
    }
}

#endif /* TINYML_REF_REDUCE_H */
