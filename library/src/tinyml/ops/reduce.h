/*
 * Reductions: MEAN.
 *
 * The input is seen as TML_REDUCE_DIMS dimensions (lower ranks extended with leading 1s);
 * out_stride[d] is the output's element stride for input dimension d, 0 for a reduced
 * dimension. Sums run over the input in row-major order, as TFLite Micro's reference does.
 *
 * float32: output = sum / count (float arithmetic).
 * int8 / int16, as TFLite Micro's reference (sums in int32 in a caller-owned scratch
 * buffer of tml_mean_get_buffer_size() bytes):
 *   output = clamp(requant(sum - zero_point_sum, multiplier, shift) + output_zero_point)
 * where zero_point_sum = input_zero_point * count and (multiplier, shift) is
 * input_scale / output_scale with 1 / count folded in (computed at generation time).
 */
#ifndef TINYML_OPS_REDUCE_H
#define TINYML_OPS_REDUCE_H

#include "../tml_common.h"

#define TML_REDUCE_DIMS 5

typedef struct {
    const int32_t *in_dims;    /* [TML_REDUCE_DIMS] */
    const int32_t *out_stride; /* [TML_REDUCE_DIMS], 0 for reduced dimensions */
    int32_t out_count;         /* number of output elements */
    int32_t reduce_count;      /* number of input elements summed into each output */
} tml_mean_f32_params;

typedef struct {
    const int32_t *in_dims;    /* [TML_REDUCE_DIMS] */
    const int32_t *out_stride; /* [TML_REDUCE_DIMS], 0 for reduced dimensions */
    int32_t out_count;
    int32_t reduce_count;
    int32_t zero_point_sum;    /* input_zero_point * reduce_count */
    int32_t output_multiplier; /* input_scale / (output_scale * reduce_count) */
    int32_t output_shift;
    int32_t output_zero_point;
} tml_mean_q_params;

typedef tml_mean_q_params tml_mean_s8_params;
typedef tml_mean_q_params tml_mean_s16_params;

/** Scratch bytes the int8/int16 kernels need. */
static inline uint32_t tml_mean_get_buffer_size(int32_t out_count)
{
    return (uint32_t)out_count * (uint32_t)sizeof(int32_t);
}

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

/** Final step of the quantized mean for one output: see the header comment. */
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

/* Dispatch: the reference path until an architecture provides its own. */
static inline void tml_mean_f32(const tml_mean_f32_params *p, const float *input, float *output)
{
    tml_mean_f32_ref(p, input, output);
}

static inline void tml_mean_s8(const tml_mean_s8_params *p, const int8_t *input, int8_t *output, void *scratch)
{
    tml_mean_s8_ref(p, input, output, scratch);
}

static inline void tml_mean_s16(const tml_mean_s16_params *p, const int16_t *input, int16_t *output,
                                void *scratch)
{
    tml_mean_s16_ref(p, input, output, scratch);
}

#endif /* TINYML_OPS_REDUCE_H */
