/*
 * Armv7E-M (DSP extension) kernel of SignalIrfft int16: the reference's split (kiss_fftri), then the
 * complex stage on the DSP instructions of armv7em/signal.h; bit-exact with the reference. Included by
 * ops/signal_stream.h when TML_ARCH_ARM_DSP is defined.
 */
#ifndef TINYML_ARMV7EM_SIGNAL_STREAM_H
#define TINYML_ARMV7EM_SIGNAL_STREAM_H

#include "../ops/signal.h" /* the params armv7em/signal.h reads, and armv7em/signal.h itself */

/* scratch: nfft complex int16 values */
static inline void tml__signal_irfft_s16_dsp(const tml_signal_irfft_params *p, const int16_t *input, int16_t *output,
                                             void *scratch)
{
    int32_t r;
    for (r = 0; r < p->rows; r++) {
        tml_fft_s16_irfft_split(input + (size_t)r * (size_t)p->in_stride * 2u, (int16_t *)scratch, p->nfft,
                                p->super_twiddles_s16);
        tml__fft_s16_work_dsp(output + (size_t)r * (size_t)p->nfft * 2u, (const int16_t *)scratch, 0, 2 * p->nfft, 1,
                              p->factors, p->twiddles_s16, 1);
    }
}

#endif /* TINYML_ARMV7EM_SIGNAL_STREAM_H */
