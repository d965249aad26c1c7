/*
 * TRANSPOSE_CONV int8 on Armv7E-M (Cortex-M4/M7/M33 with the DSP extension): the reference's gather, with
 * four output channels at a time sharing each input word (tml__dot4_step_s8: SMLAD, two MACs each) over
 * the raw int8 inputs; the input offset is added per tap from the generator's tap sums
 * (input_offset * sum of that tap's weights, exact in int32). With the generator's phase layout, an
 * output pixel whose taps all fall inside the input (the interior) multiplies one contiguous run of input
 * pixels per input row with its phase's weights, the offset folded into the phase's bias. Included by
 * ops/transpose_conv.h when TML_ARCH_ARM_DSP is defined; needs tap_sums.
 */
#ifndef TINYML_ARMV7EM_TRANSPOSE_CONV_H
#define TINYML_ARMV7EM_TRANSPOSE_CONV_H

/* What the taps of one output channel group share. */
typedef struct {
    const int8_t *w;   /* weights of the group's first output channel */
    const int32_t *s;  /* its tap sums */
    int32_t depth;     /* input channels */
    int32_t stride;    /* bytes between two output channels' weights (taps * depth) */
    int32_t taps;
    int32_t off;       /* the input offset */
    int32_t sw;        /* the stride across */
} tml__tconv_group;

/* acc[0..3] += the n taps of one input row for four output channels: input pixels in, in + depth, ...
 * through taps tap, tap - sw, ...: dot products of the raw int8 (SMLAD) plus off * each tap's sums. */
TML_HOT TML_NOINLINE static void tml__tconv_row4(const int8_t *in, int32_t n, int32_t tap, const tml__tconv_group *g,
                                                 int32_t *acc)
{
    const int32_t depth = g->depth, stride = g->stride, taps = g->taps, off = g->off, d4 = depth & ~3;
    int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
    for (; n > 0; n--, in += depth, tap -= g->sw) {
        const int8_t *x = in, *const end4 = in + d4, *const end = in + depth;
        const int8_t *w = g->w + tap * depth, *w2 = w + 2 * stride;
        const int32_t *const s = g->s + tap;
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
        a0 += off * s[0];
        a1 += off * s[taps];
        a2 += off * s[2 * taps];
        a3 += off * s[3 * taps];
    }
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
}

/* acc[0..3] += the interior taps of four output channels: rows input runs of len int8 (x, x + x_step, ...)
 * against the phase weights w + r * stride (r = 0..3), each row's weights len bytes after the last. */
TML_HOT TML_NOINLINE static void tml__tconv_run4(const int8_t *x, int32_t x_step, int32_t rows, const int8_t *w,
                                                 int32_t len, int32_t stride, int32_t *acc)
{
    const int8_t *w2 = w + 2 * stride;
    int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
    for (; rows > 0; rows--, x += x_step - len) {
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

/* The input rows (or columns) [*lo, *hi] that output row o would read, unclipped, and whether all are
 * inside the input (an interior pixel along that axis). */
TML_ALWAYS_INLINE int tml__tconv_inside(int32_t o, int32_t pad, int32_t stride, int32_t filter, int32_t in_size,
                                        int32_t *lo, int32_t *hi)
{
    const int32_t t = o + pad, first = t - filter + 1;
    *hi = t / stride;
    *lo = first <= 0 ? -((-first) / stride) : (first + stride - 1) / stride;
    return *lo >= 0 && *hi < in_size && *lo <= *hi;
}

/* The geometry and offsets in locals: int8 stores may alias anything, so fields read through the params
 * pointer would be loaded again after every output byte. */
TML_HOT TML_NOINLINE static void tml_transpose_conv_s8_dsp(const tml_transpose_conv_s8_params *p,
                                                           const int8_t *input, const int8_t *weights,
                                                           const int32_t *bias, int8_t *output)
{
    const tml_requant_params rq = TML_REQUANT_OF(p);
    const int32_t depth = p->input_depth, fh = p->filter_height, fw = p->filter_width, taps = fh * fw;
    const int32_t ih = p->input_height, iw = p->input_width, oh = p->output_height, ow = p->output_width;
    const int32_t sh = p->stride_height, sw = p->stride_width, ph = p->pad_height, pw = p->pad_width;
    const int32_t oc_end = p->output_depth, oc4 = oc_end & ~3, batches = p->batches;
    const int8_t *const phase_weights = p->phase_weights;
    const int32_t *const phase_data = p->phase_data, *const tap_sums = p->tap_sums;
    tml__tconv_group g;
    int32_t b, oy, ox, oc, iy, ix, y0, y1, x0, x1, xl, xh, yl = 0, yh = 0;
    g.depth = depth;
    g.stride = taps * depth;
    g.taps = taps;
    g.off = p->input_offset;
    g.sw = sw;
    for (b = 0; b < batches; b++) {
        const int8_t *in_b = input + b * ih * iw * depth;
        for (oy = 0; oy < oh; oy++) {
            const int inside_y = phase_weights != NULL && tml__tconv_inside(oy, ph, sh, fh, ih, &yl, &yh);
            tml__tconv_span(oy, ph, sh, fh, ih, &y0, &y1);
            for (ox = 0; ox < ow; ox++, output += oc_end) {
                if (inside_y && tml__tconv_inside(ox, pw, sw, fw, iw, &xl, &xh)) {
                    /* interior: phase (ry, rx), nty x ntx taps, one run of ntx pixels per input row */
                    const int32_t ry = oy + ph - yh * sh, rx = ox + pw - xh * sw;
                    const int32_t nty = yh - yl + 1, run = (xh - xl + 1) * depth, k = nty * run;
                    const int32_t *pd = phase_data + (ry * sw + rx) * (oc_end + 1);
                    const int8_t *pwts = phase_weights + pd[0];
                    const int8_t *in0 = in_b + (yl * iw + xl) * depth;
                    int32_t t;
                    for (oc = 0; oc < oc_end; oc += 4) {
                        int32_t acc[4];
                        const int32_t n = oc_end - oc < 4 ? oc_end - oc : 4;
                        for (t = 0; t < n; t++) {
                            acc[t] = pd[1 + oc + t];
                        }
                        if (n == 4) {
                            tml__tconv_run4(in0, iw * depth, nty, pwts + oc * k, run, k, acc);
                        } else {
                            for (t = 0; t < nty; t++) {
                                int32_t r;
                                for (r = 0; r < n; r++) {
                                    acc[r] = tml_dot_s8(in0 + t * iw * depth, pwts + (oc + r) * k + t * run, run,
                                                        acc[r]);
                                }
                            }
                        }
                        for (t = 0; t < n; t++) {
                            output[oc + t] = tml_requant_s8(&rq, acc[t], oc + t);
                        }
                    }
                    continue;
                }
                tml__tconv_span(ox, pw, sw, fw, iw, &x0, &x1);
                for (oc = 0; oc < oc4; oc += 4) {
                    int32_t acc[4] = {0, 0, 0, 0};
                    if (bias) {
                        acc[0] = bias[oc];
                        acc[1] = bias[oc + 1];
                        acc[2] = bias[oc + 2];
                        acc[3] = bias[oc + 3];
                    }
                    g.w = weights + oc * g.stride;
                    g.s = tap_sums + oc * taps;
                    if (x1 >= x0) {
                        for (iy = y0; iy <= y1; iy++) {
                            tml__tconv_row4(in_b + (iy * iw + x0) * depth, x1 - x0 + 1,
                                            (oy + ph - iy * sh) * fw + ox + pw - x0 * sw, &g, acc);
                        }
                    }
                    output[oc] = tml_requant_s8(&rq, acc[0], oc);
                    output[oc + 1] = tml_requant_s8(&rq, acc[1], oc + 1);
                    output[oc + 2] = tml_requant_s8(&rq, acc[2], oc + 2);
                    output[oc + 3] = tml_requant_s8(&rq, acc[3], oc + 3);
                }
                for (oc = oc4; oc < oc_end; oc++) {
                    int32_t acc = bias ? bias[oc] : 0;
                    for (iy = y0; iy <= y1; iy++) {
                        const int32_t row = (oy + ph - iy * sh) * fw + ox + pw;
                        for (ix = x0; ix <= x1; ix++) {
                            const int32_t tap = row - ix * sw;
                            acc = tml_dot_s8(in_b + (iy * iw + ix) * depth, weights + (oc * taps + tap) * depth,
                                             depth, acc) + g.off * tap_sums[oc * taps + tap];
                        }
                    }
                    output[oc] = tml_requant_s8(&rq, acc, oc);
                }
            }
        }
    }
}

#endif /* TINYML_ARMV7EM_TRANSPOSE_CONV_H */
