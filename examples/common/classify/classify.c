/*
 * Runs a classifier on built-in samples and prints what it scores.
 *
 * Shared by the example classifiers (micro_speech, person_detection): it drives the model through
 * its tml_model descriptor, so it needs no model name. The Arduino IDE sketches keep a copy of it.
 */
#include <stdio.h>
#include <string.h>

#include "classify.h"

int classify_one(const tml_model *model, const char *name, const int8_t *input, int expected,
                 const char *const *labels, void (*print_line)(const char *line))
{
    const tml_tensor_info *out = &model->outputs[0];
    char line[256];
    const void *scores;
    int best, n;
    uint32_t i;

    if (out->dtype != TML_INT8) {
        print_line("error: an int8 classifier is expected\n");
        return -1;
    }
    if (input != NULL) {
        memcpy(model->input(0), input, model->inputs[0].bytes);
    }
    if (model->invoke() != 0) {
        print_line("error: invoke failed\n");
        return -1;
    }
    scores = model->output(0);
    best = tml_argmax(out, scores);
    n = snprintf(line, sizeof line, "%-10s", name);
    for (i = 0; i < out->count && n > 0 && (size_t)n < sizeof line; i++) {
        n += snprintf(line + n, sizeof line - (size_t)n, " %s=%d (%.1f%%)", labels[i],
                      (int)((const int8_t *)scores)[i], 100.0 * (double)tml_read_one_f32(out, scores, i));
    }
    if (n > 0 && (size_t)n < sizeof line) {
        snprintf(line + n, sizeof line - (size_t)n, " -> %s%s\n", labels[best],
                 best == expected ? "" : " (the reference interpreter picked another)");
    }
    print_line(line);
    return best == expected;
}

int classify_samples(const tml_model *model, const sample_set *samples, void (*print_line)(const char *line))
{
    char line[96];
    int s, agree = 0;

    if (model->inputs[0].bytes != samples->input_bytes) {
        print_line("error: the samples do not match the model's input size\n");
        return 1;
    }
    for (s = 0; s < samples->count; s++) {
        int r = classify_one(model, samples->names[s], samples->inputs + (size_t)s * samples->input_bytes,
                             samples->expected[s], samples->labels, print_line);
        if (r < 0) {
            return 1;
        }
        agree += r;
    }
    snprintf(line, sizeof line, "agree with the reference interpreter: %d/%d\n", agree, samples->count);
    print_line(line);
    return agree == samples->count ? 0 : 1;
}
