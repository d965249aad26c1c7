/*
 * CONV_2D and DEPTHWISE_CONV_2D in the optimized portable C of Xtensa and ARC EM (TML_ARCH_SCALAR).
 * Included by ops/conv.h.
 */
#ifndef TINYML_SCALAR_CONV_H
#define TINYML_SCALAR_CONV_H

/* Xtensa / ARC, CONV_2D pointwise with stride 1 (the caller checks: folded_bias, groups 1, a 1x1 filter
 * without padding, the output as large as the input): a GEMM of every pixel's channels with the
 * weights. Always inlined, as the dispatcher that calls it. */
TML_ALWAYS_INLINE void tml_conv_s8_1x1_scalar(const tml_conv_s8_params *p, const int8_t *input,
                                              const int8_t *weights, int8_t *output)
{
    const tml_requant_params rq = TML_REQUANT_OF(p);
    tml_gemm_s8_scalar(&rq, input, p->batches * p->input_height * p->input_width, p->input_depth, weights,
                       p->output_depth, p->folded_bias, output);
}

/* Xtensa / ARC: pixels whose window lies inside the image accumulate raw int8 inputs on folded_bias,
 * a tap at a time over up to TML_CHUNK channels (contiguous loads, 16-bit multiplies, no bounds tests; the
 * taps' offsets computed once per call), then requantize; border pixels take the reference. Needs
 * folded_bias and at most TML_SCALAR_TAPS taps. */
#define TML_SCALAR_TAPS 25
#define TML_SCALAR_CHUNK 64
TML_HOT static inline void tml_depthwise_conv_s8_scalar(const tml_depthwise_conv_s8_params *p, const int8_t *input,
                                                        const int8_t *weights, const int32_t *bias, int8_t *output)
{
    const tml_requant_params rq = TML_REQUANT_OF(p);
    const int32_t cin = p->input_depth, dm = p->depth_multiplier, cout = cin * dm, fw = p->filter_width;
    const int32_t taps = p->filter_height * fw;
    const int32_t span_y = (p->filter_height - 1) * p->dilation_height, span_x = (fw - 1) * p->dilation_width;
    int32_t in_off[TML_SCALAR_TAPS], acc[TML_SCALAR_CHUNK];
    int32_t b, oy, ox, t, c0, oc;
    for (t = 0; t < taps; t++) {
        in_off[t] = ((t / fw) * p->dilation_height * p->input_width + (t % fw) * p->dilation_width) * cin;
    }
    for (b = 0; b < p->batches; b++) {
        const int8_t *in_b = input + b * p->input_height * p->input_width * cin;
        for (oy = 0; oy < p->output_height; oy++) {
            const int32_t iy0 = oy * p->stride_height - p->pad_height;
            for (ox = 0; ox < p->output_width; ox++) {
                const int32_t ix0 = ox * p->stride_width - p->pad_width;
                int8_t *out = output + ((b * p->output_height + oy) * p->output_width + ox) * cout;
                const int8_t *corner = in_b + (iy0 * p->input_width + ix0) * cin;
                if (iy0 < 0 || iy0 + span_y >= p->input_height || ix0 < 0 || ix0 + span_x >= p->input_width) {
                    tml__dwconv_s8_pixel_ref(p, in_b, iy0, ix0, weights, bias, out);
                    continue;
                }
                for (c0 = 0; c0 < cout; c0 += TML_SCALAR_CHUNK) {
                    const int32_t n = cout - c0 < TML_SCALAR_CHUNK ? cout - c0 : TML_SCALAR_CHUNK;
                    for (oc = 0; oc < n; oc++) {
                        acc[oc] = p->folded_bias[c0 + oc];
                    }
                    for (t = 0; t < taps; t++) {
                        const int8_t *x = corner + in_off[t], *w = weights + t * cout + c0;
                        if (dm == 1) {
                            const int8_t *xc = x + c0;
                            for (oc = 0; oc < n; oc++) {
                                acc[oc] += (int16_t)xc[oc] * (int16_t)w[oc];
                            }
                        } else {
                            for (oc = 0; oc < n; oc++) {
                                acc[oc] += (int16_t)x[(c0 + oc) / dm] * (int16_t)w[oc];
                            }
                        }
                    }
                    for (oc = 0; oc < n; oc++) {
                        out[c0 + oc] = tml_requant_s8(&rq, acc[oc], c0 + oc);
                    }
                }
            }
        }
    }
}

#endif /* TINYML_SCALAR_CONV_H */
