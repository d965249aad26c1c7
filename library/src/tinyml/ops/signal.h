/*
 * Signal: TFLM's audio front end (the Signal library's custom operators), bit-exact with TFLM.
 *
 * All tensors are 1-D unless noted; "n" is the number of channels (or bins).
 *
 * - SignalWindow, int16: out[i] = sat16((in[i] * w[i % weight_size]) >> shift), arithmetic shift;
 *   the input (any rank) is windowed in blocks of weight_size.
 * - SignalFftAutoScale, int16: scale_bits = max(0, 15 - msb(max |in|)) (msb(0) counts as 32, as
 *   TFLM built with GCC or clang does), out[i] = in[i] * 2^scale_bits (wrapping to int16), and
 *   scale_bits is written to an int32 scalar.
 * - SignalRfft, int16, int32 and float32: the real FFT of every row of input_length samples zero-padded
 *   to fft_length, computed exactly as TFLM's kissfft builds do (FIXED_POINT 16 / 32 / float: a complex
 *   FFT of fft_length / 2 points, radix 4, 2, 3, 5 butterflies, each dividing by its radix in fixed
 *   point, then the real-FFT split with its "super twiddles"); twiddles and the factorization are
 *   computed by the converter. Output per row: fft_length / 2 + 1 complex values as interleaved
 *   (real, imag) pairs. No scratch (TFLM takes fft_length values for the zero-padded row).
 * - SignalEnergy: uint32 out[i] = re^2 + im^2 (modulo 2^32) for start_index <= i < end_index of a
 *   complex int16 spectrum; the other outputs are set to 0 (TFLM leaves them as they were).
 * - SignalFilterBank: uint32 spectrum -> uint64 [n] channel energies; channel i (0..n) sums
 *   weight * x over its band (channel_frequency_starts, channel_weight_starts, channel_widths) and
 *   takes the previous channel's "unweight" sum; channel 0 is scratch and is dropped.
 * - SignalFilterBankSquareRoot: uint64 -> uint32, out[i] = sqrt64(in[i]) >> scale_bits (rounded
 *   integer square root; 32-bit shortcut below 2^32 as TFLM's).
 * - SignalFilterBankSpectralSubtraction: uint32 -> uint32 output and noise estimate. The noise
 *   estimate (n uint32) is persistent state: it survives invokes and is zeroed by NAME_reset().
 * - SignalPCAN: per-channel automatic gain control (the gain lookup table holds 125 int16
 *   coefficients), uint32 -> uint32.
 * - SignalFilterBankLog: uint32 -> int16, out = min(log(in << input_correction_bits) * output_scale,
 *   32767) in TFLM's fixed-point logarithm (the 130-entry log table comes from the converter).
 */
#ifndef TINYML_OPS_SIGNAL_H
#define TINYML_OPS_SIGNAL_H

#include "../tml_common.h"

typedef struct {
    int32_t size;          /* input elements */
    int32_t weight_size;   /* window length; divides size */
    int32_t shift;         /* 0..31 */
} tml_signal_window_params;

typedef struct {
    int32_t size;
} tml_signal_fft_auto_scale_params;

typedef struct {
    int32_t rows;            /* input elements / input_length */
    int32_t input_length;    /* samples per row, at most fft_length */
    int32_t fft_length;      /* even; fft_length / 2 has no prime factor above 5 */
    const int32_t *factors;  /* (radix, remaining length) pairs of fft_length / 2, ending with length 1 */
    const int16_t *twiddles; /* fft_length / 2 complex (re, im) */
    const int16_t *super_twiddles; /* fft_length / 4 complex */
} tml_signal_rfft_s16_params;

typedef struct {             /* as tml_signal_rfft_s16_params, Q31 twiddles */
    int32_t rows;
    int32_t input_length;
    int32_t fft_length;
    const int32_t *factors;
    const int32_t *twiddles;
    const int32_t *super_twiddles;
} tml_signal_rfft_s32_params;

typedef struct {             /* as tml_signal_rfft_s16_params, float twiddles */
    int32_t rows;
    int32_t input_length;
    int32_t fft_length;
    const int32_t *factors;
    const float *twiddles;
    const float *super_twiddles;
} tml_signal_rfft_f32_params;

typedef struct {
    int32_t size;          /* complex bins in the input = outputs */
    int32_t start_index;
    int32_t end_index;
} tml_signal_energy_params;

typedef struct {
    int32_t num_channels;
} tml_signal_filter_bank_params;

typedef struct {
    int32_t num_channels;
} tml_signal_filter_bank_sqrt_params;

typedef struct {
    int32_t num_channels;
    uint32_t smoothing;
    uint32_t one_minus_smoothing;
    uint32_t alternate_smoothing;
    uint32_t alternate_one_minus_smoothing;
    int32_t smoothing_bits;            /* 0..31 */
    uint32_t min_signal_remaining;
    int32_t spectral_subtraction_bits; /* 0..63 */
    int32_t clamping;
} tml_signal_spectral_subtraction_params;

typedef struct {
    int32_t num_channels;
    int32_t snr_shift;     /* 0..63 */
} tml_signal_pcan_params;

typedef struct {
    int32_t num_channels;
    int32_t input_correction_bits; /* 0..31 */
    uint32_t output_scale;
    const uint16_t *log_lut;       /* 130 entries */
} tml_signal_filter_bank_log_params;

#include "../ref/signal.h" /* the kernels: portable C, the only path */
#include "../ref/signal_fft.h"

/* Dispatch: the reference path until an architecture provides its own. */
static inline void tml_signal_window_s16(const tml_signal_window_params *p, const int16_t *input,
                                         const int16_t *weights, int16_t *output)
{
    tml_signal_window_s16_ref(p, input, weights, output);
}

static inline void tml_signal_fft_auto_scale_s16(const tml_signal_fft_auto_scale_params *p, const int16_t *input,
                                                 int16_t *output, int32_t *scale_bits)
{
    tml_signal_fft_auto_scale_s16_ref(p, input, output, scale_bits);
}

static inline void tml_signal_rfft_s16(const tml_signal_rfft_s16_params *p, const int16_t *input, int16_t *output)
{
    tml_signal_rfft_s16_ref(p, input, output);
}

static inline void tml_signal_rfft_s32(const tml_signal_rfft_s32_params *p, const int32_t *input, int32_t *output)
{
    tml_signal_rfft_s32_ref(p, input, output);
}

static inline void tml_signal_rfft_f32(const tml_signal_rfft_f32_params *p, const float *input, float *output)
{
    tml_signal_rfft_f32_ref(p, input, output);
}

static inline void tml_signal_energy_s16(const tml_signal_energy_params *p, const int16_t *input, uint32_t *output)
{
    tml_signal_energy_s16_ref(p, input, output);
}

static inline void tml_signal_filter_bank_u32(const tml_signal_filter_bank_params *p, const uint32_t *input,
                                              const int16_t *weights, const int16_t *unweights,
                                              const int16_t *channel_frequency_starts,
                                              const int16_t *channel_weight_starts,
                                              const int16_t *channel_widths, uint64_t *output)
{
    tml_signal_filter_bank_u32_ref(p, input, weights, unweights, channel_frequency_starts, channel_weight_starts,
                                   channel_widths, output);
}

static inline void tml_signal_filter_bank_sqrt_u64(const tml_signal_filter_bank_sqrt_params *p, const uint64_t *input,
                                                   const int32_t *scale_bits, uint32_t *output)
{
    tml_signal_filter_bank_sqrt_u64_ref(p, input, scale_bits, output);
}

static inline void tml_signal_spectral_subtraction_u32(const tml_signal_spectral_subtraction_params *p,
                                                       const uint32_t *input, uint32_t *output,
                                                       uint32_t *noise_estimate_out, void *state)
{
    tml_signal_spectral_subtraction_u32_ref(p, input, output, noise_estimate_out, (uint32_t *)state);
}

static inline void tml_signal_pcan_u32(const tml_signal_pcan_params *p, const uint32_t *input,
                                       const uint32_t *noise_estimate, const int16_t *gain_lut, uint32_t *output)
{
    tml_signal_pcan_u32_ref(p, input, noise_estimate, gain_lut, output);
}

static inline void tml_signal_filter_bank_log_u32(const tml_signal_filter_bank_log_params *p, const uint32_t *input,
                                                  int16_t *output)
{
    tml_signal_filter_bank_log_u32_ref(p, input, output);
}

#endif /* TINYML_OPS_SIGNAL_H */
