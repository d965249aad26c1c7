/*
 * The body of the SignalRfft reference kernel, once per scalar type: ref/signal_fft.h defines
 * TML_FFT_T (the scalar), TML_FFT_F(name) (the type's function name), TML_FFT_ATTR (function attributes:
 * TML_FLOAT for float) and the type's arithmetic
 * tml_fft_<sfx>_{add, sub, neg, half, half_add, half_sub, smul, mul, fixdiv}, then includes this file.
 * The steps are kissfft's (kf_work, kf_bfly2/3/4/5, kiss_fftr) in its order of operations; no include
 * guard on purpose. Complex values are interleaved (re, im) scalars.
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

static inline TML_FFT_ATTR void TML_FFT_F(bfly4)(TML_FFT_T *f, int32_t fstride, const TML_FFT_T *tw, int32_t m)
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
        f1[0] = TML_FFT_F(add)(s5[0], s4[1]);
        f1[1] = TML_FFT_F(sub)(s5[1], s4[0]);
        f3[0] = TML_FFT_F(sub)(s5[0], s4[1]);
        f3[1] = TML_FFT_F(add)(s5[1], s4[0]);
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
   input is the row's samples as complex (even, odd) pairs from pair `pos` on, zero from sample `len` on. */
static inline TML_FFT_ATTR void TML_FFT_F(work)(TML_FFT_T *out, const TML_FFT_T *in, int32_t pos, int32_t len, int32_t fstride,
                                   const int32_t *factors, const TML_FFT_T *tw)
{
    const int32_t p = factors[0], m = factors[1];
    int32_t q;
    for (q = 0; q < p; q++, pos += fstride) {
        if (m == 1) {
            out[2 * q] = 2 * pos < len ? in[2 * pos] : (TML_FFT_T)0;
            out[2 * q + 1] = 2 * pos + 1 < len ? in[2 * pos + 1] : (TML_FFT_T)0;
        } else {
            TML_FFT_F(work)(out + 2 * q * m, in, pos, len, fstride * p, factors + 2, tw);
        }
    }
    switch (p) {
    case 2: TML_FFT_F(bfly2)(out, fstride, tw, m); break;
    case 3: TML_FFT_F(bfly3)(out, fstride, tw, m); break;
    case 4: TML_FFT_F(bfly4)(out, fstride, tw, m); break;
    default: TML_FFT_F(bfly5)(out, fstride, tw, m); break;
    }
}

/* Real FFT of each row (kiss_fftr), zero-padded to fft_length: rows of fft_length / 2 + 1 complex values.
   No scratch: the padding is read as zeros, the complex FFT is computed in the output row. */
static inline TML_FFT_ATTR void TML_FFT_F(rfft)(const TML_FFT_T *input, TML_FFT_T *output, int32_t rows, int32_t input_length,
                                   int32_t fft_length, const int32_t *factors, const TML_FFT_T *twiddles,
                                   const TML_FFT_T *super_twiddles)
{
    const int32_t n = fft_length / 2; /* complex points */
    int32_t row, k;
    for (row = 0; row < rows; row++) {
        TML_FFT_T *fd = output + row * 2 * (n + 1), dc[2];
        /* the complex FFT of the (even, odd) sample pairs, written where the spectrum goes: the split below
           reads bins k and n - k before it writes them */
        TML_FFT_F(work)(fd, input + row * input_length, 0, input_length, 1, factors, twiddles);
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
}
