/*
 * Reference kernels of SignalRfft: the real FFT TFLM builds from kissfft, for int16 (FIXED_POINT 16),
 * int32 (FIXED_POINT 32) and float32, computed in the same order of operations so that every rounding
 * and every wrap is the same. The steps are in ref/signal_fft_body.h, included once per type below after
 * that type's arithmetic:
 *
 *   fixed point, Q15 (int16, products in int32) or Q31 (int32, products in int64):
 *     round(x)     = (T)((x + 2^(Q-1)) >> Q)
 *     mul(a, b)    = (round(a.re b.re - a.im b.im), round(a.re b.im + a.im b.re))
 *     smul(a, b)   = round(a b);  fixdiv(c, k) = smul(c, MAX / k) on both parts (MAX = 32767 or 2^31 - 1)
 *     add/sub/neg  wrap to T;  half(x) = x >> 1;  half_add(a, b) = (a + b) >> 1 before the wrap to T
 *   float: the plain operations, fixdiv does nothing, half(x) = x * 0.5f.
 * The float functions carry TML_FLOAT / TML_FP_EXACT (no a * b + c contracted into a fused multiply-add).
 * Included by ops/signal.h.
 */
#ifndef TINYML_REF_SIGNAL_FFT_H
#define TINYML_REF_SIGNAL_FFT_H

/* ---- int16, Q15 */
TML_ALWAYS_INLINE int16_t tml_fft_s16_round(int32_t x) { return (int16_t)((x + (1 << 14)) >> 15); }
TML_ALWAYS_INLINE int16_t tml_fft_s16_add(int16_t a, int16_t b) { return (int16_t)(a + b); }
TML_ALWAYS_INLINE int16_t tml_fft_s16_sub(int16_t a, int16_t b) { return (int16_t)(a - b); }
TML_ALWAYS_INLINE int16_t tml_fft_s16_neg(int16_t a) { return (int16_t)-a; }
TML_ALWAYS_INLINE int16_t tml_fft_s16_half(int16_t a) { return (int16_t)(a >> 1); }
TML_ALWAYS_INLINE int16_t tml_fft_s16_half_add(int16_t a, int16_t b) { return (int16_t)((a + b) >> 1); }
TML_ALWAYS_INLINE int16_t tml_fft_s16_half_sub(int16_t a, int16_t b) { return (int16_t)((a - b) >> 1); }
TML_ALWAYS_INLINE int16_t tml_fft_s16_smul(int16_t a, int16_t b) { return tml_fft_s16_round((int32_t)a * b); }

TML_ALWAYS_INLINE void tml_fft_s16_mul(int16_t *m, const int16_t *a, const int16_t *b)
{
    m[0] = tml_fft_s16_round((int32_t)a[0] * b[0] - (int32_t)a[1] * b[1]);
    m[1] = tml_fft_s16_round((int32_t)a[0] * b[1] + (int32_t)a[1] * b[0]);
}

TML_ALWAYS_INLINE void tml_fft_s16_fixdiv(int16_t *c, int32_t k)
{
    c[0] = tml_fft_s16_round(c[0] * (32767 / k));
    c[1] = tml_fft_s16_round(c[1] * (32767 / k));
}

#define TML_FFT_T int16_t
#define TML_FFT_F(name) tml_fft_s16_##name
#define TML_FFT_ATTR
#include "signal_fft_body.h"
#undef TML_FFT_T
#undef TML_FFT_F
#undef TML_FFT_ATTR

/* ---- int32, Q31: sums wrap modulo 2^32 (computed unsigned: TFLM's C++ relies on the wrap) */
TML_ALWAYS_INLINE int32_t tml_fft_s32_round(int64_t x) { return (int32_t)(uint32_t)(uint64_t)((x + (1 << 30)) >> 31); }
TML_ALWAYS_INLINE int32_t tml_fft_s32_add(int32_t a, int32_t b) { return (int32_t)((uint32_t)a + (uint32_t)b); }
TML_ALWAYS_INLINE int32_t tml_fft_s32_sub(int32_t a, int32_t b) { return (int32_t)((uint32_t)a - (uint32_t)b); }
TML_ALWAYS_INLINE int32_t tml_fft_s32_neg(int32_t a) { return (int32_t)(0u - (uint32_t)a); }
TML_ALWAYS_INLINE int32_t tml_fft_s32_half(int32_t a) { return a >> 1; }
TML_ALWAYS_INLINE int32_t tml_fft_s32_half_add(int32_t a, int32_t b) { return tml_fft_s32_add(a, b) >> 1; }
TML_ALWAYS_INLINE int32_t tml_fft_s32_half_sub(int32_t a, int32_t b) { return tml_fft_s32_sub(a, b) >> 1; }
TML_ALWAYS_INLINE int32_t tml_fft_s32_smul(int32_t a, int32_t b) { return tml_fft_s32_round((int64_t)a * b); }

TML_ALWAYS_INLINE void tml_fft_s32_mul(int32_t *m, const int32_t *a, const int32_t *b)
{
    m[0] = tml_fft_s32_round((int64_t)a[0] * b[0] - (int64_t)a[1] * b[1]);
    m[1] = tml_fft_s32_round((int64_t)a[0] * b[1] + (int64_t)a[1] * b[0]);
}

TML_ALWAYS_INLINE void tml_fft_s32_fixdiv(int32_t *c, int32_t k)
{
    c[0] = tml_fft_s32_round((int64_t)c[0] * (2147483647 / k));
    c[1] = tml_fft_s32_round((int64_t)c[1] * (2147483647 / k));
}

#define TML_FFT_T int32_t
#define TML_FFT_F(name) tml_fft_s32_##name
#define TML_FFT_ATTR
#include "signal_fft_body.h"
#undef TML_FFT_T
#undef TML_FFT_F
#undef TML_FFT_ATTR

/* ---- float32 */
TML_ALWAYS_INLINE TML_FLOAT float tml_fft_f32_add(float a, float b) { return a + b; }
TML_ALWAYS_INLINE TML_FLOAT float tml_fft_f32_sub(float a, float b) { return a - b; }
TML_ALWAYS_INLINE TML_FLOAT float tml_fft_f32_neg(float a) { return -a; }
TML_ALWAYS_INLINE TML_FLOAT float tml_fft_f32_half(float a) { return a * 0.5f; }
TML_ALWAYS_INLINE TML_FLOAT float tml_fft_f32_half_add(float a, float b) { return (a + b) * 0.5f; }
TML_ALWAYS_INLINE TML_FLOAT float tml_fft_f32_half_sub(float a, float b) { return (a - b) * 0.5f; }
TML_ALWAYS_INLINE TML_FLOAT float tml_fft_f32_smul(float a, float b) { return a * b; }

TML_ALWAYS_INLINE TML_FLOAT void tml_fft_f32_mul(float *m, const float *a, const float *b)
{
    TML_FP_EXACT
    m[0] = a[0] * b[0] - a[1] * b[1];
    m[1] = a[0] * b[1] + a[1] * b[0];
}

TML_ALWAYS_INLINE TML_FLOAT void tml_fft_f32_fixdiv(float *c, int32_t k)
{
    (void)c;
    (void)k;
}

/* float: every product rounded before the sum, as TFLM's host build (no fused multiply-add) */
#define TML_FFT_T float
#define TML_FFT_F(name) tml_fft_f32_##name
#define TML_FFT_ATTR TML_FLOAT
#include "signal_fft_body.h"
#undef TML_FFT_T
#undef TML_FFT_F
#undef TML_FFT_ATTR

static inline void tml_signal_rfft_s16_ref(const tml_signal_rfft_s16_params *p, const int16_t *input, int16_t *output)
{
    tml_fft_s16_rfft(input, output, p->rows, p->input_length, p->fft_length, p->factors, p->twiddles,
                     p->super_twiddles);
}

static inline void tml_signal_rfft_s32_ref(const tml_signal_rfft_s32_params *p, const int32_t *input, int32_t *output)
{
    tml_fft_s32_rfft(input, output, p->rows, p->input_length, p->fft_length, p->factors, p->twiddles,
                     p->super_twiddles);
}

static inline TML_FLOAT void tml_signal_rfft_f32_ref(const tml_signal_rfft_f32_params *p, const float *input, float *output)
{
    tml_fft_f32_rfft(input, output, p->rows, p->input_length, p->fft_length, p->factors, p->twiddles,
                     p->super_twiddles);
}

#endif /* TINYML_REF_SIGNAL_FFT_H */
