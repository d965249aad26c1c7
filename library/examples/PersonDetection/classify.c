/*
 * Runs a classifier on built-in samples and prints what it scores.
 *
 * Shared by the example classifiers (micro_speech, person_detection): it drives the model through
 * its tml_model descriptor, so it needs no model name. The Arduino IDE sketches keep a copy of it.
 */
#include <stdio.h>
#include <string.h>

#include "classify.h"

int classify_samples(const tml_model *model, const sample_set *samples, void (*print_line)(const char *line))
{
    const tml_tensor_info *in = &model->inputs[0];
    const tml_tensor_info *out = &model->outputs[0];
    char line[256];
    int s, agree = 0;

    if (out->dtype != TML_INT8) {
        print_line("error: an int8 classifier is expected\n");
        return 1;
    }
    if (in->bytes != samples->input_bytes) {
        print_line("error: the samples do not match the model's input size\n");
        return 1;
    }
    for (s = 0; s < samples->count; s++) {
        const void *scores;
        int best, n;
        uint32_t i;
        memcpy(model->input(0), samples->inputs + (size_t)s * samples->input_bytes, samples->input_bytes);
        if (model->invoke() != 0) {
            print_line("error: invoke failed\n");
            return 1;
        }
        scores = model->output(0);
        best = tml_argmax(out, scores);
        n = snprintf(line, sizeof line, "%-10s", samples->names[s]);
        for (i = 0; i < out->count && n > 0 && (size_t)n < sizeof line; i++) {
            n += snprintf(line + n, sizeof line - (size_t)n, " %s=%d (%.1f%%)", samples->labels[i],
                          (int)((const int8_t *)scores)[i], 100.0 * (double)tml_read_one_f32(out, scores, i));
        }
        if (n > 0 && (size_t)n < sizeof line) {
            snprintf(line + n, sizeof line - (size_t)n, " -> %s%s\n", samples->labels[best],
                     best == samples->expected[s] ? "" : " (the reference interpreter picked another)");
        }
        print_line(line);
        agree += best == samples->expected[s];
    }
    snprintf(line, sizeof line, "agree with the reference interpreter: %d/%d\n", agree, samples->count);
    print_line(line);
    return agree == samples->count ? 0 : 1;
}
