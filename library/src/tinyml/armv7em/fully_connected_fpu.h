/*
 * FULLY_CONNECTED float32 with the single-precision FPU (Cortex-M4F and up): VLDM loads, four rows
 * sharing the inputs, the reference's results bit for bit. Included by ops/fully_connected.h when
 * TML_ARCH_ARM_FPU is defined.
 */
#ifndef TINYML_ARMV7EM_FULLY_CONNECTED_FPU_H
#define TINYML_ARMV7EM_FULLY_CONNECTED_FPU_H

/* FPU: x[d..d+7] and eight weights of a row each come in one VLDM (1 + 8 cycles, where eight VLDRs take
 * 16); four rows share the inputs. Each row sums in the reference's order, a product rounded before its
 * addition (TML_HOT_FLOAT), so the results are the reference's bit for bit. */

/* v0..v7 = p[0..7], p += 8: one VLDM into eight consecutive registers (explicit register variables;
 * compilers do not merge VLDRs). */
#define TML__VLDM8(p, v0, v1, v2, v3, v4, v5, v6, v7)                                                          \
    __asm__ volatile("vldmia %0!, {%1-%8}"                                                                   \
                     : "+r"(p), "=t"(v0), "=t"(v1), "=t"(v2), "=t"(v3), "=t"(v4), "=t"(v5), "=t"(v6),      \
                       "=t"(v7)                                                                              \
                     : "m"(*(const float(*)[8])(p)))

/* acc += x0 * w[0] + ... + x7 * w[7] in this order, w += 8. */
#define TML__ROW8(acc, w)                                                                                      \
    do {                                                                                                       \
        TML__VLDM8(w, w0, w1, w2, w3, w4, w5, w6, w7);                                                         \
        acc += x0 * w0;                                                                                        \
        acc += x1 * w1;                                                                                        \
        acc += x2 * w2;                                                                                        \
        acc += x3 * w3;                                                                                        \
        acc += x4 * w4;                                                                                        \
        acc += x5 * w5;                                                                                        \
        acc += x6 * w6;                                                                                        \
        acc += x7 * w7;                                                                                        \
    } while (0)

/* tml_clamp_f32 for lo <= hi without branches: min(x, hi) then max(., lo), NaN stays NaN (MI and GT are
 * false for unordered operands). */
TML_ALWAYS_INLINE float tml__clamp_f32_fpu(float x, float lo, float hi)
{
    __asm__("vcmp.f32 %0, %2\n\t"
            "vmrs APSR_nzcv, fpscr\n\t"
            "it gt\n\t"
            "vmovgt.f32 %0, %2\n\t"
            "vcmp.f32 %0, %1\n\t"
            "vmrs APSR_nzcv, fpscr\n\t"
            "it mi\n\t"
            "vmovmi.f32 %0, %1"
            : "+t"(x)
            : "t"(lo), "t"(hi)
            : "cc");
    return x;
}

TML_HOT_FLOAT static inline void tml_fully_connected_f32_fpu(const tml_fully_connected_f32_params *p,
                                                             const float *input, const float *weights,
                                                             const float *bias, float *output)
{
    TML_FP_EXACT
    register float x0 __asm__("s0"), x1 __asm__("s1"), x2 __asm__("s2"), x3 __asm__("s3");
    register float x4 __asm__("s4"), x5 __asm__("s5"), x6 __asm__("s6"), x7 __asm__("s7");
    register float w0 __asm__("s8"), w1 __asm__("s9"), w2 __asm__("s10"), w3 __asm__("s11");
    register float w4 __asm__("s12"), w5 __asm__("s13"), w6 __asm__("s14"), w7 __asm__("s15");
    const int32_t depth = p->accum_depth, rows = p->output_depth, depth8 = depth & ~7;
    const float lo = p->act_min, hi = p->act_max;
    int32_t b, o, d;
    for (b = 0; b < p->batches; b++, input += depth, output += rows) {
        for (o = 0; o + 4 <= rows; o += 4) {
            const float *r0 = weights + o * depth, *r1 = r0 + depth, *r2 = r1 + depth, *r3 = r2 + depth;
            const float *x = input;
            float a0 = 0.0f, a1 = 0.0f, a2 = 0.0f, a3 = 0.0f;
            for (d = 0; d < depth8; d += 8) {
                TML__VLDM8(x, x0, x1, x2, x3, x4, x5, x6, x7);
                TML__ROW8(a0, r0);
                TML__ROW8(a1, r1);
                TML__ROW8(a2, r2);
                TML__ROW8(a3, r3);
            }
            for (; d < depth; d++) {
                const float v = *x++;
                a0 += v * *r0++;
                a1 += v * *r1++;
                a2 += v * *r2++;
                a3 += v * *r3++;
            }
            if (bias) {
                a0 += bias[o];
                a1 += bias[o + 1];
                a2 += bias[o + 2];
                a3 += bias[o + 3];
            }
            output[o] = tml__clamp_f32_fpu(a0, lo, hi);
            output[o + 1] = tml__clamp_f32_fpu(a1, lo, hi);
            output[o + 2] = tml__clamp_f32_fpu(a2, lo, hi);
            output[o + 3] = tml__clamp_f32_fpu(a3, lo, hi);
        }
        for (; o < rows; o++) {
            const float *r0 = weights + (size_t)o * (size_t)depth;
            const float *x = input;
            float a0 = 0.0f;
            for (d = 0; d < depth8; d += 8) {
                TML__VLDM8(x, x0, x1, x2, x3, x4, x5, x6, x7);
                TML__ROW8(a0, r0);
            }
            for (; d < depth; d++) {
                a0 += *x++ * *r0++;
            }
            if (bias) {
                a0 += bias[o];
            }
            output[o] = tml__clamp_f32_fpu(a0, lo, hi);
        }
    }
}
#undef TML__ROW8
#undef TML__VLDM8

#endif /* TINYML_ARMV7EM_FULLY_CONNECTED_FPU_H */
