/*
 * TRANSPOSE_CONV reference kernels (int8, int16x8, float32): portable C, always compiled. Layouts,
 * semantics and parameter structs in ops/transpose_conv.h; included by it.
 */
#ifndef TINYML_REF_TRANSPOSE_CONV_H
#define TINYML_REF_TRANSPOSE_CONV_H

/** The input rows (or columns) that reach output row o: [*lo, *hi], with tap t = o + pad - i * stride
 *  in [0, filter) for each. Empty when *lo > *hi. */
TML_ALWAYS_INLINE void tml__tconv_span(int32_t o, int32_t pad, int32_t stride, int32_t filter, int32_t in_size,
                                       int32_t *lo, int32_t *hi)
{
    const int32_t t = o + pad; /* >= 0: pads are never negative */
    const int32_t first = t - filter + 1;
    *lo = first <= 0 ? 0 : (first + stride - 1) / stride;
    *hi = t / stride;
    if (*hi > in_size - 1) {
        *hi = in_size - 1;
    }
}

TML_HOT static inline void tml_transpose_conv_s8_ref(const tml_transpose_conv_s8_params *p, const int8_t *input,
                                                     const int8_t *weights, const int32_t *bias, int8_t *output)
{
    const tml_requant_params rq = TML_REQUANT_OF(p);
    const int32_t depth = p->input_depth, taps = p->filter_height * p->filter_width;
    int32_t b, oy, ox, oc, iy, ix, c, y0, y1, x0, x1;
    for (b = 0; b < p->batches; b++) {
        const int8_t *in_b = input + b * p->input_height * p->input_width * depth;
        for (oy = 0; oy < p->output_height; oy++) {
            tml__tconv_span(oy, p->pad_height, p->stride_height, p->filter_height, p->input_height, &y0, &y1);
            for (ox = 0; ox < p->output_width; ox++) {
                tml__tconv_span(ox, p->pad_width, p->stride_width, p->filter_width, p->input_width, &x0, &x1);
                for (oc = 0; oc < p->output_depth; oc++) {
                    int32_t acc = 0;
                    for (iy = y0; iy <= y1; iy++) {
                        const int32_t fy = oy + p->pad_height - iy * p->stride_height;
                        for (ix = x0; ix <= x1; ix++) {
                            const int32_t fx = ox + p->pad_width - ix * p->stride_width;
                            const int8_t *in = in_b + (iy * p->input_width + ix) * depth;
                            const int8_t *w = weights + ((oc * taps) + fy * p->filter_width + fx) * depth;
                            for (c = 0; c < depth; c++) {
                                acc += ((int32_t)in[c] + p->input_offset) * (int32_t)w[c];
                            }
                        }
                    }
                    if (bias) {
                        acc += bias[oc];
                    }
                    *output++ = tml_requant_s8(&rq, acc, oc);
                }
            }
        }
    }
}

/* int16x8: the only path. */
static inline void tml_transpose_conv_s16(const tml_transpose_conv_s16_params *p, const int16_t *input,
                                          const int8_t *weights, const int64_t *bias, int16_t *output)
{
    const tml_requant_params rq = TML_REQUANT_OF(p);
    const int32_t depth = p->input_depth, taps = p->filter_height * p->filter_width;
    int32_t b, oy, ox, oc, iy, ix, c, y0, y1, x0, x1;
    for (b = 0; b < p->batches; b++) {
        const int16_t *in_b = input + b * p->input_height * p->input_width * depth;
        for (oy = 0; oy < p->output_height; oy++) {
            tml__tconv_span(oy, p->pad_height, p->stride_height, p->filter_height, p->input_height, &y0, &y1);
            for (ox = 0; ox < p->output_width; ox++) {
                tml__tconv_span(ox, p->pad_width, p->stride_width, p->filter_width, p->input_width, &x0, &x1);
                for (oc = 0; oc < p->output_depth; oc++) {
                    int64_t acc = 0;
                    for (iy = y0; iy <= y1; iy++) {
                        const int32_t fy = oy + p->pad_height - iy * p->stride_height;
                        for (ix = x0; ix <= x1; ix++) {
                            const int32_t fx = ox + p->pad_width - ix * p->stride_width;
                            const int16_t *in = in_b + (iy * p->input_width + ix) * depth;
                            const int8_t *w = weights + ((oc * taps) + fy * p->filter_width + fx) * depth;
                            for (c = 0; c < depth; c++) {
                                acc += (int32_t)in[c] * (int32_t)w[c];
                            }
                        }
                    }
                    if (bias) {
                        acc += bias[oc];
                    }
                    *output++ = tml_requant_s16(&rq, acc, oc, 1);
                }
            }
        }
    }
}

TML_FLOAT static inline void tml_transpose_conv_f32(const tml_transpose_conv_f32_params *p, const float *input,
                                                    const float *weights, const float *bias, float *output)
{
    TML_FP_EXACT
    const int32_t depth = p->input_depth, taps = p->filter_height * p->filter_width;
    int32_t b, oy, ox, oc, iy, ix, c, y0, y1, x0, x1;
    for (b = 0; b < p->batches; b++) {
        const float *in_b = input + b * p->input_height * p->input_width * depth;
        for (oy = 0; oy < p->output_height; oy++) {
            tml__tconv_span(oy, p->pad_height, p->stride_height, p->filter_height, p->input_height, &y0, &y1);
            for (ox = 0; ox < p->output_width; ox++) {
                tml__tconv_span(ox, p->pad_width, p->stride_width, p->filter_width, p->input_width, &x0, &x1);
                for (oc = 0; oc < p->output_depth; oc++) {
                    float acc = 0.0f;
                    for (iy = y0; iy <= y1; iy++) {
                        const int32_t fy = oy + p->pad_height - iy * p->stride_height;
                        for (ix = x0; ix <= x1; ix++) {
                            const int32_t fx = ox + p->pad_width - ix * p->stride_width;
                            const float *in = in_b + (iy * p->input_width + ix) * depth;
                            const float *w = weights + ((oc * taps) + fy * p->filter_width + fx) * depth;
                            for (c = 0; c < depth; c++) {
                                acc += in[c] * w[c];
                            }
                        }
                    }
                    if (bias) {
                        acc += bias[oc];
                    }
                    *output++ = tml_clamp_f32(acc, p->act_min, p->act_max);
                }
            }
        }
    }
}

#endif /* TINYML_REF_TRANSPOSE_CONV_H */
