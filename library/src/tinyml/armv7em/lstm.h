/*
 * UNIDIRECTIONAL_SEQUENCE_LSTM int8 on Armv7E-M (Cortex-M4/M7/M33 with the DSP extension): the gates
 * over the generator's folded sums (SMLAD). Included by ops/lstm.h when TML_ARCH_ARM_DSP is defined.
 */
#ifndef TINYML_ARMV7EM_LSTM_H
#define TINYML_ARMV7EM_LSTM_H

/* With the folded sums: raw int8 dot products, two output rows per pass (SMLAD). The int32 sums wrap
 * exactly as the reference's (folding only reorders a sum modulo 2^32). */
TML_HOT static inline void tml__lstm_gate_s8_dsp(const tml_lstm_s8_params *p, int32_t rows, const int8_t *x,
                                                const int8_t *h, const int8_t *w, const int8_t *r,
                                                const int32_t *wfold, const int32_t *rfold, int32_t in_mult,
                                                int32_t in_shift, int32_t rec_mult, int32_t rec_shift, int use_tanh,
                                                int16_t *gate)
{
    const int32_t n_in = p->input_size, n_st = p->state_size;
    int32_t b, o;
    for (b = 0; b < rows; b++) {
        const int8_t *xb = x + b * n_in, *hb = h + b * n_st;
        int16_t *g = gate + b * n_st;
        for (o = 0; o + 2 <= n_st; o += 2) {
            int32_t a0 = wfold[o], a1 = wfold[o + 1], r0 = rfold[o], r1 = rfold[o + 1];
            tml_dot2_s8(xb, w + o * n_in, w + (o + 1) * n_in, n_in, &a0, &a1);
            tml_dot2_s8(hb, r + o * n_st, r + (o + 1) * n_st, n_st, &r0, &r1);
            g[o] = tml__lstm_gate_out(p, a0, r0, in_mult, in_shift, rec_mult, rec_shift, use_tanh);
            g[o + 1] = tml__lstm_gate_out(p, a1, r1, in_mult, in_shift, rec_mult, rec_shift, use_tanh);
        }
        if (o < n_st) {
            const int32_t a0 = tml_dot_s8(xb, w + o * n_in, n_in, wfold[o]);
            const int32_t r0 = tml_dot_s8(hb, r + o * n_st, n_st, rfold[o]);
            g[o] = tml__lstm_gate_out(p, a0, r0, in_mult, in_shift, rec_mult, rec_shift, use_tanh);
        }
    }
}

/* The gate on Armv7E-M: tml__lstm_gate_s8_dsp with the folded sums, else the reference's loop. */
static inline void tml__lstm_gate_s8_armv7em(const tml_lstm_s8_params *p, int32_t rows, const int8_t *x,
                                             const int8_t *h, const int8_t *w, const int8_t *r, const int32_t *bias,
                                             const int32_t *wfold, const int32_t *rfold, int32_t in_mult,
                                             int32_t in_shift, int32_t rec_mult, int32_t rec_shift, int use_tanh,
                                             int16_t *gate)
{
    if (wfold && rfold) {
        tml__lstm_gate_s8_dsp(p, rows, x, h, w, r, wfold, rfold, in_mult, in_shift, rec_mult, rec_shift, use_tanh,
                              gate);
        return;
    }
    TML__LSTM_GATE_S8_REF(p, rows, x, h, w, r, bias, in_mult, in_shift, rec_mult, rec_shift, use_tanh, gate);
}

#endif /* TINYML_ARMV7EM_LSTM_H */
