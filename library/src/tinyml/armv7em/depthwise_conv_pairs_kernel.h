/*
 * 3x3 DEPTHWISE_CONV_2D on the Cortex-M4 by channel pairs: the stream's layout and the naked-asm row
 * kernels (stride 1 and 2 across). Included by armv7em/depthwise_conv_pairs.h (the ring's fill, the driver).
 */
#ifndef TINYML_ARMV7EM_DEPTHWISE_CONV_PAIRS_KERNEL_H
#define TINYML_ARMV7EM_DEPTHWISE_CONV_PAIRS_KERNEL_H

/* Packed 3x3 depthwise convolution by channel pairs (p->packed without p->patch: made by the generator for
 * the Cortex-M4 where the fast requantization is exact for every channel; depth multiplier 1, dilation 1,
 * stride 1 or 2 across, any stride down and padding, an even input depth). The three input rows an
 * output row reads are kept as int8 in a ring of three slots (p->scratch, p->slot1, p->slot2: each a
 * buffer of its own, placed where the arena has room; a row enters once, when first needed), each slot
 * laid out channel pair by channel pair so that one word holds two adjacent columns of a pair:
 *
 *     slot bytes (pair j, column k) = (x[k].c[2j], x[k].c[2j + 1]),  ring columns k = x + pad_width
 *
 * (the padding columns and rows hold the zero point, which the folded bias cancels). A word w of columns
 * (k, k + 1) then gives SXTB16(w) = (x[k], x[k + 1]) of the pair's even channel and SXTB16(w, ROR 8) of
 * its odd one: no reordering. With a filter row's int16 pairs P = (f0, f1) and R = (f1, f2):
 * - stride 1: four output pixels A..D of a row take the words w0 = (x0, x1), w1 = (x2, x3), w2 = (x4, x5):
 *   A = SMLAD(w0, P) + SMLABT(w1, R), B = SMLATB(w0, P) + SMLAD(w1, R), C = SMLAD(w1, P) + SMLABT(w2, R),
 *   D = SMLATB(w1, P) + SMLAD(w2, R): 24 MACs of two channels in 16 multiplies, 3 loads of input and 2
 *   of weights, all eight sums in registers. A row is runs of four pixels (the last one storing 3 where
 *   the width leaves 3), then a pair of pixels (A and B, where it leaves 2) or a lone pixel (A, where it
 *   leaves 1).
 * - stride 2: three output pixels A..C take the words w0..w3 (columns 0 to 7): A = SMLAD(w0, P) +
 *   SMLABT(w1, R), B = SMLAD(w1, P) + SMLABT(w2, R), C = SMLAD(w2, P) + SMLABT(w3, R): 18 MACs of two
 *   channels in 12 multiplies, all six sums and both channels' P and R in registers. A row is runs of
 *   three pixels, the last one storing 1 or 2 where the width leaves them.
 * The stream: the geometry (tml__conv_geometry, 16 words, zero_point the input's), then per channel pair
 * 20 words: the two folded biases, per filter row P and R of the even channel and of the odd one (P0,
 * P1, R0, R1), and each channel's multiplier, c and r (tml_requant_fast). */
typedef struct {
    const int32_t *s;   /* 0: the first channel pair's stream block */
    int32_t next;       /* 4: bytes from a run's filter row 2 words to the next run's row 0 words */
    int8_t *o;          /* 8: the run's first output pixel (the pair's channels) */
    int32_t left;       /* 12: runs left of the pair */
    const int32_t *end; /* 16: the end of the pairs' blocks */
    int32_t d1, d2;     /* 20, 24: bytes from filter row 0's slot to row 1's, from row 1's to row 2's */
    int32_t step;       /* 28: output_depth */
    int32_t runs;       /* 32: runs per row (of four pixels at stride 1, of three at stride 2) */
    int32_t part;       /* 36: 1 where the last one is partial */
    int32_t rem;        /* 40: output_width % 4 (% 3): the partial run's pixels, or those after the runs */
    int32_t pg;         /* 44: bytes from one channel pair's ring row to the next (2 * columns) */
    const uint8_t *q0;  /* 48: the pair's first run's ring words */
    int8_t *o0;         /* 52: the pair's first output */
} tml__dw3p_args;

/* The word at byte k of r1 sign-extended: the even channel's pair in r10, the odd one's in lr. */
#define TML__DW3P_X(k) "ldr r10, [r1, #" k "]\n\t" "sxtb16 lr, r10, ror #8\n\t" "sxtb16 r10, r10\n\t"
/* The weights at byte k of the pair's block (r0): the even channel's in r11, the odd one's in r12. */
#define TML__DW3P_W(k) "ldrd r11, r12, [r0, #" k "]\n\t"
/* TML__DW3P_X(k) and TML__DW3P_W(w) with the three loads back to back (one cycle each after the first). */
#define TML__DW3P_XW(k, w)                                                                                    \
    "ldr r10, [r1, #" k "]\n\t" "ldr r11, [r0, #" w "]\n\t" "ldr r12, [r0, #" w " + 4]\n\t"                    \
    "sxtb16 lr, r10, ror #8\n\t" "sxtb16 r10, r10\n\t"
/* A multiply-accumulate of each channel: d0 = op(r10, r11) + s0, d1 = op(lr, r12) + s1. */
#define TML__DW3P_MAC(op, d0, s0, d1, s1) op " " d0 ", r10, r11, " s0 "\n\t" op " " d1 ", lr, r12, " s1 "\n\t"

/* One filter row of four pixels: P0, P1 at byte p of the pair's block, R0, R1 at byte r, input words at
 * r1; sums A0-D0 of the even channel in r2-r5, A1-D1 of the odd one in r6-r9, each starting from the
 * register named for it (the first row: the biases, which the first product to need them reads). */
#define TML__DW3P_ROW4(p, r, a0, b0, c0, d0, a1, b1, c1, d1)                                                   \
    TML__DW3P_XW("0", p)                                                                                      \
    TML__DW3P_MAC("smlad", "r2", a0, "r6", a1) TML__DW3P_MAC("smlatb", "r3", b0, "r7", b1)                    \
    TML__DW3P_X("4")                                                                                          \
    TML__DW3P_MAC("smlatb", "r5", d0, "r9", d1) TML__DW3P_MAC("smlad", "r4", c0, "r8", c1)                    \
    TML__DW3P_W(r)                                                                                            \
    TML__DW3P_MAC("smlabt", "r2", "r2", "r6", "r6") TML__DW3P_MAC("smlad", "r3", "r3", "r7", "r7")            \
    TML__DW3P_X("8")                                                                                          \
    TML__DW3P_MAC("smlabt", "r4", "r4", "r8", "r8") TML__DW3P_MAC("smlad", "r5", "r5", "r9", "r9")
/* The first row (from the biases in r4 and r8, which C and D take last) and the others. */
#define TML__DW3P_FOUR_FIRST(p, r) TML__DW3P_ROW4(p, r, "r4", "r4", "r4", "r4", "r8", "r8", "r8", "r8")
#define TML__DW3P_FOUR(p, r) TML__DW3P_ROW4(p, r, "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9")

/* One filter row of two pixels: A0, B0 in r2, r3, A1, B1 in r6, r7 (the first row: from the
 * biases in r4 and r8). */
#define TML__DW3P_ROW2(p, r, a0, b0, a1, b1)                                                                  \
    TML__DW3P_XW("0", p)                                                                                      \
    TML__DW3P_MAC("smlad", "r2", a0, "r6", a1) TML__DW3P_MAC("smlatb", "r3", b0, "r7", b1)                    \
    TML__DW3P_XW("4", r)                                                                                      \
    TML__DW3P_MAC("smlabt", "r2", "r2", "r6", "r6") TML__DW3P_MAC("smlad", "r3", "r3", "r7", "r7")
#define TML__DW3P_TWO_FIRST(p, r) TML__DW3P_ROW2(p, r, "r4", "r4", "r8", "r8")
#define TML__DW3P_TWO(p, r) TML__DW3P_ROW2(p, r, "r2", "r3", "r6", "r7")

/* One filter row of a lone pixel: A0 in r2, A1 in r6. */
#define TML__DW3P_ONE(p, r)                                                                                   \
    TML__DW3P_XW("0", p) TML__DW3P_MAC("smlad", "r2", "r2", "r6", "r6")                                       \
    TML__DW3P_XW("4", r) TML__DW3P_MAC("smlabt", "r2", "r2", "r6", "r6")

/* The three filter rows (FIRST for row 0, ROW for the others; the weights of row k at bytes 8 + 16k
 * and 16 + 16k): r1 moves from slot to slot by the frame's d1 and d2. */
#define TML__DW3P_ROWS(FIRST, ROW)                                                                            \
    FIRST("8", "16") "ldr r11, [sp, #20]\n\t" "add r1, r1, r11\n\t"                                           \
    ROW("24", "32") "ldr r11, [sp, #24]\n\t" "add r1, r1, r11\n\t"                                            \
    ROW("40", "48")

/* A channel's multiplier, c and r from byte k of the pair's block into r10-r12. */
#define TML__DW3P_CONSTS(k) "ldr r10, [r0, #" k "]\n\t" "ldr r11, [r0, #" k " + 4]\n\t" "ldr r12, [r0, #" k " + 8]\n\t"
/* v requantized in place with the constants in r10-r12 (lr scratch). */
#define TML__DW3P_REQ(v) TML__ASM_REQUANT(v, v, "lr", "r10", "r11", "r12")
/* Pixel v0's output (even channel v0, odd v1) stored at r12 + r10 (r12 moves on). */
#define TML__DW3P_NEXT_OUT(v0, v1) "add r12, r12, r10\n\t" "bfi " v0 ", " v1 ", #8, #8\n\t" "strh " v0 ", [r12]\n\t"

/* One output row: every channel pair, its runs (RUN: the sums of a run's pixels requantized in r2.. and
 * r6..; MORE: the stores of its pixels after the first) and (TAIL, at label 4) the pixels after them. The frame is a copy of the args (above), updated as the kernel goes. Out of line after the
 * return: the last run's partial stores, then TAIL_OUT. */
#define TML__DW3P_KERNEL(RUN, MORE, TAIL, TAIL_OUT)                                                           \
    ".syntax unified\n\t"                                                                                     \
    "push {r4-r11, lr}\n\t"                                                                                   \
    "sub sp, #56\n\t"                                                                                         \
    "ldmia r0!, {r1-r7}\n\t"                                                                                  \
    "stmia sp, {r1-r7}\n\t"                                                                                   \
    "ldmia r0, {r1-r7}\n\t"                                                                                   \
    "add r12, sp, #28\n\t"                                                                                    \
    "stmia r12, {r1-r7}\n\t"                                                                                  \
    "ldr r0, [sp]\n\t"                                                                                        \
    "ldrd r1, r12, [sp, #48]\n\t"                                                                             \
    "1:\n\t" /* a channel pair: r0 its block, r1 its ring words, r12 its output */                            \
    "strd r1, r12, [sp, #48]\n\t"                                                                             \
    "ldr r3, [sp, #32]\n\t"                                                                                   \
    "strd r12, r3, [sp, #8]\n\t"                                                                              \
    "cmp r3, #0\n\t"                                                                                          \
    "beq 4f\n\t"                                                                                              \
    "2:\n\t" /* a run: r1 its ring words (kept) */                                                           \
    RUN                                                                                                       \
    "ldr r12, [sp, #8]\n\t"                                                                                   \
    "ldr r10, [sp, #28]\n\t"                                                                                  \
    "ldr r11, [sp, #12]\n\t"                                                                                  \
    "ldr lr, [sp, #36]\n\t"                                                                                   \
    "bfi r2, r6, #8, #8\n\t"                                                                                  \
    "strh r2, [r12]\n\t"                                                                                      \
    "cmp r11, lr\n\t" /* the last run, partial */                                                             \
    "beq 3f\n\t"                                                                                              \
    MORE                                                                                                      \
    "add r12, r12, r10\n\t"                                                                                   \
    "subs r11, r11, #1\n\t"                                                                                   \
    "ldr r10, [sp, #4]\n\t"                                                                                   \
    "strd r12, r11, [sp, #8]\n\t"                                                                             \
    "add r1, r1, r10\n\t"                                                                                     \
    "bne 2b\n\t"                                                                                              \
    "4:\n\t" /* the pixels after the runs (r1 their ring words) */                                            \
    TAIL                                                                                                      \
    "5:\n\t" /* the next channel pair, up to the end of the blocks */                                         \
    "ldrd r1, r12, [sp, #48]\n\t"                                                                             \
    "adds r0, r0, #80\n\t"                                                                                    \
    "ldr r11, [sp, #44]\n\t"                                                                                  \
    "ldr r10, [sp, #16]\n\t"                                                                                  \
    "add r1, r1, r11\n\t"                                                                                     \
    "adds r12, r12, #2\n\t"                                                                                   \
    "cmp r0, r10\n\t"                                                                                         \
    "bne 1b\n\t"                                                                                              \
    "add sp, #56\n\t"                                                                                         \
    "pop {r4-r11, pc}\n\t"                                                                                    \
    "3:\n\t" /* the last run's B and C as far as it stores (rem: 1 to 3 pixels) */                            \
    "ldr r11, [sp, #40]\n\t"                                                                                  \
    "cmp r11, #2\n\t"                                                                                         \
    "blt 5b\n\t"                                                                                              \
    TML__DW3P_NEXT_OUT("r3", "r7")                                                                            \
    "beq 5b\n\t"                                                                                              \
    TML__DW3P_NEXT_OUT("r4", "r8")                                                                            \
    "b 5b\n\t"                                                                                                \
    TAIL_OUT

/* After the runs a lone pixel (rem 1) here, two (rem 2) out of line at 7. */
#define TML__DW3P_TAIL                                                                                     \
    "ldr r12, [sp, #40]\n\t"                                                                                  \
    "subs r12, r12, #1\n\t"                                                                                   \
    "bne 7f\n\t"                                                                                              \
    "ldrd r2, r6, [r0]\n\t"                                                                                   \
    TML__DW3P_ROWS(TML__DW3P_ONE, TML__DW3P_ONE)                                                              \
    TML__DW3P_CONSTS("56") TML__DW3P_REQ("r2")                                                                \
    TML__DW3P_CONSTS("68") TML__DW3P_REQ("r6")                                                                \
    "ldr r12, [sp, #8]\n\t"                                                                                   \
    "bfi r2, r6, #8, #8\n\t"                                                                                  \
    "strh r2, [r12]\n\t"
#define TML__DW3P_TAIL_OUT                                                                                 \
    "7:\n\t" /* no pixel after the runs (rem 0: r12 -1), or two (rem 2) */                                    \
    "bmi 5b\n\t"                                                                                              \
    "ldrd r4, r8, [r0]\n\t"                                                                                   \
    TML__DW3P_ROWS(TML__DW3P_TWO_FIRST, TML__DW3P_TWO)                                                        \
    TML__DW3P_CONSTS("56") TML__DW3P_REQ("r2") TML__DW3P_REQ("r3")                                            \
    TML__DW3P_CONSTS("68") TML__DW3P_REQ("r6") TML__DW3P_REQ("r7")                                            \
    "ldr r12, [sp, #8]\n\t"                                                                                   \
    "ldr r10, [sp, #28]\n\t"                                                                                  \
    "bfi r2, r6, #8, #8\n\t"                                                                                  \
    "strh r2, [r12]\n\t"                                                                                      \
    "bfi r3, r7, #8, #8\n\t"                                                                                  \
    "strh r3, [r12, r10]\n\t"                                                                                 \
    "b 5b\n\t"

/* Stride 1: a run of four pixels, its stores after the first. */
#define TML__DW3P_RUN4                                                                                        \
    "ldrd r4, r8, [r0]\n\t" /* the biases */                                                                \
    TML__DW3P_ROWS(TML__DW3P_FOUR_FIRST, TML__DW3P_FOUR)                                                      \
    TML__DW3P_CONSTS("56")                                                                                    \
    TML__DW3P_REQ("r2") TML__DW3P_REQ("r3") TML__DW3P_REQ("r4") TML__DW3P_REQ("r5")                           \
    TML__DW3P_CONSTS("68")                                                                                    \
    TML__DW3P_REQ("r6") TML__DW3P_REQ("r7") TML__DW3P_REQ("r8") TML__DW3P_REQ("r9")
#define TML__DW3P_MORE4 TML__DW3P_NEXT_OUT("r3", "r7") TML__DW3P_NEXT_OUT("r4", "r8") TML__DW3P_NEXT_OUT("r5", "r9")

/* One output row at stride 1 across (above). */
__attribute__((naked, unused, aligned(4))) static void tml__dw3p_row_m4(const tml__dw3p_args *a TML_UNUSED)
{
    __asm__ volatile(TML__DW3P_KERNEL(TML__DW3P_RUN4, TML__DW3P_MORE4, TML__DW3P_TAIL, TML__DW3P_TAIL_OUT));
}

/* Stride 2: the word at byte k of r1 sign-extended, the even channel's pair in r5, the odd one's in lr. */
#define TML__DW3P_X2(k) "ldr r5, [r1, #" k "]\n\t" "sxtb16 lr, r5, ror #8\n\t" "sxtb16 r5, r5\n\t"
/* d0 = op(r5, e) + s0 of the even channel, d1 = op(lr, o) + s1 of the odd one. */
#define TML__DW3P_MAC2(op, e, o, d0, s0, d1, s1)                                                              \
    op " " d0 ", r5, " e ", " s0 "\n\t" op " " d1 ", lr, " o ", " s1 "\n\t"
/* One filter row of three pixels at stride 2: P0, P1 (r9, r10) at byte p of the pair's block, R0, R1
 * (r11, r12) at byte r, loaded back to back with the first input word; sums A0-C0 of the even channel in
 * r2-r4, A1-C1 of the odd one in r6-r8, each starting from the register named for it (the first row:
 * the biases in r4 and r8, which C takes last). Word k serves pixel k by P and pixel k - 1 by R. */
#define TML__DW3P_ROW3(p, r, a0, b0, c0, a1, b1, c1)                                                          \
    "ldr r9, [r0, #" p "]\n\t" "ldr r10, [r0, #" p " + 4]\n\t"                                                  \
    "ldr r11, [r0, #" r "]\n\t" "ldr r12, [r0, #" r " + 4]\n\t"                                                 \
    TML__DW3P_X2("0")                                                                                         \
    TML__DW3P_MAC2("smlad", "r9", "r10", "r2", a0, "r6", a1)                                                   \
    TML__DW3P_X2("4")                                                                                         \
    TML__DW3P_MAC2("smlabt", "r11", "r12", "r2", "r2", "r6", "r6")                                            \
    TML__DW3P_MAC2("smlad", "r9", "r10", "r3", b0, "r7", b1)                                                   \
    TML__DW3P_X2("8")                                                                                         \
    TML__DW3P_MAC2("smlabt", "r11", "r12", "r3", "r3", "r7", "r7")                                            \
    TML__DW3P_MAC2("smlad", "r9", "r10", "r4", c0, "r8", c1)                                                   \
    TML__DW3P_X2("12")                                                                                        \
    TML__DW3P_MAC2("smlabt", "r11", "r12", "r4", "r4", "r8", "r8")
#define TML__DW3P_THREE_FIRST(p, r) TML__DW3P_ROW3(p, r, "r4", "r4", "r4", "r8", "r8", "r8")
#define TML__DW3P_THREE(p, r) TML__DW3P_ROW3(p, r, "r2", "r3", "r4", "r6", "r7", "r8")
/* A run of three pixels, its stores after the first. */
#define TML__DW3P_RUN3                                                                                        \
    "ldrd r4, r8, [r0]\n\t" /* the biases */                                                                \
    TML__DW3P_ROWS(TML__DW3P_THREE_FIRST, TML__DW3P_THREE)                                                    \
    TML__DW3P_CONSTS("56") TML__DW3P_REQ("r2") TML__DW3P_REQ("r3") TML__DW3P_REQ("r4")                        \
    TML__DW3P_CONSTS("68") TML__DW3P_REQ("r6") TML__DW3P_REQ("r7") TML__DW3P_REQ("r8")
#define TML__DW3P_MORE3 TML__DW3P_NEXT_OUT("r3", "r7") TML__DW3P_NEXT_OUT("r4", "r8")

/* One output row at stride 2 across (above): runs only, the last one partial where the width leaves 1 or 2. */
__attribute__((naked, unused, aligned(4))) static void tml__dw3p2_row_m4(const tml__dw3p_args *a TML_UNUSED)
{
    __asm__ volatile(TML__DW3P_KERNEL(TML__DW3P_RUN3, TML__DW3P_MORE3, "", ""));
}
#undef TML__DW3P_MORE3
#undef TML__DW3P_RUN3
#undef TML__DW3P_THREE
#undef TML__DW3P_THREE_FIRST
#undef TML__DW3P_ROW3
#undef TML__DW3P_MAC2
#undef TML__DW3P_X2
#undef TML__DW3P_MORE4
#undef TML__DW3P_RUN4
#undef TML__DW3P_TAIL_OUT
#undef TML__DW3P_TAIL
#undef TML__DW3P_KERNEL
#undef TML__DW3P_NEXT_OUT
#undef TML__DW3P_REQ
#undef TML__DW3P_CONSTS
#undef TML__DW3P_ROWS
#undef TML__DW3P_ONE
#undef TML__DW3P_TWO
#undef TML__DW3P_TWO_FIRST
#undef TML__DW3P_ROW2
#undef TML__DW3P_FOUR
#undef TML__DW3P_FOUR_FIRST
#undef TML__DW3P_ROW4
#undef TML__DW3P_MAC
#undef TML__DW3P_XW
#undef TML__DW3P_W
#undef TML__DW3P_X

#endif /* TINYML_ARMV7EM_DEPTHWISE_CONV_PAIRS_KERNEL_H */
