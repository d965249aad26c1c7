/*
 * Reference kernels of SignalIrfft: KissFFT's inverse real FFT (kiss_fftri) in fixed point (int16,
 * int32) and float, computed the same way step by step. Included by ref/signal_stream.h.
 */
#ifndef TINYML_REF_SIGNAL_STREAM_FFT_H
#define TINYML_REF_SIGNAL_STREAM_FFT_H

typedef struct {
    int32_t r;
    int32_t i;
} tml_kf_cpx;

typedef struct {
    float r;
    float i;
} tml_kf_cpx_f32;

/* x wrapped to the fixed-point type (int16 for fracbits 15, int32 for 31), as storing it there does. */
static inline int32_t tml_kf_wrap(int64_t x, int32_t fracbits)
{
    if (fracbits == 15) {
        return (int32_t)(((x & 0xFFFF) ^ 0x8000) - 0x8000);
    }
    return (int32_t)(((x & 0xFFFFFFFFLL) ^ 0x80000000LL) - 0x80000000LL);
}

/* KissFFT's sround(): round the Q(fracbits) product, then wrap. */
static inline int32_t tml_kf_round(int64_t x, int32_t fracbits)
{
    return tml_kf_wrap((x + ((int64_t)1 << (fracbits - 1))) >> fracbits, fracbits);
}

static inline int32_t tml_kf_smul(int32_t a, int32_t b, int32_t fb)
{
    return tml_kf_round((int64_t)a * b, fb);
}

static inline tml_kf_cpx tml_kf_cmul(tml_kf_cpx a, tml_kf_cpx b, int32_t fb)
{
    tml_kf_cpx m;
    m.r = tml_kf_round((int64_t)a.r * b.r - (int64_t)a.i * b.i, fb);
    m.i = tml_kf_round((int64_t)a.r * b.i + (int64_t)a.i * b.r, fb);
    return m;
}

/* C_FIXDIV: multiply by SAMP_MAX / div in fixed point. */
static inline void tml_kf_fixdiv(tml_kf_cpx *c, int32_t div, int32_t fb)
{
    const int32_t k = (int32_t)((((int64_t)1 << fb) - 1) / div);
    c->r = tml_kf_smul(c->r, k, fb);
    c->i = tml_kf_smul(c->i, k, fb);
}

static inline tml_kf_cpx tml_kf_add(tml_kf_cpx a, tml_kf_cpx b, int32_t fb)
{
    tml_kf_cpx s;
    s.r = tml_kf_wrap((int64_t)a.r + b.r, fb);
    s.i = tml_kf_wrap((int64_t)a.i + b.i, fb);
    return s;
}

static inline tml_kf_cpx tml_kf_sub(tml_kf_cpx a, tml_kf_cpx b, int32_t fb)
{
    tml_kf_cpx s;
    s.r = tml_kf_wrap((int64_t)a.r - b.r, fb);
    s.i = tml_kf_wrap((int64_t)a.i - b.i, fb);
    return s;
}

/* One radix-p stage (inverse transform) over p sub-transforms of length m, fixed point. */
static inline void tml_kf_bfly(tml_kf_cpx *out, int32_t fstride, const tml_signal_irfft_params *p, int32_t radix,
                               int32_t m)
{
    const tml_kf_cpx *tw = (const tml_kf_cpx *)p->twiddles;
    const int32_t fb = p->fracbits;
    int32_t u;
    for (u = 0; u < m; u++) {
        tml_kf_cpx *f0 = out + u, *f1 = f0 + m, *f2 = f0 + 2 * m, *f3 = f0 + 3 * m, *f4 = f0 + 4 * m;
        tml_kf_cpx s[13];
        if (radix == 2) {
            tml_kf_fixdiv(f0, 2, fb);
            tml_kf_fixdiv(f1, 2, fb);
            s[0] = tml_kf_cmul(*f1, tw[u * fstride], fb);
            *f1 = tml_kf_sub(*f0, s[0], fb);
            *f0 = tml_kf_add(*f0, s[0], fb);
        } else if (radix == 4) {
            tml_kf_fixdiv(f0, 4, fb);
            tml_kf_fixdiv(f1, 4, fb);
            tml_kf_fixdiv(f2, 4, fb);
            tml_kf_fixdiv(f3, 4, fb);
            s[0] = tml_kf_cmul(*f1, tw[u * fstride], fb);
            s[1] = tml_kf_cmul(*f2, tw[2 * u * fstride], fb);
            s[2] = tml_kf_cmul(*f3, tw[3 * u * fstride], fb);
            s[5] = tml_kf_sub(*f0, s[1], fb);
            *f0 = tml_kf_add(*f0, s[1], fb);
            s[3] = tml_kf_add(s[0], s[2], fb);
            s[4] = tml_kf_sub(s[0], s[2], fb);
            *f2 = tml_kf_sub(*f0, s[3], fb);
            *f0 = tml_kf_add(*f0, s[3], fb);
            f1->r = tml_kf_wrap((int64_t)s[5].r - s[4].i, fb);
            f1->i = tml_kf_wrap((int64_t)s[5].i + s[4].r, fb);
            f3->r = tml_kf_wrap((int64_t)s[5].r + s[4].i, fb);
            f3->i = tml_kf_wrap((int64_t)s[5].i - s[4].r, fb);
        } else if (radix == 3) {
            const tml_kf_cpx epi3 = tw[fstride * m];
            tml_kf_fixdiv(f0, 3, fb);
            tml_kf_fixdiv(f1, 3, fb);
            tml_kf_fixdiv(f2, 3, fb);
            s[1] = tml_kf_cmul(*f1, tw[u * fstride], fb);
            s[2] = tml_kf_cmul(*f2, tw[2 * u * fstride], fb);
            s[3] = tml_kf_add(s[1], s[2], fb);
            s[0] = tml_kf_sub(s[1], s[2], fb);
            f1->r = tml_kf_wrap((int64_t)f0->r - (s[3].r >> 1), fb);
            f1->i = tml_kf_wrap((int64_t)f0->i - (s[3].i >> 1), fb);
            s[0].r = tml_kf_smul(s[0].r, epi3.i, fb);
            s[0].i = tml_kf_smul(s[0].i, epi3.i, fb);
            *f0 = tml_kf_add(*f0, s[3], fb);
            f2->r = tml_kf_wrap((int64_t)f1->r + s[0].i, fb);
            f2->i = tml_kf_wrap((int64_t)f1->i - s[0].r, fb);
            f1->r = tml_kf_wrap((int64_t)f1->r - s[0].i, fb);
            f1->i = tml_kf_wrap((int64_t)f1->i + s[0].r, fb);
        } else { /* radix 5 */
            const tml_kf_cpx ya = tw[fstride * m], yb = tw[fstride * 2 * m];
            tml_kf_fixdiv(f0, 5, fb);
            tml_kf_fixdiv(f1, 5, fb);
            tml_kf_fixdiv(f2, 5, fb);
            tml_kf_fixdiv(f3, 5, fb);
            tml_kf_fixdiv(f4, 5, fb);
            s[0] = *f0;
            s[1] = tml_kf_cmul(*f1, tw[u * fstride], fb);
            s[2] = tml_kf_cmul(*f2, tw[2 * u * fstride], fb);
            s[3] = tml_kf_cmul(*f3, tw[3 * u * fstride], fb);
            s[4] = tml_kf_cmul(*f4, tw[4 * u * fstride], fb);
            s[7] = tml_kf_add(s[1], s[4], fb);
            s[10] = tml_kf_sub(s[1], s[4], fb);
            s[8] = tml_kf_add(s[2], s[3], fb);
            s[9] = tml_kf_sub(s[2], s[3], fb);
            f0->r = tml_kf_wrap((int64_t)f0->r + ((int64_t)s[7].r + s[8].r), fb);
            f0->i = tml_kf_wrap((int64_t)f0->i + ((int64_t)s[7].i + s[8].i), fb);
            s[5].r = tml_kf_wrap((int64_t)s[0].r + tml_kf_smul(s[7].r, ya.r, fb) + tml_kf_smul(s[8].r, yb.r, fb), fb);
            s[5].i = tml_kf_wrap((int64_t)s[0].i + tml_kf_smul(s[7].i, ya.r, fb) + tml_kf_smul(s[8].i, yb.r, fb), fb);
            s[6].r = tml_kf_wrap((int64_t)tml_kf_smul(s[10].i, ya.i, fb) + tml_kf_smul(s[9].i, yb.i, fb), fb);
            s[6].i = tml_kf_wrap(-(int64_t)tml_kf_smul(s[10].r, ya.i, fb) - tml_kf_smul(s[9].r, yb.i, fb), fb);
            *f1 = tml_kf_sub(s[5], s[6], fb);
            *f4 = tml_kf_add(s[5], s[6], fb);
            s[11].r = tml_kf_wrap((int64_t)s[0].r + tml_kf_smul(s[7].r, yb.r, fb) + tml_kf_smul(s[8].r, ya.r, fb), fb);
            s[11].i = tml_kf_wrap((int64_t)s[0].i + tml_kf_smul(s[7].i, yb.r, fb) + tml_kf_smul(s[8].i, ya.r, fb), fb);
            s[12].r = tml_kf_wrap(-(int64_t)tml_kf_smul(s[10].i, yb.i, fb) + tml_kf_smul(s[9].i, ya.i, fb), fb);
            s[12].i = tml_kf_wrap((int64_t)tml_kf_smul(s[10].r, yb.i, fb) - tml_kf_smul(s[9].r, ya.i, fb), fb);
            *f2 = tml_kf_add(s[11], s[12], fb);
            *f3 = tml_kf_sub(s[11], s[12], fb);
        }
    }
}

/* kf_work: the decimation in time, recursively over the factors. */
static inline void tml_kf_work(tml_kf_cpx *out, const tml_kf_cpx *in, int32_t fstride, const int32_t *factors,
                        const tml_signal_irfft_params *p)
{
    const int32_t radix = factors[0], m = factors[1];
    int32_t q;
    for (q = 0; q < radix; q++) {
        if (m == 1) {
            out[q] = in[q * fstride];
        } else {
            tml_kf_work(out + q * m, in + q * fstride, fstride * radix, factors + 2, p);
        }
    }
    tml_kf_bfly(out, fstride, p, radix, m);
}

/* kiss_fftri on one row of nfft + 1 complex values (widened to int32), result in out (nfft complex). */
static inline void tml_kf_fftri(const tml_signal_irfft_params *p, const tml_kf_cpx *freq, tml_kf_cpx *tmp,
                                tml_kf_cpx *out)
{
    const tml_kf_cpx *super = (const tml_kf_cpx *)p->super_twiddles;
    const int32_t n = p->nfft, fb = p->fracbits;
    int32_t k;
    tmp[0].r = tml_kf_wrap((int64_t)freq[0].r + freq[n].r, fb);
    tmp[0].i = tml_kf_wrap((int64_t)freq[0].r - freq[n].r, fb);
    tml_kf_fixdiv(&tmp[0], 2, fb);
    for (k = 1; k <= n / 2; k++) {
        tml_kf_cpx fk = freq[k], fnkc, fek, t, fok;
        fnkc.r = freq[n - k].r;
        fnkc.i = tml_kf_wrap(-(int64_t)freq[n - k].i, fb);
        tml_kf_fixdiv(&fk, 2, fb);
        tml_kf_fixdiv(&fnkc, 2, fb);
        fek = tml_kf_add(fk, fnkc, fb);
        t = tml_kf_sub(fk, fnkc, fb);
        fok = tml_kf_cmul(t, super[k - 1], fb);
        tmp[k] = tml_kf_add(fek, fok, fb);
        tmp[n - k] = tml_kf_sub(fek, fok, fb);
        tmp[n - k].i = tml_kf_wrap(-(int64_t)tmp[n - k].i, fb);
    }
    tml_kf_work(out, tmp, 1, p->factors, p);
}

/* scratch: (nfft + 1) + nfft + nfft complex int32 values */
static inline void tml_signal_irfft_s16_ref(const tml_signal_irfft_params *p, const int16_t *input, int16_t *output,
                                            void *scratch)
{
    tml_kf_cpx *freq = (tml_kf_cpx *)scratch;
    tml_kf_cpx *tmp = freq + p->nfft + 1;
    tml_kf_cpx *out = tmp + p->nfft;
    int32_t r, k;
    for (r = 0; r < p->rows; r++) {
        const int16_t *in = input + (size_t)r * (size_t)p->in_stride * 2u;
        int16_t *o = output + (size_t)r * (size_t)p->nfft * 2u;
        for (k = 0; k <= p->nfft; k++) {
            freq[k].r = in[2 * k];
            freq[k].i = in[2 * k + 1];
        }
        tml_kf_fftri(p, freq, tmp, out);
        for (k = 0; k < p->nfft; k++) {
            o[2 * k] = (int16_t)out[k].r;
            o[2 * k + 1] = (int16_t)out[k].i;
        }
    }
}

/* scratch: nfft complex int32 values */
static inline void tml_signal_irfft_s32_ref(const tml_signal_irfft_params *p, const int32_t *input, int32_t *output,
                                            void *scratch)
{
    int32_t r;
    for (r = 0; r < p->rows; r++) {
        tml_kf_fftri(p, (const tml_kf_cpx *)(input + (size_t)r * (size_t)p->in_stride * 2u), (tml_kf_cpx *)scratch,
                     (tml_kf_cpx *)(output + (size_t)r * (size_t)p->nfft * 2u));
    }
}

/* Float: the same stages without the fixed-point scaling. */
TML_FLOAT static inline tml_kf_cpx_f32 tml_kf_cmul_f32(tml_kf_cpx_f32 a, tml_kf_cpx_f32 b)
{
    TML_FP_EXACT
    tml_kf_cpx_f32 m;
    m.r = a.r * b.r - a.i * b.i;
    m.i = a.r * b.i + a.i * b.r;
    return m;
}

TML_FLOAT static inline void tml_kf_bfly_f32(tml_kf_cpx_f32 *out, int32_t fstride, const tml_signal_irfft_params *p,
                                             int32_t radix, int32_t m)
{
    TML_FP_EXACT
    const tml_kf_cpx_f32 *tw = (const tml_kf_cpx_f32 *)p->twiddles_f32;
    int32_t u;
    for (u = 0; u < m; u++) {
        tml_kf_cpx_f32 *f0 = out + u, *f1 = f0 + m, *f2 = f0 + 2 * m, *f3 = f0 + 3 * m, *f4 = f0 + 4 * m;
        tml_kf_cpx_f32 s[13];
        if (radix == 2) {
            s[0] = tml_kf_cmul_f32(*f1, tw[u * fstride]);
            f1->r = f0->r - s[0].r;
            f1->i = f0->i - s[0].i;
            f0->r += s[0].r;
            f0->i += s[0].i;
        } else if (radix == 4) {
            s[0] = tml_kf_cmul_f32(*f1, tw[u * fstride]);
            s[1] = tml_kf_cmul_f32(*f2, tw[2 * u * fstride]);
            s[2] = tml_kf_cmul_f32(*f3, tw[3 * u * fstride]);
            s[5].r = f0->r - s[1].r;
            s[5].i = f0->i - s[1].i;
            f0->r += s[1].r;
            f0->i += s[1].i;
            s[3].r = s[0].r + s[2].r;
            s[3].i = s[0].i + s[2].i;
            s[4].r = s[0].r - s[2].r;
            s[4].i = s[0].i - s[2].i;
            f2->r = f0->r - s[3].r;
            f2->i = f0->i - s[3].i;
            f0->r += s[3].r;
            f0->i += s[3].i;
            f1->r = s[5].r - s[4].i;
            f1->i = s[5].i + s[4].r;
            f3->r = s[5].r + s[4].i;
            f3->i = s[5].i - s[4].r;
        } else if (radix == 3) {
            const tml_kf_cpx_f32 epi3 = tw[fstride * m];
            s[1] = tml_kf_cmul_f32(*f1, tw[u * fstride]);
            s[2] = tml_kf_cmul_f32(*f2, tw[2 * u * fstride]);
            s[3].r = s[1].r + s[2].r;
            s[3].i = s[1].i + s[2].i;
            s[0].r = s[1].r - s[2].r;
            s[0].i = s[1].i - s[2].i;
            f1->r = f0->r - s[3].r * 0.5f;
            f1->i = f0->i - s[3].i * 0.5f;
            s[0].r *= epi3.i;
            s[0].i *= epi3.i;
            f0->r += s[3].r;
            f0->i += s[3].i;
            f2->r = f1->r + s[0].i;
            f2->i = f1->i - s[0].r;
            f1->r -= s[0].i;
            f1->i += s[0].r;
        } else { /* radix 5 */
            const tml_kf_cpx_f32 ya = tw[fstride * m], yb = tw[fstride * 2 * m];
            s[0] = *f0;
            s[1] = tml_kf_cmul_f32(*f1, tw[u * fstride]);
            s[2] = tml_kf_cmul_f32(*f2, tw[2 * u * fstride]);
            s[3] = tml_kf_cmul_f32(*f3, tw[3 * u * fstride]);
            s[4] = tml_kf_cmul_f32(*f4, tw[4 * u * fstride]);
            s[7].r = s[1].r + s[4].r;
            s[7].i = s[1].i + s[4].i;
            s[10].r = s[1].r - s[4].r;
            s[10].i = s[1].i - s[4].i;
            s[8].r = s[2].r + s[3].r;
            s[8].i = s[2].i + s[3].i;
            s[9].r = s[2].r - s[3].r;
            s[9].i = s[2].i - s[3].i;
            f0->r += s[7].r + s[8].r;
            f0->i += s[7].i + s[8].i;
            s[5].r = s[0].r + s[7].r * ya.r + s[8].r * yb.r;
            s[5].i = s[0].i + s[7].i * ya.r + s[8].i * yb.r;
            s[6].r = s[10].i * ya.i + s[9].i * yb.i;
            s[6].i = -(s[10].r * ya.i) - s[9].r * yb.i;
            f1->r = s[5].r - s[6].r;
            f1->i = s[5].i - s[6].i;
            f4->r = s[5].r + s[6].r;
            f4->i = s[5].i + s[6].i;
            s[11].r = s[0].r + s[7].r * yb.r + s[8].r * ya.r;
            s[11].i = s[0].i + s[7].i * yb.r + s[8].i * ya.r;
            s[12].r = -(s[10].i * yb.i) + s[9].i * ya.i;
            s[12].i = s[10].r * yb.i - s[9].r * ya.i;
            f2->r = s[11].r + s[12].r;
            f2->i = s[11].i + s[12].i;
            f3->r = s[11].r - s[12].r;
            f3->i = s[11].i - s[12].i;
        }
    }
}

static inline void tml_kf_work_f32(tml_kf_cpx_f32 *out, const tml_kf_cpx_f32 *in, int32_t fstride, const int32_t *factors,
                            const tml_signal_irfft_params *p)
{
    const int32_t radix = factors[0], m = factors[1];
    int32_t q;
    for (q = 0; q < radix; q++) {
        if (m == 1) {
            out[q] = in[q * fstride];
        } else {
            tml_kf_work_f32(out + q * m, in + q * fstride, fstride * radix, factors + 2, p);
        }
    }
    tml_kf_bfly_f32(out, fstride, p, radix, m);
}

/* scratch: nfft complex floats */
TML_FLOAT static inline void tml_signal_irfft_f32_ref(const tml_signal_irfft_params *p, const float *input,
                                                      float *output, void *scratch)
{
    TML_FP_EXACT
    const tml_kf_cpx_f32 *super = (const tml_kf_cpx_f32 *)p->super_twiddles_f32;
    const int32_t n = p->nfft;
    const float len = (float)(2 * n);
    tml_kf_cpx_f32 *tmp = (tml_kf_cpx_f32 *)scratch;
    int32_t r, k;
    for (r = 0; r < p->rows; r++) {
        const tml_kf_cpx_f32 *freq = (const tml_kf_cpx_f32 *)(input + (size_t)r * (size_t)p->in_stride * 2u);
        float *o = output + (size_t)r * (size_t)n * 2u;
        tmp[0].r = freq[0].r + freq[n].r;
        tmp[0].i = freq[0].r - freq[n].r;
        for (k = 1; k <= n / 2; k++) {
            tml_kf_cpx_f32 fk = freq[k], fnkc, fek, t, fok;
            fnkc.r = freq[n - k].r;
            fnkc.i = -freq[n - k].i;
            fek.r = fk.r + fnkc.r;
            fek.i = fk.i + fnkc.i;
            t.r = fk.r - fnkc.r;
            t.i = fk.i - fnkc.i;
            fok = tml_kf_cmul_f32(t, super[k - 1]);
            tmp[k].r = fek.r + fok.r;
            tmp[k].i = fek.i + fok.i;
            tmp[n - k].r = fek.r - fok.r;
            tmp[n - k].i = -(fek.i - fok.i);
        }
        tml_kf_work_f32((tml_kf_cpx_f32 *)o, tmp, 1, p->factors, p);
        for (k = 0; k < 2 * n; k++) {
            o[k] /= len;
        }
    }
}

#endif /* TINYML_REF_SIGNAL_STREAM_FFT_H */
