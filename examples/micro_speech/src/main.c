/*
 * micro_speech: keyword spotting ("yes", "no", silence, unknown) on 1 s of audio features (49 frames x 40).
 *
 * models/micro_speech.tflite becomes micro_speech.h / .c in the build folder (platformio-tinyml). This program
 * (bare metal: the emulated board) classifies the built-in samples of samples.h and prints the scores.
 */
#ifndef ARDUINO
#include <stdio.h>

#include "classify.h"
#include "samples.h"
#include "micro_speech.h"

static void print_stdout(const char *line)
{
    fputs(line, stdout);
}

int main(void)
{
    const sample_set samples = SAMPLE_SET_OF_SAMPLES_H;
    int rc;
    printf("micro_speech: %lu MACs, weights %lu bytes, arena %lu bytes\n", (unsigned long)MICRO_SPEECH_MACS,
           (unsigned long)MICRO_SPEECH_WEIGHT_BYTES, (unsigned long)MICRO_SPEECH_ARENA_BYTES);
    rc = classify_samples(&micro_speech_model, &samples, print_stdout);
    fflush(stdout);
    return rc;
}
#endif
