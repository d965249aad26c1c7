/*
 * SUB, DIV, MAXIMUM, MINIMUM, SQUARED_DIFFERENCE: element-wise binary operators with NumPy-style
 * broadcasting, described exactly as for ADD and MUL (size, bcast_rank, bcast: see ops/elementwise.h).
 * Every kernel takes (params, input1, input2, output); the output may be the same buffer as an input
 * that has the output's shape.
 *
 * Arithmetic, bit-exact with TFLite Micro's reference kernels:
 *   SUB int8/int16: ADD's arithmetic (tml_add_s8_params) with the scaled input2 subtracted.
 *   SUB/DIV float32: in1 op in2 clamped to [act_min, act_max].
 *   SUB int32: wrapping in1 - in2, clamped to the fused activation's range (TFLM applies it, unlike
 *     for ADD).
 *   DIV int32: in1 / in2 truncated toward zero, clamped. TFLM fails the whole invoke when a divisor
 *     is 0 and leaves INT32_MIN / -1 to the CPU (a trap on x86); kernels here cannot fail, so x / 0 = 0
 *     and INT32_MIN / -1 = INT32_MIN (what a Cortex-M's SDIV gives). The generator refuses a constant
 *     divisor that holds a 0.
 *   DIV int8: v1 = in1 + input1_offset, v2 = in2 + input2_offset (signs flipped so that v2 >= 0);
 *     v1 is normalised by its leading sign bits, multiplied by gemmlowp's reciprocal of v2
 *     (one_over_one_plus_x) and requantized by output_multiplier with the shift
 *     output_shift - reciprocal shift - headroom, + output_offset, clamped. v2 = 0 follows the same
 *     arithmetic as TFLM (a large wrong value, as there). Where TFLM's final right shift reaches 32
 *     or more (v1 = 0, or a small |v1| over a large v2, with a small output_multiplier) TFLM shifts an
 *     int32 by 32 or more, undefined in C++: its Cortex-M build gives 1 (v1 >= 0) or -1 (v1 < 0)
 *     before the zero point, and so do these kernels; its x86 build agrees for v1 = 0 only.
 *   MAXIMUM/MINIMUM (int8, int16, int32, int64, float32): the raw values compared, as TFLM does (no
 *     requantization: int8/int16 inputs and output share their quantization); float: a > b ? a : b
 *     (MINIMUM a < b ? a : b), which keeps TFLM's NaN behaviour.
 *   SQUARED_DIFFERENCE int8/int16: both inputs scaled as for SUB (left_shift 7 for int8, 0 for int16),
 *     the difference squared, requantized by output_multiplier/output_shift (which may be a left
 *     shift), + output_offset, clamped to the type's range. float32/int32: (a - b) * (a - b)
 *     (int32 wrapping). No fused activation.
 */
#ifndef TINYML_OPS_BINARY_H
#define TINYML_OPS_BINARY_H

#include "../tml_common.h"
#include "elementwise.h"  /* tml_add_s8_params, tml_binary_*_params, the broadcast iteration */
#include "activations.h"  /* gemmlowp's one_over_one_plus_x, tml_clz32 */
#include "pool.h"         /* on Armv7E-M: MAX_POOL_2D's four-lane max/min (armv7em/pool.h) */

/** The shape alone: MAXIMUM, MINIMUM (every dtype), SQUARED_DIFFERENCE float32/int32. */
typedef struct {
    int32_t size;
    int32_t bcast_rank;
    const int32_t *bcast;     /* [3 * bcast_rank] or NULL */
} tml_binary_shape_params;

typedef tml_add_s8_params tml_sub_s8_params;
typedef tml_add_s8_params tml_sub_s16_params;
typedef tml_binary_f32_params tml_sub_f32_params;
typedef tml_binary_i32_params tml_sub_i32_params;

typedef tml_mul_s8_params tml_div_s8_params;  /* output_shift in [-24, 21] (the generator checks) */
typedef tml_binary_f32_params tml_div_f32_params;
typedef tml_binary_i32_params tml_div_i32_params;

typedef tml_add_s8_params tml_squared_difference_s8_params;  /* left_shift 7 (int8) or 0 (int16) */
typedef tml_add_s8_params tml_squared_difference_s16_params;

/* The kernels: the reference always, the optimized path where the compiler provides it. */
#include "../ref/binary.h"
#if defined(TML_ARCH_ARM_DSP)
#include "../armv7em/binary.h"
#endif

/* ------------------------------------------------------------ dispatch */

TML_ALWAYS_INLINE void tml_sub_s8(const tml_sub_s8_params *p, const int8_t *in1, const int8_t *in2, int8_t *out)
{
#if defined(TML_ARCH_ARM_ASM)
    if (tml__add_s8_table_ok(p)) {
        tml__sub_s8_table(p, in1, in2, out);
        return;
    }
#endif
#if defined(TML_ARCH_ARM_DSP)
    if (tml__add_s8_fast(p)) {
        tml__sub_s8_dsp(p, in1, in2, out);
        return;
    }
#endif
    tml_sub_s8_ref(p, in1, in2, out);
}

static inline void tml_maximum_s8(const tml_binary_shape_params *p, const int8_t *in1, const int8_t *in2,
                                  int8_t *out)
{
#if defined(TML_ARCH_ARM_DSP)
    tml__maximum_s8_dsp(p, in1, in2, out);
#else
    tml_maximum_s8_ref(p, in1, in2, out);
#endif
}

static inline void tml_minimum_s8(const tml_binary_shape_params *p, const int8_t *in1, const int8_t *in2,
                                  int8_t *out)
{
#if defined(TML_ARCH_ARM_DSP)
    tml__minimum_s8_dsp(p, in1, in2, out);
#else
    tml_minimum_s8_ref(p, in1, in2, out);
#endif
}

/* The others have the reference kernel only: one plain call each. */
#define TML__BINARY_REF_ONLY(NAME, PTYPE, T)                                                   \
    static inline void NAME(const PTYPE *p, const T *in1, const T *in2, T *out)                \
    {                                                                                          \
        NAME##_ref(p, in1, in2, out);                                                          \
    }
TML__BINARY_REF_ONLY(tml_sub_s16, tml_sub_s16_params, int16_t)
TML__BINARY_REF_ONLY(tml_sub_f32, tml_sub_f32_params, float)
TML__BINARY_REF_ONLY(tml_sub_i32, tml_sub_i32_params, int32_t)
TML__BINARY_REF_ONLY(tml_div_s8, tml_div_s8_params, int8_t)
TML__BINARY_REF_ONLY(tml_div_f32, tml_div_f32_params, float)
TML__BINARY_REF_ONLY(tml_div_i32, tml_div_i32_params, int32_t)
TML__BINARY_REF_ONLY(tml_maximum_s16, tml_binary_shape_params, int16_t)
TML__BINARY_REF_ONLY(tml_maximum_i32, tml_binary_shape_params, int32_t)
TML__BINARY_REF_ONLY(tml_maximum_i64, tml_binary_shape_params, int64_t)
TML__BINARY_REF_ONLY(tml_maximum_f32, tml_binary_shape_params, float)
TML__BINARY_REF_ONLY(tml_minimum_s16, tml_binary_shape_params, int16_t)
TML__BINARY_REF_ONLY(tml_minimum_i32, tml_binary_shape_params, int32_t)
TML__BINARY_REF_ONLY(tml_minimum_i64, tml_binary_shape_params, int64_t)
TML__BINARY_REF_ONLY(tml_minimum_f32, tml_binary_shape_params, float)
TML__BINARY_REF_ONLY(tml_squared_difference_s8, tml_squared_difference_s8_params, int8_t)
TML__BINARY_REF_ONLY(tml_squared_difference_s16, tml_squared_difference_s16_params, int16_t)
TML__BINARY_REF_ONLY(tml_squared_difference_f32, tml_binary_shape_params, float)
TML__BINARY_REF_ONLY(tml_squared_difference_i32, tml_binary_shape_params, int32_t)
#undef TML__BINARY_REF_ONLY

#endif /* TINYML_OPS_BINARY_H */
