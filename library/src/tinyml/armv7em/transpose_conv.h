/*
 * TRANSPOSE_CONV int8 on Armv7E-M (Cortex-M4/M7/M33 with the DSP extension): the reference's gather, with
 * four output channels at a time sharing each input word (tml__dot4_step_s8: SMLAD, two MACs each) over
 * the raw int8 inputs; the input offset is added per tap from the generator's tap sums
 * (input_offset * sum of that tap's weights, exact in int32). Included by ops/transpose_conv.h when
 * TML_ARCH_ARM_DSP is defined; needs tap_sums.
 */
#ifndef TINYML_ARMV7EM_TRANSPOSE_CONV_H
#define TINYML_ARMV7EM_TRANSPOSE_CONV_H

/* acc[0..3] += dot(x, row r) over depth int8 for the rows w + r * stride (four output channels). */
TML_ALWAYS_INLINE void tml__tconv_dot4(const int8_t *x, const int8_t *w, int32_t depth, int32_t stride,
                                       int32_t *acc)
{
    const int8_t *w2 = w + 2 * stride;
    const int8_t *const end4 = x + (depth & ~3), *const end = x + depth;
    int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
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
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
}

TML_HOT TML_NOINLINE static void tml_transpose_conv_s8_dsp(const tml_transpose_conv_s8_params *p,
                                                           const int8_t *input, const int8_t *weights,
                                                           const int32_t *bias, int8_t *output)
{
    const tml_requant_params rq = TML_REQUANT_OF(p);
    const int32_t depth = p->input_depth, taps = p->filter_height * p->filter_width, fw = p->filter_width;
    const int32_t stride = taps * depth, off = p->input_offset, oc_end = p->output_depth, oc4 = oc_end & ~3;
    const int32_t *const sums = p->tap_sums;
    int32_t b, oy, ox, oc, iy, ix, y0, y1, x0, x1;
    for (b = 0; b < p->batches; b++) {
        const int8_t *in_b = input + b * p->input_height * p->input_width * depth;
        for (oy = 0; oy < p->output_height; oy++) {
            tml__tconv_span(oy, p->pad_height, p->stride_height, p->filter_height, p->input_height, &y0, &y1);
            for (ox = 0; ox < p->output_width; ox++, output += oc_end) {
                tml__tconv_span(ox, p->pad_width, p->stride_width, p->filter_width, p->input_width, &x0, &x1);
                for (oc = 0; oc < oc4; oc += 4) {
                    int32_t acc[4] = {0, 0, 0, 0};
                    if (bias) {
                        acc[0] = bias[oc];
                        acc[1] = bias[oc + 1];
                        acc[2] = bias[oc + 2];
                        acc[3] = bias[oc + 3];
                    }
                    for (iy = y0; iy <= y1; iy++) {
                        const int32_t fy = oy + p->pad_height - iy * p->stride_height;
                        for (ix = x0; ix <= x1; ix++) {
                            const int32_t tap = fy * fw + ox + p->pad_width - ix * p->stride_width;
                            const int32_t *s = sums + oc * taps + tap;
                            tml__tconv_dot4(in_b + (iy * p->input_width + ix) * depth,
                                            weights + (oc * taps + tap) * depth, depth, stride, acc);
                            acc[0] += off * s[0];
                            acc[1] += off * s[taps];
                            acc[2] += off * s[2 * taps];
                            acc[3] += off * s[3 * taps];
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
                        const int32_t fy = oy + p->pad_height - iy * p->stride_height;
                        for (ix = x0; ix <= x1; ix++) {
                            const int32_t tap = fy * fw + ox + p->pad_width - ix * p->stride_width;
                            acc = tml_dot_s8(in_b + (iy * p->input_width + ix) * depth,
                                             weights + (oc * taps + tap) * depth, depth, acc) +
                                  off * sums[oc * taps + tap];
                        }
                    }
                    output[oc] = tml_requant_s8(&rq, acc, oc);
                }
            }
        }
    }
}

#endif /* TINYML_ARMV7EM_TRANSPOSE_CONV_H */
