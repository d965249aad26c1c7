/*
 * Reference kernels of QUANTIZE / requantize / DEQUANTIZE: portable C.
 * Included by ops/quantize.h (after tml_common.h and the params structs).
 */
#ifndef TINYML_REF_QUANTIZE_H
#define TINYML_REF_QUANTIZE_H

/* ------------------------------------------------------------ float -> integer
 * The only float -> integer conversion of this file (every QUANTIZE kernel goes through it).
 * Finite values: TFLM's AffineQuantize, clamp(round_half_away(x / scale) + zero_point, out_min, out_max).
 * What TFLM leaves undefined is defined here (TFLM's static_cast<int32_t>(TfLiteRound(...)) is
 * undefined behaviour in C++ for NaN, for +-inf and for |x / scale| >= 2^31):
 *   NaN          -> the zero point (clamped to [out_min, out_max] like any value): NaN carries no
 *                   magnitude, so it quantizes like 0.0 does;
 *   +inf, -inf   -> out_max, out_min (saturation), as any finite value beyond the range does;
 * so the cast below only ever sees a value that fits int32_t (NaN is the value that fails every
 * comparison, r == r included; a -ffinite-math-only build gives up NaN semantics altogether). */

static inline int32_t tml_quantize_one_f32(const tml_quantize_f32_params *p, float x)
{
    const float r = roundf(x / p->scale);
    int32_t q;
    int64_t v;
    if (r >= 2147483648.0f) {
        q = INT32_MAX;
    } else if (r < -2147483648.0f) {
        q = INT32_MIN;
    } else if (r == r) {
        q = (int32_t)r;
    } else {
        q = 0; /* NaN */
    }
    v = (int64_t)q + p->zero_point;
    return v < p->out_min ? p->out_min : (v > p->out_max ? p->out_max : (int32_t)v);
}

static inline void tml_quantize_f32_s8_ref(const tml_quantize_f32_params *p, const float *in, int8_t *out)
{
    int32_t i;
    for (i = 0; i < p->size; i++) {
        out[i] = (int8_t)tml_quantize_one_f32(p, in[i]);
    }
}

static inline void tml_quantize_f32_s16_ref(const tml_quantize_f32_params *p, const float *in, int16_t *out)
{
    int32_t i;
    for (i = 0; i < p->size; i++) {
        out[i] = (int16_t)tml_quantize_one_f32(p, in[i]);
    }
}

/* ------------------------------------------------------------ integer -> integer */

static inline int32_t tml_requantize_one(const tml_requantize_params *p, int32_t x)
{
    const int32_t d = (int32_t)((uint32_t)x - (uint32_t)p->input_zero_point);
    const int32_t v = (int32_t)((uint32_t)tml_mul_by_quantized_mul(d, p->multiplier, p->shift) +
                                (uint32_t)p->output_zero_point);
    return tml_clamp_i32(v, p->out_min, p->out_max);
}

#define TML_REQUANTIZE_LOOP(p, in, out, OUT_T)                       \
    do {                                                             \
        int32_t i_;                                                  \
        for (i_ = 0; i_ < (p)->size; i_++) {                         \
            (out)[i_] = (OUT_T)tml_requantize_one((p), (in)[i_]);    \
        }                                                            \
    } while (0)

static inline void tml_requantize_s8_s8_ref(const tml_requantize_params *p, const int8_t *in, int8_t *out)
{
    TML_REQUANTIZE_LOOP(p, in, out, int8_t);
}

static inline void tml_requantize_s8_u8_ref(const tml_requantize_params *p, const int8_t *in, uint8_t *out)
{
    TML_REQUANTIZE_LOOP(p, in, out, uint8_t);
}

static inline void tml_requantize_u8_s8_ref(const tml_requantize_params *p, const uint8_t *in, int8_t *out)
{
    TML_REQUANTIZE_LOOP(p, in, out, int8_t);
}

static inline void tml_requantize_s8_s16_ref(const tml_requantize_params *p, const int8_t *in, int16_t *out)
{
    TML_REQUANTIZE_LOOP(p, in, out, int16_t);
}

static inline void tml_requantize_s8_s32_ref(const tml_requantize_params *p, const int8_t *in, int32_t *out)
{
    TML_REQUANTIZE_LOOP(p, in, out, int32_t);
}

static inline void tml_requantize_s16_s8_ref(const tml_requantize_params *p, const int16_t *in, int8_t *out)
{
    TML_REQUANTIZE_LOOP(p, in, out, int8_t);
}

static inline void tml_requantize_s16_s16_ref(const tml_requantize_params *p, const int16_t *in, int16_t *out)
{
    TML_REQUANTIZE_LOOP(p, in, out, int16_t);
}

static inline void tml_requantize_s16_s32_ref(const tml_requantize_params *p, const int16_t *in, int32_t *out)
{
    TML_REQUANTIZE_LOOP(p, in, out, int32_t);
}

static inline void tml_requantize_s32_s8_ref(const tml_requantize_params *p, const int32_t *in, int8_t *out)
{
    TML_REQUANTIZE_LOOP(p, in, out, int8_t);
}

static inline void tml_requantize_s32_s16_ref(const tml_requantize_params *p, const int32_t *in, int16_t *out)
{
    TML_REQUANTIZE_LOOP(p, in, out, int16_t);
}

/* ------------------------------------------------------------ integer -> float
 * A float32 product of two values exactly representable in float32 rounds like
 * TFLM's double product cast to float, so no double arithmetic is needed. */

#define TML_DEQUANTIZE_LOOP(p, in, out)                                           \
    do {                                                                          \
        int32_t i_;                                                               \
        for (i_ = 0; i_ < (p)->size; i_++) {                                      \
            (out)[i_] = (p)->scale * (float)((int32_t)(in)[i_] - (p)->zero_point); \
        }                                                                         \
    } while (0)

static inline void tml_dequantize_s8_f32_ref(const tml_dequantize_params *p, const int8_t *in, float *out)
{
    TML_DEQUANTIZE_LOOP(p, in, out);
}

static inline void tml_dequantize_u8_f32_ref(const tml_dequantize_params *p, const uint8_t *in, float *out)
{
    TML_DEQUANTIZE_LOOP(p, in, out);
}

static inline void tml_dequantize_s16_f32_ref(const tml_dequantize_params *p, const int16_t *in, float *out)
{
    TML_DEQUANTIZE_LOOP(p, in, out);
}

#endif /* TINYML_REF_QUANTIZE_H */
