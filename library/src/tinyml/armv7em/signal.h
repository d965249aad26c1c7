/*
 * Armv7E-M (DSP extension) kernels of the Signal family, bit-exact with the reference kernels
 * (ref/signal.h, ref/signal_fft_core.h): the int16 FFT (SignalRfft's forward transform and its real-FFT
 * split; SignalIrfft's complex stage in armv7em/signal_stream.h), SignalWindow, SignalFftAutoScale,
 * SignalEnergy and SignalFilterBank. Included by ops/signal.h when TML_ARCH_ARM_DSP is defined.
 *
 * One complex int16 value (re, im) is one 32-bit word, re in the low half, so one DSP instruction
 * does one complex operation:
 *   add / sub (wrapping)      SADD16 / SSUB16
 *   a +- j b (radix 4)        SASX / SSAX
 *   half_add / half_sub       SHADD16 / SHSUB16 ((a + b) >> 1 with no overflow, as the reference's int32 sum)
 *   mul (Q15, rounded)        SMLSD and SMLADX with the rounding constant 2^14, PKHTB ASR #15 keeps bits 15..30
 *   fixdiv(c, k)              SMLABB by MAX / k with 2^14, SMLATT by twice that with 2^15, PKHTB ASR #15
 * The rounding keeps bits 15..30 of a 32-bit sum, so a sum that wraps modulo 2^32 (SMLAD's and SMLSD's)
 * gives the reference's result. Words are read and written with memcpy (LDR/STR: the Cortex-M4 takes
 * unaligned words).
 */
#ifndef TINYML_ARMV7EM_SIGNAL_H
#define TINYML_ARMV7EM_SIGNAL_H

#include "../ref/signal_fft_core.h"

TML_ALWAYS_INLINE int32_t tml__sig_ld(const int16_t *p)
{
    int32_t v;
    memcpy(&v, p, 4);
    return v;
}

TML_ALWAYS_INLINE void tml__sig_st(int16_t *p, int32_t v)
{
    memcpy(p, &v, 4);
}

/* Two Q15 sums (each already holding the rounding 2^14) rounded and packed as one complex value. */
TML_ALWAYS_INLINE int32_t tml__fft_pack(int32_t re, int32_t im)
{
    return tml_pkhtb_asr15((int32_t)((uint32_t)im << 1), re);
}

/* The reference's tml_fft_s16_mul: a * w, rounded. */
TML_ALWAYS_INLINE int32_t tml__fft_mul(int32_t a, int32_t w)
{
    return tml__fft_pack(tml_smlsd(a, w, 1 << 14), tml_smladx(a, w, 1 << 14));
}

/* The reference's tml_fft_s16_fixdiv, with kk = k | 2k << 16 (k = 32767 / radix): the real part is
   k c.re + 2^14, the imaginary part is computed doubled (2k c.im + 2^15) so that its bits 15..30 already
   sit where PKHTB takes the high half. */
#define TML__FFT_KK(radix) ((int32_t)((32767 / (radix)) | (2 * (32767 / (radix))) << 16))
TML_ALWAYS_INLINE int32_t tml__fft_fixdiv(int32_t c, int32_t kk)
{
    return tml_pkhtb_asr15(tml_smlatt(kk, c, 1 << 15), tml_smlabb(c, kk, 1 << 14));
}

TML_HOT static inline void tml__fft_s16_bfly2_dsp(int16_t *f, int32_t fstride, const int16_t *tw, int32_t m)
{
    int16_t *f2 = f + 2 * m;
    int32_t k;
    for (k = 0; k < m; k++, f += 2, f2 += 2, tw += 2 * fstride) {
        const int32_t a = tml__fft_fixdiv(tml__sig_ld(f), TML__FFT_KK(2));
        const int32_t t = tml__fft_mul(tml__fft_fixdiv(tml__sig_ld(f2), TML__FFT_KK(2)), tml__sig_ld(tw));
        tml__sig_st(f2, tml_ssub16(a, t));
        tml__sig_st(f, tml_sadd16(a, t));
    }
}

/* One radix-4 butterfly on a0..a3 (not yet divided by 4) with the twiddles w1..w3, into f, f + 2m, ... */
TML_ALWAYS_INLINE void tml__fft_s16_butterfly4(int16_t *f, int32_t m, int32_t a0, int32_t a1, int32_t a2, int32_t a3,
                                               int32_t w1, int32_t w2, int32_t w3, int32_t inverse)
{
    const int32_t s0 = tml__fft_mul(tml__fft_fixdiv(a1, TML__FFT_KK(4)), w1);
    const int32_t s1 = tml__fft_mul(tml__fft_fixdiv(a2, TML__FFT_KK(4)), w2);
    const int32_t s2 = tml__fft_mul(tml__fft_fixdiv(a3, TML__FFT_KK(4)), w3);
    const int32_t s3 = tml_sadd16(s0, s2), s4 = tml_ssub16(s0, s2);
    int32_t s5;
    a0 = tml__fft_fixdiv(a0, TML__FFT_KK(4));
    s5 = tml_ssub16(a0, s1);
    a0 = tml_sadd16(a0, s1);
    tml__sig_st(f + 4 * m, tml_ssub16(a0, s3));
    tml__sig_st(f, tml_sadd16(a0, s3));
    /* forward: f1 = s5 - j s4, f3 = s5 + j s4; inverse the other way round */
    tml__sig_st(f + 2 * m, inverse ? tml_sasx(s5, s4) : tml_ssax(s5, s4));
    tml__sig_st(f + 6 * m, inverse ? tml_ssax(s5, s4) : tml_sasx(s5, s4));
}

TML_HOT static inline void tml__fft_s16_bfly4_dsp(int16_t *f, int32_t fstride, const int16_t *tw, int32_t m,
                                                  int32_t inverse)
{
    /* f walks quarters 0 and 2 ([f], [f + 4m]), g quarters 1 and 3 ([g], [g + 4m]) */
    int16_t *g = f + 2 * m;
    const int16_t *w1 = tw;
    int32_t k, j = 0;
    for (k = m; k > 0; k--, f += 2, g += 2, w1 += 2 * fstride, j += 2 * fstride) {
        const int32_t s0 = tml__fft_mul(tml__fft_fixdiv(tml__sig_ld(g), TML__FFT_KK(4)), tml__sig_ld(w1));
        const int32_t s1 = tml__fft_mul(tml__fft_fixdiv(tml__sig_ld(f + 4 * m), TML__FFT_KK(4)),
                                        tml__sig_ld(w1 + j));
        const int32_t s2 = tml__fft_mul(tml__fft_fixdiv(tml__sig_ld(g + 4 * m), TML__FFT_KK(4)),
                                        tml__sig_ld(w1 + 2 * j));
        const int32_t s3 = tml_sadd16(s0, s2), s4 = tml_ssub16(s0, s2);
        int32_t a0 = tml__fft_fixdiv(tml__sig_ld(f), TML__FFT_KK(4));
        const int32_t s5 = tml_ssub16(a0, s1);
        a0 = tml_sadd16(a0, s1);
        tml__sig_st(f + 4 * m, tml_ssub16(a0, s3));
        tml__sig_st(f, tml_sadd16(a0, s3));
        /* forward: f1 = s5 - j s4, f3 = s5 + j s4; inverse the other way round */
        tml__sig_st(g, inverse ? tml_sasx(s5, s4) : tml_ssax(s5, s4));
        tml__sig_st(g + 4 * m, inverse ? tml_ssax(s5, s4) : tml_sasx(s5, s4));
    }
}

/* Sample pair `pos` of the row, zero from scalar `len` on. */
TML_ALWAYS_INLINE int32_t tml__fft_leaf(const int16_t *in, int32_t pos, int32_t len)
{
    if (2 * pos + 1 < len) {
        return tml__sig_ld(in + 2 * pos);
    }
    return 2 * pos < len ? (int32_t)(uint16_t)in[2 * pos] : 0;
}

/* A last radix-4 stage (m = 1): its four inputs straight from the row (no copies), twiddle tw[0]. */
TML_HOT static inline void tml__fft_s16_leaf4_dsp(int16_t *out, const int16_t *in, int32_t pos, int32_t len,
                                                  int32_t fstride, const int16_t *tw, int32_t inverse)
{
    const int32_t w0 = tml__sig_ld(tw);
    if (2 * (pos + 3 * fstride) + 1 < len) { /* all four inside the row */
        tml__fft_s16_butterfly4(out, 1, tml__sig_ld(in + 2 * pos), tml__sig_ld(in + 2 * (pos + fstride)),
                                tml__sig_ld(in + 2 * (pos + 2 * fstride)), tml__sig_ld(in + 2 * (pos + 3 * fstride)),
                                w0, w0, w0, inverse);
    } else {
        tml__fft_s16_butterfly4(out, 1, tml__fft_leaf(in, pos, len), tml__fft_leaf(in, pos + fstride, len),
                                tml__fft_leaf(in, pos + 2 * fstride, len), tml__fft_leaf(in, pos + 3 * fstride, len),
                                w0, w0, w0, inverse);
    }
}

/* The reference's tml_fft_s16_work with the radix-2 and radix-4 butterflies on the DSP instructions
   (radix 3 and 5 are the reference's); a last radix-4 stage reads its inputs from the row. */
static inline void tml__fft_s16_work_dsp(int16_t *out, const int16_t *in, int32_t pos, int32_t len, int32_t fstride,
                                         const int32_t *factors, const int16_t *tw, int32_t inverse)
{
    const int32_t p = factors[0], m = factors[1];
    int32_t q;
    if (m == 1 && p == 4) {
        tml__fft_s16_leaf4_dsp(out, in, pos, len, fstride, tw, inverse);
        return;
    }
    if (m == 1) {
        for (q = 0; q < p; q++, pos += fstride) {
            tml__sig_st(out + 2 * q, tml__fft_leaf(in, pos, len));
        }
    } else if (factors[2] == 4 && factors[3] == 1) {
        for (q = 0; q < p; q++, pos += fstride) {
            tml__fft_s16_leaf4_dsp(out + 2 * q * m, in, pos, len, fstride * p, tw, inverse);
        }
    } else {
        for (q = 0; q < p; q++, pos += fstride) {
            tml__fft_s16_work_dsp(out + 2 * q * m, in, pos, len, fstride * p, factors + 2, tw, inverse);
        }
    }
    switch (p) {
    case 2: tml__fft_s16_bfly2_dsp(out, fstride, tw, m); break;
    case 3: tml_fft_s16_bfly3(out, fstride, tw, m); break;
    case 4: tml__fft_s16_bfly4_dsp(out, fstride, tw, m, inverse); break;
    default: tml_fft_s16_bfly5(out, fstride, tw, m); break;
    }
}

/* The reference's tml_fft_s16_rfft_split. */
TML_HOT static inline void tml__fft_s16_rfft_split_dsp(int16_t *fd, int32_t n, const int16_t *super_twiddles)
{
    const int32_t dc = tml__fft_fixdiv(tml__sig_ld(fd), TML__FFT_KK(2));
    int32_t k;
    fd[0] = (int16_t)(dc + (dc >> 16));
    fd[2 * n] = (int16_t)(dc - (dc >> 16));
    fd[1] = 0;
    fd[2 * n + 1] = 0;
    for (k = 1; k <= n / 2; k++) {
        const int32_t y = tml__sig_ld(fd + 2 * (n - k));
        const int32_t fpk = tml__fft_fixdiv(tml__sig_ld(fd + 2 * k), TML__FFT_KK(2));
        const int32_t fpnk = tml__fft_fixdiv(tml_pkhbt(y, tml_ssub16(0, y)), TML__FFT_KK(2)); /* conj, wrapping */
        const int32_t f1k = tml_sadd16(fpk, fpnk);
        const int32_t t = tml__fft_mul(tml_ssub16(fpk, fpnk), tml__sig_ld(super_twiddles + 2 * (k - 1)));
        tml__sig_st(fd + 2 * k, tml_shadd16(f1k, t));
        tml__sig_st(fd + 2 * (n - k), tml_pkhbt(tml_shsub16(f1k, t), tml_shsub16(t, f1k)));
    }
}

static inline void tml__signal_rfft_s16_dsp(const tml_signal_rfft_s16_params *p, const int16_t *input,
                                            int16_t *output)
{
    const int32_t n = p->fft_length / 2;
    int32_t row;
    for (row = 0; row < p->rows; row++) {
        int16_t *fd = output + row * 2 * (n + 1);
        tml__fft_s16_work_dsp(fd, input + row * p->input_length, 0, p->input_length, 1, p->factors, p->twiddles, 0);
        tml__fft_s16_rfft_split_dsp(fd, n, p->super_twiddles);
    }
}

/* SignalWindow: two samples a word where the window allows (sat16((x * w) >> shift) each). */
TML_HOT static inline void tml__signal_window_s16_dsp(const tml_signal_window_params *p, const int16_t *input,
                                                      const int16_t *weights, int16_t *output)
{
    const int32_t shift = p->shift, pairs = p->weight_size & ~1;
    int32_t i, j;
    for (i = 0; i < p->size; i += p->weight_size) {
        const int16_t *x = input + i;
        int16_t *o = output + i;
        for (j = 0; j < pairs; j += 2) {
            const int32_t xv = tml__sig_ld(x + j), wv = tml__sig_ld(weights + j);
            tml__sig_st(o + j, (int32_t)tml_pack_lo16((uint32_t)tml_ssat16(tml_smulbb(xv, wv) >> shift),
                                                      (uint32_t)tml_ssat16(tml_smultt(xv, wv) >> shift)));
        }
        if (j < p->weight_size) {
            o[j] = (int16_t)tml_ssat16(((int32_t)x[j] * weights[j]) >> shift);
        }
    }
}

/* SignalFftAutoScale: the largest and smallest sample two at a time (SSUB16/SEL), then the shift two at a
   time. The reference's running int16 maximum misbehaves after a -32768 (-(-32768) wraps): with a -32768
   in the input the reference kernel runs instead; without one its maximum is max(0, max |x|). */
TML_HOT static inline void tml__signal_fft_auto_scale_s16_dsp(const tml_signal_fft_auto_scale_params *p,
                                                              const int16_t *input, int16_t *output,
                                                              int32_t *scale_bits)
{
    const int32_t n = p->size;
    int32_t hi = 0, lo = 0, i, top, bottom, bits;
    for (i = 0; i + 2 <= n; i += 2) {
        const int32_t v = tml__sig_ld(input + i);
        hi = tml_max16x2(hi, v);
        lo = tml_min16x2(lo, v);
    }
    top = (int16_t)hi > (hi >> 16) ? (int16_t)hi : hi >> 16;
    bottom = (int16_t)lo < (lo >> 16) ? (int16_t)lo : lo >> 16;
    if (i < n) {
        top = input[i] > top ? input[i] : top;
        bottom = input[i] < bottom ? input[i] : bottom;
    }
    if (bottom == -32768) {
        tml_signal_fft_auto_scale_s16_ref(p, input, output, scale_bits);
        return;
    }
    top = -bottom > top ? -bottom : top;
    bits = 16 - tml_signal_msb32((uint32_t)top) - 1;
    bits = bits < 0 ? 0 : bits;
    for (i = 0; i + 2 <= n; i += 2) {
        const uint32_t v = (uint32_t)tml__sig_ld(input + i);
        tml__sig_st(output + i, tml_pkhbt((int32_t)(v << bits), (int32_t)((v & 0xFFFF0000u) << bits)));
    }
    if (i < n) {
        output[i] = (int16_t)(uint16_t)((uint32_t)(int32_t)input[i] << bits);
    }
    *scale_bits = bits;
}

/* SignalEnergy: re^2 + im^2 in one SMUAD (modulo 2^32 as the reference). In place is fine: bin i's
   output word is the word its input came from. */
TML_HOT static inline void tml__signal_energy_s16_dsp(const tml_signal_energy_params *p, const int16_t *input,
                                                      uint32_t *output)
{
    const int32_t start = p->start_index < p->size ? p->start_index : p->size;
    const int32_t end = p->end_index < p->size ? p->end_index : p->size;
    int32_t i;
    for (i = 0; i < start; i++) {
        output[i] = 0;
    }
    for (; i < end; i++) {
        const int32_t v = tml__sig_ld(input + 2 * i);
        output[i] = (uint32_t)tml_smuad(v, v);
    }
    for (i = end > start ? end : start; i < p->size; i++) {
        output[i] = 0;
    }
}

/* SignalFilterBank: the reference adds w * x with w sign-extended to 64 bits; here each product is one
   UMLAL of w's 32-bit pattern (2^32 + w when negative), and the 2^32 x that adds for a negative w is
   taken back from the high word at the end of the channel, summed modulo 2^32 (x where w < 0). */
TML_HOT static inline void tml__signal_filter_bank_u32_dsp(const tml_signal_filter_bank_params *p,
                                                           const uint32_t *input, const int16_t *weights,
                                                           const int16_t *unweights, const int16_t *freq_starts,
                                                           const int16_t *weight_starts, const int16_t *widths,
                                                           uint64_t *output)
{
    uint64_t acc = 0;
    uint32_t back = 0;
    int32_t i, j;
    for (i = 0; i <= p->num_channels; i++) {
        const uint32_t *x = input + freq_starts[i];
        const int16_t *w = weights + weight_starts[i];
        const int16_t *u = unweights + weight_starts[i];
        const int32_t width = widths[i];
        uint64_t unacc = 0;
        uint32_t unback = 0;
        for (j = 0; j < width; j++) {
            const uint32_t xv = x[j];
            const int32_t wv = w[j], uv = u[j];
            acc += (uint64_t)(uint32_t)wv * xv;
            unacc += (uint64_t)(uint32_t)uv * xv;
            back += xv & (uint32_t)(wv >> 31);
            unback += xv & (uint32_t)(uv >> 31);
        }
        if (i > 0) {
            output[i - 1] = acc - ((uint64_t)back << 32); /* channel 0 is scratch */
        }
        acc = unacc;
        back = unback;
    }
}

#undef TML__FFT_KK

#endif /* TINYML_ARMV7EM_SIGNAL_H */
