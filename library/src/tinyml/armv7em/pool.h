/*
 * AVERAGE_POOL_2D and MAX_POOL_2D int8 on Armv7E-M (Cortex-M4/M7/M33 with the DSP extension): four
 * channels per word (SSUB8/SEL, SXTAB16). Included by ops/pool.h when TML_ARCH_ARM_DSP is defined.
 */
#ifndef TINYML_ARMV7EM_POOL_H
#define TINYML_ARMV7EM_POOL_H

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
                            const int8_t *t = r, *const end = r + (x1 - x0) * depth;
                            for (; t + depth < end; t += 2 * depth) { /* two taps a pass */
                                const int32_t w = tml_read_s8x4(t), w2 = tml_read_s8x4(t + depth);
                                even = tml_sxtab16(even, w);
                                odd = tml_sxtab16_ror8(odd, w);
                                even = tml_sxtab16(even, w2);
                                odd = tml_sxtab16_ror8(odd, w2);
                            }
                            if (t < end) {
                                const int32_t w = tml_read_s8x4(t);
                                even = tml_sxtab16(even, w);
                                odd = tml_sxtab16_ror8(odd, w);
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

#endif /* TINYML_ARMV7EM_POOL_H */
