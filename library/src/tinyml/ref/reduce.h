/*
 * Reference kernels of the reductions (MEAN): portable C.
 * Included by ops/reduce.h (after tml_common.h and the params structs).
 */
#ifndef TINYML_REF_REDUCE_H
#define TINYML_REF_REDUCE_H

static inline void tml_mean_f32_ref(const tml_mean_f32_params *p, const float *input, float *output)
{
    const int32_t *d = p->in_dims, *s = p->out_stride;
    int32_t i0, i1, i2, i3, i4, k;
    for (k = 0; k < p->out_count; k++) {
        output[k] = 0.0f;
    }
    for (i0 = 0; i0 < d[0]; i0++) {
        for (i1 = 0; i1 < d[1]; i1++) {
            for (i2 = 0; i2 < d[2]; i2++) {
                for (i3 = 0; i3 < d[3]; i3++) {
                    const int32_t base = i0 * s[0] + i1 * s[1] + i2 * s[2] + i3 * s[3];
                    for (i4 = 0; i4 < d[4]; i4++) {
                        output[base + i4 * s[4]] += *input++;
                    }
                }
            }
        }
    }
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
    const int32_t *d = p->in_dims, *s = p->out_stride;
    int32_t i0, i1, i2, i3, i4, k, n = 0;
    for (k = 0; k < p->out_count; k++) {
        sum[k] = 0;
    }
    for (i0 = 0; i0 < d[0]; i0++) {
        for (i1 = 0; i1 < d[1]; i1++) {
            for (i2 = 0; i2 < d[2]; i2++) {
                for (i3 = 0; i3 < d[3]; i3++) {
                    const int32_t base = i0 * s[0] + i1 * s[1] + i2 * s[2] + i3 * s[3];
                    for (i4 = 0; i4 < d[4]; i4++, n++) {
                        sum[base + i4 * s[4]] += in8 ? (int32_t)in8[n] : (int32_t)in16[n];
                    }
                }
            }
        }
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

#endif /* TINYML_REF_REDUCE_H */
