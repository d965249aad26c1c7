/*
 * Reference kernels of the streaming Signal operators and the inverse real FFT: portable C.
 * Included by ops/signal_stream.h (after tml_common.h and the params structs).
 *
 * The FIFOs are linear buffers that move their contents towards the start when samples are
 * dropped: the same samples in the same order as TFLM's circular buffers.
 */
#ifndef TINYML_REF_SIGNAL_STREAM_H
#define TINYML_REF_SIGNAL_STREAM_H

static inline void tml_signal_framer_s16_ref(const tml_signal_framer_params *p, const int16_t *input,
                                             int16_t *output, uint8_t *valid, void *state)
{
    int32_t *counts = (int32_t *)state;
    int16_t *fifos = (int16_t *)(counts + p->outer);
    int32_t r, f;
    *valid = 1;
    for (r = 0; r < p->outer; r++) {
        int16_t *fifo = fifos + (size_t)r * (size_t)p->capacity;
        int32_t count = counts[r] + p->prefill;
        for (f = 0; f < p->n_frames; f++) {
            const int32_t frame = r * p->n_frames + f;
            memcpy(fifo + count, input + (size_t)frame * (size_t)p->frame_step,
                   (size_t)p->frame_step * sizeof(int16_t));
            count += p->frame_step;
            if (count >= p->frame_size) {
                memcpy(output + (size_t)frame * (size_t)p->frame_size, fifo, (size_t)p->frame_size * sizeof(int16_t));
                memmove(fifo, fifo + p->frame_step, (size_t)(count - p->frame_step) * sizeof(int16_t));
                count -= p->frame_step;
            } else {
                *valid = 0;
            }
        }
        counts[r] = count - p->prefill;
    }
}

static inline void tml_signal_stacker_s16_ref(const tml_signal_stacker_params *p, const int16_t *input,
                                              int16_t *output, uint8_t *valid, void *state)
{
    int32_t *head = (int32_t *)state; /* [0] samples waiting, [1] the first frame was seen */
    int16_t *fifo = (int16_t *)(head + 2);
    int32_t count = head[0];
    int32_t i;
    memcpy(fifo + count, input, (size_t)p->num_channels * sizeof(int16_t));
    count += p->num_channels;
    if (!head[1]) { /* the first frame stands in for the left context */
        for (i = 0; i < p->left_context; i++) {
            memcpy(fifo + count, fifo + count - p->num_channels, (size_t)p->num_channels * sizeof(int16_t));
            count += p->num_channels;
        }
        head[1] = 1;
    }
    if (count >= p->buffer_size) {
        memcpy(output, fifo, (size_t)p->buffer_size * sizeof(int16_t));
        memmove(fifo, fifo + p->step_size, (size_t)(count - p->step_size) * sizeof(int16_t));
        count -= p->step_size;
        *valid = 1;
    } else {
        *valid = 0;
    }
    head[0] = count;
}

static inline void tml_signal_delay_s16_ref(const tml_signal_delay_params *p, const int16_t *input,
                                            int16_t *output, void *state)
{
    const size_t fs = (size_t)p->frame_size, d = (size_t)p->delay;
    int32_t r;
    for (r = 0; r < p->outer; r++) {
        int16_t *held = (int16_t *)state + (size_t)r * d;
        const int16_t *in = input + (size_t)r * fs;
        int16_t *out = output + (size_t)r * fs;
        if (fs >= d) {
            memcpy(out, held, d * sizeof(int16_t));
            memcpy(out + d, in, (fs - d) * sizeof(int16_t));
            memcpy(held, in + (fs - d), d * sizeof(int16_t));
        } else {
            memcpy(out, held, fs * sizeof(int16_t));
            memmove(held, held + fs, (d - fs) * sizeof(int16_t));
            memcpy(held + (d - fs), in, fs * sizeof(int16_t));
        }
    }
}

static inline void tml_signal_overlap_add_s16_ref(const tml_signal_overlap_add_params *p, const int16_t *input,
                                                  int16_t *output, void *state)
{
    const size_t fs = (size_t)p->frame_size, step = (size_t)p->frame_step;
    int32_t r, f;
    size_t i;
    for (r = 0; r < p->outer; r++) {
        int16_t *acc = (int16_t *)state + (size_t)r * fs;
        for (f = 0; f < p->n_frames; f++) {
            const size_t frame = (size_t)(r * p->n_frames + f);
            const int16_t *in = input + frame * fs;
            for (i = 0; i < fs; i++) {
                acc[i] = (int16_t)tml_clamp_i32((int32_t)acc[i] + (int32_t)in[i], -32768, 32767);
            }
            memcpy(output + frame * step, acc, step * sizeof(int16_t));
            memmove(acc, acc + step, (fs - step) * sizeof(int16_t));
            memset(acc + (fs - step), 0, step * sizeof(int16_t));
        }
    }
}

TML_FLOAT static inline void tml_signal_overlap_add_f32_ref(const tml_signal_overlap_add_params *p,
                                                            const float *input, float *output, void *state)
{
    TML_FP_EXACT
    const size_t fs = (size_t)p->frame_size, step = (size_t)p->frame_step;
    int32_t r, f;
    size_t i;
    for (r = 0; r < p->outer; r++) {
        float *acc = (float *)state + (size_t)r * fs;
        for (f = 0; f < p->n_frames; f++) {
            const size_t frame = (size_t)(r * p->n_frames + f);
            const float *in = input + frame * fs;
            for (i = 0; i < fs; i++) {
                acc[i] += in[i];
            }
            memcpy(output + frame * step, acc, step * sizeof(float));
            memmove(acc, acc + step, (fs - step) * sizeof(float));
            for (i = fs - step; i < fs; i++) {
                acc[i] = 0.0f;
            }
        }
    }
}

#include "signal_stream_fft.h" /* SignalIrfft */

#endif /* TINYML_REF_SIGNAL_STREAM_H */
