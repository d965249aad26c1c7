/*
 * FULLY_CONNECTED int8 on the Cortex-M4: the naked-asm kernels over the generator's packed streams
 * (p->packed). Included by ops/fully_connected.h when TML_ARCH_ARM_ASM is defined.
 */
#ifndef TINYML_ARMV7EM_FULLY_CONNECTED_PACKED_H
#define TINYML_ARMV7EM_FULLY_CONNECTED_PACKED_H

/* Packed layouts (p->packed, int32 words made by the generator for the Cortex-M4 where
 * the fast requantization is exact: a multiplier above 2^30, a right shift of 1 to 21, the full int8
 * range, per tensor or, depth a multiple of 4, per channel; c and r as in tml_requant_fast):
 *
 *   depth n a multiple of 4: n, rows - rows % 4, multiplier, c, r, rows % 4; then per group of four
 *     rows r0..r3 the initial sums b0 + 256 * b1, b0, b2 + 256 * b3, b2 (folded biases, the first
 *     wrapped to int32) and, for each four inputs k..k+3, four words pairing the rows as the packed
 *     convolution pairs channels (armv7em/conv_packed.h): [r0 k][r1' k][r0 k+2][r1' k+2],
 *     [r2 k][r3' k][r2 k+2][r3' k+2], then the same for k+1 and k+3, with r' = w_r - (w_(r-1) < 0) so
 *     that each halfword read as an int16 is w_even + 256 * w_odd; one SMLAD by the raw word and one by
 *     its SXTB16 make the sums S = b_e + 256 * b_o + dot_e + 256 * dot_o and E = b_e + dot_e, and the
 *     odd row's is (S - E) / 2^8 (the generator checks |b_o| + 128 * sum |w_o| < 2^23 and r' >= -128);
 *     then each remaining row as its folded bias and its n / 4 weight words (k..k+3 in order).
 *     Per-channel requantization (tml__fc_s8_rows4_pc_m4): the same, with each row's multiplier, c and
 *     r after its group's weights (four triples) or after a remaining row's weights; the header's are 0.
 *   depth 1: rows, multiplier, c, r; then per group of four rows (the last one padded with zeros) the
 *     four folded biases times 2 and the four weights as int16 (two words). The generator checks that
 *     2 * (bias + x * w) fits int32 for every int8 x, so the kernel accumulates twice the sum and
 *     needs no saturating doubling before SMMLAR.
 *
 * One stream pointer walks weights and biases, and the input is read a word at a time. Both kernels
 * take one batch (stream, input, output) and write the outputs in order. */

/* acc += four inputs (r6: even, r7: odd lanes) by the word w of one row; w is overwritten, t scratch. */
#define TML__FC_MAC4(acc, w, t)                                                                             \
    "sxtb16 " t ", " w "\n\t"                                                                                 \
    "smlad " acc ", r6, " t ", " acc "\n\t"                                                                   \
    "sxtb16 " w ", " w ", ror #8\n\t"                                                                         \
    "smlad " acc ", r7, " w ", " acc "\n\t"

/* Four inputs (one word at r1) by four rows (sums S01, E0, S23, E2 in r2..r5): 16 MACs in 20 cycles,
 * 19 instructions that have only 32-bit encodings (76 bytes: the loop is entered at a computed step). */
#define TML__FC_STEP4                                                                                       \
    "ldr r7, [r1], #4\n\t"                                                                                    \
    "ldr r8, [r0], #4\n\t"                                                                                    \
    "ldr r9, [r0], #4\n\t"                                                                                    \
    "ldr r10, [r0], #4\n\t"                                                                                   \
    "ldr r11, [r0], #4\n\t"                                                                                   \
    "sxtb16 r6, r7\n\t"                                                                                       \
    "sxtb16 r7, r7, ror #8\n\t"                                                                               \
    "smlad r2, r6, r8, r2\n\t"                                                                                \
    "sxtb16 r8, r8\n\t"                                                                                       \
    "smlad r3, r6, r8, r3\n\t"                                                                                \
    "smlad r4, r6, r9, r4\n\t"                                                                                \
    "sxtb16 r9, r9\n\t"                                                                                       \
    "smlad r5, r6, r9, r5\n\t"                                                                                \
    "smlad r2, r7, r10, r2\n\t"                                                                               \
    "sxtb16 r10, r10\n\t"                                                                                     \
    "smlad r3, r7, r10, r3\n\t"                                                                               \
    "smlad r4, r7, r11, r4\n\t"                                                                               \
    "sxtb16 r11, r11\n\t"                                                                                     \
    "smlad r5, r7, r11, r5\n\t"

/* Four inputs by one row (accumulator r2). */
#define TML__FC_STEP1                                                                                       \
    "ldr r6, [r1], #4\n\t"                                                                                    \
    "ldr r8, [r0], #4\n\t"                                                                                    \
    "sxtb16 r7, r6, ror #8\n\t"                                                                               \
    "sxtb16 r6, r6\n\t"                                                                                       \
    TML__FC_MAC4("r2", "r8", "r12")

/* Depth a multiple of 4. Four rows at a time: per four inputs one LDR, four LDR of the rows' words,
 * 6 SXTB16 + 8 SMLAD (the loop unrolled STEPS times, MASK + 1 of them, and entered at the step that
 * leaves a multiple of that, an address kept in r12); the four results go out in one word store. Then the remaining rows
 * one at a time. The frame holds x, x end, out, out after the groups, multiplier, c, r and the number
 * of remaining rows. The requantization constants come from the frame once per group (GROUP_K into
 * r6-r8; TAIL_K into r5, r9, r11 for the remaining rows) or, per channel, from the stream before each
 * row's requantization (ROW_K into r6-r8, TAILROW_K into r5, r9, r11). */
#define TML__FC_ROWS4_ASM(GROUP_K, ROW_K, TAIL_K, TAILROW_K, MASK, STEPS)                                   \
    ".syntax unified\n\t"                                                                                     \
    "push {r4-r11, lr}\n\t"                                                                                   \
    "mov r3, r2\n\t"                                                                                          \
    "ldmia r0!, {r2, r4-r8}\n\t" /* n, rows in groups, multiplier, c, r, remaining rows */                    \
    "lsr r12, r2, #2\n\t" /* the first step: (-n / 4) mod the steps of the loop */                           \
    "rsb r12, r12, #0\n\t"                                                                                    \
    "and r12, r12, #" MASK "\n\t"                                                                            \
    "movs r9, #76\n\t"                                                                                        \
    "mul r12, r12, r9\n\t"                                                                                    \
    "adr r9, 2f\n\t"                                                                                          \
    "add r12, r12, r9\n\t"                                                                                    \
    "add r2, r1, r2\n\t"                                                                                      \
    "add r4, r3, r4\n\t"                                                                                      \
    "push {r1-r8}\n\t"                                                                                        \
    "cmp r3, r4\n\t"                                                                                          \
    "beq 3f\n\t"                                                                                              \
    "1:\n\t" /* four rows */                                                                                  \
    "ldrd r1, lr, [sp]\n\t"                                                                                   \
    "ldmia r0!, {r2-r5}\n\t"                                                                                  \
    "mov pc, r12\n\t"                                                                                         \
    ".balign 4\n\t"                                                                                           \
    "2:\n\t"                                                                                                  \
    STEPS                                                                                                     \
    "cmp r1, lr\n\t"                                                                                          \
    "bne 2b\n\t"                                                                                              \
    "sub r2, r2, r3\n\t" /* 256 times the odd rows' sums */                                                  \
    "sub r4, r4, r5\n\t"                                                                                      \
    GROUP_K                                                                                                   \
    "ldr r1, [sp, #8]\n\t"                                                                                    \
    "ldr lr, [sp, #12]\n\t"                                                                                   \
    ROW_K TML__ASM_REQUANT("r3", "r9", "r10", "r6", "r7", "r8")                                                \
    ROW_K "asr r9, r2, #7\n\t" TML__ASM_REQUANT2("r2", "r9", "r10", "r6", "r7", "r8")                          \
    ROW_K TML__ASM_REQUANT("r5", "r9", "r10", "r6", "r7", "r8")                                                \
    ROW_K "asr r9, r4, #7\n\t" TML__ASM_REQUANT2("r4", "r9", "r10", "r6", "r7", "r8")                          \
    TML__ASM_PACK4("r3", "r2", "r5", "r4")                                                                     \
    "str r3, [r1], #4\n\t"                                                                                    \
    "str r1, [sp, #8]\n\t"                                                                                    \
    "cmp r1, lr\n\t"                                                                                          \
    "bne 1b\n\t"                                                                                              \
    "3:\n\t" /* the remaining rows, one at a time */                                                          \
    "ldr r4, [sp, #28]\n\t"                                                                                   \
    "cmp r4, #0\n\t"                                                                                          \
    "beq 6f\n\t"                                                                                              \
    "ldr r3, [sp, #8]\n\t"                                                                                    \
    TAIL_K                                                                                                    \
    ".balign 4\n\t"                                                                                           \
    "4:\n\t"                                                                                                  \
    "ldrd r1, lr, [sp]\n\t"                                                                                   \
    "ldr r2, [r0], #4\n\t"                                                                                    \
    ".balign 4\n\t"                                                                                           \
    "5:\n\t"                                                                                                  \
    TML__FC_STEP1                                                                                             \
    "cmp r1, lr\n\t"                                                                                          \
    "beq 8f\n\t"                                                                                              \
    TML__FC_STEP1                                                                                             \
    "cmp r1, lr\n\t"                                                                                          \
    "bne 5b\n\t"                                                                                              \
    "8:\n\t"                                                                                                  \
    TAILROW_K                                                                                                 \
    TML__ASM_REQUANT("r2", "r10", "r12", "r5", "r9", "r11")                                                    \
    "strb r2, [r3], #1\n\t"                                                                                   \
    "subs r4, r4, #1\n\t"                                                                                     \
    "bne 4b\n\t"                                                                                              \
    "6:\n\t"                                                                                                  \
    "add sp, #32\n\t"                                                                                         \
    "pop {r4-r11, pc}\n\t"

/* Per-tensor requantization (the header's multiplier, c and r); the loop unrolled four times (small
 * images: hello_world's 2.5 kB). */
__attribute__((naked, unused, aligned(4))) static void tml__fc_s8_rows4_m4(const int32_t *stream TML_UNUSED,
                                                                           const int8_t *input TML_UNUSED,
                                                                           int8_t *output TML_UNUSED)
{
    __asm__ volatile(TML__FC_ROWS4_ASM("ldr r6, [sp, #16]\n\tldr r7, [sp, #20]\n\tldr r8, [sp, #24]\n\t", "",
                                       "ldr r5, [sp, #16]\n\tldr r9, [sp, #20]\n\tldr r11, [sp, #24]\n\t", "",
                                       "3", TML__FC_STEP4 TML__FC_STEP4 TML__FC_STEP4 TML__FC_STEP4));
}

/* Per-channel requantization: each row's multiplier, c and r follow its group's (or its own) weights in
 * the stream (the header's three are unused); the loop unrolled eight times. */
__attribute__((naked, unused, aligned(4))) static void tml__fc_s8_rows4_pc_m4(const int32_t *stream TML_UNUSED,
                                                                              const int8_t *input TML_UNUSED,
                                                                              int8_t *output TML_UNUSED)
{
    __asm__ volatile(TML__FC_ROWS4_ASM("", "ldmia r0!, {r6-r8}\n\t", "", "ldmia r0!, {r5, r9, r11}\n\t", "7",
                                       TML__FC_STEP4 TML__FC_STEP4 TML__FC_STEP4 TML__FC_STEP4 TML__FC_STEP4
                                           TML__FC_STEP4 TML__FC_STEP4 TML__FC_STEP4));
}
#undef TML__FC_ROWS4_ASM

/* Depth 1: out = requant(folded bias + x * w) for four rows per group (SMLABB/SMLABT of 2x by the
 * int16 weights, onto twice the bias), the constants held in registers. */
__attribute__((naked, unused, aligned(4))) static void tml__fc_s8_depth1_m4(const int32_t *stream TML_UNUSED,
                                                                const int8_t *input TML_UNUSED,
                                                                int8_t *output TML_UNUSED)
{
    __asm__ volatile(
        ".syntax unified\n\t"
        "push {r4-r11, lr}\n\t"
        "ldrsb r1, [r1]\n\t"
        "ldmia r0!, {r3-r6}\n\t" /* rows, multiplier, c, r */
        "lsls r1, r1, #1\n\t"
        "1:\n\t"
        "ldmia r0!, {r7-r12}\n\t"
        "smlabb r7, r1, r11, r7\n\t"
        "smlabt r8, r1, r11, r8\n\t"
        "smlabb r9, r1, r12, r9\n\t"
        "smlabt r10, r1, r12, r10\n\t"
        TML__ASM_REQUANT2("r7", "r7", "r12", "r4", "r5", "r6")
        TML__ASM_REQUANT2("r8", "r8", "r12", "r4", "r5", "r6")
        TML__ASM_REQUANT2("r9", "r9", "r12", "r4", "r5", "r6")
        TML__ASM_REQUANT2("r10", "r10", "r12", "r4", "r5", "r6")
        TML__ASM_PACK4("r7", "r8", "r9", "r10")
        "subs r3, r3, #4\n\t"
        "blt 2f\n\t"
        "str r7, [r2], #4\n\t"
        "bne 1b\n\t"
        "pop {r4-r11, pc}\n\t"
        "2:\n\t" /* the last one to three rows */
        "adds r3, r3, #4\n\t"
        "3:\n\t"
        "strb r7, [r2], #1\n\t"
        "lsr r7, r7, #8\n\t"
        "subs r3, r3, #1\n\t"
        "bne 3b\n\t"
        "pop {r4-r11, pc}\n\t");
}
#undef TML__FC_STEP1
#undef TML__FC_STEP4
#undef TML__FC_MAC4

/* tml_fully_connected_s8 with p->packed: the kernel of the stream's layout, one batch per call. */
TML_ALWAYS_INLINE void tml__fully_connected_s8_packed(const tml_fully_connected_s8_params *p, const int8_t *input,
                                                      int8_t *output)
{
    int32_t b;
    for (b = 0; b < p->batches; b++) {
        if (p->accum_depth == 1) {
            tml__fc_s8_depth1_m4(p->packed, input + b, output + b * p->output_depth);
        } else if (p->per_channel_multiplier) {
            tml__fc_s8_rows4_pc_m4(p->packed, input + b * p->accum_depth, output + b * p->output_depth);
        } else {
            tml__fc_s8_rows4_m4(p->packed, input + b * p->accum_depth, output + b * p->output_depth);
        }
    }
}

#endif /* TINYML_ARMV7EM_FULLY_CONNECTED_PACKED_H */
