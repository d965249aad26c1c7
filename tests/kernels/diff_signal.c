/*
 * Differential test of the Signal family's optimized kernels against the reference kernels: the int16
 * real FFT (SignalRfft) and inverse real FFT (SignalIrfft) for every fft_length up to 1024 whose half
 * factors into 2, 3 and 5 (radix-4/2 butterflies on the DSP path, radix 3/5 mixed in), random rows and
 * zero padding; SignalWindow (random sizes, odd windows, shifts, in place); SignalFftAutoScale (odd and
 * even sizes, small amplitudes, a -32768 somewhere, in place); SignalEnergy (random bin ranges, in place);
 * SignalFilterBank (random bands, negative weights, energies of 2^31 and above); SignalFilterBankSquareRoot
 * (every magnitude up to 2^64 - 1, values next to squares, the rounding caps; FPU builds only). Inputs:
 * full-range random, small, the extremes (-32768 everywhere, alternating -32768 / 32767) so that every
 * wrap and rounding edge is reached. Every output value must be equal,
 * and nothing written past the output. Built for the target (tests/test_kernels_signal.py runs it under
 * QEMU for the Cortex-M4); prints one summary line per kernel and exits 1 on any mismatch.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tinyml.h"

#ifndef CASES
#define CASES 300
#endif

#define TEST_RNG_SEED 777u
#include "test_rng.h"

#define MAXN 1024 /* fft_length */

static int16_t in_buf[3 * (MAXN + 8)], ref_out[3 * (MAXN + 2) + 8], opt_out[3 * (MAXN + 2) + 8];
static int16_t scratch[MAXN + 8], tw[MAXN], stw[MAXN / 2];
static int32_t factors[64];
static uint32_t e_ref[MAXN + 8], e_opt[MAXN + 8];

static void fill(int16_t *buf, int32_t n)
{
    const uint32_t kind = rnd() % 6;
    int32_t i;
    for (i = 0; i < n; i++) {
        switch (kind) {
        case 0: buf[i] = -32768; break;
        case 1: buf[i] = (int16_t)((i & 1) ? 32767 : -32768); break;
        case 2: buf[i] = (int16_t)between(-64, 64); break;
        case 3: buf[i] = (int16_t)(rnd() % 2 ? -32768 : 32767); break;
        default: buf[i] = (int16_t)between(-32768, 32767); break;
        }
    }
}

/* kissfft's kf_factor; returns 0 if a factor above 5 remains */
static int kiss_factors(int32_t n)
{
    int32_t p = 4, i = 0;
    const double floor_sqrt = floor(sqrt((double)n));
    do {
        while (n % p) {
            p = p == 4 ? 2 : p == 2 ? 3 : p + 2;
            if (p > floor_sqrt) p = n;
        }
        n /= p;
        factors[i++] = p;
        factors[i++] = n;
        if (p > 5) return 0;
    } while (n > 1);
    return 1;
}

/* kiss_fft_alloc's / kiss_fftr_alloc's Q15 twiddles for n complex points (sign -1 forward, +1 inverse) */
static void twiddles(int32_t n, double sign)
{
    int32_t i;
    for (i = 0; i < n; i++) {
        const double ph = sign * 2 * 3.14159265358979323846 * i / n;
        tw[2 * i] = (int16_t)floor(0.5 + 32767 * cos(ph));
        tw[2 * i + 1] = (int16_t)floor(0.5 + 32767 * sin(ph));
    }
    for (i = 0; i < n / 2; i++) {
        const double ph = sign * 3.14159265358979323846 * ((double)(i + 1) / n + 0.5);
        stw[2 * i] = (int16_t)floor(0.5 + 32767 * cos(ph));
        stw[2 * i + 1] = (int16_t)floor(0.5 + 32767 * sin(ph));
    }
}

static int differ(const char *what, int32_t len, int32_t count, int bad)
{
    if (memcmp(ref_out, opt_out, (size_t)(count + 2) * 2u) != 0) {
        if (bad < 5) printf("%s fft_length %ld differs\n", what, (long)len);
        return 1;
    }
    return 0;
}

static int test_fft(int inverse)
{
    int bad = 0, cases = 0;
    int32_t len;
    for (len = 4; len <= MAXN; len += 2) {
        const int32_t n = len / 2;
        int32_t rep;
        if (!kiss_factors(n)) continue;
        twiddles(n, inverse ? 1.0 : -1.0);
        for (rep = 0; rep < (len <= 64 || len == 512 ? 6 : 2); rep++, cases++) {
            const int32_t rows = between(1, 3);
            int32_t count;
            memset(ref_out, 0x55, sizeof ref_out);
            memset(opt_out, 0x55, sizeof opt_out);
            if (!inverse) {
                tml_signal_rfft_s16_params p;
                p.rows = rows;
                p.input_length = rep == 0 ? len : between(1, len);
                p.fft_length = len;
                p.factors = factors;
                p.twiddles = tw;
                p.super_twiddles = stw;
                fill(in_buf + 1, rows * p.input_length);
                tml_signal_rfft_s16_ref(&p, in_buf + 1, ref_out + 1); /* odd offsets: unaligned words */
                tml_signal_rfft_s16(&p, in_buf + 1, opt_out + 1);
                count = rows * 2 * (n + 1);
            } else {
                tml_signal_irfft_params p;
                memset(&p, 0, sizeof p);
                p.rows = rows;
                p.nfft = n;
                p.in_stride = n + 1 + between(0, 2);
                p.fracbits = 15;
                p.factors = factors;
                p.twiddles_s16 = tw;
                p.super_twiddles_s16 = stw;
                fill(in_buf, rows * 2 * p.in_stride);
                tml_signal_irfft_s16_ref(&p, in_buf, ref_out + 1, scratch);
                tml_signal_irfft_s16(&p, in_buf, opt_out + 1, scratch + 1);
                count = rows * 2 * n;
            }
            bad += differ(inverse ? "irfft_s16" : "rfft_s16", len, count, bad);
        }
    }
    printf("%s: %d cases, %d differ\n", inverse ? "irfft_s16" : "rfft_s16", cases, bad);
    return bad;
}

static int test_window(void)
{
    int c, bad = 0;
    for (c = 0; c < CASES; c++) {
        tml_signal_window_params p;
        const int32_t off = (int32_t)(rnd() % 2);
        int16_t w[MAXN];
        p.weight_size = between(1, c % 4 == 0 ? 9 : 600);
        p.size = p.weight_size * between(1, 3);
        if (p.size > MAXN) p.size = p.weight_size;
        p.shift = c % 5 == 0 ? between(0, 31) : between(8, 15);
        fill(w, p.weight_size);
        fill(in_buf + off, p.size);
        memset(ref_out, 0x55, sizeof ref_out);
        memset(opt_out, 0x55, sizeof opt_out);
        tml_signal_window_s16_ref(&p, in_buf + off, w, ref_out + off);
        if (c % 2) { /* in place */
            memcpy(opt_out + off, in_buf + off, (size_t)p.size * 2u);
            tml_signal_window_s16(&p, opt_out + off, w, opt_out + off);
        } else {
            tml_signal_window_s16(&p, in_buf + off, w, opt_out + off);
        }
        if (memcmp(ref_out, opt_out, sizeof ref_out) != 0 && bad++ < 5) {
            printf("window_s16 case %d differs (size %ld, window %ld, shift %ld)\n", c, (long)p.size,
                   (long)p.weight_size, (long)p.shift);
        }
    }
    printf("window_s16: %d cases, %d differ\n", CASES, bad);
    return bad;
}

static int test_auto_scale(void)
{
    int c, bad = 0;
    for (c = 0; c < CASES; c++) {
        tml_signal_fft_auto_scale_params p;
        const int32_t off = (int32_t)(rnd() % 2);
        int32_t bits_ref = -1, bits_opt = -2, i;
        p.size = c < 4 ? c : between(1, 600);
        fill(in_buf + off, p.size);
        if (c % 3 == 0) { /* small amplitudes: large shifts */
            const int32_t amp = between(0, 14);
            for (i = 0; i < p.size; i++) in_buf[off + i] = (int16_t)(in_buf[off + i] >> (15 - amp));
        }
        if (c % 5 == 1 && p.size > 0) in_buf[off + between(0, p.size - 1)] = -32768; /* the wrapping maximum */
        memset(ref_out, 0x55, sizeof ref_out);
        memset(opt_out, 0x55, sizeof opt_out);
        tml_signal_fft_auto_scale_s16_ref(&p, in_buf + off, ref_out + off, &bits_ref);
        if (c % 2) { /* in place */
            memcpy(opt_out + off, in_buf + off, (size_t)p.size * 2u);
            tml_signal_fft_auto_scale_s16(&p, opt_out + off, opt_out + off, &bits_opt);
        } else {
            tml_signal_fft_auto_scale_s16(&p, in_buf + off, opt_out + off, &bits_opt);
        }
        if ((memcmp(ref_out, opt_out, sizeof ref_out) != 0 || bits_ref != bits_opt) && bad++ < 5) {
            printf("fft_auto_scale_s16 case %d differs (size %ld, bits %ld / %ld)\n", c, (long)p.size,
                   (long)bits_ref, (long)bits_opt);
        }
    }
    printf("fft_auto_scale_s16: %d cases, %d differ\n", CASES, bad);
    return bad;
}

static int test_filter_bank(void)
{
    static int16_t w[2000], u[2000], fstart[65], wstart[65], width[65];
    static uint64_t o_ref[64], o_opt[64];
    int c, bad = 0;
    for (c = 0; c < CASES; c++) {
        tml_signal_filter_bank_params p;
        const int32_t bins = between(1, 600);
        int32_t i, used = 0;
        p.num_channels = between(1, 64);
        for (i = 0; i < bins; i++) { /* energies: full range, small, or the largest */
            e_ref[i] = c % 3 == 0 ? (uint32_t)rnd() << 8 ^ rnd() : c % 3 == 1 ? rnd() % 70000u : 0xFFFFFFFFu;
        }
        for (i = 0; i <= p.num_channels; i++) {
            width[i] = (int16_t)between(0, 30);
            fstart[i] = (int16_t)between(0, bins - 1);
            if (fstart[i] + width[i] > bins) width[i] = (int16_t)(bins - fstart[i]);
            wstart[i] = (int16_t)used;
            used += width[i];
        }
        fill(w, used);
        fill(u, used);
        if (c % 2) { /* the usual weights: 0..4096 */
            for (i = 0; i < used; i++) {
                w[i] = (int16_t)((uint16_t)w[i] % 4097u);
                u[i] = (int16_t)(4096 - w[i]);
            }
        }
        memset(o_ref, 0x55, sizeof o_ref);
        memset(o_opt, 0x55, sizeof o_opt);
        tml_signal_filter_bank_u32_ref(&p, e_ref, w, u, fstart, wstart, width, o_ref);
        tml_signal_filter_bank_u32(&p, e_ref, w, u, fstart, wstart, width, o_opt);
        if (memcmp(o_ref, o_opt, sizeof o_ref) != 0 && bad++ < 5) {
            printf("filter_bank_u32 case %d differs (%ld channels)\n", c, (long)p.num_channels);
        }
    }
    printf("filter_bank_u32: %d cases, %d differ\n", CASES, bad);
    return bad;
}

static uint64_t rnd64(void)
{
    return (uint64_t)rnd() << 40 ^ (uint64_t)rnd() << 20 ^ rnd();
}

static int test_sqrt(void)
{
    static uint64_t x[64];
    static uint32_t o_ref[64], o_opt[64];
    static const uint64_t edges[] = {0, 1, 2, 3, 0xFFFFFFFFu, 0x100000000u, 0xFFFFFFFFFFFFFFFFu,
                                     0xFFFE0001u, 0xFFFE0001u + 0xFFFFu, 0xFFFE0001u + 0x10000u,
                                     0xFFFFFFFE00000001u, 0xFFFFFFFE00000001u + 0xFFFFFFFFu,
                                     0xFFFFFFFE00000001u + 0x100000000u};
    int c, bad = 0;
    for (c = 0; c < 4 * CASES; c++) {
        tml_signal_filter_bank_sqrt_params p;
        int32_t i, bits = c % 4 == 0 ? between(0, 15) : 0;
        p.num_channels = between(1, 64);
        for (i = 0; i < p.num_channels; i++) {
            const uint32_t kind = rnd() % 4;
            if (kind == 0) { /* near a square: r^2 - 1, r^2, r^2 + r, r^2 + r + 1 */
                const uint64_t r = rnd64() >> between(32, 63);
                x[i] = r * r + (uint64_t)((int64_t)between(-1, 1) + (rnd() % 2 ? (int64_t)r : 0));
            } else if (kind == 1) {
                x[i] = edges[rnd() % (sizeof edges / sizeof edges[0])];
            } else {
                x[i] = rnd64() >> between(0, 63);
            }
        }
        memset(o_ref, 0x55, sizeof o_ref);
        memset(o_opt, 0x55, sizeof o_opt);
        tml_signal_filter_bank_sqrt_u64_ref(&p, x, &bits, o_ref);
        tml_signal_filter_bank_sqrt_u64(&p, x, &bits, o_opt);
        if (memcmp(o_ref, o_opt, sizeof o_ref) != 0 && bad++ < 5) {
            for (i = 0; i < p.num_channels && o_ref[i] == o_opt[i]; i++) continue;
            printf("filter_bank_sqrt_u64 case %d differs (x %08lx%08lx: %lu / %lu)\n", c,
                   (unsigned long)(x[i] >> 32), (unsigned long)(uint32_t)x[i], (unsigned long)o_ref[i],
                   (unsigned long)o_opt[i]);
        }
    }
    printf("filter_bank_sqrt_u64: %d cases, %d differ\n", 4 * CASES, bad);
    return bad;
}

static int test_energy(void)
{
    int c, bad = 0;
    for (c = 0; c < CASES; c++) {
        tml_signal_energy_params p;
        p.size = between(1, 600);
        p.start_index = between(0, p.size);
        p.end_index = c % 7 == 0 ? between(0, p.size) : between(p.start_index, p.size);
        fill(in_buf, 2 * p.size);
        memset(e_ref, 0x55, sizeof e_ref);
        memset(e_opt, 0x55, sizeof e_opt);
        tml_signal_energy_s16_ref(&p, in_buf, e_ref);
        if (c % 2) { /* in place: the spectrum's words become the energies */
            memcpy(e_opt, in_buf, (size_t)p.size * 4u);
            tml_signal_energy_s16(&p, (const int16_t *)(const void *)e_opt, e_opt);
        } else {
            tml_signal_energy_s16(&p, in_buf, e_opt);
        }
        if (memcmp(e_ref, e_opt, sizeof e_ref) != 0 && bad++ < 5) {
            printf("energy_s16 case %d differs (size %ld, %ld..%ld)\n", c, (long)p.size, (long)p.start_index,
                   (long)p.end_index);
        }
    }
    printf("energy_s16: %d cases, %d differ\n", CASES, bad);
    return bad;
}

int main(void)
{
    int bad = 0;
#if defined(TML_ARCH_ARM_DSP)
    printf("path: arm-dsp\n");
#else
    printf("path: reference\n");
#endif
    bad += test_fft(0);
    bad += test_fft(1);
    bad += test_window();
    bad += test_auto_scale();
    bad += test_energy();
    bad += test_filter_bank();
    bad += test_sqrt();
    return bad != 0;
}
