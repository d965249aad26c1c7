/*
 * UNIDIRECTIONAL_SEQUENCE_LSTM, as TFLite Micro's current LSTM kernel computes it: the
 * standard (Keras) LSTM cell. CIFG, peephole, projection and layer normalisation are not
 * part of it (TFLM rejects them too).
 *
 * Layouts
 *   input      [batch, time, input_size], or [time, batch, input_size] when time_major
 *   output     the same with state_size in place of input_size
 *   input_to_<g>_weights     [state_size, input_size]   (g = input, forget, cell, output)
 *   recurrent_to_<g>_weights [state_size, state_size]
 *   <g>_gate_bias            [state_size]
 *   output_state (h) and cell_state (c): [batch, state_size], variable tensors that keep
 *   their value from one invoke to the next (the model's reset() clears them).
 *
 * One time step (x = this step's input row(s)):
 *   f = sigmoid(W_f x + b_f + R_f h)          forget gate
 *   i = sigmoid(W_i x + b_i + R_i h)          input gate
 *   z = tanh   (W_z x + b_z + R_z h)          cell gate
 *   c = f * c + i * z,  then clamped to [-cell_clip, cell_clip] when cell_clip > 0
 *   o = sigmoid(W_o x + b_o + R_o h)          output gate (computed from the old h)
 *   h = o * tanh(c);  output row = h
 * time_major: each step handles every batch row at once. Otherwise the batch rows run one
 * after the other, each through all its time steps with its own row of h and c.
 *
 * int8 (tml_lstm_s8): int8 input/output/h, int8 symmetric weights, int32 biases, int16 c
 * whose scale is a power of two (2^cell_scale_power). Bit-exact with TFLM:
 *   every gate pre-activation is int16 in Q3.12 (scale 2^-12), the sum of two saturated
 *   int16 halves, each requantized with TFLM's double rounding:
 *     a = clamp16(requant(bias + sum(w * (x + input_offset)), <g>_input_mult/shift))
 *     b = clamp16(requant(sum(r * (h + hidden_offset)), <g>_recurrent_mult/shift))
 *     g = act(clamp16(a + b)), result in Q0.15
 *   sigmoid/tanh are TFLM's int16 lookup-table functions (interpolated 256-entry
 *   sigmoid table passed as `sigmoid_table`, tanh(x) = 2 sigmoid(2x) - 1); tanh of the
 *   cell state pre-scales c by (tanh_cell_multiplier, rounding right shift tanh_cell_shift).
 *   c = clamp16(clamp16(requant(f * c, forget_cell)) + clamp16(requant(i * z, input_cell)))
 *   c = clamp(c, -cell_clip, cell_clip) when cell_clip >= 0 (already quantized; -1 = off)
 *   h = clamp8(requant(tanh(c) * o, hidden) + hidden_zero_point)
 * Scratch: tml_lstm_s8_scratch_bytes() (three int16 gate rows per step).
 *
 * float32 (tml_lstm_f32): the same steps in float, sigmoid(x) = 1 / (1 + exp(-x)) with
 * TFLM's cutoffs (1 above 16.619, exp(x) below -9). Scratch: tml_lstm_f32_scratch_bytes().
 */
#ifndef TINYML_OPS_LSTM_H
#define TINYML_OPS_LSTM_H

#include <math.h>

#include "../tml_common.h"

typedef struct {
    int32_t batch_size;
    int32_t time_steps;
    int32_t input_size;
    int32_t state_size;
    int32_t time_major;                  /* 1: input [time, batch, input_size] */
    const int8_t *input_to_input_weights;
    const int8_t *input_to_forget_weights;
    const int8_t *input_to_cell_weights;
    const int8_t *input_to_output_weights;
    const int8_t *recurrent_to_input_weights;
    const int8_t *recurrent_to_forget_weights;
    const int8_t *recurrent_to_cell_weights;
    const int8_t *recurrent_to_output_weights;
    const int32_t *input_gate_bias;
    const int32_t *forget_gate_bias;
    const int32_t *cell_gate_bias;
    const int32_t *output_gate_bias;
    int32_t input_offset;                /* minus the input zero point */
    int32_t hidden_offset;               /* minus the output_state zero point */
    int32_t hidden_zero_point;           /* the output_state zero point */
    /* input x W and h x R -> Q3.12, per gate */
    int32_t input_gate_input_multiplier;
    int32_t input_gate_input_shift;
    int32_t input_gate_recurrent_multiplier;
    int32_t input_gate_recurrent_shift;
    int32_t forget_gate_input_multiplier;
    int32_t forget_gate_input_shift;
    int32_t forget_gate_recurrent_multiplier;
    int32_t forget_gate_recurrent_shift;
    int32_t cell_gate_input_multiplier;
    int32_t cell_gate_input_shift;
    int32_t cell_gate_recurrent_multiplier;
    int32_t cell_gate_recurrent_shift;
    int32_t output_gate_input_multiplier;
    int32_t output_gate_input_shift;
    int32_t output_gate_recurrent_multiplier;
    int32_t output_gate_recurrent_shift;
    /* element-wise products */
    int32_t forget_cell_multiplier;      /* Q0.15 x c -> c */
    int32_t forget_cell_shift;
    int32_t input_cell_multiplier;       /* Q0.15 x Q0.15 -> c */
    int32_t input_cell_shift;
    int32_t hidden_multiplier;           /* Q0.15 x Q0.15 -> h */
    int32_t hidden_shift;
    int32_t tanh_cell_multiplier;        /* c -> tanh input, see TFLM's int16 Tanh */
    int32_t tanh_cell_shift;
    int32_t cell_clip;                   /* quantized clip, -1 when not clipping */
    const uint16_t *sigmoid_table;       /* 256 entries: sigmoid(k / 24) in Q0.16 */
    /* optional, made by the generator for the optimized paths: bias + input_offset x row sums of W and
     * hidden_offset x row sums of R, per gate, so that the dot products take raw int8 values */
    const int32_t *input_gate_input_folded;
    const int32_t *forget_gate_input_folded;
    const int32_t *cell_gate_input_folded;
    const int32_t *output_gate_input_folded;
    const int32_t *input_gate_recurrent_folded;
    const int32_t *forget_gate_recurrent_folded;
    const int32_t *cell_gate_recurrent_folded;
    const int32_t *output_gate_recurrent_folded;
} tml_lstm_s8_params;

typedef struct {
    int32_t batch_size;
    int32_t time_steps;
    int32_t input_size;
    int32_t state_size;
    int32_t time_major;
    const float *input_to_input_weights;
    const float *input_to_forget_weights;
    const float *input_to_cell_weights;
    const float *input_to_output_weights;
    const float *recurrent_to_input_weights;
    const float *recurrent_to_forget_weights;
    const float *recurrent_to_cell_weights;
    const float *recurrent_to_output_weights;
    const float *input_gate_bias;
    const float *forget_gate_bias;
    const float *cell_gate_bias;
    const float *output_gate_bias;
    float cell_clip;                     /* 0: no clipping */
} tml_lstm_f32_params;

/* One gate for `rows` rows: gate = act(clamp16(FC(x) + FC(h))), act = sigmoid or tanh. The path's gate,
 * defined with the dispatchers below; the reference's time step (ref/lstm.h) calls it. */
static inline void tml_lstm_gate_s8(const tml_lstm_s8_params *p, int32_t rows, const int8_t *x, const int8_t *h,
                                    const int8_t *w, const int8_t *r, const int32_t *bias,
                                    const int32_t *wfold, const int32_t *rfold,
                                    int32_t in_mult, int32_t in_shift, int32_t rec_mult, int32_t rec_shift,
                                    int use_tanh, int16_t *gate);

/* The kernels: the reference always, each optimized path where the compiler provides it. */
#include "../ref/lstm.h"
#if defined(TML_ARCH_ARM_DSP)
#include "../armv7em/lstm.h"
#endif

/* Dispatch of one gate: the Armv7E-M one (the folded sums where the generator made them), else the
 * reference's. */
static inline void tml_lstm_gate_s8(const tml_lstm_s8_params *p, int32_t rows, const int8_t *x, const int8_t *h,
                                    const int8_t *w, const int8_t *r, const int32_t *bias,
                                    const int32_t *wfold, const int32_t *rfold,
                                    int32_t in_mult, int32_t in_shift, int32_t rec_mult, int32_t rec_shift,
                                    int use_tanh, int16_t *gate)
{
#if defined(TML_ARCH_ARM_DSP)
    tml__lstm_gate_s8_armv7em(p, rows, x, h, w, r, bias, wfold, rfold, in_mult, in_shift, rec_mult, rec_shift,
                              use_tanh, gate);
#else
    (void)wfold;
    (void)rfold;
    tml__lstm_gate_s8_ref(p, rows, x, h, w, r, bias, in_mult, in_shift, rec_mult, rec_shift, use_tanh, gate);
#endif
}

/* Dispatch: the reference path until an architecture provides its own. */
static inline void tml_lstm_s8(const tml_lstm_s8_params *p, const int8_t *input, int8_t *output_state,
                               int16_t *cell_state, int8_t *output, void *scratch)
{
    tml_lstm_s8_ref(p, input, output_state, cell_state, output, scratch);
}

static inline void tml_lstm_f32(const tml_lstm_f32_params *p, const float *input, float *output_state,
                                float *cell_state, float *output, void *scratch)
{
    tml_lstm_f32_ref(p, input, output_state, cell_state, output, scratch);
}

#endif /* TINYML_OPS_LSTM_H */
