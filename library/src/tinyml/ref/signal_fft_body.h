/*
 * The kissfft core shared by SignalRfft (forward) and SignalIrfft (inverse), once per scalar type:
 * ref/signal_fft_core.h defines TML_FFT_T (the scalar), TML_FFT_F(name) (the type's function name),
 * TML_FFT_ATTR (function attributes: TML_FLOAT for float) and the type's arithmetic
 * tml_fft_<sfx>_{add, sub, neg, half, half_add, half_sub, smul, mul, fixdiv}, then includes this file.
 * The steps are kissfft's (kf_work, kf_bfly2/3/4/5, kiss_fftr, kiss_fftri) in its order of operations;
 * the direction is in the twiddles, except in the radix-4 butterfly (`inverse`). No include guard on
 * purpose. Complex values are interleaved (re, im) scalars.
 */
static inline TML_FFT_ATTR void TML_FFT_F(bfly2)(TML_FFT_T *f, int32_t fstride, const TML_FFT_T *tw, int32_t m)
{
    TML_FFT_T *f2 = f + 2 * m, t[2];
    int32_t k;
    for (k = 0; k < m; k++, f += 2, f2 += 2, tw += 2 * fstride) {
        TML_FFT_F(fixdiv)(f, 2);
        TML_FFT_F(fixdiv)(f2, 2);
        TML_FFT_F(mul)(t, f2, tw);
        f2[0] = TML_FFT_F(sub)(f[0], t[0]);
        f2[1] = TML_FFT_F(sub)(f[1], t[1]);
        f[0] = TML_FFT_F(add)(f[0], t[0]);
        f[1] = TML_FFT_F(add)(f[1], t[1]);
    }
}

static inline TML_FFT_ATTR void TML_FFT_F(bfly4)(TML_FFT_T *f, int32_t fstride, const TML_FFT_T *tw, int32_t m,
                                                  int32_t inverse)
{
    const TML_FFT_T *tw1 = tw, *tw2 = tw, *tw3 = tw;
    TML_FFT_T s0[2], s1[2], s2[2], s3[2], s4[2], s5[2], *f1, *f2, *f3;
    int32_t k;
    for (k = 0; k < m; k++, f += 2, tw1 += 2 * fstride, tw2 += 4 * fstride, tw3 += 6 * fstride) {
        f1 = f + 2 * m;
        f2 = f + 4 * m;
        f3 = f + 6 * m;
        TML_FFT_F(fixdiv)(f, 4);
        TML_FFT_F(fixdiv)(f1, 4);
        TML_FFT_F(fixdiv)(f2, 4);
        TML_FFT_F(fixdiv)(f3, 4);
        TML_FFT_F(mul)(s0, f1, tw1);
        TML_FFT_F(mul)(s1, f2, tw2);
        TML_FFT_F(mul)(s2, f3, tw3);
        s5[0] = TML_FFT_F(sub)(f[0], s1[0]);
        s5[1] = TML_FFT_F(sub)(f[1], s1[1]);
        f[0] = TML_FFT_F(add)(f[0], s1[0]);
        f[1] = TML_FFT_F(add)(f[1], s1[1]);
        s3[0] = TML_FFT_F(add)(s0[0], s2[0]);
        s3[1] = TML_FFT_F(add)(s0[1], s2[1]);
        s4[0] = TML_FFT_F(sub)(s0[0], s2[0]);
        s4[1] = TML_FFT_F(sub)(s0[1], s2[1]);
        f2[0] = TML_FFT_F(sub)(f[0], s3[0]);
        f2[1] = TML_FFT_F(sub)(f[1], s3[1]);
        f[0] = TML_FFT_F(add)(f[0], s3[0]);
        f[1] = TML_FFT_F(add)(f[1], s3[1]);
        if (inverse) {
            f1[0] = TML_FFT_F(sub)(s5[0], s4[1]);
            f1[1] = TML_FFT_F(add)(s5[1], s4[0]);
            f3[0] = TML_FFT_F(add)(s5[0], s4[1]);
            f3[1] = TML_FFT_F(sub)(s5[1], s4[0]);
        } else {
            f1[0] = TML_FFT_F(add)(s5[0], s4[1]);
            f1[1] = TML_FFT_F(sub)(s5[1], s4[0]);
            f3[0] = TML_FFT_F(sub)(s5[0], s4[1]);
            f3[1] = TML_FFT_F(add)(s5[1], s4[0]);
        }
    }
}

static inline TML_FFT_ATTR void TML_FFT_F(bfly3)(TML_FFT_T *f, int32_t fstride, const TML_FFT_T *tw, int32_t m)
{
    const TML_FFT_T *tw1 = tw, *tw2 = tw;
    const TML_FFT_T epi3_im = tw[2 * fstride * m + 1];
    TML_FFT_T s0[2], s1[2], s2[2], s3[2], *f1, *f2;
    int32_t k;
    for (k = 0; k < m; k++, f += 2, tw1 += 2 * fstride, tw2 += 4 * fstride) {
        f1 = f + 2 * m;
        f2 = f + 4 * m;
        TML_FFT_F(fixdiv)(f, 3);
        TML_FFT_F(fixdiv)(f1, 3);
        TML_FFT_F(fixdiv)(f2, 3);
        TML_FFT_F(mul)(s1, f1, tw1);
        TML_FFT_F(mul)(s2, f2, tw2);
        s3[0] = TML_FFT_F(add)(s1[0], s2[0]);
        s3[1] = TML_FFT_F(add)(s1[1], s2[1]);
        s0[0] = TML_FFT_F(sub)(s1[0], s2[0]);
        s0[1] = TML_FFT_F(sub)(s1[1], s2[1]);
        f1[0] = TML_FFT_F(sub)(f[0], TML_FFT_F(half)(s3[0]));
        f1[1] = TML_FFT_F(sub)(f[1], TML_FFT_F(half)(s3[1]));
        s0[0] = TML_FFT_F(smul)(s0[0], epi3_im);
        s0[1] = TML_FFT_F(smul)(s0[1], epi3_im);
        f[0] = TML_FFT_F(add)(f[0], s3[0]);
        f[1] = TML_FFT_F(add)(f[1], s3[1]);
        f2[0] = TML_FFT_F(add)(f1[0], s0[1]);
        f2[1] = TML_FFT_F(sub)(f1[1], s0[0]);
        f1[0] = TML_FFT_F(sub)(f1[0], s0[1]);
        f1[1] = TML_FFT_F(add)(f1[1], s0[0]);
    }
}

static inline TML_FFT_ATTR void TML_FFT_F(bfly5)(TML_FFT_T *f, int32_t fstride, const TML_FFT_T *tw, int32_t m)
{
    const TML_FFT_T *ya = tw + 2 * fstride * m, *yb = tw + 4 * fstride * m;
    TML_FFT_T s[13][2], *f0, *f1, *f2, *f3, *f4;
    int32_t u, c;
    for (u = 0; u < m; u++) {
        f0 = f + 2 * u;
        f1 = f0 + 2 * m;
        f2 = f0 + 4 * m;
        f3 = f0 + 6 * m;
        f4 = f0 + 8 * m;
        TML_FFT_F(fixdiv)(f0, 5);
        TML_FFT_F(fixdiv)(f1, 5);
        TML_FFT_F(fixdiv)(f2, 5);
        TML_FFT_F(fixdiv)(f3, 5);
        TML_FFT_F(fixdiv)(f4, 5);
        s[0][0] = f0[0];
        s[0][1] = f0[1];
        TML_FFT_F(mul)(s[1], f1, tw + 2 * u * fstride);
        TML_FFT_F(mul)(s[2], f2, tw + 4 * u * fstride);
        TML_FFT_F(mul)(s[3], f3, tw + 6 * u * fstride);
        TML_FFT_F(mul)(s[4], f4, tw + 8 * u * fstride);
        for (c = 0; c < 2; c++) {
            s[7][c] = TML_FFT_F(add)(s[1][c], s[4][c]);
            s[10][c] = TML_FFT_F(sub)(s[1][c], s[4][c]);
            s[8][c] = TML_FFT_F(add)(s[2][c], s[3][c]);
            s[9][c] = TML_FFT_F(sub)(s[2][c], s[3][c]);
        }
        for (c = 0; c < 2; c++) {
            f0[c] = TML_FFT_F(add)(f0[c], TML_FFT_F(add)(s[7][c], s[8][c]));
            s[5][c] = TML_FFT_F(add)(TML_FFT_F(add)(s[0][c], TML_FFT_F(smul)(s[7][c], ya[0])),
                                     TML_FFT_F(smul)(s[8][c], yb[0]));
        }
        s[6][0] = TML_FFT_F(add)(TML_FFT_F(smul)(s[10][1], ya[1]), TML_FFT_F(smul)(s[9][1], yb[1]));
        s[6][1] = TML_FFT_F(sub)(TML_FFT_F(neg)(TML_FFT_F(smul)(s[10][0], ya[1])), TML_FFT_F(smul)(s[9][0], yb[1]));
        f1[0] = TML_FFT_F(sub)(s[5][0], s[6][0]);
        f1[1] = TML_FFT_F(sub)(s[5][1], s[6][1]);
        f4[0] = TML_FFT_F(add)(s[5][0], s[6][0]);
        f4[1] = TML_FFT_F(add)(s[5][1], s[6][1]);
        for (c = 0; c < 2; c++) {
            s[11][c] = TML_FFT_F(add)(TML_FFT_F(add)(s[0][c], TML_FFT_F(smul)(s[7][c], yb[0])),
                                      TML_FFT_F(smul)(s[8][c], ya[0]));
        }
        s[12][0] = TML_FFT_F(add)(TML_FFT_F(neg)(TML_FFT_F(smul)(s[10][1], yb[1])), TML_FFT_F(smul)(s[9][1], ya[1]));
        s[12][1] = TML_FFT_F(sub)(TML_FFT_F(smul)(s[10][0], yb[1]), TML_FFT_F(smul)(s[9][0], ya[1]));
        f2[0] = TML_FFT_F(add)(s[11][0], s[12][0]);
        f2[1] = TML_FFT_F(add)(s[11][1], s[12][1]);
        f3[0] = TML_FFT_F(sub)(s[11][0], s[12][0]);
        f3[1] = TML_FFT_F(sub)(s[11][1], s[12][1]);
    }
}

/* One stage of the decimation in time: p sub-FFTs of length m (recursively), then their butterflies. The
   input is complex (re, im) pairs from pair `pos` on, read as zero from scalar `len` on (the forward real
   FFT's zero padding; the inverse passes the whole length). */
static inline TML_FFT_ATTR void TML_FFT_F(work)(TML_FFT_T *out, const TML_FFT_T *in, int32_t pos, int32_t len,
                                                int32_t fstride, const int32_t *factors, const TML_FFT_T *tw,
                                                int32_t inverse)
{
    const int32_t p = factors[0], m = factors[1];
    int32_t q;
    for (q = 0; q < p; q++, pos += fstride) {
        if (m == 1) {
            out[2 * q] = 2 * pos < len ? in[2 * pos] : (TML_FFT_T)0;
            out[2 * q + 1] = 2 * pos + 1 < len ? in[2 * pos + 1] : (TML_FFT_T)0;
        } else {
            TML_FFT_F(work)(out + 2 * q * m, in, pos, len, fstride * p, factors + 2, tw, inverse);
        }
    }
    switch (p) {
    case 2: TML_FFT_F(bfly2)(out, fstride, tw, m); break;
    case 3: TML_FFT_F(bfly3)(out, fstride, tw, m); break;
    case 4: TML_FFT_F(bfly4)(out, fstride, tw, m, inverse); break;
    default: TML_FFT_F(bfly5)(out, fstride, tw, m); break;
    }
}

/* kiss_fftr's split: fd holds the complex FFT of n points of (even, odd) sample pairs; it becomes the real
   FFT's n + 1 bins in place (bins k and n - k are read before they are written). */
static inline TML_FFT_ATTR void TML_FFT_F(rfft_split)(TML_FFT_T *fd, int32_t n, const TML_FFT_T *super_twiddles)
{
    TML_FFT_T dc[2];
    int32_t k;
    dc[0] = fd[0];
    dc[1] = fd[1];
    TML_FFT_F(fixdiv)(dc, 2);
    fd[0] = TML_FFT_F(add)(dc[0], dc[1]);
    fd[2 * n] = TML_FFT_F(sub)(dc[0], dc[1]);
    fd[1] = 0;
    fd[2 * n + 1] = 0;
    for (k = 1; k <= n / 2; k++) {
        TML_FFT_T fpk[2], fpnk[2], f1k[2], f2k[2], t[2];
        fpk[0] = fd[2 * k];
        fpk[1] = fd[2 * k + 1];
        fpnk[0] = fd[2 * (n - k)];
        fpnk[1] = TML_FFT_F(neg)(fd[2 * (n - k) + 1]);
        TML_FFT_F(fixdiv)(fpk, 2);
        TML_FFT_F(fixdiv)(fpnk, 2);
        f1k[0] = TML_FFT_F(add)(fpk[0], fpnk[0]);
        f1k[1] = TML_FFT_F(add)(fpk[1], fpnk[1]);
        f2k[0] = TML_FFT_F(sub)(fpk[0], fpnk[0]);
        f2k[1] = TML_FFT_F(sub)(fpk[1], fpnk[1]);
        TML_FFT_F(mul)(t, f2k, super_twiddles + 2 * (k - 1));
        fd[2 * k] = TML_FFT_F(half_add)(f1k[0], t[0]);
        fd[2 * k + 1] = TML_FFT_F(half_add)(f1k[1], t[1]);
        fd[2 * (n - k)] = TML_FFT_F(half_sub)(f1k[0], t[0]);
        fd[2 * (n - k) + 1] = TML_FFT_F(half_sub)(t[1], f1k[1]);
    }
}

/* Real FFT of each row (kiss_fftr), zero-padded to fft_length: rows of fft_length / 2 + 1 complex values.
   No scratch: the padding is read as zeros, the complex FFT is computed in the output row. */
static inline TML_FFT_ATTR void TML_FFT_F(rfft)(const TML_FFT_T *input, TML_FFT_T *output, int32_t rows,
                                                int32_t input_length, int32_t fft_length, const int32_t *factors,
                                                const TML_FFT_T *twiddles, const TML_FFT_T *super_twiddles)
{
    const int32_t n = fft_length / 2; /* complex points */
    int32_t row;
    for (row = 0; row < rows; row++) {
        TML_FFT_T *fd = output + row * 2 * (n + 1);
        TML_FFT_F(work)(fd, input + row * input_length, 0, input_length, 1, factors, twiddles, 0);
        TML_FFT_F(rfft_split)(fd, n, super_twiddles);
    }
}

/* kiss_fftri's split: the n + 1 bins of a real signal's spectrum (freq) into the n complex values (tmp)
   whose inverse complex FFT is the signal. */
static inline TML_FFT_ATTR void TML_FFT_F(irfft_split)(const TML_FFT_T *freq, TML_FFT_T *tmp, int32_t n,
                                                       const TML_FFT_T *super_twiddles)
{
    int32_t k;
    tmp[0] = TML_FFT_F(add)(freq[0], freq[2 * n]);
    tmp[1] = TML_FFT_F(sub)(freq[0], freq[2 * n]);
    TML_FFT_F(fixdiv)(tmp, 2);
    for (k = 1; k <= n / 2; k++) {
        TML_FFT_T fk[2], fnkc[2], fek[2], t[2], fok[2];
        fk[0] = freq[2 * k];
        fk[1] = freq[2 * k + 1];
        fnkc[0] = freq[2 * (n - k)];
        fnkc[1] = TML_FFT_F(neg)(freq[2 * (n - k) + 1]);
        TML_FFT_F(fixdiv)(fk, 2);
        TML_FFT_F(fixdiv)(fnkc, 2);
        fek[0] = TML_FFT_F(add)(fk[0], fnkc[0]);
        fek[1] = TML_FFT_F(add)(fk[1], fnkc[1]);
        t[0] = TML_FFT_F(sub)(fk[0], fnkc[0]);
        t[1] = TML_FFT_F(sub)(fk[1], fnkc[1]);
        TML_FFT_F(mul)(fok, t, super_twiddles + 2 * (k - 1));
        tmp[2 * k] = TML_FFT_F(add)(fek[0], fok[0]);
        tmp[2 * k + 1] = TML_FFT_F(add)(fek[1], fok[1]);
        tmp[2 * (n - k)] = TML_FFT_F(sub)(fek[0], fok[0]);
        tmp[2 * (n - k) + 1] = TML_FFT_F(neg)(TML_FFT_F(sub)(fek[1], fok[1]));
    }
}

/* Inverse real FFT of one row (kiss_fftri): freq holds n + 1 complex bins, tmp n complex values of
   scratch, out receives the n complex (2 n real) samples, unscaled for float. */
static inline TML_FFT_ATTR void TML_FFT_F(irfft_row)(const TML_FFT_T *freq, TML_FFT_T *tmp, TML_FFT_T *out, int32_t n,
                                                     const int32_t *factors, const TML_FFT_T *twiddles,
                                                     const TML_FFT_T *super_twiddles)
{
    TML_FFT_F(irfft_split)(freq, tmp, n, super_twiddles);
    TML_FFT_F(work)(out, tmp, 0, 2 * n, 1, factors, twiddles, 1);
}
