/*
 * platformio-tinyml kernel library: common definitions.
 *
 * This is the one header that looks at compiler macros. Kernels test only the
 * TML_* macros defined here:
 *   TML_ARCH_ARM_DSP   Armv7E-M DSP extension (Cortex-M4/M7/M33 with DSP)
 *   TML_ARCH_XTENSA    Xtensa cores (ESP32)
 *   TML_ARCH_ARC       Synopsys ARC (EM9D)
 *   TML_ARCH_REFERENCE none of the above, or TML_FORCE_REFERENCE defined
 *   TML_ARCH_ARM_FPU   single-precision FPU instructions available (float kernels), any of the above
 *   TML_ARCH_SCALAR    Xtensa or ARC: the optimized portable C paths
 * Define TML_FORCE_REFERENCE to use the portable reference path everywhere.
 *
 * Everything is C99, header-only (static inline), no heap, no libc beyond
 * <stdint.h>, <stddef.h>, <string.h> and (for float kernels) <math.h>.
 */
#ifndef TINYML_TML_COMMON_H
#define TINYML_TML_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------ architecture */
#if defined(TML_FORCE_REFERENCE)
#define TML_ARCH_REFERENCE 1
#elif defined(__ARM_FEATURE_DSP) && (__ARM_FEATURE_DSP == 1)
#define TML_ARCH_ARM_DSP 1
#elif defined(__XTENSA__) || defined(__xtensa__)
#define TML_ARCH_XTENSA 1
#elif defined(__arc__) || defined(__ARC__) || defined(__CCAC__)
#define TML_ARCH_ARC 1
#else
#define TML_ARCH_REFERENCE 1
#endif

/* Single-precision FPU instructions (Cortex-M4F with -mfloat-abi=hard or softfp; not with soft). */
#if !defined(TML_FORCE_REFERENCE) && defined(__ARM_FP) && (__ARM_FP & 4)
#define TML_ARCH_ARM_FPU 1
#endif

/* The generated code names the constants it packed for the Cortex-M4 kernels (fully_connected.h)
 * through these: the array where those kernels are built, NULL elsewhere, so other images (a
 * TML_FORCE_REFERENCE build, another core) drop it. */
#if defined(TML_ARCH_ARM_DSP) && defined(__thumb2__) && (defined(__GNUC__) || defined(__clang__))
#define TML_PACKED_DSP(a) (a)
#if defined(TML_ARCH_ARM_FPU)
#define TML_PACKED_FPU(a) (a)
#endif
#endif
#ifndef TML_PACKED_DSP
#define TML_PACKED_DSP(a) NULL
#endif
#ifndef TML_PACKED_FPU
#define TML_PACKED_FPU(a) NULL
#endif


/* Inner loops of the optimized paths: GCC at -Os keeps indexes and spills pointers there; -O2 does not.
 * Float kernels: every a * b + c rounds the product, as TFLM's reference does on the host (no fused
 * multiply-add; on a Cortex-M4 also the cheaper choice, VMUL + VADD take 2 cycles, VFMA 3):
 * TML_FLOAT (or TML_HOT_FLOAT) on the function and TML_FP_EXACT first in its body. GCC does not inline
 * functions with different optimize attributes into each other, so a float kernel's helpers carry
 * TML_FLOAT too (or are always_inline). */
#if defined(__GNUC__) && !defined(__clang__)
#define TML_HOT __attribute__((optimize("O2", "no-schedule-insns")))
#define TML_HOT_FLOAT __attribute__((optimize("O2", "no-schedule-insns", "fp-contract=off")))
#define TML_FLOAT __attribute__((optimize("fp-contract=off")))
#else
#define TML_HOT
#define TML_HOT_FLOAT
#define TML_FLOAT
#endif
#if defined(__clang__)
#define TML_FP_EXACT _Pragma("clang fp contract(off)")
#else
#define TML_FP_EXACT
#endif

#if defined(__GNUC__) || defined(__clang__)
/* Small helpers of inner loops: inlined even at -Os (a call costs more than their body). */
#define TML_ALWAYS_INLINE static inline __attribute__((always_inline))
#define TML_ALIGNED(n) __attribute__((aligned(n)))
#define TML_UNUSED __attribute__((unused))
/* Helpers with loops of their own: one copy, with the registers to themselves. */
#define TML_NOINLINE __attribute__((noinline))
#else
#define TML_ALWAYS_INLINE static inline
#define TML_NOINLINE
#define TML_ALIGNED(n)
#define TML_UNUSED
#endif

#define TML_MAX_DIMS 6

/* ------------------------------------------------------------ types */
typedef enum {
    TML_FLOAT32 = 0,
    TML_INT8 = 1,
    TML_UINT8 = 2,
    TML_INT16 = 3,
    TML_INT32 = 4,
    TML_INT64 = 5,
    TML_BOOL = 6
} tml_dtype;

typedef enum {
    TML_OK = 0,
    TML_ERROR = 1
} tml_status;

/** Shape and quantization of one model input or output. */
typedef struct {
    const char *name;
    tml_dtype dtype;
    int32_t rank;
    int32_t dims[TML_MAX_DIMS];
    uint32_t count;     /* number of elements */
    uint32_t bytes;     /* count * element size */
    float scale;        /* 0 when not quantized */
    int32_t zero_point;
} tml_tensor_info;

/** Everything generic code needs to drive a generated model. */
typedef struct {
    const char *name;
    const char *sha256;             /* of the .tflite file it was generated from */
    int32_t input_count;
    int32_t output_count;
    const tml_tensor_info *inputs;
    const tml_tensor_info *outputs;
    uint32_t arena_bytes;
    int (*invoke)(void);
    void *(*input)(int index);
    void *(*output)(int index);
    void (*reset)(void);
} tml_model;

/* ------------------------------------------------------------ fixed-point math
 * The gemmlowp/TFLite Micro primitives, bit-exact with TFLM's reference kernels. */

/* gemmlowp's SaturatingRoundingDoublingHighMul: (a * b + nudge) / 2^31 truncated, with nudge = 2^30
 * for a * b >= 0 and 1 - 2^30 otherwise. For a negative product, truncating is (v + 2^31 - 1) >> 31, so
 * both cases are (a * b + 2^30) >> 31: one 64-bit multiply-add and a shift, no division.
 * (tests/kernels/fixedpoint.c checks this against the definition.) */
TML_ALWAYS_INLINE int32_t tml_sat_rounding_doubling_high_mul(int32_t a, int32_t b)
{
    if (a == b && a == INT32_MIN) {
        return INT32_MAX;
    }
    return (int32_t)(((int64_t)a * (int64_t)b + ((int64_t)1 << 30)) >> 31);
}

TML_ALWAYS_INLINE int32_t tml_rounding_divide_by_pot(int32_t x, int exponent)
{
    const int32_t mask = (int32_t)(((int64_t)1 << exponent) - 1);
    const int32_t remainder = x & mask;
    const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/** TFLite's MultiplyByQuantizedMultiplier (double rounding), shift > 0 is a left shift. */
TML_ALWAYS_INLINE int32_t tml_mul_by_quantized_mul(int32_t x, int32_t multiplier, int shift)
{
    const int left = shift > 0 ? shift : 0;
    const int right = shift > 0 ? 0 : -shift;
    return tml_rounding_divide_by_pot(
        tml_sat_rounding_doubling_high_mul((int32_t)((uint32_t)x << left), multiplier), right);
}

/** The pieces of tml_mul_by_quantized_mul for a right shift r >= 1, without its branches (TFLM's double
 *  rounding, bit-exact for a multiplier in [0, 2^31); checked by tests/kernels/fixedpoint.c through
 *  the convolutions' requantization): the doubling high multiply rounded half up, one SMLAL ... */
TML_ALWAYS_INLINE int32_t tml__srdhm_up(int32_t x, int32_t multiplier)
{
    return (int32_t)(((int64_t)x * multiplier + ((int64_t)1 << 30)) >> 31);
}

/** ... then the rounding division by 2^r, half away from zero, as floor((y - (y < 0)) / 2^(r-1)), plus
 *  off2, halved: off2 = 1, or 2 * zero point + 1 to add a zero point in the same halving. */
TML_ALWAYS_INLINE int32_t tml__rdbpot_r1(int32_t y, int32_t r_minus_1, int32_t off2)
{
    return (((y + (y >> 31)) >> r_minus_1) + off2) >> 1;
}

/** MultiplyByQuantizedMultiplier for a 64-bit accumulator (TFLM's int16x8 kernels). */
static inline int32_t tml_mul_by_quantized_mul_64(int64_t x, int32_t multiplier, int shift)
{
    const int32_t reduced = multiplier < 0x7FFF0000 ? ((multiplier + (1 << 15)) >> 16) : 0x7FFF;
    const int total_shift = 15 - shift;
    const int64_t round = (int64_t)1 << (total_shift - 1);
    int64_t result = x * (int64_t)reduced + round;
    result = result >> total_shift;
    return (int32_t)result;
}

TML_ALWAYS_INLINE int32_t tml_clamp_i32(int32_t x, int32_t lo, int32_t hi)
{
    return x < lo ? lo : (x > hi ? hi : x);
}

/** Requantization parameters of an int8 kernel, copied into a local once per call: stores to the
 *  int8 output may alias anything, so fields read through the kernel's params pointer would be
 *  reloaded after every output byte. */
typedef struct {
    const int32_t *per_channel_multiplier; /* or NULL: the per-tensor ones */
    const int32_t *per_channel_shift;
    int32_t multiplier;
    int32_t shift;
    int32_t output_offset;
    int32_t act_min;
    int32_t act_max;
} tml_requant_params;

/** The requantization fields of any int8 kernel's params struct (they share the names). */
#define TML_REQUANT_OF(p)                                                                                       \
    {(p)->per_channel_multiplier, (p)->per_channel_shift, (p)->output_multiplier, (p)->output_shift,            \
     (p)->output_offset, (p)->act_min, (p)->act_max}

/** tml_mul_by_quantized_mul for a requantization multiplier (in [0, 2^31), as quantize_multiplier
 *  makes them) with its shift already split: the doubling high multiply cannot saturate then, so
 *  it is one 64-bit multiply-add and a shift, and the rounding division needs no branch. */
TML_ALWAYS_INLINE int32_t tml_requant_core(int32_t x, int32_t multiplier, int32_t left, int32_t right)
{
    const int32_t mask = (int32_t)((1u << right) - 1u);
    int32_t remainder, threshold;
    x = (int32_t)((uint32_t)x << left);
    x = (int32_t)(((int64_t)x * multiplier + ((int64_t)1 << 30)) >> 31);
    remainder = x & mask;
    threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> right) + (remainder > threshold ? 1 : 0);
}

/** An int32 accumulator of output channel oc as int8: TFLM's requantization with the per-channel
 *  multiplier and shift (or the per-tensor ones), plus the output zero point, clamped to the
 *  activation range. */
TML_ALWAYS_INLINE int8_t tml_requant_s8(const tml_requant_params *rq, int32_t acc, int32_t oc)
{
    int32_t multiplier = rq->multiplier, shift = rq->shift, left;
    if (rq->per_channel_multiplier) {
        multiplier = rq->per_channel_multiplier[oc];
        shift = rq->per_channel_shift[oc];
    }
    left = shift > 0 ? shift : 0;
    acc = tml_requant_core(acc, multiplier, left, left - shift) + rq->output_offset;
    return (int8_t)tml_clamp_i32(acc, rq->act_min, rq->act_max);
}

/** tml_requant_s8 with the channel's multiplier and shift already at hand (kernels that requantize
 *  several outputs of one channel read them once: int8 stores may alias the arrays, so the compiler
 *  would read them again after every store). */
TML_ALWAYS_INLINE int8_t tml_requant_s8_ms(const tml_requant_params *rq, int32_t acc, int32_t multiplier,
                                           int32_t shift)
{
    const int32_t left = shift > 0 ? shift : 0;
    acc = tml_requant_core(acc, multiplier, left, left - shift) + rq->output_offset;
    return (int8_t)tml_clamp_i32(acc, rq->act_min, rq->act_max);
}

/** An int16x8 accumulator of output channel oc as int16 (zero point 0): TFLM's 64-bit requantization
 *  (acc64, the kernels with an int64 bias) or its 32-bit one (an int32 bias or none), clamped. */
TML_ALWAYS_INLINE int16_t tml_requant_s16(const tml_requant_params *rq, int64_t acc, int32_t oc, int32_t acc64)
{
    int32_t multiplier = rq->multiplier, shift = rq->shift, v;
    if (rq->per_channel_multiplier) {
        multiplier = rq->per_channel_multiplier[oc];
        shift = rq->per_channel_shift[oc];
    }
    v = acc64 ? tml_mul_by_quantized_mul_64(acc, multiplier, shift)
              : tml_mul_by_quantized_mul((int32_t)acc, multiplier, shift);
    return (int16_t)tml_clamp_i32(v + rq->output_offset, rq->act_min, rq->act_max);
}

/** Bias element oc of an int16x8 kernel: int64 when acc64, else int32 (or no bias: 0). */
TML_ALWAYS_INLINE int64_t tml_bias_s16(const void *bias, int32_t oc, int32_t acc64)
{
    if (!bias) {
        return 0;
    }
    return acc64 ? ((const int64_t *)bias)[oc] : (int64_t)((const int32_t *)bias)[oc];
}

#if defined(TML_ARCH_XTENSA) || defined(TML_ARCH_ARC)
#define TML_ARCH_SCALAR 1
#endif

#if defined(TML_ARCH_SCALAR)
/* ------------------------------------------------------------ 32-bit cores without SIMD that GCC uses:
 * Xtensa (ESP32 LX6: MUL16, MAC16, zero-overhead loops) and ARC EM (GCC has no EM9D DSP intrinsics).
 * The gains come from the generator's folded bias (raw int8 inputs, no offset add per MAC), from two
 * output rows sharing each input load, and from unrolling by four (16-bit operands: MUL16 on Xtensa;
 * counted loops: Xtensa LOOP and ARC LP zero-overhead loops). The same C on both; tested on Xtensa. */

/** The int8 GEMM of FULLY_CONNECTED and pointwise CONV_2D: out[b][o] = requant(folded[o] + x[b] . w[o])
 *  for batches rows of depth inputs and rows outputs; weights [rows][depth]. */
TML_HOT static inline void tml_gemm_s8_scalar(const tml_requant_params *rq, const int8_t *x, int32_t batches,
                                              int32_t depth, const int8_t *weights, int32_t rows,
                                              const int32_t *folded, int8_t *out)
{
    const int32_t depth4 = depth & ~3;
    int32_t b, o, d;
    for (b = 0; b < batches; b++, x += depth, out += rows) {
        for (o = 0; o + 2 <= rows; o += 2) {
            const int8_t *w0 = weights + o * depth, *w1 = w0 + depth;
            int32_t a0 = folded[o], a1 = folded[o + 1];
            for (d = 0; d < depth4; d += 4) {
                const int16_t x0 = x[d], x1 = x[d + 1], x2 = x[d + 2], x3 = x[d + 3];
                a0 += x0 * (int16_t)w0[d] + x1 * (int16_t)w0[d + 1] + x2 * (int16_t)w0[d + 2] +
                      x3 * (int16_t)w0[d + 3];
                a1 += x0 * (int16_t)w1[d] + x1 * (int16_t)w1[d + 1] + x2 * (int16_t)w1[d + 2] +
                      x3 * (int16_t)w1[d + 3];
            }
            for (; d < depth; d++) {
                a0 += (int16_t)x[d] * (int16_t)w0[d];
                a1 += (int16_t)x[d] * (int16_t)w1[d];
            }
            out[o] = tml_requant_s8(rq, a0, o);
            out[o + 1] = tml_requant_s8(rq, a1, o + 1);
        }
        if (o < rows) {
            const int8_t *w0 = weights + o * depth;
            int32_t a0 = folded[o];
            for (d = 0; d < depth; d++) {
                a0 += (int16_t)x[d] * (int16_t)w0[d];
            }
            out[o] = tml_requant_s8(rq, a0, o);
        }
    }
}
#endif

TML_ALWAYS_INLINE float tml_clamp_f32(float x, float lo, float hi)
{
    return x < lo ? lo : (x > hi ? hi : x);
}

#if defined(TML_ARCH_ARM_DSP)
/* ------------------------------------------------------------ Armv7E-M SIMD helpers */

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

#endif /* TML_ARCH_ARM_DSP */

/* ------------------------------------------------------------ I/O helpers */

/** Quantize a real value for a quantized tensor (round half away from zero, saturate). */
static inline int32_t tml_quantize(const tml_tensor_info *t, float x)
{
    float v = x / t->scale;
    int32_t lo, hi, q;
    v = v >= 0.0f ? v + 0.5f : v - 0.5f;
    switch (t->dtype) {
    case TML_INT8: lo = -128; hi = 127; break;
    case TML_UINT8: lo = 0; hi = 255; break;
    case TML_INT16: lo = -32768; hi = 32767; break;
    default: lo = INT32_MIN; hi = INT32_MAX; break;
    }
    if (v > 2147483520.0f) {
        q = INT32_MAX;
    } else if (v < -2147483520.0f) {
        q = INT32_MIN;
    } else {
        q = (int32_t)v;
    }
    q = (q > hi - t->zero_point) ? hi : (q < lo - t->zero_point ? lo : q + t->zero_point);
    return q;
}

static inline float tml_dequantize(const tml_tensor_info *t, int32_t q)
{
    return t->scale * (float)(q - t->zero_point);
}

/** Write n real values into a tensor buffer of any dtype (quantizing if needed). */
static inline void tml_write_f32(const tml_tensor_info *t, void *buf, const float *x, uint32_t n)
{
    uint32_t i;
    for (i = 0; i < n && i < t->count; i++) {
        switch (t->dtype) {
        case TML_FLOAT32: ((float *)buf)[i] = x[i]; break;
        case TML_INT8: ((int8_t *)buf)[i] = (int8_t)tml_quantize(t, x[i]); break;
        case TML_UINT8: ((uint8_t *)buf)[i] = (uint8_t)tml_quantize(t, x[i]); break;
        case TML_INT16: ((int16_t *)buf)[i] = (int16_t)tml_quantize(t, x[i]); break;
        case TML_INT32: ((int32_t *)buf)[i] = t->scale != 0.0f ? tml_quantize(t, x[i]) : (int32_t)x[i]; break;
        default: break;
        }
    }
}

/** Element i of a tensor buffer of any dtype as a real value (dequantized if quantized). */
static inline float tml_read_one_f32(const tml_tensor_info *t, const void *buf, uint32_t i)
{
    int32_t q;
    switch (t->dtype) {
    case TML_FLOAT32: return ((const float *)buf)[i];
    case TML_INT8: q = ((const int8_t *)buf)[i]; break;
    case TML_UINT8: q = ((const uint8_t *)buf)[i]; break;
    case TML_INT16: q = ((const int16_t *)buf)[i]; break;
    case TML_INT32: q = ((const int32_t *)buf)[i]; break;
    default: q = 0; break;
    }
    return t->scale != 0.0f ? tml_dequantize(t, q) : (float)q;
}

/** Read n real values from a tensor buffer of any dtype (dequantizing if needed). */
static inline void tml_read_f32(const tml_tensor_info *t, const void *buf, float *x, uint32_t n)
{
    uint32_t i;
    for (i = 0; i < n && i < t->count; i++) {
        x[i] = tml_read_one_f32(t, buf, i);
    }
}

/** Index of the largest element (the first of equal ones): the class a classifier picked. */
static inline int tml_argmax(const tml_tensor_info *t, const void *buf)
{
    uint32_t i, best = 0;
    float best_value = t->count > 0 ? tml_read_one_f32(t, buf, 0) : 0.0f;
    for (i = 1; i < t->count; i++) {
        float v = tml_read_one_f32(t, buf, i);
        if (v > best_value) {
            best_value = v;
            best = i;
        }
    }
    return (int)best;
}

#ifdef __cplusplus
}
#endif

#endif /* TINYML_TML_COMMON_H */
