/* audio_pipeline: see audio_pipeline.h. */
#include <stdio.h>
#include <string.h>

#include "audio_clips.h"
#include "audio_pipeline.h"
#include "audio_preprocessor.h"
#include "classify.h"
#include "feature_stream.h"
#include "micro_speech.h"
#include "samples.h"

#define BLOCK_SAMPLES 160  /* 10 ms */

#if CLIP_COUNT != SAMPLE_COUNT || SAMPLE_INPUT_SIZE != FEATURE_ROWS * FEATURE_SIZE
#error "audio_clips.h and samples.h do not describe the same clips"
#endif

/* Feed clip c to the stream and compare the features with TFLM's: 0 when equal, 1 when not, -1 on error. */
static int clip_features(int c, feature_stream *stream, void (*print_line)(const char *))
{
    char line[128];
    uint32_t k;
    int differ = 0, i;
    if (feature_stream_reset(stream, &audio_preprocessor_model) != 0) {
        print_line("error: audio_preprocessor is not a 480-sample int16 -> 40 int8 feature model\n");
        return -1;
    }
    for (k = 0; k < CLIP_SAMPLES; k += BLOCK_SAMPLES) {
        uint32_t n = CLIP_SAMPLES - k < BLOCK_SAMPLES ? CLIP_SAMPLES - k : BLOCK_SAMPLES;
        if (feature_stream_push(stream, &clip_pcm[c][k], n) < 0) {
            print_line("error: the audio preprocessor failed\n");
            return -1;
        }
    }
    for (i = 0; i < FEATURE_ROWS * FEATURE_SIZE; i++) {
        differ += stream->window[i] != sample_inputs[c][i];
    }
    if (differ) {
        snprintf(line, sizeof line, "%s: %lu frames, features DIFFER from TFLM's in %d of %d values\n",
                 sample_names[c], (unsigned long)stream->rows, differ, FEATURE_ROWS * FEATURE_SIZE);
    } else {
        snprintf(line, sizeof line, "%s: %lu frames, features equal to TFLM's\n", sample_names[c],
                 (unsigned long)stream->rows);
    }
    print_line(line);
    return differ != 0 || stream->rows != FEATURE_ROWS;
}

int classify_clips(void (*print_line)(const char *line))
{
    static feature_stream stream;
    char line[96];
    int c, agree = 0, features_differ = 0;
    if (micro_speech_model.inputs[0].bytes != sizeof stream.window) {
        print_line("error: micro_speech does not take 49x40 int8 features\n");
        return 1;
    }
    for (c = 0; c < CLIP_COUNT; c++) {
        int r = clip_features(c, &stream, print_line);
        if (r < 0) {
            return 1;
        }
        features_differ += r;
        r = classify_one(&micro_speech_model, sample_names[c], stream.window, sample_expected[c], label_names,
                         print_line);
        if (r < 0) {
            return 1;
        }
        agree += r;
    }
    snprintf(line, sizeof line, "agree with the reference interpreter: %d/%d\n", agree, CLIP_COUNT);
    print_line(line);
    return agree != CLIP_COUNT || features_differ != 0;
}
