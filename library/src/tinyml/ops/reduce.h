/*
 * Reductions: MEAN, SUM, REDUCE_MAX, ARG_MAX, ARG_MIN.
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
 *
 * SUM: float32 as MEAN without the division (output = 0 + each input in row-major order);
 * int8 / int16 as the quantized MEAN with (multiplier, shift) = input_scale / output_scale
 * (TFLite Micro's QuantizedMeanOrSum with compute_sum), same params and scratch.
 * REDUCE_MAX: float32 and int8 (input and output share scale and zero point), output starts at the
 * type's lowest value and takes each input that is greater (so a NaN input is never taken).
 * ARG_MAX / ARG_MIN: the input seen as [outer, axis_size, inner]; output[o * inner + i] (int32) is
 * the index along the axis of the first largest / smallest value: a value replaces the best so
 * far when it is strictly greater / less, as in TFLite Micro (for float32 a NaN, first or not,
 * is never replaced and never replaces).
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
typedef tml_mean_q_params tml_sum_s8_params;
typedef tml_mean_q_params tml_sum_s16_params;
typedef tml_mean_f32_params tml_sum_f32_params;
typedef tml_mean_f32_params tml_reduce_max_params; /* reduce_count unused */

typedef struct {
    int32_t outer;     /* product of the dimensions before the axis */
    int32_t axis_size; /* the reduced dimension */
    int32_t inner;     /* product of the dimensions after it */
} tml_arg_min_max_params;

/** Scratch bytes the int8/int16 kernels need. */
static inline uint32_t tml_mean_get_buffer_size(int32_t out_count)
{
    return (uint32_t)out_count * (uint32_t)sizeof(int32_t);
}

#include "../ref/reduce.h" /* the kernels: portable C, the only path */

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

static inline void tml_sum_f32(const tml_sum_f32_params *p, const float *input, float *output)
{
    tml_sum_f32_ref(p, input, output);
}

static inline void tml_sum_s8(const tml_sum_s8_params *p, const int8_t *input, int8_t *output, void *scratch)
{
    tml_mean_s8_ref(p, input, output, scratch); /* the same arithmetic, another multiplier */
}

static inline void tml_sum_s16(const tml_sum_s16_params *p, const int16_t *input, int16_t *output, void *scratch)
{
    tml_mean_s16_ref(p, input, output, scratch);
}

static inline void tml_reduce_max_f32(const tml_reduce_max_params *p, const float *input, float *output)
{
    tml_reduce_max_f32_ref(p, input, output);
}

static inline void tml_reduce_max_s8(const tml_reduce_max_params *p, const int8_t *input, int8_t *output)
{
    tml_reduce_max_s8_ref(p, input, output);
}

static inline void tml_arg_max_f32(const tml_arg_min_max_params *p, const float *input, int32_t *output)
{
    tml_arg_min_max_f32_ref(p, input, output, 1);
}

static inline void tml_arg_min_f32(const tml_arg_min_max_params *p, const float *input, int32_t *output)
{
    tml_arg_min_max_f32_ref(p, input, output, 0);
}

static inline void tml_arg_max_s8(const tml_arg_min_max_params *p, const int8_t *input, int32_t *output)
{
    tml_arg_min_max_s8_ref(p, input, output, 1);
}

static inline void tml_arg_min_s8(const tml_arg_min_max_params *p, const int8_t *input, int32_t *output)
{
    tml_arg_min_max_s8_ref(p, input, output, 0);
}

#endif /* TINYML_OPS_REDUCE_H */
