/*
 * Cortex-M4F (FPU) kernel of SignalFilterBankSquareRoot, bit-exact with the reference (ref/signal.h):
 * the reference's digit-by-digit square root gives floor(sqrt(x)), rounded up when x - r^2 > r (not past
 * 0xFFFF below 2^32, 0xFFFFFFFF above). Here r comes from the FPU's square root, one Newton step in
 * integers above 2^32, then exact integer corrections (r^2 <= x < (r + 1)^2 checked in 64 bits), so the
 * float rounding never reaches the result. Included by ops/signal.h when TML_ARCH_ARM_DSP and
 * TML_ARCH_ARM_FPU are defined.
 */
#ifndef TINYML_ARMV7EM_SIGNAL_FPU_H
#define TINYML_ARMV7EM_SIGNAL_FPU_H

TML_ALWAYS_INLINE float tml__sqrt_f32_fpu(float x)
{
    float r;
    __asm__("vsqrt.f32 %0, %1" : "=t"(r) : "t"(x));
    return r;
}

/* floor(sqrt(x)) for any x < 2^64 */
TML_ALWAYS_INLINE uint32_t tml__isqrt64_fpu(uint64_t x)
{
    const uint32_t hi = (uint32_t)(x >> 32);
    const float s = tml__sqrt_f32_fpu((float)hi * 4294967296.0f + (float)(uint32_t)x);
    uint32_t r = s >= 4294967040.0f ? 0xFFFFFFFFu : (uint32_t)s;
    if (hi != 0) { /* the float's 24 bits leave r some hundreds off: one Newton step, r + (x - r^2) / 2r */
        const int64_t d = (int64_t)(x - (uint64_t)r * r); /* |d| < 2^44 */
        const float df = (float)(int32_t)(d >> 32) * 4294967296.0f + (float)(uint32_t)d;
        const int64_t next = (int64_t)r + (int32_t)(df / (2.0f * (float)r));
        r = next < 0 ? 0u : next > 0xFFFFFFFF ? 0xFFFFFFFFu : (uint32_t)next;
    }
    while ((uint64_t)r * r > x) {
        r--;
    }
    while (r != 0xFFFFFFFFu && (uint64_t)(r + 1) * (r + 1) <= x) {
        r++;
    }
    return r;
}

TML_HOT_FLOAT static inline void tml__signal_filter_bank_sqrt_u64_fpu(const tml_signal_filter_bank_sqrt_params *p,
                                                                      const uint64_t *input,
                                                                      const int32_t *scale_bits, uint32_t *output)
{
    const int32_t shift = *scale_bits & 31;
    int32_t i;
    for (i = 0; i < p->num_channels; i++) {
        const uint64_t x = input[i];
        const uint32_t r = tml__isqrt64_fpu(x);
        const uint32_t cap = (x >> 32) ? 0xFFFFFFFFu : 0xFFFFu;
        output[i] = (r + (x - (uint64_t)r * r > r && r != cap ? 1u : 0u)) >> shift;
    }
}

#endif /* TINYML_ARMV7EM_SIGNAL_FPU_H */
