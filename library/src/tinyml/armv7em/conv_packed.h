/*
 * CONV_2D on the Cortex-M4: the packed convolution's driver over the stream the generator packs
 * (TML_ARCH_ARM_ASM; its layout and the asm kernel in armv7em/conv_packed_kernel.h), with the window
 * gathering in C and the stream geometry armv7em/depthwise_conv_packed.h shares.
 * Included by ops/conv.h (after armv7em/conv.h).
 */
#ifndef TINYML_ARMV7EM_CONV_PACKED_H
#define TINYML_ARMV7EM_CONV_PACKED_H

#include "conv_packed_kernel.h"

/* The geometry at the head of a packed convolution stream (16 words; the asm kernel's part follows). */
typedef struct {
    int32_t batches, input_height, input_width, input_depth, filter_height, filter_width;
    int32_t output_height, output_width, output_depth, stride_height, stride_width;
    int32_t dilation_height, dilation_width, pad_height, pad_width;
    int32_t zero_point; /* the input's: what the window holds outside the image (the folded bias cancels it) */
} tml__conv_geometry;

/* The bytes a filter row takes in the window: filter_width * input_depth, rounded up to a multiple of
 * four without dilation across where that adds no block of four window values (the generator pads each
 * row's weights with zeros to match). */
TML_ALWAYS_INLINE int32_t tml__conv_row_bytes(const tml__conv_geometry *g)
{
    const int32_t row = g->filter_width * g->input_depth, padded = (row + 3) & ~3;
    return g->dilation_width == 1 && g->filter_height * padded == ((g->filter_height * row + 3) & ~3) ? padded : row;
}

/* Whether the window is split (without dilation across, rows not of whole words, tml__conv_row_bytes):
 * the whole words of each filter row (row & ~3 bytes, the row's lead part) first, row after row, then
 * the last row & 3 bytes of each row, row after row. */
TML_ALWAYS_INLINE int tml__conv_split(const tml__conv_geometry *g)
{
    return g->dilation_width == 1 && tml__conv_row_bytes(g) % 4 != 0;
}

/* Whether the window whose corner is input row iy0, column ix0 lies inside the image. */
TML_ALWAYS_INLINE int tml__conv_inside(const tml__conv_geometry *g, int32_t iy0, int32_t ix0)
{
    return ix0 >= 0 && ix0 + (g->filter_width - 1) * g->dilation_width < g->input_width && iy0 >= 0 &&
           iy0 + (g->filter_height - 1) * g->dilation_height < g->input_height;
}

/* tml__copy_s8 out of line, for the gathering's rarer paths (split rows, dilation across). */
static TML_NOINLINE void tml__conv_copy_s8(int8_t *dst, const int8_t *src, int32_t n)
{
    tml__copy_s8(dst, src, n);
}

/* The window of the output pixel whose window starts at input row iy0, column ix0 gathered into dst in
 * the stream's order (filter rows, columns, input channels; split: tml__conv_split): where it leaves the
 * image the zero point everywhere, then per filter row inside the image the columns inside copied a
 * word at a time. */
static TML_NOINLINE void tml__conv_gather_s8(const tml__conv_geometry *g, const int8_t *in_b, int32_t iy0,
                                            int32_t ix0, int8_t *dst)
{
    const int32_t cin = g->input_depth, fw = g->filter_width, fh = g->filter_height, dw = g->dilation_width;
    const int32_t rb = tml__conv_row_bytes(g), row = fw * cin, split = tml__conv_split(g);
    const int32_t lead = split ? row & ~3 : row, pitch = split ? lead : rb; /* lead part of a row, its pitch */
    /* columns inside the image: fx in [fx0, fx1) */
    const int32_t fx0 = ix0 >= 0 ? 0 : dw == 1 ? -ix0 : (-ix0 + dw - 1) / dw;
    const int32_t fx1 = tml_clamp_i32(dw == 1 ? g->input_width - ix0 : (g->input_width - ix0 + dw - 1) / dw, fx0, fw);
    int8_t *tail = dst + fh * lead; /* split: the last bytes of the rows */
    int32_t fy, fx;
    if (!tml__conv_inside(g, iy0, ix0)) {
        tml__fill_s8(dst, (int8_t)g->zero_point, fh * rb);
    }
    if (dw == 1 && !split) { /* the same columns of the rows inside: fy in [fy0, fy1) */
        const int32_t dh = g->dilation_height, last = g->input_height - 1 - iy0;
        const int32_t fy0 = iy0 >= 0 ? 0 : (-iy0 + dh - 1) / dh;
        const int32_t fy1 = tml_clamp_i32(last < 0 ? 0 : last / dh + 1, fy0, fh);
        const int32_t s0 = fx0 * cin, n = (fx1 - fx0) * cin, rowstep = dh * g->input_width * cin;
        const int8_t *src = in_b + ((iy0 + fy0 * dh) * g->input_width + ix0) * cin + s0;
        dst += fy0 * rb + s0;
        for (fy = fy0; fy < fy1; fy++, src += rowstep, dst += rb) {
            tml__copy_s8(dst, src, n);
        }
        return;
    }
    for (fy = 0; fy < fh; fy++, dst += pitch, tail += row - lead) {
        const int32_t iy = iy0 + fy * g->dilation_height;
        const int8_t *src = in_b + (iy * g->input_width + ix0) * cin;
        if (iy < 0 || iy >= g->input_height) {
            continue;
        }
        if (dw == 1) { /* bytes [s, e) of the row: below lead into the row's lead part, the others the tail */
            const int32_t s0 = fx0 * cin, e = fx1 * cin, m = e < lead ? e : lead, s1 = s0 > lead ? s0 : lead;
            if (s0 < m) {
                tml__conv_copy_s8(dst + s0, src + s0, m - s0);
            }
            if (s1 < e) {
                tml__conv_copy_s8(tail + s1 - lead, src + s1, e - s1);
            }
        } else {
            for (fx = fx0; fx < fx1; fx++) {
                tml__conv_copy_s8(dst + fx * cin, src + fx * dw * cin, cin);
            }
        }
    }
}

/* A packed stream (above, after its geometry header): pixel pairs through tml__conv_pair_m4. A 1x1
 * filter without padding reads each pixel's channels in place; rows of whole words (tml__conv_row_bytes)
 * whose windows lie inside the image are interleaved from the input; other windows are gathered into
 * the scratch behind the interleaved pairs first. A pair of one output row takes the first two paths
 * with little arithmetic; a pair across rows and a lone last pixel (computed twice) the general one.
 * backward (a pointwise layer at stride 1 only): the pixels' pairs from the last to the first, then a
 * lone first pixel; each pair's inputs are interleaved into the scratch before its outputs are written,
 * so an output placed at or after its input (not wider per pixel) only writes over pixels done.
 * Takes the stream, not the params, so that the image keeps no pointer to the constants the stream
 * replaces. */
TML_HOT static TML_NOINLINE void tml__conv_s8_packed_m4(const int32_t *stream, void *scratch, int32_t input_height,
                                                       int32_t output_height, int32_t pad_height, int32_t backward,
                                                       const int8_t *input, int8_t *output)
{
    tml__conv_geometry g;
    memcpy(&g, stream, sizeof g);
    /* the call's: a convolution fused with the pool after it runs on bands of rows */
    g.input_height = input_height;
    g.output_height = output_height;
    g.pad_height = pad_height;
    {
        const int32_t cin = g.input_depth, cout = g.output_depth, iw = g.input_width, fh = g.filter_height;
        const int32_t row = tml__conv_row_bytes(&g), k = fh * row, k4 = (k + 3) & ~3;
        const int32_t pixels = g.output_height * g.output_width;
        const int pointwise = fh == 1 && g.filter_width == 1 && g.pad_height == 0 && g.pad_width == 0;
        const int rows = g.dilation_width == 1; /* windows inside interleaved from the input */
        const int split = tml__conv_split(&g);
        const int32_t row_w = g.filter_width * cin; /* the interior windows' rows, in lead parts and tails: */
        const int32_t shape = fh << 18 | (split ? (row_w & 3) << 16 | row_w >> 2 : row >> 2);
        const int32_t step = g.dilation_height * iw * cin, span = iw * cin - row, pair_in = 2 * g.stride_width * cin;
        /* the output pixels whose windows lie inside the image, their rows (padded ones read whole) inside
         * the input's rows: oy in [oy0, oy1], ox in [ox0, ox1] */
        const int32_t ox0 = (g.pad_width + g.stride_width - 1) / g.stride_width;
        const int32_t ox1 = span < 0 ? -1 : (span / cin + g.pad_width) / g.stride_width;
        const int32_t oy0 = (g.pad_height + g.stride_height - 1) / g.stride_height;
        const int32_t ylast = g.input_height - 1 - (fh - 1) * g.dilation_height + g.pad_height;
        const int32_t oy1 = ylast < 0 ? -1 : ylast / g.stride_height;
        const int32_t *const groups = stream + sizeof g / 4;
        uint32_t *const pairs = (uint32_t *)scratch;
        int8_t *const win_a = (int8_t *)(pairs + k4 + 1), *const win_b = win_a + k4;
        tml__conv_run run;
        int32_t b, i;
        memset(&run, 0, sizeof run);
        if (!pointwise && rows && cin % 4 == 0) {
            tml__fill_s8(win_a, (int8_t)g.zero_point, cin); /* the taps outside the image read this */
        }
        if (pointwise && cin % 4 == 0 && g.stride_height == 1 && g.stride_width == 1 &&
            g.input_height == g.output_height && iw == g.output_width) {
            /* the pixels of all batches one after the other, in the input as in the output: their
             * pairs in one run, then a lone last pixel (computed twice) */
            const int32_t n = g.batches * pixels, lone = backward ? 0 : n - 1, first = backward ? n - 2 : 0;
            run.a = input + first * cin;
            run.in_step = backward ? -2 * cin : 2 * cin;
            run.b_off = cin;
            run.shape = 1 << 18 | cin >> 2;
            run.pairs = n >> 1;
            run.delta = cout;
            run.adv = backward ? -3 * cout : cout;
            if (run.pairs) {
                tml__conv_pair_m4(groups, pairs, output + first * cout, &run);
            }
            if (n & 1) {
                run.a = input + lone * cin;
                run.b_off = 0;
                run.pairs = 1;
                run.delta = 0;
                tml__conv_pair_m4(groups, pairs, output + lone * cout, &run);
            }
            return;
        }
        for (b = 0; b < g.batches; b++) {
            const int8_t *in_b = input + b * g.input_height * iw * cin;
            int8_t *out_b = output + b * pixels * cout;
            int32_t oy = 0, ox = 0; /* the pair's first pixel */
            for (i = 0; i < pixels; i += 2) {
                const int32_t j = i + 1 < pixels ? i + 1 : i; /* a lone last pixel is computed twice */
                if (rows && oy >= oy0 && oy <= oy1 && ox >= ox0) {
                    /* the pairs of this row from ox on whose windows lie inside, in one loop */
                    int32_t n = ((ox1 < g.output_width - 1 ? ox1 : g.output_width - 1) - ox + 1) >> 1;
                    if (n > 0) {
                        const int8_t *a = in_b + ((oy * g.stride_height - g.pad_height) * iw + ox * g.stride_width -
                                                  g.pad_width) * cin;
                        int8_t *o = out_b + i * cout;
                        i += 2 * n - 2;
                        ox += 2 * n - 2;
                        run.a = a;
                        run.pairs = n;
                        run.in_step = pair_in;
                        run.b_off = pair_in / 2;
                        run.shape = shape;
                        run.step = step;
                        run.delta = cout;
                        run.adv = cout;
                        tml__conv_pair_m4(groups, pairs, o, &run);
                        goto next;
                    }
                }
                { /* a block of its own: the jump above passes over it, not into it (C++ includes this too) */
                const int32_t iy = oy * g.stride_height - g.pad_height, ix = ox * g.stride_width - g.pad_width;
                int32_t oy_b = oy, ox_b = ox + 1, iy_b, ix_b;
                if (ox_b == g.output_width) {
                    oy_b++;
                    ox_b = 0;
                }
                if (j == i) {
                    oy_b = oy;
                    ox_b = ox;
                }
                iy_b = oy_b * g.stride_height - g.pad_height;
                ix_b = ox_b * g.stride_width - g.pad_width;
                {
                    const int8_t *const a = in_b + (iy * iw + ix) * cin, *const c = in_b + (iy_b * iw + ix_b) * cin;
                    run.pairs = 1; /* interleaved by the kernel from run.a, run.a + run.b_off */
                    run.a = a;
                    run.b_off = (int32_t)(c - a);
                    run.shape = shape;
                    run.step = step;
                    if (pointwise) {
                        if (cin % 4 == 0) {
                            run.shape = 1 << 18 | cin >> 2;
                        } else {
                            tml__conv_interleave(a, c, cin, pairs);
                            run.pairs = 0;
                        }
                    } else if (rows && ox >= ox0 && ox <= ox1 && oy >= oy0 && oy <= oy1 && ox_b >= ox0 &&
                               ox_b <= ox1 && oy_b >= oy0 && oy_b <= oy1) {
                        /* both windows inside: interleaved from the input a filter row at a time (the
                         * bytes a padded row reads past the window meet zero weights) */
                    } else if (rows && cin % 4 == 0) {
                        /* whole words per input pixel: interleaved a tap at a time, the zero point (at
                         * win_a) where a tap leaves the image */
                        uint32_t *dst = pairs;
                        int32_t fy, fx;
                        for (fy = 0; fy < fh; fy++) {
                            const int32_t ya = iy + fy * g.dilation_height, yb = iy_b + fy * g.dilation_height;
                            const int ina = ya >= 0 && ya < g.input_height, inb = yb >= 0 && yb < g.input_height;
                            for (fx = 0; fx < g.filter_width; fx++, dst += cin) {
                                const int32_t xa = ix + fx, xb = ix_b + fx;
                                const int8_t *sa = ina && xa >= 0 && xa < iw ? in_b + (ya * iw + xa) * cin : win_a;
                                const int8_t *sb = inb && xb >= 0 && xb < iw ? in_b + (yb * iw + xb) * cin : win_a;
                                tml__conv_il_m4(sa, sb, dst, cin >> 2);
                            }
                        }
                        *dst = 0x80008000u;
                        run.pairs = 0;
                    } else {
                        /* the windows gathered (the values past k meet zero weights) */
                        tml__conv_gather_s8(&g, in_b, iy, ix, win_a);
                        tml__conv_gather_s8(&g, in_b, iy_b, ix_b, win_b);
                        run.a = win_a;
                        run.b_off = k4;
                        run.shape = 1 << 18 | k4 >> 2;
                    }
                    run.delta = (j - i) * cout;
                    tml__conv_pair_m4(groups, pairs, out_b + i * cout, &run);
                }
                }
            next:
                ox += 2;
                while (ox >= g.output_width) {
                    ox -= g.output_width;
                    oy++;
                }
            }
        }
    }
}

#endif /* TINYML_ARMV7EM_CONV_PACKED_H */
