/*
 * PersonDetection: is there a person in a 96x96 grayscale image? (MobileNet v1 0.25 as plain C,
 * platformio-tinyml; about 7.2 M multiply-accumulates, 263 kB of flash and a 55 kB arena.)
 *
 * After reset it classifies the built-in images (samples.h) and prints the scores on Serial
 * (115200 baud). With a camera, write a 96x96 grayscale frame as int8 (pixel - 128) to
 * person_detect_input0() and call person_detect_invoke().
 *
 * person_detect.h / .c hold the model, converted from person_detect.tflite ahead of time:
 *     tinyml convert person_detect.tflite --arduino --name person_detect -o PersonDetection
 */
#include <tinyml.h>

#include "classify.h"
#include "samples.h"
#include "person_detect.h"

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
    classify_samples(&person_detect_model, &samples, print_serial);
}

void loop()
{
    delay(1000);
}
