/*
 * DEPTHWISE_CONV_2D on Armv7E-M (Cortex-M4/M7/M33 with the DSP extension): the SIMD kernels in C and
 * inline asm (TML_ARCH_ARM_DSP). Included by ops/conv.h (after armv7em/conv.h, whose TML_CHUNK,
 * tml__requant_run_s8, tml__right_shifts_only and tml__copy_s8 / tml__fill_s8 they use).
 */
#ifndef TINYML_ARMV7EM_DEPTHWISE_CONV_H
#define TINYML_ARMV7EM_DEPTHWISE_CONV_H

#define TML_DW_FAST_TAPS 25 /* filters up to 5x5 take the interior fast path */

/* Four accumulators of channels oc..oc+3, requantized into out. */
TML_ALWAYS_INLINE void tml__store4_s8(const tml_requant_params *rq, int8_t *out, int32_t oc, int32_t a0, int32_t a1,
                                      int32_t a2, int32_t a3)
{
    out[oc] = tml_requant_s8(rq, a0, oc);
    out[oc + 1] = tml_requant_s8(rq, a1, oc + 1);
    out[oc + 2] = tml_requant_s8(rq, a2, oc + 2);
    out[oc + 3] = tml_requant_s8(rq, a3, oc + 3);
}

/* Four lanes (channels) of one tap: SXTB16 splits even and odd bytes, SMLABB/SMLATT accumulate per lane. */
#define TML__DW_MAC4(xv, wv, a0, a1, a2, a3)                                                                     \
    do {                                                                                                         \
        const int32_t x02_ = tml_sxtb16(xv), w02_ = tml_sxtb16(wv);                                                  \
        const int32_t x13_ = tml_sxtb16_ror8(xv), w13_ = tml_sxtb16_ror8(wv);                                    \
        a0 = tml_smlabb(x02_, w02_, a0);                                                                           \
        a2 = tml_smlatt(x02_, w02_, a2);                                                                           \
        a1 = tml_smlabb(x13_, w13_, a1);                                                                           \
        a3 = tml_smlatt(x13_, w13_, a3);                                                                           \
    } while (0)

/* One tap of four depthwise lanes: input word x and weight word w (four channels each), SMLABB/SMLATT on
 * their even and odd bytes. */
#define TML__DW_TAP4(xa, wa)                                                                                    \
    "ldr %[x], " xa "\n\t"                                                                                      \
    "ldr %[w], " wa "\n\t"                                                                                      \
    "sxtb16 %[xe], %[x]\n\t"                                                                                     \
    "sxtb16 %[we], %[w]\n\t"                                                                                     \
    "sxtb16 %[x], %[x], ror #8\n\t"                                                                              \
    "sxtb16 %[w], %[w], ror #8\n\t"                                                                              \
    "smlabb %[a0], %[xe], %[we], %[a0]\n\t"                                                                      \
    "smlatt %[a2], %[xe], %[we], %[a2]\n\t"                                                                      \
    "smlabb %[a1], %[x], %[w], %[a1]\n\t"                                                                        \
    "smlatt %[a3], %[x], %[w], %[a3]\n\t"

/* A filter row of three taps, then both pointers down one row. */
#define TML__DW_ROW3                                                                                            \
    TML__DW_TAP4("[%[ip]]", "[%[wp]]")                                                                          \
    TML__DW_TAP4("[%[ip], %[col]]", "[%[wp], %[col]]")                                                          \
    TML__DW_TAP4("[%[ip], %[col2]]", "[%[wp], %[col2]]")                                                        \
    "add %[ip], %[ip], %[row]\n\t"                                                                              \
    "add %[wp], %[wp], %[col2]\n\t"                                                                             \
    "add %[wp], %[wp], %[col]\n\t"

/* acc[0..3] = init[0..3] + the 3x3 window of four channels: input at ip (the window's corner, channel
 * oc), weights at wp ([9][c], channel oc), c channels per pixel and row bytes per input row (dilation 1). */
TML_ALWAYS_INLINE void tml__dw3x3_lanes4(const int8_t *ip, const int8_t *wp, int32_t c, int32_t row,
                                          const int32_t *init, int32_t *acc)
{
    int32_t a0 = init[0], a1 = init[1], a2 = init[2], a3 = init[3];
    int32_t x, w, xe, we;
    __asm__(TML__DW_ROW3 TML__DW_ROW3 TML__DW_ROW3
            : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [ip] "+r"(ip), [wp] "+r"(wp),
              [x] "=&r"(x), [w] "=&r"(w), [xe] "=&r"(xe), [we] "=&r"(we)
            : [col] "r"(c), [col2] "r"(2 * c), [row] "r"(row)
            : "memory");
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
}


/* The 3x3 case of the next kernel (MobileNet's depthwise layers), dilation 1, depth multiplier 1: a run of
 * `count` pixels whose windows lie inside the image (corners `step` bytes apart). For each pixel and chunk
 * of channels, first every accumulator (four channels at a time in tml__dw3x3_lanes4), then their
 * requantization in one loop (fast: only right shifts). */
TML_HOT static TML_NOINLINE void tml__dwconv_s8_3x3_run(const tml_depthwise_conv_s8_params *p, const int8_t *corner,
                                                       int32_t row, int32_t step, int32_t count, const int8_t *weights,
                                                       int8_t *out, int fast)
{
    const tml_requant_params rq = TML_REQUANT_OF(p);
    const int32_t c = p->input_depth;
    const int32_t *const fb = p->folded_bias;
    int32_t acc[TML_CHUNK];
    int32_t c0, oc, fy;
    for (; count > 0; count--, corner += step, out += c) {
        for (c0 = 0; c0 < c; c0 += TML_CHUNK) {
            const int32_t n = c - c0 < TML_CHUNK ? c - c0 : TML_CHUNK, lanes = n - n % 4;
            const int8_t *ip = corner + c0, *wp = weights + c0;
            for (oc = 0; oc < lanes; oc += 4) {
                tml__dw3x3_lanes4(ip + oc, wp + oc, c, row, fb + c0 + oc, acc + oc);
            }
            for (; oc < n; oc++) {
                const int8_t *i1 = ip + oc, *w1 = wp + oc;
                acc[oc] = fb[c0 + oc];
                for (fy = 0; fy < 3; fy++, i1 += row, w1 += 3 * c) {
                    acc[oc] += (int32_t)i1[0] * w1[0] + (int32_t)i1[c] * w1[c] + (int32_t)i1[2 * c] * w1[2 * c];
                }
            }
            tml__requant_run_s8(&rq, acc, c0, n, fast, out + c0);
        }
    }
}

/* Depth multiplier a multiple of 4 (each input channel feeds four lanes at a time): a run of `count`
 * pixels whose windows lie inside the image (corners `step` bytes apart), taps at the offsets the caller
 * computed once per layer; raw int8 inputs and folded_bias, then one requantization loop per chunk. */
TML_HOT static TML_NOINLINE void tml__dwconv_s8_dm4_run(const tml_depthwise_conv_s8_params *p, const int8_t *corner,
                                                       int32_t step, int32_t count, const int8_t *weights,
                                                       const int32_t *in_off, const int32_t *w_off, int32_t taps,
                                                       int8_t *out, int fast)
{
    const tml_requant_params rq = TML_REQUANT_OF(p);
    const int32_t dm = p->depth_multiplier, cout = p->input_depth * dm;
    const int32_t *const fb = p->folded_bias;
    int32_t acc[TML_CHUNK];
    int32_t c0, oc, t;
    for (; count > 0; count--, corner += step, out += cout) {
        for (c0 = 0; c0 < cout; c0 += TML_CHUNK) {
            const int32_t n = cout - c0 < TML_CHUNK ? cout - c0 : TML_CHUNK; /* a multiple of 4 */
            for (oc = 0; oc < n; oc += 4) {
                const int8_t *const x = corner + (c0 + oc) / dm, *const w = weights + c0 + oc;
                int32_t a0 = fb[c0 + oc], a1 = fb[c0 + oc + 1], a2 = fb[c0 + oc + 2], a3 = fb[c0 + oc + 3];
                for (t = 0; t < taps; t++) {
                    const int32_t xv = x[in_off[t]], wv = tml_read_s8x4(w + w_off[t]);
                    const int32_t w02 = tml_sxtb16(wv), w13 = tml_sxtb16_ror8(wv);
                    a0 = tml_smlabb(xv, w02, a0);
                    a2 = tml_smlabt(xv, w02, a2);
                    a1 = tml_smlabb(xv, w13, a1);
                    a3 = tml_smlabt(xv, w13, a3);
                }
                acc[oc] = a0;
                acc[oc + 1] = a1;
                acc[oc + 2] = a2;
                acc[oc + 3] = a3;
            }
            tml__requant_run_s8(&rq, acc, c0, n, fast, out + c0);
        }
    }
}

/* Depth multiplier 1, a pixel whose window lies inside the image: four channels at a time over the
 * taps, whose input and weight offsets were computed once per layer; raw int8 inputs, folded bias. */
TML_HOT static inline void tml__dwconv_s8_inside_dm1(const tml_depthwise_conv_s8_params *p, const int8_t *corner,
                                                     const int8_t *weights, const int32_t *in_off,
                                                     const int32_t *w_off, int32_t taps, int8_t *out)
{
    const tml_requant_params rq = TML_REQUANT_OF(p);
    const int32_t c = p->input_depth, lanes = c - c % 4;
    int32_t oc, t;
    for (oc = 0; oc < lanes; oc += 4) {
        const int8_t *ip = corner + oc, *wp = weights + oc;
        int32_t a0 = p->folded_bias[oc], a1 = p->folded_bias[oc + 1];
        int32_t a2 = p->folded_bias[oc + 2], a3 = p->folded_bias[oc + 3];
        for (t = 0; t < taps; t++) {
            TML__DW_MAC4(tml_read_s8x4(ip + in_off[t]), tml_read_s8x4(wp + w_off[t]), a0, a1, a2, a3);
        }
        tml__store4_s8(&rq, out, oc, a0, a1, a2, a3);
    }
    for (; oc < c; oc++) {
        int32_t acc = p->folded_bias[oc];
        for (t = 0; t < taps; t++) {
            acc += (int32_t)corner[oc + in_off[t]] * weights[oc + w_off[t]];
        }
        out[oc] = tml_requant_s8(&rq, acc, oc);
    }
}

/* Armv7E-M: four output channels per step, one lane each (SMLABB/SMLATT on sign-extended pairs). Four
 * channels read four consecutive input channels (depth_multiplier 1) or one input channel
 * (depth_multiplier a multiple of 4); other channels take the scalar loop. Only the taps inside the
 * image are visited: inside, raw int8 inputs and folded_bias (which carries the input offset for all
 * taps); at the border, bias and inputs plus the offset (SADD16). */
TML_HOT static inline void tml_depthwise_conv_s8_dsp(const tml_depthwise_conv_s8_params *p, const int8_t *input,
                                             const int8_t *weights, const int32_t *bias, int8_t *output)
{
    const tml_requant_params rq = TML_REQUANT_OF(p);
    const int32_t dm = p->depth_multiplier, cin = p->input_depth, cout = cin * dm;
    const int32_t fh = p->filter_height, fw = p->filter_width, dh = p->dilation_height, dw = p->dilation_width;
    const int32_t lanes = (dm == 1 || dm % 4 == 0) ? cout - cout % 4 : 0;
    const int32_t offset_pair = (int32_t)(((uint32_t)p->input_offset & 0xffffu) | ((uint32_t)p->input_offset << 16));
    const int32_t taps = fh * fw, fast = dm == 1 && taps <= TML_DW_FAST_TAPS;
    const int32_t fast4 = dm % 4 == 0 && taps <= TML_DW_FAST_TAPS && p->folded_bias;
    const int right_only = tml__right_shifts_only(&rq, cout);
    int32_t in_off[TML_DW_FAST_TAPS], w_off[TML_DW_FAST_TAPS];
    int32_t b, oy, ox, oc, fy, fx;
    if (fast || fast4) {
        for (fy = 0; fy < fh; fy++) {
            for (fx = 0; fx < fw; fx++) {
                in_off[fy * fw + fx] = (fy * dh * p->input_width + fx * dw) * cin;
                w_off[fy * fw + fx] = (fy * fw + fx) * cout;
            }
        }
    }
    for (b = 0; b < p->batches; b++) {
        const int8_t *in_b = input + b * p->input_height * p->input_width * cin;
        for (oy = 0; oy < p->output_height; oy++) {
            const int32_t iy0 = oy * p->stride_height - p->pad_height;
            /* valid taps: fy in [fy0, fy1) */
            const int32_t fy0 = iy0 < 0 ? (-iy0 + dh - 1) / dh : 0;
            const int32_t fy1 = tml_clamp_i32((p->input_height - iy0 + dh - 1) / dh, 0, fh);
            for (ox = 0; ox < p->output_width; ox++) {
                const int32_t ix0 = ox * p->stride_width - p->pad_width;
                const int32_t fx0 = ix0 < 0 ? (-ix0 + dw - 1) / dw : 0;
                const int32_t fx1 = tml_clamp_i32((p->input_width - ix0 + dw - 1) / dw, 0, fw);
                const int32_t inside = fy0 == 0 && fx0 == 0 && fy1 == fh && fx1 == fw;
                const int32_t pair = inside ? 0 : offset_pair;
                const int32_t *init = inside ? p->folded_bias : bias;
                int8_t *out = output + ((b * p->output_height + oy) * p->output_width + ox) * cout;
                if (inside && fast) {
                    if (fh == 3 && fw == 3 && dh == 1 && dw == 1) {
                        /* this pixel and the following ones whose windows lie inside the image */
                        const int32_t sx = p->stride_width;
                        int32_t n = (p->input_width - 3 - ix0) / sx + 1;
                        if (n > p->output_width - ox) {
                            n = p->output_width - ox;
                        }
                        tml__dwconv_s8_3x3_run(p, in_b + (iy0 * p->input_width + ix0) * cin, p->input_width * cin,
                                               sx * cin, n, weights, out, right_only);
                        ox += n - 1;
                        continue;
                    }
                    tml__dwconv_s8_inside_dm1(p, in_b + (iy0 * p->input_width + ix0) * cin, weights, in_off, w_off,
                                              taps, out);
                    continue;
                }
                if (inside && fast4) {
                    /* this pixel and the following ones whose windows lie inside the image */
                    int32_t n = (p->input_width - 1 - (fw - 1) * dw - ix0) / p->stride_width + 1;
                    if (n > p->output_width - ox) {
                        n = p->output_width - ox;
                    }
                    tml__dwconv_s8_dm4_run(p, in_b + (iy0 * p->input_width + ix0) * cin, p->stride_width * cin, n,
                                           weights, in_off, w_off, taps, out, right_only);
                    ox += n - 1;
                    continue;
                }
                if (p->patch && fast && fh == 3 && fw == 3 && dh == 1 && dw == 1) {
                    /* the window's taps copied into a 3x3 patch, the zero point where the window leaves the
                     * image (with folded_bias, (zero point + input_offset) * w = 0 as the reference adds) */
                    int8_t *const patch = p->patch;
                    for (fy = 0; fy < 3; fy++) {
                        for (fx = 0; fx < 3; fx++) {
                            int8_t *dst = patch + (fy * 3 + fx) * cin;
                            if (fy >= fy0 && fy < fy1 && fx >= fx0 && fx < fx1) {
                                tml__copy_s8(dst, in_b + ((iy0 + fy) * p->input_width + ix0 + fx) * cin, cin);
                            } else {
                                tml__fill_s8(dst, (int8_t)-p->input_offset, cin);
                            }
                        }
                    }
                    tml__dwconv_s8_3x3_run(p, patch, 3 * cin, 0, 1, weights, out, right_only);
                    continue;
                }
                for (oc = 0; oc < lanes; oc += 4) {
                    const int32_t ic = oc / dm; /* first input channel of the four lanes */
                    int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
                    if (init) {
                        a0 = init[oc];
                        a1 = init[oc + 1];
                        a2 = init[oc + 2];
                        a3 = init[oc + 3];
                    }
                    for (fy = fy0; fy < fy1; fy++) {
                        /* pointers step through the row's valid taps */
                        const int8_t *px = in_b + ((iy0 + fy * dh) * p->input_width + ix0 + fx0 * dw) * cin + ic;
                        const int8_t *pw = weights + (fy * fw + fx0) * cout + oc;
                        const int8_t *const px_end = px + (fx1 - fx0) * dw * cin;
                        if (dm == 1) {
                            for (; px < px_end; px += dw * cin, pw += cout) {
                                const int32_t xv = tml_read_s8x4(px), wv = tml_read_s8x4(pw);
                                const int32_t x02 = tml_sadd16(tml_sxtb16(xv), pair), w02 = tml_sxtb16(wv);
                                const int32_t x13 = tml_sadd16(tml_sxtb16_ror8(xv), pair), w13 = tml_sxtb16_ror8(wv);
                                a0 = tml_smlabb(x02, w02, a0);
                                a2 = tml_smlatt(x02, w02, a2);
                                a1 = tml_smlabb(x13, w13, a1);
                                a3 = tml_smlatt(x13, w13, a3);
                            }
                        } else {
                            /* one input value for the four lanes: its bottom half times each weight half */
                            const int32_t off = inside ? 0 : p->input_offset;
                            for (; px < px_end; px += dw * cin, pw += cout) {
                                const int32_t x = px[0] + off, wv = tml_read_s8x4(pw);
                                const int32_t w02 = tml_sxtb16(wv), w13 = tml_sxtb16_ror8(wv);
                                a0 = tml_smlabb(x, w02, a0);
                                a2 = tml_smlabt(x, w02, a2);
                                a1 = tml_smlabb(x, w13, a1);
                                a3 = tml_smlabt(x, w13, a3);
                            }
                        }
                    }
                    tml__store4_s8(&rq, out, oc, a0, a1, a2, a3);
                }
                for (; oc < cout; oc++) { /* channels left over, one at a time */
                    int32_t acc = bias ? bias[oc] : 0;
                    for (fy = fy0; fy < fy1; fy++) {
                        for (fx = fx0; fx < fx1; fx++) {
                            const int32_t iy = iy0 + fy * dh, ix = ix0 + fx * dw;
                            acc += (int32_t)weights[(fy * fw + fx) * cout + oc] *
                                   ((int32_t)in_b[(iy * p->input_width + ix) * cin + oc / dm] + p->input_offset);
                        }
                    }
                    out[oc] = tml_requant_s8(&rq, acc, oc);
                }
            }
        }
    }
}

#endif /* TINYML_ARMV7EM_DEPTHWISE_CONV_H */
