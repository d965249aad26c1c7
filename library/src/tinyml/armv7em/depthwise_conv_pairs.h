/*
 * 3x3 DEPTHWISE_CONV_2D on the Cortex-M4 by channel pairs: the ring of input rows filled in C and the
 * driver of the row kernels (the stream's layout and the kernels in armv7em/depthwise_conv_pairs_kernel.h).
 * Included by ops/conv.h (after armv7em/depthwise_conv_packed.h, whose geometry helper it shares).
 */
#ifndef TINYML_ARMV7EM_DEPTHWISE_CONV_PAIRS_H
#define TINYML_ARMV7EM_DEPTHWISE_CONV_PAIRS_H

#include "depthwise_conv_pairs_kernel.h"

/* Runs per row: of four pixels at stride 1 across (the last one partial where the width leaves 3, one
 * or two pixels after the runs where it leaves 1 or 2), of three at stride 2 (the last one partial where
 * the width leaves 1 or 2). */
TML_ALWAYS_INLINE int32_t tml__dw3p_runs(const tml__conv_geometry *g)
{
    const int32_t w = g->output_width;
    return g->stride_width == 2 ? (w + 2) / 3 : w / 4 + (w % 4 == 3);
}

/* The ring's columns: the runs' reads (stride 1: six columns from each run's first, four from the pixels
 * after them; stride 2: eight from each run's first) and the padded input's, an even number. The
 * generator plans three slots of input_depth * columns bytes. */
TML_ALWAYS_INLINE int32_t tml__dw3p_cols(const tml__conv_geometry *g)
{
    const int32_t runs = tml__dw3p_runs(g), rem = g->output_width % 4, held = g->pad_width + g->input_width;
    const int32_t reads = g->stride_width == 2 ? 6 * runs + 2 : 4 * runs + 2 + 2 * (rem == 1 || rem == 2);
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

/* n >= 1 pairs of adjacent input columns from src (c bytes per column, c a multiple of 4) into the ring
 * words d of their channel pairs (wbytes from one pair's row to the next), four channels at a time
 * across the row, two pairs of columns a pass: four loads back to back, two PKHBT and two PKHTB, four
 * stores. */
#define TML__DW3P_PACK(a, b, lo, hi) "pkhbt " lo ", " a ", " b ", lsl #16\n\t" "pkhtb " hi ", " b ", " a ", asr #16\n\t"
__attribute__((naked, unused, aligned(4))) static void tml__dw3p_cols_m4(const int8_t *src TML_UNUSED,
                                                                        uint32_t *d TML_UNUSED,
                                                                        int32_t c TML_UNUSED,
                                                                        int32_t wbytes_n TML_UNUSED)
{
    __asm__ volatile(
        ".syntax unified\n\t"
        "push {r4-r11, lr}\n\t"
        "uxth r12, r3\n\t" /* n */
        "lsr r3, r3, #16\n\t" /* wbytes */
        "add r10, r0, r2\n\t" /* the end of the channels */
        "push {r10, r11}\n\t"
        "1:\n\t" /* four channels: src r4, their two pairs' words r5 and r6 */
        "mov r4, r0\n\t"
        "mov r5, r1\n\t"
        "add r6, r1, r3\n\t"
        "lsrs lr, r12, #1\n\t" /* passes, C: a pair of columns before them */
        "bcc 2f\n\t"
        "ldr r7, [r4]\n\t"
        "ldr r8, [r4, r2]\n\t"
        "add r4, r4, r2, lsl #1\n\t"
        TML__DW3P_PACK("r7", "r8", "r9", "r8")
        "str r9, [r5], #4\n\t"
        "str r8, [r6], #4\n\t"
        "cmp lr, #0\n\t"
        "beq 3f\n\t"
        "2:\n\t"
        "ldr r7, [r4]\n\t"
        "ldr r8, [r4, r2]\n\t"
        "add r4, r4, r2, lsl #1\n\t"
        "ldr r9, [r4]\n\t"
        "ldr r11, [r4, r2]\n\t"
        "add r4, r4, r2, lsl #1\n\t"
        TML__DW3P_PACK("r7", "r8", "r10", "r8")
        TML__DW3P_PACK("r9", "r11", "r7", "r11")
        "str r10, [r5], #4\n\t"
        "str r7, [r5], #4\n\t"
        "str r8, [r6], #4\n\t"
        "str r11, [r6], #4\n\t"
        "subs lr, lr, #1\n\t"
        "bne 2b\n\t"
        "3:\n\t"
        "adds r0, r0, #4\n\t"
        "add r1, r1, r3, lsl #1\n\t"
        "ldr r10, [sp]\n\t"
        "cmp r0, r10\n\t"
        "bne 1b\n\t"
        "add sp, #8\n\t"
        "pop {r4-r11, pc}\n\t");
}
#undef TML__DW3P_PACK

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
        if (x + 1 < w && (c % 8 || c <= 16 * ((w - x) / 2))) { /* the pairs of columns across the row */
            const int32_t n = (w - x) / 2;
            tml__dw3p_cols_m4(src + x * c, d, c, 2 * cols << 16 | n);
            d += n;
            x += 2 * n;
        }
        for (; x + 1 < w; x += 2) { /* deep and narrow (measured): a pair of columns at a time */
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
 * filled as rows are needed, then tml__dw3p_row_m4 (stride 1 across) or tml__dw3p2_row_m4 (stride 2) per
 * output row. input_height, output_height and
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
        const int s2 = g.stride_width == 2; /* else 1 */
        a.step = c;
        a.runs = tml__dw3p_runs(&g);
        a.part = s2 ? w % 3 != 0 : a.runs > w / 4;
        a.rem = s2 ? w % 3 : w % 4;
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
                a.next = (s2 ? 12 : 8) - (int32_t)(row[2] - row[0]); /* a run's columns: 6 or 4 */
                a.q0 = row[0];
                a.o0 = out_b;
                if (s2) {
                    tml__dw3p2_row_m4(&a);
                } else {
                    tml__dw3p_row_m4(&a);
                }
            }
        }
    }
}

#endif /* TINYML_ARMV7EM_DEPTHWISE_CONV_PAIRS_H */
