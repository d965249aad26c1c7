/*
 * 3x3 DEPTHWISE_CONV_2D on the Cortex-M4 in bands of output rows: the naked-asm kernel over the stream
 * the generator packs (TML_ARCH_ARM_ASM), the band's rows filled in C. Included by ops/conv.h (after
 * armv7em/depthwise_conv_packed.h, whose stream, ring fill and requantization it shares).
 */
#ifndef TINYML_ARMV7EM_DEPTHWISE_CONV_BAND_H
#define TINYML_ARMV7EM_DEPTHWISE_CONV_BAND_H

/* Banded 3x3 depthwise convolution (p->packed with p->banded: the stream of tml__dw3_s8_packed_m4, made
 * where the fast requantization is exact for every channel; depth multiplier 1, dilation 1, stride
 * across 1 or 2). The rows ring of tml__dw3_s8_packed_m4 sets a channel's filter up for every output row,
 * which costs as much as the row itself on narrow images; here the ring has eight slots and holds the
 * input rows of a band of output rows (six at stride 1 down, three at stride 2, (8 - 3) / stride + 1
 * in general), in slot order:
 *
 *     ring[((channel * J + j) * 8 + slot)]  =  (x[2j], x[2j + 1])      (padded columns, input row band + slot)
 *
 * so that output row t of the band reads slots t * stride .. t * stride + 2 at byte offsets 0, 4 and 8
 * from its first one, and the next pair of columns 32 bytes on. Per channel the kernel sets the filter
 * up once, runs the pair loop of tml__dw3_row_m4 over every row of the band into p->scratch's
 * accumulators (two per pair of output pixels), then requantizes the band (its output pixels are
 * consecutive) with the channel's constants in registers. The band's rows are filled anew for each band
 * (two rows of overlap at stride 1). Scratch: the ring (32 * input_depth * J bytes), then the
 * accumulators (8 * rows of a band * pairs bytes). */
typedef struct {
    int32_t channels, pairs; /* channels; output pixel pairs per row */
    int32_t ring_step;       /* bytes from one channel's ring words to the next one's (J * 32) */
    int32_t out_step;        /* bytes from one output pixel to the next (output_depth) */
    int32_t rows;            /* output rows of the band */
    int32_t row_step;        /* bytes from one output row's first slot to the next one's (4 * stride down) */
    int32_t stride2;         /* 1: stride 2 across */
    int32_t *acc;            /* rows * pairs * 2 accumulators */
    int32_t width;           /* output pixels per row */
} tml__dw3_band_args;

/* v requantized in place with the channel's multiplier in r4, c in r5 and r in r6 (lr scratch). */
#define TML__DW3_BAND_REQUANT(v) TML__ASM_REQUANT(v, v, "lr", "r4", "r5", "r6")

/* One band: every channel of the stream (after the geometry) by the ring (above); out is the band's first
 * output pixel. The frame holds the rows left, the current row's first slot, the channel block, its
 * ring words, its output, the args and the channels left. */
__attribute__((naked, unused, aligned(4))) static void tml__dw3_band_m4(const int32_t *chans TML_UNUSED,
                                                                        const uint32_t *ring TML_UNUSED,
                                                                        int8_t *out TML_UNUSED,
                                                                        const tml__dw3_band_args *a TML_UNUSED)
{
    __asm__ volatile(
        ".syntax unified\n\t"
        "push {r4-r11, lr}\n\t"
        "ldr r12, [r3]\n\t"
        "push {r0-r3, r12}\n\t" /* [sp, #8] channel block, #12 ring, #16 out, #20 args, #24 channels left */
        "sub sp, #8\n\t"        /* [sp] rows left, [sp, #4] the row's first slot */
        "1:\n\t"                /* a channel: its filter rows, P in r4, r6, r8 and R in r5, r7, r9 */
        "ldr r0, [sp, #8]\n\t"
        "ldr r12, [r0]\n\t"
        "sxtb16 r4, r12\n\t"
        "sxtb16 r5, r12, ror #8\n\t"
        "ldr r12, [r0, #4]\n\t"
        "sxtb16 r6, r12\n\t"
        "sxtb16 r7, r12, ror #8\n\t"
        "ldr r12, [r0, #8]\n\t"
        "sxtb16 r8, r12\n\t"
        "sxtb16 r9, r12, ror #8\n\t"
        "ldr r3, [sp, #20]\n\t"
        "ldr r12, [r3, #16]\n\t"
        "str r12, [sp]\n\t"
        "ldr r1, [sp, #12]\n\t"
        "str r1, [sp, #4]\n\t"
        "ldr r2, [r3, #28]\n\t" /* the accumulators, row after row */
        "2:\n\t"                /* an output row: A in r10, B in r11, from the bias in r0 */
        "ldr r0, [sp, #8]\n\t"
        "ldr r0, [r0, #12]\n\t"
        "ldr r3, [sp, #20]\n\t"
        "ldr r12, [r3, #24]\n\t"
        "ldr r1, [sp, #4]\n\t"
        "ldr r3, [r3, #4]\n\t" /* pairs */
        "cmp r12, #0\n\t"
        "bne 4f\n\t"
        ".balign 4\n\t"
        "3:\n\t" /* stride 1 */
        TML__DW3_PAIRS_S1("32", "36", "40")
        "bne 3b\n\t"
        "b 5f\n\t"
        ".balign 4\n\t"
        "4:\n\t" /* stride 2 */
        TML__DW3_PAIRS_S2("32", "36", "40", "64", "68", "72")
        "bne 4b\n\t"
        "5:\n\t" /* the next row of the band */
        "ldr r3, [sp, #20]\n\t"
        "ldr r12, [r3, #20]\n\t"
        "ldr r1, [sp, #4]\n\t"
        "add r1, r1, r12\n\t"
        "str r1, [sp, #4]\n\t"
        "ldr r12, [sp]\n\t"
        "subs r12, r12, #1\n\t"
        "str r12, [sp]\n\t"
        "bne 2b\n\t"
        /* the band requantized: multiplier, c, r in r4-r6; output step r7, output r8, rows r9 (runs) */
        "ldr r0, [sp, #8]\n\t"
        "add r12, r0, #16\n\t"
        "ldmia r12, {r4-r6}\n\t"
        "ldr r3, [sp, #20]\n\t"
        "ldr r2, [r3, #28]\n\t"
        "ldr r7, [r3, #12]\n\t"
        "ldr r8, [sp, #16]\n\t"
        "ldr r9, [r3, #16]\n\t"
        "ldr r3, [r3, #32]\n\t" /* width */
        "tst r3, #1\n\t"
        "itt eq\n\t"
        "muleq r3, r3, r9\n\t" /* an even width: the band's accumulators are its outputs, in one run */
        "moveq r9, #1\n\t"
        "6:\n\t"
        "subs r1, r3, #4\n\t"
        "blt 8f\n\t"
        "7:\n\t" /* four outputs */
        "ldmia r2!, {r0, r10, r11, r12}\n\t"
        TML__DW3_BAND_REQUANT("r0")
        TML__DW3_BAND_REQUANT("r10")
        TML__DW3_BAND_REQUANT("r11")
        TML__DW3_BAND_REQUANT("r12")
        "strb r0, [r8]\n\t"
        "strb r10, [r8, r7]\n\t"
        "add r8, r8, r7, lsl #1\n\t"
        "strb r11, [r8]\n\t"
        "strb r12, [r8, r7]\n\t"
        "add r8, r8, r7, lsl #1\n\t"
        "subs r1, r1, #4\n\t"
        "bge 7b\n\t"
        "8:\n\t"
        "adds r1, r1, #4\n\t" /* 0 to 3 outputs left */
        "beq 9f\n\t"
        "10:\n\t"
        "ldr r10, [r2], #4\n\t"
        TML__DW3_BAND_REQUANT("r10")
        "strb r10, [r8]\n\t"
        "add r8, r8, r7\n\t"
        "subs r1, r1, #1\n\t"
        "bne 10b\n\t"
        "tst r3, #1\n\t" /* an odd width: the last pair's second accumulator is past the row */
        "it ne\n\t"
        "addne r2, r2, #4\n\t"
        "9:\n\t"
        "subs r9, r9, #1\n\t"
        "bne 6b\n\t"
        /* the next channel */
        "ldr r0, [sp, #8]\n\t"
        "ldr r1, [sp, #12]\n\t"
        "ldr r2, [sp, #16]\n\t"
        "ldr r3, [sp, #20]\n\t"
        "ldr r12, [r3, #8]\n\t"
        "add r0, r0, #28\n\t"
        "add r1, r1, r12\n\t"
        "add r2, r2, #1\n\t"
        "str r0, [sp, #8]\n\t"
        "str r1, [sp, #12]\n\t"
        "str r2, [sp, #16]\n\t"
        "ldr r12, [sp, #24]\n\t"
        "subs r12, r12, #1\n\t"
        "str r12, [sp, #24]\n\t"
        "bne 1b\n\t"
        "add sp, #28\n\t"
        "pop {r4-r11, pc}\n\t");
}
#undef TML__DW3_BAND_REQUANT

/* Output rows per band at stride sy down: the band's input rows, (rows - 1) * sy + 3, fill eight slots. */
TML_ALWAYS_INLINE int32_t tml__dw3_band_rows(int32_t sy)
{
    return sy >= 6 ? 1 : 5 / sy + 1;
}

/* A packed stream (armv7em/depthwise_conv_packed.h) band by band. Takes the stream, not the params, so
 * that the image keeps no pointer to the constants it replaces; input_height, output_height and
 * pad_height from the call (a band of rows when fused with a pool). */
TML_HOT static TML_NOINLINE void tml__dw3_band_s8_packed_m4(const int32_t *stream, void *scratch, int32_t input_height,
                                                           int32_t output_height, int32_t pad_height,
                                                           const int8_t *input, int8_t *output)
{
    tml__conv_geometry g;
    tml__dw3_band_args a;
    tml__dw3_geometry(&g, stream, input_height, output_height, pad_height);
    {
        const int32_t c = g.input_depth, pairs = (g.output_width + 1) / 2, j_count = tml__dw3_words(&g);
        const int32_t band = tml__dw3_band_rows(g.stride_height);
        uint32_t *const ring = (uint32_t *)scratch;
        int32_t b, oy, k;
        a.channels = c;
        a.pairs = pairs;
        a.ring_step = j_count * 32;
        a.out_step = c;
        a.row_step = 4 * g.stride_height;
        a.stride2 = g.stride_width == 2;
        a.acc = (int32_t *)(ring + 8 * c * j_count);
        a.width = g.output_width;
        { /* the words holding a padding column (the fill writes the image's only) keep the zero point */
            const uint32_t zero = ((uint32_t)g.zero_point & 0xffffu) * 0x10001u;
            const int32_t x_end = tml_clamp_i32(2 * j_count - g.pad_width, 0, g.input_width);
            const int32_t j0 = (g.pad_width + 1) >> 1, j1 = (g.pad_width + x_end) >> 1; /* [j0, j1): image only */
            int32_t ch, j;
            for (ch = 0; ch < c; ch++) {
                for (j = 0; j < j_count; j = j + 1 == j0 && j1 > j0 ? j1 : j + 1) {
                    uint32_t *d = ring + (ch * j_count + j) * 8;
                    d[0] = d[1] = d[2] = d[3] = d[4] = d[5] = d[6] = d[7] = zero;
                }
            }
        }
        for (b = 0; b < g.batches; b++) {
            const int8_t *in_b = input + b * g.input_height * g.input_width * c;
            int8_t *out_b = output + b * g.output_height * g.output_width * c;
            for (oy = 0; oy < g.output_height; oy += band) {
                const int32_t iy0 = oy * g.stride_height - g.pad_height;
                a.rows = g.output_height - oy < band ? g.output_height - oy : band;
                for (k = 0; k < (a.rows - 1) * g.stride_height + 3; k++) {
                    tml__dw3_ring_row(&g, in_b, iy0 + k, j_count, ring, k, 8);
                }
                tml__dw3_band_m4(stream + sizeof g / 4, ring, out_b + oy * g.output_width * c, &a);
            }
        }
    }
}

#endif /* TINYML_ARMV7EM_DEPTHWISE_CONV_BAND_H */
