/*
 * ADD and MUL: element-wise binary operators with NumPy-style broadcasting.
 *
 * Every kernel takes (params, input1, input2, output). Shapes travel in the params:
 *   size        number of output elements;
 *   bcast_rank  0 when both inputs have the output's shape (plain element-wise loop),
 *               else the rank of the collapsed broadcast description below;
 *   bcast       NULL, or [3 * bcast_rank] int32: output dims (outermost first), then the
 *               element stride of input1 for each of those dims, then input2's strides
 *               (stride 0 = the input is broadcast along that dim). The generator merges
 *               adjacent dims and drops size-1 dims, so any broadcast up to TML_MAX_DIMS
 *               dims is described; the innermost dim is the row the kernels loop over.
 *
 * Arithmetic, bit-exact with TFLite Micro's reference kernels:
 *   ADD int8/int16: x_i = (in_i + input_i_offset) << left_shift (20 for int8, 15 for int16),
 *     scaled by input_i_multiplier/shift, summed, requantized by output_multiplier/shift,
 *     + output_offset, clamped to [act_min, act_max] (gemmlowp double rounding throughout).
 *   MUL int8/int16: requant((in1 + input1_offset) * (in2 + input2_offset)) + output_offset,
 *     clamped. int16 has zero offsets.
 *   float32: in1 op in2, clamped to [act_min, act_max].
 *   int32: wrapping in1 op in2 clamped to [act_min, act_max] (ADD: TFLM ignores the
 *     fused activation for int32, the generator passes the full range).
 * Output may be the same buffer as an input that has the output's shape.
 */
#ifndef TINYML_OPS_ELEMENTWISE_H
#define TINYML_OPS_ELEMENTWISE_H

#include "../tml_common.h"

typedef struct {
    int32_t size;
    int32_t bcast_rank;
    const int32_t *bcast;     /* [3 * bcast_rank] or NULL */
    int32_t input1_offset;    /* minus the zero points */
    int32_t input2_offset;
    int32_t output_offset;    /* the output zero point */
    int32_t left_shift;       /* 20 (int8) or 15 (int16) */
    int32_t input1_multiplier;
    int32_t input1_shift;
    int32_t input2_multiplier;
    int32_t input2_shift;
    int32_t output_multiplier;
    int32_t output_shift;
    int32_t act_min;
    int32_t act_max;
    const int32_t *table;     /* NULL, or int8 ADD's 256 scaled values of one input (the generator, for
                                 the Cortex-M4: armv7em/elementwise.h; other images ignore it) */
} tml_add_s8_params;

typedef tml_add_s8_params tml_add_s16_params;

typedef struct {
    int32_t size;
    int32_t bcast_rank;
    const int32_t *bcast;
    int32_t input1_offset;
    int32_t input2_offset;
    int32_t output_offset;
    int32_t output_multiplier;
    int32_t output_shift;
    int32_t act_min;
    int32_t act_max;
} tml_mul_s8_params;

typedef tml_mul_s8_params tml_mul_s16_params;

typedef struct {
    int32_t size;
    int32_t bcast_rank;
    const int32_t *bcast;
    float act_min;
    float act_max;
} tml_binary_f32_params;

typedef tml_binary_f32_params tml_add_f32_params;
typedef tml_binary_f32_params tml_mul_f32_params;

typedef struct {
    int32_t size;
    int32_t bcast_rank;
    const int32_t *bcast;
    int32_t act_min;
    int32_t act_max;
} tml_binary_i32_params;

typedef tml_binary_i32_params tml_add_i32_params;
typedef tml_binary_i32_params tml_mul_i32_params;

/* The kernels: the reference always, each optimized path where the compiler provides it. */
#include "../ref/elementwise.h"
#if defined(TML_ARCH_ARM_DSP)
#include "../armv7em/elementwise.h"
#endif

/* ------------------------------------------------------------ dispatch */

TML_ALWAYS_INLINE void tml_add_s8(const tml_add_s8_params *p, const int8_t *in1, const int8_t *in2, int8_t *out)
{
#if defined(TML_ARCH_ARM_ASM)
    if (tml__add_s8_table_ok(p)) {
        tml__add_s8_table(p, in1, in2, out);
        return;
    }
#endif
#if defined(TML_ARCH_ARM_DSP)
    if (tml__add_s8_fast(p)) {
        tml__add_s8_dsp(p, in1, in2, out);
        return;
    }
#endif
    tml_add_s8_ref(p, in1, in2, out);
}

static inline void tml_add_s16(const tml_add_s16_params *p, const int16_t *in1, const int16_t *in2, int16_t *out)
{
    tml_add_s16_ref(p, in1, in2, out);
}

static inline void tml_add_f32(const tml_add_f32_params *p, const float *in1, const float *in2, float *out)
{
    tml_add_f32_ref(p, in1, in2, out);
}

static inline void tml_add_i32(const tml_add_i32_params *p, const int32_t *in1, const int32_t *in2, int32_t *out)
{
    tml_add_i32_ref(p, in1, in2, out);
}

static inline void tml_mul_s8(const tml_mul_s8_params *p, const int8_t *in1, const int8_t *in2, int8_t *out)
{
    tml_mul_s8_ref(p, in1, in2, out);
}

static inline void tml_mul_s16(const tml_mul_s16_params *p, const int16_t *in1, const int16_t *in2, int16_t *out)
{
    tml_mul_s16_ref(p, in1, in2, out);
}

static inline void tml_mul_f32(const tml_mul_f32_params *p, const float *in1, const float *in2, float *out)
{
    tml_mul_f32_ref(p, in1, in2, out);
}

static inline void tml_mul_i32(const tml_mul_i32_params *p, const int32_t *in1, const int32_t *in2, int32_t *out)
{
    tml_mul_i32_ref(p, in1, in2, out);
}

#endif /* TINYML_OPS_ELEMENTWISE_H */
