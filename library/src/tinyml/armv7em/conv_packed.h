/*
 * CONV_2D on the Cortex-M4: the naked-asm kernel over the stream the generator packs (TML_ARCH_ARM_ASM),
 * with the window gathering in C and the stream geometry armv7em/depthwise_conv_packed.h shares.
 * Included by ops/conv.h (after armv7em/conv.h).
 */
#ifndef TINYML_ARMV7EM_CONV_PACKED_H
#define TINYML_ARMV7EM_CONV_PACKED_H

/* Packed convolution (p->packed, int32 words made by the generator for the Cortex-M4 where the fast
 * requantization is exact for every channel, as for the packed fully connected layers; groups 1 and a
 * multiple of 4 output channels): output pixels go in pairs (A, B), each pair's windows are gathered
 * (im2col: K = filter_height * filter_width * input_depth values, padding as the zero point) and
 * sign-extended into p->scratch once, interleaved as, per four window values k..k+3,
 *
 *     (A[k], A[k+2]) (B[k], B[k+2]) (A[k+1], A[k+3]) (B[k+1], B[k+3])      (int16 pairs, 16 bytes)
 *
 * the window rounded up to four values with zeros, then the word 0x80008000 (no pair of sign-extended
 * int8 makes it) that ends the dot-product loop (the kernel reads one word past it). The stream: the
 * number of words of the groups that follow and the number of blocks of four window values, then per group of four output channels c0..c3 four initial
 * sums, for each four window values k..k+3 four words of weights, then the four channels' multiplier, c
 * and r (tml_requant_fast). The weight words pair an even channel e with the odd one o = e + 1:
 *
 *     [c0 k][c1' k][c0 k+2][c1' k+2]  [c2 k][c3' k][c2 k+2][c3' k+2]  [c0 k+1][c1' k+1] ...  [c2 k+1][c3' k+1] ...
 *
 * where o' = w_o - (w_e < 0), so that each half of a word read as an int16 is exactly w_e + 256 * w_o
 * (the generator checks o' >= -128). One SMLAD of a window pair by the raw word then adds
 * dot_e + 256 * dot_o, and one by SXTB16 of the word adds dot_e: two sums per channel pair, S = b_e +
 * 256 * b_o + dot_e + 256 * dot_o (modulo 2^32) and E = b_e + dot_e, from which the odd channel's sum
 * is (S - E) / 2^8 (exact: the generator checks |b_o| + 128 * sum |w_o| < 2^23). The initial sums are
 * S and E from the folded biases: b0 + 256 * b1, b0, b2 + 256 * b3, b2. Per two window values of the
 * two pixels, 4 loads, 2 SXTB16 and 8 SMLAD make 16 MACs. The stream starts with the layer's geometry
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

/* One pixel pair: scratch (above) by every group of the stream, out_a / out_b the two pixels' outputs
 * (the same when a lone last pixel is computed twice). */
__attribute__((naked, unused, aligned(4))) static void tml__conv_pair_m4(const int32_t *stream TML_UNUSED,
                                                                         const uint32_t *scratch TML_UNUSED,
                                                                         int8_t *out_a TML_UNUSED,
                                                                         int8_t *out_b TML_UNUSED)
{
    __asm__ volatile(
        ".syntax unified\n\t"
        "push {r4-r11, lr}\n\t"
        "ldmia r0!, {r12, lr}\n\t" /* words of the groups, blocks of four window values */
        "sub r3, r3, r2\n\t"
        "add r12, r0, r12, lsl #2\n\t"
        "rsb lr, lr, #0\n\t" /* the first block: the loop ends after its eighth block */
        "and lr, lr, #7\n\t"
        "movs r4, #112\n\t"
        "mul lr, lr, r4\n\t"
        "adr r4, 2f\n\t"
        "add lr, lr, r4\n\t"
        "orr lr, lr, #1\n\t" /* a Thumb address for LDR PC */
        "push {r1-r3, r12, lr}\n\t" /* scratch, out_a, out_b - out_a, end of the groups, entry */
        "1:\n\t"
        "ldmia r0!, {r2-r5}\n\t" /* initial S and E sums: pixel A in r2-r5, B in r6-r9 */
        "mov r6, r2\n\t"
        "mov r7, r3\n\t"
        "mov r8, r4\n\t"
        "mov r9, r5\n\t"
        "ldr r1, [sp]\n\t"
        TML__CONV_LOADS
        "ldr pc, [sp, #16]\n\t"
        ".balign 4\n\t"
        "2:\n\t" /* 32 window values per pass (112 bytes of code per four), the sentinel after them */
        TML__CONV_BLOCK TML__CONV_BLOCK TML__CONV_BLOCK TML__CONV_BLOCK
        TML__CONV_BLOCK TML__CONV_BLOCK TML__CONV_BLOCK TML__CONV_BLOCK
        "cmp r10, #0x80008000\n\t"
        "bne 2b\n\t"
        "sub r0, r0, #8\n\t" /* the two weight words read past the group's */
        TML__CONV_ODD("r2", "r3") TML__CONV_ODD("r6", "r7") TML__CONV_ODD("r4", "r5") TML__CONV_ODD("r8", "r9")
        "ldmia r0!, {r10-r12}\n\t" /* each channel's multiplier, c, r */
        TML__ASM_REQUANT("r3", "r1", "lr", "r10", "r11", "r12")
        TML__ASM_REQUANT("r7", "r1", "lr", "r10", "r11", "r12")
        "ldmia r0!, {r10-r12}\n\t"
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
        "ldrd r1, lr, [sp, #4]\n\t"
        "str r7, [r1, lr]\n\t"
        "str r3, [r1], #4\n\t"
        "str r1, [sp, #4]\n\t"
        "ldr r1, [sp, #12]\n\t"
        "cmp r0, r1\n\t"
        "bne 1b\n\t"
        "add sp, #20\n\t"
        "pop {r4-r11, pc}\n\t");
}
#undef TML__CONV_BLOCK
#undef TML__CONV_REQ_ODD
#undef TML__CONV_ODD
#undef TML__CONV_LOADS
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

/* The geometry at the head of a packed convolution stream (16 words; the asm kernel's part follows). */
typedef struct {
    int32_t batches, input_height, input_width, input_depth, filter_height, filter_width;
    int32_t output_height, output_width, output_depth, stride_height, stride_width;
    int32_t dilation_height, dilation_width, pad_height, pad_width;
    int32_t zero_point; /* the input's: what the window holds outside the image (the folded bias cancels it) */
} tml__conv_geometry;

/* The bytes a filter row takes in the window: filter_width * input_depth, rounded up to a multiple of
 * four without dilation across (the generator pads each row's weights with zeros to match). */
TML_ALWAYS_INLINE int32_t tml__conv_row_bytes(const tml__conv_geometry *g)
{
    const int32_t row = g->filter_width * g->input_depth;
    return g->dilation_width == 1 ? (row + 3) & ~3 : row;
}

/* The window of the output pixel whose window starts at input row iy0, column ix0 gathered into dst
 * (im2col order: filter rows, columns, input channels) where it leaves the image: the zero point
 * everywhere, then per filter row inside the image the columns inside copied a word at a time. */
static TML_NOINLINE void tml__conv_gather_border_s8(const tml__conv_geometry *g, const int8_t *in_b, int32_t iy0,
                                                   int32_t ix0, int8_t *dst)
{
    const int32_t cin = g->input_depth, fw = g->filter_width, row = tml__conv_row_bytes(g), dw = g->dilation_width;
    /* columns inside the image: fx in [fx0, fx1) */
    const int32_t fx0 = ix0 >= 0 ? 0 : dw == 1 ? -ix0 : (-ix0 + dw - 1) / dw;
    const int32_t fx1 = tml_clamp_i32(dw == 1 ? g->input_width - ix0 : (g->input_width - ix0 + dw - 1) / dw, fx0, fw);
    int32_t fy, fx;
    tml__fill_s8(dst, (int8_t)g->zero_point, g->filter_height * row);
    for (fy = 0; fy < g->filter_height; fy++, dst += row) {
        const int32_t iy = iy0 + fy * g->dilation_height;
        const int8_t *src = in_b + (iy * g->input_width + ix0) * cin;
        if (iy < 0 || iy >= g->input_height) {
            continue;
        }
        if (dw == 1) {
            tml__copy_s8(dst + fx0 * cin, src + fx0 * cin, (fx1 - fx0) * cin);
        } else {
            for (fx = fx0; fx < fx1; fx++) {
                tml__copy_s8(dst + fx * cin, src + fx * dw * cin, cin);
            }
        }
    }
}

/* Whether the window whose corner is input row iy0, column ix0 lies inside the image. */
TML_ALWAYS_INLINE int tml__conv_inside(const tml__conv_geometry *g, int32_t iy0, int32_t ix0)
{
    return ix0 >= 0 && ix0 + (g->filter_width - 1) * g->dilation_width < g->input_width && iy0 >= 0 &&
           iy0 + (g->filter_height - 1) * g->dilation_height < g->input_height;
}

/* The same for any pixel: a window inside the image (dilation 1 across) is its rows copied. */
TML_ALWAYS_INLINE void tml__conv_gather_s8(const tml__conv_geometry *g, const int8_t *in_b, int32_t iy0, int32_t ix0,
                                           int8_t *dst)
{
    const int32_t row = tml__conv_row_bytes(g), bytes = g->filter_width * g->input_depth;
    if (ix0 >= 0 && ix0 + (g->filter_width - 1) * g->dilation_width < g->input_width && g->dilation_width == 1 &&
        iy0 >= 0 && iy0 + (g->filter_height - 1) * g->dilation_height < g->input_height) {
        const int32_t step = g->dilation_height * g->input_width * g->input_depth;
        const int8_t *src = in_b + (iy0 * g->input_width + ix0) * g->input_depth;
        int32_t fy;
        for (fy = g->filter_height; fy > 0; fy--, dst += row, src += step) {
            tml__copy_s8(dst, src, bytes);
        }
        return;
    }
    tml__conv_gather_border_s8(g, in_b, iy0, ix0, dst);
}

/* A packed stream (above, after its geometry header): pixel pairs through tml__conv_pair_m4. A 1x1
 * filter without padding reads each pixel's channels in place; other filters gather the two windows
 * into the scratch behind the interleaved pairs first. Takes the stream, not the params, so that the
 * image keeps no pointer to the constants the stream replaces. */
TML_HOT static TML_NOINLINE void tml__conv_s8_packed_m4(const int32_t *stream, void *scratch, int32_t input_height,
                                                       int32_t output_height, int32_t pad_height,
                                                       const int8_t *input, int8_t *output)
{
    tml__conv_geometry g;
    memcpy(&g, stream, sizeof g);
    /* the call's: a convolution fused with the pool after it runs on bands of rows */
    g.input_height = input_height;
    g.output_height = output_height;
    g.pad_height = pad_height;
    {
        const int32_t cin = g.input_depth, cout = g.output_depth;
        const int32_t row = tml__conv_row_bytes(&g), k = g.filter_height * row, k4 = (k + 3) & ~3;
        const int8_t *const in_end = input + g.batches * g.input_height * g.input_width * cin;
        const int32_t pixels = g.output_height * g.output_width;
        const int pointwise = g.filter_height == 1 && g.filter_width == 1 && g.pad_height == 0 && g.pad_width == 0;
        const int rows4 = g.dilation_width == 1;
        const int32_t *const groups = stream + sizeof g / 4;
        uint32_t *const pairs = (uint32_t *)scratch;
        int8_t *const win_a = (int8_t *)(pairs + k4 + 1), *const win_b = win_a + k4;
        int32_t b, i;
        if (!pointwise && rows4 && cin % 4 == 0) {
            tml__fill_s8(win_a, (int8_t)g.zero_point, cin); /* the taps outside the image read this */
        }
        for (b = 0; b < g.batches; b++) {
            const int8_t *in_b = input + b * g.input_height * g.input_width * cin;
            int8_t *out_b = output + b * pixels * cout;
            int32_t oy = 0, ox = 0; /* the pair's first pixel */
            for (i = 0; i < pixels; i += 2) {
                const int32_t j = i + 1 < pixels ? i + 1 : i; /* a lone last pixel is computed twice */
                int32_t oy_b = oy, ox_b = ox + 1;
                const int8_t *a = win_a, *c = win_b;
                if (ox_b == g.output_width) {
                    oy_b++;
                    ox_b = 0;
                }
                if (j == i) {
                    oy_b = oy;
                    ox_b = ox;
                }
                {
                    const int32_t iy = oy * g.stride_height - g.pad_height, ix = ox * g.stride_width - g.pad_width;
                    const int32_t iy_b = oy_b * g.stride_height - g.pad_height;
                    const int32_t ix_b = ox_b * g.stride_width - g.pad_width;
                    if (pointwise) {
                        a = in_b + (iy * g.input_width + ix) * cin;
                        c = in_b + (iy_b * g.input_width + ix_b) * cin;
                    } else if (rows4 && tml__conv_inside(&g, iy, ix) && tml__conv_inside(&g, iy_b, ix_b) &&
                               in_b + ((iy_b + (g.filter_height - 1) * g.dilation_height) * g.input_width + ix_b) *
                                   cin + row <= in_end) {
                        /* both windows inside: interleaved from the input a filter row at a time (the
                         * bytes a padded row reads past the window meet zero weights) */
                        const int32_t step = g.dilation_height * g.input_width * cin;
                        const int8_t *ra = in_b + (iy * g.input_width + ix) * cin;
                        const int8_t *rb = in_b + (iy_b * g.input_width + ix_b) * cin;
                        uint32_t *dst = pairs;
                        int32_t fy;
                        for (fy = 0; fy < g.filter_height; fy++, ra += step, rb += step, dst += row) {
                            tml__conv_il_m4(ra, rb, dst, row >> 2);
                        }
                        *dst = 0x80008000u;
                        tml__conv_pair_m4(groups, pairs, out_b + i * cout, out_b + j * cout);
                        goto next;
                    } else if (rows4 && cin % 4 == 0) {
                        /* a window across the border, whole words per input pixel: interleaved a tap at
                         * a time, the zero point (at win_a) where a tap leaves the image */
                        uint32_t *dst = pairs;
                        int32_t fy, fx;
                        for (fy = 0; fy < g.filter_height; fy++) {
                            const int32_t ya = iy + fy * g.dilation_height, yb = iy_b + fy * g.dilation_height;
                            const int ina = ya >= 0 && ya < g.input_height, inb = yb >= 0 && yb < g.input_height;
                            for (fx = 0; fx < g.filter_width; fx++, dst += cin) {
                                const int32_t xa = ix + fx, xb = ix_b + fx;
                                const int8_t *sa = ina && xa >= 0 && xa < g.input_width ?
                                                   in_b + (ya * g.input_width + xa) * cin : win_a;
                                const int8_t *sb = inb && xb >= 0 && xb < g.input_width ?
                                                   in_b + (yb * g.input_width + xb) * cin : win_a;
                                tml__conv_il_m4(sa, sb, dst, cin >> 2);
                            }
                        }
                        *dst = 0x80008000u;
                        tml__conv_pair_m4(groups, pairs, out_b + i * cout, out_b + j * cout);
                        goto next;
                    } else {
                        tml__conv_gather_s8(&g, in_b, iy, ix, win_a);
                        tml__conv_gather_s8(&g, in_b, iy_b, ix_b, win_b);
                    }
                }
                tml__conv_interleave(a, c, pointwise ? cin : k, pairs);
                tml__conv_pair_m4(groups, pairs, out_b + i * cout, out_b + j * cout);
            next:
                oy = oy_b;
                ox = ox_b + 1;
                if (ox == g.output_width) {
                    oy++;
                    ox = 0;
                }
            }
        }
    }
}

#endif /* TINYML_ARMV7EM_CONV_PACKED_H */
