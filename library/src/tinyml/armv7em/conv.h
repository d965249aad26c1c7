/*
 * CONV_2D on Armv7E-M (Cortex-M4/M7/M33 with the DSP extension): the SIMD kernels in C and inline asm
 * (TML_ARCH_ARM_DSP), the requantization runs and byte copy and fill the depthwise and packed kernels
 * share. Included by ops/conv.h.
 */
#ifndef TINYML_ARMV7EM_CONV_H
#define TINYML_ARMV7EM_CONV_H

/* One step of tml__dot2x2_adjacent_s8: four int8 of two pixels by four of two weight rows, 16 MACs. */
#define TML__DOT2X2_STEP                                                                                          \
    "ldr %[y], [%[x0], %[step]]\n\t"                                                                             \
    "ldr %[x], [%[x0]], #4\n\t"                                                                                 \
    "ldr %[w], [%[w0], %[step]]\n\t"                                                                            \
    "sxtb16 %[xe], %[x]\n\t"                                                                                     \
    "sxtb16 %[ye], %[y]\n\t"                                                                                     \
    "sxtb16 %[we], %[w]\n\t"                                                                                     \
    "sxtb16 %[x], %[x], ror #8\n\t"                                                                              \
    "sxtb16 %[y], %[y], ror #8\n\t"                                                                              \
    "sxtb16 %[w], %[w], ror #8\n\t"                                                                              \
    "smlad %[a01], %[xe], %[we], %[a01]\n\t"                                                                     \
    "smlad %[a11], %[ye], %[we], %[a11]\n\t"                                                                     \
    "smlad %[a01], %[x], %[w], %[a01]\n\t"                                                                       \
    "smlad %[a11], %[y], %[w], %[a11]\n\t"                                                                       \
    "ldr %[w], [%[w0]], #4\n\t"                                                                                 \
    "sxtb16 %[we], %[w]\n\t"                                                                                     \
    "sxtb16 %[w], %[w], ror #8\n\t"                                                                              \
    "smlad %[a00], %[xe], %[we], %[a00]\n\t"                                                                     \
    "smlad %[a10], %[ye], %[we], %[a10]\n\t"                                                                     \
    "smlad %[a00], %[x], %[w], %[a00]\n\t"                                                                       \
    "smlad %[a10], %[y], %[w], %[a10]\n\t"

/* acc[0] += x0.w0, acc[1] += x0.w1, acc[2] += x1.w0, acc[3] += x1.w1 over n4 * 4 int8 (n4 >= 1), where
 * x1 = x0 + step and w1 = w0 + step (two adjacent pixels of a dense input, two adjacent weight rows): one
 * step register serves both; unrolled twice. The loop takes 14 registers. Built with
 * -fno-omit-frame-pointer, r7 is not free: if GCC reports "'asm' operand has impossible constraints"
 * here, define TML_FRAME_POINTER (the PlatformIO hook does it when it sees that flag) for a 13-register
 * loop that reads its bounds from memory (about 3 % slower on person_detect). At -O0 and with clang, C. */
TML_ALWAYS_INLINE void tml__dot2x2_adjacent_s8(const int8_t *x0, const int8_t *w0, int32_t step, int32_t n4,
                                                int32_t *acc)
{
#if !defined(TML_ASM_14_REGS)
    /* -O0 (a debug build), or clang (tml_common.h): the same sums in C. */
    tml_dot2x2_s8(x0, x0 + step, w0, w0 + step, 4 * n4, acc);
#else
    int32_t a00 = acc[0], a01 = acc[1], a10 = acc[2], a11 = acc[3];
    int32_t x, y, w, xe, ye, we;
#if defined(TML_FRAME_POINTER)
    const int32_t odd = n4 & 1;
    const int8_t *const end = x0 + 4 * n4;
    __asm__("ldr %[xe], %[odd]\n\t"
            "cmp %[xe], #0\n\t"
            "beq 2f\n\t"
            TML__DOT2X2_STEP
            "2:\n\t"
            "ldr %[xe], %[end]\n\t"
            "cmp %[x0], %[xe]\n\t"
            "beq 3f\n\t"
            "1:\n\t"
            TML__DOT2X2_STEP
            TML__DOT2X2_STEP
            "ldr %[xe], %[end]\n\t"
            "cmp %[x0], %[xe]\n\t"
            "bne 1b\n\t"
            "3:"
            : [a00] "+r"(a00), [a01] "+r"(a01), [a10] "+r"(a10), [a11] "+r"(a11), [x0] "+r"(x0), [w0] "+r"(w0),
              [x] "=&r"(x), [y] "=&r"(y), [w] "=&r"(w), [xe] "=&r"(xe), [ye] "=&r"(ye), [we] "=&r"(we)
            : [step] "r"(step), [odd] "m"(odd), [end] "m"(end)
            : "cc", "memory");
#else
    __asm__("lsrs %[n], %[n], #1\n\t"
            "bcc 2f\n\t"
            TML__DOT2X2_STEP
            "cmp %[n], #0\n\t"
            "beq 3f\n\t"
            "2:\n\t"
            TML__DOT2X2_STEP
            TML__DOT2X2_STEP
            "subs %[n], %[n], #1\n\t"
            "bne 2b\n\t"
            "3:"
            : [a00] "+r"(a00), [a01] "+r"(a01), [a10] "+r"(a10), [a11] "+r"(a11), [x0] "+r"(x0), [w0] "+r"(w0),
              [n] "+r"(n4), [x] "=&r"(x), [y] "=&r"(y), [w] "=&r"(w), [xe] "=&r"(xe), [ye] "=&r"(ye),
              [we] "=&r"(we)
            : [step] "r"(step)
            : "cc", "memory");
#endif
    acc[0] = a00;
    acc[1] = a01;
    acc[2] = a10;
    acc[3] = a11;
#endif
}

/* TFLM's requantization for a multiplier in [0, 2^31) and a right shift r >= 1 (shift <= -1): the doubling
 * high multiply is one SMLAL; the rounding division, half away from zero, is floor((x - (x < 0)) / 2^(r-1)),
 * plus one, halved; off2 = 2 * zero point + 1 adds the zero point in that last halving. Clamped. */
TML_ALWAYS_INLINE int8_t tml__requant_r1_s8(int32_t acc, int32_t multiplier, int32_t r_minus_1, int32_t off2,
                                            int32_t lo, int32_t hi)
{
    return (int8_t)tml_clamp_i32(tml__rdbpot_r1(tml__srdhm_up(acc, multiplier), r_minus_1, off2), lo, hi);
}

/* 1: every requantization shift of the call is <= -1 (a right shift), so tml__requant_r1_s8 applies;
 * 2: moreover per channel, every multiplier above 2^30, every right shift at most 21 and the full int8
 * range, so tml_requant_fast_s8 (five instructions) does; 0 otherwise. */
static inline int tml__right_shifts_only(const tml_requant_params *rq, int32_t channels)
{
    int32_t i, fast = rq->per_channel_multiplier && rq->act_min == -128 && rq->act_max == 127;
    if (!rq->per_channel_multiplier) {
        return rq->shift <= -1;
    }
    for (i = 0; i < channels; i++) {
        if (rq->per_channel_shift[i] > -1) {
            return 0;
        }
        fast = fast && rq->per_channel_multiplier[i] > (1 << 30) && rq->per_channel_shift[i] >= -21;
    }
    return fast ? 2 : 1;
}

/* Requantize n accumulators of consecutive channels (multipliers and shifts from channel `first` on, or
 * the per-tensor ones) into out: with only right shifts, tml__requant_r1_s8 with its constants in
 * registers for the whole loop. */
TML_HOT static TML_NOINLINE void tml__requant_run_s8(const tml_requant_params *rqp, const int32_t *acc,
                                                    int32_t first, int32_t n, int fast, int8_t *out)
{
    const tml_requant_params rq = *rqp;
    int32_t k;
    if (fast == 2) { /* tml_requant_fast_s8 with c = off2 * 2^(r - 1) made on the way */
        const int32_t off2 = 2 * rq.output_offset + 1;
        const int32_t *mul = rq.per_channel_multiplier + first, *sh = rq.per_channel_shift + first;
        for (k = 0; k < n; k++) {
            const int32_t a = acc[k], r = -sh[k];
            int32_t v;
            __asm__("smmlar %0, %1, %2, %3" : "=r"(v) : "r"(tml_qadd(a, a)), "r"(mul[k]), "r"((off2 << (r - 1)) + (a >> 31)));
            out[k] = (int8_t)tml_ssat8(v >> r);
        }
        return;
    }
    if (fast) {
        const int32_t off2 = 2 * rq.output_offset + 1, lo = rq.act_min, hi = rq.act_max;
        if (rq.per_channel_multiplier && lo == -128 && hi == 127) {
            const int32_t *mul = rq.per_channel_multiplier + first, *sh = rq.per_channel_shift + first;
            for (k = 0; k < n; k++) {
                out[k] = (int8_t)tml_ssat8(tml__rdbpot_r1(tml__srdhm_up(acc[k], mul[k]), ~sh[k], off2));
            }
        } else if (rq.per_channel_multiplier) {
            const int32_t *mul = rq.per_channel_multiplier + first, *sh = rq.per_channel_shift + first;
            for (k = 0; k < n; k++) {
                out[k] = tml__requant_r1_s8(acc[k], mul[k], ~sh[k], off2, lo, hi);
            }
        } else {
            const int32_t m = rq.multiplier, r = ~rq.shift;
            for (k = 0; k < n; k++) {
                out[k] = tml__requant_r1_s8(acc[k], m, r, off2, lo, hi);
            }
        }
        return;
    }
    for (k = 0; k < n; k++) {
        out[k] = tml_requant_s8(&rq, acc[k], first + k);
    }
}

#define TML_CHUNK 64 /* channels whose accumulators are held at a time (on the stack) */

/* Armv7E-M, pointwise, dense (stride 1 over the whole input), every shift a right shift: pairs of
 * adjacent pixels by pairs of adjacent output channels, the dot products in tml__dot2x2_adjacent_s8 and
 * the requantization with the channel's constants read once per tile. A lone last pixel is left to the
 * caller. Needs folded_bias. Returns the pixels done (an even count). */
TML_HOT static inline int32_t tml__conv_s8_1x1_dense_dsp(const tml_conv_s8_params *p, const int8_t *in_b,
                                                         int8_t *out_b, const int8_t *weights, int32_t pixels)
{
    const int32_t cin = p->input_depth, cout = p->output_depth, n4 = cin >> 2, rest = cin & 3;
    const int32_t off2 = 2 * p->output_offset + 1, lo = p->act_min, hi = p->act_max;
    const int32_t *const pm = p->per_channel_multiplier, *const ps = p->per_channel_shift;
    const int32_t *const fb = p->folded_bias;
    const int32_t step = pm ? 1 : 0;  /* per-tensor: the same multiplier for every channel */
    const int32_t *const mul = pm ? pm : &p->output_multiplier, *const sh = pm ? ps : &p->output_shift;
    int32_t k, oc;
    for (k = 0; k + 2 <= pixels; k += 2) {
        const int8_t *const x0 = in_b + k * cin;
        int8_t *const o0 = out_b + k * cout;
        const int8_t *w = weights;
        for (oc = 0; oc + 2 <= cout; oc += 2, w += 2 * cin) {
            int32_t acc[4], i;
            acc[0] = acc[2] = fb[oc];
            acc[1] = acc[3] = fb[oc + 1];
            if (n4) {
                tml__dot2x2_adjacent_s8(x0, w, cin, n4, acc);
            }
            for (i = cin - rest; i < cin; i++) {
                const int32_t a = x0[i], c = x0[cin + i], b0 = w[i], b1 = w[cin + i];
                acc[0] += a * b0;
                acc[1] += a * b1;
                acc[2] += c * b0;
                acc[3] += c * b1;
            }
            {
                const int32_t m0 = mul[oc * step], m1 = mul[(oc + 1) * step];
                const int32_t r0 = -sh[oc * step] - 1, r1 = -sh[(oc + 1) * step] - 1;
                o0[oc] = tml__requant_r1_s8(acc[0], m0, r0, off2, lo, hi);
                o0[oc + 1] = tml__requant_r1_s8(acc[1], m1, r1, off2, lo, hi);
                o0[cout + oc] = tml__requant_r1_s8(acc[2], m0, r0, off2, lo, hi);
                o0[cout + oc + 1] = tml__requant_r1_s8(acc[3], m1, r1, off2, lo, hi);
            }
        }
        if (oc < cout) { /* a lone last channel */
            int32_t acc[4];
            const int32_t m0 = mul[oc * step], r0 = -sh[oc * step] - 1;
            acc[0] = acc[1] = acc[2] = acc[3] = fb[oc];
            tml_dot2x2_s8(x0, x0 + cin, w, w, cin, acc);
            o0[oc] = tml__requant_r1_s8(acc[0], m0, r0, off2, lo, hi);
            o0[cout + oc] = tml__requant_r1_s8(acc[2], m0, r0, off2, lo, hi);
        }
    }
    return k;
}

/* Armv7E-M, 1x1 filters without padding (pointwise): a GEMM of output pixels by output channels in
 * 2x2 tiles (tml_dot2x2_s8). Needs folded_bias and groups == 1. */
TML_HOT static inline void tml_conv_s8_1x1_dsp(const tml_conv_s8_params *p, const int8_t *input, const int8_t *weights,
                                       int8_t *output)
{
    const tml_requant_params rq = TML_REQUANT_OF(p);
    const int32_t cin = p->input_depth, cout = p->output_depth;
    const int32_t pixels = p->output_height * p->output_width;
    /* stride 1 over the whole input: output pixel k reads input pixel k */
    const int32_t dense = p->stride_height == 1 && p->stride_width == 1 && p->output_width == p->input_width;
    int32_t b, k, oc;
    for (b = 0; b < p->batches; b++) {
        const int8_t *in_b = input + b * p->input_height * p->input_width * cin;
        int8_t *out_b = output + b * pixels * cout;
        k = dense && tml__right_shifts_only(&rq, cout) ? tml__conv_s8_1x1_dense_dsp(p, in_b, out_b, weights, pixels)
                                                      : 0;
        for (; k < pixels; k += 2) {
            const int32_t k1 = k + 1 < pixels ? k + 1 : k; /* a lone last pixel is computed twice */
            const int8_t *x0 = dense ? in_b + k * cin
                                     : in_b + ((k / p->output_width) * p->stride_height * p->input_width +
                                               (k % p->output_width) * p->stride_width) * cin;
            const int8_t *x1 = dense ? in_b + k1 * cin
                                     : in_b + ((k1 / p->output_width) * p->stride_height * p->input_width +
                                               (k1 % p->output_width) * p->stride_width) * cin;
            int8_t *o0 = out_b + k * cout;
            int8_t *o1 = out_b + k1 * cout;
            for (oc = 0; oc < cout; oc += 2) {
                const int32_t oc1 = oc + 1 < cout ? oc + 1 : oc; /* a lone last channel is computed twice */
                int32_t acc[4];
                acc[0] = acc[2] = p->folded_bias[oc];
                acc[1] = acc[3] = p->folded_bias[oc1];
                const int32_t m0 = rq.per_channel_multiplier ? rq.per_channel_multiplier[oc] : rq.multiplier;
                const int32_t s0 = rq.per_channel_multiplier ? rq.per_channel_shift[oc] : rq.shift;
                const int32_t m1 = rq.per_channel_multiplier ? rq.per_channel_multiplier[oc1] : rq.multiplier;
                const int32_t s1 = rq.per_channel_multiplier ? rq.per_channel_shift[oc1] : rq.shift;
                tml_dot2x2_s8(x0, x1, weights + oc * cin, weights + oc1 * cin, cin, acc);
                /* o1 and oc1 first: they equal o0 / oc when alone, and then the o0 / oc values stand */
                o1[oc1] = tml_requant_s8_ms(&rq, acc[3], m1, s1);
                o1[oc] = tml_requant_s8_ms(&rq, acc[2], m0, s0);
                o0[oc1] = tml_requant_s8_ms(&rq, acc[1], m1, s1);
                o0[oc] = tml_requant_s8_ms(&rq, acc[0], m0, s0);
            }
        }
    }
}

/* Armv7E-M: pixels whose window lies inside the image take dot products of whole filter rows
 * (filter_width * input_depth contiguous bytes) with raw int8 inputs, two output channels at a
 * time, and folded_bias carries the input offset; border pixels take the reference path. Needs
 * folded_bias and groups == 1. */
TML_HOT static inline void tml_conv_s8_dsp(const tml_conv_s8_params *p, const int8_t *input, const int8_t *weights,
                                   const int32_t *bias, int8_t *output)
{
    const tml_requant_params rq = TML_REQUANT_OF(p);
    const int32_t cin = p->input_depth, fh = p->filter_height, fw = p->filter_width;
    const int32_t row = fw * cin, filter_size = fh * row, cout = p->output_depth;
    const int32_t span_y = (fh - 1) * p->dilation_height, span_x = (fw - 1) * p->dilation_width;
    const int32_t contiguous = p->dilation_width == 1;
    int32_t b, oy, ox, oc, fy, fx;
    for (b = 0; b < p->batches; b++) {
        const int8_t *in_b = input + b * p->input_height * p->input_width * cin;
        for (oy = 0; oy < p->output_height; oy++) {
            const int32_t iy0 = oy * p->stride_height - p->pad_height;
            const int32_t inside_y = iy0 >= 0 && iy0 + span_y < p->input_height;
            for (ox = 0; ox < p->output_width; ox++) {
                const int32_t ix0 = ox * p->stride_width - p->pad_width;
                int8_t *out = output + ((b * p->output_height + oy) * p->output_width + ox) * cout;
                if (!inside_y || ix0 < 0 || ix0 + span_x >= p->input_width) {
                    tml__conv_s8_pixel_ref(p, in_b, iy0, ix0, weights, bias, out);
                    continue;
                }
                for (oc = 0; oc < cout; oc += 2) {
                    const int32_t pair = oc + 1 < cout;
                    const int8_t *w0 = weights + oc * filter_size;
                    const int8_t *w1 = pair ? w0 + filter_size : w0;
                    int32_t a0 = p->folded_bias[oc], a1 = pair ? p->folded_bias[oc + 1] : 0;
                    for (fy = 0; fy < fh; fy++) {
                        const int8_t *in_row = in_b + ((iy0 + fy * p->dilation_height) * p->input_width + ix0) * cin;
                        if (contiguous) {
                            tml_dot2_s8(in_row, w0 + fy * row, w1 + fy * row, row, &a0, &a1);
                            continue;
                        }
                        for (fx = 0; fx < fw; fx++) {
                            tml_dot2_s8(in_row + fx * p->dilation_width * cin, w0 + fy * row + fx * cin,
                                        w1 + fy * row + fx * cin, cin, &a0, &a1);
                        }
                    }
                    out[oc] = tml_requant_s8(&rq, a0, oc);
                    if (pair) {
                        out[oc + 1] = tml_requant_s8(&rq, a1, oc + 1);
                    }
                }
            }
        }
    }
}

/* n bytes copied or filled a word at a time, the last word overlapping the one before; fewer than four
 * bytes as a halfword and a byte. No byte loop, which a compiler building for size may turn into a call
 * of a C library routine that goes byte by byte. dst and src do not overlap. */
TML_ALWAYS_INLINE void tml__copy_s8(int8_t *dst, const int8_t *src, int32_t n)
{
    int32_t i = 0;
    if (n < 4) {
        if (n & 2) {
            memcpy(dst, src, 2);
        }
        if (n & 1) {
            dst[n - 1] = src[n - 1];
        }
        return;
    }
    for (; i + 4 <= n; i += 4) {
        const int32_t v = tml_read_s8x4(src + i);
        memcpy(dst + i, &v, 4);
    }
    if (i < n) {
        const int32_t v = tml_read_s8x4(src + n - 4);
        memcpy(dst + n - 4, &v, 4);
    }
}

TML_ALWAYS_INLINE void tml__fill_s8(int8_t *dst, int8_t value, int32_t n)
{
    const int32_t v = (int32_t)(0x01010101u * (uint8_t)value);
    int32_t i = 0;
    if (n < 4) {
        if (n & 2) {
            memcpy(dst, &v, 2);
        }
        if (n & 1) {
            dst[n - 1] = value;
        }
        return;
    }
    for (; i + 4 <= n; i += 4) {
        memcpy(dst + i, &v, 4);
    }
    if (i < n) {
        memcpy(dst + n - 4, &v, 4);
    }
}

#endif /* TINYML_ARMV7EM_CONV_H */
