/*
 * 3x3 DEPTHWISE_CONV_2D at stride 1 across on the Cortex-M4, channel pair by channel pair: the naked-asm
 * kernel over the stream the generator packs (TML_ARCH_ARM_ASM), its ring of input rows filled in C.
 * Included by ops/conv.h (after armv7em/depthwise_conv_packed.h, whose geometry helper it shares).
 */
#ifndef TINYML_ARMV7EM_DEPTHWISE_CONV_PAIRS_H
#define TINYML_ARMV7EM_DEPTHWISE_CONV_PAIRS_H

/* Packed 3x3 depthwise convolution by channel pairs (p->packed without p->patch: made by the generator for
 * the Cortex-M4 where the fast requantization is exact for every channel; depth multiplier 1, dilation 1,
 * stride 1 across (measured: at stride 2 the ring's fill costs more than the pixel kernel's extensions),
 * any stride down and padding, an even input depth). The three input rows an
 * output row reads are kept as int8 in a ring of three slots (p->scratch, p->slot1, p->slot2: each a
 * buffer of its own, placed where the arena has room; a row enters once, when first needed), each slot
 * laid out channel pair by channel pair so that one word holds two adjacent columns of a pair:
 *
 *     slot bytes (pair j, column k) = (x[k].c[2j], x[k].c[2j + 1]),  ring columns k = x + pad_width
 *
 * (the padding columns and rows hold the zero point, which the folded bias cancels). A word w of columns
 * (k, k + 1) then gives SXTB16(w) = (x[k], x[k + 1]) of the pair's even channel and SXTB16(w, ROR 8) of
 * its odd one: no reordering. With a filter row's int16 pairs P = (f0, f1) and R = (f1, f2), four output
 * pixels A..D of a row take the words w0 = (x0, x1), w1 = (x2, x3), w2 = (x4, x5):
 * A = SMLAD(w0, P) + SMLABT(w1, R), B = SMLATB(w0, P) + SMLAD(w1, R), C = SMLAD(w1, P) + SMLABT(w2, R),
 * D = SMLATB(w1, P) + SMLAD(w2, R): 24 MACs of two channels in 16 multiplies, 3 loads of input and 2
 * of weights, all eight sums in registers. A row is runs of four pixels (the last one storing 3 where
 * the width leaves 3), then a pair of pixels (A and B, where it leaves 2) or a lone pixel (A, where it
 * leaves 1). The stream: the geometry (tml__conv_geometry, 16 words, zero_point the input's), then
 * per channel pair 20 words: the two folded biases, per filter row P and R of the even channel and of
 * the odd one (P0, P1, R0, R1), and each channel's multiplier, c and r (tml_requant_fast). */
typedef struct {
    const int32_t *s;   /* 0: the first channel pair's stream block */
    int32_t next;       /* 4: bytes from a run's filter row 2 words to the next run's row 0 words */
    int8_t *o;          /* 8: the run's first output pixel (the pair's channels) */
    int32_t left;       /* 12: runs left of the pair */
    const int32_t *end; /* 16: the end of the pairs' blocks */
    int32_t d1, d2;     /* 20, 24: bytes from filter row 0's slot to row 1's, from row 1's to row 2's */
    int32_t step;       /* 28: output_depth */
    int32_t runs;       /* 32: runs of four pixels per row, the last one partial where the width leaves 3 */
    int32_t part;       /* 36: 1 where it does */
    int32_t rem;        /* 40: output_width % 4: the partial run's pixels, or those after the runs */
    int32_t pg;         /* 44: bytes from one channel pair's ring row to the next (2 * columns) */
    const uint8_t *q0;  /* 48: the pair's first run's ring words */
    int8_t *o0;         /* 52: the pair's first output */
} tml__dw3p_args;

/* The word at byte k of r1 sign-extended: the even channel's pair in r10, the odd one's in lr. */
#define TML__DW3P_X(k) "ldr r10, [r1, #" k "]\n\t" "sxtb16 lr, r10, ror #8\n\t" "sxtb16 r10, r10\n\t"
/* The weights at byte k of the pair's block (r0): the even channel's in r11, the odd one's in r12. */
#define TML__DW3P_W(k) "ldrd r11, r12, [r0, #" k "]\n\t"
/* A multiply-accumulate of each channel: d0 = op(r10, r11) + s0, d1 = op(lr, r12) + s1. */
#define TML__DW3P_MAC(op, d0, s0, d1, s1) op " " d0 ", r10, r11, " s0 "\n\t" op " " d1 ", lr, r12, " s1 "\n\t"

/* One filter row of four pixels: P0, P1 at byte p of the pair's block, R0, R1 at byte r, input words at
 * r1; sums A0-D0 of the even channel in r2-r5, A1-D1 of the odd one in r6-r9, each starting from the
 * register named for it (the first row: the biases, which the first product to need them reads). */
#define TML__DW3P_ROW4(p, r, a0, b0, c0, d0, a1, b1, c1, d1)                                                   \
    TML__DW3P_X("0") TML__DW3P_W(p)                                                                           \
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
    TML__DW3P_X("0") TML__DW3P_W(p)                                                                           \
    TML__DW3P_MAC("smlad", "r2", a0, "r6", a1) TML__DW3P_MAC("smlatb", "r3", b0, "r7", b1)                    \
    TML__DW3P_X("4") TML__DW3P_W(r)                                                                           \
    TML__DW3P_MAC("smlabt", "r2", "r2", "r6", "r6") TML__DW3P_MAC("smlad", "r3", "r3", "r7", "r7")
#define TML__DW3P_TWO_FIRST(p, r) TML__DW3P_ROW2(p, r, "r4", "r4", "r8", "r8")
#define TML__DW3P_TWO(p, r) TML__DW3P_ROW2(p, r, "r2", "r3", "r6", "r7")

/* One filter row of a lone pixel: A0 in r2, A1 in r6. */
#define TML__DW3P_ONE(p, r)                                                                                   \
    TML__DW3P_X("0") TML__DW3P_W(p) TML__DW3P_MAC("smlad", "r2", "r2", "r6", "r6")                            \
    TML__DW3P_X("4") TML__DW3P_W(r) TML__DW3P_MAC("smlabt", "r2", "r2", "r6", "r6")

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

/* One output row: every channel pair, its runs of four pixels and (TAIL, at label 4) the pixels after
 * them. The frame is a copy of the args (above), updated as the kernel goes. Out of line after the
 * return: the last run's partial stores, then TAIL_OUT. */
#define TML__DW3P_KERNEL(TAIL, TAIL_OUT)                                                                      \
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
    "2:\n\t" /* a run of four pixels: r1 its ring words (kept) */                                             \
    "ldrd r4, r8, [r0]\n\t" /* the biases */                                                                \
    TML__DW3P_ROWS(TML__DW3P_FOUR_FIRST, TML__DW3P_FOUR)                                                      \
    TML__DW3P_CONSTS("56")                                                                                    \
    TML__DW3P_REQ("r2") TML__DW3P_REQ("r3") TML__DW3P_REQ("r4") TML__DW3P_REQ("r5")                           \
    TML__DW3P_CONSTS("68")                                                                                    \
    TML__DW3P_REQ("r6") TML__DW3P_REQ("r7") TML__DW3P_REQ("r8") TML__DW3P_REQ("r9")                           \
    "ldr r12, [sp, #8]\n\t"                                                                                   \
    "ldr r10, [sp, #28]\n\t"                                                                                  \
    "ldr r11, [sp, #12]\n\t"                                                                                  \
    "ldr lr, [sp, #36]\n\t"                                                                                   \
    "bfi r2, r6, #8, #8\n\t"                                                                                  \
    "strh r2, [r12]\n\t"                                                                                      \
    "cmp r11, lr\n\t" /* the last run, partial */                                                             \
    "beq 3f\n\t"                                                                                              \
    TML__DW3P_NEXT_OUT("r3", "r7") TML__DW3P_NEXT_OUT("r4", "r8") TML__DW3P_NEXT_OUT("r5", "r9")              \
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

/* One output row (above). */
__attribute__((naked, unused, aligned(4))) static void tml__dw3p_row_m4(const tml__dw3p_args *a TML_UNUSED)
{
    __asm__ volatile(TML__DW3P_KERNEL(TML__DW3P_TAIL, TML__DW3P_TAIL_OUT));
}
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
#undef TML__DW3P_W
#undef TML__DW3P_X

/* Runs of four pixels per row (the last one partial where the width leaves 3). */
TML_ALWAYS_INLINE int32_t tml__dw3p_runs(const tml__conv_geometry *g)
{
    return g->output_width / 4 + (g->output_width % 4 == 3);
}

/* The ring's columns: the runs' reads (six columns from each run's first, four from the pixels after
 * them) and the padded input's, an even number. The generator plans three slots of input_depth *
 * columns bytes. */
TML_ALWAYS_INLINE int32_t tml__dw3p_cols(const tml__conv_geometry *g)
{
    const int32_t runs = tml__dw3p_runs(g), rem = g->output_width % 4, held = g->pad_width + g->input_width;
    const int32_t reads = 4 * runs + 2 + 2 * (rem == 1 || rem == 2);
    return ((reads > held ? reads : held) + 1) & ~1;
}

/* Two adjacent input columns a and b = a + c (c a multiple of 8) into the ring words d of their pairs
 * (step bytes from one pair's row to the next): eight channels a pass, each store after a load. */
__attribute__((naked, unused, aligned(4))) static void tml__dw3p_cols8_m4(const int8_t *a TML_UNUSED,
                                                                         const int8_t *b TML_UNUSED,
                                                                         uint32_t *d TML_UNUSED,
                                                                         int32_t step TML_UNUSED)
{
    __asm__ volatile(
        ".syntax unified\n\t"
        "push {r4-r9, lr}\n\t"
        "mov r12, r1\n\t" /* the end of a's channels */
        "lsl lr, r3, #1\n\t"
        "ldr r4, [r0], #4\n\t"
        "ldr r5, [r1], #4\n\t"
        "1:\n\t"
        "pkhbt r8, r4, r5, lsl #16\n\t"
        "pkhtb r9, r5, r4, asr #16\n\t"
        "ldr r6, [r0], #4\n\t"
        "str r8, [r2]\n\t"
        "ldr r7, [r1], #4\n\t"
        "str r9, [r2, r3]\n\t"
        "add r2, r2, lr\n\t"
        "pkhbt r8, r6, r7, lsl #16\n\t"
        "pkhtb r9, r7, r6, asr #16\n\t"
        "cmp r0, r12\n\t"
        "beq 2f\n\t"
        "ldr r4, [r0], #4\n\t"
        "str r8, [r2]\n\t"
        "ldr r5, [r1], #4\n\t"
        "str r9, [r2, r3]\n\t"
        "add r2, r2, lr\n\t"
        "b 1b\n\t"
        "2:\n\t"
        "str r8, [r2]\n\t"
        "str r9, [r2, r3]\n\t"
        "pop {r4-r9, pc}\n\t");
}

/* Two columns of four channels at a time (a or b NULL: padding, the zero point's bytes zp4) into the
 * ring words d of their pairs (wstep words from one pair's row to the next). */
TML_ALWAYS_INLINE void tml__dw3p_fill2(const int8_t *a, const int8_t *b, uint32_t zp4, int32_t c, uint32_t *d,
                                       int32_t wstep)
{
    const int8_t *const end = (a ? a : b) + c;
    const int32_t skip = 2 * wstep;
    if (!a) {
        for (; b < end; b += 4, d += skip) {
            const uint32_t vb = (uint32_t)tml_read_s8x4(b);
            d[0] = tml_pack_lo16(zp4, vb);
            d[wstep] = tml_pack_hi16(zp4, vb);
        }
    } else if (!b) {
        for (; a < end; a += 4, d += skip) {
            const uint32_t va = (uint32_t)tml_read_s8x4(a);
            d[0] = tml_pack_lo16(va, zp4);
            d[wstep] = tml_pack_hi16(va, zp4);
        }
    } else if (c % 8 == 0) { /* a column and the next one (b = a + c, where a's channels end) */
        tml__dw3p_cols8_m4(a, b, d, 4 * wstep);
    } else {
        for (; a < end; a += 4, b += 4, d += skip) {
            const uint32_t va = (uint32_t)tml_read_s8x4(a), vb = (uint32_t)tml_read_s8x4(b);
            d[0] = tml_pack_lo16(va, vb);
            d[wstep] = tml_pack_hi16(va, vb);
        }
    }
}

/* Input row src (input_depth values per column) into a ring slot (above): each column at k = x +
 * pad_width; the padding columns keep the zero point the slot was filled with (or get it again). */
TML_HOT static TML_NOINLINE void tml__dw3p_fill(const tml__conv_geometry *g, const int8_t *src, uint8_t *slot,
                                               int32_t cols)
{
    const int32_t c = g->input_depth, w = g->input_width, pw = g->pad_width;
    if (c % 4 == 0) { /* whole ring words: the columns from the even one before pad_width */
        const uint32_t zp4 = 0x01010101u * (uint8_t)g->zero_point;
        uint32_t *d = (uint32_t *)slot + pw / 2;
        int32_t x = -(pw & 1);
        if (x < 0) {
            tml__dw3p_fill2(NULL, src, zp4, c, d++, cols / 2);
            x = 1;
        }
        for (; x + 1 < w; x += 2) {
            tml__dw3p_fill2(src + x * c, src + (x + 1) * c, zp4, c, d++, cols / 2);
        }
        if (x < w) {
            tml__dw3p_fill2(src + x * c, NULL, zp4, c, d, cols / 2);
        }
    } else { /* pair by pair */
        int32_t x, ch;
        uint16_t *d0 = (uint16_t *)slot + pw;
        for (x = 0; x < w; x++) {
            for (ch = 0; ch < c; ch += 2) {
                memcpy(d0 + x + (ch / 2) * cols, src + x * c + ch, 2);
            }
        }
    }
}

/* The zero point into a slot's padding columns. Input depths of whole words and rows of 16 columns or
 * more: the words wholly before pad_width and wholly from pad_width + input_width on (the fill writes
 * the others, the zero point into the padding half of a word it shares); else the whole slot (a row of
 * words costs about what memset takes for 28 bytes, measured). */
static TML_NOINLINE void tml__dw3p_pad_cols(const tml__conv_geometry *g, uint8_t *slot, int32_t cols)
{
    const uint32_t zp4 = 0x01010101u * (uint8_t)g->zero_point;
    const int32_t w0 = g->pad_width / 2, w1 = (g->pad_width + g->input_width + 1) / 2, words = cols / 2;
    uint32_t *d = (uint32_t *)slot, *const end = d + g->input_depth / 2 * words;
    int32_t k;
    if (g->input_depth % 4 || cols < 16) {
        memset(slot, (uint8_t)g->zero_point, (size_t)(g->input_depth * cols));
        return;
    }
    for (; d < end; d += words) {
        for (k = 0; k < w0; k++) {
            d[k] = zp4;
        }
        for (k = w1; k < words; k++) {
            d[k] = zp4;
        }
    }
}

/* A packed stream (above): the ring's three slots (input_depth * tml__dw3p_cols bytes each, anywhere)
 * filled as rows are needed, then tml__dw3p_row_m4 per output row. input_height, output_height and
 * pad_height from the call (a band of rows when fused with a pool). */
TML_HOT static TML_NOINLINE void tml__dw3p_s8_packed_m4(const int32_t *stream, void *slot0, void *slot1, void *slot2,
                                                       int32_t input_height, int32_t output_height,
                                                       int32_t pad_height, const int8_t *input, int8_t *output)
{
    tml__conv_geometry g;
    tml__dw3p_args a;
    tml__dw3_geometry(&g, stream, input_height, output_height, pad_height);
    {
        const int32_t c = g.input_depth, w = g.output_width, cols = tml__dw3p_cols(&g), slot = c * cols;
        uint8_t *const ring[3] = {(uint8_t *)slot0, (uint8_t *)slot1, (uint8_t *)slot2};
        int32_t b, oy, fy, held[3];
        const uint8_t *row[3];
        a.step = c;
        a.runs = tml__dw3p_runs(&g);
        a.part = a.runs > w / 4;
        a.rem = w % 4;
        a.pg = 2 * cols;
        for (fy = 0; fy < 3; fy++) {
            tml__dw3p_pad_cols(&g, ring[fy], cols);
        }
        for (b = 0; b < g.batches; b++) {
            const int8_t *in_b = input + b * g.input_height * g.input_width * c;
            int8_t *out_b = output + b * g.output_height * w * c;
            held[0] = held[1] = held[2] = INT32_MIN;
            for (oy = 0; oy < g.output_height; oy++, out_b += w * c) {
                const int32_t iy0 = oy * g.stride_height - g.pad_height;
                for (fy = 0; fy < 3; fy++) {
                    /* the slot holding row iy, else one holding a row above the window (no longer read) */
                    const int32_t iy = iy0 + fy;
                    int32_t s = held[0] == iy ? 0 : held[1] == iy ? 1 : held[2] == iy ? 2 : -1;
                    if (s < 0) {
                        s = held[0] < iy0 ? 0 : held[1] < iy0 ? 1 : 2;
                        if (iy < 0 || iy >= g.input_height) {
                            memset(ring[s], (uint8_t)g.zero_point, (size_t)slot);
                        } else {
                            tml__dw3p_fill(&g, in_b + iy * g.input_width * c, ring[s], cols);
                        }
                        held[s] = iy;
                    }
                    row[fy] = ring[s];
                }
                a.s = stream + sizeof g / 4;
                a.end = a.s + 20 * (c / 2);
                a.d1 = (int32_t)(row[1] - row[0]);
                a.d2 = (int32_t)(row[2] - row[1]);
                a.next = 8 - (int32_t)(row[2] - row[0]);
                a.q0 = row[0];
                a.o0 = out_b;
                tml__dw3p_row_m4(&a);
            }
        }
    }
}

#endif /* TINYML_ARMV7EM_DEPTHWISE_CONV_PAIRS_H */
