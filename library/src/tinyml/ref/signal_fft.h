/*
 * Reference kernel of SignalRfft (int16): the fixed-point mixed-radix FFT that TFLM builds from
 * kissfft with FIXED_POINT 16, computed the same way step by step so that every rounding and every
 * wrap to int16 is the same. Complex values are interleaved (re, im) int16 pairs.
 *
 * Arithmetic (all products in int32): round(x) = (int16)((x + 2^14) >> 15);
 * mul(a, b) = (round(a.re b.re - a.im b.im), round(a.re b.im + a.im b.re));
 * fixdiv(c, k) = (round(c.re * (32767 / k)), round(c.im * (32767 / k)));
 * additions in int, stored back to int16 (wrapping).
 * Included by ops/signal.h.
 */
#ifndef TINYML_REF_SIGNAL_FFT_H
#define TINYML_REF_SIGNAL_FFT_H

static inline int16_t tml_fft16_round(int32_t x)
{
    return (int16_t)((x + (1 << 14)) >> 15);
}

/* c /= k, as kissfft's C_FIXDIV */
static inline void tml_fft16_fixdiv(int16_t *c, int32_t k)
{
    const int32_t s = 32767 / k;
    c[0] = tml_fft16_round(c[0] * s);
    c[1] = tml_fft16_round(c[1] * s);
}

/* m = a * b (m must not alias a or b) */
static inline void tml_fft16_mul(int16_t *m, const int16_t *a, const int16_t *b)
{
    m[0] = tml_fft16_round((int32_t)a[0] * b[0] - (int32_t)a[1] * b[1]);
    m[1] = tml_fft16_round((int32_t)a[0] * b[1] + (int32_t)a[1] * b[0]);
}

static inline int16_t tml_fft16_smul(int32_t a, int32_t b)
{
    return tml_fft16_round(a * b);
}

static inline void tml_fft16_bfly2(int16_t *f, int32_t fstride, const int16_t *tw, int32_t m)
{
    int16_t *f2 = f + 2 * m;
    int16_t t[2];
    int32_t k;
    for (k = 0; k < m; k++, f += 2, f2 += 2, tw += 2 * fstride) {
        tml_fft16_fixdiv(f, 2);
        tml_fft16_fixdiv(f2, 2);
        tml_fft16_mul(t, f2, tw);
        f2[0] = (int16_t)(f[0] - t[0]);
        f2[1] = (int16_t)(f[1] - t[1]);
        f[0] = (int16_t)(f[0] + t[0]);
        f[1] = (int16_t)(f[1] + t[1]);
    }
}

static inline void tml_fft16_bfly4(int16_t *f, int32_t fstride, const int16_t *tw, int32_t m)
{
    const int16_t *tw1 = tw, *tw2 = tw, *tw3 = tw;
    int16_t s0[2], s1[2], s2[2], s3[2], s4[2], s5[2];
    int16_t *f1, *f2, *f3;
    int32_t k;
    for (k = 0; k < m; k++, f += 2) {
        f1 = f + 2 * m;
        f2 = f + 4 * m;
        f3 = f + 6 * m;
        tml_fft16_fixdiv(f, 4);
        tml_fft16_fixdiv(f1, 4);
        tml_fft16_fixdiv(f2, 4);
        tml_fft16_fixdiv(f3, 4);
        tml_fft16_mul(s0, f1, tw1);
        tml_fft16_mul(s1, f2, tw2);
        tml_fft16_mul(s2, f3, tw3);
        s5[0] = (int16_t)(f[0] - s1[0]);
        s5[1] = (int16_t)(f[1] - s1[1]);
        f[0] = (int16_t)(f[0] + s1[0]);
        f[1] = (int16_t)(f[1] + s1[1]);
        s3[0] = (int16_t)(s0[0] + s2[0]);
        s3[1] = (int16_t)(s0[1] + s2[1]);
        s4[0] = (int16_t)(s0[0] - s2[0]);
        s4[1] = (int16_t)(s0[1] - s2[1]);
        f2[0] = (int16_t)(f[0] - s3[0]);
        f2[1] = (int16_t)(f[1] - s3[1]);
        tw1 += 2 * fstride;
        tw2 += 4 * fstride;
        tw3 += 6 * fstride;
        f[0] = (int16_t)(f[0] + s3[0]);
        f[1] = (int16_t)(f[1] + s3[1]);
        f1[0] = (int16_t)(s5[0] + s4[1]);
        f1[1] = (int16_t)(s5[1] - s4[0]);
        f3[0] = (int16_t)(s5[0] - s4[1]);
        f3[1] = (int16_t)(s5[1] + s4[0]);
    }
}

static inline void tml_fft16_bfly3(int16_t *f, int32_t fstride, const int16_t *tw, int32_t m)
{
    const int16_t *tw1 = tw, *tw2 = tw;
    const int16_t epi3_im = tw[2 * fstride * m + 1];
    int16_t s0[2], s1[2], s2[2], s3[2];
    int16_t *f1, *f2;
    int32_t k;
    for (k = 0; k < m; k++, f += 2) {
        f1 = f + 2 * m;
        f2 = f + 4 * m;
        tml_fft16_fixdiv(f, 3);
        tml_fft16_fixdiv(f1, 3);
        tml_fft16_fixdiv(f2, 3);
        tml_fft16_mul(s1, f1, tw1);
        tml_fft16_mul(s2, f2, tw2);
        s3[0] = (int16_t)(s1[0] + s2[0]);
        s3[1] = (int16_t)(s1[1] + s2[1]);
        s0[0] = (int16_t)(s1[0] - s2[0]);
        s0[1] = (int16_t)(s1[1] - s2[1]);
        tw1 += 2 * fstride;
        tw2 += 4 * fstride;
        f1[0] = (int16_t)(f[0] - (s3[0] >> 1));
        f1[1] = (int16_t)(f[1] - (s3[1] >> 1));
        s0[0] = tml_fft16_smul(s0[0], epi3_im);
        s0[1] = tml_fft16_smul(s0[1], epi3_im);
        f[0] = (int16_t)(f[0] + s3[0]);
        f[1] = (int16_t)(f[1] + s3[1]);
        f2[0] = (int16_t)(f1[0] + s0[1]);
        f2[1] = (int16_t)(f1[1] - s0[0]);
        f1[0] = (int16_t)(f1[0] - s0[1]);
        f1[1] = (int16_t)(f1[1] + s0[0]);
    }
}

static inline void tml_fft16_bfly5(int16_t *f, int32_t fstride, const int16_t *tw, int32_t m)
{
    const int16_t *ya = tw + 2 * fstride * m, *yb = tw + 4 * fstride * m;
    int16_t s[13][2];
    int16_t *f0, *f1, *f2, *f3, *f4;
    int32_t u;
    for (u = 0; u < m; u++) {
        f0 = f + 2 * u;
        f1 = f0 + 2 * m;
        f2 = f0 + 4 * m;
        f3 = f0 + 6 * m;
        f4 = f0 + 8 * m;
        tml_fft16_fixdiv(f0, 5);
        tml_fft16_fixdiv(f1, 5);
        tml_fft16_fixdiv(f2, 5);
        tml_fft16_fixdiv(f3, 5);
        tml_fft16_fixdiv(f4, 5);
        s[0][0] = f0[0];
        s[0][1] = f0[1];
        tml_fft16_mul(s[1], f1, tw + 2 * u * fstride);
        tml_fft16_mul(s[2], f2, tw + 4 * u * fstride);
        tml_fft16_mul(s[3], f3, tw + 6 * u * fstride);
        tml_fft16_mul(s[4], f4, tw + 8 * u * fstride);
        s[7][0] = (int16_t)(s[1][0] + s[4][0]);
        s[7][1] = (int16_t)(s[1][1] + s[4][1]);
        s[10][0] = (int16_t)(s[1][0] - s[4][0]);
        s[10][1] = (int16_t)(s[1][1] - s[4][1]);
        s[8][0] = (int16_t)(s[2][0] + s[3][0]);
        s[8][1] = (int16_t)(s[2][1] + s[3][1]);
        s[9][0] = (int16_t)(s[2][0] - s[3][0]);
        s[9][1] = (int16_t)(s[2][1] - s[3][1]);
        f0[0] = (int16_t)(f0[0] + s[7][0] + s[8][0]);
        f0[1] = (int16_t)(f0[1] + s[7][1] + s[8][1]);
        s[5][0] = (int16_t)(s[0][0] + tml_fft16_smul(s[7][0], ya[0]) + tml_fft16_smul(s[8][0], yb[0]));
        s[5][1] = (int16_t)(s[0][1] + tml_fft16_smul(s[7][1], ya[0]) + tml_fft16_smul(s[8][1], yb[0]));
        s[6][0] = (int16_t)(tml_fft16_smul(s[10][1], ya[1]) + tml_fft16_smul(s[9][1], yb[1]));
        s[6][1] = (int16_t)(-tml_fft16_smul(s[10][0], ya[1]) - tml_fft16_smul(s[9][0], yb[1]));
        f1[0] = (int16_t)(s[5][0] - s[6][0]);
        f1[1] = (int16_t)(s[5][1] - s[6][1]);
        f4[0] = (int16_t)(s[5][0] + s[6][0]);
        f4[1] = (int16_t)(s[5][1] + s[6][1]);
        s[11][0] = (int16_t)(s[0][0] + tml_fft16_smul(s[7][0], yb[0]) + tml_fft16_smul(s[8][0], ya[0]));
        s[11][1] = (int16_t)(s[0][1] + tml_fft16_smul(s[7][1], yb[0]) + tml_fft16_smul(s[8][1], ya[0]));
        s[12][0] = (int16_t)(-tml_fft16_smul(s[10][1], yb[1]) + tml_fft16_smul(s[9][1], ya[1]));
        s[12][1] = (int16_t)(tml_fft16_smul(s[10][0], yb[1]) - tml_fft16_smul(s[9][0], ya[1]));
        f2[0] = (int16_t)(s[11][0] + s[12][0]);
        f2[1] = (int16_t)(s[11][1] + s[12][1]);
        f3[0] = (int16_t)(s[11][0] - s[12][0]);
        f3[1] = (int16_t)(s[11][1] - s[12][1]);
    }
}

/* One stage of the decimation in time: p sub-FFTs of length m (recursively), then their butterflies. */
static inline void tml_fft16_work(int16_t *out, const int16_t *in, int32_t fstride, const int32_t *factors,
                                  const int16_t *tw)
{
    const int32_t p = factors[0], m = factors[1];
    int32_t q;
    for (q = 0; q < p; q++) {
        if (m == 1) {
            out[2 * q] = in[0];
            out[2 * q + 1] = in[1];
        } else {
            tml_fft16_work(out + 2 * q * m, in, fstride * p, factors + 2, tw);
        }
        in += 2 * fstride;
    }
    switch (p) {
    case 2: tml_fft16_bfly2(out, fstride, tw, m); break;
    case 3: tml_fft16_bfly3(out, fstride, tw, m); break;
    case 4: tml_fft16_bfly4(out, fstride, tw, m); break;
    default: tml_fft16_bfly5(out, fstride, tw, m); break;
    }
}

/** Real FFT of each row: output rows of fft_length / 2 + 1 complex values. scratch: fft_length int16. */
static inline void tml_signal_rfft_s16_ref(const tml_signal_rfft_s16_params *p, const int16_t *input, int16_t *output,
                                           int16_t *scratch)
{
    const int32_t n = p->fft_length / 2; /* complex points */
    int32_t row, k;
    for (row = 0; row < p->rows; row++) {
        int16_t *fd = output + row * 2 * (n + 1);
        int16_t dc[2];
        memcpy(scratch, input + row * p->input_length, (size_t)p->input_length * sizeof(int16_t));
        memset(scratch + p->input_length, 0, (size_t)(p->fft_length - p->input_length) * sizeof(int16_t));
        /* the complex FFT of the even/odd samples as (re, im), written where the spectrum goes: the split
           below reads bins k and n - k before writing them */
        tml_fft16_work(fd, scratch, 1, p->factors, p->twiddles);
        dc[0] = fd[0];
        dc[1] = fd[1];
        tml_fft16_fixdiv(dc, 2);
        fd[0] = (int16_t)(dc[0] + dc[1]);
        fd[2 * n] = (int16_t)(dc[0] - dc[1]);
        fd[1] = 0;
        fd[2 * n + 1] = 0;
        for (k = 1; k <= n / 2; k++) {
            int16_t fpk[2], fpnk[2], f1k[2], f2k[2], tw[2];
            fpk[0] = fd[2 * k];
            fpk[1] = fd[2 * k + 1];
            fpnk[0] = fd[2 * (n - k)];
            fpnk[1] = (int16_t)-fd[2 * (n - k) + 1];
            tml_fft16_fixdiv(fpk, 2);
            tml_fft16_fixdiv(fpnk, 2);
            f1k[0] = (int16_t)(fpk[0] + fpnk[0]);
            f1k[1] = (int16_t)(fpk[1] + fpnk[1]);
            f2k[0] = (int16_t)(fpk[0] - fpnk[0]);
            f2k[1] = (int16_t)(fpk[1] - fpnk[1]);
            tml_fft16_mul(tw, f2k, p->super_twiddles + 2 * (k - 1));
            fd[2 * k] = (int16_t)((f1k[0] + tw[0]) >> 1);
            fd[2 * k + 1] = (int16_t)((f1k[1] + tw[1]) >> 1);
            fd[2 * (n - k)] = (int16_t)((f1k[0] - tw[0]) >> 1);
            fd[2 * (n - k) + 1] = (int16_t)((tw[1] - f1k[1]) >> 1);
        }
    }
}

#endif /* TINYML_REF_SIGNAL_FFT_H */
