/*
 * Reference kernels of SignalRfft: the real FFT TFLM builds from kissfft (int16, int32, float32), on the
 * shared kissfft core (ref/signal_fft_core.h). Included by ops/signal.h.
 */
#ifndef TINYML_REF_SIGNAL_FFT_H
#define TINYML_REF_SIGNAL_FFT_H

#include "signal_fft_core.h"

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
