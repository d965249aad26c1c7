/* Arduino boards: the same pipeline from the built-in clips, on Serial after reset. A microphone feeds
 * feature_stream_push() the same way: see feature_stream.h and the README ("Feeding a microphone"). */
#ifdef ARDUINO
#include <Arduino.h>

#include "audio_pipeline.h"

static void print_serial(const char *line)
{
    Serial.print(line);
}

void setup()
{
    Serial.begin(115200);
    while (!Serial && millis() < 3000) {
    }
    classify_clips(print_serial);
}

void loop()
{
    delay(1000);
}
#endif
