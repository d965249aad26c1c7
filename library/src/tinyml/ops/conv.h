/*
 * CONV_2D and DEPTHWISE_CONV_2D.
 *
 * Layouts (all row-major):
 *   input   [batches, input_height, input_width, input_depth]            (NHWC)
 *   conv weights      [output_depth, filter_height, filter_width, filter_input_depth] (OHWI)
 *   depthwise weights [1, filter_height, filter_width, input_depth * depth_multiplier]
 *   bias    [output_depth] (int32 for int8 models, float for float models; may be NULL)
 *   output  [batches, output_height, output_width, output_depth]
 *
 * Geometry: output pixel (oy, ox) reads input rows oy * stride_height - pad_height +
 * fy * dilation_height (and likewise for columns); taps outside the image are skipped
 * (zero padding). pad_height / pad_width are the leading paddings TFLite computes
 * (ComputePaddingHeightWidth), done at generation time.
 *
 * CONV_2D supports grouped convolution: groups = input_depth / filter_input_depth, output
 * channel o reads input channels [g * filter_input_depth, (g + 1) * filter_input_depth)
 * with g = o / (output_depth / groups).
 * DEPTHWISE_CONV_2D: output channel o = c * depth_multiplier + m reads input channel c.
 *
 * int8: acc = sum(w * (in + input_offset)) + bias, then TFLM's double-rounding
 * requantization with the per-channel multiplier/shift (or the per-tensor ones when
 * per_channel_multiplier is NULL), + output_offset, clamped to [act_min, act_max].
 * Weights are symmetric (zero point 0). Bit-exact with TFLM's reference kernels.
 * float32: sum(w * in) + bias clamped to [act_min, act_max], summed in TFLM's order.
 */
#ifndef TINYML_OPS_CONV_H
#define TINYML_OPS_CONV_H

#include "../tml_common.h"

typedef struct {
    int32_t batches;
    int32_t input_height;
    int32_t input_width;
    int32_t input_depth;
    int32_t filter_height;
    int32_t filter_width;
    int32_t filter_input_depth; /* input_depth / groups */
    int32_t output_height;
    int32_t output_width;
    int32_t output_depth;
    int32_t stride_height;
    int32_t stride_width;
    int32_t dilation_height;
    int32_t dilation_width;
    int32_t pad_height;
    int32_t pad_width;
    int32_t input_offset;      /* minus the input zero point */
    int32_t output_offset;     /* the output zero point */
    int32_t output_multiplier; /* per-tensor requantization (when the arrays are NULL) */
    int32_t output_shift;
    const int32_t *per_channel_multiplier; /* [output_depth] or NULL */
    const int32_t *per_channel_shift;      /* [output_depth] or NULL */
    int32_t act_min;
    int32_t act_max;
    const int32_t *folded_bias;            /* [output_depth] or NULL: bias + input_offset * sum(weights of o) */
    int32_t acc64;                         /* int16x8 only: 1 with an int64 bias (see tml_requant_s16) */
    const int32_t *packed;                 /* Cortex-M4 layout made by the generator (tml__conv_s8_packed_m4), or NULL */
    void *scratch;                         /* with packed: the pixel pair's interleaved window (see there) */
} tml_conv_s8_params;

typedef struct {
    int32_t batches;
    int32_t input_height;
    int32_t input_width;
    int32_t input_depth;
    int32_t filter_height;
    int32_t filter_width;
    int32_t filter_input_depth;
    int32_t output_height;
    int32_t output_width;
    int32_t output_depth;
    int32_t stride_height;
    int32_t stride_width;
    int32_t dilation_height;
    int32_t dilation_width;
    int32_t pad_height;
    int32_t pad_width;
    float act_min;
    float act_max;
} tml_conv_f32_params;

typedef struct {
    int32_t batches;
    int32_t input_height;
    int32_t input_width;
    int32_t input_depth;
    int32_t filter_height;
    int32_t filter_width;
    int32_t depth_multiplier; /* output_depth = input_depth * depth_multiplier */
    int32_t output_height;
    int32_t output_width;
    int32_t stride_height;
    int32_t stride_width;
    int32_t dilation_height;
    int32_t dilation_width;
    int32_t pad_height;
    int32_t pad_width;
    int32_t input_offset;
    int32_t output_offset;
    int32_t output_multiplier;
    int32_t output_shift;
    const int32_t *per_channel_multiplier; /* [output_depth] or NULL */
    const int32_t *per_channel_shift;      /* [output_depth] or NULL */
    int32_t act_min;
    int32_t act_max;
    const int32_t *folded_bias;            /* [output_depth] or NULL: bias + input_offset * sum(weights of o) */
    int32_t acc64;                         /* int16x8 only: 1 with an int64 bias (see tml_requant_s16) */
    int8_t *patch;                         /* 3x3 * input_depth bytes of scratch, or NULL (optimized 3x3 paths) */
    const int32_t *packed;                 /* Cortex-M4 layout made by the generator (tml__dw3_s8_packed_m4), or NULL */
    void *scratch;                         /* with packed: the rows ring and accumulators (see there) */
} tml_depthwise_conv_s8_params;

typedef struct {
    int32_t batches;
    int32_t input_height;
    int32_t input_width;
    int32_t input_depth;
    int32_t filter_height;
    int32_t filter_width;
    int32_t depth_multiplier;
    int32_t output_height;
    int32_t output_width;
    int32_t stride_height;
    int32_t stride_width;
    int32_t dilation_height;
    int32_t dilation_width;
    int32_t pad_height;
    int32_t pad_width;
    float act_min;
    float act_max;
} tml_depthwise_conv_f32_params;

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
        const int8_t *in_b = input + b * p->input_height * p->input_width * p->input_depth;
        for (oy = 0; oy < p->output_height; oy++) {
            for (ox = 0; ox < p->output_width; ox++) {
                int8_t *out = output + ((b * p->output_height + oy) * p->output_width + ox) * p->output_depth;
                tml__conv_s8_pixel_ref(p, in_b, oy * p->stride_height - p->pad_height,
                                       ox * p->stride_width - p->pad_width, weights, bias, out);
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

#if defined(TML_ARCH_ARM_DSP)
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
#endif


#if defined(TML_ARCH_ARM_DSP)
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

#endif

#if defined(TML_ARCH_ARM_DSP) && defined(__thumb2__) && (defined(__GNUC__) || defined(__clang__))
#define TML__CONV_PACKED_ASM 1
/* Packed convolution (p->packed, int32 words made by the generator for the Cortex-M4 where the fast
 * requantization is exact for every channel, as for the packed fully connected layers; groups 1 and a
 * multiple of 4 output channels): output pixels go in pairs (A, B), each pair's windows are gathered
 * (im2col: K = filter_height * filter_width * input_depth values, padding as the zero point) and
 * sign-extended into p->scratch once, interleaved as, per four window values k..k+3,
 *
 *     (A[k], A[k+2]) (B[k], B[k+2]) (A[k+1], A[k+3]) (B[k+1], B[k+3])      (int16 pairs, 16 bytes)
 *
 * the window rounded up to four values with zeros, then the word 0x80008000 (no pair of sign-extended
 * int8 makes it) that ends the dot-product loop. The stream: the number of groups of four output
 * channels, then per group the four folded biases, for each four window values k..k+3 four words of
 * weights laid out so that SXTB16 of a word gives one channel's pair and SXTB16 ROR 8 the next one's:
 *
 *     [c0 k][c1 k][c0 k+2][c1 k+2]  [c2 k][c3 k][c2 k+2][c3 k+2]  [c0 k+1][c1 k+1][c0 k+3][c1 k+3]  [c2 ...]
 *
 * then the four channels' multiplier, c and r (tml_requant_fast). The stream starts with the layer's
 * geometry (tml__conv_geometry, 16 words), of which input_height, output_height and pad_height come from
 * the call's params instead (a convolution fused with a pool is called on bands of rows). Per four window values, 4 loads of
 * the window, 4 of weights, 8 SXTB16 and 16 SMLAD make 32 MACs (two pixels by four channels). */
#define TML__CONV_STEP(wa, wb)                                                                              \
    "ldr r12, [r0], #4\n\t"                                                                                   \
    "sxtb16 lr, r12, ror #8\n\t"                                                                              \
    "sxtb16 r12, r12\n\t"                                                                                     \
    "smlad " wa ", r10, r12, " wa "\n\t"                                                                      \
    "smlad " wb ", r11, r12, " wb "\n\t"

/* Two window values of pixels A (r10) and B (r11) by four channels: 16 MACs. */
#define TML__CONV_PAIR4                                                                                     \
    TML__CONV_STEP("r2", "r6")                                                                                \
    "smlad r3, r10, lr, r3\n\t"                                                                              \
    "smlad r7, r11, lr, r7\n\t"                                                                              \
    TML__CONV_STEP("r4", "r8")                                                                                \
    "smlad r5, r10, lr, r5\n\t"                                                                              \
    "smlad r9, r11, lr, r9\n\t"

/* One pixel pair: scratch (above) by every group of the stream, out_a / out_b the two pixels' outputs
 * (the same when a lone last pixel is computed twice). */
__attribute__((naked, unused, aligned(4))) static void tml__conv_pair_m4(const int32_t *stream TML_UNUSED,
                                                                         const uint32_t *scratch TML_UNUSED,
                                                                         int8_t *out_a TML_UNUSED,
                                                                         int8_t *out_b TML_UNUSED)
{
    __asm__ volatile(
        ".syntax unified\n\t"
        "push {r4-r11, lr}\n\t"
        "ldr r12, [r0], #4\n\t" /* groups */
        "push {r1-r3, r12}\n\t" /* scratch, out_a, out_b, groups left */
        "1:\n\t"
        "ldmia r0!, {r2-r5}\n\t" /* folded biases: pixel A in r2-r5, B in r6-r9 */
        "mov r6, r2\n\t"
        "mov r7, r3\n\t"
        "mov r8, r4\n\t"
        "mov r9, r5\n\t"
        "ldr r1, [sp]\n\t"
        "ldr r10, [r1], #4\n\t"
        ".balign 4\n\t"
        "2:\n\t" /* four window values: A's pairs in r10, B's in r11 */
        "ldr r11, [r1], #4\n\t"
        TML__CONV_PAIR4
        "ldr r10, [r1], #4\n\t"
        "ldr r11, [r1], #4\n\t"
        TML__CONV_PAIR4
        "ldr r10, [r1], #4\n\t"
        "cmp r10, #0x80008000\n\t"
        "bne 2b\n\t"
        "ldmia r0!, {r10-r12}\n\t" /* each channel's multiplier, c, r */
        TML__ASM_REQUANT("r2", "r1", "lr", "r10", "r11", "r12")
        TML__ASM_REQUANT("r6", "r1", "lr", "r10", "r11", "r12")
        "ldmia r0!, {r10-r12}\n\t"
        TML__ASM_REQUANT("r3", "r1", "lr", "r10", "r11", "r12")
        TML__ASM_REQUANT("r7", "r1", "lr", "r10", "r11", "r12")
        "ldmia r0!, {r10-r12}\n\t"
        TML__ASM_REQUANT("r4", "r1", "lr", "r10", "r11", "r12")
        TML__ASM_REQUANT("r8", "r1", "lr", "r10", "r11", "r12")
        "ldmia r0!, {r10-r12}\n\t"
        TML__ASM_REQUANT("r5", "r1", "lr", "r10", "r11", "r12")
        TML__ASM_REQUANT("r9", "r1", "lr", "r10", "r11", "r12")
        TML__ASM_PACK4("r2", "r3", "r4", "r5")
        TML__ASM_PACK4("r6", "r7", "r8", "r9")
        "ldrd r1, lr, [sp, #4]\n\t"
        "str r2, [r1], #4\n\t"
        "str r6, [lr], #4\n\t"
        "strd r1, lr, [sp, #4]\n\t"
        "ldr r1, [sp, #12]\n\t"
        "subs r1, r1, #1\n\t"
        "str r1, [sp, #12]\n\t"
        "bne 1b\n\t"
        "add sp, #16\n\t"
        "pop {r4-r11, pc}\n\t");
}
#undef TML__CONV_PAIR4
#undef TML__CONV_STEP

/* Four values of each window (words xa, xb) as tml__conv_pair_m4 reads them. */
TML_ALWAYS_INLINE void tml__conv_put4(uint32_t *dst, int32_t xa, int32_t xb)
{
    dst[0] = (uint32_t)tml_sxtb16(xa);
    dst[1] = (uint32_t)tml_sxtb16(xb);
    dst[2] = (uint32_t)tml_sxtb16_ror8(xa);
    dst[3] = (uint32_t)tml_sxtb16_ror8(xb);
}

/* The two windows a and b (k int8 values each) sign-extended and interleaved into scratch as
 * tml__conv_pair_m4 reads them, ended by the sentinel word. */
TML_ALWAYS_INLINE void tml__conv_interleave(const int8_t *a, const int8_t *b, int32_t k, uint32_t *dst)
{
    int32_t i = 0;
    for (; i + 4 <= k; i += 4, dst += 4) {
        tml__conv_put4(dst, tml_read_s8x4(a + i), tml_read_s8x4(b + i));
    }
    if (i < k) { /* the last one to three values, zeros after them */
        uint8_t ta[4] = {0, 0, 0, 0}, tb[4] = {0, 0, 0, 0};
        int32_t xa, xb, j;
        for (j = 0; i + j < k; j++) {
            ta[j] = (uint8_t)a[i + j];
            tb[j] = (uint8_t)b[i + j];
        }
        memcpy(&xa, ta, 4);
        memcpy(&xb, tb, 4);
        tml__conv_put4(dst, xa, xb);
        dst += 4;
    }
    dst[0] = 0x80008000u;
}

/* The geometry at the head of a packed convolution stream (16 words; the asm kernel's part follows). */
typedef struct {
    int32_t batches, input_height, input_width, input_depth, filter_height, filter_width;
    int32_t output_height, output_width, output_depth, stride_height, stride_width;
    int32_t dilation_height, dilation_width, pad_height, pad_width;
    int32_t zero_point; /* the input's: what the window holds outside the image (the folded bias cancels it) */
} tml__conv_geometry;

/* The window of the output pixel whose window starts at input row iy0, column ix0 gathered into dst
 * (im2col order: filter rows, columns, input channels) where it leaves the image: the zero point
 * everywhere, then per filter row inside the image the columns inside copied a word at a time. */
static TML_NOINLINE void tml__conv_gather_border_s8(const tml__conv_geometry *g, const int8_t *in_b, int32_t iy0,
                                                   int32_t ix0, int8_t *dst)
{
    const int32_t cin = g->input_depth, fw = g->filter_width, row = fw * cin, dw = g->dilation_width;
    /* columns inside the image: fx in [fx0, fx1) */
    const int32_t fx0 = ix0 >= 0 ? 0 : dw == 1 ? -ix0 : (-ix0 + dw - 1) / dw;
    const int32_t fx1 = tml_clamp_i32(dw == 1 ? g->input_width - ix0 : (g->input_width - ix0 + dw - 1) / dw, fx0, fw);
    int32_t fy, fx;
    tml__fill_s8(dst, (int8_t)g->zero_point, g->filter_height * row);
    for (fy = 0; fy < g->filter_height; fy++, dst += row) {
        const int32_t iy = iy0 + fy * g->dilation_height;
        const int8_t *src = in_b + (iy * g->input_width + ix0) * cin;
        if (iy < 0 || iy >= g->input_height) {
            continue;
        }
        if (dw == 1) {
            tml__copy_s8(dst + fx0 * cin, src + fx0 * cin, (fx1 - fx0) * cin);
        } else {
            for (fx = fx0; fx < fx1; fx++) {
                tml__copy_s8(dst + fx * cin, src + fx * dw * cin, cin);
            }
        }
    }
}

/* The same for any pixel: a window inside the image (dilation 1 across) is its rows copied. */
TML_ALWAYS_INLINE void tml__conv_gather_s8(const tml__conv_geometry *g, const int8_t *in_b, int32_t iy0, int32_t ix0,
                                           int8_t *dst)
{
    const int32_t row = g->filter_width * g->input_depth;
    if (ix0 >= 0 && ix0 + (g->filter_width - 1) * g->dilation_width < g->input_width && g->dilation_width == 1 &&
        iy0 >= 0 && iy0 + (g->filter_height - 1) * g->dilation_height < g->input_height) {
        const int32_t step = g->dilation_height * g->input_width * g->input_depth;
        const int8_t *src = in_b + (iy0 * g->input_width + ix0) * g->input_depth;
        int32_t fy;
        for (fy = g->filter_height; fy > 0; fy--, dst += row, src += step) {
            tml__copy_s8(dst, src, row);
        }
        return;
    }
    tml__conv_gather_border_s8(g, in_b, iy0, ix0, dst);
}

/* A packed stream (above, after its geometry header): pixel pairs through tml__conv_pair_m4. A 1x1
 * filter without padding reads each pixel's channels in place; other filters gather the two windows
 * into the scratch behind the interleaved pairs first. Takes the stream, not the params, so that the
 * image keeps no pointer to the constants the stream replaces. */
TML_HOT static TML_NOINLINE void tml__conv_s8_packed_m4(const int32_t *stream, void *scratch, int32_t input_height,
                                                       int32_t output_height, int32_t pad_height,
                                                       const int8_t *input, int8_t *output)
{
    tml__conv_geometry g;
    memcpy(&g, stream, sizeof g);
    /* the call's: a convolution fused with the pool after it runs on bands of rows */
    g.input_height = input_height;
    g.output_height = output_height;
    g.pad_height = pad_height;
    {
        const int32_t cin = g.input_depth, cout = g.output_depth;
        const int32_t k = g.filter_height * g.filter_width * cin, k4 = (k + 3) & ~3;
        const int32_t pixels = g.output_height * g.output_width;
        const int pointwise = g.filter_height == 1 && g.filter_width == 1 && g.pad_height == 0 && g.pad_width == 0;
        const int32_t *const groups = stream + sizeof g / 4;
        uint32_t *const pairs = (uint32_t *)scratch;
        int8_t *const win_a = (int8_t *)(pairs + k4 + 1), *const win_b = win_a + k4;
        int32_t b, i;
        for (b = 0; b < g.batches; b++) {
            const int8_t *in_b = input + b * g.input_height * g.input_width * cin;
            int8_t *out_b = output + b * pixels * cout;
            int32_t oy = 0, ox = 0; /* the pair's first pixel */
            for (i = 0; i < pixels; i += 2) {
                const int32_t j = i + 1 < pixels ? i + 1 : i; /* a lone last pixel is computed twice */
                int32_t oy_b = oy, ox_b = ox + 1;
                const int8_t *a = win_a, *c = win_b;
                if (ox_b == g.output_width) {
                    oy_b++;
                    ox_b = 0;
                }
                if (j == i) {
                    oy_b = oy;
                    ox_b = ox;
                }
                {
                    const int32_t iy = oy * g.stride_height - g.pad_height, ix = ox * g.stride_width - g.pad_width;
                    const int32_t iy_b = oy_b * g.stride_height - g.pad_height;
                    const int32_t ix_b = ox_b * g.stride_width - g.pad_width;
                    if (pointwise) {
                        a = in_b + (iy * g.input_width + ix) * cin;
                        c = in_b + (iy_b * g.input_width + ix_b) * cin;
                    } else {
                        tml__conv_gather_s8(&g, in_b, iy, ix, win_a);
                        tml__conv_gather_s8(&g, in_b, iy_b, ix_b, win_b);
                    }
                }
                tml__conv_interleave(a, c, k, pairs);
                tml__conv_pair_m4(groups, pairs, out_b + i * cout, out_b + j * cout);
                oy = oy_b;
                ox = ox_b + 1;
                if (ox == g.output_width) {
                    oy++;
                    ox = 0;
                }
            }
        }
    }
}
#endif

/* Always inlined: with the params a constant, the compiler keeps only the path taken (and drops the
 * weights a packed stream replaces). */
TML_ALWAYS_INLINE void tml_conv_s8(const tml_conv_s8_params *p, const int8_t *input, const int8_t *weights,
                               const int32_t *bias, int8_t *output)
{
#if defined(TML__CONV_PACKED_ASM)
    if (p->packed) {
        tml__conv_s8_packed_m4(p->packed, p->scratch, p->input_height, p->output_height, p->pad_height, input, output);
        return;
    }
#endif
#if defined(TML_ARCH_ARM_DSP)
    if (p->folded_bias && p->filter_input_depth == p->input_depth) {
        if (p->filter_height == 1 && p->filter_width == 1 && p->pad_height == 0 && p->pad_width == 0) {
            tml_conv_s8_1x1_dsp(p, input, weights, output);
        } else {
            tml_conv_s8_dsp(p, input, weights, bias, output);
        }
        return;
    }
#elif defined(TML_ARCH_SCALAR)
    /* pointwise, stride 1: a GEMM of every pixel's channels with the weights */
    if (p->folded_bias && p->filter_input_depth == p->input_depth && p->filter_height == 1 &&
        p->filter_width == 1 && p->stride_height == 1 && p->stride_width == 1 && p->pad_height == 0 &&
        p->pad_width == 0 && p->output_height == p->input_height && p->output_width == p->input_width) {
        const tml_requant_params rq = TML_REQUANT_OF(p);
        tml_gemm_s8_scalar(&rq, input, p->batches * p->input_height * p->input_width, p->input_depth, weights,
                           p->output_depth, p->folded_bias, output);
        return;
    }
#endif
    tml_conv_s8_ref(p, input, weights, bias, output);
}

#if defined(TML_ARCH_ARM_FPU)
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
#endif

static inline void tml_conv_f32(const tml_conv_f32_params *p, const float *input, const float *weights,
                                const float *bias, float *output)
{
#if defined(TML_ARCH_ARM_FPU)
    if (p->filter_input_depth == p->input_depth) {
        tml_conv_f32_fpu(p, input, weights, bias, output);
        return;
    }
#endif
    tml_conv_f32_ref(p, input, weights, bias, output);
}

#if defined(TML_ARCH_ARM_DSP)
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
#endif

#if defined(TML__CONV_PACKED_ASM)
/* Packed 3x3 depthwise convolution (p->packed, made by the generator for the Cortex-M4 where the fast
 * requantization is exact for every channel; depth multiplier 1, dilation 1, stride across 1 or 2).
 * The kernel works channel by channel on whole output rows. The three input rows an output row reads
 * are kept, sign-extended to int16 (padding as the zero point, which the folded bias cancels), in a ring of
 * three slots in p->scratch (an input row enters slot row mod 3 once, when first needed), laid out
 * channel-major so that one word holds two horizontally adjacent values of one channel:
 *
 *     ring[((channel * J + j) * 3 + slot)]  =  (x[2j], x[2j + 1])      (padded columns 2j, 2j + 1)
 *
 * Two output pixels of a filter row then take two such words w0 = (x0, x1), w1 = (x2, x3) and the
 * filter row's pairs P = (f0, f1), R = (f1, f2): stride 1, A = SMLAD(w0, P) + SMLABT(w1, R) and
 * B = SMLATB(w0, P) + SMLAD(w1, R); stride 2, with w2 = (x4, x5), A as before and B = SMLAD(w1, P) +
 * SMLABT(w2, R). 18 MACs in 12 multiplies and 6 (stride 1) or 9 loads. A channel's accumulators go to
 * a row of int32 in scratch after the ring, then are requantized into the output (one byte every
 * output_depth bytes). The stream: the geometry (tml__conv_geometry, 16 words, zero_point the input's),
 * then per channel seven words: the filter rows as bytes (f0, f1, f1, f2) (SXTB16 gives P, SXTB16 ROR 8
 * gives R), the folded bias, the multiplier, c and r (tml_requant_fast). */
typedef struct {
    int32_t channels, pairs;  /* channels; output pixel pairs per row */
    int32_t ring_step;        /* bytes from one channel's ring words to the next one's (J * 12) */
    int32_t out_step;         /* bytes from one output pixel to the next (output_depth) */
    int32_t rot[3];           /* byte offset in a channel's block of the filter row slot 0, 1, 2 holds */
    int32_t stride2;          /* 1: stride 2 across */
    int32_t *acc;             /* pairs * 2 accumulators */
    int32_t width;            /* output pixels per row */
} tml__dw3_row_args;

/* One output row: every channel of the stream by the ring (above). */
__attribute__((naked, unused, aligned(4))) static void tml__dw3_row_m4(const int32_t *chans TML_UNUSED,
                                                                       const uint32_t *ring TML_UNUSED,
                                                                       int8_t *out TML_UNUSED,
                                                                       const tml__dw3_row_args *a TML_UNUSED)
{
    __asm__ volatile(
        ".syntax unified\n\t"
        "push {r4-r11, lr}\n\t"
        "ldr r12, [r3]\n\t"
        "push {r0-r3, r12}\n\t" /* channel block, ring, out, args, channels left */
        "1:\n\t"
        "ldr r3, [sp, #12]\n\t"
        "ldr r0, [sp]\n\t"
        "ldr r12, [r3, #16]\n\t" /* each slot's filter row: P in r4, r6, r8; R in r5, r7, r9 */
        "ldr r12, [r0, r12]\n\t"
        "sxtb16 r4, r12\n\t"
        "sxtb16 r5, r12, ror #8\n\t"
        "ldr r12, [r3, #20]\n\t"
        "ldr r12, [r0, r12]\n\t"
        "sxtb16 r6, r12\n\t"
        "sxtb16 r7, r12, ror #8\n\t"
        "ldr r12, [r3, #24]\n\t"
        "ldr r12, [r0, r12]\n\t"
        "sxtb16 r8, r12\n\t"
        "sxtb16 r9, r12, ror #8\n\t"
        "ldr r0, [r0, #12]\n\t" /* bias */
        "ldr r1, [sp, #4]\n\t"
        "ldr r2, [r3, #32]\n\t"
        "ldr r12, [r3, #28]\n\t"
        "ldr r3, [r3, #4]\n\t" /* pairs */
        "cmp r12, #0\n\t"
        "bne 3f\n\t"
        ".balign 4\n\t"
        "2:\n\t" /* stride 1: A in r10, B in r11 */
        "ldr r12, [r1, #0]\n\t"
        "ldr lr, [r1, #12]\n\t"
        "smlad r10, r12, r4, r0\n\t"
        "smlatb r11, r12, r4, r0\n\t"
        "smlabt r10, lr, r5, r10\n\t"
        "smlad r11, lr, r5, r11\n\t"
        "ldr r12, [r1, #4]\n\t"
        "ldr lr, [r1, #16]\n\t"
        "smlad r10, r12, r6, r10\n\t"
        "smlatb r11, r12, r6, r11\n\t"
        "smlabt r10, lr, r7, r10\n\t"
        "smlad r11, lr, r7, r11\n\t"
        "ldr r12, [r1, #8]\n\t"
        "ldr lr, [r1, #20]\n\t"
        "smlad r10, r12, r8, r10\n\t"
        "smlatb r11, r12, r8, r11\n\t"
        "smlabt r10, lr, r9, r10\n\t"
        "smlad r11, lr, r9, r11\n\t"
        "add r1, r1, #12\n\t"
        "stmia r2!, {r10, r11}\n\t"
        "subs r3, r3, #1\n\t"
        "bne 2b\n\t"
        "b 4f\n\t"
        ".balign 4\n\t"
        "3:\n\t" /* stride 2 */
        "ldr r12, [r1, #0]\n\t"
        "ldr lr, [r1, #12]\n\t"
        "smlad r10, r12, r4, r0\n\t"
        "smlabt r10, lr, r5, r10\n\t"
        "smlad r11, lr, r4, r0\n\t"
        "ldr r12, [r1, #24]\n\t"
        "smlabt r11, r12, r5, r11\n\t"
        "ldr r12, [r1, #4]\n\t"
        "ldr lr, [r1, #16]\n\t"
        "smlad r10, r12, r6, r10\n\t"
        "smlabt r10, lr, r7, r10\n\t"
        "smlad r11, lr, r6, r11\n\t"
        "ldr r12, [r1, #28]\n\t"
        "smlabt r11, r12, r7, r11\n\t"
        "ldr r12, [r1, #8]\n\t"
        "ldr lr, [r1, #20]\n\t"
        "smlad r10, r12, r8, r10\n\t"
        "smlabt r10, lr, r9, r10\n\t"
        "smlad r11, lr, r8, r11\n\t"
        "ldr r12, [r1, #32]\n\t"
        "smlabt r11, r12, r9, r11\n\t"
        "add r1, r1, #24\n\t"
        "stmia r2!, {r10, r11}\n\t"
        "subs r3, r3, #1\n\t"
        "bne 3b\n\t"
        "4:\n\t" /* the channel's accumulators requantized into the output row */
        "ldr r0, [sp]\n\t"
        "ldr r3, [sp, #12]\n\t"
        "add r12, r0, #16\n\t"
        "ldmia r12, {r4-r6}\n\t" /* multiplier, c, r */
        "ldr r2, [r3, #32]\n\t"
        "ldr r1, [r3, #36]\n\t"
        "ldr r7, [r3, #12]\n\t"
        "ldr r8, [sp, #8]\n\t"
        "subs r1, r1, #2\n\t"
        "blt 6f\n\t"
        "5:\n\t"
        "ldrd r10, r11, [r2], #8\n\t"
        TML__ASM_REQUANT("r10", "r12", "lr", "r4", "r5", "r6")
        TML__ASM_REQUANT("r11", "r12", "lr", "r4", "r5", "r6")
        "strb r10, [r8]\n\t"
        "strb r11, [r8, r7]\n\t"
        "add r8, r8, r7, lsl #1\n\t"
        "subs r1, r1, #2\n\t"
        "bge 5b\n\t"
        "6:\n\t"
        "adds r1, r1, #2\n\t" /* 0 or 1 pixel left */
        "beq 7f\n\t"
        "ldr r10, [r2]\n\t"
        TML__ASM_REQUANT("r10", "r12", "lr", "r4", "r5", "r6")
        "strb r10, [r8]\n\t"
        "7:\n\t" /* next channel */
        "ldmia sp, {r0-r2}\n\t"
        "ldr r12, [r3, #8]\n\t"
        "add r0, r0, #28\n\t"
        "add r1, r1, r12\n\t"
        "add r2, r2, #1\n\t"
        "stmia sp, {r0-r2}\n\t"
        "ldr r12, [sp, #16]\n\t"
        "subs r12, r12, #1\n\t"
        "str r12, [sp, #16]\n\t"
        "bne 1b\n\t"
        "add sp, #20\n\t"
        "pop {r4-r11, pc}\n\t");
}

/* One input column's c values into halves of the ring, `step` halves apart. */
TML_ALWAYS_INLINE void tml__dw3_ring_col(const int8_t *src, int32_t c, int16_t *d, int32_t step)
{
    int32_t ch;
    for (ch = 0; ch + 4 <= c; ch += 4, d += 4 * step) {
        const int32_t v = tml_read_s8x4(src + ch), e = tml_sxtb16(v), o = tml_sxtb16_ror8(v);
        d[0] = (int16_t)e;
        d[step] = (int16_t)o;
        d[2 * step] = (int16_t)(e >> 16);
        d[3 * step] = (int16_t)(o >> 16);
    }
    for (; ch < c; ch++, d += step) {
        *d = src[ch];
    }
}

/* Input row iy (or a row of padding when it lies outside the image) into ring slot s: each value at its
 * padded column q = x + pad_width, for the columns below 2 * j_count; the padding (the ring's initial
 * contents too) is the zero point, which the folded bias cancels as the reference skips padded taps. */
TML_HOT static TML_NOINLINE void tml__dw3_ring_row(const tml__conv_geometry *g, const int8_t *in_b, int32_t iy, int32_t j_count,
                                      uint32_t *ring, int32_t s)
{
    const int32_t c = g->input_depth, step = 3 * j_count; /* words from one channel to the next */
    const uint32_t zero = ((uint32_t)g->zero_point & 0xffffu) * 0x10001u;
    int32_t x, ch;
    if (iy < 0 || iy >= g->input_height) {
        uint32_t *d = ring + s;
        for (x = c * j_count; x > 0; x--, d += 3) {
            *d = zero;
        }
        return;
    }
    {
        const int32_t x_end = tml_clamp_i32(2 * j_count - g->pad_width, 0, g->input_width);
        const int8_t *src = in_b + iy * g->input_width * c;
        x = 0;
        if ((g->pad_width & 1) && x_end > 0) { /* column 0 is the high half of its word */
            tml__dw3_ring_col(src, c, (int16_t *)(ring + (g->pad_width >> 1) * 3 + s) + 1, 2 * step);
            x = 1;
        }
        for (; x + 1 < x_end; x += 2) { /* two columns of each channel in one word */
            const int8_t *a = src + x * c, *b = a + c;
            uint32_t *d = ring + ((x + g->pad_width) >> 1) * 3 + s;
            for (ch = 0; ch + 4 <= c; ch += 4, d += 4 * step) {
                const uint32_t va = (uint32_t)tml_read_s8x4(a + ch), vb = (uint32_t)tml_read_s8x4(b + ch);
                const uint32_t ea = (uint32_t)tml_sxtb16(va), eb = (uint32_t)tml_sxtb16(vb);
                const uint32_t oa = (uint32_t)tml_sxtb16_ror8(va), ob = (uint32_t)tml_sxtb16_ror8(vb);
                d[0] = tml_pack_lo16(ea, eb);
                d[step] = tml_pack_lo16(oa, ob);
                d[2 * step] = tml_pack_hi16(ea, eb);
                d[3 * step] = tml_pack_hi16(oa, ob);
            }
            for (; ch < c; ch++, d += step) {
                *d = ((uint32_t)a[ch] & 0xffffu) | ((uint32_t)b[ch] << 16);
            }
        }
        if (x < x_end) { /* a last column in the low half of its word */
            tml__dw3_ring_col(src + x * c, c, (int16_t *)(ring + ((x + g->pad_width) >> 1) * 3 + s), 2 * step);
        }
    }
}

/* A packed stream (above): the ring filled as rows are needed, then tml__dw3_row_m4 per output row.
 * Takes the stream, not the params, so that the image keeps no pointer to the constants it replaces;
 * input_height, output_height and pad_height from the call (a band of rows when fused with a pool). */
TML_HOT static TML_NOINLINE void tml__dw3_s8_packed_m4(const int32_t *stream, void *scratch, int32_t input_height,
                                                      int32_t output_height, int32_t pad_height,
                                                      const int8_t *input, int8_t *output)
{
    tml__conv_geometry g;
    tml__dw3_row_args a;
    memcpy(&g, stream, sizeof g);
    g.input_height = input_height;
    g.output_height = output_height;
    g.pad_height = pad_height;
    {
        const int32_t c = g.input_depth, pairs = (g.output_width + 1) / 2;
        const int32_t j_count = g.stride_width == 2 ? 2 * pairs + 1 : pairs + 1;
        uint32_t *const ring = (uint32_t *)scratch;
        int32_t b, oy, fy, held[3];
        a.channels = c;
        a.pairs = pairs;
        a.ring_step = j_count * 12;
        a.out_step = c;
        a.stride2 = g.stride_width == 2;
        a.acc = (int32_t *)(ring + 3 * c * j_count);
        a.width = g.output_width;
        { /* the padding columns keep the zero point */
            const uint32_t zero = ((uint32_t)g.zero_point & 0xffffu) * 0x10001u;
            int32_t k;
            for (k = 0; k < 3 * c * j_count; k++) {
                ring[k] = zero;
            }
        }
        for (b = 0; b < g.batches; b++) {
            const int8_t *in_b = input + b * g.input_height * g.input_width * c;
            int8_t *out_b = output + b * g.output_height * g.output_width * c;
            held[0] = held[1] = held[2] = INT32_MIN;
            for (oy = 0; oy < g.output_height; oy++, out_b += g.output_width * c) {
                const int32_t iy0 = oy * g.stride_height - g.pad_height;
                for (fy = 0; fy < 3; fy++) {
                    const int32_t iy = iy0 + fy, s = ((iy % 3) + 3) % 3;
                    if (held[s] != iy) {
                        tml__dw3_ring_row(&g, in_b, iy, j_count, ring, s);
                        held[s] = iy;
                    }
                    a.rot[s] = 4 * fy;
                }
                tml__dw3_row_m4(stream + sizeof g / 4, ring, out_b, &a);
            }
        }
    }
}
#endif

#if defined(TML_ARCH_SCALAR)
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
#endif

/* Always inlined: with the params a constant, the compiler keeps only the path taken (and drops the
 * constants a packed stream replaces). */
TML_ALWAYS_INLINE void tml_depthwise_conv_s8(const tml_depthwise_conv_s8_params *p, const int8_t *input,
                                         const int8_t *weights, const int32_t *bias, int8_t *output)
{
#if defined(TML__CONV_PACKED_ASM)
    if (p->packed) {
        tml__dw3_s8_packed_m4(p->packed, p->scratch, p->input_height, p->output_height, p->pad_height, input,
                              output);
        return;
    }
#endif
#if defined(TML_ARCH_ARM_DSP)
    if (p->folded_bias) {
        tml_depthwise_conv_s8_dsp(p, input, weights, bias, output);
        return;
    }
#elif defined(TML_ARCH_SCALAR)
    if (p->folded_bias && p->filter_height * p->filter_width <= TML_SCALAR_TAPS) {
        tml_depthwise_conv_s8_scalar(p, input, weights, bias, output);
        return;
    }
#endif
    tml_depthwise_conv_s8_ref(p, input, weights, bias, output);
}

static inline void tml_depthwise_conv_f32(const tml_depthwise_conv_f32_params *p, const float *input,
                                          const float *weights, const float *bias, float *output)
{
#if defined(TML_ARCH_ARM_FPU)
    tml_depthwise_conv_f32_fpu(p, input, weights, bias, output);
#else
    tml_depthwise_conv_f32_ref(p, input, weights, bias, output);
#endif
}

/* ------------------------------------------------------------ int16x8 (reference only)
 * int16 input and output (zero point 0), int8 symmetric weights, bias int64 (acc64 = 1) or int32
 * (acc64 = 0) or NULL. The sums are exact in 64 bits; requantization is TFLM's for that bias type. */

/* The int8 parameter blocks, with input_offset 0, output_offset 0 and no folded bias. */
typedef tml_conv_s8_params tml_conv_s16_params;
typedef tml_depthwise_conv_s8_params tml_depthwise_conv_s16_params;

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

#endif /* TINYML_OPS_CONV_H */
