/*
 * Reference kernels of SVDF (int8 with int16 or int8 state, float32): portable C.
 * Included by ops/svdf.h (after tml_common.h and the params structs).
 */
#ifndef TINYML_REF_SVDF_H
#define TINYML_REF_SVDF_H

/* weights_feature row . (input row - input_zp), requantized to the state scale. */
static inline int32_t tml_svdf_feature_s8(const tml_svdf_s8_params *p, const int8_t *in, const int8_t *w)
{
    uint32_t acc = 0;
    int32_t c;
    for (c = 0; c < p->input_size; c++) {
        acc += (uint32_t)((int32_t)w[c] * ((int32_t)in[c] - p->input_zero_point));
    }
    return tml_mul_by_quantized_mul((int32_t)acc, p->multiplier_1, p->shift_1);
}

/* bias + sum of the per-filter time products, requantized to the int8 output. */
static inline int8_t tml_svdf_output_s8(const tml_svdf_s8_params *p, uint32_t acc)
{
    const int32_t v = tml_mul_by_quantized_mul((int32_t)acc, p->multiplier_2, p->shift_2);
    return (int8_t)tml_clamp_i32(v + p->output_zero_point, -128, 127);
}

/** int8 SVDF with int16 weights_time and state. */
static inline void tml_svdf_s8_s16_ref(const tml_svdf_s8_params *p, const int8_t *input,
                                       const int8_t *weights_feature, const int16_t *weights_time,
                                       const int32_t *bias, int16_t *state, int8_t *output)
{
    const int32_t per_batch = p->num_filters * p->memory_size;
    const int32_t n_state = p->batches * per_batch;
    int32_t b, f, u, j;
    if (n_state > 1) {
        memmove(state, state + 1, (size_t)(n_state - 1) * sizeof(int16_t));
    }
    for (b = 0; b < p->batches; b++) {
        int16_t *col = state + b * per_batch + (p->memory_size - 1);
        for (f = 0; f < p->num_filters; f++) {
            const int32_t v = tml_svdf_feature_s8(p, input + b * p->input_size, weights_feature + f * p->input_size);
            /* clamp, then add the zero point, wrapping to 16 bits (TFLM's order) */
            const int32_t q = tml_clamp_i32(v, -32768, 32767) + p->state_zero_point;
            col[f * p->memory_size] = (int16_t)(((q + 32768) & 0xFFFF) - 32768);
        }
    }
    for (b = 0; b < p->batches; b++) {
        for (u = 0; u < p->num_units; u++) {
            /* the unit's rank filters are consecutive: one run of rank * memory_size values */
            const int16_t *wt = weights_time + u * p->rank * p->memory_size;
            const int16_t *s = state + b * per_batch + u * p->rank * p->memory_size;
            uint32_t acc = bias ? (uint32_t)bias[u] : 0u;
            for (j = 0; j < p->rank * p->memory_size; j++) {
                acc += (uint32_t)((int32_t)wt[j] * ((int32_t)s[j] - p->state_zero_point));
            }
            output[b * p->num_units + u] = tml_svdf_output_s8(p, acc);
        }
    }
}

/** int8 SVDF with int8 weights_time and state (TFLM only). */
static inline void tml_svdf_s8_s8_ref(const tml_svdf_s8_params *p, const int8_t *input,
                                      const int8_t *weights_feature, const int8_t *weights_time,
                                      const int32_t *bias, int8_t *state, int8_t *output)
{
    const int32_t per_batch = p->num_filters * p->memory_size;
    const int32_t n_state = p->batches * per_batch;
    int32_t b, f, u, j;
    if (n_state > 1) {
        memmove(state, state + 1, (size_t)(n_state - 1) * sizeof(int8_t));
    }
    for (b = 0; b < p->batches; b++) {
        int8_t *col = state + b * per_batch + (p->memory_size - 1);
        for (f = 0; f < p->num_filters; f++) {
            const int32_t v = tml_svdf_feature_s8(p, input + b * p->input_size, weights_feature + f * p->input_size);
            /* clamp, then add the zero point, wrapping to 8 bits (TFLM's order) */
            const int32_t q = tml_clamp_i32(v, -128, 127) + p->state_zero_point;
            col[f * p->memory_size] = (int8_t)(((q + 128) & 0xFF) - 128);
        }
    }
    for (b = 0; b < p->batches; b++) {
        for (u = 0; u < p->num_units; u++) {
            const int8_t *wt = weights_time + u * p->rank * p->memory_size;
            const int8_t *s = state + b * per_batch + u * p->rank * p->memory_size;
            uint32_t acc = bias ? (uint32_t)bias[u] : 0u;
            for (j = 0; j < p->rank * p->memory_size; j++) {
                acc += (uint32_t)((int32_t)wt[j] * ((int32_t)s[j] - p->state_zero_point));
            }
            output[b * p->num_units + u] = tml_svdf_output_s8(p, acc);
        }
    }
}

TML_FLOAT static inline float tml_svdf_activate_f32(tml_svdf_activation act, float x)
{
    TML_FP_EXACT
    switch (act) {
    case TML_SVDF_ACT_RELU: return x < 0.0f ? 0.0f : x;
    case TML_SVDF_ACT_RELU_N1_TO_1: return x < -1.0f ? -1.0f : (x > 1.0f ? 1.0f : x);
    case TML_SVDF_ACT_RELU6: return x < 0.0f ? 0.0f : (x > 6.0f ? 6.0f : x);
    case TML_SVDF_ACT_TANH: return tanhf(x);
    default: return x;
    }
}

/** float32 SVDF (same summation order as TFLM's reference). */
TML_FLOAT static inline void tml_svdf_f32_ref(const tml_svdf_f32_params *p, const float *input,
                                              const float *weights_feature, const float *weights_time,
                                              const float *bias, float *state, float *output)
{
    TML_FP_EXACT
    const int32_t n_state = p->batches * p->num_filters * p->memory_size;
    int32_t b, f, u, r, j, c;
    if (n_state > 1) {
        memmove(state, state + 1, (size_t)(n_state - 1) * sizeof(float));
    }
    for (b = 0; b < p->batches; b++) {
        const float *in = input + b * p->input_size;
        float *col = state + b * p->num_filters * p->memory_size + (p->memory_size - 1);
        for (f = 0; f < p->num_filters; f++) {
            const float *w = weights_feature + f * p->input_size;
            float acc = 0.0f;
            for (c = 0; c < p->input_size; c++) {
                acc += w[c] * in[c];
            }
            col[f * p->memory_size] = acc;
        }
    }
    for (b = 0; b < p->batches; b++) {
        const float *s = state + b * p->num_filters * p->memory_size;
        for (u = 0; u < p->num_units; u++) {
            float acc = bias ? bias[u] : 0.0f;
            for (r = 0; r < p->rank; r++) {
                const int32_t filt = u * p->rank + r;
                const float *wt = weights_time + filt * p->memory_size;
                const float *sf = s + filt * p->memory_size;
                float dot = 0.0f;
                for (j = 0; j < p->memory_size; j++) {
                    dot += wt[j] * sf[j];
                }
                acc += dot;
            }
            output[b * p->num_units + u] = tml_svdf_activate_f32(p->activation, acc);
        }
    }
}

#endif /* TINYML_REF_SVDF_H */
