/*
 * Reference kernels of UNIDIRECTIONAL_SEQUENCE_LSTM (int8, float32): portable C, always compiled. The
 * int8 time step takes each gate from tml_lstm_gate_s8 (ops/lstm.h). Included by ops/lstm.h (after
 * tml_common.h, the params structs and the declaration of tml_lstm_gate_s8).
 */
#ifndef TINYML_REF_LSTM_H
#define TINYML_REF_LSTM_H

/** Rows handled by one step: every batch row when time major, else one. */
static inline int32_t tml_lstm_step_rows(int32_t batch_size, int32_t time_major)
{
    return time_major ? batch_size : 1;
}

static inline uint32_t tml_lstm_s8_scratch_bytes(int32_t batch_size, int32_t state_size, int32_t time_major)
{
    return (uint32_t)(3 * tml_lstm_step_rows(batch_size, time_major) * state_size) * (uint32_t)sizeof(int16_t);
}

static inline uint32_t tml_lstm_f32_scratch_bytes(int32_t batch_size, int32_t state_size, int32_t time_major)
{
    return (uint32_t)(3 * tml_lstm_step_rows(batch_size, time_major) * state_size) * (uint32_t)sizeof(float);
}

/* ------------------------------------------------------------ int16 non-linearities */

static inline int16_t tml_lstm_clamp16(int32_t x)
{
    return (int16_t)tml_clamp_i32(x, -32768, 32767);
}

/** TFLM's int16 logistic on a Q3.12 input, result in Q0.15. */
static inline int16_t tml_lstm_sigmoid_s16(int16_t v, const uint16_t *table)
{
    const int32_t x = (int32_t)v * 3;  /* 3/4 range expansion, input scale 2^-12 */
    const uint32_t ax = (uint32_t)(x < 0 ? -x : x);
    const uint32_t uh = ax >> 9;
    uint32_t r;
    if (uh >= 255u) {
        r = 0x7FFFu << 10;
    } else {
        const uint32_t ua = table[uh], ub = table[uh + 1u];
        r = (ua << 9) + (ax & 0x1FFu) * (ub - ua);
    }
    r = x >= 0 ? r + (1u << 9) : (1u << 25) - r + (1u << 9) - 1u;
    return (int16_t)(r >> 10);
}

/** TFLM's int16 tanh: x = (v * multiplier + round) >> shift, result in Q0.15. */
static inline int16_t tml_lstm_tanh_s16(int16_t v, int32_t multiplier, int32_t shift, const uint16_t *table)
{
    const int32_t round = shift > 0 ? (1 << (shift - 1)) : 0;
    const int32_t x = ((int32_t)v * multiplier + round) >> shift;
    const uint32_t ax = (uint32_t)(x < 0 ? -x : x);
    const uint32_t uh = ax >> 8;
    int32_t r;
    if (uh >= 255u) {
        r = 0xFFFF << 8;
    } else {
        const uint32_t ua = table[uh], ub = table[uh + 1u];
        r = (int32_t)((ua << 8) + (ax & 0xFFu) * (ub - ua));
    }
    r = x >= 0 ? r - (1 << 23) + (1 << 7) : -r + (1 << 23) + (1 << 7) - 1;
    return (int16_t)(r >> 8);
}

/* ------------------------------------------------------------ int8 */

/* The gate's pre-activation of output o from its two sums, through sigmoid or tanh. */
TML_ALWAYS_INLINE int16_t tml__lstm_gate_out(const tml_lstm_s8_params *p, int32_t acc, int32_t racc, int32_t in_mult,
                                             int32_t in_shift, int32_t rec_mult, int32_t rec_shift, int use_tanh)
{
    const int32_t a = tml_lstm_clamp16(tml_mul_by_quantized_mul(acc, in_mult, in_shift));
    const int32_t c = tml_lstm_clamp16(tml_mul_by_quantized_mul(racc, rec_mult, rec_shift));
    const int16_t pre = tml_lstm_clamp16(a + c);
    return use_tanh ? tml_lstm_tanh_s16(pre, 3, 0, p->sigmoid_table) : tml_lstm_sigmoid_s16(pre, p->sigmoid_table);
}

/* The reference gate (without the folded sums): int32 sums of the int8 values plus their offsets. A macro,
 * so that the Armv7E-M gate (armv7em/lstm.h) compiles the same loop in its own body. */
#define TML__LSTM_GATE_S8_REF(p, rows, x, h, w, r, bias, in_mult, in_shift, rec_mult, rec_shift, use_tanh, gate)    \
    do {                                                                                                            \
        int32_t b, o, d;                                                                                            \
        for (b = 0; b < rows; b++) {                                                                                \
            const int8_t *xb = x + b * p->input_size;                                                               \
            const int8_t *hb = h + b * p->state_size;                                                               \
            for (o = 0; o < p->state_size; o++) {                                                                   \
                const int8_t *wo = w + o * p->input_size;                                                           \
                const int8_t *ro = r + o * p->state_size;                                                           \
                uint32_t acc = bias ? (uint32_t)bias[o] : 0u;  /* int32 arithmetic wrapping like TFLM's */          \
                uint32_t racc = 0u;                                                                                 \
                for (d = 0; d < p->input_size; d++) {                                                               \
                    acc += (uint32_t)((int32_t)wo[d] * ((int32_t)xb[d] + p->input_offset));                         \
                }                                                                                                   \
                for (d = 0; d < p->state_size; d++) {                                                               \
                    racc += (uint32_t)((int32_t)ro[d] * ((int32_t)hb[d] + p->hidden_offset));                       \
                }                                                                                                   \
                gate[b * p->state_size + o] = tml__lstm_gate_out(p, (int32_t)acc, (int32_t)racc, in_mult, in_shift, \
                                                                 rec_mult, rec_shift, use_tanh);                    \
            }                                                                                                       \
        }                                                                                                           \
    } while (0)

TML_ALWAYS_INLINE void tml__lstm_gate_s8_ref(const tml_lstm_s8_params *p, int32_t rows, const int8_t *x,
                                            const int8_t *h, const int8_t *w, const int8_t *r, const int32_t *bias,
                                            int32_t in_mult, int32_t in_shift, int32_t rec_mult, int32_t rec_shift,
                                            int use_tanh, int16_t *gate)
{
    TML__LSTM_GATE_S8_REF(p, rows, x, h, w, r, bias, in_mult, in_shift, rec_mult, rec_shift, use_tanh, gate);
}

/* One time step for `rows` rows of x, h, c; writes h to out. */
static inline void tml_lstm_step_s8(const tml_lstm_s8_params *p, int32_t rows, const int8_t *x, int8_t *h,
                                    int16_t *c, int8_t *out, int16_t *scratch)
{
    const int32_t n = rows * p->state_size;
    int16_t *fg = scratch, *ig = scratch + n, *zg = scratch + 2 * n;
    int16_t *og = scratch;  /* reuses the forget gate row once c is updated */
    int32_t k;
    tml_lstm_gate_s8(p, rows, x, h, p->input_to_forget_weights, p->recurrent_to_forget_weights, p->forget_gate_bias,
                     p->forget_gate_input_folded, p->forget_gate_recurrent_folded,
                     p->forget_gate_input_multiplier, p->forget_gate_input_shift,
                     p->forget_gate_recurrent_multiplier, p->forget_gate_recurrent_shift, 0, fg);
    tml_lstm_gate_s8(p, rows, x, h, p->input_to_input_weights, p->recurrent_to_input_weights, p->input_gate_bias,
                     p->input_gate_input_folded, p->input_gate_recurrent_folded,
                     p->input_gate_input_multiplier, p->input_gate_input_shift,
                     p->input_gate_recurrent_multiplier, p->input_gate_recurrent_shift, 0, ig);
    tml_lstm_gate_s8(p, rows, x, h, p->input_to_cell_weights, p->recurrent_to_cell_weights, p->cell_gate_bias,
                     p->cell_gate_input_folded, p->cell_gate_recurrent_folded,
                     p->cell_gate_input_multiplier, p->cell_gate_input_shift,
                     p->cell_gate_recurrent_multiplier, p->cell_gate_recurrent_shift, 1, zg);
    for (k = 0; k < n; k++) {
        const int32_t fc = tml_lstm_clamp16(
            tml_mul_by_quantized_mul((int32_t)fg[k] * (int32_t)c[k], p->forget_cell_multiplier, p->forget_cell_shift));
        const int32_t iz = tml_lstm_clamp16(
            tml_mul_by_quantized_mul((int32_t)ig[k] * (int32_t)zg[k], p->input_cell_multiplier, p->input_cell_shift));
        int32_t v = tml_lstm_clamp16(fc + iz);
        if (p->cell_clip >= 0) {
            v = tml_clamp_i32(v, -p->cell_clip, p->cell_clip);
        }
        c[k] = (int16_t)v;
    }
    tml_lstm_gate_s8(p, rows, x, h, p->input_to_output_weights, p->recurrent_to_output_weights, p->output_gate_bias,
                     p->output_gate_input_folded, p->output_gate_recurrent_folded,
                     p->output_gate_input_multiplier, p->output_gate_input_shift,
                     p->output_gate_recurrent_multiplier, p->output_gate_recurrent_shift, 0, og);
    for (k = 0; k < n; k++) {
        const int32_t t = tml_lstm_tanh_s16(c[k], p->tanh_cell_multiplier, p->tanh_cell_shift, p->sigmoid_table);
        const int32_t v = tml_mul_by_quantized_mul(t * (int32_t)og[k], p->hidden_multiplier, p->hidden_shift)
                          + p->hidden_zero_point;
        h[k] = (int8_t)tml_clamp_i32(v, -128, 127);
    }
    memcpy(out, h, (size_t)n);
}

static inline void tml_lstm_s8_ref(const tml_lstm_s8_params *p, const int8_t *input, int8_t *output_state,
                                   int16_t *cell_state, int8_t *output, void *scratch)
{
    const int32_t rows = tml_lstm_step_rows(p->batch_size, p->time_major);
    const int32_t outer = p->time_major ? 1 : p->batch_size;
    int32_t ob, t;
    for (ob = 0; ob < outer; ob++) {
        for (t = 0; t < p->time_steps; t++) {
            const int32_t row = ob * p->time_steps + t;  /* index of this step's first row */
            tml_lstm_step_s8(p, rows, input + row * rows * p->input_size, output_state + ob * p->state_size,
                             cell_state + ob * p->state_size, output + row * rows * p->state_size,
                             (int16_t *)scratch);
        }
    }
}

/* ------------------------------------------------------------ float32 */

TML_FLOAT static inline float tml_lstm_sigmoid_f32(float x)
{
    TML_FP_EXACT
    if (x > 16.619047164916992188f) {
        return 1.0f;
    }
    if (x < -9.0f) {
        return expf(x);
    }
    return 1.0f / (1.0f + expf(-x));
}

TML_FLOAT static inline void tml_lstm_gate_f32(const tml_lstm_f32_params *p, int32_t rows, const float *x,
                                               const float *h, const float *w, const float *r, const float *bias,
                                               int use_tanh, float *gate)
{
    TML_FP_EXACT
    int32_t b, o, d;
    for (b = 0; b < rows; b++) {
        const float *xb = x + b * p->input_size;
        const float *hb = h + b * p->state_size;
        for (o = 0; o < p->state_size; o++) {
            const float *wo = w + o * p->input_size;
            const float *ro = r + o * p->state_size;
            float a = 0.0f, c = 0.0f, pre;
            for (d = 0; d < p->input_size; d++) {
                a += xb[d] * wo[d];
            }
            if (bias) {
                a += bias[o];
            }
            for (d = 0; d < p->state_size; d++) {
                c += hb[d] * ro[d];
            }
            pre = a + c;
            gate[b * p->state_size + o] = use_tanh ? tanhf(pre) : tml_lstm_sigmoid_f32(pre);
        }
    }
}

TML_FLOAT static inline void tml_lstm_step_f32(const tml_lstm_f32_params *p, int32_t rows, const float *x, float *h,
                                               float *c, float *out, float *scratch)
{
    TML_FP_EXACT
    const int32_t n = rows * p->state_size;
    float *fg = scratch, *ig = scratch + n, *zg = scratch + 2 * n;
    float *og = scratch;
    int32_t k;
    tml_lstm_gate_f32(p, rows, x, h, p->input_to_forget_weights, p->recurrent_to_forget_weights,
                      p->forget_gate_bias, 0, fg);
    tml_lstm_gate_f32(p, rows, x, h, p->input_to_input_weights, p->recurrent_to_input_weights,
                      p->input_gate_bias, 0, ig);
    tml_lstm_gate_f32(p, rows, x, h, p->input_to_cell_weights, p->recurrent_to_cell_weights,
                      p->cell_gate_bias, 1, zg);
    for (k = 0; k < n; k++) {
        const float fc = fg[k] * c[k];
        const float iz = ig[k] * zg[k];
        float v = fc + iz;
        if (p->cell_clip > 0.0f) {
            v = tml_clamp_f32(v, -p->cell_clip, p->cell_clip);
        }
        c[k] = v;
    }
    tml_lstm_gate_f32(p, rows, x, h, p->input_to_output_weights, p->recurrent_to_output_weights,
                      p->output_gate_bias, 0, og);
    for (k = 0; k < n; k++) {
        h[k] = tanhf(c[k]) * og[k];
    }
    memcpy(out, h, (size_t)n * sizeof(float));
}

TML_FLOAT static inline void tml_lstm_f32_ref(const tml_lstm_f32_params *p, const float *input, float *output_state,
                                              float *cell_state, float *output, void *scratch)
{
    TML_FP_EXACT
    const int32_t rows = tml_lstm_step_rows(p->batch_size, p->time_major);
    const int32_t outer = p->time_major ? 1 : p->batch_size;
    int32_t ob, t;
    for (ob = 0; ob < outer; ob++) {
        for (t = 0; t < p->time_steps; t++) {
            const int32_t row = ob * p->time_steps + t;
            tml_lstm_step_f32(p, rows, input + row * rows * p->input_size, output_state + ob * p->state_size,
                              cell_state + ob * p->state_size, output + row * rows * p->state_size,
                              (float *)scratch);
        }
    }
}

#endif /* TINYML_REF_LSTM_H */
