/*
 * ADD int8 on Armv7E-M (Cortex-M4/M7/M33 with the DSP extension): by the generator's table of one input's
 * scaled values and a naked-asm loop (TML_ARCH_ARM_ASM, below), else TFLM's requantizations as SMMULR and
 * shifts. Both rows are SUB's too (armv7em/binary.h). Included by ops/elementwise.h when TML_ARCH_ARM_DSP
 * is defined.
 */
#ifndef TINYML_ARMV7EM_ELEMENTWISE_H
#define TINYML_ARMV7EM_ELEMENTWISE_H

/* Armv7E-M ADD int8: TFLM's three requantizations without their branches (the doubling high multiply
 * as one SMMULR, then tml__rdbpot_r1), the constants in registers for the row. Applies when every shift is a right shift,
 * except an input's shift of 0 with the multiplier 2^30 (the input of the larger scale: TFLM's 0.5),
 * where the doubling high multiply of (x << 20) is exactly a halving (no rounding happens). */
TML_ALWAYS_INLINE int tml__add_s8_fast(const tml_add_s8_params *p)
{
    return (p->input1_shift <= -1 || (p->input1_shift == 0 && p->input1_multiplier == (1 << 30))) &&
           (p->input2_shift <= -1 || (p->input2_shift == 0 && p->input2_multiplier == (1 << 30))) &&
           p->output_shift <= -1 && p->left_shift >= 1 && p->left_shift <= 20;
}

/* tml__srdhm_up(x, m) for |x| < 2^30: SMMULR(2x, m) rounds 2xm / 2^32 half up, the same number. */
TML_ALWAYS_INLINE int32_t tml__srdhm_up_small(int32_t twice_x, int32_t multiplier)
{
    int32_t r;
    __asm__("smmulr %0, %1, %2" : "=r"(r) : "r"(twice_x), "r"(multiplier));
    return r;
}

/* The row of ADD (sub = 0) and of SUB (sub = 1, armv7em/binary.h): input2's scaled value added or
 * subtracted (|2 * (s1 -+ s2)| < 2^30 either way). */
TML_ALWAYS_INLINE void tml__addsub_s8_row(const tml_add_s8_params *p, int32_t n, const int8_t *a, int32_t sa,
                                          const int8_t *b, int32_t sb, int8_t *out, int sub)
{
    /* the inputs shifted one more to the left: twice the value for SMMULR (|(x + offset) << 22| < 2^30);
     * an input's shift of 0 (multiplier 2^30) as one more left shift again and a right shift of 1: the
     * halving of an even number either way */
    const int32_t off1 = p->input1_offset, ls1 = p->left_shift + 1 + (p->input1_shift == 0);
    const int32_t off2 = p->input2_offset, ls2 = p->left_shift + 1 + (p->input2_shift == 0);
    const int32_t m1 = p->input1_multiplier, r1 = p->input1_shift == 0 ? 0 : -p->input1_shift - 1;
    const int32_t m2 = p->input2_multiplier, r2 = p->input2_shift == 0 ? 0 : -p->input2_shift - 1;
    const int32_t mo = p->output_multiplier, ro = -p->output_shift - 1, oo = 2 * p->output_offset + 1;
    const int32_t lo = p->act_min, hi = p->act_max;
    const int8_t *const end = out + n;
    for (; out < end; a += sa, b += sb) {
        const int32_t s1 = tml__rdbpot_r1(tml__srdhm_up_small((int32_t)((uint32_t)(*a + off1) << ls1), m1), r1, 1);
        const int32_t s2 = tml__rdbpot_r1(tml__srdhm_up_small((int32_t)((uint32_t)(*b + off2) << ls2), m2), r2, 1);
        const int32_t s = sub ? s1 - s2 : s1 + s2;
        *out++ = (int8_t)tml_clamp_i32(tml__rdbpot_r1(tml__srdhm_up_small(2 * s, mo), ro, oo), lo, hi);
    }
}

TML_HOT TML_NOINLINE static void tml__add_s8_row_dsp(const tml_add_s8_params *p, int32_t n, const int8_t *a,
                                                     int32_t sa, const int8_t *b, int32_t sb, int8_t *out)
{
    tml__addsub_s8_row(p, n, a, sa, b, sb, out, 0);
}

/* tml_add_s8 where tml__add_s8_fast allows it: tml__add_s8_row_dsp over every row of the output. */
TML_ALWAYS_INLINE void tml__add_s8_dsp(const tml_add_s8_params *p, const int8_t *in1, const int8_t *in2, int8_t *out)
{
    TML_BINARY_DRIVE(tml__add_s8_row_dsp, p, in1, in2, out);
}

#if defined(TML_ARCH_ARM_ASM)
/* ------------------------------------------------------------ the table path (TML_ARCH_ARM_ASM)
 * TFLM's Prepare gives the input of the larger scale (both for equal scales) the multiplier 0.5, as 2^30
 * with shift 0: its scaled value is exactly (x + offset) << 19 (the doubling high multiply of an even
 * number by 2^30 halves it, no rounding). That input is the direct one (input1 where both are); the
 * other one's scaled value depends on its byte only, so the generator tabulates it (p->table, made for
 * the Cortex-M4 where tml__add_s8_table_ok holds; tml_add_s8_table_of is its definition, mirrored by
 * the lowering): 256 int32 indexed by the other input's byte as uint8, twice its scaled value with the
 * direct input's offset folded in,
 *
 *     ADD:                 t[u] = 2 * s_other((int8_t)u) + (direct_offset << 20)
 *     SUB, direct input1:  t[u] = (input1_offset << 20) - 2 * s2((int8_t)u)
 *     SUB, direct input2:  t[u] = 2 * s1((int8_t)u) - (input2_offset << 20)
 *
 * with s(x) = MultiplyByQuantizedMultiplierSmallerThanOneExp((x + offset) << 20, multiplier, shift), so
 * that d = t[other byte] + (direct byte << 20) (minus for SUB with the direct input2) is exactly twice
 * the sum TFLM requantizes (|d| < 2^30: no overflow). The output requantization is then
 * tml_requant_fast_s8's (SMMLAR with c + (d >> 31), ASR, SSAT; d is already 2 * acc), exact for an
 * output multiplier above 2^30 and a right shift in [1, 21]; a narrower activation range is applied
 * after (clamping the int8-saturated value is clamping the value). Per element: the other input's byte
 * and its table word (pipelined loads), a quarter of the direct input's word load, SXTB and ADD (or SUB)
 * with LSL #20, the four instructions of the requantization, three quarters of a pack (BFI) and a quarter
 * of the word store; eight elements per loop iteration, about 10 cycles per element. */

/* Where p->table is used: the generator made it, the output requantization has the fast form, one
 * input is the direct one and the other one's scaled value is below its input in magnitude. */
TML_ALWAYS_INLINE int tml__add_s8_table_ok(const tml_add_s8_params *p)
{
    const int direct1 = p->input1_multiplier == (1 << 30) && p->input1_shift == 0;
    const int direct2 = p->input2_multiplier == (1 << 30) && p->input2_shift == 0;
    return p->table != NULL && p->left_shift == 20 && p->output_multiplier > (1 << 30) &&
           p->output_shift <= -1 && p->output_shift >= -21 &&
           (direct1 ? p->input2_shift <= 0 && p->input2_multiplier >= 0
                    : direct2 && p->input1_shift <= 0 && p->input1_multiplier >= 0);
}

/* The table of tml__add_s8_table_ok's params (sub = 0: ADD, 1: SUB), as defined above. */
static inline void tml_add_s8_table_of(const tml_add_s8_params *p, int sub, int32_t *t)
{
    const int direct1 = p->input1_multiplier == (1 << 30) && p->input1_shift == 0;
    const int32_t off_d = direct1 ? p->input1_offset : p->input2_offset;
    const int32_t off_o = direct1 ? p->input2_offset : p->input1_offset;
    const int32_t m = direct1 ? p->input2_multiplier : p->input1_multiplier;
    const int32_t sh = direct1 ? p->input2_shift : p->input1_shift;
    int32_t u;
    for (u = 0; u < 256; u++) {
        const int32_t s = tml_mul_by_quantized_mul((int32_t)((uint32_t)((int8_t)u + off_o) << 20), m, sh);
        const int32_t od = (int32_t)((uint32_t)off_d << 20);
        t[u] = !sub ? 2 * s + od : direct1 ? od - 2 * s : 2 * s - od;
    }
}

/* The output of d = twice the sum (above): tml_requant_fast_s8 without its doubling. */
TML_ALWAYS_INLINE int32_t tml__add_s8_table_out(int32_t d, int32_t m, int32_t c, int32_t r)
{
    int32_t v;
    __asm__("smmlar %0, %1, %2, %3" : "=r"(v) : "r"(d), "r"(m), "r"(c + (d >> 31)));
    v >>= r;
    __asm__("ssat %0, #8, %1" : "=r"(v) : "r"(v));
    return v;
}

typedef struct {
    const int32_t *table;
    int32_t m, c, r; /* the output requantization (tml_requant_fast) */
    int32_t groups;  /* of four elements, at least 1 */
} tml__add_table_args;

/* Four elements: the other input's bytes as table indexes (r1), the direct input as one word (r0), the
 * previous four outputs' word stored (STORE, pipelined after the loads), then d = table value OP direct
 * byte << 20 and the output requantization of each (r4 multiplier, r5 c, r6 right shift), packed into r8. */
#define TML__ADDT_REQ(y, x) "add r9, r5, " x ", asr #31\n\t" "smmlar " y ", " x ", r4, r9\n\t"              \
                            "asr " y ", " y ", r6\n\t" "ssat " y ", #8, " y "\n\t"
#define TML__ADDT_BODY(OP, STORE)                                                                          \
    "ldrb r10, [r1], #4\n\t" "ldrb r11, [r1, #-3]\n\t" "ldrb r12, [r1, #-2]\n\t" "ldrb lr, [r1, #-1]\n\t"   \
    "ldr r10, [r3, r10, lsl #2]\n\t" "ldr r11, [r3, r11, lsl #2]\n\t"                                        \
    "ldr r12, [r3, r12, lsl #2]\n\t" "ldr lr, [r3, lr, lsl #2]\n\t"                                          \
    "ldr r9, [r0], #4\n\t" STORE                                                                           \
    "sxtb r8, r9\n\t" OP " r10, r10, r8, lsl #20\n\t"                                                      \
    "sxtb r8, r9, ror #8\n\t" OP " r11, r11, r8, lsl #20\n\t"                                              \
    "sxtb r8, r9, ror #16\n\t" OP " r12, r12, r8, lsl #20\n\t"                                             \
    "asr r8, r9, #24\n\t" OP " lr, lr, r8, lsl #20\n\t"                                                    \
    TML__ADDT_REQ("r8", "r10") TML__ADDT_REQ("r11", "r11") TML__ADDT_REQ("r12", "r12") TML__ADDT_REQ("lr", "lr") \
    "bfi r8, r11, #8, #8\n\t" "bfi r8, r12, #16, #8\n\t" "bfi r8, lr, #24, #8\n\t"
#define TML__ADDT_KERNEL(NAME, OP)                                                                         \
    __attribute__((naked, unused, aligned(4))) static void NAME(                                            \
        const int8_t *direct TML_UNUSED, const int8_t *other TML_UNUSED, int8_t *out TML_UNUSED,            \
        const tml__add_table_args *a TML_UNUSED)                                                            \
    {                                                                                                      \
        __asm__ volatile(".syntax unified\n\t"                                                             \
                         "push {r4-r11, lr}\n\t"                                                           \
                         "ldr r4, [r3, #4]\n\t" "ldr r5, [r3, #8]\n\t" "ldr r6, [r3, #12]\n\t"             \
                         "ldr r7, [r3, #16]\n\t" "ldr r3, [r3]\n\t"                                        \
                         TML__ADDT_BODY(OP, "")                                                            \
                         "subs r7, r7, #1\n\t"                                                             \
                         "beq 3f\n\t"                                                                      \
                         "tst r7, #1\n\t" /* an odd count left enters the loop at its second group */     \
                         "bne 2f\n\t"                                                                      \
                         ".balign 4\n\t"                                                                   \
                         "1:\n\t"                                                                          \
                         TML__ADDT_BODY(OP, "str r8, [r2], #4\n\t")                                        \
                         "2:\n\t"                                                                          \
                         TML__ADDT_BODY(OP, "str r8, [r2], #4\n\t")                                        \
                         "subs r7, r7, #2\n\t"                                                             \
                         "bgt 1b\n\t"                                                                      \
                         "3:\n\t"                                                                          \
                         "str r8, [r2]\n\t"                                                                \
                         "pop {r4-r11, pc}\n\t");                                                          \
    }
TML__ADDT_KERNEL(tml__add_s8_table_m4, "add")
TML__ADDT_KERNEL(tml__sub2_s8_table_m4, "sub")

/* One row of ADD (sub = 0) or SUB (sub = 1) by the table: groups of four by the kernel above, the rest
 * element by element. In a broadcast row (one input's stride 0) the kernel reads that input's byte
 * repeated in 64 bytes on the stack, 16 groups per call. */
TML_ALWAYS_INLINE void tml__addsub_s8_table_row(const tml_add_s8_params *p, int32_t n, const int8_t *a,
                                                int32_t sa, const int8_t *b, int32_t sb, int8_t *out, int sub)
{
    const int direct1 = p->input1_multiplier == (1 << 30) && p->input1_shift == 0;
    const int8_t *xd = direct1 ? a : b, *xo = direct1 ? b : a;
    const int32_t sd = direct1 ? sa : sb, so = direct1 ? sb : sa;
    const int neg = sub && !direct1;
    tml__add_table_args k;
    int32_t i = 0;
    k.table = p->table;
    k.m = p->output_multiplier;
    k.r = -p->output_shift;
    k.c = (int32_t)((uint32_t)(2 * p->output_offset + 1) << (k.r - 1));
    if ((sd == 1 || so == 1) && (uint32_t)(sd | so) <= 1u && n >= 4) {
        int8_t rep[64];
        const int32_t most = sd && so ? n >> 2 : 16; /* groups per call */
        if (!(sd && so)) {
            memset(rep, sd ? *xo : *xd, sizeof rep);
        }
        for (; i + 4 <= n; i += 4 * k.groups) {
            const int8_t *pd = sd ? xd + i : rep, *po = so ? xo + i : rep;
            k.groups = (n - i) >> 2 < most ? (n - i) >> 2 : most;
            if (neg) {
                tml__sub2_s8_table_m4(pd, po, out + i, &k);
            } else {
                tml__add_s8_table_m4(pd, po, out + i, &k);
            }
        }
    }
    for (; i < n; i++) {
        const int32_t x = (int32_t)((uint32_t)xd[i * sd] << 20);
        out[i] = (int8_t)tml__add_s8_table_out(k.table[(uint8_t)xo[i * so]] + (neg ? -x : x), k.m, k.c, k.r);
    }
}

TML_HOT TML_NOINLINE static void tml__add_s8_table_row(const tml_add_s8_params *p, int32_t n, const int8_t *a,
                                                       int32_t sa, const int8_t *b, int32_t sb, int8_t *out)
{
    tml__addsub_s8_table_row(p, n, a, sa, b, sb, out, 0);
}

/* A narrower activation range than int8's over the whole output (after the rows). */
TML_ALWAYS_INLINE void tml__add_s8_clamp(const tml_add_s8_params *p, int8_t *out)
{
    int32_t i;
    if (p->act_min > -128 || p->act_max < 127) {
        for (i = 0; i < p->size; i++) {
            out[i] = (int8_t)tml_clamp_i32(out[i], p->act_min, p->act_max);
        }
    }
}

/* tml_add_s8 where tml__add_s8_table_ok allows it. */
TML_ALWAYS_INLINE void tml__add_s8_table(const tml_add_s8_params *p, const int8_t *in1, const int8_t *in2,
                                         int8_t *out)
{
    TML_BINARY_DRIVE(tml__add_s8_table_row, p, in1, in2, out);
    tml__add_s8_clamp(p, out);
}
#endif

#endif /* TINYML_ARMV7EM_ELEMENTWISE_H */
