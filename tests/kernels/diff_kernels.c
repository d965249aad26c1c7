/*
 * Differential test of the optimized kernels against the reference kernels, on random cases:
 * shapes (odd sizes too), strides, dilations, paddings, offsets, multipliers and shifts, activation
 * ranges. Every output byte must be equal. Built for the target (tests/test_kernels_m4.py runs it
 * under QEMU for the Cortex-M4); prints one summary line per kernel and exits 1 on any mismatch.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tinyml.h"

#ifndef CASES
#define CASES 600
#endif

#define TEST_RNG_SEED 12345u
#include "test_rng.h"
#include "packing.h"

/* Whether the odd channel o of rows w (k values each) and its folded bias fit the paired sums of
 * pack_conv: no weight -128 under a negative even one, |bias| + 128 * sum |w| < 2^23. */
static int pair_ok(const int8_t *w, int32_t k, int32_t o, int32_t folded_bias)
{
    int64_t sum = 0;
    int32_t v;
    for (v = 0; v < k; v++) {
        if (w[o * k + v] == -128 && w[(o - 1) * k + v] < 0) return 0;
        sum += w[o * k + v] < 0 ? -w[o * k + v] : w[o * k + v];
    }
    return (folded_bias < 0 ? -(int64_t)folded_bias : folded_bias) + 128 * sum < (1 << 23);
}

static int8_t in_buf[4096], w_buf[8192], out_ref[4096], out_opt[4096 + 4]; /* + the sentinel after the outputs */
static int32_t bias_buf[64], folded[64], mult[64], shift[64];
static int8_t patch_buf[9 * 64];

static void random_requant(int32_t n, int per_channel, int32_t *m, int32_t *s)
{
    int32_t i;
    for (i = 0; i < (per_channel ? n : 1); i++) {
        mult[i] = rnd() % 16 ? between(1 << 30, 0x7fffffff) : (1 << 30) + (int32_t)(rnd() % 2); /* 2^30: no fast path */
        shift[i] = rnd() % 16 ? between(-12, 1) : between(-23, -18); /* around the fast path's limit of 21 */
    }
    *m = mult[0];
    *s = shift[0];
}

static void random_act(int32_t *lo, int32_t *hi)
{
    *lo = rnd() % 2 ? -128 : between(-128, 0);
    *hi = rnd() % 2 ? 127 : between(*lo, 127);
}

static void fold(const int8_t *w, int32_t rows, int32_t row_len, int32_t input_offset, int has_bias)
{
    int32_t r, i;
    for (r = 0; r < rows; r++) {
        int64_t sum = 0;
        for (i = 0; i < row_len; i++) sum += w[r * row_len + i];
        folded[r] = (int32_t)((has_bias ? bias_buf[r] : 0) + input_offset * sum);
    }
}

static void fill(int8_t *buf, int32_t n)
{
    int32_t i;
    for (i = 0; i < n; i++) buf[i] = (int8_t)between(-128, 127);
}

static int test_fully_connected(void)
{
    int c, bad = 0;
    for (c = 0; c < CASES; c++) {
        tml_fully_connected_s8_params p;
        int has_bias = (int)(rnd() % 4 != 0);
        int32_t n_out;
        memset(&p, 0, sizeof p);
        p.batches = between(1, 3);
        p.accum_depth = between(1, 70);
        p.output_depth = between(1, 9);
        p.input_offset = between(-127, 128);
        p.output_offset = between(-128, 127);
        random_requant(p.output_depth, (int)(rnd() % 2), &p.output_multiplier, &p.output_shift);
        if (rnd() % 2) {
            p.per_channel_multiplier = mult;
            p.per_channel_shift = shift;
        }
        random_act(&p.act_min, &p.act_max);
        if (rnd() % 3 == 0) { /* per-tensor, full int8 range: the Cortex-M4 fast requantization */
            p.per_channel_multiplier = NULL;
            p.per_channel_shift = NULL;
            p.act_min = -128;
            p.act_max = 127;
        }
        fill(in_buf, p.batches * p.accum_depth);
        fill(w_buf, p.output_depth * p.accum_depth);
        for (n_out = 0; n_out < p.output_depth; n_out++) bias_buf[n_out] = between(-20000, 20000);
        n_out = p.batches * p.output_depth;
        tml_fully_connected_s8_ref(&p, in_buf, w_buf, has_bias ? bias_buf : NULL, out_ref);
        fold(w_buf, p.output_depth, p.accum_depth, p.input_offset, has_bias);
        p.folded_bias = folded;
        memset(out_opt, 0x55, sizeof out_opt);
        tml_fully_connected_s8(&p, in_buf, w_buf, has_bias ? bias_buf : NULL, out_opt);
        if (memcmp(out_ref, out_opt, (size_t)n_out) != 0) {
            if (bad++ < 5)
                printf("fully_connected case %d differs: batches %ld depth %ld rows %ld\n", c, (long)p.batches,
                       (long)p.accum_depth, (long)p.output_depth);
        }
    }
    printf("fully_connected_s8: %d cases, %d differ\n", CASES, bad);
    return bad;
}

/* The generator's Cortex-M4 layouts of fully_connected.h, written here from their description there. */
static int32_t packed_buf[1024];

static int32_t fast_c(const tml_fully_connected_s8_params *p, int32_t shift)
{
    return (int32_t)((uint32_t)(2 * p->output_offset + 1) << (-shift - 1));
}

static int32_t *put_constants(int32_t *s, const tml_fully_connected_s8_params *p, int32_t o, int32_t count)
{
    int32_t i;
    if (!p->per_channel_multiplier) return s;
    for (i = o; i < o + count; i++) {
        *s++ = p->per_channel_multiplier[i];
        *s++ = fast_c(p, p->per_channel_shift[i]);
        *s++ = -p->per_channel_shift[i];
    }
    return s;
}

static void pack_fc(const tml_fully_connected_s8_params *p, const int8_t *w)
{
    const int32_t rows = p->output_depth, n = p->accum_depth, r = -p->output_shift, pc = p->per_channel_multiplier != NULL;
    const int32_t c = fast_c(p, p->output_shift);
    int32_t *s = packed_buf, o, k, i;
    if (n == 1) {
        *s++ = rows;
        *s++ = p->output_multiplier;
        *s++ = c;
        *s++ = r;
        for (o = 0; o < rows; o += 4) {
            int32_t wv[4];
            for (i = 0; i < 4; i++) {
                *s++ = o + i < rows ? 2 * p->folded_bias[o + i] : 0;
                wv[i] = o + i < rows ? w[o + i] : 0;
            }
            *s++ = (int32_t)(((uint32_t)wv[0] & 0xffffu) | (uint32_t)wv[1] << 16);
            *s++ = (int32_t)(((uint32_t)wv[2] & 0xffffu) | (uint32_t)wv[3] << 16);
        }
        return;
    }
    *s++ = n;
    *s++ = rows - rows % 4;
    *s++ = pc ? 0 : p->output_multiplier;
    *s++ = pc ? 0 : c;
    *s++ = pc ? 0 : r;
    *s++ = rows % 4;
    for (o = 0; o + 4 <= rows; o += 4) {
        for (i = 0; i < 4; i += 2) { /* the two row pairs' initial sums */
            *s++ = (int32_t)((uint32_t)p->folded_bias[o + i] + ((uint32_t)p->folded_bias[o + i + 1] << 8));
            *s++ = p->folded_bias[o + i];
        }
        for (k = 0; k < n; k += 4) {
            int32_t e, h, half;
            for (e = 0; e < 2; e++)         /* inputs k + e and k + e + 2 */
                for (h = 0; h < 4; h += 2) { /* rows o + h, o + h + 1 */
                    int8_t b[4];
                    for (half = 0; half < 2; half++) {
                        const int32_t we = w[(o + h) * n + k + e + 2 * half], wo = w[(o + h + 1) * n + k + e + 2 * half];
                        b[2 * half] = (int8_t)we;
                        b[2 * half + 1] = (int8_t)(wo - (we < 0));
                    }
                    *s++ = word_of(b);
                }
        }
        s = put_constants(s, p, o, 4);
    }
    for (; o < rows; o++) {
        *s++ = p->folded_bias[o];
        for (k = 0; k < n; k += 4) *s++ = word_of(w + o * n + k);
        s = put_constants(s, p, o, 1);
    }
}

/* Requantization constants over the fast requantization's whole range (multipliers just above 2^30 up
 * to 2^31 - 1, right shifts 1..21): per tensor into m and s, then, if may_per_channel and a coin says so,
 * per channel into mult and shift for n channels (returns 1). */
static int random_fast_requant(int32_t n, int may_per_channel, int32_t *m, int32_t *s)
{
    int32_t o;
    *m = rnd() % 8 ? between((1 << 30) + 1, 0x7fffffff) : (1 << 30) + 1;
    *s = rnd() % 8 ? between(-12, -1) : between(-21, -13);
    if (!may_per_channel || !(rnd() % 2)) return 0;
    for (o = 0; o < n; o++) {
        mult[o] = rnd() % 8 ? between((1 << 30) + 1, 0x7fffffff) : (1 << 30) + 1;
        shift[o] = rnd() % 8 ? between(-12, -1) : between(-21, -13);
    }
    return 1;
}

/* The packed kernels: depths 1 and multiples of 4, every row count modulo 4, batches, per-tensor and
 * per-channel constants over the fast requantization's whole range (multipliers just above 2^30 up to
 * 2^31 - 1, right shifts 1..21), biases near 2^30 so that the doubled sum saturates (depth > 1 only:
 * depth 1 takes the generator's bound). */
static int test_fully_connected_packed(void)
{
    int c, bad = 0;
    for (c = 0; c < CASES; c++) {
        tml_fully_connected_s8_params p;
        int32_t o, n_out, big = (int32_t)(rnd() % 4 == 0);
        memset(&p, 0, sizeof p);
        p.batches = between(1, 3);
        p.accum_depth = rnd() % 4 == 0 ? 1 : 4 * between(1, 18);
        p.output_depth = between(1, 23);
        p.input_offset = between(-127, 128);
        p.output_offset = between(-128, 127);
        if (random_fast_requant(p.output_depth, p.accum_depth > 1, &p.output_multiplier, &p.output_shift)) {
            p.per_channel_multiplier = mult;
            p.per_channel_shift = shift;
        }
        p.act_min = -128;
        p.act_max = 127;
        fill(in_buf, p.batches * p.accum_depth);
        fill(w_buf, p.output_depth * p.accum_depth);
        for (o = 0; o < p.output_depth; o++) {
            bias_buf[o] = big && p.accum_depth > 1 ? between(-(1 << 30), 1 << 30) : between(-20000, 20000);
        }
        if (p.accum_depth > 1) { /* the odd rows of groups within the paired sums' bounds */
            for (o = 1; o < p.output_depth - p.output_depth % 4; o += 2) {
                int32_t v, wsum = 0, abs_sum = 0;
                for (v = 0; v < p.accum_depth; v++) {
                    int8_t *wo = &w_buf[o * p.accum_depth + v];
                    if (*wo == -128 && wo[-p.accum_depth] < 0) *wo = -127;
                    wsum += *wo;
                    abs_sum += *wo < 0 ? -*wo : *wo;
                }
                if (big) { /* a folded bias at the bound, either sign */
                    const int32_t edge = (1 << 23) - 1 - 128 * abs_sum;
                    bias_buf[o] = ((c + o) & 2 ? edge : -edge) - p.input_offset * wsum;
                }
            }
        }
        n_out = p.batches * p.output_depth;
        tml_fully_connected_s8_ref(&p, in_buf, w_buf, bias_buf, out_ref);
        fold(w_buf, p.output_depth, p.accum_depth, p.input_offset, 1);
        if (p.accum_depth > 1) {
            for (o = 1; o < p.output_depth - p.output_depth % 4; o += 2) {
                if (!pair_ok(w_buf, p.accum_depth, o, folded[o]))
                    printf("packed fully_connected case %d: odd row %ld out of bounds\n", c, (long)o);
            }
        }
        p.folded_bias = folded;
        pack_fc(&p, w_buf);
        p.packed = packed_buf;
        memset(out_opt, 0x55, sizeof out_opt);
        tml_fully_connected_s8(&p, in_buf, w_buf, bias_buf, out_opt);
        if (memcmp(out_ref, out_opt, (size_t)n_out) != 0 || out_opt[n_out] != 0x55) {
            if (bad++ < 5)
                printf("packed fully_connected case %d differs: batches %ld depth %ld rows %ld\n", c,
                       (long)p.batches, (long)p.accum_depth, (long)p.output_depth);
        }
    }
    printf("fully_connected_s8 packed: %d cases, %d differ\n", CASES, bad);
    return bad;
}

/* A random convolution geometry (every test of CONV_2D and DEPTHWISE_CONV_2D): sizes, filter, strides,
 * dilations, leading paddings and the output size; pointwise: a 1x1 filter with stride 1 (the GEMM paths).
 * 0 when the padded input is smaller than the filter's span. */
static int random_geometry(int pointwise, int32_t *h, int32_t *w, int32_t *fh, int32_t *fw, int32_t *sh,
                           int32_t *sw, int32_t *dh, int32_t *dw, int32_t *ph, int32_t *pw, int32_t *oh, int32_t *ow)
{
    int32_t span_y, span_x;
    *h = between(1, 9);
    *w = between(1, 9);
    *fh = between(1, 4);
    *fw = between(1, 4);
    *sh = between(1, 3);
    *sw = between(1, 3);
    *dh = between(1, 2);
    *dw = between(1, 2);
    if (pointwise) {
        *fh = *fw = *sh = *sw = 1;
    }
    span_y = (*fh - 1) * *dh;
    span_x = (*fw - 1) * *dw;
    *ph = between(0, span_y);
    *pw = between(0, span_x);
    if (*h + 2 * *ph <= span_y || *w + 2 * *pw <= span_x) return 0;
    *oh = (*h + 2 * *ph - span_y - 1) / *sh + 1;
    *ow = (*w + 2 * *pw - span_x - 1) / *sw + 1;
    return 1;
}

static int test_conv(void)
{
    int c, bad = 0, tried = 0;
    for (c = 0; tried < CASES; c++) {
        tml_conv_s8_params p;
        int has_bias = (int)(rnd() % 4 != 0);
        int32_t i, n_out;
        memset(&p, 0, sizeof p);
        p.batches = between(1, 2);
        p.input_depth = between(1, c % 4 == 0 ? 24 : 9); /* pointwise cases: several SIMD steps */
        p.filter_input_depth = p.input_depth;
        p.output_depth = between(1, 7);
        if (!random_geometry(c % 4 == 0, &p.input_height, &p.input_width, &p.filter_height, &p.filter_width,
                             &p.stride_height, &p.stride_width, &p.dilation_height, &p.dilation_width,
                             &p.pad_height, &p.pad_width, &p.output_height, &p.output_width)) continue;
        n_out = p.batches * p.output_height * p.output_width * p.output_depth;
        if (n_out > (int32_t)sizeof out_ref) continue;
        tried++;
        p.input_offset = between(-127, 128);
        p.output_offset = between(-128, 127);
        random_requant(p.output_depth, (int)(rnd() % 2), &p.output_multiplier, &p.output_shift);
        if (rnd() % 2) {
            p.per_channel_multiplier = mult;
            p.per_channel_shift = shift;
        }
        random_act(&p.act_min, &p.act_max);
        fill(in_buf, p.batches * p.input_height * p.input_width * p.input_depth);
        fill(w_buf, p.output_depth * p.filter_height * p.filter_width * p.input_depth);
        for (i = 0; i < p.output_depth; i++) bias_buf[i] = between(-20000, 20000);
        tml_conv_s8_ref(&p, in_buf, w_buf, has_bias ? bias_buf : NULL, out_ref);
        fold(w_buf, p.output_depth, p.filter_height * p.filter_width * p.input_depth, p.input_offset, has_bias);
        p.folded_bias = folded;
        memset(out_opt, 0x55, sizeof out_opt);
        tml_conv_s8(&p, in_buf, w_buf, has_bias ? bias_buf : NULL, out_opt);
        if (memcmp(out_ref, out_opt, (size_t)n_out) != 0) {
            if (bad++ < 5)
                printf("conv case %d differs: %ldx%ldx%ld filter %ldx%ld stride %ld,%ld dilation %ld,%ld pad %ld,%ld\n", c,
                       (long)p.input_height, (long)p.input_width, (long)p.input_depth, (long)p.filter_height,
                       (long)p.filter_width, (long)p.stride_height, (long)p.stride_width, (long)p.dilation_height,
                       (long)p.dilation_width, (long)p.pad_height, (long)p.pad_width);
        }
    }
    printf("conv_s8: %d cases, %d differ\n", tried, bad);
    return bad;
}

static int32_t conv_stream[4096];
static uint32_t conv_scratch[1024];

/* One packed convolution case (geometry in p; the rest random): 1 if it differs from the reference, -1
 * if it does not fit the buffers; big: biases near 2^30 and odd channels' sums at their bound. */
static int conv_packed_case(tml_conv_s8_params *p, int c, int32_t big)
{
    int32_t o, n_out, k;
    k = p->filter_height * p->filter_width * p->input_depth;
    n_out = p->batches * p->output_height * p->output_width * p->output_depth;
    if (n_out > (int32_t)sizeof out_ref || p->output_depth * k > (int32_t)sizeof w_buf ||
        p->batches * p->input_height * p->input_width * p->input_depth > (int32_t)sizeof in_buf ||
        (p->output_depth / 4) * (16 + ((p->filter_height * conv_row_bytes(p) + 3) & ~3)) + 18 >
            (int32_t)(sizeof conv_stream / 4) ||
        6 * ((p->filter_height * conv_row_bytes(p) + 3) & ~3) + 8 > (int32_t)sizeof conv_scratch) return -1;
    p->input_offset = between(-127, 128);
    p->output_offset = between(-128, 127);
    if (random_fast_requant(p->output_depth, 1, &p->output_multiplier, &p->output_shift)) {
        p->per_channel_multiplier = mult;
        p->per_channel_shift = shift;
    }
    p->act_min = -128;
    p->act_max = 127;
    fill(in_buf, p->batches * p->input_height * p->input_width * p->input_depth);
    fill(w_buf, p->output_depth * k);
    for (o = 0; o < p->output_depth; o++) {
        bias_buf[o] = big ? between(-(1 << 30), 1 << 30) : between(-20000, 20000);
    }
    for (o = 1; o < p->output_depth; o += 2) { /* the odd channels within the paired sums' bounds */
        int32_t v, wsum = 0, abs_sum = 0;
        for (v = 0; v < k; v++) {
            if (w_buf[o * k + v] == -128 && w_buf[(o - 1) * k + v] < 0) w_buf[o * k + v] = -127;
            wsum += w_buf[o * k + v];
            abs_sum += w_buf[o * k + v] < 0 ? -w_buf[o * k + v] : w_buf[o * k + v];
        }
        if (big) { /* a folded bias at the bound, either sign */
            const int32_t edge = (1 << 23) - 1 - 128 * abs_sum;
            bias_buf[o] = ((c + o) & 2 ? edge : -edge) - p->input_offset * wsum;
        }
    }
    tml_conv_s8_ref(p, in_buf, w_buf, bias_buf, out_ref);
    fold(w_buf, p->output_depth, k, p->input_offset, 1);
    for (o = 1; o < p->output_depth; o += 2) {
        if (!pair_ok(w_buf, k, o, folded[o])) printf("packed conv case %d: odd channel %ld out of bounds\n", c, (long)o);
    }
    p->folded_bias = folded;
    pack_conv(p, w_buf, conv_stream);
    p->packed = conv_stream;
    p->scratch = conv_scratch;
    memset(out_opt, 0x55, sizeof out_opt);
    tml_conv_s8(p, in_buf, w_buf, bias_buf, out_opt);
    if (memcmp(out_ref, out_opt, (size_t)n_out) != 0 || out_opt[n_out] != 0x55) {
        printf("packed conv case %d differs: %ldx%ldx%ldx%ld -> %ld filter %ldx%ld stride %ld,%ld dilation "
               "%ld,%ld pad %ld,%ld\n", c, (long)p->batches, (long)p->input_height, (long)p->input_width,
               (long)p->input_depth, (long)p->output_depth, (long)p->filter_height, (long)p->filter_width,
               (long)p->stride_height, (long)p->stride_width, (long)p->dilation_height, (long)p->dilation_width,
               (long)p->pad_height, (long)p->pad_width);
        return 1;
    }
    return 0;
}

/* The packed convolution: pointwise (stride 1 and more) and any filter (gathered windows with padding,
 * dilation), input depths 1 to 24 (not multiples of 4 too), 4 to 12 output channels, odd pixel counts,
 * batches, per-tensor and per-channel constants over the fast requantization's whole range, biases near
 * 2^30 so that the doubled sum saturates. */
static int test_conv_packed(void)
{
    int c, bad = 0, tried = 0;
    for (c = 0; tried < CASES; c++) {
        tml_conv_s8_params p;
        int r, big = (int)(rnd() % 4 == 0);
        memset(&p, 0, sizeof p);
        p.batches = between(1, 2);
        p.input_depth = between(1, c % 2 == 0 ? 24 : 9);
        p.filter_input_depth = p.input_depth;
        p.output_depth = 4 * between(1, 3);
        if (!random_geometry(c % 2 == 0, &p.input_height, &p.input_width, &p.filter_height, &p.filter_width,
                             &p.stride_height, &p.stride_width, &p.dilation_height, &p.dilation_width,
                             &p.pad_height, &p.pad_width, &p.output_height, &p.output_width)) continue;
        if (c % 4 == 0) { /* pointwise with strides */
            p.stride_height = between(1, 3);
            p.stride_width = between(1, 3);
            p.output_height = (p.input_height - 1) / p.stride_height + 1;
            p.output_width = (p.input_width - 1) / p.stride_width + 1;
        }
        r = conv_packed_case(&p, c, big);
        if (r < 0) continue;
        tried++;
        bad += r;
    }
    printf("conv_s8 packed: %d cases, %d differ\n", tried, bad);
    return bad;
}

/* The packed convolution's window paths on larger images: input depths 1 to 5 and 8 (filter rows of
 * whole words, rows padded to words, split rows with and without whole words), filters 1x1 (padded) to
 * 10x4, strides 1 and 2, no to full padding, odd and even widths (pairs across rows, a lone last
 * pixel), batches; pointwise stride 1 over all batches' pixels too. */
static int test_conv_packed_shapes(void)
{
    static const int32_t depths[] = {1, 2, 3, 4, 5, 8, 3, 1};
    static const int32_t filters[][2] = {{3, 3}, {10, 4}, {5, 5}, {1, 3}, {3, 1}, {2, 2}, {1, 1}, {4, 4}, {3, 2}};
    int c, bad = 0, tried = 0;
    for (c = 0; tried < CASES / 2; c++) {
        tml_conv_s8_params p;
        int32_t span_y, span_x, r;
        memset(&p, 0, sizeof p);
        p.batches = between(1, 2);
        p.input_depth = depths[c % 8];
        p.filter_input_depth = p.input_depth;
        p.output_depth = 4 * between(1, 3);
        p.filter_height = filters[c % 9][0];
        p.filter_width = filters[c % 9][1];
        p.input_height = between(p.filter_height, 14);
        p.input_width = between(p.filter_width > 2 ? p.filter_width : 2, 16);
        p.stride_height = between(1, 2);
        p.stride_width = between(1, 2);
        p.dilation_height = p.dilation_width = 1;
        if (c % 16 == 6) { /* pointwise, stride 1: all the pixels in one run */
            p.filter_height = p.filter_width = p.stride_height = p.stride_width = 1;
        }
        span_y = p.filter_height - 1;
        span_x = p.filter_width - 1;
        p.pad_height = c % 16 == 6 ? 0 : between(0, span_y);
        p.pad_width = c % 16 == 6 ? 0 : between(0, span_x);
        if (c % 16 == 14) { /* a 1x1 filter with padding: gathered */
            p.filter_height = p.filter_width = 1;
            p.pad_height = between(0, 1);
            p.pad_width = 1;
            span_y = span_x = 0;
        }
        p.output_height = (p.input_height + 2 * p.pad_height - span_y - 1) / p.stride_height + 1;
        p.output_width = (p.input_width + 2 * p.pad_width - span_x - 1) / p.stride_width + 1;
        r = conv_packed_case(&p, c, (int32_t)(rnd() % 4 == 0));
        if (r < 0) continue;
        tried++;
        bad += r;
    }
    printf("conv_s8 packed shapes: %d cases, %d differ\n", tried, bad);
    return bad;
}

/* A random 3x3 depthwise shape (multiplier 1, no dilation) into p, zeroed first: batches 1 or 2, depth
 * unit * 1..units, height 1 to 9, width 1 to max_width, strides 1 to 3 (across: stride_width, or random
 * where 0), paddings 0 to 2; 0 where the window does not fit. */
static int dw3_shape(tml_depthwise_conv_s8_params *p, int32_t unit, int32_t units, int32_t max_width,
                     int32_t stride_width)
{
    memset(p, 0, sizeof *p);
    p->batches = between(1, 2);
    p->input_depth = unit * between(1, units);
    p->depth_multiplier = 1;
    p->filter_height = p->filter_width = 3;
    p->dilation_height = p->dilation_width = 1;
    p->input_height = between(1, 9);
    p->input_width = between(1, max_width);
    p->stride_height = between(1, 3);
    p->stride_width = stride_width ? stride_width : between(1, 3);
    p->pad_height = between(0, 2);
    p->pad_width = between(0, 2);
    if (p->input_height + 2 * p->pad_height < 3 || p->input_width + 2 * p->pad_width < 3) return 0;
    p->output_height = (p->input_height + 2 * p->pad_height - 3) / p->stride_height + 1;
    p->output_width = (p->input_width + 2 * p->pad_width - 3) / p->stride_width + 1;
    return 1;
}

/* A packed 3x3 depthwise case's data for p's shape: offsets, the fast requantization's constants
 * (per tensor or per channel), input, weights [9][c], biases (near 2^30 with big), the reference output
 * in out_ref and the folded biases the packed streams take. */
static void dw3_case(tml_depthwise_conv_s8_params *p, int has_bias, int big, int32_t n_in)
{
    int32_t i;
    p->input_offset = between(-127, 128);
    p->output_offset = between(-128, 127);
    if (random_fast_requant(p->input_depth, 1, &p->output_multiplier, &p->output_shift)) {
        p->per_channel_multiplier = mult;
        p->per_channel_shift = shift;
    }
    p->act_min = -128;
    p->act_max = 127;
    fill(in_buf, n_in);
    fill(w_buf, 9 * p->input_depth);
    for (i = 0; i < p->input_depth; i++) {
        bias_buf[i] = big ? between(-(1 << 30), 1 << 30) : between(-20000, 20000);
    }
    tml_depthwise_conv_s8_ref(p, in_buf, w_buf, has_bias ? bias_buf : NULL, out_ref);
    for (i = 0; i < p->input_depth; i++) {
        int64_t sum = 0;
        int32_t t;
        for (t = 0; t < 9; t++) sum += w_buf[t * p->input_depth + i];
        folded[i] = (int32_t)((has_bias ? bias_buf[i] : 0) + p->input_offset * sum);
    }
    p->folded_bias = folded;
}

/* The pixel-by-pixel 3x3 depthwise kernel: strides 1 to 3 both ways, paddings 0 to 2 (more than a
 * window's reach too), windows inside and across every border, depths 4 to 64 in fours, batches, with
 * and without bias (biases near 2^30 too), per-tensor and per-channel constants over the fast
 * requantization's whole range. */
static int test_dw_px(void)
{
    int c, bad = 0, tried = 0;
    for (c = 0; tried < CASES; c++) {
        tml_depthwise_conv_s8_params p;
        int has_bias = (int)(rnd() % 4 != 0), big = (int)(rnd() % 4 == 0);
        int32_t n_out, n_in;
        if (!dw3_shape(&p, 4, c % 3 == 0 ? 16 : 4, 9, 0)) continue;
        n_out = p.batches * p.output_height * p.output_width * p.input_depth;
        n_in = p.batches * p.input_height * p.input_width * p.input_depth;
        if (n_out >= (int32_t)sizeof out_ref || n_in > (int32_t)sizeof in_buf) continue;
        tried++;
        dw3_case(&p, has_bias, big, n_in);
        pack_dw3_px(&p, w_buf, conv_stream);
        p.packed = conv_stream;
        p.patch = patch_buf;
        memset(patch_buf, 0xa5, sizeof patch_buf); /* the kernel may assume nothing of its patch */
        memset(out_opt, 0x55, sizeof out_opt);
        tml_depthwise_conv_s8(&p, in_buf, w_buf, has_bias ? bias_buf : NULL, out_opt);
        if (memcmp(out_ref, out_opt, (size_t)n_out) != 0 || out_opt[n_out] != 0x55) {
            if (bad++ < 5)
                printf("pixel depthwise case %d differs: %ldx%ldx%ldx%ld stride %ld,%ld pad %ld,%ld\n", c,
                       (long)p.batches, (long)p.input_height, (long)p.input_width, (long)p.input_depth,
                       (long)p.stride_height, (long)p.stride_width, (long)p.pad_height, (long)p.pad_width);
        }
    }
    printf("depthwise_conv_s8 pixels: %d cases, %d differ\n", tried, bad);
    return bad;
}

/* The channel-pair 3x3 depthwise kernel (armv7em/depthwise_conv_pairs.h): stride 1 and 2 across, 1 to 3
 * down, paddings 0 to 2 (more than a window's reach too), widths 1 to 14 (stride 1: runs of four pixels,
 * a last run of three, one or two pixels after the runs, several runs; stride 2: runs of three, a last
 * run of one or two), even depths 2 to 32 (whole words of four channels and
 * not), batches, with and without bias (biases near 2^30 too), per-tensor and per-channel constants over
 * the fast requantization's whole range; the ring's three slots in buffers of their own, each exactly
 * as large as the generator plans it, followed by a guard the kernel must not touch. */
static int8_t pair_slots[3][4096 + 16];

static int test_dw_pairs(void)
{
    int c, bad = 0, tried = 0;
    for (c = 0; tried < CASES; c++) {
        tml_depthwise_conv_s8_params p;
        int has_bias = (int)(rnd() % 4 != 0), big = (int)(rnd() % 4 == 0), guard_ok = 1;
        int32_t i, n_out, n_in, slot;
        if (!dw3_shape(&p, 2, c % 3 == 0 ? 16 : 4, c % 2 ? 14 : 26, 1 + c % 2)) continue;
        n_out = p.batches * p.output_height * p.output_width * p.input_depth;
        n_in = p.batches * p.input_height * p.input_width * p.input_depth;
        slot = p.input_depth * dw3_pairs_cols(&p);
        if (n_out >= (int32_t)sizeof out_ref || n_in > (int32_t)sizeof in_buf || slot > 4096) continue;
        tried++;
        dw3_case(&p, has_bias, big, n_in);
        pack_dw3_pairs(&p, w_buf, conv_stream);
        p.packed = conv_stream;
        memset(pair_slots, 0xa5, sizeof pair_slots); /* the kernel may assume nothing of its slots */
        /* the slots in an order of the arena's choosing: slot 0 last */
        p.scratch = pair_slots[2];
        p.slot1 = pair_slots[0];
        p.slot2 = pair_slots[1];
        memset(out_opt, 0x55, sizeof out_opt);
        tml_depthwise_conv_s8(&p, in_buf, w_buf, has_bias ? bias_buf : NULL, out_opt);
        for (i = 0; i < 3 * 16; i++) {
            guard_ok &= pair_slots[i / 16][slot + i % 16] == (int8_t)0xa5;
        }
        if (memcmp(out_ref, out_opt, (size_t)n_out) != 0 || out_opt[n_out] != 0x55 || !guard_ok) {
            if (bad++ < 5)
                printf("pair depthwise case %d differs%s: %ldx%ldx%ldx%ld stride %ld,%ld pad %ld,%ld\n", c,
                       guard_ok ? "" : " (wrote past a slot)", (long)p.batches, (long)p.input_height,
                       (long)p.input_width, (long)p.input_depth, (long)p.stride_height, (long)p.stride_width,
                       (long)p.pad_height, (long)p.pad_width);
        }
    }
    printf("depthwise_conv_s8 pairs: %d cases, %d differ\n", tried, bad);
    return bad;
}

static int test_depthwise(void)
{
    static const int32_t multipliers[] = {1, 1, 1, 2, 3, 4, 8};
    int c, bad = 0, tried = 0;
    for (c = 0; tried < CASES; c++) {
        tml_depthwise_conv_s8_params p;
        int has_bias = (int)(rnd() % 4 != 0);
        int32_t i, r, n_out, cout, taps;
        memset(&p, 0, sizeof p);
        p.batches = between(1, 2);
        p.depth_multiplier = multipliers[rnd() % 7];
        p.input_depth = between(1, p.depth_multiplier == 1 ? 24 : 4);
        cout = p.input_depth * p.depth_multiplier;
        if (!random_geometry(c % 4 == 0, &p.input_height, &p.input_width, &p.filter_height, &p.filter_width,
                             &p.stride_height, &p.stride_width, &p.dilation_height, &p.dilation_width,
                             &p.pad_height, &p.pad_width, &p.output_height, &p.output_width)) continue;
        n_out = p.batches * p.output_height * p.output_width * cout;
        if (n_out > (int32_t)sizeof out_ref || cout > 64) continue;
        tried++;
        p.input_offset = between(-127, 128);
        p.output_offset = between(-128, 127);
        random_requant(cout, (int)(rnd() % 2), &p.output_multiplier, &p.output_shift);
        if (rnd() % 2) {
            p.per_channel_multiplier = mult;
            p.per_channel_shift = shift;
        }
        random_act(&p.act_min, &p.act_max);
        taps = p.filter_height * p.filter_width;
        fill(in_buf, p.batches * p.input_height * p.input_width * p.input_depth);
        fill(w_buf, taps * cout);
        for (i = 0; i < cout; i++) bias_buf[i] = between(-20000, 20000);
        tml_depthwise_conv_s8_ref(&p, in_buf, w_buf, has_bias ? bias_buf : NULL, out_ref);
        for (r = 0; r < cout; r++) { /* weights [taps][cout]: the output channel is the last axis */
            int64_t sum = 0;
            for (i = 0; i < taps; i++) sum += w_buf[i * cout + r];
            folded[r] = (int32_t)((has_bias ? bias_buf[r] : 0) + p.input_offset * sum);
        }
        p.folded_bias = folded;
        if (rnd() % 2) {
            p.patch = patch_buf; /* the 3x3 paths may compute border pixels from a padded copy */
        }
        memset(out_opt, 0x55, sizeof out_opt);
        tml_depthwise_conv_s8(&p, in_buf, w_buf, has_bias ? bias_buf : NULL, out_opt);
        if (memcmp(out_ref, out_opt, (size_t)n_out) != 0) {
            if (bad++ < 5)
                printf("depthwise case %d differs: %ldx%ldx%ld x%ld filter %ldx%ld\n", c, (long)p.input_height,
                       (long)p.input_width, (long)p.input_depth, (long)p.depth_multiplier, (long)p.filter_height,
                       (long)p.filter_width);
        }
    }
    printf("depthwise_conv_s8: %d cases, %d differ\n", tried, bad);
    return bad;
}

/* MAX_POOL_2D and AVERAGE_POOL_2D int8: filters up to 4x4 with strides and leading paddings, windows over
 * the whole input up to 16x16 (256 taps, the Armv7E-M average's limit; larger ones take the reference),
 * depths 1..24, activation ranges. */
static int test_pool(void)
{
    int c, bad = 0, tried = 0;
    for (c = 0; tried < CASES; c++) {
        tml_pool_s8_params p;
        int32_t dh, dw, n_out, average = (int32_t)(rnd() % 2);
        memset(&p, 0, sizeof p);
        if (rnd() % 8 == 0) { /* a window over the whole input (global pooling) */
            p.input_height = p.filter_height = between(1, 17);
            p.input_width = p.filter_width = between(1, 17);
            p.stride_height = p.stride_width = 1;
            p.output_height = p.output_width = 1;
        } else if (!random_geometry(0, &p.input_height, &p.input_width, &p.filter_height, &p.filter_width,
                                    &p.stride_height, &p.stride_width, &dh, &dw, &p.pad_height, &p.pad_width,
                                    &p.output_height, &p.output_width) || dh != 1 || dw != 1) {
            continue;
        }
        p.batches = between(1, 2);
        p.depth = between(1, 24);
        n_out = p.batches * p.output_height * p.output_width * p.depth;
        if (n_out > (int32_t)sizeof out_ref || p.batches * p.input_height * p.input_width * p.depth > (int32_t)sizeof in_buf)
            continue;
        tried++;
        random_act(&p.act_min, &p.act_max);
        fill(in_buf, p.batches * p.input_height * p.input_width * p.depth);
        if (rnd() % 4 == 0) memset(in_buf, rnd() % 2 ? 0x80 : 0x7f, sizeof in_buf); /* sums at their extremes */
        memset(out_opt, 0x55, sizeof out_opt);
        if (average) {
            tml_average_pool_s8_ref(&p, in_buf, out_ref);
            tml_average_pool_s8(&p, in_buf, out_opt);
        } else {
            tml_max_pool_s8_ref(&p, in_buf, out_ref);
            tml_max_pool_s8(&p, in_buf, out_opt);
        }
        if (memcmp(out_ref, out_opt, (size_t)n_out) != 0 || out_opt[n_out] != 0x55) {
            if (bad++ < 5)
                printf("%s pool case %d differs: %ldx%ldx%ld filter %ldx%ld stride %ld,%ld pad %ld,%ld\n",
                       average ? "average" : "max", c, (long)p.input_height, (long)p.input_width, (long)p.depth,
                       (long)p.filter_height, (long)p.filter_width, (long)p.stride_height, (long)p.stride_width,
                       (long)p.pad_height, (long)p.pad_width);
        }
    }
    printf("pool_s8: %d cases, %d differ\n", tried, bad);
    return bad;
}

#ifndef DIFF_NO_FLOAT /* targets without floating-point support routines test the integer kernels only */
static float fin[512], fw[4096], fbias[64], fout_ref[512], fout_opt[513]; /* one past: the sentinel after 512 outputs */

static float rnd_float(void)
{
    return (float)between(-100000, 100000) / 50000.0f;
}

/* TFLM's QuantizeMultiplier: real = m * 2^(shift - 31), m in [2^30, 2^31). */
static void quantize_multiplier(double real, int32_t *m, int32_t *shift)
{
    int e;
    double q = frexp(real, &e);
    int64_t v = (int64_t)llround(q * 2147483648.0);
    if (v == ((int64_t)1 << 31)) {
        v /= 2;
        e++;
    }
    *m = (int32_t)v;
    *shift = e;
}

/* ADD int8 with the parameters TFLM's Prepare makes from random scales (either input's larger, or equal:
 * the larger input's multiplier is then 2^30 with shift 0) or random ones (some outside the fast paths),
 * random and extreme zero points, activation ranges; lengths 1..67 (the table kernel's groups of four
 * and the rest), longer ones up to 4096; the generator's table (tml_add_s8_table_of) where it applies
 * (mostly), else none; the output over input1 or input2 (in place, as the generated models run it);
 * broadcast rows ([rows, cols] with one input a row or a column). The oracle is the reference kernel. */
static int8_t add_a[4096], add_b[4096];
#if defined(TML_ARCH_ARM_ASM)
static int32_t add_table[256];
#endif
static int32_t add_bcast[6];

static int32_t add_offset(void)
{
    return rnd() % 5 == 0 ? (rnd() % 2 ? -127 : 128) : between(-127, 128);
}

static int test_add(void)
{
    int c, bad = 0, by_table = 0, in_place = 0;
    for (c = 0; c < CASES; c++) {
        tml_add_s8_params p;
        double s1 = ldexp(1.0 + (rnd() % 1000) / 1000.0, between(-10, -4)), s2, so;
        int32_t i, n1, n2, where = (int32_t)(rnd() % 3);
        memset(&p, 0, sizeof p);
        s2 = rnd() % 3 == 0 ? s1 : ldexp(1.0 + (rnd() % 1000) / 1000.0, between(-10, -4));
        so = ldexp(1.0 + (rnd() % 1000) / 1000.0, between(-10, -3));
        p.size = rnd() % 2 ? between(1, 67) : rnd() % 2 ? between(68, 300) : between(300, 4096);
        n1 = n2 = p.size;
        p.left_shift = 20;
        p.input1_offset = add_offset();
        p.input2_offset = add_offset();
        p.output_offset = rnd() % 5 == 0 ? (rnd() % 2 ? -128 : 127) : between(-128, 127);
        quantize_multiplier(s1 / (2 * (s1 > s2 ? s1 : s2)), &p.input1_multiplier, &p.input1_shift);
        quantize_multiplier(s2 / (2 * (s1 > s2 ? s1 : s2)), &p.input2_multiplier, &p.input2_shift);
        quantize_multiplier(2 * (s1 > s2 ? s1 : s2) / (ldexp(1.0, 20) * so), &p.output_multiplier, &p.output_shift);
        if (rnd() % 4 == 0) { /* any multipliers and shifts, some with a shift of 0 and another multiplier */
            random_requant(1, 0, &p.input1_multiplier, &p.input1_shift);
            random_requant(1, 0, &p.input2_multiplier, &p.input2_shift);
            random_requant(1, 0, &p.output_multiplier, &p.output_shift);
            if (rnd() % 4 == 0) p.input1_shift = 0;
            if (rnd() % 4 == 0) { /* one input direct, the other anything */
                p.input1_multiplier = 1 << 30;
                p.input1_shift = 0;
            }
            if (p.output_shift > -1) p.output_shift = -1;
            if (p.input1_shift > 0) p.input1_shift = 0;
            if (p.input2_shift > 0) p.input2_shift = 0;
        }
        random_act(&p.act_min, &p.act_max);
        if (rnd() % 5 == 0) { /* broadcast: [rows, cols], input2 (or input1) one row or one column */
            const int32_t rows = between(1, 8), cols = between(1, 67), col = (int32_t)(rnd() % 2);
            const int first = (int)(rnd() % 2);
            p.size = rows * cols;
            p.bcast_rank = 2;
            p.bcast = add_bcast;
            add_bcast[0] = rows;
            add_bcast[1] = cols;
            add_bcast[first ? 4 : 2] = cols;
            add_bcast[first ? 5 : 3] = 1;
            add_bcast[first ? 2 : 4] = col ? 1 : 0;
            add_bcast[first ? 3 : 5] = col ? 0 : 1;
            n1 = first ? (col ? rows : cols) : p.size;
            n2 = first ? p.size : (col ? rows : cols);
            where = 0;
        }
#if defined(TML_ARCH_ARM_ASM) /* where the generator makes the table */
        p.table = add_table;
        if (tml__add_s8_table_ok(&p) && rnd() % 8) {
            tml_add_s8_table_of(&p, 0, add_table);
            by_table++;
        } else {
            p.table = NULL;
        }
#endif
        fill(add_a, n1);
        fill(add_b, n2);
        if (rnd() % 4 == 0) { /* a loop, not memset: GCC 8 takes the int size for a possible 2 GiB */
            const int8_t edge = (int8_t)(rnd() % 2 ? -128 : 127);
            for (i = 0; i < n1; i++) add_a[i] = edge;
        }
        tml_add_s8_ref(&p, add_a, add_b, out_ref);
        memset(out_opt, 0x55, sizeof out_opt);
        if (where == 0) {
            tml_add_s8(&p, add_a, add_b, out_opt);
        } else { /* in place: the output over input1 or input2 */
            memcpy(out_opt, where == 1 ? add_a : add_b, (size_t)p.size);
            tml_add_s8(&p, where == 1 ? out_opt : add_a, where == 2 ? out_opt : add_b, out_opt);
            in_place++;
        }
        if (memcmp(out_ref, out_opt, (size_t)p.size) != 0 || out_opt[p.size] != 0x55) {
            if (bad++ < 5)
                printf("add case %d differs: size %ld multipliers %ld %ld %ld shifts %ld %ld %ld table %d\n", c,
                       (long)p.size, (long)p.input1_multiplier, (long)p.input2_multiplier,
                       (long)p.output_multiplier, (long)p.input1_shift, (long)p.input2_shift,
                       (long)p.output_shift, p.table != NULL);
        }
    }
    printf("add_s8: %d cases, %d by the table, %d in place, %d differ\n", CASES, by_table, in_place, bad);
    return bad;
}

/* MAX_POOL_2D float: the geometries of test_pool, inputs with +-0, infinities and NaN (the comparisons
 * decide which zero or whether a NaN survives), the float activation ranges. */
static int test_max_pool_f32(void)
{
    static const float special[] = {0.0f, -0.0f, HUGE_VALF, -HUGE_VALF, NAN, -3.4028235e38f};
    int c, bad = 0, tried = 0;
    for (c = 0; tried < CASES; c++) {
        tml_pool_f32_params p;
        int32_t dh, dw, i, n_in, n_out;
        memset(&p, 0, sizeof p);
        if (!random_geometry(0, &p.input_height, &p.input_width, &p.filter_height, &p.filter_width,
                             &p.stride_height, &p.stride_width, &dh, &dw, &p.pad_height, &p.pad_width,
                             &p.output_height, &p.output_width) || dh != 1 || dw != 1)
            continue;
        p.batches = between(1, 2);
        p.depth = between(1, 20);
        n_in = p.batches * p.input_height * p.input_width * p.depth;
        n_out = p.batches * p.output_height * p.output_width * p.depth;
        if (n_in > 512 || n_out > 512) continue;
        tried++;
        p.act_min = rnd() % 2 ? -3.4e38f : -1.0f;
        p.act_max = rnd() % 2 ? 3.4e38f : 1.5f;
        for (i = 0; i < n_in; i++) fin[i] = rnd() % 4 == 0 ? special[rnd() % 6] : rnd_float();
        tml_max_pool_f32_ref(&p, fin, fout_ref);
        memset(fout_opt, 0x55, sizeof fout_opt);
        tml_max_pool_f32(&p, fin, fout_opt);
        if (memcmp(fout_ref, fout_opt, (size_t)n_out * sizeof(float)) != 0 ||
            ((const uint8_t *)fout_opt)[n_out * (int32_t)sizeof(float)] != 0x55) {
            if (bad++ < 5) printf("max_pool_f32 case %d differs\n", c);
        }
    }
    printf("max_pool_f32: %d cases, %d differ\n", tried, bad);
    return bad;
}

static int test_fully_connected_f32(void)
{
    int c, bad = 0;
    for (c = 0; c < CASES; c++) {
        tml_fully_connected_f32_params p;
        int has_bias = (int)(rnd() % 4 != 0);
        int32_t i;
        memset(&p, 0, sizeof p);
        p.batches = between(1, 3);
        p.accum_depth = between(1, 60);
        p.output_depth = between(1, 9);
        p.act_min = rnd() % 2 ? -3.4e38f : -1.0f;
        p.act_max = rnd() % 2 ? 3.4e38f : 1.5f;
        for (i = 0; i < p.batches * p.accum_depth; i++) fin[i] = rnd_float();
        for (i = 0; i < p.output_depth * p.accum_depth; i++) fw[i] = rnd_float();
        for (i = 0; i < p.output_depth; i++) fbias[i] = rnd_float();
        if (rnd() % 8 == 0) fin[rnd() % (uint32_t)(p.batches * p.accum_depth)] = rnd() % 2 ? HUGE_VALF : -HUGE_VALF;
        tml_fully_connected_f32_ref(&p, fin, fw, has_bias ? fbias : NULL, fout_ref);
        memset(fout_opt, 0x55, sizeof fout_opt);
        tml_fully_connected_f32(&p, fin, fw, has_bias ? fbias : NULL, fout_opt);
        if (memcmp(fout_ref, fout_opt, (size_t)(p.batches * p.output_depth) * sizeof(float)) != 0) {
            if (bad++ < 5) printf("fully_connected_f32 case %d differs\n", c);
        }
    }
    printf("fully_connected_f32: %d cases, %d differ\n", CASES, bad);
    return bad;
}

/* The generator's Cortex-M4F float stream (tml__fc_f32_m4), written here from its description. */
static float fpacked[4096 + 128];

static void pack_fc_f32(const tml_fully_connected_f32_params *p, const float *w, const float *bias)
{
    const int32_t rows = p->output_depth, n = p->accum_depth, n8 = n - n % 8;
    float *s = fpacked;
    int32_t o, k, i, j;
    for (o = 0; o + 4 <= rows; o += 4) {
        for (k = 0; k < n8; k += 8)
            for (i = 0; i < 4; i++)
                for (j = 0; j < 8; j++) *s++ = w[(o + i) * n + k + j];
        for (k = n8; k < n; k++)
            for (i = 0; i < 4; i++) *s++ = w[(o + i) * n + k];
        for (i = 0; i < 4; i++) *s++ = bias ? bias[o + i] : -0.0f;
    }
    for (; o < rows; o++) {
        for (k = 0; k < n; k++) *s++ = w[o * n + k];
        *s++ = bias ? bias[o] : -0.0f;
    }
}

/* The packed float kernel: depths 1..40 (blocks of eight and the inputs after them), every row count
 * modulo 4, batches, no bias, the four activation ranges, and the values where a sum's bits depend on
 * the order of operations: zeros (products -0.0f; the sums start from +0.0f), infinities and NaN. */
static int test_fully_connected_f32_packed(void)
{
    static const float lows[] = {-3.4028235e38f, 0.0f, 0.0f, -1.0f}, highs[] = {3.4028235e38f, 3.4028235e38f, 6.0f, 1.0f};
    int c, bad = 0;
    for (c = 0; c < CASES; c++) {
        tml_fully_connected_f32_params p;
        int has_bias = (int)(rnd() % 3 != 0), act = (int)(rnd() % 4);
        int32_t i, n_in, n_w;
        memset(&p, 0, sizeof p);
        p.batches = between(1, 3);
        p.accum_depth = rnd() % 4 == 0 ? 1 : between(1, 40);
        p.output_depth = between(1, 23);
        p.act_min = lows[act];
        p.act_max = highs[act];
        n_in = p.batches * p.accum_depth;
        n_w = p.output_depth * p.accum_depth;
        for (i = 0; i < n_in; i++) fin[i] = rnd() % 4 == 0 ? 0.0f : rnd_float();
        for (i = 0; i < n_w; i++) fw[i] = rnd() % 8 == 0 ? -0.0f : rnd_float();
        for (i = 0; i < p.output_depth; i++) fbias[i] = rnd() % 4 == 0 ? (rnd() % 2 ? 0.0f : -0.0f) : rnd_float();
        if (rnd() % 8 == 0) fin[rnd() % (uint32_t)n_in] = rnd() % 2 ? HUGE_VALF : -HUGE_VALF;
        if (rnd() % 16 == 0) fin[rnd() % (uint32_t)n_in] = NAN;
        if (rnd() % 4 == 0)
            for (i = 0; i < n_in; i++) fin[i] = 0.0f; /* every product +-0 */
        tml_fully_connected_f32_ref(&p, fin, fw, has_bias ? fbias : NULL, fout_ref);
        pack_fc_f32(&p, fw, has_bias ? fbias : NULL);
        p.packed = fpacked;
        memset(fout_opt, 0x55, sizeof fout_opt);
        tml_fully_connected_f32(&p, fin, fw, has_bias ? fbias : NULL, fout_opt);
        if (memcmp(fout_ref, fout_opt, (size_t)(p.batches * p.output_depth) * sizeof(float)) != 0 ||
            ((const uint8_t *)fout_opt)[p.batches * p.output_depth * (int32_t)sizeof(float)] != 0x55) {
            if (bad++ < 5)
                printf("packed fully_connected_f32 case %d differs: batches %ld depth %ld rows %ld\n", c,
                       (long)p.batches, (long)p.accum_depth, (long)p.output_depth);
        }
    }
    printf("fully_connected_f32 packed: %d cases, %d differ\n", CASES, bad);
    return bad;
}

static int test_conv_f32(void)
{
    int c, bad = 0, tried = 0;
    for (c = 0; tried < CASES; c++) {
        tml_conv_f32_params p;
        int has_bias = (int)(rnd() % 4 != 0);
        int32_t i, n_in, n_out;
        memset(&p, 0, sizeof p);
        if (!random_geometry(c % 4 == 0, &p.input_height, &p.input_width, &p.filter_height, &p.filter_width,
                             &p.stride_height, &p.stride_width, &p.dilation_height, &p.dilation_width,
                             &p.pad_height, &p.pad_width, &p.output_height, &p.output_width)) continue;
        p.batches = between(1, 2);
        p.input_depth = p.filter_input_depth = between(1, 6);
        p.output_depth = between(1, 7);
        n_in = p.batches * p.input_height * p.input_width * p.input_depth;
        n_out = p.batches * p.output_height * p.output_width * p.output_depth;
        if (n_in > 512 || n_out > 512 || p.output_depth * p.filter_height * p.filter_width * p.input_depth > 4096)
            continue;
        tried++;
        p.act_min = rnd() % 2 ? -3.4e38f : -1.0f;
        p.act_max = rnd() % 2 ? 3.4e38f : 1.5f;
        for (i = 0; i < n_in; i++) fin[i] = rnd_float();
        for (i = 0; i < p.output_depth * p.filter_height * p.filter_width * p.input_depth; i++) fw[i] = rnd_float();
        for (i = 0; i < p.output_depth; i++) fbias[i] = rnd_float();
        tml_conv_f32_ref(&p, fin, fw, has_bias ? fbias : NULL, fout_ref);
        memset(fout_opt, 0x55, sizeof fout_opt);
        tml_conv_f32(&p, fin, fw, has_bias ? fbias : NULL, fout_opt);
        if (memcmp(fout_ref, fout_opt, (size_t)n_out * sizeof(float)) != 0) {
            if (bad++ < 5) printf("conv_f32 case %d differs\n", c);
        }
    }
    printf("conv_f32: %d cases, %d differ\n", tried, bad);
    return bad;
}

static int test_depthwise_f32(void)
{
    static const int32_t multipliers[] = {1, 1, 1, 2, 3, 4, 8};
    int c, bad = 0, tried = 0;
    for (c = 0; tried < CASES; c++) {
        tml_depthwise_conv_f32_params p;
        int has_bias = (int)(rnd() % 4 != 0);
        int32_t i, n_in, n_out, cout;
        memset(&p, 0, sizeof p);
        if (!random_geometry(c % 4 == 0, &p.input_height, &p.input_width, &p.filter_height, &p.filter_width,
                             &p.stride_height, &p.stride_width, &p.dilation_height, &p.dilation_width,
                             &p.pad_height, &p.pad_width, &p.output_height, &p.output_width)) continue;
        p.batches = between(1, 2);
        p.input_depth = between(1, 9);
        p.depth_multiplier = multipliers[rnd() % 7];
        cout = p.input_depth * p.depth_multiplier;
        n_in = p.batches * p.input_height * p.input_width * p.input_depth;
        n_out = p.batches * p.output_height * p.output_width * cout;
        if (n_in > 512 || n_out > 512 || cout > 64 || p.filter_height * p.filter_width * cout > 4096) continue;
        tried++;
        p.act_min = rnd() % 2 ? -3.4e38f : -1.0f;
        p.act_max = rnd() % 2 ? 3.4e38f : 1.5f;
        for (i = 0; i < n_in; i++) fin[i] = rnd_float();
        for (i = 0; i < p.filter_height * p.filter_width * cout; i++) fw[i] = rnd_float();
        for (i = 0; i < cout; i++) fbias[i] = rnd_float();
        tml_depthwise_conv_f32_ref(&p, fin, fw, has_bias ? fbias : NULL, fout_ref);
        memset(fout_opt, 0x55, sizeof fout_opt);
        tml_depthwise_conv_f32(&p, fin, fw, has_bias ? fbias : NULL, fout_opt);
        if (memcmp(fout_ref, fout_opt, (size_t)n_out * sizeof(float)) != 0) {
            if (bad++ < 5) printf("depthwise_conv_f32 case %d differs\n", c);
        }
    }
    printf("depthwise_conv_f32: %d cases, %d differ\n", tried, bad);
    return bad;
}
#endif

int main(void)
{
    int bad;
#if defined(TML_ARCH_ARM_FPU)
    printf("fpu: yes\n");
#endif
#if defined(TML_ARCH_ARM_DSP)
    printf("path: arm-dsp\n");
#elif defined(TML_ARCH_XTENSA)
    printf("path: xtensa\n");
#elif defined(TML_ARCH_ARC)
    printf("path: arc\n");
#elif defined(TML_ARCH_REFERENCE)
    printf("path: reference\n");
#else
    printf("path: other\n");
#endif
    bad = test_fully_connected() + test_fully_connected_packed() + test_conv() + test_conv_packed() + test_depthwise() + test_pool();
#ifndef DIFF_NO_FLOAT
    bad += test_add() + test_max_pool_f32() + test_fully_connected_f32() + test_fully_connected_f32_packed() + test_conv_f32() + test_depthwise_f32();
#endif
    bad += test_dw_px(); /* last: the cases of the tests above stay what they were */
    bad += test_conv_packed_shapes();
    bad += test_dw_pairs();
    return bad ? 1 : 0;
}
