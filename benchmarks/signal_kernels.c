/*
 * Cycle figures of the Signal family's kernels, reference vs Cortex-M4 path, at the sizes of one 30 ms frame
 * of the audio preprocessor (16 kHz): SignalWindow 480, SignalFftAutoScale 480, SignalRfft int16 512 (480
 * samples), SignalEnergy 257 bins (5..240), SignalFilterBank 40 channels, SignalFilterBankSquareRoot 40
 * channels, and SignalIrfft int16 512. Each bench_<kernel>_ref / bench_<kernel>_opt function runs the
 * kernel once; measure them with the estimator's --func. Built with the Cortex-M4F flags
 * (TML_ARCH_ARM_DSP, TML_ARCH_ARM_FPU), so tml_*_ref is the reference and tml_* the dispatched kernel:
 *   arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -Os -I library/src
 *     -I tests/kernels benchmarks/signal_kernels.c <estimator target>/startup.c <estimator target>/syscalls.c
 *     -T <estimator target>/m4sim.ld --specs=nano.specs -lm -o signal_kernels.elf
 * then the estimator with --func bench_window_ref --func bench_window_opt ... (benchmarks/signal_kernels.py does it).
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "tinyml.h"

#define TEST_RNG_SEED 99u
#include "test_rng.h"

#define NFFT 256 /* complex points of the 512-point real FFT */

static int16_t samples[480], frame[480], window[480], spectrum[2 * (NFFT + 1)], tw[2 * NFFT], stw[NFFT];
static int16_t itw[2 * NFFT], istw[NFFT], time_out[2 * NFFT], scratch[2 * NFFT];
static int32_t factors[16], bits;
static uint32_t energy[NFFT + 1];
static uint64_t channels[40];
static uint32_t roots[40];
static int16_t weights[400], unweights[400], freq_starts[41], weight_starts[41], widths[41];

static tml_signal_window_params win_p = {480, 480, 12};
static tml_signal_fft_auto_scale_params scale_p = {480};
static tml_signal_rfft_s16_params rfft_p = {1, 480, 512, factors, tw, stw};
static tml_signal_energy_params energy_p = {NFFT + 1, 5, 241};
static tml_signal_filter_bank_params bank_p = {40};
static tml_signal_filter_bank_sqrt_params sqrt_p = {40};
static tml_signal_irfft_params irfft_p;

static void tables(int16_t *t, int16_t *st, double sign)
{
    int32_t i;
    for (i = 0; i < NFFT; i++) {
        t[2 * i] = (int16_t)floor(0.5 + 32767 * cos(sign * 2 * 3.14159265358979323846 * i / NFFT));
        t[2 * i + 1] = (int16_t)floor(0.5 + 32767 * sin(sign * 2 * 3.14159265358979323846 * i / NFFT));
    }
    for (i = 0; i < NFFT / 2; i++) {
        const double ph = sign * 3.14159265358979323846 * ((double)(i + 1) / NFFT + 0.5);
        st[2 * i] = (int16_t)floor(0.5 + 32767 * cos(ph));
        st[2 * i + 1] = (int16_t)floor(0.5 + 32767 * sin(ph));
    }
}

static void setup(void)
{
    int32_t i, c, used = 0;
    static const int32_t f[] = {4, 64, 4, 16, 4, 4, 4, 1};
    memcpy(factors, f, sizeof f);
    tables(tw, stw, -1.0);
    tables(itw, istw, 1.0);
    for (i = 0; i < 480; i++) {
        samples[i] = (int16_t)(between(-2000, 2000) + 6000 * sin(i * 0.3));
        window[i] = (int16_t)(4096 * (0.5 - 0.5 * cos(2 * 3.14159265358979323846 * i / 480)));
    }
    for (c = 0; c <= 40; c++) { /* triangular bands over bins 5..240, about 6 bins each */
        freq_starts[c] = (int16_t)(5 + c * 235 / 41);
        widths[c] = (int16_t)(c * 235 / 41 + 235 / 41 * 2 < 236 ? 235 / 41 * 2 : 236 - c * 235 / 41);
        weight_starts[c] = (int16_t)used;
        for (i = 0; i < widths[c]; i++) {
            weights[used + i] = (int16_t)(4096 * i / widths[c]);
            unweights[used + i] = (int16_t)(4096 - weights[used + i]);
        }
        used += widths[c];
    }
    for (i = 0; i < 40; i++) channels[i] = ((uint64_t)rnd() << 16) ^ rnd();
    irfft_p.rows = 1;
    irfft_p.nfft = NFFT;
    irfft_p.in_stride = NFFT + 1;
    irfft_p.fracbits = 15;
    irfft_p.factors = factors;
    irfft_p.twiddles_s16 = itw;
    irfft_p.super_twiddles_s16 = istw;
}

#define BENCH(name, call)                                                                                   \
    __attribute__((noinline)) void name(void)                                                               \
    {                                                                                                       \
        call;                                                                                               \
    }

BENCH(bench_window_ref, tml_signal_window_s16_ref(&win_p, samples, window, frame))
BENCH(bench_window_opt, tml_signal_window_s16(&win_p, samples, window, frame))
BENCH(bench_auto_scale_ref, tml_signal_fft_auto_scale_s16_ref(&scale_p, frame, frame, &bits))
BENCH(bench_auto_scale_opt, tml_signal_fft_auto_scale_s16(&scale_p, frame, frame, &bits))
BENCH(bench_rfft_ref, tml_signal_rfft_s16_ref(&rfft_p, frame, spectrum))
BENCH(bench_rfft_opt, tml_signal_rfft_s16(&rfft_p, frame, spectrum))
BENCH(bench_irfft_ref, tml_signal_irfft_s16_ref(&irfft_p, spectrum, time_out, scratch))
BENCH(bench_irfft_opt, tml_signal_irfft_s16(&irfft_p, spectrum, time_out, scratch))
BENCH(bench_energy_ref, tml_signal_energy_s16_ref(&energy_p, spectrum, energy))
BENCH(bench_energy_opt, tml_signal_energy_s16(&energy_p, spectrum, energy))
BENCH(bench_filter_bank_ref, tml_signal_filter_bank_u32_ref(&bank_p, energy, weights, unweights, freq_starts,
                                                            weight_starts, widths, channels))
BENCH(bench_filter_bank_opt, tml_signal_filter_bank_u32(&bank_p, energy, weights, unweights, freq_starts,
                                                        weight_starts, widths, channels))
BENCH(bench_sqrt_ref, tml_signal_filter_bank_sqrt_u64_ref(&sqrt_p, channels, &bits, roots))
BENCH(bench_sqrt_opt, tml_signal_filter_bank_sqrt_u64(&sqrt_p, channels, &bits, roots))

int main(void)
{
    setup();
    /* each pair on the same input (the kernels that work in place get a fresh copy first) */
    bench_window_ref();
    bench_window_opt();
    bench_auto_scale_ref();
    tml_signal_window_s16_ref(&win_p, samples, window, frame);
    bench_auto_scale_opt();
    bench_rfft_ref();
    bench_rfft_opt();
    bench_irfft_ref();
    bench_irfft_opt();
    bench_energy_ref();
    bench_energy_opt();
    bench_filter_bank_ref();
    bench_filter_bank_opt();
    bench_sqrt_ref();
    bench_sqrt_opt();
    return 0;
}
