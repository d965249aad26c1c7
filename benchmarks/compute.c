/*
 * Single-kernel figures of the int8 TRANSPOSE_CONV and BATCH_MATMUL kernels for benchmarks/kernels.py (group compute)
 * (m4sim measures each bench_* call), reference against the Armv7E-M path. The parameters live in
 * writable memory, as in benchmarks/kernels.c. The optimized build's constants (tap sums, the packed rhs
 * and its column terms) are what the generator computes, made here by main().
 */
#include "tinyml.h"

/* TRANSPOSE_CONV 3x3 stride 2 SAME, 8x8x16 -> 16x16x16, per-channel (a decoder's upsampling layer) */
static int8_t tc_in[8 * 8 * 16], tc_w[16 * 9 * 16], tc_out[16 * 16 * 16];
static int32_t tc_fast[3 * 16], tc2_fast[3 * 32];
static int32_t tc_bias[16], tc_mult[16], tc_shift[16], tc_sums[16 * 9], tc_phase_data[4 * 17];
static int8_t tc_phase_w[16 * 9 * 16];
tml_transpose_conv_s8_params tc_params = {1, 8, 8, 16, 3, 3, 16, 16, 16, 2, 2, 0, 0, 5, -3, 0, 0,
                                          tc_mult, tc_shift, -128, 127, NULL, NULL, NULL, NULL};

/* TRANSPOSE_CONV 4x4 stride 2 SAME, 8x8x64 -> 16x16x32, per-channel (a DCGAN generator's layer) */
static int8_t tc2_in[8 * 8 * 64], tc2_w[32 * 16 * 64], tc2_out[16 * 16 * 32], tc2_phase_w[32 * 16 * 64];
static int32_t tc2_bias[32], tc2_mult[32], tc2_shift[32], tc2_sums[32 * 16], tc2_phase_data[4 * 33];
tml_transpose_conv_s8_params tc2_params = {1, 8, 8, 64, 4, 4, 16, 16, 32, 2, 2, 1, 1, -7, 4, 0, 0,
                                           tc2_mult, tc2_shift, -128, 127, NULL, NULL, NULL, NULL};

/* The generator's tap sums and phase layout (lower/ops/transpose_conv.py; ops/transpose_conv.h). */
static void pack(const tml_transpose_conv_s8_params *p, const int8_t *w, const int32_t *bias, int32_t *sums,
                 int8_t *phase_w, int32_t *phase_d)
{
    int32_t ry, rx, o, fy, fx, c, t, n = 0, q = 0;
    const int32_t taps = p->filter_height * p->filter_width;
    for (o = 0; o < p->output_depth * taps; o++) {
        int32_t s = 0;
        for (c = 0; c < p->input_depth; c++) s += w[o * p->input_depth + c];
        sums[o] = s;
    }
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
                        t = (o * p->filter_height + fy) * p->filter_width + fx;
                        for (c = 0; c < p->input_depth; c++) {
                            phase_w[n++] = w[t * p->input_depth + c];
                        }
                        s += sums[t];
                    }
                }
                d[1 + o] = bias[o] + p->input_offset * s;
            }
        }
    }
}

/* BATCH_MATMUL: attention scores Q x K^T (adj_y), 4 heads of 16 x 32 -> 4 x 16 x 16, variable rhs */
static int8_t q_in[4 * 16 * 32], k_in[4 * 16 * 32], s_out[4 * 16 * 16];
/* BATCH_MATMUL: scores x V, 4 x 16 x 16 by 4 x 16 x 32 (rhs transposed in scratch), variable rhs */
static int8_t v_in[4 * 16 * 32], o_out[4 * 16 * 32];
/* BATCH_MATMUL: 32 x 64 by a constant 64 x 32 (the generator's packed rhs) */
static int8_t x_in[32 * 64], c_rhs[64 * 32], c_packed[32 * 64], c_out[32 * 32];
static int32_t c_terms[32];
static int32_t scratch[(4 * 32 + 16 * 32) / 4 + 16];

tml_batch_matmul_s8_params qk_params = {1, 1, 4, 0, 0, 512, 0, 0, 512, 16, 16, 32, 0, 1, 3, -2, 1,
                                        1518500250, -9, -128, 127, 0, NULL, NULL, NULL};
tml_batch_matmul_s8_params sv_params = {1, 1, 4, 0, 0, 256, 0, 0, 512, 16, 32, 16, 0, 0, 128, 5, -4,
                                        1779033703, -8, -128, 127, 0, NULL, NULL, NULL};
tml_batch_matmul_s8_params sv2_params = {1, 1, 4, 0, 0, 256, 0, 0, 512, 16, 32, 16, 0, 0, 128, 5, -4,
                                         1779033703, -8, -128, 127, 0, NULL, NULL, NULL};
static int8_t o2_out[4 * 16 * 32];
tml_batch_matmul_s8_params c_params = {1, 1, 1, 0, 0, 0, 0, 0, 0, 32, 32, 64, 0, 0, 7, 0, 2,
                                       1342177280, -10, -128, 127, 0, NULL, NULL, NULL};

__attribute__((noinline)) void bench_transpose_conv(void)
{
    tml_transpose_conv_s8(&tc_params, tc_in, tc_w, tc_bias, tc_out);
}
__attribute__((noinline)) void bench_transpose_conv_deep(void)
{
    tml_transpose_conv_s8(&tc2_params, tc2_in, tc2_w, tc2_bias, tc2_out);
}
__attribute__((noinline)) void bench_bmm_qk(void) { tml_batch_matmul_s8(&qk_params, q_in, k_in, s_out); }
__attribute__((noinline)) void bench_bmm_sv(void) { tml_batch_matmul_s8(&sv_params, s_out, v_in, o_out); }
__attribute__((noinline)) void bench_bmm_sv_in_place(void) { tml_batch_matmul_s8(&sv2_params, s_out, v_in, o2_out); }
__attribute__((noinline)) void bench_bmm_const(void) { tml_batch_matmul_s8(&c_params, x_in, c_rhs, c_out); }

static uint32_t checksum(uint32_t sum, const int8_t *x, uint32_t n)
{
    uint32_t i;
    for (i = 0; i < n; i++) sum = sum * 31u + (uint8_t)x[i];
    return sum;
}

int main(void)
{
    uint32_t i, j, sum = 0;
    for (i = 0; i < sizeof tc_in; i++) tc_in[i] = (int8_t)(i * 37u);
    for (i = 0; i < sizeof tc_w; i++) tc_w[i] = (int8_t)(i * 53u + 7u);
    for (i = 0; i < 16; i++) {
        tc_bias[i] = (int32_t)(i * 997u) - 8000;
        tc_mult[i] = 1342177280 + (int32_t)i * 41943040;
        tc_shift[i] = -9 - (int32_t)(i % 3);
    }
    for (i = 0; i < 16 * 9; i++) {
        int32_t s = 0;
        for (j = 0; j < 16; j++) s += tc_w[i * 16 + j];
        tc_sums[i] = s;
    }
    pack(&tc_params, tc_w, tc_bias, tc_sums, tc_phase_w, tc_phase_data);
    for (i = 0; i < sizeof tc2_in; i++) tc2_in[i] = (int8_t)(i * 29u + 3u);
    for (i = 0; i < sizeof tc2_w; i++) tc2_w[i] = (int8_t)(i * 61u + 11u);
    for (i = 0; i < 32; i++) {
        tc2_bias[i] = (int32_t)(i * 1301u) - 20000;
        tc2_mult[i] = 1431655765 + (int32_t)i * 20971520;
        tc2_shift[i] = -10 - (int32_t)(i % 2);
    }
    pack(&tc2_params, tc2_w, tc2_bias, tc2_sums, tc2_phase_w, tc2_phase_data);
    for (i = 0; i < 32; i++) { /* tml_requant_fast constants: every multiplier > 2^30, shifts -9 to -11 */
        int32_t *f = i < 16 ? tc_fast + 3 * i : NULL, *f2 = tc2_fast + 3 * i;
        if (f) {
            f[0] = tc_mult[i];
            f[2] = -tc_shift[i];
            f[1] = (int32_t)((uint32_t)(2 * tc_params.output_offset + 1) << (f[2] - 1));
        }
        f2[0] = tc2_mult[i];
        f2[2] = -tc2_shift[i];
        f2[1] = (int32_t)((uint32_t)(2 * tc2_params.output_offset + 1) << (f2[2] - 1));
    }
    for (i = 0; i < sizeof q_in; i++) {
        q_in[i] = (int8_t)(i * 37u);
        k_in[i] = (int8_t)(i * 11u + 3u);
        v_in[i] = (int8_t)(i * 29u + 1u);
    }
    for (i = 0; i < sizeof x_in; i++) x_in[i] = (int8_t)(i * 13u);
    for (i = 0; i < sizeof c_rhs; i++) c_rhs[i] = (int8_t)(i * 71u + 5u);
    for (i = 0; i < 32; i++) { /* [cols][depth] and lhs_offset * column sum (rhs_offset 0) */
        int32_t s = 0;
        for (j = 0; j < 64; j++) {
            c_packed[i * 64 + j] = c_rhs[j * 32 + i];
            s += c_rhs[j * 32 + i];
        }
        c_terms[i] = c_params.lhs_offset * s;
    }
#if !defined(TML_FORCE_REFERENCE)
    tc_params.tap_sums = tc_sums;
    tc_params.phase_weights = tc_phase_w;
    tc_params.phase_data = tc_phase_data;
    tc2_params.tap_sums = tc2_sums;
    tc2_params.phase_weights = tc2_phase_w;
    tc2_params.phase_data = tc2_phase_data;
    tc_params.requant_fast = tc_fast;
    tc2_params.requant_fast = tc2_fast;
    sv_params.scratch = scratch; /* qk_params (adj_y) needs none; sv2_params runs without */
    c_params.rhs_const = 1;
    c_params.rhs_packed = c_packed;
    c_params.col_terms = c_terms;
#endif
    bench_transpose_conv();
    bench_transpose_conv_deep();
    bench_bmm_qk();
    bench_bmm_sv();
    bench_bmm_sv_in_place();
    bench_bmm_const();
    sum = checksum(sum, tc_out, sizeof tc_out);
    sum = checksum(sum, tc2_out, sizeof tc2_out);
    sum = checksum(sum, s_out, sizeof s_out);
    sum = checksum(sum, o_out, sizeof o_out);
    sum = checksum(sum, o2_out, sizeof o2_out);
    sum = checksum(sum, c_out, sizeof c_out);
    return (int)(sum & 0x7f); /* the same for both paths (the script checks it) */
}
