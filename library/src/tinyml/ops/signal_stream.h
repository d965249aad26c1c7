/*
 * TFLM's Signal library operators that stream audio through state kept between invokes, and its
 * inverse real FFT (custom operators SignalFramer, SignalStacker, SignalDelay, SignalOverlapAdd,
 * SignalIrfft), bit-exact with TFLM.
 *
 * State: each stateful kernel takes `state`, arena bytes the generated code keeps for the whole run
 * and zeroes at start-up and in NAME_reset() (the lowering sizes them). Every kernel's initial state
 * is its all-zero state: counts are kept relative to the samples the operator starts with (the
 * framer's prefill zeros, the delay's zeros), flags start false, buffers start with zeros.
 *
 * SignalFramer (int16): input [..., n_frames * frame_step], output [..., n_frames, frame_size],
 *   valid (bool scalar). Per row (all dims but the last) a FIFO of `capacity` samples
 *   (frame_size rounded up to a multiple of frame_step): each step of input is appended; when
 *   at least frame_size samples wait, the oldest frame_size are the frame and frame_step of them
 *   are dropped; otherwise the frame's output is left as it was and valid is false.
 *   With prefill the FIFO starts with frame_size - frame_step zeros.
 *   State: int32 count per row, then capacity int16 per row.
 * SignalStacker (int16): input [num_channels], output [buffer_size], valid (bool scalar), with
 *   buffer_size = num_channels * (left + right + 1). Each invoke appends the input (the very first
 *   one also left more copies of it); when buffer_size samples wait they are the output and
 *   step_size = num_channels * stacker_step are dropped, else the output is left and valid false.
 *   State: int32 count, int32 has-first-frame, buffer_size int16.
 * SignalDelay (int16): input and output [..., frame_size]: each row's output is the row delayed
 *   by `delay` samples (zeros at first). State: delay int16 per row.
 * SignalOverlapAdd (int16, float32): input [..., n_frames, frame_size], output
 *   [..., n_frames * frame_step]. Per row an accumulator of frame_size values: each frame is
 *   added into it (int16: saturated), its first frame_step values are output, it moves
 *   frame_step values towards its start and fills its end with zeros. State: frame_size values per row.
 * SignalIrfft (int16, int32, float32): input [..., 2 * in_stride] (complex values as (re, im)
 *   pairs, the first nfft + 1 of each row used), output [..., 2 * nfft] (fft_length = 2 * nfft):
 *   KissFFT's inverse real FFT (kiss_fftri): fixed point with per-stage scaling (fracbits 15 for
 *   int16, 31 for int32; every intermediate wraps to the type as KissFFT's does), float divided by
 *   fft_length. factors/twiddles/super_twiddles are the tables kiss_fftr_alloc computes (radices
 *   2, 3, 4, 5 only). Scratch: nfft complex values of the type (int16 4 * nfft bytes, int32 and float
 *   8 * nfft bytes).
 *
 * Cortex-M4 path (TML_ARCH_ARM_DSP, bit-exact with the reference): SignalIrfft int16's complex stage on the
 * DSP instructions (armv7em/signal_stream.h); the rest runs the reference everywhere.
 */
#ifndef TINYML_OPS_SIGNAL_STREAM_H
#define TINYML_OPS_SIGNAL_STREAM_H

#include "../tml_common.h"

typedef struct {
    int32_t outer;       /* rows: the product of all input dims but the last */
    int32_t n_frames;    /* frames per row and invoke */
    int32_t frame_size;
    int32_t frame_step;
    int32_t capacity;    /* FIFO samples per row */
    int32_t prefill;     /* samples the FIFO starts with (frame_size - frame_step with prefill, else 0) */
} tml_signal_framer_params;

typedef struct {
    int32_t num_channels;
    int32_t left_context;
    int32_t buffer_size;  /* num_channels * (left + right + 1) */
    int32_t step_size;    /* num_channels * stacker_step */
} tml_signal_stacker_params;

typedef struct {
    int32_t outer;
    int32_t frame_size;
    int32_t delay;
} tml_signal_delay_params;

typedef struct {
    int32_t outer;
    int32_t n_frames;
    int32_t frame_size;
    int32_t frame_step;
} tml_signal_overlap_add_params;

typedef struct {
    int32_t rows;       /* transforms per invoke */
    int32_t nfft;       /* complex FFT length: fft_length / 2 */
    int32_t in_stride;  /* complex values per input row (at least nfft + 1) */
    int32_t fracbits;   /* fixed point: 15 (int16) or 31 (int32); unused for float */
    const int32_t *factors;         /* (radix, remaining length) pairs, down to remaining length 1 */
    const int32_t *twiddles;        /* int32: nfft (re, im) pairs */
    const int32_t *super_twiddles;  /* int32: nfft / 2 (re, im) pairs */
    const int16_t *twiddles_s16;    /* int16: the same tables */
    const int16_t *super_twiddles_s16;
    const float *twiddles_f32;      /* float: the same tables */
    const float *super_twiddles_f32;
} tml_signal_irfft_params;

/* The kernels: the reference always, the optimized path where the compiler provides it. */
#include "../ref/signal_stream.h"
#if defined(TML_ARCH_ARM_DSP)
#include "../armv7em/signal_stream.h" /* SignalIrfft int16 */
#endif

/* Dispatch */
static inline void tml_signal_framer_s16(const tml_signal_framer_params *p, const int16_t *input, int16_t *output,
                                         uint8_t *valid, void *state)
{
    tml_signal_framer_s16_ref(p, input, output, valid, state);
}

static inline void tml_signal_stacker_s16(const tml_signal_stacker_params *p, const int16_t *input,
                                          int16_t *output, uint8_t *valid, void *state)
{
    tml_signal_stacker_s16_ref(p, input, output, valid, state);
}

static inline void tml_signal_delay_s16(const tml_signal_delay_params *p, const int16_t *input, int16_t *output,
                                        void *state)
{
    tml_signal_delay_s16_ref(p, input, output, state);
}

static inline void tml_signal_overlap_add_s16(const tml_signal_overlap_add_params *p, const int16_t *input,
                                              int16_t *output, void *state)
{
    tml_signal_overlap_add_s16_ref(p, input, output, state);
}

static inline void tml_signal_overlap_add_f32(const tml_signal_overlap_add_params *p, const float *input,
                                              float *output, void *state)
{
    tml_signal_overlap_add_f32_ref(p, input, output, state);
}

static inline void tml_signal_irfft_s16(const tml_signal_irfft_params *p, const int16_t *input, int16_t *output,
                                        void *scratch)
{
#if defined(TML_ARCH_ARM_DSP)
    tml__signal_irfft_s16_dsp(p, input, output, scratch);
#else
    tml_signal_irfft_s16_ref(p, input, output, scratch);
#endif
}

static inline void tml_signal_irfft_s32(const tml_signal_irfft_params *p, const int32_t *input, int32_t *output,
                                        void *scratch)
{
    tml_signal_irfft_s32_ref(p, input, output, scratch);
}

static inline void tml_signal_irfft_f32(const tml_signal_irfft_params *p, const float *input, float *output,
                                        void *scratch)
{
    tml_signal_irfft_f32_ref(p, input, output, scratch);
}

#endif /* TINYML_OPS_SIGNAL_STREAM_H */
