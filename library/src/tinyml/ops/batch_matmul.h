/*
 * BATCH_MATMUL: output[..., a, c] = sum_k lhs[..., a, k] * rhs[..., k, c] over batches of matrices.
 *
 * Layouts (row-major): lhs [..., rows, depth], or [..., depth, rows] with adj_x; rhs [..., depth, cols],
 * or [..., cols, depth] with adj_y; output [..., rows, cols]. The leading (batch) dimensions, at most
 * three after TFLite's rule of extending both shapes to rank 5, broadcast: the output has batch0 x
 * batch1 x batch2 matrices and output matrix (b0, b1, b2) multiplies the lhs matrix at element
 * b0 * lhs_stride0 + b1 * lhs_stride1 + b2 * lhs_stride2 (a stride is 0 along a dimension of size 1)
 * with the rhs matrix found likewise.
 *
 * int8: acc = sum((lhs + lhs_offset) * (rhs + rhs_offset)) in int32, TFLM's double-rounding
 * requantization (one multiplier: input scales multiplied in float), + output_offset, clamped to
 * [act_min, act_max]. int16: every zero point 0, acc in 64 bits, TFLM's 64-bit requantization. float32:
 * each sum from 0 in ascending k, as TFLM's reference. TFLM transposes an operand into arena memory
 * where its layout is not [rows, depth] x [cols, depth]; the reference kernels read the operands where
 * they are and need none.
 *
 * Armv7E-M (int8): rows of lhs and columns of rhs as contiguous int8 vectors, four columns at a time
 * (SMLAD) over the raw values, the offsets added through row and column sums. A constant rhs comes
 * transposed from the generator (rhs_packed, [rhs matrices][cols][depth], with col_terms:
 * lhs_offset * sum of column c + depth * lhs_offset * rhs_offset, [rhs matrices][cols]). A variable rhs
 * with adj_y (and lhs without adj_x) is read in place, the lhs offset added to the lhs words. Otherwise the
 * kernel makes the transposes and column terms in scratch (tml_batch_matmul_s8_scratch_size bytes) where
 * the generator planned it (where it costs no arena); without, a variable rhs without adj_y is read in
 * place four columns at a time (slower), and the other forms run the reference.
 */
#ifndef TINYML_OPS_BATCH_MATMUL_H
#define TINYML_OPS_BATCH_MATMUL_H

#include "../tml_common.h"

typedef struct {
    int32_t batch0;
    int32_t batch1;
    int32_t batch2;
    int32_t lhs_stride0;
    int32_t lhs_stride1;
    int32_t lhs_stride2;
    int32_t rhs_stride0;
    int32_t rhs_stride1;
    int32_t rhs_stride2;
    int32_t rows;
    int32_t cols;
    int32_t depth;
    int32_t adj_x;
    int32_t adj_y;
    int32_t lhs_offset;        /* minus the lhs zero point */
    int32_t rhs_offset;        /* minus the rhs zero point */
    int32_t output_offset;     /* the output zero point */
    int32_t output_multiplier;
    int32_t output_shift;
    int32_t act_min;
    int32_t act_max;
    int32_t rhs_const;         /* 1: the generator laid out rhs_packed and col_terms (NULL where not built) */
    const int8_t *rhs_packed;  /* Armv7E-M: a constant rhs transposed, or NULL */
    const int32_t *col_terms;  /* with rhs_packed (see above) */
    void *scratch;             /* Armv7E-M: tml_batch_matmul_s8_scratch_size bytes, or NULL (reference) */
} tml_batch_matmul_s8_params;

/* int16: the int8 block with the offsets 0. */
typedef tml_batch_matmul_s8_params tml_batch_matmul_s16_params;

typedef struct {
    int32_t batch0;
    int32_t batch1;
    int32_t batch2;
    int32_t lhs_stride0;
    int32_t lhs_stride1;
    int32_t lhs_stride2;
    int32_t rhs_stride0;
    int32_t rhs_stride1;
    int32_t rhs_stride2;
    int32_t rows;
    int32_t cols;
    int32_t depth;
    int32_t adj_x;
    int32_t adj_y;
} tml_batch_matmul_f32_params;

/** Scratch bytes of the Armv7E-M int8 kernel: column terms (4 * cols) and the transposed rhs
 *  (cols * depth) unless rhs_packed, the transposed lhs (rows * depth) with adj_x; none for a variable rhs
 *  with adj_y and an lhs without adj_x. */
static inline int32_t tml_batch_matmul_s8_scratch_size(int32_t rows, int32_t cols, int32_t depth, int32_t adj_x,
                                                       int32_t adj_y, int32_t packed)
{
    if (!packed && adj_y && !adj_x) {
        return 0;
    }
    return (packed ? 0 : 4 * cols + (adj_y ? 0 : ((cols * depth + 3) & ~3))) + (adj_x ? rows * depth : 0);
}

#include "../ref/batch_matmul.h"
#if defined(TML_ARCH_ARM_DSP)
#include "../armv7em/batch_matmul.h"
#endif

TML_ALWAYS_INLINE void tml_batch_matmul_s8(const tml_batch_matmul_s8_params *p, const int8_t *lhs, const int8_t *rhs,
                                           int8_t *output)
{
#if defined(TML_ARCH_ARM_DSP)
    if (p->rhs_const ? p->rhs_packed != NULL : p->scratch != NULL) {
        tml_batch_matmul_s8_dsp(p, lhs, rhs, output);
        return;
    }
    if (!p->rhs_const && p->adj_y && !p->adj_x) {
        tml__batch_matmul_s8_rows(p, lhs, rhs, output);
        return;
    }
    if (!p->rhs_const && !p->adj_y) {
        tml__batch_matmul_s8_cols(p, lhs, rhs, output);
        return;
    }
#endif
    tml_batch_matmul_s8_ref(p, lhs, rhs, output);
}

#endif /* TINYML_OPS_BATCH_MATMUL_H */
