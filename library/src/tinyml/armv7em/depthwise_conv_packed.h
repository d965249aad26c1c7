/*
 * 3x3 DEPTHWISE_CONV_2D on the Cortex-M4: the naked-asm kernel over the stream the generator packs
 * (TML_ARCH_ARM_ASM), with the ring of input rows filled in C. Included by ops/conv.h (after
 * armv7em/conv_packed.h, whose tml__conv_geometry heads the stream).
 */
#ifndef TINYML_ARMV7EM_DEPTHWISE_CONV_PACKED_H
#define TINYML_ARMV7EM_DEPTHWISE_CONV_PACKED_H

/* Packed 3x3 depthwise convolution (p->packed, made by the generator for the Cortex-M4 where the fast
 * requantization is exact for every channel; depth multiplier 1, dilation 1, stride across 1 or 2).
 * The kernel works channel by channel on whole output rows. The three input rows an output row reads
 * are kept, sign-extended to int16 (padding as the zero point, which the folded bias cancels), in a ring of
 * three slots in p->scratch (an input row enters slot row mod 3 once, when first needed), laid out
 * channel-major so that one word holds two horizontally adjacent values of one channel:
 *
 *     ring[((channel * J + j) * 3 + slot)]  =  (x[2j], x[2j + 1])      (padded columns 2j, 2j + 1)
 *
 * Two output pixels of a filter row then take two such words w0 = (x0, x1), w1 = (x2, x3) and the
 * filter row's pairs P = (f0, f1), R = (f1, f2): stride 1, A = SMLAD(w0, P) + SMLABT(w1, R) and
 * B = SMLATB(w0, P) + SMLAD(w1, R); stride 2, with w2 = (x4, x5), A as before and B = SMLAD(w1, P) +
 * SMLABT(w2, R). 18 MACs in 12 multiplies and 6 (stride 1) or 9 loads. A channel's accumulators go to
 * a row of int32 in scratch after the ring, then are requantized into the output (one byte every
 * output_depth bytes). The stream: the geometry (tml__conv_geometry, 16 words, zero_point the input's),
 * then per channel seven words: the filter rows as bytes (f0, f1, f1, f2) (SXTB16 gives P, SXTB16 ROR 8
 * gives R), the folded bias, the multiplier, c and r (tml_requant_fast). */
typedef struct {
    int32_t channels, pairs;  /* channels; output pixel pairs per row */
    int32_t ring_step;        /* bytes from one channel's ring words to the next one's (J * 12) */
    int32_t out_step;         /* bytes from one output pixel to the next (output_depth) */
    int32_t rot[3];           /* byte offset in a channel's block of the filter row slot 0, 1, 2 holds */
    int32_t stride2;          /* 1: stride 2 across */
    int32_t *acc;             /* pairs * 2 accumulators */
    int32_t width;            /* output pixels per row */
} tml__dw3_row_args;

/* The pair loops of the ring kernels (here and armv7em/depthwise_conv_band.h): one pair of output pixels
 * A (r10) and B (r11) from the bias (r0), the filter rows' P and R (r4-r9, slot by slot) and the ring
 * words at r1 (slots 0, 1, 2 at byte offsets 0, 4, 8; the next column pair's at j1, j1 + 4, j1 + 8, the
 * one after at j2, ...), stored at r2; r3 pairs left (the loop's branch follows). */
#define TML__DW3_PAIRS_S1(j1, j1_4, j1_8)                                                                     \
    "ldr r12, [r1, #0]\n\t"                                                                                   \
    "ldr lr, [r1, #" j1 "]\n\t"                                                                               \
    "smlad r10, r12, r4, r0\n\t"                                                                              \
    "smlatb r11, r12, r4, r0\n\t"                                                                             \
    "smlabt r10, lr, r5, r10\n\t"                                                                             \
    "smlad r11, lr, r5, r11\n\t"                                                                              \
    "ldr r12, [r1, #4]\n\t"                                                                                   \
    "ldr lr, [r1, #" j1_4 "]\n\t"                                                                             \
    "smlad r10, r12, r6, r10\n\t"                                                                             \
    "smlatb r11, r12, r6, r11\n\t"                                                                            \
    "smlabt r10, lr, r7, r10\n\t"                                                                             \
    "smlad r11, lr, r7, r11\n\t"                                                                              \
    "ldr r12, [r1, #8]\n\t"                                                                                   \
    "ldr lr, [r1, #" j1_8 "]\n\t"                                                                             \
    "smlad r10, r12, r8, r10\n\t"                                                                             \
    "smlatb r11, r12, r8, r11\n\t"                                                                            \
    "smlabt r10, lr, r9, r10\n\t"                                                                             \
    "smlad r11, lr, r9, r11\n\t"                                                                              \
    "add r1, r1, #" j1 "\n\t"                                                                                 \
    "stmia r2!, {r10, r11}\n\t"                                                                               \
    "subs r3, r3, #1\n\t"
#define TML__DW3_PAIRS_S2(j1, j1_4, j1_8, j2, j2_4, j2_8)                                                     \
    "ldr r12, [r1, #0]\n\t"                                                                                   \
    "ldr lr, [r1, #" j1 "]\n\t"                                                                               \
    "smlad r10, r12, r4, r0\n\t"                                                                              \
    "smlabt r10, lr, r5, r10\n\t"                                                                             \
    "smlad r11, lr, r4, r0\n\t"                                                                               \
    "ldr r12, [r1, #" j2 "]\n\t"                                                                              \
    "smlabt r11, r12, r5, r11\n\t"                                                                            \
    "ldr r12, [r1, #4]\n\t"                                                                                   \
    "ldr lr, [r1, #" j1_4 "]\n\t"                                                                             \
    "smlad r10, r12, r6, r10\n\t"                                                                             \
    "smlabt r10, lr, r7, r10\n\t"                                                                             \
    "smlad r11, lr, r6, r11\n\t"                                                                              \
    "ldr r12, [r1, #" j2_4 "]\n\t"                                                                            \
    "smlabt r11, r12, r7, r11\n\t"                                                                            \
    "ldr r12, [r1, #8]\n\t"                                                                                   \
    "ldr lr, [r1, #" j1_8 "]\n\t"                                                                             \
    "smlad r10, r12, r8, r10\n\t"                                                                             \
    "smlabt r10, lr, r9, r10\n\t"                                                                             \
    "smlad r11, lr, r8, r11\n\t"                                                                              \
    "ldr r12, [r1, #" j2_8 "]\n\t"                                                                            \
    "smlabt r11, r12, r9, r11\n\t"                                                                            \
    "add r1, r1, #" j2 "\n\t"                                                                                 \
    "stmia r2!, {r10, r11}\n\t"                                                                               \
    "subs r3, r3, #1\n\t"

/* One output row: every channel of the stream by the ring (above). */
__attribute__((naked, unused, aligned(4))) static void tml__dw3_row_m4(const int32_t *chans TML_UNUSED,
                                                                       const uint32_t *ring TML_UNUSED,
                                                                       int8_t *out TML_UNUSED,
                                                                       const tml__dw3_row_args *a TML_UNUSED)
{
    __asm__ volatile(
        ".syntax unified\n\t"
        "push {r4-r11, lr}\n\t"
        "ldr r12, [r3]\n\t"
        "push {r0-r3, r12}\n\t" /* channel block, ring, out, args, channels left */
        "1:\n\t"
        "ldr r3, [sp, #12]\n\t"
        "ldr r0, [sp]\n\t"
        "ldr r12, [r3, #16]\n\t" /* each slot's filter row: P in r4, r6, r8; R in r5, r7, r9 */
        "ldr r12, [r0, r12]\n\t"
        "sxtb16 r4, r12\n\t"
        "sxtb16 r5, r12, ror #8\n\t"
        "ldr r12, [r3, #20]\n\t"
        "ldr r12, [r0, r12]\n\t"
        "sxtb16 r6, r12\n\t"
        "sxtb16 r7, r12, ror #8\n\t"
        "ldr r12, [r3, #24]\n\t"
        "ldr r12, [r0, r12]\n\t"
        "sxtb16 r8, r12\n\t"
        "sxtb16 r9, r12, ror #8\n\t"
        "ldr r0, [r0, #12]\n\t" /* bias */
        "ldr r1, [sp, #4]\n\t"
        "ldr r2, [r3, #32]\n\t"
        "ldr r12, [r3, #28]\n\t"
        "ldr r3, [r3, #4]\n\t" /* pairs */
        "cmp r12, #0\n\t"
        "bne 3f\n\t"
        ".balign 4\n\t"
        "2:\n\t" /* stride 1: A in r10, B in r11 */
        TML__DW3_PAIRS_S1("12", "16", "20")
        "bne 2b\n\t"
        "b 4f\n\t"
        ".balign 4\n\t"
        "3:\n\t" /* stride 2 */
        TML__DW3_PAIRS_S2("12", "16", "20", "24", "28", "32")
        "bne 3b\n\t"
        "4:\n\t" /* the channel's accumulators requantized into the output row */
        "ldr r0, [sp]\n\t"
        "ldr r3, [sp, #12]\n\t"
        "add r12, r0, #16\n\t"
        "ldmia r12, {r4-r6}\n\t" /* multiplier, c, r */
        "ldr r2, [r3, #32]\n\t"
        "ldr r1, [r3, #36]\n\t"
        "ldr r7, [r3, #12]\n\t"
        "ldr r8, [sp, #8]\n\t"
        "subs r1, r1, #2\n\t"
        "blt 6f\n\t"
        "5:\n\t"
        "ldrd r10, r11, [r2], #8\n\t"
        TML__ASM_REQUANT("r10", "r12", "lr", "r4", "r5", "r6")
        TML__ASM_REQUANT("r11", "r12", "lr", "r4", "r5", "r6")
        "strb r10, [r8]\n\t"
        "strb r11, [r8, r7]\n\t"
        "add r8, r8, r7, lsl #1\n\t"
        "subs r1, r1, #2\n\t"
        "bge 5b\n\t"
        "6:\n\t"
        "adds r1, r1, #2\n\t" /* 0 or 1 pixel left */
        "beq 7f\n\t"
        "ldr r10, [r2]\n\t"
        TML__ASM_REQUANT("r10", "r12", "lr", "r4", "r5", "r6")
        "strb r10, [r8]\n\t"
        "7:\n\t" /* next channel */
        "ldmia sp, {r0-r2}\n\t"
        "ldr r12, [r3, #8]\n\t"
        "add r0, r0, #28\n\t"
        "add r1, r1, r12\n\t"
        "add r2, r2, #1\n\t"
        "stmia sp, {r0-r2}\n\t"
        "ldr r12, [sp, #16]\n\t"
        "subs r12, r12, #1\n\t"
        "str r12, [sp, #16]\n\t"
        "bne 1b\n\t"
        "add sp, #20\n\t"
        "pop {r4-r11, pc}\n\t");
}

/* One input column's c values into halves of the ring, `step` halves apart. */
TML_ALWAYS_INLINE void tml__dw3_ring_col(const int8_t *src, int32_t c, int16_t *d, int32_t step)
{
    int32_t ch;
    for (ch = 0; ch + 4 <= c; ch += 4, d += 4 * step) {
        const int32_t v = tml_read_s8x4(src + ch), e = tml_sxtb16(v), o = tml_sxtb16_ror8(v);
        d[0] = (int16_t)e;
        d[step] = (int16_t)o;
        d[2 * step] = (int16_t)(e >> 16);
        d[3 * step] = (int16_t)(o >> 16);
    }
    for (; ch < c; ch++, d += step) {
        *d = src[ch];
    }
}

/* Input row iy (or a row of padding when it lies outside the image) into ring slot s of a ring with
 * `slots` slots (3 here, 8 in armv7em/depthwise_conv_band.h: word ((channel * J + j) * slots + slot)):
 * each value at its padded column q = x + pad_width, for the columns below 2 * j_count; the padding
 * (the ring's initial contents too) is the zero point, which the folded bias cancels as the reference
 * skips padded taps. */
TML_HOT static TML_NOINLINE void tml__dw3_ring_row(const tml__conv_geometry *g, const int8_t *in_b, int32_t iy, int32_t j_count,
                                      uint32_t *ring, int32_t s, int32_t slots)
{
    const int32_t c = g->input_depth, step = slots * j_count; /* words from one channel to the next */
    const uint32_t zero = ((uint32_t)g->zero_point & 0xffffu) * 0x10001u;
    int32_t x, ch;
    if (iy < 0 || iy >= g->input_height) {
        uint32_t *d = ring + s;
        for (x = c * j_count; x > 0; x--, d += slots) {
            *d = zero;
        }
        return;
    }
    {
        const int32_t x_end = tml_clamp_i32(2 * j_count - g->pad_width, 0, g->input_width);
        const int8_t *src = in_b + iy * g->input_width * c;
        x = 0;
        if ((g->pad_width & 1) && x_end > 0) { /* column 0 is the high half of its word */
            tml__dw3_ring_col(src, c, (int16_t *)(ring + (g->pad_width >> 1) * slots + s) + 1, 2 * step);
            x = 1;
        }
        for (; x + 1 < x_end; x += 2) { /* two columns of each channel in one word */
            const int8_t *a = src + x * c, *b = a + c;
            uint32_t *d = ring + ((x + g->pad_width) >> 1) * slots + s;
            for (ch = 0; ch + 4 <= c; ch += 4, d += 4 * step) {
                const uint32_t va = (uint32_t)tml_read_s8x4(a + ch), vb = (uint32_t)tml_read_s8x4(b + ch);
                const uint32_t ea = (uint32_t)tml_sxtb16(va), eb = (uint32_t)tml_sxtb16(vb);
                const uint32_t oa = (uint32_t)tml_sxtb16_ror8(va), ob = (uint32_t)tml_sxtb16_ror8(vb);
                d[0] = tml_pack_lo16(ea, eb);
                d[step] = tml_pack_lo16(oa, ob);
                d[2 * step] = tml_pack_hi16(ea, eb);
                d[3 * step] = tml_pack_hi16(oa, ob);
            }
            for (; ch < c; ch++, d += step) {
                *d = ((uint32_t)a[ch] & 0xffffu) | ((uint32_t)b[ch] << 16);
            }
        }
        if (x < x_end) { /* a last column in the low half of its word */
            tml__dw3_ring_col(src + x * c, c, (int16_t *)(ring + ((x + g->pad_width) >> 1) * slots + s), 2 * step);
        }
    }
}

/* A packed stream's geometry, with the call's input_height, output_height and pad_height (a band of rows
 * when the convolution is fused with a pool). */
TML_ALWAYS_INLINE void tml__dw3_geometry(tml__conv_geometry *g, const int32_t *stream, int32_t input_height,
                                         int32_t output_height, int32_t pad_height)
{
    memcpy(g, stream, sizeof *g);
    g->input_height = input_height;
    g->output_height = output_height;
    g->pad_height = pad_height;
}

/* J, the ring words of one row of one channel: the column pairs the output pixel pairs read. */
TML_ALWAYS_INLINE int32_t tml__dw3_words(const tml__conv_geometry *g)
{
    const int32_t pairs = (g->output_width + 1) / 2;
    return g->stride_width == 2 ? 2 * pairs + 1 : pairs + 1;
}

/* A packed stream (above): the ring filled as rows are needed, then tml__dw3_row_m4 per output row.
 * Takes the stream, not the params, so that the image keeps no pointer to the constants it replaces;
 * input_height, output_height and pad_height from the call (a band of rows when fused with a pool). */
TML_HOT static TML_NOINLINE void tml__dw3_s8_packed_m4(const int32_t *stream, void *scratch, int32_t input_height,
                                                      int32_t output_height, int32_t pad_height,
                                                      const int8_t *input, int8_t *output)
{
    tml__conv_geometry g;
    tml__dw3_row_args a;
    tml__dw3_geometry(&g, stream, input_height, output_height, pad_height);
    {
        const int32_t c = g.input_depth, pairs = (g.output_width + 1) / 2, j_count = tml__dw3_words(&g);
        uint32_t *const ring = (uint32_t *)scratch;
        int32_t b, oy, fy, held[3];
        a.channels = c;
        a.pairs = pairs;
        a.ring_step = j_count * 12;
        a.out_step = c;
        a.stride2 = g.stride_width == 2;
        a.acc = (int32_t *)(ring + 3 * c * j_count);
        a.width = g.output_width;
        { /* the padding columns keep the zero point */
            const uint32_t zero = ((uint32_t)g.zero_point & 0xffffu) * 0x10001u;
            int32_t k;
            for (k = 0; k < 3 * c * j_count; k++) {
                ring[k] = zero;
            }
        }
        for (b = 0; b < g.batches; b++) {
            const int8_t *in_b = input + b * g.input_height * g.input_width * c;
            int8_t *out_b = output + b * g.output_height * g.output_width * c;
            held[0] = held[1] = held[2] = INT32_MIN;
            for (oy = 0; oy < g.output_height; oy++, out_b += g.output_width * c) {
                const int32_t iy0 = oy * g.stride_height - g.pad_height;
                for (fy = 0; fy < 3; fy++) {
                    const int32_t iy = iy0 + fy, s = ((iy % 3) + 3) % 3;
                    if (held[s] != iy) {
                        tml__dw3_ring_row(&g, in_b, iy, j_count, ring, s, 3);
                        held[s] = iy;
                    }
                    a.rot[s] = 4 * fy;
                }
                tml__dw3_row_m4(stream + sizeof g / 4, ring, out_b, &a);
            }
        }
    }
}

/* Packed 3x3 depthwise convolution pixel by pixel (p->packed with p->patch: made by the generator for
 * the Cortex-M4 where the fast requantization is exact for every channel; depth multiplier 1, dilation
 * 1, input depth a multiple of 4, any stride and padding; no scratch but the patch). The stream: the
 * geometry (tml__conv_geometry, 16 words, zero_point the input's), then per group of four channels
 * their four folded biases, nine words of weights (tap by tap, filter rows then columns: the four
 * channels' int8 weights of the tap) and each channel's multiplier, c and r (tml_requant_fast). Per tap
 * of four channels: two loads, four SXTB16, SMLABB/SMLATT into four lanes; the four outputs leave in
 * one word store. A run of pixels whose windows lie inside the image reads them in place; a border
 * pixel's taps are read through nine pointers, those outside the image pointing at the patch (input_depth
 * bytes of the zero point, which the folded bias cancels). */
typedef struct {
    int32_t col;   /* bytes from one input column to the next (input_depth) */
    int32_t row;   /* bytes from one window row to the next */
    int32_t count; /* pixels of the run */
    int32_t step;  /* bytes from one pixel's window corner to the next one's */
} tml__dw3_px_args;

/* One tap of four channels: x from the window (address xa), w from the stream. */
#define TML__DW3_TAP(xa)                                                                                      \
    "ldr r6, " xa "\n\t"                                                                                      \
    "ldr r7, [r0], #4\n\t"                                                                                    \
    "sxtb16 r8, r6\n\t"                                                                                       \
    "sxtb16 r9, r7\n\t"                                                                                       \
    "sxtb16 r6, r6, ror #8\n\t"                                                                               \
    "sxtb16 r7, r7, ror #8\n\t"                                                                               \
    "smlabb r2, r8, r9, r2\n\t"                                                                               \
    "smlatt r4, r8, r9, r4\n\t"                                                                               \
    "smlabb r3, r6, r7, r3\n\t"                                                                               \
    "smlatt r5, r6, r7, r5\n\t"

/* The four channels' sums (r2-r5) requantized with their constants from the stream and stored at r12 as
 * one word (r6-r10 scratch). */
#define TML__DW3_PX_OUT                                                                                       \
    "ldmia r0!, {r8-r10}\n\t" TML__ASM_REQUANT("r2", "r6", "r7", "r8", "r9", "r10")                            \
    "ldmia r0!, {r8-r10}\n\t" TML__ASM_REQUANT("r3", "r6", "r7", "r8", "r9", "r10")                            \
    "ldmia r0!, {r8-r10}\n\t" TML__ASM_REQUANT("r4", "r6", "r7", "r8", "r9", "r10")                            \
    "ldmia r0!, {r8-r10}\n\t" TML__ASM_REQUANT("r5", "r6", "r7", "r8", "r9", "r10")                            \
    TML__ASM_PACK4("r2", "r3", "r4", "r5") "str r2, [r12], #4\n\t"

/* A run of pixels (args above): every group of the stream (groups, after the geometry) per pixel. The
 * output pointer stays in r12; the frame holds the groups, the pixel's corner, the end of its channels,
 * the pixels left and the step. */
__attribute__((naked, unused, aligned(4))) static void tml__dw3_px_m4(const int32_t *groups TML_UNUSED,
                                                                      const int8_t *corner TML_UNUSED,
                                                                      int8_t *out TML_UNUSED,
                                                                      const tml__dw3_px_args *a TML_UNUSED)
{
    __asm__ volatile(
        ".syntax unified\n\t"
        "push {r4-r11, lr}\n\t"
        "mov r12, r2\n\t"
        "ldmia r3, {r3-r6}\n\t" /* col, row, count, step */
        "add r2, r1, r3\n\t"
        "push {r0-r2, r5, r6}\n\t" /* groups, corner, end of the pixel's channels, count left, step */
        "mov r11, r3\n\t"
        "mov lr, r4\n\t"
        "1:\n\t" /* four channels at r1 */
        "ldmia r0!, {r2-r5}\n\t"
        TML__DW3_TAP("[r1]") TML__DW3_TAP("[r1, r11]") TML__DW3_TAP("[r1, r11, lsl #1]")
        "add r10, r1, lr\n\t"
        TML__DW3_TAP("[r10]") TML__DW3_TAP("[r10, r11]") TML__DW3_TAP("[r10, r11, lsl #1]")
        "add r10, r10, lr\n\t"
        TML__DW3_TAP("[r10]") TML__DW3_TAP("[r10, r11]") TML__DW3_TAP("[r10, r11, lsl #1]")
        TML__DW3_PX_OUT
        "add r1, r1, #4\n\t"
        "ldr r6, [sp, #8]\n\t"
        "cmp r1, r6\n\t"
        "bne 1b\n\t"
        "ldmia sp, {r0, r1}\n\t" /* the next pixel */
        "ldrd r6, r7, [sp, #12]\n\t"
        "add r1, r1, r7\n\t"
        "add r2, r1, r11\n\t"
        "strd r1, r2, [sp, #4]\n\t"
        "subs r6, r6, #1\n\t"
        "str r6, [sp, #12]\n\t"
        "bne 1b\n\t"
        "add sp, #20\n\t"
        "pop {r4-r11, pc}\n\t");
}

/* A window tap of four channels through the table of tap pointers (r11): x at the tap's pointer plus the
 * channel offset (r1). */
#define TML__DW3_TAP9(k) "ldr r10, [r11, #" k "]\n\t" TML__DW3_TAP("[r10, r1]")

/* One pixel whose window crosses the image's border: its nine taps (filter rows, then columns) given as
 * pointers to their input pixels, the zero point's bytes for the taps outside the image (the folded
 * bias cancels them); every group of the stream (groups, after the geometry), channels bytes in all. */
__attribute__((naked, unused, aligned(4))) static void tml__dw3_px9_m4(const int32_t *groups TML_UNUSED,
                                                                       const int8_t *const *taps TML_UNUSED,
                                                                       int8_t *out TML_UNUSED,
                                                                       int32_t channels TML_UNUSED)
{
    __asm__ volatile(
        ".syntax unified\n\t"
        "push {r4-r11, lr}\n\t"
        "mov r12, r2\n\t"
        "mov r11, r1\n\t"
        "mov lr, r3\n\t"
        "movs r1, #0\n\t"
        "1:\n\t" /* four channels at offset r1 */
        "ldmia r0!, {r2-r5}\n\t"
        TML__DW3_TAP9("0") TML__DW3_TAP9("4") TML__DW3_TAP9("8")
        TML__DW3_TAP9("12") TML__DW3_TAP9("16") TML__DW3_TAP9("20")
        TML__DW3_TAP9("24") TML__DW3_TAP9("28") TML__DW3_TAP9("32")
        TML__DW3_PX_OUT
        "add r1, r1, #4\n\t"
        "cmp r1, lr\n\t"
        "bne 1b\n\t"
        "pop {r4-r11, pc}\n\t");
}
#undef TML__DW3_TAP9
#undef TML__DW3_PX_OUT
#undef TML__DW3_TAP

/* n bytes (a multiple of 4) of dst set to the word v. */
static TML_NOINLINE void tml__dw3_fill_words(int8_t *dst, int32_t v, int32_t n)
{
    for (; n >= 16; n -= 16) {
        __asm__ volatile("str %[v], [%[t]], #4\n\t"
                         "str %[v], [%[t]], #4\n\t"
                         "str %[v], [%[t]], #4\n\t"
                         "str %[v], [%[t]], #4"
                         : [t] "+r"(dst)
                         : [v] "r"(v)
                         : "memory");
    }
    for (; n > 0; n -= 4, dst += 4) {
        memcpy(dst, &v, 4);
    }
}

/* The pixel-by-pixel kernel's C part: interior runs in place, border pixels by their taps' pointers. */
TML_HOT static TML_NOINLINE void tml__dw3_px_s8_packed_m4(const int32_t *stream, int8_t *patch, int32_t input_height,
                                                         int32_t output_height, int32_t pad_height,
                                                         const int8_t *input, int8_t *output)
{
    tml__conv_geometry g;
    tml__dw3_px_args a;
    tml__dw3_geometry(&g, stream, input_height, output_height, pad_height);
    {
        const int32_t c = g.input_depth, w = g.input_width, sx = g.stride_width;
        const int32_t *const groups = stream + sizeof g / 4;
        int32_t b, oy, ox, fy;
        a.col = c;
        a.row = w * c;
        a.step = sx * c;
        tml__dw3_fill_words(patch, (int32_t)(0x01010101u * (uint8_t)g.zero_point), c);
        for (b = 0; b < g.batches; b++) {
            const int8_t *in_b = input + b * g.input_height * w * c;
            int8_t *out = output + b * g.output_height * g.output_width * c;
            for (oy = 0; oy < g.output_height; oy++) {
                const int32_t iy0 = oy * g.stride_height - g.pad_height;
                const int inside_y = iy0 >= 0 && iy0 + 3 <= g.input_height;
                for (ox = 0; ox < g.output_width;) {
                    const int32_t ix0 = ox * sx - g.pad_width;
                    if (inside_y && ix0 >= 0 && ix0 + 3 <= w) { /* this pixel and the next ones inside */
                        int32_t n = (w - 3 - ix0) / sx + 1;
                        if (n > g.output_width - ox) {
                            n = g.output_width - ox;
                        }
                        a.count = n;
                        tml__dw3_px_m4(groups, in_b + (iy0 * w + ix0) * c, out, &a);
                        out += n * c;
                        ox += n;
                        continue;
                    }
                    { /* a window across the border: its taps, the zero point's bytes (patch) outside */
                        const int8_t *taps[9];
                        int32_t fx;
                        for (fy = 0; fy < 3; fy++) {
                            const int32_t iy = iy0 + fy;
                            for (fx = 0; fx < 3; fx++) {
                                const int32_t ix = ix0 + fx;
                                taps[3 * fy + fx] = iy >= 0 && iy < g.input_height && ix >= 0 && ix < w ?
                                                    in_b + (iy * w + ix) * c : patch;
                            }
                        }
                        tml__dw3_px9_m4(groups, taps, out, c);
                    }
                    out += c;
                    ox++;
                }
            }
        }
    }
}

#endif /* TINYML_ARMV7EM_DEPTHWISE_CONV_PACKED_H */
