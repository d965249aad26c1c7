/*
 * person_detection: is there a person in a 96x96 grayscale image (MobileNet v1 0.25).
 *
 * models/person_detect.tflite becomes person_detect.h / .c in the build folder (platformio-tinyml). This program
 * (bare metal: the emulated board) classifies the built-in samples of samples.h and prints the scores.
 */
#ifndef ARDUINO
#include <stdio.h>

#include "classify.h"
#include "samples.h"
#include "person_detect.h"

static void print_stdout(const char *line)
{
    fputs(line, stdout);
}

int main(void)
{
    const sample_set samples = SAMPLE_SET_OF_SAMPLES_H;
    int rc;
    printf("person_detect: %lu MACs, weights %lu bytes, arena %lu bytes\n", (unsigned long)PERSON_DETECT_MACS,
           (unsigned long)PERSON_DETECT_WEIGHT_BYTES, (unsigned long)PERSON_DETECT_ARENA_BYTES);
    rc = classify_samples(&person_detect_model, &samples, print_stdout);
    fflush(stdout);
    return rc;
}
#endif
