/*
 * LEAKY_RELU int8 and HARD_SWISH int8 on Armv7E-M (Cortex-M4/M7/M33 with the DSP extension). Included by
 * ops/pointwise.h when TML_ARCH_ARM_DSP is defined.
 *
 * Both are functions of one int8 value: on a tensor of more than TML_PW_TABLE_MIN elements the kernel
 * first evaluates the reference arithmetic on the 256 possible inputs into a table on the stack (256
 * bytes), then maps the tensor through it four bytes per step (one word load, four table loads, one
 * word store). Smaller tensors run the arithmetic per element. Bit-exact with the reference by
 * construction; tests/kernels/diff_pointwise.c checks the mapping (alignments, tails, in place).
 */
#ifndef TINYML_ARMV7EM_POINTWISE_H
#define TINYML_ARMV7EM_POINTWISE_H

/* Below this many elements the table costs more than it saves (256 evaluations to build). */
#ifndef TML_PW_TABLE_MIN
#define TML_PW_TABLE_MIN 320
#endif

/* out[i] = table[(uint8_t)in[i]]; out may be in (in place). Four elements per step once the input is
 * word aligned; the output is stored by word when it is aligned too, else by byte. */
TML_HOT TML_NOINLINE static void tml__map_s8_dsp(const int8_t *table, int32_t n, const int8_t *in, int8_t *out)
{
    const uint8_t *t = (const uint8_t *)table;
    while (n > 0 && ((uintptr_t)in & 3u) != 0) {
        *out++ = (int8_t)t[(uint8_t)*in++];
        n--;
    }
    if (((uintptr_t)out & 3u) == 0) {
        for (; n >= 4; n -= 4, in += 4, out += 4) {
            uint32_t w, r;
            memcpy(&w, in, 4);
            r = (uint32_t)t[w & 0xFFu];
            r |= (uint32_t)t[(w >> 8) & 0xFFu] << 8;
            r |= (uint32_t)t[(w >> 16) & 0xFFu] << 16;
            r |= (uint32_t)t[w >> 24] << 24;
            memcpy(out, &r, 4);
        }
    } else {
        for (; n >= 4; n -= 4, in += 4, out += 4) {
            uint32_t w;
            memcpy(&w, in, 4);
            out[0] = (int8_t)t[w & 0xFFu];
            out[1] = (int8_t)t[(w >> 8) & 0xFFu];
            out[2] = (int8_t)t[(w >> 16) & 0xFFu];
            out[3] = (int8_t)t[w >> 24];
        }
    }
    for (; n > 0; n--) {
        *out++ = (int8_t)t[(uint8_t)*in++];
    }
}

/* ------------------------------------------------------------ LEAKY_RELU int8 */

TML_NOINLINE static void tml__leaky_relu_s8_table(const tml_leaky_relu_q_params *p, int8_t *table)
{
    const tml_leaky_relu_q_params q = *p;
    int32_t v;
    for (v = -128; v < 128; v++) {
        table[(uint8_t)v] = (int8_t)tml_clamp_i32(tml_leaky_relu_q_one(&q, v - q.input_zero_point), -128, 127);
    }
}

static inline void tml__leaky_relu_s8_dsp(const tml_leaky_relu_q_params *p, const int8_t *input, int8_t *output)
{
    if (p->size > TML_PW_TABLE_MIN) {
        int8_t table[256] TML_ALIGNED(4);
        tml__leaky_relu_s8_table(p, table);
        tml__map_s8_dsp(table, p->size, input, output);
        return;
    }
    tml_leaky_relu_s8_ref(p, input, output);
}

/* ------------------------------------------------------------ HARD_SWISH int8 */

TML_NOINLINE static void tml__hard_swish_s8_table(const tml_hard_swish_s8_params *p, int8_t *table)
{
    const tml_hard_swish_s8_params q = *p;
    int32_t v;
    for (v = -128; v < 128; v++) {
        table[(uint8_t)v] = tml_hard_swish_s8_one(&q, v);
    }
}

static inline void tml__hard_swish_s8_dsp(const tml_hard_swish_s8_params *p, const int8_t *input, int8_t *output)
{
    if (p->size > TML_PW_TABLE_MIN) {
        int8_t table[256] TML_ALIGNED(4);
        tml__hard_swish_s8_table(p, table);
        tml__map_s8_dsp(table, p->size, input, output);
        return;
    }
    tml_hard_swish_s8_ref(p, input, output);
}

#endif /* TINYML_ARMV7EM_POINTWISE_H */
