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

/* ------------------------------------------------------------ broadcast iteration */

/** Position of the current row (all dims but the innermost) in both inputs. */
typedef struct {
    int32_t idx[TML_MAX_DIMS];
    int32_t off1;
    int32_t off2;
} tml_bcast_iter;

static inline void tml_bcast_begin(tml_bcast_iter *it)
{
    memset(it, 0, sizeof(*it));
}

/** Step to the next row; returns 0 after the last one. */
static inline int tml_bcast_next_row(const int32_t *bcast, int32_t rank, tml_bcast_iter *it)
{
    const int32_t *dims = bcast;
    const int32_t *s1 = bcast + rank;
    const int32_t *s2 = bcast + 2 * rank;
    int32_t d;
    for (d = rank - 2; d >= 0; d--) {
        if (++it->idx[d] < dims[d]) {
            it->off1 += s1[d];
            it->off2 += s2[d];
            return 1;
        }
        it->off1 -= s1[d] * (dims[d] - 1);
        it->off2 -= s2[d] * (dims[d] - 1);
        it->idx[d] = 0;
    }
    return 0;
}

/* Drive a row function ROW(p, n, a, sa, b, sb, out) over the whole output. */
#define TML_BINARY_DRIVE(ROW, p, in1, in2, out)                                              \
    do {                                                                                     \
        if ((p)->bcast_rank == 0) {                                                          \
            ROW((p), (p)->size, (in1), 1, (in2), 1, (out));                                  \
        } else {                                                                             \
            const int32_t r_ = (p)->bcast_rank;                                              \
            const int32_t n_ = (p)->bcast[r_ - 1];                                           \
            const int32_t sa_ = (p)->bcast[2 * r_ - 1];                                      \
            const int32_t sb_ = (p)->bcast[3 * r_ - 1];                                      \
            int32_t o_ = 0;                                                                  \
            tml_bcast_iter it_;                                                              \
            tml_bcast_begin(&it_);                                                           \
            do {                                                                             \
                ROW((p), n_, (in1) + it_.off1, sa_, (in2) + it_.off2, sb_, (out) + o_);      \
                o_ += n_;                                                                    \
            } while (tml_bcast_next_row((p)->bcast, r_, &it_));                              \
        }                                                                                    \
    } while (0)

/* ------------------------------------------------------------ ADD */

static inline int32_t tml_add_q_one(const tml_add_s8_params *p, int32_t a, int32_t b)
{
    const int32_t x1 = (int32_t)((uint32_t)(a + p->input1_offset) << p->left_shift);
    const int32_t x2 = (int32_t)((uint32_t)(b + p->input2_offset) << p->left_shift);
    const int32_t s1 = tml_mul_by_quantized_mul(x1, p->input1_multiplier, p->input1_shift);
    const int32_t s2 = tml_mul_by_quantized_mul(x2, p->input2_multiplier, p->input2_shift);
    const int32_t r = tml_mul_by_quantized_mul(s1 + s2, p->output_multiplier, p->output_shift) + p->output_offset;
    return tml_clamp_i32(r, p->act_min, p->act_max);
}

static inline void tml_add_s8_row(const tml_add_s8_params *p, int32_t n, const int8_t *a, int32_t sa,
                                  const int8_t *b, int32_t sb, int8_t *out)
{
    int32_t i;
    for (i = 0; i < n; i++) {
        out[i] = (int8_t)tml_add_q_one(p, a[i * sa], b[i * sb]);
    }
}

static inline void tml_add_s16_row(const tml_add_s16_params *p, int32_t n, const int16_t *a, int32_t sa,
                                   const int16_t *b, int32_t sb, int16_t *out)
{
    int32_t i;
    for (i = 0; i < n; i++) {
        out[i] = (int16_t)tml_add_q_one(p, a[i * sa], b[i * sb]);
    }
}

static inline void tml_add_f32_row(const tml_add_f32_params *p, int32_t n, const float *a, int32_t sa,
                                   const float *b, int32_t sb, float *out)
{
    int32_t i;
    for (i = 0; i < n; i++) {
        out[i] = tml_clamp_f32(a[i * sa] + b[i * sb], p->act_min, p->act_max);
    }
}

static inline void tml_add_i32_row(const tml_add_i32_params *p, int32_t n, const int32_t *a, int32_t sa,
                                   const int32_t *b, int32_t sb, int32_t *out)
{
    int32_t i;
    for (i = 0; i < n; i++) {
        const int32_t v = (int32_t)((uint32_t)a[i * sa] + (uint32_t)b[i * sb]);
        out[i] = tml_clamp_i32(v, p->act_min, p->act_max);
    }
}

static inline void tml_add_s8_ref(const tml_add_s8_params *p, const int8_t *in1, const int8_t *in2, int8_t *out)
{
    TML_BINARY_DRIVE(tml_add_s8_row, p, in1, in2, out);
}

static inline void tml_add_s16_ref(const tml_add_s16_params *p, const int16_t *in1, const int16_t *in2,
                                   int16_t *out)
{
    TML_BINARY_DRIVE(tml_add_s16_row, p, in1, in2, out);
}

static inline void tml_add_f32_ref(const tml_add_f32_params *p, const float *in1, const float *in2, float *out)
{
    TML_BINARY_DRIVE(tml_add_f32_row, p, in1, in2, out);
}

static inline void tml_add_i32_ref(const tml_add_i32_params *p, const int32_t *in1, const int32_t *in2,
                                   int32_t *out)
{
    TML_BINARY_DRIVE(tml_add_i32_row, p, in1, in2, out);
}

/* ------------------------------------------------------------ MUL */

static inline int32_t tml_mul_q_one(const tml_mul_s8_params *p, int32_t a, int32_t b)
{
    const int32_t prod = (a + p->input1_offset) * (b + p->input2_offset);
    const int32_t r = tml_mul_by_quantized_mul(prod, p->output_multiplier, p->output_shift) + p->output_offset;
    return tml_clamp_i32(r, p->act_min, p->act_max);
}

static inline void tml_mul_s8_row(const tml_mul_s8_params *p, int32_t n, const int8_t *a, int32_t sa,
                                  const int8_t *b, int32_t sb, int8_t *out)
{
    int32_t i;
    for (i = 0; i < n; i++) {
        out[i] = (int8_t)tml_mul_q_one(p, a[i * sa], b[i * sb]);
    }
}

static inline void tml_mul_s16_row(const tml_mul_s16_params *p, int32_t n, const int16_t *a, int32_t sa,
                                   const int16_t *b, int32_t sb, int16_t *out)
{
    int32_t i;
    for (i = 0; i < n; i++) {
        out[i] = (int16_t)tml_mul_q_one(p, a[i * sa], b[i * sb]);
    }
}

static inline void tml_mul_f32_row(const tml_mul_f32_params *p, int32_t n, const float *a, int32_t sa,
                                   const float *b, int32_t sb, float *out)
{
    int32_t i;
    for (i = 0; i < n; i++) {
        out[i] = tml_clamp_f32(a[i * sa] * b[i * sb], p->act_min, p->act_max);
    }
}

static inline void tml_mul_i32_row(const tml_mul_i32_params *p, int32_t n, const int32_t *a, int32_t sa,
                                   const int32_t *b, int32_t sb, int32_t *out)
{
    int32_t i;
    for (i = 0; i < n; i++) {
        const int32_t v = (int32_t)((uint32_t)a[i * sa] * (uint32_t)b[i * sb]);
        out[i] = tml_clamp_i32(v, p->act_min, p->act_max);
    }
}

static inline void tml_mul_s8_ref(const tml_mul_s8_params *p, const int8_t *in1, const int8_t *in2, int8_t *out)
{
    TML_BINARY_DRIVE(tml_mul_s8_row, p, in1, in2, out);
}

static inline void tml_mul_s16_ref(const tml_mul_s16_params *p, const int16_t *in1, const int16_t *in2,
                                   int16_t *out)
{
    TML_BINARY_DRIVE(tml_mul_s16_row, p, in1, in2, out);
}

static inline void tml_mul_f32_ref(const tml_mul_f32_params *p, const float *in1, const float *in2, float *out)
{
    TML_BINARY_DRIVE(tml_mul_f32_row, p, in1, in2, out);
}

static inline void tml_mul_i32_ref(const tml_mul_i32_params *p, const int32_t *in1, const int32_t *in2,
                                   int32_t *out)
{
    TML_BINARY_DRIVE(tml_mul_i32_row, p, in1, in2, out);
}

#if defined(TML_ARCH_ARM_DSP)
/* Armv7E-M ADD int8: TFLM's three requantizations without their branches (the doubling high multiply
 * as one SMMULR, then tml__rdbpot_r1), the constants in registers for the row. Applies when every shift is a right shift,
 * except an input's shift of 0 with the multiplier 2^30 (the input of the larger scale: TFLM's 0.5),
 * where the doubling high multiply of (x << 20) is exactly a halving (no rounding happens). */
static inline int tml__add_s8_fast(const tml_add_s8_params *p)
{
    return (p->input1_shift <= -1 || (p->input1_shift == 0 && p->input1_multiplier == (1 << 30))) &&
           (p->input2_shift <= -1 || (p->input2_shift == 0 && p->input2_multiplier == (1 << 30))) &&
           p->output_shift <= -1 && p->left_shift >= 1 && p->left_shift <= 20;
}

/* tml__srdhm_up(x, m) for |x| < 2^30: SMMULR(2x, m) rounds 2xm / 2^32 half up, the same number. */
TML_ALWAYS_INLINE int32_t tml__srdhm_up_small(int32_t twice_x, int32_t multiplier)
{
    int32_t r;
    __asm__("smmulr %0, %1, %2" : "=r"(r) : "r"(twice_x), "r"(multiplier));
    return r;
}

TML_HOT TML_NOINLINE static void tml__add_s8_row_dsp(const tml_add_s8_params *p, int32_t n, const int8_t *a,
                                                     int32_t sa, const int8_t *b, int32_t sb, int8_t *out)
{
    /* the inputs shifted one more to the left: twice the value for SMMULR (|(x + offset) << 22| < 2^30);
     * an input's shift of 0 (multiplier 2^30) as one more left shift again and a right shift of 1: the
     * halving of an even number either way */
    const int32_t off1 = p->input1_offset, ls1 = p->left_shift + 1 + (p->input1_shift == 0);
    const int32_t off2 = p->input2_offset, ls2 = p->left_shift + 1 + (p->input2_shift == 0);
    const int32_t m1 = p->input1_multiplier, r1 = p->input1_shift == 0 ? 0 : -p->input1_shift - 1;
    const int32_t m2 = p->input2_multiplier, r2 = p->input2_shift == 0 ? 0 : -p->input2_shift - 1;
    const int32_t mo = p->output_multiplier, ro = -p->output_shift - 1, oo = 2 * p->output_offset + 1;
    const int32_t lo = p->act_min, hi = p->act_max;
    const int8_t *const end = out + n;
    for (; out < end; a += sa, b += sb) {
        const int32_t s1 = tml__rdbpot_r1(tml__srdhm_up_small((int32_t)((uint32_t)(*a + off1) << ls1), m1), r1, 1);
        const int32_t s2 = tml__rdbpot_r1(tml__srdhm_up_small((int32_t)((uint32_t)(*b + off2) << ls2), m2), r2, 1);
        *out++ = (int8_t)tml_clamp_i32(tml__rdbpot_r1(tml__srdhm_up_small(2 * (s1 + s2), mo), ro, oo), lo, hi);
    }
}
#endif

/* ------------------------------------------------------------ dispatch */

static inline void tml_add_s8(const tml_add_s8_params *p, const int8_t *in1, const int8_t *in2, int8_t *out)
{
#if defined(TML_ARCH_ARM_DSP)
    if (tml__add_s8_fast(p)) {
        TML_BINARY_DRIVE(tml__add_s8_row_dsp, p, in1, in2, out);
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
