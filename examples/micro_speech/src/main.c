/*
 * micro_speech: keyword spotting ("yes", "no", silence, unknown) from raw audio, the whole pipeline on
 * the board: 16 kHz int16 PCM -> the audio preprocessor model (one row of 40 features every 20 ms) ->
 * the last 49 rows -> the keyword model -> scores.
 *
 * models/audio_preprocessor.tflite and models/micro_speech.tflite become audio_preprocessor.h/.c and
 * micro_speech.h/.c in the build folder (platformio-tinyml). This program (bare metal: the emulated
 * board) feeds the built-in clips of audio_clips.h in 10 ms blocks, as a microphone driver would, checks
 * the features against those TFLM computes from the same audio (samples.h) and prints the scores.
 */
#ifndef ARDUINO
#include <stdio.h>
#include <string.h>

#include "audio_clips.h"
#include "audio_preprocessor.h"
#include "classify.h"
#include "feature_stream.h"
#include "micro_speech.h"
#include "samples.h"

#define BLOCK_SAMPLES 160  /* 10 ms: a microphone driver's buffer */

static void print_stdout(const char *line)
{
    fputs(line, stdout);
}

int main(void)
{
    static feature_stream stream;
    static int8_t features[CLIP_COUNT][FEATURE_ROWS * FEATURE_SIZE];
    const sample_set from_audio = {CLIP_COUNT, sample_names, &features[0][0], (uint32_t)sizeof features[0],
                                   sample_expected, label_names};
    int c, rc = 0;
    printf("micro_speech: %lu MACs, weights %lu bytes, arena %lu bytes; audio_preprocessor: arena %lu bytes\n",
           (unsigned long)MICRO_SPEECH_MACS, (unsigned long)MICRO_SPEECH_WEIGHT_BYTES,
           (unsigned long)MICRO_SPEECH_ARENA_BYTES, (unsigned long)AUDIO_PREPROCESSOR_ARENA_BYTES);
    for (c = 0; c < CLIP_COUNT; c++) {
        uint32_t k;
        int differ = 0, i;
        if (feature_stream_reset(&stream, &audio_preprocessor_model) != 0) {
            printf("error: audio_preprocessor is not a 480-sample int16 -> 40 int8 feature model\n");
            return 1;
        }
        for (k = 0; k < CLIP_SAMPLES; k += BLOCK_SAMPLES) {
            uint32_t n = CLIP_SAMPLES - k < BLOCK_SAMPLES ? CLIP_SAMPLES - k : BLOCK_SAMPLES;
            if (feature_stream_push(&stream, &clip_pcm[c][k], n) < 0) {
                printf("error: the audio preprocessor failed\n");
                return 1;
            }
        }
        memcpy(features[c], stream.window, sizeof features[c]);
        for (i = 0; i < FEATURE_ROWS * FEATURE_SIZE; i++) {
            differ += features[c][i] != sample_inputs[c][i];
        }
        if (differ) {
            printf("%s: %lu frames, features DIFFER from TFLM's in %d of %d values\n", sample_names[c],
                   (unsigned long)stream.rows, differ, FEATURE_ROWS * FEATURE_SIZE);
        } else {
            printf("%s: %lu frames, features equal to TFLM's\n", sample_names[c], (unsigned long)stream.rows);
        }
        rc |= differ != 0 || stream.rows != FEATURE_ROWS;
    }
    rc |= classify_samples(&micro_speech_model, &from_audio, print_stdout);
    fflush(stdout);
    return rc;
}
#endif
