/*
 * CAST: element-wise type conversion, TFLite Micro's cast.cc bit for bit.
 *
 * Types: int8 (s8), int16 (s16), int32 (s32), uint32 (u32), float32 (f32) and bool (stored as
 * uint8_t 0 or 1), in any pair; tml_cast_<from>_<to>(params, input, output) on `size` elements.
 *  - integer -> integer keeps the low bits (int32 300 -> int8 44, int16 -1 -> uint32 4294967295);
 *    a type to itself and int32 <-> uint32 change no bits and have no kernel: the output is a
 *    view of the input (a constant input is copied with tml_copy).
 *  - float32 -> integer truncates toward zero and saturates to the output type (uint32: negative
 *    values give 0); NaN gives 0.
 *  - integer -> float32 rounds to nearest; any type -> bool is x != 0 (NaN is true); bool -> any
 *    type is 0 or 1.
 * Quantization parameters are ignored (as TFLM does): CAST converts stored values.
 * A kernel may run in place when the output is no wider than the input.
 */
#ifndef TINYML_OPS_CAST_H
#define TINYML_OPS_CAST_H

#include "../tml_common.h"

/* ------------------------------------------------------------ params */

typedef struct {
    int32_t size;
} tml_cast_params;

#include "../ref/cast.h" /* the kernels: portable C, the only path */

/* ------------------------------------------------------------ dispatch
 * The reference path until an architecture provides its own: tml_cast_<from>_<to> calls
 * tml_cast_<from>_<to>_ref. */

#define TML__CAST_DISPATCH(name, in_t, out_t)                                                              \
    static inline void name(const tml_cast_params *p, const in_t *input, out_t *output)                   \
    {                                                                                                     \
        name##_ref(p, input, output);                                                                     \
    }

TML__CAST_DISPATCH(tml_cast_s8_s16, int8_t, int16_t)
TML__CAST_DISPATCH(tml_cast_s8_s32, int8_t, int32_t)
TML__CAST_DISPATCH(tml_cast_s8_u32, int8_t, uint32_t)
TML__CAST_DISPATCH(tml_cast_s8_f32, int8_t, float)
TML__CAST_DISPATCH(tml_cast_s8_bool, int8_t, uint8_t)
TML__CAST_DISPATCH(tml_cast_s16_s8, int16_t, int8_t)
TML__CAST_DISPATCH(tml_cast_s16_s32, int16_t, int32_t)
TML__CAST_DISPATCH(tml_cast_s16_u32, int16_t, uint32_t)
TML__CAST_DISPATCH(tml_cast_s16_f32, int16_t, float)
TML__CAST_DISPATCH(tml_cast_s16_bool, int16_t, uint8_t)
TML__CAST_DISPATCH(tml_cast_s32_s8, int32_t, int8_t)
TML__CAST_DISPATCH(tml_cast_s32_s16, int32_t, int16_t)
TML__CAST_DISPATCH(tml_cast_s32_f32, int32_t, float)
TML__CAST_DISPATCH(tml_cast_s32_bool, int32_t, uint8_t)
TML__CAST_DISPATCH(tml_cast_u32_s8, uint32_t, int8_t)
TML__CAST_DISPATCH(tml_cast_u32_s16, uint32_t, int16_t)
TML__CAST_DISPATCH(tml_cast_u32_f32, uint32_t, float)
TML__CAST_DISPATCH(tml_cast_u32_bool, uint32_t, uint8_t)
TML__CAST_DISPATCH(tml_cast_f32_s8, float, int8_t)
TML__CAST_DISPATCH(tml_cast_f32_s16, float, int16_t)
TML__CAST_DISPATCH(tml_cast_f32_s32, float, int32_t)
TML__CAST_DISPATCH(tml_cast_f32_u32, float, uint32_t)
TML__CAST_DISPATCH(tml_cast_f32_bool, float, uint8_t)
TML__CAST_DISPATCH(tml_cast_bool_s8, uint8_t, int8_t)
TML__CAST_DISPATCH(tml_cast_bool_s16, uint8_t, int16_t)
TML__CAST_DISPATCH(tml_cast_bool_s32, uint8_t, int32_t)
TML__CAST_DISPATCH(tml_cast_bool_u32, uint8_t, uint32_t)
TML__CAST_DISPATCH(tml_cast_bool_f32, uint8_t, float)

#undef TML__CAST_DISPATCH

#endif /* TINYML_OPS_CAST_H */
