/*
 * The optimized portable C of Xtensa and ARC EM (TML_ARCH_SCALAR): helpers shared by the kernels of
 * scalar/. Included by tml_common.h when TML_ARCH_SCALAR is defined.
 */
#ifndef TINYML_SCALAR_COMMON_H
#define TINYML_SCALAR_COMMON_H

/* ------------------------------------------------------------ 32-bit cores without SIMD that GCC uses:
 * Xtensa (ESP32 LX6: MUL16, MAC16, zero-overhead loops) and ARC EM (GCC has no EM9D DSP intrinsics).
 * The gains come from the generator's folded bias (raw int8 inputs, no offset add per MAC), from two
 * output rows sharing each input load, and from unrolling by four (16-bit operands: MUL16 on Xtensa;
 * counted loops: Xtensa LOOP and ARC LP zero-overhead loops). The same C on both; tested on Xtensa. */

/** The int8 GEMM of FULLY_CONNECTED and pointwise CONV_2D: out[b][o] = requant(folded[o] + x[b] . w[o])
 *  for batches rows of depth inputs and rows outputs; weights [rows][depth]. */
TML_HOT static inline void tml_gemm_s8_scalar(const tml_requant_params *rq, const int8_t *x, int32_t batches,
                                              int32_t depth, const int8_t *weights, int32_t rows,
                                              const int32_t *folded, int8_t *out)
{
    const int32_t depth4 = depth & ~3;
    int32_t b, o, d;
    for (b = 0; b < batches; b++, x += depth, out += rows) {
        for (o = 0; o + 2 <= rows; o += 2) {
            const int8_t *w0 = weights + o * depth, *w1 = w0 + depth;
            int32_t a0 = folded[o], a1 = folded[o + 1];
            for (d = 0; d < depth4; d += 4) {
                const int16_t x0 = x[d], x1 = x[d + 1], x2 = x[d + 2], x3 = x[d + 3];
                a0 += x0 * (int16_t)w0[d] + x1 * (int16_t)w0[d + 1] + x2 * (int16_t)w0[d + 2] +
                      x3 * (int16_t)w0[d + 3];
                a1 += x0 * (int16_t)w1[d] + x1 * (int16_t)w1[d + 1] + x2 * (int16_t)w1[d + 2] +
                      x3 * (int16_t)w1[d + 3];
            }
            for (; d < depth; d++) {
                a0 += (int16_t)x[d] * (int16_t)w0[d];
                a1 += (int16_t)x[d] * (int16_t)w1[d];
            }
            out[o] = tml_requant_s8(rq, a0, o);
            out[o + 1] = tml_requant_s8(rq, a1, o + 1);
        }
        if (o < rows) {
            const int8_t *w0 = weights + o * depth;
            int32_t a0 = folded[o];
            for (d = 0; d < depth; d++) {
                a0 += (int16_t)x[d] * (int16_t)w0[d];
            }
            out[o] = tml_requant_s8(rq, a0, o);
        }
    }
}

#endif /* TINYML_SCALAR_COMMON_H */
