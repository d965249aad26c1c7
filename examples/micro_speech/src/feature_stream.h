/*
 * feature_stream: 16 kHz int16 audio in, the keyword model's input out, on the board.
 *
 * Audio arrives in blocks of any size (a microphone driver's buffers, or the built-in clips of
 * audio_clips.h). Every 20 ms of new audio completes a 30 ms frame; the audio preprocessor model
 * (models/audio_preprocessor.tflite, TFLM's micro_speech front end: window, FFT, filter bank, noise
 * reduction, PCAN, log) turns it into one row of 40 int8 features, and the last 49 rows (about 1 s)
 * are the 49x40 input of the keyword model. The preprocessor keeps noise-reduction state from frame to
 * frame, so feed the audio in order and reset the stream where a recording starts.
 */
#ifndef FEATURE_STREAM_H
#define FEATURE_STREAM_H

#include <stdint.h>

#include "tinyml.h"

#ifdef __cplusplus
extern "C" {
#endif

#define FEATURE_FRAME_SAMPLES 480   /* 30 ms at 16 kHz */
#define FEATURE_STRIDE_SAMPLES 320  /* 20 ms */
#define FEATURE_SIZE 40             /* features per frame */
#define FEATURE_ROWS 49             /* frames in the keyword model's window */

typedef struct {
    const tml_model *preprocessor;            /* int16 [1, 480] in, int8 [40] out */
    int16_t frame[FEATURE_FRAME_SAMPLES];     /* audio of the frame being filled */
    uint32_t fill;                            /* samples in frame */
    uint32_t rows;                            /* feature rows computed since the reset */
    int8_t window[FEATURE_ROWS * FEATURE_SIZE];  /* the last FEATURE_ROWS rows, oldest first */
} feature_stream;

/* Start a recording: no audio, empty window, the preprocessor's state reset. 0 on success, else the
 * preprocessor is not the model this stream expects. */
int feature_stream_reset(feature_stream *s, const tml_model *preprocessor);

/* Feed n samples; returns the number of new feature rows (the window holds a full second once
 * s->rows >= FEATURE_ROWS), or -1 when the preprocessor fails. */
int feature_stream_push(feature_stream *s, const int16_t *pcm, uint32_t n);

#ifdef __cplusplus
}
#endif

#endif
