/*
 * Reference kernels of CAST: portable C, bit-exact with TFLite Micro's cast.cc. One kernel per
 * (input, output) pair, tml_cast_<from>_<to>_ref; same-size integer pairs whose bits do not
 * change (a type to itself, int32 <-> uint32) have none: the converter makes the output a view
 * of the input. Included by ops/cast.h (after tml_common.h and the params struct).
 */
#ifndef TINYML_REF_CAST_H
#define TINYML_REF_CAST_H

/** A float truncated toward zero and saturated to [lo, hi] (hi + 1 a power of two, exact in
 *  float); NaN gives 0. As TFLM's float -> integer CAST; never an out-of-range conversion in C. */
TML_ALWAYS_INLINE int64_t tml__cast_f32_sat(float v, int64_t lo, int64_t hi)
{
    if (v != v) {
        return 0;
    }
    if (v >= (float)(hi + 1)) {
        return hi;
    }
    if (v <= (float)lo) {
        return lo;
    }
    return (int64_t)v;
}

/* One loop per pair; `x` is the input element in the conversion expression. Integer -> narrower
 * or other-signed integer keeps the low bits (two's complement), -> bool is x != 0, bool -> any
 * type is 0 or 1, integer -> float rounds to nearest. Output no wider than the input may be the
 * input's own buffer (each element is read before its bytes are written). */
#define TML__CAST_REF(name, in_t, out_t, conv)                                                             \
    static inline void name(const tml_cast_params *p, const in_t *input, out_t *output)                   \
    {                                                                                                     \
        int32_t i;                                                                                        \
        for (i = 0; i < p->size; i++) {                                                                   \
            const in_t x = input[i];                                                                      \
            output[i] = (out_t)(conv);                                                                    \
        }                                                                                                 \
    }

#define TML__F32_TO(lo, hi) tml__cast_f32_sat(x, (int64_t)(lo), (int64_t)(hi))

TML__CAST_REF(tml_cast_s8_s16_ref, int8_t, int16_t, x)
TML__CAST_REF(tml_cast_s8_s32_ref, int8_t, int32_t, x)
TML__CAST_REF(tml_cast_s8_u32_ref, int8_t, uint32_t, (uint32_t)(int32_t)x)
TML__CAST_REF(tml_cast_s8_f32_ref, int8_t, float, x)
TML__CAST_REF(tml_cast_s8_bool_ref, int8_t, uint8_t, x != 0)

TML__CAST_REF(tml_cast_s16_s8_ref, int16_t, int8_t, (uint8_t)(uint16_t)x)
TML__CAST_REF(tml_cast_s16_s32_ref, int16_t, int32_t, x)
TML__CAST_REF(tml_cast_s16_u32_ref, int16_t, uint32_t, (uint32_t)(int32_t)x)
TML__CAST_REF(tml_cast_s16_f32_ref, int16_t, float, x)
TML__CAST_REF(tml_cast_s16_bool_ref, int16_t, uint8_t, x != 0)

TML__CAST_REF(tml_cast_s32_s8_ref, int32_t, int8_t, (uint8_t)(uint32_t)x)
TML__CAST_REF(tml_cast_s32_s16_ref, int32_t, int16_t, (uint16_t)(uint32_t)x)
TML__CAST_REF(tml_cast_s32_f32_ref, int32_t, float, x)
TML__CAST_REF(tml_cast_s32_bool_ref, int32_t, uint8_t, x != 0)

TML__CAST_REF(tml_cast_u32_s8_ref, uint32_t, int8_t, (uint8_t)x)
TML__CAST_REF(tml_cast_u32_s16_ref, uint32_t, int16_t, (uint16_t)x)
TML__CAST_REF(tml_cast_u32_f32_ref, uint32_t, float, x)
TML__CAST_REF(tml_cast_u32_bool_ref, uint32_t, uint8_t, x != 0)

TML__CAST_REF(tml_cast_f32_s8_ref, float, int8_t, TML__F32_TO(-128, 127))
TML__CAST_REF(tml_cast_f32_s16_ref, float, int16_t, TML__F32_TO(-32768, 32767))
TML__CAST_REF(tml_cast_f32_s32_ref, float, int32_t, TML__F32_TO(INT32_MIN, INT32_MAX))
TML__CAST_REF(tml_cast_f32_u32_ref, float, uint32_t, TML__F32_TO(0, UINT32_MAX))
TML__CAST_REF(tml_cast_f32_bool_ref, float, uint8_t, x != 0.0f)

TML__CAST_REF(tml_cast_bool_s8_ref, uint8_t, int8_t, x != 0)
TML__CAST_REF(tml_cast_bool_s16_ref, uint8_t, int16_t, x != 0)
TML__CAST_REF(tml_cast_bool_s32_ref, uint8_t, int32_t, x != 0)
TML__CAST_REF(tml_cast_bool_u32_ref, uint8_t, uint32_t, x != 0)
TML__CAST_REF(tml_cast_bool_f32_ref, uint8_t, float, x != 0)

#undef TML__F32_TO
#undef TML__CAST_REF

#endif /* TINYML_REF_CAST_H */
