/*
 * 3x3 DEPTHWISE_CONV_2D at stride 1 across on the Cortex-M4, channel pair by channel pair: the naked-asm
 * kernel over the stream the generator packs (TML_ARCH_ARM_ASM), its ring of input rows filled in C.
 * Included by ops/conv.h (after armv7em/depthwise_conv_packed.h, whose geometry helper it shares).
 */
#ifndef TINYML_ARMV7EM_DEPTHWISE_CONV_PAIRS_H
#define TINYML_ARMV7EM_DEPTHWISE_CONV_PAIRS_H

/* Packed 3x3 depthwise convolution by channel pairs (p->packed with p->pairs: made by the generator for
 * the Cortex-M4 where the fast requantization is exact for every channel; depth multiplier 1, dilation 1,
 * stride 1 across, any stride down and padding, an even input depth). The three input rows an output row
 * reads are kept as int8 in a ring of three slots (p->scratch, p->slot1, p->slot2: each a buffer of its own,
 * placed where the arena has room) (a row enters once, when first needed),
 * each slot laid out channel pair by channel pair so that one word holds two adjacent columns of a pair:
 *
 *     slot bytes (pair j, column k) = (x[k].c[2j], x[k].c[2j + 1]),  ring columns k = x + pad_width
 *
 * (the padding columns and rows hold the zero point, which the folded bias cancels). A word w of columns
 * (k, k + 1) then gives SXTB16(w) = (x[k], x[k + 1]) of the pair's even channel and SXTB16(w, ROR 8) of
 * its odd one: no reordering. Four output pixels A..D of a filter row take the words w0 = (x0, x1),
 * w1 = (x2, x3), w2 = (x4, x5) and the row's int16 pairs P = (f0, f1), R = (f1, f2):
 * A = SMLAD(w0, P) + SMLABT(w1, R), B = SMLATB(w0, P) + SMLAD(w1, R), C = SMLAD(w1, P) + SMLABT(w2, R),
 * D = SMLATB(w1, P) + SMLAD(w2, R): 24 MACs of two channels in 16 multiplies, 3 loads of input and 2
 * of weights, all eight sums in registers. A row is runs of four pixels (the last one storing 3 of them
 * where the width leaves 3), then a pair of pixels (A and B, where it leaves 2) or a lone pixel (A, where
 * it leaves 1). The stream: the geometry (tml__conv_geometry, 16 words,
 * zero_point the input's), then per channel pair 20 words: the two folded biases, per filter row P and
 * R of the even channel and of the odd one (P0, P1, R0, R1), and each channel's multiplier, c and r
 * (tml_requant_fast). */
typedef struct {
    const int32_t *s; /* 0: the channel pair's stream block */
    int32_t next;     /* 4: bytes from a run's filter row 2 words to the next run's row 0 words (8 - d1 - d2) */
    int8_t *o;        /* 8: the run's first output pixel (the pair's channels) */
    int32_t left;     /* 12: runs left of the pair */
    const int32_t *end; /* 16: the end of the pairs' blocks */
    int32_t d1, d2;   /* 20, 24: bytes from filter row 0's slot to row 1's, from row 1's to row 2's */
    int32_t step;     /* 28: output_depth */
    int32_t runs;     /* 32: runs of four pixels per row */
    int32_t last;     /* 36: pixels the last run stores (3 or 4) */
    int32_t tail;     /* 40: pixels after the runs (0 to 2) */
    int32_t pg;       /* 44: bytes from one channel pair's ring row to the next (2 * columns) */
    const uint8_t *q0; /* 48: the pair's first run's q */
    int8_t *o0;       /* 52: the pair's first run's o */
} tml__dw3p_args;

/* One filter row of four pixels (above): input words at r1, weights P0, P1 at byte p of the pair's block
 * (r0) and R0, R1 at byte r; sums A0-D0 of the even channel in r2-r5, A1-D1 of the odd one in r6-r9,
 * each starting from what it holds, or (ROW4_FIRST) from the biases, which r4 and r8 hold for it. */
#define TML__DW3P_ROW4_(p, r, a0, b0, c0, d0, a1, b1, c1, d1)                                                         \
    "ldr r10, [r1]\n\t"                                                                                               \
    "sxtb16 lr, r10, ror #8\n\t"                                                                                      \
    "sxtb16 r10, r10\n\t"                                                                                             \
    "ldrd r11, r12, [r0, #" p "]\n\t"                                                                                 \
    "smlad r2, r10, r11, " a0 "\n\t"                                                                                  \
    "smlatb r3, r10, r11, " b0 "\n\t"                                                                                 \
    "smlad r6, lr, r12, " a1 "\n\t"                                                                                   \
    "smlatb r7, lr, r12, " b1 "\n\t"                                                                                  \
    "ldr r10, [r1, #4]\n\t"                                                                                           \
    "sxtb16 lr, r10, ror #8\n\t"                                                                                      \
    "sxtb16 r10, r10\n\t"                                                                                             \
    "smlatb r5, r10, r11, " d0 "\n\t"                                                                                 \
    "smlad r4, r10, r11, " c0 "\n\t"                                                                                  \
    "smlatb r9, lr, r12, " d1 "\n\t"                                                                                  \
    "smlad r8, lr, r12, " c1 "\n\t"                                                                                   \
    "ldrd r11, r12, [r0, #" r "]\n\t"                                                                                 \
    "smlabt r2, r10, r11, r2\n\t"                                                                                     \
    "smlad r3, r10, r11, r3\n\t"                                                                                      \
    "smlabt r6, lr, r12, r6\n\t"                                                                                      \
    "smlad r7, lr, r12, r7\n\t"                                                                                       \
    "ldr r10, [r1, #8]\n\t"                                                                                           \
    "sxtb16 lr, r10, ror #8\n\t"                                                                                      \
    "sxtb16 r10, r10\n\t"                                                                                             \
    "smlabt r4, r10, r11, r4\n\t"                                                                                     \
    "smlad r5, r10, r11, r5\n\t"                                                                                      \
    "smlabt r8, lr, r12, r8\n\t"                                                                                      \
    "smlad r9, lr, r12, r9\n\t"
#define TML__DW3P_ROW4(p, r) TML__DW3P_ROW4_(p, r, "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9")
#define TML__DW3P_ROW4_FIRST(p, r) TML__DW3P_ROW4_(p, r, "r4", "r4", "r4", "r4", "r8", "r8", "r8", "r8")
/* One filter row of two pixels: A0, B0 in r2, r3 and A1, B1 in r6, r7, starting from what they hold or
 * (ROW2_FIRST) from the biases in r4 and r8. */
#define TML__DW3P_ROW2_(p, r, a0, b0, a1, b1)                                                                      \
    "ldr r10, [r1]\n\t"                                                                                       \
    "sxtb16 lr, r10, ror #8\n\t"                                                                              \
    "sxtb16 r10, r10\n\t"                                                                                     \
    "ldrd r11, r12, [r0, #" p "]\n\t"                                                                         \
    "smlad r2, r10, r11, " a0 "\n\t"                                                                          \
    "smlatb r3, r10, r11, " b0 "\n\t"                                                                         \
    "smlad r6, lr, r12, " a1 "\n\t"                                                                           \
    "smlatb r7, lr, r12, " b1 "\n\t"                                                                          \
    "ldr r10, [r1, #4]\n\t"                                                                                   \
    "sxtb16 lr, r10, ror #8\n\t"                                                                              \
    "sxtb16 r10, r10\n\t"                                                                                     \
    "ldrd r11, r12, [r0, #" r "]\n\t"                                                                         \
    "smlabt r2, r10, r11, r2\n\t"                                                                             \
    "smlad r3, r10, r11, r3\n\t"                                                                              \
    "smlabt r6, lr, r12, r6\n\t"                                                                              \
    "smlad r7, lr, r12, r7\n\t"
#define TML__DW3P_ROW2(p, r) TML__DW3P_ROW2_(p, r, "r2", "r3", "r6", "r7")
#define TML__DW3P_ROW2_FIRST(p, r) TML__DW3P_ROW2_(p, r, "r4", "r4", "r8", "r8")

/* One filter row of a lone pixel: A0 in r2, A1 in r6. */
#define TML__DW3P_ROW1(p, r)                                                                                          \
    "ldr r10, [r1]\n\t"                                                                                               \
    "sxtb16 lr, r10, ror #8\n\t"                                                                                      \
    "sxtb16 r10, r10\n\t"                                                                                             \
    "ldrd r11, r12, [r0, #" p "]\n\t"                                                                                 \
    "smlad r2, r10, r11, r2\n\t"                                                                                      \
    "smlad r6, lr, r12, r6\n\t"                                                                                       \
    "ldr r10, [r1, #4]\n\t"                                                                                           \
    "sxtb16 lr, r10, ror #8\n\t"                                                                                      \
    "sxtb16 r10, r10\n\t"                                                                                             \
    "ldrd r11, r12, [r0, #" r "]\n\t"                                                                                 \
    "smlabt r2, r10, r11, r2\n\t"                                                                                     \
    "smlabt r6, lr, r12, r6\n\t"

/* The three filter rows (FIRST and ROW: ROW4_FIRST and ROW4, or ROW1 twice): r1 moves from slot to slot
 * by the frame's d1 and d2. */
#define TML__DW3P_ROWS(FIRST, ROW)                                                                                    \
    FIRST("8", "16") "ldr r11, [sp, #20]\n\t" "add r1, r1, r11\n\t"                                         \
    ROW("24", "32") "ldr r11, [sp, #24]\n\t" "add r1, r1, r11\n\t"                                          \
    ROW("40", "48")

/* A channel's multiplier, c and r from byte k of the pair's block into r10-r12. */
#define TML__DW3P_CONSTS(k) "ldr r10, [r0, #" k "]\n\t" "ldr r11, [r0, #" k " + 4]\n\t" "ldr r12, [r0, #" k " + 8]\n\t"

/* v requantized in place with the constants in r10-r12 (lr scratch). */
#define TML__DW3P_REQ(v) TML__ASM_REQUANT(v, v, "lr", "r10", "r11", "r12")

/* One output row: every channel pair, its runs of four pixels and the pixels after them. The frame is a copy of
 * the args (above), updated as the kernel goes. */
__attribute__((naked, unused, aligned(4))) static void tml__dw3p_row_m4(const tml__dw3p_args *a TML_UNUSED)
{
    __asm__ volatile(
        ".syntax unified\n\t"
        "push {r4-r11, lr}\n\t"
        "sub sp, #56\n\t"
        "ldmia r0!, {r1-r7}\n\t"
        "stmia sp, {r1-r7}\n\t"
        "ldmia r0, {r1-r7}\n\t"
        "add r12, sp, #28\n\t"
        "stmia r12, {r1-r7}\n\t"
        "ldr r0, [sp]\n\t"
        "ldrd r1, r12, [sp, #48]\n\t"
        "1:\n\t" /* a channel pair: r0 its block, r1 its ring words, r12 its output */
        "strd r1, r12, [sp, #48]\n\t"
        "ldr r3, [sp, #32]\n\t"
        "strd r12, r3, [sp, #8]\n\t"
        "cmp r3, #0\n\t"
        "beq 4f\n\t"
        "2:\n\t" /* a run of four pixels: r0 the pair's block, r1 its ring words (kept) */
        "ldrd r4, r8, [r0]\n\t" /* the biases */
        TML__DW3P_ROWS(TML__DW3P_ROW4_FIRST, TML__DW3P_ROW4)
        TML__DW3P_CONSTS("56")
        TML__DW3P_REQ("r2") TML__DW3P_REQ("r3") TML__DW3P_REQ("r4") TML__DW3P_REQ("r5")
        TML__DW3P_CONSTS("68")
        TML__DW3P_REQ("r6") TML__DW3P_REQ("r7") TML__DW3P_REQ("r8") TML__DW3P_REQ("r9")
        "ldr r12, [sp, #8]\n\t"
        "ldr r10, [sp, #28]\n\t"
        "ldr r11, [sp, #12]\n\t"
        "bfi r2, r6, #8, #8\n\t"
        "strh r2, [r12]\n\t"
        "cmp r11, #1\n\t"
        "beq 3f\n\t"
        "add r12, r12, r10\n\t"
        "bfi r3, r7, #8, #8\n\t"
        "strh r3, [r12]\n\t"
        "add r12, r12, r10\n\t"
        "bfi r4, r8, #8, #8\n\t"
        "strh r4, [r12]\n\t"
        "add r12, r12, r10\n\t"
        "bfi r5, r9, #8, #8\n\t"
        "strh r5, [r12]\n\t"
        "add r12, r12, r10\n\t"
        "subs r11, r11, #1\n\t"
        "ldr r10, [sp, #4]\n\t"
        "strd r12, r11, [sp, #8]\n\t"
        "add r1, r1, r10\n\t"
        "b 2b\n\t"
        "3:\n\t" /* the last run: B, C and D as far as it stores (all three: on to the pixels after) */
        "ldr r11, [sp, #36]\n\t"
        "add r12, r12, r10\n\t"
        "bfi r3, r7, #8, #8\n\t"
        "strh r3, [r12]\n\t"
        "add r12, r12, r10\n\t"
        "bfi r4, r8, #8, #8\n\t"
        "strh r4, [r12]\n\t"
        "cmp r11, #3\n\t"
        "beq 5f\n\t"
        "add r12, r12, r10\n\t"
        "bfi r5, r9, #8, #8\n\t"
        "strh r5, [r12]\n\t"
        "add r12, r12, r10\n\t" /* a whole last run: pixels may follow */
        "str r12, [sp, #8]\n\t"
        "ldr r10, [sp, #4]\n\t"
        "add r1, r1, r10\n\t"
        "4:\n\t" /* the pixels after the runs (r1 their ring words): a lone one here, none or a pair at 7 */
        "ldr r12, [sp, #40]\n\t"
        "subs r12, r12, #1\n\t"
        "bne 7f\n\t"
        "ldrd r2, r6, [r0]\n\t"
        TML__DW3P_ROWS(TML__DW3P_ROW1, TML__DW3P_ROW1)
        TML__DW3P_CONSTS("56")
        TML__DW3P_REQ("r2")
        TML__DW3P_CONSTS("68")
        TML__DW3P_REQ("r6")
        "ldr r12, [sp, #8]\n\t"
        "bfi r2, r6, #8, #8\n\t"
        "strh r2, [r12]\n\t"
        "5:\n\t" /* the next channel pair, up to the end of the blocks */
        "ldrd r1, r12, [sp, #48]\n\t"
        "adds r0, r0, #80\n\t"
        "ldr r11, [sp, #44]\n\t"
        "ldr r10, [sp, #16]\n\t"
        "add r1, r1, r11\n\t"
        "adds r12, r12, #2\n\t"
        "cmp r0, r10\n\t"
        "bne 1b\n\t"
        "add sp, #56\n\t"
        "pop {r4-r11, pc}\n\t"
        "7:\n\t" /* no pixel after the runs (r12 -1), or two (r12 1) */
        "bmi 5b\n\t"
        "6:\n\t" /* two pixels after the runs */
        "ldrd r4, r8, [r0]\n\t" /* the biases */
        TML__DW3P_ROWS(TML__DW3P_ROW2_FIRST, TML__DW3P_ROW2)
        TML__DW3P_CONSTS("56")
        TML__DW3P_REQ("r2") TML__DW3P_REQ("r3")
        TML__DW3P_CONSTS("68")
        TML__DW3P_REQ("r6") TML__DW3P_REQ("r7")
        "ldr r12, [sp, #8]\n\t"
        "ldr r10, [sp, #28]\n\t"
        "bfi r2, r6, #8, #8\n\t"
        "strh r2, [r12]\n\t"
        "bfi r3, r7, #8, #8\n\t"
        "strh r3, [r12, r10]\n\t"
        "b 5b\n\t");
}
#undef TML__DW3P_REQ
#undef TML__DW3P_CONSTS
#undef TML__DW3P_ROWS
#undef TML__DW3P_ROW1
#undef TML__DW3P_ROW2_FIRST
#undef TML__DW3P_ROW2
#undef TML__DW3P_ROW2_
#undef TML__DW3P_ROW4_FIRST
#undef TML__DW3P_ROW4
#undef TML__DW3P_ROW4_

/* The ring's columns: the runs' reads (six columns from each run's first, four from the pixels after)
 * and the padded input's, an even number. The generator plans three slots of input_depth * columns bytes. */
TML_ALWAYS_INLINE int32_t tml__dw3p_cols(const tml__conv_geometry *g)
{
    const int32_t w = g->output_width, runs = w % 4 == 3 ? w / 4 + 1 : w / 4, tail = w % 4 == 1 || w % 4 == 2;
    const int32_t reads = 4 * runs + 2 + 2 * tail, held = g->pad_width + g->input_width;
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
        a.runs = w % 4 == 3 ? w / 4 + 1 : w / 4;
        a.last = w % 4 == 3 ? 3 : 4;
        a.tail = w % 4 == 3 ? 0 : w % 4;
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
