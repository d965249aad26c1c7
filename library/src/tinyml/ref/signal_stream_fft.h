/*
 * Reference kernels of SignalIrfft: kissfft's inverse real FFT (kiss_fftri) in fixed point (int16,
 * int32) and float, on the kissfft core shared with SignalRfft (ref/signal_fft_core.h). Included by
 * ref/signal_stream.h.
 */
#ifndef TINYML_REF_SIGNAL_STREAM_FFT_H
#define TINYML_REF_SIGNAL_STREAM_FFT_H

#include "signal_fft_core.h"

/* scratch: nfft complex int16 values */
static inline void tml_signal_irfft_s16_ref(const tml_signal_irfft_params *p, const int16_t *input, int16_t *output,
                                            void *scratch)
{
    int32_t r;
    for (r = 0; r < p->rows; r++) {
        tml_fft_s16_irfft_row(input + (size_t)r * (size_t)p->in_stride * 2u, (int16_t *)scratch,
                              output + (size_t)r * (size_t)p->nfft * 2u, p->nfft, p->factors, p->twiddles_s16,
                              p->super_twiddles_s16);
    }
}

/* scratch: nfft complex int32 values */
static inline void tml_signal_irfft_s32_ref(const tml_signal_irfft_params *p, const int32_t *input, int32_t *output,
                                            void *scratch)
{
    int32_t r;
    for (r = 0; r < p->rows; r++) {
        tml_fft_s32_irfft_row(input + (size_t)r * (size_t)p->in_stride * 2u, (int32_t *)scratch,
                              output + (size_t)r * (size_t)p->nfft * 2u, p->nfft, p->factors, p->twiddles,
                              p->super_twiddles);
    }
}

/* scratch: nfft complex floats; the result divided by fft_length as TFLM's kernel does */
TML_FLOAT static inline void tml_signal_irfft_f32_ref(const tml_signal_irfft_params *p, const float *input,
                                                      float *output, void *scratch)
{
    TML_FP_EXACT
    const float len = (float)(2 * p->nfft);
    int32_t r, k;
    for (r = 0; r < p->rows; r++) {
        float *o = output + (size_t)r * (size_t)p->nfft * 2u;
        tml_fft_f32_irfft_row(input + (size_t)r * (size_t)p->in_stride * 2u, (float *)scratch, o, p->nfft,
                              p->factors, p->twiddles_f32, p->super_twiddles_f32);
        for (k = 0; k < 2 * p->nfft; k++) {
            o[k] /= len;
        }
    }
}

#endif /* TINYML_REF_SIGNAL_STREAM_FFT_H */
