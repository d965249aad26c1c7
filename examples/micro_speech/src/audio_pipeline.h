/*
 * audio_pipeline: the built-in clips of audio_clips.h through the whole keyword-spotting pipeline,
 * 16 kHz PCM -> feature_stream (the audio preprocessor model) -> the keyword model -> scores.
 * Shared by the bare-metal program (main.c), the Arduino program (arduino_main.cpp) and the Arduino
 * IDE sketch.
 */
#ifndef AUDIO_PIPELINE_H
#define AUDIO_PIPELINE_H

#ifdef __cplusplus
extern "C" {
#endif

/* Feed each clip in 10 ms blocks (as a microphone driver delivers them), check its 49x40 features
 * against those TFLM's interpreter computes from the same audio (samples.h), classify them and hand
 * the lines to print_line. 0 when every clip's features and class are TFLM's. */
int classify_clips(void (*print_line)(const char *line));

#ifdef __cplusplus
}
#endif

#endif
