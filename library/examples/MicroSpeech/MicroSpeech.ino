/*
 * MicroSpeech: keyword spotting ("yes", "no", silence, unknown) from raw audio, as plain C
 * (platformio-tinyml): 16 kHz int16 PCM -> the audio preprocessor model (TFLM's micro_speech front end:
 * one row of 40 features every 20 ms) -> the last 49 rows -> the keyword model -> scores.
 *
 * After reset it runs the built-in clips (audio_clips.h: 1 s each) through the whole pipeline, checks
 * the features against those TFLM computes from the same audio (samples.h) and prints the scores on
 * Serial (115200 baud). A microphone feeds the same pipeline: hand each block of 16 kHz samples to
 * feature_stream_push() and classify stream.window when it returns new rows (feature_stream.h).
 *
 * audio_preprocessor.h / .c and micro_speech.h / .c hold the models, converted ahead of time:
 *     tinyml convert audio_preprocessor.tflite --arduino --name audio_preprocessor -o MicroSpeech
 *     tinyml convert micro_speech.tflite --arduino --name micro_speech -o MicroSpeech
 */
#include <tinyml.h>

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
