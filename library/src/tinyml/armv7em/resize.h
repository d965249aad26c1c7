/*
 * Armv7E-M (Cortex-M4/M7/M33 with DSP) kernels of the int8 resizes, bit-exact with ref/resize.h.
 * Included by ops/resize.h when TML_ARCH_ARM_DSP is defined.
 *
 * Nearest neighbour: an output row whose source row is the previous output row's is one copy of
 * that row; otherwise each pixel's run of `depth` bytes is copied: by words, four at a time with
 * LDM/STM, when the tensors are word-aligned and depth is a multiple of 4; else bytes (depth < 8) or
 * memcpy.
 *
 * Bilinear: TFLM's sum a (1024 - wy)(1024 - wx) + b wy (1024 - wx) + c (1024 - wy) wx + d wy wx equals
 * (1024 - wx) t + wx u with t = a (1024 - wy) + b wy and u = c (1024 - wy) + d wy, exactly, in int32
 * (|t|, |u| < 2^18, the sum < 2^30). With the pair (1024 - wy, wy) in one register, t and u are one
 * SMUAD each over a pair (a, b) taken from four channels' bytes by SXTB16 and PKHBT/PKHTB.
 * TFLM's rounding (s + (s > 0 ? 2^19 : -2^19)) / 2^20, truncating, is (s + 2^19 - (s < 0)) >> 20
 * (for s = 0 both are 0), and s < 0 is -(s >> 31).
 */
#ifndef TINYML_ARMV7EM_RESIZE_H
#define TINYML_ARMV7EM_RESIZE_H

/** k words from s to d (word-aligned, not overlapping), 16 bytes (LDM/STM of four registers) a step. */
TML_ALWAYS_INLINE void tml__copy_aligned(uint32_t *d, const uint32_t *s, size_t k)
{
    for (; k >= 4; k -= 4) {
        __asm__ volatile("ldmia %1!, {r4, r5, r6, r8}\n\tstmia %0!, {r4, r5, r6, r8}"
                         : "+r"(d), "+r"(s)
                         :
                         : "r4", "r5", "r6", "r8", "memory");
    }
    while (k--) {
        *d++ = *s++;
    }
}

TML_HOT static inline void tml__resize_nearest_s8_dsp(const tml_resize_nearest_params *p, const int8_t *input,
                                                      int8_t *output)
{
    const int32_t depth = p->depth, ow = p->out_w;
    const size_t row = (size_t)p->in_w * (size_t)depth, out_row = (size_t)ow * (size_t)depth;
    const int32_t *xi = p->x_index;
    /* every run starts on a word boundary: words, else bytes (depth 1) or memcpy */
    const int aligned = ((((uintptr_t)input | (uintptr_t)output) & 3u) | ((uint32_t)depth & 3u)) == 0;
    int32_t n, y, x;
    for (n = 0; n < p->batches; n++) {
        const int8_t *in = input + (size_t)n * (size_t)p->in_h * row;
        for (y = 0; y < p->out_h; y++) {
            const int8_t *src = in + (size_t)p->y_index[y] * row;
            if (y > 0 && p->y_index[y] == p->y_index[y - 1]) {
                if (aligned) {
                    tml__copy_aligned((uint32_t *)(void *)output, (const uint32_t *)(const void *)(output - out_row),
                                      out_row >> 2);
                } else {
                    memcpy(output, output - out_row, out_row);
                }
            } else if (aligned) {
                uint32_t *d = (uint32_t *)(void *)output;
                const size_t words = (size_t)depth >> 2;
                for (x = 0; x < ow; x++) {
                    tml__copy_aligned(d, (const uint32_t *)(const void *)(src + (size_t)xi[x] * (size_t)depth), words);
                    d += words;
                }
            } else if (depth == 1) {
                for (x = 0; x < ow; x++) {
                    output[x] = src[xi[x]];
                }
            } else if (depth < 8) {
                int8_t *d = output;
                for (x = 0; x < ow; x++) {
                    const int8_t *s = src + (size_t)xi[x] * (size_t)depth;
                    int32_t k;
                    for (k = 0; k < depth; k++) {
                        *d++ = s[k];
                    }
                }
            } else {
                for (x = 0; x < ow; x++) {
                    memcpy(output + (size_t)x * (size_t)depth, src + (size_t)xi[x] * (size_t)depth, (size_t)depth);
                }
            }
            output += out_row;
        }
    }
}

/** TFLM's rounding of a bilinear sum to int8 (see the header comment). */
TML_ALWAYS_INLINE int32_t tml__bilinear_round(int32_t s)
{
    return (s + (s >> 31) + (1 << 19)) >> 20;
}

/** SMUAD: a.lo * b.lo + a.hi * b.hi (int16 halves). */
TML_ALWAYS_INLINE int32_t tml__smuad(int32_t a, int32_t b)
{
    int32_t r;
    __asm__("smuad %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    return r;
}

/** Two channels (the int16 lanes of SXTB16) of one output pixel: a, b, c, d hold the lanes of the four
 *  sources, wyy the pair (1024 - wy, wy); returns the low lane's rounded value in bits 0..7 and the high
 *  lane's in bits 16..23. */
TML_ALWAYS_INLINE uint32_t tml__bilinear_pair(int32_t a, int32_t b, int32_t c, int32_t d, int32_t wyy, int32_t wx0,
                                              int32_t wx)
{
    const int32_t lo = wx0 * tml__smuad((int32_t)tml_pack_lo16((uint32_t)a, (uint32_t)b), wyy) +
                       wx * tml__smuad((int32_t)tml_pack_lo16((uint32_t)c, (uint32_t)d), wyy);
    const int32_t hi = wx0 * tml__smuad((int32_t)tml_pack_hi16((uint32_t)a, (uint32_t)b), wyy) +
                       wx * tml__smuad((int32_t)tml_pack_hi16((uint32_t)c, (uint32_t)d), wyy);
    return ((uint32_t)tml__bilinear_round(lo) & 0xFFu) | ((uint32_t)tml__bilinear_round(hi) << 16);
}

TML_HOT static inline void tml__resize_bilinear_s8_dsp(const tml_resize_bilinear_s8_params *p, const int8_t *input,
                                                       int8_t *output)
{
    const int32_t oh = p->out_h, ow = p->out_w, depth = p->depth, depth4 = depth & ~3;
    const size_t row = (size_t)p->in_w * (size_t)depth;
    const int32_t *xt = p->x_tab;
    int32_t n, y, x, c;
    for (n = 0; n < p->batches; n++) {
        const int8_t *in = input + (size_t)n * (size_t)p->in_h * row;
        for (y = 0; y < oh; y++) {
            const int8_t *r0 = in + (size_t)p->y_tab[y] * row, *r1 = in + (size_t)p->y_tab[oh + y] * row;
            const int32_t wy = p->y_tab[2 * oh + y];
            /* (1024 - wy) in the low half, wy in the high half */
            const int32_t wyy = (int32_t)(((uint32_t)(1024 - wy) & 0xFFFFu) | ((uint32_t)wy << 16));
            for (x = 0; x < ow; x++) {
                const int8_t *a = r0 + xt[x] * depth, *b = r1 + xt[x] * depth, *end4 = a + depth4;
                const int32_t dx = (xt[ow + x] - xt[x]) * depth; /* lower column to upper column */
                const int32_t wx = xt[2 * ow + x], wx0 = 1024 - wx;
                while (a < end4) {
                    const int32_t A = tml_read_s8x4(a), B = tml_read_s8x4(b);
                    const int32_t C = tml_read_s8x4(a + dx), D = tml_read_s8x4(b + dx);
                    const uint32_t even = tml__bilinear_pair(tml_sxtb16(A), tml_sxtb16(B), tml_sxtb16(C),
                                                             tml_sxtb16(D), wyy, wx0, wx);
                    const uint32_t odd = tml__bilinear_pair(tml_sxtb16_ror8(A), tml_sxtb16_ror8(B),
                                                            tml_sxtb16_ror8(C), tml_sxtb16_ror8(D), wyy, wx0, wx);
                    const uint32_t v = (even & 0x00FF00FFu) | ((odd & 0x00FF00FFu) << 8);
                    memcpy(output, &v, 4);
                    output += 4;
                    a += 4;
                    b += 4;
                }
                for (c = depth4; c < depth; c++, a++, b++) {
                    const int32_t t = a[0] * (1024 - wy) + b[0] * wy, u = a[dx] * (1024 - wy) + b[dx] * wy;
                    *output++ = (int8_t)tml__bilinear_round(wx0 * t + wx * u);
                }
            }
        }
    }
}

#endif /* TINYML_ARMV7EM_RESIZE_H */
