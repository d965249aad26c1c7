/*
 * BATCH_MATMUL int8 on Armv7E-M (Cortex-M4/M7/M33 with the DSP extension). Included by ops/batch_matmul.h
 * when TML_ARCH_ARM_DSP is defined. sum((l + lo) * (r + ro)) = sum(l * r) + ro * sum(l) + lo * sum(r)
 * + depth * lo * ro, exactly in int32 (wrapping as TFLM's sum): the dot products run on raw int8 (SMLAD,
 * four columns sharing each lhs word, tml__dot4_step_s8), the rest is a row term and a column term.
 */
#ifndef TINYML_ARMV7EM_BATCH_MATMUL_H
#define TINYML_ARMV7EM_BATCH_MATMUL_H

/* dst[j][i] = src[i][j] for a rows x cols int8 matrix. */
static inline void tml__bmm_transpose_s8(const int8_t *src, int32_t rows, int32_t cols, int8_t *dst)
{
    int32_t i, j;
    for (i = 0; i < rows; i++) {
        for (j = 0; j < cols; j++) {
            dst[j * rows + i] = src[i * cols + j];
        }
    }
}

static inline int32_t tml__bmm_sum_s8(const int8_t *x, int32_t n)
{
    int32_t s = 0, i;
    for (i = 0; i < n; i++) {
        s += x[i];
    }
    return s;
}

/* acc[r] += dot(x + lo, w + r * n) over n int8, r = 0..3: the lhs offset added to the shared input words
 * (two int16 halves each, SADD16), so each SMLAD multiplies (l + lo) by the raw rhs. */
TML_HOT TML_NOINLINE static void tml__bmm_dot4_xoff(const int8_t *x, const int8_t *w, int32_t n, int32_t lo,
                                                    int32_t *acc)
{
    const int32_t lo2 = (int32_t)(((uint32_t)lo & 0xFFFFu) * 0x10001u);
    const int8_t *const end4 = x + (n & ~3), *const end = x + n;
    int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
    for (; x < end4; x += 4, w += 4) {
        const int32_t xv = tml_read_s8x4(x);
        const int32_t xe = tml_sadd16(tml_sxtb16(xv), lo2), xo = tml_sadd16(tml_sxtb16_ror8(xv), lo2);
        int32_t v = tml_read_s8x4(w);
        a0 = tml_smlad(xo, tml_sxtb16_ror8(v), tml_smlad(xe, tml_sxtb16(v), a0));
        v = tml_read_s8x4(w + n);
        a1 = tml_smlad(xo, tml_sxtb16_ror8(v), tml_smlad(xe, tml_sxtb16(v), a1));
        v = tml_read_s8x4(w + 2 * n);
        a2 = tml_smlad(xo, tml_sxtb16_ror8(v), tml_smlad(xe, tml_sxtb16(v), a2));
        v = tml_read_s8x4(w + 3 * n);
        a3 = tml_smlad(xo, tml_sxtb16_ror8(v), tml_smlad(xe, tml_sxtb16(v), a3));
    }
    for (; x < end; x++, w++) {
        const int32_t v = *x + lo;
        a0 += v * w[0];
        a1 += v * w[n];
        a2 += v * w[2 * n];
        a3 += v * w[3 * n];
    }
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
}

/* lhs [rows, depth] by a variable rhs [cols, depth] (adj_y, not adj_x): both contiguous along the depth,
 * so no scratch: sum((l + lo) * r) with the offset added to the lhs words, plus ro * sum(l + lo) per row. */
TML_HOT TML_NOINLINE static void tml__batch_matmul_s8_rows(const tml_batch_matmul_s8_params *p, const int8_t *lhs,
                                                           const int8_t *rhs, int8_t *output)
{
    const tml_requant_params rq = {NULL, NULL, p->output_multiplier, p->output_shift, p->output_offset,
                                   p->act_min, p->act_max};
    const int32_t rows = p->rows, cols = p->cols, cols4 = cols & ~3, depth = p->depth, lo = p->lhs_offset;
    const int32_t ro = p->rhs_offset;
    tml_requant_fast f;
    const int fast = tml_requant_fast_of(&rq, &f);
    TML__BMM_FOR_BATCHES(p, {
        int32_t a, c, k;
        int8_t *out = output + out_m;
        for (a = 0; a < rows; a++, out += cols) {
            const int8_t *l = lhs + lhs_m + a * depth, *r = rhs + rhs_m;
            const int32_t rterm = ro ? ro * (tml__bmm_sum_s8(l, depth) + depth * lo) : 0;
            for (c = 0; c < cols4; c += 4) {
                int32_t acc[4] = {rterm, rterm, rterm, rterm};
                tml__bmm_dot4_xoff(l, r + c * depth, depth, lo, acc);
                for (k = 0; k < 4; k++) {
                    out[c + k] = fast ? (int8_t)tml_requant_fast_s8(acc[k], &f) : tml_requant_s8(&rq, acc[k], 0);
                }
            }
            for (c = cols4; c < cols; c++) {
                int32_t acc = rterm;
                for (k = 0; k < depth; k++) {
                    acc += ((int32_t)l[k] + lo) * r[c * depth + k];
                }
                out[c] = tml_requant_s8(&rq, acc, 0);
            }
        }
    });
}

/* A variable rhs [depth, cols] (not adj_y), lhs either way: no scratch. Four columns at a time: the words
 * rhs[k][c..c+3] and rhs[k+1][c..c+3] give, after SXTB16 and PKHBT/PKHTB, each column's pair
 * (rhs[k][j], rhs[k+1][j]), which one SMLAD multiplies with (l[k] + lo, l[k+1] + lo); plus a row term. */
TML_HOT TML_NOINLINE static void tml__batch_matmul_s8_cols(const tml_batch_matmul_s8_params *p, const int8_t *lhs,
                                                           const int8_t *rhs, int8_t *output)
{
    const tml_requant_params rq = {NULL, NULL, p->output_multiplier, p->output_shift, p->output_offset,
                                   p->act_min, p->act_max};
    const int32_t rows = p->rows, cols = p->cols, cols4 = cols & ~3, depth = p->depth, depth2 = depth & ~1;
    const int32_t lo = p->lhs_offset, ro = p->rhs_offset;
    const int32_t l_row = p->adj_x ? 1 : depth, l_k = p->adj_x ? rows : 1;
    tml_requant_fast f;
    const int fast = tml_requant_fast_of(&rq, &f);
    TML__BMM_FOR_BATCHES(p, {
        int32_t a, c, k;
        int8_t *out = output + out_m;
        for (a = 0; a < rows; a++, out += cols) {
            const int8_t *l = lhs + lhs_m + a * l_row, *r = rhs + rhs_m;
            int32_t rterm = 0;
            if (ro) {
                for (k = 0; k < depth; k++) {
                    rterm += l[k * l_k];
                }
                rterm = ro * (rterm + depth * lo);
            }
            for (c = 0; c < cols4; c += 4) {
                int32_t a0 = rterm, a1 = rterm, a2 = rterm, a3 = rterm;
                const int8_t *rk = r + c, *lk = l;
                for (k = 0; k < depth2; k += 2, rk += 2 * cols, lk += 2 * l_k) {
                    const uint32_t lp = tml_pack_lo16((uint32_t)(lk[0] + lo), (uint32_t)(lk[l_k] + lo));
                    const int32_t w0 = tml_read_s8x4(rk), w1 = tml_read_s8x4(rk + cols);
                    const int32_t e0 = tml_sxtb16(w0), e1 = tml_sxtb16(w1);
                    const int32_t o0 = tml_sxtb16_ror8(w0), o1 = tml_sxtb16_ror8(w1);
                    a0 = tml_smlad((int32_t)lp, (int32_t)tml_pack_lo16((uint32_t)e0, (uint32_t)e1), a0);
                    a2 = tml_smlad((int32_t)lp, (int32_t)tml_pack_hi16((uint32_t)e0, (uint32_t)e1), a2);
                    a1 = tml_smlad((int32_t)lp, (int32_t)tml_pack_lo16((uint32_t)o0, (uint32_t)o1), a1);
                    a3 = tml_smlad((int32_t)lp, (int32_t)tml_pack_hi16((uint32_t)o0, (uint32_t)o1), a3);
                }
                if (depth & 1) {
                    const int32_t v = lk[0] + lo;
                    a0 += v * rk[0];
                    a1 += v * rk[1];
                    a2 += v * rk[2];
                    a3 += v * rk[3];
                }
                if (fast) {
                    out[c] = (int8_t)tml_requant_fast_s8(a0, &f);
                    out[c + 1] = (int8_t)tml_requant_fast_s8(a1, &f);
                    out[c + 2] = (int8_t)tml_requant_fast_s8(a2, &f);
                    out[c + 3] = (int8_t)tml_requant_fast_s8(a3, &f);
                } else {
                    out[c] = tml_requant_s8(&rq, a0, 0);
                    out[c + 1] = tml_requant_s8(&rq, a1, 0);
                    out[c + 2] = tml_requant_s8(&rq, a2, 0);
                    out[c + 3] = tml_requant_s8(&rq, a3, 0);
                }
            }
            for (c = cols4; c < cols; c++) {
                int32_t acc = rterm;
                for (k = 0; k < depth; k++) {
                    acc += ((int32_t)l[k * l_k] + lo) * r[k * cols + c];
                }
                out[c] = tml_requant_s8(&rq, acc, 0);
            }
        }
    });
}

TML_HOT TML_NOINLINE static void tml_batch_matmul_s8_dsp(const tml_batch_matmul_s8_params *p, const int8_t *lhs,
                                                         const int8_t *rhs, int8_t *output)
{
    const tml_requant_params rq = {NULL, NULL, p->output_multiplier, p->output_shift, p->output_offset,
                                   p->act_min, p->act_max};
    const int32_t rows = p->rows, cols = p->cols, cols4 = cols & ~3, depth = p->depth, lo = p->lhs_offset, ro = p->rhs_offset;
    int32_t *const terms = (int32_t *)p->scratch;                   /* without rhs_packed */
    int8_t *const rhs_t = (int8_t *)p->scratch + (p->rhs_packed ? 0 : 4 * cols);
    int8_t *const lhs_t = rhs_t + (p->rhs_packed || p->adj_y ? 0 : ((cols * depth + 3) & ~3));
    int32_t last_l = -1, last_r = -1;
    const int8_t *lm = lhs, *rm = rhs;
    const int32_t *cterm = p->col_terms;
    tml_requant_fast f;
    const int fast = tml_requant_fast_of(&rq, &f);
    TML__BMM_FOR_BATCHES(p, {
        int32_t a, c;
        int8_t *out = output + out_m;
        if (rhs_m != last_r) {
            last_r = rhs_m;
            if (p->rhs_packed) {
                rm = p->rhs_packed + rhs_m;
                cterm = p->col_terms + rhs_m / depth;
            } else {
                rm = rhs + rhs_m;
                if (!p->adj_y) {
                    tml__bmm_transpose_s8(rm, depth, cols, rhs_t);
                    rm = rhs_t;
                }
                for (c = 0; c < cols; c++) {
                    terms[c] = lo * tml__bmm_sum_s8(rm + c * depth, depth) + depth * lo * ro;
                }
                cterm = terms;
            }
        }
        if (lhs_m != last_l) {
            last_l = lhs_m;
            lm = lhs + lhs_m;
            if (p->adj_x) {
                tml__bmm_transpose_s8(lm, depth, rows, lhs_t);
                lm = lhs_t;
            }
        }
        for (a = 0; a < rows; a++, out += cols) {
            const int8_t *l = lm + a * depth;
            const int32_t rterm = ro ? ro * tml__bmm_sum_s8(l, depth) : 0;
            for (c = 0; c < cols4; c += 4) {
                int32_t init[4], acc[4];
                init[0] = cterm[c] + rterm;
                init[1] = cterm[c + 1] + rterm;
                init[2] = cterm[c + 2] + rterm;
                init[3] = cterm[c + 3] + rterm;
                tml_dot4_s8(l, rm + c * depth, depth, init, acc);
                if (fast) {
                    out[c] = (int8_t)tml_requant_fast_s8(acc[0], &f);
                    out[c + 1] = (int8_t)tml_requant_fast_s8(acc[1], &f);
                    out[c + 2] = (int8_t)tml_requant_fast_s8(acc[2], &f);
                    out[c + 3] = (int8_t)tml_requant_fast_s8(acc[3], &f);
                } else {
                    out[c] = tml_requant_s8(&rq, acc[0], 0);
                    out[c + 1] = tml_requant_s8(&rq, acc[1], 0);
                    out[c + 2] = tml_requant_s8(&rq, acc[2], 0);
                    out[c + 3] = tml_requant_s8(&rq, acc[3], 0);
                }
            }
            for (c = cols4; c < cols; c++) {
                out[c] = tml_requant_s8(&rq, tml_dot_s8(l, rm + c * depth, depth, cterm[c] + rterm), 0);
            }
        }
    });
}

#endif /* TINYML_ARMV7EM_BATCH_MATMUL_H */
