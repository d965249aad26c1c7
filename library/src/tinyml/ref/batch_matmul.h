/*
 * BATCH_MATMUL reference kernels (int8, int16, float32): portable C, always compiled. Layouts, semantics
 * and parameter structs in ops/batch_matmul.h; included by it.
 */
#ifndef TINYML_REF_BATCH_MATMUL_H
#define TINYML_REF_BATCH_MATMUL_H

/* Element steps of one lhs matrix (along rows, along depth) and of one rhs matrix (along depth, cols). */
#define TML__BMM_STEPS(p)                                                                                    \
    const int32_t l_row = (p)->adj_x ? 1 : (p)->depth, l_k = (p)->adj_x ? (p)->rows : 1;                     \
    const int32_t r_k = (p)->adj_y ? 1 : (p)->cols, r_col = (p)->adj_y ? (p)->depth : 1

/* Runs the statements given once per output matrix with lhs_m, rhs_m (element offsets of its operands) and out_m. */
#define TML__BMM_FOR_BATCHES(p, ...)                                                                        \
    do {                                                                                                     \
        int32_t b0_, b1_, b2_, out_m = 0;                                                                    \
        for (b0_ = 0; b0_ < (p)->batch0; b0_++) {                                                            \
            for (b1_ = 0; b1_ < (p)->batch1; b1_++) {                                                        \
                for (b2_ = 0; b2_ < (p)->batch2; b2_++, out_m += (p)->rows * (p)->cols) {                    \
                    const int32_t lhs_m = b0_ * (p)->lhs_stride0 + b1_ * (p)->lhs_stride1 + b2_ * (p)->lhs_stride2; \
                    const int32_t rhs_m = b0_ * (p)->rhs_stride0 + b1_ * (p)->rhs_stride1 + b2_ * (p)->rhs_stride2; \
                    __VA_ARGS__                                                                              \
                }                                                                                            \
            }                                                                                                \
        }                                                                                                    \
    } while (0)

TML_HOT static inline void tml_batch_matmul_s8_ref(const tml_batch_matmul_s8_params *p, const int8_t *lhs,
                                                   const int8_t *rhs, int8_t *output)
{
    const tml_requant_params rq = {NULL, NULL, p->output_multiplier, p->output_shift, p->output_offset,
                                   p->act_min, p->act_max};
    const int32_t lo = p->lhs_offset, ro = p->rhs_offset;
    TML__BMM_STEPS(p);
    TML__BMM_FOR_BATCHES(p, {
        int32_t a, c, k;
        for (a = 0; a < p->rows; a++) {
            for (c = 0; c < p->cols; c++) {
                const int8_t *l = lhs + lhs_m + a * l_row;
                const int8_t *r = rhs + rhs_m + c * r_col;
                int32_t acc = 0;
                for (k = 0; k < p->depth; k++) {
                    acc += ((int32_t)l[k * l_k] + lo) * ((int32_t)r[k * r_k] + ro);
                }
                output[out_m + a * p->cols + c] = tml_requant_s8(&rq, acc, 0);
            }
        }
    });
}

static inline void tml_batch_matmul_s16(const tml_batch_matmul_s16_params *p, const int16_t *lhs,
                                        const int16_t *rhs, int16_t *output)
{
    const tml_requant_params rq = {NULL, NULL, p->output_multiplier, p->output_shift, 0, p->act_min,
                                   p->act_max};
    TML__BMM_STEPS(p);
    TML__BMM_FOR_BATCHES(p, {
        int32_t a, c, k;
        for (a = 0; a < p->rows; a++) {
            for (c = 0; c < p->cols; c++) {
                const int16_t *l = lhs + lhs_m + a * l_row;
                const int16_t *r = rhs + rhs_m + c * r_col;
                int64_t acc = 0;
                for (k = 0; k < p->depth; k++) {
                    acc += (int64_t)l[k * l_k] * r[k * r_k];
                }
                output[out_m + a * p->cols + c] = tml_requant_s16(&rq, acc, 0, 1);
            }
        }
    });
}

TML_FLOAT static inline void tml_batch_matmul_f32(const tml_batch_matmul_f32_params *p, const float *lhs,
                                                  const float *rhs, float *output)
{
    TML_FP_EXACT
    TML__BMM_STEPS(p);
    TML__BMM_FOR_BATCHES(p, {
        int32_t a, c, k;
        for (a = 0; a < p->rows; a++) {
            for (c = 0; c < p->cols; c++) {
                const float *l = lhs + lhs_m + a * l_row;
                const float *r = rhs + rhs_m + c * r_col;
                float acc = 0.0f;
                for (k = 0; k < p->depth; k++) {
                    acc += l[k * l_k] * r[k * r_k];
                }
                output[out_m + a * p->cols + c] = acc;
            }
        }
    });
}

#endif /* TINYML_REF_BATCH_MATMUL_H */
