/*
 * CONV_2D and DEPTHWISE_CONV_2D: the reference kernels (int8, float32 and int16x8), portable C, always
 * compiled; the optimized paths fall back to them (whole layers, or border pixels). Layouts, semantics
 * and parameter structs in ops/conv.h; included by ops/conv.h.
 */
#ifndef TINYML_REF_CONV_H
#define TINYML_REF_CONV_H

/* ------------------------------------------------------------ CONV_2D reference */

/* One output pixel (all its channels) of the reference convolution; iy0/ix0: its window's corner. */
static inline void tml__conv_s8_pixel_ref(const tml_conv_s8_params *p, const int8_t *in_b, int32_t iy0,
                                          int32_t ix0, const int8_t *weights, const int32_t *bias, int8_t *out)
{
    const tml_requant_params rq = TML_REQUANT_OF(p);
    const int32_t fdepth = p->filter_input_depth;
    const int32_t per_group = p->output_depth / (p->input_depth / fdepth);
    int32_t oc, fy, fx, c;
    for (oc = 0; oc < p->output_depth; oc++) {
        const int32_t cin0 = (oc / per_group) * fdepth;
        const int8_t *w_oc = weights + oc * p->filter_height * p->filter_width * fdepth;
        int32_t acc = 0;
        for (fy = 0; fy < p->filter_height; fy++) {
            const int32_t iy = iy0 + fy * p->dilation_height;
            if (iy < 0 || iy >= p->input_height) {
                continue;
            }
            for (fx = 0; fx < p->filter_width; fx++) {
                const int32_t ix = ix0 + fx * p->dilation_width;
                const int8_t *in;
                const int8_t *w;
                if (ix < 0 || ix >= p->input_width) {
                    continue;
                }
                in = in_b + (iy * p->input_width + ix) * p->input_depth + cin0;
                w = w_oc + (fy * p->filter_width + fx) * fdepth;
                for (c = 0; c < fdepth; c++) {
                    acc += (int32_t)w[c] * ((int32_t)in[c] + p->input_offset);
                }
            }
        }
        if (bias) {
            acc += bias[oc];
        }
        out[oc] = tml_requant_s8(&rq, acc, oc);
    }
}

TML_HOT static inline void tml_conv_s8_ref(const tml_conv_s8_params *p, const int8_t *input, const int8_t *weights,
                                   const int32_t *bias, int8_t *output)
{
    int32_t b, oy, ox;
    for (b = 0; b < p->batches; b++) {
        for (oy = 0; oy < p->output_height; oy++) {
            for (ox = 0; ox < p->output_width; ox++) {
                /* backward: the same pixels from the last to the first */
                const int32_t qb = p->backward ? p->batches - 1 - b : b;
                const int32_t qy = p->backward ? p->output_height - 1 - oy : oy;
                const int32_t qx = p->backward ? p->output_width - 1 - ox : ox;
                const int8_t *in_b = input + qb * p->input_height * p->input_width * p->input_depth;
                int8_t *out = output + ((qb * p->output_height + qy) * p->output_width + qx) * p->output_depth;
                tml__conv_s8_pixel_ref(p, in_b, qy * p->stride_height - p->pad_height,
                                       qx * p->stride_width - p->pad_width, weights, bias, out);
            }
        }
    }
}

TML_FLOAT static inline void tml_conv_f32_ref(const tml_conv_f32_params *p, const float *input, const float *weights,
                                              const float *bias, float *output)
{
    TML_FP_EXACT
    const int32_t fdepth = p->filter_input_depth;
    const int32_t groups = p->input_depth / fdepth;
    const int32_t per_group = p->output_depth / groups;
    int32_t b, oy, ox, oc, fy, fx, c;
    for (b = 0; b < p->batches; b++) {
        const float *in_b = input + b * p->input_height * p->input_width * p->input_depth;
        for (oy = 0; oy < p->output_height; oy++) {
            const int32_t iy0 = oy * p->stride_height - p->pad_height;
            for (ox = 0; ox < p->output_width; ox++) {
                const int32_t ix0 = ox * p->stride_width - p->pad_width;
                float *out = output + ((b * p->output_height + oy) * p->output_width + ox) * p->output_depth;
                for (oc = 0; oc < p->output_depth; oc++) {
                    const int32_t cin0 = (oc / per_group) * fdepth;
                    const float *w_oc = weights + oc * p->filter_height * p->filter_width * fdepth;
                    float acc = 0.0f;
                    for (fy = 0; fy < p->filter_height; fy++) {
                        const int32_t iy = iy0 + fy * p->dilation_height;
                        if (iy < 0 || iy >= p->input_height) {
                            continue;
                        }
                        for (fx = 0; fx < p->filter_width; fx++) {
                            const int32_t ix = ix0 + fx * p->dilation_width;
                            const float *in;
                            const float *w;
                            if (ix < 0 || ix >= p->input_width) {
                                continue;
                            }
                            in = in_b + (iy * p->input_width + ix) * p->input_depth + cin0;
                            w = w_oc + (fy * p->filter_width + fx) * fdepth;
                            for (c = 0; c < fdepth; c++) {
                                acc += in[c] * w[c];
                            }
                        }
                    }
                    out[oc] = tml_clamp_f32(acc + (bias ? bias[oc] : 0.0f), p->act_min, p->act_max);
                }
            }
        }
    }
}

/* ------------------------------------------------------------ DEPTHWISE_CONV_2D reference */

/* One output pixel (all its channels) of the reference depthwise convolution. */
static inline void tml__dwconv_s8_pixel_ref(const tml_depthwise_conv_s8_params *p, const int8_t *in_b, int32_t iy0,
                                            int32_t ix0, const int8_t *weights, const int32_t *bias, int8_t *out)
{
    const tml_requant_params rq = TML_REQUANT_OF(p);
    const int32_t out_depth = p->input_depth * p->depth_multiplier;
    int32_t ic, m, fy, fx;
    for (ic = 0; ic < p->input_depth; ic++) {
        for (m = 0; m < p->depth_multiplier; m++) {
            const int32_t oc = ic * p->depth_multiplier + m;
            int32_t acc = 0;
            for (fy = 0; fy < p->filter_height; fy++) {
                const int32_t iy = iy0 + fy * p->dilation_height;
                if (iy < 0 || iy >= p->input_height) {
                    continue;
                }
                for (fx = 0; fx < p->filter_width; fx++) {
                    const int32_t ix = ix0 + fx * p->dilation_width;
                    if (ix < 0 || ix >= p->input_width) {
                        continue;
                    }
                    acc += (int32_t)weights[(fy * p->filter_width + fx) * out_depth + oc] *
                           ((int32_t)in_b[(iy * p->input_width + ix) * p->input_depth + ic] + p->input_offset);
                }
            }
            if (bias) {
                acc += bias[oc];
            }
            out[oc] = tml_requant_s8(&rq, acc, oc);
        }
    }
}

TML_HOT static inline void tml_depthwise_conv_s8_ref(const tml_depthwise_conv_s8_params *p, const int8_t *input,
                                             const int8_t *weights, const int32_t *bias, int8_t *output)
{
    const int32_t out_depth = p->input_depth * p->depth_multiplier;
    int32_t b, oy, ox;
    for (b = 0; b < p->batches; b++) {
        const int8_t *in_b = input + b * p->input_height * p->input_width * p->input_depth;
        for (oy = 0; oy < p->output_height; oy++) {
            for (ox = 0; ox < p->output_width; ox++) {
                int8_t *out = output + ((b * p->output_height + oy) * p->output_width + ox) * out_depth;
                tml__dwconv_s8_pixel_ref(p, in_b, oy * p->stride_height - p->pad_height,
                                         ox * p->stride_width - p->pad_width, weights, bias, out);
            }
        }
    }
}

TML_FLOAT static inline void tml_depthwise_conv_f32_ref(const tml_depthwise_conv_f32_params *p, const float *input,
                                                        const float *weights, const float *bias, float *output)
{
    TML_FP_EXACT
    const int32_t out_depth = p->input_depth * p->depth_multiplier;
    int32_t b, oy, ox, ic, m, fy, fx;
    for (b = 0; b < p->batches; b++) {
        const float *in_b = input + b * p->input_height * p->input_width * p->input_depth;
        for (oy = 0; oy < p->output_height; oy++) {
            const int32_t iy0 = oy * p->stride_height - p->pad_height;
            for (ox = 0; ox < p->output_width; ox++) {
                const int32_t ix0 = ox * p->stride_width - p->pad_width;
                float *out = output + ((b * p->output_height + oy) * p->output_width + ox) * out_depth;
                for (ic = 0; ic < p->input_depth; ic++) {
                    for (m = 0; m < p->depth_multiplier; m++) {
                        const int32_t oc = ic * p->depth_multiplier + m;
                        float acc = 0.0f;
                        for (fy = 0; fy < p->filter_height; fy++) {
                            const int32_t iy = iy0 + fy * p->dilation_height;
                            if (iy < 0 || iy >= p->input_height) {
                                continue;
                            }
                            for (fx = 0; fx < p->filter_width; fx++) {
                                const int32_t ix = ix0 + fx * p->dilation_width;
                                if (ix < 0 || ix >= p->input_width) {
                                    continue;
                                }
                                acc += in_b[(iy * p->input_width + ix) * p->input_depth + ic] *
                                       weights[(fy * p->filter_width + fx) * out_depth + oc];
                            }
                        }
                        out[oc] = tml_clamp_f32(acc + (bias ? bias[oc] : 0.0f), p->act_min, p->act_max);
                    }
                }
            }
        }
    }
}

/* ------------------------------------------------------------ int16x8 (reference only)
 * int16 input and output (zero point 0), int8 symmetric weights, bias int64 (acc64 = 1) or int32
 * (acc64 = 0) or NULL. The sums are exact in 64 bits; requantization is TFLM's for that bias type. */

static inline void tml_conv_s16(const tml_conv_s16_params *p, const int16_t *input, const int8_t *weights,
                                const void *bias, int16_t *output)
{
    const tml_requant_params rq = TML_REQUANT_OF(p);
    const int32_t fdepth = p->filter_input_depth;
    const int32_t per_group = p->output_depth / (p->input_depth / fdepth);
    int32_t b, oy, ox, oc, fy, fx, c;
    for (b = 0; b < p->batches; b++) {
        const int16_t *in_b = input + b * p->input_height * p->input_width * p->input_depth;
        for (oy = 0; oy < p->output_height; oy++) {
            const int32_t iy0 = oy * p->stride_height - p->pad_height;
            for (ox = 0; ox < p->output_width; ox++) {
                const int32_t ix0 = ox * p->stride_width - p->pad_width;
                int16_t *out = output + ((b * p->output_height + oy) * p->output_width + ox) * p->output_depth;
                for (oc = 0; oc < p->output_depth; oc++) {
                    const int32_t cin0 = (oc / per_group) * fdepth;
                    const int8_t *w_oc = weights + oc * p->filter_height * p->filter_width * fdepth;
                    int64_t acc = 0;
                    for (fy = 0; fy < p->filter_height; fy++) {
                        const int32_t iy = iy0 + fy * p->dilation_height;
                        if (iy < 0 || iy >= p->input_height) {
                            continue;
                        }
                        for (fx = 0; fx < p->filter_width; fx++) {
                            const int32_t ix = ix0 + fx * p->dilation_width;
                            const int16_t *in;
                            const int8_t *w;
                            if (ix < 0 || ix >= p->input_width) {
                                continue;
                            }
                            in = in_b + (iy * p->input_width + ix) * p->input_depth + cin0;
                            w = w_oc + (fy * p->filter_width + fx) * fdepth;
                            for (c = 0; c < fdepth; c++) {
                                acc += (int32_t)w[c] * (int32_t)in[c];
                            }
                        }
                    }
                    acc += tml_bias_s16(bias, oc, p->acc64);
                    out[oc] = tml_requant_s16(&rq, acc, oc, p->acc64);
                }
            }
        }
    }
}

static inline void tml_depthwise_conv_s16(const tml_depthwise_conv_s16_params *p, const int16_t *input,
                                          const int8_t *weights, const void *bias, int16_t *output)
{
    const tml_requant_params rq = TML_REQUANT_OF(p);
    const int32_t out_depth = p->input_depth * p->depth_multiplier;
    int32_t b, oy, ox, ic, m, fy, fx;
    for (b = 0; b < p->batches; b++) {
        const int16_t *in_b = input + b * p->input_height * p->input_width * p->input_depth;
        for (oy = 0; oy < p->output_height; oy++) {
            const int32_t iy0 = oy * p->stride_height - p->pad_height;
            for (ox = 0; ox < p->output_width; ox++) {
                const int32_t ix0 = ox * p->stride_width - p->pad_width;
                int16_t *out = output + ((b * p->output_height + oy) * p->output_width + ox) * out_depth;
                for (ic = 0; ic < p->input_depth; ic++) {
                    for (m = 0; m < p->depth_multiplier; m++) {
                        const int32_t oc = ic * p->depth_multiplier + m;
                        int64_t acc = 0;
                        for (fy = 0; fy < p->filter_height; fy++) {
                            const int32_t iy = iy0 + fy * p->dilation_height;
                            if (iy < 0 || iy >= p->input_height) {
                                continue;
                            }
                            for (fx = 0; fx < p->filter_width; fx++) {
                                const int32_t ix = ix0 + fx * p->dilation_width;
                                if (ix < 0 || ix >= p->input_width) {
                                    continue;
                                }
                                acc += (int32_t)weights[(fy * p->filter_width + fx) * out_depth + oc] *
                                       (int32_t)in_b[(iy * p->input_width + ix) * p->input_depth + ic];
                            }
                        }
                        acc += tml_bias_s16(bias, oc, p->acc64);
                        out[oc] = tml_requant_s16(&rq, acc, oc, p->acc64);
                    }
                }
            }
        }
    }
}

#endif /* TINYML_REF_CONV_H */
