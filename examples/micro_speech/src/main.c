/*
 * micro_speech: keyword spotting ("yes", "no", silence, unknown) from raw audio, the whole pipeline on
 * the board: 16 kHz int16 PCM -> the audio preprocessor model (one row of 40 features every 20 ms) ->
 * the last 49 rows -> the keyword model -> scores.
 *
 * models/audio_preprocessor.tflite and models/micro_speech.tflite become audio_preprocessor.h/.c and
 * micro_speech.h/.c in the build folder (platformio-tinyml). This program (bare metal: the emulated
 * board) runs the built-in clips of audio_clips.h through them and prints the scores.
 */
#ifndef ARDUINO
#include <stdio.h>

#include "audio_pipeline.h"
#include "audio_preprocessor.h"
#include "micro_speech.h"

static void print_stdout(const char *line)
{
    fputs(line, stdout);
}

int main(void)
{
    int rc;
    printf("micro_speech: %lu MACs, weights %lu bytes, arena %lu bytes; audio_preprocessor: arena %lu bytes\n",
           (unsigned long)MICRO_SPEECH_MACS, (unsigned long)MICRO_SPEECH_WEIGHT_BYTES,
           (unsigned long)MICRO_SPEECH_ARENA_BYTES, (unsigned long)AUDIO_PREPROCESSOR_ARENA_BYTES);
    rc = classify_clips(print_stdout);
    fflush(stdout);
    return rc;
}
#endif
