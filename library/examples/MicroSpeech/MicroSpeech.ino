/*
 * MicroSpeech: keyword spotting ("yes", "no", silence, unknown) as plain C (platformio-tinyml).
 *
 * After reset it classifies the built-in samples (samples.h: 1 s of audio features each, 49 frames
 * x 40 filterbank channels) and prints each score on Serial (115200 baud). Feeding it live audio
 * needs the matching feature front end (not part of this sketch): write its 1960 int8 features to
 * micro_speech_input0() and call micro_speech_invoke().
 *
 * micro_speech.h / .c hold the model, converted from micro_speech.tflite ahead of time:
 *     tinyml convert micro_speech.tflite --arduino --name micro_speech -o MicroSpeech
 */
#include <tinyml.h>

#include "classify.h"
#include "samples.h"
#include "micro_speech.h"

static void print_serial(const char *line)
{
    Serial.print(line);
}

void setup()
{
    const sample_set samples = SAMPLE_SET_OF_SAMPLES_H;
    Serial.begin(115200);
    while (!Serial && millis() < 3000) {
    }
    classify_samples(&micro_speech_model, &samples, print_serial);
}

void loop()
{
    delay(1000);
}
