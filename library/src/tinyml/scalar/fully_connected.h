/*
 * FULLY_CONNECTED int8 on Xtensa and ARC EM (TML_ARCH_SCALAR): the folded-bias GEMM of scalar/common.h.
 * Included by ops/fully_connected.h when TML_ARCH_SCALAR is defined.
 */
#ifndef TINYML_SCALAR_FULLY_CONNECTED_H
#define TINYML_SCALAR_FULLY_CONNECTED_H

/* tml_fully_connected_s8 with a folded bias: raw int8 inputs, two output rows per pass. */
TML_ALWAYS_INLINE void tml__fully_connected_s8_scalar(const tml_fully_connected_s8_params *p, const int8_t *input,
                                                      const int8_t *weights, int8_t *output)
{
    const tml_requant_params rq = TML_REQUANT_OF(p);
    tml_gemm_s8_scalar(&rq, input, p->batches, p->accum_depth, weights, p->output_depth, p->folded_bias,
                       output);
}

#endif /* TINYML_SCALAR_FULLY_CONNECTED_H */
