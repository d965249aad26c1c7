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
 * SMUAD each over a pair (a, b) taken from four channels' bytes by PKHBT/PKHTB and SXTB16. Given scratch
 * (the generator's choice), the t of a whole source row pair are computed once per output row, so
 * each output is then two multiplies.
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

/** Vertical sums of four channels: t[k] = a[k] (1024 - wy) + b[k] wy for the four bytes of A (lower row)
 *  and B (upper row). PKHBT / PKHTB put a's and b's bytes k and k + 1 side by side, SXTB16 (and its
 *  ROR #8 form) makes the pairs (a[k], b[k]), one SMUAD each with wyy = (1024 - wy, wy). */
#define TML__BILINEAR_T4(A, B, wyy, t0, t1, t2, t3)                                                          \
    do {                                                                                                   \
        const int32_t lo_ = (int32_t)tml_pack_lo16((uint32_t)(A), (uint32_t)(B));                          \
        const int32_t hi_ = (int32_t)tml_pack_hi16((uint32_t)(A), (uint32_t)(B));                          \
        t0 = tml__smuad(tml_sxtb16(lo_), wyy);                                                             \
        t1 = tml__smuad(tml_sxtb16_ror8(lo_), wyy);                                                        \
        t2 = tml__smuad(tml_sxtb16(hi_), wyy);                                                             \
        t3 = tml__smuad(tml_sxtb16_ror8(hi_), wyy);                                                        \
    } while (0)

/** Four rounded outputs, (1024 - wx) t + wx u per channel, as one little-endian word. */
TML_ALWAYS_INLINE uint32_t tml__bilinear_word(int32_t t0, int32_t t1, int32_t t2, int32_t t3, int32_t u0, int32_t u1,
                                              int32_t u2, int32_t u3, int32_t wx0, int32_t wx)
{
    return ((uint32_t)tml__bilinear_round(wx0 * t0 + wx * u0) & 0xFFu) |
           (((uint32_t)tml__bilinear_round(wx0 * t1 + wx * u1) & 0xFFu) << 8) |
           (((uint32_t)tml__bilinear_round(wx0 * t2 + wx * u2) & 0xFFu) << 16) |
           ((uint32_t)tml__bilinear_round(wx0 * t3 + wx * u3) << 24);
}

/** The vertical sums of a whole row pair into v[n] (int32). */
TML_HOT static inline void tml__bilinear_rows_s8(const int8_t *r0, const int8_t *r1, int32_t wy, int32_t n, int32_t *v)
{
    const int32_t wyy = (int32_t)(((uint32_t)(1024 - wy) & 0xFFFFu) | ((uint32_t)wy << 16));
    const int8_t *end4 = r0 + (n & ~3), *end = r0 + n;
    while (r0 < end4) {
        int32_t t0, t1, t2, t3;
        TML__BILINEAR_T4(tml_read_s8x4(r0), tml_read_s8x4(r1), wyy, t0, t1, t2, t3);
        v[0] = t0;
        v[1] = t1;
        v[2] = t2;
        v[3] = t3;
        v += 4;
        r0 += 4;
        r1 += 4;
    }
    while (r0 < end) {
        *v++ = *r0++ * (1024 - wy) + *r1++ * wy;
    }
}

/** With scratch (a row of in_w * depth int32): the vertical sums of each output row's two source rows
 *  once, then two multiplies per output; without: the sums per output from the four sources. */
TML_HOT static inline void tml__resize_bilinear_s8_dsp(const tml_resize_bilinear_s8_params *p, const int8_t *input,
                                                       int8_t *output, void *scratch)
{
    const int32_t oh = p->out_h, ow = p->out_w, depth = p->depth, depth4 = depth & ~3;
    const size_t row = (size_t)p->in_w * (size_t)depth;
    const int32_t *xt = p->x_tab;
    int32_t *vrow = (int32_t *)scratch;
    int32_t n, y, x, c;
    for (n = 0; n < p->batches; n++) {
        const int8_t *in = input + (size_t)n * (size_t)p->in_h * row;
        for (y = 0; y < oh; y++) {
            const int8_t *r0 = in + (size_t)p->y_tab[y] * row, *r1 = in + (size_t)p->y_tab[oh + y] * row;
            const int32_t wy = p->y_tab[2 * oh + y];
            /* (1024 - wy) in the low half, wy in the high half */
            const int32_t wyy = (int32_t)(((uint32_t)(1024 - wy) & 0xFFFFu) | ((uint32_t)wy << 16));
            if (vrow) {
                if (y == 0 || p->y_tab[y] != p->y_tab[y - 1] || p->y_tab[oh + y] != p->y_tab[oh + y - 1] ||
                    wy != p->y_tab[2 * oh + y - 1]) {
                    tml__bilinear_rows_s8(r0, r1, wy, (int32_t)row, vrow);
                }
                for (x = 0; x < ow; x++) {
                    const int32_t *v0 = vrow + xt[x] * depth, *v1 = vrow + xt[ow + x] * depth;
                    const int32_t wx = xt[2 * ow + x], wx0 = 1024 - wx;
                    for (c = 0; c < depth4; c += 4) {
                        const uint32_t w = tml__bilinear_word(v0[c], v0[c + 1], v0[c + 2], v0[c + 3], v1[c],
                                                              v1[c + 1], v1[c + 2], v1[c + 3], wx0, wx);
                        memcpy(output, &w, 4);
                        output += 4;
                    }
                    for (; c < depth; c++) {
                        *output++ = (int8_t)tml__bilinear_round(wx0 * v0[c] + wx * v1[c]);
                    }
                }
                continue;
            }
            for (x = 0; x < ow; x++) {
                const int8_t *a = r0 + xt[x] * depth, *b = r1 + xt[x] * depth, *end4 = a + depth4;
                const int32_t dx = (xt[ow + x] - xt[x]) * depth; /* lower column to upper column */
                const int32_t wx = xt[2 * ow + x], wx0 = 1024 - wx;
                while (a < end4) {
                    int32_t t0, t1, t2, t3, u0, u1, u2, u3;
                    uint32_t w;
                    TML__BILINEAR_T4(tml_read_s8x4(a), tml_read_s8x4(b), wyy, t0, t1, t2, t3);
                    TML__BILINEAR_T4(tml_read_s8x4(a + dx), tml_read_s8x4(b + dx), wyy, u0, u1, u2, u3);
                    w = tml__bilinear_word(t0, t1, t2, t3, u0, u1, u2, u3, wx0, wx);
                    memcpy(output, &w, 4);
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
