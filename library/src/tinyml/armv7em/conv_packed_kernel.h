/*
 * CONV_2D on the Cortex-M4, the packed kernel: the stream's layout, the naked-asm pair kernel and the
 * interleaving of windows in C. Included by armv7em/conv_packed.h (the window gathering and the driver).
 */
#ifndef TINYML_ARMV7EM_CONV_PACKED_KERNEL_H
#define TINYML_ARMV7EM_CONV_PACKED_KERNEL_H

/* Packed convolution (p->packed, int32 words made by the generator for the Cortex-M4 where the fast
 * requantization is exact for every channel, as for the packed fully connected layers; groups 1 and a
 * multiple of 4 output channels): output pixels go in pairs (A, B), each pair's windows (im2col: K =
 * filter_height * filter_width * input_depth values, padding as the zero point; each filter row padded
 * to whole words where that adds no block of four values, else split: the rows' whole words, then their
 * last bytes, tml__conv_row_bytes / tml__conv_split) are sign-extended into p->scratch once, from the
 * input where they lie inside the image (else gathered first), interleaved as, per four window values
 * k..k+3,
 *
 *     (A[k], A[k+2]) (B[k], B[k+2]) (A[k+1], A[k+3]) (B[k+1], B[k+3])      (int16 pairs, 16 bytes)
 *
 * the window rounded up to four values with zeros, then the word 0x80008000 (no pair of sign-extended
 * int8 makes it) that ends the dot-product loop (the kernel reads one word past it). The stream: the
 * number of words of the groups that follow and the number of blocks of four window values, then per
 * group of four output channels c0..c3 four initial sums, for each four window values k..k+3 four words
 * of weights, then the four channels' multiplier, c and r (tml_requant_fast). The weight words pair an
 * even channel e with the odd one o = e + 1:
 *
 *     [c0 k][c1' k][c0 k+2][c1' k+2]  [c2 k][c3' k][c2 k+2][c3' k+2]  [c0 k+1][c1' k+1] ...  [c2 k+1][c3' k+1] ...
 *
 * where o' = w_o - (w_e < 0), so that each half of a word read as an int16 is exactly w_e + 256 * w_o
 * (the generator checks o' >= -128). One SMLAD of a window pair by the raw word then adds
 * dot_e + 256 * dot_o, and one by SXTB16 of the word adds dot_e: two sums per channel pair, S = b_e +
 * 256 * b_o + dot_e + 256 * dot_o (modulo 2^32) and E = b_e + dot_e, from which the odd channel's sum
 * is (S - E) / 2^8 (exact: the generator checks |b_o| + 128 * sum |w_o| < 2^23). The initial sums are
 * S and E from the folded biases: b0 + 256 * b1, b0, b2 + 256 * b3, b2 (pixel B's first SMLADs start
 * from pixel A's). Per two window values of the two pixels, 4 loads, 2 SXTB16 and 8 SMLAD make 16 MACs;
 * per group the loop is entered at a computed block after the first, and channel 0's multiplier and c
 * are the two words its last loads read past the weights. The stream starts with the layer's geometry
 * (tml__conv_geometry, 16 words), of which input_height, output_height and pad_height come from the
 * call's params instead (a convolution fused with a pool is called on bands of rows). */
/* Two window values of pixels A (r10) and B (r11) by the channel pairs in r12 (c0, c1) and lr (c2, c3):
 * S sums in r2, r4 (A) and r6, r8 (B), E sums in r3, r5 and r7, r9. */
#define TML__CONV_MACS                                                                                        \
    "smlad r2, r10, r12, r2\n\t"                                                                              \
    "smlad r6, r11, r12, r6\n\t"                                                                              \
    "sxtb16 r12, r12\n\t"                                                                                     \
    "smlad r3, r10, r12, r3\n\t"                                                                              \
    "smlad r7, r11, r12, r7\n\t"                                                                              \
    "smlad r4, r10, lr, r4\n\t"                                                                               \
    "smlad r8, r11, lr, r8\n\t"                                                                               \
    "sxtb16 lr, lr\n\t"                                                                                       \
    "smlad r5, r10, lr, r5\n\t"                                                                               \
    "smlad r9, r11, lr, r9\n\t"
/* The same for the first two window values of a group, pixel B's sums starting from pixel A's initial ones. */
#define TML__CONV_FIRST_MACS                                                                                  \
    "smlad r6, r11, r12, r2\n\t"                                                                              \
    "smlad r2, r10, r12, r2\n\t"                                                                              \
    "sxtb16 r12, r12\n\t"                                                                                     \
    "smlad r7, r11, r12, r3\n\t"                                                                              \
    "smlad r3, r10, r12, r3\n\t"                                                                              \
    "smlad r8, r11, lr, r4\n\t"                                                                               \
    "smlad r4, r10, lr, r4\n\t"                                                                               \
    "sxtb16 lr, lr\n\t"                                                                                       \
    "smlad r9, r11, lr, r5\n\t"                                                                               \
    "smlad r5, r10, lr, r5\n\t"
/* The next two window words and two weight words, back to back (one cycle each after the first). */
#define TML__CONV_LOADS                                                                                       \
    "ldr r10, [r1], #4\n\t"                                                                                   \
    "ldr r11, [r1], #4\n\t"                                                                                   \
    "ldr r12, [r0], #4\n\t"                                                                                   \
    "ldr lr, [r0], #4\n\t"
/* Four window values: 28 instructions that have only 32-bit encodings (112 bytes: the loop is entered at a
 * computed block). */
#define TML__CONV_BLOCK TML__CONV_MACS TML__CONV_LOADS TML__CONV_MACS TML__CONV_LOADS
/* The odd channel's sum from S (in s, overwritten) and E: d = 2 * (S - E) / 2^8, as QADD would double it. */
#define TML__CONV_ODD(s, e) "sub " s ", " s ", " e "\n\t"
#define TML__CONV_REQ_ODD(v) "asr r1, " v ", #7\n\t" TML__ASM_REQUANT2(v, "r1", "lr", "r10", "r11", "r12")

/* One word of each window (r0, r1) into dst (r2) as tml__conv_put4 writes them (r4-r7 scratch). */
#define TML__CONV_IL_WORD                                                                                     \
    "ldr r6, [r0], #4\n\t"                                                                                    \
    "ldr r7, [r1], #4\n\t"                                                                                    \
    "sxtb16 r4, r6\n\t"                                                                                       \
    "sxtb16 r5, r7\n\t"                                                                                       \
    "sxtb16 r6, r6, ror #8\n\t"                                                                               \
    "sxtb16 r7, r7, ror #8\n\t"                                                                               \
    "stmia r2!, {r4-r7}\n\t"

/* The word of each window gathered in r4 (a) and r5 (b) into dst (r2), r3-r5 cleared for the next. */
#define TML__CONV_IL_ACC                                                                                      \
    "sxtb16 r6, r4\n\t"                                                                                       \
    "sxtb16 r7, r5\n\t"                                                                                       \
    "sxtb16 r11, r4, ror #8\n\t"                                                                              \
    "sxtb16 lr, r5, ror #8\n\t"                                                                               \
    "stmia r2!, {r6, r7, r11, lr}\n\t"                                                                        \
    "movs r3, #0\n\t"                                                                                         \
    "movs r4, #0\n\t"                                                                                         \
    "movs r5, #0\n\t"

/* The pixel pairs of a call of tml__conv_pair_m4: with pairs 0, one pair already interleaved into the
 * scratch; else that many pairs interleaved here first as tml__conv_put4 writes them, then the
 * sentinel: each from its pixel A at a (then advanced by in_step) and B at a + b_off, of rows = shape
 * >> 18 filter rows step bytes apart first the words = shape & 0xffff words of each row (the lead
 * part), then the tails, t = (shape >> 16) & 3 bytes after each lead part, all the tails' bytes one
 * after the other in words, the last one ended with zeros (tml__conv_split; t 0: none). delta = out_b -
 * out_a (the output channels of a pair, 0 for a lone last pixel computed twice); the next pair's out_a is
 * out_a + delta + adv (adv = delta: the pixel after B; -3 * delta, with a negative in_step: the pair
 * before A). */
typedef struct {
    const int8_t *a;
    int32_t in_step, b_off, shape, step, pairs, delta, adv;
} tml__conv_run;

/* Pixel pairs (run, above) by every group of the stream: scratch (above) holds a pair's windows,
 * out_a the first pixel's outputs. */
__attribute__((naked, unused, aligned(4))) static void tml__conv_pair_m4(const int32_t *stream TML_UNUSED,
                                                                         const uint32_t *scratch TML_UNUSED,
                                                                         int8_t *out_a TML_UNUSED,
                                                                         tml__conv_run *run TML_UNUSED)
{
    __asm__ volatile(
        ".syntax unified\n\t"
        "push {r4-r11, lr}\n\t"
        "ldmia r0!, {r12, lr}\n\t" /* words of the groups, blocks of four window values */
        "add r12, r0, r12, lsl #2\n\t"
        "sub lr, lr, #1\n\t" /* after the first block: the loop ends after its eighth block */
        "and lr, lr, #7\n\t"
        "rsb lr, lr, #8\n\t" /* (8: at the test of the sentinel) */
        "movs r4, #112\n\t"
        "mul lr, lr, r4\n\t"
        "adr r4, 2f\n\t"
        "add lr, lr, r4\n\t"
        "orr lr, lr, #1\n\t" /* a Thumb address for LDR PC */
        "ldmia r3, {r4-r11}\n\t" /* the run: a, in_step, b_off, shape, step, pairs, delta, adv */
        "push {r4-r8, r11}\n\t" /* the frame: scratch, out_a, out_b - out_a, end of the groups, entry, */
        "push {r0, r9}\n\t" /* the groups, pairs, a, in_step, b_off, shape, step, adv */
        "mov r3, r10\n\t"
        "push {r1-r3, r12, lr}\n\t"
        "cmp r9, #0\n\t"
        "beq 1f\n\t" /* one pair, interleaved by the caller */
        "0:\n\t"
        "ldrd r0, r5, [sp, #28]\n\t" /* a, in_step */
        "ldrd r6, r3, [sp, #36]\n\t" /* b_off, shape */
        "ldr r8, [sp, #44]\n\t" /* step */
        "add r5, r5, r0\n\t"
        "str r5, [sp, #28]\n\t"
        "add r1, r0, r6\n\t"
        "ldr r2, [sp]\n\t"
        "lsr r9, r3, #18\n\t" /* rows */
        "ubfx r10, r3, #16, #2\n\t" /* t: the tails' bytes per row */
        "uxth r3, r3\n\t" /* words */
        "sub r8, r8, r3, lsl #2\n\t" /* from the end of a row's words to the next row */
        "cmp r10, #0\n\t"
        "beq 4f\n\t" /* no tails: words >= 1 */
        "add r11, r0, r3, lsl #2\n\t" /* the tails */
        "add lr, r1, r3, lsl #2\n\t"
        "cmp r3, #0\n\t"
        "beq 8f\n\t"
        "4:\n\t"
        "lsrs r12, r3, #1\n\t" /* pairs of words, C: one more */
        "bcc 5f\n\t"
        TML__CONV_IL_WORD
        "beq 6f\n\t" /* (Z from LSRS) */
        ".balign 4\n\t" /* (a 32-bit branch target) */
        "5:\n\t"
        TML__CONV_IL_WORD TML__CONV_IL_WORD
        "subs r12, r12, #1\n\t"
        "bne 5b\n\t"
        "6:\n\t"
        "add r0, r0, r8\n\t"
        "add r1, r1, r8\n\t"
        "subs r9, r9, #1\n\t"
        "bne 4b\n\t"
        "cmp r10, #0\n\t"
        "beq 7f\n\t"
        "8:\n\t"
        "ldrd r3, r8, [sp, #40]\n\t" /* shape, step */
        "lsr r9, r3, #18\n\t"
        "mov r0, r11\n\t"
        "mov r1, lr\n\t"
        "movs r3, #0\n\t" /* the bits gathered in r4 (a) and r5 (b) */
        "movs r4, #0\n\t"
        "movs r5, #0\n\t"
        "cmp r10, #1\n\t"
        "bne 13f\n\t"
        "10:\n\t" /* one byte per row */
        "ldrb r6, [r0]\n\t"
        "ldrb r7, [r1]\n\t"
        "lsls r6, r6, r3\n\t"
        "lsls r7, r7, r3\n\t"
        "orrs r4, r4, r6\n\t"
        "orrs r5, r5, r7\n\t"
        "add r0, r0, r8\n\t"
        "add r1, r1, r8\n\t"
        "adds r3, r3, #8\n\t"
        "cmp r3, #32\n\t"
        "beq 11f\n\t"
        "subs r9, r9, #1\n\t"
        "bne 10b\n\t"
        "b 12f\n\t"
        "11:\n\t"
        TML__CONV_IL_ACC
        "subs r9, r9, #1\n\t"
        "bne 10b\n\t"
        "b 12f\n\t"
        "13:\n\t" /* two or three bytes per row */
        "movs r12, #0\n\t"
        ".balign 4\n\t"
        "14:\n\t"
        "ldrb r6, [r0, r12]\n\t"
        "ldrb r7, [r1, r12]\n\t"
        "lsls r6, r6, r3\n\t"
        "lsls r7, r7, r3\n\t"
        "orrs r4, r4, r6\n\t"
        "orrs r5, r5, r7\n\t"
        "adds r3, r3, #8\n\t"
        "cmp r3, #32\n\t"
        "bne 15f\n\t"
        TML__CONV_IL_ACC
        "15:\n\t"
        "adds r12, r12, #1\n\t"
        "cmp r12, r10\n\t"
        "bne 14b\n\t"
        "add r0, r0, r8\n\t"
        "add r1, r1, r8\n\t"
        "subs r9, r9, #1\n\t"
        "bne 13b\n\t"
        "12:\n\t"
        "cmp r3, #0\n\t"
        "beq 7f\n\t" /* the last word's bytes, zeros after them */
        "sxtb16 r6, r4\n\t"
        "sxtb16 r7, r5\n\t"
        "sxtb16 r11, r4, ror #8\n\t"
        "sxtb16 lr, r5, ror #8\n\t"
        "stmia r2!, {r6, r7, r11, lr}\n\t"
        "7:\n\t"
        "mov r4, #0x80008000\n\t"
        "str r4, [r2]\n\t"
        "ldr r0, [sp, #20]\n\t"
        "1:\n\t"
        "ldmia r0!, {r2-r5}\n\t" /* initial S and E sums of pixel A, which B's first SMLADs start from */
        "ldr r1, [sp]\n\t"
        "ldr r12, [r0], #4\n\t" /* the first loads, back to back after the window's address */
        "ldr lr, [r0], #4\n\t"
        "ldr r10, [r1], #4\n\t"
        "ldr r11, [r1], #4\n\t"
        TML__CONV_FIRST_MACS TML__CONV_LOADS TML__CONV_MACS TML__CONV_LOADS
        "ldr pc, [sp, #16]\n\t"
        ".balign 4\n\t"
        "2:\n\t" /* 32 window values per pass (112 bytes of code per four), the sentinel after them */
        TML__CONV_BLOCK TML__CONV_BLOCK TML__CONV_BLOCK TML__CONV_BLOCK
        TML__CONV_BLOCK TML__CONV_BLOCK TML__CONV_BLOCK TML__CONV_BLOCK
        "cmp r10, #0x80008000\n\t"
        "bne 2b\n\t"
        /* the two weight words read past the group's are channel 0's multiplier (r12) and c (lr) */
        TML__CONV_ODD("r2", "r3") TML__CONV_ODD("r6", "r7") TML__CONV_ODD("r4", "r5") TML__CONV_ODD("r8", "r9")
        "ldr r11, [r0], #4\n\t" /* channel 0's r */
        TML__ASM_REQUANT("r3", "r1", "r10", "r12", "lr", "r11")
        TML__ASM_REQUANT("r7", "r1", "r10", "r12", "lr", "r11")
        "ldmia r0!, {r10-r12}\n\t" /* each other channel's multiplier, c, r */
        TML__CONV_REQ_ODD("r2")
        TML__CONV_REQ_ODD("r6")
        "ldmia r0!, {r10-r12}\n\t"
        TML__ASM_REQUANT("r5", "r1", "lr", "r10", "r11", "r12")
        TML__ASM_REQUANT("r9", "r1", "lr", "r10", "r11", "r12")
        "ldmia r0!, {r10-r12}\n\t"
        TML__CONV_REQ_ODD("r4")
        TML__CONV_REQ_ODD("r8")
        TML__ASM_PACK4("r3", "r2", "r5", "r4")
        TML__ASM_PACK4("r7", "r6", "r9", "r8")
        "ldr r1, [sp, #4]\n\t" /* out_a, out_b - out_a, the end of the groups: the first store right after */
        "ldr lr, [sp, #8]\n\t"
        "ldr r12, [sp, #12]\n\t"
        "str r7, [r1, lr]\n\t"
        "str r3, [r1], #4\n\t"
        "str r1, [sp, #4]\n\t"
        "cmp r0, r12\n\t"
        "bne 1b\n\t"
        "ldr r4, [sp, #24]\n\t"
        "subs r4, r4, #1\n\t"
        "ble 9f\n\t" /* no pair left */
        "str r4, [sp, #24]\n\t"
        "ldr r1, [sp, #4]\n\t" /* the next pair's out_a: out_a (past A's channels) + adv */
        "ldr r2, [sp, #48]\n\t"
        "add r1, r1, r2\n\t"
        "str r1, [sp, #4]\n\t"
        "b 0b\n\t"
        "9:\n\t"
        "add sp, #52\n\t"
        "pop {r4-r11, pc}\n\t");
}
#undef TML__CONV_BLOCK
#undef TML__CONV_REQ_ODD
#undef TML__CONV_ODD
#undef TML__CONV_LOADS
#undef TML__CONV_FIRST_MACS
#undef TML__CONV_MACS

/* Four values of each window (words xa, xb) as tml__conv_pair_m4 reads them. */
TML_ALWAYS_INLINE void tml__conv_put4(uint32_t *dst, int32_t xa, int32_t xb)
{
    dst[0] = (uint32_t)tml_sxtb16(xa);
    dst[1] = (uint32_t)tml_sxtb16(xb);
    dst[2] = (uint32_t)tml_sxtb16_ror8(xa);
    dst[3] = (uint32_t)tml_sxtb16_ror8(xb);
}

/* n >= 1 blocks of four values of the windows a and b (any alignment) into dst (word-aligned) as
 * tml__conv_put4 writes them: two loads, four SXTB16 and one four-word store per block. */
__attribute__((naked, unused, aligned(4))) static void tml__conv_il_m4(const int8_t *a TML_UNUSED,
                                                                       const int8_t *b TML_UNUSED,
                                                                       uint32_t *dst TML_UNUSED,
                                                                       int32_t n TML_UNUSED)
{
    __asm__ volatile(
        ".syntax unified\n\t"
        "push {r4-r6, lr}\n\t"
        "1:\n\t"
        "ldr r12, [r0], #4\n\t"
        "ldr lr, [r1], #4\n\t"
        "sxtb16 r4, r12\n\t"
        "sxtb16 r5, lr\n\t"
        "sxtb16 r6, r12, ror #8\n\t"
        "sxtb16 r12, lr, ror #8\n\t"
        "stmia r2!, {r4, r5, r6, r12}\n\t"
        "subs r3, r3, #1\n\t"
        "bne 1b\n\t"
        "pop {r4-r6, pc}\n\t");
}


/* The two windows a and b (k int8 values each) sign-extended and interleaved into scratch as
 * tml__conv_pair_m4 reads them, ended by the sentinel word. */
TML_ALWAYS_INLINE void tml__conv_interleave(const int8_t *a, const int8_t *b, int32_t k, uint32_t *dst)
{
    const int32_t i = k & ~3;
    if (i) {
        tml__conv_il_m4(a, b, dst, i >> 2);
        dst += i;
    }
    if (i < k) { /* the last one to three values, zeros after them */
        uint8_t ta[4] = {0, 0, 0, 0}, tb[4] = {0, 0, 0, 0};
        int32_t xa, xb, j;
        for (j = 0; i + j < k; j++) {
            ta[j] = (uint8_t)a[i + j];
            tb[j] = (uint8_t)b[i + j];
        }
        memcpy(&xa, ta, 4);
        memcpy(&xb, tb, 4);
        tml__conv_put4(dst, xa, xb);
        dst += 4;
    }
    dst[0] = 0x80008000u;
}

#endif /* TINYML_ARMV7EM_CONV_PACKED_KERNEL_H */
