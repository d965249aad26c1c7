/*
 * The generator's Cortex-M4 streams of the packed convolution kernels (library/src/tinyml/ops/conv.h),
 * written here in C from their description there, so that the tests do not take the layout from the
 * generator they check. Included by diff_kernels.c and overlap_kernels.c.
 */
#ifndef TESTS_KERNELS_PACKING_H
#define TESTS_KERNELS_PACKING_H

#include <string.h>

#include "tinyml.h"

/* four int8 as the little-endian word they make in memory */
static int32_t word_of(const int8_t *b)
{
    return (int32_t)((uint32_t)(uint8_t)b[0] | (uint32_t)(uint8_t)b[1] << 8 | (uint32_t)(uint8_t)b[2] << 16 |
                     (uint32_t)(uint8_t)b[3] << 24);
}

/* The generator's Cortex-M4 convolution stream of armv7em/conv_packed_kernel.h (tml__conv_s8_packed_m4),
 * written here from its description there: the geometry, the number of words of the groups and of
 * blocks of four window values, per group the initial sums of its two channel pairs (b_e + 256 * b_o,
 * b_e), the weights of each four window values in four words (each filter row padded with zeros to
 * whole words without dilation across where that adds no block of four values, else without dilation
 * across split: the rows' whole words, then their last row % 4 values; each odd channel's weight
 * lowered by one under a negative even one), each channel's multiplier, c and r; into s. The caller
 * keeps within the kernel's bounds. */
/* a filter row, padded to words without dilation across where that adds no block of four window values */
static int32_t conv_row_bytes(const tml_conv_s8_params *p)
{
    const int32_t row = p->filter_width * p->input_depth, padded = (row + 3) & ~3;
    return p->dilation_width == 1 && p->filter_height * padded == ((p->filter_height * row + 3) & ~3) ? padded : row;
}

static void pack_conv(const tml_conv_s8_params *p, const int8_t *w, int32_t *s)
{
    const int32_t row = p->filter_width * p->input_depth, rb = conv_row_bytes(p);
    const int32_t k = p->filter_height * rb, k4 = (k + 3) & ~3, kw = p->filter_height * row;
    const int32_t split = p->dilation_width == 1 && rb % 4 != 0, lead = row & ~3;
    const int32_t geometry[16] = {p->batches, p->input_height, p->input_width, p->input_depth, p->filter_height,
                                  p->filter_width, p->output_height, p->output_width, p->output_depth,
                                  p->stride_height, p->stride_width, p->dilation_height, p->dilation_width,
                                  p->pad_height, p->pad_width, -p->input_offset};
    int32_t g, j, e, h, i, half;
    for (i = 0; i < 16; i++) *s++ = geometry[i];
    *s++ = (p->output_depth / 4) * (16 + k4);
    *s++ = k4 / 4;
    for (g = 0; g < p->output_depth; g += 4) {
        for (i = 0; i < 4; i += 2) {
            *s++ = (int32_t)((uint32_t)p->folded_bias[g + i] + ((uint32_t)p->folded_bias[g + i + 1] << 8));
            *s++ = p->folded_bias[g + i];
        }
        for (j = 0; j < k4; j += 4)
            for (e = 0; e < 2; e++)         /* values j + e and j + e + 2 */
                for (h = 0; h < 4; h += 2) { /* channels g + h, g + h + 1 */
                    int8_t b[4];
                    int32_t we, wo;
                    for (half = 0; half < 2; half++) {
                        const int32_t v = j + e + 2 * half;
                        /* whether the value meets a weight, the weight's index in the unpadded weights */
                        int32_t in_row = v < k && v % rb < row, wv = v / rb * row + v % rb;
                        if (split && lead && v < p->filter_height * lead) { /* the rows' whole words */
                            in_row = 1;
                            wv = v / lead * row + v % lead;
                        } else if (split) { /* their last row % 4 values */
                            const int32_t u = v - p->filter_height * lead;
                            in_row = v < k;
                            wv = u / (row - lead) * row + lead + u % (row - lead);
                        }
                        we = in_row ? w[(g + h) * kw + wv] : 0;
                        wo = in_row ? w[(g + h + 1) * kw + wv] : 0;
                        b[2 * half] = (int8_t)we;
                        b[2 * half + 1] = (int8_t)(wo - (we < 0));
                    }
                    *s++ = word_of(b);
                }
        for (i = g; i < g + 4; i++) {
            const int32_t m = p->per_channel_multiplier ? p->per_channel_multiplier[i] : p->output_multiplier;
            const int32_t sh = p->per_channel_multiplier ? p->per_channel_shift[i] : p->output_shift;
            *s++ = m;
            *s++ = (int32_t)((uint32_t)(2 * p->output_offset + 1) << (-sh - 1));
            *s++ = -sh;
        }
    }
}


/* The 3x3 depthwise streams' geometry (tml__conv_geometry, zero_point the input's) into s; returns the
 * word after it. */
static int32_t *dw3_geometry(const tml_depthwise_conv_s8_params *p, int32_t *s)
{
    const int32_t c = p->input_depth;
    const int32_t geometry[16] = {p->batches, p->input_height, p->input_width, c, 3, 3, p->output_height,
                                  p->output_width, c, p->stride_height, p->stride_width, 1, 1,
                                  p->pad_height, p->pad_width, -p->input_offset};
    memcpy(s, geometry, sizeof geometry);
    return s + 16;
}

/* Channel i's multiplier, c and r (tml_requant_fast) into s; returns the word after them. */
static int32_t *dw3_requant(const tml_depthwise_conv_s8_params *p, int32_t i, int32_t *s)
{
    const int32_t m = p->per_channel_multiplier ? p->per_channel_multiplier[i] : p->output_multiplier;
    const int32_t sh = p->per_channel_multiplier ? p->per_channel_shift[i] : p->output_shift;
    *s++ = m;
    *s++ = (int32_t)((uint32_t)(2 * p->output_offset + 1) << (-sh - 1));
    *s++ = -sh;
    return s;
}

/* The generator's Cortex-M4 pixel-by-pixel 3x3 depthwise stream of armv7em/depthwise_conv_packed.h
 * (tml__dw3_px_s8_packed_m4), written here from its description there: the geometry, then per group of
 * four channels their folded biases, nine words of weights (tap by tap) and each channel's multiplier,
 * c and r; into s. The input depth is a multiple of 4. */
static void pack_dw3_px(const tml_depthwise_conv_s8_params *p, const int8_t *w, int32_t *s)
{
    const int32_t c = p->input_depth;
    int32_t i, g, t;
    s = dw3_geometry(p, s);
    for (g = 0; g < c; g += 4) {
        for (i = g; i < g + 4; i++) *s++ = p->folded_bias[i];
        for (t = 0; t < 9; t++) *s++ = word_of(w + t * c + g); /* weights [9][c] */
        for (i = g; i < g + 4; i++) s = dw3_requant(p, i, s);
    }
}

/* int16 pair (lo, hi) as the word it makes */
static int32_t pair16(int32_t lo, int32_t hi)
{
    return (int32_t)(((uint32_t)lo & 0xffffu) | (uint32_t)hi << 16);
}

/* The generator's Cortex-M4 channel-pair 3x3 depthwise stream of armv7em/depthwise_conv_pairs_kernel.h
 * (tml__dw3p_s8_packed_m4), written here from its description there: the geometry, then per channel
 * pair the two folded biases, per filter row P = (f0, f1) and R = (f1, f2) of the even channel and of
 * the odd one (P0, P1, R0, R1) and each channel's multiplier, c and r; into s. The input depth is even. */
static void pack_dw3_pairs(const tml_depthwise_conv_s8_params *p, const int8_t *w, int32_t *s)
{
    const int32_t c = p->input_depth;
    int32_t j, fy;
    s = dw3_geometry(p, s);
    for (j = 0; j < c; j += 2) {
        *s++ = p->folded_bias[j];
        *s++ = p->folded_bias[j + 1];
        for (fy = 0; fy < 3; fy++) { /* weights [3][3][c] */
            const int8_t *r = w + fy * 3 * c;
            *s++ = pair16(r[j], r[c + j]);
            *s++ = pair16(r[j + 1], r[c + j + 1]);
            *s++ = pair16(r[c + j], r[2 * c + j]);
            *s++ = pair16(r[c + j + 1], r[2 * c + j + 1]);
        }
        s = dw3_requant(p, j, s);
        s = dw3_requant(p, j + 1, s);
    }
}

/* The ring columns of tml__dw3p_s8_packed_m4, from its description: the reads of its runs of output
 * pixels (stride 1: runs of four, six columns from each run's first, the last run partial where the
 * width leaves 3, four columns for the one or two pixels after the runs; stride 2: runs of three, eight
 * columns from each run's first, the last one partial where the width leaves 1 or 2), at least the
 * padded input's, an even number. */
static inline int32_t dw3_pairs_cols(const tml_depthwise_conv_s8_params *p)
{
    const int32_t w = p->output_width, held = p->pad_width + p->input_width;
    const int32_t reads = p->stride_width == 2 ? 6 * ((w + 2) / 3) + 2
                                               : 4 * (w / 4 + (w % 4 == 3)) + 2 + 2 * (w % 4 == 1 || w % 4 == 2);
    return ((reads > held ? reads : held) + 1) & ~1;
}

#endif
