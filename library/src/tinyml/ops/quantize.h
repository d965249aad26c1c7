/*
 * QUANTIZE and DEQUANTIZE, element-wise over `size` values (any shape, flat).
 *
 * tml_quantize_f32_<out>:   q = clamp(round_half_away(x / scale) + zero_point, out_min, out_max),
 *                           the division in float32 as TFLite Micro does it.
 * tml_requantize_<in>_<out>: q = clamp(requant(x - input_zero_point, multiplier, shift)
 *                           + output_zero_point, out_min, out_max), gemmlowp double rounding;
 *                           multiplier/shift from input_scale / output_scale.
 * tml_dequantize_<in>_f32:  y = scale * (x - zero_point) (float32, exact product rounding).
 * dtype suffixes: s8 int8, u8 uint8, s16 int16, s32 int32, f32 float.
 * The output may overwrite the input when its elements are not larger than the input's.
 */
#ifndef TINYML_OPS_QUANTIZE_H
#define TINYML_OPS_QUANTIZE_H

#include <math.h>

#include "../tml_common.h"

typedef struct {
    int32_t size;
    float scale;          /* output scale */
    int32_t zero_point;   /* output zero point */
    int32_t out_min;      /* the output dtype's range */
    int32_t out_max;
} tml_quantize_f32_params;

typedef struct {
    int32_t size;
    int32_t input_zero_point;
    int32_t output_zero_point;
    int32_t multiplier;
    int32_t shift;
    int32_t out_min;
    int32_t out_max;
} tml_requantize_params;

typedef struct {
    int32_t size;
    float scale;          /* input scale */
    int32_t zero_point;   /* input zero point */
} tml_dequantize_params;

#include "../ref/quantize.h" /* the kernels: portable C, the only path */

/* ------------------------------------------------------------ dispatch
 * The reference path until an architecture provides its own. */

static inline void tml_quantize_f32_s8(const tml_quantize_f32_params *p, const float *in, int8_t *out)
{
    tml_quantize_f32_s8_ref(p, in, out);
}

static inline void tml_quantize_f32_s16(const tml_quantize_f32_params *p, const float *in, int16_t *out)
{
    tml_quantize_f32_s16_ref(p, in, out);
}

static inline void tml_requantize_s8_s8(const tml_requantize_params *p, const int8_t *in, int8_t *out)
{
    tml_requantize_s8_s8_ref(p, in, out);
}

static inline void tml_requantize_s8_u8(const tml_requantize_params *p, const int8_t *in, uint8_t *out)
{
    tml_requantize_s8_u8_ref(p, in, out);
}

static inline void tml_requantize_u8_s8(const tml_requantize_params *p, const uint8_t *in, int8_t *out)
{
    tml_requantize_u8_s8_ref(p, in, out);
}

static inline void tml_requantize_s8_s16(const tml_requantize_params *p, const int8_t *in, int16_t *out)
{
    tml_requantize_s8_s16_ref(p, in, out);
}

static inline void tml_requantize_s8_s32(const tml_requantize_params *p, const int8_t *in, int32_t *out)
{
    tml_requantize_s8_s32_ref(p, in, out);
}

static inline void tml_requantize_s16_s8(const tml_requantize_params *p, const int16_t *in, int8_t *out)
{
    tml_requantize_s16_s8_ref(p, in, out);
}

static inline void tml_requantize_s16_s16(const tml_requantize_params *p, const int16_t *in, int16_t *out)
{
    tml_requantize_s16_s16_ref(p, in, out);
}

static inline void tml_requantize_s16_s32(const tml_requantize_params *p, const int16_t *in, int32_t *out)
{
    tml_requantize_s16_s32_ref(p, in, out);
}

static inline void tml_requantize_s32_s8(const tml_requantize_params *p, const int32_t *in, int8_t *out)
{
    tml_requantize_s32_s8_ref(p, in, out);
}

static inline void tml_requantize_s32_s16(const tml_requantize_params *p, const int32_t *in, int16_t *out)
{
    tml_requantize_s32_s16_ref(p, in, out);
}

static inline void tml_dequantize_s8_f32(const tml_dequantize_params *p, const int8_t *in, float *out)
{
    tml_dequantize_s8_f32_ref(p, in, out);
}

static inline void tml_dequantize_u8_f32(const tml_dequantize_params *p, const uint8_t *in, float *out)
{
    tml_dequantize_u8_f32_ref(p, in, out);
}

static inline void tml_dequantize_s16_f32(const tml_dequantize_params *p, const int16_t *in, float *out)
{
    tml_dequantize_s16_f32_ref(p, in, out);
}

#endif /* TINYML_OPS_QUANTIZE_H */
