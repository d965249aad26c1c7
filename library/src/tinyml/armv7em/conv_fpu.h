/*
 * CONV_2D and DEPTHWISE_CONV_2D in float32 with the single-precision FPU (TML_ARCH_ARM_FPU).
 * Included by ops/conv.h.
 */
#ifndef TINYML_ARMV7EM_CONV_FPU_H
#define TINYML_ARMV7EM_CONV_FPU_H

/* ------------------------------------------------------------ float with the FPU
 * The reference's arithmetic, operation for operation (each output: 0, then += x * w over the taps in
 * the same order, then + bias, clamp), with the window clipped once per pixel instead of a bounds
 * test per tap, and (CONV_2D) two output channels sharing each input load. */

/* The taps f in [0, n) of a window starting at origin, dilation d, that land inside [0, size): [*f0, *f1). */
TML_ALWAYS_INLINE void tml__valid_taps(int32_t origin, int32_t n, int32_t d, int32_t size, int32_t *f0,
                                       int32_t *f1)
{
    *f0 = origin < 0 ? (-origin + d - 1) / d : 0;
    *f1 = tml_clamp_i32((size - origin + d - 1) / d, 0, n);
}

TML_HOT_FLOAT static inline void tml_conv_f32_fpu(const tml_conv_f32_params *p, const float *input,
                                                  const float *weights, const float *bias, float *output)
{
    TML_FP_EXACT
    const int32_t cin = p->input_depth, fw = p->filter_width, row = fw * cin;
    const int32_t w_oc = p->filter_height * row;
    int32_t b, oy, ox, oc, fy, fx, c;
    for (b = 0; b < p->batches; b++) {
        const float *in_b = input + b * p->input_height * p->input_width * cin;
        for (oy = 0; oy < p->output_height; oy++) {
            const int32_t iy0 = oy * p->stride_height - p->pad_height;
            int32_t fy0, fy1;
            tml__valid_taps(iy0, p->filter_height, p->dilation_height, p->input_height, &fy0, &fy1);
            for (ox = 0; ox < p->output_width; ox++) {
                const int32_t ix0 = ox * p->stride_width - p->pad_width;
                float *out = output + ((b * p->output_height + oy) * p->output_width + ox) * p->output_depth;
                int32_t fx0, fx1;
                tml__valid_taps(ix0, fw, p->dilation_width, p->input_width, &fx0, &fx1);
                for (oc = 0; oc < p->output_depth; oc += 2) {
                    const int32_t pair = oc + 1 < p->output_depth;
                    float a0 = 0.0f, a1 = 0.0f;
                    for (fy = fy0; fy < fy1; fy++) {
                        const float *in_row = in_b + ((iy0 + fy * p->dilation_height) * p->input_width) * cin;
                        const float *w0 = weights + oc * w_oc + fy * row;
                        const float *w1 = pair ? w0 + w_oc : w0;
                        for (fx = fx0; fx < fx1; fx++) {
                            const float *in = in_row + (ix0 + fx * p->dilation_width) * cin;
                            const float *v0 = w0 + fx * cin, *v1 = w1 + fx * cin;
                            for (c = 0; c < cin; c++) {
                                const float x = in[c];
                                a0 += x * v0[c];
                                a1 += x * v1[c];
                            }
                        }
                    }
                    out[oc] = tml_clamp_f32(a0 + (bias ? bias[oc] : 0.0f), p->act_min, p->act_max);
                    if (pair) {
                        out[oc + 1] = tml_clamp_f32(a1 + (bias ? bias[oc + 1] : 0.0f), p->act_min, p->act_max);
                    }
                }
            }
        }
    }
}

TML_HOT_FLOAT static inline void tml_depthwise_conv_f32_fpu(const tml_depthwise_conv_f32_params *p, const float *input,
                                                            const float *weights, const float *bias, float *output)
{
    TML_FP_EXACT
    const int32_t cin = p->input_depth, dm = p->depth_multiplier, cout = cin * dm;
    const int32_t fw = p->filter_width, dw = p->dilation_width;
    int32_t b, oy, ox, oc, fy, fx;
    for (b = 0; b < p->batches; b++) {
        const float *in_b = input + b * p->input_height * p->input_width * cin;
        for (oy = 0; oy < p->output_height; oy++) {
            const int32_t iy0 = oy * p->stride_height - p->pad_height;
            int32_t fy0, fy1;
            tml__valid_taps(iy0, p->filter_height, p->dilation_height, p->input_height, &fy0, &fy1);
            for (ox = 0; ox < p->output_width; ox++) {
                const int32_t ix0 = ox * p->stride_width - p->pad_width;
                float *out = output + ((b * p->output_height + oy) * p->output_width + ox) * cout;
                int32_t fx0, fx1;
                tml__valid_taps(ix0, fw, dw, p->input_width, &fx0, &fx1);
                /* four output channels at a time, in registers: with depth multiplier 1 they read four
                 * neighbouring input channels, with a multiple of 4 one input channel */
                for (oc = 0; (dm == 1 || dm % 4 == 0) && oc + 4 <= cout; oc += 4) {
                    float a0 = 0.0f, a1 = 0.0f, a2 = 0.0f, a3 = 0.0f;
                    /* the taps as pointer steps: x by dw * cin floats, w by cout (one loop per case, so
                     * that neither tests the depth multiplier per tap) */
                    const int32_t xs = dw * cin, taps_x = fx1 - fx0;
                    for (fy = fy0; fy < fy1; fy++) {
                        const float *x = in_b + ((iy0 + fy * p->dilation_height) * p->input_width + ix0 + fx0 * dw) * cin +
                                         oc / dm;
                        const float *w = weights + (fy * fw + fx0) * cout + oc;
                        int32_t t;
                        if (dm == 1) {
                            for (t = 0; t < taps_x; t++, x += xs, w += cout) {
                                a0 += x[0] * w[0];
                                a1 += x[1] * w[1];
                                a2 += x[2] * w[2];
                                a3 += x[3] * w[3];
                            }
                        } else {
                            for (t = 0; t < taps_x; t++, x += xs, w += cout) {
                                const float xv = x[0];
                                a0 += xv * w[0];
                                a1 += xv * w[1];
                                a2 += xv * w[2];
                                a3 += xv * w[3];
                            }
                        }
                    }
                    out[oc] = tml_clamp_f32(a0 + (bias ? bias[oc] : 0.0f), p->act_min, p->act_max);
                    out[oc + 1] = tml_clamp_f32(a1 + (bias ? bias[oc + 1] : 0.0f), p->act_min, p->act_max);
                    out[oc + 2] = tml_clamp_f32(a2 + (bias ? bias[oc + 2] : 0.0f), p->act_min, p->act_max);
                    out[oc + 3] = tml_clamp_f32(a3 + (bias ? bias[oc + 3] : 0.0f), p->act_min, p->act_max);
                }
                for (oc = (dm == 1 || dm % 4 == 0) ? cout & ~3 : 0; oc < cout; oc++) {
                    const int32_t ic = oc / dm;
                    float acc = 0.0f;
                    for (fy = fy0; fy < fy1; fy++) {
                        const float *x = in_b + ((iy0 + fy * p->dilation_height) * p->input_width + ix0) * cin + ic;
                        const float *w = weights + fy * fw * cout + oc;
                        for (fx = fx0; fx < fx1; fx++) {
                            acc += x[fx * dw * cin] * w[fx * cout];
                        }
                    }
                    out[oc] = tml_clamp_f32(acc + (bias ? bias[oc] : 0.0f), p->act_min, p->act_max);
                }
            }
        }
    }
}

#endif /* TINYML_ARMV7EM_CONV_FPU_H */
