/*
 * 3x3 DEPTHWISE_CONV_2D on the Cortex-M4 pixel by pixel: the naked-asm kernels over the stream the
 * generator packs (TML_ARCH_ARM_ASM), border pixels' taps set up in C. Included by ops/conv.h (after
 * armv7em/conv_packed.h, whose tml__conv_geometry heads the stream).
 */
#ifndef TINYML_ARMV7EM_DEPTHWISE_CONV_PACKED_H
#define TINYML_ARMV7EM_DEPTHWISE_CONV_PACKED_H

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
