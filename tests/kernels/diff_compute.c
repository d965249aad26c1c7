/*
 * Differential test of the Armv7E-M int8 TRANSPOSE_CONV and BATCH_MATMUL kernels against the reference
 * kernels on random cases: shapes (odd sizes too), strides, paddings, output sizes, channel counts,
 * offsets, per-channel and per-tensor multipliers and shifts (inside and outside the fast
 * requantization's range), activation ranges, broadcast batch dimensions, adj_x / adj_y, constant
 * (generator-packed) and variable rhs. Every output byte must be equal. Built for the target
 * (tests/test_kernels_compute.py runs it under QEMU); one summary line per kernel, exit 1 on a mismatch.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tinyml.h"

#ifndef CASES
#define CASES 400
#endif

#define TEST_RNG_SEED 4242u
#include "test_rng.h"

static int8_t in_buf[6000], w_buf[12000], rhs_packed[6000], out_ref[12000], out_opt[12000];
static int32_t bias_buf[64], mult[64], shift[64], tap_sums[64 * 25], col_terms[600];
static int32_t scratch[3000];
static int8_t phase_w[12000];
static int32_t fast_rq[3 * 64];

/* The generator's per-channel tml_requant_fast constants (lower/ops/transpose_conv.py), or NULL where a
 * channel's multiplier or shift does not allow them. */
static const int32_t *pack_fast(const tml_transpose_conv_s8_params *p)
{
    int32_t o;
    for (o = 0; o < p->output_depth; o++) {
        const int32_t m = p->per_channel_multiplier ? p->per_channel_multiplier[o] : p->output_multiplier;
        const int32_t r = -(p->per_channel_shift ? p->per_channel_shift[o] : p->output_shift);
        if (m <= (1 << 30) || r < 1 || r > 21) {
            return NULL;
        }
        fast_rq[3 * o] = m;
        fast_rq[3 * o + 1] = (int32_t)((uint32_t)(2 * p->output_offset + 1) << (r - 1));
        fast_rq[3 * o + 2] = r;
    }
    return fast_rq;
}
static int32_t phase_d[16 * 14];

/* The generator's phase layout (lower/ops/transpose_conv.py _phases; ops/transpose_conv.h). */
static void pack_phases(const tml_transpose_conv_s8_params *p, const int8_t *w, const int32_t *bias)
{
    int32_t ry, rx, o, fy, fx, c, n = 0, q = 0;
    for (ry = 0; ry < p->stride_height; ry++) {
        for (rx = 0; rx < p->stride_width; rx++, q++) {
            int32_t *d = phase_d + q * (p->output_depth + 1);
            d[0] = n;
            for (o = 0; o < p->output_depth; o++) {
                int32_t s = 0;
                for (fy = ry + (p->filter_height - 1 - ry) / p->stride_height * p->stride_height;
                     ry < p->filter_height && fy >= ry; fy -= p->stride_height) {
                    for (fx = rx + (p->filter_width - 1 - rx) / p->stride_width * p->stride_width;
                         rx < p->filter_width && fx >= rx; fx -= p->stride_width) {
                        for (c = 0; c < p->input_depth; c++) {
                            const int8_t v = w[((o * p->filter_height + fy) * p->filter_width + fx) * p->input_depth + c];
                            phase_w[n++] = v;
                            s += v;
                        }
                    }
                }
                d[1 + o] = (bias ? bias[o] : 0) + p->input_offset * s;
            }
        }
    }
}

static void fill(int8_t *buf, int32_t n)
{
    int32_t i;
    for (i = 0; i < n; i++) buf[i] = (int8_t)between(-128, 127);
}

static void random_requant(int32_t n, int per_channel, int32_t *m, int32_t *s)
{
    int32_t i;
    for (i = 0; i < (per_channel ? n : 1); i++) {
        mult[i] = rnd() % 16 ? between(1 << 30, 0x7fffffff) : (1 << 30) + (int32_t)(rnd() % 2);
        shift[i] = rnd() % 16 ? between(-14, 0) : between(-23, -18);
    }
    *m = mult[0];
    *s = shift[0];
}

static int report(const char *name, int cases, int differ)
{
    printf("%s: %d cases, %d differ\n", name, cases, differ);
    return differ;
}

static int test_transpose_conv(void)
{
    int c, differ = 0, run = 0;
    for (c = 0; c < CASES; c++) {
        tml_transpose_conv_s8_params p;
        int32_t taps, n_in, n_w, n_out, o, t, i, k;
        const int32_t *bias;
        memset(&p, 0, sizeof p);
        p.batches = between(1, 2);
        p.input_height = between(1, 6);
        p.input_width = between(1, 6);
        p.input_depth = rnd() % 4 ? between(1, 24) : between(1, 3) * 4;
        p.filter_height = between(1, 5);
        p.filter_width = between(1, 5);
        p.stride_height = between(1, 4);
        p.stride_width = between(1, 4);
        p.pad_height = between(0, p.filter_height - 1);
        p.pad_width = between(0, p.filter_width - 1);
        p.output_height = between(1, (p.input_height - 1) * p.stride_height + p.filter_height);
        p.output_width = between(1, (p.input_width - 1) * p.stride_width + p.filter_width);
        p.output_depth = between(1, 13);
        taps = p.filter_height * p.filter_width;
        n_in = p.batches * p.input_height * p.input_width * p.input_depth;
        n_w = p.output_depth * taps * p.input_depth;
        n_out = p.batches * p.output_height * p.output_width * p.output_depth;
        if (n_in > (int32_t)sizeof in_buf || n_w > (int32_t)sizeof w_buf || n_out > (int32_t)sizeof out_ref) {
            continue;
        }
        run++;
        fill(in_buf, n_in);
        fill(w_buf, n_w);
        if (rnd() % 8 == 0) memset(w_buf, rnd() % 2 ? 127 : -128, (size_t)n_w);
        for (o = 0; o < p.output_depth; o++) bias_buf[o] = between(-40000, 40000);
        bias = rnd() % 4 ? bias_buf : NULL;
        p.input_offset = between(-127, 128);
        p.output_offset = between(-128, 127);
        if (rnd() % 2) {
            random_requant(p.output_depth, 1, &p.output_multiplier, &p.output_shift);
            p.per_channel_multiplier = mult;
            p.per_channel_shift = shift;
        } else {
            random_requant(1, 0, &p.output_multiplier, &p.output_shift);
        }
        p.act_min = rnd() % 2 ? -128 : between(-128, 0);
        p.act_max = rnd() % 2 ? 127 : between(p.act_min, 127);
        for (o = 0; o < p.output_depth; o++) {
            for (t = 0; t < taps; t++) {
                int32_t s = 0;
                for (i = 0; i < p.input_depth; i++) s += w_buf[(o * taps + t) * p.input_depth + i];
                tap_sums[o * taps + t] = s;
            }
        }
        memset(out_ref, 0x55, (size_t)n_out);
        memset(out_opt, 0x33, (size_t)n_out);
        tml_transpose_conv_s8_ref(&p, in_buf, w_buf, bias, out_ref);
        p.tap_sums = tap_sums;
        pack_phases(&p, w_buf, bias);
        p.phase_weights = phase_w;
        p.phase_data = phase_d;
        p.requant_fast = pack_fast(&p);
#if defined(TML_ARCH_ARM_DSP)
        memset(w_buf, 0x5a, (size_t)n_w); /* the optimized kernel reads the phase layout only */
#endif
        tml_transpose_conv_s8(&p, in_buf, w_buf, bias, out_opt);
        if (memcmp(out_ref, out_opt, (size_t)n_out) != 0) {
            differ++;
            for (k = 0; k < n_out && out_ref[k] == out_opt[k]; k++) {
            }
            if (differ <= 3) {
                printf("transpose_conv case %d: %dx%dx%d f%dx%d s%dx%d pad %d,%d out %dx%dx%d: byte %d ref %d opt %d\n", c,
                       (int)p.input_height, (int)p.input_width, (int)p.input_depth, (int)p.filter_height,
                       (int)p.filter_width, (int)p.stride_height, (int)p.stride_width, (int)p.pad_height,
                       (int)p.pad_width, (int)p.output_height, (int)p.output_width, (int)p.output_depth, (int)k,
                       out_ref[k], out_opt[k]);
            }
        }
    }
    return report("transpose_conv_s8", run, differ);
}

/* The generator's layout of a constant rhs (lower/ops/batch_matmul.py _pack_rhs). */
static void pack_rhs(const tml_batch_matmul_s8_params *p, int32_t matrices)
{
    int32_t m, c, k;
    for (m = 0; m < matrices; m++) {
        const int8_t *r = w_buf + m * p->depth * p->cols;
        for (c = 0; c < p->cols; c++) {
            int32_t s = 0;
            for (k = 0; k < p->depth; k++) {
                const int8_t v = p->adj_y ? r[c * p->depth + k] : r[k * p->cols + c];
                rhs_packed[(m * p->cols + c) * p->depth + k] = v;
                s += v;
            }
            col_terms[m * p->cols + c] = p->lhs_offset * s + p->depth * p->lhs_offset * p->rhs_offset;
        }
    }
}

static int test_batch_matmul(int packed)
{
    int c, differ = 0, run = 0;
    for (c = 0; c < CASES; c++) {
        tml_batch_matmul_s8_params p;
        int32_t ldims[3], rdims[3], lsize, rsize, lstr[3], rstr[3], d, n_out, k;
        memset(&p, 0, sizeof p);
        p.rows = between(1, 7);
        p.cols = between(1, 13);
        p.depth = rnd() % 3 ? between(1, 40) : between(1, 10) * 4;
        p.adj_x = (int32_t)(rnd() % 2);
        p.adj_y = (int32_t)(rnd() % 2);
        for (d = 0; d < 3; d++) {
            const int32_t n = rnd() % 3 ? 1 : between(2, 3);
            ldims[d] = rnd() % 2 ? n : 1;
            rdims[d] = ldims[d] == 1 ? (rnd() % 2 ? n : 1) : (rnd() % 2 ? ldims[d] : 1);
        }
        lsize = p.rows * p.depth;
        rsize = p.depth * p.cols;
        for (d = 2; d >= 0; d--) {
            lstr[d] = ldims[d] == 1 ? 0 : lsize;
            rstr[d] = rdims[d] == 1 ? 0 : rsize;
            lsize *= ldims[d];
            rsize *= rdims[d];
        }
        p.batch0 = ldims[0] > rdims[0] ? ldims[0] : rdims[0];
        p.batch1 = ldims[1] > rdims[1] ? ldims[1] : rdims[1];
        p.batch2 = ldims[2] > rdims[2] ? ldims[2] : rdims[2];
        p.lhs_stride0 = lstr[0];
        p.lhs_stride1 = lstr[1];
        p.lhs_stride2 = lstr[2];
        p.rhs_stride0 = rstr[0];
        p.rhs_stride1 = rstr[1];
        p.rhs_stride2 = rstr[2];
        n_out = p.batch0 * p.batch1 * p.batch2 * p.rows * p.cols;
        if (lsize > (int32_t)sizeof in_buf || rsize > (int32_t)sizeof rhs_packed || n_out > (int32_t)sizeof out_ref ||
            rsize / (p.depth) > (int32_t)(sizeof col_terms / 4) ||
            tml_batch_matmul_s8_scratch_size(p.rows, p.cols, p.depth, p.adj_x, p.adj_y, packed) >
                (int32_t)sizeof scratch) {
            continue;
        }
        run++;
        fill(in_buf, lsize);
        fill(w_buf, rsize);
        p.lhs_offset = rnd() % 4 ? between(-127, 128) : 0;
        p.rhs_offset = rnd() % 3 ? between(-127, 128) : 0;
        p.output_offset = between(-128, 127);
        random_requant(1, 0, &p.output_multiplier, &p.output_shift);
        p.act_min = -128;
        p.act_max = 127;
        memset(out_ref, 0x55, (size_t)n_out);
        memset(out_opt, 0x33, (size_t)n_out);
        tml_batch_matmul_s8_ref(&p, in_buf, w_buf, out_ref);
        if (packed) {
            pack_rhs(&p, rsize / (p.depth * p.cols));
            p.rhs_const = 1;
            p.rhs_packed = rhs_packed;
            p.col_terms = col_terms;
        }
        p.scratch = packed || c % 2 ? scratch : NULL; /* without: the in-place paths (or the reference) */
        memset(scratch, 0x77, sizeof scratch);
        tml_batch_matmul_s8(&p, in_buf, w_buf, out_opt);
        if (memcmp(out_ref, out_opt, (size_t)n_out) != 0) {
            differ++;
            for (k = 0; k < n_out && out_ref[k] == out_opt[k]; k++) {
            }
            if (differ <= 3) {
                printf("batch_matmul case %d: %dx%dx%d adj %d%d batches %d,%d,%d: byte %d ref %d opt %d\n", c,
                       (int)p.rows, (int)p.depth, (int)p.cols, (int)p.adj_x, (int)p.adj_y, (int)p.batch0,
                       (int)p.batch1, (int)p.batch2, (int)k, out_ref[k], out_opt[k]);
            }
        }
    }
    return report(packed ? "batch_matmul_s8 packed" : "batch_matmul_s8", run, differ);
}

int main(void)
{
    int bad = 0;
#if defined(TML_ARCH_ARM_DSP)
    printf("path: arm-dsp\n");
#else
    printf("path: reference\n");
#endif
    bad += test_transpose_conv();
    bad += test_batch_matmul(0);
    bad += test_batch_matmul(1);
    return bad ? 1 : 0;
}
