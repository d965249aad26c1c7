#ifndef CLASSIFY_H
#define CLASSIFY_H

#include <stdint.h>

#include "tinyml.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Inputs to classify (an example's samples.h fills one in) and what the reference interpreter
 * picked for each. */
typedef struct {
    int count;
    const char *const *names;   /* count names */
    const int8_t *inputs;       /* count inputs of input_bytes each, one after the other */
    uint32_t input_bytes;
    const int *expected;        /* the class the reference interpreter picked for each */
    const char *const *labels;  /* one per class of the model's output */
} sample_set;

/* Run a classifier on one input (already in the model's input, or copied from `input` when not NULL) and
 * hand one line (scores and the class it picked) to print_line. 1 when the class is `expected`, 0 when
 * not, -1 when the model fails. */
int classify_one(const tml_model *model, const char *name, const int8_t *input, int expected,
                 const char *const *labels, void (*print_line)(const char *line));

/* Run a classifier on every sample and hand one line per sample (scores and the class it picked)
 * and a summary line to print_line. 0 when every class is the one the reference picked. */
int classify_samples(const tml_model *model, const sample_set *samples, void (*print_line)(const char *line));

/* The samples of an example's samples.h as a sample_set. */
#define SAMPLE_SET_OF_SAMPLES_H                                                                     \
    {SAMPLE_COUNT, sample_names, &sample_inputs[0][0], (uint32_t)sizeof sample_inputs[0], sample_expected, \
     label_names}

#ifdef __cplusplus
}
#endif

#endif
