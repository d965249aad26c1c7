/*
 * Armv7E-M (Cortex-M4/M7/M33 with the DSP extension): helpers shared by the kernels of armv7em/ —
 * the DSP instructions as inline-asm functions, dot products, the five-instruction requantization and
 * the asm fragments of the packed kernels. Included by tml_common.h when TML_ARCH_ARM_DSP is defined.
 */
#ifndef TINYML_ARMV7EM_COMMON_H
#define TINYML_ARMV7EM_COMMON_H

/* The DSP instructions the kernels use, each as a one-instruction inline-asm function (CMSIS-Core's way):
 * GCC's <arm_acle.h> has no DSP intrinsics before GCC 10, and PlatformIO's nordicnrf52 and the Arduino
 * mbed core still ship GCC 7. Any GCC and clang compile these; the compiler schedules them like its own. */

/** SXTB16: bytes 0 and 2 of x sign-extended into two int16 halves. */
TML_ALWAYS_INLINE int32_t tml_sxtb16(int32_t x)
{
    int32_t r;
    __asm__("sxtb16 %0, %1" : "=r"(r) : "r"(x));
    return r;
}

/** SXTAB16: a + bytes 0 and 2 of x sign-extended, per int16 half. */
TML_ALWAYS_INLINE int32_t tml_sxtab16(int32_t a, int32_t x)
{
    int32_t r;
    __asm__("sxtab16 %0, %1, %2" : "=r"(r) : "r"(a), "r"(x));
    return r;
}

/* a + the sign-extended bytes 1 and 3 of x, in two int16 lanes */
TML_ALWAYS_INLINE int32_t tml_sxtab16_ror8(int32_t a, int32_t x)
{
    int32_t r;
    __asm__("sxtab16 %0, %1, %2, ror #8" : "=r"(r) : "r"(a), "r"(x));
    return r;
}

/** SADD16: a + b per int16 half (wrapping). */
TML_ALWAYS_INLINE int32_t tml_sadd16(int32_t a, int32_t b)
{
    int32_t r;
    __asm__("sadd16 %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    return r;
}

/** SMLAD: acc + a.lo * b.lo + a.hi * b.hi (int16 halves). */
TML_ALWAYS_INLINE int32_t tml_smlad(int32_t a, int32_t b, int32_t acc)
{
    int32_t r;
    __asm__("smlad %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(acc));
    return r;
}

/** SMLABB: acc + a.lo * b.lo. */
TML_ALWAYS_INLINE int32_t tml_smlabb(int32_t a, int32_t b, int32_t acc)
{
    int32_t r;
    __asm__("smlabb %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(acc));
    return r;
}

/** SMLABT: acc + a.lo * b.hi. */
TML_ALWAYS_INLINE int32_t tml_smlabt(int32_t a, int32_t b, int32_t acc)
{
    int32_t r;
    __asm__("smlabt %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(acc));
    return r;
}

/** SMLATT: acc + a.hi * b.hi. */
TML_ALWAYS_INLINE int32_t tml_smlatt(int32_t a, int32_t b, int32_t acc)
{
    int32_t r;
    __asm__("smlatt %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(acc));
    return r;
}

/** QADD: a + b saturated to int32. */
TML_ALWAYS_INLINE int32_t tml_qadd(int32_t a, int32_t b)
{
    int32_t r;
    __asm__("qadd %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    return r;
}

/** SSAT #8: x saturated to [-128, 127]. */
TML_ALWAYS_INLINE int32_t tml_ssat8(int32_t x)
{
    int32_t r;
    __asm__("ssat %0, #8, %1" : "=r"(r) : "r"(x));
    return r;
}

/** Four int8 at p (any alignment: Cortex-M4 loads unaligned words) as one 32-bit word. */
TML_ALWAYS_INLINE int32_t tml_read_s8x4(const int8_t *p)
{
    int32_t v;
    memcpy(&v, p, 4);
    return v;
}

/** Bytes 1 and 3 of x sign-extended into two int16 halves (SXTB16 with ROR #8; bytes 0 and 2
 *  are tml_sxtb16(x)). With both, one SMLAD multiplies and adds two int8 pairs. */
TML_ALWAYS_INLINE int32_t tml_sxtb16_ror8(int32_t x)
{
    int32_t r;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
    return r;
}

/** The low halves of a and b as one word (PKHBT: a's in the low half). */
TML_ALWAYS_INLINE uint32_t tml_pack_lo16(uint32_t a, uint32_t b)
{
    uint32_t r;
    __asm__("pkhbt %0, %1, %2, lsl #16" : "=r"(r) : "r"(a), "r"(b));
    return r;
}

/** The high halves of a and b as one word (PKHTB: a's in the low half). */
TML_ALWAYS_INLINE uint32_t tml_pack_hi16(uint32_t a, uint32_t b)
{
    uint32_t r;
    __asm__("pkhtb %0, %2, %1, asr #16" : "=r"(r) : "r"(a), "r"(b));
    return r;
}

/* Used by the Signal family's FFT (armv7em/signal.h). */
/** SSUB16: a - b per int16 half (wrapping). */
TML_ALWAYS_INLINE int32_t tml_ssub16(int32_t a, int32_t b)
{
    int32_t r;
    __asm__("ssub16 %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    return r;
}

/** SASX: (a.lo - b.hi, a.hi + b.lo) per int16 half (wrapping). */
TML_ALWAYS_INLINE int32_t tml_sasx(int32_t a, int32_t b)
{
    int32_t r;
    __asm__("sasx %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    return r;
}

/** SSAX: (a.lo + b.hi, a.hi - b.lo) per int16 half (wrapping). */
TML_ALWAYS_INLINE int32_t tml_ssax(int32_t a, int32_t b)
{
    int32_t r;
    __asm__("ssax %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    return r;
}

/** SHADD16: (a + b) >> 1 per int16 half, without overflow. */
TML_ALWAYS_INLINE int32_t tml_shadd16(int32_t a, int32_t b)
{
    int32_t r;
    __asm__("shadd16 %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    return r;
}

/** SHSUB16: (a - b) >> 1 per int16 half, without overflow. */
TML_ALWAYS_INLINE int32_t tml_shsub16(int32_t a, int32_t b)
{
    int32_t r;
    __asm__("shsub16 %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    return r;
}

/** SMUAD: a.lo * b.lo + a.hi * b.hi (modulo 2^32). */
TML_ALWAYS_INLINE int32_t tml_smuad(int32_t a, int32_t b)
{
    int32_t r;
    __asm__("smuad %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    return r;
}

/** SMULBB: a.lo * b.lo. */
TML_ALWAYS_INLINE int32_t tml_smulbb(int32_t a, int32_t b)
{
    int32_t r;
    __asm__("smulbb %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    return r;
}

/** SMULTT: a.hi * b.hi. */
TML_ALWAYS_INLINE int32_t tml_smultt(int32_t a, int32_t b)
{
    int32_t r;
    __asm__("smultt %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    return r;
}

/** SMLSD: acc + a.lo * b.lo - a.hi * b.hi (modulo 2^32). */
TML_ALWAYS_INLINE int32_t tml_smlsd(int32_t a, int32_t b, int32_t acc)
{
    int32_t r;
    __asm__("smlsd %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(acc));
    return r;
}

/** SMLADX: acc + a.lo * b.hi + a.hi * b.lo (modulo 2^32). */
TML_ALWAYS_INLINE int32_t tml_smladx(int32_t a, int32_t b, int32_t acc)
{
    int32_t r;
    __asm__("smladx %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(acc));
    return r;
}

/** PKHBT: the low half of a, the high half of b. */
TML_ALWAYS_INLINE int32_t tml_pkhbt(int32_t a, int32_t b)
{
    int32_t r;
    __asm__("pkhbt %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    return r;
}

/** PKHTB ASR #15: the high half of hi, bits 15..30 of lo in the low half. */
TML_ALWAYS_INLINE int32_t tml_pkhtb_asr15(int32_t hi, int32_t lo)
{
    int32_t r;
    __asm__("pkhtb %0, %1, %2, asr #15" : "=r"(r) : "r"(hi), "r"(lo));
    return r;
}

/** max(a, b) per int16 half: SSUB16 sets the GE flags that SEL reads, so the pair is one asm statement. */
TML_ALWAYS_INLINE int32_t tml_max16x2(int32_t a, int32_t b)
{
    int32_t r, t;
    __asm__("ssub16 %1, %2, %3\n\tsel %0, %2, %3" : "=r"(r), "=&r"(t) : "r"(a), "r"(b) : "cc");
    return r;
}

/** min(a, b) per int16 half (SSUB16 then SEL, as tml_max16x2). */
TML_ALWAYS_INLINE int32_t tml_min16x2(int32_t a, int32_t b)
{
    int32_t r, t;
    __asm__("ssub16 %1, %2, %3\n\tsel %0, %3, %2" : "=r"(r), "=&r"(t) : "r"(a), "r"(b) : "cc");
    return r;
}

/** SSAT #16: x saturated to [-32768, 32767]. */
TML_ALWAYS_INLINE int32_t tml_ssat16(int32_t x)
{
    int32_t r;
    __asm__("ssat %0, #16, %1" : "=r"(r) : "r"(x));
    return r;
}

/** acc0 += dot(x, w0), acc1 += dot(x, w1) over n int8 (two weight rows sharing the inputs). */
TML_HOT static inline void tml_dot2_s8(const int8_t *x, const int8_t *w0, const int8_t *w1, int32_t n, int32_t *acc0,
                               int32_t *acc1)
{
    int32_t a0 = *acc0, a1 = *acc1, i = 0;
    for (; i + 4 <= n; i += 4) {
        const int32_t xv = tml_read_s8x4(x + i);
        const int32_t v0 = tml_read_s8x4(w0 + i);
        const int32_t v1 = tml_read_s8x4(w1 + i);
        const int32_t x02 = tml_sxtb16(xv), x13 = tml_sxtb16_ror8(xv);
        a0 = tml_smlad(x02, tml_sxtb16(v0), a0);
        a0 = tml_smlad(x13, tml_sxtb16_ror8(v0), a0);
        a1 = tml_smlad(x02, tml_sxtb16(v1), a1);
        a1 = tml_smlad(x13, tml_sxtb16_ror8(v1), a1);
    }
    for (; i < n; i++) {
        a0 += (int32_t)x[i] * w0[i];
        a1 += (int32_t)x[i] * w1[i];
    }
    *acc0 = a0;
    *acc1 = a1;
}

/** acc[0] += dot(x0, w0), acc[1] += dot(x0, w1), acc[2] += dot(x1, w0), acc[3] += dot(x1, w1) over n
 *  int8: two input vectors by two weight rows, each word loaded and sign-extended once for two SMLADs. */
TML_HOT static inline void tml_dot2x2_s8(const int8_t *x0, const int8_t *x1, const int8_t *w0, const int8_t *w1, int32_t n,
                                 int32_t *acc)
{
    int32_t a00 = acc[0], a01 = acc[1], a10 = acc[2], a11 = acc[3];
    const int8_t *const end = x0 + (n & ~3);
    /* Pointers that move and an end pointer instead of indexes: the loop then fits the registers
     * (4 accumulators, 5 pointers, 5 temporaries) with no spill. */
    while (x0 < end) {
        int32_t p = tml_read_s8x4(x0), q = tml_read_s8x4(x1), v = tml_read_s8x4(w0);
        int32_t pe = tml_sxtb16(p), qe = tml_sxtb16(q), ve = tml_sxtb16(v);
        x0 += 4;
        x1 += 4;
        a00 = tml_smlad(pe, ve, a00);
        a10 = tml_smlad(qe, ve, a10);
        v = tml_sxtb16_ror8(v);
        p = tml_sxtb16_ror8(p);
        q = tml_sxtb16_ror8(q);
        a00 = tml_smlad(p, v, a00);
        a10 = tml_smlad(q, v, a10);
        v = tml_read_s8x4(w1);
        w0 += 4;
        w1 += 4;
        ve = tml_sxtb16(v);
        a01 = tml_smlad(pe, ve, a01);
        a11 = tml_smlad(qe, ve, a11);
        v = tml_sxtb16_ror8(v);
        a01 = tml_smlad(p, v, a01);
        a11 = tml_smlad(q, v, a11);
    }
    n &= 3;
    while (n-- > 0) {
        const int32_t a = *x0++, c = *x1++, b0 = *w0++, b1 = *w1++;
        a00 += a * b0;
        a01 += a * b1;
        a10 += c * b0;
        a11 += c * b1;
    }
    acc[0] = a00;
    acc[1] = a01;
    acc[2] = a10;
    acc[3] = a11;
}

/** One input word against four weight rows: a_r += dot(x[0..3], row r [0..3]) for the rows at w, w + n, w2
 *  and w2 + n; x, w and w2 advance by 4. Twelve registers: the loads and the sign extensions are
 *  ordered by hand (a load right after a load takes one cycle). */
TML_ALWAYS_INLINE void tml__dot4_step_s8(const int8_t **x, const int8_t **w, const int8_t **w2, int32_t n,
                                         int32_t *a0, int32_t *a1, int32_t *a2, int32_t *a3)
{
    int32_t xe, xo, v, t;
    __asm__ volatile("ldr    %[xo], [%[x]], #4\n\t"
                     "ldr    %[v], [%[w], %[n]]\n\t"
                     "sxtb16 %[xe], %[xo]\n\t"
                     "sxtb16 %[xo], %[xo], ror #8\n\t"
                     "sxtb16 %[t], %[v]\n\t"
                     "smlad  %[a1], %[xe], %[t], %[a1]\n\t"
                     "sxtb16 %[v], %[v], ror #8\n\t"
                     "smlad  %[a1], %[xo], %[v], %[a1]\n\t"
                     "ldr    %[v], [%[w]], #4\n\t"
                     "sxtb16 %[t], %[v]\n\t"
                     "smlad  %[a0], %[xe], %[t], %[a0]\n\t"
                     "sxtb16 %[v], %[v], ror #8\n\t"
                     "smlad  %[a0], %[xo], %[v], %[a0]\n\t"
                     "ldr    %[v], [%[w2], %[n]]\n\t"
                     "sxtb16 %[t], %[v]\n\t"
                     "smlad  %[a3], %[xe], %[t], %[a3]\n\t"
                     "sxtb16 %[v], %[v], ror #8\n\t"
                     "smlad  %[a3], %[xo], %[v], %[a3]\n\t"
                     "ldr    %[v], [%[w2]], #4\n\t"
                     "sxtb16 %[t], %[v]\n\t"
                     "smlad  %[a2], %[xe], %[t], %[a2]\n\t"
                     "sxtb16 %[v], %[v], ror #8\n\t"
                     "smlad  %[a2], %[xo], %[v], %[a2]"
                     : [x] "+r"(*x), [w] "+r"(*w), [w2] "+r"(*w2), [a0] "+r"(*a0), [a1] "+r"(*a1), [a2] "+r"(*a2),
                       [a3] "+r"(*a3), [xe] "=&r"(xe), [xo] "=&r"(xo), [v] "=&r"(v), [t] "=&r"(t)
                     : [n] "r"(n)
                     : "memory");
}

/** acc[0..3] = bias[0..3] + dot(x, w_r) over n int8 for the four rows w_r = w + r * n. */
TML_ALWAYS_INLINE void tml_dot4_s8(const int8_t *x, const int8_t *w, int32_t n, const int32_t *bias, int32_t *acc)
{
    const int8_t *w2 = w + 2 * n;
    const int8_t *const end4 = x + (n & ~3), *const end = x + n;
    int32_t a0 = bias[0], a1 = bias[1], a2 = bias[2], a3 = bias[3];
    while (x < end4) {
        tml__dot4_step_s8(&x, &w, &w2, n, &a0, &a1, &a2, &a3);
    }
    for (; x < end; x++, w++, w2++) {
        const int32_t v = *x;
        a0 += v * w[0];
        a1 += v * w[n];
        a2 += v * w2[0];
        a3 += v * w2[n];
    }
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
}

/** acc + dot(x, w) over n int8. */
TML_HOT static inline int32_t tml_dot_s8(const int8_t *x, const int8_t *w, int32_t n, int32_t acc)
{
    int32_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const int32_t xv = tml_read_s8x4(x + i);
        const int32_t v = tml_read_s8x4(w + i);
        acc = tml_smlad(tml_sxtb16(xv), tml_sxtb16(v), acc);
        acc = tml_smlad(tml_sxtb16_ror8(xv), tml_sxtb16_ror8(v), acc);
    }
    for (; i < n; i++) {
        acc += (int32_t)x[i] * w[i];
    }
    return acc;
}

/** The constants of tml_requant_fast_s8. */
typedef struct {
    int32_t multiplier; /* in (2^30, 2^31) */
    int32_t c;          /* 2^(r - 1) + output_offset * 2^r */
    int32_t r;          /* the right shift, in [1, 21] */
} tml_requant_fast;

/** Whether tml_requant_fast_s8 computes tml_requant_s8 for every output of rq (per-tensor, a multiplier
 *  above 2^30, a right shift of at most 21, the full int8 range), and its constants. */
TML_ALWAYS_INLINE int tml_requant_fast_of(const tml_requant_params *rq, tml_requant_fast *f)
{
    f->multiplier = rq->multiplier;
    f->r = -rq->shift;
    f->c = (int32_t)((uint32_t)(2 * rq->output_offset + 1) << (f->r - 1 < 0 ? 0 : f->r - 1));
    return !rq->per_channel_multiplier && rq->multiplier > (1 << 30) && f->r >= 1 && f->r <= 21 &&
           rq->act_min == -128 && rq->act_max == 127;
}

/** tml_requant_s8 in five instructions, where tml_requant_fast_of allows it. With y = SRDHM(acc, m) and
 *  r the right shift, TFLM's result is floor((y - (y < 0) + c) / 2^r) saturated, c = 2^(r - 1) + offset * 2^r
 *  (tml_rounding_divide_by_pot_shifts, offset folded in). y - (y < 0) is SMMLAR(2 * acc, m, acc >> 31): y
 *  rounds 2 * acc * m / 2^32 half up, and for a multiplier above 2^30, y < 0 exactly when acc < 0; c goes
 *  into SMMLAR's high word (|y| <= 2^30 + 1 and c < 2^28: no overflow). If 2 * acc saturates, |y| >=
 *  2^29 and the result saturates either way (r <= 21). */
TML_ALWAYS_INLINE int32_t tml_requant_fast_s8(int32_t acc, const tml_requant_fast *f)
{
    int32_t v;
    __asm__("smmlar %0, %1, %2, %3" : "=r"(v) : "r"(tml_qadd(acc, acc)), "r"(f->multiplier), "r"(f->c + (acc >> 31)));
    v >>= f->r;
    __asm__("ssat %0, #8, %1" : "=r"(v) : "r"(v));
    return v;
}
/* Inline-asm fragments of the packed (generator-laid-out) kernels, as strings of register names. */
/* v = requant(acc) from d = 2 * acc (tml_requant_fast_s8), with u scratch; m, c, r the constants. */
#define TML__ASM_REQUANT2(v, d, u, m, c, r)                                                                  \
    "add " u ", " c ", " d ", asr #31\n\t"                                                                    \
    "smmlar " d ", " d ", " m ", " u "\n\t"                                                                   \
    "asr " d ", " d ", " r "\n\t"                                                                             \
    "ssat " v ", #8, " d "\n\t"
#define TML__ASM_REQUANT(v, t, u, m, c, r) "qadd " t ", " v ", " v "\n\t" TML__ASM_REQUANT2(v, t, u, m, c, r)

/* a = the low bytes of a, b, c, d (in that order in memory) */
#define TML__ASM_PACK4(a, b, c, d)                                                                           \
    "bfi " a ", " b ", #8, #8\n\t" "bfi " a ", " c ", #16, #8\n\t" "bfi " a ", " d ", #24, #8\n\t"

#endif /* TINYML_ARMV7EM_COMMON_H */
