/*
 * Reference kernels of FULLY_CONNECTED (int8, int16x8, float32): portable C, always compiled.
 * Included by ops/fully_connected.h (after tml_common.h and the params structs).
 */
#ifndef TINYML_REF_FULLY_CONNECTED_H
#define TINYML_REF_FULLY_CONNECTED_H

/* int16x8 (see tml_fully_connected_s16_params): the only path. */
static inline void tml_fully_connected_s16(const tml_fully_connected_s16_params *p, const int16_t *input,
                                           const int8_t *weights, const void *bias, int16_t *output)
{
    const tml_requant_params rq = TML_REQUANT_OF(p);
    int32_t b, o, d;
    for (b = 0; b < p->batches; b++) {
        const int16_t *in = input + b * p->accum_depth;
        for (o = 0; o < p->output_depth; o++) {
            const int8_t *w = weights + o * p->accum_depth;
            int64_t acc = 0;
            for (d = 0; d < p->accum_depth; d++) {
                acc += (int32_t)in[d] * (int32_t)w[d];
            }
            acc += tml_bias_s16(bias, o, p->acc64);
            output[b * p->output_depth + o] = tml_requant_s16(&rq, acc, o, p->acc64);
        }
    }
}

TML_HOT static inline void tml_fully_connected_s8_ref(const tml_fully_connected_s8_params *p, const int8_t *input,
                                              const int8_t *weights, const int32_t *bias, int8_t *output)
{
    const tml_requant_params rq = TML_REQUANT_OF(p);
    int32_t b, o, d;
    for (b = 0; b < p->batches; b++) {
        const int8_t *in = input + b * p->accum_depth;
        for (o = 0; o < p->output_depth; o++) {
            const int8_t *w = weights + o * p->accum_depth;
            int32_t acc = 0;
            for (d = 0; d < p->accum_depth; d++) {
                acc += ((int32_t)in[d] + p->input_offset) * ((int32_t)w[d] + p->weights_offset);
            }
            if (bias) {
                acc += bias[o];
            }
            output[b * p->output_depth + o] = tml_requant_s8(&rq, acc, o);
        }
    }
}

TML_FLOAT static inline void tml_fully_connected_f32_ref(const tml_fully_connected_f32_params *p,
                                                         const float *input, const float *weights,
                                                         const float *bias, float *output)
{
    TML_FP_EXACT
    int32_t b, o, d;
    for (b = 0; b < p->batches; b++) {
        const float *in = input + b * p->accum_depth;
        for (o = 0; o < p->output_depth; o++) {
            const float *w = weights + o * p->accum_depth;
            float acc = 0.0f;
            for (d = 0; d < p->accum_depth; d++) {
                acc += in[d] * w[d];
            }
            if (bias) {
                acc += bias[o];
            }
            output[b * p->output_depth + o] = tml_clamp_f32(acc, p->act_min, p->act_max);
        }
    }
}

#endif /* TINYML_REF_FULLY_CONNECTED_H */
