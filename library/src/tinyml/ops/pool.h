/*
 * AVERAGE_POOL_2D and MAX_POOL_2D.
 *
 * Layouts: input [batches, input_height, input_width, depth], output [batches,
 * output_height, output_width, depth] (NHWC). Output pixel (oy, ox) pools the window of
 * filter_height x filter_width input pixels starting at (oy * stride_height - pad_height,
 * ox * stride_width - pad_width), clipped to the image (padded taps are not counted).
 * pad_height / pad_width are TFLite's leading paddings, computed at generation time.
 *
 * int8 and int16: input and output share scale and zero point (as TFLM requires). Average pool sums
 * the raw values and divides by the number of taps rounding half away from zero, as TFLM's
 * reference kernel does; then clamps to [act_min, act_max]. Max pool clamps the maximum.
 * float32: mean or maximum, clamped to [act_min, act_max].
 */
#ifndef TINYML_OPS_POOL_H
#define TINYML_OPS_POOL_H

#include "../tml_common.h"

typedef struct {
    int32_t batches;
    int32_t input_height;
    int32_t input_width;
    int32_t depth;
    int32_t output_height;
    int32_t output_width;
    int32_t filter_height;
    int32_t filter_width;
    int32_t stride_height;
    int32_t stride_width;
    int32_t pad_height;
    int32_t pad_width;
    int32_t act_min;
    int32_t act_max;
} tml_pool_s8_params;

typedef struct {
    int32_t batches;
    int32_t input_height;
    int32_t input_width;
    int32_t depth;
    int32_t output_height;
    int32_t output_width;
    int32_t filter_height;
    int32_t filter_width;
    int32_t stride_height;
    int32_t stride_width;
    int32_t pad_height;
    int32_t pad_width;
    float act_min;
    float act_max;
} tml_pool_f32_params;

/* The clipped window of one output pixel: rows [*y0, *y1), columns [*x0, *x1) of the filter. */
static inline void tml_pool_window_(int32_t origin_y, int32_t origin_x, int32_t filter_height, int32_t filter_width,
                                    int32_t input_height, int32_t input_width, int32_t *y0, int32_t *y1,
                                    int32_t *x0, int32_t *x1)
{
    *y0 = origin_y < 0 ? -origin_y : 0;
    *y1 = input_height - origin_y < filter_height ? input_height - origin_y : filter_height;
    *x0 = origin_x < 0 ? -origin_x : 0;
    *x1 = input_width - origin_x < filter_width ? input_width - origin_x : filter_width;
}

/* The integer pools: one loop for int8 and int16 (wide = 0 / 1, a constant once inlined). */
TML_ALWAYS_INLINE int32_t tml__pool_load(const void *base, int32_t i, int wide)
{
    return wide ? ((const int16_t *)base)[i] : ((const int8_t *)base)[i];
}

TML_ALWAYS_INLINE void tml__pool_store(void *base, int32_t i, int32_t v, int wide)
{
    if (wide) {
        ((int16_t *)base)[i] = (int16_t)v;
    } else {
        ((int8_t *)base)[i] = (int8_t)v;
    }
}

TML_ALWAYS_INLINE void tml__pool_int(const tml_pool_s8_params *p, const void *input, void *output, int wide,
                                     int average)
{
    const int32_t lowest = wide ? -32768 : -128;
    int32_t b, oy, ox, c, fy, fx;
    for (b = 0; b < p->batches; b++) {
        const int32_t in_b = b * p->input_height * p->input_width * p->depth;
        for (oy = 0; oy < p->output_height; oy++) {
            const int32_t iy0 = oy * p->stride_height - p->pad_height;
            for (ox = 0; ox < p->output_width; ox++) {
                const int32_t ix0 = ox * p->stride_width - p->pad_width;
                const int32_t out = ((b * p->output_height + oy) * p->output_width + ox) * p->depth;
                int32_t y0, y1, x0, x1, count;
                tml_pool_window_(iy0, ix0, p->filter_height, p->filter_width, p->input_height, p->input_width,
                                 &y0, &y1, &x0, &x1);
                count = (y1 > y0 && x1 > x0) ? (y1 - y0) * (x1 - x0) : 0;
                for (c = 0; c < p->depth; c++) {
                    int32_t acc = average ? 0 : lowest;
                    for (fy = y0; fy < y1; fy++) {
                        for (fx = x0; fx < x1; fx++) {
                            const int32_t v =
                                tml__pool_load(input, in_b + ((iy0 + fy) * p->input_width + ix0 + fx) * p->depth + c,
                                               wide);
                            acc = average ? acc + v : (v > acc ? v : acc);
                        }
                    }
                    if (average && count > 0) {
                        /* round half away from zero, with C's truncating division */
                        acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
                    }
                    tml__pool_store(output, out + c, tml_clamp_i32(acc, p->act_min, p->act_max), wide);
                }
            }
        }
    }
}

static inline void tml_average_pool_s8_ref(const tml_pool_s8_params *p, const int8_t *input, int8_t *output)
{
    tml__pool_int(p, input, output, 0, 1);
}

static inline void tml_max_pool_s8_ref(const tml_pool_s8_params *p, const int8_t *input, int8_t *output)
{
    tml__pool_int(p, input, output, 0, 0);
}

/* int16: the same arithmetic on 16-bit values (TFLM's int16 pooling). */
typedef tml_pool_s8_params tml_pool_s16_params;

static inline void tml_average_pool_s16(const tml_pool_s16_params *p, const int16_t *input, int16_t *output)
{
    tml__pool_int(p, input, output, 1, 1);
}

static inline void tml_max_pool_s16(const tml_pool_s16_params *p, const int16_t *input, int16_t *output)
{
    tml__pool_int(p, input, output, 1, 0);
}

static inline void tml_average_pool_f32_ref(const tml_pool_f32_params *p, const float *input, float *output)
{
    int32_t b, oy, ox, c, fy, fx;
    for (b = 0; b < p->batches; b++) {
        const float *in_b = input + b * p->input_height * p->input_width * p->depth;
        for (oy = 0; oy < p->output_height; oy++) {
            const int32_t iy0 = oy * p->stride_height - p->pad_height;
            for (ox = 0; ox < p->output_width; ox++) {
                const int32_t ix0 = ox * p->stride_width - p->pad_width;
                float *out = output + ((b * p->output_height + oy) * p->output_width + ox) * p->depth;
                int32_t y0, y1, x0, x1, count;
                tml_pool_window_(iy0, ix0, p->filter_height, p->filter_width, p->input_height, p->input_width,
                                 &y0, &y1, &x0, &x1);
                count = (y1 > y0 && x1 > x0) ? (y1 - y0) * (x1 - x0) : 0;
                for (c = 0; c < p->depth; c++) {
                    float acc = 0.0f;
                    for (fy = y0; fy < y1; fy++) {
                        for (fx = x0; fx < x1; fx++) {
                            acc += in_b[((iy0 + fy) * p->input_width + ix0 + fx) * p->depth + c];
                        }
                    }
                    out[c] = tml_clamp_f32(count > 0 ? acc / (float)count : 0.0f, p->act_min, p->act_max);
                }
            }
        }
    }
}

static inline void tml_max_pool_f32_ref(const tml_pool_f32_params *p, const float *input, float *output)
{
    int32_t b, oy, ox, c, fy, fx;
    for (b = 0; b < p->batches; b++) {
        const float *in_b = input + b * p->input_height * p->input_width * p->depth;
        for (oy = 0; oy < p->output_height; oy++) {
            const int32_t iy0 = oy * p->stride_height - p->pad_height;
            for (ox = 0; ox < p->output_width; ox++) {
                const int32_t ix0 = ox * p->stride_width - p->pad_width;
                float *out = output + ((b * p->output_height + oy) * p->output_width + ox) * p->depth;
                int32_t y0, y1, x0, x1;
                tml_pool_window_(iy0, ix0, p->filter_height, p->filter_width, p->input_height, p->input_width,
                                 &y0, &y1, &x0, &x1);
                for (c = 0; c < p->depth; c++) {
                    float mx = -3.40282347e+38f; /* lowest float */
                    for (fy = y0; fy < y1; fy++) {
                        for (fx = x0; fx < x1; fx++) {
                            const float v = in_b[((iy0 + fy) * p->input_width + ix0 + fx) * p->depth + c];
                            mx = v > mx ? v : mx;
                        }
                    }
                    out[c] = tml_clamp_f32(mx, p->act_min, p->act_max);
                }
            }
        }
    }
}

#if defined(TML_ARCH_ARM_DSP)
/* Armv7E-M: four channels per word. Max: SSUB8 sets a GE flag per byte, SEL picks per byte (two
 * instructions for four maxima, clamps the same way). Average: SXTAB16 adds the even and the odd bytes
 * into two int16 lanes each (exact for windows of up to 256 taps), then each sum is divided as the
 * reference divides it, by a multiply with ceil(2^31 / count) and a shift by 31: for |sum| + count / 2
 * < 2^16 and count <= 256 that is the exact quotient (the error stays below 1 / count). Pixels one at a time, in order (as the reference writes them);
 * channels past the last multiple of 4 as the reference does them. */

/* max (lanes of a, b) per signed byte, and min */
TML_ALWAYS_INLINE int32_t tml__max_s8x4(int32_t a, int32_t b)
{
    int32_t r;
    __asm__("ssub8 %0, %1, %2\n\tsel %0, %1, %2" : "=&r"(r) : "r"(a), "r"(b) : "cc");
    return r;
}

TML_ALWAYS_INLINE int32_t tml__min_s8x4(int32_t a, int32_t b)
{
    int32_t r;
    __asm__("ssub8 %0, %1, %2\n\tsel %0, %2, %1" : "=&r"(r) : "r"(a), "r"(b) : "cc");
    return r;
}

TML_ALWAYS_INLINE int32_t tml__bytes4(int32_t v)
{
    return (int32_t)((uint32_t)(v & 0xff) * 0x01010101u);
}

/* The reference's rounding division (half away from zero) of s by count, with m = ceil(2^31 / count). */
TML_ALWAYS_INLINE int32_t tml__avg_div(int32_t s, int32_t half, uint32_t m)
{
    const uint32_t a = (uint32_t)(s < 0 ? -s : s) + (uint32_t)half;
    const int32_t q = (int32_t)(((uint64_t)a * m) >> 31);
    return s < 0 ? -q : q;
}

TML_ALWAYS_INLINE void tml__pool_s8_dsp(const tml_pool_s8_params *p, const int8_t *input, int8_t *output,
                                         int average)
{
    const int32_t depth = p->depth, d4 = depth & ~3, lo = p->act_min, hi = p->act_max;
    const int32_t lo4 = tml__bytes4(lo), hi4 = tml__bytes4(hi);
    const int32_t row = p->input_width * depth;
    int32_t b, oy, ox, c, fy, fx, last = 0;
    uint32_t m = 0;
    for (b = 0; b < p->batches; b++) {
        const int8_t *in_b = input + b * p->input_height * row;
        for (oy = 0; oy < p->output_height; oy++) {
            const int32_t iy0 = oy * p->stride_height - p->pad_height;
            for (ox = 0; ox < p->output_width; ox++, output += depth) {
                const int32_t ix0 = ox * p->stride_width - p->pad_width;
                int32_t y0, y1, x0, x1, count, half;
                const int8_t *win;
                tml_pool_window_(iy0, ix0, p->filter_height, p->filter_width, p->input_height, p->input_width,
                                 &y0, &y1, &x0, &x1);
                count = (y1 > y0 && x1 > x0) ? (y1 - y0) * (x1 - x0) : 0;
                if (count == 0) { /* no tap: the reference's empty maximum or zero sum, clamped */
                    for (c = 0; c < depth; c++) output[c] = (int8_t)tml_clamp_i32(average ? 0 : -128, lo, hi);
                    continue;
                }
                win = in_b + (iy0 + y0) * row + (ix0 + x0) * depth;
                half = count / 2;
                if (average && count != last) { /* the divisor changes at the borders only */
                    m = (uint32_t)(0x7fffffffu / (uint32_t)count) + 1u;
                    last = count;
                }
                for (c = 0; c < d4; c += 4) {
                    const int8_t *r = win + c;
                    int32_t v;
                    if (average) {
                        int32_t even = 0, odd = 0;
                        for (fy = y0; fy < y1; fy++, r += row) {
                            for (fx = 0; fx < x1 - x0; fx++) {
                                const int32_t w = tml_read_s8x4(r + fx * depth);
                                even = tml_sxtab16(even, w);
                                odd = tml_sxtab16(odd, (int32_t)(((uint32_t)w >> 8) | ((uint32_t)w << 24)));
                            }
                        }
                        v = tml_clamp_i32(tml__avg_div((int16_t)even, half, m), lo, hi) & 0xff;
                        v |= (tml_clamp_i32(tml__avg_div((int16_t)odd, half, m), lo, hi) & 0xff) << 8;
                        v |= (tml_clamp_i32(tml__avg_div(even >> 16, half, m), lo, hi) & 0xff) << 16;
                        v |= (int32_t)((uint32_t)tml_clamp_i32(tml__avg_div(odd >> 16, half, m), lo, hi) << 24);
                    } else {
                        v = tml_read_s8x4(r);
                        for (fy = y0; fy < y1; fy++, r += row) {
                            for (fx = 0; fx < x1 - x0; fx++) {
                                v = tml__max_s8x4(v, tml_read_s8x4(r + fx * depth));
                            }
                        }
                        v = tml__min_s8x4(tml__max_s8x4(v, lo4), hi4);
                    }
                    memcpy(output + c, &v, 4);
                }
                for (; c < depth; c++) {
                    const int8_t *r = win + c;
                    int32_t acc = average ? 0 : -128;
                    for (fy = y0; fy < y1; fy++, r += row) {
                        for (fx = 0; fx < x1 - x0; fx++) {
                            const int32_t v = r[fx * depth];
                            acc = average ? acc + v : (v > acc ? v : acc);
                        }
                    }
                    output[c] = (int8_t)tml_clamp_i32(average ? tml__avg_div(acc, half, m) : acc, lo, hi);
                }
            }
        }
    }
}

TML_HOT TML_NOINLINE static void tml__average_pool_s8_dsp(const tml_pool_s8_params *p, const int8_t *input,
                                                          int8_t *output)
{
    tml__pool_s8_dsp(p, input, output, 1);
}

TML_HOT TML_NOINLINE static void tml__max_pool_s8_dsp(const tml_pool_s8_params *p, const int8_t *input,
                                                      int8_t *output)
{
    tml__pool_s8_dsp(p, input, output, 0);
}
#endif

/* Dispatch. The Armv7E-M average pool needs windows of at most 256 taps (int16 lane sums). */
static inline void tml_average_pool_s8(const tml_pool_s8_params *p, const int8_t *input, int8_t *output)
{
#if defined(TML_ARCH_ARM_DSP)
    if (p->filter_height * p->filter_width <= 256) {
        tml__average_pool_s8_dsp(p, input, output);
        return;
    }
#endif
    tml_average_pool_s8_ref(p, input, output);
}

static inline void tml_max_pool_s8(const tml_pool_s8_params *p, const int8_t *input, int8_t *output)
{
#if defined(TML_ARCH_ARM_DSP)
    tml__max_pool_s8_dsp(p, input, output);
#else
    tml_max_pool_s8_ref(p, input, output);
#endif
}

static inline void tml_average_pool_f32(const tml_pool_f32_params *p, const float *input, float *output)
{
    tml_average_pool_f32_ref(p, input, output);
}

#if defined(TML_ARCH_ARM_FPU)
/* FPU: the reference's comparisons in its order (v > mx, from -FLT_MAX: NaN and -inf never win, -0.0
 * and +0.0 keep the first), eight channels at a time in registers while the window's taps stream by
 * (pointer steps instead of an index per tap); the clamp as tml__clamp_f32_fpu does it. */
TML_ALWAYS_INLINE float tml__max_f32_fpu(float mx, float v)
{
    __asm__("vcmp.f32 %1, %0\n\t"
            "vmrs APSR_nzcv, fpscr\n\t"
            "it gt\n\t"
            "vmovgt.f32 %0, %1"
            : "+t"(mx)
            : "t"(v)
            : "cc");
    return mx;
}

TML_HOT_FLOAT TML_NOINLINE static void tml__max_pool_f32_fpu(const tml_pool_f32_params *p, const float *input,
                                                             float *output)
{
    TML_FP_EXACT
    const int32_t depth = p->depth, row = p->input_width * depth;
    const float lo = p->act_min, hi = p->act_max;
    int32_t b, oy, ox, c, fy, fx, k;
    for (b = 0; b < p->batches; b++) {
        const float *in_b = input + b * p->input_height * row;
        for (oy = 0; oy < p->output_height; oy++) {
            const int32_t iy0 = oy * p->stride_height - p->pad_height;
            for (ox = 0; ox < p->output_width; ox++, output += depth) {
                const int32_t ix0 = ox * p->stride_width - p->pad_width;
                int32_t y0, y1, x0, x1;
                const float *win;
                tml_pool_window_(iy0, ix0, p->filter_height, p->filter_width, p->input_height, p->input_width,
                                 &y0, &y1, &x0, &x1);
                win = in_b + (iy0 + y0) * row + (ix0 + x0) * depth;
                for (c = 0; c < depth; c += 8) {
                    const int32_t n = depth - c < 8 ? depth - c : 8;
                    float mx[8];
                    for (k = 0; k < 8; k++) mx[k] = -3.40282347e+38f;
                    for (fy = y0; fy < y1; fy++) {
                        const float *r = win + (fy - y0) * row + c;
                        for (fx = x0; fx < x1; fx++, r += depth) {
                            if (n == 8) {
                                mx[0] = tml__max_f32_fpu(mx[0], r[0]);
                                mx[1] = tml__max_f32_fpu(mx[1], r[1]);
                                mx[2] = tml__max_f32_fpu(mx[2], r[2]);
                                mx[3] = tml__max_f32_fpu(mx[3], r[3]);
                                mx[4] = tml__max_f32_fpu(mx[4], r[4]);
                                mx[5] = tml__max_f32_fpu(mx[5], r[5]);
                                mx[6] = tml__max_f32_fpu(mx[6], r[6]);
                                mx[7] = tml__max_f32_fpu(mx[7], r[7]);
                            } else {
                                for (k = 0; k < n; k++) mx[k] = tml__max_f32_fpu(mx[k], r[k]);
                            }
                        }
                    }
                    for (k = 0; k < n; k++) output[c + k] = tml_clamp_f32(mx[k], lo, hi);
                }
            }
        }
    }
}
#endif

static inline void tml_max_pool_f32(const tml_pool_f32_params *p, const float *input, float *output)
{
#if defined(TML_ARCH_ARM_FPU)
    tml__max_pool_f32_fpu(p, input, output);
#else
    tml_max_pool_f32_ref(p, input, output);
#endif
}

#endif /* TINYML_OPS_POOL_H */
