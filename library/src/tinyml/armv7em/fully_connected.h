/*
 * FULLY_CONNECTED int8 on Armv7E-M (Cortex-M4/M7/M33 with the DSP extension): SMLAD kernels in C and
 * inline asm over the generator's folded bias. Included by ops/fully_connected.h when TML_ARCH_ARM_DSP
 * is defined.
 */
#ifndef TINYML_ARMV7EM_FULLY_CONNECTED_H
#define TINYML_ARMV7EM_FULLY_CONNECTED_H

/* Armv7E-M, for layers tml_requant_fast_of allows: four rows at a time share each input word
 * (tml_dot4_s8, SMLAD does two MACs), requantized straight from the registers. Needs folded_bias. */
TML_HOT TML_NOINLINE static void tml_fully_connected_s8_fast(const tml_fully_connected_s8_params *p,
                                                             const int8_t *input, const int8_t *weights,
                                                             int8_t *output)
{
    const tml_requant_params rq = TML_REQUANT_OF(p);
    const int32_t n = p->accum_depth;
    const int32_t *const bias_end = p->folded_bias + p->output_depth;
    tml_requant_fast f;
    int32_t b;
    (void)tml_requant_fast_of(&rq, &f);
    for (b = 0; b < p->batches; b++, input += n) {
        const int32_t *bias = p->folded_bias;
        const int8_t *w = weights;
        for (; bias_end - bias >= 4; bias += 4, w += 4 * n, output += 4) {
            int32_t acc[4];
            tml_dot4_s8(input, w, n, bias, acc);
            output[0] = (int8_t)tml_requant_fast_s8(acc[0], &f);
            output[1] = (int8_t)tml_requant_fast_s8(acc[1], &f);
            output[2] = (int8_t)tml_requant_fast_s8(acc[2], &f);
            output[3] = (int8_t)tml_requant_fast_s8(acc[3], &f);
        }
        for (; bias < bias_end; bias++, w += n, output++) {
            output[0] = (int8_t)tml_requant_fast_s8(tml_dot_s8(input, w, n, bias[0]), &f);
        }
    }
}

/* Armv7E-M, any requantization: one row at a time (SMLAD), tml_requant_s8. Needs folded_bias. */
TML_HOT static inline void tml_fully_connected_s8_dsp(const tml_fully_connected_s8_params *p, const int8_t *input,
                                                      const int8_t *weights, int8_t *output)
{
    const tml_requant_params rq = TML_REQUANT_OF(p);
    const int32_t depth = p->accum_depth, rows = p->output_depth;
    int32_t b, o;
    for (b = 0; b < p->batches; b++, input += depth, output += rows) {
        const int8_t *w = weights;
        for (o = 0; o < rows; o++, w += depth) {
            output[o] = tml_requant_s8(&rq, tml_dot_s8(input, w, depth, p->folded_bias[o]), o);
        }
    }
}

/* tml_fully_connected_s8 with a folded bias: the fast requantization where tml_requant_fast_of allows
 * it, else tml_requant_s8. */
TML_ALWAYS_INLINE void tml__fully_connected_s8_folded_dsp(const tml_fully_connected_s8_params *p, const int8_t *input,
                                                          const int8_t *weights, int8_t *output)
{
    const tml_requant_params rq = TML_REQUANT_OF(p);
    tml_requant_fast f;
    if (tml_requant_fast_of(&rq, &f)) {
        tml_fully_connected_s8_fast(p, input, weights, output);
    } else {
        tml_fully_connected_s8_dsp(p, input, weights, output);
    }
}

#endif /* TINYML_ARMV7EM_FULLY_CONNECTED_H */
