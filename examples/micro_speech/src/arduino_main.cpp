/* Arduino boards: the same classification of the built-in samples, on Serial after reset. */
#ifdef ARDUINO
#include <Arduino.h>

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
#endif
