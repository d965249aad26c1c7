/*
 * Armv7E-M (Cortex-M4/M7/M33 with DSP) kernels of the int8 resizes, bit-exact with ref/resize.h.
 * Included by ops/resize.h when TML_ARCH_ARM_DSP is defined.
 *
 * Nearest neighbour: an output row whose source row is the previous output row's is one copy of
 * that row; otherwise each pixel's run of `depth` bytes is copied (a byte, a word or a copy loop).
 *
 * Bilinear: TFLM's sum a (1024 - wy)(1024 - wx) + b wy (1024 - wx) + c (1024 - wy) wx + d wy wx equals
 * (1024 - wx) t + wx u with t = a (1024 - wy) + b wy and u = c (1024 - wy) + d wy, exactly, in int32
 * (|t|, |u| < 2^18, the sum < 2^30). With the pair (1024 - wy, wy) in one register, t and u are one
 * SMUAD each over a pair (a, b) taken from four channels' bytes by SXTB16 and PKHBT/PKHTB.
 * TFLM's rounding (s + (s > 0 ? 2^19 : -2^19)) / 2^20, truncating, is (s + 2^19 - (s <= 0)) >> 20.
 */
#ifndef TINYML_ARMV7EM_RESIZE_H
#define TINYML_ARMV7EM_RESIZE_H

TML_HOT static inline void tml__resize_nearest_s8_dsp(const tml_resize_nearest_params *p, const int8_t *input,
                                                      int8_t *output)
{
    const int32_t depth = p->depth, ow = p->out_w;
    const size_t row = (size_t)p->in_w * (size_t)depth, out_row = (size_t)ow * (size_t)depth;
    const int32_t *xi = p->x_index;
    int32_t n, y, x;
    for (n = 0; n < p->batches; n++) {
        const int8_t *in = input + (size_t)n * (size_t)p->in_h * row;
        for (y = 0; y < p->out_h; y++) {
            const int8_t *src = in + (size_t)p->y_index[y] * row;
            if (y > 0 && p->y_index[y] == p->y_index[y - 1]) {
                memcpy(output, output - out_row, out_row);
            } else if (depth == 1) {
                for (x = 0; x < ow; x++) {
                    output[x] = src[xi[x]];
                }
            } else if ((depth & 3) == 0) {
                for (x = 0; x < ow; x++) {
                    const int8_t *s = src + (size_t)xi[x] * (size_t)depth;
                    int8_t *d = output + (size_t)x * (size_t)depth;
                    int32_t k;
                    for (k = 0; k < depth; k += 4) {
                        uint32_t v;
                        memcpy(&v, s + k, 4);
                        memcpy(d + k, &v, 4);
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
    return (s + (1 << 19) - (s <= 0)) >> 20;
}

TML_HOT static inline void tml__resize_bilinear_s8_dsp(const tml_resize_bilinear_s8_params *p, const int8_t *input,
                                                       int8_t *output)
{
    const int32_t oh = p->out_h, ow = p->out_w, depth = p->depth;
    const size_t row = (size_t)p->in_w * (size_t)depth;
    int32_t n, y, x, c;
    for (n = 0; n < p->batches; n++) {
        const int8_t *in = input + (size_t)n * (size_t)p->in_h * row;
        for (y = 0; y < oh; y++) {
            const int8_t *r0 = in + (size_t)p->y_tab[y] * row, *r1 = in + (size_t)p->y_tab[oh + y] * row;
            const int32_t wy = p->y_tab[2 * oh + y];
            /* (1024 - wy) in the low half, wy in the high half */
            const int32_t wyy = (int32_t)(((uint32_t)(1024 - wy) & 0xFFFFu) | ((uint32_t)wy << 16));
            for (x = 0; x < ow; x++) {
                const int8_t *a = r0 + (size_t)p->x_tab[x] * (size_t)depth;
                const int8_t *b = r1 + (size_t)p->x_tab[x] * (size_t)depth;
                const int8_t *cc = r0 + (size_t)p->x_tab[ow + x] * (size_t)depth;
                const int8_t *d = r1 + (size_t)p->x_tab[ow + x] * (size_t)depth;
                const int32_t wx = p->x_tab[2 * ow + x], wx0 = 1024 - wx;
                for (c = 0; c + 4 <= depth; c += 4) {
                    const int32_t A = tml_read_s8x4(a + c), B = tml_read_s8x4(b + c);
                    const int32_t C = tml_read_s8x4(cc + c), D = tml_read_s8x4(d + c);
                    const int32_t a02 = tml_sxtb16(A), a13 = tml_sxtb16_ror8(A);
                    const int32_t b02 = tml_sxtb16(B), b13 = tml_sxtb16_ror8(B);
                    const int32_t c02 = tml_sxtb16(C), c13 = tml_sxtb16_ror8(C);
                    const int32_t d02 = tml_sxtb16(D), d13 = tml_sxtb16_ror8(D);
                    const int32_t s0 = wx0 * tml_smlad((int32_t)tml_pack_lo16((uint32_t)a02, (uint32_t)b02), wyy, 0) +
                                       wx * tml_smlad((int32_t)tml_pack_lo16((uint32_t)c02, (uint32_t)d02), wyy, 0);
                    const int32_t s1 = wx0 * tml_smlad((int32_t)tml_pack_lo16((uint32_t)a13, (uint32_t)b13), wyy, 0) +
                                       wx * tml_smlad((int32_t)tml_pack_lo16((uint32_t)c13, (uint32_t)d13), wyy, 0);
                    const int32_t s2 = wx0 * tml_smlad((int32_t)tml_pack_hi16((uint32_t)a02, (uint32_t)b02), wyy, 0) +
                                       wx * tml_smlad((int32_t)tml_pack_hi16((uint32_t)c02, (uint32_t)d02), wyy, 0);
                    const int32_t s3 = wx0 * tml_smlad((int32_t)tml_pack_hi16((uint32_t)a13, (uint32_t)b13), wyy, 0) +
                                       wx * tml_smlad((int32_t)tml_pack_hi16((uint32_t)c13, (uint32_t)d13), wyy, 0);
                    const uint32_t v = ((uint32_t)tml__bilinear_round(s0) & 0xFFu) |
                                       (((uint32_t)tml__bilinear_round(s1) & 0xFFu) << 8) |
                                       (((uint32_t)tml__bilinear_round(s2) & 0xFFu) << 16) |
                                       ((uint32_t)tml__bilinear_round(s3) << 24);
                    memcpy(output, &v, 4);
                    output += 4;
                }
                for (; c < depth; c++) {
                    const int32_t t = a[c] * (1024 - wy) + b[c] * wy, u = cc[c] * (1024 - wy) + d[c] * wy;
                    *output++ = (int8_t)tml__bilinear_round(wx0 * t + wx * u);
                }
            }
        }
    }
}

#endif /* TINYML_ARMV7EM_RESIZE_H */
