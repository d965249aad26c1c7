/*
 * TRANSPOSE_CONV int8 on Armv7E-M (Cortex-M4/M7/M33 with the DSP extension), over the generator's phase
 * layout (ops/transpose_conv.h): an output pixel of phase (ry, rx) reads, for each input row it reaches,
 * one contiguous run of input pixels, and its phase's weights for that row are one contiguous run too,
 * so four output channels share each input word (tml__dot4_step_s8: SMLAD, two MACs each) over the raw
 * int8 values. The input offset: folded into the phase's bias for an interior pixel (all its taps inside
 * the input); for a border pixel, the bias plus input_offset times the tap sums of the taps inside.
 * Included by ops/transpose_conv.h when TML_ARCH_ARM_DSP is defined; needs tap_sums and the phase arrays.
 */
#ifndef TINYML_ARMV7EM_TRANSPOSE_CONV_H
#define TINYML_ARMV7EM_TRANSPOSE_CONV_H

/* acc[0..3] += rows input runs of len int8 (x, x + x_step, ...) against four output channels' phase
 * weights (w + r * stride, r = 0..3; w_step bytes from one input row's weights to the next's). */
TML_HOT TML_NOINLINE static void tml__tconv_run4(const int8_t *x, int32_t x_step, int32_t rows, const int8_t *w,
                                                 int32_t w_step, int32_t len, int32_t stride, int32_t *acc)
{
    const int8_t *w2 = w + 2 * stride;
    int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
    for (; rows > 0; rows--, x += x_step - len, w += w_step - len, w2 += w_step - len) {
        const int8_t *const end4 = x + (len & ~3), *const end = x + len;
        while (x < end4) {
            tml__dot4_step_s8(&x, &w, &w2, stride, &a0, &a1, &a2, &a3);
        }
        for (; x < end; x++, w++, w2++) {
            const int32_t v = *x;
            a0 += v * w[0];
            a1 += v * w[stride];
            a2 += v * w2[0];
            a3 += v * w2[stride];
        }
    }
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
}

/* The taps of output row (or column) o along one axis: the input rows [*lo, *hi] its phase reaches,
 * unclipped (*lo > *hi: none), and its phase t - *hi * stride. */
TML_ALWAYS_INLINE int32_t tml__tconv_reach(int32_t o, int32_t pad, int32_t stride, int32_t filter, int32_t *lo,
                                           int32_t *hi)
{
    const int32_t t = o + pad, first = t - filter + 1;
    *hi = t / stride;
    *lo = first <= 0 ? -((-first) / stride) : (first + stride - 1) / stride;
    return t - *hi * stride;
}

/* One output pixel's taps: what its channel groups share. */
typedef struct {
    const int8_t *x;       /* the first input pixel inside */
    const int8_t *w;       /* the phase weights of output channel 0 at that tap */
    const int32_t *init;   /* interior: the phase's folded biases; else NULL */
    const int32_t *sums;   /* border: tap sums of output channel 0 at the first tap inside */
    int32_t x_step;        /* bytes between input rows */
    int32_t rows;          /* input rows inside (0: no tap) */
    int32_t cols;          /* input pixels inside per row */
    int32_t w_step;        /* bytes between the phase weights of two input rows */
    int32_t k;             /* bytes between two output channels' phase weights */
    int32_t sums_row;      /* tap sums: step between input rows (-stride_height * filter_width) */
    int32_t sums_col;      /* and between input columns (-stride_width) */
} tml__tconv_pixel;

/* The output channels of one pixel: four at a time over the phase weights, then requantized. */
TML_HOT TML_NOINLINE static void tml__tconv_pixel_s8(const tml__tconv_pixel *px, const tml_requant_params *rq,
                                                     const int32_t *fast, const int32_t *bias, int32_t oc_end,
                                                     int32_t depth, int32_t taps, int32_t off, int8_t *out)
{
    const int32_t len = px->cols * depth;
    int32_t oc, t, r, c;
    for (oc = 0; oc < oc_end; oc += 4) {
        const int32_t n = oc_end - oc < 4 ? oc_end - oc : 4;
        int32_t acc[4] = {0, 0, 0, 0};
        for (t = 0; t < n; t++) {
            acc[t] = px->init ? px->init[oc + t] : (bias ? bias[oc + t] : 0);
        }
        if (px->rows > 0) {
            const int8_t *w = px->w + oc * px->k;
            if (!px->init) {
                for (t = 0; t < n; t++) {
                    const int32_t *s = px->sums + (oc + t) * taps;
                    int32_t sum = 0;
                    for (r = 0; r < px->rows; r++) {
                        for (c = 0; c < px->cols; c++) {
                            sum += s[r * px->sums_row + c * px->sums_col];
                        }
                    }
                    acc[t] += off * sum;
                }
            }
            if (n == 4) {
                tml__tconv_run4(px->x, px->x_step, px->rows, w, px->w_step, len, px->k, acc);
            } else {
                for (r = 0; r < px->rows; r++) {
                    for (t = 0; t < n; t++) {
                        acc[t] = tml_dot_s8(px->x + r * px->x_step, w + t * px->k + r * px->w_step, len, acc[t]);
                    }
                }
            }
        }
        if (fast) {
            for (t = 0; t < n; t++) {
                const int32_t v = tml_requant_fast_s8(acc[t], (const tml_requant_fast *)(fast + 3 * (oc + t)));
                out[oc + t] = (int8_t)tml_clamp_i32(v, rq->act_min, rq->act_max);
            }
        } else {
            for (t = 0; t < n; t++) {
                out[oc + t] = tml_requant_s8(rq, acc[t], oc + t);
            }
        }
    }
}

TML_HOT TML_NOINLINE static void tml_transpose_conv_s8_dsp(const tml_transpose_conv_s8_params *p,
                                                           const int8_t *input, const int32_t *bias, int8_t *output)
{
    const tml_requant_params rq = TML_REQUANT_OF(p);
    const int32_t depth = p->input_depth, fh = p->filter_height, fw = p->filter_width, taps = fh * fw;
    const int32_t ih = p->input_height, iw = p->input_width, oh = p->output_height, ow = p->output_width;
    const int32_t sh = p->stride_height, sw = p->stride_width, ph = p->pad_height, pw = p->pad_width;
    const int32_t oc_end = p->output_depth, batches = p->batches, off = p->input_offset;
    const int8_t *const phase_weights = p->phase_weights;
    const int32_t *const phase_data = p->phase_data, *const tap_sums = p->tap_sums;
    tml__tconv_pixel px;
    int32_t b, oy, ox;
    px.x_step = iw * depth;
    px.sums_row = -sh * fw;
    px.sums_col = -sw;
    for (b = 0; b < batches; b++) {
        const int8_t *in_b = input + b * ih * iw * depth;
        for (oy = 0; oy < oh; oy++) {
            int32_t ylo, yhi, y0, y1;
            const int32_t ry = tml__tconv_reach(oy, ph, sh, fh, &ylo, &yhi);
            y0 = ylo < 0 ? 0 : ylo;
            y1 = yhi > ih - 1 ? ih - 1 : yhi;
            for (ox = 0; ox < ow; ox++, output += oc_end) {
                int32_t xlo, xhi, x0, x1, ntx;
                const int32_t rx = tml__tconv_reach(ox, pw, sw, fw, &xlo, &xhi);
                const int32_t *const pd = phase_data + (ry * sw + rx) * (oc_end + 1);
                x0 = xlo < 0 ? 0 : xlo;
                x1 = xhi > iw - 1 ? iw - 1 : xhi;
                ntx = xhi - xlo + 1;
                px.rows = x0 <= x1 && y0 <= y1 ? y1 - y0 + 1 : 0;
                px.cols = x1 - x0 + 1;
                px.w_step = ntx * depth;
                px.k = (yhi - ylo + 1) * px.w_step;
                px.x = in_b + (y0 * iw + x0) * depth;
                /* the phase weights of the first tap inside: row y0 - ylo, column x0 - xlo */
                px.w = phase_weights + pd[0] + ((y0 - ylo) * ntx + x0 - xlo) * depth;
                px.init = x0 == xlo && x1 == xhi && y0 == ylo && y1 == yhi ? pd + 1 : NULL;
                px.sums = tap_sums + (oy + ph - y0 * sh) * fw + ox + pw - x0 * sw;
                tml__tconv_pixel_s8(&px, &rq, p->requant_fast, bias, oc_end, depth, taps, off, output);
            }
        }
    }
}

#endif /* TINYML_ARMV7EM_TRANSPOSE_CONV_H */
